"""The part of a call that keeps its ticket in a ticket book: a mixin of :class:`~callflow.Call`.

Kept apart so that ``call.py`` reads as the procedure; every method here
runs inside one of the call's events, after the event was accepted.
"""

from collections.abc import Mapping
from datetime import datetime

from callflow.book import TicketBook, earlier_tickets
from callflow.clock import Clock
from callflow.errors import AccessDeniedError, ValidationError
from callflow.escalation import Escalation
from callflow.lifecycle import TicketStatus
from callflow.notes import NoteKind, NoteTopic
from callflow.people import Agent, Caller
from callflow.promises import PromiseKind
from callflow.quality import WRITING_RULES, check_ticket
from callflow.records import NOTHING, EventRecord, RuleBreach
from callflow.stages import Stage
from callflow.thresholds import Thresholds
from callflow.ticket import Ticket

__all__ = ["CaseWork"]


class CaseWork:
    """Opening, following up, writing and escalating the call's ticket."""

    __slots__ = ()

    # The call's own attributes that the case work reads (attrs fields of Call).
    _agent: Agent
    _book: TicketBook | None
    _call_id: str | None
    _caller: Caller | None
    _clock: Clock
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

    def _live_ticket(self) -> Ticket | None:
        """The ticket object to write to; never during a replay (it was written already)."""
        return None if self._replaying is not None else self._ticket

    def _open_case(self, at: datetime) -> Mapping[str, object]:
        """The first listen of a call with a book opens a ticket: decide what it sees."""
        book, caller = self._book, self._caller
        if (
            book is None
            or caller is None
            or self._ticket_number is not None
            or self._stage is not Stage.GREETING
        ):
            return NOTHING
        earlier = () if caller.user_id is None else earlier_tickets(book, user_id=caller.user_id)
        return {"ticket": book.new_number(), "earlier": tuple(t.number for t in earlier)}

    def _write_problem(self, problem: str | None) -> Ticket | None:
        """Open the call's ticket with the problem, or add the problem to it; return the ticket."""
        ticket, book, number = self._ticket, self._book, self._ticket_number
        if ticket is None and book is not None and self._caller is not None and number:
            ticket = Ticket(
                number, self._caller, description=problem, clock=self._clock,
                created_by=self._agent.name,
            )  # fmt: skip
            book.add(ticket)
            ticket.open(by=self._agent.name)
            ticket.link_call(self._call_id, follow_up=False, by=self._agent.name)
        elif ticket is not None and problem is not None:
            if ticket.description is None:
                ticket.update(description=problem, by=self._agent.name)
            else:
                self._write(ticket, problem, NoteTopic.GENERAL)
        return ticket

    def _write(self, ticket: Ticket, text: str | None, topic: NoteTopic) -> None:
        if text is not None:
            ticket.note(text, by=self._agent.name, kind=NoteKind.INTERNAL, topic=topic)

    def _find_ticket(self, number: str) -> Ticket | None:
        """The ticket a follow-up takes up, checked before anything changes."""
        if self._book is None:
            return None
        ticket = self._book.get(number)
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

    def _ticket_observation(self, at: datetime) -> Mapping[str, object]:
        """The writing findings of the call's ticket, which CF603 judges."""
        if self._ticket is None:
            return NOTHING
        return {"ticket_findings": self.ticket_findings}

    def _case_observation(self, at: datetime) -> Mapping[str, object]:
        """Whether a call with a ticket book ends with a case (CF905)."""
        if self._book is None:
            return NOTHING
        return {"case": self._ticket_number is not None}

    def _escalate(
        self, ticket: Ticket, escalation: Escalation, record: EventRecord, *, complete: bool
    ) -> None:
        """Escalate the ticket as the call did; a poorly written one comes straight back.

        The findings it is returned for are those CF603 judged, kept in the record.
        """
        if not complete:
            self._write(ticket, f"Escalation to {escalation.to.name} given incompletely:"
                        f" {escalation.reason}", NoteTopic.NEXT_STEP)  # fmt: skip
            return
        by = self._agent.name
        if ticket.status is TicketStatus.RESOLVED:
            ticket.reopen(f"escalated to {escalation.to.name}: {escalation.reason}", by=by)
        ticket.escalate(escalation, by=by)
        findings = record.observed.get("ticket_findings")
        if isinstance(findings, tuple) and findings:
            ticket.return_for_rewrite(findings, by=escalation.to.name)
        at = record.at
        due = escalation.due(at) or (
            at + escalation.update_every if escalation.update_every is not None else None
        )
        if due is not None:
            what = escalation.next_steps or f"an update on the escalation to {escalation.to.name}"
            ticket.promise(PromiseKind.STATUS_UPDATE, what, due, by=by)
