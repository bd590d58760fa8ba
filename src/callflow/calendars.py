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

Every datetime given must be timezone-aware (any zone); results are in the
calendar's zone. Arithmetic is done on instants (in UTC), so an hour is an
hour across a daylight-saving change.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol, runtime_checkable

import attrs
from dateutil import rrule, tz

from callflow.clock import check_aware, shift, to_zone
from callflow.errors import ValidationError

__all__ = ["AlwaysOpen", "BusinessCalendar", "Calendar", "check_calendar", "to_zone"]

_ZERO = timedelta()
_WEEK = timedelta(days=7)
_MIDNIGHT = time()
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FIRST_MONDAY = date(2, 1, 5)
_LAST_MONDAY = date(9998, 12, 21)
_CACHED_WEEKS = 1024
"""Weeks of opening periods a BusinessCalendar keeps (about 20 years); then it starts afresh."""

Period = tuple[datetime, datetime]
"""An opening period: its open and close instants, in UTC; open time is ``[open, close)``."""
Hours = tuple[tuple[time, time], ...]
"""One day's opening hours: (open, close) local times, in order."""


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


def _zone(value: object) -> tzinfo:
    return to_zone("zone", value)


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
        return shift("duration", at, _duration(duration)).astimezone(self.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """``end - start`` on the instant line, or zero if ``end <= start``."""
        begin, finish = _aware_utc("start", start), _aware_utc("end", end)
        return max(finish - begin, _ZERO)

    def is_open(self, at: datetime) -> bool:
        """Always ``True`` (for an aware ``at``)."""
        check_aware("at", at)
        return True


def _day_hours(day: int, value: object) -> Hours:
    field = f"hours[{day}]"
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ValidationError(field, value, "must be a sequence of (open, close) times")
    intervals: list[tuple[time, time]] = []
    for interval in value:
        if not (isinstance(interval, Sequence) and len(interval) == 2):
            raise ValidationError(field, interval, "must hold (open, close) pairs of times")
        opening, closing = interval
        for moment in (opening, closing):
            if not isinstance(moment, time) or moment.tzinfo is not None or moment.microsecond:
                raise ValidationError(
                    field, moment, "must hold naive times in whole seconds (the zone is separate)"
                )
        if closing != _MIDNIGHT and closing <= opening:
            raise ValidationError(
                field, interval, "must close after it opens (time(0) closes at midnight)"
            )
        intervals.append((opening, closing))
    intervals.sort()
    for (_, first_close), (second_open, _) in itertools.pairwise(intervals):
        if first_close == _MIDNIGHT or second_open < first_close:
            raise ValidationError(field, tuple(intervals), "must not overlap")
    return tuple(intervals)


def _weekly_hours(value: object) -> tuple[Hours, ...]:
    # A mapping by weekday, or seven days' hours in a row (as ``hours`` is kept: attrs.evolve).
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 7:
        value = dict(enumerate(value))
    if not isinstance(value, Mapping):
        raise ValidationError(
            "hours", value, "must map weekdays (0 = Monday ... 6 = Sunday) to (open, close) times"
        )
    week: list[Hours] = [()] * 7
    for day, intervals in value.items():
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValidationError(
                "hours", day, "must be keyed by weekday, 0 = Monday ... 6 = Sunday"
            )
        week[day] = _day_hours(day, intervals)
    if not any(week):
        raise ValidationError("hours", value, "must open at some time of the week")
    return tuple(week)


def _holidays(value: object) -> frozenset[date]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("holidays", value, "must be a collection of dates")
    days = frozenset(value)
    for day in days:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationError("holidays", day, "must hold dates (not datetimes)")
    return days


def _instant(local: datetime, zone: tzinfo) -> datetime:
    """A local wall time as an instant in UTC; a time skipped by a DST change moves forward."""
    return tz.resolve_imaginary(local.replace(tzinfo=zone)).astimezone(UTC)


def _opening_rules(hours: tuple[Hours, ...]) -> tuple[tuple[time, tuple[int, ...]], ...]:
    """Each opening time with the weekdays it opens on: one rrule each."""
    days: dict[time, list[int]] = {}
    for day, intervals in enumerate(hours):
        for opening, _ in intervals:
            days.setdefault(opening, []).append(day)
    return tuple((opening, tuple(on)) for opening, on in sorted(days.items()))


def _span(day_intervals: Hours) -> str:
    return ", ".join(
        f"{o:%H:%M}-{'24:00' if c == _MIDNIGHT else f'{c:%H:%M}'}" for o, c in day_intervals
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
        holidays: local dates on which the calendar stays closed.

    A due time lands inside an opening period ``(open, close]``: it may be a
    closing time (8 hours from 09:00 is 17:00 the same day), never an opening
    time, except that :meth:`add` of zero returns ``start`` as it is. A local
    time skipped by a daylight-saving change is moved forward by the change
    (``dateutil.tz.resolve_imaginary``); a repeated one is taken the first time.

    Raises:
        ValidationError: no open hours at all, overlapping or inverted intervals,
            an unknown zone or a holiday that is not a date.
    """

    hours: tuple[Hours, ...] = attrs.field(converter=_weekly_hours)
    zone: tzinfo = attrs.field(converter=_zone)
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_holidays)
    _openings: tuple[tuple[time, tuple[int, ...]], ...] = attrs.field(
        init=False, eq=False, hash=False
    )
    _closes: dict[tuple[int, time], time] = attrs.field(init=False, eq=False, hash=False)
    _weeks: dict[date, tuple[Period, ...]] = attrs.field(
        init=False, eq=False, hash=False, factory=dict
    )

    @_openings.default
    def _openings_default(self) -> tuple[tuple[time, tuple[int, ...]], ...]:
        return _opening_rules(self.hours)

    @_closes.default
    def _closes_default(self) -> dict[tuple[int, time], time]:
        return {(day, o): c for day, intervals in enumerate(self.hours) for o, c in intervals}

    @classmethod
    def weekly(
        cls,
        *,
        open: time = time(9),
        close: time = time(17),
        days: Iterable[int] = (0, 1, 2, 3, 4),
        holidays: Iterable[date] = (),
        zone: str | tzinfo,
    ) -> "BusinessCalendar":
        """The same hours on each of ``days`` (0 = Monday; Monday to Friday by default).

        >>> BusinessCalendar.weekly(zone="America/New_York")
        <BusinessCalendar America/New_York Mon-Fri 09:00-17:00>
        """
        given: object = days  # checked, not trusted: it may come from configuration
        if isinstance(given, str) or not isinstance(given, Iterable):
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
        for hours, group in itertools.groupby(enumerate(self.hours), key=lambda item: item[1]):
            days = [day for day, _ in group]
            if hours:
                first, last = _DAY_NAMES[days[0]], _DAY_NAMES[days[-1]]
                spans.append(f"{first if first == last else f'{first}-{last}'} {_span(hours)}")
        holidays = f" holidays={len(self.holidays)}" if self.holidays else ""
        return f"<BusinessCalendar {self.zone} {'; '.join(spans)}{holidays}>"

    # -- queries ---------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of open time has passed since ``start``.

        The result is in :attr:`zone` and inside an opening period ``(open, close]``;
        ``duration`` zero gives ``start`` itself (in :attr:`zone`), open or not.

        Raises:
            ValidationError: ``start`` is naive, ``duration`` negative, or the result
                would fall after the year 9998.
        """
        cursor = _aware_utc("start", start)
        left = _duration(duration)
        if not left:
            return cursor.astimezone(self.zone)
        monday = self._monday("start", start, cursor)
        while True:
            for opens, closes in self._week(monday):
                if closes <= cursor:
                    continue
                begin = opens if opens > cursor else cursor
                available = closes - begin
                if left <= available:
                    return (begin + left).astimezone(self.zone)
                left -= available
            monday += _WEEK
            if monday > _LAST_MONDAY:
                raise ValidationError("duration", duration, "takes the due time past the year 9998")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The open time in ``[start, end)``; zero if ``end <= start``.

        Raises:
            ValidationError: ``start`` or ``end`` is naive.
        """
        begin, finish = _aware_utc("start", start), _aware_utc("end", end)
        if finish <= begin:
            return _ZERO
        monday = self._monday("start", start, begin)
        last = self._monday("end", end, finish)
        total = _ZERO
        while monday <= last:
            for opens, closes in self._week(monday):
                if closes <= begin:
                    continue
                if opens >= finish:
                    return total
                total += (closes if closes < finish else finish) - (
                    opens if opens > begin else begin
                )
            monday += _WEEK
        return total

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` lies in an opening period ``[open, close)``.

        Raises:
            ValidationError: ``at`` is naive.
        """
        instant = _aware_utc("at", at)
        return any(o <= instant < c for o, c in self._week(self._monday("at", at, instant)))

    def periods(self, start: datetime, end: datetime) -> tuple[Period, ...]:
        """The opening periods that overlap ``[start, end)``, as ``(open, close)`` in :attr:`zone`.

        >>> from datetime import datetime, time, timezone
        >>> shifts = BusinessCalendar({0: [(time(8), time(12)), (time(13), time(17))]}, zone="UTC")
        >>> monday, tuesday = (datetime(2026, 3, d, tzinfo=timezone.utc) for d in (2, 3))
        >>> [f"{o:%a %H:%M}-{c:%H:%M}" for o, c in shifts.periods(monday, tuesday)]
        ['Mon 08:00-12:00', 'Mon 13:00-17:00']
        """
        begin, finish = _aware_utc("start", start), _aware_utc("end", end)
        if finish <= begin:
            return ()
        monday, last = self._monday("start", start, begin), self._monday("end", end, finish)
        found: list[Period] = []
        while monday <= last:
            found += (
                (opens.astimezone(self.zone), closes.astimezone(self.zone))
                for opens, closes in self._week(monday)
                if closes > begin and opens < finish
            )
            monday += _WEEK
        return tuple(found)

    # -- the opening periods, a local week at a time -----------------------------

    def _monday(self, field: str, given: datetime, instant: datetime) -> date:
        """The Monday of the local week ``instant`` falls in."""
        day = instant.astimezone(self.zone).date()
        monday = day - timedelta(days=day.weekday())
        if not _FIRST_MONDAY <= monday <= _LAST_MONDAY:
            raise ValidationError(field, given, "must fall within the years 2 to 9998")
        return monday

    def _week(self, monday: date) -> tuple[Period, ...]:
        """The opening periods of the local week starting ``monday``, in order, in UTC."""
        periods = self._weeks.get(monday)
        if periods is None:
            if len(self._weeks) >= _CACHED_WEEKS:
                self._weeks.clear()
            periods = self._weeks[monday] = self._compute_week(monday)
        return periods

    def _compute_week(self, monday: date) -> tuple[Period, ...]:
        week_start = datetime.combine(monday, _MIDNIGHT)
        week_end = datetime.combine(monday + timedelta(days=6), time(23, 59, 59))
        openings = rrule.rruleset()
        for opening, days in self._openings:
            openings.rrule(
                rrule.rrule(
                    rrule.DAILY,
                    dtstart=week_start,
                    until=week_end,
                    byweekday=days,
                    byhour=opening.hour,
                    byminute=opening.minute,
                    bysecond=opening.second,
                )
            )
        periods: list[Period] = []
        for local_open in openings:
            day = local_open.date()
            if day in self.holidays:
                continue
            closing = self._closes[day.weekday(), local_open.time()]
            close_day = day + timedelta(days=1) if closing == _MIDNIGHT else day
            opens = _instant(local_open, self.zone)
            closes = _instant(datetime.combine(close_day, closing), self.zone)
            # A DST change can squeeze a period to nothing or into the one before it.
            if periods and opens < periods[-1][1]:
                opens = periods[-1][1]
            if closes > opens:
                periods.append((opens, closes))
        return tuple(periods)
