"""HarperValleyBank phone calls as callflow transcripts.

Each HVB record is one simulated bank call: segments with the speaker's
role, a human transcript, timings, and dialog acts assigned by Gridspace's
model; the caller's task; both parties' names. ``convert`` maps a record to
a transcript document; ``README.md`` gives each mapping and its reason.

Run: python examples/corpora/harpervalley.py [corpus.json] [-o transcripts.jsonl]
"""

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _corpus import (
    ANYTHING_ELSE,
    DONE,
    SHARED_CORPORA,
    TranscriptBuilder,
    following,
    is_speech,
    joined,
    run,
)

__all__ = ["CORPUS", "ORGANISATION", "convert", "main", "records", "sources"]

CORPUS = SHARED_CORPORA / "harpervalley" / "hvb_sample_10_calls.json"
ORGANISATION = "Harper Valley National Bank"
"""The bank, as its agents' scripted greeting names it (the integrator's own name)."""

# Tasks that neither read nor change the caller's accounts: the caller need not be verified.
NO_ACCOUNT_TASKS = frozenset({"get branch hours", "schedule appointment"})
# Tasks served by telling the caller something (inform); the others are requests done (fulfil).
ANSWER_TASKS = frozenset({"get branch hours", "check balance"})

# Dialog acts (without the "gridspace_" prefix) that map to events, for the agent's turns.
OUTCOME = frozenset({"procedure_explanation", "data_response"})  # what was done, or the answer
ENQUIRY = frozenset({"data_question", "confirm_data"})  # finding out what the request involves
# "okay one second please": the agent works with the line open. HVB records no hold (no
# mute, no music), so this is a pause in the conversation, not a hold (CF502-CF505).
PAUSE = "bear_with_me"
OPEN_QUESTION = "open_question"
CLOSING = "closing"
# The agent is at work on the request: the caller's opening statement ends there.
AT_WORK = OUTCOME | ENQUIRY | {PAUSE}


def _acts(segment: dict[str, Any]) -> frozenset[str]:
    return frozenset(act.removeprefix("gridspace_") for act in segment["dialog_acts"])


def _mentions(text: str, name: str) -> bool:
    """Whether ``text`` says any part of ``name`` (a first or last name), as a whole word."""
    words = set(re.findall(r"[a-z']+", text.lower()))
    return any(part in words for part in name.lower().split() if len(part) > 1)


def _build(record: dict[str, Any]) -> tuple[TranscriptBuilder, dict[str, Any]]:
    built = TranscriptBuilder()
    segments = sorted(record["segments"], key=lambda segment: segment["index"])
    for segment in segments:
        start = segment["start_ms"] / 1000
        end = (segment["start_ms"] + segment["duration_ms"]) / 1000
        built.turn(segment["speaker_role"], segment["human_transcript"], start, end)
    turns = built.turns
    tasks = [task["task_type"] for task in record["tasks"]]
    caller_name = record["caller"]["name"]
    built.event("answer", 0.0)  # the recording starts when the call is picked up: rings unknown

    identified = listened = False
    for index, (segment, turn) in enumerate(zip(segments, turns, strict=True)):
        if not is_speech(turn["text"]):
            continue
        at, text, acts = turn["start"], turn["text"], _acts(segment)
        if turn["speaker"] == "caller":
            if not identified and _mentions(text, caller_name):
                caller = {"name": caller_name, "user_id": None}
                built.event("identify", at, index, caller=caller, verified=False)
                identified = True
            if not listened:
                statement = [index]
                for later in range(index + 1, len(turns)):
                    if turns[later]["speaker"] == "agent" and is_speech(turns[later]["text"]):
                        if _acts(segments[later]) & AT_WORK:
                            break
                    elif turns[later]["speaker"] == "caller":
                        statement.append(later)
                needs = not set(tasks) <= NO_ACCOUNT_TASKS
                problem = joined(turns[i]["text"] for i in statement)
                built.event("listen", at, index, problem=problem, needs_verification=needs)
                listened = True
            continue
        anything_else = OPEN_QUESTION in acts and bool(ANYTHING_ELSE.search(text))
        if acts & OUTCOME:
            if set(tasks) <= ANSWER_TASKS:
                built.event("inform", at, index, answer=text)
            else:
                built.event("fulfil", at, index, action=text)
        elif not set(tasks) <= ANSWER_TASKS and DONE.search(text):
            # The act labels miss it ("... has been transferred ..." tagged open_question):
            # the words report the request done.
            built.event("fulfil", at, index, action=text)
        elif acts & ENQUIRY and not anything_else:
            reply = joined(turns[i]["text"] for i in following(turns, index, "caller"))
            built.event("troubleshoot", at, index, step=text, result=reply)
        if anything_else:
            built.event("goodbye", at, index, anything_else_asked=True)
        elif CLOSING in acts:
            built.event("goodbye", at, index)
    length = (record["end_time_ms"] - record["start_time_ms"]) / 1000
    built.event("hang_up", max(length, max((t["end"] for t in turns), default=0.0)), by="unknown")

    agent = record["agent"]
    fields = {
        "call_id": record["sid"],
        "channel": "phone",
        "language": "en",
        "organisation": ORGANISATION,
        "agent": {"name": agent["name"], "id": str(agent["speaker_id"])},
        "caller": {"name": caller_name, "id": str(record["caller"]["speaker_id"])},
        "started_at": datetime.fromtimestamp(record["start_time_ms"] / 1000, UTC).isoformat(),
        "context": {"task": "; ".join(tasks) or None, "ended_by": "unknown"},
    }
    return built, fields


def convert(record: dict[str, Any]) -> dict[str, Any]:
    """The transcript document of one HVB call record."""
    built, fields = _build(record)
    return built.document(**fields)


def sources(record: dict[str, Any]) -> list[int | None]:
    """For each event of ``convert(record)``, the index of the turn it was read from."""
    return _build(record)[0].sources()


def records(path: Path) -> list[dict[str, Any]]:
    """The transcripts of every call in the corpus file at ``path``."""
    with path.open(encoding="utf-8") as corpus:
        return [convert(record) for record in json.load(corpus)]


def main(argv: list[str] | None = None) -> int:
    """Write the corpus's calls as transcripts, one JSON document a line."""
    return run(argv, description=__doc__.splitlines()[0], default=CORPUS, records=records)


if __name__ == "__main__":
    raise SystemExit(main())
