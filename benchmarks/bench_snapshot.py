"""Benchmark snapshots: a call in GOODBYE with 20 events, to JSON and back.

Run from the repository root::

    python benchmarks/bench_snapshot.py            # full run, a few seconds
    python benchmarks/bench_snapshot.py --quick    # smoke run
    python benchmarks/bench_snapshot.py --json snapshot.json

It measures, in one run, on the same call:

callflow snapshot
    ``callflow.snapshot.dumps(call)`` and ``loads(text)``: the restore
    parses the JSON and walks it for its size and depth, reads each record
    into its typed payload (its event's compiled reader; the careful codec
    for anything unusual), then replays the 20 records through the
    procedure (every guard, rule and check again) and compares each with
    the one it produced, which is what makes a tampered snapshot impossible
    to restore; the JSON's size in bytes (UTF-8).
pickle of the call
    ``pickle.dumps(call)`` / ``pickle.loads``: callflow pickles a call as its
    snapshot, so this is the snapshot plus pickle's framing.
transitions' own state dump
    the baseline: a ``transitions.Machine`` built from the same table, its
    model in GOODBYE, pickled and unpickled (``transitions`` documents pickle
    as the way to store a machine). It stores the machine and one state, not
    the call: no history, no findings, no checks on the way back.

Times are the best (minimum) of ``--repeat`` timeit repeats, per operation.
Ratios are ours / baseline. The issue's target: restore <= 100 µs.
"""

from __future__ import annotations

import argparse
import json
import pickle
import platform
import sys
import timeit
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transitions import Machine

from callflow import PROCEDURE, Agent, Call, Caller, ManualClock, Stage
from callflow import snapshot as snap

AGENT = Agent(name="Bill", organisation="ACME Corp")
CALLER = Caller(name="Ana Souza", user_id="E1234")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RESTORE_TARGET_US = 100.0


def goodbye_call() -> Call:
    """A strict call in GOODBYE with 20 records: the ring and 19 events."""
    clock = ManualClock(START)
    call = Call(AGENT, clock=clock, call_id="C-1")
    call.answer()
    call.identify(CALLER, verified=True)
    call.listen("The printer on floor 2 jams on every page")
    for step in range(6):
        clock.advance(seconds=20)
        call.troubleshoot(f"Tried fix number {step + 1}", result="It still jams")
    call.hold(reason="I will check the printer's logs", asked_permission=True)
    clock.advance(seconds=25)
    call.check_in()
    clock.advance(seconds=20)
    call.resume(thanked=True)
    call.diagnose("worn pick-up roller")
    call.propose("Replace the pick-up roller from the spares cupboard")
    call.implement("Replaced the pick-up roller")
    call.request_manager("The printer has failed three times this month")
    call.implement("Cleaned the paper path")
    call.goodbye(resolution_confirmed=True)
    call.goodbye(resolution_confirmed=True, anything_else_asked=True)
    if (len(call.history), call.stage) != (20, Stage.GOODBYE):
        raise RuntimeError(f"the call has {len(call.history)} records in {call.stage}")
    return call


class _Model:
    """A plain object for transitions to keep a state on (it cannot use slotted classes)."""


def goodbye_machine() -> Machine:
    rows = [
        {"trigger": row.event, "source": row.source, "dest": None if row.internal else row.dest}
        for row in PROCEDURE.transitions
    ]
    return Machine(
        model=_Model(),
        states=list(PROCEDURE.states),
        initial=Stage.GOODBYE,
        transitions=rows,
        auto_transitions=False,
    )


def best_us(function: Any, number: int, repeat: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number * 1e6


def run(number: int, repeat: int) -> dict[str, Any]:
    call = goodbye_call()
    text = snap.dumps(call)
    restored = snap.loads(text)
    if snap.dumps(restored) != text:
        raise RuntimeError("the restored call's snapshot differs")
    pickled = pickle.dumps(call)
    machine = goodbye_machine()
    dumped = pickle.dumps(machine)
    return {
        "events": len(call.history),
        "snapshot": {
            "dump_us": best_us(lambda: snap.dumps(call), number, repeat),
            "restore_us": best_us(lambda: snap.loads(text), number, repeat),
            "bytes": len(text.encode()),
        },
        "pickle": {
            "dump_us": best_us(lambda: pickle.dumps(call), number, repeat),
            "restore_us": best_us(lambda: pickle.loads(pickled), number, repeat),
            "bytes": len(pickled),
        },
        "transitions_pickle": {
            "dump_us": best_us(lambda: pickle.dumps(machine), number, repeat),
            "restore_us": best_us(lambda: pickle.loads(dumped), number, repeat),
            "bytes": len(dumped),
        },
    }


def report(results: dict[str, Any]) -> str:
    base = results["transitions_pickle"]
    lines = [
        f"a strict call in GOODBYE with {results['events']} records"
        f" (Python {platform.python_version()}, {platform.machine()})",
        "",
        f"{'':34} {'dump µs':>9} {'restore µs':>11} {'bytes':>7}",
    ]
    names = {
        "snapshot": "callflow snapshot (JSON, replayed)",
        "pickle": "pickle of the call",
        "transitions_pickle": "transitions Machine pickle (base)",
    }
    for key, name in names.items():
        row = results[key]
        lines.append(f"{name:34} {row['dump_us']:9.1f} {row['restore_us']:11.1f} {row['bytes']:7d}")
    ours = results["snapshot"]
    lines += [
        "",
        "ratios, callflow snapshot / transitions pickle:"
        f" dump {ours['dump_us'] / base['dump_us']:.2f}x,"
        f" restore {ours['restore_us'] / base['restore_us']:.2f}x,"
        f" bytes {ours['bytes'] / base['bytes']:.2f}x",
        f"target restore <= {RESTORE_TARGET_US:.0f} µs:"
        f" {ours['restore_us']:.1f} µs"
        f" {'PASS' if ours['restore_us'] <= RESTORE_TARGET_US else 'MISS'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--number", type=int, default=300, help="operations per timeit repeat")
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats")
    parser.add_argument("--quick", action="store_true", help="a tenth of the work, 3 repeats")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    number, repeat = (max(args.number // 10, 1), 3) if args.quick else (args.number, args.repeat)
    results = run(number, repeat)
    print(report(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
