"""The JSON Schema of the transcript format, generated from the classes it is read into.

:func:`transcript_schema` describes :class:`~callflow.audit.Transcript` with
:class:`callflow._schema.SchemaBuilder`, from the attrs fields, then adds
what annotations cannot say: which arguments go with which event (the
events' typed payloads, :data:`callflow.events.EVENT_PAYLOADS`, for the
events of :data:`callflow.PROCEDURE`), that an event without required
arguments may leave them out, and that seconds are never negative. What no
JSON Schema can say (events in time order, a turn's end after its start,
non-blank text) only :meth:`~callflow.audit.Transcript.from_dict` checks.

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
from callflow.audit.transcript import Transcript, TranscriptEvent, Turn
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


def _events(builder: SchemaBuilder) -> Schema:
    """Each event's arguments are its payload's; required when the event method requires some."""
    payloads: dict[object, object] = {event: payload_class(event) for event in PROCEDURE.events}
    tagged = builder.tagged("event", payloads, field="arguments")
    for branch in tagged["allOf"]:
        event = branch["if"]["properties"]["event"]["const"]
        if _requires_arguments(event):
            branch["then"]["required"] = ["arguments"]
    tagged["required"] = ["event"]  # "arguments" may be left out: the method's defaults
    return tagged


def transcript_schema() -> Schema:
    """The JSON Schema (2020-12) of a transcript, as :meth:`Transcript.to_dict` writes it."""
    builder = SchemaBuilder()
    builder.refine(TranscriptEvent, _events(builder))
    builder.refine(TranscriptEvent, {"properties": {"at": _NOT_NEGATIVE}})
    builder.refine(Turn, {"properties": {"start": _NOT_NEGATIVE, "end": _NOT_NEGATIVE}})
    document: Schema = {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "callflow transcript of a recorded call, version 1",
        **builder.schema(Transcript),
        "$defs": builder.defs(),
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
