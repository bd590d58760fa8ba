"""What a BusinessCalendar is made of, checked: weekly hours and holidays (private)."""

import itertools
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from datetime import date, datetime, time

from callflow.errors import ValidationError

__all__ = ["MIDNIGHT", "Hours", "holidays_key", "to_holidays", "weekly_hours", "weekly_pattern"]

MIDNIGHT = time()
"""As a closing time: 24:00, the end of the day."""
Hours = tuple[tuple[time, time], ...]
"""One day's opening hours: (open, close) local times, in order."""

_HOLIDAY_KINDS = "must be a collection of dates or a container of dates (such as holidays.IT())"


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
        if closing != MIDNIGHT and closing <= opening:
            raise ValidationError(
                field, interval, "must close after it opens (time(0) closes at midnight)"
            )
        intervals.append((opening, closing))
    intervals.sort()
    for (_, first_close), (second_open, _) in itertools.pairwise(intervals):
        if first_close == MIDNIGHT or second_open < first_close:
            raise ValidationError(field, tuple(intervals), "must not overlap")
    return tuple(intervals)


def weekly_hours(value: object) -> tuple[Hours, ...]:
    """The week's hours, Monday first, from a mapping by weekday or seven days in a row.

    Seven days in a row is how ``hours`` is kept, so ``attrs.evolve`` works.

    Raises:
        ValidationError: naming ``hours`` or ``hours[day]``.
    """
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


def weekly_pattern(hours: tuple[Hours, ...]) -> list[tuple[int, int]]:
    """The week's opening intervals in microseconds from Monday 00:00 local, in order.

    >>> weekly_pattern(weekly_hours({0: [(time(9), time(17))], 6: [(time(22), MIDNIGHT)]}))
    [(32400000000, 61200000000), (597600000000, 604800000000)]
    """
    return [
        (
            _micros(day, opening),
            _micros(day + 1, MIDNIGHT) if closing == MIDNIGHT else _micros(day, closing),
        )
        for day, intervals in enumerate(hours)
        for opening, closing in intervals
    ]


def _micros(day: int, moment: time) -> int:
    """``moment`` of weekday ``day`` in microseconds from Monday 00:00."""
    return ((day * 24 + moment.hour) * 60 + moment.minute) * 60_000_000 + moment.second * 1_000_000


def to_holidays(value: object) -> Container[date]:
    """A finite collection of dates as a frozenset; any other container of dates as it is.

    A mapping (``holidays.HolidayBase`` is a dict that fills a year only when
    asked about it) or a container that cannot be listed is kept and asked per
    date; any other collection (a list, set or tuple) is read, checked date by
    date, and copied. An iterator that is neither is refused: it may never end.

    Raises:
        ValidationError: naming ``holidays``: a string, an iterator, something
            that holds no dates, or an element that is not a ``date`` (a ``datetime`` is not).
    """
    if isinstance(value, str | bytes):
        raise ValidationError("holidays", value, _HOLIDAY_KINDS)
    if isinstance(value, Mapping) or (
        isinstance(value, Container) and not isinstance(value, Iterable)
    ):
        return value
    if not isinstance(value, Collection):
        # A bare iterator may never end: only a collection is read through.
        raise ValidationError("holidays", value, _HOLIDAY_KINDS)
    return _dates(value)


def _dates(value: Iterable[object]) -> frozenset[date]:
    days: list[date] = []
    try:
        for day in value:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValidationError(
                    "holidays", day, "must hold dates (datetime.date, not datetime or other values)"
                )
            days.append(day)
    except ValidationError:
        raise
    except Exception as exc:  # the caller's iterable failed while being read
        raise ValidationError("holidays", value, f"could not be read ({exc!r})") from exc
    return frozenset(days)


def holidays_key(value: Container[date]) -> object:
    """What calendars compare and hash their holidays by.

    A frozenset by its dates; a container asked per date by identity: its
    contents change as it is asked about more years (and a dict cannot be hashed).
    """
    return value if isinstance(value, frozenset) else id(value)
