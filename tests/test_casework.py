"""The call's ticket bookkeeping (callflow._casework), effect by effect.

What each event writes into the ticket, the book and the promise ledger, by
whom, and what it records as observed; and each refusal of the book's answers
with the field, value and reason a reader sees.
"""

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from tests.books import AnsweringBook

from callflow import (
    AccessDeniedError,
    Agent,
    Call,
    Caller,
    Escalation,
    ManualClock,
    MemoryTicketBook,
    NoteTopic,
    PhoneMessage,
    PromiseKind,
    PromiseLedger,
    RuleBreach,
    Stage,
    Target,
    Ticket,
    TicketStatus,
    TicketTransitionError,
    ValidationError,
    open_ticket,
)
from callflow._casework import callback_after, update_due
from callflow.callbacks import CallbackWindow
from callflow.notes import NoteKind

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
RUI = Caller(name="Rui Costa", user_id="E9876")


def new_call(
    mode: str = "strict",
    book: MemoryTicketBook | None = None,
    promises: PromiseLedger | None = None,
) -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    call = Call(agent=BILL, clock=clock, mode=mode, book=book, promises=promises, call_id="C-7")
    return call, clock


def greeted(
    mode: str = "strict", book: MemoryTicketBook | None = None, caller: Caller = ANA
) -> tuple[Call, ManualClock]:
    call, clock = new_call(mode, MemoryTicketBook() if book is None else book)
    clock.advance(seconds=5)
    call.answer()
    call.identify(caller, verified=True)
    clock.advance(seconds=5)
    return call, clock


def events(ticket: Ticket) -> list[tuple[str, str | None]]:
    return [(record.event, record.by) for record in ticket.history]


def escalation(number: str | None, **changes: object) -> Escalation:
    fields: dict[str, object] = {
        "ticket": number,
        "next_steps": "a technician replaces the roller",
        "timeframe": timedelta(hours=4),
        "read_back": True,
    }
    fields.update(changes)
    return Escalation(Target("Desk-side support"), "the roller needs a site visit", **fields)  # type: ignore[arg-type]


def resolution(mode: str = "strict") -> tuple[Call, Ticket, ManualClock]:
    call, clock = greeted(mode)
    call.listen("The printer on floor 2 jams on every page")
    call.troubleshoot("Printed a test page from tray 2", result="The page jammed at the roller")
    call.diagnose("printer/worn-pick-up-roller")
    call.propose("Desk-side support replaces the pick-up roller")
    ticket = call.ticket
    assert ticket is not None
    ticket.update(category="hardware", asset_tag="PRN-1", impact="low", urgency="high")
    clock.advance(seconds=60)
    return call, ticket, clock


class TestOpeningTheCase:
    def test_the_ticket_opened_by_the_first_listen(self) -> None:
        book = MemoryTicketBook()
        call, clock = greeted(book=book)
        call.listen("The printer jams")
        ticket = book.get("T-000001")
        assert (call.ticket, ANA, "The printer jams", TicketStatus.OPEN) == (
            ticket,
            ticket.caller,
            ticket.description,
            ticket.status,
        )
        assert (clock(), "Bill") == (ticket.created_at, ticket.created_by)
        assert [("create", "Bill"), ("open", "Bill"), ("link_call", "Bill")] == events(ticket)
        [link] = ticket.calls
        assert ("C-7", clock(), False) == (link.call_id, link.at, link.follow_up)
        observed = {"ticket": "T-000001", "earlier": ()}
        assert observed == dict(call.history[-1].observed)

    def test_a_first_listen_without_words_opens_a_ticket_the_next_describes(self) -> None:
        call, _ = greeted()
        call.listen()
        ticket = call.ticket
        assert ticket is not None
        assert (None, ()) == (ticket.description, ticket.notes)
        call.listen("The printer jams")
        assert ("The printer jams", ()) == (ticket.description, ticket.notes)
        assert ("update", "Bill") == events(ticket)[-1]
        call.listen()
        assert ("The printer jams", ()) == (ticket.description, ticket.notes)

    def test_later_words_are_an_internal_general_note_by_the_agent(self) -> None:
        call, clock = greeted()
        call.listen("The printer jams")
        call.listen("Since the toner change")
        ticket = call.ticket
        assert ticket is not None
        [note] = ticket.notes
        assert (
            "Bill",
            clock(),
            "Since the toner change",
            NoteKind.INTERNAL,
            NoteTopic.GENERAL,
        ) == (
            note.author,
            note.at,
            note.text,
            note.kind,
            note.topic,
        )

    def test_the_callers_earlier_tickets_are_recorded_oldest_first(self) -> None:
        book = MemoryTicketBook()
        old_clock = ManualClock(START - timedelta(days=3))
        first = open_ticket(book, ANA, description="Monitor flickers", clock=old_clock)
        open_ticket(book, RUI, description="Not Ana's", clock=old_clock)
        old_clock.advance(seconds=3600)
        second = open_ticket(book, ANA, description="Mouse", clock=old_clock)
        call, _ = greeted(book=book)
        call.listen("The printer jams")
        assert ("T-000004", (first.number, second.number)) == (
            call.ticket_number,
            call.earlier_tickets,
        )
        assert (first.number, second.number) == call.history[-1].observed["earlier"]

    def test_a_caller_without_a_user_id_has_no_earlier_tickets(self) -> None:
        book = MemoryTicketBook()
        open_ticket(book, Caller(name="Ana Souza"), description="Monitor flickers")
        call, _ = greeted(book=book, caller=Caller(name="Ana Souza"))
        call.listen("The printer jams")
        assert ("T-000002", ()) == (call.ticket_number, call.earlier_tickets)
        assert {"ticket": "T-000002", "earlier": ()} == dict(call.history[-1].observed)
        assert call.history == Call.replay(call.history).history

    @pytest.mark.parametrize("number", ["", "  ", None, 5])
    def test_a_book_that_gives_no_number(self, number: object) -> None:
        class Numberless(MemoryTicketBook):
            __slots__ = ()

            def new_number(self) -> str:
                return number  # type: ignore[return-value]

        book = Numberless()
        call, _ = greeted(book=book)
        with pytest.raises(ValidationError) as caught:
            call.listen("The printer jams")
        assert ("book.new_number()", number, "must be non-empty text") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        assert (0, Stage.GREETING, None) == (len(book), call.stage, call.ticket_number)

    def test_no_book_or_no_caller_opens_nothing(self) -> None:
        call, _ = new_call()
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        assert (None, None, {}) == (
            call.ticket,
            call.ticket_number,
            dict(call.history[-1].observed),
        )
        book = MemoryTicketBook()
        call, _ = new_call("audit", book)
        call.answer()
        call.listen("The printer jams")
        assert (0, None, {}) == (len(book), call.ticket, dict(call.history[-1].observed))

    def test_a_listen_out_of_order_opens_nothing(self) -> None:
        """Only the listen that comes in GREETING opens the case; a later one has none to add to."""
        book = MemoryTicketBook()
        call, _ = greeted("audit", book)
        call.troubleshoot("Printed a test page")
        call.listen("The printer jams")
        assert (0, None, None) == (len(book), call.ticket, call.ticket_number)

    def test_a_listen_on_a_followed_up_ticket_adds_a_note(self) -> None:
        book = MemoryTicketBook()
        ticket = open_ticket(book, ANA, description="VPN drops")
        ticket.open()
        call, _ = greeted("audit", book)
        call.follow_up(ticket.number)
        call.listen("It dropped again this morning")
        assert (1, ["It dropped again this morning"]) == (
            len(book),
            [note.text for note in ticket.notes],
        )


class TestFollowingUp:
    def kept(self, book: MemoryTicketBook, caller: Caller = ANA) -> Ticket:
        ticket = open_ticket(book, caller, description="VPN drops", clock=ManualClock(START))
        ticket.open(by="Dana")
        return ticket

    def test_the_ticket_is_linked_to_the_call_as_a_follow_up(self) -> None:
        book = MemoryTicketBook()
        ticket = self.kept(book)
        call, _ = greeted(book=book)
        call.follow_up(ticket.number)
        [link] = ticket.calls
        assert ("C-7", START, True) == (link.call_id, link.at, link.follow_up)
        assert ("link_call", "Bill") == events(ticket)[-1]
        assert (ticket, {}) == (call.ticket, dict(call.history[-1].observed))

    def test_without_a_book_the_number_is_kept(self) -> None:
        call, _ = new_call()
        call.answer()
        call.identify(ANA, verified=True)
        call.follow_up("T-000001")
        assert ("T-000001", None, "T-000001") == (
            call.ticket_number,
            call.ticket,
            call.follow_up_of,
        )

    @pytest.mark.parametrize("answer", ["T-000001", None])
    def test_a_book_that_answers_with_no_ticket(self, answer: object) -> None:
        call, _ = greeted(book=AnsweringBook(answer))
        with pytest.raises(ValidationError) as caught:
            call.follow_up("T-000001")
        assert ("book.get('T-000001')", answer, "must be that ticket") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        assert (Stage.GREETING, None) == (call.stage, call.ticket_number)

    def test_a_book_that_answers_with_another_ticket(self) -> None:
        other = Ticket("T-000002", ANA, description="VPN drops")
        call, _ = greeted(book=AnsweringBook(other))
        with pytest.raises(ValidationError) as caught:
            call.follow_up("T-000001")
        assert ("book.get('T-000001')", other, "must be that ticket") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        assert () == other.calls

    @pytest.mark.parametrize(
        ("owner", "caller"),
        [
            (RUI, ANA),
            (Caller(name="Ana Souza"), ANA),
            (Caller(name="Ana Souza"), Caller(name="Ana Souza")),
            (ANA, Caller(name="Ana Souza")),
        ],
    )
    def test_a_ticket_not_the_callers(self, owner: Caller, caller: Caller) -> None:
        ticket = Ticket("T-000001", owner, description="VPN drops")
        ticket.open()
        call, _ = greeted("audit", AnsweringBook(ticket), caller=caller)
        with pytest.raises(AccessDeniedError) as caught:
            call.follow_up("T-000001")
        reason = "it belongs to another caller than the one identified"
        assert ("ticket T-000001", reason) == (caught.value.resource, caught.value.reason)
        assert ((), None) == (ticket.calls, call.ticket_number)

    def test_a_call_that_identified_nobody(self) -> None:
        ticket = Ticket("T-000001", ANA, description="VPN drops")
        ticket.open()
        call, _ = new_call("audit", AnsweringBook(ticket))
        call.answer()
        with pytest.raises(AccessDeniedError) as caught:
            call.follow_up("T-000001")
        assert "ticket T-000001" == caught.value.resource

    def test_the_same_caller_under_another_name_may(self) -> None:
        ticket = Ticket("T-000001", Caller(name="A. Souza", user_id="E1234"), description="VPN")
        ticket.open()
        call, _ = greeted(book=AnsweringBook(ticket))
        call.follow_up("T-000001")
        assert ticket is call.ticket

    @pytest.mark.parametrize("status", [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.RESOLVED])
    def test_any_ticket_not_closed_may_be_followed_up(self, status: TicketStatus) -> None:
        book = MemoryTicketBook()
        ticket = open_ticket(book, ANA, description="VPN drops")
        if status is not TicketStatus.NEW:
            ticket.open()
        if status is TicketStatus.RESOLVED:
            ticket.resolve("Raised the timeout")
        call, _ = greeted(book=book)
        call.follow_up(ticket.number)
        assert (ticket, status) == (call.ticket, ticket.status)

    def test_a_closed_ticket(self) -> None:
        book = MemoryTicketBook()
        ticket = self.kept(book)
        ticket.resolve("Raised the timeout")
        ticket.close()
        call, _ = greeted(book=book)
        with pytest.raises(ValidationError) as caught:
            call.follow_up(ticket.number)
        reason = "is closed: a new problem is a new case (CF905)"
        assert ("ticket", ticket.number, reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        assert () == ticket.calls


class TestEscalating:
    def test_a_complete_escalation(self) -> None:
        call, ticket, clock = resolution()
        call.assign(escalation(ticket.number))
        assert TicketStatus.ESCALATED == ticket.status
        assert [("escalate", "Bill"), ("promise", "Bill")] == events(ticket)[-2:]
        [promise] = ticket.promises
        assert (
            PromiseKind.STATUS_UPDATE,
            "a technician replaces the roller",
            clock(),
            clock() + timedelta(hours=4),
            "Bill",
            ticket.number,
        ) == (
            promise.kind,
            promise.what,
            promise.made_at,
            promise.due,
            promise.made_by,
            promise.ticket,
        )
        assert {"ticket_findings": ()} == dict(call.history[-1].observed)

    def test_a_resolved_ticket_is_reopened_first(self) -> None:
        call, ticket, _ = resolution("audit")
        call.implement("Cleaned the roller")
        assert TicketStatus.RESOLVED == ticket.status
        call.assign(escalation(ticket.number))
        reopen = [record for record in ticket.history if record.event == "reopen"]
        assert [("Bill", "escalated to Desk-side support: the roller needs a site visit")] == [
            (record.by, record.payload["reason"]) for record in reopen
        ]
        assert [TicketStatus.ESCALATED] == [ticket.status]

    def test_an_open_ticket_is_not_reopened(self) -> None:
        call, ticket, _ = resolution()
        call.assign(escalation(ticket.number))
        assert "reopen" not in [record.event for record in ticket.history]

    def test_a_poorly_written_ticket_comes_back_from_the_target(self) -> None:
        call, ticket, _ = resolution("audit")
        ticket.update(impact=None)
        findings = call.ticket_findings
        assert ["priority"] == [breach.field for breach in findings]
        call.assign(escalation(ticket.number))
        assert (findings,) == ticket.returns
        assert ("return_for_rewrite", "Desk-side support") == events(ticket)[-2]
        assert {"ticket_findings": findings} == dict(call.history[-1].observed)
        assert TicketStatus.OPEN == ticket.status

    def test_promised_updates_without_a_timeframe(self) -> None:
        call, ticket, clock = resolution()
        call.assign(escalation(ticket.number, timeframe=None, update_every=timedelta(hours=2)))
        [promise] = ticket.promises
        assert (clock() + timedelta(hours=2), "a technician replaces the roller") == (
            promise.due,
            promise.what,
        )

    def test_a_timeframe_wins_over_promised_updates(self) -> None:
        call, ticket, clock = resolution()
        call.assign(escalation(ticket.number, update_every=timedelta(hours=2)))
        assert [clock() + timedelta(hours=4)] == [promise.due for promise in ticket.promises]

    def test_an_incomplete_escalation_is_a_next_step_note(self) -> None:
        call, ticket, clock = resolution("audit")
        call.assign(escalation(ticket.number, read_back=False))
        note = ticket.notes[-1]
        text = "Escalation to Desk-side support given incompletely: the roller needs a site visit"
        assert (text, NoteTopic.NEXT_STEP, NoteKind.INTERNAL, "Bill", clock()) == (
            note.text,
            note.topic,
            note.kind,
            note.author,
            note.at,
        )
        assert ((), TicketStatus.OPEN, ()) == (ticket.escalations, ticket.status, ticket.promises)
        assert {"ticket_findings": ()} == dict(call.history[-1].observed)

    def test_without_a_ticket_nothing_is_written_nor_observed(self) -> None:
        call, _ = new_call("audit")
        call.answer()
        call.assign(escalation(None))
        assert {} == dict(call.history[-1].observed)


class TestWhenTheEscalationIsDue:
    def test_the_timeframe_from_the_time_given(self) -> None:
        given = escalation("T-1", timeframe=timedelta(hours=4))
        assert START + timedelta(hours=4) == update_due(given, START)

    def test_promised_updates_stand_in(self) -> None:
        given = escalation("T-1", timeframe=None, update_every=timedelta(minutes=30))
        assert START + timedelta(minutes=30) == update_due(given, START)

    def test_never_without_either(self) -> None:
        given = escalation("T-1", timeframe=None)
        assert update_due(given, START) is None

    def test_a_date_now_is_kept_and_a_date_past_is_refused(self) -> None:
        assert START == update_due(escalation("T-1", timeframe=START), START)
        past = START - timedelta(seconds=1)
        with pytest.raises(ValidationError) as caught:
            update_due(escalation("T-1", timeframe=past), START)
        reason = f"is already past when the escalation is given, {START.isoformat()}"
        assert ("escalation.timeframe", past, reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_a_time_past_the_latest_names_the_escalations_field(self) -> None:
        from callflow.clock import LATEST

        at = LATEST - timedelta(minutes=1)
        with pytest.raises(ValidationError) as direct:
            escalation("T-1", timeframe=timedelta(hours=1)).due(at)
        with pytest.raises(ValidationError) as caught:
            update_due(escalation("T-1", timeframe=timedelta(hours=1)), at)
        assert (f"escalation.{direct.value.field}", direct.value.value, direct.value.reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        updates = escalation("T-1", timeframe=None, update_every=timedelta(hours=1))
        with pytest.raises(ValidationError) as caught:
            update_due(updates, at)
        assert ("escalation.update_every", timedelta(hours=1)) == (
            caught.value.field,
            caught.value.value,
        )


MESSAGE = PhoneMessage(
    caller_name="Ana Souza",
    for_whom="Maria Rossi",
    organisation="Acme Ltda",
    phone="+55 11 3456-7890",
    text="The contract is ready to sign",
    urgency="medium",
    callback="after 3pm",
    caller_zone="America/Sao_Paulo",
    taken_at=START,
    taken_by="Bill",
    read_back=True,
)


class TestTheCallbackPromised:
    def message_taken(self, message: PhoneMessage) -> tuple[Call, PromiseLedger, ManualClock]:
        ledger = PromiseLedger()
        call, clock = new_call("audit", promises=ledger)
        call.answer()
        clock.advance(seconds=30)
        call.take_message(message)
        return call, ledger, clock

    @pytest.mark.parametrize(
        ("changes", "to", "what"),
        [
            ({}, "Ana Souza", "a callback from Maria Rossi"),
            ({"caller_name": None}, "+55 11 3456-7890", "a callback from Maria Rossi"),
            ({"caller_name": None, "phone": None}, "the caller", "a callback from Maria Rossi"),
            ({"for_whom": None}, "Ana Souza", "a callback from the person asked for"),
        ],
    )
    def test_the_promise(self, changes: dict[str, object], to: str, what: str) -> None:
        message = attrs.evolve(MESSAGE, **changes)  # type: ignore[arg-type]
        call, ledger, clock = self.message_taken(message)
        [promise] = tuple(ledger)
        window = message.callback
        assert window is not None
        assert (PromiseKind.CALLBACK, to, what, clock(), window.end, "Bill") == (
            promise.kind,
            promise.to,
            promise.what,
            promise.made_at,
            promise.due,
            promise.made_by,
        )
        assert {"promise": promise.id} == dict(call.history[-1].observed)

    def test_no_window_no_promise(self) -> None:
        call, ledger, _ = self.message_taken(attrs.evolve(MESSAGE, callback=None))
        assert (0, {}) == (len(ledger), dict(call.history[-1].observed))

    def test_a_window_ending_when_the_message_is_taken(self) -> None:
        window = CallbackWindow(START, START + timedelta(hours=1))
        message = attrs.evolve(MESSAGE, callback=window)
        callback_after(message, START + timedelta(hours=1))  # not refused: the window ends then
        at = START + timedelta(hours=1, microseconds=1)
        with pytest.raises(ValidationError) as caught:
            callback_after(message, at)
        reason = f"ends before the message was taken, {at.isoformat()}"
        assert ("message.callback", window, reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        callback_after(attrs.evolve(MESSAGE, callback=None), at)  # not refused: no window


class TestEveryCallIsACase:
    def test_what_hang_up_observes(self) -> None:
        call, _ = greeted("audit")
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert {"case": False} == dict(call.history[-1].observed)
        call, _ = greeted("audit")
        call.listen("The printer jams")
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert {"case": True} == dict(call.history[-1].observed)
        assert "CF905" not in [finding.rule for finding in call.findings]

    def test_without_a_book_nothing_is_observed(self) -> None:
        call, _ = new_call("audit")
        call.answer()
        call.hang_up()
        assert {} == dict(call.history[-1].observed)


class TestTheTicketsFindings:
    def test_only_the_writing_rules(self) -> None:
        call, ticket, _ = resolution()
        assert 0 == len(call.ticket_findings)
        ticket.update(category=None, impact=None)
        findings: tuple[RuleBreach, ...] = call.ticket_findings
        assert {"CF901", "CF902", "CF903"} >= {breach.rule for breach in findings}
        assert ["category", "priority"] == sorted(str(breach.field) for breach in findings)

    def test_a_replay_reads_them_from_the_record(self) -> None:
        call, ticket, _ = resolution("audit")
        ticket.update(impact=None)
        call.assign(escalation(ticket.number))
        findings = call.history[-1].observed["ticket_findings"]
        again = Call.replay(call.history)
        assert (call.findings, None) == (again.findings, again.ticket)
        assert isinstance(findings, tuple)
        assert all(isinstance(breach, RuleBreach) for breach in findings)

    def test_a_refused_write_changes_nothing(self) -> None:
        """A write the ticket refuses leaves the ticket as it was (all or nothing)."""
        call, ticket, _ = resolution()
        before = (ticket.history, ticket.notes, ticket.status)
        ticket.resolve("Done elsewhere")
        ticket.close()
        closed = (ticket.history, ticket.notes, ticket.status)
        with pytest.raises(TicketTransitionError) as caught:
            call.implement("Replaced the roller")
        assert ("note", TicketStatus.CLOSED) == (caught.value.event, caught.value.status)
        assert closed == (ticket.history, ticket.notes, ticket.status)
        assert before != closed
        assert Stage.RESOLUTION == call.stage
