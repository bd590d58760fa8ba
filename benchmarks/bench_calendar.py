"""Benchmark business-time arithmetic over long spans: BusinessCalendar.add and between.

Run from the repository root::

    python benchmarks/bench_calendar.py                  # about half a minute
    python benchmarks/bench_calendar.py --starts 50 --json bench_calendar.json

It needs the project's dependencies and the ``holidays`` package (the
``callflow[holidays]`` extra). For each case below, ``--starts`` start times
are drawn (seeded) uniformly over 2026, in the calendar's zone; ``add(start,
span)`` and ``between(start, due)`` are timed on each, and the figure is the
mean µs per call of the best of ``--repeat`` passes, on a calendar that has
answered once already (its weeks and index built: what a long-lived SLA
policy pays). ``first`` is the first call on a new calendar in a zone not
sampled before in the process: it builds the part of the index it needs (the
zone's offset changes, a few years of holidays) and is shown for information.

Spans are open time: 100 years of office hours (100 × 365 days of open time)
run through about 420 years of weeks. The cases:

office
    Monday to Friday 09:00-17:00, Europe/London, 30 years of UK holidays
    (2026-2055, a set of dates): 1 day, 1 year and 100 years of open time.
one second
    open one second a week (Wednesday 12:00:00-12:00:01), Europe/London:
    1 day of open time is 86,400 weeks, about 1,660 years.
split shifts
    Monday to Saturday 08:00-12:00 and 13:00-17:30, Europe/Paris, 50 years
    of French holidays (2026-2075).
asked holidays
    the office in Europe/Rome with ``holidays.IT()`` itself, asked per date.

Each figure is compared with two baselines measured in the same run: 24×7
(``AlwaysOpen.add`` on the same starts and spans: the floor), and ``before``,
the week-walking algorithm callflow used until this benchmark was written
(copied below), run only where its walk is short enough to finish in a few
seconds. The target is under 1 ms a call.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
import timeit
from collections.abc import Callable, Container, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock_time
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

import holidays
from dateutil import rrule
from dateutil import tz as dateutil_tz

from callflow import _calendar_index
from callflow.calendars import AlwaysOpen, BusinessCalendar

TARGET_US = 1000.0
BEFORE_BUDGET_WEEKS = 1500
"""The old walk is run only when it walks at most this many weeks a call (a few seconds in all)."""
DAY = timedelta(days=1)
SPANS = {"1 day": DAY, "1 year": 365 * DAY, "100 years": 36_500 * DAY}


# -- the algorithm before: one local week at a time ----------------------------------------


class WeekWalking:
    """callflow's BusinessCalendar arithmetic before issue 9 (rrule weeks, walked one by one)."""

    def __init__(self, calendar: BusinessCalendar, days_off: Container[date]) -> None:
        self.zone, self.holidays = calendar.zone, days_off
        openings: dict[clock_time, list[int]] = {}
        for day, intervals in enumerate(calendar.hours):
            for opening, _ in intervals:
                openings.setdefault(opening, []).append(day)
        self.openings = sorted(openings.items())
        self.closes = {
            (d, o): c for d, intervals in enumerate(calendar.hours) for o, c in intervals
        }
        self.weeks: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    def _week(self, monday: date) -> tuple[tuple[datetime, datetime], ...]:
        periods = self.weeks.get(monday)
        if periods is None:
            if len(self.weeks) >= 1024:
                self.weeks.clear()
            periods = self.weeks[monday] = self._compute(monday)
        return periods

    def _compute(self, monday: date) -> tuple[tuple[datetime, datetime], ...]:
        start = datetime.combine(monday, clock_time())
        end = datetime.combine(monday + timedelta(days=6), clock_time(23, 59, 59))
        found = rrule.rruleset()
        for opening, days in self.openings:
            found.rrule(
                rrule.rrule(
                    rrule.DAILY,
                    dtstart=start,
                    until=end,
                    byweekday=days,
                    byhour=opening.hour,
                    byminute=opening.minute,
                    bysecond=opening.second,
                )
            )
        periods: list[tuple[datetime, datetime]] = []
        for local_open in found:
            day = local_open.date()
            if day in self.holidays:
                continue
            closing = self.closes[day.weekday(), local_open.time()]
            close_day = day + DAY if closing == clock_time() else day
            opens = self._instant(local_open)
            closes = self._instant(datetime.combine(close_day, closing))
            if periods and opens < periods[-1][1]:
                opens = periods[-1][1]
            if closes > opens:
                periods.append((opens, closes))
        return tuple(periods)

    def _instant(self, local: datetime) -> datetime:
        return dateutil_tz.resolve_imaginary(local.replace(tzinfo=self.zone)).astimezone(UTC)

    def _monday(self, instant: datetime) -> date:
        day = instant.astimezone(self.zone).date()
        return day - timedelta(days=day.weekday())

    def add(self, start: datetime, duration: timedelta) -> datetime:
        cursor, left = start.astimezone(UTC), duration
        monday = self._monday(cursor)
        while True:
            for opens, closes in self._week(monday):
                if closes <= cursor:
                    continue
                begin = max(opens, cursor)
                if left <= closes - begin:
                    return (begin + left).astimezone(self.zone)
                left -= closes - begin
            monday += timedelta(days=7)

    def between(self, start: datetime, end: datetime) -> timedelta:
        begin, finish = start.astimezone(UTC), end.astimezone(UTC)
        total, monday, last = timedelta(0), self._monday(begin), self._monday(finish)
        while monday <= last:
            for opens, closes in self._week(monday):
                if closes <= begin:
                    continue
                if opens >= finish:
                    return total
                total += min(closes, finish) - max(opens, begin)
            monday += timedelta(days=7)
        return total


# -- the cases ------------------------------------------------------------------------------


class Case(NamedTuple):
    name: str
    make: Callable[[], BusinessCalendar]
    days_off: Container[date]
    spans: dict[str, timedelta]


def _years(country: Callable[..., Any], first: int, last: int) -> frozenset[date]:
    return frozenset(country(years=range(first, last + 1)))


def cases() -> list[Case]:
    uk, france = _years(holidays.UK, 2026, 2055), _years(holidays.FR, 2026, 2075)
    split = [(clock_time(8), clock_time(12)), (clock_time(13), clock_time(17, 30))]
    italy = holidays.IT()
    return [
        Case(
            "office, 30 y of holidays",
            lambda: BusinessCalendar.weekly(zone="Europe/London", holidays=uk),
            uk,
            SPANS,
        ),
        Case(
            "one second a week",
            lambda: BusinessCalendar(
                {2: [(clock_time(12), clock_time(12, 0, 1))]}, zone="Europe/London"
            ),
            frozenset(),
            {"1 day": DAY},
        ),
        Case(
            "split shifts, 50 y of holidays",
            lambda: BusinessCalendar(
                dict.fromkeys(range(6), split), zone="Europe/Paris", holidays=france
            ),
            france,
            SPANS,
        ),
        Case(
            "office, holidays.IT() asked",
            lambda: BusinessCalendar.weekly(zone="Europe/Rome", holidays=italy),
            italy,
            SPANS,
        ),
    ]


def draw_starts(zone: tzinfo, count: int, seed: int) -> list[datetime]:
    rng = random.Random(seed)
    year = datetime(2026, 1, 1, tzinfo=zone)
    return [
        (year + timedelta(seconds=rng.randrange(365 * 86_400))).astimezone(zone)
        for _ in range(count)
    ]


def per_call_us(run: Callable[[], object], calls: int, repeat: int) -> float:
    """Mean µs per call of the best of ``repeat`` passes (garbage collector off: timeit)."""
    return min(timeit.Timer(run).repeat(repeat=repeat, number=1)) / calls * 1e6


def weekly_open(calendar: BusinessCalendar) -> timedelta:
    return calendar.between(  # one ordinary week, far from holidays and DST changes
        datetime(2027, 1, 18, tzinfo=calendar.zone), datetime(2027, 1, 25, tzinfo=calendar.zone)
    )


def adds(
    calendar: BusinessCalendar | AlwaysOpen | WeekWalking,
    starts: Sequence[datetime],
    span: timedelta,
) -> Callable[[], list[datetime]]:
    add = calendar.add

    def run() -> list[datetime]:
        return [add(start, span) for start in starts]

    return run


def betweens(
    calendar: BusinessCalendar | WeekWalking, starts: Sequence[datetime], dues: Sequence[datetime]
) -> Callable[[], list[timedelta]]:
    between, pairs = calendar.between, list(zip(starts, dues, strict=True))

    def run() -> list[timedelta]:
        return [between(start, due) for start, due in pairs]

    return run


def measure_case(case: Case, starts_count: int, repeat: int, seed: int) -> list[dict[str, Any]]:
    return [
        measure_span(case, name, span, starts_count, repeat, seed)
        for name, span in case.spans.items()
    ]


def measure_span(
    case: Case, name: str, span: timedelta, starts_count: int, repeat: int, seed: int
) -> dict[str, Any]:
    # "first" is a first call in a zone not sampled yet: forget the zones (private, on purpose).
    _calendar_index._ZONES.clear()
    calendar = case.make()
    starts = draw_starts(calendar.zone, starts_count, seed)
    began = time.perf_counter()
    calendar.add(starts[0], span)
    first_us = (time.perf_counter() - began) * 1e6
    dues = adds(calendar, starts, span)()
    if betweens(calendar, starts, dues)() != [span] * len(starts):
        raise RuntimeError(f"{case.name}: between(start, add(start, span)) != span")
    weeks = round(span / weekly_open(calendar))
    return {
        "case": case.name,
        "span": name,
        "first_add_us": first_us,
        "add_us": per_call_us(adds(calendar, starts, span), len(starts), repeat),
        "between_us": per_call_us(betweens(calendar, starts, dues), len(starts), repeat),
        "always_open_add_us": per_call_us(
            adds(AlwaysOpen(zone=calendar.zone), starts, span), len(starts), repeat
        ),
        "weeks_walked": weeks,
        **measure_before(case, calendar, starts, dues, span, weeks),
    }


def measure_before(
    case: Case,
    calendar: BusinessCalendar,
    starts: Sequence[datetime],
    dues: Sequence[datetime],
    span: timedelta,
    weeks: int,
) -> dict[str, Any]:
    """The old walk on the same inputs (fewer of them for long walks), if it is short enough."""
    if weeks > BEFORE_BUDGET_WEEKS:
        return {"before_add_us": None, "before_between_us": None}
    old = WeekWalking(calendar, case.days_off)
    count = max(3, min(len(starts), 20_000 // max(weeks, 1)))
    sample, sample_dues = starts[:count], dues[:count]
    if adds(old, sample, span)() != list(sample_dues):
        raise RuntimeError(f"{case.name}: the old walk disagrees")
    return {
        "before_add_us": per_call_us(adds(old, sample, span), count, 2),
        "before_between_us": per_call_us(betweens(old, sample, sample_dues), count, 2),
    }


def measure(starts: int, repeat: int, seed: int) -> dict[str, Any]:
    began = time.perf_counter()
    rows = [row for case in cases() for row in measure_case(case, starts, repeat, seed)]
    return {
        "meta": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "holidays": version("holidays"),
            "starts": starts,
            "repeat": repeat,
            "seed": seed,
            "target_us": TARGET_US,
            "seconds": round(time.perf_counter() - began, 1),
        },
        "rows": rows,
    }


# -- the report -------------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 3 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _us(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(numerator: float | None, denominator: float) -> str:
    return "-" if numerator is None else f"{numerator / denominator:,.0f}x"


def report(results: dict[str, Any]) -> str:
    meta, lines, verdicts = results["meta"], [], []
    for row in results["rows"]:
        for op in ("add", "between"):
            us = row[f"{op}_us"]
            verdicts.append(us < TARGET_US)
            lines.append(
                [
                    row["case"],
                    row["span"],
                    op,
                    _us(us),
                    "PASS" if us < TARGET_US else "FAIL",
                    f"{us / row['always_open_add_us']:.1f}x",
                    _us(row[f"before_{op}_us"]),
                    _ratio(row[f"before_{op}_us"], us),
                    f"{row['weeks_walked']:,}",
                    _us(row["first_add_us"]) if op == "add" else "",
                ]
            )
    headers = ["case", "span", "op", "µs/call", "<1 ms", "/24x7", "before µs", "speed-up"]
    headers += ["weeks", "first add µs"]
    return "\n".join(
        [
            f"callflow calendar benchmark: Python {meta['python']} ({meta['implementation']}),"
            f" holidays {meta['holidays']}",
            f"{meta['platform']}; run took {meta['seconds']} s",
            f"{meta['starts']} starts over 2026 (seed {meta['seed']}), best of {meta['repeat']}"
            " passes; spans are open time; 'weeks' = weeks the old walk steps through;"
            " 'before' = the old walk (run if <= 1,500 weeks)",
            "",
            _table(headers, lines),
            "",
            f"target: every call under {TARGET_US / 1000:.0f} ms:"
            f" {'PASS' if all(verdicts) else 'FAIL'} ({sum(verdicts)}/{len(verdicts)})",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--starts", type=int, default=200, help="start times per case and span")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (best is kept)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the drawn starts")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if min(args.starts, args.repeat) < 1:
        parser.error("--starts and --repeat must be positive")
    results = measure(args.starts, args.repeat, args.seed)
    print(report(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
