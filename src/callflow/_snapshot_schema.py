"""The JSON Schema of the snapshot format, generated from the classes it is written from.

:func:`snapshot_schema` composes it from the typed event payloads
(:data:`callflow.events.EVENT_PAYLOADS`), the observed values' types and the
value classes they hold, with :class:`callflow._schema.SchemaBuilder`; the
copy shipped in the package (``callflow/schemas/snapshot-v1.schema.json``)
is that output, and a test keeps the two equal and pins the schema of each
format version, so the schema cannot change without the version changing.

``python -m callflow._snapshot_schema`` prints it.
"""

import json
from datetime import datetime
from typing import Any

from callflow._schema import SchemaBuilder, to_json
from callflow.call import Mode
from callflow.events import EVENT_PAYLOADS
from callflow.people import Agent
from callflow.snapshot import FORMAT, FORMAT_VERSION, OBSERVED_TYPES, table_identity
from callflow.stages import PROCEDURE, Stage
from callflow.thresholds import Thresholds

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


def _envelope(kind: str) -> Schema:
    return {
        "format": {"const": FORMAT},
        "version": {"const": FORMAT_VERSION},
        "kind": {"const": kind},
        "table": {"const": table_identity(PROCEDURE)},
    }


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
    kinds = {"call": "CallSnapshot", "desk": "DeskSnapshot"}
    own = {"CallRecord": _record(builder), "CallSnapshot": call, "DeskSnapshot": desk}
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
        "$defs": {**builder.defs(), **own},
    }
    result: Schema = json.loads(to_json(document))  # canonical: keys sorted at every level
    return result


if __name__ == "__main__":  # pragma: no cover - prints the schema
    print(to_json(snapshot_schema()), end="")
