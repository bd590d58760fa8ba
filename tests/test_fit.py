"""Issue 11: the core procedure fitted to what real calls do.

Each class is one point of the issue: the false alarm real calls raised is
gone, and the departure the rule is there for is still found.
"""

from datetime import UTC, datetime

import pytest

from callflow import (
    Agent,
    Call,
    Caller,
    InvalidTransitionError,
    ManualClock,
    Stage,
)
from callflow.snapshot import dumps, loads

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
MARY = Caller(name="Mary Jones", user_id="C-77")


def audit_call(**settings: object) -> Call:
    return Call(agent=BILL, clock=ManualClock(START), mode="audit", **settings)  # type: ignore[arg-type]


def rules(call: Call) -> list[tuple[str, int, str, Stage]]:
    return [(f.rule, f.event_index, f.event, f.stage) for f in call.findings]


def through_venting(call: Call) -> None:
    call.answer()
    call.identify(MARY, verified=True)
    call.listen("The printer jams")


def the_rest(call: Call) -> None:
    """Troubleshooting to the end, in order."""
    call.troubleshoot("Checked the tray", result="Roller worn")
    call.diagnose("printer/paper-feed")
    call.propose("Replace the roller")
    call.implement("Roller replaced")
    call.goodbye(resolution_confirmed=True, anything_else_asked=True)
    call.hang_up()


def replays_the_same(call: Call) -> None:
    again = Call.replay(call.history)
    assert (again.history, again.findings, again.stage) == (
        call.history,
        call.findings,
        call.stage,
    )
    restored = loads(dumps(call))
    assert (restored.history, restored.findings) == (call.history, call.findings)


class TestOneDepartureOneFinding:
    """Audit mode reports a departure once, at its event, and resynchronises (point 4)."""

    def test_an_early_anything_else_is_one_finding(self) -> None:
        """The real call: "anything else?" asked while venting, then the procedure goes on."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)  # index 4: early
        the_rest(call)
        assert [("CF001", 4, "goodbye", Stage.VENTING)] == rules(call)
        early, resumed = call.history[4], call.history[5]
        assert (early.from_stage, early.to_stage) == (Stage.VENTING, Stage.GOODBYE)
        assert (resumed.event, resumed.from_stage) == ("troubleshoot", Stage.VENTING)
        assert Stage.ENDED is call.stage
        replays_the_same(call)

    def test_a_hold_between_does_not_settle_where_the_call_is(self) -> None:
        """Events every stage has (hold, resume) keep the place the early event left."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)
        call.hold(reason="checking the logs", asked_permission=True)
        call.resume(thanked=True)
        the_rest(call)
        assert ["CF001"] == [rule for rule, *_ in rules(call)]
        replays_the_same(call)

    def test_a_skip_the_call_goes_on_from_is_one_finding(self) -> None:
        """Straight to the fix: the call goes on from where the skip took it."""
        call = audit_call()
        through_venting(call)
        call.implement("Roller replaced")  # index 4: troubleshooting to resolution skipped
        call.goodbye(resolution_confirmed=True, anything_else_asked=True)
        call.hang_up()
        assert [("CF001", 4, "implement", Stage.VENTING)] == rules(call)
        assert Stage.ENDED is call.stage
        replays_the_same(call)

    def test_a_later_departure_after_resynchronising_is_still_found(self) -> None:
        """Back in step, a new skip (a plan with no diagnosis) is a finding of its own."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)
        call.troubleshoot("Checked the tray")
        call.propose("Replace the roller")  # index 6: no diagnosis
        assert [
            ("CF001", 4, "goodbye", Stage.VENTING),
            ("CF001", 6, "propose", Stage.TROUBLESHOOTING),
            ("CF405", 6, "propose", Stage.TROUBLESHOOTING),
        ] == rules(call)
        replays_the_same(call)

    def test_a_call_that_ends_after_the_early_goodbye_is_unresolved(self) -> None:
        """Hung up after it: the goodbye's CF001, then CF705 as the call ends with nothing done."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert [
            ("CF001", 4, "goodbye", Stage.VENTING),
            ("CF705", 5, "hang_up", Stage.GOODBYE),
        ] == rules(call)

    def test_an_in_order_goodbye_with_nothing_done_is_cf705_once(self) -> None:
        """The goodbye's own guard found it (audit mode): the end does not find it again."""
        call = audit_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.follow_up("T-000001")
        call.goodbye(anything_else_asked=True)  # index 4: nothing implemented or assigned
        call.hang_up()
        assert [("CF705", 4, "goodbye", Stage.IMPLEMENT_OR_ASSIGN)] == rules(call)

    def test_a_forced_event_owes_only_what_every_way_there_owes(self) -> None:
        """hang_up without the goodbye owes the confirmation (CF701); goodbye early owes nothing.

        The goodbye's guard (CF705, a fix first) is on the way in from
        IMPLEMENT_OR_ASSIGN only; a repeated goodbye owes nothing.
        """
        call = audit_call()
        through_venting(call)
        call.troubleshoot()
        call.diagnose("printer/paper-feed")
        call.propose("Replace the roller")
        call.implement("Roller replaced")
        call.hang_up()  # index 8: no goodbye, nothing confirmed
        assert [
            ("CF001", 8, "hang_up", Stage.IMPLEMENT_OR_ASSIGN),
            ("CF701", 8, "hang_up", Stage.IMPLEMENT_OR_ASSIGN),
            ("CF702", 8, "hang_up", Stage.IMPLEMENT_OR_ASSIGN),
        ] == rules(call)

    def test_strict_mode_still_refuses_the_early_goodbye(self) -> None:
        """Nothing changes in strict mode: the same refusal, the call as it was."""
        call = Call(agent=BILL, clock=ManualClock(START))
        through_venting(call)
        before = call.history
        with pytest.raises(InvalidTransitionError) as info:
            call.goodbye(anything_else_asked=True)
        assert (info.value.stage, info.value.rule) == (Stage.VENTING, None)
        assert before == call.history
