"""The snapshot schema describes the ticket side: tickets, work orders, promise ledgers, books.

Every snapshot callflow writes validates against the shipped schema; hand-broken
ones do not, and the readers refuse them too, so the schema and the readers agree.
"""

import copy
from collections.abc import Callable
from datetime import UTC, date, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import callers, texts
from tests.test_ticket_documents import (
    MINUTE,
    POLICIES,
    START,
    as_json,
    starts,
    walk,
    worked_ticket,
    worked_tickets,
)

from callflow import (
    Caller,
    ManualClock,
    MemoryTicketBook,
    RuleBreach,
    Ticket,
    WorkOrder,
)
from callflow import snapshot as snap
from callflow._snapshot_schema import snapshot_schema
from callflow._ticket_documents import PAYLOAD_TYPES
from callflow.calendars import AlwaysOpen, BusinessCalendar
from callflow.errors import SnapshotError
from callflow.escalation import Escalation, Target, TargetKind
from callflow.lifecycle import LIFECYCLE
from callflow.promises import PromiseKind, PromiseLedger
from callflow.sla import SlaPolicy
from callflow.stages import PROCEDURE

SCHEMA = snapshot_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
LIFECYCLE_TABLE = snap.table_identity(LIFECYCLE)
SETTINGS = settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
)


def assert_valid(document: object) -> None:
    """``document``, as a store gives it back, validates; the errors are shown if not."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert not errors, errors


def snapshot_of(value: snap.Snapshotted) -> dict[str, Any]:
    document: dict[str, Any] = as_json(snap.to_document(value))
    return document


# -- strategies -------------------------------------------------------------------


@st.composite
def books(draw: st.DrawFn) -> MemoryTicketBook:
    """Books of up to three tickets with drawn histories, perhaps a number given and unused."""
    book = MemoryTicketBook(prefix=draw(st.sampled_from(["T-", "INC-", "X"])))
    for _ in range(draw(st.integers(0, 3))):
        clock = ManualClock(draw(starts()))
        ticket = Ticket(
            book.new_number(),
            draw(callers()),
            clock=clock,
            sla_policy=draw(st.sampled_from(POLICIES)),
        )
        book.add(ticket)
        walk(draw, ticket, clock, draw(st.integers(0, 6)))
        if draw(st.booleans()):
            book.new_number()
    return book


@st.composite
def ledgers(draw: st.DrawFn) -> PromiseLedger:
    """Ledgers of promises made (to a ticket or not, by someone or not), some of them kept."""
    ledger = PromiseLedger()
    for _ in range(draw(st.integers(0, 4))):
        made_at = draw(starts())
        delay = draw(st.integers(0, 600)) * MINUTE
        promise = ledger.promise(
            draw(st.sampled_from(PromiseKind)),
            draw(texts()),
            draw(texts()),
            made_at=made_at,
            due=delay if draw(st.booleans()) else made_at + delay,
            made_by=draw(st.none() | texts()),
            ticket=draw(st.none() | st.just("T-1")),
        )
        if draw(st.booleans()):
            ledger.keep(promise.id, made_at + draw(st.integers(0, 600)) * MINUTE)
    return ledger


# -- what callflow writes validates --------------------------------------------------


class TestEverySnapshotValidates:
    @SETTINGS
    @given(worked_tickets())
    def test_a_ticket_and_its_work_orders(self, drawn: tuple[Ticket, ManualClock]) -> None:
        """Drawn histories: every event, work orders completed and signed or not."""
        ticket, _ = drawn
        assert_valid(snapshot_of(ticket))
        for order in ticket.work_orders:
            assert_valid(snapshot_of(order))

    @SETTINGS
    @given(books())
    def test_a_book(self, book: MemoryTicketBook) -> None:
        assert_valid(snapshot_of(book))

    @SETTINGS
    @given(ledgers())
    def test_a_promise_ledger(self, ledger: PromiseLedger) -> None:
        assert_valid(snapshot_of(ledger))

    def test_the_fixed_ticket_with_every_kind_of_payload(self) -> None:
        ticket, _ = worked_ticket()
        document = snapshot_of(ticket)
        assert_valid(document)
        events = {record["event"] for record in document["history"]}
        others = {"pend", "resume", "resolve", "reopen", "close", "return_for_rewrite"}
        assert events == set(PAYLOAD_TYPES) - others
        assert_valid(snapshot_of(ticket.work_orders[0]))

    @pytest.mark.parametrize(
        "timeframe",
        [timedelta(hours=4), START + timedelta(days=2), None],
        ids=["duration", "datetime", "none"],
    )
    def test_every_kind_of_timeframe_and_the_rest_of_a_life(self, timeframe: object) -> None:
        """Escalated with each kind of timeframe, returned, pended, resolved, reopened, closed."""
        clock = ManualClock(START)
        ticket = Ticket("T-1", Caller("Ana"), clock=clock)
        ticket.open(by="Bill")
        every = timedelta(hours=1) if timeframe is None else None
        escalation = Escalation(
            Target("Net", kind=TargetKind.TIER, tier=2), "down", ticket="T-1",
            next_steps="a look", timeframe=timeframe, update_every=every, read_back=True,
        )  # fmt: skip
        ticket.escalate(escalation, by="Bill")
        ticket.return_for_rewrite([RuleBreach("CF603", "vague", None), RuleBreach("CF601", "x")])
        for event, argument in [
            ("pend", "the vendor"), ("resume", None), ("resolve", "fixed"),
            ("reopen", "again"), ("resolve", "fixed again"), ("close", None),
        ]:  # fmt: skip
            clock.advance(MINUTE)
            method = getattr(ticket, event)
            method(argument) if argument is not None else method()
        document = snapshot_of(ticket)
        assert_valid(document)
        written = document["history"][2]["payload"]["escalation"]["timeframe"]
        assert written is None or len(written) == 1

    @pytest.mark.parametrize(
        "calendar",
        [
            AlwaysOpen(),
            AlwaysOpen(zone=ZoneInfo("UTC")),
            AlwaysOpen(zone=timezone(-timedelta(hours=3, minutes=30))),
            BusinessCalendar.weekly(zone="Europe/Rome", holidays=[date(2026, 4, 6)]),
            BusinessCalendar(
                hours={
                    0: [(time(8), time(12)), (time(13), time(17, 30, 15))],
                    5: [(time(9), time(0))],
                },
                zone=timezone(timedelta(hours=5, minutes=30)),
                holidays=[date(2026, 12, 25), date(2026, 1, 1)],
            ),
        ],
        ids=["utc", "iana-utc", "offset", "rome", "split-days"],
    )
    def test_every_kind_of_sla_calendar(self, calendar: Any) -> None:
        ticket = Ticket("T-1", Caller("Ana"), sla_policy=SlaPolicy(calendar=calendar))
        assert_valid(snapshot_of(ticket))

    @pytest.mark.parametrize("finish", ["open", "unsigned", "signed", "signed later"])
    def test_a_work_order_however_finished(self, finish: str) -> None:
        order = WorkOrder("WO-1", "T-1", "Dana", "Luis", "Replace the roller", START)
        if finish != "open":
            signer = "Luis" if finish == "signed" else None
            order.complete(work_done="Replaced it", at=START + MINUTE, signed_by=signer)
        if finish == "signed later":
            order.sign(by="Luis")
        assert_valid(snapshot_of(order))

    def test_empty_ones(self) -> None:
        assert_valid(snapshot_of(PromiseLedger()))
        assert_valid(snapshot_of(MemoryTicketBook()))

    def test_the_schema_names_every_kind(self) -> None:
        assert sorted(SCHEMA["properties"]["kind"]["enum"]) == sorted(snap._KINDS)


# -- hand-broken snapshots do not validate -----------------------------------------

Tamper = Callable[[Any], None]


def _set(*path: Any, value: object) -> Tamper:
    def tamper(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return tamper


def _drop(*path: Any) -> Tamper:
    def tamper(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]

    return tamper


def _fixed_ticket() -> dict[str, Any]:
    """The fixed ticket: create, open, note, promise, link_call, update, keep_promise,
    escalate, dispatch (the work order completed and signed)."""
    return snapshot_of(worked_ticket()[0])


def _fixed_work_order() -> dict[str, Any]:
    order = WorkOrder("WO-1", "T-1", "Dana", "Luis", "Replace the roller", START)
    order.complete(work_done="Replaced it", at=START + MINUTE, signed_by="Luis")
    return snapshot_of(order)


def _fixed_ledger() -> dict[str, Any]:
    ledger = PromiseLedger()
    ledger.promise("callback", "Ana", "call back", made_at=START, due=START + MINUTE)
    ledger.promise("callback", "Ana", "news", made_at=START, due=timedelta(hours=1))
    ledger.keep("P1", START + MINUTE)
    return snapshot_of(ledger)


def _fixed_book() -> dict[str, Any]:
    book = MemoryTicketBook()
    clock = ManualClock(START)
    ticket = Ticket(book.new_number(), Caller("Ana"), clock=clock)
    book.add(ticket)
    ticket.open(by="Bill")
    return snapshot_of(book)


def _always_open(data: Any) -> None:
    """The ticket's SLA calendar (business hours) made an always-open one (a good one)."""
    data["header"]["sla_policy"]["calendar"] = {"type": "always_open", "zone": "Asia/Tokyo"}


def _then(*tampers: Tamper) -> Tamper:
    def tamper(data: Any) -> None:
        for each in tampers:
            each(data)

    return tamper


H = "history"
CAL = ("header", "sla_policy", "calendar")
ESC = (H, 7, "payload", "escalation")
WO = (H, 8, "payload", "work_order")
BROKEN_TICKETS: list[tuple[str, Tamper]] = [
    # the envelope
    ("a wrong kind", _set("kind", value="work_order")),
    ("an unknown kind", _set("kind", value="tickets")),
    ("no table", _set("table", value=None)),
    ("the procedure's table", _set("table", value=snap.table_identity(PROCEDURE))),
    ("a missing table", _drop("table")),
    ("another version", _set("version", value=2)),
    ("another format", _set("format", value="callflaw")),
    ("an unknown key at the top", _set("colour", value="red")),
    ("a missing history", _drop(H)),
    # the header
    ("a missing number", _drop("header", "number")),
    ("a number not text", _set("header", "number", value=7)),
    ("an unknown header key", _set("header", "colour", value=1)),
    ("a caller without a name", _drop("header", "caller", "name")),
    ("a priority out of range", _set("header", "matrix", "high", "low", value=9)),
    ("a priority as a flag", _set("header", "matrix", "high", "low", value=True)),
    ("an unknown impact row", _set("header", "matrix", "huge", value={})),
    ("a missing urgency cell", _drop("header", "matrix", "low", "medium")),
    ("a missing target", _drop("header", "sla_policy", "targets", "P3")),
    ("a target not a duration",
     _set("header", "sla_policy", "targets", "P3", "update", value="1h")),
    ("a ratio of one", _set("header", "sla_policy", "warning_ratio", value=1)),
    ("a ratio as a flag", _set("header", "sla_policy", "warning_ratio", value=True)),
    ("a ratio as text", _set("header", "sla_policy", "warning_ratio", value="0.8")),
    ("an unknown calendar", _set(*CAL, "type", value="lunar")),
    ("a calendar without a type", _drop(*CAL, "type")),
    ("a zone not text", _set(*CAL, "zone", value=5)),
    ("an offset with seconds", _set(*CAL, "zone", value="+05:30:00")),
    ("an always-open calendar with hours", _set(*CAL, "type", value="always_open")),
    ("an always-open calendar without a zone", _then(_always_open, _drop(*CAL, "zone"))),
    ("an always-open calendar's zone not text", _then(_always_open, _set(*CAL, "zone", value=9))),
    ("six days of hours", _set(*CAL, "hours", value=[[]] * 6)),
    ("a bad opening time", _set(*CAL, "hours", 0, 0, 0, value="9am")),
    ("an interval of three", _set(*CAL, "hours", 0, 0, value=["09:00:00"] * 3)),
    ("an interval of one", _set(*CAL, "hours", 0, 0, value=["09:00:00"])),
    ("a bad holiday", _set(*CAL, "holidays", 0, value="Easter")),
    ("a business calendar without holidays", _drop(*CAL, "holidays")),
    # the records
    ("an empty history", _set(H, value=[])),
    ("the history not a list", _set(H, value={})),
    ("a record not a mapping", _set(H, 3, value="promise")),
    ("an unknown event", _set(H, 1, "event", value="explode")),
    ("a second create", _set(H, 1, "event", value="create")),
    ("no create first", _set(H, 0, "event", value="open")),
    ("an unknown status", _set(H, 1, "to_status", value="lost")),
    ("a naive time", _set(H, 1, "at", value="2026-03-02T09:01:00")),
    ("an author not text", _set(H, 1, "by", value=1)),
    ("a missing record key", _drop(H, 1, "at")),
    ("an unknown record key", _set(H, 1, "colour", value=1)),
    ("a payload on an event without one", _set(H, 1, "payload", "colour", value=1)),
    ("an unknown payload key", _set(H, 2, "payload", "colour", value=1)),
    ("a missing payload key", _drop(H, 2, "payload", "note")),
    ("a create without its category", _drop(H, 0, "payload", "category")),
    ("an empty update", _set(H, 5, "payload", value={})),
    ("an update's urgency unknown", _set(H, 5, "payload", "urgency", value="extreme")),
    ("an update of a key no ticket has", _set(H, 5, "payload", "colour", value="red")),
    ("a note's text not text", _set(H, 2, "payload", "note", "text", value=3)),
    ("a note of an unknown kind", _set(H, 2, "payload", "note", "kind", value="secret")),
    ("an unknown key in a note", _set(H, 2, "payload", "note", "colour", value=1)),
    ("a promise's due not a time", _set(H, 3, "payload", "promise", "due", value="soon")),
    ("a promise without an id", _drop(H, 6, "payload", "promise", "id")),
    ("a follow-up flag not a flag", _set(H, 4, "payload", "link", "follow_up", value="yes")),
    ("another event's payload", _set(H, 4, "payload", value={"note": None})),
    ("a timeframe untagged", _set(*ESC, "timeframe", value="PT4H")),
    ("a timeframe of an unknown kind", _set(*ESC, "timeframe", value={"weeks": 2})),
    ("a timeframe tagged twice", _set(*ESC, "timeframe", value={"text": "x", "duration": "PT1H"})),
    ("a tagged duration of the wrong type", _set(*ESC, "timeframe", value={"duration": 4})),
    ("a tagged datetime that is naive", _set(*ESC, "timeframe", value={"datetime": "2026-03-04"})),
    ("an unknown key in an escalation's target", _set(*ESC, "to", "x", value=1)),
    ("a tier as words", _set(*ESC, "to", "tier", value="two")),
    ("an escalation without a reason", _drop(*ESC, "reason")),
    ("an unknown key in a work order", _set(*WO, "x", value=1)),
    ("a work order without its completion", _drop(*WO, "completion")),
    ("a completion signed by a number", _set(*WO, "completion", "signed_by", value=3)),
    ("a completion without its time", _drop(*WO, "completion", "at")),
    ("findings not a list", _then(_set(H, 1, "event", value="return_for_rewrite"),
                                  _set(H, 1, "payload", value={"findings": {"rule": "CF6"}}))),
    ("a finding without a message", _then(_set(H, 1, "event", value="return_for_rewrite"),
                                          _set(H, 1, "payload", value={"findings": [{}]}))),
]  # fmt: skip

BROKEN_WORK_ORDERS: list[tuple[str, Tamper]] = [
    ("a wrong kind", _set("kind", value="ticket")),
    ("a table", _set("table", value=LIFECYCLE_TABLE)),
    ("a missing table", _drop("table")),
    ("an unknown key", _set("colour", value="red")),
    ("a missing completion", _drop("completion")),
    ("a missing number", _drop("number")),
    ("a number not text", _set("number", value=5)),
    ("a naive dispatch", _set("dispatched_at", value="2026-03-02T09:00:00")),
    ("a completion not a mapping", _set("completion", value="done")),
    ("a completion's time not a time", _set("completion", "at", value="yesterday")),
    ("an unknown key in the completion", _set("completion", "colour", value="red")),
    ("a completion without its signature key", _drop("completion", "signed_by")),
]

BROKEN_LEDGERS: list[tuple[str, Tamper]] = [
    ("a wrong kind", _set("kind", value="work_order")),
    ("a table", _set("table", value=LIFECYCLE_TABLE)),
    ("an unknown key", _set("extra", value=1)),
    ("a missing promises key", _drop("promises")),
    ("promises not a list", _set("promises", value={})),
    ("a promise of an unknown kind", _set("promises", 0, "kind", value="gift")),
    ("an unknown key in a promise", _set("promises", 0, "colour", value="red")),
    ("a promise without an id", _drop("promises", 1, "id")),
    ("a naive kept time", _set("promises", 0, "kept_at", value="2026-03-02T09:01:00")),
    ("a due as a duration", _set("promises", 1, "due", value="PT1H")),
]

BROKEN_BOOKS: list[tuple[str, Tamper]] = [
    ("a wrong kind", _set("kind", value="ticket")),
    ("no table", _set("table", value=None)),
    ("an unknown key", _set("colour", value="red")),
    ("a missing prefix", _drop("prefix")),
    ("a prefix not text", _set("prefix", value=3)),
    ("a negative count", _set("numbered", value=-1)),
    ("a count as a flag", _set("numbered", value=True)),
    ("a count as text", _set("numbered", value="1")),
    ("tickets not a list", _set("tickets", value={})),
    ("a ticket with an envelope", _set("tickets", 0, "kind", value="ticket")),
    ("a ticket without a header", _drop("tickets", 0, "header")),
    ("a ticket's caller without a name", _drop("tickets", 0, "header", "caller", "name")),
    ("a ticket's unknown event", _set("tickets", 0, H, 1, "event", value="explode")),
    ("a ticket's record in the wrong order", _set("tickets", 0, H, 0, "event", value="open")),
    (
        "a ticket's payload of the wrong type",
        _set("tickets", 0, H, 0, "payload", "impact", value=1),
    ),
]

BROKEN = [
    *[(f"ticket: {name}", _fixed_ticket, tamper) for name, tamper in BROKEN_TICKETS],
    *[(f"work order: {name}", _fixed_work_order, tamper) for name, tamper in BROKEN_WORK_ORDERS],
    *[(f"ledger: {name}", _fixed_ledger, tamper) for name, tamper in BROKEN_LEDGERS],
    *[(f"book: {name}", _fixed_book, tamper) for name, tamper in BROKEN_BOOKS],
]


class TestBrokenSnapshotsDoNotValidate:
    @pytest.mark.parametrize(
        ("make", "tamper"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
    )
    def test_a_hand_broken_snapshot(
        self, make: Callable[[], dict[str, Any]], tamper: Tamper
    ) -> None:
        """The schema refuses it, and so does the reader: the two agree."""
        document = make()
        assert_valid(document)
        assert snap.from_document(copy.deepcopy(document)) is not None
        tamper(document)
        assert not VALIDATOR.is_valid(document)
        with pytest.raises(SnapshotError):
            snap.from_document(document)

    def test_each_kind_is_checked_against_its_own_keys(self) -> None:
        """A work order's keys do not make a ticket, nor the other way round."""
        ticket, order = _fixed_ticket(), _fixed_work_order()
        mixed = {**ticket, **{k: v for k, v in order.items() if k not in ticket}}
        assert not VALIDATOR.is_valid(mixed)
        order["kind"], order["table"] = "ticket", LIFECYCLE_TABLE
        assert not VALIDATOR.is_valid(order)


def test_a_utc_calendar_is_written_as_an_offset_and_validates() -> None:
    """The default SLA calendar's zone is UTC, written as the offset +00:00."""
    document = snapshot_of(
        Ticket("T-1", Caller("Ana"), sla_policy=SlaPolicy(calendar=AlwaysOpen(UTC)))
    )
    assert document["header"]["sla_policy"]["calendar"] == {"type": "always_open", "zone": "+00:00"}
    assert_valid(document)
