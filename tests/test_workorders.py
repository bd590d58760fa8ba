"""Work orders (seed 004, CF904): dispatched from an escalated ticket, completed and signed."""

import re
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from callflow import (
    Caller,
    Escalation,
    ManualClock,
    RuleBreach,
    Target,
    Ticket,
    TicketStatus,
    TicketTransitionError,
    ValidationError,
    WorkOrder,
)
from callflow.workorders import Completion

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DISPATCHED = START + timedelta(hours=1)
DONE = START + timedelta(days=1)
NUMBER = "T-1"
UTC_2 = timezone(timedelta(hours=2))

FIELDS: dict[str, object] = {
    "number": "WO-7",
    "ticket": NUMBER,
    "supervisor": "Dana",
    "technician": "Luis",
    "instructions": "Replace the pick-up roller of printer PRN-0042 (floor 2).",
    "dispatched_at": DISPATCHED,
}


def an_order(**changes: object) -> WorkOrder:
    return WorkOrder(**{**FIELDS, **changes})  # type: ignore[arg-type]


def escalated_ticket() -> tuple[Ticket, ManualClock]:
    """Ana's printer ticket, opened and escalated to desk-side support."""
    clock = ManualClock(START)
    ticket = Ticket(
        NUMBER,
        Caller("Ana Souza", user_id="E1234"),
        description="The printer on floor 2 jams on every page",
        impact="medium",
        urgency="high",
        clock=clock,
    )
    ticket.open(by="Bill")
    ticket.escalate(
        Escalation(
            Target("Desk-side support"),
            "the roller needs replacing on site",
            ticket=NUMBER,
            next_steps="a technician replaces the roller",
            timeframe=timedelta(days=1),
            read_back=True,
        ),
        by="Bill",
    )
    clock.set(DISPATCHED)
    return ticket, clock


class TestConstruction:
    def test_fields_are_kept_and_the_work_is_not_done(self) -> None:
        """A new work order keeps what it was given and has no completion yet."""
        order = an_order()
        assert tuple(FIELDS.values()) == (
            order.number,
            order.ticket,
            order.supervisor,
            order.technician,
            order.instructions,
            order.dispatched_at,
        )
        assert (None, False, False) == (order.completion, order.done, order.signed)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("number", ""),
            ("ticket", "  "),
            ("supervisor", None),
            ("technician", 7),
            ("instructions", ""),
            ("dispatched_at", datetime(2026, 3, 2, 10, 0)),
            ("dispatched_at", "2026-03-02"),
        ],
    )
    def test_bad_fields_name_the_field(self, field: str, value: object) -> None:
        """Each bad field raises ValidationError naming it."""
        with pytest.raises(ValidationError, match=f"'{field}' must be") as caught:
            an_order(**{field: value})
        assert (field, value) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("field", list(FIELDS))
    def test_the_dispatch_cannot_be_rewritten(self, field: str) -> None:
        """What was dispatched stays as it was dispatched."""
        order = an_order()
        with pytest.raises(attrs.exceptions.FrozenAttributeError):
            setattr(order, field, FIELDS[field])


class TestComplete:
    def test_signed_by_the_technician(self) -> None:
        """The technician's signed record makes the order done and signed."""
        order = an_order()
        order.complete(
            work_done="Replaced the roller; 50 pages printed.", at=DONE, signed_by="Luis"
        )
        assert (
            Completion("Replaced the roller; 50 pages printed.", DONE, "Luis") == order.completion
        )
        assert (True, True) == (order.done, order.signed)

    def test_unsigned_is_done_but_not_signed(self) -> None:
        """Work recorded without a signature is done but unsigned (a CF904 finding)."""
        order = an_order()
        order.complete(work_done="Replaced the roller", at=DONE, signed_by=None)
        assert (True, False) == (order.done, order.signed)

    def test_completed_at_the_dispatch_time(self) -> None:
        """Work may be finished the moment it was dispatched, not before."""
        order = an_order()
        order.complete(work_done="Reseated the tray", at=DISPATCHED, signed_by="Luis")
        assert order.done

    def test_times_compare_across_time_zones(self) -> None:
        """11:30 at UTC+2 is before a 10:00 UTC dispatch; 12:30 at UTC+2 is after it."""
        order = an_order()
        with pytest.raises(ValidationError, match="'at' must not be before the dispatch"):
            order.complete(
                work_done="Reseated the tray",
                at=datetime(2026, 3, 2, 11, 30, tzinfo=UTC_2),
                signed_by="Luis",
            )
        order.complete(
            work_done="Reseated the tray",
            at=datetime(2026, 3, 2, 12, 30, tzinfo=UTC_2),
            signed_by="Luis",
        )
        assert order.done

    def test_a_second_completion_is_refused(self) -> None:
        """A work order is completed once; the first record stands."""
        order = an_order()
        order.complete(work_done="Replaced the roller", at=DONE, signed_by=None)
        first = order.completion
        with pytest.raises(ValidationError, match="'work_order' is already completed") as caught:
            order.complete(work_done="Signed now", at=DONE + timedelta(hours=1), signed_by="Luis")
        assert ("work_order", "WO-7") == (caught.value.field, caught.value.value)
        assert (first, False) == (order.completion, order.signed)

    @pytest.mark.parametrize(
        ("changes", "field", "match"),
        [
            ({"at": DISPATCHED - timedelta(seconds=1)}, "at", "must not be before the dispatch"),
            ({"at": datetime(2026, 3, 3, 9, 0)}, "at", "must be a timezone-aware"),
            ({"signed_by": "Dana"}, "signed_by", "must be the assigned technician 'Luis'"),
            ({"signed_by": " "}, "signed_by", "must be non-empty text"),
            ({"work_done": ""}, "work_done", "must be non-empty text"),
        ],
    )
    def test_bad_completion_is_refused_and_records_nothing(
        self, changes: dict[str, object], field: str, match: str
    ) -> None:
        """A completion before the dispatch, signed by someone else or empty is refused."""
        order = an_order()
        arguments: dict[str, object] = {
            "work_done": "Replaced the roller",
            "at": DONE,
            "signed_by": "Luis",
            **changes,
        }
        with pytest.raises(ValidationError, match=re.escape(f"'{field}' {match}")) as caught:
            order.complete(**arguments)  # type: ignore[arg-type]
        assert (field, changes[field]) == (caught.value.field, caught.value.value)
        assert (None, False) == (order.completion, order.done)


class TestDispatch:
    def test_dispatch_resolves_the_escalated_ticket(self) -> None:
        """Seed 004: once a work order is assigned, the ticket is resolved."""
        ticket, _ = escalated_ticket()
        order = an_order()
        ticket.dispatch(order, by="Dana")
        assert (TicketStatus.RESOLVED, (order,)) == (ticket.status, ticket.work_orders)
        record = ticket.history[-1]
        assert (
            "dispatch",
            TicketStatus.ESCALATED,
            TicketStatus.RESOLVED,
            DISPATCHED,
            "Dana",
            {"work_order": order},
        ) == (
            record.event,
            record.from_status,
            record.to_status,
            record.at,
            record.by,
            record.payload,
        )

    def test_the_resolved_ticket_can_be_closed(self) -> None:
        """A ticket resolved by dispatch closes like any resolved ticket."""
        ticket, _ = escalated_ticket()
        ticket.dispatch(an_order())
        ticket.close()
        assert TicketStatus.CLOSED == ticket.status

    def test_dispatch_from_open_is_refused(self) -> None:
        """Only an escalated ticket is dispatched: from OPEN the lifecycle has no such move."""
        ticket, _ = escalated_ticket()
        ticket.return_for_rewrite([RuleBreach("CF901", "ticket T-1 lacks a category.", "category")])
        assert TicketStatus.OPEN == ticket.status
        history = ticket.history
        with pytest.raises(
            TicketTransitionError,
            match="ticket event 'dispatch' refused in status OPEN: the lifecycle does not allow",
        ) as caught:
            ticket.dispatch(an_order())
        error = caught.value
        assert ("dispatch", TicketStatus.OPEN, (), ()) == (
            error.event,
            error.status,
            error.missing,
            error.rules,
        )
        assert "dispatch" not in error.allowed
        assert (TicketStatus.OPEN, history, ()) == (
            ticket.status,
            ticket.history,
            ticket.work_orders,
        )

    def test_a_work_order_for_another_ticket_is_refused(self) -> None:
        """The refusal names what is missing (a work order for this ticket) and its rule."""
        ticket, _ = escalated_ticket()
        history = ticket.history
        with pytest.raises(
            TicketTransitionError,
            match=re.escape(
                "ticket event 'dispatch' refused in status ESCALATED: it requires a work order"
                " dispatched for this ticket (CF904)"
            ),
        ) as caught:
            ticket.dispatch(an_order(ticket="T-2"))
        error = caught.value
        assert (("a work order dispatched for this ticket",), ("CF904",)) == (
            error.missing,
            error.rules,
        )
        assert (TicketStatus.ESCALATED, history, ()) == (
            ticket.status,
            ticket.history,
            ticket.work_orders,
        )

    def test_only_a_work_order_is_dispatched(self) -> None:
        """Anything but a WorkOrder is a ValidationError."""
        ticket, _ = escalated_ticket()
        with pytest.raises(ValidationError, match="'work_order' must be a WorkOrder") as caught:
            ticket.dispatch(FIELDS)  # type: ignore[arg-type]
        assert "work_order" == caught.value.field
        assert TicketStatus.ESCALATED == ticket.status

    def test_the_technician_signs_after_the_ticket_is_resolved(self) -> None:
        """The work is done and signed later, on the order the ticket keeps."""
        ticket, _ = escalated_ticket()
        order = an_order()
        ticket.dispatch(order)
        order.complete(work_done="Replaced the roller", at=DONE, signed_by="Luis")
        assert (True, True) == (ticket.work_orders[0].done, ticket.work_orders[0].signed)


class TestSigningLater:
    def completed_unsigned(self) -> WorkOrder:
        order = WorkOrder(
            number="WO-9",
            ticket="T-1",
            supervisor="Dana",
            technician="Luis",
            instructions="Replace the pick-up roller of PRN-0042",
            dispatched_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        )
        order.complete(
            work_done="Replaced the roller",
            at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
            signed_by=None,
        )
        return order

    def test_the_technician_signs_a_completed_order_later(self) -> None:
        """An unsigned completion (CF904) is signed afterwards by its technician."""
        order = self.completed_unsigned()
        order.sign(by="Luis")
        assert (True, "Luis") == (order.signed, order.completion.signed_by)  # type: ignore[union-attr]

    @pytest.mark.parametrize("signer", ["Dana", " "])
    def test_only_the_technician_signs(self, signer: str) -> None:
        """Anyone but the assigned technician is refused, naming the field."""
        order = self.completed_unsigned()
        with pytest.raises(ValidationError) as caught:
            order.sign(by=signer)
        assert ("by", False) == (caught.value.field, order.signed)

    def test_a_signed_order_is_not_signed_again(self) -> None:
        """Signing twice is refused."""
        order = self.completed_unsigned()
        order.sign(by="Luis")
        with pytest.raises(ValidationError, match="signed already"):
            order.sign(by="Luis")
