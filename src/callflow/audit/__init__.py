"""Auditing recorded calls: transcripts, the executable rulebook and the audit engine.

The core of callflow never imports this package; it builds on the core:
a :class:`Transcript`'s events are the call procedure's
(:data:`callflow.PROCEDURE`), their arguments the events' typed payloads,
and :func:`audit` replays them through the same procedure as a live call,
then scores the call on the QA scorecard (:class:`Scorecard`).
See docs/transcripts.md and docs/audit.md.
"""

from callflow.audit._lines import OnError, Source, iter_transcripts, load_transcripts, read_jsonl
from callflow.audit.config import LANGUAGES, AuditConfig, load_config
from callflow.audit.engine import AuditContext, AuditReport, audit
from callflow.audit.language import LintFinding, lint
from callflow.audit.rulebook import RULEBOOK, Check, Looks, Rulebook, RuleEntry, Section
from callflow.audit.scorecard import Score, Scorecard, ScoreItem, SectionScore, score_call
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
    "LANGUAGES",
    "RULEBOOK",
    "AuditConfig",
    "AuditContext",
    "AuditReport",
    "Channel",
    "Check",
    "Context",
    "EndedBy",
    "Language",
    "LintFinding",
    "Looks",
    "OnError",
    "Participant",
    "RuleEntry",
    "Rulebook",
    "Score",
    "ScoreItem",
    "Scorecard",
    "Section",
    "SectionScore",
    "Source",
    "Speaker",
    "Transcript",
    "TranscriptError",
    "TranscriptEvent",
    "Turn",
    "audit",
    "iter_transcripts",
    "lint",
    "load_config",
    "load_transcripts",
    "read_jsonl",
    "score_call",
]
