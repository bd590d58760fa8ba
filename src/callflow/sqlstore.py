"""A call store in any database SQLAlchemy reaches: PostgreSQL, SQLite... (``callflow[sql]``).

:class:`SqlCallStore` keeps calls as :class:`~callflow.store.SqliteCallStore`
does (a header row per call, one row per event record, a save appending
only the new records and checking the version in the same transaction),
with SQLAlchemy Core, so the same code runs on SQLite and PostgreSQL::

    store = SqlCallStore("postgresql+psycopg://helpdesk@/callflow?host=/run/postgresql")

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Call, ManualClock
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> store = SqlCallStore("sqlite://")
>>> call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock, call_id="C-1")
>>> store.save(call, 0), store.version("C-1"), store.list()
(1, 1, ('C-1',))

This module imports SQLAlchemy: import it only where it is used.
"""

from sqlalchemy import (
    Column,
    Engine,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Update,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from callflow import _storage
from callflow._sql import engine_of, ensure_tables, translated
from callflow.book import TicketBook
from callflow.call import Call
from callflow.clock import Clock
from callflow.documents import DEFAULT_LIMITS, DocumentLimits
from callflow.errors import ConcurrencyError, NotFoundError, ValidationError
from callflow.promises import PromiseLedger
from callflow.store import SCHEMA_VERSION
from callflow.validators import check_text

__all__ = ["SqlCallStore"]


class _StaleError(Exception):
    """The version check of a save failed: roll the transaction back."""


def _tables(metadata: MetaData) -> tuple[Table, Table]:
    calls = Table(
        "callflow_calls",
        metadata,
        Column("call_id", String, primary_key=True),
        Column("header", Text, nullable=False),
        Column("version", Integer, nullable=False),
    )
    events = Table(
        "callflow_events",
        metadata,
        Column("call_id", String, primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("record", Text, nullable=False),
    )
    return calls, events


class SqlCallStore:
    """A :class:`~callflow.store.CallStore` in an SQL database, through SQLAlchemy Core.

    Args:
        url_or_engine: a database URL (``"postgresql+psycopg://..."``,
            ``"sqlite:///calls.db"``) or an SQLAlchemy ``Engine``.
        schema: the database schema the tables are in (PostgreSQL; default:
            the connection's search path).
        limits: how large a stored document it agrees to read back.

    The tables (``callflow_calls``, ``callflow_events`` and
    ``callflow_schema``) are created on first use.
    """

    __slots__ = ("_calls", "_engine", "_events", "_limits", "_owned")

    @translated
    def __init__(
        self,
        url_or_engine: object,
        *,
        schema: str | None = None,
        limits: DocumentLimits = DEFAULT_LIMITS,
    ) -> None:
        if not isinstance(limits, DocumentLimits):
            raise ValidationError("limits", limits, "must be a DocumentLimits")
        self._limits = limits
        self._engine, self._owned = engine_of(url_or_engine)
        metadata = MetaData(schema=None if schema is None else check_text("schema", schema))
        self._calls, self._events = _tables(metadata)
        ensure_tables(self._engine, metadata, "calls", SCHEMA_VERSION)

    def __repr__(self) -> str:
        return f"<SqlCallStore {self._engine.url.render_as_string(hide_password=True)!r}>"

    def __enter__(self) -> "SqlCallStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections, if this store made the engine from a URL."""
        if self._owned:
            self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine the store uses."""
        return self._engine

    @translated
    def load(
        self,
        call_id: str,
        *,
        clock: Clock | None = None,
        book: TicketBook | None = None,
        promises: PromiseLedger | None = None,
    ) -> Call:
        """The stored call ``call_id``, rebuilt (NotFoundError, SnapshotError)."""
        check_text("call_id", call_id)
        calls, events = self._calls, self._events
        # One statement, so one snapshot of the header and its rows at any isolation level.
        query = (
            select(calls.c.header, calls.c.version, events.c.seq, events.c.record)
            .select_from(calls)
            .outerjoin(
                events, (events.c.call_id == calls.c.call_id) & (events.c.seq < calls.c.version)
            )
            .where(calls.c.call_id == call_id)
            .order_by(events.c.seq)
        )
        with self._engine.connect() as conn:
            found = conn.execute(query).all()
        if not found:
            raise NotFoundError("call", call_id)
        header, version = found[0][0], found[0][1]
        rows = [(seq, record) for _, _, seq, record in found if seq is not None]
        return _storage.rebuild(
            call_id,
            header,
            rows,
            version,
            clock=clock,
            book=book,
            promises=promises,
            limits=self._limits,
        )

    @translated
    def save(self, call: Call, expected_version: int) -> int:
        """Append the records after ``expected_version``; return the new version.

        Raises:
            ValidationError: for a call without ``call_id``, a version it never had,
                or a call that is not the one stored under its id (its record just
                before ``expected_version`` differs from the stored one).
            ConcurrencyError: when the store's version is not ``expected_version``;
                nothing is written then.
        """
        call_id = _storage.check_call(call)
        expected = _storage.check_expected(call, expected_version)
        header, rows = _storage.new_rows(call, expected)
        joint = _storage.joint(call, expected)
        version = expected + len(rows)
        calls = self._calls
        try:
            with self._engine.begin() as conn:
                if joint is not None:
                    events = self._events
                    last = (events.c.call_id == call_id) & (events.c.seq == expected - 1)
                    found = conn.execute(select(events.c.record).where(last)).scalar()
                    if found is not None and found != joint:
                        raise _storage.not_the_stored_call(call_id, expected)
                if expected == 0:
                    change: Insert | Update = insert(calls).values(call_id=call_id)
                else:
                    current = (calls.c.call_id == call_id) & (calls.c.version == expected)
                    change = update(calls).where(current)
                written = conn.execute(change.values(header=header, version=version)).rowcount
                # A new call's insert fails on the key instead (and psycopg counts no rows).
                if expected and written != 1:
                    raise _StaleError
                if rows:
                    new = [{"call_id": call_id, "seq": seq, "record": text} for seq, text in rows]
                    conn.execute(insert(self._events), new)
        except (_StaleError, IntegrityError):  # the header's key or an event's: another saved first
            raise ConcurrencyError(call_id, expected, self.version(call_id)) from None
        return version

    @translated
    def delete(self, call_id: str, expected_version: int | None = None) -> None:
        """Forget the call and its records (NotFoundError; ConcurrencyError if it moved on)."""
        check_text("call_id", call_id)
        expected = _storage.check_optional_version(expected_version)
        calls, events = self._calls, self._events
        condition = calls.c.call_id == call_id
        if expected is not None:
            condition &= calls.c.version == expected
        try:
            with self._engine.begin() as conn:
                if conn.execute(delete(calls).where(condition)).rowcount != 1:
                    raise _StaleError
                conn.execute(delete(events).where(events.c.call_id == call_id))
        except _StaleError:
            actual = self.version(call_id)
            if actual is None:
                raise NotFoundError("call", call_id) from None
            raise ConcurrencyError(call_id, expected or 0, actual) from None

    @translated
    def list(self, *, after: str | None = None, limit: int = 100) -> tuple[str, ...]:
        """Up to ``limit`` (at most 1,000) call identifiers after ``after``, in order.

        Page through every call by passing the last identifier of a page as
        the next page's ``after``.
        """
        after = _storage.check_after(after)
        limit = _storage.check_limit(limit)
        query = select(self._calls.c.call_id).order_by(self._calls.c.call_id).limit(limit)
        if after is not None:
            query = query.where(self._calls.c.call_id > after)
        with self._engine.connect() as conn:
            return tuple(conn.execute(query).scalars())

    @translated
    def version(self, call_id: str) -> int | None:
        """The stored version of the call, or ``None``."""
        check_text("call_id", call_id)
        query = select(self._calls.c.version).where(self._calls.c.call_id == call_id)
        with self._engine.connect() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else int(found)
