"""Rebuilding a call from its history (:meth:`callflow.Call.replay`).

A history may come from anywhere (a file, a database, a hand-written test),
so it is checked whole before anything is built: every record is an
:class:`~callflow.records.EventRecord` of an event of the procedure, in time
order, whose payload fits its event method and whose ``observed`` data is
what that event looks up. Then each event is sent again, at its recorded
time, and must produce its record exactly. Anything refused on the way is a
:class:`~callflow.errors.ValidationError` naming the record.
"""

import functools
import inspect
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, TypeVar

import attrs

from callflow.book import TicketBook
from callflow.clock import Clock, utc_now
from callflow.errors import AccessDeniedError, CallflowError, ValidationError
from callflow.events import EVENT_PAYLOADS, EventPayload
from callflow.people import Caller
from callflow.promises import PromiseLedger
from callflow.records import EventRecord, RuleBreach
from callflow.stages import PROCEDURE
from callflow.ticket import Ticket

if TYPE_CHECKING:
    from callflow.call import Call

__all__ = ["OBSERVABLE", "replay"]

C = TypeVar("C", bound="Call")


def _text(value: object) -> bool:
    return type(value) is str and bool(value.strip())


def _texts(value: object) -> bool:
    return type(value) is tuple and all(_text(item) for item in value)


def _breaches(value: object) -> bool:
    return type(value) is tuple and all(type(item) is RuleBreach for item in value)


def _flag(value: object) -> bool:
    return type(value) is bool


OBSERVABLE: Mapping[str, Mapping[str, Callable[[object], bool]]] = {
    "answer": {"line": _breaches},
    "resume": {"line": _breaches},
    "identify": {"ticket": _text, "earlier": _texts},
    "listen": {"ticket": _text, "earlier": _texts},
    "assign": {"ticket_findings": _breaches},
    "hang_up": {"case": _flag},
    "take_message": {"promise": _text},
}
"""What each event may look up outside the call, by key, with a check of the value kept.

Events not named here look up nothing.
"""

_RING_KEYS = frozenset({"agent", "mode", "thresholds", "call_id", "channel"})
_EVENTS = frozenset(PROCEDURE.events)


@functools.cache  # a class's signatures do not change: read once per event
def _parameters(cls: type, event: str) -> tuple[frozenset[str], frozenset[str]]:
    """The keyword arguments the event method takes, and those it needs."""
    signature = inspect.signature(getattr(cls, event))
    names = [name for name in signature.parameters if name != "self"]
    needed = [
        name for name in names if signature.parameters[name].default is inspect.Parameter.empty
    ]
    return frozenset(names), frozenset(needed)


def _check_record(index: int, record: object, previous: EventRecord | None) -> EventRecord:
    where = f"history[{index}]"
    if not isinstance(record, EventRecord):
        raise ValidationError(where, record, "must be an EventRecord")
    if previous is None:
        if record.event != "ring" or set(record.payload) != _RING_KEYS or record.observed:
            raise ValidationError(where, record, "must be the call's 'ring' record")
        return record
    if record.event not in _EVENTS:
        raise ValidationError(f"{where}.event", record.event, "is not an event of the procedure")
    if record.at < previous.at:
        reason = f"must not be before the record before it, at {previous.at.isoformat()}"
        raise ValidationError(f"{where}.at", record.at, reason)
    if not record.observed:  # most events look nothing up
        return record
    checks = OBSERVABLE.get(record.event, {})
    for key, value in record.observed.items():
        check = checks.get(key)
        if check is None or not check(value):
            reason = f"is not something {record.event!r} looks up"
            raise ValidationError(f"{where}.observed[{key!r}]", value, reason)
    return record


def _check_history(history: object) -> tuple[EventRecord, ...]:
    # A collection, not any iterable: its size is the data's, not an endless generator's.
    if isinstance(history, str | bytes | Mapping) or not isinstance(history, Collection):
        raise ValidationError("history", history, "must be a sequence of EventRecord")
    records: list[EventRecord] = []
    previous: EventRecord | None = None
    for index, record in enumerate(history):
        previous = _check_record(index, record, previous)
        records.append(previous)
    if not records:
        raise ValidationError("history", history, "must start with the call's 'ring' record")
    return tuple(records)


@functools.cache  # as _parameters
def _fits(cls: type, event: str) -> bool:
    """Whether every payload of ``event``'s class fits ``cls``'s event method.

    A payload class has the method's parameters as its fields, the required
    ones without a default, so its instances always fit (unless a subclass
    of the call changed the method).
    """
    kind = EVENT_PAYLOADS.get(event)
    if kind is None:
        return False
    allowed, needed = _parameters(cls, event)
    fields = attrs.fields(kind)  # type: ignore[arg-type]  # made by attrs.make_class
    required = {field.name for field in fields if field.default is attrs.NOTHING}
    return allowed == {field.name for field in fields} and needed == required


def _check_payload(cls: type, index: int, record: EventRecord) -> None:
    event = record.event
    if type(record.payload) is EVENT_PAYLOADS.get(event) and _fits(cls, event):
        return  # a payload of the event's own class: its keys are the method's
    allowed, needed = _parameters(cls, event)
    given = set(record.payload)
    if not given <= allowed or not needed <= given:
        reason = f"does not fit {record.event!r}, which takes {', '.join(sorted(allowed))}"
        raise ValidationError(f"history[{index}].payload", dict(record.payload), reason)


def replay(
    cls: type[C],
    history: Collection[EventRecord],
    *,
    clock: Clock | None = None,
    book: TicketBook | None = None,
    promises: PromiseLedger | None = None,
) -> C:
    """See :meth:`callflow.Call.replay`."""
    records = _check_history(history)
    if clock is not None and not callable(clock):
        raise ValidationError("clock", clock, "must be a callable returning an aware datetime")
    if book is not None and not isinstance(book, TicketBook):
        raise ValidationError("book", book, "must be a TicketBook (see callflow.MemoryTicketBook)")
    if promises is not None and not isinstance(promises, PromiseLedger):
        raise ValidationError("promises", promises, "must be a PromiseLedger")
    for index, record in enumerate(records[1:], start=1):
        _check_payload(cls, index, record)
    call = _ring(cls, records[0])
    for index, record in enumerate(records[1:], start=1):
        _replay_one(call, index, record)
    call._clock = clock or utc_now
    if book is not None:
        call._book = book
        if call._case.number is not None:
            call._case.ticket = _taken_up(book, call._case.number, call.caller)
    if promises is not None:
        call._promises = promises
    return call


def _ring(cls: type[C], ring: EventRecord) -> C:
    """A new call as the ring record says it began."""
    try:
        call = cls(
            agent=ring.payload["agent"],  # type: ignore[arg-type]  # checked by the call
            mode=ring.payload["mode"],
            thresholds=ring.payload["thresholds"],  # type: ignore[arg-type]
            clock=lambda: ring.at,
            call_id=ring.payload["call_id"],  # type: ignore[arg-type]
            channel=ring.payload["channel"],  # type: ignore[arg-type]
        )
    except ValidationError as error:
        raise _located(error, "history[0].payload") from None
    if call._history[0] != ring:
        raise ValidationError("history[0]", ring, "is not a ring record a call makes")
    return call


def _replay_one(call: "Call", index: int, record: EventRecord) -> None:
    at, event, payload = record.at, record.event, record.payload
    call._clock = lambda: at  # the event happens at its recorded time, however often read
    call._replaying = record.observed
    try:
        if type(payload) is EVENT_PAYLOADS.get(event) or isinstance(payload, EventPayload):
            getattr(call, event)(**payload.arguments())  # the first test is the quick one
        else:
            getattr(call, event)(**payload)
    except ValidationError as error:  # an argument refused: name it inside the record
        raise _located(error, f"history[{index}].payload") from None
    except CallflowError as error:  # the event refused as a whole
        raise ValidationError(f"history[{index}]", record, f"cannot be replayed: {error}") from None
    finally:
        call._replaying = None
    if not call._history[-1] == record:  # __eq__ itself, not attrs' __ne__ around it
        raise ValidationError(
            f"history[{index}]", record, "does not match what replaying its event produced"
        )


def _located(error: ValidationError, where: str) -> ValidationError:
    """``error``, its field named by its path in the history."""
    return ValidationError(f"{where}.{error.field}", error.value, error.reason)


def _taken_up(book: TicketBook, number: str, caller: Caller | None) -> Ticket:
    """The call's ticket, from the book the replayed call goes on with: the caller's own.

    The history names the ticket; a doctored one could name another caller's,
    so the ticket's caller is checked as the live call checked it.
    """
    ticket = book.get(number)
    if not isinstance(ticket, Ticket) or ticket.number != number:
        raise ValidationError(f"book.get({number!r})", ticket, "must be that ticket")
    owner = ticket.caller.user_id
    if caller is None or owner is None or owner != caller.user_id:
        reason = "it belongs to another caller than the one the history identifies"
        raise AccessDeniedError(f"ticket {number}", reason)
    return ticket
