"""Service level targets and the clocks that measure a ticket against them.

An :class:`SlaPolicy` gives each :class:`~callflow.priority.Priority` a
:class:`ServiceTarget` (first response, keep-in-loop update, resolution) and
runs the clocks on a :class:`~callflow.calendars.Calendar`. A ticket's three
clocks are a :class:`TicketClocks`; every clock is an immutable
:class:`SlaClock`, and each event returns a new one:

>>> from datetime import datetime, timedelta, timezone
>>> from callflow.priority import Priority
>>> opened = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> clocks = SlaPolicy().start_clocks(Priority.P2, opened)
>>> print(clocks.resolution.due())
2026-03-02 13:00:00+00:00
>>> clocks = clocks.pause(opened + timedelta(hours=1))   # pending: waiting for the caller
>>> clocks = clocks.resume(opened + timedelta(hours=3))
>>> print(clocks.resolution.due())
2026-03-02 15:00:00+00:00
>>> print(clocks.resolution.warning_at())           # 80 % of 4 h: 1 h + 2 h 12 min
2026-03-02 14:12:00+00:00
>>> clocks.resolution.state(opened + timedelta(hours=5, minutes=30)).name
'WARNING'

Every time is a timezone-aware datetime and no clock goes backwards: an event
or a ``now`` before a clock's last event is refused with
:class:`~callflow.errors.ValidationError`. Clocks store their times in UTC and
give due times in their calendar's zone.
"""

import enum
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from callflow.calendars import AlwaysOpen, Calendar, check_calendar
from callflow.clock import check_aware
from callflow.errors import ValidationError
from callflow.priority import Priority, to_priority
from callflow.validators import duration, to_member

__all__ = [
    "DEFAULT_TARGETS",
    "ClockKind",
    "ClockReading",
    "ClockState",
    "ServiceTarget",
    "SlaClock",
    "SlaPolicy",
    "TicketClocks",
]

_ZERO = timedelta()
Pause = tuple[datetime, datetime | None]
"""A pause: when it began and when it ended (``None`` while it lasts)."""


class ClockKind(enum.Enum):
    """Which promise a clock measures."""

    FIRST_RESPONSE = "first_response"
    """From the ticket's creation to the first response to the caller."""
    UPDATE = "update"
    """Keep-in-loop: from the last update shared with the caller to the next."""
    RESOLUTION = "resolution"
    """From the ticket's creation to its resolution."""


class ClockState(enum.Enum):
    """Where a clock stands at a given time (see :meth:`SlaClock.state`)."""

    RUNNING = "running"
    """Counting, before the warning point."""
    WARNING = "warning"
    """Counting, past the warning point (80 % of the target by default), not yet due."""
    PAUSED = "paused"
    """Not counting (the ticket is pending), not breached."""
    BREACHED = "breached"
    """Not stopped, and its due time has passed (paused or not)."""
    MET = "met"
    """Stopped at or before its due time."""
    MISSED = "missed"
    """Stopped after its due time."""


# -- checks ----------------------------------------------------------------------


def _ratio(value: object) -> float:
    # Compared before float(): an int too large for a float is refused, not an OverflowError.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValidationError("warning_ratio", value, "must be a number between 0 and 1, exclusive")
    return float(value)


def _calendar(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_calendar("calendar", value)


def _kind(value: object) -> ClockKind:
    return to_member(ClockKind, "kind", value)


def _utc(field: str, value: object) -> datetime:
    return check_aware(field, value).astimezone(UTC)


def _started_at(value: object) -> datetime:
    return _utc("started_at", value)


def _stopped_at(value: object) -> datetime | None:
    return None if value is None else _utc("stopped_at", value)


def _pauses(value: object) -> tuple[Pause, ...]:
    if not isinstance(value, tuple | list):
        raise ValidationError("pauses", value, "must be a sequence of (start, end or None) pairs")
    pauses: list[Pause] = []
    for pause in value:
        if not isinstance(pause, tuple | list) or len(pause) != 2:
            raise ValidationError("pauses", pause, "must hold (start, end or None) pairs")
        start, end = pause
        pauses.append((_utc("pauses", start), None if end is None else _utc("pauses", end)))
    return tuple(pauses)


# -- targets and policy -----------------------------------------------------------


@attrs.frozen
class ServiceTarget:
    """The times promised for one priority, counted in open time on the policy's calendar.

    Args:
        first_response: from creation to the first response to the caller.
        update: the longest a caller waits for news (keep-in-loop).
        resolution: from creation to resolution.
    """

    first_response: timedelta = attrs.field(validator=duration())
    update: timedelta = attrs.field(validator=duration())
    resolution: timedelta = attrs.field(validator=duration())

    def for_kind(self, kind: ClockKind | str) -> timedelta:
        """The target a clock of ``kind`` runs to.

        >>> DEFAULT_TARGETS[Priority.P2].for_kind("resolution")
        datetime.timedelta(seconds=14400)
        """
        targets = {
            ClockKind.FIRST_RESPONSE: self.first_response,
            ClockKind.UPDATE: self.update,
            ClockKind.RESOLUTION: self.resolution,
        }
        return targets[_kind(kind)]


def _target(first_response: float, update: float, resolution: float) -> ServiceTarget:
    return ServiceTarget(*(timedelta(hours=h) for h in (first_response, update, resolution)))


DEFAULT_TARGETS: Mapping[Priority, ServiceTarget] = MappingProxyType(
    {
        Priority.P1: _target(0.25, 0.5, 2),
        Priority.P2: _target(0.5, 1, 4),
        Priority.P3: _target(1, 4, 8),
        Priority.P4: _target(4, 8, 24),
        Priority.P5: _target(8, 24, 40),
    }
)
"""Default targets (first response / update / resolution): P1 15 min / 30 min / 2 h,
P2 30 min / 1 h / 4 h, P3 1 h / 4 h / 8 h, P4 4 h / 8 h / 24 h, P5 8 h / 24 h / 40 h."""


def _targets(value: object) -> Mapping[Priority, ServiceTarget]:
    if not isinstance(value, Mapping):
        raise ValidationError("targets", value, "must map each priority to a ServiceTarget")
    targets: dict[Priority, ServiceTarget] = {}
    for key, target in value.items():
        priority = to_priority("targets", key)
        if priority in targets:
            raise ValidationError("targets", key, "must give each priority once")
        if not isinstance(target, ServiceTarget):
            raise ValidationError("targets", target, "must map each priority to a ServiceTarget")
        targets[priority] = target
    for priority in Priority:
        if priority not in targets:
            raise ValidationError(
                "targets",
                priority.name,
                "must give a target for every priority; this one is missing",
            )
    return MappingProxyType(targets)


@attrs.frozen
class SlaPolicy:
    """Which targets apply, on which calendar, and when to warn.

    Args:
        targets: a :class:`ServiceTarget` for each priority (keys may be 1..5);
            :data:`DEFAULT_TARGETS` by default.
        calendar: the open time the clocks count; 24×7 (:class:`AlwaysOpen`) by default.
        warning_ratio: the share of a target after which a clock warns (0.8).
    """

    targets: Mapping[Priority, ServiceTarget] = attrs.field(
        default=DEFAULT_TARGETS, converter=_targets, hash=False, repr=lambda t: repr(dict(t))
    )
    calendar: Calendar = attrs.field(factory=AlwaysOpen, validator=_calendar)
    warning_ratio: float = attrs.field(default=0.8, converter=_ratio)

    def target(self, priority: Priority | int) -> ServiceTarget:
        """The targets for ``priority`` (a :class:`Priority` or its number)."""
        return self.targets[to_priority("priority", priority)]

    def start_clocks(self, priority: Priority | int, at: datetime) -> "TicketClocks":
        """A new ticket's three clocks, all started at ``at``."""
        target = self.target(priority)
        started = [
            SlaClock.start(
                kind,
                target.for_kind(kind),
                at,
                calendar=self.calendar,
                warning_ratio=self.warning_ratio,
            )
            for kind in ClockKind
        ]
        return TicketClocks(*started)


# -- one clock ---------------------------------------------------------------------


@attrs.frozen
class ClockReading:
    """What a clock shows at ``at``; times are ``None`` while not yet known (paused)."""

    at: datetime
    kind: ClockKind
    state: ClockState
    target: timedelta
    due: datetime | None
    elapsed: timedelta
    remaining: timedelta
    paused_time: timedelta
    warning_at: datetime | None
    breached: bool


@attrs.frozen
class SlaClock:
    """One SLA clock: it counts open time from ``started_at`` towards ``target``.

    Prefer :meth:`start`, then the event methods, each of which returns a new
    clock: :meth:`pause`, :meth:`resume`, :meth:`stop`, :meth:`reopen`,
    :meth:`restart`. Paused time is kept (:meth:`paused_time`) and never
    counted; a stopped clock that is reopened counts its stopped time as paused.

    Args:
        kind: what the clock measures.
        target: the open time allowed, a positive timedelta.
        calendar: the open time counted.
        started_at: when it started (aware; stored in UTC, like every time here).
        pauses: ``(start, end)`` pairs in order; the last may be ``(start, None)``,
            the pause under way.
        stopped_at: when it stopped, if it did.
        warning_ratio: the share of ``target`` after which it warns.
    """

    kind: ClockKind = attrs.field(converter=_kind)
    target: timedelta = attrs.field(validator=duration())
    calendar: Calendar = attrs.field(validator=_calendar)
    started_at: datetime = attrs.field(converter=_started_at)
    pauses: tuple[Pause, ...] = attrs.field(default=(), converter=_pauses)
    stopped_at: datetime | None = attrs.field(default=None, converter=_stopped_at)
    warning_ratio: float = attrs.field(default=0.8, converter=_ratio)

    def __attrs_post_init__(self) -> None:
        last = self.started_at
        for index, (start, end) in enumerate(self.pauses):
            if start < last or (end is not None and end < start):
                raise ValidationError("pauses", self.pauses, "must be in order, after started_at")
            if end is None and (index < len(self.pauses) - 1 or self.stopped_at is not None):
                raise ValidationError(
                    "pauses",
                    self.pauses,
                    "may leave only the last pause open, and not once stopped",
                )
            last = start if end is None else end
        if self.stopped_at is not None and self.stopped_at < last:
            raise ValidationError(
                "stopped_at", self.stopped_at, "must not be before the start or the last pause"
            )

    @classmethod
    def start(
        cls,
        kind: ClockKind | str,
        target: timedelta,
        at: datetime,
        *,
        calendar: Calendar | None = None,
        warning_ratio: float = 0.8,
    ) -> "SlaClock":
        """A clock of ``kind`` started at ``at``, on ``calendar`` (24×7 if not given)."""
        return cls(
            kind=kind,
            target=target,
            calendar=AlwaysOpen() if calendar is None else calendar,
            started_at=_utc("at", at),
            warning_ratio=warning_ratio,
        )

    # -- status ----------------------------------------------------------------

    @property
    def paused(self) -> bool:
        """Whether a pause is under way."""
        return bool(self.pauses) and self.pauses[-1][1] is None

    @property
    def stopped(self) -> bool:
        """Whether the clock has stopped."""
        return self.stopped_at is not None

    @property
    def running(self) -> bool:
        """Whether the clock is counting: neither paused nor stopped."""
        return not (self.paused or self.stopped)

    @property
    def last_event(self) -> datetime:
        """The time of the clock's latest event; nothing may come before it any more."""
        if self.stopped_at is not None:
            return self.stopped_at
        if self.pauses:
            start, end = self.pauses[-1]
            return start if end is None else end
        return self.started_at

    def _after_last(self, field: str, at: object) -> datetime:
        instant = _utc(field, at)
        if instant < self.last_event:
            raise ValidationError(
                field, at, f"must not be before the clock's last event ({self.last_event})"
            )
        return instant

    def _refuse(self, needed: str) -> ValidationError:
        status = "stopped" if self.stopped else "paused" if self.paused else "running"
        return ValidationError(f"{self.kind.value} clock", status, f"must be {needed}")

    # -- events ----------------------------------------------------------------

    def pause(self, at: datetime) -> "SlaClock":
        """The clock paused at ``at``; it must be running."""
        instant = self._after_last("at", at)
        if not self.running:
            raise self._refuse("running to be paused")
        return attrs.evolve(self, pauses=(*self.pauses, (instant, None)))

    def resume(self, at: datetime) -> "SlaClock":
        """The clock running again from ``at``; it must be paused."""
        instant = self._after_last("at", at)
        if not self.paused:
            raise self._refuse("paused to be resumed")
        return attrs.evolve(self, pauses=(*self.pauses[:-1], (self.pauses[-1][0], instant)))

    def stop(self, at: datetime) -> "SlaClock":
        """The clock stopped at ``at`` (a pause under way ends there); it must not be stopped."""
        instant = self._after_last("at", at)
        if self.stopped:
            raise self._refuse("running or paused to be stopped")
        pauses = self.pauses
        if self.paused:
            pauses = (*pauses[:-1], (pauses[-1][0], instant))
        return attrs.evolve(self, pauses=pauses, stopped_at=instant)

    def reopen(self, at: datetime) -> "SlaClock":
        """The stopped clock running again from ``at``; the time it was stopped counts as paused."""
        instant = self._after_last("at", at)
        if self.stopped_at is None:
            raise self._refuse("stopped to be reopened")
        return attrs.evolve(
            self, pauses=(*self.pauses, (self.stopped_at, instant)), stopped_at=None
        )

    def restart(self, at: datetime) -> "SlaClock":
        """A fresh clock of the same kind and target started at ``at`` (keep-in-loop).

        A paused clock restarts paused (the ticket is still pending); a running
        or stopped one restarts running.
        """
        instant = self._after_last("at", at)
        pauses: tuple[Pause, ...] = ((instant, None),) if self.paused else ()
        return attrs.evolve(self, started_at=instant, pauses=pauses, stopped_at=None)

    # -- queries ---------------------------------------------------------------

    def _reach(self, amount: timedelta) -> datetime | None:
        """When ``amount`` of open time has run; ``None`` if a pause under way came first."""
        calendar = self.calendar
        cursor, left = self.started_at, amount
        for start, end in self.pauses:
            before = calendar.between(cursor, start)
            if left <= before:
                break
            if end is None:
                return None
            left -= before
            cursor = end
        return calendar.add(cursor, left)

    def due(self) -> datetime | None:
        """When the target is reached, in the calendar's zone.

        ``None`` while a pause under way began before the target was reached:
        the due time is not known until the pause ends. A stopped clock keeps
        the due time it had.
        """
        return self._reach(self.target)

    def warning_at(self) -> datetime | None:
        """When ``warning_ratio`` of the target is reached; ``None`` like :meth:`due`."""
        return self._reach(self.target * self.warning_ratio)

    def _segments(self, end: datetime) -> list[tuple[datetime, datetime]]:
        """The stretches of ``[started_at, end]`` during which the clock ran."""
        segments, cursor = [], self.started_at
        for start, stop in self.pauses:
            segments.append((cursor, start))
            if stop is None:
                return segments
            cursor = stop
        segments.append((cursor, end))
        return segments

    def _end(self, now: datetime) -> datetime:
        instant = self._after_last("now", now)
        return self.stopped_at if self.stopped_at is not None else instant

    def elapsed(self, now: datetime) -> timedelta:
        """Open time counted so far: from the start to the stop or ``now``, less the pauses."""
        end = self._end(now)
        return sum((self.calendar.between(a, b) for a, b in self._segments(end)), _ZERO)

    def paused_time(self, now: datetime) -> timedelta:
        """Open time spent paused so far (a pause under way counts up to ``now``)."""
        end = self._end(now)
        return sum(
            (self.calendar.between(a, end if b is None else b) for a, b in self.pauses), _ZERO
        )

    def remaining(self, now: datetime) -> timedelta:
        """``target - elapsed(now)``: open time left; negative once past due."""
        return self.target - self.elapsed(now)

    def breached(self, now: datetime) -> bool:
        """Whether the due time had passed by ``now`` (or by the stop, if stopped)."""
        end = self._end(now)
        due = self.due()
        return due is not None and end > due

    def state(self, now: datetime) -> ClockState:
        """The clock's :class:`ClockState` at ``now``."""
        breached = self.breached(now)
        if self.stopped:
            return ClockState.MISSED if breached else ClockState.MET
        if breached:
            return ClockState.BREACHED
        if self.paused:
            return ClockState.PAUSED
        warning_at = self.warning_at()
        if warning_at is not None and _utc("now", now) >= warning_at:
            return ClockState.WARNING
        return ClockState.RUNNING

    def reading(self, now: datetime) -> ClockReading:
        """Everything the clock shows at ``now``."""
        elapsed = self.elapsed(now)
        return ClockReading(
            at=now,
            kind=self.kind,
            state=self.state(now),
            target=self.target,
            due=self.due(),
            elapsed=elapsed,
            remaining=self.target - elapsed,
            paused_time=self.paused_time(now),
            warning_at=self.warning_at(),
            breached=self.breached(now),
        )


# -- a ticket's three clocks ----------------------------------------------------------


def _clock(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, SlaClock):
        raise ValidationError(attribute.name, value, "must be an SlaClock")


@attrs.frozen
class TicketClocks:
    """A ticket's first-response, keep-in-loop and resolution clocks, moved together.

    Each method takes the ticket's event time and returns new clocks; the time
    must not be before any clock's last event. The methods skip clocks the
    event does not apply to (pausing a stopped clock, resuming a running one).
    """

    first_response: SlaClock = attrs.field(validator=_clock)
    update: SlaClock = attrs.field(validator=_clock)
    resolution: SlaClock = attrs.field(validator=_clock)

    @property
    def clocks(self) -> tuple[SlaClock, SlaClock, SlaClock]:
        """The three clocks: first response, update, resolution."""
        return (self.first_response, self.update, self.resolution)

    def _check(self, at: datetime) -> None:
        instant = _utc("at", at)
        last = max(clock.last_event for clock in self.clocks)
        if instant < last:
            raise ValidationError("at", at, f"must not be before the clocks' last event ({last})")

    def pause(self, at: datetime) -> "TicketClocks":
        """The ticket went PENDING: pause every running clock."""
        self._check(at)
        return TicketClocks(*(c.pause(at) if c.running else c for c in self.clocks))

    def resume(self, at: datetime) -> "TicketClocks":
        """The ticket left PENDING: resume every paused clock."""
        self._check(at)
        return TicketClocks(*(c.resume(at) if c.paused else c for c in self.clocks))

    def responded(self, at: datetime) -> "TicketClocks":
        """The caller got a response: stop the first-response clock (if it still runs)."""
        self._check(at)
        first = self.first_response
        return attrs.evolve(self, first_response=first if first.stopped else first.stop(at))

    def shared_update(self, at: datetime) -> "TicketClocks":
        """An update was shared with the caller: it is a response, and restarts keep-in-loop.

        The update clock restarts unless it has stopped (the ticket is resolved).
        """
        clocks = self.responded(at)
        update = clocks.update
        return attrs.evolve(clocks, update=update if update.stopped else update.restart(at))

    def resolved(self, at: datetime) -> "TicketClocks":
        """The ticket was resolved: stop every clock not yet stopped."""
        self._check(at)
        return TicketClocks(*(c if c.stopped else c.stop(at) for c in self.clocks))

    def reopened(self, at: datetime) -> "TicketClocks":
        """The ticket was reopened: resolution runs on, keep-in-loop starts afresh."""
        self._check(at)
        resolution = self.resolution
        return attrs.evolve(
            self,
            update=self.update.restart(at),
            resolution=resolution.reopen(at) if resolution.stopped else resolution,
        )

    def readings(self, now: datetime) -> tuple[ClockReading, ClockReading, ClockReading]:
        """The three clocks' readings at ``now``."""
        return (
            self.first_response.reading(now),
            self.update.reading(now),
            self.resolution.reading(now),
        )
