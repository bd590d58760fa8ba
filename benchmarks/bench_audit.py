"""Benchmark the audit: transcripts per second, from JSON Lines to reports.

Run from the repository root::

    python benchmarks/bench_audit.py            # 10,000 calls
    python benchmarks/bench_audit.py --quick    # 1,000 calls, a smoke run
    python benchmarks/bench_audit.py --json audit.json

On the same generated 20-turn calls (``benchmarks/generated_calls.py``:
about 1.5k characters of words and 8-10 events each), in one run:

json.loads (baseline)
    parsing the lines and nothing else: no audit can be faster.
Transcript.from_json
    parsing and checking every field, the events' arguments typed.
audit of parsed calls
    the audit alone, on transcripts read already (the issue's first target:
    10,000 calls/s on one core).
from_json + audit, one process
    the whole audit of this issue: events replayed through the procedure,
    every registered check, findings placed on turns.
from_json + audit, ``--jobs 2``
    the same through ``callflow audit``'s process pool (2 processes).

Calls per second is the best of ``--repeat`` runs. Ratios are against the
``json.loads`` baseline measured in the same run.
"""

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_calls import generated_lines

from callflow.audit import AuditConfig, Transcript, audit
from callflow.audit.cli import _audited, _Item


def _best(run: Callable[[], object], calls: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return calls / best


def measure(count: int, repeat: int) -> dict[str, Any]:
    """Calls per second for each way, on ``count`` generated calls."""
    lines = generated_lines(count)
    config = AuditConfig()
    items = [_Item("bench", number, line) for number, line in enumerate(lines, start=1)]

    def parse() -> object:
        return [json.loads(line) for line in lines]

    def read() -> object:
        return [Transcript.from_json(line) for line in lines]

    transcripts = [Transcript.from_json(line) for line in lines]

    def audited_parsed() -> object:
        return [audit(transcript, config) for transcript in transcripts]

    def audited() -> object:
        return [audit(Transcript.from_json(line), config) for line in lines]

    def pooled() -> object:
        return list(_audited(items, config, 2))

    findings = sum(len(audit(Transcript.from_json(line), config).findings) for line in lines)
    rates = {
        "json.loads (baseline)": _best(parse, count, repeat),
        "Transcript.from_json": _best(read, count, repeat),
        "audit of parsed calls, one process": _best(audited_parsed, count, repeat),
        "from_json + audit, one process": _best(audited, count, repeat),
        "from_json + audit, --jobs 2": _best(pooled, count, max(1, repeat // 2)),
    }
    return {
        "calls": count,
        "mean_chars": sum(len(line) for line in lines) / count,
        "findings": findings,
        "calls_per_second": rates,
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 calls, one repeat")
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    count, repeat = (1_000, 1) if args.quick else (args.calls, args.repeat)
    result = measure(count, repeat)
    rates = result["calls_per_second"]
    baseline = rates["json.loads (baseline)"]
    print(
        f"{count} generated 20-turn calls, {result['mean_chars']:.0f} JSON characters each,"
        f" {result['findings']} findings (Python {result['python']})\n"
    )
    for name, rate in rates.items():
        print(f"  {name:34s} {rate:10,.0f} calls/s   {rate / baseline:6.3f}x json.loads")
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
