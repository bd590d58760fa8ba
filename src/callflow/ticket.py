"""The ticket: the written record of a caller's problem, from logging to closing.

A :class:`Ticket` carries the caller, the unit's asset tag, a category, the
problem in the caller's words, impact and urgency (which give its priority
through a :class:`~callflow.priority.PriorityMatrix`), a status moved by its
lifecycle (:data:`~callflow.lifecycle.LIFECYCLE`), a diagnosis, notes, links
to calls and work orders, promises made to the caller and SLA clocks derived
from its history.

>>> from datetime import datetime, timezone
>>> from callflow import Caller, ManualClock
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> ticket = Ticket("T-1", Caller("Ana Souza", user_id="E1234"),
...                 description="The printer on floor 2 jams on every page",
...                 impact="medium", urgency="high", clock=clock)
>>> ticket.status, ticket.priority
(<TicketStatus.NEW: 'new'>, <Priority.P2: 2>)
>>> ticket.open(by="Bill")
>>> ticket.close()
Traceback (most recent call last):
...
callflow.errors.TicketTransitionError: ticket event 'close' refused in status OPEN: the lifecycle \
does not allow it from this status; allowed from this status: pend, escalate, resolve, note, \
update, link_call, promise, keep_promise
>>> ticket.resolve(by="Bill")
Traceback (most recent call last):
...
callflow.errors.TicketTransitionError: ticket event 'resolve' refused in status OPEN: it requires \
a resolution note (resolution); allowed from this status: pend, escalate, resolve, note, update, \
link_call, promise, keep_promise
>>> ticket.resolve("Replaced the worn pick-up roller", by="Bill")
>>> ticket.status
<TicketStatus.RESOLVED: 'resolved'>
"""

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final, TypeVar

import attrs

from callflow.clock import Clock, check_aware, check_clock, read_clock, utc_now
from callflow.errors import TicketTransitionError, ValidationError
from callflow.escalation import Escalation
from callflow.lifecycle import LIFECYCLE, Attempt, TicketStatus
from callflow.notes import Note, NoteKind, NoteTopic
from callflow.people import Caller
from callflow.priority import DEFAULT_MATRIX, Impact, Priority, PriorityMatrix, Urgency
from callflow.promises import Promise, PromiseKind, PromiseLedger
from callflow.records import RuleBreach
from callflow.sla import SlaPolicy, TicketClocks
from callflow.table import TransitionTable
from callflow.validators import (
    check_flag,
    check_optional_text,
    check_text,
    instance_of,
    non_empty_text,
    optional_non_empty_text,
    to_member,
)
from callflow.workorders import WorkOrder

__all__ = ["CallLink", "Ticket", "TicketRecord"]


@attrs.frozen
class CallLink:
    """A call that worked on a ticket.

    Attributes:
        call_id: the call's identifier, when it has one.
        at: when the call took the ticket up.
        follow_up: whether the call was about the existing ticket (a follow-up)
            rather than the call that reported the problem (CF905).
    """

    call_id: str | None
    at: datetime
    follow_up: bool


@attrs.frozen
class TicketRecord:
    """One accepted event in a ticket's history.

    Attributes:
        event: the event's name (``"open"``, ``"note"``, ``"resolve"``...).
        from_status: the status before it.
        to_status: the status after it (the same for events that change only data).
        at: when it happened, timezone-aware.
        by: who did it, when known.
        payload: the event's data.
    """

    event: str
    from_status: TicketStatus
    to_status: TicketStatus
    at: datetime
    by: str | None
    payload: Mapping[str, object] = attrs.field(hash=False)


class _Unset:
    """The marker for an :meth:`Ticket.update` argument that was not given."""

    def __repr__(self) -> str:
        return "<unset>"


_UNSET: Final = _Unset()
_DEFAULT_SLA = SlaPolicy()


L = TypeVar("L", Impact, Urgency)


def _impact(value: object) -> Impact | None:
    return _level(Impact, "impact", value)


def _urgency(value: object) -> Urgency | None:
    return _level(Urgency, "urgency", value)


def _level(kind: type[L], field: str, value: object) -> L | None:
    return None if value is None else to_member(kind, field, value)


def _table(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, TransitionTable) or value.initial is not TicketStatus.NEW:
        raise ValidationError(
            "lifecycle", value, "must be a ticket lifecycle (see callflow.ticket_lifecycle)"
        )


@attrs.define(eq=False, repr=False, on_setattr=attrs.setters.NO_OP)
class Ticket:
    """A helpdesk ticket, moved through its lifecycle by explicit events.

    Every event either is recorded in :attr:`history` or raises
    :class:`~callflow.errors.TicketTransitionError` (a move the lifecycle does
    not allow, or data it needs and did not get) and changes nothing.

    Args:
        number: the ticket number the caller is given.
        caller: who reported the problem (name and user / employee ID).
        description: the problem in the caller's own words.
        category: what kind of problem it is (``"hardware"``, ``"network"``...).
        asset_tag: the unit's asset tag, where there is one.
        impact: how many people / how much of the business it affects.
        urgency: how soon it hurts.
        matrix: turns impact and urgency into a :class:`~callflow.priority.Priority`.
        sla_policy: the targets per priority and the calendar the SLA clocks run on.
        lifecycle: the status table (default :data:`~callflow.lifecycle.LIFECYCLE`).
        clock: where the ticket gets the time (default: UTC now).
        created_by: who logged it.
    """

    _number: str = attrs.field(validator=non_empty_text(), alias="number")
    _caller: Caller = attrs.field(validator=instance_of(Caller), alias="caller")
    _description: str | None = attrs.field(
        default=None, validator=optional_non_empty_text(), kw_only=True, alias="description"
    )
    _category: str | None = attrs.field(
        default=None, validator=optional_non_empty_text(), kw_only=True, alias="category"
    )
    _asset_tag: str | None = attrs.field(
        default=None, validator=optional_non_empty_text(), kw_only=True, alias="asset_tag"
    )
    _impact: Impact | None = attrs.field(
        default=None, converter=_impact, kw_only=True, alias="impact"
    )
    _urgency: Urgency | None = attrs.field(
        default=None, converter=_urgency, kw_only=True, alias="urgency"
    )
    _matrix: PriorityMatrix = attrs.field(
        default=DEFAULT_MATRIX, validator=instance_of(PriorityMatrix), kw_only=True, alias="matrix"
    )
    _sla_policy: SlaPolicy = attrs.field(
        default=_DEFAULT_SLA, validator=instance_of(SlaPolicy), kw_only=True, alias="sla_policy"
    )
    _lifecycle: TransitionTable[TicketStatus, Attempt] = attrs.field(
        default=LIFECYCLE, validator=_table, kw_only=True, alias="lifecycle"
    )
    _clock: Clock = attrs.field(default=utc_now, validator=check_clock, kw_only=True, alias="clock")
    _created_by: str | None = attrs.field(
        default=None, validator=optional_non_empty_text(), kw_only=True, alias="created_by"
    )
    _status: TicketStatus = attrs.field(default=TicketStatus.NEW, init=False)
    _diagnosis: str | None = attrs.field(default=None, init=False)
    _resolution: str | None = attrs.field(default=None, init=False)
    _waiting_on: str | None = attrs.field(default=None, init=False)
    _notes: list[Note] = attrs.field(factory=list, init=False)
    _calls: list[CallLink] = attrs.field(factory=list, init=False)
    _work_orders: list[WorkOrder] = attrs.field(factory=list, init=False)
    _escalations: list[Escalation] = attrs.field(factory=list, init=False)
    _returns: list[tuple[RuleBreach, ...]] = attrs.field(factory=list, init=False)
    _promises: PromiseLedger = attrs.field(factory=PromiseLedger, init=False)
    _history: list[TicketRecord] = attrs.field(factory=list, init=False)

    def __attrs_post_init__(self) -> None:
        at = check_aware("clock", self._clock())
        payload = {
            "description": self._description,
            "category": self._category,
            "asset_tag": self._asset_tag,
            "impact": self._impact,
            "urgency": self._urgency,
        }
        self._history.append(
            TicketRecord(
                "create",
                TicketStatus.NEW,
                TicketStatus.NEW,
                at,
                self._created_by,
                MappingProxyType(payload),
            )
        )

    def __repr__(self) -> str:
        priority = self.priority.name if self.priority else "no priority"
        return f"<Ticket {self._number} {self._status.name} {priority} notes={len(self._notes)}>"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its snapshot (:mod:`callflow.snapshot`), with the clock it goes on with."""
        from callflow import snapshot  # it imports this module

        return snapshot._reduce(self, self._clock)

    # -- status events -------------------------------------------------------

    def open(self, *, by: str | None = None) -> None:
        """Take the new ticket into work: NEW -> OPEN (the first response)."""
        self._fire("open", {}, by)

    def pend(self, waiting_on: str | None = None, *, by: str | None = None) -> None:
        """Wait on the caller or a third party: -> PENDING; the SLA clocks pause.

        Args:
            waiting_on: who or what the ticket waits on (required by the lifecycle).
        """
        self._fire("pend", {"waiting_on": check_optional_text("waiting_on", waiting_on)}, by)
        self._waiting_on = waiting_on

    def resume(self, *, by: str | None = None) -> None:
        """Stop waiting: PENDING -> OPEN; the SLA clocks run again."""
        self._fire("resume", {}, by)

    def escalate(self, escalation: Escalation, *, by: str | None = None) -> None:
        """Hand the ticket on: -> ESCALATED (needs a complete escalation: CF601, CF602, CF604)."""
        if not isinstance(escalation, Escalation):
            raise ValidationError("escalation", escalation, "must be an Escalation")
        self._fire("escalate", {"escalation": escalation}, by)
        self._escalations.append(escalation)

    def return_for_rewrite(self, findings: Sequence[RuleBreach], *, by: str | None = None) -> None:
        """Send a poorly written escalated ticket back to its writer: ESCALATED -> OPEN (CF603).

        Args:
            findings: the quality findings that are the reason (see
                :func:`~callflow.quality.check_ticket`); at least one.
        """
        given: object = findings  # checked, not trusted
        if isinstance(given, str) or not isinstance(given, Collection):
            raise ValidationError("findings", given, "must be a collection of RuleBreach")
        breaches = tuple(given)
        for index, breach in enumerate(breaches):
            if not isinstance(breach, RuleBreach):
                raise ValidationError(f"findings[{index}]", breach, "must be a RuleBreach")
        self._fire("return_for_rewrite", {"findings": breaches}, by)
        self._returns.append(breaches)

    def dispatch(self, work_order: WorkOrder, *, by: str | None = None) -> None:
        """A supervisor dispatched a technician: ESCALATED -> RESOLVED (seed 004, CF904)."""
        if not isinstance(work_order, WorkOrder):
            raise ValidationError("work_order", work_order, "must be a WorkOrder")
        self._fire("dispatch", {"work_order": work_order}, by)
        self._work_orders.append(work_order)

    def resolve(self, resolution: str | None = None, *, by: str | None = None) -> None:
        """Record the fix: -> RESOLVED (needs a resolution note)."""
        self._fire("resolve", {"resolution": check_optional_text("resolution", resolution)}, by)
        self._resolution = resolution

    def reopen(self, reason: str | None = None, *, by: str | None = None) -> None:
        """The fix did not hold: RESOLVED -> OPEN (needs a reason)."""
        self._fire("reopen", {"reason": check_optional_text("reason", reason)}, by)
        self._resolution = None

    def close(self, *, by: str | None = None) -> None:
        """Close a resolved ticket for good: RESOLVED -> CLOSED."""
        self._fire("close", {}, by)

    # -- data events -----------------------------------------------------------

    def note(
        self,
        text: str,
        *,
        by: str,
        kind: NoteKind = NoteKind.INTERNAL,
        topic: NoteTopic = NoteTopic.GENERAL,
    ) -> Note:
        """Add a note; a shared one is an update to the caller (it restarts keep-in-loop)."""
        check_text("by", by)
        at = self._now()
        note = Note(author=by, at=at, text=text, kind=kind, topic=topic)
        self._fire("note", {"note": note}, by, at=at)
        self._notes.append(note)
        return note

    def update(
        self,
        *,
        by: str | None = None,
        description: str | _Unset | None = _UNSET,
        category: str | _Unset | None = _UNSET,
        asset_tag: str | _Unset | None = _UNSET,
        impact: Impact | str | _Unset | None = _UNSET,
        urgency: Urgency | str | _Unset | None = _UNSET,
        diagnosis: str | _Unset | None = _UNSET,
    ) -> None:
        """Change the ticket's fields; only those given change (``None`` clears one)."""
        changes: dict[str, object] = {}
        texts: tuple[tuple[str, object], ...] = (
            ("description", description),
            ("category", category),
            ("asset_tag", asset_tag),
            ("diagnosis", diagnosis),
        )
        for field, value in texts:
            if value is not _UNSET:
                changes[field] = check_optional_text(field, value)
        if impact is not _UNSET:
            changes["impact"] = _impact(impact)
        if urgency is not _UNSET:
            changes["urgency"] = _urgency(urgency)
        if not changes:
            raise ValidationError("update", changes, "must change at least one field")
        self._fire("update", changes, by)
        for field, value in changes.items():
            setattr(self, f"_{field}", value)

    def link_call(
        self, call_id: str | None = None, *, follow_up: bool, by: str | None = None
    ) -> CallLink:
        """Record that a call worked on this ticket (a follow-up, or the reporting call)."""
        at = self._now()
        link = CallLink(
            check_optional_text("call_id", call_id), at, check_flag("follow_up", follow_up)
        )
        self._fire("link_call", {"link": link}, by, at=at)
        self._calls.append(link)
        return link

    def promise(
        self,
        kind: PromiseKind,
        what: str,
        due: datetime | timedelta,
        *,
        by: str | None = None,
        to: str | None = None,
    ) -> Promise:
        """Promise the caller a callback or a status update by ``due`` (CF607).

        Args:
            kind: a callback or a status update.
            what: what was promised.
            due: when, as a time or as a delay from now.
            to: whom (default: the caller's user ID, else their name).
        """
        by = check_optional_text("by", by)
        party = check_optional_text("to", to) or self._caller.user_id or self._caller.name
        self._check_open("promise")  # before the ledger changes: a refusal changes nothing
        at = self._now()
        promise = self._promises.promise(
            kind, party, what, made_at=at, due=due, made_by=by, ticket=self._number
        )
        self._fire("promise", {"promise": promise}, by, at=at)
        return promise

    def keep_promise(self, promise_id: str, *, by: str | None = None) -> Promise:
        """Record that a promise was kept now."""
        by = check_optional_text("by", by)
        self._check_open("keep_promise")
        at = self._now()
        kept = self._promises.keep(promise_id, at)
        self._fire("keep_promise", {"promise": kept}, by, at=at)
        return kept

    # -- queries -----------------------------------------------------------------

    def allowed_events(self) -> tuple[str, ...]:
        """The events the lifecycle allows from the current status (before data is checked)."""
        return tuple(row.event for row in self._lifecycle.outgoing(self._status))

    def requirements(self, event: str) -> tuple[str, ...]:
        """What ``event`` needs from the current status, one phrase per item.

        Raises:
            TicketTransitionError: when the lifecycle does not allow ``event`` now.
        """
        row = self._lifecycle.transition(self._status, check_text("event", event))
        if row is None:
            raise TicketTransitionError(event, self._status, self.allowed_events())
        return tuple(guard.requirement for guard in row.guards)

    def sla_clocks(self) -> TicketClocks | None:
        """The ticket's SLA clocks, derived from its history; ``None`` without a priority.

        The clocks start when the ticket was created, with the targets of its
        current priority; the first response stops when it is opened or a
        note is shared with the caller; every clock pauses while the ticket
        is PENDING; keep-in-loop restarts on each shared note; resolution and
        keep-in-loop stop when it is resolved and run again when it is reopened.
        """
        priority = self.priority
        if priority is None:
            return None
        created = self._history[0].at
        clocks = self._sla_policy.start_clocks(priority, created)
        responded = False
        for record in self._history[1:]:
            at = record.at
            entering = record.to_status is not record.from_status
            shared = record.event == "note" and _shared(record)
            if not responded and (record.event == "open" or shared):
                clocks, responded = clocks.responded(at), True
            if shared:
                clocks = clocks.shared_update(at)
                if record.to_status is TicketStatus.PENDING:
                    clocks = clocks.pause(at)  # the restarted update clock waits too
            if not entering:
                continue
            if record.from_status is TicketStatus.PENDING:
                clocks = clocks.resume(at)
            if record.to_status is TicketStatus.PENDING:
                clocks = clocks.pause(at)
            elif record.to_status is TicketStatus.RESOLVED:
                clocks = clocks.resolved(at)
            elif record.event == "reopen":
                clocks = clocks.reopened(at)
        return clocks

    def overdue(self, now: datetime | None = None) -> tuple[Promise, ...]:
        """The promises made on this ticket that are past due and not kept (CF607)."""
        return self._promises.overdue(self._at_or_now(now))

    # -- internals -------------------------------------------------------------

    @contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Events sent inside count as one: if one is refused, those before it are undone.

        A call's event can write several things into its ticket (reopen it,
        note what was tried and what it showed); the call uses this so that a
        refusal halfway (someone closed the ticket meanwhile) leaves the ticket
        as it was. Fields are set back, the lists only grow so they are cut
        back, and promises made inside are forgotten: O(1), whatever the
        ticket's size.
        """
        values = [getattr(self, name) for name in _SETTABLE]
        sizes = [len(getattr(self, name)) for name in _GROWING]
        promises = len(self._promises)
        try:
            yield
        except BaseException:
            for name, value in zip(_SETTABLE, values, strict=True):
                setattr(self, name, value)
            for name, size in zip(_GROWING, sizes, strict=True):
                del getattr(self, name)[size:]
            self._promises._forget_after(promises)
            raise

    def _fire(
        self,
        event: str,
        data: Mapping[str, object],
        by: str | None,
        *,
        at: datetime | None = None,
    ) -> None:
        by = check_optional_text("by", by)
        status = self._status
        verdict = self._lifecycle.judge(status, event, Attempt(self, data))
        if verdict.row is None:
            raise TicketTransitionError(event, status, self.allowed_events())
        if verdict.failed:
            raise TicketTransitionError(
                event, status, self.allowed_events(), verdict.requirements, verdict.rules
            )
        when = self._now() if at is None else at
        dest = verdict.dest
        if dest is not status:
            self._lifecycle.move(self, dest)
            if status is TicketStatus.PENDING:  # however it leaves PENDING, it waits no more
                self._waiting_on = None
        self._history.append(
            TicketRecord(event, status, dest, when, by, MappingProxyType(dict(data)))
        )

    def _check_open(self, event: str) -> None:
        if self._lifecycle.transition(self._status, event) is None:
            raise TicketTransitionError(event, self._status, self.allowed_events())

    def _now(self) -> datetime:
        return read_clock(self._clock, self._history[-1].at)

    def _at_or_now(self, now: datetime | None) -> datetime:
        return check_aware("clock", self._clock()) if now is None else check_aware("now", now)

    # -- state -----------------------------------------------------------------

    @property
    def number(self) -> str:
        """The ticket number the caller is given."""
        return self._number

    @property
    def caller(self) -> Caller:
        """Who reported the problem."""
        return self._caller

    @property
    def description(self) -> str | None:
        """The problem in the caller's words."""
        return self._description

    @property
    def category(self) -> str | None:
        """What kind of problem it is."""
        return self._category

    @property
    def asset_tag(self) -> str | None:
        """The unit's asset tag, where there is one."""
        return self._asset_tag

    @property
    def impact(self) -> Impact | None:
        """How widely the problem hurts."""
        return self._impact

    @property
    def urgency(self) -> Urgency | None:
        """How soon the problem hurts."""
        return self._urgency

    @property
    def priority(self) -> Priority | None:
        """Impact x urgency through the matrix; ``None`` until both are known."""
        if self._impact is None or self._urgency is None:
            return None
        return self._matrix.priority(self._impact, self._urgency)

    @property
    def status(self) -> TicketStatus:
        """Where the ticket is in its lifecycle."""
        return self._status

    @property
    def diagnosis(self) -> str | None:
        """The label put on the problem (CF405)."""
        return self._diagnosis

    @property
    def resolution(self) -> str | None:
        """What fixed it, while the ticket is resolved."""
        return self._resolution

    @property
    def waiting_on(self) -> str | None:
        """Who or what a PENDING ticket waits on."""
        return self._waiting_on

    @property
    def notes(self) -> tuple[Note, ...]:
        """Every note, oldest first."""
        return tuple(self._notes)

    @property
    def calls(self) -> tuple[CallLink, ...]:
        """The calls that worked on the ticket, oldest first."""
        return tuple(self._calls)

    @property
    def work_orders(self) -> tuple[WorkOrder, ...]:
        """The work orders dispatched from it, oldest first."""
        return tuple(self._work_orders)

    @property
    def escalations(self) -> tuple[Escalation, ...]:
        """Every escalation accepted, oldest first."""
        return tuple(self._escalations)

    @property
    def returns(self) -> tuple[tuple[RuleBreach, ...], ...]:
        """The findings of each return for rewriting (CF603), oldest first."""
        return tuple(self._returns)

    @property
    def promises(self) -> tuple[Promise, ...]:
        """Every promise made on the ticket, kept or not."""
        return tuple(self._promises)

    @property
    def history(self) -> tuple[TicketRecord, ...]:
        """Every accepted event, oldest first, starting with ``create``."""
        return tuple(self._history)

    @property
    def created_at(self) -> datetime:
        """When it was logged."""
        return self._history[0].at

    @property
    def updated_at(self) -> datetime:
        """When it last changed."""
        return self._history[-1].at

    @property
    def created_by(self) -> str | None:
        """Who logged it."""
        return self._created_by

    @property
    def sla_policy(self) -> SlaPolicy:
        """The targets and calendar its clocks use."""
        return self._sla_policy

    @property
    def lifecycle(self) -> TransitionTable[TicketStatus, Attempt]:
        """The table its status moves by."""
        return self._lifecycle

    @property
    def clock(self) -> Clock:
        """Where it gets the time."""
        return self._clock


# What an event can change (see Ticket._all_or_nothing): fields it sets, lists it appends to.
_SETTABLE = (
    "_status", "_diagnosis", "_resolution", "_waiting_on", "_description", "_category",
    "_asset_tag", "_impact", "_urgency",
)  # fmt: skip
_GROWING = ("_notes", "_calls", "_work_orders", "_escalations", "_returns", "_history")


def _shared(record: TicketRecord) -> bool:
    note = record.payload.get("note")
    return isinstance(note, Note) and note.shared
