"""A ticket's priority matrix and SLA policy as JSON-ready data, and back (private).

Used by :mod:`callflow._ticket_documents` for a ticket's header. Written exactly
or not at all: a calendar callflow cannot write without loss (a custom
:class:`~callflow.calendars.Calendar`, holidays asked per date such as
``holidays.IT()``, a zone that is neither an IANA zone nor a plain fixed
offset) is refused with a :class:`~callflow.errors.ValidationError` naming it.
Reading raises :class:`~callflow.errors.SnapshotError` naming the path.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from callflow.calendars import AlwaysOpen, BusinessCalendar
from callflow.codec import structure, unstructure
from callflow.errors import SnapshotError, ValidationError
from callflow.priority import Impact, Priority, PriorityMatrix, Urgency
from callflow.sla import ServiceTarget, SlaPolicy

__all__ = [
    "CALENDAR_KEYS",
    "SLA_POLICY_KEYS",
    "fields",
    "matrix_document",
    "moved",
    "read",
    "read_matrix",
    "read_sla_policy",
    "sla_policy_document",
]

T = TypeVar("T")
_HERE = "<here>"
"""The name :func:`read` gives codec for the value itself, replaced by its path."""
_OFFSET = re.compile(r"[+-]\d\d:\d\d")
SLA_POLICY_KEYS = ("targets", "calendar", "warning_ratio")
"""An SLA policy document's keys, all required."""
CALENDAR_KEYS: Mapping[str, tuple[str, ...]] = {
    "always_open": ("type", "zone"),
    "business": ("type", "zone", "hours", "holidays"),
}
"""Each kind of calendar document, by its ``type``, and its keys (all required)."""


def moved(error: ValidationError, where: str) -> SnapshotError:
    """``error``, raised about a value at ``where`` (or a field below it), as a SnapshotError."""
    field = error.field
    if field.startswith(_HERE):
        path = where + field[len(_HERE) :]
    elif field.startswith("["):
        path = where + field
    else:
        path = f"{where}.{field}"
    return SnapshotError(path, error.value, error.reason)


def read(value: object, kind: Any, where: str) -> Any:
    """``value`` read as ``kind`` by :func:`~callflow.codec.structure`; errors name ``where``."""
    try:
        return structure(value, kind, field=_HERE)
    except ValidationError as error:
        raise moved(error, where) from None


def fields(
    value: object, where: str, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, object]:
    """``value`` as a dict with the ``required`` keys and perhaps some ``optional`` ones.

    Raises:
        SnapshotError: naming ``where`` (not a mapping) or ``where.key`` (a key
            unknown or missing).
    """
    if not isinstance(value, Mapping):
        raise SnapshotError(where, value, f"must be a mapping of {', '.join(required)}")
    known = (*required, *optional)
    for key in value:
        if key not in known:
            raise SnapshotError(f"{where}.{key}", key, f"is not a field here: {', '.join(known)}")
    for key in required:
        if key not in value:
            raise SnapshotError(f"{where}.{key}", None, "is required: the data has no such key")
    return dict(value)


def _items(value: object, where: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise SnapshotError(where, value, "must be a list")
    return list(value)


# -- priority matrix ------------------------------------------------------------


def matrix_document(matrix: PriorityMatrix) -> dict[str, dict[str, int]]:
    """The matrix as impact -> urgency -> priority number, e.g. ``{"high": {"high": 1...}}``."""
    return {
        impact.value: {urgency.value: matrix.priority(impact, urgency).value for urgency in Urgency}
        for impact in Impact
    }


def read_matrix(value: object, where: str) -> PriorityMatrix:
    rows = fields(value, where, [impact.value for impact in Impact])
    cells: dict[tuple[Impact, Urgency], Priority] = {}
    for impact in Impact:
        row_where = f"{where}.{impact.value}"
        row = fields(rows[impact.value], row_where, [urgency.value for urgency in Urgency])
        for urgency in Urgency:
            cells[impact, urgency] = _priority(row[urgency.value], f"{row_where}.{urgency.value}")
    return PriorityMatrix(cells)


def _priority(value: object, where: str) -> Priority:
    if type(value) is not int or value not in {priority.value for priority in Priority}:
        raise SnapshotError(where, value, "must be a priority number, 1 to 5")
    return Priority(value)


# -- SLA policy -------------------------------------------------------------------


def sla_policy_document(policy: SlaPolicy, where: str = "sla_policy") -> dict[str, Any]:
    """The policy's targets (by priority name), calendar and warning ratio.

    Raises:
        ValidationError: naming ``where.calendar...`` for a calendar that cannot be written exactly.
    """
    return {
        "targets": {priority.name: unstructure(policy.target(priority)) for priority in Priority},
        "calendar": _calendar_document(policy.calendar, f"{where}.calendar"),
        "warning_ratio": policy.warning_ratio,
    }


def read_sla_policy(value: object, where: str) -> SlaPolicy:
    data = fields(value, where, SLA_POLICY_KEYS)
    names = [priority.name for priority in Priority]
    given = fields(data["targets"], f"{where}.targets", names)
    targets = {
        priority: read(given[priority.name], ServiceTarget, f"{where}.targets.{priority.name}")
        for priority in Priority
    }
    calendar = _read_calendar(data["calendar"], f"{where}.calendar")
    ratio = data["warning_ratio"]
    if type(ratio) not in (int, float):  # a bool is no ratio
        raise SnapshotError(f"{where}.warning_ratio", ratio, "must be a number between 0 and 1")
    return _built(where, lambda: SlaPolicy(targets, calendar, ratio))


def _built(where: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except ValidationError as error:
        raise moved(error, where) from None


# -- calendars ------------------------------------------------------------------


def _calendar_document(calendar: object, where: str) -> dict[str, Any]:
    if type(calendar) is AlwaysOpen:
        return {"type": "always_open", "zone": _zone_document(calendar.zone, f"{where}.zone")}
    if type(calendar) is not BusinessCalendar:
        reason = "cannot be written: only an AlwaysOpen or a BusinessCalendar can"
        raise ValidationError(where, calendar, reason)
    holidays = calendar.holidays
    if not isinstance(holidays, frozenset):
        reason = "cannot be written: holidays asked per date (holidays.IT()...) are not data"
        raise ValidationError(f"{where}.holidays", holidays, reason)
    return {
        "type": "business",
        "zone": _zone_document(calendar.zone, f"{where}.zone"),
        "hours": [
            [[opening.isoformat(), closing.isoformat()] for opening, closing in day]
            for day in calendar.hours
        ],
        "holidays": [day.isoformat() for day in sorted(holidays)],
    }


def _read_calendar(value: object, where: str) -> AlwaysOpen | BusinessCalendar:
    if isinstance(value, Mapping) and value.get("type") == "always_open":
        data = fields(value, where, CALENDAR_KEYS["always_open"])
        zone = _read_zone(data["zone"], f"{where}.zone")
        return _built(where, lambda: AlwaysOpen(zone))
    if not isinstance(value, Mapping) or value.get("type") != "business":
        kind = value.get("type") if isinstance(value, Mapping) else value
        raise SnapshotError(f"{where}.type", kind, "must be 'always_open' or 'business'")
    data = fields(value, where, CALENDAR_KEYS["business"])
    zone = _read_zone(data["zone"], f"{where}.zone")
    days = _items(data["hours"], f"{where}.hours")
    if len(days) != 7:
        raise SnapshotError(f"{where}.hours", days, "must give seven days, Monday first")
    hours = [_read_day(day, f"{where}.hours[{index}]") for index, day in enumerate(days)]
    holidays = [
        _read_iso(day, f"{where}.holidays[{index}]", date.fromisoformat, "a date (2026-12-25)")
        for index, day in enumerate(_items(data["holidays"], f"{where}.holidays"))
    ]
    return _built(where, lambda: BusinessCalendar(hours, zone, holidays))


def _read_day(value: object, where: str) -> list[tuple[time, time]]:
    day: list[tuple[time, time]] = []
    for index, interval in enumerate(_items(value, where)):
        pair = _items(interval, f"{where}[{index}]")
        if len(pair) != 2:
            raise SnapshotError(f"{where}[{index}]", pair, "must be an [open, close] pair")
        opening, closing = (
            _read_iso(moment, f"{where}[{index}][{end}]", time.fromisoformat, "a time (09:00:00)")
            for end, moment in enumerate(pair)
        )
        day.append((opening, closing))
    return day


def _read_iso(value: object, where: str, parse: Callable[[str], T], what: str) -> T:
    try:
        if isinstance(value, str):
            return parse(value)
    except ValueError:
        pass
    raise SnapshotError(where, value, f"must be {what} in ISO 8601")


def _zone_document(zone: tzinfo, where: str) -> str:
    if isinstance(zone, ZoneInfo) and zone.key:
        return zone.key
    offset = zone.utcoffset(None) if isinstance(zone, timezone) else None
    # A fixed offset reads back as timezone(offset): one with a name of its own would not.
    if offset is None or offset % timedelta(minutes=1) or zone.tzname(None) != _plain(offset):
        raise ValidationError(where, zone, "cannot be written: it is not an IANA zone or an offset")
    return datetime(2000, 1, 1, tzinfo=zone).isoformat()[-6:]


def _plain(offset: timedelta) -> str | None:
    return timezone(offset).tzname(None)


def _read_zone(value: object, where: str) -> tzinfo:
    if isinstance(value, str) and _OFFSET.fullmatch(value):
        offset = datetime.fromisoformat(f"2000-01-01T00:00:00{value}").utcoffset()
        return UTC if offset == timedelta() else timezone(offset)  # type: ignore[arg-type]
    return read(value, tzinfo, where)  # type: ignore[no-any-return]
