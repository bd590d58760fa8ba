"""A call screened for someone unavailable: screening context, message, callback promise."""

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from callflow import (
    Agent,
    Call,
    Caller,
    Desk,
    InvalidTransitionError,
    ManualClock,
    Outcome,
    PhoneMessage,
    PromiseKind,
    PromiseLedger,
    Stage,
    ValidationError,
)
from callflow.callbacks import CallbackWindow

START = datetime(2026, 3, 27, 13, 0, tzinfo=UTC)  # 10:00 in São Paulo
AGENT = Agent(name="Bill", organisation="ACME Corp")
MESSAGE = PhoneMessage(
    caller_name="Ana Souza",
    for_whom="Maria Rossi",
    organisation="Acme Ltda",
    phone="+55 11 3456-7890",
    text="The contract is ready to sign",
    urgency="medium",
    callback="after 3pm",
    caller_zone="America/Sao_Paulo",
    taken_at=START,
    taken_by="Bill",
    read_back=True,
)


def screened(
    mode: str = "strict", promises: PromiseLedger | None = None
) -> tuple[Call, ManualClock]:
    """A call answered at 13:00:05 in which the caller asked for Maria Rossi, who is out."""
    clock = ManualClock(START)
    call = Call(agent=AGENT, mode=mode, clock=clock, promises=promises)
    clock.advance(seconds=5)
    call.answer()
    call.screen("Maria Rossi")
    clock.advance(seconds=20)
    call.screen("Maria Rossi", available=False)
    return call, clock


class TestScreening:
    """call.screening tells the language checks when the agent screened the call."""

    def test_no_screening_without_a_request_for_someone(self) -> None:
        """A call in which nobody was asked for has no screening."""
        call = Call(agent=AGENT, clock=ManualClock(START))
        call.answer()
        assert call.screening is None

    def test_a_screening_ended_by_a_message(self) -> None:
        """From the first screen to the message: who, availability, times and indexes."""
        call, clock = screened()
        clock.advance(seconds=30)
        call.take_message(MESSAGE)
        screening = call.screening
        assert screening is not None
        assert ("Maria Rossi", False, START + timedelta(seconds=5)) == (
            screening.wanted,
            screening.available,
            screening.since,
        )
        assert (START + timedelta(seconds=55), 2, 4) == (
            screening.until,
            screening.first_event,
            screening.last_event,
        )
        assert screening.covers(START + timedelta(seconds=54))
        assert not screening.covers(screening.until)
        assert not screening.covers(START)

    def test_identifying_the_caller_is_part_of_the_screening(self) -> None:
        """'May I tell them who's calling?' happens while screening; listening ends it."""
        call, clock = screened()
        call.identify(Caller(name="Ana Souza"), verified=True)
        assert call.screening is not None
        assert call.screening.until is None
        clock.advance(seconds=10)
        call.listen("then maybe you can help me")
        assert (START + timedelta(seconds=35), 5) == (
            call.screening.until,
            call.screening.last_event,
        )

    def test_the_latest_availability_wins(self) -> None:
        """A second screen updates availability and the person; the start stays."""
        call, _ = screened()
        call.screen("Maria Rossi", available=True)
        assert call.screening is not None
        assert (True, START + timedelta(seconds=5)) == (
            call.screening.available,
            call.screening.since,
        )

    def test_a_screen_outside_the_greeting(self) -> None:
        """Strict mode refuses a screen after the greeting; audit records CF001."""
        call, _ = screened()
        call.identify(Caller(name="Ana Souza"), verified=True)
        call.listen("my laptop")
        with pytest.raises(InvalidTransitionError):
            call.screen("Maria Rossi")
        audit, _ = screened("audit")
        audit.identify(Caller(name="Ana Souza"), verified=True)
        audit.listen("my laptop")
        audit.screen("Maria Rossi")
        assert (["CF001"], Stage.VENTING) == ([f.rule for f in audit.findings], audit.stage)


class TestTakeMessage:
    """take_message ends the call with the message, checked by CF1001-CF1004."""

    def test_a_complete_message_ends_the_call(self) -> None:
        """Outcome MESSAGE_TAKEN, the message kept, no finding."""
        call, _ = screened()
        call.take_message(MESSAGE)
        assert (Stage.ENDED, Outcome.MESSAGE_TAKEN, MESSAGE, ()) == (
            call.stage,
            call.outcome,
            call.message,
            call.findings,
        )

    @pytest.mark.parametrize(
        ("change", "rule", "fragment"),
        [
            ({"organisation": None}, "CF1001", "organisation"),
            ({"phone": "555 0123", "region": "GB"}, "CF1002", "area code"),
            ({"read_back": False}, "CF1004", "read back"),
        ],
    )
    def test_strict_refuses_a_message_that_breaks_a_rule(
        self, change: dict[str, object], rule: str, fragment: str
    ) -> None:
        """The refusal names the rule and what is wrong; the call goes on unchanged."""
        call, _ = screened()
        before = (call.stage, call.history, call.findings)
        with pytest.raises(InvalidTransitionError, match=fragment) as caught:
            call.take_message(attrs.evolve(MESSAGE, **change))
        assert rule == caught.value.rule
        assert before == (call.stage, call.history, call.findings)

    def test_a_window_in_another_zone_is_refused(self) -> None:
        """A callback window in UTC for a caller in São Paulo is CF1003."""
        utc = CallbackWindow(START, START + timedelta(hours=2))
        call, _ = screened()
        with pytest.raises(InvalidTransitionError) as caught:
            call.take_message(attrs.evolve(MESSAGE, callback=utc))
        assert "CF1003" == caught.value.rule

    def test_audit_records_every_breach(self) -> None:
        """An empty slip in audit mode: one CF1001 per field, and CF1004."""
        call, _ = screened("audit")
        call.take_message(PhoneMessage())
        assert ["CF1001"] * 10 + ["CF1004"] == [f.rule for f in call.findings]
        assert Outcome.MESSAGE_TAKEN == call.outcome

    def test_only_from_the_greeting(self) -> None:
        """A message is taken instead of handling the problem, not after it."""
        call, _ = screened()
        call.identify(Caller(name="Ana Souza"), verified=True)
        call.listen("my laptop")
        with pytest.raises(InvalidTransitionError):
            call.take_message(MESSAGE)


class TestCallbackPromise:
    """With a ledger, the message's callback window becomes a tracked promise (CF607)."""

    def test_the_callback_is_promised_until_the_windows_end(self) -> None:
        """Due at the end of 'after 3pm' in São Paulo (18:00 there, 21:00 UTC)."""
        ledger = PromiseLedger()
        call, _ = screened(promises=ledger)
        call.take_message(MESSAGE)
        (promise,) = tuple(ledger)
        assert (PromiseKind.CALLBACK, "Ana Souza", "Bill", START + timedelta(seconds=25)) == (
            promise.kind,
            promise.to,
            promise.made_by,
            promise.made_at,
        )
        assert datetime(2026, 3, 27, 21, 0, tzinfo=UTC) == promise.due
        assert "Maria Rossi" in promise.what
        assert promise == call.callback_promise

    def test_a_late_callback_is_a_cf607_breach(self) -> None:
        """Not kept by the window's end: CF607, and the caller is on the list to call."""
        ledger = PromiseLedger()
        call, _ = screened(promises=ledger)
        call.take_message(MESSAGE)
        evening = datetime(2026, 3, 27, 22, 0, tzinfo=UTC)
        assert ["CF607"] == [b.rule for b in ledger.breaches(evening)]
        assert ("Ana Souza",) == ledger.callers_to_call(evening)
        assert call.callback_promise is not None
        ledger.keep(call.callback_promise.id, datetime(2026, 3, 27, 20, 0, tzinfo=UTC))
        assert () == ledger.breaches(evening)

    def test_no_ledger_no_promise(self) -> None:
        """Without a ledger the message is taken and nothing is promised."""
        call, _ = screened()
        call.take_message(MESSAGE)
        assert call.callback_promise is None

    def test_a_refused_message_promises_nothing(self) -> None:
        """Strict refusal: the ledger is untouched."""
        ledger = PromiseLedger()
        call, _ = screened(promises=ledger)
        with pytest.raises(InvalidTransitionError):
            call.take_message(attrs.evolve(MESSAGE, read_back=False))
        assert 0 == len(ledger)

    def test_a_window_over_before_the_call_is_an_error(self) -> None:
        """A recorded slip whose window ended before the call: ValidationError, nothing changes."""
        ledger = PromiseLedger()
        call, _ = screened("audit", promises=ledger)
        zone = MESSAGE.caller_zone
        past = CallbackWindow(
            datetime(2026, 3, 26, 15, tzinfo=zone), datetime(2026, 3, 26, 18, tzinfo=zone)
        )
        before = call.history
        with pytest.raises(ValidationError, match="ends before the message was taken"):
            call.take_message(attrs.evolve(MESSAGE, callback=past))
        assert (before, 0) == (call.history, len(ledger))

    def test_replay_promises_nothing_twice(self) -> None:
        """A replay with the ledger finds the same promise; the ledger still has one."""
        ledger = PromiseLedger()
        call, _ = screened(promises=ledger)
        call.take_message(MESSAGE)
        replayed = Call.replay(call.history, promises=ledger)
        assert (1, call.callback_promise) == (len(ledger), replayed.callback_promise)
        assert call.findings == replayed.findings
        assert Call.replay(call.history).callback_promise is None

    def test_a_desk_passes_its_ledger_to_its_calls(self) -> None:
        """Calls rung on a desk promise callbacks in the desk's ledger."""
        ledger = PromiseLedger()
        clock = ManualClock(START)
        desk = Desk(AGENT, clock=clock, promises=ledger)
        call = desk.ring()
        call.answer()
        call.take_message(MESSAGE)
        assert 1 == len(ledger)
        assert call.promises is ledger

    def test_a_bad_ledger_is_refused(self) -> None:
        """promises= must be a PromiseLedger."""
        with pytest.raises(ValidationError, match="'promises'"):
            Call(agent=AGENT, promises=[])  # type: ignore[arg-type]
