"""Audit the converted corpora and list every finding, for a reviewer to judge.

For each conversation: each finding's code, the turn the audit placed it on
and the words it quotes, its message, and the turn its event was read from
(ABCD's turns have no times, so the audit cannot place its findings: the
event's own turn tells where to look). EVALUATION.md is the review of this
output.

Run: python examples/corpora/evaluate.py [--json]
"""

import argparse
import json
import sys
from typing import Any

import abcd
import harpervalley

from callflow.audit import Transcript, audit

__all__ = ["findings", "main"]


def findings() -> list[dict[str, Any]]:
    """Every finding of the audit of the 15 conversations, with where its event came from."""
    rows: list[dict[str, Any]] = []
    for module in (harpervalley, abcd):
        with module.CORPUS.open(encoding="utf-8") as corpus:
            for record in json.load(corpus):
                document = module.convert(record)
                sources = module.sources(record)
                report = audit(Transcript.from_dict(document))
                # The call's history starts with its ring; then one record per event.
                shift = len(report_history(document)) - len(document["events"])
                for finding in report.to_dict()["findings"]:
                    position = finding["event_index"] - shift
                    source = sources[position] if 0 <= position < len(sources) else None
                    turns = document["turns"]
                    rows.append(
                        {
                            "call_id": document["call_id"],
                            "channel": document["channel"],
                            **finding,
                            "event_turn": source,
                            "event_turn_speaker": None
                            if source is None
                            else turns[source]["speaker"],
                            "event_turn_text": None if source is None else turns[source]["text"],
                        }
                    )
    return rows


def report_history(document: dict[str, Any]) -> list[str]:
    """The events of the call the audit replays: a ring, an answer if none given, then the rest."""
    events = [event["event"] for event in document["events"]]
    implicit = [] if events and events[0] in ("answer", "abandon") else ["answer"]
    return ["ring", *implicit, *events]


def main(argv: list[str] | None = None) -> int:
    """Print the findings, one a line (or as JSON Lines with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object a finding")
    arguments = parser.parse_args(argv)
    for row in findings():
        if arguments.json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        where = f"turn {row['turn']}" if row["turn"] is not None else "no turn"
        quote = f" {row['evidence']!r}" if row["evidence"] else ""
        source = "" if row["event_turn"] is None else f" [event from turn {row['event_turn']}]"
        sys.stdout.write(
            f"{row['call_id']} {row['code']} {row['event']}@{row['stage']} {where}{quote}"
            f"{source}: {row['message']}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
