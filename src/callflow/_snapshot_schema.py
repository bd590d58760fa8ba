"""The JSON Schema of the snapshot format, generated from the classes it is written from.

:func:`snapshot_schema` composes it from the typed event payloads
(:data:`callflow.events.EVENT_PAYLOADS`), the observed values' types and the
value classes they hold, with :class:`callflow._schema.SchemaBuilder`. The
ticket side (tickets, work orders, promise ledgers, ticket books) is composed
the same way from the mappings its writer and reader go by
(:data:`~callflow._ticket_documents.PAYLOAD_TYPES`,
:data:`~callflow._ticket_documents.WORK_ORDER_FIELDS`...): only the shapes
made by hand there (the priority matrix, the SLA policy and its calendar, the
ticket's header and records, the book) are written out here.

The copy shipped in the package (``callflow/schemas/snapshot-v1.schema.json``)
is that output, and a test keeps the two equal and pins the schema of each
format version, so the schema cannot change without the version changing.

``python -m callflow._snapshot_schema`` prints it.
"""

import json
import typing
from datetime import date, datetime, tzinfo
from typing import Any

from callflow import _policy_documents as policies
from callflow import _ticket_documents as tickets
from callflow._schema import SchemaBuilder, to_json
from callflow.call import Mode
from callflow.events import EVENT_PAYLOADS
from callflow.people import Agent, Caller
from callflow.priority import Impact, Priority, Urgency
from callflow.promises import Promise
from callflow.sla import ServiceTarget
from callflow.snapshot import (
    _TICKET_KINDS,
    FORMAT,
    FORMAT_VERSION,
    OBSERVED_TYPES,
    table_identity,
)
from callflow.stages import PROCEDURE, Stage
from callflow.thresholds import Thresholds
from callflow.ticket import TicketRecord
from callflow.workorders import WorkOrder

__all__ = ["SCHEMA_FILE", "snapshot_schema"]

SCHEMA_FILE = f"snapshot-v{FORMAT_VERSION}.schema.json"
"""The name of the shipped schema of this format version, in ``callflow/schemas/``."""

Schema = dict[str, Any]
_ENVELOPE_KEYS = ["format", "version", "kind", "table"]


def _object(properties: Schema, required: list[str]) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(required),
        "additionalProperties": False,
    }


def _envelope(kind: str, table: str | None = None) -> Schema:
    return {
        "format": {"const": FORMAT},
        "version": {"const": FORMAT_VERSION},
        "kind": {"const": kind},
        "table": {"const": table_identity(PROCEDURE) if kind in ("call", "desk") else table},
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _branch(tag: str, value: object, then: Schema) -> Schema:
    """An ``if``/``then`` applying ``then`` where property ``tag`` is ``value``."""
    return {"if": {"properties": {tag: {"const": value}}, "required": [tag]}, "then": then}


# -- the ticket side -------------------------------------------------------------

_NO_NEWLINE = r"^(?!.*\n)"
_TIME_PATTERN = f"{_NO_NEWLINE}(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
"""What ``time.isoformat()`` writes for a calendar's naive local time (in whole seconds)."""
_OFFSET_PATTERN = f"{_NO_NEWLINE}[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]$"
"""A calendar's fixed offset from UTC, such as ``+05:30``."""


def _matrix(builder: SchemaBuilder) -> Schema:
    """Impact -> urgency -> priority number, every cell given."""
    urgencies = [urgency.value for urgency in Urgency]
    row = _object({urgency: builder.schema(Priority) for urgency in urgencies}, urgencies)
    impacts = [impact.value for impact in Impact]
    return _object(dict.fromkeys(impacts, row), impacts)


def _calendar(builder: SchemaBuilder) -> Schema:
    """A calendar tagged by its ``type``: always open, or business hours and holidays."""
    zone = {"anyOf": [builder.schema(tzinfo), {"type": "string", "pattern": _OFFSET_PATTERN}]}
    time = {"type": "string", "pattern": _TIME_PATTERN}
    interval = {"type": "array", "prefixItems": [time, time], "items": False, "minItems": 2}
    day = {"type": "array", "items": interval}
    values: Schema = {
        "type": {"enum": sorted(policies.CALENDAR_KEYS)},
        "zone": zone,
        "hours": {"type": "array", "items": day, "minItems": 7, "maxItems": 7},
        "holidays": {"type": "array", "items": builder.schema(date), "uniqueItems": True},
    }
    every = {key for keys in policies.CALENDAR_KEYS.values() for key in keys}
    calendar = _object({key: values[key] for key in sorted(every)}, ["type"])
    calendar["allOf"] = [
        _branch("type", kind, {"required": sorted(keys), "propertyNames": {"enum": sorted(keys)}})
        for kind, keys in sorted(policies.CALENDAR_KEYS.items())
    ]
    return calendar


def _sla_policy(builder: SchemaBuilder) -> Schema:
    names = [priority.name for priority in Priority]
    values: Schema = {
        "targets": _object(dict.fromkeys(names, builder.schema(ServiceTarget)), names),
        "calendar": _ref("SlaCalendar"),
        "warning_ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    }
    keys = policies.SLA_POLICY_KEYS
    return _object({key: values[key] for key in keys}, list(keys))


def _payload_value(builder: SchemaBuilder, kind: object) -> Schema:
    # A work order is written as its document (its completion too), not as the codec would.
    return _ref("WorkOrderDocument") if kind is WorkOrder else builder.schema(kind)


def _ticket_record(builder: SchemaBuilder) -> Schema:
    """A ticket record: its payload's keys and types are chosen by its ``event``."""
    hints = typing.get_type_hints(TicketRecord)
    values: Schema = {key: builder.schema(hints[key]) for key in tickets.RECORD_KEYS}
    values["event"] = {"enum": sorted(tickets.PAYLOAD_TYPES)}
    values["payload"] = {"type": "object"}
    record = _object(values, list(tickets.RECORD_KEYS))
    branches = []
    for event, types in sorted(tickets.PAYLOAD_TYPES.items()):
        keys = {key: _payload_value(builder, kind) for key, kind in types.items()}
        partial = event in tickets.PARTIAL_EVENTS
        payload = _object(keys, [] if partial else list(types))
        if partial:
            del payload["required"]
            payload["minProperties"] = 1
        elif not types:
            del payload["required"]
        branches.append(_branch("event", event, {"properties": {"payload": payload}}))
    record["allOf"] = branches
    return record


def _ticket(builder: SchemaBuilder) -> Schema:
    """A ticket's ``header`` and ``history``: the ``create`` record first, and only first."""
    create = {**_ref("TicketRecord"), "properties": {"event": {"const": "create"}}}
    later = {**_ref("TicketRecord"), "properties": {"event": {"not": {"const": "create"}}}}
    history = {"type": "array", "prefixItems": [create], "items": later, "minItems": 1}
    return {"header": _ref("TicketHeader"), "history": history}


def _ticket_side(builder: SchemaBuilder) -> tuple[dict[str, str], dict[str, Schema]]:
    """The kinds of the ticket side and their definitions, by name."""
    header = {
        "number": builder.schema(str),
        "caller": builder.schema(Caller),
        "matrix": _ref("PriorityMatrix"),
        "sla_policy": _ref("SlaPolicy"),
    }
    work_order = {key: builder.schema(kind) for key, kind in tickets.WORK_ORDER_FIELDS.items()}
    ticket = _ticket(builder)
    bodies: dict[str, Schema] = {
        "ticket": ticket,
        "work_order": work_order,
        "promise_ledger": {"promises": {"type": "array", "items": builder.schema(Promise)}},
        "ticket_book": {
            "prefix": builder.schema(str),
            "numbered": {"type": "integer", "minimum": 0},
            "tickets": {"type": "array", "items": _ref("TicketDocument")},
        },
    }
    names = {
        "ticket": "TicketSnapshot",
        "work_order": "WorkOrderSnapshot",
        "promise_ledger": "PromiseLedgerSnapshot",
        "ticket_book": "TicketBookSnapshot",
    }
    defs = {
        "PriorityMatrix": _matrix(builder),
        "SlaCalendar": _calendar(builder),
        "SlaPolicy": _sla_policy(builder),
        "TicketDocument": _object(ticket, list(ticket)),
        "TicketHeader": _object(header, list(header)),
        "TicketRecord": _ticket_record(builder),
        "WorkOrderDocument": _object(work_order, list(work_order)),
    }
    for kind, (_, table, _) in _TICKET_KINDS.items():
        body = bodies[kind]
        defs[names[kind]] = _object({**_envelope(kind, table), **body}, [*_ENVELOPE_KEYS, *body])
    return {kind: names[kind] for kind in _TICKET_KINDS}, defs


def _record(builder: SchemaBuilder) -> Schema:
    stages = sorted(stage.value for stage in Stage)
    observed_branches = []
    for event in sorted(EVENT_PAYLOADS):
        types = OBSERVED_TYPES.get(event, {})
        allowed = {key: builder.schema(kind) for key, kind in sorted(types.items())}
        then = {"properties": {"observed": _object(allowed, [])}}
        pinned = {"properties": {"event": {"const": event}}, "required": ["event"]}
        observed_branches.append({"if": pinned, "then": then})
    payloads = builder.tagged("event", dict(sorted(EVENT_PAYLOADS.items())), field="payload")
    record = _object(
        {
            "event": payloads["properties"]["event"],
            "from_stage": {"enum": stages},
            "to_stage": {"enum": stages},
            "at": builder.schema(datetime),
            "payload": {"type": "object"},
            "observed": {"type": "object"},
        },
        ["event", "from_stage", "to_stage", "at", "payload"],
    )
    record["allOf"] = [*payloads["allOf"], *observed_branches]
    return record


def snapshot_schema() -> Schema:
    """The JSON Schema (2020-12) of every snapshot :func:`callflow.snapshot.dumps` writes."""
    builder = SchemaBuilder()
    record_ref = {"$ref": "#/$defs/CallRecord"}
    history = {"type": "array", "items": record_ref, "minItems": 1}
    call_id = {"type": ["string", "null"]}
    call = _object(
        {**_envelope("call"), "call_id": call_id, "history": history},
        [*_ENVELOPE_KEYS, "call_id", "history"],
    )
    desk_call = _object({"call_id": call_id, "history": history}, ["call_id", "history"])
    desk = _object(
        {
            **_envelope("desk"),
            "agent": builder.schema(Agent),
            "lines": {"type": "integer", "minimum": 1},
            "mode": builder.schema(Mode),
            "thresholds": builder.schema(Thresholds),
            "calls": {"type": "array", "items": desk_call},
            "held": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        },
        [*_ENVELOPE_KEYS, "agent", "lines", "mode", "thresholds", "calls", "held"],
    )
    ticket_kinds, ticket_defs = _ticket_side(builder)
    kinds = {"call": "CallSnapshot", "desk": "DeskSnapshot", **ticket_kinds}
    own = {
        "CallRecord": _record(builder),
        "CallSnapshot": call,
        "DeskSnapshot": desk,
        **ticket_defs,
    }
    generated = builder.defs()
    clashes = sorted(set(generated) & set(own))
    if clashes:  # pragma: no cover - a class named like a hand-made definition
        raise ValueError(f"definitions named twice: {', '.join(clashes)}")
    branches = [
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": {"$ref": f"#/$defs/{name}"},
        }
        for kind, name in kinds.items()
    ]
    document: Schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://callflow.dev/schemas/{FORMAT}/snapshot-v{FORMAT_VERSION}.schema.json",
        "title": f"callflow snapshot, format version {FORMAT_VERSION}",
        "type": "object",
        "properties": {"kind": {"enum": sorted(kinds)}},
        "required": ["format", "version", "kind", "table"],
        "allOf": branches,
        "$defs": {**generated, **own},
    }
    result: Schema = json.loads(to_json(document))  # canonical: keys sorted at every level
    return result


if __name__ == "__main__":  # pragma: no cover - prints the schema
    print(to_json(snapshot_schema()), end="")
