"""A refused event changes nothing, and no caller sees another caller's records.

A call's event may write into its ticket, its ticket book and its promise
ledger as well as into the call. Everything that can refuse it runs before
anything is written, and the writes outside the call are all or nothing:
whatever refuses the event (a timeframe already past, a ticket someone else
closed meanwhile), the call, its ticket, its book and its ledger are left
exactly as they were. Books may be custom and return more than asked for:
every function that reads one filters again.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from callflow import (
    Agent,
    Call,
    Caller,
    CallflowError,
    Escalation,
    ManualClock,
    MemoryTicketBook,
    NotFoundError,
    PromiseLedger,
    Target,
    Ticket,
    TicketBook,
    TicketStatus,
    TicketTransitionError,
    ValidationError,
    account,
    earlier_tickets,
    open_ticket,
    repeat_failure,
)
from callflow.book import RepeatFailurePolicy
from callflow.escalation import EscalationPolicy

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
BO = Caller(name="Bo Lind", user_id="E5678")
STATE = (
    "stage", "caller", "caller_verified", "problem", "diagnosis", "plan", "fix", "escalation",
    "follow_up_of", "ticket_number", "ticket", "earlier_tickets", "resolution_confirmed",
    "anything_else_asked", "on_hold", "check_in_due", "outcome", "history", "findings",
)  # fmt: skip


def call_state(call: Call) -> dict[str, object]:
    """Everything observable about a call."""
    return {name: getattr(call, name) for name in STATE}


def ticket_state(ticket: Ticket) -> dict[str, object]:
    """Everything observable about a ticket."""
    names = (
        "status", "description", "category", "asset_tag", "impact", "urgency", "diagnosis",
        "resolution", "waiting_on", "notes", "calls", "work_orders", "escalations", "returns",
        "promises", "history",
    )  # fmt: skip
    return {name: getattr(ticket, name) for name in names}


def everything(call: Call, book: MemoryTicketBook, ledger: PromiseLedger) -> object:
    """The call, every ticket of the book, the book's numbering and the ledger."""
    tickets = {ticket.number: ticket_state(ticket) for ticket in book}
    probe = MemoryTicketBook()  # the next number the book gives, without taking it
    probe._count = book._count
    return (call_state(call), tickets, probe.new_number(), tuple(ledger))


def ticketed_call(mode: str) -> tuple[Call, MemoryTicketBook, PromiseLedger, ManualClock]:
    """A call in RESOLUTION with a well-written ticket, in a book, with a promise ledger."""
    clock, book, ledger = ManualClock(START), MemoryTicketBook(), PromiseLedger()
    call = Call(agent=BILL, clock=clock, mode=mode, book=book, promises=ledger, call_id="C-1")
    call.answer()
    call.identify(ANA, verified=True)
    call.listen("The printer on floor 2 jams on every page")
    call.troubleshoot(
        "Printed a test page from tray 2", result="The page jammed halfway, at the pick-up roller"
    )
    call.diagnose("printer/worn-pick-up-roller")
    call.propose("Desk-side support replaces the pick-up roller")
    assert call.ticket is not None
    call.ticket.update(category="hardware", asset_tag="PRN-0042", impact="low", urgency="high")
    clock.advance(seconds=60)
    return call, book, ledger, clock


def escalation(number: str | None, **changes: object) -> Escalation:
    fields: dict[str, object] = {
        "ticket": number,
        "next_steps": "a technician replaces the roller at the printer",
        "timeframe": timedelta(hours=4),
        "read_back": True,
    }
    fields.update(changes)
    return Escalation(Target("Desk-side support"), "the roller needs a site visit", **fields)  # type: ignore[arg-type]


MODES = pytest.mark.parametrize("mode", ["strict", "audit"])


class TestATimeframeThatCannotBeKept:
    """An escalation whose timeframe is past, or past the latest time, is refused first."""

    @MODES
    @pytest.mark.parametrize(
        ("changes", "field", "reason"),
        [
            (
                {"timeframe": START - timedelta(days=1)},
                "escalation.timeframe",
                "is already past when the escalation is given, 2026-03-02T09:01:00+00:00",
            ),
            (
                {"timeframe": timedelta.max},
                "escalation.timeframe",
                "takes the time past 9998-12-31 (UTC)",
            ),
            (
                {"timeframe": None, "update_every": timedelta.max},
                "escalation.update_every",
                "takes the time past 9998-12-31 (UTC)",
            ),
        ],
    )
    def test_assign_is_refused_and_nothing_changes(
        self, mode: str, changes: dict[str, object], field: str, reason: str
    ) -> None:
        """Call, ticket, book and ledger stay as they were; the error names the field."""
        call, book, ledger, _ = ticketed_call(mode)
        before = everything(call, book, ledger)
        with pytest.raises(ValidationError) as caught:
            call.assign(escalation(call.ticket_number, **changes))
        assert (field, reason) == (caught.value.field, caught.value.reason)
        assert before == everything(call, book, ledger)

    @MODES
    def test_the_same_check_holds_without_a_ticket(self, mode: str) -> None:
        """A call with no ticket book refuses a past timeframe too: it is bad data, not a write."""
        clock = ManualClock(START)
        call = Call(agent=BILL, clock=clock, mode=mode)
        call.answer()
        call.identify(ANA, verified=True)
        for event in ("listen", "troubleshoot", "diagnose"):
            getattr(call, event)("x" if event != "diagnose" else "label")
        call.propose("plan")
        before = call_state(call)
        with pytest.raises(ValidationError, match="is already past"):
            call.assign(escalation("INC-1", timeframe=START - timedelta(seconds=1)))
        assert before == call_state(call)

    def test_a_timeframe_of_now_is_kept(self) -> None:
        """A timeframe exactly at the event is not past: the update is promised for then."""
        call, _, _, clock = ticketed_call("strict")
        call.assign(escalation(call.ticket_number, timeframe=clock()))
        assert call.ticket is not None
        assert [clock()] == [promise.due for promise in call.ticket.promises]


def close(ticket: Ticket) -> None:
    ticket.resolve("Fixed by the night shift", by="Night shift")
    ticket.close(by="Night shift")


EVENTS_THAT_WRITE: dict[str, Callable[[Call], None]] = {
    "listen": lambda call: call.listen("It jams on tray 1 too"),
    "troubleshoot": lambda call: call.troubleshoot("reseat", result="no change"),
    "diagnose": lambda call: call.diagnose("printer/tray-1"),
    "propose": lambda call: call.propose("Replace the roller and the tray"),
    "implement": lambda call: call.implement("Replaced the roller"),
}


def reach(call: Call, event: str) -> None:
    """Move a ticketed call in RESOLUTION to a stage where ``event`` is in the procedure."""
    if event == "listen":
        return  # audit mode performs it anywhere; strict mode refuses it (no write either)
    if event in ("diagnose",):
        call.troubleshoot("Checked tray 1")
    if event == "propose":
        call.troubleshoot("Checked tray 1")
        call.diagnose("printer/tray-1")


class TestATicketClosedBySomeoneElse:
    """The call's ticket closed mid-call: an event that would write to it is refused whole."""

    @MODES
    @pytest.mark.parametrize("event", sorted(EVENTS_THAT_WRITE))
    def test_the_event_is_refused_and_nothing_changes(self, mode: str, event: str) -> None:
        """The ticket's own refusal reaches the caller; nothing is recorded anywhere."""
        call, book, ledger, _ = ticketed_call(mode)
        reach(call, event)
        assert call.ticket is not None
        close(call.ticket)
        before = everything(call, book, ledger)
        with pytest.raises(CallflowError) as caught:
            EVENTS_THAT_WRITE[event](call)
        assert before == everything(call, book, ledger)
        if mode == "audit" or event != "listen":  # strict mode refuses listen in RESOLUTION
            assert isinstance(caught.value, TicketTransitionError)
            assert TicketStatus.CLOSED == caught.value.status

    @MODES
    def test_a_failed_fix_on_a_closed_ticket_undoes_the_reopen_too(self, mode: str) -> None:
        """Troubleshooting after a fix reopens the ticket, then notes: all undone together."""
        call, book, ledger, _ = ticketed_call(mode)
        call.implement("Replaced the roller")
        ticket = call.ticket
        assert ticket is not None
        assert TicketStatus.RESOLVED == ticket.status
        # Someone else notes the resolved ticket but leaves it resolved: reopen is allowed,
        # the notes after it are not once the ticket is closed.
        ticket.close(by="Night shift")
        before = everything(call, book, ledger)
        with pytest.raises(TicketTransitionError):
            call.troubleshoot("The roller still slips", result="Jams again")
        assert before == everything(call, book, ledger)

    def test_an_escalation_half_written_is_undone(self) -> None:
        """Escalate, then return for rewrite, then promise: a refusal of the last undoes all."""
        call, book, ledger, clock = ticketed_call("audit")
        ticket = call.ticket
        assert ticket is not None
        ticket.update(category=None)  # a poorly written ticket: escalated, then returned (CF603)
        # The ticket's own clock is ahead of the call's: the promise it would make is refused.
        ticket._clock = lambda: clock() + timedelta(days=1)
        before = everything(call, book, ledger)
        with pytest.raises(ValidationError, match="'due' must not be before"):
            call.assign(escalation(call.ticket_number, timeframe=timedelta(hours=1)))
        assert before == everything(call, book, ledger)

    def test_a_ticket_left_open_is_written_as_before(self) -> None:
        """When nobody interferes, the same events write their notes: the undo is not a no-op."""
        call, _, _, _ = ticketed_call("strict")
        ticket = call.ticket
        assert ticket is not None
        notes = len(ticket.notes)
        call.troubleshoot("reseat", result="no change")
        assert notes + 2 == len(ticket.notes)


class LeakyBook:
    """A custom book that wrongly returns every ticket, whatever it is asked."""

    def __init__(self) -> None:
        self.inner = MemoryTicketBook(prefix="L-")

    def add(self, ticket: Ticket) -> None:
        self.inner.add(ticket)

    def get(self, number: str) -> Ticket:
        return self.inner.get(number)

    def new_number(self) -> str:
        return self.inner.new_number()

    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        return list(self.inner)

    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        return list(self.inner)


def leaky_book() -> tuple[LeakyBook, Ticket, Ticket, ManualClock]:
    """Ana's and Bo's tickets, each about their own laptop, in a book that leaks."""
    book, clock = LeakyBook(), ManualClock(START)
    assert isinstance(book, TicketBook)
    common = {"clock": clock, "category": "hardware", "impact": "low", "urgency": "low"}
    ana = open_ticket(book, ANA, asset_tag="LAP-1", description="Ana's laptop", **common)
    bo = open_ticket(book, BO, asset_tag="LAP-2", description="Bo's laptop", **common)
    clock.advance(seconds=60)
    return book, ana, bo, clock


def verified_call(book: TicketBook, clock: ManualClock, caller: Caller = ANA) -> Call:
    call = Call(agent=BILL, clock=clock, book=book, call_id="C-9")
    call.answer()
    call.identify(caller, verified=True)
    return call


class TestALeakyBookLeaksNothing:
    """Every function that reads a book shows a caller only their own records."""

    def test_earlier_tickets_by_caller(self) -> None:
        """Only the caller's tickets, though the book returned Bo's too."""
        book, ana, _, _ = leaky_book()
        assert (ana,) == earlier_tickets(book, user_id="E1234")

    def test_earlier_tickets_by_unit(self) -> None:
        """Only the unit's tickets, though the book returned the other laptop's too."""
        book, _, bo, _ = leaky_book()
        assert (bo,) == earlier_tickets(book, asset_tag="LAP-2")

    def test_repeat_failure(self) -> None:
        """Bo's laptop's ticket does not count towards Ana's laptop's repeat failures."""
        book, ana, _, _ = leaky_book()
        assert repeat_failure(book, ana, RepeatFailurePolicy(tickets=2)) is None

    def test_account(self) -> None:
        """A verified caller's account holds their tickets only."""
        book, ana, _, clock = leaky_book()
        assert (ana,) == account(book, verified_call(book, clock)).tickets

    def test_a_call_records_only_the_caller_s_earlier_tickets(self) -> None:
        """Listening opens Ana's ticket: the earlier tickets it records are hers alone."""
        book, ana, bo, clock = leaky_book()
        call = verified_call(book, clock)
        call.listen("My laptop will not charge")
        assert (ana.number,) == call.earlier_tickets
        recorded = [record.observed.get("earlier") for record in call.history]
        assert bo.number not in str(recorded)

    def test_a_follow_up_of_another_caller_s_ticket_is_refused(self) -> None:
        """Taking up Bo's ticket on Ana's call is denied, and the call is unchanged."""
        book, _, bo, clock = leaky_book()
        call = verified_call(book, clock)
        before = call_state(call)
        with pytest.raises(CallflowError, match="another caller"):
            call.follow_up(bo.number)
        assert before == call_state(call)

    def test_a_book_that_returns_what_is_not_a_ticket_is_named(self) -> None:
        """A book whose query returns junk is a ValidationError naming the book's method."""

        class JunkBook(LeakyBook):
            def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
                return ["T-1"]  # type: ignore[list-item]

        with pytest.raises(ValidationError) as caught:
            earlier_tickets(JunkBook(), user_id="E1234")
        assert ("book.tickets_of_caller()", "T-1") == (caught.value.field, caught.value.value)


class TestArgumentsOfTheBookHelpers:
    """The book helpers check what they are given before reading anything."""

    @pytest.mark.parametrize(
        ("call", "field"),
        [
            (lambda book, ticket: earlier_tickets("a book", user_id="E1"), "book"),  # type: ignore[arg-type]
            (lambda book, ticket: earlier_tickets(book, user_id=7), "user_id"),  # type: ignore[arg-type]
            (lambda book, ticket: earlier_tickets(book, before="T-1"), "before"),  # type: ignore[arg-type]
            (lambda book, ticket: repeat_failure(book, "T-1"), "ticket"),  # type: ignore[arg-type]
            (lambda book, ticket: repeat_failure(book, ticket, 3), "policy"),  # type: ignore[arg-type]
            (lambda book, ticket: repeat_failure(None, ticket), "book"),  # type: ignore[arg-type]
            (lambda book, ticket: account(book, None), "call"),  # type: ignore[arg-type]
            (lambda book, ticket: open_ticket([], ANA), "book"),  # type: ignore[arg-type]
        ],
    )
    def test_bad_arguments_name_the_field(
        self, call: Callable[[TicketBook, Ticket], object], field: str
    ) -> None:
        """A ValidationError names the argument, never an AttributeError or a TypeError."""
        book, ana, _, _ = leaky_book()
        with pytest.raises(ValidationError) as caught:
            call(book, ana)
        assert field == caught.value.field

    def test_a_window_longer_than_time_counts_every_earlier_ticket(self) -> None:
        """repeat_failure with timedelta.max looks back to the earliest time, not overflowing."""
        book, clock = MemoryTicketBook(), ManualClock(START)
        fields = {"clock": clock, "category": "hardware", "asset_tag": "LAP-1"}
        first = open_ticket(book, ANA, **fields)
        clock.advance(timedelta(days=3650))
        second = open_ticket(book, ANA, **fields)
        breach = repeat_failure(book, second, RepeatFailurePolicy(2, timedelta.max))
        assert breach is not None
        assert first.number in breach.message


class TestEscalationAdvice:
    def test_access_needed_must_be_a_collection(self) -> None:
        """escalation_advice(access_needed=5) names the argument."""
        call, _, _, _ = ticketed_call("strict")
        with pytest.raises(ValidationError) as caught:
            call.escalation_advice(EscalationPolicy(), access_needed=5)  # type: ignore[arg-type]
        assert ("access_needed", 5) == (caught.value.field, caught.value.value)


def test_a_follow_up_of_an_unknown_ticket_leaves_the_book_as_it_was() -> None:
    """NotFoundError, and the book gives no number away."""
    book, clock = MemoryTicketBook(), ManualClock(START)
    call = verified_call(book, clock)
    with pytest.raises(NotFoundError):
        call.follow_up("T-404")
    assert "T-000001" == book.new_number()
