"""Tickets, work orders, promise ledgers and ticket books to JSON-ready data and back."""

import contextlib
import copy
import json
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from tests.strategies import TICKET, callers, complete_escalations, texts

from callflow import (
    Caller,
    CallflowError,
    ManualClock,
    MemoryTicketBook,
    RuleBreach,
    Ticket,
    TicketStatus,
    ValidationError,
    WorkOrder,
)
from callflow._ticket_documents import (
    book_document,
    ledger_document,
    read_ticket_record,
    restore_book,
    restore_ledger,
    restore_ticket,
    restore_work_order,
    ticket_document,
    ticket_header,
    ticket_record_document,
    work_order_document,
)
from callflow.calendars import AlwaysOpen, BusinessCalendar
from callflow.clock import utc_now
from callflow.documents import DocumentLimits
from callflow.errors import SnapshotError
from callflow.escalation import Escalation, Target
from callflow.lifecycle import INTERNAL_EVENTS, ticket_lifecycle
from callflow.notes import NoteKind, NoteTopic
from callflow.priority import Impact, Priority, PriorityMatrix, Urgency
from callflow.promises import PromiseKind, PromiseLedger
from callflow.sla import SlaPolicy

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
MINUTE = timedelta(minutes=1)
ROME_HOURS = BusinessCalendar.weekly(zone="Europe/Rome", holidays=[date(2026, 4, 6)])
INVERTED = PriorityMatrix(
    {
        (impact, urgency): Priority(1 + i + u)
        for i, impact in enumerate(Impact)
        for u, urgency in enumerate(Urgency)
    }
)
"""A matrix other than the default: cells from P1 (high, high) to P5 (low, low) by rank."""

# -- helpers ----------------------------------------------------------------------


def as_json(data: object) -> Any:
    """``data`` through JSON text and back: what a store gives."""
    return json.loads(json.dumps(data))


def assert_same_ticket(restored: Ticket, original: Ticket, now: datetime) -> None:
    """Everything a ticket tells is the same on ``restored`` as on ``original``."""
    assert ticket_document(restored) == ticket_document(original)
    for name in (
        "number", "caller", "description", "category", "asset_tag", "impact", "urgency",
        "priority", "status", "diagnosis", "resolution", "waiting_on", "notes", "calls",
        "escalations", "returns", "promises", "created_at", "updated_at", "created_by",
        "sla_policy",
    ):  # fmt: skip
        assert getattr(restored, name) == getattr(original, name), name
    assert [work_order_document(o) for o in restored.work_orders] == [
        work_order_document(o) for o in original.work_orders
    ]
    assert restored.sla_clocks() == original.sla_clocks()
    assert restored.overdue(now) == original.overdue(now)
    assert restored.allowed_events() == original.allowed_events()
    # The work orders the ticket lists are the very ones its dispatch records hold.
    held = [r.payload["work_order"] for r in restored.history if r.event == "dispatch"]
    assert all(a is b for a, b in zip(held, restored.work_orders, strict=True))


# -- strategies -------------------------------------------------------------------

POLICIES = (
    SlaPolicy(),
    SlaPolicy(calendar=ROME_HOURS, warning_ratio=0.5),
    SlaPolicy(calendar=AlwaysOpen(zone="Asia/Tokyo")),
    SlaPolicy(calendar=AlwaysOpen(zone=timezone(timedelta(hours=5, minutes=30)))),
)
ZONES = (UTC, ZoneInfo("Europe/Rome"), ZoneInfo("America/Sao_Paulo"), timezone(-MINUTE * 90))


def starts() -> SearchStrategy[datetime]:
    """Start times in 2026-2027, in a zone, a fixed offset or UTC."""
    return st.builds(
        lambda moment, zone: moment.astimezone(zone),
        st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
        ),
        st.sampled_from(ZONES),
    )


def new_tickets() -> SearchStrategy[tuple[Ticket, ManualClock]]:
    """Freshly logged tickets, numbered TICKET, with their manual clocks."""

    def build(
        caller: Caller, start: datetime, fields: dict[str, Any], policy: SlaPolicy, square: bool
    ) -> tuple[Ticket, ManualClock]:
        clock = ManualClock(start)
        matrix = {} if square else {"matrix": INVERTED}
        ticket = Ticket(TICKET, caller, clock=clock, sla_policy=policy, **matrix, **fields)
        return ticket, clock

    maybe = st.none() | texts()
    return st.builds(
        build,
        callers(),
        starts(),
        st.fixed_dictionaries(
            {},
            optional={
                "description": maybe,
                "category": maybe,
                "asset_tag": maybe,
                "impact": st.none() | st.sampled_from(Impact),
                "urgency": st.none() | st.sampled_from(Urgency),
                "created_by": maybe,
            },
        ),
        st.sampled_from(POLICIES),
        st.booleans(),
    )


def _work_orders(ticket: Ticket, at: datetime) -> SearchStrategy[WorkOrder]:
    return st.builds(
        lambda number, text: WorkOrder(number, ticket.number, "Dana", "Luis", text, at),
        st.sampled_from(["WO-1", "WO-2"]),
        texts(),
    )


def step_args(ticket: Ticket, event: str, now: datetime) -> SearchStrategy[dict[str, Any]]:
    """Arguments for ``event`` on ``ticket`` (mostly ones its lifecycle accepts)."""
    by = st.none() | texts()
    if event in ("open", "resume", "close"):
        return st.fixed_dictionaries({"by": by})
    if event in ("pend", "resolve", "reopen"):
        key = {"pend": "waiting_on", "resolve": "resolution", "reopen": "reason"}[event]
        return st.fixed_dictionaries({key: texts(), "by": by})
    if event == "escalate":
        return st.fixed_dictionaries({"escalation": complete_escalations(), "by": by})
    if event == "return_for_rewrite":
        breaches = st.builds(RuleBreach, st.just("CF603"), texts(), st.none() | texts())
        return st.fixed_dictionaries({"findings": st.lists(breaches, min_size=1, max_size=2)})
    if event == "dispatch":
        return st.fixed_dictionaries({"work_order": _work_orders(ticket, now), "by": by})
    if event == "note":
        return st.fixed_dictionaries(
            {
                "text": st.text(max_size=8),
                "by": texts(),
                "kind": st.sampled_from(NoteKind),
                "topic": st.sampled_from(NoteTopic),
            }
        )
    if event == "update":
        maybe = st.none() | texts()
        return st.fixed_dictionaries(
            {},
            optional={
                "description": maybe,
                "diagnosis": maybe,
                "impact": st.none() | st.sampled_from(Impact),
                "urgency": st.none() | st.sampled_from(Urgency),
            },
        ).filter(bool)
    if event == "link_call":
        return st.fixed_dictionaries(
            {"call_id": st.none() | texts(), "follow_up": st.booleans(), "by": by}
        )
    if event == "promise":
        later = st.integers(0, 600).map(lambda m: m * MINUTE)
        return st.fixed_dictionaries(
            {
                "kind": st.sampled_from(PromiseKind),
                "what": texts(),
                "due": later | later.map(lambda delay: now + delay),
                "by": by,
                "to": st.none() | texts(),
            }
        )
    assert event == "keep_promise"
    open_ids = [promise.id for promise in ticket.promises if not promise.kept]
    return st.fixed_dictionaries({"promise_id": st.sampled_from(open_ids or ["P404"]), "by": by})


def _finish_work(draw: st.DrawFn, ticket: Ticket, now: datetime) -> None:
    """Perhaps complete (signed or not) and sign a dispatched work order."""
    for order in ticket.work_orders:
        if not order.done and draw(st.booleans()):
            order.complete(
                work_done="Replaced it", at=now, signed_by=draw(st.sampled_from([None, "Luis"]))
            )
        if order.done and not order.signed and draw(st.booleans()):
            order.sign(by="Luis")


def walk(draw: st.DrawFn, ticket: Ticket, clock: ManualClock, steps: int) -> None:
    """Send ``steps`` drawn events to ``ticket`` (refused ones change nothing)."""
    for _ in range(steps):
        clock.advance(draw(st.sampled_from([timedelta(), MINUTE, 3 * 60 * MINUTE, 30 * MINUTE])))
        events = ticket.allowed_events()
        if not events:
            return
        moves = [event for event in events if event not in INTERNAL_EVENTS]
        event = draw(st.sampled_from(moves if moves and draw(st.booleans()) else events))
        kwargs = draw(step_args(ticket, event, clock()))
        with contextlib.suppress(CallflowError):  # a refused event changes nothing
            getattr(ticket, event)(**kwargs)
        _finish_work(draw, ticket, clock())


@st.composite
def worked_tickets(draw: st.DrawFn, max_steps: int = 12) -> tuple[Ticket, ManualClock]:
    """Tickets with a drawn history of up to ``max_steps`` events, and their clocks."""
    ticket, clock = draw(new_tickets())
    walk(draw, ticket, clock, draw(st.integers(0, max_steps)))
    return ticket, clock


def worked_ticket() -> tuple[Ticket, ManualClock]:
    """One fixed ticket, its records: create, open, note, promise, link_call, update,
    keep_promise, escalate, dispatch (the work order completed, then signed)."""
    clock = ManualClock(START)
    ticket = Ticket(
        "T-1", Caller("Ana", user_id="E1"), description="jams", impact="medium", urgency="high",
        clock=clock, created_by="Bill", sla_policy=SlaPolicy(calendar=ROME_HOURS),
    )  # fmt: skip
    clock.advance(MINUTE)
    ticket.open(by="Bill")
    clock.advance(MINUTE)
    ticket.note("Restarted the spooler", by="Bill", kind=NoteKind.SHARED, topic=NoteTopic.TRIED)
    clock.advance(MINUTE)
    promise = ticket.promise(PromiseKind.CALLBACK, "call back", timedelta(hours=2), by="Bill")
    clock.advance(MINUTE)
    ticket.link_call("C-1", follow_up=True)
    ticket.update(category="hardware", diagnosis="worn roller", impact=None)
    ticket.keep_promise(promise.id, by="Bill")
    target = Target("Field service")
    ticket.escalate(
        Escalation(target, "needs a technician", ticket="T-1", next_steps="a visit",
                   timeframe=START + timedelta(days=2), read_back=True),
        by="Bill",
    )  # fmt: skip
    order = WorkOrder("WO-1", "T-1", "Dana", "Luis", "Replace the roller", clock())
    ticket.dispatch(order, by="Dana")
    order.complete(work_done="Replaced it", at=clock() + timedelta(hours=3), signed_by=None)
    order.sign(by="Luis")
    return ticket, clock


# -- round trips ------------------------------------------------------------------


class TestRoundTrip:
    @settings(
        max_examples=60,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(worked_tickets())
    def test_a_ticket_comes_back_the_same(self, drawn: tuple[Ticket, ManualClock]) -> None:
        """Any ticket, written to JSON and restored, tells everything the original does."""
        ticket, clock = drawn
        document = ticket_document(ticket)
        restored = restore_ticket(as_json(document), clock=clock)
        assert as_json(document) == document  # plain JSON data, nothing lost in the text
        assert_same_ticket(restored, ticket, clock() + timedelta(days=1))
        assert restored.clock is clock

    @settings(
        max_examples=40,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(worked_tickets(max_steps=8), st.data())
    def test_a_restored_ticket_goes_on_like_the_original(
        self, drawn: tuple[Ticket, ManualClock], data: st.DataObject
    ) -> None:
        """The same further events give both the same results and the same documents."""
        ticket, clock = drawn
        restored = restore_ticket(as_json(ticket_document(ticket)), clock=clock)
        for _ in range(data.draw(st.integers(1, 6))):
            clock.advance(data.draw(st.sampled_from([timedelta(), MINUTE, 90 * MINUTE])))
            events = ticket.allowed_events()
            assert restored.allowed_events() == events
            if not events:
                break
            event = data.draw(st.sampled_from(events))
            kwargs = data.draw(step_args(ticket, event, clock()))
            outcomes = [
                _outcome(getattr(t, event), copy.deepcopy(kwargs)) for t in (ticket, restored)
            ]
            assert outcomes[0] == outcomes[1]
            assert ticket_document(restored) == ticket_document(ticket)
        assert_same_ticket(restored, ticket, clock())

    def test_the_fixed_ticket_round_trips(self) -> None:
        """A ticket with every kind of payload, its work order completed and signed later."""
        ticket, clock = worked_ticket()
        restored = restore_ticket(as_json(ticket_document(ticket)))
        assert_same_ticket(restored, ticket, clock() + timedelta(hours=3))
        assert restored.clock is utc_now
        (order,) = restored.work_orders
        assert (order.done, order.signed, order.completion) == (
            True,
            True,
            ticket.work_orders[0].completion,
        )

    def test_records_round_trip_one_by_one(self) -> None:
        """read_ticket_record is the inverse of ticket_record_document."""
        ticket, _ = worked_ticket()
        for index, record in enumerate(ticket.history):
            data = as_json(ticket_record_document(record))
            back = read_ticket_record(data, where=f"ticket.history[{index}]")
            assert ticket_record_document(back) == data
            if record.event != "dispatch":  # a work order compares by identity
                assert back == record

    def test_the_same_promise_ids_come_back_and_go_on(self) -> None:
        """Replay makes the promises again with the ids recorded; the next one is the same."""
        ticket, clock = worked_ticket()
        restored = restore_ticket(as_json(ticket_document(ticket)), clock=clock)
        ticket.reopen("it jams again", by="Bill")
        restored.reopen("it jams again", by="Bill")
        made = [t.promise("status_update", "news", MINUTE) for t in (ticket, restored)]
        assert made[0] == made[1]
        assert made[0].id == "P2"

    def test_a_ticket_header_holds_what_the_history_cannot_tell(self) -> None:
        ticket, _ = worked_ticket()
        header = ticket_header(ticket)
        assert sorted(header) == ["caller", "matrix", "number", "sla_policy"]
        assert header["matrix"]["high"] == {"high": 1, "medium": 2, "low": 3}
        assert header["sla_policy"]["calendar"]["holidays"] == ["2026-04-06"]
        assert header["sla_policy"]["calendar"]["hours"][5] == []


def _outcome(method: Callable[..., object], kwargs: dict[str, Any]) -> object:
    """What calling ``method`` gave: its result, or the error's type and message."""
    try:
        result = method(**kwargs)
    except CallflowError as error:
        return type(error), str(error)
    return result


class TestWorkOrders:
    @pytest.mark.parametrize("finish", ["open", "unsigned", "signed", "signed later"])
    def test_a_work_order_round_trips(self, finish: str) -> None:
        order = WorkOrder("WO-1", "T-1", "Dana", "Luis", "Replace the roller", START)
        if finish != "open":
            signer = "Luis" if finish == "signed" else None
            order.complete(work_done="Replaced it", at=START + MINUTE, signed_by=signer)
        if finish == "signed later":
            order.sign(by="Luis")
        restored = restore_work_order(as_json(work_order_document(order)))
        assert work_order_document(restored) == work_order_document(order)
        assert (restored.done, restored.signed, restored.completion) == (
            order.done, order.signed, order.completion,
        )  # fmt: skip

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            ({"at": "2026-03-02T08:00:00+01:00"}, "work_order.completion.at"),
            ({"signed_by": "Eve"}, "work_order.completion.signed_by"),
            ({"work_done": ""}, "work_order.completion"),
            ({"colour": "red"}, "work_order.completion.colour"),
        ],
    )
    def test_a_bad_completion_is_refused(self, change: dict[str, str], path: str) -> None:
        order = WorkOrder("WO-1", "T-1", "Dana", "Luis", "Replace the roller", START)
        order.complete(work_done="Replaced it", at=START + MINUTE, signed_by="Luis")
        data = as_json(work_order_document(order))
        data["completion"].update(change)
        with pytest.raises(SnapshotError) as refused:
            restore_work_order(data)
        assert refused.value.field == path


class TestLedgers:
    def test_a_ledger_round_trips_and_numbers_on(self) -> None:
        ledger = PromiseLedger()
        for what in ("call back", "send news", "call again"):
            ledger.promise(
                "callback", "Ana", what, made_at=START, due=timedelta(hours=1), made_by="Bill"
            )
        ledger.keep("P2", START + MINUTE)
        restored = restore_ledger(as_json(ledger_document(ledger)))
        assert ledger_document(restored) == ledger_document(ledger)
        assert list(restored) == list(ledger)
        assert restored.overdue(START + timedelta(hours=2)) == ledger.overdue(
            START + timedelta(hours=2)
        )
        made = [
            book.promise("status_update", "Ana", "news", made_at=START, due=START)
            for book in (ledger, restored)
        ]
        assert made[0] == made[1]
        assert made[0].id == "P4"

    @pytest.mark.parametrize(
        ("tamper", "path"),
        [
            (lambda d: d["promises"][1].update(id="P7"), "promise_ledger.promises[1].id"),
            (lambda d: d["promises"][0].update(kept_at="2026-03-02T07:00:00+00:00"),
             "promise_ledger.promises[0].kept_at"),
            (lambda d: d["promises"][0].update(kind="gift"), "promise_ledger.promises[0].kind"),
            (lambda d: d.update(extra=1), "promise_ledger.extra"),
            (lambda d: d.update(promises={}), "promise_ledger.promises"),
        ],
    )  # fmt: skip
    def test_a_bad_ledger_is_refused(self, tamper: Callable[[Any], None], path: str) -> None:
        ledger = PromiseLedger()
        ledger.promise("callback", "Ana", "a", made_at=START, due=START + MINUTE)
        ledger.promise("callback", "Ana", "b", made_at=START, due=START + MINUTE)
        data = as_json(ledger_document(ledger))
        tamper(data)
        with pytest.raises(SnapshotError) as refused:
            restore_ledger(data)
        assert refused.value.field == path


class TestBooks:
    def test_a_book_round_trips_and_numbers_on(self) -> None:
        book = MemoryTicketBook(prefix="INC-")
        clock = ManualClock(START)
        for name in ("Ana", "Bo"):
            ticket = Ticket(book.new_number(), Caller(name), clock=clock)
            book.add(ticket)
            ticket.open(by="Bill")
        book.new_number()  # a number given and never used is not given again
        restored = restore_book(as_json(book_document(book)), clock=clock)
        assert book_document(restored) == book_document(book)
        assert [t.number for t in restored] == ["INC-000001", "INC-000002"]
        assert restored.get("INC-000002").status is TicketStatus.OPEN
        assert restored.new_number() == book.new_number() == "INC-000004"

    @pytest.mark.parametrize(
        ("tamper", "path"),
        [
            (lambda d: d.update(numbered=-1), "ticket_book.numbered"),
            (lambda d: d.update(numbered=True), "ticket_book.numbered"),
            (lambda d: d.update(prefix=""), "ticket_book.prefix"),
            (lambda d: d["tickets"].append(d["tickets"][0]),
             "ticket_book.tickets[1].header.number"),
            (lambda d: d["tickets"][0]["header"].pop("caller"),
             "ticket_book.tickets[0].header.caller"),
        ],
    )  # fmt: skip
    def test_a_bad_book_is_refused(self, tamper: Callable[[Any], None], path: str) -> None:
        book = MemoryTicketBook()
        book.add(Ticket(book.new_number(), Caller("Ana"), clock=ManualClock(START)))
        data = as_json(book_document(book))
        tamper(data)
        with pytest.raises(SnapshotError) as refused:
            restore_book(data)
        assert refused.value.field == path


# -- bad documents ----------------------------------------------------------------

Tamper = Callable[[Any], None]


def _set(path: tuple[Any, ...], value: object) -> Tamper:
    def tamper(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return tamper


def _drop(path: tuple[Any, ...]) -> Tamper:
    def tamper(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]

    return tamper


H = "history"
CAL = ("header", "sla_policy", "calendar")
POL = "ticket.header.sla_policy"
BAD_TICKETS: list[tuple[str, Tamper, str]] = [
    ("unknown key at the top", _set(("colour",), "red"), "ticket.colour"),
    ("unknown key in the header", _set(("header", "colour"), 1), "ticket.header.colour"),
    ("unknown key in a record", _set((H, 1, "colour"), 1), "ticket.history[1].colour"),
    ("unknown payload key", _set((H, 2, "payload", "colour"), 1),
     "ticket.history[2].payload.colour"),
    ("unknown key in a note", _set((H, 2, "payload", "note", "colour"), 1),
     "ticket.history[2].payload.note.colour"),
    ("unknown key in an escalation's target", _set((H, 7, "payload", "escalation", "to", "x"), 1),
     "ticket.history[7].payload.escalation.to.x"),
    ("unknown key in a work order", _set((H, 8, "payload", "work_order", "x"), 1),
     "ticket.history[8].payload.work_order.x"),
    ("a note's text not text", _set((H, 2, "payload", "note", "text"), 3),
     "ticket.history[2].payload.note.text"),
    ("a promise's due not a time", _set((H, 3, "payload", "promise", "due"), "soon"),
     "ticket.history[3].payload.promise.due"),
    ("a follow-up flag not a flag", _set((H, 4, "payload", "link", "follow_up"), "yes"),
     "ticket.history[4].payload.link.follow_up"),
    ("an update's impact unknown", _set((H, 5, "payload", "urgency"), "extreme"),
     "ticket.history[5].payload.urgency"),
    ("a timeframe untagged", _set((H, 7, "payload", "escalation", "timeframe"), "PT4H"),
     "ticket.history[7].payload.escalation.timeframe"),
    ("a tagged timeframe of the wrong type",
     _set((H, 7, "payload", "escalation", "timeframe"), {"duration": 4}),
     "ticket.history[7].payload.escalation.timeframe.duration"),
    ("the history not a list", _set((H,), {}), "ticket.history"),
    ("an empty history", _set((H,), []), "ticket.history"),
    ("a record not a mapping", _set((H, 3), "promise"), "ticket.history[3]"),
    ("a missing record key", _drop((H, 1, "at")), "ticket.history[1].at"),
    ("a missing payload key", _drop((H, 2, "payload", "note")), "ticket.history[2].payload.note"),
    ("a missing header", _drop(("header",)), "ticket.header"),
    ("a missing number", _drop(("header", "number")), "ticket.header.number"),
    ("an empty update", _set((H, 5, "payload"), {}), "ticket.history[5].payload"),
    ("an unknown event", _set((H, 1, "event"), "explode"), "ticket.history[1].event"),
    ("a second create", _set((H, 1, "event"), "create"), "ticket.history[1].event"),
    ("no create first", _set((H, 0, "event"), "open"), "ticket.history[0].event"),
    ("an unknown status", _set((H, 1, "to_status"), "lost"), "ticket.history[1].to_status"),
    ("an event the lifecycle refuses", _set((H, 1, "event"), "close"), "ticket.history[1]"),
    ("a tampered to_status", _set((H, 1, "to_status"), "pending"), "ticket.history[1]"),
    ("a tampered from_status", _set((H, 2, "from_status"), "new"), "ticket.history[2]"),
    ("a tampered promise id", _set((H, 3, "payload", "promise", "id"), "P9"), "ticket.history[3]"),
    ("a note at another time", _set((H, 2, "payload", "note", "at"), "2026-03-02T08:02:00+00:00"),
     "ticket.history[2]"),
    ("a note by someone else", _set((H, 2, "payload", "note", "author"), "Eve"),
     "ticket.history[2]"),
    ("a note without an author", _set((H, 2, "by"), None), "ticket.history[2].by"),
    ("an empty author", _set((H, 1, "by"), ""), "ticket.history[1].by"),
    ("a kept promise never made", _set((H, 6, "payload", "promise", "id"), "P5"),
     "ticket.history[6]"),
    ("a work order for another ticket", _set((H, 8, "payload", "work_order", "ticket"), "T-2"),
     "ticket.history[8]"),
    ("a time going backwards", _set((H, 3, "at"), "2026-03-02T09:00:00+01:00"),
     "ticket.history[3].at"),
    ("a naive time", _set((H, 1, "at"), "2026-03-02T09:01:00"), "ticket.history[1].at"),
    ("an empty description", _set((H, 0, "payload", "description"), ""),
     "ticket.history[0].payload.description"),
    ("a bad priority", _set(("header", "matrix", "high", "low"), 9),
     "ticket.header.matrix.high.low"),
    ("an unknown impact row", _set(("header", "matrix", "huge"), {}), "ticket.header.matrix.huge"),
    ("an unknown calendar", _set((*CAL, "type"), "lunar"),
     f"{POL}.calendar.type"),
    ("an unknown zone", _set((*CAL, "zone"), "Mars/Base"),
     f"{POL}.calendar.zone"),
    ("six days of hours", _set((*CAL, "hours"), [[]] * 6),
     f"{POL}.calendar.hours"),
    ("a bad opening time", _set((*CAL, "hours", 0, 0, 0), "9am"),
     f"{POL}.calendar.hours[0][0][0]"),
    ("inverted hours", _set((*CAL, "hours", 0, 0), ["17:00", "09:00"]),
     f"{POL}.calendar.hours[0]"),
    ("a bad holiday", _set((*CAL, "holidays", 0), "Easter"),
     f"{POL}.calendar.holidays[0]"),
    ("a missing target", _drop(("header", "sla_policy", "targets", "P3")),
     f"{POL}.targets.P3"),
    ("a negative target", _set(("header", "sla_policy", "targets", "P3", "update"), "-PT1H"),
     f"{POL}.targets.P3.update"),
    ("a ratio of one", _set(("header", "sla_policy", "warning_ratio"), 1), f"{POL}.warning_ratio"),
    ("a ratio as a flag", _set(("header", "sla_policy", "warning_ratio"), True),
     f"{POL}.warning_ratio"),
    ("a value JSON has not", _set((H, 1, "by"), object()), "ticket.history[1].by"),
]  # fmt: skip


class TestBadTickets:
    @pytest.mark.parametrize(
        ("tamper", "path"),
        [case[1:] for case in BAD_TICKETS],
        ids=[case[0] for case in BAD_TICKETS],
    )
    def test_a_bad_ticket_document_is_refused_naming_the_path(
        self, tamper: Tamper, path: str
    ) -> None:
        """The error names the bad value's path; the document is left as it was."""
        ticket, _ = worked_ticket()
        data = as_json(ticket_document(ticket))
        assert restore_ticket(copy.deepcopy(data))  # the document was good before
        tamper(data)
        before = copy.deepcopy(data) if path != "ticket.history[1].by" else data
        with pytest.raises(SnapshotError) as refused:
            restore_ticket(data)
        assert refused.value.field == path
        assert data == before

    @pytest.mark.parametrize("data", [None, [], "ticket", 3])
    def test_a_document_that_is_no_mapping_is_refused(self, data: object) -> None:
        with pytest.raises(SnapshotError) as refused:
            restore_ticket(data, where="snapshot.ticket")
        assert refused.value.field == "snapshot.ticket"

    def test_a_document_over_the_limits_is_refused(self) -> None:
        ticket, _ = worked_ticket()
        data = as_json(ticket_document(ticket))
        with pytest.raises(SnapshotError) as refused:
            restore_ticket(data, limits=DocumentLimits(max_depth=5))
        assert refused.value.field.startswith("ticket.")
        with pytest.raises(SnapshotError) as refused:
            restore_ticket(data, limits=DocumentLimits(max_items=50))
        assert refused.value.field == "ticket"

    def test_a_refusal_says_why(self) -> None:
        ticket, _ = worked_ticket()
        data = as_json(ticket_document(ticket))
        data["history"][1]["event"] = "close"
        with pytest.raises(SnapshotError, match="lifecycle does not allow it"):
            restore_ticket(data)

    def test_a_record_is_read_naming_where(self) -> None:
        ticket, _ = worked_ticket()
        data = as_json(ticket_record_document(ticket.history[2]))
        data["payload"]["note"]["kind"] = "secret"
        with pytest.raises(SnapshotError) as refused:
            read_ticket_record(data, where="call.ticket.history[2]")
        assert refused.value.field == "call.ticket.history[2].payload.note.kind"

    def test_a_bad_clock_is_refused(self) -> None:
        ticket, _ = worked_ticket()
        with pytest.raises(ValidationError) as refused:
            restore_ticket(ticket_document(ticket), clock="now")  # type: ignore[arg-type]
        assert refused.value.field == "clock"


# -- what cannot be written -------------------------------------------------------


class _AskedHolidays(dict[date, str]):
    """A container of holidays asked per date, like holidays.IT()."""


class TestUnwritable:
    def test_a_ticket_on_another_lifecycle(self) -> None:
        ticket = Ticket("T-1", Caller("Ana"), lifecycle=ticket_lifecycle(required_fields={}))
        with pytest.raises(ValidationError) as refused:
            ticket_header(ticket)
        assert refused.value.field == "lifecycle"

    @pytest.mark.parametrize(
        ("calendar", "path"),
        [
            (BusinessCalendar.weekly(zone="Europe/Rome", holidays=_AskedHolidays()),
             "sla_policy.calendar.holidays"),
            (AlwaysOpen(zone=timezone(MINUTE * 60, "CET")), "sla_policy.calendar.zone"),
            (AlwaysOpen(zone=timezone(timedelta(seconds=30))), "sla_policy.calendar.zone"),
        ],
    )  # fmt: skip
    def test_a_calendar_that_cannot_be_written_exactly(self, calendar: object, path: str) -> None:
        ticket = Ticket("T-1", Caller("Ana"), sla_policy=SlaPolicy(calendar=calendar))  # type: ignore[arg-type]
        with pytest.raises(ValidationError) as refused:
            ticket_document(ticket)
        assert refused.value.field == path

    def test_a_calendar_of_another_kind(self) -> None:
        class Lunar(AlwaysOpen):
            pass

        ticket = Ticket("T-1", Caller("Ana"), sla_policy=SlaPolicy(calendar=Lunar()))
        with pytest.raises(ValidationError) as refused:
            ticket_header(ticket)
        assert refused.value.field == "sla_policy.calendar"

    def test_fixed_offsets_and_utc_come_back_as_they_were(self) -> None:
        for zone in (UTC, timezone(timedelta(hours=-3, minutes=-30))):
            ticket = Ticket("T-1", Caller("Ana"), sla_policy=SlaPolicy(calendar=AlwaysOpen(zone)))
            restored = restore_ticket(as_json(ticket_document(ticket)))
            assert restored.sla_policy.calendar.zone == zone
            assert restored.sla_policy == ticket.sla_policy


def test_documents_are_plain_mappings() -> None:
    """What the writers give is JSON-ready as it is."""
    ticket, _ = worked_ticket()
    for document in (ticket_document(ticket), work_order_document(ticket.work_orders[0])):
        assert isinstance(document, Mapping)
        assert json.loads(json.dumps(document)) == document


@pytest.mark.parametrize(
    ("timeframe", "written"),
    [
        (timedelta(hours=4), {"duration": "PT4H"}),
        (datetime(2026, 3, 4, 9, tzinfo=UTC), {"datetime": "2026-03-04T09:00:00+00:00"}),
        (None, None),
    ],
)
def test_an_escalation_timeframe_is_written_tagged(timeframe: object, written: object) -> None:
    """A duration and a date would both be text in JSON: the tag says which it is."""
    clock = ManualClock(START)
    ticket = Ticket("T-1", Caller("Ana"), clock=clock)
    ticket.open()
    every = timedelta(hours=1) if timeframe is None else None
    ticket.escalate(
        Escalation(Target("Net"), "down", ticket="T-1", next_steps="a look", read_back=True,
                   timeframe=timeframe, update_every=every),
    )  # fmt: skip
    document = ticket_document(ticket)
    assert document["history"][-1]["payload"]["escalation"]["timeframe"] == written
    restored = restore_ticket(as_json(document))
    assert restored.escalations == ticket.escalations
