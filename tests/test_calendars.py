"""Tests of the calendars: 24×7, business hours, holidays, zones and DST, and their properties.

The property tests check :class:`BusinessCalendar` against an independent
model (:func:`wall_open`, :func:`open_minutes`): a minute is open when its
local wall time, read with ``zoneinfo``, falls in the day's hours on a day
that is not a holiday. Drawn hours lie between 04:00 and 23:00, away from the
drawn zones' DST changes, so wall time alone decides; the DST edge cases
(skipped and repeated hours, midnight) have example tests of their own.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callflow.calendars import AlwaysOpen, BusinessCalendar, Calendar, to_zone
from callflow.errors import ValidationError

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = BusinessCalendar.weekly(open=time(9), close=time(17), zone="Europe/London")
H = timedelta(hours=1)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# -- the independent model used by the property tests ---------------------------------


class Spec(NamedTuple):
    """What a drawn BusinessCalendar is made of."""

    hours: Mapping[int, Sequence[tuple[time, time]]]
    holidays: frozenset[date]
    zone: str

    def build(self) -> BusinessCalendar:
        return BusinessCalendar(hours=self.hours, zone=self.zone, holidays=self.holidays)


def wall_open(spec: Spec, instant: datetime) -> bool:
    """Whether ``instant`` is open, by its local wall time alone."""
    local = instant.astimezone(ZoneInfo(spec.zone))
    day, now = local.date(), local.time()
    if day in spec.holidays:
        return False
    return any(o <= now < c for o, c in spec.hours.get(day.weekday(), ()))


def wall_due_ok(spec: Spec, due: datetime) -> bool:
    """Whether ``due`` lies in an opening period ``(open, close]``, by wall time."""
    local = due.astimezone(ZoneInfo(spec.zone))
    day, now = local.date(), local.time()
    if day in spec.holidays:
        return False
    return any(o < now <= c for o, c in spec.hours.get(day.weekday(), ()))


def open_minutes(
    spec: Spec, start: datetime, end: datetime, closed: Sequence[tuple[datetime, datetime]] = ()
) -> timedelta:
    """Open time in ``[start, end)`` minute by minute, less the ``closed`` stretches."""
    minute, count = start, 0
    while minute < end:
        if wall_open(spec, minute) and not any(a <= minute < b for a, b in closed):
            count += 1
        minute += timedelta(minutes=1)
    return timedelta(minutes=count)


ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC")
BASE = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def day_hours(draw: st.DrawFn) -> list[tuple[time, time]]:
    """Zero to two intervals of one day, on a five-minute grid between 04:00 and 23:00."""
    count = draw(st.integers(0, 2))
    points = sorted(draw(st.sets(st.integers(48, 276), min_size=2 * count, max_size=2 * count)))
    as_time = [time(p * 5 // 60, p * 5 % 60) for p in points]
    return list(zip(as_time[::2], as_time[1::2], strict=True))


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    hours = {day: draw(day_hours()) for day in range(7)}
    if not any(hours.values()):
        hours[draw(st.integers(0, 6))] = [(time(9), time(17))]
    holidays = draw(st.frozensets(st.dates(date(2025, 12, 20), date(2027, 3, 1)), max_size=12))
    return Spec(hours, holidays, draw(st.sampled_from(ZONES)))


def instants() -> st.SearchStrategy[datetime]:
    """Aware datetimes in 2026, to the microsecond, in UTC or a drawn zone."""
    return st.builds(
        lambda us, zone: (BASE + timedelta(microseconds=us)).astimezone(ZoneInfo(zone)),
        st.integers(0, 365 * 24 * 3600 * 10**6),
        st.sampled_from(ZONES),
    )


def minutes_2026() -> st.SearchStrategy[datetime]:
    return st.integers(0, 365 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))


durations = st.timedeltas(timedelta(0), timedelta(hours=60))


# -- 24×7 -----------------------------------------------------------------------------


class TestAlwaysOpen:
    def test_add_is_start_plus_duration_in_the_zone(self) -> None:
        """A due time is start + duration, given in the calendar's zone."""
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert london(2026, 3, 2, 13, 0) == AlwaysOpen(zone="Europe/London").add(start, 4 * H)
        assert LONDON is AlwaysOpen(zone="Europe/London").add(start, 4 * H).tzinfo

    def test_add_counts_real_hours_across_dst(self) -> None:
        """Four hours from Saturday 23:00 GMT end at 04:00 BST: the skipped hour is no hour."""
        due = AlwaysOpen(zone=LONDON).add(london(2026, 3, 28, 23, 0), 4 * H)
        assert (london(2026, 3, 29, 4, 0), timedelta(hours=1)) == (due, due.utcoffset())

    def test_between_is_the_real_difference_or_zero(self) -> None:
        """between() is end - start on the instant line, and zero backwards."""
        calendar = AlwaysOpen()
        start, end = london(2026, 3, 28, 23, 0), london(2026, 3, 29, 4, 0)
        assert 4 * H == calendar.between(start, end)
        assert timedelta(0) == calendar.between(end, start)

    def test_always_open_and_a_calendar(self) -> None:
        """It is open at any time and satisfies the Calendar protocol."""
        assert AlwaysOpen().is_open(london(2026, 12, 25, 3, 0))
        assert isinstance(AlwaysOpen(), Calendar)
        assert UTC is AlwaysOpen().zone

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda c: c.add(datetime(2026, 3, 2, 9), H), "start"),
            (lambda c: c.add(datetime(2026, 3, 2, 9, tzinfo=UTC), -H), "duration"),
            (lambda c: c.add(datetime(2026, 3, 2, 9, tzinfo=UTC), 3), "duration"),
            (lambda c: c.add(datetime(9998, 12, 31, tzinfo=UTC), 48 * H), "duration"),
            (lambda c: c.between(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3)), "end"),
            (lambda c: c.is_open(datetime(2026, 3, 2)), "at"),
            (lambda c: AlwaysOpen(zone="Nowhere/Special"), "zone"),
            (lambda c: AlwaysOpen(zone=3), "zone"),
        ],
    )
    def test_bad_input_names_the_field(self, call: object, field: str) -> None:
        """Naive times, negative durations and unknown zones are refused, naming the field."""
        with pytest.raises(ValidationError) as caught:
            call(AlwaysOpen())  # type: ignore[operator]
        assert field == caught.value.field


# -- business hours ---------------------------------------------------------------------


class TestBusinessCalendarConstruction:
    def test_weekly_builds_monday_to_friday(self) -> None:
        """weekly() gives the same hours on Mon-Fri by default, closed at weekends."""
        assert (((time(9), time(17)),),) * 5 + ((), ()) == OFFICE.hours
        assert "<BusinessCalendar Europe/London Mon-Fri 09:00-17:00>" == repr(OFFICE)

    def test_repr_shows_split_shifts_and_holidays(self) -> None:
        """The repr groups days with the same hours and counts holidays."""
        calendar = BusinessCalendar(
            {0: [(time(8), time(12)), (time(13), time(17))], 5: [(time(10), time(0))]},
            zone="UTC",
            holidays=[date(2026, 12, 25)],
        )
        expected = "<BusinessCalendar UTC Mon 08:00-12:00, 13:00-17:00; Sat 10:00-24:00 holidays=1>"
        assert expected == repr(calendar)

    def test_equal_calendars_compare_and_hash_equal(self) -> None:
        """Two calendars from the same parts are equal and hash alike (cache aside)."""
        other = BusinessCalendar.weekly(zone="Europe/London")
        OFFICE.add(london(2026, 3, 2, 9), H)  # fills one cache, not the other
        assert (OFFICE, hash(OFFICE)) == (other, hash(other))

    def test_evolve_keeps_the_hours(self) -> None:
        """attrs.evolve() gives the same hours elsewhere, with a cache of its own."""
        moved = attrs.evolve(OFFICE, zone="America/New_York")
        assert (OFFICE.hours, "America/New_York") == (moved.hours, str(moved.zone))
        assert OFFICE.hours == BusinessCalendar(list(OFFICE.hours), zone="UTC").hours

    def test_zone_accepts_a_tzinfo(self) -> None:
        """A tzinfo is used as it is."""
        fixed = timezone(timedelta(hours=2))
        assert fixed is BusinessCalendar.weekly(zone=fixed).zone

    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: BusinessCalendar({}, zone="UTC"), "hours"),
            (lambda: BusinessCalendar({0: []}, zone="UTC"), "hours"),
            (lambda: BusinessCalendar([(time(9), time(17))], zone="UTC"), "hours"),
            (lambda: BusinessCalendar({7: [(time(9), time(17))]}, zone="UTC"), "hours"),
            (lambda: BusinessCalendar({True: [(time(9), time(17))]}, zone="UTC"), "hours"),
            (lambda: BusinessCalendar({0: [(time(17), time(9))]}, zone="UTC"), "hours[0]"),
            (lambda: BusinessCalendar({0: [(time(9), time(9))]}, zone="UTC"), "hours[0]"),
            (lambda: BusinessCalendar({0: [(9, 17)]}, zone="UTC"), "hours[0]"),
            (lambda: BusinessCalendar({0: [(time(9),)]}, zone="UTC"), "hours[0]"),
            (lambda: BusinessCalendar({0: "09-17"}, zone="UTC"), "hours[0]"),
            (lambda: BusinessCalendar({0: [(time(9, 0, 0, 1), time(17))]}, zone="UTC"), "hours[0]"),
            (
                lambda: BusinessCalendar({0: [(time(9, tzinfo=UTC), time(17))]}, zone="UTC"),
                "hours[0]",
            ),
            (
                lambda: BusinessCalendar(
                    {2: [(time(9), time(13)), (time(12), time(17))]}, zone="UTC"
                ),
                "hours[2]",
            ),
            (
                lambda: BusinessCalendar({2: [(time(20), time(0)), (time(22), time(23))]}, "UTC"),
                "hours[2]",
            ),
            (lambda: BusinessCalendar.weekly(zone="Mars/Olympus_Mons"), "zone"),
            (lambda: BusinessCalendar.weekly(zone=""), "zone"),
            (lambda: BusinessCalendar.weekly(zone="../etc/passwd"), "zone"),
            (lambda: BusinessCalendar.weekly(zone="UTC", days=()), "days"),
            (lambda: BusinessCalendar.weekly(zone="UTC", days=(0, 7)), "days"),
            (lambda: BusinessCalendar.weekly(zone="UTC", days="Mon"), "days"),
            (lambda: BusinessCalendar.weekly(zone="UTC", close=time(8)), "hours[0]"),
            (lambda: BusinessCalendar.weekly(zone="UTC", holidays="2026-12-25"), "holidays"),
            (
                lambda: BusinessCalendar.weekly(zone="UTC", holidays=[datetime(2026, 12, 25)]),
                "holidays",
            ),
            (lambda: BusinessCalendar.weekly(zone="UTC", holidays=["2026-12-25"]), "holidays"),
        ],
    )
    def test_bad_definitions_name_the_field(self, make: object, field: str) -> None:
        """No open hours, inverted or overlapping intervals, bad zones or holidays are refused."""
        with pytest.raises(ValidationError) as caught:
            make()  # type: ignore[operator]
        assert field == caught.value.field

    def test_no_open_hours_message(self) -> None:
        """A calendar that never opens would never reach a due time: it is refused."""
        with pytest.raises(ValidationError, match="'hours' must open at some time of the week"):
            BusinessCalendar({0: [], 6: []}, zone="UTC")


class TestBusinessCalendarDueTimes:
    def test_a_due_time_can_be_a_closing_time(self) -> None:
        """Eight hours from 09:00 end at 17:00 the same day, not at 09:00 the next."""
        assert london(2026, 3, 2, 17, 0) == OFFICE.add(london(2026, 3, 2, 9, 0), 8 * H)

    def test_before_opening_the_clock_waits_for_the_opening(self) -> None:
        """Started at 07:00, an hour is due at 10:00; started on Saturday, on Monday 10:00."""
        assert london(2026, 3, 2, 10, 0) == OFFICE.add(london(2026, 3, 2, 7, 0), H)
        assert london(2026, 3, 9, 10, 0) == OFFICE.add(london(2026, 3, 7, 12, 0), H)

    def test_zero_duration_returns_the_start_even_when_closed(self) -> None:
        """add(start, 0) is start itself, converted to the zone, open or not."""
        saturday = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
        due = OFFICE.add(saturday, timedelta(0))
        assert (saturday, LONDON) == (due, due.tzinfo)

    def test_friday_afternoon_to_monday(self) -> None:
        """Fri 16:30 + 4 h: 30 min on Friday, 3½ h on Monday, due Monday 12:30."""
        assert london(2026, 3, 23, 12, 30) == OFFICE.add(london(2026, 3, 20, 16, 30), 4 * H)
        assert london(2026, 3, 23, 11, 30) == OFFICE.add(london(2026, 3, 20, 15, 30), 4 * H)

    def test_a_holiday_monday_moves_it_to_tuesday(self) -> None:
        """With Monday a holiday, the same due time is Tuesday's."""
        calendar = BusinessCalendar.weekly(zone="Europe/London", holidays=[date(2026, 3, 23)])
        assert london(2026, 3, 24, 12, 30) == calendar.add(london(2026, 3, 20, 16, 30), 4 * H)

    @pytest.mark.parametrize(
        ("friday", "monday", "before", "after"),
        [
            (date(2026, 3, 27), date(2026, 3, 30), timedelta(0), H),  # clocks go forward
            (date(2026, 10, 23), date(2026, 10, 26), H, timedelta(0)),  # clocks go back
        ],
    )
    def test_across_a_dst_change_the_local_time_holds(
        self, friday: date, monday: date, before: timedelta, after: timedelta
    ) -> None:
        """Over a DST weekend the due time is still Monday 12:30 local; the offset differs."""
        start = datetime.combine(friday, time(16, 30), LONDON)
        due = OFFICE.add(start, 4 * H)
        assert (datetime.combine(monday, time(12, 30), LONDON), before, after) == (
            due,
            start.utcoffset(),
            due.utcoffset(),
        )
        assert 4 * H == OFFICE.between(start, due)

    def test_new_york_dst(self) -> None:
        """The same holds in New York (clocks forward Sun 8 Mar 2026)."""
        calendar = BusinessCalendar.weekly(zone="America/New_York")
        start = datetime(2026, 3, 6, 16, 30, tzinfo=NEW_YORK)
        assert datetime(2026, 3, 9, 12, 30, tzinfo=NEW_YORK) == calendar.add(start, 4 * H)

    def test_split_shift_skips_lunch(self) -> None:
        """Three hours from 11:00 on an 08-12 / 13-17 day are due at 15:00."""
        calendar = BusinessCalendar({0: [(time(8), time(12)), (time(13), time(17))]}, zone="UTC")
        start = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
        assert datetime(2026, 3, 2, 15, 0, tzinfo=UTC) == calendar.add(start, 3 * H)

    def test_time_zero_closes_at_midnight(self) -> None:
        """time(0) as a closing time means 24:00: a full Monday holds 24 hours."""
        calendar = BusinessCalendar({0: [(time(0), time(0))]}, zone="Europe/London")
        monday, tuesday = london(2026, 3, 2, 0, 0), london(2026, 3, 3, 0, 0)
        assert 24 * H == calendar.between(monday, tuesday)
        assert tuesday == calendar.add(monday, 24 * H)
        assert london(2026, 3, 9, 1, 0) == calendar.add(monday, 25 * H)

    def test_a_period_in_a_skipped_hour_moves_forward(self) -> None:
        """On 29 Mar 2026 London skips 01:00-02:00: 00:30-03:00 holds 1½ h, 01:15-01:45 moves."""
        saturday, monday = london(2026, 3, 28), london(2026, 3, 30)
        assert timedelta(hours=1.5) == BusinessCalendar(
            {6: [(time(0, 30), time(3))]}, zone=LONDON
        ).between(saturday, monday)
        moved = BusinessCalendar({6: [(time(1, 15), time(1, 45))]}, zone=LONDON)
        assert (timedelta(minutes=30), london(2026, 3, 29, 2, 45)) == (
            moved.between(saturday, monday),
            moved.add(saturday, timedelta(minutes=30)),
        )

    def test_a_period_squeezed_out_by_the_skipped_hour_is_dropped(self) -> None:
        """01:30-02:00 does not exist on 29 Mar 2026 in London; the next Sunday it does."""
        calendar = BusinessCalendar({6: [(time(1, 30), time(2))]}, zone=LONDON)
        assert timedelta(0) == calendar.between(london(2026, 3, 28), london(2026, 3, 30))
        assert timedelta(minutes=30) == calendar.between(london(2026, 4, 4), london(2026, 4, 6))

    def test_a_repeated_hour_counts_twice(self) -> None:
        """On 25 Oct 2026 London repeats 01:00-02:00: 00:30-03:00 holds 3½ real hours."""
        calendar = BusinessCalendar({6: [(time(0, 30), time(3))]}, zone=LONDON)
        assert timedelta(hours=3.5) == calendar.between(london(2026, 10, 24), london(2026, 10, 26))

    def test_overlong_durations_are_refused(self) -> None:
        """A due time past the supported years is a ValidationError, not an OverflowError."""
        with pytest.raises(ValidationError) as caught:
            OFFICE.add(london(9998, 12, 1), timedelta(days=400))
        assert "duration" == caught.value.field
        with pytest.raises(ValidationError) as caught:
            OFFICE.add(datetime(1, 1, 3, tzinfo=UTC), H)
        assert "start" == caught.value.field

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda: OFFICE.add(datetime(2026, 3, 2, 9), H), "start"),
            (lambda: OFFICE.add(london(2026, 3, 2, 9), -H), "duration"),
            (lambda: OFFICE.add(london(2026, 3, 2, 9), 60), "duration"),
            (lambda: OFFICE.between(datetime(2026, 3, 2), london(2026, 3, 3)), "start"),
            (lambda: OFFICE.between(london(2026, 3, 2), "tomorrow"), "end"),
            (lambda: OFFICE.is_open(datetime(2026, 3, 2, 10)), "at"),
            (lambda: OFFICE.periods(london(2026, 3, 2), datetime(2026, 3, 3)), "end"),
        ],
    )
    def test_bad_queries_name_the_field(self, call: object, field: str) -> None:
        """Naive times and negative durations are refused, naming the argument."""
        with pytest.raises(ValidationError) as caught:
            call()  # type: ignore[operator]
        assert field == caught.value.field


class TestBusinessCalendarQueries:
    def test_between_counts_only_open_time(self) -> None:
        """Friday 16:00 to Monday 10:00 holds two open hours."""
        assert 2 * H == OFFICE.between(london(2026, 3, 20, 16), london(2026, 3, 23, 10))
        assert timedelta(0) == OFFICE.between(london(2026, 3, 23, 10), london(2026, 3, 20, 16))

    def test_is_open_includes_the_opening_not_the_closing(self) -> None:
        """Open time is [open, close): open at 09:00, closed at 17:00 and at weekends."""
        assert [True, True, False, False] == [
            OFFICE.is_open(at)
            for at in (
                london(2026, 3, 2, 9),
                london(2026, 3, 2, 16, 59),
                london(2026, 3, 2, 17),
                london(2026, 3, 7, 12),
            )
        ]

    def test_periods_lists_openings_in_the_zone(self) -> None:
        """periods() gives the opening periods overlapping a range, as local times."""
        found = OFFICE.periods(london(2026, 3, 20, 12), london(2026, 3, 23, 9, 30))
        assert (
            (london(2026, 3, 20, 9), london(2026, 3, 20, 17)),
            (london(2026, 3, 23, 9), london(2026, 3, 23, 17)),
        ) == found
        assert () == OFFICE.periods(london(2026, 3, 23), london(2026, 3, 20))

    def test_business_against_24x7_on_the_same_input(self) -> None:
        """The same start and target: 24×7 is due the same evening, business hours on Monday."""
        start = london(2026, 3, 20, 16, 30)
        assert (london(2026, 3, 20, 20, 30), london(2026, 3, 23, 12, 30)) == (
            AlwaysOpen(zone=LONDON).add(start, 4 * H),
            OFFICE.add(start, 4 * H),
        )

    def test_to_zone_names_its_field(self) -> None:
        """to_zone() reports the field it was given."""
        with pytest.raises(ValidationError) as caught:
            to_zone("calendar_zone", None)
        assert "calendar_zone" == caught.value.field


# -- properties ---------------------------------------------------------------------------


class TestProperties:
    @given(spec=specs(), start=instants(), duration=durations)
    def test_due_times_lie_in_business_hours(
        self, spec: Spec, start: datetime, duration: timedelta
    ) -> None:
        """A due time is inside an opening period (open, close], or the start for zero."""
        calendar = spec.build()
        due = calendar.add(start, duration)
        assert due.tzinfo is calendar.zone
        if duration:
            assert wall_due_ok(spec, due), due.isoformat()
            assert due > start
        else:
            assert start == due

    @given(spec=specs(), start=instants(), duration=durations)
    def test_between_undoes_add(self, spec: Spec, start: datetime, duration: timedelta) -> None:
        """The open time between a start and its due time is the duration added."""
        calendar = spec.build()
        assert duration == calendar.between(start, calendar.add(start, duration))

    @given(spec=specs(), start=instants(), first=durations, second=durations)
    def test_add_is_monotonic_in_the_duration(
        self, spec: Spec, start: datetime, first: timedelta, second: timedelta
    ) -> None:
        """More open time is never due earlier."""
        calendar = spec.build()
        short, long = sorted((first, second))
        assert calendar.add(start, short) <= calendar.add(start, long)

    @given(spec=specs(), first=instants(), second=instants(), duration=durations)
    def test_add_is_monotonic_in_the_start(
        self, spec: Spec, first: datetime, second: datetime, duration: timedelta
    ) -> None:
        """A later start is never due earlier."""
        calendar = spec.build()
        early, late = sorted((first, second))
        assert calendar.add(early, duration) <= calendar.add(late, duration)

    @settings(max_examples=60)
    @given(
        spec=specs(),
        start=minutes_2026(),
        length=st.integers(0, 3 * 24 * 60),
        zone=st.sampled_from(ZONES),
    )
    def test_between_and_is_open_match_a_minute_by_minute_count(
        self, spec: Spec, start: datetime, length: int, zone: str
    ) -> None:
        """between() equals the open minutes counted one by one; is_open() agrees minute-wise."""
        calendar = spec.build()
        start = start.astimezone(ZoneInfo(zone))
        end = start + timedelta(minutes=length)
        assert open_minutes(spec, start, end) == calendar.between(start, end)
        for step in range(0, length, 97):
            minute = start + timedelta(minutes=step)
            assert wall_open(spec, minute) == calendar.is_open(minute)

    @settings(max_examples=60)
    @given(spec=specs(), start=minutes_2026(), minutes=st.integers(1, 2 * 24 * 60))
    def test_add_matches_a_minute_by_minute_walk(
        self, spec: Spec, start: datetime, minutes: int
    ) -> None:
        """The due time is the end of the n-th open minute after the start."""
        calendar = spec.build()
        minute, left = start, minutes
        while True:
            if wall_open(spec, minute):
                left -= 1
                if not left:
                    break
            minute += timedelta(minutes=1)
        assert minute + timedelta(minutes=1) == calendar.add(start, timedelta(minutes=minutes))
