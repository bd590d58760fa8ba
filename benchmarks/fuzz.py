"""Fuzz callflow's public entry points 100,000 times or more and count what happens (issue 9).

Run from the repository root::

    python benchmarks/fuzz.py                          # 100,000 library calls, a few minutes
    python benchmarks/fuzz.py --cases 20000 --seed 7   # a quicker run, another draw
    python benchmarks/fuzz.py --json fuzz.json         # the counts and the defects, as JSON

It needs the testing kit (``pip install -e '.[testing]'``): the machinery is
the one ``tests/test_fuzz.py`` uses, ``tests/fuzzing.py`` (imported with the
repository root put on ``sys.path``), driven here by :mod:`random` instead of
Hypothesis, which is faster and does not stop at the first failure.

The library calls are shared among the generators (``--cases`` counts them
all): every public entry point with one bad argument at a time (the largest
share, the entry points taken in turn), calls driven through random events
while someone else moves their ticket, replays of doctored histories, random
JSON for the loaders, random text for the parsers, degenerate calendars, and
book readers given a book that returns every ticket.

It prints a table per entry point (calls, accepted, refused, escapes by
exception type, hangs over one second, refusals that changed state, leaks)
with the totals, then every distinct defect with its shortest reproduction.
The exit status is 1 if anything escaped, hung, changed state or leaked.

A hang costs a second: pathological inputs (a million days on a business
calendar...) are drawn rarely, and an input that hung once is counted as a
hang again without being run again (the table says how many were not re-run).
"""

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import fuzzing
from tests.fuzzing import Chooser, Entry, RandomChooser, Result, Tally

SHARES = {
    "entry points": 52,
    "call stories": 22,
    "replays": 8,
    "loaders": 7,
    "parsers": 6,
    "leaks": 4,
    "calendars": 1,
}
"""How the library calls are shared among the generators (in proportion)."""


class Runner:
    """Draws cases from every generator in turn, in proportion to :data:`SHARES`."""

    def __init__(self, rng: random.Random, tally: Tally) -> None:
        self.rng = rng
        self.chooser: Chooser = RandomChooser(rng)
        self.tally = tally
        self.calls = 0
        self.harness_errors = 0
        self.entries = list(fuzzing.discover())
        self.turn: dict[str, int] = {}

    def _next(self, name: str, items: list[Entry]) -> Entry:
        index = self.turn.get(name, 0)
        self.turn[name] = index + 1
        if index % len(items) == 0:
            self.rng.shuffle(items)
        return items[index % len(items)]

    def _count(self, source: str) -> Callable[[Result], None]:
        def add(result: Result) -> None:
            self.calls += 1
            self.tally.add(result, source)

        return add

    def step(self, source: str) -> None:
        """One case (or one story) from ``source``."""
        add = self._count(source)
        try:
            if source == "entry points":
                add(fuzzing.entry_case(self._next(source, self.entries), self.chooser))
            elif source == "call stories":
                fuzzing.run_story(self.chooser, add)
            elif source == "replays":
                add(fuzzing.replay_case(self.chooser))
            elif source == "loaders":
                add(fuzzing.loader_case(self._next(source, list(fuzzing.loaders())), self.chooser))
            elif source == "parsers":
                add(fuzzing.parser_case(self._next(source, list(fuzzing.parsers())), self.chooser))
            elif source == "leaks":
                entry = self._next(source, list(fuzzing.book_readers()))
                add(fuzzing.leak_case(entry, self.chooser))
            else:
                add(fuzzing.calendar_case(self.chooser))
        except Exception as error:  # a fault of the harness, not of callflow: say so, go on
            self.harness_errors += 1
            if self.harness_errors <= 5:
                print(
                    f"HARNESS ERROR in {source}: {type(error).__name__}: {error}", file=sys.stderr
                )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="library calls to make")
    parser.add_argument("--seed", type=int, default=0, help="the random seed")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    tally = Tally()
    runner = Runner(rng, tally)
    sources = list(SHARES)
    per_source = dict.fromkeys(sources, 0)
    started = time.perf_counter()
    milestone = 10_000
    while runner.calls < args.cases:
        # The generator furthest behind its share goes next, whatever a story's length.
        source = min(sources, key=lambda s: per_source[s] / SHARES[s])
        before = runner.calls
        runner.step(source)
        per_source[source] += runner.calls - before or 1
        if runner.calls >= milestone:
            elapsed = time.perf_counter() - started
            print(f"{runner.calls} calls, {elapsed:.0f} s", file=sys.stderr)
            milestone += 10_000
    elapsed = time.perf_counter() - started

    print(tally.table())
    print()
    print(f"{runner.calls} library calls in {elapsed:.1f} s (seed {args.seed});"
          f" by generator: {dict(tally.sources)}")  # fmt: skip
    print(f"hangs counted without running their input again: {fuzzing.hangs_not_rerun()}")
    if runner.harness_errors:
        print(f"harness errors (not callflow's): {runner.harness_errors}")
    print()
    print(f"{len(tally.defects)} distinct defects:")
    print(tally.report())
    if args.json is not None:
        data = tally.to_json()
        data.update(calls=runner.calls, seconds=round(elapsed, 1), seed=args.seed,
                    harness_errors=runner.harness_errors)  # fmt: skip
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
