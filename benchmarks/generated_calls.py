"""A fixed generator of recorded calls for the audit's benchmarks: 20 turns, about 1.6k characters.

Deterministic for a seed, so every run measures the same calls. The events
follow the procedure with the departures real calls have (no verification,
no "anything else?", the agent hanging up first, a hold), in a few shapes.
"""

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["generated_call", "generated_lines"]

_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_AGENT_LINES = (
    "Thank you for calling ACME IT, this is {agent}, how can I help you today?",
    "I understand, that must be frustrating; we will sort it out together.",
    "Could you tell me your employee ID so I can pull up your account?",
    "Thanks. Have you restarted the laptop since the problem started?",
    "May I put you on hold for a minute while I check the logs?",
    "Thank you for holding. The logs show the profile is corrupt.",
    "I will rebuild your profile now; it takes about two minutes.",
    "Done. Could you open Outlook and tell me whether it starts?",
    "Great. Is there anything else I can help you with today?",
    "Thank you for calling, {caller}, have a good day.",
)
_CALLER_LINES = (
    "Hi, my name is {caller}, Outlook will not open on my laptop since this morning.",
    "It says the profile cannot be loaded and then it closes again.",
    "Sure, it is E{number}.",
    "Yes, twice, and it still fails the same way every time.",
    "Sure, go ahead.",
    "Oh, I see. Can you fix it?",
    "Okay, I will wait.",
    "Yes, it opens now and my mail is there.",
    "No, that was all, thanks.",
    "Bye.",
)
_ASIDES = (
    "Just to be sure I understood everything correctly.",
    "That is useful to know, thank you for telling me.",
    "I am writing all of this into the ticket as we go.",
    "It should not take long, I promise.",
    "Let me know if anything looks different on your screen.",
)
_AGENTS = ("Giulia", "Bill", "Ana", "Pierre", "Marta")
_CALLERS = ("Marco Rossi", "Mary Smith", "Ana Souza", "Jean Dupont", "Lucía García")
_LANGUAGES = ("en", "pt", "es", "it", "fr")


def _events(rng: random.Random, times: list[float]) -> list[dict[str, Any]]:
    shape = rng.randrange(4)
    events: list[dict[str, Any]] = [{"event": "answer", "at": 0.0}]
    events.append({"event": "listen", "at": times[1], "problem": "Outlook will not open"})
    if shape != 1:  # shape 1 never verifies the caller
        events.append({"event": "verify", "at": times[3], "method": "personal_details"})
    events.append({"event": "troubleshoot", "at": times[4], "step": "Restarted the laptop"})
    if shape == 2:
        events.append(
            {"event": "hold", "at": times[8], "reason": "check the logs", "asked_permission": True}
        )
        events.append({"event": "resume", "at": times[10], "thanked": True})
    events.append({"event": "diagnose", "at": times[10] + 0.5, "label": "corrupt Outlook profile"})
    events.append({"event": "propose", "at": times[12], "plan": "Rebuild the profile"})
    events.append({"event": "implement", "at": times[13], "action": "Profile rebuilt"})
    events.append(
        {
            "event": "goodbye",
            "at": times[16],
            "resolution_confirmed": True,
            "anything_else_asked": shape != 3,
        }
    )
    events.append(
        {"event": "hang_up", "at": times[19] + 1, "by": "agent" if shape == 3 else "caller"}
    )
    return events


def generated_call(index: int, *, seed: int = 20261203) -> dict[str, Any]:
    """Call number ``index``: a transcript document of 20 turns with its events."""
    rng = random.Random(seed * 1_000_003 + index)
    agent, caller = rng.choice(_AGENTS), rng.choice(_CALLERS)
    turns, times, at = [], [], 0.0
    for number in range(20):
        lines = _CALLER_LINES if number % 2 == 0 else _AGENT_LINES
        text = lines[number // 2].format(agent=agent, caller=caller, number=rng.randrange(10_000))
        if rng.random() < 0.6:
            text = f"{text} {rng.choice(_ASIDES)}"
        length = 2.0 + len(text) / 15
        turns.append(
            {
                "speaker": "caller" if number % 2 == 0 else "agent",
                "text": text,
                "start": round(at, 2),
                "end": round(at + length, 2),
            }
        )
        times.append(round(at, 2))
        at += length + rng.uniform(0.2, 1.5)
    return {
        "call_id": f"GEN-{index:06d}",
        "channel": "phone",
        "language": rng.choice(_LANGUAGES),
        "organisation": "ACME IT",
        "agent": {"name": agent, "id": f"A-{rng.randrange(100)}"},
        "caller": {"name": caller, "id": None},
        "started_at": (_START + timedelta(minutes=index)).isoformat(),
        "turns": turns,
        "events": _events(rng, times),
        "context": {"task": "outlook", "ended_by": "unknown"},
    }


def generated_lines(count: int, *, seed: int = 20261203) -> list[str]:
    """``count`` calls as JSON Lines (one line each, without the newline)."""
    return [json.dumps(generated_call(i, seed=seed)) for i in range(count)]
