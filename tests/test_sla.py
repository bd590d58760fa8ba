"""Tests of SLA targets, policies and clocks: known cases, states, errors and properties.

The property tests draw calendars from ``tests.test_calendars`` and check the
clocks against its minute-by-minute model of open time.
"""

import itertools
import time as time_module
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_calendars import Spec, minutes_2026, open_minutes, specs, wall_open

from callflow.calendars import AlwaysOpen, BusinessCalendar
from callflow.errors import ValidationError
from callflow.priority import Priority
from callflow.sla import (
    DEFAULT_TARGETS,
    ClockKind,
    ClockReading,
    ClockState,
    ServiceTarget,
    SlaClock,
    SlaPolicy,
    TicketClocks,
)

LONDON = ZoneInfo("Europe/London")
OFFICE = BusinessCalendar.weekly(open=time(9), close=time(17), zone="Europe/London")
BUSINESS = SlaPolicy(calendar=OFFICE)
H = timedelta(hours=1)
M = timedelta(minutes=1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def clock(target: timedelta = 4 * H, ratio: float = 0.8) -> SlaClock:
    return SlaClock.start(ClockKind.RESOLUTION, target, T0, warning_ratio=ratio)


@pytest.fixture
def machine_in_kolkata(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone set to Asia/Kolkata (UTC+05:30) for the test."""
    if not hasattr(time_module, "tzset"):
        pytest.skip("the local zone can be changed only where time.tzset exists (not Windows)")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


# -- targets and policies -----------------------------------------------------------------


class TestTargetsAndPolicy:
    def test_default_targets(self) -> None:
        """The documented defaults; P2 resolves in 4 hours."""
        assert {
            Priority.P1: (15 * M, 30 * M, 2 * H),
            Priority.P2: (30 * M, H, 4 * H),
            Priority.P3: (H, 4 * H, 8 * H),
            Priority.P4: (4 * H, 8 * H, 24 * H),
            Priority.P5: (8 * H, 24 * H, 40 * H),
        } == {p: (t.first_response, t.update, t.resolution) for p, t in DEFAULT_TARGETS.items()}

    def test_for_kind(self) -> None:
        """A target gives the time of each kind of clock, by member or value."""
        target = ServiceTarget(H, 2 * H, 3 * H)
        assert [H, 2 * H, 3 * H] == [target.for_kind(kind) for kind in ClockKind]
        assert 2 * H == target.for_kind("update")

    def test_policy_defaults(self) -> None:
        """By default: the default targets, 24×7, warning at 80 %."""
        policy = SlaPolicy()
        assert (DEFAULT_TARGETS, AlwaysOpen(), 0.8) == (
            policy.targets,
            policy.calendar,
            policy.warning_ratio,
        )
        assert hash(policy) == hash(SlaPolicy())

    def test_target_by_priority_or_number(self) -> None:
        """target() takes a Priority or its number."""
        assert (
            DEFAULT_TARGETS[Priority.P2] == SlaPolicy().target(2) == SlaPolicy().target(Priority.P2)
        )

    def test_start_clocks(self) -> None:
        """start_clocks(): three clocks with the priority's targets and the policy's settings."""
        clocks = SlaPolicy(calendar=OFFICE, warning_ratio=0.5).start_clocks(Priority.P3, T0)
        assert [
            (ClockKind.FIRST_RESPONSE, H),
            (ClockKind.UPDATE, 4 * H),
            (ClockKind.RESOLUTION, 8 * H),
        ] == [(c.kind, c.target) for c in clocks.clocks]
        assert {(OFFICE, 0.5, T0)} == {
            (c.calendar, c.warning_ratio, c.started_at) for c in clocks.clocks
        }

    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: ServiceTarget(H, H, timedelta(0)), "resolution"),
            (lambda: ServiceTarget(-H, H, H), "first_response"),
            (lambda: ServiceTarget(H, 60, H), "update"),
            (lambda: SlaPolicy(targets={}), "targets"),
            (lambda: SlaPolicy(targets=[DEFAULT_TARGETS[Priority.P1]]), "targets"),
            (
                lambda: SlaPolicy(targets={**DEFAULT_TARGETS, 6: DEFAULT_TARGETS[Priority.P1]}),
                "targets",
            ),
            (lambda: SlaPolicy(targets={**DEFAULT_TARGETS, Priority.P1: 4 * H}), "targets"),
            (
                lambda: SlaPolicy(targets={**DEFAULT_TARGETS, 1: DEFAULT_TARGETS[Priority.P2]}),
                "targets",
            ),
            (lambda: SlaPolicy(calendar="Europe/London"), "calendar"),
            (lambda: SlaPolicy(warning_ratio=0), "warning_ratio"),
            (lambda: SlaPolicy(warning_ratio=1), "warning_ratio"),
            (lambda: SlaPolicy(warning_ratio=1.2), "warning_ratio"),
            (lambda: SlaPolicy(warning_ratio=True), "warning_ratio"),
            (lambda: SlaPolicy(warning_ratio="0.8"), "warning_ratio"),
            (lambda: SlaPolicy().target(0), "priority"),
            (lambda: SlaPolicy().target("P1"), "priority"),
        ],
    )
    def test_bad_configuration_names_the_field(
        self, make: Callable[[], object], field: str
    ) -> None:
        """Non-positive targets, incomplete target maps, bad calendars and ratios are refused."""
        with pytest.raises(ValidationError) as caught:
            make()
        assert field == caught.value.field

    def test_a_missing_priority_is_named(self) -> None:
        """A target map without P3 says so."""
        targets = {p: t for p, t in DEFAULT_TARGETS.items() if p is not Priority.P3}
        with pytest.raises(ValidationError) as caught:
            SlaPolicy(targets=targets)
        assert ("targets", "P3") == (caught.value.field, caught.value.value)
        expected = "'targets' must give a target for every priority; this one is missing (got 'P3')"
        assert expected == str(caught.value)

    @pytest.mark.parametrize(
        ("targets", "value", "reason"),
        [
            (
                [DEFAULT_TARGETS[Priority.P1]],
                [DEFAULT_TARGETS[Priority.P1]],
                "must map each priority to a ServiceTarget",
            ),
            (
                {**DEFAULT_TARGETS, Priority.P1: 4 * H},
                4 * H,
                "must map each priority to a ServiceTarget",
            ),
            (
                {**DEFAULT_TARGETS, 1: DEFAULT_TARGETS[Priority.P2]},
                1,
                "must give each priority once",
            ),
        ],
    )
    def test_bad_targets_say_why(self, targets: object, value: object, reason: str) -> None:
        """The message names ``targets``, says what they must be and shows the culprit."""
        with pytest.raises(ValidationError) as caught:
            SlaPolicy(targets=targets)  # type: ignore[arg-type]
        assert (value, f"'targets' {reason} (got {value!r})") == (
            caught.value.value,
            str(caught.value),
        )

    def test_a_bad_warning_ratio_says_why(self) -> None:
        """The ratio is a number strictly between 0 and 1; the message shows what was given."""
        with pytest.raises(ValidationError) as caught:
            SlaPolicy(warning_ratio=1)
        expected = "'warning_ratio' must be a number between 0 and 1, exclusive (got 1)"
        assert (1, expected) == (caught.value.value, str(caught.value))


# -- the known cases ----------------------------------------------------------------

# The issue states "a P2 ticket opened Friday 16:30 with 4 business hours to resolve on a Mon-Fri
# 09-17 calendar is due Monday 11:30". Friday 16:30-17:00 is half an hour, so 4 business hours
# end on Monday at 12:30; 11:30 is where they end for a ticket opened at 15:30. Both are checked.
OPENINGS = [((16, 30), (12, 30)), ((15, 30), (11, 30))]
FRIDAYS = [
    (date(2026, 3, 20), date(2026, 3, 23)),  # an ordinary weekend (GMT)
    (date(2026, 3, 27), date(2026, 3, 30)),  # clocks go forward on Sunday 29 March
    (date(2026, 10, 23), date(2026, 10, 26)),  # clocks go back on Sunday 25 October
]


class TestKnownCases:
    @pytest.mark.parametrize(("friday", "monday"), FRIDAYS)
    @pytest.mark.parametrize(("opened", "due"), OPENINGS)
    def test_friday_afternoon_is_due_monday(
        self, friday: date, monday: date, opened: tuple[int, int], due: tuple[int, int]
    ) -> None:
        """A P2 ticket opened on Friday afternoon is due on Monday morning, local time."""
        clocks = BUSINESS.start_clocks(Priority.P2, london(friday, *opened))
        assert london(monday, *due) == clocks.resolution.due()

    @pytest.mark.parametrize(("friday", "monday"), FRIDAYS)
    @pytest.mark.parametrize(("opened", "due"), OPENINGS)
    def test_a_holiday_monday_moves_it_to_tuesday(
        self, friday: date, monday: date, opened: tuple[int, int], due: tuple[int, int]
    ) -> None:
        """With the Monday a holiday, it is due on Tuesday at the same time."""
        calendar = BusinessCalendar.weekly(zone="Europe/London", holidays=[monday])
        clocks = SlaPolicy(calendar=calendar).start_clocks(Priority.P2, london(friday, *opened))
        assert london(monday + timedelta(days=1), *due) == clocks.resolution.due()

    @pytest.mark.parametrize(("friday", "monday"), FRIDAYS)
    @pytest.mark.parametrize(("opened", "due"), OPENINGS)
    def test_a_pending_hour_adds_an_hour(
        self, friday: date, monday: date, opened: tuple[int, int], due: tuple[int, int]
    ) -> None:
        """Pending on Monday 09:00-10:00 moves the due time an hour later; the hour is kept."""
        clocks = BUSINESS.start_clocks(Priority.P2, london(friday, *opened))
        clocks = clocks.pause(london(monday, 9)).resume(london(monday, 10))
        assert london(monday, due[0] + 1, due[1]) == clocks.resolution.due()
        assert H == clocks.resolution.paused_time(london(monday, 10))

    @pytest.mark.parametrize(("friday", "monday"), FRIDAYS[1:])
    def test_the_offset_differs_across_dst(self, friday: date, monday: date) -> None:
        """Over a DST weekend the due time keeps its local time while the UTC offset changes."""
        opened = london(friday, 16, 30)
        due = BUSINESS.start_clocks(Priority.P2, opened).resolution.due()
        assert due is not None
        assert opened.utcoffset() != due.utcoffset()
        assert (time(12, 30), 4 * H) == (due.time(), OFFICE.between(opened, due))

    def test_24x7_against_business_hours(self) -> None:
        """On the same input a 24×7 policy is due Friday 20:30, the business one Monday 12:30."""
        opened = london(date(2026, 3, 20), 16, 30)
        always = SlaPolicy(calendar=AlwaysOpen(zone="Europe/London"))
        assert (london(date(2026, 3, 20), 20, 30), london(date(2026, 3, 23), 12, 30)) == (
            always.start_clocks(Priority.P2, opened).resolution.due(),
            BUSINESS.start_clocks(Priority.P2, opened).resolution.due(),
        )


# -- one clock -----------------------------------------------------------------------------


class TestClock:
    def test_a_new_clock(self) -> None:
        """A started clock runs; its due time is start + target on 24×7."""
        c = clock()
        assert (at(4), True, False, False, T0) == (
            c.due(),
            c.running,
            c.paused,
            c.stopped,
            c.last_event,
        )

    def test_times_are_stored_in_utc(self) -> None:
        """Any aware time is accepted and kept in UTC."""
        c = SlaClock.start("update", H, datetime(2026, 3, 2, 9, tzinfo=LONDON))
        assert (ClockKind.UPDATE, UTC) == (c.kind, c.started_at.tzinfo)

    def test_utc_whatever_the_machine_zone(self, machine_in_kolkata: None) -> None:
        """On a machine whose local zone is not UTC, every stored time is still in UTC."""
        c = SlaClock.start("update", H, datetime(2026, 3, 2, 9, tzinfo=LONDON))
        c = c.pause(at(1)).resume(at(2)).stop(at(3))
        stored = [c.started_at, *itertools.chain.from_iterable(c.pauses), c.stopped_at]
        assert [timedelta(0)] * 4 == [moment.utcoffset() for moment in stored if moment]

    def test_warning_at_80_percent(self) -> None:
        """Warning at 80 % of 4 h: 3 h 12 min in; RUNNING before, WARNING from then."""
        c = clock()
        assert at(3.2) == c.warning_at()
        assert [ClockState.RUNNING, ClockState.WARNING, ClockState.WARNING] == [
            c.state(now) for now in (at(3.2) - M, at(3.2), at(4))
        ]

    def test_custom_warning_ratio(self) -> None:
        """A ratio of 0.5 warns halfway."""
        assert at(2) == clock(ratio=0.5).warning_at()

    def test_breach_is_after_the_due_time(self) -> None:
        """At the due time the clock is not breached yet; a moment later it is."""
        c = clock()
        assert [False, True] == [c.breached(now) for now in (at(4), at(4) + M)]
        assert ClockState.BREACHED == c.state(at(5))
        assert -H == c.remaining(at(5))

    def test_met_and_missed(self) -> None:
        """Stopped by the due time it is MET; after, MISSED; readings then stand still."""
        met, missed = clock().stop(at(4)), clock().stop(at(4.5))
        assert (ClockState.MET, ClockState.MISSED) == (met.state(at(9)), missed.state(at(9)))
        assert (False, True) == (met.breached(at(9)), missed.breached(at(9)))
        assert (4 * H, timedelta(0), -H / 2) == (
            met.elapsed(at(9)),
            met.remaining(at(9)),
            missed.remaining(at(99)),
        )

    def test_pause_keeps_the_paused_time(self) -> None:
        """Paused 1 h to 3 h: the due time moves 2 h; the paused time is kept and not counted."""
        c = clock().pause(at(1))
        assert (None, None, ClockState.PAUSED) == (c.due(), c.warning_at(), c.state(at(2)))
        assert (H, H) == (c.elapsed(at(2)), c.paused_time(at(2)))
        c = c.resume(at(3))
        assert ((at(1), at(3)),) == c.pauses
        assert (at(6), 2 * H, 3 * H, 2 * H) == (
            c.due(),
            c.paused_time(at(5)),
            c.elapsed(at(5)),
            c.remaining(at(4)),
        )

    def test_paused_twice_then_resumed_keeps_both_pauses(self) -> None:
        """Paused 1-2 h and 3-5 h: 3 h paused, so 4 h of running time end at 7 h."""
        c = clock().pause(at(1)).resume(at(2)).pause(at(3)).resume(at(5))
        assert (((at(1), at(2)), (at(3), at(5))), at(4 + 1 + 2)) == (c.pauses, c.due())
        assert (3 * H, (1 + 1 + 1) * H) == (c.paused_time(at(6)), c.elapsed(at(6)))

    def test_paused_twice_then_stopped_keeps_both_pauses(self) -> None:
        """Paused 1-2 h, then from 3 h until stopped at 4 h: 2 h ran, 2 h paused."""
        c = clock().pause(at(1)).resume(at(2)).pause(at(3)).stop(at(4))
        assert (((at(1), at(2)), (at(3), at(4))), at(4)) == (c.pauses, c.stopped_at)
        assert (2 * H, 2 * H, 2 * H) == (c.elapsed(at(9)), c.paused_time(at(9)), c.remaining(at(9)))

    def test_the_target_reached_exactly_as_a_pause_starts(self) -> None:
        """Paused at the due time itself: the due time is known (the pause's start), and
        the clock is breached during the pause, as after it."""
        c = clock().pause(at(4))
        assert (at(4), at(3.2)) == (c.due(), c.warning_at())
        assert (ClockState.BREACHED, True) == (c.state(at(4.5)), c.breached(at(4.5)))
        resumed = c.resume(at(6))
        assert (at(4), ClockState.BREACHED) == (resumed.due(), resumed.state(at(6)))

    def test_the_warning_point_reached_exactly_as_a_pause_starts(self) -> None:
        """Paused at the warning point (3 h 12 min): warning_at is the pause's start, and
        the due time, 48 min of running later, waits for the resume."""
        c = clock().pause(at(3.2))
        assert (at(3.2), None) == (c.warning_at(), c.due())
        resumed = c.resume(at(5))
        assert (at(3.2), at(5.8)) == (resumed.warning_at(), resumed.due())

    def test_a_breached_clock_paused_stays_breached(self) -> None:
        """A pause after the due time does not hide the breach; the due time stays known."""
        c = clock().pause(at(5))
        assert (at(4), ClockState.BREACHED, True) == (c.due(), c.state(at(6)), c.breached(at(6)))

    def test_stop_while_paused_ends_the_pause(self) -> None:
        """Stopping a paused clock closes its pause at the stop."""
        c = clock().pause(at(1)).stop(at(2))
        assert (((at(1), at(2)),), at(2), ClockState.MET) == (
            c.pauses,
            c.stopped_at,
            c.state(at(3)),
        )

    def test_reopen_counts_the_stopped_time_as_paused(self) -> None:
        """Stopped at 1 h, reopened at 3 h: 2 h paused, due at 6 h."""
        c = clock().stop(at(1)).reopen(at(3))
        assert (None, at(6), 2 * H, ClockState.RUNNING) == (
            c.stopped_at,
            c.due(),
            c.paused_time(at(3)),
            c.state(at(3)),
        )

    def test_restart_starts_afresh(self) -> None:
        """restart() gives a fresh clock from the new time; a paused clock restarts paused."""
        running = clock(H).restart(at(2))
        assert (at(2), (), at(3)) == (running.started_at, running.pauses, running.due())
        paused = clock(H).pause(at(0.5)).restart(at(2))
        assert (((at(2), None),), None) == (paused.pauses, paused.due())
        stopped = clock(H).stop(at(0.5)).restart(at(2))
        assert (True, at(3)) == (stopped.running, stopped.due())

    def test_events_return_new_clocks(self) -> None:
        """A clock never changes: each event returns a new one."""
        c = clock()
        c.pause(at(1))
        assert c == clock()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            c.target = H  # type: ignore[misc]

    def test_reading(self) -> None:
        """reading() gathers everything a clock shows."""
        c = clock().pause(at(1)).resume(at(2))
        assert ClockReading(
            at=at(4.5),
            kind=ClockKind.RESOLUTION,
            state=ClockState.WARNING,
            target=4 * H,
            due=at(5),
            elapsed=3.5 * H,
            remaining=H / 2,
            paused_time=H,
            warning_at=at(4.2),
            breached=False,
        ) == c.reading(at(4.5))

    def test_on_a_business_calendar(self) -> None:
        """Elapsed, paused and due times count business hours only."""
        c = SlaClock.start("resolution", 8 * H, london(date(2026, 3, 20), 16), calendar=OFFICE)
        c = c.pause(london(date(2026, 3, 20), 16, 30)).resume(london(date(2026, 3, 23), 10))
        monday_noon = london(date(2026, 3, 23), 12)
        assert (timedelta(hours=2.5), timedelta(hours=1.5), london(date(2026, 3, 24), 9, 30)) == (
            c.elapsed(monday_noon),
            c.paused_time(monday_noon),
            c.due(),
        )


class TestClockErrors:
    @pytest.mark.parametrize(
        ("event", "field"),
        [
            (lambda c: c.pause(datetime(2026, 3, 2, 10)), "at"),
            (lambda c: c.pause(at(-1)), "at"),
            (lambda c: c.pause(at(1)).resume(at(0.5)), "at"),
            (lambda c: c.stop(at(2)).reopen(at(1)), "at"),
            (lambda c: c.pause(at(2)).stop(at(1)), "at"),
            (lambda c: c.stop(datetime(2026, 3, 2, 10)), "at"),
            (lambda c: c.restart(at(-0.1)), "at"),
            (lambda c: c.elapsed(at(-1)), "now"),
            (lambda c: c.pause(at(2)).state(at(1)), "now"),
            (lambda c: c.stop(at(2)).reading(at(1)), "now"),
            (lambda c: c.remaining(datetime(2026, 3, 2, 10)), "now"),
            (lambda c: c.pause(at(1)).pause(at(2)), "resolution clock"),
            (lambda c: c.stop(at(1)).pause(at(2)), "resolution clock"),
            (lambda c: c.resume(at(1)), "resolution clock"),
            (lambda c: c.stop(at(1)).stop(at(2)), "resolution clock"),
            (lambda c: c.reopen(at(1)), "resolution clock"),
        ],
    )
    def test_refused_events_name_the_field(
        self, event: Callable[[SlaClock], object], field: str
    ) -> None:
        """Naive or backward times and events the clock's state refuses are ValidationErrors."""
        with pytest.raises(ValidationError) as caught:
            event(clock())
        assert field == caught.value.field

    def test_starting_needs_an_aware_time(self) -> None:
        """A clock or a ticket's clocks started at a naive time: refused, naming ``at``."""
        for start in (
            lambda: SlaClock.start("update", H, datetime(2026, 3, 2, 9)),
            lambda: SlaPolicy().start_clocks(Priority.P1, datetime(2026, 3, 2, 9)),
        ):
            with pytest.raises(ValidationError) as caught:
                start()
            assert "at" == caught.value.field

    @pytest.mark.parametrize(
        ("event", "message"),
        [
            (lambda c: c.resume(at(1)), "must be paused to be resumed (got 'running')"),
            (lambda c: c.stop(at(1)).resume(at(2)), "must be paused to be resumed (got 'stopped')"),
            (lambda c: c.pause(at(1)).pause(at(2)), "must be running to be paused (got 'paused')"),
            (lambda c: c.stop(at(1)).pause(at(2)), "must be running to be paused (got 'stopped')"),
            (
                lambda c: c.stop(at(1)).stop(at(2)),
                "must be running or paused to be stopped (got 'stopped')",
            ),
            (lambda c: c.reopen(at(1)), "must be stopped to be reopened (got 'running')"),
            (
                lambda c: c.pause(at(1)).reopen(at(2)),
                "must be stopped to be reopened (got 'paused')",
            ),
        ],
    )
    def test_state_errors_say_what_is_needed(
        self, event: Callable[[SlaClock], object], message: str
    ) -> None:
        """The message names the clock, what it must be and what it is."""
        with pytest.raises(ValidationError) as caught:
            event(clock())
        assert f"'resolution clock' {message}" == str(caught.value)

    def test_an_event_before_the_last_names_it(self) -> None:
        """A time before the clock's last event is refused, giving that event's time."""
        early = at(1)
        with pytest.raises(ValidationError) as caught:
            clock().pause(at(2)).resume(early)
        expected = (
            f"'at' must not be before the clock's last event (2026-03-02 11:00:00+00:00)"
            f" (got {early!r})"
        )
        assert expected == str(caught.value)

    def test_an_event_at_the_last_event_time_is_accepted(self) -> None:
        """Two events at the same instant are in order: nothing is before the last one."""
        c = clock().pause(at(1)).resume(at(1)).stop(at(1)).reopen(at(1)).restart(at(1))
        assert (at(1), (), None) == (c.started_at, c.pauses, c.stopped_at)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"kind": "escalation"}, "kind"),
            ({"target": timedelta(0)}, "target"),
            ({"target": 4}, "target"),
            ({"calendar": None}, "calendar"),
            ({"started_at": datetime(2026, 3, 2)}, "started_at"),
            ({"pauses": ((at(1), at(2)), (at(1.5), at(3)))}, "pauses"),
            ({"pauses": ((at(-1), at(2)),)}, "pauses"),
            ({"pauses": ((at(2), at(1)),)}, "pauses"),
            ({"pauses": ((at(1), None), (at(2), at(3)))}, "pauses"),
            ({"pauses": ((at(1), None),), "stopped_at": at(2)}, "pauses"),
            ({"pauses": ((at(1), at(3)),), "stopped_at": at(2)}, "stopped_at"),
            ({"pauses": (at(1),)}, "pauses"),
            ({"pauses": at(1)}, "pauses"),
            ({"pauses": ((datetime(2026, 3, 2, 10), None),)}, "pauses"),
            ({"stopped_at": at(-1)}, "stopped_at"),
            ({"stopped_at": "now"}, "stopped_at"),
            ({"warning_ratio": 0.0}, "warning_ratio"),
        ],
    )
    def test_bad_fields_name_the_field(self, changes: dict[str, object], field: str) -> None:
        """Each field is checked, and the pauses and stop must be in order."""
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(clock(), **changes)
        assert field == caught.value.field

    @pytest.mark.parametrize(
        ("changes", "field", "value", "reason"),
        [
            (
                {"pauses": at(1)},
                "pauses",
                at(1),
                "must be a sequence of (start, end or None) pairs",
            ),
            ({"pauses": (at(1),)}, "pauses", at(1), "must hold (start, end or None) pairs"),
            (
                {"pauses": ([at(1), at(2), at(3)],)},
                "pauses",
                [at(1), at(2), at(3)],
                "must hold (start, end or None) pairs",
            ),
            (
                {"pauses": ((at(2), at(1)),)},
                "pauses",
                ((at(2), at(1)),),
                "must be in order, after started_at",
            ),
            (
                {"pauses": ((at(1), None), (at(2), at(3)))},
                "pauses",
                ((at(1), None), (at(2), at(3))),
                "may leave only the last pause open, and not once stopped",
            ),
            (
                {"pauses": ((at(1), None),), "stopped_at": at(2)},
                "pauses",
                ((at(1), None),),
                "may leave only the last pause open, and not once stopped",
            ),
            (
                {"pauses": ((at(1), at(3)),), "stopped_at": at(2)},
                "stopped_at",
                at(2),
                "must not be before the start or the last pause",
            ),
            (
                {"warning_ratio": "0.8"},
                "warning_ratio",
                "0.8",
                "must be a number between 0 and 1, exclusive",
            ),
        ],
    )
    def test_bad_fields_say_why(
        self, changes: dict[str, object], field: str, value: object, reason: str
    ) -> None:
        """The message names the field, says what it must be, and shows the value refused."""
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(clock(), **changes)
        assert (value, f"{field!r} {reason} (got {value!r})") == (
            caught.value.value,
            str(caught.value),
        )

    def test_a_naive_pause_end_names_the_pauses(self) -> None:
        """Every time in ``pauses`` must be aware, the ends as well as the starts."""
        with pytest.raises(ValidationError) as caught:
            attrs.evolve(clock(), pauses=((at(1), datetime(2026, 3, 2, 11)),))
        assert ("pauses", datetime(2026, 3, 2, 11)) == (caught.value.field, caught.value.value)


# -- a ticket's clocks ---------------------------------------------------------------------


class TestTicketClocks:
    def test_a_ticket_life(self) -> None:
        """Respond, go pending, share an update, resolve, reopen: each clock does its part."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0)
        clocks = clocks.responded(at(0.25))
        assert (at(0.25), ClockState.MET) == (
            clocks.first_response.stopped_at,
            clocks.first_response.state(at(1)),
        )
        clocks = clocks.pause(at(0.5))
        assert (False, True, True) == tuple(c.paused for c in clocks.clocks)
        assert (True, False, False) == tuple(c.pauses == () for c in clocks.clocks)
        clocks = clocks.shared_update(at(1))  # an update while pending: the clock restarts paused
        assert ((at(1), None),) == clocks.update.pauses
        clocks = clocks.resume(at(2))
        assert (at(3), at(5.5)) == (clocks.update.due(), clocks.resolution.due())
        clocks = clocks.shared_update(at(2.5))
        assert at(3.5) == clocks.update.due()
        clocks = clocks.resolved(at(3))
        assert (True, True, True) == tuple(c.stopped for c in clocks.clocks)
        clocks = clocks.reopened(at(4))
        assert (True, False, False) == tuple(c.stopped for c in clocks.clocks)
        assert (at(5), at(6.5)) == (clocks.update.due(), clocks.resolution.due())
        readings = clocks.readings(at(5))
        assert [ClockState.MET, ClockState.WARNING, ClockState.RUNNING] == [
            r.state for r in readings
        ]

    def test_the_methods_skip_clocks_they_do_not_apply_to(self) -> None:
        """Pausing skips stopped clocks, resuming running ones; responding twice is harmless."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0).responded(at(0.1))
        assert clocks == clocks.resume(at(0.2)).responded(at(0.2))
        assert clocks.first_response == clocks.pause(at(0.2)).first_response
        resolved = clocks.resolved(at(1))
        assert resolved == resolved.resolved(at(2))
        assert resolved.update == resolved.shared_update(at(2)).update

    def test_a_shared_update_is_a_response(self) -> None:
        """An update shared before any response stops the first-response clock."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0).shared_update(at(0.2))
        assert at(0.2) == clocks.first_response.stopped_at

    def test_resolving_while_pending(self) -> None:
        """Resolving a pending ticket closes the pauses and stops every clock."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0).pause(at(1)).resolved(at(2))
        assert {((at(1), at(2)),)} == {c.pauses for c in clocks.clocks}

    def test_no_event_before_the_last_one(self) -> None:
        """A time before any clock's last event is refused, naming ``at``."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0).responded(at(1))
        for event in (
            clocks.pause,
            clocks.resume,
            clocks.responded,
            clocks.shared_update,
            clocks.resolved,
            clocks.reopened,
        ):
            with pytest.raises(ValidationError) as caught:
                event(at(0.5))
            assert "at" == caught.value.field

    def test_fields_must_be_clocks(self) -> None:
        """Each field must be an SlaClock."""
        with pytest.raises(ValidationError) as caught:
            TicketClocks(clock(), clock(), None)  # type: ignore[arg-type]
        assert "resolution" == caught.value.field

    def test_a_field_that_is_no_clock_says_so(self) -> None:
        """The message names the field and shows what it got."""
        with pytest.raises(ValidationError) as caught:
            TicketClocks(clock(), "update clock", clock())  # type: ignore[arg-type]
        expected = "'update' must be an SlaClock (got 'update clock')"
        assert ("update clock", expected) == (caught.value.value, str(caught.value))

    def test_an_event_before_the_last_names_the_clocks_last_event(self) -> None:
        """The message gives the latest event of any clock, and the time refused."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0).responded(at(1))
        early = at(0.5)
        with pytest.raises(ValidationError) as caught:
            clocks.pause(early)
        expected = (
            f"'at' must not be before the clocks' last event (2026-03-02 10:00:00+00:00)"
            f" (got {early!r})"
        )
        assert (early, expected) == (caught.value.value, str(caught.value))

    def test_a_naive_time_is_refused_naming_at(self) -> None:
        """Every event of the ticket's clocks needs an aware time."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0)
        naive = datetime(2026, 3, 2, 10)
        for event in (clocks.pause, clocks.responded, clocks.resolved, clocks.reopened):
            with pytest.raises(ValidationError) as caught:
                event(naive)
            assert ("at", naive) == (caught.value.field, caught.value.value)

    def test_an_event_at_the_instant_of_the_last_one_is_accepted(self) -> None:
        """An event at the same instant as the clocks' last event is in order."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0).responded(at(1))
        paused = clocks.pause(at(1))
        assert ((), ((at(1), None),)) == (paused.first_response.pauses, paused.update.pauses)

    def test_reopening_a_ticket_whose_resolution_clock_runs(self) -> None:
        """reopened() leaves a resolution clock that was not stopped as it is."""
        clocks = SlaPolicy().start_clocks(Priority.P2, T0)
        reopened = clocks.reopened(at(1))
        assert (clocks.resolution, at(1)) == (reopened.resolution, reopened.update.started_at)


# -- properties --------------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> tuple[Spec, SlaClock, list[datetime]]:
    """A drawn calendar, a clock taken through drawn pauses (and maybe a stop), and later nows."""
    spec = draw(specs())
    start = draw(minutes_2026())
    target = draw(st.integers(1, 8 * 60)) * M
    c = SlaClock.start(ClockKind.RESOLUTION, target, start, calendar=spec.build())
    moment = start
    for index, gap in enumerate(draw(st.lists(st.integers(0, 600), max_size=6))):
        moment += gap * M
        c = c.pause(moment) if index % 2 == 0 else c.resume(moment)
    if draw(st.booleans()):
        moment += draw(st.integers(0, 600)) * M
        c = c.stop(moment)
    nows, now = [], moment
    for gap in draw(st.lists(st.integers(0, 900), min_size=1, max_size=4)):
        now += gap * M
        nows.append(now)
    return spec, c, nows


def closed_pauses(c: SlaClock, end: datetime) -> list[tuple[datetime, datetime]]:
    return [(a, end if b is None else b) for a, b in c.pauses]


class TestClockProperties:
    @settings(max_examples=50)
    @given(history=histories())
    def test_paused_time_is_never_counted(
        self, history: tuple[Spec, SlaClock, list[datetime]]
    ) -> None:
        """elapsed: the open minutes since the start outside pauses; paused_time: those inside."""
        spec, c, nows = history
        for now in nows:
            end = now if c.stopped_at is None else c.stopped_at
            pauses = closed_pauses(c, end)
            assert open_minutes(spec, c.started_at, end, pauses) == c.elapsed(now)
            assert sum(
                (open_minutes(spec, a, b) for a, b in pauses), timedelta(0)
            ) == c.paused_time(now)

    @settings(max_examples=50)
    @given(history=histories())
    def test_the_due_time_ends_the_target_th_running_minute(
        self, history: tuple[Spec, SlaClock, list[datetime]]
    ) -> None:
        """Walking minute by minute, skipping pauses and closed time, the target ends at due()."""
        spec, c, _ = history
        minute, left, expected = c.started_at, c.target // M, None
        limit = c.last_event + timedelta(weeks=3)  # sparse calendars: check less, but quickly
        while minute < limit:
            pause = next(
                (p for p in c.pauses if p[0] <= minute and (p[1] is None or minute < p[1])), None
            )
            if pause is not None and pause[1] is None:
                break  # the pause under way came first: not known yet
            if pause is None and wall_open(spec, minute):
                left -= 1
                if not left:
                    expected = minute + M
                    break
            minute += M
        due = c.due()
        if minute >= limit:
            assert due is None or due > limit
        else:
            assert expected == due

    @settings(max_examples=50)
    @given(history=histories())
    def test_the_clock_never_goes_backwards(
        self, history: tuple[Spec, SlaClock, list[datetime]]
    ) -> None:
        """As now moves on, elapsed and paused time never fall and remaining never rises;
        no event or reading is accepted before the clock's last event."""
        _, c, nows = history
        readings = [c.reading(now) for now in nows]
        for earlier, later in itertools.pairwise(readings):
            assert earlier.elapsed <= later.elapsed
            assert earlier.paused_time <= later.paused_time
            assert earlier.remaining >= later.remaining
            assert earlier.breached <= later.breached
        before = c.last_event - timedelta(microseconds=1)
        for refused in (c.pause, c.resume, c.stop, c.reopen, c.restart, c.elapsed, c.reading):
            with pytest.raises(ValidationError):
                refused(before)

    @settings(max_examples=50)
    @given(history=histories())
    def test_state_agrees_with_the_due_time(
        self, history: tuple[Spec, SlaClock, list[datetime]]
    ) -> None:
        """breached(now) is 'past due by now or by the stop', and state() follows from it."""
        _, c, nows = history
        due, warning_at = c.due(), c.warning_at()
        for now in nows:
            end = now if c.stopped_at is None else c.stopped_at
            breached = due is not None and end > due
            assert breached == c.breached(now)
            state = c.state(now)
            if c.stopped:
                assert (ClockState.MISSED if breached else ClockState.MET) == state
            elif breached:
                assert ClockState.BREACHED == state
            elif c.paused:
                assert ClockState.PAUSED == state
            else:
                assert warning_at is not None
                assert (ClockState.WARNING if now >= warning_at else ClockState.RUNNING) == state
