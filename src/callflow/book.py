"""The ticket book: where tickets are kept, and what a desk asks of their history.

:class:`TicketBook` is a small :class:`~typing.Protocol`, so a desk can back
it with its own database; :class:`MemoryTicketBook` keeps tickets in memory.
Everything else here works on any book:

- :func:`open_ticket` logs a new ticket under the book's next number;
- :func:`earlier_tickets` finds a caller's or a unit's earlier cases (CF403);
- :func:`repeat_failure` flags a unit with repeated tickets for the same
  problem, the "lemon" refurbishment did not fix (CF404);
- :func:`account` gives a caller the account of all their tickets and work
  orders, only when the call has verified them and only theirs (CF606).

>>> from datetime import datetime, timezone
>>> from callflow import Caller, ManualClock
>>> book = MemoryTicketBook()
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> ticket = open_ticket(book, Caller("Ana Souza", user_id="E1234"), clock=clock,
...                      description="Printer jams", category="hardware", asset_tag="PRN-0042")
>>> ticket.number, book.get("T-000001") is ticket
('T-000001', True)
>>> book.get("T-404")
Traceback (most recent call last):
...
callflow.errors.NotFoundError: no ticket 'T-404'
"""

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from callflow.clock import EARLIEST, check_aware
from callflow.errors import AccessDeniedError, NotFoundError, ValidationError
from callflow.people import Caller
from callflow.promises import Promise
from callflow.records import RuleBreach
from callflow.ticket import Ticket
from callflow.validators import check_optional_text, check_text, duration, positive_int
from callflow.workorders import WorkOrder

if TYPE_CHECKING:
    from callflow.call import Call

__all__ = [
    "Account",
    "MemoryTicketBook",
    "RepeatFailurePolicy",
    "TicketBook",
    "account",
    "check_book",
    "earlier_tickets",
    "open_ticket",
    "repeat_failure",
]


@runtime_checkable
class TicketBook(Protocol):
    """Where a desk keeps its tickets. Implement these five methods to use your own store."""

    def add(self, ticket: Ticket) -> None:
        """Keep ``ticket``; a number already kept is a :class:`~callflow.errors.ValidationError`."""

    def get(self, number: str) -> Ticket:
        """The ticket numbered ``number``, or :class:`~callflow.errors.NotFoundError`."""
        ...

    def new_number(self) -> str:
        """A ticket number not used yet."""
        ...

    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        """Every ticket whose caller has this user / employee ID, oldest first."""
        ...

    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        """Every ticket about the unit with this asset tag, oldest first."""
        ...


class MemoryTicketBook:
    """A :class:`TicketBook` in memory, numbering tickets ``T-000001``, ``T-000002``...

    Args:
        prefix: what ticket numbers start with.
    """

    __slots__ = ("_count", "_prefix", "_tickets")

    def __init__(self, prefix: str = "T-") -> None:
        self._prefix = check_text("prefix", prefix)
        self._tickets: dict[str, Ticket] = {}
        self._count = 0

    def __repr__(self) -> str:
        return f"<MemoryTicketBook {len(self._tickets)} tickets>"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its snapshot (:mod:`callflow.snapshot`); its tickets run on UTC now."""
        from callflow import snapshot  # it imports this module

        return snapshot._reduce(self)

    def __len__(self) -> int:
        return len(self._tickets)

    def __iter__(self) -> Iterator[Ticket]:
        return iter(self._tickets.values())

    def add(self, ticket: Ticket) -> None:
        """Keep ``ticket``."""
        if not isinstance(ticket, Ticket):
            raise ValidationError("ticket", ticket, "must be a Ticket")
        if ticket.number in self._tickets:
            raise ValidationError("ticket.number", ticket.number, "is already in the book")
        self._tickets[ticket.number] = ticket

    def _numbering(self) -> tuple[str, int]:
        """The prefix, and how many numbers :meth:`new_number` has given (for a snapshot)."""
        return self._prefix, self._count

    @classmethod
    def _resumed(cls, prefix: str, numbered: int) -> "MemoryTicketBook":
        """An empty book whose numbering goes on after ``numbered`` (a snapshot's restore)."""
        if isinstance(numbered, bool) or not isinstance(numbered, int) or numbered < 0:
            raise ValidationError("numbered", numbered, "must be a whole number of zero or more")
        book = cls(prefix)
        book._count = numbered
        return book

    def get(self, number: str) -> Ticket:
        """The ticket numbered ``number``."""
        found = self._tickets.get(number) if type(number) is str else None
        if found is None:
            raise NotFoundError("ticket", number)
        return found

    def new_number(self) -> str:
        """The next unused number."""
        while True:
            self._count += 1
            number = f"{self._prefix}{self._count:06d}"
            if number not in self._tickets:
                return number

    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        """Every ticket of the caller with ``user_id``, oldest first."""
        check_text("user_id", user_id)
        return self._select(lambda t: t.caller.user_id == user_id)

    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        """Every ticket about the unit ``asset_tag``, oldest first."""
        check_text("asset_tag", asset_tag)
        return self._select(lambda t: t.asset_tag == asset_tag)

    def overdue(self, now: datetime) -> tuple[Promise, ...]:
        """Every promise on every ticket that is past due and not kept, most overdue first."""
        check_aware("now", now)
        late = [promise for ticket in self._tickets.values() for promise in ticket.overdue(now)]
        return tuple(sorted(late, key=lambda promise: promise.due))

    def _select(self, keep: Callable[[Ticket], bool]) -> tuple[Ticket, ...]:
        chosen = [ticket for ticket in self._tickets.values() if keep(ticket)]
        return tuple(sorted(chosen, key=lambda ticket: ticket.created_at))


def check_book(field: str, value: object) -> TicketBook:
    """Return ``value`` if it is a :class:`TicketBook` (it has the protocol's five methods)."""
    if not isinstance(value, TicketBook):
        raise ValidationError(field, value, "must be a TicketBook (see callflow.MemoryTicketBook)")
    return value


def _owned(
    book_method: str, found: object, belongs: Callable[[Ticket], bool]
) -> tuple[Ticket, ...]:
    """What a book returned, checked to be tickets, keeping only those that ``belong``.

    A custom book may return a wider selection than it was asked for (every
    ticket, say): filtering again here means no one is shown another caller's
    records, whatever the book does.
    """
    if isinstance(found, str | bytes) or not isinstance(found, Collection):
        raise ValidationError(book_method, found, "must return a sequence of tickets")
    tickets = tuple(found)
    for ticket in tickets:
        if not isinstance(ticket, Ticket):
            raise ValidationError(book_method, ticket, "must return tickets only")
    return tuple(ticket for ticket in tickets if belongs(ticket))


def _caller_tickets(book: TicketBook, user_id: str) -> tuple[Ticket, ...]:
    found = book.tickets_of_caller(user_id)
    return _owned("book.tickets_of_caller()", found, lambda t: t.caller.user_id == user_id)


def _unit_tickets(book: TicketBook, asset_tag: str) -> tuple[Ticket, ...]:
    found = book.tickets_of_unit(asset_tag)
    return _owned("book.tickets_of_unit()", found, lambda t: t.asset_tag == asset_tag)


def open_ticket(book: TicketBook, caller: Caller, **fields: Any) -> Ticket:
    """Log a new ticket for ``caller`` under the book's next number and keep it.

    ``fields`` are :class:`~callflow.ticket.Ticket`'s keyword arguments
    (``description``, ``category``, ``clock``...).
    """
    check_book("book", book)
    number = check_text("book.new_number()", book.new_number())
    ticket = Ticket(number, caller, **fields)
    book.add(ticket)
    return ticket


def earlier_tickets(
    book: TicketBook,
    *,
    user_id: str | None = None,
    asset_tag: str | None = None,
    before: Ticket | None = None,
) -> tuple[Ticket, ...]:
    """The caller's and the unit's earlier tickets, oldest first, each once (CF403, CF404).

    Args:
        user_id: the caller's user / employee ID.
        asset_tag: the unit's asset tag.
        before: a ticket to leave out, with everything logged after it.

    Only tickets of that caller or that unit are returned, whatever the book
    returns (a custom book's wider selection is filtered out).
    """
    check_book("book", book)
    check_optional_text("user_id", user_id)
    check_optional_text("asset_tag", asset_tag)
    if before is not None and not isinstance(before, Ticket):
        raise ValidationError("before", before, "must be a Ticket or None")
    found: dict[str, Ticket] = {}
    if user_id is not None:
        found.update((t.number, t) for t in _caller_tickets(book, user_id))
    if asset_tag is not None:
        found.update((t.number, t) for t in _unit_tickets(book, asset_tag))
    if before is not None:
        found.pop(before.number, None)
        found = {n: t for n, t in found.items() if t.created_at <= before.created_at}
    return tuple(sorted(found.values(), key=lambda ticket: ticket.created_at))


@attrs.frozen
class RepeatFailurePolicy:
    """When a unit counts as a repeat failure (CF404).

    Args:
        tickets: how many tickets for the same unit and category make one
            (default 3: the unit failed again after two attempts to fix it).
        window: how far back they count (default 90 days).
    """

    tickets: int = attrs.field(default=3, validator=positive_int())
    window: timedelta = attrs.field(default=timedelta(days=90), validator=duration())


def repeat_failure(
    book: TicketBook, ticket: Ticket, policy: RepeatFailurePolicy | None = None
) -> RuleBreach | None:
    """Flag ``ticket``'s unit if it has too many tickets of the same category (CF404).

    Counts the tickets about the same asset tag with the same category
    (case-insensitive) logged within ``policy.window`` before ``ticket``,
    ``ticket`` included. Returns the CF404 breach, or ``None``.
    """
    check_book("book", book)
    if not isinstance(ticket, Ticket):
        raise ValidationError("ticket", ticket, "must be a Ticket")
    policy = RepeatFailurePolicy() if policy is None else policy
    if not isinstance(policy, RepeatFailurePolicy):
        raise ValidationError("policy", policy, "must be a RepeatFailurePolicy or None")
    if ticket.asset_tag is None or ticket.category is None:
        return None
    category = ticket.category.casefold()
    # A window reaching before the earliest time callflow keeps counts from there.
    created = ticket.created_at
    since = created - policy.window if policy.window < created - EARLIEST else EARLIEST
    same = [
        other
        for other in _unit_tickets(book, ticket.asset_tag)
        if other.category is not None
        and other.category.casefold() == category
        and since <= other.created_at <= ticket.created_at
    ]
    if ticket.number not in {other.number for other in same}:
        same.append(ticket)
    if len(same) < policy.tickets:
        return None
    numbers = ", ".join(other.number for other in sorted(same, key=lambda t: t.created_at))
    return RuleBreach(
        "CF404",
        f"unit {ticket.asset_tag} has {len(same)} {ticket.category!r} tickets within"
        f" {_span(policy.window)} ({numbers}): a repeat failure to report.",
        "asset_tag",
    )


def _span(window: timedelta) -> str:
    """A window in words: whole days or hours as such ("90 days"), else as a timedelta."""
    for unit, name in ((timedelta(days=1), "day"), (timedelta(hours=1), "hour")):
        count, rest = divmod(window, unit)
        if count and not rest:
            return f"{count} {name}" if count == 1 else f"{count} {name}s"
    return str(window)


@attrs.frozen
class Account:
    """A caller's account: all their tickets and the work orders dispatched from them (CF606)."""

    caller: Caller
    tickets: tuple[Ticket, ...]
    work_orders: tuple[WorkOrder, ...]


def account(book: TicketBook, call: "Call", user_id: str | None = None) -> Account:
    """The account of all tickets and work orders of the call's verified caller (CF606).

    Args:
        book: where the tickets are.
        call: the :class:`~callflow.Call` asking; its caller must be identified,
            with a user ID, and verified on it. Only a real call says so: an
            object that merely has a truthy ``caller_verified`` is refused.
        user_id: whose account is asked for (default: the call's caller). Any
            other caller's account is refused.

    Raises:
        AccessDeniedError: when the caller is not verified, has no user ID,
            or asks for someone else's account. Nothing is returned then.
    """
    from callflow.call import Call  # here: callflow.call imports this module

    check_book("book", book)
    if not isinstance(call, Call):
        raise ValidationError("call", call, "must be the Call asking for the account")
    check_optional_text("user_id", user_id)
    caller = call.caller
    resource = f"the account of {user_id or (caller.user_id if caller else None) or 'a caller'}"
    if caller is None or call.caller_verified is not True:
        raise AccessDeniedError(resource, "the caller's identity has not been verified (CF205)")
    if caller.user_id is None:
        raise AccessDeniedError(resource, "the verified caller gave no user or employee ID")
    if user_id is not None and user_id != caller.user_id:
        raise AccessDeniedError(
            resource, f"the verified caller is {caller.user_id!r}; a caller gets only their own"
        )
    own = _caller_tickets(book, caller.user_id)
    orders = tuple(order for ticket in own for order in ticket.work_orders)
    return Account(caller, own, orders)
