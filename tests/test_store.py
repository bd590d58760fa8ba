"""Call stores and the SQL ticket book, on every backend: memory, SQLite, SQLAlchemy, PostgreSQL.

The PostgreSQL cases run when ``CALLFLOW_TEST_DATABASE_URL`` names a server
(``postgresql+psycopg://user@/db?host=/socket/dir``); each test works in a
schema of its own, dropped afterwards. Without the URL they are skipped,
unless ``CALLFLOW_REQUIRE_POSTGRES=1`` (as ``.ci/run`` sets), which makes them fail.
"""

import contextlib
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from callflow import (
    Agent,
    Call,
    Caller,
    Escalation,
    ManualClock,
    MemoryTicketBook,
    NotFoundError,
    Stage,
    Target,
    Ticket,
    ValidationError,
    WorkOrder,
    open_ticket,
)
from callflow._storage import dump
from callflow._ticket_documents import ticket_record_document
from callflow.documents import DocumentLimits, read_json
from callflow.errors import ConcurrencyError, SnapshotError, StoreError
from callflow.promises import PromiseKind, PromiseLedger
from callflow.snapshot import call_header, record_document
from callflow.store import CallStore, MemoryCallStore, SqliteCallStore

sqlalchemy = pytest.importorskip("sqlalchemy")

from callflow.sqlbook import SqlTicketBook  # noqa: E402  after the importorskip
from callflow.sqlstore import SqlCallStore  # noqa: E402

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
POSTGRES_URL = os.environ.get("CALLFLOW_TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("CALLFLOW_REQUIRE_POSTGRES") == "1"

Opener = Callable[[], Any]
"""Opens a new store (or book) object on the test's database: a restart, or a second worker."""


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """The PostgreSQL engine of ``CALLFLOW_TEST_DATABASE_URL``."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("CALLFLOW_REQUIRE_POSTGRES=1 but CALLFLOW_TEST_DATABASE_URL is not set")
        pytest.skip("set CALLFLOW_TEST_DATABASE_URL to run the PostgreSQL tests")
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_schema(postgres: Any) -> Iterator[str]:
    """A schema of this test's own on the server, dropped afterwards."""
    name = f"callflow_test_{uuid.uuid4().hex[:12]}"
    with postgres.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{name}"'))
    yield name
    with postgres.begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP SCHEMA "{name}" CASCADE'))


BACKENDS = ["memory", "sqlite-file", "sqlite-memory", "sqlalchemy-sqlite", "postgresql"]
SHARED = ["sqlite-file", "sqlalchemy-sqlite", "postgresql"]  # several objects, one database
SQL = ["sqlalchemy-sqlite", "postgresql"]  # where SqlTicketBook runs in these tests


def _sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    """The database and keyword arguments of an SQLAlchemy backend."""
    if request.param == "postgresql":
        engine = request.getfixturevalue("postgres")
        return engine, {"schema": request.getfixturevalue("pg_schema")}
    return f"sqlite:///{tmp_path / 'calls.db'}", {}


@pytest.fixture(params=BACKENDS)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens call stores on one database of the backend the test is parametrised with."""
    yield from _opener(request, tmp_path)


@pytest.fixture(params=BACKENDS[1:])
def sql_opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens call stores that keep rows in tables, on one database."""
    yield from _opener(request, tmp_path)


def _opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    opened: list[Any] = []
    if request.param == "memory":
        shared = MemoryCallStore()
        make: Opener = lambda: shared  # noqa: E731  memory is this one object
    elif request.param == "sqlite-memory":
        shared_db = SqliteCallStore(":memory:")
        make = lambda: shared_db  # noqa: E731  ':memory:' lives in its one connection
    elif request.param == "sqlite-file":
        make = lambda: SqliteCallStore(tmp_path / "calls.db")  # noqa: E731
    else:
        url, options = _sql_url(request, tmp_path)
        make = lambda: SqlCallStore(url, **options)  # noqa: E731

    def tracked() -> Any:
        store = make()
        opened.append(store)
        return store

    yield tracked
    for store in opened:
        if hasattr(store, "close"):
            store.close()


@pytest.fixture
def store(opener: Opener) -> Any:
    return opener()


@pytest.fixture(params=SHARED)
def shared_opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens separate store objects (and connections) on one database."""
    if request.param == "sqlite-file":
        return lambda: SqliteCallStore(tmp_path / "calls.db")
    url, options = _sql_url(request, tmp_path)
    return lambda: SqlCallStore(url, **options)


@pytest.fixture(params=SQL)
def book_opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens ticket books on one database, on the clock of the test."""
    url, options = _sql_url(request, tmp_path)
    clock = ManualClock(START + timedelta(hours=1))
    return lambda: SqlTicketBook(url, clock=clock, **options)


_BARRIER_WAIT = 60.0
"""Seconds a worker waits for the others at the start line: a failed one never comes."""


def new_call(call_id: str | None = "C-1", **options: Any) -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    return Call(agent=BILL, clock=clock, call_id=call_id, **options), clock


def listened(call_id: str = "C-1", **options: Any) -> tuple[Call, ManualClock]:
    """A call answered, its caller identified and verified, the problem heard."""
    call, clock = new_call(call_id, **options)
    clock.advance(seconds=5)
    call.answer()
    clock.advance(seconds=10)
    call.identify(ANA, verified=True)
    clock.advance(seconds=10)
    call.listen("The printer jams")
    return call, clock


def rows(store: Any, table: str = "callflow_events") -> int:
    """How many rows a table of an SQL store has."""
    if isinstance(store, SqliteCallStore):
        db = store._db  # the test peeks at the file the store writes
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    events = store._events if table == "callflow_events" else store._calls
    with store.engine.connect() as conn:
        return int(
            conn.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(events)).scalar()
        )


def corrupt(store: Any, seq: int, text: str) -> None:
    """Overwrite the stored record ``seq`` of call C-1 with ``text``."""
    if isinstance(store, MemoryCallStore):
        header, records = store._calls["C-1"]
        store._calls["C-1"] = (header, (*records[:seq], text, *records[seq + 1 :]))
    elif isinstance(store, SqliteCallStore):
        store._db.execute(
            "UPDATE callflow_events SET record = ? WHERE call_id = 'C-1' AND seq = ?", (text, seq)
        )
    else:
        events = store._events
        change = sqlalchemy.update(events).where(
            (events.c.call_id == "C-1") & (events.c.seq == seq)
        )
        with store.engine.begin() as conn:
            conn.execute(change.values(record=text))


def stored_texts(store: Any) -> list[str]:
    """Every JSON text an SQL store keeps: headers and records."""
    if isinstance(store, SqliteCallStore):
        found = store._db.execute(
            "SELECT header FROM callflow_calls UNION ALL SELECT record FROM callflow_events"
        ).fetchall()
        return [text for (text,) in found]
    with store.engine.connect() as conn:
        headers = conn.execute(sqlalchemy.select(store._calls.c.header)).scalars().all()
        records = conn.execute(sqlalchemy.select(store._events.c.record)).scalars().all()
    return [*headers, *records]


def corrupt_header(store: Any, text: str) -> None:
    """Overwrite the stored header of call C-1 with ``text``."""
    if isinstance(store, MemoryCallStore):
        _, records = store._calls["C-1"]
        store._calls["C-1"] = (text, records)
    elif isinstance(store, SqliteCallStore):
        store._db.execute("UPDATE callflow_calls SET header = ? WHERE call_id = 'C-1'", (text,))
    else:
        calls = store._calls
        with store.engine.begin() as conn:
            conn.execute(
                sqlalchemy.update(calls).where(calls.c.call_id == "C-1").values(header=text)
            )


class TestRoundTrip:
    def test_a_saved_call_loads_as_it_was(self, store: Any) -> None:
        """History, stage and findings read back equal, in a new, independent call."""
        call, _ = listened()
        assert 4 == store.save(call, 0)
        loaded = store.load("C-1")
        assert loaded is not call
        assert (call.history, call.stage, call.findings) == (
            loaded.history,
            loaded.stage,
            loaded.findings,
        )
        assert 4 == store.version("C-1")

    def test_a_loaded_call_goes_on_like_the_original(self, store: Any) -> None:
        """Events fired on a loaded call are saved after the loaded version."""
        call, clock = listened()
        store.save(call, 0)
        loaded = store.load("C-1", clock=clock)
        clock.advance(seconds=30)
        loaded.troubleshoot("Opened the tray")
        call.troubleshoot("Opened the tray")
        assert 5 == store.save(loaded, 4)
        assert call.history == store.load("C-1").history
        assert Stage.TROUBLESHOOTING == store.load("C-1").stage

    def test_a_store_is_a_call_store(self, store: Any) -> None:
        assert isinstance(store, CallStore)

    def test_saving_nothing_new_checks_the_version(self, store: Any) -> None:
        call, _ = new_call()
        store.save(call, 0)
        assert 1 == store.save(call, 1)


class TestAppendOnly:
    def test_a_save_after_one_event_inserts_one_row(self, sql_opener: Opener) -> None:
        """Counted in the table: the history already stored is not written again."""
        store = sql_opener()
        call, clock = listened()
        store.save(call, 0)
        assert 4 == rows(store)
        clock.advance(seconds=5)
        call.troubleshoot("Opened the tray")
        store.save(call, 4)
        assert 5 == rows(store)
        assert 1 == rows(store, "callflow_calls")

    def test_a_save_writes_only_the_new_records(self, store: Any, monkeypatch: Any) -> None:
        """Spied on: the new records become rows; one stored record more is written to compare.

        The last stored record is written again to check the save goes on from
        it (one record, whatever the history's length): O(new events), not O(history).
        """
        from callflow import _storage

        written: list[int] = []
        real = _storage.record_document
        monkeypatch.setattr(_storage, "record_document", lambda r: written.append(1) or real(r))
        call, clock = listened()
        store.save(call, 0)
        clock.advance(seconds=5)
        call.troubleshoot("Opened the tray")
        for _ in range(20):
            call.troubleshoot("Checked the tray again")
        assert 25 == store.save(call, 4)
        written.clear()
        call.troubleshoot("Opened the tray once more")
        store.save(call, 25)
        assert [1, 1] == written


class TestAnotherCallUnderTheSameId:
    def test_its_records_are_not_grafted_onto_the_stored_history(self, store: Any) -> None:
        """A call not loaded from the store, saved at the stored version: refused, none written."""
        first, clock = listened()
        version = store.save(first, 0)
        other, other_clock = new_call()  # the same id, another history
        other_clock.advance(seconds=1)
        other.answer()
        other.identify(ANA, verified=False)
        other.screen("Maria Rossi")
        other.abandon()
        assert len(other.history) > version
        with pytest.raises(ValidationError) as caught:
            store.save(other, version)
        assert (f"call.history[{version - 1}]", "C-1") == (caught.value.field, caught.value.value)
        assert version == store.version("C-1")
        assert first.history == store.load("C-1", clock=clock).history

    def test_the_call_loaded_goes_on(self, store: Any) -> None:
        """The check lets through the call that was loaded: it goes on from the stored record."""
        first, clock = listened()
        version = store.save(first, 0)
        loaded = store.load("C-1", clock=clock)
        loaded.troubleshoot("Cleaned the rollers")
        assert version + 1 == store.save(loaded, version)


class TestOrphanRows:
    def test_rows_without_their_call_refuse_a_new_call_and_are_told_as_no_call(self) -> None:
        """Records left under an id with no header (another writer's): the save writes nothing."""
        store = SqliteCallStore()
        store._db.execute("INSERT INTO callflow_events VALUES ('C-1', 2, 'x')")
        call, _ = listened()
        with pytest.raises(ConcurrencyError) as caught:
            store.save(call, 0)
        assert ("C-1", 0, None) == (
            caught.value.call_id,
            caught.value.expected,
            caught.value.actual,
        )
        assert store.version("C-1") is None


class TestConcurrency:
    def test_a_stale_version_writes_nothing(self, store: Any) -> None:
        call, clock = listened()
        store.save(call, 0)
        other = store.load("C-1", clock=clock)
        clock.advance(seconds=5)
        other.troubleshoot("Restarted the printer")
        store.save(other, 4)
        call.troubleshoot("Opened the tray")
        with pytest.raises(ConcurrencyError) as caught:
            store.save(call, 4)
        assert ("C-1", 4, 5) == (caught.value.call_id, caught.value.expected, caught.value.actual)
        assert other.history == store.load("C-1").history

    def test_a_new_call_whose_id_is_taken(self, store: Any) -> None:
        first, _ = new_call()
        store.save(first, 0)
        second, _ = listened()
        with pytest.raises(ConcurrencyError) as caught:
            store.save(second, 0)
        assert 1 == caught.value.actual
        assert first.history == store.load("C-1").history

    def test_a_version_on_a_call_never_saved(self, store: Any) -> None:
        call, _ = listened()
        with pytest.raises(ConcurrencyError) as caught:
            store.save(call, 2)
        assert caught.value.actual is None
        assert store.version("C-1") is None

    def test_two_threads_one_wins(self, store: Any) -> None:
        """Threads firing different events on the same loaded call: exactly one save wins."""
        self._race(lambda: store, store)

    def test_two_workers_one_wins(self, shared_opener: Opener) -> None:
        """Separate store objects, each its own connection to one database: exactly one wins."""
        self._race(shared_opener, shared_opener())

    @staticmethod
    def _race(open_store: Opener, checker: Any) -> None:
        call, clock = listened()
        checker.save(call, 0)
        workers = 6
        barrier = threading.Barrier(workers)
        won: list[str] = []
        lost: list[ConcurrencyError] = []
        failed: list[BaseException] = []

        def work(index: int) -> None:
            try:
                store = open_store()
                mine = store.load("C-1", clock=clock)
                mine.troubleshoot(f"Step {index}")
                barrier.wait(timeout=_BARRIER_WAIT)
                store.save(mine, 4)
                won.append(f"Step {index}")
            except ConcurrencyError as error:
                lost.append(error)
            except BaseException as error:  # pragma: no cover  shown by the assertion
                barrier.abort()  # the others must not wait for a worker that is gone
                failed.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert ([], 1, workers - 1) == (failed, len(won), len(lost))
        assert {(4, 5)} == {(error.expected, error.actual) for error in lost}
        stored = checker.load("C-1")
        assert 5 == len(stored.history)
        assert won == list(stored.troubleshooting_steps)

    def test_two_new_calls_with_one_id(self, shared_opener: Opener) -> None:
        """Two workers saving a new call under the same id: one wins, the other's is refused."""
        results: list[object] = []
        barrier = threading.Barrier(2)

        def work(steps: int) -> None:
            try:
                store = shared_opener()
                call, _ = new_call()
                for _ in range(steps):
                    call.answer() if call.stage is Stage.RINGING else None
                barrier.wait(timeout=_BARRIER_WAIT)
                results.append(store.save(call, 0))
            except ConcurrencyError as error:
                results.append(error)
            except BaseException as error:  # shown by the assertions; the other may not wait
                barrier.abort()
                results.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == [r for r in results if not isinstance(r, int | ConcurrencyError)]
        assert 1 == sum(isinstance(result, int) for result in results)
        assert 1 == sum(isinstance(result, ConcurrencyError) for result in results)


class TestDeleteAndList:
    def test_delete(self, store: Any) -> None:
        call, _ = listened()
        store.save(call, 0)
        store.delete("C-1")
        assert store.version("C-1") is None
        with pytest.raises(NotFoundError):
            store.load("C-1")
        assert 4 == store.save(call, 0)  # the id is free again

    def test_delete_at_a_stale_version(self, store: Any) -> None:
        call, _ = listened()
        store.save(call, 0)
        with pytest.raises(ConcurrencyError) as caught:
            store.delete("C-1", expected_version=3)
        assert (3, 4) == (caught.value.expected, caught.value.actual)
        store.delete("C-1", expected_version=4)
        with pytest.raises(NotFoundError):
            store.delete("C-1")

    def test_list_pages_through_every_call(self, store: Any) -> None:
        ids = [f"C-{n:03d}" for n in range(7)]
        for call_id in reversed(ids):
            store.save(new_call(call_id)[0], 0)
        pages, after = [], None
        while page := store.list(after=after, limit=3):
            pages.append(page)
            after = page[-1]
        assert [tuple(ids[0:3]), tuple(ids[3:6]), tuple(ids[6:])] == pages

    def test_list_gives_100_at_most_unless_told(self, store: Any) -> None:
        """The default page is the first 100 identifiers."""
        ids = [f"C-{n:03d}" for n in range(101)]
        for call_id in ids:
            store.save(new_call(call_id)[0], 0)
        assert (tuple(ids[:100]), tuple(ids)) == (store.list(), store.list(limit=101))

    @pytest.mark.parametrize("limit", [0, -1, 1001, 2.5, True, "10"])
    def test_list_refuses_a_limit_out_of_bounds(self, store: Any, limit: object) -> None:
        with pytest.raises(ValidationError) as caught:
            store.list(limit=limit)
        assert ("limit", limit, "must be a whole number from 1 to 1,000") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )


class TestRefusals:
    def test_an_unknown_call(self, store: Any) -> None:
        with pytest.raises(NotFoundError) as caught:
            store.load("C-404")
        assert ("call", "C-404") == (caught.value.kind, caught.value.key)

    @pytest.mark.parametrize("method", ["load", "delete", "version"])
    @pytest.mark.parametrize("call_id", ["", 5, None])
    def test_a_call_id_must_be_text(self, store: Any, method: str, call_id: object) -> None:
        """Loading, deleting or asking the version of a call: refused, naming ``call_id``."""
        with pytest.raises(ValidationError) as caught:
            getattr(store, method)(call_id)
        assert ("call_id", call_id) == (caught.value.field, caught.value.value)

    def test_a_loaded_call_takes_up_its_ticket_in_the_book_given(self, store: Any) -> None:
        """The ticket the call opened is the book's own again, not a call without its ticket."""
        book = MemoryTicketBook()
        call, clock = listened(book=book)
        ticket = call.ticket
        assert ticket is not None
        store.save(call, 0)
        assert ticket is store.load("C-1", clock=clock, book=book).ticket

    def test_a_call_without_an_id(self, store: Any) -> None:
        call, _ = new_call(call_id=None)
        with pytest.raises(ValidationError) as caught:
            store.save(call, 0)
        assert "call.call_id" == caught.value.field
        assert () == store.list()

    @pytest.mark.parametrize("version", [-1, 5, "0", None, 1.0])
    def test_an_expected_version_the_call_never_had(self, store: Any, version: object) -> None:
        call, _ = listened()
        with pytest.raises(ValidationError) as caught:
            store.save(call, version)
        assert ("expected_version", version) == (caught.value.field, caught.value.value)
        assert "must be the version the call was loaded at, 0 to 4" == caught.value.reason

    @pytest.mark.parametrize("call_id", ["", 7, None])
    def test_a_call_id_that_is_not_text(self, store: Any, call_id: object) -> None:
        with pytest.raises(ValidationError):
            store.load(call_id)

    @pytest.mark.parametrize(
        ("text", "field"),
        [
            ("{not json", "calls['C-1'].history[2]"),
            ("[" * 100, "calls['C-1'].history[2]"),
            ('{"event": 1}', "calls['C-1'].history[2]"),
        ],
    )
    def test_a_corrupt_row(self, store: Any, text: str, field: str) -> None:
        """What cannot be read back is a SnapshotError naming the call and the row."""
        call, _ = listened()
        store.save(call, 0)
        corrupt(store, 2, text)
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert caught.value.field.startswith(field)

    def test_a_row_missing(self, sql_opener: Opener) -> None:
        store = sql_opener()
        call, _ = listened()
        store.save(call, 0)
        if isinstance(store, SqliteCallStore):
            store._db.execute("DELETE FROM callflow_events WHERE seq = 1")
        else:
            with store.engine.begin() as conn:
                conn.execute(sqlalchemy.delete(store._events).where(store._events.c.seq == 1))
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert "calls['C-1'].history" == caught.value.field

    def test_an_unknown_call_cannot_be_deleted(self, store: Any) -> None:
        """NotFoundError naming the call, as for a load."""
        with pytest.raises(NotFoundError) as caught:
            store.delete("C-404")
        assert ("call", "C-404") == (caught.value.kind, caught.value.key)

    def test_deleting_at_a_stale_version_names_the_call(self, store: Any) -> None:
        """The ConcurrencyError says which call moved on, and the call is kept."""
        call, _ = listened()
        store.save(call, 0)
        with pytest.raises(ConcurrencyError) as caught:
            store.delete("C-1", expected_version=2)
        assert ("C-1", 2, 4) == (caught.value.call_id, caught.value.expected, caught.value.actual)
        assert 4 == store.version("C-1")

    @pytest.mark.parametrize("after", [5, "", b"C-1"])
    def test_list_refuses_an_after_that_is_not_text(self, store: Any, after: object) -> None:
        """``after`` is a call identifier: refused, naming ``after``."""
        with pytest.raises(ValidationError) as caught:
            store.list(after=after)
        assert ("after", after) == (caught.value.field, caught.value.value)

    def test_list_starts_after_the_identifier_given(self, store: Any) -> None:
        """The call named by ``after`` is not in the page, the ones after it are."""
        for call_id in ("C-1", "C-2", "C-3"):
            store.save(new_call(call_id)[0], 0)
        assert (("C-2", "C-3"), ("C-3",), ()) == (
            store.list(after="C-1"),
            store.list(after="C-2"),
            store.list(after="C-3"),
        )

    def test_a_loaded_call_goes_on_with_the_ledger_given(self, store: Any) -> None:
        """The promises ledger passed to load is the loaded call's."""
        ledger = PromiseLedger()
        call, _ = listened(promises=ledger)
        store.save(call, 0)
        assert ledger is store.load("C-1", promises=ledger).promises

    @pytest.mark.parametrize("opener_kind", ["memory", "sqlite"])
    def test_limits_must_be_document_limits(self, opener_kind: str) -> None:
        """Anything else is refused, naming ``limits``."""
        make = MemoryCallStore if opener_kind == "memory" else SqliteCallStore
        with pytest.raises(ValidationError) as caught:
            make(limits={"max_bytes": 10})
        assert ("limits", {"max_bytes": 10}, "must be a DocumentLimits") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_sqlite_refuses_a_path_that_is_not_one(self) -> None:
        """A path is text or path-like: anything else is refused, naming ``path``."""
        with pytest.raises(ValidationError) as caught:
            SqliteCallStore(5)  # type: ignore[arg-type]
        assert ("path", 5, "must be a file path or ':memory:'") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    @pytest.mark.parametrize("timeout", [-0.5, 600.5, "5", None, True])
    def test_sqlite_refuses_a_timeout_out_of_range(self, timeout: object) -> None:
        """A number of seconds from 0 to 600, neither text nor a flag."""
        with pytest.raises(ValidationError) as caught:
            SqliteCallStore(timeout=timeout)  # type: ignore[arg-type]
        assert ("timeout", timeout, "must be a number of seconds, 0 to 600") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    @pytest.mark.parametrize("timeout", [0, 0.25, 600])
    def test_sqlite_takes_a_timeout_from_0_to_600(self, timeout: float) -> None:
        """Both ends included: the store opens and works."""
        with SqliteCallStore(timeout=timeout) as store:
            assert 1 == store.save(new_call()[0], 0)

    def test_sqlite_keeps_a_memory_database_in_memory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The default store writes no file anywhere."""
        monkeypatch.chdir(tmp_path)
        with SqliteCallStore() as store:
            store.save(listened()[0], 0)
            assert 4 == store.version("C-1")
        assert [] == list(tmp_path.iterdir())

    def test_sqlite_puts_a_file_database_in_wal_mode(self, tmp_path: Path) -> None:
        """So that loads do not wait for saves: the file says so to any other connection."""
        path = tmp_path / "calls.db"
        SqliteCallStore(path).close()
        with contextlib.closing(sqlite3.connect(path)) as db:
            assert ("wal",) == db.execute("PRAGMA journal_mode").fetchone()

    def test_sqlite_refuses_to_work_once_closed(self, tmp_path: Path) -> None:
        """Like a closed file: a ValidationError naming the store, not a database error."""
        store = SqliteCallStore(tmp_path / "calls.db")
        store.close()
        with pytest.raises(ValidationError) as caught:
            store.version("C-1")
        assert ("store", "is closed") == (caught.value.field, caught.value.reason)

    def test_sqlite_names_itself_when_it_cannot_open_its_file(self, tmp_path: Path) -> None:
        """A StoreError naming the store and saying what the database said."""
        path = tmp_path / "no such folder" / "calls.db"
        with pytest.raises(StoreError) as caught:
            SqliteCallStore(path)
        assert f"<SqliteCallStore {str(path)!r}>" == caught.value.store
        assert "unable to open database file" == caught.value.reason

    def test_sqlite_names_itself_when_its_file_is_not_a_database(self, tmp_path: Path) -> None:
        """Opened, but unreadable: a StoreError naming the store and saying what SQLite said."""
        path = tmp_path / "calls.db"
        path.write_bytes(b"not a database, " * 64)
        with pytest.raises(StoreError) as caught:
            SqliteCallStore(path)
        assert f"<SqliteCallStore {str(path)!r}>" == caught.value.store
        assert "file is not a database" == caught.value.reason

    def test_only_a_call_can_be_saved(self, store: Any) -> None:
        """Anything else is refused, naming ``call``; a call without an id, naming its id."""
        with pytest.raises(ValidationError) as caught:
            store.save("C-1", 0)
        assert ("call", "C-1", "must be a Call") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        with pytest.raises(ValidationError) as caught:
            store.save(new_call(call_id=None)[0], 0)
        assert ("call.call_id", None, "must be set for the call to be stored") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    @pytest.mark.parametrize("version", [0, -1, "1", 1.0, True])
    def test_delete_refuses_a_version_no_call_has(self, store: Any, version: object) -> None:
        """A version is a whole number from 1 (or None): refused, naming ``expected_version``."""
        store.save(new_call()[0], 0)
        with pytest.raises(ValidationError) as caught:
            store.delete("C-1", expected_version=version)
        reason = "must be the version the call was loaded at (1 or more), or None"
        assert ("expected_version", version, reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )
        assert 1 == store.version("C-1")

    def test_delete_at_version_1(self, store: Any) -> None:
        """The first version a saved call has is 1: deleting at it works."""
        store.save(new_call()[0], 0)
        store.delete("C-1", expected_version=1)
        assert store.version("C-1") is None

    @pytest.mark.parametrize("limit", [1, 1000])
    def test_list_takes_a_limit_from_1_to_1000(self, store: Any, limit: int) -> None:
        """Both ends included."""
        store.save(new_call()[0], 0)
        assert ("C-1",) == store.list(limit=limit)

    def test_a_store_reads_back_no_more_than_its_limits(self) -> None:
        """A record longer than the store's limits allow is refused when loaded."""
        store = MemoryCallStore(limits=DocumentLimits(max_chars=200))
        store.save(listened()[0], 0)
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert caught.value.field.startswith("calls['C-1'].")
        assert "at most 200 characters" in caught.value.reason

    def test_a_store_s_limits_hold_for_the_whole_history_together(self) -> None:
        """Rows that each fit are refused when, together, they hold more values than allowed."""
        call, _ = listened()
        texts = [dump(call_header(call)), *(dump(record_document(r)) for r in call.history)]

        def fits(text: str, max_items: int) -> bool:
            try:
                read_json(text, limits=DocumentLimits(max_items=max_items))
            except ValidationError:
                return False
            return True

        max_items = next(n for n in range(1, 10_000) if all(fits(text, n) for text in texts))
        store = MemoryCallStore(limits=DocumentLimits(max_items=max_items))
        store.save(call, 0)
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert ("calls['C-1'].history", f"must hold at most {max_items:,} values") == (
            caught.value.field,
            caught.value.reason,
        )

    def test_stored_text_is_compact_json_with_sorted_keys(self, sql_opener: Opener) -> None:
        """The same value always gives the same text: no spaces, keys in order."""
        store = sql_opener()
        store.save(listened()[0], 0)
        for text in stored_texts(store):
            assert json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True) == text

    @pytest.mark.parametrize("version", [0, -2, "four"])
    def test_sqlite_refuses_a_stored_version_below_1(self, version: object) -> None:
        """What the table says the version is must be a whole number from 1."""
        store = SqliteCallStore()
        store.save(listened()[0], 0)
        store._db.execute("UPDATE callflow_calls SET version = ?", (version,))
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert ("calls['C-1'].version", version, "must be 1 or more") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_sqlite_refuses_a_stored_version_past_the_last_row(self) -> None:
        """Rows 0 to 3 and a version of 5: one row is missing at the end."""
        store = SqliteCallStore()
        store.save(listened()[0], 0)
        store._db.execute("UPDATE callflow_calls SET version = 5")
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert ("calls['C-1'].history", [0, 1, 2, 3], "must be numbered 0 to 4, one row each") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    @pytest.mark.parametrize(
        ("column", "field"), [("header", ".header"), ("record", ".history[0]")]
    )
    def test_sqlite_refuses_stored_values_that_are_not_text(self, column: str, field: str) -> None:
        """Bytes where JSON text should be: refused, naming the call and where it is."""
        store = SqliteCallStore()
        store.save(listened()[0], 0)
        table = "callflow_calls" if column == "header" else "callflow_events"
        store._db.execute(f"UPDATE {table} SET {column} = X'35' WHERE {column} = {column}")
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert (f"calls['C-1']{field}", b"5", "must be JSON text") == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_a_header_that_is_not_json_is_named(self, store: Any) -> None:
        """The header is read first: its error names it, with what the JSON reader said."""
        store.save(listened()[0], 0)
        corrupt_header(store, "{not json")
        with pytest.raises(ValidationError) as direct:
            read_json("{not json", field="calls['C-1'].header")
        with pytest.raises(SnapshotError) as caught:
            store.load("C-1")
        assert (direct.value.field, direct.value.value, direct.value.reason) == (
            caught.value.field,
            caught.value.value,
            caught.value.reason,
        )

    def test_sqlite_refuses_rows_left_without_a_header(self) -> None:
        """A save that finds records of the call already there writes nothing."""
        store = SqliteCallStore()
        store._db.execute(
            "INSERT INTO callflow_events (call_id, seq, record) VALUES ('C-1', 2, '{}')"
        )
        call, _ = listened()
        with pytest.raises(ConcurrencyError) as caught:
            store.save(call, 0)
        assert ("C-1", 0) == (caught.value.call_id, caught.value.expected)
        assert (None, ()) == (store.version("C-1"), store.list())

    def test_a_newer_schema_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "calls.db"
        SqliteCallStore(path).close()
        with sqlite3.connect(path) as db:
            db.execute("UPDATE callflow_schema SET version = 99")
        with pytest.raises(ValidationError) as caught:
            SqliteCallStore(path)
        assert ("callflow_schema.version", 99) == (caught.value.field, caught.value.value)
        assert caught.value.reason.endswith(", the version this callflow reads and writes")

    def test_a_url_that_is_not_one(self) -> None:
        with pytest.raises(ValidationError) as caught:
            SqlCallStore("not a url://secret@")
        assert "secret" not in str(caught.value)


def documents(ticket: Ticket) -> list[dict[str, Any]]:
    """A ticket's history as documents: its work orders compare by value, not identity."""
    return [ticket_record_document(record) for record in ticket.history]


def _case(book: SqlTicketBook, clock: ManualClock) -> tuple[Call, str]:
    """A call opening a ticket in ``book``; the ticket gets notes, a promise, a work order."""
    call = Call(agent=BILL, clock=clock, call_id="C-1", book=book)
    call.answer()
    call.identify(ANA, verified=True)
    call.listen("The printer jams")
    clock.advance(seconds=60)
    call.listen("It started this morning")
    ticket = call.ticket
    assert ticket is not None
    ticket.promise(PromiseKind.CALLBACK, "call back about the printer", timedelta(hours=2))
    ticket.escalate(
        Escalation(
            Target("Field service"),
            "the pick-up roller is worn",
            ticket=ticket.number,
            next_steps="a technician replaces the roller",
            timeframe=timedelta(hours=4),
            read_back=True,
        ),
        by="Bill",
    )
    order = WorkOrder(
        number="WO-1",
        ticket=ticket.number,
        supervisor="Dana",
        technician="Luis",
        instructions="Replace the pick-up roller of printer PRN-0042 (floor 2).",
        dispatched_at=clock(),
    )
    ticket.dispatch(order, by="Dana")
    return call, ticket.number


class TestSqlTicketBook:
    def test_a_ticket_survives_a_restart(self, book_opener: Opener) -> None:
        """Notes, promises and work orders written by flush() read back in a new book."""
        book = book_opener()
        clock = ManualClock(START)
        call, number = _case(book, clock)
        ticket = book.get(number)
        assert ticket is call.ticket
        assert 0 < book.flush()
        book.close()
        again = book_opener().get(number)
        assert ticket is not again
        assert documents(ticket) == documents(again)
        assert (ticket.notes, ticket.promises, ticket.status) == (
            again.notes,
            again.promises,
            again.status,
        )
        assert ["WO-1"] == [order.number for order in again.work_orders]

    def test_a_completed_work_order_is_written(self, book_opener: Opener) -> None:
        """A work order changes without a ticket record: flush writes its record again."""
        book = book_opener()
        clock = ManualClock(START)
        _, number = _case(book, clock)
        book.flush()
        order = book.get(number).work_orders[0]
        order.complete(work_done="Replaced the roller", at=clock() + timedelta(hours=1),
                       signed_by="Luis")  # fmt: skip
        assert 1 == book.flush()
        assert 0 == book.flush()
        again = book_opener().get(number).work_orders[0]
        assert again.completion == order.completion

    def test_a_call_goes_on_with_its_ticket_after_a_restart(
        self, book_opener: Opener, tmp_path: Path
    ) -> None:
        store = SqliteCallStore(tmp_path / "store.db")
        book = book_opener()
        clock = ManualClock(START)
        call, number = _case(book, clock)
        book.flush()
        store.save(call, 0)
        loaded = store.load("C-1", clock=clock, book=book_opener())
        assert loaded.ticket is not None
        assert call.ticket is not None
        assert (number, documents(call.ticket)) == (loaded.ticket.number, documents(loaded.ticket))

    def test_selections_are_oldest_first(self, book_opener: Opener) -> None:
        book = book_opener()
        clock = ManualClock(START)
        first = open_ticket(book, ANA, clock=clock, asset_tag="PRN-1")
        clock.advance(timedelta(hours=1))
        second = open_ticket(book, ANA, clock=clock, asset_tag="PRN-2")
        other = book_opener()
        assert [first.number, second.number] == [t.number for t in other.tickets_of_caller("E1234")]
        assert [second.number] == [t.number for t in other.tickets_of_unit("PRN-2")]
        assert () == tuple(other.tickets_of_unit("PRN-3"))

    def test_a_stale_ticket_is_not_flushed(self, book_opener: Opener) -> None:
        mine, theirs = book_opener(), book_opener()
        number = open_ticket(mine, ANA, clock=ManualClock(START)).number
        theirs.get(number).open(by="Rui")
        mine.get(number).open(by="Bill")
        assert 1 == theirs.flush()
        with pytest.raises(ConcurrencyError) as caught:
            mine.flush()
        assert (number, 1, 2) == (caught.value.call_id, caught.value.expected, caught.value.actual)
        assert "Rui" == book_opener().get(number).history[-1].by

    def test_a_book_hands_out_fresh_tickets(self, book_opener: Opener) -> None:
        """A ticket another worker changed is read again, if this book has no changes of its own."""
        mine, theirs = book_opener(), book_opener()
        number = open_ticket(mine, ANA, clock=ManualClock(START)).number
        theirs.get(number).open(by="Rui")
        theirs.flush()
        assert 2 == len(mine.get(number).history)

    def test_numbers_are_unique_across_workers(self, book_opener: Opener) -> None:
        books = [book_opener() for _ in range(4)]
        numbers: list[str] = []
        lock = threading.Lock()

        def work(book: SqlTicketBook) -> None:
            for _ in range(5):
                number = book.new_number()
                with lock:
                    numbers.append(number)

        threads = [threading.Thread(target=work, args=(book,)) for book in books]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 20 == len(set(numbers))

    def test_a_number_taken_by_hand_is_skipped(self, book_opener: Opener) -> None:
        book = book_opener()
        book.add(Ticket("T-000001", ANA, clock=ManualClock(START)))
        assert "T-000002" == book.new_number()
        with pytest.raises(ValidationError) as caught:
            book.add(Ticket("T-000001", ANA, clock=ManualClock(START)))
        assert "ticket.number" == caught.value.field

    def test_an_unknown_ticket(self, book_opener: Opener) -> None:
        book = book_opener()
        for number in ("T-404", 7):
            with pytest.raises(NotFoundError):
                book.get(number)
