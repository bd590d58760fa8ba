"""Snapshots: calls, desks, tickets, work orders, promise ledgers and ticket books as JSON.

A bot that answers each turn in a new request keeps its call between turns
as a snapshot: :func:`dumps` writes it, :func:`loads` rebuilds it, and the
rebuilt call goes on exactly as if it had never stopped.

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Call, Caller, ManualClock
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> call = Call(Agent(name="Bill", organisation="ACME Corp"), clock=clock, call_id="C-1")
>>> call.answer()
>>> call.identify(Caller("Ana Souza", user_id="E1234"), verified=True)
>>> text = dumps(call)
>>> again = loads(text, clock=clock)
>>> again.stage, again.caller, again.history == call.history
(<Stage.GREETING: 'greeting'>, Caller(name='Ana Souza', user_id='E1234'), True)
>>> again.listen("The printer jams")
>>> again.stage
<Stage.VENTING: 'venting'>

The history is the truth: a snapshot holds the call's event records, and
:func:`loads` replays them through the procedure, so nothing derived (the
stage, the findings, the measures) is ever taken from the document, and a
document that does not describe a call the procedure could have produced is
refused with a :class:`~callflow.errors.SnapshotError` naming the path of the
bad value:

>>> import json
>>> document = json.loads(text)
>>> document["history"][2]["payload"]["verified"] = "yes"
>>> loads(json.dumps(document))
Traceback (most recent call last):
...
callflow.errors.SnapshotError: 'history[2].payload.verified' must be True or False (got 'yes')

Every snapshot carries the format's name and version and the identity (a
hash) of the table it was taken under (the procedure for calls and desks,
the ticket lifecycle for tickets and books; ``null`` for work orders and
ledgers): one taken under another table is refused rather than replayed
into something else.

The same snapshot is what ``pickle`` writes: a pickled call is its snapshot,
with the clock, ticket book and promise ledger it goes on with.
"""

import hashlib
import json
import marshal
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import attrs

from callflow import _ticket_documents as tickets
from callflow.book import MemoryTicketBook, TicketBook
from callflow.call import Call, Mode
from callflow.clock import Clock, utc_now
from callflow.codec import (
    REFUSED,
    _read_datetime,
    _structure_checked,
    _write_datetime,
    converter,
    plain_reader,
    plain_writer,
    unstructure,
)
from callflow.desk import Desk
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, check_document, read_json
from callflow.errors import CallflowError, SnapshotError, ValidationError
from callflow.events import EVENT_PAYLOADS, RING, RING_FIELDS, EventPayload, payload_class
from callflow.lifecycle import LIFECYCLE
from callflow.people import Agent
from callflow.promises import PromiseLedger
from callflow.records import NOTHING, EventRecord, RuleBreach
from callflow.stages import PROCEDURE, Stage
from callflow.table import TransitionTable
from callflow.thresholds import Thresholds
from callflow.ticket import Ticket
from callflow.workorders import WorkOrder

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "call_header",
    "dumps",
    "from_document",
    "loads",
    "read_record",
    "record_document",
    "restore_call",
    "table_identity",
    "to_document",
]

FORMAT: Final = "callflow"
"""The ``format`` every snapshot names."""
FORMAT_VERSION: Final = 1
"""The version of the snapshot format this callflow writes and reads."""

OBSERVED_TYPES: Final[Mapping[str, Mapping[str, Any]]] = {
    "answer": {"line": tuple[RuleBreach, ...]},
    "resume": {"line": tuple[RuleBreach, ...]},
    "identify": {"ticket": str, "earlier": tuple[str, ...]},
    "listen": {"ticket": str, "earlier": tuple[str, ...]},
    "assign": {"ticket_findings": tuple[RuleBreach, ...]},
    "hang_up": {"case": bool},
    "take_message": {"promise": str},
}
"""The type of each value an event may have looked up outside the call, by key.

The replay checks the values themselves (see ``callflow._replay.OBSERVABLE``).
"""

_RECORD_KEYS: Final = frozenset({"event", "from_stage", "to_stage", "at", "payload", "observed"})
_RECORD_REQUIRED: Final = frozenset({"event", "from_stage", "to_stage", "at", "payload"})
_ENVELOPE: Final = ("format", "version", "kind", "table")
_MAX_INDENT: Final = 8
_LONGEST_PATH: Final = 200
_REQUIRED: Final = "is required: the document has no such key"


def table_identity(table: TransitionTable[Any, Any]) -> str:
    """A hash of ``table``'s definition: its states, rows, guards' rules and requirements.

    Two tables with the same identity accept the same events in the same
    states for the same reasons; a snapshot taken under one replays the same
    under the other. (A guard's code is not part of it: its rule and
    requirement are what it promises.)
    """
    if not isinstance(table, TransitionTable):
        raise ValidationError("table", table, "must be a TransitionTable")
    definition = {
        "states": [
            [state.name, repr(state.value), kind.value] for state, kind in table.states.items()
        ],
        "transitions": [
            [
                row.event,
                row.source.name,
                row.dest.name,
                [[guard.rule, guard.requirement] for guard in row.guards],
            ]
            for row in table.transitions
        ],
        "state_attribute": table.state_attribute,
    }
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _states(table: TransitionTable[Any, Any]) -> list[tuple[Any, Any]]:
    return list(table.states.items())


_PROCEDURE_IDENTITY: Final = table_identity(PROCEDURE)
_LIFECYCLE_IDENTITY: Final = table_identity(LIFECYCLE)


# -- records -------------------------------------------------------------------


def _payload_document(payload: object) -> dict[str, Any]:
    write = _PAYLOAD_WRITERS.get(type(payload))
    if write is None:
        if not isinstance(payload, EventPayload):  # a call's own records always hold typed ones
            raise ValidationError("payload", payload, "must be an event's typed payload")
        write = _PAYLOAD_WRITERS[type(payload)] = plain_writer(type(payload), unstructure_as)
    return write(payload)


"""Each payload class's compiled writer (see :func:`callflow.codec.plain_writer`)."""


def unstructure_as(value: object, kind: Any) -> Any:
    """``value`` as JSON-ready data, written as type ``kind`` (a union, a Literal...)."""
    try:
        return converter.unstructure(value, unstructure_as=kind)
    except RecursionError:
        raise ValidationError("value", value, "is nested too deeply to be written") from None


_PAYLOAD_WRITERS: dict[type, Callable[[Any], dict[str, Any]]] = {
    cls: plain_writer(cls, unstructure_as) for cls in EVENT_PAYLOADS.values()
}
"""Each payload class's compiled writer (see :func:`callflow.codec.plain_writer`)."""


def record_document(record: EventRecord) -> dict[str, Any]:
    """One record of a call's history as JSON-ready data.

    ``observed`` is left out when the event looked nothing up.

    Raises:
        ValidationError: for a record whose payload is not typed (one built by
            hand that no call made).
    """
    if not isinstance(record, EventRecord):
        raise ValidationError("record", record, "must be an EventRecord")
    document: dict[str, Any] = {
        "event": record.event,
        "from_stage": record.from_stage.value,
        "to_stage": record.to_stage.value,
        "at": _write_datetime(record.at) if type(record.at) is datetime else unstructure(record.at),
        "payload": _payload_document(record.payload),
    }
    if record.observed:
        types = OBSERVED_TYPES.get(record.event, {})
        document["observed"] = {
            key: unstructure_as(value, types.get(key, Any))
            for key, value in record.observed.items()
        }
    return document


def _mapping(data: object, where: str, what: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise SnapshotError(where, data, f"must be {what}, as a JSON object")
    return data


def _exact_keys(
    data: Mapping[str, object], where: str, allowed: frozenset[str], required: frozenset[str]
) -> None:
    for key in data:
        if key not in allowed:
            raise SnapshotError(_path(where, key), key, "is not a field of this document")
    for key in sorted(required):
        if key not in data:
            raise SnapshotError(
                _path(where, key), None, "is required: the document has no such key"
            )


def _check_where(where: object) -> None:
    if type(where) is not str or len(where) > _LONGEST_PATH:
        raise ValidationError("where", where, f"must be a path, as text of at most {_LONGEST_PATH}")


def _check_context(clock: object, book: object, promises: object, limits: object) -> None:
    """The arguments a restore goes on with, checked before any document is read."""
    if clock is not None and not callable(clock):
        raise ValidationError("clock", clock, "must be a callable returning an aware datetime")
    if book is not None and not isinstance(book, TicketBook):
        raise ValidationError("book", book, "must be a TicketBook (see callflow.MemoryTicketBook)")
    if promises is not None and not isinstance(promises, PromiseLedger):
        raise ValidationError("promises", promises, "must be a PromiseLedger")
    if not isinstance(limits, DocumentLimits):
        raise ValidationError("limits", limits, "must be a DocumentLimits")


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _structured(data: object, kind: Any, where: str) -> Any:
    try:
        return _structure_checked(data, kind, field=where)
    except ValidationError as error:
        field = error.field if error.field == where else _path(where, error.field)
        raise SnapshotError(field, error.value, error.reason) from None


_STAGES: Final[Mapping[str, Stage]] = {stage.value: stage for stage in Stage}
_PLAIN_READERS: dict[str, Any] = {
    event: plain_reader(cls) for event, cls in EVENT_PAYLOADS.items() if event != RING
}
"""Each event's compiled payload reader (the ring's is :func:`_plain_ring`)."""


def _stage(data: object, where: str) -> Stage:
    found = _STAGES.get(data) if type(data) is str else None
    if found is None:
        raise SnapshotError(where, data, "must be a stage of the procedure")
    return found


def read_record(
    data: object, *, where: str = "record", limits: DocumentLimits = DEFAULT_LIMITS
) -> EventRecord:
    """The :class:`~callflow.records.EventRecord` that :func:`record_document` wrote.

    Only the record itself is checked here (its fields, their types, the
    payload against its event's class); whether it fits the history it is
    part of is the replay's to judge.

    Raises:
        SnapshotError: naming the path of the bad value below ``where``.
    """
    _check_where(where)
    _check_context(None, None, None, limits)
    _checked(data, where, limits)
    return _read_record(data, where)


def _read_record(data: object, where: str) -> EventRecord:
    """:func:`read_record` of a record whose document was checked (size, depth, JSON kinds).

    A record as callflow writes it (every key, nothing looked up, plain
    values) is read by its event's compiled reader; anything else, refused
    or unusual, is read again by :func:`_read_record_carefully`, which names
    what is wrong.
    """
    record = _read_plain_record(data)
    return record if record is not None else _read_record_carefully(data, where)


def _read_plain_record(data: object) -> EventRecord | None:
    """``data`` read as a record callflow writes, or ``None`` for anything else.

    It accepts nothing :func:`_read_record_carefully` refuses and gives the
    same record: the same checks, made at once on the common shape.
    """
    if type(data) is not dict or len(data) != len(_RECORD_REQUIRED):
        return None  # not a mapping, or one with ``observed``, a missing or an unknown key
    try:
        event, source, dest = data["event"], data["from_stage"], data["to_stage"]
        at, payload = data["at"], data["payload"]
    except KeyError:
        return None
    if type(event) is not str or type(source) is not str or type(dest) is not str:
        return None
    read = _PLAIN_READERS.get(event)
    from_stage, to_stage = _STAGES.get(source), _STAGES.get(dest)
    if read is None or from_stage is None or to_stage is None:
        return None
    moment = _plain_datetime(at)
    if moment is None:
        return None
    typed = read(payload)
    if typed is REFUSED:
        return None
    return EventRecord._checked(event, from_stage, to_stage, moment, typed, NOTHING)


def _plain_datetime(value: object) -> datetime | None:
    """``value`` read as the codec reads a record's time, or ``None`` where it would refuse it."""
    if type(value) is str and not value.endswith("]"):  # no [zone]: the codec's first step
        try:
            moment = _fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.utcoffset() is not None else None
    try:
        return _read_datetime(value, datetime)
    except ValidationError:
        return None


_fromisoformat = datetime.fromisoformat


def _read_record_carefully(data: object, where: str) -> EventRecord:
    """:func:`_read_record`'s every check, one by one, naming the first value refused."""
    record = _mapping(data, where, "an event record")
    _exact_keys(record, where, _RECORD_KEYS, _RECORD_REQUIRED)
    event = record["event"]
    if type(event) is not str or event not in EVENT_PAYLOADS:
        raise SnapshotError(f"{where}.event", event, "is not an event of the procedure")
    from_stage = _stage(record["from_stage"], f"{where}.from_stage")
    to_stage = _stage(record["to_stage"], f"{where}.to_stage")
    at = _structured(record["at"], datetime, f"{where}.at")
    if event == "ring":
        payload = _ring_payload(record["payload"], f"{where}.payload")
    else:
        payload = _structured(record["payload"], payload_class(event), f"{where}.payload")
    observed: Mapping[str, object] = NOTHING
    if "observed" in record:
        given = _mapping(record["observed"], f"{where}.observed", "what the event looked up")
        types = OBSERVED_TYPES.get(event, {})
        found: dict[str, object] = {}
        for key, value in given.items():
            kind = types.get(key)
            if kind is None:
                reason = f"is not something {event!r} looks up"
                raise SnapshotError(f"{where}.observed.{key}", value, reason)
            found[key] = _structured(value, kind, f"{where}.observed.{key}")
        observed = MappingProxyType(found) if found else NOTHING
    # Every field was read as its type above: the record is made without checking again.
    return EventRecord._checked(event, from_stage, to_stage, at, payload, observed)


_RING: Final = payload_class("ring")
_RING_NAMES: Final = frozenset(RING_FIELDS)
_THRESHOLDS_SEEN: dict[bytes, Thresholds] = {}
_THRESHOLDS_KEPT: Final = 64
"""How many distinct thresholds documents are remembered (most calls share a few)."""


def _ring_payload(data: object, where: str) -> EventPayload:
    """The ring's payload; the thresholds of calls restored before are not built again.

    Building a Thresholds normalises its quality policy's phrases: the one
    costly part of a restore, and the same for nearly every call.
    """
    fields = _mapping(data, where, "the call's settings")
    given = fields.get("thresholds")
    key = _thresholds_key(given) if isinstance(given, dict) else None
    known = _THRESHOLDS_SEEN.get(key) if key is not None else None
    if known is None:
        payload: EventPayload = _structured(data, _RING, where)
        if key is not None and len(_THRESHOLDS_SEEN) < _THRESHOLDS_KEPT:
            _THRESHOLDS_SEEN[key] = payload["thresholds"]  # type: ignore[assignment]
        return payload
    _exact_keys(fields, where, _RING_NAMES, _RING_NAMES)
    arguments: dict[str, Any] = {"thresholds": known}
    for field in attrs.fields(_RING):  # type: ignore[arg-type]  # made by attrs.make_class
        if field.name != "thresholds":
            value = fields[field.name]
            arguments[field.name] = _structured(value, field.type, f"{where}.{field.name}")
    return _RING(**arguments)


def _thresholds_key(given: dict[str, object]) -> bytes | None:
    """The thresholds document as :mod:`marshal` writes it, the key of :data:`_THRESHOLDS_SEEN`.

    marshal writes dicts, lists, text, numbers, booleans and ``None`` each
    with its own type code, and nothing else (not even a subclass of one):
    the same bytes read back as the same document, value for value and kind
    for kind (``1`` is not ``true`` nor ``1.0``). The same document may be
    written otherwise (keys in another order, text shared) and only misses.
    ``None`` for data marshal does not write.
    """
    try:
        return marshal.dumps(given, 4)
    except ValueError:
        return None


_AGENT_READER: Final = plain_reader(Agent)
_MODES: Final[Mapping[str, Mode]] = {mode.value: mode for mode in Mode}
_CHANNELS: Final = frozenset({"phone", "chat"})


def _plain_ring(data: object) -> EventPayload:
    """The ring's payload read at once when its thresholds were read before, or ``REFUSED``.

    For anything else (new thresholds, a value refused) :func:`_ring_payload`
    reads it.
    """
    if type(data) is not dict or len(data) != len(RING_FIELDS):
        return REFUSED  # type: ignore[no-any-return]
    try:
        agent, mode, thresholds = data["agent"], data["mode"], data["thresholds"]
        call_id, channel = data["call_id"], data["channel"]
    except KeyError:
        return REFUSED  # type: ignore[no-any-return]
    if type(thresholds) is not dict or not (call_id is None or type(call_id) is str):
        return REFUSED  # type: ignore[no-any-return]
    if type(channel) is not str or channel not in _CHANNELS:  # a list is unhashable
        return REFUSED  # type: ignore[no-any-return]
    key = _thresholds_key(thresholds)
    known = _THRESHOLDS_SEEN.get(key) if key is not None else None
    member = _MODES.get(mode) if type(mode) is str else None
    agent = _AGENT_READER(agent)
    if known is None or member is None or agent is REFUSED:
        return REFUSED  # type: ignore[no-any-return]
    return _RING(  # type: ignore[call-arg]
        agent=agent, mode=member, thresholds=known, call_id=call_id, channel=channel
    )


_PLAIN_READERS[RING] = _plain_ring


# -- calls ---------------------------------------------------------------------


def _call_id(call: Call) -> str | None:
    return call.call_id


def call_header(call: Call) -> dict[str, Any]:
    """The envelope of ``call``'s snapshot: format, version, kind, table and call id.

    With one :func:`record_document` per record of its history, it is the
    whole snapshot (a store keeps the two apart: the header once, the
    records one row each).
    """
    if not isinstance(call, Call):
        raise ValidationError("call", call, "must be a Call")
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kind": "call",
        "table": _PROCEDURE_IDENTITY,
        "call_id": _call_id(call),
    }


def _check_envelope(data: Mapping[str, object], where: str, kind: str, table: str | None) -> None:
    if data.get("format") != FORMAT or type(data.get("format")) is not str:
        raise SnapshotError(_path(where, "format"), data.get("format"), f"must be {FORMAT!r}")
    version = data.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        reason = f"is not a snapshot version this callflow reads (it reads {FORMAT_VERSION})"
        raise SnapshotError(_path(where, "version"), version, reason)
    if data.get("kind") != kind or type(data.get("kind")) is not str:
        raise SnapshotError(_path(where, "kind"), data.get("kind"), f"must be {kind!r}")
    if "table" not in data or data["table"] != table:
        reason = (
            f"must be {table!r}: the snapshot was taken under another table than this callflow's"
        )
        raise SnapshotError(_path(where, "table"), data.get("table"), reason)


_CALL_HEADER_KEYS: Final = frozenset({*_ENVELOPE, "call_id"})


def restore_call(
    header: object,
    records: Sequence[object],
    *,
    clock: Clock | None = None,
    book: TicketBook | None = None,
    promises: PromiseLedger | None = None,
    limits: DocumentLimits = DEFAULT_LIMITS,
    where: str = "",
    checked: bool = False,
) -> Call:
    """Rebuild a call from its header and its records' documents, through replay.

    Args:
        header: what :func:`call_header` wrote.
        records: one :func:`record_document` per record, oldest first.
        clock: the clock the call goes on with (default: UTC now).
        book: the ticket book the call goes on with (its ticket is taken up again).
        promises: the promise ledger the call goes on with.
        limits: how large the documents may be, together.
        where: the path of the call in a larger document (errors name their
            fields below it).
        checked: whether ``records`` were checked already, as part of a larger
            document, with :func:`~callflow.documents.check_document`.

    Raises:
        SnapshotError: naming the path of the bad value, for anything refused;
            nothing is created.
    """
    _check_where(where)
    _check_context(clock, book, promises, limits)
    fields = _mapping(header, where, "a call's snapshot")
    _exact_keys(fields, where, _CALL_HEADER_KEYS, _CALL_HEADER_KEYS)
    _check_envelope(fields, where, "call", _PROCEDURE_IDENTITY)
    history_path = _path(where, "history")
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Sequence):
        raise SnapshotError(history_path, records, "must be a list of event records")
    if not checked:
        _checked(records, history_path, limits)
    history = [
        _read_plain_record(item) or _read_record_carefully(item, f"{history_path}[{index}]")
        for index, item in enumerate(records)
    ]
    try:
        call = Call.replay(history, clock=clock, book=book, promises=promises)
    except SnapshotError:
        raise
    except ValidationError as error:
        field = error.field if error.field.startswith("history") else None
        path = _path(where, field) if field else error.field
        raise SnapshotError(path, error.value, error.reason) from None
    except CallflowError as error:  # the book refused the ticket the history names
        raise SnapshotError(history_path, None, f"cannot be restored: {error}") from None
    if call.call_id != fields["call_id"]:
        reason = f"must be the call id its ring record gives, {call.call_id!r}"
        raise SnapshotError(_path(where, "call_id"), fields["call_id"], reason)
    return call


def _checked(data: object, where: str, limits: DocumentLimits) -> None:
    try:
        check_document(data, limits=limits, field=where or "snapshot")
    except ValidationError as error:
        raise SnapshotError(error.field, error.value, error.reason) from None


def _call_document(call: Call) -> dict[str, Any]:
    return {**call_header(call), "history": [record_document(r) for r in call.history]}


def _restore_call_document(
    data: Mapping[str, object],
    *,
    where: str,
    clock: Clock | None,
    book: TicketBook | None,
    promises: PromiseLedger | None,
    limits: DocumentLimits,
) -> Call:
    header = {key: value for key, value in data.items() if key != "history"}
    if "history" not in data:
        raise SnapshotError(
            _path(where, "history"), None, "is required: the document has no such key"
        )
    records = data["history"]
    if not isinstance(records, list):
        raise SnapshotError(_path(where, "history"), records, "must be a list of event records")
    return restore_call(
        header,
        records,
        clock=clock,
        book=book,
        promises=promises,
        limits=limits,
        where=where,
        checked=True,
    )


# -- desks ---------------------------------------------------------------------

_DESK_CALL_KEYS: Final = frozenset({"call_id", "history"})
_DESK_KEYS: Final = frozenset({*_ENVELOPE, "agent", "lines", "mode", "thresholds", "calls", "held"})


def _desk_document(desk: Desk) -> dict[str, Any]:
    calls = desk.calls
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kind": "desk",
        "table": _PROCEDURE_IDENTITY,
        "agent": unstructure(desk.agent),
        "lines": desk.lines,
        "mode": desk._mode.value,
        "thresholds": unstructure(desk._thresholds),
        "calls": [
            {"call_id": call.call_id, "history": [record_document(r) for r in call.history]}
            for call in calls
        ],
        "held": [calls.index(call) for call in desk.held],
    }


def _restore_desk(
    data: Mapping[str, object],
    *,
    clock: Clock | None,
    book: TicketBook | None,
    promises: PromiseLedger | None,
    limits: DocumentLimits,
) -> Desk:
    _exact_keys(data, "", _DESK_KEYS, _DESK_KEYS)
    _check_envelope(data, "", "desk", _PROCEDURE_IDENTITY)
    agent = _structured(data["agent"], Agent, "agent")
    thresholds = _structured(data["thresholds"], Thresholds, "thresholds")
    mode = _structured(data["mode"], Mode, "mode")
    lines = data["lines"]
    if type(lines) is not int or lines < 1:
        raise SnapshotError("lines", lines, "must be a whole number, 1 or more")
    entries = data["calls"]
    if not isinstance(entries, list) or len(entries) > lines:
        raise SnapshotError("calls", entries, f"must be a list of at most {lines} calls")
    calls: list[Call] = []
    for index, entry in enumerate(entries):
        where = f"calls[{index}]"
        fields = _mapping(entry, where, "a call on the desk")
        _exact_keys(
            fields, where, frozenset({"call_id", "history"}), frozenset({"call_id", "history"})
        )
        envelope = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "kind": "call",
            "table": _PROCEDURE_IDENTITY,
            **fields,
        }
        call = _restore_call_document(
            envelope, where=where, clock=clock, book=book, promises=promises, limits=limits
        )
        if (call.agent, call.mode, call.thresholds, call.channel) != (
            agent,
            mode,
            thresholds,
            "phone",
        ):
            reason = "must have the desk's agent, mode and thresholds, on the phone"
            raise SnapshotError(f"{where}.history[0]", None, reason)
        if call.stage.is_final:
            raise SnapshotError(where, None, "is over: a desk keeps no ended call")
        calls.append(call)
    held = _held(data["held"], calls)
    desk = Desk(
        agent,
        lines=lines,
        mode=mode,
        clock=clock if clock is not None else utc_now,
        thresholds=thresholds,
        book=book,
        promises=promises,
    )
    for call in calls:
        call._line = desk
    desk._calls, desk._held = calls, held
    return desk


def _held(data: object, calls: list[Call]) -> list[Call]:
    on_hold = [index for index, call in enumerate(calls) if call.on_hold]
    if (
        not isinstance(data, list)
        or any(type(item) is not int for item in data)
        or sorted(data) != on_hold
    ):
        reason = f"must list each call on hold once, by its index, in the order held: {on_hold}"
        raise SnapshotError("held", data, reason)
    return [calls[index] for index in data]


# -- tickets and what they hold ----------------------------------------------------

Snapshotted = Call | Desk | Ticket | WorkOrder | PromiseLedger | MemoryTicketBook
"""What callflow snapshots."""

# kind: (its class, the table it is replayed through, the name its errors give it)
_TICKET_KINDS: Final[Mapping[str, tuple[type, str | None, str]]] = {
    "ticket": (Ticket, _LIFECYCLE_IDENTITY, "ticket"),
    "work_order": (WorkOrder, None, "work_order"),
    "promise_ledger": (PromiseLedger, None, "promise_ledger"),
    "ticket_book": (MemoryTicketBook, _LIFECYCLE_IDENTITY, "ticket_book"),
}


def _envelope(kind: str, table: str | None) -> dict[str, Any]:
    return {"format": FORMAT, "version": FORMAT_VERSION, "kind": kind, "table": table}


def _ticket_side_document(value: object) -> dict[str, Any] | None:
    if isinstance(value, Ticket):
        return {**_envelope("ticket", _LIFECYCLE_IDENTITY), **tickets.ticket_document(value)}
    if isinstance(value, WorkOrder):
        return {**_envelope("work_order", None), **tickets.work_order_document(value)}
    if isinstance(value, PromiseLedger):
        return {**_envelope("promise_ledger", None), **tickets.ledger_document(value)}
    if isinstance(value, MemoryTicketBook):
        return {**_envelope("ticket_book", _LIFECYCLE_IDENTITY), **tickets.book_document(value)}
    return None


def _restore_ticket_side(
    kind: str, data: Mapping[str, object], clock: Clock | None, limits: DocumentLimits
) -> object:
    _, table, where = _TICKET_KINDS[kind]
    _check_envelope(data, "", kind, table)
    body = {key: value for key, value in data.items() if key not in _ENVELOPE}
    if kind == "ticket":
        return tickets.restore_ticket(body, where=where, clock=clock, limits=limits)
    if kind == "work_order":
        return tickets.restore_work_order(body, where=where)
    if kind == "promise_ledger":
        return tickets.restore_ledger(body, where=where)
    return tickets.restore_book(body, where=where, clock=clock, limits=limits)


# -- any kind --------------------------------------------------------------------


def to_document(value: Snapshotted) -> dict[str, Any]:
    """``value`` as a snapshot: JSON-ready data with its format, version, kind and table.

    Raises:
        ValidationError: for a value callflow does not snapshot, or one with a
            part that cannot be written exactly (a ticket whose SLA calendar asks
            a holidays library per date...), naming it.
    """
    if isinstance(value, Call):
        return _call_document(value)
    if isinstance(value, Desk):
        return _desk_document(value)
    document = _ticket_side_document(value)
    if document is None:
        reason = "must be a Call, Desk, Ticket, WorkOrder, PromiseLedger or MemoryTicketBook"
        raise ValidationError("value", value, reason)
    return document


_KINDS: Final = ("call", "desk", *_TICKET_KINDS)


def from_document(
    data: object,
    *,
    clock: Clock | None = None,
    book: TicketBook | None = None,
    promises: PromiseLedger | None = None,
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> Any:
    """Rebuild what :func:`to_document` wrote, through replay; its ``kind`` says what.

    Args:
        data: the snapshot, as parsed JSON.
        clock: the clock the rebuilt call, desk, ticket or book goes on with
            (default UTC now).
        book: the ticket book a call or desk goes on with.
        promises: the promise ledger a call or desk goes on with.
        limits: how large and deep the document may be.

    Raises:
        SnapshotError: naming the path of the bad value; nothing is created.
    """
    _check_context(clock, book, promises, limits)
    _checked(data, "", limits)
    return _from_checked(data, clock=clock, book=book, promises=promises, limits=limits)


def _from_checked(
    data: object,
    *,
    clock: Clock | None,
    book: TicketBook | None,
    promises: PromiseLedger | None,
    limits: DocumentLimits,
) -> Any:
    """:func:`from_document` of a document checked whole already."""
    fields = _mapping(data, "", "a snapshot")
    kind = fields.get("kind")
    if kind == "call":
        return _restore_call_document(
            fields, where="", clock=clock, book=book, promises=promises, limits=limits
        )
    if kind == "desk":
        return _restore_desk(fields, clock=clock, book=book, promises=promises, limits=limits)
    if type(kind) is str and kind in _TICKET_KINDS:
        return _restore_ticket_side(kind, fields, clock, limits)
    raise SnapshotError("kind", kind, f"must be a kind of snapshot: {', '.join(_KINDS)}")


def dumps(value: Snapshotted, *, indent: int | None = None) -> str:
    """``value``'s snapshot as JSON text (see :func:`to_document`).

    Args:
        value: what to snapshot.
        indent: spaces per level for a readable document (0 to 8), or ``None``
            for the compact form.
    """
    if indent is not None and (type(indent) is not int or not 0 <= indent <= _MAX_INDENT):
        raise ValidationError(
            "indent", indent, f"must be None or a whole number 0 to {_MAX_INDENT}"
        )
    return json.dumps(to_document(value), ensure_ascii=False, indent=indent)


def loads(
    text: str | bytes,
    *,
    clock: Clock | None = None,
    book: TicketBook | None = None,
    promises: PromiseLedger | None = None,
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> Any:
    """Rebuild what :func:`dumps` wrote (see :func:`from_document`).

    Raises:
        SnapshotError: for text that is not JSON within ``limits``, or a
            snapshot refused; nothing is created.
    """
    _check_context(clock, book, promises, limits)
    try:
        data = read_json(text, limits=limits, field="snapshot")
    except ValidationError as error:
        raise SnapshotError(error.field, error.value, error.reason) from None
    return _from_checked(data, clock=clock, book=book, promises=promises, limits=limits)


def _unpickle(
    text: str,
    clock: Clock | None = None,
    book: TicketBook | None = None,
    promises: PromiseLedger | None = None,
) -> Any:
    """What ``pickle`` calls to rebuild what callflow pickles: the snapshot, loaded."""
    return loads(text, clock=clock, book=book, promises=promises)


def _reduce(value: Snapshotted, *context: object) -> tuple[object, ...]:
    """``__reduce__`` of the classes callflow pickles: their snapshot and what they run with."""
    return (_unpickle, (dumps(value), *context))
