"""Benchmark the call stores: a save of one new event, a load of a 20-event call.

Run from the repository root::

    python benchmarks/bench_store.py            # SQLite file (WAL), and PostgreSQL if set
    python benchmarks/bench_store.py --quick    # fewer rounds
    CALLFLOW_TEST_DATABASE_URL=postgresql+psycopg://me@/db?host=/run/postgresql \\
        python benchmarks/bench_store.py

Needs the ``sql`` extra for PostgreSQL (SQLAlchemy, psycopg). The figures:

save 1 event (µs)
    ``store.save(call, version)`` of a call one event ahead of the store:
    the median of ``--rounds`` saves, each of a new event on one call.
load 20 events (µs)
    ``store.load(call_id)`` of a 20-event call (rows read, JSON parsed,
    records replayed): the median of ``--rounds`` loads.
save onto N events (µs)
    a save of one event onto a call with 20, 200 and 2,000 events stored:
    a save writes only its new row, so this must not grow with N.

PostgreSQL is measured through a unix socket in a schema of the run's own,
dropped at the end.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from callflow import Agent, Call, Caller, ManualClock
from callflow.store import SqliteCallStore

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def a_call(call_id: str, events: int) -> tuple[Call, ManualClock]:
    """A call with ``events`` records: answered, identified, then the caller goes on talking."""
    clock = ManualClock(START)
    call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock, call_id=call_id)
    call.answer()
    call.identify(Caller(name="Ana Souza", user_id="E1234"), verified=True)
    while len(call.history) < events:
        clock.advance(seconds=1)
        call.listen(f"statement {len(call.history)}")
    return call, clock


def median_us(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e6


def save_one(store: Any, call_id: str, events: int, rounds: int) -> float:
    """The median time to save one new event onto a call ``events`` long."""
    call, clock = a_call(call_id, events)
    store.save(call, 0)
    times = []
    for _ in range(rounds):
        version = len(call.history)
        clock.advance(seconds=1)
        call.listen("one more")
        began = time.perf_counter()
        store.save(call, version)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e6


def measure(name: str, store: Any, rounds: int) -> None:
    prefix = uuid.uuid4().hex[:8]
    save = save_one(store, f"{prefix}-save", 20, rounds)
    call, _ = a_call(f"{prefix}-load", 20)
    store.save(call, 0)
    load = median_us(lambda: store.load(f"{prefix}-load"), rounds)
    print(f"{name:<24} save 1 event {save:9.0f} µs   load 20 events {load:9.0f} µs")
    growth = [
        (n, save_one(store, f"{prefix}-{n}", n, max(rounds // 4, 10))) for n in (20, 200, 2000)
    ]
    shown = "   ".join(f"onto {n:>4}: {us:7.0f} µs" for n, us in growth)
    print(f"{'':<24} save 1 event {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 rounds")
    args = parser.parse_args(argv)
    rounds = 20 if args.quick else args.rounds
    with tempfile.TemporaryDirectory() as folder, SqliteCallStore(Path(folder) / "c.db") as store:
        measure("SQLite file (WAL)", store, rounds)
    url = os.environ.get("CALLFLOW_TEST_DATABASE_URL")
    if not url:
        print("PostgreSQL: set CALLFLOW_TEST_DATABASE_URL to measure it")
        return 0
    import sqlalchemy

    from callflow.sqlstore import SqlCallStore

    engine = sqlalchemy.create_engine(url)
    schema = f"callflow_bench_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        measure("PostgreSQL", SqlCallStore(engine, schema=schema), rounds)
    finally:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
