"""The clock module: which times callflow takes, moving them, zones, and the manual clock.

Every time is aware and lies between EARLIEST (the first instant of the year 2)
and LATEST (the last microsecond of the year 9998), whatever its zone; a
duration that would take a time outside is refused, naming the duration.
"""

import math
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow import ValidationError
from callflow.clock import (
    EARLIEST,
    LATEST,
    ManualClock,
    check_aware,
    check_clock,
    read_clock,
    shift,
    to_zone,
    utc_now,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
PLUS_5 = timezone(timedelta(hours=5))
MINUS_5 = timezone(timedelta(hours=-5))
RANGE = "between 0002-01-01 and 9998-12-31 (UTC)"


class Mute(tzinfo):
    """A tzinfo whose utcoffset fails, as a foreign tzinfo's may."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        raise RuntimeError("no idea")


class Silent(tzinfo):
    """A tzinfo whose utcoffset answers None: a datetime in it is naive, by Python's rules."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


def message(field: str, reason: str, value: object) -> str:
    """What a ValidationError says: ``'field' reason (got value)``."""
    return f"{field!r} {reason} (got {value!r})"


def aware_times() -> st.SearchStrategy[datetime]:
    """Aware times from EARLIEST to LATEST, in fixed zones up to 14 hours from UTC."""
    offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    naive_earliest, naive_latest = EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)
    return st.builds(
        lambda utc, zone: utc.replace(tzinfo=UTC).astimezone(zone),
        st.datetimes(min_value=naive_earliest, max_value=naive_latest),
        offsets,
    )


class TestTheEdges:
    """EARLIEST and LATEST are a year inside Python's own limits."""

    def test_earliest_is_the_first_instant_of_the_year_2(self) -> None:
        """datetime.min is the year 1: EARLIEST is a whole year later, at midnight UTC."""
        assert datetime.min.replace(year=2, tzinfo=UTC) == EARLIEST

    def test_latest_is_the_last_microsecond_of_the_year_9998(self) -> None:
        """One microsecond after LATEST the year 9999 begins, Python's last year."""
        assert datetime(datetime.max.year, 1, 1, tzinfo=UTC) == LATEST + TICK
        assert 9998 == LATEST.year

    def test_utc_now_is_aware_utc_and_current(self) -> None:
        """The default clock tells the current time, in UTC."""
        before = datetime.now(UTC)
        now = utc_now()
        after = datetime.now(UTC)
        assert (UTC, True) == (now.tzinfo, before <= now <= after)


class TestCheckAware:
    """check_aware returns an aware time in range, and names the field otherwise."""

    @pytest.mark.parametrize(
        "value",
        [
            datetime(2026, 3, 2, 9, 0),
            datetime(2026, 3, 2, tzinfo=Mute()),
            datetime(2026, 3, 2, tzinfo=Silent()),
            "2026-03-02T09:00:00+00:00",
            None,
            START.date(),
        ],
    )
    def test_what_is_not_an_aware_datetime(self, value: object) -> None:
        """Naive times, times in a zone that cannot tell its offset, and other kinds."""
        with pytest.raises(ValidationError) as caught:
            check_aware("at", value)
        assert message("at", "must be a timezone-aware datetime", value) == str(caught.value)
        assert ("at", value) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("value", [EARLIEST, LATEST, START, EARLIEST.astimezone(PLUS_5)])
    def test_the_edges_and_inside_are_returned_as_given(self, value: datetime) -> None:
        """The very object given comes back, zone and all."""
        assert value is check_aware("at", value)

    @pytest.mark.parametrize(
        "value",
        [
            EARLIEST - TICK,
            LATEST + TICK,
            # The right day on the wall, the wrong side of the edge in UTC:
            datetime(2, 1, 1, tzinfo=PLUS_5),
            datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=MINUS_5),
        ],
    )
    def test_just_outside_the_edges(self, value: datetime) -> None:
        """One microsecond outside, or a wall time inside whose instant is outside."""
        with pytest.raises(ValidationError) as caught:
            check_aware("when", value)
        assert message("when", f"must lie {RANGE}", value) == str(caught.value)

    @given(aware_times())
    def test_every_time_in_range_passes(self, value: datetime) -> None:
        """Any aware time from EARLIEST to LATEST, in any fixed zone, is returned unchanged."""
        assert value is check_aware("at", value)


class TestShift:
    """shift moves an aware time by any timedelta, refusing to leave the range."""

    @pytest.mark.parametrize(
        ("moment", "local"),
        [
            # The day the clocks go forward: 24 hours after noon is 13:00.
            (datetime(2026, 3, 28, 12, 0, tzinfo=ZoneInfo("Europe/London")), (2026, 3, 29, 13)),
            # The day they go back: 24 hours after noon is 11:00.
            (datetime(2026, 10, 24, 12, 0, tzinfo=ZoneInfo("Europe/London")), (2026, 10, 25, 11)),
        ],
    )
    def test_a_duration_is_elapsed_time_across_a_clock_change(
        self, moment: datetime, local: tuple[int, int, int, int]
    ) -> None:
        """A promise due in 24 hours is due 24 real hours on, in the moment's own zone."""
        moved = shift("due", moment, timedelta(hours=24))
        assert timedelta(hours=24) == moved.astimezone(UTC) - moment.astimezone(UTC)
        assert (local, moment.tzinfo) == (
            (moved.year, moved.month, moved.day, moved.hour),
            moved.tzinfo,
        )

    def test_a_move_inside_the_range(self) -> None:
        """An hour and a half later, in the zone the time was in."""
        moment = START.astimezone(PLUS_5)
        moved = shift("delay", moment, timedelta(minutes=90))
        assert (START + timedelta(minutes=90), PLUS_5) == (moved, moved.tzinfo)

    @pytest.mark.parametrize(
        ("moment", "delta", "expected"),
        [
            (LATEST - timedelta(hours=1), timedelta(hours=1), LATEST),
            (EARLIEST + timedelta(hours=1), -timedelta(hours=1), EARLIEST),
            (LATEST, timedelta(), LATEST),
            (EARLIEST, timedelta(), EARLIEST),
        ],
    )
    def test_onto_the_edges(self, moment: datetime, delta: timedelta, expected: datetime) -> None:
        """Landing exactly on EARLIEST or LATEST is allowed, and so is not moving there."""
        assert expected == shift("delay", moment, delta)

    @pytest.mark.parametrize(
        ("moment", "delta", "edge"),
        [
            (LATEST - timedelta(hours=1), timedelta(hours=1) + TICK, "9998-12-31"),
            (EARLIEST + timedelta(hours=1), -timedelta(hours=1) - TICK, "0002-01-01"),
            (START, timedelta.max, "9998-12-31"),  # past Python's own limit: OverflowError inside
            (START, timedelta.min, "0002-01-01"),
            # Past LATEST but not past datetime.max: no OverflowError, still refused.
            (START, datetime(9999, 6, 1, tzinfo=UTC) - START, "9998-12-31"),
        ],
    )
    def test_past_the_edges(self, moment: datetime, delta: timedelta, edge: str) -> None:
        """The error names the duration and the edge it would cross, forward or back."""
        with pytest.raises(ValidationError) as caught:
            shift("delay", moment, delta)
        assert message("delay", f"takes the time past {edge} (UTC)", delta) == str(caught.value)
        assert ("delay", delta) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("delta", [5, 5.0, None, "1h"])
    def test_the_delta_must_be_a_timedelta(self, delta: object) -> None:
        """Seconds are not a duration here: the field given names it."""
        with pytest.raises(ValidationError) as caught:
            shift("delay", START, delta)  # type: ignore[arg-type]
        assert message("delay", "must be a timedelta", delta) == str(caught.value)

    @pytest.mark.parametrize("moment", [datetime(2026, 3, 2), EARLIEST - TICK])
    def test_the_moment_is_checked_too(self, moment: datetime) -> None:
        """A naive or out-of-range moment is refused as ``moment``, before the delta is read."""
        with pytest.raises(ValidationError) as caught:
            shift("delay", moment, "not even a delta")  # type: ignore[arg-type]
        assert ("moment", moment) == (caught.value.field, caught.value.value)

    @given(aware_times(), st.timedeltas())
    def test_it_is_addition_or_a_refusal(self, moment: datetime, delta: timedelta) -> None:
        """Either ``moment + delta`` within the range, or a refusal naming the delta."""
        try:
            expected: datetime | None = moment + delta
        except OverflowError:
            expected = None
        if expected is not None and EARLIEST <= expected <= LATEST:
            assert expected == shift("delta", moment, delta)
        else:
            with pytest.raises(ValidationError, match="takes the time past") as caught:
                shift("delta", moment, delta)
            assert delta is caught.value.value


class TestToZone:
    """to_zone takes a tzinfo that answers, or an IANA name."""

    @pytest.mark.parametrize("zone", [UTC, PLUS_5, ZoneInfo("Europe/London")])
    def test_a_tzinfo_is_returned_as_given(self, zone: tzinfo) -> None:
        """The very object comes back."""
        assert zone is to_zone("zone", zone)

    @pytest.mark.parametrize("name", ["Europe/London", "America/Sao_Paulo", "UTC"])
    def test_an_iana_name_is_its_zone(self, name: str) -> None:
        """A name becomes the ZoneInfo of that name."""
        assert ZoneInfo(name) == to_zone("zone", name)

    @pytest.mark.parametrize("zone", [tzinfo(), Mute(), Silent()])
    def test_a_tzinfo_that_cannot_tell_its_offset(self, zone: tzinfo) -> None:
        """A bare tzinfo raises NotImplementedError, another answers None: both refused."""
        with pytest.raises(ValidationError) as caught:
            to_zone("zone", zone)
        assert message("zone", "must be a tzinfo that answers utcoffset()", zone) == str(
            caught.value
        )

    @pytest.mark.parametrize(
        "value",
        [
            "Mars/Olympus_Mons",  # no such zone: ZoneInfoNotFoundError
            "../etc/passwd",  # not a key at all: ValueError
            "",  # ValueError too
            "zone.tab",  # a file of the zone database that is not a zone: ValueError
            5,
            None,
            timedelta(hours=1),
        ],
    )
    def test_what_is_not_a_zone(self, value: object) -> None:
        """Unknown names, malformed names and other kinds: one message, naming the field."""
        with pytest.raises(ValidationError) as caught:
            to_zone("caller_zone", value)
        assert message("caller_zone", "must be a tzinfo or an IANA time zone name", value) == str(
            caught.value
        )


class TestCheckClock:
    """A call's or a ticket's clock must be callable."""

    @pytest.mark.parametrize("clock", [utc_now, ManualClock(START), lambda: START])
    def test_a_callable_passes(self, clock: object) -> None:
        """Anything callable is accepted; what it returns is checked when it is read."""
        assert check_clock(None, None, clock) is None

    @pytest.mark.parametrize("clock", ["now", START, None])
    def test_what_cannot_be_called(self, clock: object) -> None:
        """The error always names ``clock``, whatever the attribute."""
        with pytest.raises(ValidationError) as caught:
            check_clock(None, "ignored", clock)
        expected = message("clock", "must be a callable returning an aware datetime", clock)
        assert expected == str(caught.value)


class TestReadClock:
    """read_clock reads a clock and refuses a time that is naive or earlier than the last."""

    @pytest.mark.parametrize(
        "told",
        [START, START + TICK, (START + timedelta(hours=1)).astimezone(PLUS_5)],
    )
    def test_the_same_time_or_later(self, told: datetime) -> None:
        """The same instant (even in another zone) or a later one is returned as told."""
        assert told is read_clock(lambda: told, START)

    def test_the_same_instant_in_another_zone(self) -> None:
        """14:00 at +05:00 is 09:00 UTC: not earlier than 09:00 UTC."""
        told = START.astimezone(PLUS_5)
        assert told is read_clock(lambda: told, START)

    def test_an_earlier_time_went_backwards(self) -> None:
        """One microsecond before the previous event is refused, naming the previous time."""
        told = START - TICK
        with pytest.raises(ValidationError) as caught:
            read_clock(lambda: told, START)
        reason = "went backwards: the previous event was at 2026-03-02T09:00:00+00:00"
        assert message("clock", reason, told) == str(caught.value)

    @pytest.mark.parametrize("told", [datetime(2026, 3, 2, 10), "10:00", LATEST + TICK])
    def test_what_is_not_an_aware_time_in_range(self, told: object) -> None:
        """The clock's answer is checked like any time, under the name ``clock``."""
        with pytest.raises(ValidationError) as caught:
            read_clock(lambda: told, START)  # type: ignore[arg-type, return-value]
        assert ("clock", told) == (caught.value.field, caught.value.value)


class TestManualClock:
    """A manual clock stands still until moved, and never moves back."""

    def test_it_tells_its_start_until_moved(self) -> None:
        """Reading it twice tells the same time; the repr shows it in ISO form."""
        clock = ManualClock(START)
        assert (START, START) == (clock(), clock())
        assert "ManualClock(2026-03-02T09:00:00+00:00)" == repr(clock)

    @pytest.mark.parametrize("start", [datetime(2026, 3, 2), LATEST + TICK, "09:00"])
    def test_the_start_is_checked(self, start: object) -> None:
        """A naive, out-of-range or non-time start is refused, named ``start``."""
        with pytest.raises(ValidationError) as caught:
            ManualClock(start)  # type: ignore[arg-type]
        assert ("start", start) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize(
        ("delta", "seconds", "expected"),
        [
            (None, 90, timedelta(seconds=90)),
            (None, 1.5, timedelta(seconds=1.5)),
            (timedelta(minutes=2), 0, timedelta(minutes=2)),
            (timedelta(minutes=1), 30, timedelta(seconds=90)),
            (timedelta(minutes=1), -30, timedelta(seconds=30)),  # the sum is what must not be < 0
            (None, 0, timedelta()),
            (timedelta(), 0, timedelta()),
        ],
    )
    def test_advance_by_delta_and_seconds(
        self, delta: timedelta | None, seconds: float, expected: timedelta
    ) -> None:
        """The clock moves by the delta plus the seconds."""
        clock = ManualClock(START)
        clock.advance(delta, seconds=seconds)
        assert START + expected == clock()

    def test_advance_with_nothing_stays(self) -> None:
        """advance() moves by nothing at all."""
        clock = ManualClock(START)
        clock.advance()
        assert START == clock()

    def test_advance_adds_up(self) -> None:
        """Each step moves on from where the last one left the clock."""
        clock = ManualClock(START)
        clock.advance(seconds=30)
        clock.advance(timedelta(minutes=1))
        assert START + timedelta(seconds=90) == clock()

    @pytest.mark.parametrize(
        ("delta", "seconds", "step"),
        [
            (None, -1, timedelta(seconds=-1)),
            (-TICK, 0, -TICK),
            (timedelta(seconds=10), -11, timedelta(seconds=-1)),
        ],
    )
    def test_advance_never_goes_back(
        self, delta: timedelta | None, seconds: float, step: timedelta
    ) -> None:
        """A step whose sum is negative is refused, naming it; the clock stays."""
        clock = ManualClock(START)
        with pytest.raises(ValidationError) as caught:
            clock.advance(delta, seconds=seconds)
        assert message("delta", "must not move the clock backwards", step) == str(caught.value)
        assert START == clock()

    @pytest.mark.parametrize("delta", [5, 5.0, "1m", START])
    def test_the_delta_must_be_a_timedelta(self, delta: object) -> None:
        """Seconds go in ``seconds=``, not in ``delta``."""
        clock = ManualClock(START)
        with pytest.raises(ValidationError) as caught:
            clock.advance(delta)  # type: ignore[arg-type]
        assert message("delta", "must be a timedelta or None", delta) == str(caught.value)
        assert START == clock()

    @pytest.mark.parametrize("seconds", [math.nan, math.inf, -math.inf, None, "5", True, False])
    def test_the_seconds_must_be_a_finite_number(self, seconds: object) -> None:
        """Not a number, not finite, or a bool (which is an int to Python): refused."""
        clock = ManualClock(START)
        with pytest.raises(ValidationError) as caught:
            clock.advance(seconds=seconds)  # type: ignore[arg-type]
        assert message("seconds", "must be a finite number of seconds", seconds) == str(
            caught.value
        )
        assert START == clock()

    def test_seconds_beyond_any_timedelta(self) -> None:
        """1e300 seconds cannot even be a timedelta: refused as past the latest time."""
        clock = ManualClock(START)
        with pytest.raises(ValidationError) as caught:
            clock.advance(seconds=1e300)
        assert message("seconds", "takes the time past 9998-12-31 (UTC)", 1e300) == str(
            caught.value
        )
        assert START == clock()

    def test_a_step_past_the_latest_time(self) -> None:
        """From LATEST, even a microsecond is too far; onto LATEST is fine."""
        clock = ManualClock(LATEST - TICK)
        clock.advance(TICK)
        assert LATEST == clock()
        with pytest.raises(ValidationError) as caught:
            clock.advance(TICK)
        assert message("delta", "takes the time past 9998-12-31 (UTC)", TICK) == str(caught.value)
        assert LATEST == clock()

    def test_set_moves_it_forward_or_keeps_it(self) -> None:
        """set() to a later time, or to the time it tells, is allowed."""
        clock = ManualClock(START)
        clock.set(START)
        assert START == clock()
        later = START + timedelta(days=3)
        clock.set(later)
        assert later is clock()

    def test_set_never_goes_back(self) -> None:
        """set() to an earlier time is refused, naming the time it tells; the clock stays."""
        clock = ManualClock(START)
        earlier = START - TICK
        with pytest.raises(ValidationError) as caught:
            clock.set(earlier)
        expected = message("when", "must not be before 2026-03-02T09:00:00+00:00", earlier)
        assert expected == str(caught.value)
        assert START == clock()

    @pytest.mark.parametrize("when", [datetime(2026, 3, 3), LATEST + TICK, None])
    def test_set_checks_the_time(self, when: object) -> None:
        """A naive or out-of-range time is refused as ``when``."""
        clock = ManualClock(START)
        with pytest.raises(ValidationError) as caught:
            clock.set(when)  # type: ignore[arg-type]
        assert ("when", when) == (caught.value.field, caught.value.value)
        assert START == clock()

    @given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=10))
    def test_it_tells_the_start_plus_every_step(self, steps: list[int]) -> None:
        """Moved by any steps of whole seconds, it tells the start plus their sum."""
        clock = ManualClock(START)
        for step in steps:
            clock.advance(seconds=step)
        assert START + timedelta(seconds=sum(steps)) == clock()
