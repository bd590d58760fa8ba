"""Where a call gets the time: an injectable clock, and the times callflow accepts.

A clock is any zero-argument callable returning a timezone-aware
:class:`~datetime.datetime`. Live calls use :func:`utc_now`; tests, demos and
replays of recorded calls use a :class:`ManualClock` they move themselves:

>>> from datetime import datetime, timezone
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> clock.advance(seconds=90)
>>> clock()
datetime.datetime(2026, 3, 2, 9, 1, 30, tzinfo=datetime.timezone.utc)

Every time callflow takes is timezone-aware and lies between :data:`EARLIEST`
(the start of the year 2) and :data:`LATEST` (the end of the year 9998), in
any zone. The year of margin on each side of Python's own limits means that
converting a time to any zone, or moving it by a day, can never overflow;
a time outside is refused with :class:`~callflow.errors.ValidationError`,
and so is a duration that would take a time past either end (:func:`shift`).
"""

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callflow.errors import ValidationError

__all__ = [
    "EARLIEST",
    "LATEST",
    "Clock",
    "ManualClock",
    "check_aware",
    "shift",
    "to_zone",
    "utc_now",
]

Clock = Callable[[], datetime]
"""A zero-argument callable returning the current, timezone-aware time."""

EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
"""The earliest instant callflow accepts."""
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
"""The latest instant callflow accepts."""

# isoformat, not strftime: %Y does not pad the year 2 to four digits on every platform.
_RANGE = f"between {EARLIEST.date().isoformat()} and {LATEST.date().isoformat()} (UTC)"
# A fixed instant to ask a zone its offset at: any real zone answers.
_PROBE = datetime(2000, 1, 1)


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


def _offset(value: datetime) -> timedelta | None:
    """``value.utcoffset()``; a tzinfo that cannot answer is refused, not let through."""
    try:
        return value.utcoffset()
    except Exception:  # a foreign tzinfo's own failure (NotImplementedError, TypeError...)
        return None


def check_aware(field: str, value: object) -> datetime:
    """Return ``value`` if it is an aware datetime from :data:`EARLIEST` to :data:`LATEST`.

    >>> check_aware("at", datetime(2026, 3, 2, 9, 0))
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'at' must be a timezone-aware datetime \
(got datetime.datetime(2026, 3, 2, 9, 0))
    """
    if not isinstance(value, datetime) or _offset(value) is None:
        raise ValidationError(field, value, "must be a timezone-aware datetime")
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(field, value, f"must lie {_RANGE}")
    return value


def shift(field: str, moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, refused if it falls outside :data:`EARLIEST` .. :data:`LATEST`.

    Args:
        field: the name the error gives ``delta`` (the duration that went too far).
        moment: an aware datetime, already checked.
        delta: any timedelta, however large.

    >>> shift("timeframe", datetime(2026, 3, 2, tzinfo=UTC), timedelta.max)
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'timeframe' takes the time past 9998-12-31 (UTC) \
(got datetime.timedelta(days=999999999, seconds=86399, microseconds=999999))
    """
    moment = check_aware("moment", moment)
    if not isinstance(delta, timedelta):
        raise ValidationError(field, delta, "must be a timedelta")
    try:
        # Elapsed time, not wall time: 24 hours after noon before a clock change
        # is 11:00 or 13:00 local, 24 real hours on (aware + timedelta would keep
        # the wall time and be an hour off).
        moved = (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)
    except OverflowError:
        moved = None
    if moved is None or not EARLIEST <= moved <= LATEST:
        edge = LATEST if delta > timedelta() else EARLIEST
        raise ValidationError(field, delta, f"takes the time past {edge.date().isoformat()} (UTC)")
    return moved


def to_zone(field: str, value: object) -> tzinfo:
    """Return ``value`` as a time zone: a ``tzinfo``, or an IANA name such as ``"Europe/London"``.

    A ``tzinfo`` must answer ``utcoffset`` (a bare ``datetime.tzinfo()`` does not).

    >>> to_zone("zone", "Mars/Olympus_Mons")
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'zone' must be a tzinfo or an IANA time zone name \
(got 'Mars/Olympus_Mons')
    """
    if isinstance(value, tzinfo):
        if isinstance(_offset(_PROBE.replace(tzinfo=value)), timedelta):
            return value
        raise ValidationError(field, value, "must be a tzinfo that answers utcoffset()")
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise ValidationError(field, value, "must be a tzinfo or an IANA time zone name")


# check_clock and read_clock serve Call and Ticket; they are not part of the public API.


def check_clock(instance: object, attribute: object, value: object) -> None:
    """attrs validator for a ``clock`` field: it must be callable."""
    if not callable(value):
        raise ValidationError("clock", value, "must be a callable returning an aware datetime")


def read_clock(clock: Clock, previous: datetime) -> datetime:
    """The time ``clock`` tells, which must be aware and not before ``previous``."""
    at = check_aware("clock", clock())
    if at < previous:
        raise ValidationError(
            "clock", at, f"went backwards: the previous event was at {previous.isoformat()}"
        )
    return at


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError("seconds", value, "must be a finite number of seconds")
    return value


class ManualClock:
    """A clock that stands still until it is moved.

    Args:
        start: the first time it tells; must be timezone-aware.
    """

    __slots__ = ("_now",)

    def __init__(self, start: datetime) -> None:
        self._now = check_aware("start", start)

    def __call__(self) -> datetime:
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"

    def advance(self, delta: timedelta | None = None, *, seconds: float = 0) -> None:
        """Move the clock forward by ``delta`` and/or ``seconds``; never backwards.

        Raises:
            ValidationError: for a step that is not a timedelta or a finite
                number of seconds, a step backwards, or one past :data:`LATEST`.
        """
        if delta is not None and not isinstance(delta, timedelta):
            raise ValidationError("delta", delta, "must be a timedelta or None")
        try:
            step = (delta or timedelta()) + timedelta(seconds=_seconds(seconds))
        except OverflowError:
            raise ValidationError(
                "seconds", seconds, f"takes the time past {LATEST.date().isoformat()} (UTC)"
            ) from None
        if step < timedelta():
            raise ValidationError("delta", step, "must not move the clock backwards")
        self._now = shift("delta", self._now, step)

    def set(self, when: datetime) -> None:
        """Move the clock to ``when``, which must not be earlier than now."""
        when = check_aware("when", when)
        if when < self._now:
            raise ValidationError("when", when, f"must not be before {self._now.isoformat()}")
        self._now = when
