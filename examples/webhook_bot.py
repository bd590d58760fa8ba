"""A webhook bot: each HTTP request loads a call, fires one event, saves it, and answers.

Standard library only (``http.server``); the calls are kept in an SQLite file
(``SqliteCallStore``), so the server may stop and start again without losing one.

    POST /calls                   {"call_id": "C-1", "agent": {"name": ..., "organisation": ...}}
    POST /calls/<call_id>/events  {"event": "identify", "arguments": {...}, "version": 2}
    GET  /calls/<call_id>

Answers: ``{"call_id", "stage", "allowed_events", "version", "findings", "outcome"}``.
``arguments`` are the event method's, as JSON (a Caller: ``{"name", "user_id"}``).
With ``version``, the event fires only at that version (else 409 Conflict);
without, the bot retries if another request saved first. A refusal answers
422 (``error``, ``message``, ``field``, ``rule``), an unknown call 404, bad JSON 400.

Run: python examples/webhook_bot.py --db calls.sqlite --port 8080 (add
``--tickets sqlite:///tickets.sqlite`` for an SqlTicketBook: ``callflow[sql]``), then:

    curl -X POST localhost:8080/calls \\
        -d '{"call_id": "C-1", "agent": {"name": "Bill", "organisation": "ACME IT"}}'
    curl -X POST localhost:8080/calls/C-1/events -d '{"event": "answer", "version": 1}'

Without ``--db`` it serves a short demonstration from a temporary file.
"""

import argparse
import json
import re
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from callflow import PROCEDURE, Agent, Call, CallflowError, InvalidTransitionError
from callflow.clock import Clock, utc_now
from callflow.codec import structure
from callflow.documents import read_json
from callflow.errors import ConcurrencyError, NotFoundError, ValidationError
from callflow.events import payload_class
from callflow.store import SqliteCallStore

ATTEMPTS = 3  # loads and saves of one event, when the client gave no version


class RequestError(Exception):
    """An HTTP error answer: its status and its JSON body."""

    def __init__(self, status: int, **body: object) -> None:
        self.status, self.body = status, body


def answer(call: Call, version: int) -> dict[str, Any]:
    """What every request answers: where the call stands and what may come next."""
    return {
        "call_id": call.call_id,
        "stage": call.stage.value,
        "allowed_events": list(call.allowed_events()),
        "version": version,
        "findings": [finding.rule for finding in call.findings],
        "outcome": call.outcome.value if call.outcome else None,
    }


class Bot:
    """The turns of the calls kept in ``store``: no HTTP here."""

    def __init__(self, store: SqliteCallStore, clock: Clock = utc_now, tickets: str = "") -> None:
        self.store, self.clock = store, clock
        self.engine: Any = None
        if tickets:  # optional: SQLAlchemy is only needed for tickets
            from sqlalchemy import create_engine

            self.engine = create_engine(tickets)

    def _book(self) -> Any:
        """A new ticket book per turn, a unit of work (None without tickets)."""
        from callflow.sqlbook import SqlTicketBook

        return None if self.engine is None else SqlTicketBook(self.engine, clock=self.clock)

    def close(self) -> None:
        self.store.close()
        if self.engine is not None:
            self.engine.dispose()

    def create(self, call_id: str | None, agent: object) -> dict[str, Any]:
        """Ring a new call (version 1); 409 if the id is taken."""
        call = Call(structure(agent, Agent, field="agent"), clock=self.clock, call_id=call_id)
        return answer(call, self.store.save(call, 0))

    def show(self, call_id: str) -> dict[str, Any]:
        """The call as stored."""
        call = self.store.load(call_id, clock=self.clock, book=self._book())
        return answer(call, len(call.history))

    def fire(self, call_id: str, event: object, arguments: object, version: int | None) -> Any:
        """Load, fire ``event``, flush the tickets, save at the version loaded."""
        if not isinstance(event, str) or event not in PROCEDURE.events:
            raise ValidationError("event", event, f"must be one of {PROCEDURE.events}")
        payload = structure(arguments, payload_class(event), field="arguments")
        for attempt in range(ATTEMPTS):
            book = self._book()
            call = self.store.load(call_id, clock=self.clock, book=book)
            loaded = len(call.history)
            if version is not None and version != loaded:
                raise ConcurrencyError(call_id, version, loaded)
            getattr(call, event)(**payload.arguments())
            if book is not None:
                book.flush()  # before the call: it never names a ticket not stored
            try:
                return answer(call, self.store.save(call, loaded))
            except ConcurrencyError:
                if version is not None or attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")


class Handler(BaseHTTPRequestHandler):
    """Routes a request to the bot and turns callflow's errors into HTTP statuses."""

    server: "BotServer"

    def do_GET(self) -> None:
        self._respond(lambda: (200, self.server.bot.show(self._call_id(""))))

    def do_POST(self) -> None:
        self._respond(self._post)

    def _post(self) -> tuple[int, dict[str, Any]]:
        call_id = None if self.path == "/calls" else self._call_id("/events")
        body, bot = self._body(), self.server.bot
        if call_id is None:
            return 201, bot.create(body.get("call_id"), body.get("agent"))
        arguments = body.get("arguments", {})
        return 200, bot.fire(call_id, body.get("event"), arguments, body.get("version"))

    def _call_id(self, suffix: str) -> str:
        """The <call_id> of a path /calls/<call_id><suffix>, or a 404 answer."""
        found = re.fullmatch(rf"/calls/([^/]+){suffix}", self.path)
        if found is None:
            raise RequestError(404, error="no such route", path=self.path)
        return urllib.parse.unquote(found[1])

    def _body(self) -> dict[str, Any]:
        """The request's JSON object, or a 400 answer."""
        try:
            body = read_json(self.rfile.read(int(self.headers["Content-Length"] or 0)))
        except (ValueError, TypeError) as error:  # ValidationError is a ValueError
            raise RequestError(400, error="bad request", message=str(error)) from None
        version = body.get("version") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not (version is None or type(version) is int):
            message = "the body must be a JSON object, its version a whole number"
            raise RequestError(400, error="bad request", message=message)
        return body

    def _respond(self, act: Callable[[], tuple[int, dict[str, Any]]]) -> None:
        try:
            status, body = act()
        except RequestError as refused:
            status, body = refused.status, refused.body
        except NotFoundError as error:
            status, body = 404, {"error": "NotFoundError", "message": str(error)}
        except ConcurrencyError as error:
            status = 409
            body = {"error": "ConcurrencyError", "message": str(error), "version": error.actual}
        except CallflowError as error:  # refused: a guard, a bad argument, a ticket's lifecycle
            rule = error.rule if isinstance(error, InvalidTransitionError) else None
            field = getattr(error, "field", None)
            status, body = 422, {"error": type(error).__name__, "message": str(error)}
            body |= {"field": field, "rule": rule}
        except Exception as error:  # a bug: answer rather than drop the connection
            status, body = 500, {"error": type(error).__name__, "message": str(error)}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class BotServer(ThreadingHTTPServer):
    """A threading HTTP server that hands its requests to ``bot``; closing it closes the store."""

    def __init__(self, address: tuple[str, int], bot: Bot) -> None:
        super().__init__(address, Handler)
        self.bot = bot

    def server_close(self) -> None:
        super().server_close()  # joins the request threads
        self.bot.close()


def demo() -> None:
    """Serve a few requests on a free port from a temporary file, print the answers, stop."""
    caller = {"name": "Ana Souza", "user_id": "E1234"}
    turns = [
        ("", {"call_id": "C-1", "agent": {"name": "Bill", "organisation": "ACME IT"}}),
        ("/C-1/events", {"event": "answer", "version": 1}),
        ("/C-1/events", {"event": "listen", "arguments": {"problem": "VPN drops"}}),  # CF205
        ("/C-1/events", {"event": "identify", "arguments": {"caller": caller, "verified": True}}),
        ("/C-1/events", {"event": "listen", "version": 2}),  # stale: the call is at 3
    ]
    with tempfile.TemporaryDirectory() as folder:
        server = BotServer(("127.0.0.1", 0), Bot(SqliteCallStore(Path(folder) / "calls.sqlite")))
        thread = threading.Thread(target=server.serve_forever)
        thread.start()
        for path, body in turns:
            url = f"http://127.0.0.1:{server.server_address[1]}/calls{path}"
            request = urllib.request.Request(url, json.dumps(body).encode(), method="POST")
            try:
                with urllib.request.urlopen(request) as response:
                    print(response.status, response.read().decode())
            except urllib.error.HTTPError as error:
                with error:
                    print(error.code, error.read().decode())
        server.shutdown()
        server.server_close()
        thread.join()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve calls over HTTP.")
    parser.add_argument("--db", help="the SQLite file the calls are kept in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--tickets", default="", help="an SQLAlchemy URL for an SqlTicketBook")
    options = parser.parse_args(argv)
    if options.db is None:
        demo()
        return
    bot = Bot(SqliteCallStore(options.db), tickets=options.tickets)
    with BotServer((options.host, options.port), bot) as server:
        print(f"serving {options.db} on http://{options.host}:{options.port}")
        server.serve_forever()


if __name__ == "__main__":
    main()
