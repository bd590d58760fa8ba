"""The part of a call that keeps its ticket in a ticket book: a mixin of :class:`~callflow.Call`.

Kept apart so that ``call.py`` reads as the procedure. Each ``*_effect``
method returns what an event does outside the call (an *effect*, see
``Call._fire``): it runs once the event is accepted, reads first, writes
last, and is all or nothing, so that a refused event leaves the ticket,
the book and the promise ledger as they were.
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
from callflow.people import Agent, Caller
from callflow.promises import PromiseKind, PromiseLedger
from callflow.quality import WRITING_RULES, check_ticket
from callflow.records import NOTHING, RuleBreach
from callflow.stages import Stage
from callflow.thresholds import Thresholds
from callflow.ticket import Ticket
from callflow.validators import check_text

__all__ = ["CaseWork", "Effect", "callback_after", "update_due"]

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


class CaseWork:
    """Opening, following up, writing and escalating the call's ticket."""

    __slots__ = ()

    # The call's own attributes that the case work reads (attrs fields of Call).
    _agent: Agent
    _book: TicketBook | None
    _call_id: str | None
    _caller: Caller | None
    _clock: Clock
    _promises: PromiseLedger | None
    _replaying: Mapping[str, object] | None
    _stage: Stage
    _thresholds: Thresholds
    _ticket: Ticket | None
    _ticket_number: str | None

    @property
    def ticket_findings(self) -> tuple[RuleBreach, ...]:
        """The writing breaches (CF901-CF903) of the call's ticket now; CF603 judges them."""
        if self._replaying is not None:
            found = self._replaying.get("ticket_findings", ())
            return found if isinstance(found, tuple) else ()
        if self._ticket is None:
            return ()
        return tuple(
            breach
            for breach in check_ticket(self._ticket, self._thresholds.quality)
            if breach.rule in WRITING_RULES
        )

    # -- effects ---------------------------------------------------------------

    def _ticket_effect(self, write: Callable[[Ticket], None]) -> Effect | None:
        """``write`` applied to the call's ticket, all or nothing; none without a ticket."""
        ticket = None if self._replaying is not None else self._ticket
        if ticket is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            with ticket._all_or_nothing():
                write(ticket)
            return NOTHING

        return effect

    def _listen_effect(self, problem: str | None, opened: list[Ticket]) -> Effect | None:
        """The first listen opens the caller's ticket; later ones add to it (CF905, CF403)."""
        book, caller = self._book, self._caller
        if book is None or caller is None:
            return None
        if self._ticket_number is None and self._stage is Stage.GREETING:
            return lambda at: self._open_case(book, caller, problem, opened)
        if problem is None:
            return None

        def write(ticket: Ticket) -> None:
            if ticket.description is None:
                ticket.update(description=problem, by=self._agent.name)
            else:
                self._write(ticket, problem, NoteTopic.GENERAL)

        return self._ticket_effect(write)

    def _open_case(
        self, book: TicketBook, caller: Caller, problem: str | None, opened: list[Ticket]
    ) -> Mapping[str, object]:
        """Look up the caller's earlier tickets, then open the new one; the book sees it last."""
        earlier: tuple[str, ...] = ()
        if caller.user_id is not None:
            earlier = tuple(t.number for t in earlier_tickets(book, user_id=caller.user_id))
        number = check_text("book.new_number()", book.new_number())
        by = self._agent.name
        ticket = Ticket(number, caller, description=problem, clock=self._clock, created_by=by)
        ticket.open(by=by)
        ticket.link_call(self._call_id, follow_up=False, by=by)
        book.add(ticket)  # the one write others can see: last, once nothing else can fail
        opened.append(ticket)
        return {"ticket": number, "earlier": earlier}

    def _follow_up_effect(self, number: str, found: list[Ticket]) -> Effect | None:
        """Take up ticket ``number`` from the book, once it is checked to be the caller's."""
        book = self._book
        if book is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            ticket = self._find_ticket(book, number)
            ticket.link_call(self._call_id, follow_up=True, by=self._agent.name)
            found.append(ticket)
            return NOTHING

        return effect

    def _find_ticket(self, book: TicketBook, number: str) -> Ticket:
        """The ticket a follow-up takes up, checked before anything changes."""
        ticket = book.get(number)
        if not isinstance(ticket, Ticket) or ticket.number != number:
            raise ValidationError(f"book.get({number!r})", ticket, "must be that ticket")
        caller = self._caller
        if (
            caller is None
            or ticket.caller.user_id is None
            or caller.user_id != ticket.caller.user_id
        ):
            raise AccessDeniedError(
                f"ticket {number}", "it belongs to another caller than the one identified"
            )
        if ticket.status.is_final:
            raise ValidationError(
                "ticket", number, "is closed: a new problem is a new case (CF905)"
            )
        return ticket

    def _escalation_effect(self, escalation: Escalation, *, complete: bool) -> Effect | None:
        """Escalate the ticket as the call did; a poorly written one comes straight back (CF603).

        The findings it is returned for are those CF603 judged, kept in the record.
        """
        ticket = None if self._replaying is not None else self._ticket
        if ticket is None:
            return None

        def effect(at: datetime) -> Mapping[str, object]:
            findings = self.ticket_findings
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
        by = self._agent.name
        if ticket.status is TicketStatus.RESOLVED:
            ticket.reopen(f"escalated to {escalation.to.name}: {escalation.reason}", by=by)
        ticket.escalate(escalation, by=by)
        if findings:
            ticket.return_for_rewrite(findings, by=escalation.to.name)
        if due is not None:
            what = escalation.next_steps or f"an update on the escalation to {escalation.to.name}"
            ticket.promise(PromiseKind.STATUS_UPDATE, what, due, by=by)

    def _case_effect(self) -> Effect | None:
        """Whether a call with a ticket book ends with a case (CF905)."""
        if self._book is None:
            return None
        return lambda at: {"case": self._ticket_number is not None}

    def _callback_effect(self, message: PhoneMessage) -> Effect | None:
        """A message's callback window becomes a promise in the call's ledger (CF607)."""
        window, ledger = message.callback, self._promises
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
                made_by=self._agent.name,
            )
            return {"promise": promise.id}

        return effect

    def _write(self, ticket: Ticket, text: str | None, topic: NoteTopic) -> None:
        if text is not None:
            ticket.note(text, by=self._agent.name, kind=NoteKind.INTERNAL, topic=topic)
