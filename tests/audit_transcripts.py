"""Transcripts for the audit's tests, written as the JSON a recorder would produce."""

from typing import Any


def transcript(
    events: list[dict[str, Any]],
    *,
    turns: list[dict[str, Any]] | None = None,
    channel: str = "phone",
    call_id: str = "C-1",
    **context: Any,
) -> dict[str, Any]:
    """A transcript document with ``events`` and ``turns`` (default: an agent and a caller turn)."""
    return {
        "call_id": call_id,
        "channel": channel,
        "language": "en",
        "organisation": "ACME IT",
        "agent": {"name": "Giulia", "id": "A-7"},
        "caller": {"name": "Marco Rossi", "id": None},
        "started_at": "2026-03-02T10:30:00+00:00",
        "turns": turns
        if turns is not None
        else [
            {"speaker": "agent", "text": "ACME IT, Giulia speaking.", "start": 0.0, "end": 3.0},
            {
                "speaker": "caller",
                "text": "Outlook will not open, ASAP please.",
                "start": 3.5,
                "end": 8.0,
            },
        ],
        "events": events,
        "context": {"task": None, "ended_by": "unknown", **context},
    }


def resolved_call() -> list[dict[str, Any]]:
    """The events of a call handled by the book: verified, diagnosed, fixed, confirmed, closed."""
    return [
        {"event": "answer", "at": 2},
        {"event": "identify", "at": 10, "caller": {"name": "Marco Rossi"}, "verified": True},
        {"event": "listen", "at": 20, "problem": "Outlook will not open"},
        {"event": "troubleshoot", "at": 60, "step": "Restarted Outlook", "result": "Still fails"},
        {"event": "diagnose", "at": 90, "label": "corrupt Outlook profile"},
        {"event": "propose", "at": 100, "plan": "Rebuild the Outlook profile"},
        {"event": "implement", "at": 300, "action": "Profile rebuilt"},
        {"event": "goodbye", "at": 320, "resolution_confirmed": True, "anything_else_asked": True},
        {"event": "hang_up", "at": 330, "by": "caller"},
    ]
