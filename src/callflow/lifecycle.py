"""The ticket lifecycle, written down as data: statuses, moves and what each move needs.

:data:`LIFECYCLE` is a :class:`~callflow.table.TransitionTable` over
:class:`TicketStatus`, checked when it is defined like the call's procedure.
Its guards say what data a move needs, in the spirit of Request Tracker's
lifecycles and its MandatoryOnTransition extension: resolving needs a
resolution note, escalating a complete escalation for this ticket (CF601,
CF602, CF604), dispatching a work order for this ticket (CF904), a return
for rewriting the quality findings behind it (CF603); closing needs the
ticket resolved first, which the table's shape alone says.

>>> LIFECYCLE.transition(TicketStatus.RESOLVED, "close").dest
<TicketStatus.CLOSED: 'closed'>
>>> LIFECYCLE.transition(TicketStatus.OPEN, "close") is None
True
>>> [guard.requirement for guard in LIFECYCLE.transition(TicketStatus.OPEN, "resolve").guards]
['a resolution note (resolution)']

A desk can demand more with :func:`ticket_lifecycle`: fields of the ticket
that must be filled before a move, checked in the same way.
"""

import enum
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from callflow.errors import ValidationError
from callflow.escalation import Escalation, check_escalation
from callflow.table import Guard, StateKind, Transition, TransitionTable

if TYPE_CHECKING:
    from callflow.ticket import Ticket

__all__ = [
    "INTERNAL_EVENTS",
    "LIFECYCLE",
    "REQUIRABLE_FIELDS",
    "Attempt",
    "TicketStatus",
    "ticket_lifecycle",
]


class TicketStatus(enum.Enum):
    """Where a ticket is in its life."""

    NEW = "new"
    """Logged, not yet taken into work (the first-response clock runs)."""
    OPEN = "open"
    """Being worked by the desk."""
    PENDING = "pending"
    """Waiting on the caller or a third party; SLA clocks are paused."""
    ESCALATED = "escalated"
    """Handed to another team, tier, vendor or management."""
    RESOLVED = "resolved"
    """Fixed, or a work order was dispatched (seed 004); may be reopened."""
    CLOSED = "closed"
    """Done for good."""

    @property
    def is_final(self) -> bool:
        """Whether nothing more can happen to a ticket in this status."""
        return self is TicketStatus.CLOSED


def _ticket(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    from callflow.ticket import Ticket  # here: callflow.ticket imports this module

    if not isinstance(value, Ticket):
        raise ValidationError("ticket", value, "must be a Ticket")


def _data(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, Mapping):
        raise ValidationError("data", value, "must be a mapping of the event's data")


@attrs.frozen
class Attempt:
    """What a lifecycle guard sees: the ticket and the data the event brings."""

    ticket: "Ticket" = attrs.field(validator=_ticket)
    data: Mapping[str, object] = attrs.field(validator=_data)


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _data_text(key: str, requirement: str) -> Guard[Attempt]:
    return Guard(None, f"{requirement} ({key})", lambda attempt: _has_text(attempt.data.get(key)))


def _escalation(attempt: Attempt) -> Escalation | None:
    value = attempt.data.get("escalation")
    return value if isinstance(value, Escalation) else None


def _escalation_part(rule: str, requirement: str, field: str) -> Guard[Attempt]:
    def check(attempt: Attempt) -> bool:
        escalation = _escalation(attempt)
        if escalation is None:
            return False
        breaches = check_escalation(escalation)
        return not any(b.rule == rule and b.field == field for b in breaches)

    return Guard(rule, requirement, check)


def _for_this_ticket(attempt: Attempt) -> bool:
    escalation = _escalation(attempt)
    return escalation is not None and escalation.ticket == attempt.ticket.number


def _work_order_for_this_ticket(attempt: Attempt) -> bool:
    order = attempt.data.get("work_order")
    return getattr(order, "ticket", None) == attempt.ticket.number


RESOLUTION_GIVEN = _data_text("resolution", "a resolution note")
WAITING_ON_GIVEN = _data_text("waiting_on", "who or what the ticket waits on")
REOPEN_REASON_GIVEN = _data_text("reason", "the reason it is reopened")
ESCALATION_GUARDS: tuple[Guard[Attempt], ...] = (
    Guard("CF601", "an escalation that gives the caller this ticket's number", _for_this_ticket),
    _escalation_part("CF601", "the escalation's next steps", "next_steps"),
    _escalation_part("CF601", "a timeframe, or promised updates if none can be given", "timeframe"),
    _escalation_part("CF604", "a timeframe that is a date or a duration, not text", "timeframe"),
    _escalation_part("CF602", "the ticket read back to the caller", "read_back"),
)
WORK_ORDER_GIVEN: Guard[Attempt] = Guard(
    "CF904", "a work order dispatched for this ticket", _work_order_for_this_ticket
)
FINDINGS_GIVEN: Guard[Attempt] = Guard(
    "CF603",
    "the quality findings the ticket is returned for (findings)",
    lambda attempt: bool(attempt.data.get("findings")),
)

INTERNAL_EVENTS: tuple[str, ...] = ("note", "update", "link_call", "promise", "keep_promise")
"""Events that change a ticket's data but not its status, allowed in every open status."""

REQUIRABLE_FIELDS: tuple[str, ...] = (
    "description",
    "category",
    "asset_tag",
    "impact",
    "urgency",
    "priority",
    "diagnosis",
)
"""The ticket fields :func:`ticket_lifecycle` can make mandatory for a move."""


def _filled(field: str) -> Guard[Attempt]:
    return Guard(
        None,
        f"the ticket's {field.replace('_', ' ')} ({field})",
        lambda attempt: getattr(attempt.ticket, field) is not None,
    )


def ticket_lifecycle(
    *, required_fields: Mapping[str, Iterable[str]] | None = None
) -> TransitionTable[TicketStatus, Attempt]:
    """Build the ticket lifecycle, with extra fields that must be filled before a move.

    Args:
        required_fields: for an event (``"resolve"``, ``"escalate"``...), the
            ticket fields (from :data:`REQUIRABLE_FIELDS`) it needs filled.

    Raises:
        ValidationError: for an event the lifecycle does not have, or a field
            that cannot be required.

    >>> strict = ticket_lifecycle(required_fields={"resolve": ["category"]})
    >>> [g.requirement for g in strict.transition(TicketStatus.OPEN, "resolve").guards]
    ['a resolution note (resolution)', "the ticket's category (category)"]
    """
    given: object = {} if required_fields is None else required_fields
    if not isinstance(given, Mapping):
        raise ValidationError(
            "required_fields", given, "must map status-changing events to field names"
        )
    extra: dict[str, tuple[Guard[Attempt], ...]] = {}
    for event, fields in given.items():
        if type(event) is not str or event not in _MOVES:
            raise ValidationError(
                "required_fields", event, f"must name a status-changing event: {sorted(_MOVES)}"
            )
        # One field name is not a collection of letters; an endless generator is no collection.
        if isinstance(fields, str) or not isinstance(fields, Collection):
            raise ValidationError(
                f"required_fields[{event!r}]", fields, "must be a collection of field names"
            )
        names = tuple(fields)
        for name in names:
            if type(name) is not str or name not in REQUIRABLE_FIELDS:
                raise ValidationError(
                    f"required_fields[{event!r}]", name, f"must be one of {REQUIRABLE_FIELDS}"
                )
        extra[event] = tuple(_filled(name) for name in names)

    def row(
        event: str, source: TicketStatus, dest: TicketStatus
    ) -> Transition[TicketStatus, Attempt]:
        return Transition(event, source, dest, (*_MOVES[event], *extra.get(event, ())))

    t = TicketStatus
    open_statuses = [status for status in t if not status.is_final]
    return TransitionTable(
        states={
            t.NEW: StateKind.INITIAL,
            t.OPEN: StateKind.ACTIVE,
            t.PENDING: StateKind.ACTIVE,
            t.ESCALATED: StateKind.ACTIVE,
            t.RESOLVED: StateKind.ACTIVE,
            t.CLOSED: StateKind.FINAL,
        },
        transitions=[
            row("open", t.NEW, t.OPEN),
            row("pend", t.OPEN, t.PENDING),
            row("pend", t.ESCALATED, t.PENDING),
            row("resume", t.PENDING, t.OPEN),
            row("escalate", t.OPEN, t.ESCALATED),
            row("escalate", t.PENDING, t.ESCALATED),
            row("return_for_rewrite", t.ESCALATED, t.OPEN),
            row("dispatch", t.ESCALATED, t.RESOLVED),
            row("resolve", t.OPEN, t.RESOLVED),
            row("resolve", t.PENDING, t.RESOLVED),
            row("resolve", t.ESCALATED, t.RESOLVED),
            row("reopen", t.RESOLVED, t.OPEN),
            row("close", t.RESOLVED, t.CLOSED),
            *(
                Transition(event, status, status)
                for event in INTERNAL_EVENTS
                for status in open_statuses
            ),
        ],
        state_attribute="_status",
    )


_MOVES: Mapping[str, tuple[Guard[Attempt], ...]] = {
    "open": (),
    "pend": (WAITING_ON_GIVEN,),
    "resume": (),
    "escalate": ESCALATION_GUARDS,
    "return_for_rewrite": (FINDINGS_GIVEN,),
    "dispatch": (WORK_ORDER_GIVEN,),
    "resolve": (RESOLUTION_GIVEN,),
    "reopen": (REOPEN_REASON_GIVEN,),
    "close": (),
}

LIFECYCLE: TransitionTable[TicketStatus, Attempt] = ticket_lifecycle()
"""The default ticket lifecycle."""
