"""Promises made to callers, tracked against their due times (CF607).

A promised callback or status update is a :class:`Promise`; a
:class:`PromiseLedger` keeps them, marks them kept, and says which are late.
Promises are not tied to tickets: an escalation's updates and a phone
message's callback are both promises.

>>> from datetime import datetime, timedelta, timezone
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> ledger = PromiseLedger()
>>> ledger.promise("callback", "Ana Souza", "call back about the printer",
...                made_at=at, due=timedelta(hours=2)).id
'P1'
>>> [promise.id for promise in ledger.overdue(at + timedelta(hours=3))]
['P1']
"""

import enum
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from callflow.clock import check_aware, shift
from callflow.errors import NotFoundError, ValidationError
from callflow.records import RuleBreach
from callflow.validators import (
    aware_datetime,
    check_text,
    non_empty_text,
    optional_non_empty_text,
    to_member,
)

__all__ = ["Promise", "PromiseKind", "PromiseLedger"]


class PromiseKind(enum.Enum):
    """What was promised."""

    CALLBACK = "callback"
    """To call the person back."""
    STATUS_UPDATE = "status_update"
    """To tell the person how their case stands."""


def _kind(value: object) -> PromiseKind:
    return to_member(PromiseKind, "kind", value)


def _due(instance: "Promise", attribute: "attrs.Attribute[Any]", value: object) -> None:
    due = check_aware("due", value)
    if due < instance.made_at:
        reason = f"must not be before the promise was made, {instance.made_at.isoformat()}"
        raise ValidationError("due", value, reason)


def _kept_at(instance: "Promise", attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    kept_at = check_aware("kept_at", value)
    if kept_at < instance.made_at:
        reason = f"must not be before the promise was made, {instance.made_at.isoformat()}"
        raise ValidationError("kept_at", value, reason)


@attrs.frozen
class Promise:
    """A callback or status update promised to someone, due by a given time.

    Attributes:
        id: the ledger's key for it ("P1", "P2"...).
        kind: a callback or a status update.
        to: who was promised: a caller's name or ID.
        what: what was promised, in a few words.
        made_at: when it was promised.
        due: when it is due (not before ``made_at``).
        made_by: who promised it.
        ticket: the ticket it concerns, if any.
        kept_at: when it was kept (``None`` while open).
    """

    id: str = attrs.field(validator=non_empty_text())
    kind: PromiseKind = attrs.field(converter=_kind)
    to: str = attrs.field(validator=non_empty_text())
    what: str = attrs.field(validator=non_empty_text())
    made_at: datetime = attrs.field(validator=aware_datetime())
    due: datetime = attrs.field(validator=_due)
    made_by: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    ticket: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    kept_at: datetime | None = attrs.field(default=None, validator=_kept_at)

    @property
    def kept(self) -> bool:
        """Whether it has been kept."""
        return self.kept_at is not None

    def overdue(self, now: datetime) -> bool:
        """Whether it is still open and past due at ``now`` (exactly at the due time is not)."""
        return self.kept_at is None and check_aware("now", now) > self.due

    def late(self, now: datetime) -> bool:
        """Whether it is overdue at ``now``, or was kept after its due time."""
        now = check_aware("now", now)
        return now > self.due if self.kept_at is None else self.kept_at > self.due


def _describe(promise: Promise) -> str:
    due = promise.due.isoformat()
    return f"Promise {promise.id} to {promise.to} ({promise.what}) was due at {due}"


class PromiseLedger:
    """Every promise made, in the order made, with what became of it.

    Its ids are "P1", "P2"... in order. Promises are kept in place (the
    ledger holds the latest version of each); nothing is ever removed.
    """

    __slots__ = ("_promises",)

    def __init__(self) -> None:
        self._promises: dict[str, Promise] = {}

    def __repr__(self) -> str:
        return f"<PromiseLedger promises={len(self._promises)} open={len(self.open())}>"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its snapshot (:mod:`callflow.snapshot`)."""
        from callflow import snapshot  # it imports this module

        return snapshot._reduce(self)

    def __iter__(self) -> Iterator[Promise]:
        return iter(tuple(self._promises.values()))

    def __len__(self) -> int:
        return len(self._promises)

    def promise(
        self,
        kind: PromiseKind | str,
        to: str,
        what: str,
        *,
        made_at: datetime,
        due: datetime | timedelta,
        made_by: str | None = None,
        ticket: str | None = None,
    ) -> Promise:
        """Record a promise and return it, with its new id.

        Args:
            kind: ``PromiseKind.CALLBACK`` or ``STATUS_UPDATE`` (or their values).
            to: who was promised.
            what: what was promised.
            made_at: when, timezone-aware.
            due: when it is due: an aware datetime, or a duration from ``made_at``.
            made_by: who promised it.
            ticket: the ticket it concerns.

        Raises:
            ValidationError: for any argument refused; no promise is recorded.
        """
        made_at = check_aware("made_at", made_at)
        if isinstance(due, timedelta):
            if due < timedelta():
                raise ValidationError("due", due, "must not be a negative duration")
            due = shift("due", made_at, due)
        number = f"P{len(self._promises) + 1}"
        promise = Promise(number, kind, to, what, made_at, due, made_by=made_by, ticket=ticket)
        self._promises[number] = promise
        return promise

    def _forget_after(self, count: int) -> None:
        """Forget the promises made after the first ``count`` (a refused ticket event's undo)."""
        while len(self._promises) > count:
            self._promises.popitem()  # the latest made: ids are in the order made

    def get(self, promise_id: str) -> Promise:
        """The promise with id ``promise_id``.

        Raises:
            NotFoundError: if the ledger has no such promise.
        """
        promise = self._promises.get(check_text("promise_id", promise_id))
        if promise is None:
            raise NotFoundError("promise", promise_id)
        return promise

    def keep(self, promise_id: str, at: datetime) -> Promise:
        """Mark a promise kept at ``at`` and return it as it is now.

        Raises:
            NotFoundError: if the ledger has no such promise.
            ValidationError: if it was kept already, or ``at`` is before it was made.
        """
        promise = self.get(promise_id)
        at = check_aware("at", at)
        if promise.kept_at is not None:
            reason = f"names a promise kept already, at {promise.kept_at.isoformat()}"
            raise ValidationError("promise_id", promise_id, reason)
        if at < promise.made_at:
            reason = f"must not be before the promise was made, {promise.made_at.isoformat()}"
            raise ValidationError("at", at, reason)
        kept = attrs.evolve(promise, kept_at=at)
        self._promises[promise.id] = kept
        return kept

    def open(self) -> tuple[Promise, ...]:
        """The promises not kept yet, in the order made."""
        return tuple(promise for promise in self._promises.values() if promise.kept_at is None)

    def overdue(self, now: datetime) -> tuple[Promise, ...]:
        """The promises open and past due at ``now``, the most overdue first."""
        now = check_aware("now", now)
        late = [promise for promise in self._promises.values() if promise.overdue(now)]
        return tuple(sorted(late, key=lambda promise: promise.due))

    def breaches(self, now: datetime) -> tuple[RuleBreach, ...]:
        """One CF607 breach per promise overdue at ``now`` or kept late, in the order made."""
        now = check_aware("now", now)
        found: list[RuleBreach] = []
        for promise in self._promises.values():
            if promise.kept_at is None and now > promise.due:
                message = f"{_describe(promise)} and is still open at {now.isoformat()}."
            elif promise.kept_at is not None and promise.kept_at > promise.due:
                kept_at = promise.kept_at.isoformat()
                message = f"{_describe(promise)} and was kept late, at {kept_at}."
            else:
                continue
            found.append(RuleBreach("CF607", message, "due"))
        return tuple(found)

    def for_ticket(self, number: str) -> tuple[Promise, ...]:
        """The promises about ticket ``number``, in the order made."""
        number = check_text("number", number)
        return tuple(promise for promise in self._promises.values() if promise.ticket == number)

    def for_party(self, to: str) -> tuple[Promise, ...]:
        """The promises made to ``to``, in the order made."""
        to = check_text("to", to)
        return tuple(promise for promise in self._promises.values() if promise.to == to)

    def callers_to_call(self, now: datetime) -> tuple[str, ...]:
        """Whom to call now, unasked: everyone with an overdue promise, the longest waiting first.

        CF607: a caller who keeps having to chase a promise is called proactively.
        """
        return tuple(dict.fromkeys(promise.to for promise in self.overdue(now)))
