"""Benchmark SLA due-time computation on a business calendar against 24×7.

Run from the repository root::

    python benchmarks/bench_sla.py                   # 100,000 tickets, a few seconds
    python benchmarks/bench_sla.py --tickets 10000 --repeat 3 --json bench_sla.json

It needs only the project's own dependencies. One run draws ``--tickets``
inputs (seeded): a start time uniformly over 2026, as a Europe/London time,
and a target drawn from the 15 of ``DEFAULT_TARGETS`` (3 clocks × 5
priorities, 15 minutes to 40 hours). The same inputs are computed on two
calendars, in the same run:

business
    ``BusinessCalendar.weekly``: Monday to Friday 09:00-17:00, Europe/London,
    with the eight 2026 bank holidays of England.
24×7
    ``AlwaysOpen(zone="Europe/London")``.

The figures, in µs per ticket:

calendar.add (cold)
    one pass over all inputs on a new calendar: for the business calendar this
    includes generating each week's opening periods (``dateutil.rrule``) the
    first time the week is asked for.
calendar.add
    the best (minimum) of ``--repeat`` further passes (timeit: garbage
    collector off), with the weeks cached.
clock start + due()
    the same, through ``SlaClock.start(...).due()``: what a ticket pays for its
    due time, clock construction and validation included.

The ratio is business / 24×7. Before timing, the run checks that every
business due time is no earlier than the 24×7 one and lies in business hours.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
import timeit
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callflow.calendars import AlwaysOpen, BusinessCalendar, Calendar
from callflow.sla import DEFAULT_TARGETS, ClockKind, SlaClock

ZONE = "Europe/London"
HOLIDAYS_2026 = (
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
)
TARGETS: tuple[timedelta, ...] = tuple(
    target.for_kind(kind) for target in DEFAULT_TARGETS.values() for kind in ClockKind
)

Inputs = list[tuple[datetime, timedelta]]


def business() -> BusinessCalendar:
    return BusinessCalendar.weekly(
        open=clock_time(9), close=clock_time(17), holidays=HOLIDAYS_2026, zone=ZONE
    )


def always() -> AlwaysOpen:
    return AlwaysOpen(zone=ZONE)


def draw_inputs(tickets: int, seed: int) -> Inputs:
    """``tickets`` (start, target) pairs: starts over 2026 in London, targets from the defaults."""
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    year_start = datetime(2026, 1, 1, tzinfo=zone)
    seconds = 365 * 24 * 3600
    return [
        (
            (year_start + timedelta(seconds=rng.randrange(seconds))).astimezone(zone),
            rng.choice(TARGETS),
        )
        for _ in range(tickets)
    ]


def by_add(calendar: Calendar, inputs: Inputs) -> Callable[[], list[datetime]]:
    add = calendar.add

    def run() -> list[datetime]:
        return [add(start, target) for start, target in inputs]

    return run


def by_clock(calendar: Calendar, inputs: Inputs) -> Callable[[], list[datetime | None]]:
    start_clock, kind = SlaClock.start, ClockKind.RESOLUTION

    def run() -> list[datetime | None]:
        return [
            start_clock(kind, target, start, calendar=calendar).due() for start, target in inputs
        ]

    return run


def check(inputs: Inputs) -> None:
    """Fail loudly if the business due times are not what they should be."""
    office, nonstop = business(), always()
    for (start, target), due, plain in zip(
        inputs, by_add(office, inputs)(), by_add(nonstop, inputs)(), strict=True
    ):
        if due < plain or office.between(start, due) != target:
            raise RuntimeError(f"wrong due time {due} for {start} + {target}")
        if not any(o < due <= c for o, c in office.periods(due - timedelta(days=1), due)):
            raise RuntimeError(f"due time {due} for {start} + {target} is outside business hours")


def per_ticket_us(seconds: float, tickets: int) -> float:
    return seconds / tickets * 1e6


def measure(tickets: int, repeat: int, seed: int) -> dict[str, Any]:
    """Time every figure on the same inputs; return them as plain data (µs per ticket)."""
    started = time.perf_counter()
    inputs = draw_inputs(tickets, seed)
    check(inputs[: min(tickets, 5000)])
    figures: dict[str, dict[str, float]] = {}
    for name, make in (("business", business), ("24x7", always)):
        calendar = make()
        cold = timeit.Timer(by_add(calendar, inputs)).timeit(number=1)
        warm = min(timeit.Timer(by_add(calendar, inputs)).repeat(repeat=repeat, number=1))
        clock = min(timeit.Timer(by_clock(calendar, inputs)).repeat(repeat=repeat, number=1))
        figures[name] = {
            "add_cold_us": per_ticket_us(cold, tickets),
            "add_us": per_ticket_us(warm, tickets),
            "clock_due_us": per_ticket_us(clock, tickets),
        }
    return {
        "meta": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "python-dateutil": version("python-dateutil"),
            "tickets": tickets,
            "repeat": repeat,
            "seed": seed,
            "seconds": round(time.perf_counter() - started, 1),
        },
        "us_per_ticket": figures,
    }


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def report(results: dict[str, Any]) -> str:
    meta, figures = results["meta"], results["us_per_ticket"]
    business_, nonstop = figures["business"], figures["24x7"]
    rows = [
        [
            label,
            f"{business_[key]:.2f}",
            f"{nonstop[key]:.2f}",
            f"{business_[key] / nonstop[key]:.1f}x",
        ]
        for label, key in (
            ("calendar.add (cold)", "add_cold_us"),
            ("calendar.add", "add_us"),
            ("clock start + due()", "clock_due_us"),
        )
    ]
    return "\n".join(
        [
            f"callflow SLA benchmark: Python {meta['python']} ({meta['implementation']}),"
            f" python-dateutil {meta['python-dateutil']}",
            f"{meta['platform']}; run took {meta['seconds']} s",
            f"{meta['tickets']:,} tickets (seed {meta['seed']}), best of {meta['repeat']} passes;"
            " business = Mon-Fri 09:00-17:00 Europe/London, 8 holidays",
            "",
            _table(["µs per ticket", "business", "24x7", "business/24x7"], rows),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=100_000, help="inputs per pass")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (best is kept)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the drawn inputs")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if min(args.tickets, args.repeat) < 1:
        parser.error("--tickets and --repeat must be positive")
    results = measure(args.tickets, args.repeat, args.seed)
    print(report(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
