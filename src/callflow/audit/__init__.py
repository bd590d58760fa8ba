"""Auditing recorded calls: their transcripts, read from JSON and JSON Lines.

The core of callflow never imports this package; it builds on the core:
a :class:`Transcript`'s events are the call procedure's
(:data:`callflow.PROCEDURE`), their arguments the events' typed payloads.
See docs/transcripts.md.
"""

from callflow.audit._lines import OnError, Source, iter_transcripts, load_transcripts, read_jsonl
from callflow.audit.transcript import (
    Channel,
    Context,
    EndedBy,
    Language,
    Participant,
    Speaker,
    Transcript,
    TranscriptEvent,
    Turn,
)
from callflow.errors import TranscriptError

__all__ = [
    "Channel",
    "Context",
    "EndedBy",
    "Language",
    "OnError",
    "Participant",
    "Source",
    "Speaker",
    "Transcript",
    "TranscriptError",
    "TranscriptEvent",
    "Turn",
    "iter_transcripts",
    "load_transcripts",
    "read_jsonl",
]
