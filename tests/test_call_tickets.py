"""A call with a ticket book: the ticket it opens or follows up, escalation, and their rules.

Rules checked here through a call: CF403 (notes read on a follow-up), CF601,
CF602, CF603, CF604 (escalation), CF605 (manager requests), CF905 (every
call is a case), CF401 and CF406 (escalation advice), CF607 (the promise an
escalation makes).
"""

from datetime import UTC, datetime, timedelta

import pytest

from callflow import (
    AccessDeniedError,
    Agent,
    Call,
    Caller,
    Escalation,
    InvalidTransitionError,
    ManualClock,
    MemoryTicketBook,
    NoteTopic,
    NotFoundError,
    PromiseKind,
    Stage,
    Target,
    TargetKind,
    Ticket,
    TicketStatus,
    ValidationError,
    open_ticket,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
RUI = Caller(name="Rui Costa", user_id="E9876")
STEP = "Printed a test page from tray 2"
RESULT = "The page jammed halfway, at the pick-up roller"
LABEL = "printer/worn-pick-up-roller"
PLAN = "Desk-side support replaces the pick-up roller"


def new_call(
    mode: str = "strict", book: MemoryTicketBook | None = None
) -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    book = MemoryTicketBook() if book is None else book
    return Call(agent=BILL, clock=clock, mode=mode, book=book, call_id="C-1"), clock


def to_resolution(call: Call, *, caller: Caller = ANA) -> Ticket:
    """Drive ``call`` to RESOLUTION with a well-written ticket; return the ticket."""
    call.answer()
    call.identify(caller, verified=True)
    call.listen("The printer on floor 2 jams on every page")
    call.troubleshoot(STEP, result=RESULT)
    call.diagnose(LABEL)
    call.propose(PLAN)
    ticket = call.ticket
    assert ticket is not None
    ticket.update(category="hardware", asset_tag="PRN-0042", impact="low", urgency="high")
    return ticket


def escalation(number: str | None, **changes: object) -> Escalation:
    """A complete escalation of ticket ``number``, with ``changes`` made to it."""
    fields: dict[str, object] = {
        "ticket": number,
        "next_steps": "a technician replaces the roller at the printer",
        "timeframe": timedelta(hours=4),
        "read_back": True,
    }
    fields.update(changes)
    return Escalation(Target("Desk-side support"), "the roller needs a site visit", **fields)  # type: ignore[arg-type]


def snapshot(call: Call, ticket: Ticket | None) -> tuple[object, ...]:
    ticket_state = None
    if ticket is not None:
        ticket_state = (ticket.status, ticket.history, ticket.notes, ticket.promises)
    return (call.stage, call.history, call.findings, call.escalation, ticket_state)


class TestOpeningATicket:
    def test_first_listen_opens_a_ticket_for_the_caller(self) -> None:
        """The first listen logs a new, open ticket with the caller and their words, linked."""
        call, _ = new_call()
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        ticket = call.ticket
        assert ticket is not None
        assert ("T-000001", ANA, "The printer jams", TicketStatus.OPEN) == (
            ticket.number,
            ticket.caller,
            ticket.description,
            ticket.status,
        )
        assert [("C-1", False)] == [(link.call_id, link.follow_up) for link in ticket.calls]
        assert ticket is call.book.get("T-000001")  # type: ignore[union-attr]
        assert "T-000001" == call.ticket_number

    def test_a_refused_event_touches_no_book(self) -> None:
        """A follow-up refused for an unverified caller takes up nothing and uses no number."""
        book = MemoryTicketBook()
        call, _ = new_call(book=book)
        call.answer()
        call.identify(ANA)
        with pytest.raises(InvalidTransitionError):
            call.follow_up("T-000001")
        call.listen("The printer jams")
        assert (1, "T-000001") == (len(book), call.ticket_number)

    def test_a_caller_identified_after_speaking_gets_the_ticket_then(self) -> None:
        """The caller speaks first: no ticket without a caller; identifying them opens it."""
        book = MemoryTicketBook()
        call, _ = new_call(book=book)
        call.answer()
        call.listen("The printer jams")
        assert (0, None) == (len(book), call.ticket_number)
        call.identify(ANA)
        ticket = call.ticket
        assert ticket is not None
        assert (1, "T-000001") == (len(book), call.ticket_number)
        assert ("The printer jams", ANA) == (ticket.description, ticket.caller)
        call.identify(ANA, verified=True)  # named again: no second ticket
        assert 1 == len(book)
        again = Call.replay(call.history, book=book)
        assert (again.ticket_number, again.history) == ("T-000001", call.history)

    def test_later_statements_become_notes(self) -> None:
        """A second listen adds the caller's words as a note, not a second ticket."""
        book = MemoryTicketBook()
        call, _ = new_call(book=book)
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        call.listen("It started after the toner change")
        assert 1 == len(book)
        assert ["It started after the toner change"] == [n.text for n in call.ticket.notes]  # type: ignore[union-attr]

    def test_earlier_tickets_of_the_caller_are_looked_up(self) -> None:
        """CF403: the caller's earlier cases are read when the new one is opened."""
        book = MemoryTicketBook()
        clock = ManualClock(START - timedelta(days=3))
        old = open_ticket(book, ANA, description="Monitor flickers", clock=clock)
        open_ticket(book, RUI, description="Someone else's problem", clock=clock)
        call, _ = new_call(book=book)
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        assert (old.number,) == call.earlier_tickets

    def test_work_is_written_into_the_ticket(self) -> None:
        """Steps, results, the diagnosis and the plan are written; implement resolves it."""
        call, _ = new_call()
        ticket = to_resolution(call)
        call.implement("Cleaned the pick-up roller; 20 test pages printed without a jam")
        expected = [
            (NoteTopic.TRIED, STEP),
            (NoteTopic.RESULT, RESULT),
            (NoteTopic.NEXT_STEP, PLAN),
        ]
        assert expected == [(n.topic, n.text) for n in ticket.notes]
        assert (LABEL, TicketStatus.RESOLVED) == (ticket.diagnosis, ticket.status)
        assert {"Bill"} == {n.author for n in ticket.notes}

    def test_a_failed_fix_reopens_the_ticket(self) -> None:
        """Troubleshooting after the fix means it failed: the resolved ticket is reopened."""
        call, _ = new_call()
        ticket = to_resolution(call)
        call.implement("Cleaned the pick-up roller")
        call.troubleshoot("Printed again: it jams on page 3")
        assert (TicketStatus.OPEN, None) == (ticket.status, ticket.resolution)
        assert "reopen" in [record.event for record in ticket.history]

    def test_no_book_no_ticket(self) -> None:
        """Without a ticket book the call keeps no ticket and judges none."""
        call = Call(agent=BILL, clock=ManualClock(START))
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        assert (None, None, ()) == (call.ticket, call.ticket_number, call.ticket_findings)


class TestEscalationStrict:
    @pytest.mark.parametrize(
        ("changes", "rule"),
        [
            ({"ticket": None}, "CF601"),
            ({"next_steps": None}, "CF601"),
            ({"timeframe": None}, "CF601"),
            ({"read_back": False}, "CF602"),
            ({"timeframe": "ASAP"}, "CF604"),
        ],
    )
    def test_an_incomplete_escalation_is_refused_and_changes_nothing(
        self, changes: dict[str, object], rule: str
    ) -> None:
        """Strict mode refuses what the caller is still owed; call and ticket stay as they were."""
        call, _ = new_call()
        ticket = to_resolution(call)
        before = snapshot(call, ticket)
        with pytest.raises(InvalidTransitionError) as caught:
            call.assign(escalation(ticket.number, **changes))
        assert (rule, "assign", Stage.RESOLUTION) == (
            caught.value.rule,
            caught.value.event,
            caught.value.stage,
        )
        assert before == snapshot(call, ticket)

    def test_a_poorly_written_ticket_is_not_escalated(self) -> None:
        """CF603: a ticket without category or priority cannot be escalated yet."""
        call, _ = new_call()
        ticket = to_resolution(call)
        ticket.update(category=None)
        before = snapshot(call, ticket)
        with pytest.raises(InvalidTransitionError) as caught:
            call.assign(escalation(ticket.number))
        assert "CF603" == caught.value.rule
        assert ["category"] == [breach.field for breach in call.ticket_findings]
        assert before == snapshot(call, ticket)

    def test_a_complete_escalation_escalates_the_ticket_and_promises_an_update(self) -> None:
        """The ticket is escalated, and the timeframe becomes a tracked promise (CF607)."""
        call, clock = new_call()
        ticket = to_resolution(call)
        clock.advance(seconds=30)
        call.assign(escalation(ticket.number))
        assert (TicketStatus.ESCALATED, (), "Desk-side support") == (
            ticket.status,
            call.findings,
            call.assigned_to,
        )
        [promise] = ticket.promises
        expected = (PromiseKind.STATUS_UPDATE, clock() + timedelta(hours=4), ticket.number)
        assert expected == (promise.kind, promise.due, promise.ticket)
        assert () == ticket.overdue(clock() + timedelta(hours=4))
        assert (promise,) == ticket.overdue(clock() + timedelta(hours=4, seconds=1))

    def test_promised_updates_stand_in_for_a_timeframe(self) -> None:
        """CF604: with no timeframe to give, promised updates are due after their interval."""
        call, clock = new_call()
        ticket = to_resolution(call)
        call.assign(escalation(ticket.number, timeframe=None, update_every=timedelta(hours=2)))
        assert [clock() + timedelta(hours=2)] == [p.due for p in ticket.promises]

    def test_an_escalation_naming_another_ticket_is_bad_input(self) -> None:
        """The number given to the caller must be the call's ticket's."""
        call, _ = new_call()
        to_resolution(call)
        with pytest.raises(ValidationError) as caught:
            call.assign(escalation("T-999999"))
        assert ("escalation.ticket", "T-999999") == (caught.value.field, caught.value.value)


class TestEscalationAudit:
    @pytest.mark.parametrize(
        ("changes", "rules"),
        [
            ({"ticket": None, "next_steps": None}, ["CF601", "CF601"]),
            ({"read_back": False}, ["CF602"]),
            ({"timeframe": "as soon as possible"}, ["CF604"]),
            ({}, []),
        ],
    )
    def test_departures_are_findings(self, changes: dict[str, object], rules: list[str]) -> None:
        """Audit mode records one finding per departure, at the assign event."""
        call, _ = new_call("audit")
        ticket = to_resolution(call)
        call.assign(escalation(ticket.number, **changes))
        assert rules == [f.rule for f in call.findings]
        assert {"assign"} >= {f.event for f in call.findings}
        assert Stage.IMPLEMENT_OR_ASSIGN == call.stage

    def test_an_incomplete_escalation_leaves_the_ticket_open_with_a_note(self) -> None:
        """The ticket's lifecycle still refuses it: the attempt is written down instead."""
        call, _ = new_call("audit")
        ticket = to_resolution(call)
        call.assign(escalation(ticket.number, read_back=False))
        assert TicketStatus.OPEN == ticket.status
        assert ticket.notes[-1].text.startswith("Escalation to Desk-side support")

    def test_a_poorly_written_ticket_is_escalated_and_returned_for_rewrite(self) -> None:
        """CF603: the finding is recorded and the ticket comes straight back to its writer."""
        call, _ = new_call("audit")
        ticket = to_resolution(call)
        ticket.update(impact=None)
        call.assign(escalation(ticket.number))
        assert ["CF603"] == [f.rule for f in call.findings]
        assert TicketStatus.OPEN == ticket.status
        assert [["priority"]] == [[b.field for b in found] for found in ticket.returns]


class TestFollowUp:
    def existing(self, book: MemoryTicketBook, caller: Caller = ANA) -> Ticket:
        ticket = open_ticket(book, caller, description="VPN drops", clock=ManualClock(START))
        ticket.open(by="Bill")
        ticket.note("Checked the client log: idle timeout after 60 minutes", by="Bill")
        return ticket

    def greeted(self, mode: str, book: MemoryTicketBook, caller: Caller = ANA) -> Call:
        call, _ = new_call(mode, book)
        call.answer()
        call.identify(caller, verified=True)
        return call

    def test_follow_up_takes_up_the_ticket(self) -> None:
        """The ticket is loaded from the book and the call is linked to it as a follow-up."""
        book = MemoryTicketBook()
        ticket = self.existing(book)
        call = self.greeted("strict", book)
        call.follow_up(ticket.number)
        assert (ticket, ticket.number, ()) == (call.ticket, call.ticket_number, call.findings)
        assert [True] == [link.follow_up for link in ticket.calls]

    def test_an_unverified_follow_up_is_refused_by_the_procedure_first(self) -> None:
        """CF205 comes before any look at the book: no AccessDeniedError, no link."""
        book = MemoryTicketBook()
        ticket = self.existing(book)
        call, _ = new_call("strict", book)
        call.answer()
        with pytest.raises(InvalidTransitionError) as caught:
            call.follow_up(ticket.number)
        assert ("CF205", ()) == (caught.value.rule, ticket.calls)

    def test_notes_not_read_is_refused_in_strict_mode(self) -> None:
        """CF403: asking the caller again instead of reading the notes is refused."""
        book = MemoryTicketBook()
        ticket = self.existing(book)
        call = self.greeted("strict", book)
        before = snapshot(call, ticket)
        with pytest.raises(InvalidTransitionError) as caught:
            call.follow_up(ticket.number, notes_read=False)
        assert "CF403" == caught.value.rule
        assert before == snapshot(call, ticket)

    def test_notes_not_read_is_a_finding_in_audit_mode(self) -> None:
        """CF403 in audit mode: the follow-up goes on, with a finding."""
        book = MemoryTicketBook()
        ticket = self.existing(book)
        call = self.greeted("audit", book)
        call.follow_up(ticket.number, notes_read=False)
        assert [("CF403", "follow_up")] == [(f.rule, f.event) for f in call.findings]

    def test_an_unknown_ticket_is_not_found(self) -> None:
        """A number the book does not have raises NotFoundError; nothing changes."""
        call = self.greeted("audit", MemoryTicketBook())
        before = snapshot(call, None)
        with pytest.raises(NotFoundError):
            call.follow_up("T-404")
        assert before == snapshot(call, None)

    def test_another_callers_ticket_is_refused(self) -> None:
        """A verified caller may not take up someone else's ticket (CF606 spirit)."""
        book = MemoryTicketBook()
        ticket = self.existing(book, RUI)
        call = self.greeted("audit", book)
        with pytest.raises(AccessDeniedError):
            call.follow_up(ticket.number)
        assert (None, ()) == (call.ticket_number, ticket.calls)

    def test_a_closed_ticket_is_a_new_case(self) -> None:
        """A closed ticket cannot be followed up: a new problem is a new case (CF905)."""
        book = MemoryTicketBook()
        ticket = self.existing(book)
        ticket.resolve("Raised the idle timeout", by="Bill")
        ticket.close(by="Bill")
        call = self.greeted("strict", book)
        with pytest.raises(ValidationError, match="new case"):
            call.follow_up(ticket.number)


class TestEveryCallIsACase:
    def test_a_call_that_ends_without_a_ticket_is_a_finding(self) -> None:
        """CF905: a ticketed desk's call that went through without a case."""
        call, _ = new_call("audit")
        call.answer()
        call.listen("The printer jams")  # no caller yet: no ticket can be opened
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert "CF905" in [f.rule for f in call.findings]
        assert call.ticket is None

    def test_a_call_with_its_ticket_is_not(self) -> None:
        """A call that opened its ticket, or followed one up, ends without CF905."""
        call, _ = new_call()
        ticket = to_resolution(call)
        call.implement("Cleaned the pick-up roller; 20 test pages printed")
        call.goodbye(resolution_confirmed=True, anything_else_asked=True)
        call.hang_up()
        assert ((), TicketStatus.RESOLVED) == (call.findings, ticket.status)

    def test_a_call_without_a_book_is_not_judged(self) -> None:
        """With no ticket book, nobody could open a ticket: no CF905."""
        call = Call(agent=BILL, clock=ManualClock(START), mode="audit")
        call.answer()
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert "CF905" not in [f.rule for f in call.findings]


class TestManagerRequests:
    def manager(self, ticket: str) -> Escalation:
        return Escalation(
            Target("Service desk manager", kind=TargetKind.MANAGEMENT),
            "the caller asked for a manager",
            ticket=ticket,
            next_steps="the manager calls the caller back",
            timeframe=timedelta(hours=1),
            read_back=True,
        )

    def test_a_request_is_recorded_and_skips_nothing(self) -> None:
        """CF605: 'I want your manager' is a hierarchical request; the stage stays."""
        call, _ = new_call()
        call.answer()
        call.request_manager("the caller wants a manager")
        assert Stage.GREETING == call.stage
        [request] = call.manager_requests
        assert ("hierarchical", "the caller wants a manager") == (
            request.kind.value,
            request.reason,
        )
        assert ["CF605"] == [a.rule for a in call.escalation_advice()]

    def test_a_hierarchical_escalation_out_of_order_is_a_finding(self) -> None:
        """CF605 in audit mode: the caller's request took the call to the manager too early."""
        call, _ = new_call("audit")
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        call.request_manager("the caller wants a manager")
        call.assign(self.manager(call.ticket_number or ""))
        # The ticket holds nothing yet, so CF603 comes too: a technician could not act on it.
        assert ["CF001", "CF603", "CF605"] == [f.rule for f in call.findings]

    def test_the_agents_own_escalation_out_of_order_is_not_cf605(self) -> None:
        """No manager asked for: the skip is the CF001 alone, not counted twice."""
        call, _ = new_call("audit")
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The printer jams")
        call.assign(self.manager(call.ticket_number or ""))
        assert ["CF001", "CF603"] == [f.rule for f in call.findings]

    def test_a_hierarchical_escalation_in_order_is_not(self) -> None:
        """A manager escalation from RESOLUTION skips nothing: no CF605."""
        call, _ = new_call("audit")
        ticket = to_resolution(call)
        call.assign(self.manager(ticket.number))
        assert () == call.findings


class TestEscalationAdvice:
    def troubleshooting(self, minutes: float, *, label: str | None = None) -> Call:
        call, clock = new_call()
        call.answer()
        call.identify(ANA, verified=True)
        call.listen("The VPN drops")
        call.troubleshoot("Read the client log")
        clock.advance(timedelta(minutes=minutes))
        if label is not None:
            call.diagnose(label)
        return call

    def test_troubleshooting_past_the_budget_with_no_diagnosis(self) -> None:
        """CF406: past 10 minutes without a diagnosis, the policy advises the next tier."""
        advice = self.troubleshooting(10.5).escalation_advice()
        assert [("CF406", "Tier 2")] == [(a.rule, a.to.name) for a in advice]

    def test_within_the_budget_or_diagnosed(self) -> None:
        """At the budget, or with a diagnosis, there is nothing to advise."""
        assert () == self.troubleshooting(10).escalation_advice()
        assert () == self.troubleshooting(30, label=LABEL).escalation_advice()

    def test_several_users_affected(self) -> None:
        """CF401: a problem affecting several users goes to the major incident team."""
        call = self.troubleshooting(1)
        assert ["CF401"] == [a.rule for a in call.escalation_advice(users_affected=5)]
        assert () == call.escalation_advice(users_affected=1)


class TestReplay:
    def finished(self) -> tuple[Call, Ticket, MemoryTicketBook]:
        book = MemoryTicketBook()
        call, _ = new_call("audit", book)
        ticket = to_resolution(call)
        ticket.update(impact=None)  # CF603 at the escalation
        call.assign(escalation(ticket.number, read_back=False))
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        return call, ticket, book

    def test_replay_without_the_book_ends_the_same(self) -> None:
        """What the call observed is replayed from its records: same findings, same state."""
        call, _, _ = self.finished()
        again = Call.replay(call.history)
        assert (call.history, call.findings, call.ticket_number, call.stage) == (
            again.history,
            again.findings,
            again.ticket_number,
            again.stage,
        )
        assert again.ticket is None

    def test_replay_with_the_book_takes_the_ticket_up_and_writes_nothing(self) -> None:
        """With the book, the ticket is attached again, and its history is not written twice."""
        call, ticket, book = self.finished()
        before = ticket.history
        again = Call.replay(call.history, book=book)
        assert (ticket, before) == (again.ticket, ticket.history)

    def test_replay_with_a_book_that_lacks_the_ticket(self) -> None:
        """The call's ticket must be in the book it goes on with."""
        call, _, _ = self.finished()
        with pytest.raises(NotFoundError):
            Call.replay(call.history, book=MemoryTicketBook())


class TestConstructionWithABook:
    def test_a_book_must_be_a_ticket_book(self) -> None:
        """Anything but a TicketBook is refused naming the field."""
        with pytest.raises(ValidationError) as caught:
            Call(agent=BILL, book={"T-1": "a ticket"})  # type: ignore[arg-type]
        assert "book" == caught.value.field

    def test_call_id_is_kept_in_the_ring_record(self) -> None:
        """The call's identifier survives a replay."""
        call, _ = new_call()
        assert "C-1" == Call.replay(call.history).call_id
