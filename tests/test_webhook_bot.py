"""examples/webhook_bot.py: a call driven through real HTTP requests, across two servers."""

import importlib.util
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from callflow import ManualClock
from callflow.store import SqliteCallStore

ROOT = Path(__file__).resolve().parents[1]
CALLER = {"name": "Ana Souza", "user_id": "E1234"}
AGENT = {"name": "Bill", "organisation": "ACME IT"}


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_bot", ROOT / "examples/webhook_bot.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bot = _example()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "calls.sqlite"


@contextmanager
def serving(db: Path, clock: ManualClock, tickets: str = "") -> Iterator[str]:
    """A server on a free port in a thread of its own; stopped, closed and joined after."""
    before = set(threading.enumerate())
    server = bot.BotServer(("127.0.0.1", 0), bot.Bot(SqliteCallStore(db), clock, tickets))
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/calls"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        assert set(threading.enumerate()) <= before  # no request thread left behind


def call(url: str, body: object = None, *, data: bytes | None = None) -> tuple[int, Any]:
    """POST ``body`` as JSON (or ``data`` as it is), or GET without either: status and answer."""
    if body is not None:
        data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def fire(url: str, event: str, version: int | None = None, **arguments: object) -> Any:
    """Fire one event and expect a 200."""
    body: dict[str, object] = {"event": event, "arguments": arguments}
    if version is not None:
        body["version"] = version
    status, answer = call(f"{url}/C-1/events", body)
    assert (200, event) == (status, event), answer
    return answer


def stored_events(db: Path) -> list[str]:
    with SqliteCallStore(db) as store:
        return [record.event for record in store.load("C-1").history]


def test_a_whole_call_across_two_servers(db: Path, clock: ManualClock) -> None:
    """Ring to hang-up through HTTP; the server restarts mid-call and the call goes on."""
    with serving(db, clock) as url:
        status, answer = call(url, {"call_id": "C-1", "agent": AGENT})
        assert (201, "ringing", 1, ["answer", "abandon"]) == (
            status,
            answer["stage"],
            answer["version"],
            answer["allowed_events"],
        )
        clock.advance(seconds=5)
        assert 2 == fire(url, "answer", 1)["version"]
        clock.advance(seconds=10)
        answer = fire(url, "identify", 2, caller=CALLER, verified=True)
        assert "listen" in answer["allowed_events"]
        clock.advance(seconds=30)
        fire(url, "listen", 3, problem="The printer on floor 2 jams")
        clock.advance(seconds=60)
        fire(url, "troubleshoot", step="Checked the paper tray", result="no paper stuck")
        clock.advance(seconds=60)
        assert "diagnosis" == fire(url, "diagnose", 5, label="printer/paper-feed")["stage"]
    assert ["ring", "answer", "identify", "listen", "troubleshoot", "diagnose"] == stored_events(db)

    with serving(db, clock) as url:  # a new server: a new store object on the same file
        status, answer = call(f"{url}/C-1")  # GET fires nothing
        assert (200, "diagnosis", 6) == (status, answer["stage"], answer["version"])
        clock.advance(seconds=30)
        fire(url, "propose", 6, plan="Replace the feed roller")
        clock.advance(seconds=240)
        fire(url, "implement", 7, action="Roller replaced")
        clock.advance(seconds=20)
        fire(url, "goodbye", 8, resolution_confirmed=True, anything_else_asked=True)
        answer = fire(url, "hang_up", 9, by="caller")
    assert ("ended", "resolved", 10, [], []) == (
        answer["stage"],
        answer["outcome"],
        answer["version"],
        answer["allowed_events"],
        answer["findings"],
    )
    events = stored_events(db)
    assert [
        "ring",
        "answer",
        "identify",
        "listen",
        "troubleshoot",
        "diagnose",
        "propose",
        "implement",
        "goodbye",
        "hang_up",
    ] == events
    with SqliteCallStore(db) as store:
        final = store.load("C-1")
        assert ("ended", "resolved", 10) == (
            final.stage.value,
            final.outcome.value if final.outcome else None,
            store.version("C-1"),
        )


def _ring(url: str) -> None:
    assert 201 == call(url, {"call_id": "C-1", "agent": AGENT})[0]
    fire(url, "answer", 1)


def test_a_stale_version_is_a_conflict_and_writes_nothing(db: Path, clock: ManualClock) -> None:
    with serving(db, clock) as url:
        _ring(url)
        body = {"event": "identify", "arguments": {"caller": CALLER}, "version": 1}
        status, answer = call(f"{url}/C-1/events", body)
        assert (409, "ConcurrencyError", 2) == (status, answer["error"], answer["version"])
        status, answer = call(url, {"call_id": "C-1", "agent": AGENT})  # the id is taken
        assert (409, "ConcurrencyError") == (status, answer["error"])
    assert ["ring", "answer"] == stored_events(db)


def test_a_refused_event_is_422_naming_the_rule(db: Path, clock: ManualClock) -> None:
    with serving(db, clock) as url:
        _ring(url)
        body = {"event": "follow_up", "arguments": {"ticket": "T-000001"}, "version": 2}
        status, answer = call(f"{url}/C-1/events", body)
        assert (422, "InvalidTransitionError", "CF205") == (
            status,
            answer["error"],
            answer["rule"],
        )
        assert "CF205" in answer["message"]
        bad = {"event": "identify", "arguments": {"caller": {**CALLER, "nickname": "Aninha"}}}
        status, answer = call(f"{url}/C-1/events", bad)
        assert (422, "ValidationError", "caller.nickname", None) == (
            status,
            answer["error"],
            answer["field"],
            answer["rule"],
        )
        for event in ("ring", "teleport", 3):
            status, answer = call(f"{url}/C-1/events", {"event": event})
            assert (422, "event") == (status, answer["field"])
        status, answer = call(url, {"call_id": "C-2", "agent": {**AGENT, "name": ""}})
        assert (422, "name") == (status, answer["field"])
    assert ["ring", "answer"] == stored_events(db)


def test_an_unknown_call_or_route_is_404(db: Path, clock: ManualClock) -> None:
    with serving(db, clock) as url:
        assert 404 == call(f"{url}/nobody")[0]
        assert 404 == call(f"{url}/nobody/events", {"event": "answer"})[0]
        assert 404 == call(f"{url}/nobody/elsewhere", {"event": "answer"})[0]
        assert 404 == call(f"{url}/nobody/events")[0]  # GET of the events
        assert 404 == call(url.removesuffix("/calls") + "/", {})[0]


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"", b"[1, 2]", b'{"event": "answer", "version": "1"}', b"\xff\xfe"],
    ids=["not-json", "empty", "a-list", "text-version", "not-utf8"],
)
def test_a_malformed_body_is_400(db: Path, clock: ManualClock, data: bytes) -> None:
    with serving(db, clock) as url:
        assert 201 == call(url, {"call_id": "C-1", "agent": AGENT})[0]
        status, answer = call(f"{url}/C-1/events", data=data)
        assert (400, "bad request") == (status, answer["error"])
        assert 400 == call(url, data=data)[0]
    assert ["ring"] == stored_events(db)


def _at_once(url: str, bodies: list[dict[str, object]]) -> list[tuple[int, Any]]:
    """POST each body to C-1's events from a thread of its own, all released together."""
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[int, Any]] = [(0, None)] * len(bodies)

    def send(index: int) -> None:
        barrier.wait()
        results[index] = call(f"{url}/C-1/events", bodies[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_requests_at_the_same_version_one_wins(db: Path, clock: ManualClock) -> None:
    with serving(db, clock) as url:
        _ring(url)
        asks: list[dict[str, object]] = [
            {"event": "request_manager", "arguments": {"reason": reason}, "version": 2}
            for reason in ("first", "second")
        ]
        statuses = sorted(status for status, _ in _at_once(url, asks))
        assert [200, 409] == statuses
    assert ["ring", "answer", "request_manager"] == stored_events(db)


def test_without_a_version_the_bot_retries(db: Path, clock: ManualClock) -> None:
    with serving(db, clock) as url:
        _ring(url)
        asks: list[dict[str, object]] = [
            {"event": "request_manager", "arguments": {"reason": reason}}
            for reason in ("first", "second")
        ]
        assert [200, 200] == sorted(status for status, _ in _at_once(url, asks))
    assert ["ring", "answer", "request_manager", "request_manager"] == stored_events(db)


def test_tickets_in_an_sql_ticket_book(db: Path, clock: ManualClock, tmp_path: Path) -> None:
    """With --tickets, listen opens the call's ticket there; it is read back after a restart."""
    pytest.importorskip("sqlalchemy")
    from callflow.sqlbook import SqlTicketBook

    tickets = f"sqlite:///{tmp_path / 'tickets.sqlite'}"
    with serving(db, clock, tickets) as url:
        _ring(url)
        fire(url, "identify", 2, caller=CALLER, verified=True)
        fire(url, "listen", 3, problem="The printer jams")
        fire(url, "troubleshoot", 4, step="Checked the paper tray")
    with serving(db, clock, tickets) as url:
        assert "troubleshooting" == call(f"{url}/C-1")[1]["stage"]
        fire(url, "diagnose", 5, label="printer/paper-feed")
    with SqlTicketBook(tickets) as book, SqliteCallStore(db) as store:
        restored = store.load("C-1", book=book)
        assert restored.ticket is not None
        assert ("T-000001", "printer/paper-feed") == (
            restored.ticket.number,
            restored.ticket.diagnosis,
        )
