"""Benchmark transcripts: reading recorded calls from JSON Lines with ``Transcript.from_json``.

Run from the repository root::

    python benchmarks/bench_transcript.py            # 10,000 calls, best of 5, ~1 minute
    python benchmarks/bench_transcript.py --quick    # 1,000 calls, best of 2
    python benchmarks/bench_transcript.py --json transcript.json

The input is made here, deterministically (seeded): ``--calls`` transcripts
of 20 short, timed turns each (about 2k characters a line, laid out as
``to_json`` writes), with four events each (``answer``, ``identify`` with a
typed ``Caller``, ``listen``, ``hang_up``).
It measures, in one run, on the same lines:

callflow
    ``Transcript.from_json(line)`` for every line: the JSON parsed within
    the document limits, every field checked, the turns and the events'
    typed arguments built.
json.loads (base)
    the baseline: ``json.loads(line)`` for every line, nothing checked.

Times are the best (minimum) of ``--repeat`` passes over all the lines;
the ratio is ours / baseline.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

from callflow.audit import Transcript

TURNS = 20
WORDS = [
    "hello",
    "thank",
    "you",
    "for",
    "calling",
    "harper",
    "valley",
    "bank",
    "how",
    "can",
    "i",
    "help",
    "you",
    "today",
    "my",
    "card",
    "was",
    "stolen",
    "yesterday",
    "i",
    "need",
    "a",
    "new",
    "one",
    "can",
    "you",
    "confirm",
    "your",
    "date",
    "of",
    "birth",
    "please",
    "sure",
    "it",
    "is",
    "the",
    "fifth",
    "of",
    "may",
    "let",
    "me",
    "check",
    "that",
    "for",
    "you",
    "one",
    "moment",
    "all",
    "right",
    "i",
    "have",
    "ordered",
    "it",
]
NAMES = ("Patricia Brown", "Ana Souza", "Luis Garcia", "Maria Rossi", "James Smith")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def make_line(rng: random.Random, index: int) -> str:
    """One call: 20 alternating, timed turns and four events, as a JSON line."""
    turns = []
    clock = rng.uniform(0.5, 3.0)
    for turn in range(TURNS):
        length = rng.uniform(1.0, 6.0)
        turns.append(
            {
                "speaker": "agent" if turn % 2 == 0 else "caller",
                "text": _sentence(rng, 1, 5),
                "start": round(clock, 3),
                "end": round(clock + length, 3),
            }
        )
        clock += length + rng.uniform(0.1, 1.5)
    name = rng.choice(NAMES)
    document = {
        "call_id": f"HVB-{index:06d}",
        "channel": "phone",
        "language": "en",
        "organisation": "Harper Valley National Bank",
        "agent": {"name": "Elizabeth", "id": "46"},
        "caller": {"name": name, "id": None},
        "started_at": f"2020-06-{1 + index % 28:02d}T09:{index % 60:02d}:00+00:00",
        "turns": turns,
        "events": [
            {"event": "answer", "at": turns[0]["start"], "rings": 2},
            {
                "event": "identify",
                "at": turns[3]["end"],
                "caller": {"name": name, "user_id": None},
                "verified": True,
            },
            {"event": "listen", "at": turns[5]["start"], "problem": "card stolen"},
            {"event": "hang_up", "at": turns[-1]["end"], "by": "caller"},
        ],
        "context": {"task": "replace card", "ended_by": "caller"},
    }
    return json.dumps(document, separators=(",", ":"))  # as Transcript.to_json writes


def make_lines(calls: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [make_line(rng, index) for index in range(calls)]


def best_seconds(function: Any, lines: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for line in lines:
            function(line)
        best = min(best, time.perf_counter() - started)
    return best


def run(calls: int, repeat: int, seed: int) -> dict[str, Any]:
    lines = make_lines(calls, seed)
    for line in lines[:100]:  # every field is given: what is read writes back the same
        if json.loads(Transcript.from_json(line).to_json()) != json.loads(line):
            raise RuntimeError("a transcript did not read back as written")
    ours = best_seconds(Transcript.from_json, lines, repeat)
    base = best_seconds(json.loads, lines, repeat)
    return {
        "calls": calls,
        "turns": TURNS,
        "mean_chars": sum(len(line) for line in lines) / len(lines),
        "seed": seed,
        "repeat": repeat,
        "from_json": {"seconds": ours, "per_second": calls / ours, "us": ours / calls * 1e6},
        "json_loads": {"seconds": base, "per_second": calls / base, "us": base / calls * 1e6},
        "ratio": ours / base,
    }


def report(results: dict[str, Any]) -> str:
    lines = [
        f"{results['calls']:,} transcripts of {results['turns']} turns,"
        f" {results['mean_chars']:,.0f} characters each on average"
        f" (Python {platform.python_version()}, {platform.machine()};"
        f" best of {results['repeat']})",
        "",
        f"{'':34} {'calls/s':>10} {'µs/call':>9}",
    ]
    names = {"from_json": "Transcript.from_json", "json_loads": "json.loads (base)"}
    for key, name in names.items():
        row = results[key]
        lines.append(f"{name:34} {row['per_second']:10,.0f} {row['us']:9.1f}")
    lines += ["", f"ratio, from_json / json.loads: {results['ratio']:.2f}x"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=10_000, help="transcripts generated")
    parser.add_argument("--repeat", type=int, default=5, help="passes over all the lines")
    parser.add_argument("--seed", type=int, default=2026, help="the generator's seed")
    parser.add_argument("--quick", action="store_true", help="a tenth of the calls, 2 passes")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    calls, repeat = (max(args.calls // 10, 1), 2) if args.quick else (args.calls, args.repeat)
    results = run(calls, repeat, args.seed)
    print(report(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
