"""The procedure's guards and the soft rules, each triggered and each not, in both modes.

A guard (CF205, CF405, CF705, CF701, CF002) is a hard rule: strict mode refuses
the event and leaves the call as it was, audit mode performs it and records a
finding. A soft rule (CF101, CF702, CF706) never refuses anything: both modes
record a finding.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest
from tests.strategies import STATE_PROPERTIES

from callflow import (
    PROCEDURE,
    Agent,
    Call,
    Caller,
    InvalidTransitionError,
    ManualClock,
    Stage,
    Thresholds,
)
from callflow.escalation import Escalation, Target

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")

Script = Sequence[tuple[str, Mapping[str, object]]]

DESK_SIDE = Escalation(
    Target("Desk-side support"),
    "the feed roller needs a site visit",
    ticket="INC-42",
    next_steps="a technician replaces the roller at the desk",
    timeframe=timedelta(days=1),
    read_back=True,
)

ANSWERED: Script = [("answer", {})]
UNVERIFIED: Script = [*ANSWERED, ("identify", {"caller": ANA})]
VERIFIED: Script = [*ANSWERED, ("identify", {"caller": ANA, "verified": True})]
TROUBLESHOOTING: Script = [
    *VERIFIED,
    ("listen", {"problem": "The printer jams"}),
    ("troubleshoot", {"step": "Checked the paper tray"}),
]
UNLABELLED: Script = [*TROUBLESHOOTING, ("diagnose", {})]
LABELLED: Script = [*TROUBLESHOOTING, ("diagnose", {"label": "printer/paper-feed"})]
PROPOSED: Script = [*LABELLED, ("propose", {"plan": "Replace the feed roller"})]
FIXED: Script = [*PROPOSED, ("implement", {"action": "Feed roller replaced"})]
ASSIGNED: Script = [*PROPOSED, ("assign", {"escalation": DESK_SIDE})]
FOLLOWED_UP: Script = [*VERIFIED, ("follow_up", {"ticket": "INC-42"})]
HEARD: Script = [*ANSWERED, ("listen", {"problem": "I'd like to pay my bill"})]
UNVERIFIED_PROPOSED: Script = [
    *UNVERIFIED,
    ("listen", {"problem": "The printer jams"}),
    ("troubleshoot", {}),
    ("diagnose", {"label": "printer/paper-feed"}),
    ("propose", {"plan": "Replace the feed roller"}),
]
VERIFIED_LATER: Script = [*UNVERIFIED_PROPOSED, ("verify", {"method": "security_question"})]
UNVERIFIED_TRIED: Script = UNVERIFIED_PROPOSED[:4]  # heard, troubleshooting
ESCALATED = {"escalation": DESK_SIDE}
FULFILLED: Script = [
    *VERIFIED,
    ("listen", {"problem": "I'd like to order new checks"}),
    ("fulfil", {"action": "A new checkbook is on its way"}),
]
PUBLIC: Script = [*ANSWERED, ("listen", {"problem": "Branch hours?", "needs_verification": False})]
HOLD = {"reason": "Looking up the account", "asked_permission": True}
THANKS = {"thanked": True}
ON_HOLD: Script = [*ANSWERED, ("hold", HOLD)]
ASKED = {"anything_else_asked": True}


def new_call(mode: str, *, thresholds: Thresholds | None = None) -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    call = Call(agent=BILL, mode=mode, clock=clock, thresholds=thresholds or Thresholds())
    return call, clock


def run(call: Call, script: Script) -> None:
    for event, kwargs in script:
        getattr(call, event)(**kwargs)


def snapshot(call: Call) -> dict[str, object]:
    """Everything observable about a call."""
    return {
        **{name: getattr(call, name) for name in STATE_PROPERTIES},
        "history": call.history,
        "findings": call.findings,
        "allowed_events": call.allowed_events(),
        "measures": call.measures(),
    }


def findings_at(call: Call, index: int) -> list[str]:
    """The rules of the findings about the event at ``index`` in the history."""
    return [f.rule for f in call.findings if f.event_index == index]


class Case(NamedTuple):
    """An event sent after a script, and the guard rule at stake."""

    name: str
    script: Script
    event: str
    kwargs: Mapping[str, object]
    rule: str


TRIGGERING = [
    Case("implement unverified", UNVERIFIED_PROPOSED, "implement", {"action": "Done"}, "CF205"),
    Case("assign unverified", UNVERIFIED_PROPOSED, "assign", {"escalation": DESK_SIDE}, "CF205"),
    Case("inform unidentified", HEARD, "inform", {"answer": "At any branch"}, "CF205"),
    Case(
        "inform, one statement of several needs verification",
        [*PUBLIC, ("listen", {"problem": "And pay my bill"})],
        "inform",
        {"answer": "At any branch"},
        "CF205",
    ),
    Case("fulfil unidentified", HEARD, "fulfil", {"action": "Bill paid"}, "CF205"),
    Case("assign unverified troubleshooting", UNVERIFIED_TRIED, "assign", ESCALATED, "CF205"),
    Case("follow_up unverified", UNVERIFIED, "follow_up", {"ticket": "INC-42"}, "CF205"),
    Case("propose unlabelled", UNLABELLED, "propose", {"plan": "Reboot"}, "CF405"),
    Case("goodbye neither fixed nor assigned", FOLLOWED_UP, "goodbye", ASKED, "CF705"),
    Case(
        "hang_up fixed, unconfirmed",
        [*FIXED, ("goodbye", ASKED)],
        "hang_up",
        {},
        "CF701",
    ),
    Case("hold on hold", ON_HOLD, "hold", HOLD, "CF002"),
    Case("resume not on hold", ANSWERED, "resume", THANKS, "CF002"),
    Case("resume twice", [*ON_HOLD, ("resume", THANKS)], "resume", THANKS, "CF002"),
    Case("check_in not on hold", ANSWERED, "check_in", {}, "CF002"),
]
"""Cases where the guard must refuse the event."""

PASSING = [
    Case("implement verified later", VERIFIED_LATER, "implement", {"action": "Done"}, "CF205"),
    Case("assign verified later", VERIFIED_LATER, "assign", {"escalation": DESK_SIDE}, "CF205"),
    Case(
        "implement re-identified verified",
        [*UNVERIFIED_PROPOSED, ("identify", {"caller": ANA, "verified": True})],
        "implement",
        {"action": "Done"},
        "CF205",
    ),
    Case("inform a public request", PUBLIC, "inform", {"answer": "9 to 5"}, "CF205"),
    Case(
        "inform verified by a one-time code",
        [*HEARD, ("verify", {"method": "one_time_code"})],
        "inform",
        {"answer": "It is paid"},
        "CF205",
    ),
    Case("fulfil a public request", PUBLIC, "fulfil", {"action": "Brochure posted"}, "CF205"),
    Case(
        "fulfil verified by account details",
        [*HEARD, ("verify", {"method": "account_details"})],
        "fulfil",
        {"action": "Bill paid"},
        "CF205",
    ),
    Case("assign verified troubleshooting", TROUBLESHOOTING, "assign", ESCALATED, "CF205"),
    Case("follow_up verified", VERIFIED, "follow_up", {"ticket": "INC-42"}, "CF205"),
    Case("propose labelled", LABELLED, "propose", {"plan": "Reboot"}, "CF405"),
    Case(
        "propose, label kept over an unlabelled diagnose",
        [*LABELLED, ("diagnose", {})],
        "propose",
        {"plan": "Reboot"},
        "CF405",
    ),
    Case("goodbye fixed", FIXED, "goodbye", ASKED, "CF705"),
    Case("goodbye assigned", ASSIGNED, "goodbye", ASKED, "CF705"),
    Case("goodbye fulfilled", FULFILLED, "goodbye", ASKED, "CF705"),
    Case(
        "goodbye after a follow-up fix",
        [*FOLLOWED_UP, ("implement", {"action": "Replaced"})],
        "goodbye",
        ASKED,
        "CF705",
    ),
    Case(
        "hang_up fixed, confirmed",
        [*FIXED, ("goodbye", {"resolution_confirmed": True, **ASKED})],
        "hang_up",
        {},
        "CF701",
    ),
    Case(
        "hang_up fixed, confirmed at a second goodbye",
        [*FIXED, ("goodbye", ASKED), ("goodbye", {"resolution_confirmed": True})],
        "hang_up",
        {},
        "CF701",
    ),
    Case("hang_up assigned, unconfirmed", [*ASSIGNED, ("goodbye", ASKED)], "hang_up", {}, "CF701"),
    Case(
        "hang_up fulfilled, unconfirmed",
        [*FULFILLED, ("goodbye", ASKED)],
        "hang_up",
        {},
        "CF701",
    ),
    Case("hold", ANSWERED, "hold", HOLD, "CF002"),
    Case("hold again after resume", [*ON_HOLD, ("resume", THANKS)], "hold", HOLD, "CF002"),
    Case("resume on hold", ON_HOLD, "resume", THANKS, "CF002"),
    Case("check_in on hold", ON_HOLD, "check_in", {}, "CF002"),
]
"""Cases where the guard must let the event through."""


def _ids(cases: Sequence[Case]) -> list[str]:
    return [f"{case.rule}: {case.name}" for case in cases]


def guarded_row(stage: Stage, case: Case) -> tuple[Stage, list[str]]:
    """The table's destination for the case's event and the rules of its row's guards."""
    row = PROCEDURE.transition(stage, case.event)
    assert row is not None, f"{case.event!r} has no row from {stage.name}"
    return row.dest, [guard.rule for guard in row.guards]


class TestStrictGuards:
    """In strict mode a guard refuses its event and the call stays exactly as it was."""

    @pytest.mark.parametrize("case", TRIGGERING, ids=_ids(TRIGGERING))
    def test_the_guard_refuses_the_event(self, case: Case) -> None:
        """The error names the event, the stage and the guard's rule; nothing changes."""
        call, _ = new_call("strict")
        run(call, case.script)
        stage = call.stage
        _, rules = guarded_row(stage, case)
        assert case.rule in rules
        before = snapshot(call)
        with pytest.raises(InvalidTransitionError) as caught:
            getattr(call, case.event)(**case.kwargs)
        expected = (InvalidTransitionError, case.event, stage, case.rule)
        error = caught.value
        assert expected == (type(error), error.event, error.stage, error.rule)
        assert case.event not in error.allowed
        assert f"({case.rule})" in str(error)
        assert before == snapshot(call)

    @pytest.mark.parametrize("case", PASSING, ids=_ids(PASSING))
    def test_the_guard_lets_the_event_through(self, case: Case) -> None:
        """The event is recorded and moves the call where the table says."""
        call, _ = new_call("strict")
        run(call, case.script)
        stage, count = call.stage, len(call.history)
        dest, rules = guarded_row(stage, case)
        assert case.rule in rules
        getattr(call, case.event)(**case.kwargs)
        record = call.history[-1]
        expected = (count + 1, case.event, stage, dest, [])
        actual = (len(call.history), record.event, record.from_stage, record.to_stage)
        assert expected == (*actual, findings_at(call, count))


class TestAuditGuards:
    """In audit mode a guard's refusal becomes a finding, and the event happens anyway."""

    @pytest.mark.parametrize("case", TRIGGERING, ids=_ids(TRIGGERING))
    def test_the_guard_records_a_finding(self, case: Case) -> None:
        """The event moves the call as the table says, with one finding: the guard's rule."""
        call, _ = new_call("audit")
        run(call, case.script)
        stage, index = call.stage, len(call.history)
        dest, _ = guarded_row(stage, case)
        row = PROCEDURE.transition(stage, case.event)
        assert row is not None
        requirement = next(g.requirement for g in row.guards if g.rule == case.rule)
        getattr(call, case.event)(**case.kwargs)
        expected = (dest, [case.rule], case.event, stage)
        finding = call.findings[-1]
        assert expected == (call.stage, findings_at(call, index), finding.event, finding.stage)
        assert requirement in finding.message

    @pytest.mark.parametrize("case", PASSING, ids=_ids(PASSING))
    def test_no_finding_when_the_guard_is_met(self, case: Case) -> None:
        """The event moves the call as the table says and brings no finding at all."""
        call, _ = new_call("audit")
        run(call, case.script)
        stage, index = call.stage, len(call.history)
        dest, _ = guarded_row(stage, case)
        getattr(call, case.event)(**case.kwargs)
        expected: tuple[Stage, list[str]] = (dest, [])
        assert expected == (call.stage, findings_at(call, index))

    def test_scripts_bring_no_findings_of_their_own(self) -> None:
        """The scripts the cases start from are clean, so every finding is the case's."""
        for case in [*TRIGGERING, *PASSING]:
            call, _ = new_call("audit")
            run(call, case.script)
            expected: tuple[object, ...] = ()
            assert expected == call.findings, case.name


MODES = pytest.mark.parametrize("mode", ["strict", "audit"])


class TestAnswerByTheSecondRing:
    """CF101: answering after ``thresholds.max_rings`` rings is a finding in both modes."""

    @MODES
    @pytest.mark.parametrize(("rings", "late"), [(1, False), (2, False), (3, True), (6, True)])
    def test_ring_count_given(self, mode: str, rings: int, late: bool) -> None:
        """With ``rings=`` given, more than 2 rings (the default limit) is late."""
        call, _ = new_call(mode)
        call.answer(rings=rings)
        expected = [("CF101", 1, "answer", Stage.RINGING)] if late else []
        assert expected == [(f.rule, f.event_index, f.event, f.stage) for f in call.findings]
        assert Stage.GREETING is call.stage

    @MODES
    @pytest.mark.parametrize(
        ("seconds", "late"), [(0, False), (6, False), (12, False), (13, True), (60, True)]
    )
    def test_rings_counted_from_the_wait(self, mode: str, seconds: int, late: bool) -> None:
        """At 6 s a ring, 12 s is 2 rings (in time) and 13 s is 3 rings (late)."""
        call, clock = new_call(mode)
        clock.advance(seconds=seconds)
        call.answer()
        expected = ["CF101"] if late else []
        assert expected == findings_at(call, 1)

    @MODES
    def test_the_message_says_which_ring(self, mode: str) -> None:
        """The finding says on which ring the call was answered."""
        call, clock = new_call(mode)
        clock.advance(seconds=13)
        call.answer()
        assert "ring 3" in call.findings[0].message

    @MODES
    def test_a_ring_count_given_wins_over_the_wait(self, mode: str) -> None:
        """A minute of waiting answered on ring 1 (as the caller says) is in time."""
        call, clock = new_call(mode)
        clock.advance(seconds=60)
        call.answer(rings=1)
        expected: list[str] = []
        assert expected == findings_at(call, 1)

    @MODES
    @pytest.mark.parametrize(
        ("cadence", "max_rings", "seconds", "late"),
        [(10, 2, 20, False), (10, 2, 21, True), (6, 3, 18, False), (6, 3, 19, True)],
    )
    def test_thresholds_are_the_calls(
        self, mode: str, cadence: int, max_rings: int, seconds: int, late: bool
    ) -> None:
        """The cadence and the ring limit come from the call's thresholds."""
        limits = Thresholds(ring_cadence=timedelta(seconds=cadence), max_rings=max_rings)
        call, clock = new_call(mode, thresholds=limits)
        clock.advance(seconds=seconds)
        call.answer()
        expected = ["CF101"] if late else []
        assert expected == findings_at(call, 1)


def to_goodbye(mode: str, goodbye: Mapping[str, object]) -> Call:
    """A fixed call in GOODBYE, its resolution confirmed, after ``goodbye(**goodbye)``."""
    call, _ = new_call(mode)
    run(call, [*FIXED, ("goodbye", {"resolution_confirmed": True, **goodbye})])
    return call


class TestAnythingElse:
    """CF702: ending without asking if there is anything else is a finding in both modes."""

    @MODES
    def test_not_asked(self, mode: str) -> None:
        """The hang-up is recorded, with CF702 about it."""
        call = to_goodbye(mode, {})
        index = len(call.history)
        call.hang_up()
        expected = (Stage.ENDED, ["CF702"], "hang_up", Stage.GOODBYE)
        finding = call.findings[-1]
        assert expected == (call.stage, findings_at(call, index), finding.event, finding.stage)

    @MODES
    def test_asked(self, mode: str) -> None:
        """Asking at the goodbye means no finding."""
        call = to_goodbye(mode, ASKED)
        index = len(call.history)
        call.hang_up()
        expected: tuple[Stage, list[str]] = (Stage.ENDED, [])
        assert expected == (call.stage, findings_at(call, index))

    @MODES
    def test_asked_at_an_earlier_goodbye(self, mode: str) -> None:
        """Once asked, a later goodbye without asking does not undo it."""
        call = to_goodbye(mode, ASKED)
        call.goodbye()
        index = len(call.history)
        call.hang_up()
        expected: list[str] = []
        assert expected == findings_at(call, index)


class TestCallerHangsUpFirst:
    """CF706: the agent hanging up first is a finding in both modes."""

    @MODES
    def test_agent_hangs_up(self, mode: str) -> None:
        """``hang_up(by="agent")`` ends the call, with CF706 about it."""
        call = to_goodbye(mode, ASKED)
        index = len(call.history)
        call.hang_up(by="agent")
        expected = (Stage.ENDED, ["CF706"])
        assert expected == (call.stage, findings_at(call, index))

    @MODES
    @pytest.mark.parametrize("kwargs", [{"by": "caller"}, {}], ids=["by caller", "default"])
    def test_caller_hangs_up(self, mode: str, kwargs: Mapping[str, str]) -> None:
        """The caller hanging up (the default) brings no finding."""
        call = to_goodbye(mode, ASKED)
        index = len(call.history)
        call.hang_up(**kwargs)
        expected: tuple[Stage, list[str]] = (Stage.ENDED, [])
        assert expected == (call.stage, findings_at(call, index))

    @MODES
    def test_agent_hangs_up_without_asking(self, mode: str) -> None:
        """Both closing rules can be broken by one hang-up: two findings about it."""
        call = to_goodbye(mode, {})
        index = len(call.history)
        call.hang_up(by="agent")
        expected = ["CF702", "CF706"]
        assert expected == sorted(findings_at(call, index))
