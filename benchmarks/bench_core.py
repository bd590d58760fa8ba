"""Benchmark callflow's core against plain ``transitions`` and a bare dict table.

Run from the repository root::

    python benchmarks/bench_core.py                  # full run (well under a minute)
    python benchmarks/bench_core.py --quick          # smoke run, a few seconds
    python benchmarks/bench_core.py --calls 10000 --events-rounds 2000 --json bench.json

It needs only the project's own dependencies (attrs, transitions) and the
standard library. One run measures the same call procedure (``PROCEDURE``)
implemented four ways:

callflow
    ``callflow.Call`` in strict mode: legality and guards decided from the
    table, history and findings recorded, the move done by the shared engine.
A: one transitions Machine per call
    ``transitions.Machine(model=obj, ...)`` built from the same table for every
    call, on a plain object (transitions cannot inject methods into a slotted
    attrs class); events fired through the injected trigger methods.
B: plain dict table
    a slotted attrs class with one ``stage`` field and a module-level dict
    ``{(stage, event): dest}``; no history, no guards. This is the floor.
C: one shared Machine, ``add_model`` per call (memory figures only)
    the pattern callflow avoids: every call is added to one machine and never
    removed, so the machine keeps every call alive.

The figures:

create (µs)
    the time to make a new call: the best (minimum) of ``--repeat`` timeit
    repeats of ``--events-rounds`` creations, divided by the round count
    (timeit switches the garbage collector off while it times). Baseline A
    costs ~100x more per call, so it is timed over a tenth of the rounds.
per event (µs)
    the time to create a call and drive it along the 9-event legal path
    (answer, identify (verified), listen, troubleshoot, diagnose, propose,
    implement, goodbye (confirmed, asked), hang_up), minus the create time
    measured in the same run, divided by 9. The baselines ignore the
    events' arguments.
bytes per live call
    ``tracemalloc``: ``--calls`` calls created and driven to DIAGNOSIS
    (answer, identify, listen, troubleshoot, diagnose) and kept alive in a
    list; (traced memory with the list - traced memory before) / calls, both
    readings taken after ``gc.collect()``. Includes the list's 8-byte slot.
    Baselines A and C build ~45 KB and ~13 KB of transitions objects per
    call, which tracemalloc makes slow to allocate and to snapshot, so they
    are measured over a tenth of ``--calls``; the figure is per call anyway.
in transitions (bytes per call)
    the part of the above allocated by code inside the ``transitions``
    package (snapshot filtered on its directory, after minus before): the
    machine overhead each call carries.
retained after del
    after ``del`` of the list and ``gc.collect()``: traced memory minus the
    before reading, per call, and how many of the calls are still alive
    (checked with weak references). CPython's type attribute cache is emptied
    before each reading: it holds on to recently looked-up attribute-name
    strings, a bounded interpreter cache that would otherwise show up as a
    few bytes "retained". The target counts as met when no call is alive
    and under 1 byte per call is left.
engine alone
    the shared-machine cost of one move on a slotted attrs model with a
    ``_stage`` attribute: ``Event.trigger(model)`` against
    ``Machine.set_state(dest, model)`` (what callflow uses) against a bare
    ``setattr``, per event along the same 9-event path. The per-event
    breakdown of callflow comes from timing the path's prefixes (create + the
    first k events) and taking differences; it includes a small step-call
    overhead and is noisier than the totals.

Ratios are baseline / callflow: above 1 means callflow is faster or smaller.
The targets are those of the performance issue: create <= 5 µs, machine
overhead <= 1 KB per call, <= 15 µs per event, 0 bytes retained.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import timeit
import tracemalloc
import weakref
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import attrs
import transitions
from transitions import Machine

from callflow import PROCEDURE, Agent, Call, Caller, Stage

# -- the shared procedure -------------------------------------------------------

AGENT = Agent(name="Bill", organisation="ACME Corp")
CALLER = Caller(name="Ana Souza", user_id="E1234")

PATH: tuple[str, ...] = (
    "answer",
    "identify",
    "listen",
    "troubleshoot",
    "diagnose",
    "propose",
    "implement",
    "goodbye",
    "hang_up",
)
"""The legal path every implementation is driven along."""
MID_CALL = PATH[:5]
"""The prefix that leaves a call in DIAGNOSIS, for the memory figures."""

STATES: list[Stage] = list(PROCEDURE.states)
INITIAL: Stage = PROCEDURE.initial
ROWS: list[dict[str, Any]] = [
    {"trigger": row.event, "source": row.source, "dest": None if row.internal else row.dest}
    for row in PROCEDURE.transitions
]
"""The table as ``transitions`` rows; internal rows have no destination."""

TRANSITIONS_DIR = os.path.dirname(os.path.abspath(transitions.__file__))


def _path_dests() -> tuple[Stage, ...]:
    stage, dests = INITIAL, []
    for event in PATH:
        row = PROCEDURE.transition(stage, event)
        if row is None:
            raise RuntimeError(f"PATH is not legal: {event!r} in {stage.name}")
        stage = row.dest
        dests.append(stage)
    return tuple(dests)


PATH_DESTS = _path_dests()
MID_CALL_STAGE = PATH_DESTS[len(MID_CALL) - 1]

# -- callflow -------------------------------------------------------------------


def callflow_create() -> Call:
    return Call(agent=AGENT)


def callflow_path() -> Call:
    call = callflow_create()
    call.answer()
    call.identify(CALLER, verified=True)
    call.listen("the printer prints blank pages")
    call.troubleshoot("restarted the print spooler")
    call.diagnose("stale printer driver")
    call.propose("reinstall the printer driver")
    call.implement("reinstalled the printer driver")
    call.goodbye(resolution_confirmed=True, anything_else_asked=True)
    call.hang_up()
    return call


def callflow_mid() -> Call:
    call = callflow_create()
    call.answer()
    call.identify(CALLER, verified=True)
    call.listen("the printer prints blank pages")
    call.troubleshoot("restarted the print spooler")
    call.diagnose("stale printer driver")
    return call


CALLFLOW_STEPS: tuple[Callable[[Call], None], ...] = (
    lambda call: call.answer(),
    lambda call: call.identify(CALLER, verified=True),
    lambda call: call.listen("the printer prints blank pages"),
    lambda call: call.troubleshoot("restarted the print spooler"),
    lambda call: call.diagnose("stale printer driver"),
    lambda call: call.propose("reinstall the printer driver"),
    lambda call: call.implement("reinstalled the printer driver"),
    lambda call: call.goodbye(resolution_confirmed=True, anything_else_asked=True),
    lambda call: call.hang_up(),
)
"""The path as steps, for the per-event breakdown."""

# -- baseline A: one transitions Machine per call ---------------------------------


class MachineCall:
    """A plain model for transitions: it injects trigger methods into ``__dict__``."""


def machine_create() -> Any:
    model = MachineCall()
    Machine(model=model, states=STATES, transitions=ROWS, initial=INITIAL, auto_transitions=False)
    return model


def machine_path() -> Any:
    call = machine_create()
    call.answer()
    call.identify()
    call.listen()
    call.troubleshoot()
    call.diagnose()
    call.propose()
    call.implement()
    call.goodbye()
    call.hang_up()
    return call


def machine_mid() -> Any:
    call = machine_create()
    call.answer()
    call.identify()
    call.listen()
    call.troubleshoot()
    call.diagnose()
    return call


# -- baseline B: a dict transition table on a slotted attrs class ----------------


@attrs.define(slots=True)
class PlainCall:
    stage: Stage


TABLE: dict[tuple[Stage, str], Stage] = {
    (row.source, row.event): row.dest for row in PROCEDURE.transitions
}


class IllegalEventError(Exception):
    """The dict baseline's only check: the event is not in the table for this stage."""


def fire(call: PlainCall, event: str) -> None:
    try:
        call.stage = TABLE[call.stage, event]
    except KeyError:
        raise IllegalEventError(f"{event!r} refused in {call.stage.name}") from None


def plain_create() -> PlainCall:
    return PlainCall(INITIAL)


def plain_path() -> PlainCall:
    call = plain_create()
    fire(call, "answer")
    fire(call, "identify")
    fire(call, "listen")
    fire(call, "troubleshoot")
    fire(call, "diagnose")
    fire(call, "propose")
    fire(call, "implement")
    fire(call, "goodbye")
    fire(call, "hang_up")
    return call


def plain_mid() -> PlainCall:
    call = plain_create()
    fire(call, "answer")
    fire(call, "identify")
    fire(call, "listen")
    fire(call, "troubleshoot")
    fire(call, "diagnose")
    return call


# -- baseline C: one shared Machine, add_model per call, never removed -----------


def shared_machine() -> Machine:
    return Machine(
        model=None, states=STATES, transitions=ROWS, initial=INITIAL, auto_transitions=False
    )


def shared_mid_factory(machine: Machine) -> Callable[[], Any]:
    def shared_mid() -> Any:
        call: Any = MachineCall()  # transitions injects the trigger methods
        machine.add_model(call)
        call.answer()
        call.identify()
        call.listen()
        call.troubleshoot()
        call.diagnose()
        return call

    return shared_mid


# -- the engine alone ------------------------------------------------------------


@attrs.define(slots=True)
class EngineSubject:
    """A slotted model like ``Call``: the machine only reads and sets ``_stage``."""

    _stage: Stage = INITIAL


def engine_machine() -> Machine:
    """The same machine callflow's engine builds: shared, no model, ``_stage`` attribute."""
    return Machine(
        model=None,
        states=STATES,
        initial=INITIAL,
        transitions=ROWS,
        auto_transitions=False,
        model_attribute="_stage",
    )


def engine_runners(machine: Machine) -> dict[str, Callable[[], object]]:
    subject = EngineSubject()
    triggers = tuple(machine.events[event].trigger for event in PATH)
    set_state = machine.set_state
    dests = PATH_DESTS

    def by_trigger() -> object:
        subject._stage = INITIAL
        for trigger in triggers:
            trigger(subject)
        return subject

    def by_set_state() -> object:
        subject._stage = INITIAL
        for dest in dests:
            set_state(dest, subject)
        return subject

    def by_setattr() -> object:
        subject._stage = INITIAL
        for dest in dests:
            subject._stage = dest
        return subject

    runners: dict[str, Callable[[], object]] = {
        "Event.trigger": by_trigger,
        "Machine.set_state": by_set_state,
        "setattr": by_setattr,
    }
    for name, runner in runners.items():
        runner()
        if subject._stage is not PATH_DESTS[-1]:
            raise RuntimeError(f"engine by {name} ended in {subject._stage}, not {PATH_DESTS[-1]}")
    return runners


def check_paths() -> None:
    """Fail loudly if an implementation does not walk the path as expected."""
    call = callflow_path()
    if call.stage is not PATH_DESTS[-1] or call.findings or len(call.history) != len(PATH) + 1:
        raise RuntimeError(f"callflow path went wrong: {call!r} {call.findings}")
    for name, end in (("A", machine_path().state), ("B", plain_path().stage)):
        if end is not PATH_DESTS[-1]:
            raise RuntimeError(f"baseline {name} ended in {end}, not {PATH_DESTS[-1]}")
    try:
        fire(plain_create(), "hang_up")
    except IllegalEventError:
        pass
    else:
        raise RuntimeError("baseline B accepted an illegal event")


# -- measuring ------------------------------------------------------------------


@attrs.frozen
class Timing:
    """Seconds per call of a timed function: the best and the median of the repeats."""

    best: float
    median: float


def time_interleaved(
    funcs: Sequence[Callable[[], object]], number: int, repeat: int
) -> list[Timing]:
    """timeit each function (gc off while timing): seconds per call, repeats taken in turn.

    Interleaving keeps figures that are subtracted from each other (create
    and create + path) exposed to the same machine load.
    """
    timers = [timeit.Timer(func) for func in funcs]
    for func in funcs:
        func()  # warm up
    runs: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for timer, times in zip(timers, runs, strict=True):
            times.append(timer.timeit(number) / number)
    return [Timing(best=min(times), median=statistics.median(times)) for times in runs]


@attrs.frozen
class Speed:
    """Timing figures of one implementation, in µs (best and median of the repeats)."""

    create_us: float
    create_median_us: float
    event_us: float
    event_median_us: float
    rounds: int


def measure_speed(
    create: Callable[[], object], path: Callable[[], object], rounds: int, repeat: int
) -> Speed:
    """Create time, and per-event time along PATH with the create time subtracted."""
    made, driven = time_interleaved([create, path], rounds, repeat)
    return Speed(
        create_us=made.best * 1e6,
        create_median_us=made.median * 1e6,
        event_us=(driven.best - made.best) / len(PATH) * 1e6,
        event_median_us=(driven.median - made.median) / len(PATH) * 1e6,
        rounds=rounds,
    )


@attrs.frozen
class Memory:
    """Memory figures of one implementation, in bytes."""

    calls: int
    per_call: float
    transitions_per_call: float
    retained_per_call: float
    retained_total: int
    alive_after_del: int
    stage_ok: bool


def _transitions_bytes(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes traced to files of the transitions package (faster than ``filter_traces``)."""
    inside = f"{TRANSITIONS_DIR}{os.sep}"
    return sum(
        stat.size
        for stat in snapshot.statistics("filename")
        if stat.traceback[0].filename.startswith(inside)
    )


def _traced_now() -> int:
    """Traced bytes after a full collection, with CPython's type attribute cache emptied.

    That cache keeps a reference to the last attribute-name strings looked up
    (``"utcoffset"`` built afresh by ``datetime``, ``"on_enter_GREETING"`` built
    by transitions...): up to a few thousand small strings that would otherwise
    show as bytes "retained" by calls that are gone.
    """
    gc.collect()
    sys._clear_type_cache()
    return tracemalloc.get_traced_memory()[0]


def measure_memory(
    new_maker: Callable[[], Callable[[], Any]], calls: int, stage_of: Callable[[Any], Any]
) -> Memory:
    """Live, transitions-attributed and retained bytes per call of ``calls`` mid-calls.

    ``new_maker`` returns a fresh function making one mid-call (baseline C
    needs a fresh shared machine each time); a small untraced batch warms up
    the code paths first.
    """
    warm_up = new_maker()
    batch = [warm_up() for _ in range(min(calls, 100))]
    del batch, warm_up
    make_mid = new_maker()
    tracemalloc.start()
    try:
        snapshot_before = tracemalloc.take_snapshot()
        before = _traced_now()
        live = [make_mid() for _ in range(calls)]
        with_list = _traced_now()
        snapshot_after = tracemalloc.take_snapshot()
        in_transitions = _transitions_bytes(snapshot_after) - _transitions_bytes(snapshot_before)
        del snapshot_after
        stage_ok = all(stage_of(call) is MID_CALL_STAGE for call in live)
        refs = [weakref.ref(call) for call in live]
        del live
        gc.collect()
        alive = sum(ref() is not None for ref in refs)
        del refs
        retained = _traced_now() - before
        del snapshot_before
    finally:
        tracemalloc.stop()
    return Memory(
        calls=calls,
        per_call=(with_list - before) / calls,
        transitions_per_call=in_transitions / calls,
        retained_per_call=retained / calls,
        retained_total=retained,
        alive_after_del=alive,
        stage_ok=stage_ok,
    )


def callflow_breakdown(rounds: int, repeat: int) -> dict[str, float]:
    """µs per callflow event, from the differences of timed path prefixes."""

    def prefix(k: int) -> Callable[[], object]:
        steps = CALLFLOW_STEPS[:k]

        def run() -> object:
            call = callflow_create()
            for step in steps:
                step(call)
            return call

        return run

    timings = time_interleaved([prefix(k) for k in range(len(PATH) + 1)], rounds, repeat)
    totals = [timing.best for timing in timings]
    return {event: (totals[i + 1] - totals[i]) * 1e6 for i, event in enumerate(PATH)}


# -- reporting ------------------------------------------------------------------

NAMES = {
    "callflow": "callflow",
    "machine_per_call": "A: Machine/call",
    "dict_table": "B: dict table",
    "shared_add_model": "C: shared+add_model",
}


def _us(value: float) -> str:
    return f"{value:,.2f}"


def _bytes(value: float) -> str:
    return f"{value:,.0f}"


def _ratio(baseline: float, ours: float, better: str, worse: str, floor: float = 0.0) -> str:
    """``baseline / ours`` in words; values under ``floor`` count as 0 (measurement noise)."""
    baseline, ours = max(baseline, 0.0), max(ours, 0.0)
    if baseline <= floor and ours <= floor:
        return "both 0"
    if ours <= floor:
        return f"callflow 0 vs {baseline:,.0f}"
    if baseline <= floor:
        return f"baseline 0 vs {ours:,.0f}"
    factor = baseline / ours
    return f"{factor:,.1f}x {better}" if factor >= 1 else f"{1 / factor:,.1f}x {worse}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)


def run(calls: int, rounds: int, repeat: int) -> dict[str, Any]:
    """Measure everything once; return the figures as plain data."""
    started = time.perf_counter()
    check_paths()
    a_rounds = max(1, rounds // 10)
    speed = {
        "callflow": measure_speed(callflow_create, callflow_path, rounds, repeat),
        "machine_per_call": measure_speed(machine_create, machine_path, a_rounds, repeat),
        "dict_table": measure_speed(plain_create, plain_path, rounds, repeat),
    }
    breakdown = callflow_breakdown(max(1, rounds // 2), repeat)
    runners = engine_runners(engine_machine())
    engine = {
        name: timing.best / len(PATH) * 1e6
        for name, timing in zip(
            runners, time_interleaved(list(runners.values()), rounds, repeat), strict=True
        )
    }

    machine_calls = max(1, calls // 10)
    memory = {
        "callflow": measure_memory(lambda: callflow_mid, calls, lambda call: call.stage),
        "machine_per_call": measure_memory(
            lambda: machine_mid, machine_calls, lambda call: call.state
        ),
        "dict_table": measure_memory(lambda: plain_mid, calls, lambda call: call.stage),
        # each maker gets a new machine, dropped (with the calls it kept alive) afterwards
        "shared_add_model": measure_memory(
            lambda: shared_mid_factory(shared_machine()), machine_calls, lambda call: call.state
        ),
    }
    gc.collect()

    for name, figures in memory.items():
        if not figures.stage_ok:
            raise RuntimeError(f"{name}: the calls did not reach {MID_CALL_STAGE.name}")
    return {
        "meta": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "transitions": version("transitions"),
            "attrs": version("attrs"),
            "calls": calls,
            "machine_calls": machine_calls,
            "events_rounds": rounds,
            "machine_per_call_rounds": a_rounds,
            "repeat": repeat,
            "timing": "best (min) of the repeats; medians kept as *_median_us",
            "path": list(PATH),
            "mid_call_stage": MID_CALL_STAGE.name,
            "seconds": round(time.perf_counter() - started, 1),
        },
        "speed": {name: attrs.asdict(figures) for name, figures in speed.items()},
        "memory": {name: attrs.asdict(figures) for name, figures in memory.items()},
        "callflow_event_breakdown_us": breakdown,
        "engine_us_per_event": engine,
    }


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The issue's targets: (what, measured, passed)."""
    speed, memory = results["speed"]["callflow"], results["memory"]["callflow"]
    return [
        ("create <= 5 µs", f"{speed['create_us']:.2f} µs", speed["create_us"] <= 5),
        (
            "machine overhead <= 1 KB per call",
            f"{memory['transitions_per_call']:,.0f} B",
            memory["transitions_per_call"] <= 1024,
        ),
        ("<= 15 µs per event", f"{speed['event_us']:.2f} µs", speed["event_us"] <= 15),
        (
            "0 bytes retained",
            f"{memory['retained_total']:,} B total, {memory['alive_after_del']} calls alive",
            memory["alive_after_del"] == 0 and memory["retained_per_call"] < 1,
        ),
    ]


def report(results: dict[str, Any]) -> str:
    """The figures as readable tables."""
    meta, speed, memory = results["meta"], results["speed"], results["memory"]
    out = [
        f"callflow core benchmark: Python {meta['python']} ({meta['implementation']}),"
        f" transitions {meta['transitions']}, attrs {meta['attrs']}",
        f"{meta['platform']}, {meta['cpus']} CPUs; run took {meta['seconds']} s",
        f"timing: best (min) of {meta['repeat']} timeit repeats of {meta['events_rounds']:,}"
        f" calls (A: {meta['machine_per_call_rounds']:,}), gc off; path = {len(PATH)} events",
        f"memory: tracemalloc over {meta['calls']:,} live calls (A and C:"
        f" {meta['machine_calls']:,}) driven to {meta['mid_call_stage']}",
        "",
    ]

    def cell(section: dict[str, Any], name: str, key: str, fmt: Callable[[float], str]) -> str:
        return fmt(section[name][key]) if name in section else "-"

    def total(name: str) -> str:
        if name not in speed:
            return "-"
        return _us(speed[name]["create_us"] + len(PATH) * speed[name]["event_us"])

    rows = [
        ["create (µs)", *(cell(speed, n, "create_us", _us) for n in NAMES)],
        ["per event (µs)", *(cell(speed, n, "event_us", _us) for n in NAMES)],
        ["whole 9-event call (µs)", *(total(n) for n in NAMES)],
        ["bytes per live call", *(cell(memory, n, "per_call", _bytes) for n in NAMES)],
        [
            "  of which in transitions",
            *(cell(memory, n, "transitions_per_call", _bytes) for n in NAMES),
        ],
        [
            "retained after del (B/call)",
            *(cell(memory, n, "retained_per_call", _bytes) for n in NAMES),
        ],
        [
            "calls alive after del",
            *(f"{memory[n]['alive_after_del']:,}/{memory[n]['calls']:,}" for n in NAMES),
        ],
    ]
    out += [_table(["per call", *NAMES.values()], rows), ""]

    ours_s, ours_m = speed["callflow"], memory["callflow"]
    ratio_rows = []
    for name in ("machine_per_call", "dict_table", "shared_add_model"):
        m = memory[name]
        row = [NAMES[name]]
        if name in speed:
            s = speed[name]
            row += [
                _ratio(s["create_us"], ours_s["create_us"], "faster", "slower"),
                _ratio(s["event_us"], ours_s["event_us"], "faster", "slower"),
            ]
        else:
            row += ["-", "-"]
        row += [
            _ratio(m["per_call"], ours_m["per_call"], "smaller", "larger", floor=1),
            _ratio(
                m["transitions_per_call"], ours_m["transitions_per_call"], "less", "more", floor=1
            ),
            _ratio(m["retained_per_call"], ours_m["retained_per_call"], "less", "more", floor=1),
        ]
        ratio_rows.append(row)
    out += [
        "callflow against each baseline (baseline / callflow; values under 1 B/call count as 0)",
        _table(
            ["vs", "create", "per event", "live bytes", "in transitions", "retained"], ratio_rows
        ),
        "",
    ]

    breakdown = results["callflow_event_breakdown_us"]
    out += [
        "callflow per event (µs; differences of timed path prefixes, includes a step call)",
        _table(list(breakdown), [[_us(v) for v in breakdown.values()]]),
        f"sum {sum(breakdown.values()):.2f} µs; the path timing above gives"
        f" {len(PATH) * ours_s['event_us']:.2f} µs (a large gap means a noisy machine)",
        "",
    ]

    engine = results["engine_us_per_event"]
    out += [
        "engine alone, shared machine, slotted attrs model with _stage (µs per event)",
        _table(
            ["move", "measured"],
            [
                ["Event.trigger(model)", _us(engine["Event.trigger"])],
                [
                    "Machine.set_state(dest, model) (callflow's move)",
                    _us(engine["Machine.set_state"]),
                ],
                ["bare setattr (floor)", _us(engine["setattr"])],
            ],
        ),
        f"set_state is {engine['Event.trigger'] / engine['Machine.set_state']:.1f}x cheaper"
        " than Event.trigger",
        "",
    ]

    out += [
        "targets (callflow)",
        _table(
            ["target", "measured", "result"],
            [[what, got, "PASS" if ok else "FAIL"] for what, got, ok in targets(results)],
        ),
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--calls", type=int, default=10_000, help="live calls for the memory figures"
    )
    parser.add_argument(
        "--events-rounds", type=int, default=2000, help="calls per timeit repeat (A: a tenth)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats")
    parser.add_argument("--quick", action="store_true", help="a tenth of the work, 3 repeats")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    calls, rounds, repeat = args.calls, args.events_rounds, args.repeat
    if args.quick:
        calls, rounds, repeat = max(1, calls // 10), max(10, rounds // 10), min(repeat, 3)
    if min(calls, rounds, repeat) < 1:
        parser.error("--calls, --events-rounds and --repeat must be positive")

    results = run(calls, rounds, repeat)
    results["targets"] = [
        {"target": what, "measured": got, "passed": ok} for what, got, ok in targets(results)
    ]
    print(report(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
