"""ABCD customer-service chats as callflow transcripts.

Each ABCD record is one e-commerce chat: the customer's and the agent's
turns, and the agent's button actions (pull-up-account, validate-purchase,
notify-team...) as turns of their own, each with its action name and slot
values in the ``delexed`` copy. ``kb.json`` gives each subflow's required
actions. ``convert`` maps a record to a transcript document; ``README.md``
gives each mapping and its reason.

Run: python examples/corpora/abcd.py [conversations.json] [-o transcripts.jsonl]
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from _corpus import (
    ANYTHING_ELSE,
    FAREWELL,
    SHARED_CORPORA,
    TranscriptBuilder,
    joined,
    run,
)

__all__ = [
    "CORPUS",
    "ORGANISATION",
    "UNKNOWN_START",
    "action_event",
    "convert",
    "load_kb",
    "main",
    "records",
    "sources",
]

CORPUS = SHARED_CORPORA / "abcd" / "abcd_5_conversations.json"
ORGANISATION = "AcmeBrands"
"""The store, as ABCD's agents and guidelines name it (the integrator's own name)."""
UNKNOWN_START = "1970-01-01T00:00:00+00:00"
"""ABCD gives no date or time: the transcript format needs one, so this epoch stands for unknown."""

SPEAKERS = {"agent": "agent", "customer": "caller", "action": "system"}
# The agent's buttons, by the procedure event each one is (README.md says why).
IDENTIFY = frozenset({"pull-up-account"})
VERIFY = {"verify-identity": "account_details", "validate-purchase": "purchase"}
LOOK_UP = frozenset(
    {
        "search-faq",
        "ask-the-oracle",
        "subscription-status",
        "shipping-status",
        "membership",
        "record-reason",
        "enter-details",
        "try-again",
        "log-out-in",
    }
)
CLASSIFY = re.compile(r"search-(?P<topic>.+)")  # search-timing: the agent files the question
ANSWER = frozenset({"select-faq"})
REQUESTS = frozenset(
    {
        "update-order",
        "update-account",
        "offer-refund",
        "make-purchase",
        "make-password",
        "promo-code",
        "send-link",
        "instructions",
    }
)
ESCALATE = frozenset({"notify-team"})
# kb.json's actions that check who the customer is: a flow with one needs a verified customer.
VERIFYING = frozenset(VERIFY)


@cache
def load_kb(path: Path = CORPUS.parent / "kb.json") -> dict[str, tuple[str, ...]]:
    """kb.json: each subflow's required actions, in order."""
    with path.open(encoding="utf-8") as kb:
        return {subflow: tuple(actions) for subflow, actions in json.load(kb).items()}


def subflow(record: dict[str, Any]) -> str:
    """The record's subflow as kb.json names it (the delexed turns' intent, e.g. ``timing``)."""
    intents = {turn["targets"][0] for turn in record["delexed"] if turn["targets"][0]}
    return intents.pop() if len(intents) == 1 else record["scenario"]["subflow"]


def action_event(action: str, slots: list[str], text: str) -> tuple[str, dict[str, Any]]:
    """The procedure event (name, arguments) of one of the agent's ABCD buttons.

    Raises:
        ValueError: for an action this mapping does not know (rather than dropping it).
    """
    if action in IDENTIFY:
        return "identify", {"caller": {"name": slots[0], "user_id": None}, "verified": False}
    if action in VERIFY:
        return "verify", {"method": VERIFY[action]}
    if action in LOOK_UP:
        return "troubleshoot", {"step": action, "result": text}
    if action in ANSWER:
        return "inform", {"answer": text}
    if action in REQUESTS:
        return "fulfil", {"action": text}
    if action in ESCALATE:
        team = slots[0] if slots else "an internal team"
        kind = "management" if team == "manager" else "team"
        escalation = {"to": {"name": team, "kind": kind}, "reason": "not recorded in the source"}
        return "assign", {"escalation": escalation}
    classified = CLASSIFY.fullmatch(action)
    if classified:
        return "diagnose", {"label": classified["topic"]}
    msg = f"ABCD action {action!r} has no callflow event: add it to the mapping"
    raise ValueError(msg)


def _build(
    record: dict[str, Any], kb: dict[str, tuple[str, ...]]
) -> tuple[TranscriptBuilder, dict[str, Any]]:
    built = TranscriptBuilder()
    for speaker, text in record["original"]:
        built.turn(SPEAKERS[speaker], text, None, None)
    turns = built.turns
    flow = subflow(record)
    # No times in ABCD: an event's "at" is the position of its turn in the chat.
    built.event("answer", 0.0)

    first_agent = next((i for i, t in enumerate(turns) if t["speaker"] == "agent"), -1)
    opening = next(
        (i for i, t in enumerate(turns) if t["speaker"] == "caller" and i > first_agent),
        next((i for i, t in enumerate(turns) if t["speaker"] == "caller"), None),
    )
    for index, (turn, delexed) in enumerate(zip(turns, record["delexed"], strict=True)):
        text = turn["text"]
        if index == opening:
            run_ = [index]
            while run_[-1] + 1 < len(turns) and turns[run_[-1] + 1]["speaker"] == "caller":
                run_.append(run_[-1] + 1)
            needs = bool(VERIFYING & set(kb.get(flow, ())))
            problem = joined(turns[i]["text"] for i in run_)
            built.event("listen", index, index, problem=problem, needs_verification=needs)
        elif turn["speaker"] == "system":
            _, _, action, slots, _ = delexed["targets"]
            name, arguments = action_event(action, slots, text)
            built.event(name, index, index, **arguments)
        elif turn["speaker"] == "agent":
            if ANYTHING_ELSE.search(text):
                built.event("goodbye", index, index, anything_else_asked=True)
            elif FAREWELL.search(text):
                built.event("goodbye", index, index)
    # The chat ends after its last turn; the audit places the end's findings there.
    built.event("hang_up", len(turns), len(turns) - 1 if turns else None, by="unknown")

    scenario = record["scenario"]
    personal = scenario["personal"]
    fields = {
        "call_id": str(record["convo_id"]),
        "channel": "chat",
        "language": "en",
        "organisation": ORGANISATION,
        "agent": {"name": None, "id": None},
        "caller": {"name": personal.get("customer_name"), "id": personal.get("username")},
        "started_at": UNKNOWN_START,
        "context": {"task": f"{scenario['flow']}/{flow}", "ended_by": "unknown"},
    }
    return built, fields


def convert(record: dict[str, Any], kb: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """The transcript document of one ABCD chat (``kb``: kb.json, by default the corpus's own)."""
    built, fields = _build(record, load_kb() if kb is None else kb)
    return built.document(**fields)


def sources(
    record: dict[str, Any], kb: dict[str, tuple[str, ...]] | None = None
) -> list[int | None]:
    """For each event of ``convert(record)``, the index of the turn it was read from."""
    return _build(record, load_kb() if kb is None else kb)[0].sources()


def records(path: Path) -> list[dict[str, Any]]:
    """The transcripts of every chat in the corpus file at ``path`` (kb.json beside it)."""
    kb = load_kb(path.parent / "kb.json")
    with path.open(encoding="utf-8") as corpus:
        return [convert(record, kb) for record in json.load(corpus)]


def main(argv: list[str] | None = None) -> int:
    """Write the corpus's chats as transcripts, one JSON document a line."""
    return run(argv, description=__doc__.splitlines()[0], default=CORPUS, records=records)


if __name__ == "__main__":
    raise SystemExit(main())
