"""Where a call gets the time: an injectable clock.

A clock is any zero-argument callable returning a timezone-aware
:class:`~datetime.datetime`. Live calls use :func:`utc_now`; tests, demos and
replays of recorded calls use a :class:`ManualClock` they move themselves:

>>> from datetime import datetime, timezone
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> clock.advance(seconds=90)
>>> clock()
datetime.datetime(2026, 3, 2, 9, 1, 30, tzinfo=datetime.timezone.utc)
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from callflow.errors import ValidationError

__all__ = ["Clock", "ManualClock", "check_clock", "read_clock", "utc_now"]

Clock = Callable[[], datetime]
"""A zero-argument callable returning the current, timezone-aware time."""


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


def check_aware(field: str, value: object) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError(field, value, "must be a timezone-aware datetime")
    return value


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
        """Move the clock forward by ``delta`` and/or ``seconds``; never backwards."""
        step = (delta or timedelta()) + timedelta(seconds=seconds)
        if step < timedelta():
            raise ValidationError("delta", step, "must not move the clock backwards")
        self._now += step

    def set(self, when: datetime) -> None:
        """Move the clock to ``when``, which must not be earlier than now."""
        when = check_aware("when", when)
        if when < self._now:
            raise ValidationError("when", when, f"must not be before {self._now.isoformat()}")
        self._now = when
