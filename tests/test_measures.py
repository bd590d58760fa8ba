"""Measures derived from a call's history: ring wait, talk time, holds, time in stage."""

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from callflow import Agent, Call, Caller, ManualClock, Outcome, Stage, Thresholds

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def scripted(steps: list[tuple[int, str, dict[str, object]]], **kwargs: object) -> Call:
    """Run (seconds-since-start, event, arguments) steps on a ManualClock."""
    clock = ManualClock(START)
    call = Call(agent=Agent(name="Bill", organisation="ACME"), clock=clock, **kwargs)  # type: ignore[arg-type]
    for seconds, event, arguments in steps:
        clock.set(START + seconds * S)
        getattr(call, event)(**arguments)
    return call


ANA = {"caller": Caller(name="Ana"), "verified": True}
HOLD = {"reason": "checking", "asked_permission": True}
THANKS = {"thanked": True}
TRANSFER = {"to": "Billing", "announced": True, "reason": "an invoice", "direct_number": "4521"}


class TestRinging:
    def test_ring_wait_and_count_from_cadence(self) -> None:
        """13 s of ringing at 6 s a ring is 3 rings."""
        m = scripted([(13, "answer", {})]).measures()
        assert (13 * S, 3, START + 13 * S) == (m.ring_wait, m.rings, m.answered_at)

    def test_ring_count_given_wins(self) -> None:
        """A ring count passed to answer() is used as is."""
        assert 1 == scripted([(13, "answer", {"rings": 1})]).measures().rings

    def test_cadence_is_configurable(self) -> None:
        """At 10 s a ring, 13 s is 2 rings."""
        call = scripted([(13, "answer", {})], thresholds=Thresholds(ring_cadence=10 * S))
        assert 2 == call.measures().rings

    def test_abandoned_while_ringing(self) -> None:
        """A call never answered waited until it was abandoned, and had no talk time."""
        m = scripted([(30, "abandon", {})]).measures()
        assert (30 * S, None, timedelta(0), Outcome.ABANDONED, START + 30 * S) == (
            m.ring_wait,
            m.answered_at,
            m.talk_time,
            m.outcome,
            m.ended_at,
        )


class TestHoldsAndTalk:
    STEPS: ClassVar[list[tuple[int, str, dict[str, object]]]] = [
        (10, "answer", {}),
        (20, "identify", ANA),
        (30, "hold", HOLD),
        (65, "resume", THANKS),
        (70, "listen", {}),
        (80, "hold", HOLD),
        (90, "resume", THANKS),
        (100, "transfer", TRANSFER),
    ]

    def test_hold_count_total_longest(self) -> None:
        """Two holds of 35 s and 10 s."""
        m = scripted(self.STEPS).measures()
        assert (2, 45 * S, 35 * S) == (m.hold_count, m.total_hold, m.longest_hold)

    def test_talk_time_excludes_holds(self) -> None:
        """Talk runs from answer (10 s) to end (100 s), less 45 s of hold."""
        assert 45 * S == scripted(self.STEPS).measures().talk_time

    def test_time_in_stage(self) -> None:
        """Each stage's time runs from entering it to leaving it; holds do not interrupt."""
        m = scripted(self.STEPS).measures()
        assert {Stage.RINGING: 10 * S, Stage.GREETING: 60 * S, Stage.VENTING: 30 * S} == dict(
            m.time_in_stage
        )

    def test_ending_on_hold_closes_the_hold(self) -> None:
        """A hold still open at the end counts up to the end."""
        m = scripted([(0, "answer", {}), (10, "hold", HOLD), (50, "abandon", {})]).measures()
        assert (1, 40 * S, 10 * S) == (m.hold_count, m.total_hold, m.talk_time)

    def test_audit_double_hold_counts_once(self) -> None:
        """In audit mode a hold while on hold continues the first hold."""
        call = scripted(
            [(0, "answer", {}), (10, "hold", HOLD), (20, "hold", HOLD), (30, "resume", THANKS)],
            mode="audit",
        )
        m = call.measures()
        assert (1, 20 * S) == (m.hold_count, m.total_hold)
        assert ["CF002"] == [f.rule for f in call.findings]


class TestLiveCall:
    def test_active_call_is_measured_up_to_now(self) -> None:
        """A call still going on is measured up to the time given (or its clock)."""
        call = scripted([(10, "answer", {})])
        m = call.measures(now=START + 70 * S)
        assert (60 * S, None, None) == (m.talk_time, m.ended_at, m.outcome)
        assert {Stage.RINGING: 10 * S, Stage.GREETING: 60 * S} == dict(m.time_in_stage)

    def test_default_now_is_the_call_clock(self) -> None:
        """Without now, the call's own clock is read."""
        clock = ManualClock(START)
        call = Call(agent=Agent(name="Bill", organisation="ACME"), clock=clock)
        clock.advance(seconds=5)
        call.answer()
        clock.advance(seconds=25)
        assert 25 * S == call.measures().talk_time
