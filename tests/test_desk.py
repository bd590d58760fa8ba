"""A desk with several lines: held calls are served first-held first (CF507)."""

from datetime import UTC, datetime

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from callflow import (
    Agent,
    Call,
    Desk,
    InvalidTransitionError,
    ManualClock,
    NoFreeLineError,
    Stage,
    ValidationError,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Agent(name="Bill", organisation="ACME Corp")
HOLD = {"reason": "another call is waiting", "asked_permission": True}


def desk_of(mode: str = "strict", lines: int = 3) -> tuple[Desk, ManualClock]:
    clock = ManualClock(START)
    return Desk(AGENT, lines=lines, mode=mode, clock=clock), clock


def two_held(mode: str = "strict") -> tuple[Desk, Call, Call]:
    """Seed 001's drill: the first caller held, the second greeted and held."""
    desk, clock = desk_of(mode)
    first = desk.ring(call_id="A")
    first.answer()
    second = desk.ring(call_id="B")
    clock.advance(seconds=3)
    first.hold(**HOLD)
    second.answer()
    second.hold(**HOLD)
    return desk, first, second


def snapshot(call: Call) -> tuple[object, ...]:
    return (call.stage, call.history, call.findings, call.on_hold)


class TestLines:
    """Calls ring on free lines and leave the desk when they end."""

    def test_calls_ring_until_the_lines_are_full(self) -> None:
        """A third call on a two-line desk is refused with NoFreeLineError."""
        desk, _ = desk_of(lines=2)
        desk.ring()
        desk.ring()
        assert 0 == desk.free_lines
        with pytest.raises(NoFreeLineError, match="all 2 lines") as caught:
            desk.ring()
        assert 2 == caught.value.lines

    def test_an_ended_call_frees_its_line(self) -> None:
        """Once a call ends the desk forgets it: its line is free again."""
        desk, _ = desk_of(lines=1)
        call = desk.ring()
        call.abandon()
        assert ((), 1) == (desk.calls, desk.free_lines)
        desk.ring()

    def test_calls_share_the_desks_settings(self) -> None:
        """Each call has the desk's agent, mode, clock and thresholds."""
        desk, clock = desk_of("audit")
        call = desk.ring(call_id="A")
        assert (AGENT, "audit", clock, "A") == (
            call.agent,
            call.mode.value,
            call.clock,
            call.call_id,
        )
        assert (call,) == desk.ringing

    def test_bad_settings_are_refused_at_once(self) -> None:
        """Lines, mode and call ids are checked when given."""
        with pytest.raises(ValidationError, match="'lines'"):
            Desk(AGENT, lines=0)
        with pytest.raises(ValidationError, match="'mode'"):
            Desk(AGENT, mode="lenient")
        with pytest.raises(ValidationError, match="'call_id'"):
            Desk(AGENT).ring(call_id=" ")

    def test_pick_up_needs_a_call_of_this_desk(self) -> None:
        """A call from elsewhere is a ValidationError naming 'call'."""
        desk, clock = desk_of()
        stranger = Call(agent=AGENT, clock=clock)
        with pytest.raises(ValidationError, match="'call' is not on this desk"):
            desk.pick_up(stranger, thanked=True)


class TestOrder:
    """Held calls come back first-held first; out of turn only with a reason."""

    def test_the_drill(self) -> None:
        """Both held, in order; the first is taken back, then the second."""
        desk, first, second = two_held()
        assert ((first, second), first) == (desk.held, desk.next_up)
        desk.pick_up(first, thanked=True)
        assert ((second,), (first,)) == (desk.held, desk.talking)
        first.hold(**HOLD)
        assert (second, first) == desk.held  # held again: to the back of the queue
        desk.pick_up(second, thanked=True)
        assert [] == [f for call in (first, second) for f in call.findings]

    def test_strict_refuses_a_later_held_call(self) -> None:
        """The later-held call is refused with CF507, whichever way it is resumed."""
        desk, first, second = two_held()
        before = snapshot(second)
        for event, resume, argument in (
            ("pick_up", lambda: desk.pick_up(second, thanked=True), "why="),
            ("resume", lambda: second.resume(thanked=True), "out_of_turn="),
        ):
            with pytest.raises(InvalidTransitionError, match="call 'A' has been on") as caught:
                resume()
            assert ("CF507", event) == (caught.value.rule, caught.value.event)
            assert f"say why this one comes first ({argument})" in str(caught.value)
            assert "resume" not in caught.value.allowed  # the desk refuses it: not allowed now
            assert before == snapshot(second)
        assert (first, second) == desk.held

    def test_a_reason_lets_a_later_call_go_first(self) -> None:
        """With a reason given, the later call is taken back; the reason is recorded."""
        desk, first, second = two_held()
        desk.pick_up(second, thanked=True, why="B is the site's fire alarm")
        assert ((first,), "B is the site's fire alarm") == (
            desk.held,
            second.history[-1].payload["out_of_turn"],
        )
        assert [] == list(second.findings)

    def test_audit_records_the_out_of_turn_pickup(self) -> None:
        """Audit mode takes the later call back and records CF507 on it."""
        desk, _first, second = two_held("audit")
        desk.pick_up(second, thanked=True)
        assert [("CF507", "resume")] == [(f.rule, f.event) for f in second.findings]
        assert not second.on_hold

    def test_answering_while_talking_is_refused(self) -> None:
        """Put the current caller on hold before answering another."""
        desk, _ = desk_of()
        first = desk.ring(call_id="A")
        first.answer()
        second = desk.ring(call_id="B")
        with pytest.raises(InvalidTransitionError, match="talking on call 'A'") as caught:
            second.answer()
        assert ("CF507", Stage.RINGING) == (caught.value.rule, second.stage)
        audit, _ = desk_of("audit")
        one = audit.ring()
        one.answer()
        two = audit.ring()
        two.answer()
        assert ["CF507"] == [f.rule for f in two.findings]
        assert (one, two) == audit.talking

    def test_taking_back_while_talking_is_refused(self) -> None:
        """A held call is not taken back while the agent talks on another line, reason or not."""
        desk, first, second = two_held()
        desk.pick_up(first, thanked=True)
        with pytest.raises(InvalidTransitionError, match="talking on call 'A'"):
            desk.pick_up(second, thanked=True, why="urgent")

    def test_a_held_caller_who_hangs_up_leaves_the_queue(self) -> None:
        """The second in line is next once the first hangs up."""
        desk, first, second = two_held()
        first.abandon()
        assert (second, second) == (desk.next_up, desk.held[0])
        desk.pick_up(second, thanked=True)

    def test_a_replayed_call_keeps_its_desk_finding(self) -> None:
        """Replayed without its desk, an audit call ends with the same CF507 finding."""
        desk, _first, second = two_held("audit")
        desk.pick_up(second, thanked=True)
        second.abandon()
        replayed = Call.replay(second.history)
        assert second.findings == replayed.findings


class DeskWalk(RuleBasedStateMachine):
    """Any interleaving of arrivals, answers, holds, pickups and hang-ups on a strict desk.

    The reference is a plain queue of the calls in the order they were put on
    hold; a pickup is accepted exactly when it takes the head of the queue
    (and nobody is being talked to), so held calls are served first-held first.
    """

    @initialize(lines=st.integers(min_value=1, max_value=5))
    def start(self, lines: int) -> None:
        self.clock = ManualClock(START)
        self.desk = Desk(AGENT, lines=lines, clock=self.clock)
        self.queue: list[Call] = []  # the reference: held calls, first held first
        self.holds = 0

    @rule(seconds=st.integers(min_value=0, max_value=20))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)

    @precondition(lambda self: self.desk.free_lines > 0)
    @rule()
    def arrive(self) -> None:
        self.desk.ring(call_id=f"C{len(self.desk.calls) + self.holds}")

    @precondition(lambda self: bool(self.desk.ringing))
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.desk.ringing))
        if self.desk.talking:
            with pytest.raises(InvalidTransitionError):
                call.answer()
            assert Stage.RINGING == call.stage
            self.hold(self.desk.talking[0])
        call.answer()

    @precondition(lambda self: bool(self.desk.talking))
    @rule()
    def hold_current(self) -> None:
        self.hold(self.desk.talking[0])

    @precondition(lambda self: bool(self.desk.held))
    @rule(data=st.data())
    def pick_up(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.desk.held))
        if self.desk.talking or call is not self.queue[0]:
            before = snapshot(call)
            with pytest.raises(InvalidTransitionError) as caught:
                self.desk.pick_up(call, thanked=True)
            assert ("CF507", before) == (caught.value.rule, snapshot(call))
            return
        self.desk.pick_up(call, thanked=True)
        assert (call in self.desk.talking, call.on_hold) == (True, False)
        self.queue.pop(0)

    @precondition(lambda self: bool(self.desk.calls))
    @rule(data=st.data())
    def hang_up(self, data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(self.desk.calls))
        call.abandon()
        if call in self.queue:
            self.queue.remove(call)

    def hold(self, call: Call) -> None:
        call.hold(**HOLD)
        self.holds += 1
        self.queue.append(call)

    @invariant()
    def held_in_first_held_order(self) -> None:
        assert tuple(self.queue) == self.desk.held
        assert len(self.desk.talking) <= 1


TestDeskWalk = DeskWalk.TestCase
