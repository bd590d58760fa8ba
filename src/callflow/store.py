"""Call stores: where calls are kept between events, by workers that may race.

A :class:`CallStore` keeps each call as its header and its history, one
record per row, and never rewrites what it has: a save appends the records
after the version the caller loaded. A call's *version* is the number of
records in its history; a save names the version it expects the store to
have, and when another worker saved first it raises
:class:`~callflow.errors.ConcurrencyError` and writes nothing.

- :class:`MemoryCallStore` keeps calls in this process (tests, one worker);
- :class:`SqliteCallStore` keeps them in an SQLite database file (or
  ``":memory:"``) with the standard library: the embedded default;
- :class:`callflow.sqlstore.SqlCallStore` keeps them in any database
  SQLAlchemy reaches (PostgreSQL...), with the ``callflow[sql]`` extra.

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Call, ManualClock
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock, call_id="C-1")
>>> store = SqliteCallStore()
>>> store.save(call, 0)
1
>>> call.answer()
>>> store.save(call, 1)
2
>>> store.load("C-1").stage
<Stage.GREETING: 'greeting'>
>>> store.save(call, 1)
Traceback (most recent call last):
...
callflow.errors.ConcurrencyError: call 'C-1' was saved by someone else: expected version 1, \
the store has version 2
"""

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from callflow import _storage
from callflow.book import TicketBook
from callflow.call import Call
from callflow.clock import Clock
from callflow.documents import DEFAULT_LIMITS, DocumentLimits
from callflow.errors import ConcurrencyError, NotFoundError, StoreError, ValidationError
from callflow.promises import PromiseLedger
from callflow.validators import check_text

__all__ = ["SCHEMA_VERSION", "CallStore", "MemoryCallStore", "SqliteCallStore"]

SCHEMA_VERSION = 1
"""The version of the tables callflow's SQL stores write, kept in ``callflow_schema``."""


@runtime_checkable
class CallStore(Protocol):
    """Where calls are kept. Implement these five methods to use your own storage."""

    # Stubs that never run; mutated, mutmut's helpers would be taken for protocol members.
    # pragma: no mutate block
    def load(
        self,
        call_id: str,
        *,
        clock: Clock | None = None,
        book: TicketBook | None = None,
        promises: PromiseLedger | None = None,
    ) -> Call:
        """A new :class:`~callflow.Call` rebuilt from what is stored, or NotFoundError."""
        ...

    def save(self, call: Call, expected_version: int) -> int:
        """Append the call's records after ``expected_version``; return the new version."""
        ...

    def delete(self, call_id: str, expected_version: int | None = None) -> None:
        """Forget the call (only at ``expected_version``, when given)."""

    def list(self, *, after: str | None = None, limit: int = 100) -> tuple[str, ...]:
        """Up to ``limit`` stored call identifiers after ``after``, in order."""
        ...

    def version(self, call_id: str) -> int | None:
        """The stored version of the call, or ``None`` when there is no such call."""
        ...


class MemoryCallStore:
    """A :class:`CallStore` in this process's memory, safe to share between threads.

    It keeps each call as JSON text, as a database would, so every
    :meth:`load` returns a new call independent of the one saved.

    Args:
        limits: how large a stored document it agrees to read back.
    """

    __slots__ = ("_calls", "_limits", "_lock")

    def __init__(self, *, limits: DocumentLimits = DEFAULT_LIMITS) -> None:
        self._limits = _check_limits(limits)
        self._calls: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<MemoryCallStore {len(self._calls)} calls>"

    def load(
        self,
        call_id: str,
        *,
        clock: Clock | None = None,
        book: TicketBook | None = None,
        promises: PromiseLedger | None = None,
    ) -> Call:
        """The stored call ``call_id``, rebuilt."""
        check_text("call_id", call_id)
        with self._lock:
            stored = self._calls.get(call_id)
        if stored is None:
            raise NotFoundError("call", call_id)
        header, records = stored
        rows = list(enumerate(records))
        return _storage.rebuild(
            call_id,
            header,
            rows,
            len(records),
            clock=clock,
            book=book,
            promises=promises,
            limits=self._limits,
        )

    def save(self, call: Call, expected_version: int) -> int:
        """Append the call's new records; :class:`~callflow.errors.ConcurrencyError` if stale."""
        call_id = _storage.check_call(call)
        expected = _storage.check_expected(call, expected_version)
        header, rows = _storage.new_rows(call, expected)
        joint = _storage.joint(call, expected)
        with self._lock:
            stored = self._calls.get(call_id)
            actual = None if stored is None else len(stored[1])
            if (actual or 0) != expected:
                raise ConcurrencyError(call_id, expected, actual)
            kept = () if stored is None else stored[1]
            if joint is not None and kept[expected - 1] != joint:
                raise _storage.not_the_stored_call(call_id, expected)
            self._calls[call_id] = (header, kept + tuple(text for _, text in rows))
        return expected + len(rows)

    def delete(self, call_id: str, expected_version: int | None = None) -> None:
        """Forget the call; NotFoundError if there is none, ConcurrencyError if it moved on."""
        check_text("call_id", call_id)
        expected = _storage.check_optional_version(expected_version)
        with self._lock:
            stored = self._calls.get(call_id)
            if stored is None:
                raise NotFoundError("call", call_id)
            if expected is not None and expected != len(stored[1]):
                raise ConcurrencyError(call_id, expected, len(stored[1]))
            del self._calls[call_id]

    def list(self, *, after: str | None = None, limit: int = 100) -> tuple[str, ...]:
        """Up to ``limit`` (at most 1,000) call identifiers after ``after``, in order."""
        after = _storage.check_after(after)
        limit = _storage.check_limit(limit)
        with self._lock:
            ids = sorted(call_id for call_id in self._calls if after is None or call_id > after)
        return tuple(ids[:limit])

    def version(self, call_id: str) -> int | None:
        """The stored version of the call, or ``None``."""
        check_text("call_id", call_id)
        with self._lock:
            stored = self._calls.get(call_id)
        return None if stored is None else len(stored[1])


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS callflow_schema (name TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "INSERT INTO callflow_schema (name, version) VALUES ('calls', ?) ON CONFLICT DO NOTHING",
    "CREATE TABLE IF NOT EXISTS callflow_calls"
    " (call_id TEXT PRIMARY KEY, header TEXT NOT NULL, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS callflow_events (call_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " record TEXT NOT NULL, PRIMARY KEY (call_id, seq)) WITHOUT ROWID",
)
"""The tables, created on first use; the schema's version is kept for a future change to migrate."""


def _wal(db: sqlite3.Connection, timeout: float) -> None:
    """Put a file database in WAL mode (loads do not wait for saves).

    Switching needs the database to itself, and SQLite answers "locked" at
    once rather than waiting its timeout when another connection is opening
    the same new file: tried again, for at most ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


class SqliteCallStore:
    """A :class:`CallStore` in an SQLite database, through Python's own ``sqlite3``.

    Several store objects, threads and processes may share one database
    file: every save is one ``BEGIN IMMEDIATE`` transaction that checks the
    version and appends the new records, and a file database runs in WAL
    mode so that loads do not wait for saves. The tables are created on
    first use.

    Args:
        path: the database file, or ``":memory:"`` (the default) for a
            database that lives as long as this object.
        timeout: how long, in seconds, a save waits for another one to finish.
        limits: how large a stored document it agrees to read back.
    """

    __slots__ = ("_closed", "_db", "_limits", "_lock", "_path")

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        timeout: float = 5.0,
        limits: DocumentLimits = DEFAULT_LIMITS,
    ) -> None:
        if not isinstance(path, str | os.PathLike):
            raise ValidationError("path", path, "must be a file path or ':memory:'")
        if type(timeout) not in (int, float) or not 0 <= timeout <= 600:
            raise ValidationError("timeout", timeout, "must be a number of seconds, 0 to 600")
        self._limits = _check_limits(limits)
        self._path = os.fspath(path)
        # One connection, used under a lock: ':memory:' is private to its connection.
        self._lock = threading.Lock()
        self._closed = False
        try:
            self._db = sqlite3.connect(
                self._path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise StoreError(repr(self), str(error)) from error
        try:
            if self._path != ":memory:":
                _wal(self._db, timeout)
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._transaction() as db:
                for statement in _SCHEMA:
                    db.execute(statement, (SCHEMA_VERSION,) if "?" in statement else ())
                query = "SELECT version FROM callflow_schema WHERE name = 'calls'"
                _check_schema(db.execute(query))
        except sqlite3.Error as error:
            self._db.close()
            raise StoreError(repr(self), str(error)) from error
        except BaseException:
            self._db.close()
            raise

    def __repr__(self) -> str:
        return f"<SqliteCallStore {self._path!r}>"

    def __enter__(self) -> "SqliteCallStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection; the store refuses to work from then on."""
        with self._lock:
            self._closed = True
            self._db.close()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, for this thread alone while the block runs.

        A database error inside becomes a :class:`~callflow.errors.StoreError`.
        """
        with self._lock:
            if self._closed:  # as Python's files: a ValueError
                raise ValidationError("store", self._path, "is closed")
            try:
                yield self._db
            except sqlite3.Error as error:
                raise StoreError(repr(self), str(error)) from error

    @contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction, committed if the block ends normally, else rolled back."""
        with self._connection():
            self._db.execute(begin)
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def load(
        self,
        call_id: str,
        *,
        clock: Clock | None = None,
        book: TicketBook | None = None,
        promises: PromiseLedger | None = None,
    ) -> Call:
        """The stored call ``call_id``, rebuilt.

        Raises:
            NotFoundError: when there is no such call.
            SnapshotError: naming the call and row, when what is stored cannot be read.
        """
        check_text("call_id", call_id)
        with self._transaction("BEGIN") as db:  # one snapshot: the header and its rows agree
            found = db.execute(
                "SELECT header, version FROM callflow_calls WHERE call_id = ?", (call_id,)
            ).fetchone()
            if found is None:
                raise NotFoundError("call", call_id)
            header, version = found
            rows = db.execute(
                "SELECT seq, record FROM callflow_events WHERE call_id = ? AND seq < ?"
                " ORDER BY seq",
                (call_id, version),
            ).fetchall()
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
        with self._transaction() as db:
            if joint is not None:
                found = db.execute(
                    "SELECT record FROM callflow_events WHERE call_id = ? AND seq = ?",
                    (call_id, expected - 1),
                ).fetchone()
                if found is not None and found[0] != joint:
                    raise _storage.not_the_stored_call(call_id, expected)
            if expected == 0:
                written = db.execute(
                    "INSERT INTO callflow_calls (call_id, header, version) VALUES (?, ?, ?)"
                    " ON CONFLICT (call_id) DO NOTHING",
                    (call_id, header, version),
                ).rowcount
            else:
                written = db.execute(
                    "UPDATE callflow_calls SET header = ?, version = ?"
                    " WHERE call_id = ? AND version = ?",
                    (header, version, call_id, expected),
                ).rowcount
            if written != 1:
                raise ConcurrencyError(call_id, expected, _version(db, call_id))
            try:
                db.executemany(
                    "INSERT INTO callflow_events (call_id, seq, record) VALUES (?, ?, ?)",
                    [(call_id, seq, text) for seq, text in rows],
                )
            except sqlite3.IntegrityError:  # rows left by a writer that skipped the header
                # Rolled back: the store has what it had before this save, not what the
                # header just said (no call at all, for a new one).
                before = None if expected == 0 else expected
                raise ConcurrencyError(call_id, expected, before) from None
        return version

    def delete(self, call_id: str, expected_version: int | None = None) -> None:
        """Forget the call and its records.

        Raises:
            NotFoundError: when there is no such call.
            ConcurrencyError: when ``expected_version`` is given and the store has another.
        """
        check_text("call_id", call_id)
        expected = _storage.check_optional_version(expected_version)
        with self._transaction() as db:
            actual = _version(db, call_id)
            if actual is None:
                raise NotFoundError("call", call_id)
            if expected is not None and expected != actual:
                raise ConcurrencyError(call_id, expected, actual)
            db.execute("DELETE FROM callflow_events WHERE call_id = ?", (call_id,))
            db.execute("DELETE FROM callflow_calls WHERE call_id = ?", (call_id,))

    def list(self, *, after: str | None = None, limit: int = 100) -> tuple[str, ...]:
        """Up to ``limit`` (at most 1,000) call identifiers after ``after``, in order.

        Page through every call by passing the last identifier of a page as
        the next page's ``after``.
        """
        after = _storage.check_after(after)
        limit = _storage.check_limit(limit)
        with self._connection() as db:
            rows = db.execute(
                "SELECT call_id FROM callflow_calls WHERE call_id > ? ORDER BY call_id LIMIT ?",
                ("" if after is None else after, limit),
            ).fetchall()
        return tuple(call_id for (call_id,) in rows)

    def version(self, call_id: str) -> int | None:
        """The stored version of the call, or ``None``."""
        check_text("call_id", call_id)
        with self._connection() as db:
            return _version(db, call_id)


def _version(db: sqlite3.Connection, call_id: str) -> int | None:
    found = db.execute(
        "SELECT version FROM callflow_calls WHERE call_id = ?", (call_id,)
    ).fetchone()
    return None if found is None else int(found[0])


def _check_schema(cursor: sqlite3.Cursor) -> None:
    found = cursor.fetchone()
    version = None if found is None else found[0]
    if version != SCHEMA_VERSION:
        reason = f"must be {SCHEMA_VERSION}, the version this callflow reads and writes"
        raise ValidationError("callflow_schema.version", version, reason)


def _check_limits(limits: object) -> DocumentLimits:
    if not isinstance(limits, DocumentLimits):
        raise ValidationError("limits", limits, "must be a DocumentLimits")
    return limits
