"""Business calendars: when the clock of a service target runs.

A :class:`Calendar` answers three questions about open time: when will
``duration`` of it have passed since ``start`` (:meth:`~Calendar.add`, a due
time), how much of it lies between two instants (:meth:`~Calendar.between`),
and is it open at an instant (:meth:`~Calendar.is_open`). Two come with
callflow: :class:`AlwaysOpen` (24×7) and :class:`BusinessCalendar` (weekly
hours, holidays and a time zone):

>>> from datetime import date, datetime, time, timedelta
>>> office = BusinessCalendar.weekly(
...     open=time(9), close=time(17), holidays=[date(2026, 4, 6)], zone="Europe/London"
... )
>>> friday = datetime(2026, 4, 3, 15, 30, tzinfo=office.zone)
>>> print(office.add(friday, timedelta(hours=4)))  # Monday 6 April is a holiday
2026-04-07 11:30:00+01:00
>>> print(AlwaysOpen(zone="Europe/London").add(friday, timedelta(hours=4)))
2026-04-03 19:30:00+01:00

Every datetime given must be timezone-aware (any zone) and lie between
:data:`~callflow.clock.EARLIEST` and :data:`~callflow.clock.LATEST`; results
are in the calendar's zone, and a due time past ``LATEST`` is refused.
Arithmetic is done on instants (in UTC), so an hour is an hour across a
daylight-saving change.
"""

from collections.abc import Collection, Container
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from itertools import groupby
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import attrs
from dateutil import tz

from callflow import _calendar_index as index
from callflow._calendar_input import (
    MIDNIGHT,
    Hours,
    holidays_key,
    to_holidays,
    weekly_hours,
    weekly_pattern,
)
from callflow.clock import LATEST, check_aware, shift, to_zone
from callflow.errors import ValidationError

__all__ = [
    "MAX_PERIODS",
    "AlwaysOpen",
    "BusinessCalendar",
    "Calendar",
    "check_calendar",
    "to_zone",
]

_ZERO = timedelta()
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CACHED_WEEKS = 1024
"""Weeks of opening periods a BusinessCalendar keeps (about 20 years); then it starts afresh."""
_PROBE = datetime(2000, 1, 1, tzinfo=UTC)
MAX_PERIODS = 10_000
"""The most opening periods :meth:`BusinessCalendar.periods` lists at once.

About 40 years of Mon-Fri, or 190 years of one period a week: listing costs
some microseconds a period, so a span from the year 2 to 9998 is refused at
once rather than built for minutes. Ask for shorter spans, one after another.
"""

Period = tuple[datetime, datetime]
"""An opening period: its open and close instants; open time is ``[open, close)``."""


@runtime_checkable
class Calendar(Protocol):
    """What SLA clocks need to know about open time. Every datetime must be aware."""

    @property
    def zone(self) -> tzinfo:
        """The zone results are given in (and local hours are read in)."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of open time has passed since ``start``."""

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The open time in ``[start, end)``; zero if ``end <= start``."""

    def is_open(self, at: datetime) -> bool:
        """Whether the calendar is open at ``at``."""


_CALENDAR_TYPES: set[type] = set()
"""Classes whose instances passed the Calendar check: a runtime protocol check costs ~20 µs."""


def check_calendar(field: str, value: object) -> Calendar:
    """Return ``value`` if it is a :class:`Calendar`: it has add, between, is_open and zone."""
    if type(value) in _CALENDAR_TYPES:
        return value  # type: ignore[return-value]
    if not isinstance(value, Calendar):
        raise ValidationError(field, value, "must be a Calendar (with add, between, is_open, zone)")
    _CALENDAR_TYPES.add(type(value))
    return value


def _aware_utc(field: str, value: object) -> datetime:
    return check_aware(field, value).astimezone(UTC)


def _duration(value: object) -> timedelta:
    if not isinstance(value, timedelta) or value < _ZERO:
        raise ValidationError("duration", value, "must be a timedelta of zero or more")
    return value


def _past_latest(duration: timedelta) -> ValidationError:
    return ValidationError("duration", duration, f"takes the due time past {LATEST:%Y-%m-%d} (UTC)")


def _in_zone(instant: datetime, zone: tzinfo) -> datetime:
    """``instant`` read in ``zone``; a tzinfo that cannot convert it is refused, not let through."""
    try:
        return instant.astimezone(zone)
    except Exception as exc:  # a foreign tzinfo's own failure (no dst(), a bad fromutc...)
        raise ValidationError(
            "zone", zone, f"could not give the local time of {instant.isoformat()} ({exc!r})"
        ) from exc


# Zones that follow PEP 495: a skipped wall time with fold=0 takes the offset from
# before the change, so converting it gives the time moved forward by the change,
# as resolve_imaginary does (checked for every change of every IANA zone from 1850
# to 2450), at a tenth of its cost.
_PEP_495_ZONES = (ZoneInfo, timezone)


def _instant(local: datetime, zone: tzinfo) -> datetime:
    """A local wall time as an instant in UTC; a time skipped by a DST change moves forward."""
    try:
        if type(zone) in _PEP_495_ZONES:
            return local.replace(tzinfo=zone).astimezone(UTC)
        return tz.resolve_imaginary(local.replace(tzinfo=zone)).astimezone(UTC)
    except Exception as exc:  # as in _in_zone
        raise ValidationError(
            "zone", zone, f"could not give the instant of {local.isoformat()} ({exc!r})"
        ) from exc


def _zone(value: object) -> tzinfo:
    zone = to_zone("zone", value)
    _in_zone(_PROBE, zone)  # a tzinfo that answers utcoffset() but cannot convert is refused now
    return zone


@attrs.frozen
class AlwaysOpen:
    """The 24×7 calendar: always open, so a due time is ``start + duration``.

    Args:
        zone: the zone results are given in (a ``tzinfo`` or an IANA name); UTC by default.

    >>> from datetime import datetime, timedelta, timezone
    >>> AlwaysOpen().add(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), timedelta(hours=4))
    datetime.datetime(2026, 3, 2, 13, 0, tzinfo=datetime.timezone.utc)
    """

    zone: tzinfo = attrs.field(default=UTC, converter=_zone)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """``start + duration``, counted on the instant line (in UTC), in :attr:`zone`.

        Raises:
            ValidationError: ``start`` is naive, ``duration`` negative or the result
                past :data:`~callflow.clock.LATEST`.
        """
        at = _aware_utc("start", start)
        return _in_zone(shift("duration", at, _duration(duration)), self.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """``end - start`` on the instant line, or zero if ``end <= start``."""
        begin, finish = _aware_utc("start", start), _aware_utc("end", end)
        return max(finish - begin, _ZERO)

    def is_open(self, at: datetime) -> bool:
        """Always ``True`` (for an aware ``at``)."""
        check_aware("at", at)
        return True


def _span(day_intervals: Hours) -> str:
    return ", ".join(
        f"{o:%H:%M}-{'24:00' if c == MIDNIGHT else f'{c:%H:%M}'}" for o, c in day_intervals
    )


@attrs.frozen(repr=False)
class BusinessCalendar:
    """Open time on weekly hours, less holidays, read in a time zone.

    Args:
        hours: weekday (0 = Monday ... 6 = Sunday) to one or more ``(open, close)``
            naive local times, e.g. ``{0: [(time(8), time(12)), (time(13), time(17))]}``
            for a split shift; days not given are closed. ``close`` must be after
            ``open``; ``time(0)`` as ``close`` means midnight at the end of the day.
        zone: the time zone the hours and holidays are local to: an IANA name
            (``zoneinfo``; on Windows this needs the ``tzdata`` package) or a ``tzinfo``.
        holidays: local dates on which the calendar stays closed: a collection
            of dates (copied), or a container asked per date, such as
            ``holidays.IT()`` from the ``holidays`` package (``callflow[holidays]``).

    A due time lands inside an opening period ``(open, close]``: it may be a
    closing time (8 hours from 09:00 is 17:00 the same day), never an opening
    time, except that :meth:`add` of zero returns ``start`` as it is. A local
    time skipped by a daylight-saving change is moved forward by the change
    (``dateutil.tz.resolve_imaginary``); a repeated one is taken the first time.
    That is how the hours are read: a datetime given to a method is the instant
    its tzinfo gives it (with ``zoneinfo``, PEP 495: ``fold`` picks the offset of
    a skipped or repeated wall time), so order such datetimes as instants.

    A container asked per date is asked once about each day the calendar opens
    on, a year at a time, and the answers are kept: a later change to it may go
    unseen. Calendars compare equal when their hours and zone are equal and
    their holidays are equal sets of dates, or the very same container.

    Raises:
        ValidationError: no open hours at all, overlapping or inverted intervals,
            an unknown zone or a holiday that is not a date.
    """

    hours: tuple[Hours, ...] = attrs.field(converter=weekly_hours)
    zone: tzinfo = attrs.field(converter=_zone)
    holidays: Container[date] = attrs.field(
        default=frozenset(), converter=to_holidays, eq=holidays_key
    )
    _weeks: dict[int, tuple[Period, ...]] = attrs.field(
        init=False, eq=False, hash=False, factory=dict
    )
    _intervals: tuple[tuple[int, time, time], ...] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _lookup: index.HolidayLookup = attrs.field(init=False, eq=False, hash=False)
    _totals: index.WeekTotals = attrs.field(init=False, eq=False, hash=False)

    @_intervals.default
    def _intervals_default(self) -> tuple[tuple[int, time, time], ...]:
        # The week's opening intervals as (weekday, open, close), in order: the
        # order of the index's weekly pattern, whose positions they share.
        return tuple(
            (day, opening, closing)
            for day, intervals in enumerate(self.hours)
            for opening, closing in intervals
        )

    @_lookup.default
    def _lookup_default(self) -> index.HolidayLookup:
        open_weekdays = frozenset(day for day, intervals in enumerate(self.hours) if intervals)
        if isinstance(self.holidays, frozenset):
            return index.FixedHolidays(self.holidays, open_weekdays)
        return index.AskedHolidays(self.holidays, open_weekdays)

    @_totals.default
    def _totals_default(self) -> index.WeekTotals:
        return index.WeekTotals(
            weekly_pattern(self.hours),
            self._lookup,
            index.zone_changes(self.zone),
            self._run_total,
        )

    @classmethod
    def weekly(
        cls,
        *,
        open: time = time(9),
        close: time = time(17),
        days: Collection[int] = (0, 1, 2, 3, 4),
        holidays: Collection[date] | Container[date] = (),
        zone: str | tzinfo,
    ) -> "BusinessCalendar":
        """The same hours on each of ``days`` (0 = Monday; Monday to Friday by default).

        >>> BusinessCalendar.weekly(zone="America/New_York")
        <BusinessCalendar America/New_York Mon-Fri 09:00-17:00>
        """
        given: object = days  # checked, not trusted: it may come from configuration
        # A collection, not any iterable: an iterator may never end.
        if isinstance(given, str) or not isinstance(given, Collection):
            raise ValidationError("days", given, "must be weekdays, 0 = Monday ... 6 = Sunday")
        chosen: dict[Any, Hours] = {}
        for day in given:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ValidationError("days", day, "must be weekdays, 0 = Monday ... 6 = Sunday")
            chosen[day] = ((open, close),)
        if not chosen:
            raise ValidationError("days", days, "must name at least one weekday")
        return cls(hours=chosen, zone=zone, holidays=holidays)

    def __repr__(self) -> str:
        spans = []
        for hours, group in groupby(enumerate(self.hours), key=lambda item: item[1]):
            days = [day for day, _ in group]
            if hours:
                first, last = _DAY_NAMES[days[0]], _DAY_NAMES[days[-1]]
                spans.append(f"{first if first == last else f'{first}-{last}'} {_span(hours)}")
        return f"<BusinessCalendar {self.zone} {'; '.join(spans)}{self._holidays_repr()}>"

    def _holidays_repr(self) -> str:
        if not isinstance(self.holidays, frozenset):
            return f" holidays={type(self.holidays).__name__}"  # its contents grow as it is asked
        return f" holidays={len(self.holidays)}" if self.holidays else ""

    # -- queries ---------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of open time has passed since ``start``.

        The result is in :attr:`zone` and inside an opening period ``(open, close]``;
        ``duration`` zero gives ``start`` itself (in :attr:`zone`), open or not.
        Whole weeks are counted at once, so a duration of decades costs about as
        little as one of hours.

        Raises:
            ValidationError: ``start`` is naive or out of range, ``duration``
                negative, or the due time would fall after
                :data:`~callflow.clock.LATEST` (refused at once).
        """
        cursor = _aware_utc("start", start)
        left = _duration(duration)
        if not left:
            return _in_zone(cursor, self.zone)
        first = self._week_at(cursor)
        # The start's week and the next are walked: a period there may begin before the start.
        due, left = self._spend(first, min(first + 1, index.LAST_WEEK), cursor, left)
        if due is None:
            landing = self._totals.spend(first + 2, index.micros(left))
            if landing is None:
                raise _past_latest(duration)
            week, rest = landing
            due, _ = self._spend(week, index.LAST_WEEK, cursor, timedelta(microseconds=rest))
        if due is None or due > LATEST:
            raise _past_latest(duration)
        return _in_zone(due, self.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The open time in ``[start, end)``; zero if ``end <= start``.

        Raises:
            ValidationError: ``start`` or ``end`` is naive or out of range.
        """
        begin, finish = _aware_utc("start", start), _aware_utc("end", end)
        if finish <= begin:
            return _ZERO
        first, last = self._week_at(begin), self._week_at(finish)
        if last - first < 4:
            return self._count(first, last, begin, finish)
        # Weeks first+2 .. last-2 lie wholly inside [begin, finish): counted whole.
        middle = self._totals.open_time(first + 2, last - 1)
        return (
            self._count(first, first + 1, begin, finish)
            + timedelta(microseconds=middle)
            + self._count(last - 1, last, begin, finish)
        )

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` lies in an opening period ``[open, close)``.

        Raises:
            ValidationError: ``at`` is naive or out of range.
        """
        instant = _aware_utc("at", at)
        return any(o <= instant < c for o, c in self._periods(self._week_at(instant)))

    def periods(self, start: datetime, end: datetime) -> tuple[Period, ...]:
        """The opening periods that overlap ``[start, end)``, as ``(open, close)`` in :attr:`zone`.

        >>> from datetime import datetime, time, timezone
        >>> shifts = BusinessCalendar({0: [(time(8), time(12)), (time(13), time(17))]}, zone="UTC")
        >>> monday, tuesday = (datetime(2026, 3, d, tzinfo=timezone.utc) for d in (2, 3))
        >>> [f"{o:%a %H:%M}-{c:%H:%M}" for o, c in shifts.periods(monday, tuesday)]
        ['Mon 08:00-12:00', 'Mon 13:00-17:00']

        Raises:
            ValidationError: ``start`` or ``end`` is naive or out of range, or
                the span's weeks could hold more than :data:`MAX_PERIODS`
                opening periods (weeks times the periods of an ordinary week,
                holidays aside; refused at once).
        """
        begin, finish = _aware_utc("start", start), _aware_utc("end", end)
        if finish <= begin:
            return ()
        first, last = self._week_at(begin), self._week_at(finish)
        # An upper bound, known without building a week: a DST change or a
        # holiday only ever removes periods.
        most = (last - first + 1) * len(self._intervals)
        if most > MAX_PERIODS:
            raise ValidationError(
                "end",
                end,
                f"is too far after start: the span could hold {most} opening periods,"
                f" more than {MAX_PERIODS}; ask for shorter spans",
            )
        return tuple(
            (_in_zone(opens, self.zone), _in_zone(closes, self.zone))
            for week in range(first, last + 1)
            for opens, closes in self._periods(week)
            if closes > begin and opens < finish
        )

    # -- walking the opening periods of a few weeks ---------------------------------

    def _spend(
        self, first: int, last: int, cursor: datetime, left: timedelta
    ) -> tuple[datetime | None, timedelta]:
        """Spend ``left`` on the open time after ``cursor`` in weeks ``first``..``last``.

        Returns:
            The due time (or ``None`` if they do not hold enough), and what is left.
        """
        for week in range(first, last + 1):
            for opens, closes in self._periods(week):
                if closes <= cursor:
                    continue
                begin = opens if opens > cursor else cursor
                available = closes - begin
                if left <= available:
                    return begin + left, left
                left -= available
        return None, left

    def _count(self, first: int, last: int, begin: datetime, finish: datetime) -> timedelta:
        """The open time in ``[begin, finish)`` of weeks ``first``..``last``."""
        total = _ZERO
        for week in range(first, last + 1):
            for opens, closes in self._periods(week):
                if closes <= begin:
                    continue
                if opens >= finish:
                    return total
                total += (closes if closes < finish else finish) - (
                    opens if opens > begin else begin
                )
        return total

    # -- the opening periods, a local week at a time -----------------------------

    def _week_at(self, instant: datetime) -> int:
        """The local week ``instant`` falls in."""
        return index.week_of(_in_zone(instant, self.zone).date())

    def _periods(self, week: int) -> tuple[Period, ...]:
        """The opening periods of local week ``week``, in order, in UTC (kept a while)."""
        periods = self._weeks.get(week)
        if periods is None:
            if len(self._weeks) >= _CACHED_WEEKS:
                self._weeks.clear()
            periods = self._weeks[week] = self._compute_periods(week)
        return periods

    def _run_total(self, week: int, first: int, last: int) -> int:
        """The open time (µs) of the week's intervals ``first``..``last`` (positions in order)."""
        return sum(index.micros(c - o) for o, c in self._compute_periods(week, first, last))

    def _compute_periods(
        self, week: int, first: int = 0, last: int | None = None
    ) -> tuple[Period, ...]:
        """The opening periods of local week ``week`` in UTC, of intervals ``first``..``last``.

        A holiday closes every interval opening on it; a DST change can squeeze
        a period to nothing or into the one before it.
        """
        monday = index.monday_of(week)
        periods: list[Period] = []
        end = len(self._intervals) if last is None else last + 1
        closed: dict[int, bool] = {}  # a holiday is looked up once per day, not per interval
        for weekday, opening, closing in self._intervals[first:end]:
            day = monday + timedelta(days=weekday)
            if weekday not in closed:
                closed[weekday] = self._lookup.closes(day)
            if closed[weekday]:
                continue
            close_day = day + timedelta(days=1) if closing == MIDNIGHT else day
            opens = _instant(datetime.combine(day, opening), self.zone)
            closes = _instant(datetime.combine(close_day, closing), self.zone)
            if periods and opens < periods[-1][1]:
                opens = periods[-1][1]
            if closes > opens:
                periods.append((opens, closes))
        return tuple(periods)
