"""Call.replay, record by record: what it checks, what each refusal names, what it rebuilds.

``test_boundaries.py`` pins the kinds of bad input down; here each check of
``callflow._replay`` is driven on its own, with the field, value and reason a
reader of the error sees, and the replayed call is compared with the one that
made the history.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from tests.books import AnsweringBook

from callflow import (
    AccessDeniedError,
    Agent,
    Call,
    Caller,
    EventRecord,
    InvalidTransitionError,
    ManualClock,
    MemoryTicketBook,
    PhoneMessage,
    PromiseLedger,
    RuleBreach,
    Stage,
    Thresholds,
    Ticket,
    ValidationError,
)
from callflow.clock import utc_now

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
RUI = Caller(name="Rui Costa", user_id="E9876")
BREACH = RuleBreach("CF507", "the line was taken out of turn", "out_of_turn")


def new_call(
    mode: str = "strict", book: MemoryTicketBook | None = None, call_id: str | None = "C-1"
) -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    return Call(agent=BILL, clock=clock, mode=mode, book=book, call_id=call_id), clock


def listened(book: MemoryTicketBook | None = None) -> tuple[Call, ManualClock]:
    """A call answered, its caller identified, the problem heard (a ticket opened with a book)."""
    call, clock = new_call(book=book)
    clock.advance(seconds=5)
    call.answer()
    clock.advance(seconds=10)
    call.identify(ANA, verified=True)
    clock.advance(seconds=10)
    call.listen("The printer jams")
    return call, clock


def refusal(history: Sequence[object], **arguments: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Call.replay(history, **arguments)  # type: ignore[arg-type]
    return caught.value


def facts(call: Call) -> tuple[object, ...]:
    return (
        call.history,
        call.findings,
        call.stage,
        call.caller,
        call.caller_verified,
        call.problem,
        call.ticket_number,
        call.earlier_tickets,
        call.call_id,
        call.mode,
        call.thresholds,
        call.agent,
    )


class TestTheHistoryAsAWhole:
    @pytest.mark.parametrize(
        "history", [None, "ring", b"ring", 42, {"event": "ring"}, iter(()), (r for r in [1])]
    )
    def test_what_is_not_a_sequence(self, history: object) -> None:
        error = refusal(history)  # type: ignore[arg-type]
        assert ("history", history, "must be a sequence of EventRecord") == (
            error.field,
            error.value,
            error.reason,
        )

    @pytest.mark.parametrize("history", [[], ()])
    def test_an_empty_history(self, history: Sequence[EventRecord]) -> None:
        error = refusal(history)
        assert ("history", history, "must start with the call's 'ring' record") == (
            error.field,
            error.value,
            error.reason,
        )

    @pytest.mark.parametrize("kind", [list, tuple])
    def test_a_list_or_a_tuple_is_replayed(self, kind: type) -> None:
        call, _ = listened()
        assert facts(call) == facts(Call.replay(kind(call.history)))

    def test_a_record_that_is_not_a_record(self) -> None:
        call, _ = listened()
        for index in range(len(call.history) + 1):
            history: list[object] = list(call.history)
            history.insert(index, "answer")
            error = refusal(history)
            assert (f"history[{index}]", "answer", "must be an EventRecord") == (
                error.field,
                error.value,
                error.reason,
            )


class TestTheRingRecord:
    def test_a_history_must_start_with_its_ring(self) -> None:
        call, _ = listened()
        error = refusal(call.history[1:])
        assert ("history[0]", call.history[1], "must be the call's 'ring' record") == (
            error.field,
            error.value,
            error.reason,
        )

    @pytest.mark.parametrize("missing", ["agent", "mode", "thresholds", "call_id"])
    def test_a_ring_without_one_of_its_keys(self, missing: str) -> None:
        call, _ = new_call()
        ring = call.history[0]
        payload = {key: value for key, value in ring.payload.items() if key != missing}
        doctored = attrs.evolve(ring, payload=payload)
        error = refusal([doctored])
        assert ("history[0]", doctored, "must be the call's 'ring' record") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_ring_with_observed_data(self) -> None:
        call, _ = new_call()
        doctored = attrs.evolve(call.history[0], observed={"line": ()})
        error = refusal([doctored])
        assert ("history[0]", doctored, "must be the call's 'ring' record") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_ring_no_call_makes(self) -> None:
        """A ring moving the call out of RINGING has the right keys but is not a call's."""
        call, _ = new_call()
        doctored = attrs.evolve(call.history[0], to_stage=Stage.GREETING)
        error = refusal([doctored])
        assert ("history[0]", doctored, "is not a ring record a call makes") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_ring_value_refused_is_named_in_the_payload(self) -> None:
        call, _ = new_call()
        ring = call.history[0]
        doctored = attrs.evolve(ring, payload={**ring.payload, "call_id": "  "})
        error = refusal([doctored])
        with pytest.raises(ValidationError) as direct:
            Call(agent=BILL, call_id="  ")
        assert ("history[0].payload.call_id", "  ", direct.value.reason) == (
            error.field,
            error.value,
            error.reason,
        )

    def test_the_calls_own_thresholds_are_replayed(self) -> None:
        """A call answered on its fourth ring breaks the default limit, not its own of five."""
        clock = ManualClock(START)
        call = Call(agent=BILL, clock=clock, thresholds=Thresholds(max_rings=5))
        clock.advance(seconds=20)
        call.answer()
        again = Call.replay(call.history)
        assert (Thresholds(max_rings=5), (), facts(call)) == (
            again.thresholds,
            again.findings,
            facts(again),
        )

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_the_ring_alone_is_replayed(self, mode: str) -> None:
        call, _ = new_call(mode, call_id=None)
        again = Call.replay([call.history[0]])
        assert facts(call) == facts(again)


class TestEachRecord:
    def test_an_event_the_procedure_does_not_have(self) -> None:
        call, _ = listened()
        bogus = attrs.evolve(call.history[-1], event="dance")
        error = refusal([*call.history, bogus])
        assert ("history[4].event", "dance", "is not an event of the procedure") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_record_before_the_one_before_it(self) -> None:
        """Each record is compared with the one just before it, not the ring."""
        call, _ = listened()
        second = call.history[2].at
        early = attrs.evolve(call.history[3], at=second - timedelta(microseconds=1))
        error = refusal([*call.history[:3], early])
        reason = f"must not be before the record before it, at {second.isoformat()}"
        assert ("history[3].at", early.at, reason) == (error.field, error.value, error.reason)

    def test_a_record_at_the_same_time_as_the_one_before(self) -> None:
        call, _ = new_call()
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        assert 1 == len({record.at for record in call.history})
        assert facts(call) == facts(Call.replay(call.history))

    def test_a_payload_without_what_the_event_needs(self) -> None:
        call, _ = listened()
        doctored = attrs.evolve(call.history[2], payload={"verified": True})
        error = refusal([*call.history[:2], doctored, *call.history[3:]])
        reason = "does not fit 'identify', which takes caller, verified"
        assert ("history[2].payload", {"verified": True}, reason) == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_payload_with_more_than_the_event_takes(self) -> None:
        call, _ = listened()
        payload = {**call.history[3].payload, "urgent": True}
        doctored = attrs.evolve(call.history[3], payload=payload)
        error = refusal([*call.history[:3], doctored])
        assert (
            "history[3].payload",
            payload,
            "does not fit 'listen', which takes needs_verification, problem",
        ) == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_payload_with_only_what_the_event_needs(self) -> None:
        """Arguments with defaults may be left out: the typed payload fills them in; it replays."""
        call, _ = new_call()
        call.answer()
        call.identify(ANA)
        doctored = attrs.evolve(call.history[2], payload={"caller": ANA})
        assert {"caller": ANA, "verified": False} == doctored.payload
        assert call.history == Call.replay([*call.history[:2], doctored]).history

    def test_every_payload_is_checked_before_anything_is_replayed(self) -> None:
        """A later record's bad payload is named, not an earlier record that cannot be replayed."""
        call, _ = listened()
        refused = attrs.evolve(call.history[1], to_stage=Stage.DIAGNOSIS)
        bad = attrs.evolve(call.history[3], payload={"issue": "jams"})
        error = refusal([call.history[0], refused, *call.history[2:3], bad])
        assert ("history[3].payload", {"issue": "jams"}) == (error.field, error.value)

    def test_a_payload_value_refused_by_the_event(self) -> None:
        call, _ = listened()
        doctored = attrs.evolve(call.history[3], payload={"problem": "   "})
        error = refusal([*call.history[:3], doctored])
        with pytest.raises(ValidationError) as direct:
            new_call()[0].listen("   ")
        assert ("history[3].payload.problem", "   ", direct.value.reason) == (
            error.field,
            error.value,
            error.reason,
        )

    def test_an_event_the_call_refuses(self) -> None:
        call, _ = listened()
        record = call.history[2]
        skipped = EventRecord(
            "diagnose", Stage.GREETING, Stage.DIAGNOSIS, record.at, {"label": "x"}
        )
        live, _ = new_call()
        live.answer()
        with pytest.raises(InvalidTransitionError) as direct:
            live.diagnose("x")
        error = refusal([*call.history[:2], skipped])
        assert ("history[2]", skipped, f"cannot be replayed: {direct.value}") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_record_its_event_does_not_produce(self) -> None:
        call, _ = listened()
        doctored = attrs.evolve(call.history[3], to_stage=Stage.DIAGNOSIS)
        error = refusal([*call.history[:3], doctored])
        reason = "does not match what replaying its event produced"
        assert ("history[3]", doctored, reason) == (error.field, error.value, error.reason)

    def test_a_record_at_another_time_than_it_says(self) -> None:
        """Each event is replayed at its own record's time."""
        call, clock = listened()
        clock.advance(seconds=180)
        call.troubleshoot("Printed a test page")
        again = Call.replay(call.history, clock=ManualClock(START + timedelta(days=1)))
        assert [record.at for record in call.history] == [record.at for record in again.history]


class TestObservedData:
    """Only what an event looks up may come with it, and only of the kind it looks up."""

    def doctored(self, call: Call, **observed: object) -> list[EventRecord]:
        return [*call.history[:-1], attrs.evolve(call.history[-1], observed=observed)]

    def test_a_listen_opening_a_ticket(self) -> None:
        call, _ = listened(MemoryTicketBook())
        assert {"ticket": "T-000001", "earlier": ()} == dict(call.history[-1].observed)
        again = Call.replay(call.history)
        assert ("T-000001", None, facts(call)) == (again.ticket_number, again.ticket, facts(again))

    def test_the_earlier_tickets_a_listen_found(self) -> None:
        call, _ = listened()
        history = self.doctored(call, ticket="T-3", earlier=("T-1", "T-2"))
        again = Call.replay(history)
        assert ("T-3", ("T-1", "T-2")) == (again.ticket_number, again.earlier_tickets)

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("ticket", 5),
            ("ticket", ""),
            ("ticket", "   "),
            ("ticket", ("T-1",)),
            ("earlier", ["T-1"]),
            ("earlier", ("T-1", " ")),
            ("earlier", ("T-1", 2)),
            ("earlier", "T-1"),
            ("line", ()),
        ],
    )
    def test_what_a_listen_does_not_look_up(self, key: str, value: object) -> None:
        call, _ = listened()
        error = refusal(self.doctored(call, **{key: value}))
        assert (f"history[3].observed[{key!r}]", value, "is not something 'listen' looks up") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_what_the_desk_said_at_the_answer(self) -> None:
        """In audit mode the breaches kept at the answer are findings again."""
        call, _ = new_call("audit")
        call.answer()
        history = self.doctored(call, line=(BREACH,))
        again = Call.replay(history)
        assert [("CF507", "answer")] == [(f.rule, f.event) for f in again.findings]
        assert history == list(again.history)

    @pytest.mark.parametrize("value", [[BREACH], (BREACH, "CF507"), BREACH, None])
    @pytest.mark.parametrize("event", ["answer", "resume", "assign"])
    def test_breaches_of_the_wrong_kind(self, event: str, value: object) -> None:
        call, _ = new_call("audit")
        record = EventRecord(event, Stage.RINGING, Stage.GREETING, START)
        key = "ticket_findings" if event == "assign" else "line"
        error = refusal([*call.history, attrs.evolve(record, observed={key: value})])
        assert (f"history[1].observed[{key!r}]", value, f"is not something {event!r} looks up") == (
            error.field,
            error.value,
            error.reason,
        )

    @pytest.mark.parametrize("event", ["answer", "resume", "assign"])
    def test_breaches_of_the_right_kind_pass_the_check(self, event: str) -> None:
        """Well-formed observed breaches are not refused as data; the event then is replayed."""
        call, _ = new_call("audit")
        key = "ticket_findings" if event == "assign" else "line"
        record = EventRecord(event, Stage.RINGING, Stage.GREETING, START, observed={key: (BREACH,)})
        if event == "answer":  # a record an audit call on a desk makes: it replays
            replayed = Call.replay([*call.history, record])
            assert [BREACH.rule] == [finding.rule for finding in replayed.findings]
            return
        error = refusal([*call.history, record])
        assert not error.field.startswith("history[1].observed")

    def test_what_hang_up_looked_up(self) -> None:
        call, _ = new_call("audit", book=MemoryTicketBook())
        call.answer()
        call.hang_up()
        assert {"case": False} == dict(call.history[-1].observed)
        assert facts(call) == facts(Call.replay(call.history))
        for value in (0, 1, "False", None):
            error = refusal(self.doctored(call, case=value))
            assert ("history[2].observed['case']", value) == (error.field, error.value)
            assert "is not something 'hang_up' looks up" == error.reason

    def test_what_take_message_looked_up(self) -> None:
        call, _ = new_call("audit")
        call.answer()
        message = PhoneMessage(caller_name="Ana Souza", text="Call me", taken_at=START)
        call.take_message(message)
        promised = self.doctored(call, promise="P-1")
        again = Call.replay(promised)
        assert promised == list(again.history)
        for value in ("", " ", 1):
            error = refusal(self.doctored(call, promise=value))
            assert ("history[2].observed['promise']", value) == (error.field, error.value)
            assert "is not something 'take_message' looks up" == error.reason

    def test_an_event_that_looks_nothing_up(self) -> None:
        call, _ = listened()
        call.troubleshoot("Printed a test page")
        error = refusal(self.doctored(call, ticket="T-1"))
        assert ("history[4].observed['ticket']", "T-1") == (error.field, error.value)
        assert "is not something 'troubleshoot' looks up" == error.reason

    def test_the_observed_data_stands_in_for_the_book(self) -> None:
        """Replayed without its book, a call opens no ticket and writes nothing."""
        book = MemoryTicketBook()
        call, _ = listened(book)
        again = Call.replay(call.history)
        assert (1, None, None) == (len(book), again.ticket, again.book)


class TestArguments:
    @pytest.mark.parametrize(
        ("arguments", "field", "reason"),
        [
            ({"clock": "now"}, "clock", "must be a callable returning an aware datetime"),
            ({"book": {}}, "book", "must be a TicketBook (see callflow.MemoryTicketBook)"),
            ({"promises": []}, "promises", "must be a PromiseLedger"),
        ],
    )
    def test_each_argument_of_the_wrong_kind(
        self, arguments: dict[str, object], field: str, reason: str
    ) -> None:
        call, _ = listened()
        error = refusal(call.history, **arguments)
        assert (field, arguments[field], reason) == (error.field, error.value, error.reason)

    def test_the_history_is_checked_first(self) -> None:
        error = refusal([], clock="now", book={}, promises=[])
        assert "history" == error.field

    def test_the_arguments_are_checked_before_the_payloads(self) -> None:
        call, _ = listened()
        bad = attrs.evolve(call.history[-1], payload={"issue": "jams"})
        assert "clock" == refusal([*call.history[:-1], bad], clock="now").field
        assert "book" == refusal([*call.history[:-1], bad], book={}).field
        assert "promises" == refusal([*call.history[:-1], bad], promises=[]).field

    def test_the_clock_book_and_ledger_given_are_kept(self) -> None:
        book, clock, promises = MemoryTicketBook(), ManualClock(START), PromiseLedger()
        call, _ = new_call()
        again = Call.replay(call.history, clock=clock, book=book, promises=promises)
        assert (clock, book, promises, None) == (
            again.clock,
            again.book,
            again.promises,
            again.ticket,
        )

    def test_without_them_the_call_goes_on_in_real_time(self) -> None:
        call, _ = new_call()
        again = Call.replay(call.history)
        assert (utc_now, None, None) == (again.clock, again.book, again.promises)


class TestTheTicketTakenUp:
    def test_the_ticket_is_taken_up_and_the_call_goes_on_with_it(self) -> None:
        book = MemoryTicketBook()
        call, clock = listened(book)
        ticket = book.get("T-000001")
        again = Call.replay(call.history, book=book, clock=clock)
        assert ticket is again.ticket
        again.troubleshoot("Printed a test page")
        assert "Printed a test page" in [note.text for note in ticket.notes]

    @pytest.mark.parametrize("answer", ["T-000001", None])
    def test_a_book_that_answers_with_no_ticket(self, answer: object) -> None:
        call, _ = listened(MemoryTicketBook())
        error = refusal(call.history, book=AnsweringBook(answer))
        assert ("book.get('T-000001')", answer, "must be that ticket") == (
            error.field,
            error.value,
            error.reason,
        )

    def test_a_book_that_answers_with_another_ticket(self) -> None:
        call, _ = listened(MemoryTicketBook())
        other = Ticket("T-000002", ANA, description="Another problem")
        error = refusal(call.history, book=AnsweringBook(other))
        assert ("book.get('T-000001')", other, "must be that ticket") == (
            error.field,
            error.value,
            error.reason,
        )

    @pytest.mark.parametrize(
        "owner", [RUI, Caller(name="Ana Souza"), Caller(name="Rui Costa", user_id="E12345")]
    )
    def test_a_ticket_of_another_caller(self, owner: Caller) -> None:
        """The history names the caller; a ticket not theirs is refused, nothing taken up."""
        call, _ = listened(MemoryTicketBook())
        theirs = Ticket("T-000001", owner, description="Their problem")
        with pytest.raises(AccessDeniedError) as caught:
            Call.replay(call.history, book=AnsweringBook(theirs))
        reason = "it belongs to another caller than the one the history identifies"
        assert ("ticket T-000001", reason) == (caught.value.resource, caught.value.reason)

    def test_a_ticket_named_by_a_call_that_identified_nobody(self) -> None:
        """An audit call that took up a ticket without a caller cannot claim it in a book."""
        call, _ = new_call("audit")
        call.answer()
        call.follow_up("T-000001")
        assert (None, "T-000001") == (call.caller, call.ticket_number)
        ticket = Ticket("T-000001", ANA, description="Printer jams")
        with pytest.raises(AccessDeniedError) as caught:
            Call.replay(call.history, book=AnsweringBook(ticket))
        assert "ticket T-000001" == caught.value.resource

    def test_the_callers_own_ticket_from_a_custom_book(self) -> None:
        call, _ = listened(MemoryTicketBook())
        own = Ticket("T-000001", Caller(name="A. Souza", user_id="E1234"), description="Jams")
        assert own is Call.replay(call.history, book=AnsweringBook(own)).ticket
