"""Tickets, work orders, promise ledgers and ticket books as JSON-ready data, and back.

Pure data: dicts, lists, text, numbers, booleans and ``None`` in and out (see
:mod:`callflow.codec`); no JSON text, files or SQL. The history is the truth:
:func:`restore_ticket` builds the ticket from its header and sends every
recorded event again through the ticket's own methods at its recorded time,
checking that each produces the record written. Nothing derived (status,
notes, SLA clocks, promises) is read from the document.

A ticket document is ``{"header": ..., "history": [record, ...]}``: the header
holds what the ticket was built with and its history cannot tell (number,
caller, priority matrix, SLA policy); the first record, ``create``, holds the
rest. The lifecycle is not written: only tickets on the default
:data:`~callflow.lifecycle.LIFECYCLE` can be. A work order is written as it
is now (completed and signed, or not), in the ``dispatch`` record that holds it.

Every reader raises :class:`~callflow.errors.SnapshotError` naming the path of
the bad value (``ticket.history[3].payload.note.text``) and creates nothing.
"""

import typing
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, cast

import attrs

from callflow import _policy_documents as policy
from callflow.book import MemoryTicketBook
from callflow.clock import Clock, check_clock, utc_now
from callflow.codec import unstructure
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, check_document
from callflow.errors import CallflowError, SnapshotError, ValidationError
from callflow.escalation import Escalation
from callflow.lifecycle import LIFECYCLE, TicketStatus
from callflow.notes import Note
from callflow.people import Caller
from callflow.priority import Impact, Urgency
from callflow.promises import Promise, PromiseLedger
from callflow.records import RuleBreach
from callflow.ticket import CallLink, Ticket, TicketRecord
from callflow.workorders import Completion, WorkOrder

__all__ = [
    "PARTIAL_EVENTS",
    "PAYLOAD_TYPES",
    "RECORD_KEYS",
    "WORK_ORDER_FIELDS",
    "book_document",
    "ledger_document",
    "read_ticket_record",
    "restore_book",
    "restore_ledger",
    "restore_ticket",
    "restore_work_order",
    "ticket_document",
    "ticket_header",
    "ticket_record_document",
    "work_order_document",
]

Writer = Callable[[Any], object]
Reader = Callable[[object, str], object]


# -- work orders ------------------------------------------------------------------


def _work_order_fields() -> Mapping[str, object]:
    hints = typing.get_type_hints(WorkOrder)
    given = {field.name: hints[field.name] for field in attrs.fields(WorkOrder) if field.init}
    return MappingProxyType({**given, "completion": Completion | None})


WORK_ORDER_FIELDS: Mapping[str, object] = _work_order_fields()
"""A work order document's keys, in order, and the type of each value (all required).

The fields a :class:`~callflow.workorders.WorkOrder` is built with, then its
``completion``, each written by the codec; the JSON Schema is made from this too.
"""


def work_order_document(order: WorkOrder) -> dict[str, Any]:
    """A work order as it is now, its completion (and signature) included."""
    if not isinstance(order, WorkOrder):
        raise ValidationError("work_order", order, "must be a WorkOrder")
    return {name: unstructure(getattr(order, name)) for name in WORK_ORDER_FIELDS}


def restore_work_order(data: object, *, where: str = "work_order") -> WorkOrder:
    """The work order ``data`` describes, completed (and signed) as it was.

    The completion goes through :meth:`~callflow.workorders.WorkOrder.complete`,
    so it is checked as when it was recorded (not before the dispatch, signed
    by the assigned technician only).

    Raises:
        SnapshotError: naming the path of the bad value.
    """
    given = policy.fields(_checked(data, where), where, tuple(WORK_ORDER_FIELDS))
    completion = given.pop("completion")
    order: WorkOrder = policy.read(given, WorkOrder, where)
    if completion is not None:
        done: Completion = policy.read(completion, Completion, f"{where}.completion")
        try:
            order.complete(work_done=done.work_done, at=done.at, signed_by=done.signed_by)
        except ValidationError as error:
            field = {"work_order": "", "at": "at", "signed_by": "signed_by"}.get(error.field)
            path = f"{where}.completion" + (f".{field}" if field else "")
            raise SnapshotError(path, error.value, error.reason) from None
    return order


# -- promise ledgers ----------------------------------------------------------------


def ledger_document(ledger: PromiseLedger) -> dict[str, Any]:
    """Every promise of ``ledger``, in the order made, as it is now (kept or not)."""
    if not isinstance(ledger, PromiseLedger):
        raise ValidationError("ledger", ledger, "must be a PromiseLedger")
    return {"promises": [unstructure(promise) for promise in ledger]}


def restore_ledger(data: object, *, where: str = "promise_ledger") -> PromiseLedger:
    """The ledger ``data`` describes, rebuilt by making (and keeping) each promise again.

    Ids are given by the ledger as it makes them: each must be the one written,
    so the restored ledger numbers its next promise as the original would.

    Raises:
        SnapshotError: naming the path of the bad value.
    """
    given = policy.fields(_checked(data, where), where, ("promises",))
    items = given["promises"]
    if not isinstance(items, list | tuple):
        raise SnapshotError(f"{where}.promises", items, "must be a list of promises")
    ledger = PromiseLedger()
    for index, item in enumerate(items):
        at = f"{where}.promises[{index}]"
        promise: Promise = policy.read(item, Promise, at)
        try:
            made = ledger.promise(
                promise.kind,
                promise.to,
                promise.what,
                made_at=promise.made_at,
                due=promise.due,
                made_by=promise.made_by,
                ticket=promise.ticket,
            )
            if promise.kept_at is not None:
                made = ledger.keep(made.id, promise.kept_at)
        except ValidationError as error:
            raise policy.moved(error, at) from None
        if made.id != promise.id:
            raise SnapshotError(f"{at}.id", promise.id, f"must be {made.id!r}: ids go in order")
    return ledger


# -- records --------------------------------------------------------------------


def _plain(kind: Any) -> tuple[Writer, Reader]:
    return unstructure, lambda value, where: policy.read(value, kind, where)


def _timeframe_document(timeframe: object) -> object:
    # Tagged: a duration, a date and the words said would all be text in JSON.
    if timeframe is None:
        return None
    if isinstance(timeframe, datetime):
        return {"datetime": unstructure(timeframe)}
    if isinstance(timeframe, timedelta):
        return {"duration": unstructure(timeframe)}
    return {"text": timeframe}


def _escalation_document(escalation: Escalation) -> dict[str, Any]:
    data: dict[str, Any] = unstructure(escalation)
    data["timeframe"] = _timeframe_document(escalation.timeframe)
    return data


def _read_escalation(value: object, where: str) -> Escalation:
    if not isinstance(value, Mapping):
        raise SnapshotError(where, value, "must be a mapping of an escalation's fields")
    rest = dict(value)
    tagged = rest.pop("timeframe", None)
    timeframe: Any = None
    if tagged is not None:
        kinds: dict[str, type] = {"datetime": datetime, "duration": timedelta, "text": str}
        field = f"{where}.timeframe"
        if not isinstance(tagged, Mapping) or len(tagged) != 1 or next(iter(tagged)) not in kinds:
            raise SnapshotError(field, tagged, "must be {'datetime'|'duration'|'text': value}")
        ((tag, inner),) = tagged.items()
        timeframe = policy.read(inner, kinds[tag], f"{field}.{tag}")
    escalation: Escalation = policy.read({**rest, "timeframe": None}, Escalation, where)
    try:
        return attrs.evolve(escalation, timeframe=timeframe)
    except ValidationError as error:
        raise policy.moved(error, where) from None


def _read_findings(value: object, where: str) -> tuple[RuleBreach, ...]:
    if not isinstance(value, list | tuple):
        raise SnapshotError(where, value, "must be a list of rule breaches")
    return tuple(
        policy.read(item, RuleBreach, f"{where}[{index}]") for index, item in enumerate(value)
    )


def _write_work_order(order: WorkOrder) -> dict[str, Any]:
    return work_order_document(order)


_TEXT = str | None
_FIELDS: Mapping[str, object] = {
    "description": _TEXT,
    "category": _TEXT,
    "asset_tag": _TEXT,
    "impact": Impact | None,
    "urgency": Urgency | None,
}
_TYPES: dict[str, Mapping[str, object]] = {
    "create": _FIELDS,
    "open": {},
    "pend": {"waiting_on": _TEXT},
    "resume": {},
    "escalate": {"escalation": Escalation},
    "return_for_rewrite": {"findings": tuple[RuleBreach, ...]},
    "dispatch": {"work_order": WorkOrder},
    "resolve": {"resolution": _TEXT},
    "reopen": {"reason": _TEXT},
    "close": {},
    "note": {"note": Note},
    "update": {**_FIELDS, "diagnosis": _TEXT},
    "link_call": {"link": CallLink},
    "promise": {"promise": Promise},
    "keep_promise": {"promise": Promise},
}
PAYLOAD_TYPES: Mapping[str, Mapping[str, object]] = MappingProxyType(
    {event: MappingProxyType(dict(keys)) for event, keys in _TYPES.items()}
)
"""Each ticket event's payload: its keys, and the type of each value.

Every key is required, but in the payloads of :data:`PARTIAL_EVENTS`. Each
value is the codec's output for its type, but a work order, written as
:func:`work_order_document` (its completion included). The writer, the reader
and the JSON Schema of the snapshot format all go by this mapping.
"""
PARTIAL_EVENTS = frozenset({"update"})
"""The events whose payload holds only some of its keys (the fields changed), one at least."""
_CODECS: Mapping[object, tuple[Writer, Reader]] = {
    Escalation: (_escalation_document, _read_escalation),
    tuple[RuleBreach, ...]: (lambda found: [unstructure(b) for b in found], _read_findings),
    WorkOrder: (_write_work_order, lambda value, at: restore_work_order(value, where=at)),
}
"""The payload values written and read by code of their own: a work order with its
completion, an escalation's tagged timeframe and the findings read naming their paths."""
_PAYLOADS: Mapping[str, Mapping[str, tuple[Writer, Reader]]] = {
    event: {key: _CODECS.get(kind) or _plain(kind) for key, kind in keys.items()}
    for event, keys in PAYLOAD_TYPES.items()
}
"""Each event's payload: its keys, and how each value is written and read."""
_VALUE_TYPES: Mapping[str, type] = {
    key: kind
    for keys in PAYLOAD_TYPES.values()
    for key, kind in keys.items()
    if isinstance(kind, type) and attrs.has(kind)
}
"""The payload values that must be of a class, checked before they are written."""
RECORD_KEYS = ("event", "from_status", "to_status", "at", "by", "payload")


def ticket_record_document(record: TicketRecord) -> dict[str, Any]:
    """One ticket record: its event, statuses, time, author and payload.

    Raises:
        ValidationError: naming the field, for a record no ticket makes (an
            unknown event, a payload with other keys or values).
    """
    if not isinstance(record, TicketRecord):
        raise ValidationError("record", record, "must be a TicketRecord")
    schema = _PAYLOADS.get(record.event)
    if schema is None:
        raise ValidationError("record.event", record.event, "is not a ticket event")
    payload: dict[str, object] = {}
    for key, value in record.payload.items():
        if key not in schema:
            raise ValidationError(f"record.payload.{key}", value, "is not part of this event")
        kind = _VALUE_TYPES.get(key)
        if kind is not None and not isinstance(value, kind):
            raise ValidationError(f"record.payload.{key}", value, f"must be a {kind.__name__}")
        payload[key] = schema[key][0](value)
    return {
        "event": record.event,
        "from_status": record.from_status.value,
        "to_status": record.to_status.value,
        "at": unstructure(record.at),
        "by": record.by,
        "payload": payload,
    }


def read_ticket_record(
    data: object, *, where: str, limits: DocumentLimits = DEFAULT_LIMITS
) -> TicketRecord:
    """The :class:`~callflow.ticket.TicketRecord` ``data`` describes, checked field by field.

    Only the record itself is checked here: whether the ticket's lifecycle
    allows it is :func:`restore_ticket`'s to find out.

    Raises:
        SnapshotError: naming ``where.field`` (``ticket.history[3].payload.note.text``).
    """
    given = policy.fields(_checked(data, where, limits), where, RECORD_KEYS)
    event = given["event"]
    if not isinstance(event, str) or event not in _PAYLOADS:
        raise SnapshotError(f"{where}.event", event, f"must be a ticket event: {sorted(_PAYLOADS)}")
    schema = _PAYLOADS[event]
    at = f"{where}.payload"
    # Update records hold the fields changed; every other event's payload has all its keys.
    required = () if event in PARTIAL_EVENTS else tuple(schema)
    payload = policy.fields(given["payload"], at, required, tuple(schema))
    if event in PARTIAL_EVENTS and not payload:
        raise SnapshotError(at, payload, "must change at least one field")
    return TicketRecord(
        event,
        policy.read(given["from_status"], TicketStatus, f"{where}.from_status"),
        policy.read(given["to_status"], TicketStatus, f"{where}.to_status"),
        policy.read(given["at"], datetime, f"{where}.at"),
        policy.read(given["by"], str | None, f"{where}.by"),
        MappingProxyType(
            {key: schema[key][1](value, f"{at}.{key}") for key, value in payload.items()}
        ),
    )


# -- tickets ----------------------------------------------------------------------


def ticket_header(ticket: Ticket) -> dict[str, Any]:
    """What ``ticket`` was built with that its history does not tell.

    That is its number, caller, priority matrix and SLA policy; the ``create``
    record holds the rest (description, category, asset tag, impact,
    urgency, who logged it and when). The lifecycle is not written.

    Raises:
        ValidationError: naming ``lifecycle`` for a ticket not on the default
            :data:`~callflow.lifecycle.LIFECYCLE`, or ``sla_policy.calendar...``
            for a calendar that cannot be written exactly (a custom calendar,
            holidays asked per date, a zone neither IANA nor a plain offset).
    """
    if not isinstance(ticket, Ticket):
        raise ValidationError("ticket", ticket, "must be a Ticket")
    if ticket.lifecycle is not LIFECYCLE:
        reason = "must be the default LIFECYCLE: a lifecycle is referenced, not written"
        raise ValidationError("lifecycle", ticket.lifecycle, reason)
    matrix = getattr(ticket, "_matrix")  # noqa: B009  the ticket has no public matrix
    return {
        "number": ticket.number,
        "caller": unstructure(ticket.caller),
        "matrix": policy.matrix_document(matrix),
        "sla_policy": policy.sla_policy_document(ticket.sla_policy),
    }


def ticket_document(ticket: Ticket) -> dict[str, Any]:
    """``{"header": ticket_header(ticket), "history": [each record's document]}``."""
    return {
        "header": ticket_header(ticket),
        "history": [ticket_record_document(record) for record in ticket.history],
    }


class _Pinned:
    """The clock of a ticket being replayed: it tells the time of the record being replayed."""

    __slots__ = ("now",)

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def restore_ticket(
    data: object,
    *,
    where: str = "ticket",
    clock: Clock | None = None,
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> Ticket:
    """The ticket ``data`` describes, rebuilt by replaying its history.

    The ticket is built from the header and the ``create`` record at that
    record's time; each later record's event is sent again through the
    ticket's method at the record's time, and must produce that very record.

    Args:
        data: what :func:`ticket_document` gave (or the same, read from JSON).
        where: the name of ``data`` in error paths.
        clock: the restored ticket's clock from then on (default: UTC now).
        limits: how large and deep ``data`` may be.

    Raises:
        SnapshotError: naming the path of the bad value: a key unknown or
            missing, a value of the wrong type, a record the lifecycle refuses
            or that replays differently (``ticket.history[3]``), a time before
            the one of the record before (``ticket.history[3].at``).
        ValidationError: ``clock`` is not callable.
    """
    then = utc_now if clock is None else clock
    check_clock(None, None, then)
    given = policy.fields(_checked(data, where, limits), where, ("header", "history"))
    header = _read_header(given["header"], f"{where}.header")
    items = given["history"]
    at = f"{where}.history"
    if not isinstance(items, list | tuple) or not items:
        raise SnapshotError(at, items, "must be a list of records, the create record first")
    for index, item in enumerate(items):  # the events first: a misplaced one's payload misleads
        event = item.get("event") if isinstance(item, Mapping) else None
        if isinstance(event, str) and (event == "create") != (index == 0):
            reason = "must be 'create' for the first record only"
            raise SnapshotError(f"{at}[{index}].event", event, reason)
    records = [read_ticket_record(item, where=f"{at}[{i}]") for i, item in enumerate(items)]
    if records[0].event != "create":
        raise SnapshotError(f"{at}[0].event", records[0].event, "must be 'create'")
    for index, record in enumerate(records):
        if index and record.at < records[index - 1].at:
            reason = f"must not be before the record before it, at {records[index - 1].at}"
            raise SnapshotError(
                f"{at}[{index}].at", cast(Mapping[str, object], items[index])["at"], reason
            )
    ticket = _replay(header, records, at)
    setattr(ticket, "_clock", then)  # noqa: B010  replayed at recorded times; live from now on
    return ticket


def _read_header(value: object, where: str) -> dict[str, Any]:
    given = policy.fields(value, where, ("number", "caller", "matrix", "sla_policy"))
    number = policy.read(given["number"], str, f"{where}.number")
    if not number.strip():
        raise SnapshotError(f"{where}.number", number, "must be non-empty text")
    return {
        "number": number,
        "caller": policy.read(given["caller"], Caller, f"{where}.caller"),
        "matrix": policy.read_matrix(given["matrix"], f"{where}.matrix"),
        "sla_policy": policy.read_sla_policy(given["sla_policy"], f"{where}.sla_policy"),
    }


def _replay(header: dict[str, Any], records: list[TicketRecord], at: str) -> Ticket:
    create = records[0]
    clock = _Pinned(create.at)
    try:
        fields: Mapping[str, Any] = create.payload
        ticket = Ticket(**header, **fields, clock=clock, created_by=create.by)
    except ValidationError as error:
        path = f"{at}[0].by" if error.field == "created_by" else f"{at}[0].payload.{error.field}"
        raise SnapshotError(path, error.value, error.reason) from None
    _compare(ticket.history[0], create, f"{at}[0]")
    for index, record in enumerate(records[1:], start=1):
        clock.now = record.at
        try:
            _send(ticket, record)
        except CallflowError as error:
            field = getattr(error, "field", None)
            path = f"{at}[{index}]" + (".by" if field == "by" else "")
            reason = f"cannot be replayed: {error}"
            raise SnapshotError(path, ticket_record_document(record), reason) from None
        _compare(ticket.history[-1], record, f"{at}[{index}]")
    return ticket


def _compare(produced: TicketRecord, recorded: TicketRecord, where: str) -> None:
    made, written = ticket_record_document(produced), ticket_record_document(recorded)
    if made != written:
        differ = sorted(key for key in written if made[key] != written[key])
        reason = f"differs in {', '.join(differ)} from what replaying it gives: {made}"
        raise SnapshotError(where, written, reason)


def _send(ticket: Ticket, record: TicketRecord) -> None:
    """Send ``record``'s event to ``ticket`` again, through the ticket's own method."""
    payload: Mapping[str, Any] = record.payload
    by = record.by
    event = record.event
    if event == "note":
        note: Note = payload["note"]
        if by is None:
            raise ValidationError("by", by, "must name the note's author")
        ticket.note(note.text, by=by, kind=note.kind, topic=note.topic)
    elif event == "link_call":
        link: CallLink = payload["link"]
        ticket.link_call(link.call_id, follow_up=link.follow_up, by=by)
    elif event == "promise":
        made: Promise = payload["promise"]
        ticket.promise(made.kind, made.what, made.due, by=by, to=made.to)
    elif event == "keep_promise":
        ticket.keep_promise(cast(Promise, payload["promise"]).id, by=by)
    elif event == "update":
        ticket.update(by=by, **payload)
    else:
        method: Callable[..., None] = getattr(ticket, event)
        method(*payload.values(), by=by)  # one payload value at most: the method's argument


# -- books ------------------------------------------------------------------------


def book_document(book: MemoryTicketBook) -> dict[str, Any]:
    """A book's prefix, how many numbers it gave, and every ticket, in the order kept."""
    if not isinstance(book, MemoryTicketBook):
        raise ValidationError("book", book, "must be a MemoryTicketBook")
    prefix, numbered = book._numbering()
    return {
        "prefix": prefix,
        "numbered": numbered,
        "tickets": [ticket_document(ticket) for ticket in book],
    }


def restore_book(
    data: object,
    *,
    where: str = "ticket_book",
    clock: Clock | None = None,
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> MemoryTicketBook:
    """The book ``data`` describes: its tickets restored, its numbering going on as it would.

    Args:
        clock: every restored ticket's clock from then on (default: UTC now).

    Raises:
        SnapshotError: naming the path of the bad value (``ticket_book.tickets[2].header``).
    """
    given = policy.fields(_checked(data, where, limits), where, ("prefix", "numbered", "tickets"))
    prefix = policy.read(given["prefix"], str, f"{where}.prefix")
    items = given["tickets"]
    if not isinstance(items, list | tuple):
        raise SnapshotError(f"{where}.tickets", items, "must be a list of tickets")
    try:
        book = MemoryTicketBook._resumed(prefix, cast(int, given["numbered"]))
    except ValidationError as error:
        field = "prefix" if error.field == "prefix" else "numbered"
        raise SnapshotError(f"{where}.{field}", error.value, error.reason) from None
    for index, item in enumerate(items):
        at = f"{where}.tickets[{index}]"
        ticket = restore_ticket(item, where=at, clock=clock, limits=limits)
        try:
            book.add(ticket)
        except ValidationError as error:
            raise SnapshotError(f"{at}.header.number", ticket.number, error.reason) from None
    return book


def _checked(data: object, where: str, limits: DocumentLimits = DEFAULT_LIMITS) -> object:
    try:
        return check_document(data, limits=limits, field=where)
    except ValidationError as error:
        raise SnapshotError(error.field, error.value, error.reason) from None
