"""The JSON Schema of the transcript format, generated from the classes it is read into.

:func:`transcript_schema` describes :class:`~callflow.audit.Transcript` with
:class:`callflow._schema.SchemaBuilder`, from the attrs fields, then adds
what annotations cannot say: which arguments go with which event (the
events' typed payloads, :data:`callflow.events.EVENT_PAYLOADS`, for the
events of :data:`callflow.PROCEDURE`), that an event without required
arguments may leave them out, and that seconds are never negative. What no
JSON Schema can say (events in time order, a turn's end after its start,
an event's turn one of the transcript's, non-blank text) only
:meth:`~callflow.audit.Transcript.from_dict` checks.

The copy shipped in the package (``callflow/schemas/transcript-v1.schema.json``)
and the one in ``docs/schemas/`` are this output; a test keeps them equal.

``python -m callflow.audit._transcript_schema`` prints it;
``python -m callflow.audit._transcript_schema PATH...`` writes it to each path.
"""

import json
import sys
from pathlib import Path
from typing import Any

import attrs

from callflow._schema import DIALECT, SchemaBuilder, to_json
from callflow.audit.transcript import Transcript, Turn
from callflow.events import payload_class
from callflow.stages import PROCEDURE

__all__ = ["SCHEMA_FILE", "SCHEMA_ID", "transcript_schema"]

SCHEMA_FILE = "transcript-v1.schema.json"
"""The name of the shipped schema, in ``callflow/schemas/``."""
SCHEMA_ID = f"https://callflow.dev/schemas/callflow/{SCHEMA_FILE}"

Schema = dict[str, Any]
_NOT_NEGATIVE: Schema = {"minimum": 0}


def _requires_arguments(event: str) -> bool:
    cls = payload_class(event)
    return any(field.default is attrs.NOTHING for field in attrs.fields(cls))  # type: ignore[arg-type]


def _event_schema(builder: SchemaBuilder) -> Schema:
    """An event object: ``event``, ``at``, ``turn`` and, beside them, its payload's fields.

    Each event's branch pins ``event`` and lists its arguments (the payload
    class's fields, required when the event method requires them);
    ``unevaluatedProperties`` then refuses any key no branch knows.
    """
    branches = []
    for event in PROCEDURE.events:
        cls = payload_class(event)
        builder.ref(cls)  # defines the payload and the types its fields use
        payload = builder.defs()[cls.__name__]
        then: Schema = {"properties": payload.get("properties", {})}
        if _requires_arguments(event):
            then["required"] = payload.get("required", [])
        pinned = {"properties": {"event": {"const": event}}, "required": ["event"]}
        branches.append({"if": pinned, "then": then})
    return {
        "type": "object",
        "properties": {
            "event": {"enum": list(PROCEDURE.events)},
            "at": {"type": "number", **_NOT_NEGATIVE},
            "turn": {"anyOf": [{"type": "integer", **_NOT_NEGATIVE}, {"type": "null"}]},
        },
        "required": ["at", "event"],
        "allOf": branches,
        "unevaluatedProperties": False,
    }


def transcript_schema() -> Schema:
    """The JSON Schema (2020-12) of a transcript, as :meth:`Transcript.to_dict` writes it."""
    builder = SchemaBuilder()
    builder.refine(Turn, {"properties": {"start": _NOT_NEGATIVE, "end": _NOT_NEGATIVE}})
    event = _event_schema(builder)
    body = builder.schema(Transcript)
    defs = builder.defs()
    defs["TranscriptEvent"] = event
    for cls in {payload_class(name) for name in PROCEDURE.events}:
        defs.pop(cls.__name__, None)  # inlined in the event's branches
    document: Schema = {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "callflow transcript of a recorded call, version 1",
        **body,
        "$defs": defs,
    }
    result: Schema = json.loads(to_json(document))  # canonical: keys sorted at every level
    return result


def main(paths: list[str]) -> int:
    """Print the schema, or write it to each of ``paths``."""
    text = to_json(transcript_schema())
    if not paths:
        sys.stdout.write(text)
    for path in paths:
        Path(path).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover - the command line
    raise SystemExit(main(sys.argv[1:]))
