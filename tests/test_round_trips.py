"""Round trips of every public type over generated values: what is written reads back equal.

Value classes go through the codec and JSON text (``structure(loads(dumps(
unstructure(x)))) == x``); the stateful objects (calls, desks, tickets, work
orders, promise ledgers, ticket books) go through :mod:`callflow.snapshot`,
and, having no equality of their own, are compared by their snapshots and
what they show.
"""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.test_schema import VALUES
from tests.test_ticket_documents import assert_same_ticket, worked_tickets

from callflow import (
    EventRecord,
    ManualClock,
    MemoryTicketBook,
    PromiseLedger,
    Ticket,
    WorkOrder,
)
from callflow import snapshot as snap
from callflow.codec import structure, unstructure
from callflow.ticket import TicketRecord

# Classes whose values the codec writes but that are not read back by it, each
# with the reason; they round-trip another way (the test named).
NOT_BY_THE_CODEC = {
    EventRecord: "its payload is typed by its event: read by snapshot.read_record (below)",
    TicketRecord: "its payload's kinds depend on its event: read with its ticket (below)",
    WorkOrder: "its completion is not an init argument: read from snapshots (below)",
}


def through_json(value: object) -> Any:
    return json.loads(json.dumps(unstructure(value)))


class TestValueClasses:
    @pytest.mark.parametrize(
        "kind",
        sorted(set(VALUES) - set(NOT_BY_THE_CODEC), key=lambda kind: kind.__name__),
    )
    @given(data=st.data())
    def test_written_then_read_is_equal(self, kind: type, data: st.DataObject) -> None:
        value = data.draw(VALUES[kind])
        assert value == structure(through_json(value), kind)

    def test_the_classes_set_aside_are_written_by_the_codec(self) -> None:
        """Every class set aside is one the codec writes: nothing is set aside unknowingly."""
        assert set(NOT_BY_THE_CODEC) <= set(VALUES)

    @given(data=st.data())
    def test_an_event_record_through_the_snapshot_reader(self, data: st.DataObject) -> None:
        record = data.draw(VALUES[EventRecord])
        document = json.loads(json.dumps(snap.record_document(record)))
        assert record == snap.read_record(document)


class TestStatefulObjects:
    """Tickets, work orders, ledgers and books: their snapshots read back to the same thing."""

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worked=worked_tickets())
    def test_a_ticket(self, worked: tuple[Ticket, ManualClock]) -> None:
        """Everything the ticket tells, its records too (work orders by their documents)."""
        ticket, clock = worked
        again = snap.loads(snap.dumps(ticket))
        assert isinstance(again, Ticket)
        assert snap.to_document(ticket) == snap.to_document(again)
        assert_same_ticket(again, ticket, clock())

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worked=worked_tickets())
    def test_its_work_orders_and_promises(self, worked: tuple[Ticket, Any]) -> None:
        ticket, _ = worked
        for order in ticket.work_orders:
            again = snap.loads(snap.dumps(order))
            assert isinstance(again, WorkOrder)
            assert (order.completion, order.number) == (again.completion, again.number)
        ledger = PromiseLedger()
        for promise in ticket.promises:
            ledger.promise(
                promise.kind,
                promise.to,
                promise.what,
                made_at=promise.made_at,
                due=promise.due,
                made_by=promise.made_by,
                ticket=promise.ticket,
            )
        copy = snap.loads(snap.dumps(ledger))
        assert isinstance(copy, PromiseLedger)
        assert tuple(ledger) == tuple(copy)

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(tickets=st.lists(worked_tickets(max_steps=6), max_size=3))
    def test_a_book(self, tickets: list[tuple[Ticket, Any]]) -> None:
        book = MemoryTicketBook()
        for ticket, _ in tickets:
            if ticket.number not in {t.number for t in book}:
                book.add(ticket)
        again = snap.loads(snap.dumps(book))
        assert isinstance(again, MemoryTicketBook)
        assert snap.to_document(book) == snap.to_document(again)
        assert book.new_number() == again.new_number()
