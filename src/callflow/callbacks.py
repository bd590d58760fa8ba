"""Callback windows: when a caller may be called back, read from what a person typed (CF1003).

:func:`parse_callback_window` reads short English phrases at the moment of the
call, in the caller's zone, into a :class:`CallbackWindow` in that zone; never
guessing, it refuses what it cannot read with certainty. Forms and
conventions are in docs/messages.md.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> at = datetime(2026, 3, 30, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))
>>> window = parse_callback_window("after 3pm", at=at, zone="America/Sao_Paulo")
>>> window.describe("Europe/Rome")
'Mon 30 Mar 2026 20:00–23:00 (Europe/Rome)'
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, cast

import attrs
from dateutil import tz

from callflow._callback_text import (
    DAY_NAMES,
    FORMS,
    MONTH_NAMES,
    PERIODS,
    Reader,
    Span,
    read_day,
    read_span,
)
from callflow.clock import LATEST, check_aware, to_zone
from callflow.errors import CallbackWindowError, ValidationError
from callflow.validators import check_duration, check_text, optional_non_empty_text

__all__ = [
    "CallbackHours",
    "CallbackWindow",
    "check_real_time",
    "describe_moment",
    "parse_callback_window",
]

_DAY = timedelta(days=1)
_LAST_DAY = LATEST.date()
_MAX_TEXT = 200
"""The longest callback text read: a person types a few words, never a page."""


def _check_span(field: str, value: object) -> None:
    """``value`` must be a (start, end) pair of naive times, start first."""
    if not (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(moment, time) and moment.tzinfo is None for moment in value)
    ):
        raise ValidationError(field, value, "must be a (start, end) pair of naive datetime.time")
    if value[0] >= value[1]:
        raise ValidationError(field, value, "must start before it ends")


@attrs.frozen
class CallbackHours:
    """What vague words mean: the conventions :func:`parse_callback_window` reads with.

    Attributes:
        day_start: when a day given alone starts, and where "before T" starts.
        day_end: when a day given alone ends, and where "after T" ends.
        morning: what "morning" means, as (start, end) local times.
        afternoon: what "afternoon" means.
        evening: what "evening" means.
        at_length: how long "at T" lasts: "at 3pm" is 15:00 to 15:30 by default.
    """

    day_start: time = time(9)
    day_end: time = time(18)
    morning: tuple[time, time] = (time(9), time(12))
    afternoon: tuple[time, time] = (time(12), time(17))
    evening: tuple[time, time] = (time(17), time(20))
    at_length: timedelta = timedelta(minutes=30)

    def __attrs_post_init__(self) -> None:
        _check_span("day_start, day_end", (self.day_start, self.day_end))
        for name in PERIODS:
            _check_span(name, getattr(self, name))
        check_duration("at_length", self.at_length)


_DEFAULT_HOURS = CallbackHours()


def check_real_time(field: str, value: object) -> datetime:
    """Return ``value`` if it is an aware datetime its zone's clocks do show.

    A wall time skipped by a daylight-saving change (02:30 on the night clocks
    go forward) names no instant, and would not read back as it was written.

    Raises:
        ValidationError: naming ``field``, if ``value`` is naive or skipped.
    """
    moment = check_aware(field, value)
    if not tz.datetime_exists(moment):
        raise ValidationError(field, value, "does not exist: its zone's clocks skipped that time")
    return moment


def _end(instance: "CallbackWindow", attribute: "attrs.Attribute[Any]", value: object) -> None:
    if check_real_time("end", value) <= instance.start:
        raise ValidationError("end", value, f"must be after the start, {instance.start}")


def _zone_name(moment: datetime) -> str:
    return getattr(moment.tzinfo, "key", None) or moment.tzname() or "UTC"


def _day(moment: datetime) -> str:
    day, month = DAY_NAMES[moment.weekday()][:3], MONTH_NAMES[moment.month - 1][:3]
    return f"{day.title()} {moment.day} {month.title()} {moment.year}"


def describe_moment(moment: datetime) -> str:
    """An aware moment for a reader, in its own zone: "Mon 30 Mar 2026 14:05 (Europe/Rome)"."""
    moment = check_aware("moment", moment)
    return f"{_day(moment)} {moment:%H:%M} ({_zone_name(moment)})"


@attrs.frozen
class CallbackWindow:
    """When the caller may be called back: the instants ``[start, end)``.

    Attributes:
        start: when the window opens; aware, in the zone it was given in.
        end: when it closes; aware, after ``start``.
        text: what the person typed, if it was read from text.
    """

    start: datetime = attrs.field(validator=lambda _, a, v: check_real_time("start", v))
    end: datetime = attrs.field(validator=_end)
    text: str | None = attrs.field(default=None, validator=optional_non_empty_text())

    @property
    def zone(self) -> tzinfo:
        """The zone the window is given in (its start's)."""
        return cast(tzinfo, self.start.tzinfo)  # aware: checked when it was made

    def in_zone(self, zone: str | tzinfo) -> "CallbackWindow":
        """The same instants, shown in ``zone`` (a tzinfo or an IANA key).

        Raises:
            ValidationError: naming ``zone``, if it is not a time zone.
        """
        target = to_zone("zone", zone)
        return attrs.evolve(
            self, start=self.start.astimezone(target), end=self.end.astimezone(target)
        )

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware) is in the window; its end is not.

        Raises:
            ValidationError: if ``moment`` is not timezone-aware.
        """
        return self.start <= check_aware("moment", moment) < self.end

    def describe(self, zone: str | tzinfo | None = None) -> str:
        """The window for a reader, in ``zone`` (default: its own zone).

        "Mon 30 Mar 2026 20:00–22:00 (Europe/Rome)"; an end at midnight is
        "24:00"; a window over several days gives both dates.

        Raises:
            ValidationError: naming ``zone``, if it is not a time zone.
        """
        window = self if zone is None else self.in_zone(zone)
        start, end = window.start, window.end
        if end.date() == start.date():
            until = f"{end:%H:%M}"
        elif end == datetime.combine(start.date() + _DAY, time(), end.tzinfo):
            until = "24:00"
        else:
            return f"{_day(start)} {start:%H:%M} – {_day(end)} {end:%H:%M} ({_zone_name(start)})"
        return f"{_day(start)} {start:%H:%M}–{until} ({_zone_name(start)})"


def _bounds(day: date, span: Span, hours: CallbackHours) -> tuple[datetime, datetime | None]:
    """The window's local (naive) bounds on ``day``; no end for a point ("at 3pm")."""
    start_at, end_at, point = span
    if start_at is None:  # before T: from the day's start, or from midnight if T is earlier
        start_at = hours.day_start if end_at is None or end_at > hours.day_start else time()
    start = datetime.combine(day, start_at)
    if point:
        return start, None
    if end_at is not None:
        return start, datetime.combine(day, end_at)
    if start_at < hours.day_end:
        return start, datetime.combine(day, hours.day_end)
    return start, datetime.combine(day + _DAY, time())  # after T, T past the day's end: to midnight


def _local(naive: datetime, zone: tzinfo, fold: int) -> datetime:
    """``naive`` read in ``zone``: a skipped time moves forward by the gap; fold picks a repeat."""
    moment = tz.resolve_imaginary(naive.replace(tzinfo=zone, fold=fold))
    return moment.astimezone(UTC).astimezone(zone)  # normalised: fold set only where it matters


def parse_callback_window(
    text: str,
    *,
    at: datetime,
    zone: str | tzinfo,
    hours: CallbackHours = _DEFAULT_HOURS,
    field: str = "callback",
) -> CallbackWindow:
    """Read a callback window typed in English, at the moment of the call, in the caller's zone.

    Args:
        text: what the person typed: "after 3pm", "tomorrow morning", "between
            2 and 4pm", "on friday after 14:00", "5 March before noon"...
        at: the moment of the call (aware); "today" is its date in ``zone``.
        zone: the caller's time zone (an IANA key or a tzinfo); the window is
            read and given in it.
        hours: the conventions for vague words (a day alone, "morning"...).
        field: the name errors give the text.

    Raises:
        CallbackWindowError: naming ``field`` and ``text``, if any word cannot
            be read with certainty, the window is empty, or it is already over at ``at``.
        ValidationError: if ``at`` is not aware or ``zone`` not a time zone.
    """
    now = check_aware("at", at).astimezone(to_zone("zone", zone))
    caller_zone = cast(tzinfo, now.tzinfo)
    if not isinstance(hours, CallbackHours):
        raise ValidationError("hours", hours, "must be a CallbackHours")
    check_text("field", field)
    if not isinstance(text, str) or not text.strip():
        raise CallbackWindowError(field, text, f"must say when to call back, like {FORMS}")
    if len(text) > _MAX_TEXT:
        raise CallbackWindowError(field, text[:_MAX_TEXT] + "...", "is too long for a time")
    reader = Reader(text, field, now.date())
    day = read_day(reader)
    span = read_span(reader, hours)
    day = day or read_day(reader)  # "after 3pm tomorrow"
    if reader.peek():
        raise reader.error(f"cannot read {reader.peek()!r}")
    if day is None and span is None:
        raise reader.error("it names no day or time")
    if day is not None and day >= _LAST_DAY:  # its window could end past the latest time
        raise reader.error(f"{day.isoformat()} is later than callflow keeps times")
    first, last = _bounds(day or now.date(), span or (None, None, False), hours)
    # A repeated hour (clocks going back) is read narrowly: the later start and the
    # earlier end, so a call inside the window is right whichever the caller meant.
    start = _local(first, caller_zone, 1)
    end = _local(last or start.replace(tzinfo=None) + hours.at_length, caller_zone, 0)
    if end <= start:
        raise CallbackWindowError(field, text, "is empty: it ends before it starts")
    if end <= now:
        when = describe_moment(now)
        raise CallbackWindowError(field, text, f"is already over at the time of the call, {when}")
    return CallbackWindow(max(start, now), end, text)
