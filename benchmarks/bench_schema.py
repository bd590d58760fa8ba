"""Compare callflow's schema generator with ``msgspec.json.schema`` on callflow's classes.

Run from the repository root (msgspec is not a dependency: install it to run this)::

    python benchmarks/bench_schema.py
    python benchmarks/bench_schema.py --repeat 20

For each class, it prints whether each generator describes it, and the best
time of ``--repeat`` generations in ms. Then, for the classes both describe,
how many documents that the codec refuses each schema still accepts: a naive
datetime, a bad duration, an unknown key, a private field's alias.
"""

import argparse
import timeit
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import attrs
import msgspec
from jsonschema import Draft202012Validator

from callflow._schema import schema_of
from callflow.callbacks import CallbackWindow
from callflow.codec import unstructure
from callflow.escalation import Escalation, Situation, Target
from callflow.measures import CallMeasures
from callflow.messages import PhoneMessage
from callflow.notes import Note
from callflow.people import Agent, Caller
from callflow.promises import Promise, PromiseKind
from callflow.records import EventRecord, Finding, RuleBreach
from callflow.sla import ClockReading, ServiceTarget
from callflow.thresholds import Thresholds
from callflow.workorders import WorkOrder

CLASSES = (
    Agent,
    CallMeasures,
    Caller,
    CallbackWindow,
    ClockReading,
    Escalation,
    EventRecord,
    Finding,
    Note,
    PhoneMessage,
    Promise,
    RuleBreach,
    ServiceTarget,
    Situation,
    Target,
    Thresholds,
    WorkOrder,
)


@attrs.frozen
class Private:
    """A private field: attrs gives it the alias ``x``, cattrs keys it ``_x``."""

    _x: int


def best_ms(generate: object, kind: type, repeat: int) -> float:
    timer = timeit.Timer(lambda: generate(kind))  # type: ignore[operator]
    return min(timer.repeat(repeat=repeat, number=1)) * 1000


def accepts(schema: object, document: object) -> bool:
    return Draft202012Validator(schema).is_valid(document)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    repeat = parser.parse_args().repeat

    print(f"{'class':<16} {'callflow ms':>12} {'msgspec ms':>12}  msgspec")
    ours_total = theirs_total = 0.0
    for kind in CLASSES:
        ours = best_ms(schema_of, kind, repeat)
        ours_total += ours
        try:
            theirs = best_ms(msgspec.json.schema, kind, repeat)
        except (TypeError, NotImplementedError) as error:
            reason = str(error).strip().splitlines()[-1]
            print(f"{kind.__name__:<16} {ours:>12.3f} {'-':>12}  fails: {reason[:70]}")
            continue
        theirs_total += theirs
        print(f"{kind.__name__:<16} {ours:>12.3f} {theirs:>12.3f}  ok")
    print(f"{'total':<16} {ours_total:>12.3f} {theirs_total:>12.3f}  (msgspec: its classes only)")

    at = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    promise = unstructure(Promise("P1", PromiseKind.CALLBACK, "Ada", "a call", at, at))
    thresholds = unstructure(Thresholds())
    refused_by_codec = {
        "naive datetime": (Promise, {**promise, "made_at": "2026-03-02T09:05:00"}),
        "not a datetime": (Promise, {**promise, "made_at": "tomorrow"}),
        "bad duration": (Thresholds, {**thresholds, "ring_cadence": "6 seconds"}),
        "unknown key": (Promise, {**promise, "colour": "red"}),
        "private alias": (Private, {"x": 1}),
    }
    rome = unstructure(at.astimezone(ZoneInfo("Europe/Rome")))
    print()
    print(f"{'codec refuses':<16} {'callflow':>12} {'msgspec':>12}")
    for name, (kind, broken) in refused_by_codec.items():
        ours = "accepts" if accepts(schema_of(kind), broken) else "refuses"
        theirs = "accepts" if accepts(msgspec.json.schema(kind), broken) else "refuses"
        print(f"{name:<16} {ours:>12} {theirs:>12}")
    document = {**promise, "made_at": rome, "due": rome}  # what the codec writes: accepted
    ours = "accepts" if accepts(schema_of(Promise), document) else "refuses"
    theirs = "accepts" if accepts(msgspec.json.schema(Promise), document) else "refuses"
    print(f"{'[zone] written':<16} {ours:>12} {theirs:>12}")


if __name__ == "__main__":
    main()
