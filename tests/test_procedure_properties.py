"""Property tests: a call follows ``callflow.PROCEDURE``, in strict and in audit mode.

The expected values come from the table (rows, destinations, guards) and from
:class:`Model`, a plain reference of what each event does to a call's state as
the event methods document it; never from the call under test itself.
"""

import math
from collections import deque
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.strategies import (
    EVENT_ARGS,
    STATE_PROPERTIES,
    Step,
    agents,
    clocks,
    event_args,
    event_sequences,
    legal_paths,
    perform,
    thresholds,
)

from callflow import (
    PROCEDURE,
    Agent,
    Call,
    CallEndedError,
    Caller,
    InvalidTransitionError,
    ManualClock,
    Outcome,
    Stage,
    Thresholds,
)
from callflow.escalation import EscalationKind

AGENT = Agent(name="Bill", organisation="ACME Corp")


DEFAULTS: Mapping[str, Mapping[str, object]] = {
    "answer": {"rings": None},
    "identify": {"verified": False},
    "verify": {},
    "listen": {"problem": None, "needs_verification": True},
    "follow_up": {"notes_read": True},
    "troubleshoot": {"step": None, "result": None},
    "diagnose": {"label": None},
    "propose": {},
    "inform": {},
    "fulfil": {},
    "implement": {},
    "assign": {},
    "request_manager": {},
    "goodbye": {"resolution_confirmed": False, "anything_else_asked": False},
    "confirm_resolution": {},
    "hang_up": {"by": "caller"},
    "screen": {"available": None},
    "hold": {"reason": None, "asked_permission": False, "words": None},
    "check_in": {"offered_to_continue": True},
    "resume": {"thanked": False, "apologised": False, "out_of_turn": None},
    "transfer": {"warm": False, "announced": False, "reason": None, "direct_number": None},
    "take_message": {},
    "abandon": {},
}
"""The documented defaults of each event method: a record's payload has them filled in."""

ENDING_OUTCOMES: Mapping[str, Outcome] = {
    "transfer": Outcome.TRANSFERRED,
    "take_message": Outcome.MESSAGE_TAKEN,
    "abandon": Outcome.ABANDONED,
}

FindingKey = tuple[str, int, str, Stage]
"""What identifies a finding: its rule, history index, event and stage."""


@attrs.define
class Model:
    """A reference call: what each event should do, from the table and the method docs.

    Attributes mirror the call's public state; ``fixed``, ``assigned`` and the
    rest are what the procedure's guards read, so the table's own guards are
    checked against the model, never against the call under test.
    """

    ring_at: datetime
    audit: bool = False
    thresholds: Thresholds = attrs.field(factory=Thresholds)
    stage: Stage = PROCEDURE.initial
    caller: Caller | None = None
    caller_verified: bool = False
    needs_said: bool | None = None  # what the statements of the problem said of verification
    problem: str | None = None
    diagnosis: str | None = None
    plan: str | None = None
    fix: str | None = None
    answer_given: str | None = None
    fulfilment: str | None = None
    manager_requested: bool = False  # a request_manager was recorded (CF605 is judged)
    assigned_to: str | None = None
    follow_up_of: str | None = None
    resolution_confirmed: bool = False
    anything_else_asked: bool = False
    on_hold: bool = False
    hold_contact: datetime | None = None  # the hold or the latest check-in (CF504)
    outcome: Outcome | None = None
    ticket_findings: tuple[object, ...] = ()  # calls without a ticket book have no ticket
    records: int = 1  # the ring
    left_stage: Stage | None = None  # audit mode: the stage an out-of-order move left
    findings: list[FindingKey] = attrs.Factory(list)

    @property
    def fixed(self) -> bool:
        return self.fix is not None

    @property
    def assigned(self) -> bool:
        return self.assigned_to is not None

    @property
    def informed(self) -> bool:
        return self.answer_given is not None

    @property
    def fulfilled(self) -> bool:
        return self.fulfilment is not None

    @property
    def verification_needed(self) -> bool:
        return self.needs_said is not False

    @property
    def check_in_due(self) -> datetime | None:
        if self.hold_contact is None:
            return None
        return self.hold_contact + self.thresholds.check_in_every

    @property
    def over(self) -> bool:
        return self.stage in PROCEDURE.finals

    def state(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in STATE_PROPERTIES}

    def allowed(self) -> tuple[str, ...]:
        """The events of the rows leaving the stage whose guards the model meets."""
        if self.over:
            return ()
        return tuple(
            row.event
            for row in PROCEDURE.outgoing(self.stage)
            if all(guard.check(self) for guard in row.guards)
        )

    def refusal_rule(self, event: str) -> str | None:
        """The rule of the guard that refuses ``event`` here, if a row for it exists."""
        row = PROCEDURE.transition(self.stage, event)
        failing = [] if row is None else [g.rule for g in row.guards if not g.check(self)]
        return failing[0] if failing else None

    def apply(self, step: Step, at: datetime) -> tuple[Stage, Stage, dict[str, object]]:
        """Perform ``step`` at ``at``; return the expected record's stages and payload."""
        event, source, index = step.event, self.stage, self.records
        kwargs = {**DEFAULTS[event], **step.kwargs}
        row = PROCEDURE.transition(source, event)
        left = self.left_stage
        if row is None and left is not None and PROCEDURE.transition(left, event) is not None:
            source, row = left, PROCEDURE.transition(left, event)  # resynchronised: no finding
        departures: list[str] = []
        if row is None:
            assert self.audit, f"the model was asked to perform {event!r} from {source}"
            departures.append("CF001")
            dest = PROCEDURE.target(event) or source
            guards = PROCEDURE.arrival_guards(event)
            if dest is not source and dest not in PROCEDURE.finals:
                self.left_stage = source
        else:
            dest, guards = row.dest, row.guards
            if source is not self.stage or dest is not source:
                self.left_stage = None
        departures += [guard.rule for guard in guards if not guard.check(self)]
        escalation = step.kwargs.get("escalation")
        hierarchical = getattr(escalation, "kind", None) is EscalationKind.HIERARCHICAL
        if row is None and hierarchical and self.manager_requested:
            departures.append("CF605")  # the caller's request for a manager may not skip it
        assert self.audit or not departures, f"strict mode accepted {event!r} against {departures}"
        self.findings += [(rule, index, event, source) for rule in departures]
        ends_silence = event in ("check_in", "resume") or dest in PROCEDURE.finals
        contact = self.hold_contact if self.on_hold and ends_silence else None
        if contact is not None and at - contact > self.thresholds.max_hold_silence:
            self.findings.append(("CF504", index, event, source))
        self.stage, self.records = dest, index + 1
        self._effect(event, kwargs, source, index, at)
        return source, dest, kwargs

    def _effect(
        self, event: str, kwargs: Mapping[str, Any], source: Stage, index: int, at: datetime
    ) -> None:
        if event == "answer" and source is Stage.RINGING:  # CF101 judges the first answer only
            rings = kwargs["rings"]
            if rings is None:
                wait = at - self.ring_at
                rings = max(1, math.ceil(wait / self.thresholds.ring_cadence))
            if rings > self.thresholds.max_rings:
                self.findings.append(("CF101", index, event, source))
        elif event == "identify":
            same = self.caller is None or self.caller == kwargs["caller"]
            self.caller_verified = kwargs["verified"] or (same and self.caller_verified)
            self.caller = kwargs["caller"]
        elif event == "verify":
            self.caller_verified = True
        elif event == "listen":
            if kwargs["problem"] is not None:
                self.problem = kwargs["problem"]
            said = kwargs["needs_verification"]
            self.needs_said = said if self.needs_said is None else self.needs_said or said
        elif event == "follow_up":
            self.follow_up_of = kwargs["ticket"]
        elif event == "troubleshoot" and source is Stage.IMPLEMENT_OR_ASSIGN:
            self.fix = self.answer_given = self.fulfilment = None  # the fix (answer...) failed
        elif event == "diagnose" and kwargs["label"] is not None:
            self.diagnosis = kwargs["label"]
        elif event == "propose":
            self.plan = kwargs["plan"]
        elif event == "implement":
            self.fix = kwargs["action"]
        elif event == "inform":
            self.answer_given = kwargs["answer"]
        elif event == "fulfil":
            self.fulfilment = kwargs["action"]
        elif event == "request_manager":
            self.manager_requested = True
        elif event == "confirm_resolution":
            self.resolution_confirmed = True
        elif event == "assign":
            self.assigned_to = kwargs["escalation"].to.name
        elif event == "goodbye":
            self.resolution_confirmed |= kwargs["resolution_confirmed"]
            self.anything_else_asked |= kwargs["anything_else_asked"]
        elif event == "hold" and not self.on_hold:
            self.on_hold, self.hold_contact = True, at
        elif event == "check_in" and self.on_hold:
            self.hold_contact = at
        elif event == "resume":
            self.on_hold, self.hold_contact = False, None
        elif event == "hang_up":
            self.outcome = (
                Outcome.RESOLVED
                if self.fixed
                else Outcome.ASSIGNED
                if self.assigned
                else Outcome.RESOLVED
                if self.informed or self.fulfilled
                else Outcome.UNRESOLVED
            )
            self.on_hold, self.hold_contact = False, None
            # One departure, one finding: an early goodbye (its CF001) or the goodbye's own
            # CF705 already stands for a call that ends with nothing done.
            early = any(f[0] == "CF705" or f[:3:2] == ("CF001", "goodbye") for f in self.findings)
            if self.outcome is Outcome.UNRESOLVED and not early:
                self.findings.append(("CF705", index, event, source))
            if not self.anything_else_asked:
                self.findings.append(("CF702", index, event, source))
            if kwargs["by"] == "agent":
                self.findings.append(("CF706", index, event, source))
        elif event in ENDING_OUTCOMES:
            self.outcome, self.on_hold, self.hold_contact = ENDING_OUTCOMES[event], False, None
            if event == "transfer" and kwargs["direct_number"] is None:
                self.findings.append(("CF506", index, event, source))


def state_of(call: Call) -> dict[str, object]:
    return {name: getattr(call, name) for name in STATE_PROPERTIES}


def findings_of(call: Call) -> list[FindingKey]:
    return [(f.rule, f.event_index, f.event, f.stage) for f in call.findings]


def snapshot(call: Call) -> dict[str, object]:
    """Everything observable about a call."""
    return {
        **state_of(call),
        "mode": call.mode,
        "agent": call.agent,
        "thresholds": call.thresholds,
        "history": call.history,
        "findings": call.findings,
        "troubleshooting_steps": call.troubleshooting_steps,
        "allowed_events": call.allowed_events(),
        "measures": call.measures(),
    }


def all_event_args() -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """One set of valid arguments for every event of the procedure."""
    return st.fixed_dictionaries({event: event_args(event) for event in PROCEDURE.events})


def assert_refused(call: Call, model: Model, event: str, kwargs: Mapping[str, Any]) -> None:
    """``event`` is refused with the right error, and the call is left exactly as it was."""
    before = snapshot(call)
    with pytest.raises(InvalidTransitionError) as info:
        getattr(call, event)(**kwargs)
    error = info.value
    if model.over:
        expected = (CallEndedError, event, model.stage, (), None)
    else:
        expected = (
            InvalidTransitionError,
            event,
            model.stage,
            model.allowed(),
            model.refusal_rule(event),
        )
    assert expected == (type(error), error.event, error.stage, error.allowed, error.rule)
    assert before == snapshot(call)


class TestLegalPaths:
    """Strict mode accepts every path the table allows, one record per event."""

    @given(path=legal_paths(), clock=clocks())
    def test_each_event_of_a_legal_path_adds_the_tables_record(
        self, path: list[Step], clock: ManualClock
    ) -> None:
        """Each event adds one record: its table row's stages, its time, its arguments."""
        call = Call(agent=AGENT, clock=clock)
        model = Model(ring_at=clock())
        for step in path:
            count = len(call.history)
            perform(call, step, clock)
            source, dest, payload = model.apply(step, clock())
            record = call.history[-1]
            assert count + 1 == len(call.history)
            assert (step.event, source, dest, clock(), payload) == (
                record.event,
                record.from_stage,
                record.to_stage,
                record.at,
                dict(record.payload),
            )

    @given(path=legal_paths(), clock=clocks())
    def test_state_and_findings_follow_the_events(
        self, path: list[Step], clock: ManualClock
    ) -> None:
        """After each event the call's state, allowed events and findings are the model's."""
        call = Call(agent=AGENT, clock=clock)
        model = Model(ring_at=clock())
        for step in path:
            assert model.allowed() == call.allowed_events()
            perform(call, step, clock)
            model.apply(step, clock())
            assert model.state() == state_of(call)
            assert model.findings == findings_of(call)
        assert model.allowed() == call.allowed_events()

    @given(path=legal_paths())
    def test_a_call_that_is_not_over_can_always_end_in_one_event(self, path: list[Step]) -> None:
        """Whatever happened, some event the call accepts now leads to a final state."""
        clock = ManualClock(datetime.fromisoformat("2026-03-02T09:00:00+00:00"))
        call = Call(agent=AGENT, clock=clock)
        for step in [*path, None]:
            if call.stage not in PROCEDURE.finals:
                rows = [PROCEDURE.transition(call.stage, e) for e in call.allowed_events()]
                ends = [row.event for row in rows if row and row.dest in PROCEDURE.finals]
                assert ends, f"no way to end the call from {call.stage}"
            if step is not None:
                perform(call, step, clock)


class TestIllegalEvents:
    """Strict mode refuses every event the stage does not allow, and changes nothing."""

    @given(path=legal_paths(), clock=clocks(), args=all_event_args())
    def test_every_event_not_allowed_is_refused_and_changes_nothing(
        self, path: list[Step], clock: ManualClock, args: dict[str, dict[str, Any]]
    ) -> None:
        """At every point of a legal path, each event not allowed raises and leaves the call."""
        call = Call(agent=AGENT, clock=clock)
        model = Model(ring_at=clock())
        for step in [*path, None]:
            allowed = model.allowed()
            for event in PROCEDURE.events:
                if event not in allowed:
                    assert_refused(call, model, event, args[event])
            if step is not None:
                perform(call, step, clock)
                model.apply(step, clock())


class TestAuditMode:
    """Audit mode performs any event, and records each departure as a finding."""

    @given(steps=event_sequences(), clock=clocks())
    def test_only_a_call_that_is_over_refuses_an_event(
        self, steps: list[Step], clock: ManualClock
    ) -> None:
        """Nothing raises until the call is ENDED or ABANDONED; then CallEndedError, no change."""
        call = Call(agent=AGENT, mode="audit", clock=clock)
        for step in steps:
            stage = call.stage
            if stage in PROCEDURE.finals:
                before = snapshot(call)
                with pytest.raises(CallEndedError) as info:
                    perform(call, step, clock)
                assert (step.event, stage) == (info.value.event, info.value.stage)
                assert before == snapshot(call)
            else:
                perform(call, step, clock)

    @given(steps=event_sequences(), clock=clocks())
    def test_an_out_of_order_event_is_a_cf001_finding_at_its_index(
        self, steps: list[Step], clock: ManualClock
    ) -> None:
        """An event without a row in the current stage gets one CF001 finding at its record.

        Unless it has one in the stage an out-of-order event took the call
        from: then the call resumes from there, without a second finding.
        """
        call = Call(agent=AGENT, mode="audit", clock=clock)
        for step in steps:
            stage, index = call.stage, len(call.history)
            left = call._left_stage  # where the call may resume from (audit mode)
            if stage in PROCEDURE.finals:
                break
            perform(call, step, clock)
            fits = PROCEDURE.transition(stage, step.event) or (
                left is not None and PROCEDURE.transition(left, step.event)
            )
            expected = [] if fits else [(step.event, stage)]
            if not fits:  # judged where it came, and recorded so
                assert stage == call.history[index].from_stage
            actual = [
                (f.event, f.stage)
                for f in call.findings
                if f.rule == "CF001" and f.event_index == index
            ]
            assert expected == actual
            assert step.event == call.history[index].event

    @given(steps=event_sequences(), clock=clocks(), limits=thresholds())
    def test_stage_state_and_findings_follow_the_table(
        self, steps: list[Step], clock: ManualClock, limits: Thresholds
    ) -> None:
        """Each event goes where the table sends it and leaves the model's state and findings."""
        call = Call(agent=AGENT, mode="audit", clock=clock, thresholds=limits)
        model = Model(ring_at=clock(), audit=True, thresholds=limits)
        for step in steps:
            if model.over:
                break
            perform(call, step, clock)
            source, dest, payload = model.apply(step, clock())
            record = call.history[-1]
            assert (step.event, source, dest, payload) == (
                record.event,
                record.from_stage,
                record.to_stage,
                dict(record.payload),
            )
            assert model.state() == state_of(call)
            assert model.findings == findings_of(call)
            assert all(f.message for f in call.findings)


class TestReplay:
    """``Call.replay`` rebuilds a call from its history alone."""

    @given(path=legal_paths(), clock=clocks(), agent=agents(), limits=thresholds())
    def test_replay_reproduces_a_strict_call(
        self, path: list[Step], clock: ManualClock, agent: Agent, limits: Thresholds
    ) -> None:
        """Stage, history, findings, state and measures all come back the same."""
        call = Call(agent=agent, clock=clock, thresholds=limits)
        for step in path:
            perform(call, step, clock)
        assert snapshot(call) == snapshot(Call.replay(call.history, clock=clock))

    @given(steps=event_sequences(), clock=clocks(), agent=agents(), limits=thresholds())
    def test_replay_reproduces_an_audited_call(
        self, steps: list[Step], clock: ManualClock, agent: Agent, limits: Thresholds
    ) -> None:
        """Out-of-order events and their findings come back the same too."""
        call = Call(agent=agent, mode="audit", clock=clock, thresholds=limits)
        for step in steps:
            if call.stage in PROCEDURE.finals:
                break
            perform(call, step, clock)
        assert snapshot(call) == snapshot(Call.replay(call.history, clock=clock))

    def test_replay_of_a_call_answered_without_a_ring_count(self) -> None:
        """A ring count worked out from the wait does not disturb the replayed times."""
        clock = ManualClock(datetime.fromisoformat("2026-03-02T09:00:00+00:00"))
        call = Call(agent=AGENT, clock=clock)
        clock.advance(seconds=5)
        call.answer()
        clock.advance(seconds=5)
        call.identify(Caller(name="Ana Souza"), verified=True)
        assert snapshot(call) == snapshot(Call.replay(call.history, clock=clock))


def _closure(start: Stage, step: Any) -> set[Stage]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in step(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _successors(stage: Stage) -> list[Stage]:
    return [row.dest for row in PROCEDURE.outgoing(stage)]


class TestTableFacts:
    """Facts about the procedure's shape, worked out from its rows."""

    def test_every_stage_is_reachable_from_ringing(self) -> None:
        """Walking the rows from RINGING reaches every stage."""
        assert set(Stage) == _closure(Stage.RINGING, _successors)

    def test_from_every_reachable_stage_a_final_stage_is_reachable(self) -> None:
        """No reachable stage is a trap."""
        for stage in _closure(PROCEDURE.initial, _successors):
            assert _closure(stage, _successors) & {Stage.ENDED, Stage.ABANDONED}, stage

    def test_the_final_stages_are_ended_and_abandoned(self) -> None:
        """The table's final states are the stages that say they are final."""
        expected = {Stage.ENDED, Stage.ABANDONED}
        assert expected == set(PROCEDURE.finals)
        assert expected == {stage for stage in Stage if stage.is_final}

    def test_no_event_leaves_a_final_stage(self) -> None:
        """A final stage has no rows and no event has a row from it."""
        for stage in (Stage.ENDED, Stage.ABANDONED):
            rows: tuple[object, ...] = ()
            assert rows == PROCEDURE.outgoing(stage)
            assert rows == tuple(e for e in PROCEDURE.events if PROCEDURE.transition(stage, e))

    def test_every_event_has_a_method_and_an_arguments_strategy(self) -> None:
        """The strategies and the call cover exactly the table's events."""
        assert set(PROCEDURE.events) == set(EVENT_ARGS)
        assert set(PROCEDURE.events) == set(DEFAULTS)
        assert all(callable(getattr(Call, event, None)) for event in PROCEDURE.events)
