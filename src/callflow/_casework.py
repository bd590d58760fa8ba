"""The call's case file: the ticket a :class:`~callflow.Call` keeps in a ticket book.

Every call owns one :class:`CaseFile`, kept apart so that ``call.py`` reads
as the procedure. Each ``*_effect`` method returns what an event does outside
the call (an *effect*, see ``callflow._recorder.fire``): it runs once the
event is accepted, reads first, writes last, and is all or nothing, so that
a refused event leaves the ticket, the book and the promise ledger as they
were. The case file takes its own ticket only once the effect can no longer fail.
"""

from collections.abc import Callable, Mapping
from datetime import datetime

from callflow.book import TicketBook, earlier_tickets
from callflow.clock import Clock, shift
from callflow.errors import AccessDeniedError, ValidationError
from callflow.escalation import Escalation
from callflow.lifecycle import TicketStatus
from callflow.messages import PhoneMessage
from callflow.notes import NoteKind, NoteTopic
from callflow.people import Caller
from callflow.promises import PromiseKind, PromiseLedger
from callflow.quality import WRITING_RULES, QualityPolicy, check_ticket
from callflow.records import NOTHING, RuleBreach
from callflow.ticket import Ticket
from callflow.validators import check_text

__all__ = ["CaseFile", "Effect", "callback_after", "update_due"]

Effect = Callable[[datetime], Mapping[str, object]]
"""What an event does outside the call, given the event's time; returns what it observed."""


def update_due(escalation: Escalation, at: datetime) -> datetime | None:
    """When the caller is owed news of ``escalation`` given at ``at`` (CF607), if ever.

    The timeframe's due time, else the first of the promised regular updates.

    Raises:
        ValidationError: a timeframe already past at ``at``, or one that
            takes the time past :data:`~callflow.clock.LATEST`.
    """
    try:
        due = escalation.due(at)
        if due is None and escalation.update_every is not None:
            due = shift("update_every", at, escalation.update_every)
    except ValidationError as error:
        raise ValidationError(f"escalation.{error.field}", error.value, error.reason) from None
    if due is not None and due < at:
        reason = f"is already past when the escalation is given, {at.isoformat()}"
        raise ValidationError("escalation.timeframe", escalation.timeframe, reason)
    return due


def callback_after(message: PhoneMessage, at: datetime) -> None:
    """A message's callback window must not be over when the message is taken.

    Raises:
        ValidationError: naming ``message.callback``, if it ended before ``at``.
    """
    window = message.callback
    if window is not None and window.end < at:
        reason = f"ends before the message was taken, {at.isoformat()}"
        raise ValidationError("message.callback", window, reason)


class CaseFile:
    """The call's ticket: which one it is, and what each event writes into it.

    Args:
        by: the agent's name, who every note and change is by.
        call_id: the call's identifier, kept in the links its tickets keep to it.
    """

    __slots__ = ("by", "call_id", "number", "ticket")

    def __init__(self, by: str, call_id: str | None) -> None:
        self.by, self.call_id = by, call_id
        self.number: str | None = None
        """The number of the call's ticket: the one it opened or follows up."""
        self.ticket: Ticket | None = None
        """The ticket itself, when the call has a ticket book."""

    def findings(self, policy: QualityPolicy) -> tuple[RuleBreach, ...]:
        """The writing breaches (CF901-CF903) of the call's ticket now; CF603 judges them."""
        if self.ticket is None:
            return ()
        return tuple(
            breach for breach in check_ticket(self.ticket, policy) if breach.rule in WRITING_RULES
        )

    # -- effects ---------------------------------------------------------------

    def write_effect(self, write: Callable[[Ticket], None]) -> Effect | None:
        """``write`` applied to the call's ticket, all or nothing; none without a ticket."""
        ticket = self.ticket
        if ticket is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            with ticket._all_or_nothing():
                write(ticket)
            return NOTHING

        return effect

    def note_effect(self, text: str | None, topic: NoteTopic) -> Effect | None:
        """``text`` noted in the ticket under ``topic`` (nothing without a text)."""
        return None if text is None else self.write_effect(lambda t: self._write(t, text, topic))

    def troubleshoot_effect(self, step: str | None, result: str | None) -> Effect | None:
        """The step tried and its result noted; a resolved ticket is reopened (the fix failed)."""

        def write(ticket: Ticket) -> None:
            if ticket.status is TicketStatus.RESOLVED:
                ticket.reopen(step or "the fix did not hold", by=self.by)
            self._write(ticket, step, NoteTopic.TRIED)
            self._write(ticket, result, NoteTopic.RESULT)

        return self.write_effect(write)

    def diagnosis_effect(self, label: str | None) -> Effect | None:
        """The diagnosis label set on the ticket (nothing while the agent is unsure)."""
        if label is None:
            return None
        return self.write_effect(lambda ticket: ticket.update(diagnosis=label, by=self.by))

    def fix_effect(self, action: str) -> Effect | None:
        """The ticket resolved with ``action``, or the action noted on one that cannot be."""

        def write(ticket: Ticket) -> None:
            if ticket.status in (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ESCALATED):
                ticket.resolve(action, by=self.by)
            else:
                self._write(ticket, action, NoteTopic.RESOLUTION)

        return self.write_effect(write)

    def listen_effect(
        self,
        book: TicketBook | None,
        caller: Caller | None,
        first: bool,
        problem: str | None,
        clock: Clock,
    ) -> Effect | None:
        """The first listen opens the caller's ticket; later ones add to it (CF905, CF403).

        Args:
            first: whether this is the greeting's listen, which opens a case
                unless the call already has one.
        """
        if book is None or caller is None:
            return None
        if self.number is None and first:
            return lambda at: self._open_case(book, caller, problem, clock)
        if problem is None:
            return None

        def write(ticket: Ticket) -> None:
            if ticket.description is None:
                ticket.update(description=problem, by=self.by)
            else:
                self._write(ticket, problem, NoteTopic.GENERAL)

        return self.write_effect(write)

    def identify_effect(
        self,
        book: TicketBook | None,
        caller: Caller,
        heard: bool,
        problem: str | None,
        clock: Clock,
    ) -> Effect | None:
        """A caller identified once the problem was heard gets the call's ticket now (CF905)."""
        if book is None or self.number is not None or not heard:
            return None
        return lambda at: self._open_case(book, caller, problem, clock)

    def _open_case(
        self, book: TicketBook, caller: Caller, problem: str | None, clock: Clock
    ) -> Mapping[str, object]:
        """Look up the caller's earlier tickets, then open the new one; the book sees it last."""
        earlier: tuple[str, ...] = ()
        if caller.user_id is not None:
            earlier = tuple(t.number for t in earlier_tickets(book, user_id=caller.user_id))
        number = check_text("book.new_number()", book.new_number())
        by = self.by
        ticket = Ticket(number, caller, description=problem, clock=clock, created_by=by)
        ticket.open(by=by)
        ticket.link_call(self.call_id, follow_up=False, by=by)
        book.add(ticket)  # the one write others can see: last, once nothing else can fail
        self.ticket = ticket
        return {"ticket": number, "earlier": earlier}

    def follow_up_effect(
        self, book: TicketBook | None, caller: Caller | None, number: str
    ) -> Effect | None:
        """Take up ticket ``number`` from the book, once it is checked to be the caller's."""
        if book is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            ticket = _find_ticket(book, caller, number)
            ticket.link_call(self.call_id, follow_up=True, by=self.by)
            self.ticket = ticket
            return NOTHING

        return effect

    def escalation_effect(
        self, escalation: Escalation, policy: QualityPolicy, *, complete: bool
    ) -> Effect | None:
        """Escalate the ticket as the call did; a poorly written one comes straight back (CF603).

        The findings it is returned for are those CF603 judged, kept in the record.
        """
        ticket = self.ticket
        if ticket is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            findings = self.findings(policy)
            with ticket._all_or_nothing():
                if complete:
                    self._escalate(ticket, escalation, findings, update_due(escalation, at))
                else:
                    note = f"Escalation to {escalation.to.name} given incompletely:"
                    self._write(ticket, f"{note} {escalation.reason}", NoteTopic.NEXT_STEP)
            return {"ticket_findings": findings}

        return effect

    def _escalate(
        self,
        ticket: Ticket,
        escalation: Escalation,
        findings: tuple[RuleBreach, ...],
        due: datetime | None,
    ) -> None:
        by = self.by
        if ticket.status is TicketStatus.RESOLVED:
            ticket.reopen(f"escalated to {escalation.to.name}: {escalation.reason}", by=by)
        ticket.escalate(escalation, by=by)
        if findings:
            ticket.return_for_rewrite(findings, by=escalation.to.name)
        if due is not None:
            what = escalation.next_steps or f"an update on the escalation to {escalation.to.name}"
            ticket.promise(PromiseKind.STATUS_UPDATE, what, due, by=by)

    def case_effect(self, book: TicketBook | None) -> Effect | None:
        """Whether a call with a ticket book ends with a case (CF905)."""
        if book is None:
            return None
        return lambda at: {"case": self.number is not None}

    def callback_effect(self, ledger: PromiseLedger | None, message: PhoneMessage) -> Effect | None:
        """A message's callback window becomes a promise in the call's ledger (CF607)."""
        window = message.callback
        if window is None or ledger is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            to = message.caller_name or message.phone or "the caller"
            promise = ledger.promise(
                PromiseKind.CALLBACK,
                to,
                f"a callback from {message.for_whom or 'the person asked for'}",
                made_at=at,
                due=window.end,
                made_by=self.by,
            )
            return {"promise": promise.id}

        return effect

    def _write(self, ticket: Ticket, text: str | None, topic: NoteTopic) -> None:
        if text is not None:
            ticket.note(text, by=self.by, kind=NoteKind.INTERNAL, topic=topic)


def _find_ticket(book: TicketBook, caller: Caller | None, number: str) -> Ticket:
    """The ticket a follow-up takes up, checked before anything changes."""
    ticket = book.get(number)
    if not isinstance(ticket, Ticket) or ticket.number != number:
        raise ValidationError(f"book.get({number!r})", ticket, "must be that ticket")
    if caller is None or ticket.caller.user_id is None or caller.user_id != ticket.caller.user_id:
        raise AccessDeniedError(
            f"ticket {number}", "it belongs to another caller than the one identified"
        )
    if ticket.status.is_final:
        raise ValidationError("ticket", number, "is closed: a new problem is a new case (CF905)")
    return ticket
