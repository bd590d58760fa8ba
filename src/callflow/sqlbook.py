"""A ticket book in an SQL database, through SQLAlchemy: PostgreSQL, SQLite... (``callflow[sql]``).

:class:`SqlTicketBook` keeps each ticket as a header row and one row per
:class:`~callflow.ticket.TicketRecord`, as the call stores keep calls.
Tickets are objects a call (or anyone) changes by firing their events, so
the book works as a *unit of work*:

- :meth:`~SqlTicketBook.add` writes a new ticket at once;
- :meth:`~SqlTicketBook.get` and the ``tickets_of_*`` selections hand out
  ticket objects and remember them, with the version they were read at;
  asked again, the book hands out the same object while it is current;
- :meth:`~SqlTicketBook.flush` writes the new records of every ticket it
  handed out, in one transaction. A ticket someone else changed meanwhile
  is a :class:`~callflow.errors.ConcurrencyError`, and nothing is written.

Nothing a ticket object does is written until :meth:`~SqlTicketBook.flush`.

>>> from datetime import datetime, timezone
>>> from callflow import Caller, ManualClock, open_ticket
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> book = SqlTicketBook("sqlite://", clock=clock)
>>> ticket = open_ticket(book, Caller("Ana Souza", user_id="E1234"), clock=clock,
...                      description="Printer jams", asset_tag="PRN-0042")
>>> ticket.open(by="Bill")
>>> book.flush()
1
>>> book.get(ticket.number) is ticket, ticket.number
(True, 'T-000001')
"""

import threading
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from callflow._sql import engine_of, ensure_tables, translated
from callflow._storage import dump
from callflow._ticket_documents import restore_ticket, ticket_header, ticket_record_document
from callflow.clock import Clock
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, read_json
from callflow.errors import ConcurrencyError, NotFoundError, SnapshotError, ValidationError
from callflow.store import SCHEMA_VERSION
from callflow.ticket import Ticket
from callflow.validators import check_text
from callflow.workorders import WorkOrder

__all__ = ["SqlTicketBook"]

_COUNTER = "ticket_number"


_Rows = list[tuple[int, str]]


def _mutable(ticket: Ticket, start: int) -> list[int]:
    """Where in the ticket's history, from ``start`` on, records hold a work order, which may
    change after it is recorded."""
    return [
        seq
        for seq, record in enumerate(ticket.history[start:], start=start)
        if any(isinstance(value, WorkOrder) for value in record.payload.values())
    ]


class _Tracked:
    """A ticket the book handed out, and what the database has of it."""

    __slots__ = ("mutable", "ticket", "version")

    @translated
    def __init__(self, ticket: Ticket, version: int, mutable: dict[int, str]) -> None:
        self.ticket = ticket
        self.version = version  # how many records the database has
        self.mutable = mutable  # the text written of each record holding a work order

    def changes(self) -> tuple[_Rows, _Rows]:
        """The ticket's records not written yet, and those written that changed since."""
        history = self.ticket.history
        new = [
            (seq, dump(ticket_record_document(history[seq])))
            for seq in range(self.version, len(history))
        ]
        rewritten = [
            (seq, text)
            for seq, old in self.mutable.items()
            if (text := dump(ticket_record_document(history[seq]))) != old
        ]
        return new, rewritten

    def written(self, new: _Rows, rewritten: _Rows) -> None:
        """``new`` and ``rewritten`` rows are in the database now."""
        texts = dict(new)
        held = _mutable(self.ticket, self.version)
        self.mutable.update((seq, texts[seq]) for seq in held if seq in texts)
        self.mutable.update(rewritten)
        self.version += len(new)


class _StaleError(Exception):
    @translated
    def __init__(self, number: str, expected: int) -> None:
        self.number = number
        self.expected = expected


def _tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    tickets = Table(
        "callflow_tickets",
        metadata,
        Column("number", String, primary_key=True),
        Column("header", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("user_id", String),
        Column("asset_tag", String),
        Column("created_at", String(32), nullable=False),  # UTC, fixed width: sorts as time
        Index("callflow_tickets_user_id", "user_id"),
        Index("callflow_tickets_asset_tag", "asset_tag"),
    )
    records = Table(
        "callflow_ticket_records",
        metadata,
        Column("number", String, primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("record", Text, nullable=False),
    )
    counters = Table(
        "callflow_counters",
        metadata,
        Column("name", String, primary_key=True),
        Column("value", Integer, nullable=False),
    )
    return tickets, records, counters


def _created(ticket: Ticket) -> str:
    return ticket.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SqlTicketBook:
    """A :class:`~callflow.book.TicketBook` in an SQL database; see the module's notes on flush.

    Args:
        url_or_engine: a database URL or an SQLAlchemy ``Engine``.
        prefix: what new ticket numbers start with (``T-000001``...).
        clock: the clock tickets read back from the database go on with.
        schema: the database schema the tables are in (PostgreSQL).
        limits: how large a stored document it agrees to read back.

    One book object is one worker's unit of work, safe to use from several
    threads; workers share the database, each with its own book.
    """

    __slots__ = (
        "_clock",
        "_counters",
        "_engine",
        "_limits",
        "_lock",
        "_owned",
        "_prefix",
        "_records",
        "_tickets",
        "_tracked",
    )

    @translated
    def __init__(
        self,
        url_or_engine: object,
        *,
        prefix: str = "T-",
        clock: Clock | None = None,
        schema: str | None = None,
        limits: DocumentLimits = DEFAULT_LIMITS,
    ) -> None:
        self._prefix = check_text("prefix", prefix)
        if clock is not None and not callable(clock):
            raise ValidationError("clock", clock, "must be a callable returning an aware datetime")
        self._clock = clock
        if not isinstance(limits, DocumentLimits):
            raise ValidationError("limits", limits, "must be a DocumentLimits")
        self._limits = limits
        self._engine, self._owned = engine_of(url_or_engine)
        metadata = MetaData(schema=None if schema is None else check_text("schema", schema))
        self._tickets, self._records, self._counters = _tables(metadata)
        ensure_tables(self._engine, metadata, "tickets", SCHEMA_VERSION)
        self._start_counter()
        self._lock = threading.RLock()
        # The tickets handed out, by number, with what the database has of each.
        self._tracked: dict[str, _Tracked] = {}

    def __repr__(self) -> str:
        return f"<SqlTicketBook {self._engine.url.render_as_string(hide_password=True)!r}>"

    def __enter__(self) -> "SqlTicketBook":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections, if this book made the engine from a URL (nothing is flushed)."""
        if self._owned:
            self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine the book uses."""
        return self._engine

    @translated
    def add(self, ticket: Ticket) -> None:
        """Write ``ticket`` with its whole history; a number already kept is a ValidationError."""
        if not isinstance(ticket, Ticket):
            raise ValidationError("ticket", ticket, "must be a Ticket")
        history = ticket.history
        row = {
            "number": ticket.number,
            "header": dump(ticket_header(ticket)),
            "version": len(history),
            "user_id": ticket.caller.user_id,
            "asset_tag": ticket.asset_tag,
            "created_at": _created(ticket),
        }
        kept = _Tracked(ticket, 0, {})
        new, _ = kept.changes()
        with self._lock:
            try:
                with self._engine.begin() as conn:
                    conn.execute(insert(self._tickets).values(row))
                    conn.execute(
                        insert(self._records),
                        [
                            {"number": ticket.number, "seq": seq, "record": text}
                            for seq, text in new
                        ],
                    )
            except IntegrityError:
                raise ValidationError(
                    "ticket.number", ticket.number, "is already in the book"
                ) from None
            kept.written(new, [])
            self._tracked[ticket.number] = kept

    @translated
    def get(self, number: str) -> Ticket:
        """The ticket numbered ``number`` (NotFoundError), the same object while it is current."""
        if type(number) is not str or not _writable(number):
            raise NotFoundError("ticket", number)  # no such number can have been stored
        found = self._select(self._tickets.c.number == number)
        if not found:
            raise NotFoundError("ticket", number)
        return found[0]

    @translated
    def new_number(self) -> str:
        """A number no ticket has, from a counter the database increments for every worker."""
        counters, tickets = self._counters, self._tickets
        step = (
            update(counters)
            .where(counters.c.name == _COUNTER)
            .values(value=counters.c.value + 1)
            .returning(counters.c.value)
        )
        with self._engine.begin() as conn:
            while True:  # skips numbers given by hand; ends: they are finitely many
                value = conn.execute(step).scalar()
                if value is None:  # the counter row was deleted by hand
                    raise NotFoundError("counter", _COUNTER)
                number = f"{self._prefix}{value:06d}"
                taken = select(tickets.c.number).where(tickets.c.number == number)
                if conn.execute(taken).first() is None:
                    return number

    @translated
    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        """Every ticket of the caller with ``user_id``, oldest first."""
        check_text("user_id", user_id)
        return self._select(self._tickets.c.user_id == user_id)

    @translated
    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        """Every ticket about the unit ``asset_tag``, oldest first."""
        check_text("asset_tag", asset_tag)
        return self._select(self._tickets.c.asset_tag == asset_tag)

    @translated
    def flush(self) -> int:
        """Write what changed in every ticket handed out, in one transaction; return how many rows.

        A ticket's new records are appended. A work order changes after the
        ticket dispatched it (it is completed, signed) without a new record:
        the record that holds it is written again, but only if it is still
        as this book read it.

        Raises:
            ConcurrencyError: when a ticket was changed in the database since
                it was read (its ``call_id`` is the ticket's number); nothing
                is written then. Read the ticket again in a new book and redo
                the change.
        """
        with self._lock:
            changed = [(kept, kept.changes()) for kept in self._tracked.values()]
            changed = [(kept, rows) for kept, rows in changed if rows[0] or rows[1]]
            if not changed:
                return 0
            try:
                with self._engine.begin() as conn:
                    for kept, (new, rewritten) in changed:
                        self._write_changes(conn, kept, new, rewritten)
            except _StaleError as stale:
                actual = self._version(stale.number)
                raise ConcurrencyError(stale.number, stale.expected, actual) from None
            for kept, (new, rewritten) in changed:
                kept.written(new, rewritten)
            return sum(len(new) + len(rewritten) for _, (new, rewritten) in changed)

    # -- internals ---------------------------------------------------------------

    def _start_counter(self) -> None:
        """The ticket number counter's row, made by the first book on a new database."""
        counters = self._counters
        try:
            with self._engine.begin() as conn:
                there = select(counters.c.name).where(counters.c.name == _COUNTER)
                if conn.execute(there).first() is None:
                    conn.execute(insert(counters).values(name=_COUNTER, value=0))
        except IntegrityError:  # another worker made it first
            pass

    def _write_changes(self, conn: Any, kept: "_Tracked", new: _Rows, rewritten: _Rows) -> None:
        tickets, records = self._tickets, self._records
        ticket, number = kept.ticket, kept.ticket.number
        stale = _StaleError(number, kept.version)
        if new:
            now = {
                "header": dump(ticket_header(ticket)),
                "version": len(ticket.history),
                "asset_tag": ticket.asset_tag,
            }
            current = (tickets.c.number == number) & (tickets.c.version == kept.version)
            if conn.execute(update(tickets).where(current).values(now)).rowcount != 1:
                raise stale
            try:
                conn.execute(
                    insert(records),
                    [{"number": number, "seq": seq, "record": text} for seq, text in new],
                )
            except IntegrityError:
                raise stale from None
        for seq, text in rewritten:
            same = (
                (records.c.number == number)
                & (records.c.seq == seq)
                & (records.c.record == kept.mutable[seq])
            )
            if conn.execute(update(records).where(same).values(record=text)).rowcount != 1:
                raise stale

    def _version(self, number: str) -> int | None:
        query = select(self._tickets.c.version).where(self._tickets.c.number == number)
        with self._engine.connect() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else int(found)

    def _select(self, which: ColumnElement[bool]) -> tuple[Ticket, ...]:
        """The tickets ``which`` selects, oldest first: those handed out already, if current."""
        tickets, records = self._tickets, self._records
        query = (
            select(tickets.c.number, tickets.c.header, tickets.c.version)
            .add_columns(records.c.seq, records.c.record)
            .select_from(tickets)
            .outerjoin(
                records,
                (records.c.number == tickets.c.number) & (records.c.seq < tickets.c.version),
            )
            .where(which)
            .order_by(tickets.c.created_at, tickets.c.number, records.c.seq)
        )
        with self._engine.connect() as conn:
            found = conn.execute(query).all()
        stored: dict[str, tuple[object, int, list[tuple[object, object]]]] = {}
        for number, header, version, seq, record in found:
            rows = stored.setdefault(number, (header, version, []))[2]
            if seq is not None:
                rows.append((seq, record))
        with self._lock:
            return tuple(self._current(number, *kept) for number, kept in stored.items())

    def _current(
        self, number: str, header: object, version: int, rows: list[tuple[object, object]]
    ) -> Ticket:
        kept = self._tracked.get(number)
        # Unwritten changes are kept (flush then finds out whether they are stale).
        if kept is not None and (kept.version == version or any(kept.changes())):
            return kept.ticket
        ticket = self._restore(number, header, version, rows)
        texts = dict(rows)
        mutable = {seq: texts[seq] for seq in _mutable(ticket, 0)}
        self._tracked[number] = _Tracked(ticket, version, mutable)  # type: ignore[arg-type]
        return ticket

    def _restore(
        self, number: str, header: object, version: int, rows: list[tuple[object, object]]
    ) -> Ticket:
        where = f"tickets[{number!r}]"
        if len(rows) != version or any(seq != index for index, (seq, _) in enumerate(rows)):
            reason = f"must be numbered 0 to {version - 1}, one row each"
            raise SnapshotError(f"{where}.history", [seq for seq, _ in rows], reason)
        document = {
            "header": self._read(f"{where}.header", header),
            "history": [self._read(f"{where}.history[{seq}]", text) for seq, text in rows],
        }
        return restore_ticket(document, where=where, clock=self._clock, limits=self._limits)

    def _read(self, field: str, text: object) -> Any:
        if not isinstance(text, str):
            raise SnapshotError(field, text, "must be JSON text")
        try:
            return read_json(text, limits=self._limits, field=field)
        except ValidationError as error:
            raise SnapshotError(error.field, error.value, error.reason) from None


def _writable(text: str) -> bool:
    """Whether ``text`` can be sent to a database (UTF-8 cannot write a lone surrogate)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
