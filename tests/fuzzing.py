"""The fuzz harness of issue 9 ("Hardening"): callflow's public entry points fed hostile input.

callflow promises three things (docs/errors.md, docs/calls.md, docs/tickets.md):

1. every error it raises on bad input is a :class:`~callflow.CallflowError`;
2. a refused call on a stateful object (a call's event, a ticket's move...)
   leaves it exactly as it was;
3. a caller sees only their own records.

This module is the machinery that checks them, shared by ``tests/test_fuzz.py``
(a few thousand Hypothesis cases, each failure shrunk to a minimal
reproduction) and ``benchmarks/fuzz.py`` (100,000 library calls or more,
counted per entry point). It lives in ``tests/`` next to ``strategies.py``,
whose strategies it reuses; the benchmark puts the repository root on
``sys.path`` and imports it as ``tests.fuzzing``.

- **Entry points are discovered, not listed** (:func:`discover`): every name
  in ``callflow.__all__`` and in the ``__all__`` of every public module
  (``callflow.<module>``, no leading ``_``); for each class its constructor
  and class methods and, on real instances (:data:`INSTANCES`, else one built
  from its signature), its public methods and properties. A new public
  function or method is fuzzed without editing this file; the names left out
  are in :data:`EXEMPT`, each with its reason.
- **Arguments** are drawn per parameter from three pools: a valid value
  (inferred from the parameter's name, its owner and its annotation), an
  edge value for its type (:func:`edges_for`: times at the ends of the
  calendar, ``timedelta.max``, a past timeframe, a closed ticket...) and the
  type-blind :data:`HOSTILE` pool (None, nan, huge and deeply nested data,
  naive datetimes, bare tzinfos, wrong callflow objects, objects whose
  ``__eq__``/``__hash__``/``__bool__``/``__str__`` raise, iterators...). One
  argument is bad at a time, sometimes more; every draw shrinks towards
  "valid" and towards the simplest value.
- **Choices** go through a :class:`Chooser`: :class:`DrawChooser` draws them
  with Hypothesis (failures shrink), :class:`RandomChooser` with
  :mod:`random` (fast, for the benchmark). The same generators serve both.
- **Outcomes** (:class:`Outcome`) of one library call, judged by
  :func:`attempt`: accepted; refused (a ``CallflowError``); escape (any other
  exception, ``RecursionError`` included, reported with its innermost
  callflow frame); hang (over :data:`LIMIT`: a ``SIGALRM`` watchdog
  interrupts it); changed (refused, but a watched object's state differs:
  every stateful object a case makes is snapshotted through its public
  fields, properties and items before the call, and compared after a
  refusal); leak (a record of another caller returned or recorded, or an
  account given to a party that is not a verified call).
"""

import contextlib
import copy
import enum
import importlib
import inspect
import itertools
import json
import pkgutil
import random
import signal
import traceback
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from time import perf_counter
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from tests.strategies import event_args, legal_paths

import callflow
from callflow import (
    DEFAULT_MATRIX,
    LIFECYCLE,
    PROCEDURE,
    AccessDeniedError,
    Agent,
    AlwaysOpen,
    BusinessCalendar,
    Call,
    CallbackHours,
    CallbackWindow,
    Caller,
    CallflowError,
    Desk,
    Escalation,
    EscalationPolicy,
    ManualClock,
    MemoryTicketBook,
    Note,
    NoteTopic,
    NotFoundError,
    PhoneMessage,
    PromiseKind,
    PromiseLedger,
    QualityPolicy,
    RepeatFailurePolicy,
    RuleBreach,
    SlaClock,
    SlaPolicy,
    Stage,
    Target,
    TargetKind,
    Thresholds,
    Ticket,
    TicketStatus,
    ValidationError,
    WorkOrder,
    open_ticket,
)
from callflow.audit import Context, Participant, Transcript, TranscriptEvent, Turn
from callflow.records import EventRecord

__all__ = [
    "EXEMPT",
    "HOSTILE",
    "INSTANCES",
    "LIMIT",
    "BrokenPromiseError",
    "Chooser",
    "DrawChooser",
    "Entry",
    "EverythingBook",
    "Outcome",
    "RandomChooser",
    "Result",
    "Tally",
    "World",
    "attempt",
    "book_readers",
    "calendar_case",
    "check",
    "discover",
    "edges_for",
    "entry_case",
    "leak_case",
    "loader_case",
    "loaders",
    "parser_case",
    "parsers",
    "property_results",
    "replay_case",
    "run_story",
]

LIMIT = 1.0
"""Seconds one library call may take; past it the watchdog interrupts it as a hang."""

# -- outcomes ----------------------------------------------------------------------------


class Outcome(enum.Enum):
    """What one library call did with its input."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    ESCAPE = "escape"
    HANG = "hang"
    CHANGED = "changed"
    LEAK = "leak"


FAILURES = frozenset({Outcome.ESCAPE, Outcome.HANG, Outcome.CHANGED, Outcome.LEAK})
_LIBRARY = Path(callflow.__file__).resolve().parent


@dataclass
class Result:
    """One library call, judged.

    Attributes:
        entry: the entry point's qualified name (``callflow.call.Call.listen``).
        outcome: what happened.
        repro: the call as code-like text, with how its receiver was made.
        error_type: the exception's type name (for a contract breach, with the
            contract: ``"InvalidTransitionError (contract: ValidationError)"``).
        origin: where the exception came from: the innermost frame in callflow.
        site: the outermost frame in callflow (where a refusal left its state).
        detail: the exception's message, the state difference or the leaked record.
        changed: whether a watched object's state changed (for an escape too).
    """

    entry: str
    outcome: Outcome
    repro: str
    error: BaseException | None = None
    error_type: str = ""
    origin: str = ""
    site: str = ""
    detail: str = ""
    seconds: float = 0.0
    changed: bool = False

    @property
    def failed(self) -> bool:
        """Whether the call broke one of the promises."""
        return self.outcome in FAILURES

    def describe(self) -> str:
        """A failure report: what broke, the reproduction, the error and where it came from."""
        lines = [f"{self.outcome.value.upper()} in {self.entry}"]
        if self.error is not None:
            lines.append(f"exception: {self.error_type}: {_short(_safe_str(self.error), 300)}")
        if self.origin:
            lines.append(f"origin: {self.origin}")
        if self.site and self.site != self.origin:
            lines.append(f"called from: {self.site}")
        if self.detail:
            lines.append(f"detail: {_short(self.detail, 600)}")
        lines += ["reproduction:", *("    " + line for line in self.repro.splitlines())]
        return "\n".join(lines)


class BrokenPromiseError(AssertionError):
    """A broken promise, raised by :func:`check` with the minimal reproduction as its message."""


def check(result: Result) -> None:
    """Raise :class:`BrokenPromiseError`, chained to the library's error, if ``result`` failed."""
    if result.failed:
        if result.error is not None:
            # The library's frames hold the case's values (lists nested 5,000 deep...):
            # a failure kept by the test runner must not keep them alive.
            traceback.clear_frames(result.error.__traceback__)
        raise BrokenPromiseError(result.describe()) from result.error


def _repr(value: object, limit: int = 120) -> str:
    """``repr(value)``, shortened; never raises (a huge int or a deep list has no repr)."""
    try:
        return _short(repr(value), limit)
    except Exception as error:
        return f"<{type(value).__name__} whose repr raised {type(error).__name__}>"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 20] + f"... ({len(text)} chars)"


def _frames(error: BaseException) -> tuple[str, str]:
    """The innermost and outermost frames of ``error``'s traceback that are callflow's own."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [f for f in frames if Path(f.filename).resolve().is_relative_to(_LIBRARY)]
    generated = [f for f in frames if f.filename.startswith("<attrs generated")]
    if mine:
        inner, outer = mine[-1], mine[0]
        return _where(inner), _where(outer)
    if generated:
        return generated[-1].filename.strip("<>"), ""
    return (_where(frames[-1]) if frames else "?"), ""


def _where(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename).resolve()
    name = path.relative_to(_LIBRARY.parent) if path.is_relative_to(_LIBRARY) else path.name
    return f"{name}:{frame.lineno} in {frame.name}"


# -- the watchdog ------------------------------------------------------------------------


class _Overtime(BaseException):
    """Raised by the watchdog inside a library call that ran past its time.

    A BaseException, so that no ``except Exception`` in the library swallows it.
    """


_ARMED: list[bool] = [False]


def _alarm(signum: int, frame: object) -> None:
    if _ARMED[0]:
        raise _Overtime


@contextlib.contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`_Overtime` after ``seconds`` (main thread, Unix).

    The alarm repeats every 50 ms until the block ends: Python swallows an
    exception raised while a garbage-collector callback runs, so one alarm
    may be lost in a long loop that allocates.
    """
    previous = signal.signal(signal.SIGALRM, _alarm)
    _ARMED[0] = True
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        _ARMED[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_HUNG: dict[str, str] = {}
"""Reproductions that hung once, with where: the same input is not run (and waited for) again."""
_NOT_RERUN: list[int] = [0]


def hangs_not_rerun() -> int:
    """How many hangs were counted without running their input again (it hung before)."""
    return _NOT_RERUN[0]


def attempt(
    entry: str,
    run: Callable[[], object],
    *,
    repro: str,
    watched: Sequence[object] = (),
    contract: tuple[type[BaseException], ...] | None = None,
    aftercare: bool = True,
    leak_check: Callable[[object], str | None] | None = None,
) -> Result:
    """Run one library call under the watchdog and judge it.

    Args:
        entry: the entry point's name, for the tally.
        run: makes the call; its return value is the call's result.
        repro: the call as text.
        watched: stateful objects whose state a refusal must leave as it was.
        contract: where an entry point documents narrower errors than
            ``CallflowError`` (``Call.replay`` raises ``ValidationError``...),
            the types it may raise.
        aftercare: for an accepted call returning a callflow object, read its
            properties and call its methods that need no argument: an accepted
            value must not leave a broken object behind (``clock="now"``).
        leak_check: given the result, names a record of another caller in it.
    """
    if repro in _HUNG:
        _NOT_RERUN[0] += 1
        return Result(
            entry,
            Outcome.HANG,
            repro,
            error_type="hang",
            origin=_HUNG[repro],
            seconds=LIMIT,
            detail=f"interrupted after {LIMIT} s (this input hung before: not run again)",
        )
    before = snapshot(watched)
    start = perf_counter()
    try:
        with watchdog(LIMIT):
            value = run()
    except _Overtime as error:
        origin, site = _frames(error)
        _HUNG[repro] = origin
        return Result(
            entry,
            Outcome.HANG,
            repro,
            error_type="hang",
            origin=origin,
            site=site,
            seconds=perf_counter() - start,
            detail=f"interrupted after {LIMIT} s",
        )
    except (Exception, SystemExit) as error:
        return _judge_error(entry, error, repro, before, watched, contract, perf_counter() - start)
    seconds = perf_counter() - start
    if aftercare:
        broken = _aftercare(value)
        if broken is not None:
            what, error = broken
            if isinstance(error, _Overtime):
                _HUNG[repro] = _frames(error)[0]
                return Result(
                    entry,
                    Outcome.HANG,
                    repro + f"\n# then {what}",
                    error_type="hang",
                    origin=_HUNG[repro],
                    seconds=seconds,
                    detail=f"accepted, then {what} hung",
                )
            origin, site = _frames(error)
            return Result(
                entry,
                Outcome.ESCAPE,
                repro + f"\n# then {what}",
                error,
                type(error).__name__,
                origin,
                site,
                f"accepted, then {what} raised {type(error).__name__}: "
                f"{_short(_safe_str(error), 200)}",
                seconds,
            )
    if leak_check is not None:
        leaked = leak_check(value)
        if leaked is not None:
            return Result(entry, Outcome.LEAK, repro, detail=leaked, seconds=seconds)
    return Result(entry, Outcome.ACCEPTED, repro, seconds=seconds)


def _judge_error(
    entry: str,
    error: BaseException,
    repro: str,
    before: object,
    watched: Sequence[object],
    contract: tuple[type[BaseException], ...] | None,
    seconds: float,
) -> Result:
    origin, site = _frames(error)
    changed = difference(before, snapshot(watched))
    kind = type(error).__name__
    message = _short(_safe_str(error), 300)
    if isinstance(error, CallflowError):
        if contract is not None and not isinstance(error, contract):
            names = " or ".join(c.__name__ for c in contract)
            return Result(
                entry,
                Outcome.ESCAPE,
                repro,
                error,
                f"{kind} (contract: {names})",
                origin,
                site,
                message,
                seconds,
                changed is not None,
            )
        if changed is not None:
            return Result(
                entry,
                Outcome.CHANGED,
                repro,
                error,
                kind,
                origin,
                site,
                f"refused with {kind} ({message}) after changing {changed}",
                seconds,
                True,
            )
        return Result(entry, Outcome.REFUSED, repro, error, kind, origin, site, message, seconds)
    detail = message if changed is None else f"{message}; and it changed {changed}"
    return Result(
        entry,
        Outcome.ESCAPE,
        repro,
        error,
        kind,
        origin,
        site,
        detail,
        seconds,
        changed is not None,
    )


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception as error:  # a message that cannot be shown (a huge int, a deep list)
        return f"<str() raised {type(error).__name__}>"


def _aftercare(value: object) -> tuple[str, BaseException] | None:
    """The first non-callflow error from using an accepted call's result, if any."""
    if inspect.isgenerator(value) and "callflow" in value.gi_code.co_filename:
        # A lazy reader (iter_transcripts): its errors come as it is read, so it is read.
        try:
            with watchdog(LIMIT):
                for _ in itertools.islice(value, 1_000):
                    pass
        except CallflowError:
            pass
        except Exception as error:
            return "reading the result", error
        except _Overtime as error:
            return "reading the result", error
        finally:
            value.close()
        return None
    objects = list(value[:3]) if isinstance(value, tuple) else [value]
    for obj in objects:
        if not _is_callflow_object(obj):
            continue
        cls = type(obj)
        try:
            with watchdog(LIMIT):
                for name in _properties(cls):
                    try:
                        getattr(obj, name)
                    except CallflowError:
                        pass
                    except Exception as error:
                        return f"result.{name}", error
                for name in _zero_argument_methods(cls):
                    try:
                        getattr(obj, name)()
                    except CallflowError:
                        pass
                    except Exception as error:
                        return f"result.{name}()", error
        except _Overtime as error:
            return "using the result", error
    return None


# -- choosers ----------------------------------------------------------------------------


class Chooser:
    """Where a generator's choices come from. Index 0 is always the simplest choice."""

    def below(self, n: int) -> int:
        """An index in ``range(n)``."""
        raise NotImplementedError

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``; ``low`` is the simplest."""
        raise NotImplementedError

    def weighted(self, weights: Sequence[int]) -> int:
        """An index, drawn in proportion to ``weights``."""
        total = self.below(sum(weights))
        for index, weight in enumerate(weights):
            if total < weight:
                return index
            total -= weight
        raise AssertionError("unreachable")

    def flag(self, chance: float = 0.5) -> bool:
        """True with probability ``chance``; False is the simplest."""
        return self.below(100) >= round(100 * (1 - chance))

    def pick(self, items: Sequence[Any]) -> Any:
        """One of ``items``; the first is the simplest."""
        return items[self.below(len(items))]

    def strategy(self, strategy: SearchStrategy[Any], fallback: Callable[["Chooser"], Any]) -> Any:
        """A value of ``strategy`` (Hypothesis), or ``fallback(self)`` (random)."""
        raise NotImplementedError


class RandomChooser(Chooser):
    """Choices from :mod:`random`: fast, for the benchmark."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def below(self, n: int) -> int:
        return self.rng.randrange(n)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def strategy(self, strategy: SearchStrategy[Any], fallback: Callable[[Chooser], Any]) -> Any:
        return fallback(self)


class DrawChooser(Chooser):
    """Choices drawn by Hypothesis (from ``st.data()``), so a failure shrinks to its simplest."""

    def __init__(self, draw: Callable[[SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def below(self, n: int) -> int:
        return int(self.draw(st.integers(min_value=0, max_value=n - 1)))

    def integer(self, low: int, high: int) -> int:
        return int(self.draw(st.integers(min_value=low, max_value=high)))

    def strategy(self, strategy: SearchStrategy[Any], fallback: Callable[[Chooser], Any]) -> Any:
        # Half the time the repository's own strategies, half the time ours.
        return self.draw(strategy) if self.flag() else fallback(self)


# -- the world a case runs in ------------------------------------------------------------

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
"""A time after anything the fixtures do (they move the clock by minutes)."""
OWN_ID, OWN_ASSET = "E-OWN", "PC-OWN"
OTHER_ID, OTHER_ASSET = "E-OTHER", "PC-OTHER"
FOREIGN_PREFIX = "X-"
"""Other callers' tickets are numbered X-000001...: any "X-0" in what a caller gets is a leak."""
NOTE = "Printer jams on tray 2 only; tray 1 prints fine."
LONG_TEXTS = {
    "problem": "The printer on floor 2 jams on every page",
    "step": "Checked the paper tray in drawer 2",
    "result": "Correct paper, tray not overfilled",
    "label": "printer/paper-feed",
    "plan": "Replace the worn feed roller from the spares kit",
    "action": "Replaced the roller; printed a test page cleanly",
}


class EverythingBook:
    """A careless custom :class:`~callflow.TicketBook`: every query returns every ticket it has.

    ``get`` returns the ticket with that number if there is one, else any
    other caller's ticket. Holds the caller's own book and another caller's.
    """

    def __init__(self, own: MemoryTicketBook, foreign: MemoryTicketBook) -> None:
        self.own, self.foreign = own, foreign

    def __repr__(self) -> str:
        return "EverythingBook(own, foreign)"

    def __iter__(self) -> Iterator[Ticket]:
        return itertools.chain(self.own, self.foreign)

    def add(self, ticket: Ticket) -> None:
        self.own.add(ticket)

    def get(self, number: str) -> Ticket:
        for ticket in self:
            if ticket.number == number:
                return ticket
        return next(iter(self.foreign))

    def new_number(self) -> str:
        return self.own.new_number()

    def tickets_of_caller(self, user_id: str) -> Sequence[Ticket]:
        return tuple(self)

    def tickets_of_unit(self, asset_tag: str) -> Sequence[Ticket]:
        return tuple(self)


CALL_RECIPES: dict[str, tuple[str, ...]] = {
    "ringing": (),
    "greeting": ("answer",),
    "verified": ("answer", "identify"),
    "venting": ("answer", "identify", "listen", "categorise"),
    "troubleshooting": ("answer", "identify", "listen", "categorise", "troubleshoot"),
    "diagnosis": ("answer", "identify", "listen", "categorise", "troubleshoot", "diagnose"),
    "resolution": (
        "answer",
        "identify",
        "listen",
        "categorise",
        "troubleshoot",
        "diagnose",
        "propose",
    ),
    "implemented": (
        "answer",
        "identify",
        "listen",
        "categorise",
        "troubleshoot",
        "diagnose",
        "propose",
        "implement",
    ),
    "goodbye": (
        "answer",
        "identify",
        "listen",
        "categorise",
        "troubleshoot",
        "diagnose",
        "propose",
        "implement",
        "goodbye",
    ),
    "ended": (
        "answer",
        "identify",
        "listen",
        "categorise",
        "troubleshoot",
        "diagnose",
        "propose",
        "implement",
        "goodbye",
        "hang_up",
    ),
    "on hold": ("answer", "identify", "hold"),
    "follow-up": ("answer", "identify", "follow_up"),
    "abandoned": ("answer", "abandon"),
}
"""Calls in each stage, as scripts a strict call accepts ("categorise": the ticket gets filled)."""


class World:
    """Everything one case uses, made fresh for it: nothing is shared between cases.

    Stateful objects it makes are kept in :attr:`watched`, whose state a
    refused call must not change.
    """

    def __init__(self) -> None:
        self.clock = ManualClock(T0)
        self.agent = Agent(name="Bill", organisation="ACME Corp")
        self.caller = Caller(name="Ana Souza", user_id=OWN_ID)
        self.other = Caller(name="Eve Other", user_id=OTHER_ID)
        self.watched: list[object] = [self.clock]
        self.subject: Any = None  # the object a case calls a method of, if any
        self._made: dict[str, Any] = {}

    def keep(self, obj: Any) -> Any:
        """Watch ``obj`` (a stateful object made for the case); return it."""
        if all(obj is not other for other in self.watched):
            self.watched.append(obj)
        return obj

    def _once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    @property
    def book(self) -> MemoryTicketBook:
        """The desk's book, with two earlier tickets of the caller (T-000001 open, T-000002 resolved)."""  # noqa: E501

        def make() -> MemoryTicketBook:
            book = self.keep(MemoryTicketBook())
            first = self._log(book, self.caller, OWN_ASSET)
            first.open(by="Bill")
            second = self._log(book, self.caller, OWN_ASSET)
            second.open(by="Bill")
            second.resolve("Replaced the roller; printed a test page cleanly", by="Bill")
            return book

        return self._once("book", make)

    @property
    def foreign(self) -> MemoryTicketBook:
        """Another caller's tickets, numbered X-000001..."""

        def make() -> MemoryTicketBook:
            book = self.keep(MemoryTicketBook(prefix=FOREIGN_PREFIX))
            self._log(book, self.other, OTHER_ASSET).open(by="Bill")
            self._log(book, self.other, "PC-ELSEWHERE")
            self._log(book, Caller("Nobody Known"), OTHER_ASSET)
            return book

        return self._once("foreign", make)

    @property
    def everything(self) -> EverythingBook:
        """A book whose every query returns every ticket, the caller's and others'."""
        return self._once("everything", lambda: EverythingBook(self.book, self.foreign))

    @property
    def ledger(self) -> PromiseLedger:
        """A ledger with two promises: P1 open, P2 kept."""

        def make() -> PromiseLedger:
            ledger = self.keep(PromiseLedger())
            ledger.promise(
                "callback",
                "Ana Souza",
                "a callback about the printer",
                made_at=T0,
                due=timedelta(hours=4),
                made_by="Bill",
            )
            ledger.promise("status_update", "Ana Souza", "an update", made_at=T0, due=T0)
            ledger.keep("P2", T0)
            return ledger

        return self._once("ledger", make)

    def _log(
        self, book: MemoryTicketBook, caller: Caller, asset: str, category: str = "hardware"
    ) -> Ticket:
        return open_ticket(
            book,
            caller,
            clock=self.clock,
            description=LONG_TEXTS["problem"],
            category=category,
            asset_tag=asset,
            impact="medium",
            urgency="high",
            created_by="Bill",
        )

    def ticket(self, status: str = "open") -> Ticket:
        """A fresh ticket of the caller, in the book, in ``status``."""
        ticket = self.keep(self._log(self.book, self.caller, OWN_ASSET))
        if status == "new":
            return ticket
        ticket.open(by="Bill")
        ticket.note("Checked the paper tray in drawer 2", by="Bill", topic=NoteTopic.TRIED)
        if status == "pending":
            ticket.pend("the caller, who is away until Monday", by="Bill")
        elif status == "escalated":
            ticket.escalate(self.escalation(ticket.number), by="Bill")
        elif status in ("resolved", "closed"):
            ticket.resolve("Replaced the roller; printed a test page cleanly", by="Bill")
            if status == "closed":
                ticket.close(by="Bill")
        elif status == "promised":
            ticket.promise(PromiseKind.CALLBACK, "a callback", timedelta(hours=2), by="Bill")
        return ticket

    def ticket_number(self) -> str:
        """The number an escalation for the case's subject names (its ticket's, else T-000001)."""
        subject = self.subject
        if isinstance(subject, Call) and subject.ticket_number is not None:
            return subject.ticket_number
        if isinstance(subject, Ticket):
            return subject.number
        return "T-000001"

    def foreign_ticket(self) -> Ticket:
        """A ticket of another caller."""
        return self.keep(self.foreign.get("X-000001"))

    def escalation(self, ticket: str | None = "T-000001", **changes: Any) -> Escalation:
        """An escalation that owes the caller nothing (CF601, CF602, CF604)."""
        fields: dict[str, Any] = {
            "ticket": ticket,
            "next_steps": "a technician checks the switch",
            "timeframe": timedelta(hours=4),
            "read_back": True,
        }
        fields.update(changes)
        return Escalation(Target("Network team"), "the switch in room 4 is down", **fields)

    def message(self, **changes: Any) -> PhoneMessage:
        """A complete phone message (CF1001-CF1004 all met)."""
        fields: dict[str, Any] = {
            "caller_name": "Marco Bianchi",
            "for_whom": "Maria Rossi",
            "organisation": "Acme Ltda",
            "phone": "+44 20 7946 0018",
            "text": "Please call back about the invoice",
            "urgency": "high",
            "caller_zone": "Europe/London",
            "taken_at": T0,
            "callback": "tomorrow morning",
            "taken_by": "Bill",
            "read_back": True,
        }
        fields.update(changes)
        return PhoneMessage(**fields)

    def work_order(self, ticket: str = "T-000001") -> WorkOrder:
        """A work order dispatched for ``ticket``, not yet done."""
        return self.keep(
            WorkOrder(
                number="WO-1",
                ticket=ticket,
                supervisor="Dana",
                technician="Luis",
                instructions="Replace the pick-up roller",
                dispatched_at=T0,
            )
        )

    def call(self, recipe: str = "verified", mode: str = "strict", setup: str = "book") -> Call:
        """A call driven through ``recipe`` (see :data:`CALL_RECIPES`).

        Args:
            setup: ``"book"`` (a ticket book and a promise ledger), ``"bare"``
                (neither), ``"desk"`` (a book and a ledger, on a two-line
                desk) or ``"everything"`` (a book that returns every ticket).
        """
        book: Any = None
        if setup in ("book", "desk"):
            book = self.book
        elif setup == "everything":
            book = self.everything
        ledger = None if setup == "bare" else self.ledger
        if setup == "desk":
            desk = self.keep(
                Desk(self.agent, lines=2, mode=mode, clock=self.clock, book=book, promises=ledger)
            )
            call = desk.ring(call_id="line-1")
        else:
            call = Call(
                agent=self.agent,
                mode=mode,
                clock=self.clock,
                book=book,
                promises=ledger,
                call_id="call-1",
            )
        self.keep(call)
        for step in CALL_RECIPES[recipe]:
            self.clock.advance(seconds=5)
            self.script(call, step)
        if call.ticket is not None:
            self.keep(call.ticket)
        return call

    def script(self, call: Call, step: str) -> None:
        """One scripted step of a call (valid in strict mode)."""
        if step == "identify":
            call.identify(self.caller, verified=True)
        elif step == "categorise" and call.ticket is not None:
            call.ticket.update(
                category="hardware", asset_tag=OWN_ASSET, impact="low", urgency="high", by="Bill"
            )
        elif step in ("listen", "diagnose", "propose", "implement"):
            getattr(call, step)(
                LONG_TEXTS[
                    {"listen": "problem", "diagnose": "label"}.get(
                        step, "plan" if step == "propose" else "action"
                    )
                ]
            )
        elif step == "troubleshoot":
            call.troubleshoot(LONG_TEXTS["step"], result=LONG_TEXTS["result"])
        elif step == "goodbye":
            call.goodbye(resolution_confirmed=True, anything_else_asked=True)
        elif step == "hold":
            call.hold(reason="checking the error log", asked_permission=True, words="Please hold.")
        elif step == "follow_up":
            call.follow_up("T-000001")
        elif step != "categorise":
            getattr(call, step)()

    def desk(self) -> Desk:
        """A two-line desk: line-1 held, line-2 ringing."""
        desk = self.keep(
            Desk(self.agent, lines=2, clock=self.clock, book=self.book, promises=self.ledger)
        )
        first = self.keep(desk.ring(call_id="line-1"))
        first.answer()
        first.hold(reason="another call is ringing", asked_permission=True)
        self.keep(desk.ring(call_id="line-2"))
        return desk


# -- hostile values ----------------------------------------------------------------------


class HostileDunderError(Exception):
    """Raised by a hostile value's dunder method: the library used the value unchecked."""


class _Hostile:
    """An object whose named dunder methods raise :class:`HostileDunderError`."""

    def __init__(self, *dunders: str) -> None:
        self._dunders = frozenset(dunders)

    def __repr__(self) -> str:
        return f"Hostile({', '.join(sorted(self._dunders))})"

    def _check(self, name: str) -> None:
        if name in self._dunders:
            raise HostileDunderError(f"{self!r}.{name} was called")

    def __eq__(self, other: object) -> bool:
        self._check("__eq__")
        return self is other

    def __ne__(self, other: object) -> bool:
        self._check("__eq__")
        return self is not other

    def __hash__(self) -> int:
        self._check("__hash__")
        return id(self)

    def __bool__(self) -> bool:
        self._check("__bool__")
        return True

    def __str__(self) -> str:
        self._check("__str__")
        return "hostile"

    def __lt__(self, other: object) -> bool:
        self._check("__lt__")
        return NotImplemented


class _RaisingZone(tzinfo):
    """A tzinfo whose every method raises."""

    def __repr__(self) -> str:
        return "RaisingZone()"

    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise HostileDunderError("RaisingZone.utcoffset was called")

    def dst(self, dt: datetime | None) -> timedelta:
        raise HostileDunderError("RaisingZone.dst was called")

    def tzname(self, dt: datetime | None) -> str:
        raise HostileDunderError("RaisingZone.tzname was called")


class _FarZone(tzinfo):
    """A tzinfo whose offset is 30 hours (Python allows under 24)."""

    def __repr__(self) -> str:
        return "FarZone()"

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=30)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta()


def _nested_list(depth: int) -> list[Any]:
    root: list[Any] = []
    current = root
    for _ in range(depth):
        child: list[Any] = []
        current.append(child)
        current = child
    return root


def _nested_dict(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    current = root
    for _ in range(depth):
        child: dict[str, Any] = {}
        current["a"] = child
        current = child
    return root


@dataclass(frozen=True)
class Value:
    """A value for an argument: its label in reproductions and how to make it fresh."""

    label: str
    make: Callable[["World"], Any]


def _lit(label: str, value: Any) -> Value:
    return Value(label, lambda w: value)


def _fresh(label: str, make: Callable[[], Any]) -> Value:
    return Value(label, lambda w: make())


DEEP = 5_000
"""Deep enough for any recursion (the limit is 1,000), shallow enough to keep cases fast."""
_HOSTILE: tuple[tuple[Value, int], ...] = (
    (_lit("None", None), 6),
    (_lit("True", True), 2),
    (_lit("False", False), 2),
    (_lit("0", 0), 2),
    (_lit("-1", -1), 2),
    (_lit("2**64", 2**64), 1),
    (_lit("10**5000", 10**5000), 1),
    (_lit("float('nan')", float("nan")), 2),
    (_lit("float('inf')", float("inf")), 1),
    (_lit("-0.0", -0.0), 1),
    (_lit("''", ""), 3),
    (_lit("'   '", "   "), 2),
    (_lit("'now'", "now"), 2),
    (_lit("'Ünïcødé ☎ 𝔘\\u200b'", "Ünïcødé ☎ 𝔘\u200b"), 2),
    (_lit("'\\x00'", "\x00"), 1),
    (_lit("'\\ud800'", "\ud800"), 1),
    (_lit("'x' * 100_000", "x" * 100_000), 1),
    (_lit("b'bytes'", b"bytes"), 2),
    (_fresh("[]", list), 3),
    (_fresh("[1, 'a', None]", lambda: [1, "a", None]), 2),
    (_fresh("{}", dict), 2),
    (_fresh("{'a': 1}", lambda: {"a": 1}), 2),
    (_fresh("{1: 'x'}", lambda: {1: "x"}), 2),
    (_fresh("{1: 'x', 'a': 2}", lambda: {1: "x", "a": 2}), 1),
    (_fresh("{1, 2}", lambda: {1, 2}), 1),
    (_fresh("[[...]] nested 50 deep", lambda: _nested_list(50)), 1),
    (_fresh(f"[[...]] nested {DEEP} deep", lambda: _nested_list(DEEP)), 1),
    (_fresh(f"{{'a': {{...}}}} nested {DEEP} deep", lambda: _nested_dict(DEEP)), 1),
    (_lit("datetime(2026, 3, 2, 9, 0) (naive)", datetime(2026, 3, 2, 9, 0)), 3),
    (
        _lit(
            "datetime(1, 1, 1, tzinfo=+05:00)",
            datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        ),
        2,
    ),
    (
        _lit(
            "datetime(9999, 12, 31, 23, 59, tzinfo=-05:00)",
            datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        ),
        2,
    ),
    (_lit("datetime.min (UTC)", datetime.min.replace(tzinfo=UTC)), 1),
    (_lit("datetime.max (UTC)", datetime.max.replace(tzinfo=UTC)), 1),
    (_lit("datetime(2026, 3, 2, tzinfo=tzinfo())", datetime(2026, 3, 2, tzinfo=tzinfo())), 1),
    (
        _lit(
            "datetime(2026, 3, 2, tzinfo=RaisingZone())",
            datetime(2026, 3, 2, tzinfo=_RaisingZone()),
        ),
        1,
    ),
    (_lit("date(2026, 3, 2)", date(2026, 3, 2)), 1),
    (_lit("time(9)", time(9)), 1),
    (_lit("timedelta.max", timedelta.max), 2),
    (_lit("timedelta.min", timedelta.min), 1),
    (_lit("timedelta(seconds=-1)", timedelta(seconds=-1)), 1),
    (_lit("timedelta(0)", timedelta(0)), 1),
    (_lit("timedelta(days=10**6)", timedelta(days=10**6)), 1),
    (_lit("tzinfo()", tzinfo()), 2),
    (_lit("RaisingZone()", _RaisingZone()), 1),
    (Value("<a Ticket>", lambda w: w.ticket()), 2),
    (Value("<a Call>", lambda w: w.call("verified")), 2),
    (Value("<a Caller>", lambda w: w.caller), 1),
    (Value("<a PromiseLedger>", lambda w: w.ledger), 1),
    (Value("<a MemoryTicketBook>", lambda w: w.book), 1),
    (Value("<an Escalation>", lambda w: w.escalation()), 1),
    (Value("<a PhoneMessage>", lambda w: w.message()), 1),
    (Value("<a WorkOrder>", lambda w: w.work_order()), 1),
    (_lit("Stage.GREETING", Stage.GREETING), 1),
    (_lit("TicketStatus.CLOSED", TicketStatus.CLOSED), 1),
    (_lit("RuleBreach('CF901', 'm')", RuleBreach("CF901", "m")), 1),
    (_fresh("Hostile(__eq__)", lambda: _Hostile("__eq__")), 1),
    (_fresh("Hostile(__hash__)", lambda: _Hostile("__hash__")), 1),
    (_fresh("Hostile(__bool__)", lambda: _Hostile("__bool__")), 1),
    (_fresh("Hostile(__str__)", lambda: _Hostile("__str__")), 1),
    (
        _fresh(
            "Hostile(__eq__, __hash__, __bool__, __str__, __lt__)",
            lambda: _Hostile("__eq__", "__hash__", "__bool__", "__str__", "__lt__"),
        ),
        1,
    ),
    (_fresh("(x for x in ['a', 'b'])", lambda: (x for x in ["a", "b"])), 1),
    (_fresh("iter([])", lambda: iter([])), 1),
    (_lit("object()", object()), 1),
    (_lit("int (the type)", int), 1),
    (_lit("lambda: 'now'", lambda: "now"), 1),
)
HOSTILE: tuple[Value, ...] = tuple(value for value, _ in _HOSTILE)
"""The type-blind pool, simplest first."""
_HOSTILE_WEIGHTS = tuple(weight for _, weight in _HOSTILE)


def hostile(chooser: Chooser) -> Value:
    """A value from :data:`HOSTILE` (the exotic ones drawn less often)."""
    return HOSTILE[chooser.weighted(_HOSTILE_WEIGHTS)]


# -- edge values, by type ----------------------------------------------------------------

_PLUS5, _MINUS5 = timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))
EDGE_DATETIMES: tuple[Value, ...] = (
    _lit("datetime(2026, 3, 2, 9, 0) (naive)", datetime(2026, 3, 2, 9, 0)),
    _lit("datetime(1, 1, 1, tzinfo=+05:00)", datetime(1, 1, 1, tzinfo=_PLUS5)),
    _lit(
        "datetime(9999, 12, 31, 23, 59, tzinfo=-05:00)",
        datetime(9999, 12, 31, 23, 59, tzinfo=_MINUS5),
    ),
    _lit("datetime.min (UTC)", datetime.min.replace(tzinfo=UTC)),
    _lit("datetime.max (UTC)", datetime.max.replace(tzinfo=UTC)),
    _lit("clock.EARLIEST", callflow.clock.EARLIEST),
    _lit("clock.LATEST", callflow.clock.LATEST),
    _lit("datetime(1, 12, 31, 23, 59, tzinfo=UTC)", datetime(1, 12, 31, 23, 59, tzinfo=UTC)),
    _lit("datetime(9998, 12, 31, 12, 0, tzinfo=UTC)", datetime(9998, 12, 31, 12, tzinfo=UTC)),
    _lit("datetime(2020, 1, 1, tzinfo=UTC) (in the past)", datetime(2020, 1, 1, tzinfo=UTC)),
    _lit(
        "datetime(2026, 3, 29, 1, 30, tzinfo=Europe/London) (skipped by DST)",
        datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/London")),
    ),
    _lit("datetime(2026, 3, 2, tzinfo=tzinfo())", datetime(2026, 3, 2, tzinfo=tzinfo())),
    _lit("datetime(2026, 3, 2, tzinfo=RaisingZone())", datetime(2026, 3, 2, tzinfo=_RaisingZone())),
    _lit("datetime(2026, 3, 2, tzinfo=FarZone())", datetime(2026, 3, 2, tzinfo=_FarZone())),
)
EDGE_TIMEDELTAS: tuple[Value, ...] = (
    _lit("timedelta.max", timedelta.max),
    _lit("timedelta.min", timedelta.min),
    _lit("timedelta(seconds=-1)", timedelta(seconds=-1)),
    _lit("timedelta(0)", timedelta(0)),
    _lit("timedelta(microseconds=1)", timedelta(microseconds=1)),
    _lit("timedelta(days=3_000_000)", timedelta(days=3_000_000)),
    _lit("timedelta(days=10**6)", timedelta(days=10**6)),
    _lit("timedelta(days=10**4)", timedelta(days=10**4)),
)
EDGE_TEXTS: tuple[Value, ...] = (
    _lit("''", ""),
    _lit("'  '", "  "),
    _lit("'now'", "now"),
    _lit("'X-000001'", "X-000001"),
    _lit("'T-000002'", "T-000002"),
    _lit("'T-404'", "T-404"),
    _lit("'E-OTHER'", OTHER_ID),
    _lit("'Ünïcødé ☎ 𝔘'", "Ünïcødé ☎ 𝔘"),
    _lit("'\\n\\t'", "\n\t"),
    _lit("'x' * 100_000", "x" * 100_000),
)
EDGE_INTS: tuple[Value, ...] = (
    _lit("0", 0),
    _lit("-1", -1),
    _lit("True", True),
    _lit("10**18", 10**18),
    _lit("1.0", 1.0),
    _lit("'1'", "1"),
)
EDGE_FLOATS: tuple[Value, ...] = (
    _lit("float('nan')", float("nan")),
    _lit("float('inf')", float("inf")),
    _lit("float('-inf')", float("-inf")),
    _lit("-0.0", -0.0),
    _lit("0.0", 0.0),
    _lit("1.0", 1.0),
    _lit("1e308", 1e308),
    _lit("True", True),
    _lit("'0.8'", "0.8"),
)
EDGE_FLAGS: tuple[Value, ...] = (
    _lit("1", 1),
    _lit("'yes'", "yes"),
    _lit("None", None),
    _lit("'False'", "False"),
)
EDGE_ZONES: tuple[Value, ...] = (
    _lit("tzinfo()", tzinfo()),
    _lit("RaisingZone()", _RaisingZone()),
    _lit("FarZone()", _FarZone()),
    _lit("'UTC'", "UTC"),
    _lit("'Mars/Olympus_Mons'", "Mars/Olympus_Mons"),
    _lit("'../../etc/passwd'", "../../etc/passwd"),
    _lit("''", ""),
    _lit("'Pacific/Kiritimati'", "Pacific/Kiritimati"),
    _lit("ZoneInfo('Pacific/Apia')", ZoneInfo("Pacific/Apia")),
    _lit("ZoneInfo('Australia/Lord_Howe')", ZoneInfo("Australia/Lord_Howe")),
    _lit("timezone(timedelta(hours=23, minutes=59))", timezone(timedelta(hours=23, minutes=59))),
    _lit("timezone(-timedelta(hours=23, minutes=59))", timezone(-timedelta(hours=23, minutes=59))),
    _lit("'Etc/GMT+12'", "Etc/GMT+12"),
)
EDGE_ITERABLES: tuple[Value, ...] = (
    _lit("'abc' (a string)", "abc"),
    _fresh("[None]", lambda: [None]),
    _fresh("[5]", lambda: [5]),
    _fresh("['']", lambda: [""]),
    _fresh("(x for x in ['admin'])", lambda: (x for x in ["admin"])),
    _lit("5", 5),
)
EDGE_MAPPINGS: tuple[Value, ...] = (
    _fresh("{1: 'x'}", lambda: {1: "x"}),
    _fresh("{'resolve': 5}", lambda: {"resolve": 5}),
    _fresh("{'resolve': ['colour']}", lambda: {"resolve": ["colour"]}),
    _fresh("[('resolve', ['category'])] (a list)", lambda: [("resolve", ["category"])]),
    _fresh("{'nope': []}", lambda: {"nope": []}),
    _fresh("{'resolve': 'category'}", lambda: {"resolve": "category"}),
)


def _calendar(label: str, make: Callable[[], Any]) -> Value:
    return _fresh(label, make)


EDGE_CALENDARS: tuple[Value, ...] = (
    _calendar("BusinessCalendar.weekly(zone='UTC')", lambda: BusinessCalendar.weekly(zone="UTC")),
    _calendar(
        "BusinessCalendar({6: [(time(0, 0, 0), time(0, 0, 1))]}, zone='UTC') (1 s a week)",
        lambda: BusinessCalendar({6: [(time(0, 0, 0), time(0, 0, 1))]}, zone="UTC"),
    ),
    _calendar(
        "BusinessCalendar({6: [(time(1), time(2))]}, zone='Europe/London') (DST gap)",
        lambda: BusinessCalendar({6: [(time(1), time(2))]}, zone="Europe/London"),
    ),
    _calendar(
        "BusinessCalendar.weekly(zone='Pacific/Apia', holidays=<every day of 2026-2030>)",
        lambda: BusinessCalendar.weekly(
            zone="Pacific/Apia",
            holidays=[date(2026, 1, 1) + timedelta(days=n) for n in range(1826)],
        ),
    ),
    _calendar(
        "AlwaysOpen(zone='Pacific/Kiritimati')", lambda: AlwaysOpen(zone="Pacific/Kiritimati")
    ),
)


def _escalation_edges() -> tuple[Value, ...]:
    def make(label: str, **changes: Any) -> Value:
        return Value(
            f"<complete escalation, {label}>",
            lambda w: w.escalation(**({"ticket": w.ticket_number()} | changes)),
        )

    return (
        make("timeframe=datetime(2020, 1, 1) (past)", timeframe=datetime(2020, 1, 1, tzinfo=UTC)),
        make("timeframe=timedelta.max", timeframe=timedelta.max),
        make(
            "timeframe=None, update_every=timedelta.max", timeframe=None, update_every=timedelta.max
        ),
        make("timeframe=clock.LATEST", timeframe=callflow.clock.LATEST),
        make("timeframe=timedelta(microseconds=1)", timeframe=timedelta(microseconds=1)),
        make("timeframe='ASAP'", timeframe="ASAP"),
        make("ticket=None", ticket=None),
        Value("<complete escalation for ticket 'T-999999'>", lambda w: w.escalation("T-999999")),
        Value("manager_request('unhappy')", lambda w: callflow.manager_request("unhappy")),
    )


def _message_edges() -> tuple[Value, ...]:
    window = CallbackWindow(
        datetime(2020, 1, 1, 9, tzinfo=ZoneInfo("Europe/London")),
        datetime(2020, 1, 1, 12, tzinfo=ZoneInfo("Europe/London")),
    )
    late = CallbackWindow(
        datetime(9998, 12, 30, 9, tzinfo=ZoneInfo("Europe/London")),
        datetime(9998, 12, 31, 12, tzinfo=ZoneInfo("Europe/London")),
    )
    return (
        _lit("PhoneMessage()", PhoneMessage()),
        Value(
            "<complete message, callback window over in 2020>", lambda w: w.message(callback=window)
        ),
        Value("<complete message, callback window in 9998>", lambda w: w.message(callback=late)),
        Value(
            "<complete message, taken_at=clock.LATEST>",
            lambda w: w.message(callback=None, taken_at=callflow.clock.LATEST),
        ),
    )


EDGE_CLASSES: dict[type, Callable[[], tuple[Value, ...]]] = {
    Escalation: _escalation_edges,
    PhoneMessage: _message_edges,
    Ticket: lambda: (
        Value("<ticket of another caller>", lambda w: w.foreign_ticket()),
        Value("<closed ticket>", lambda w: w.ticket("closed")),
        Value(
            "<ticket not in the book>",
            lambda w: w.keep(
                Ticket("T-777", w.caller, clock=w.clock, category="hardware", asset_tag=OWN_ASSET)
            ),
        ),
    ),
    Call: lambda: (
        Value("<call, caller not verified>", lambda w: _unverified(w)),
        Value("<ended call>", lambda w: w.call("ended")),
        Value("<ringing call>", lambda w: w.call("ringing")),
    ),
    Caller: lambda: (
        _lit("Caller('Eve Other', user_id='E-OTHER')", Caller("Eve", OTHER_ID)),
        _lit("Caller('No Id')", Caller("No Id")),
    ),
    RepeatFailurePolicy: lambda: (
        _lit(
            "RepeatFailurePolicy(window=timedelta.max)", RepeatFailurePolicy(window=timedelta.max)
        ),
        _lit("RepeatFailurePolicy(tickets=1)", RepeatFailurePolicy(tickets=1)),
    ),
    CallbackHours: lambda: (
        _lit("CallbackHours(at_length=timedelta.max)", CallbackHours(at_length=timedelta.max)),
        _lit("5", 5),
    ),
    SlaPolicy: lambda: tuple(
        Value(f"SlaPolicy(calendar={c.label})", lambda w, c=c: SlaPolicy(calendar=c.make(w)))
        for c in EDGE_CALENDARS[1:3]
    ),
    Thresholds: lambda: (
        _lit("Thresholds(ring_cadence=timedelta.max)", Thresholds(ring_cadence=timedelta.max)),
        _lit(
            "Thresholds(max_hold_silence=timedelta.max)", Thresholds(max_hold_silence=timedelta.max)
        ),
    ),
}


def _unverified(world: World) -> Call:
    call = world.call("greeting")
    call.identify(world.caller, verified=False)
    return call


EDGES_BY_NAME: dict[str, tuple[Value, ...]] = {
    "zone": EDGE_ZONES,
    "caller_zone": EDGE_ZONES,
    "recipient_zone": EDGE_ZONES,
    "mode": (_lit("'lenient'", "lenient"), _lit("'STRICT'", "STRICT"), _lit("0", 0)),
    "impact": (
        _lit("'HIGH'", "HIGH"),
        _lit("' high'", " high"),
        _lit("3", 3),
        _lit("Urgency.HIGH", callflow.Urgency.HIGH),
    ),
    "urgency": (_lit("'HIGH'", "HIGH"), _lit("3", 3), _lit("Impact.HIGH", callflow.Impact.HIGH)),
    "kind": (_lit("'callback '", "callback "), _lit("'TEAM'", "TEAM"), _lit("1", 1)),
    "priority": (_lit("0", 0), _lit("6", 6), _lit("True", True), _lit("'P1'", "P1")),
    "hours": (
        _fresh("{7: []}", lambda: {7: []}),
        _fresh("{0: [(time(9), time(9))]}", lambda: {0: [(time(9), time(9))]}),
        _fresh(
            "{0: [(time(9, tzinfo=UTC), time(17))]}", lambda: {0: [(time(9, tzinfo=UTC), time(17))]}
        ),
        _fresh("{0: '9-17'}", lambda: {0: "9-17"}),
        _fresh(
            "{0: [[time(9), time(17), time(18)]]}", lambda: {0: [[time(9), time(17), time(18)]]}
        ),
        _fresh("{True: [(time(9), time(17))]}", lambda: {True: [(time(9), time(17))]}),
        _fresh("[[]] * 7", lambda: [[]] * 7),
        _fresh("{0: [5]}", lambda: {0: [5]}),
    ),
    "holidays": (
        _fresh("[[2026, 1, 1]]", lambda: [[2026, 1, 1]]),
        _fresh("[datetime(2026, 1, 1)]", lambda: [datetime(2026, 1, 1)]),
        _lit("'2026-01-01'", "2026-01-01"),
        _fresh("[date.min, date.max]", lambda: [date.min, date.max]),
        _fresh("[{}]", lambda: [{}]),
    ),
    "days": (
        _fresh("[7]", lambda: [7]),
        _fresh("[True]", lambda: [True]),
        _lit("'0'", "0"),
        _fresh("[[0]]", lambda: [[0]]),
        _fresh("[]", list),
    ),
    "cells": (
        _fresh("{}", dict),
        _fresh("{(1, 2): 3}", lambda: {(1, 2): 3}),
        _fresh("{('high', 'high'): 9}", lambda: {("high", "high"): 9}),
    ),
    "targets": (
        _fresh("{1: 5}", lambda: {1: 5}),
        _fresh("{'P1': None}", lambda: {"P1": None}),
        _fresh("{[]: 1}", lambda: [([], 1)]),
    ),
    "tier_access": (
        _fresh("{1: 'admin'}", lambda: {1: "admin"}),
        _fresh("{0: []}", lambda: {0: []}),
        _fresh("{1: [5]}", lambda: {1: [5]}),
        _fresh("{'1': []}", lambda: {"1": []}),
    ),
    "tier_targets": (
        _fresh("{1: 'Tier 1'}", lambda: {1: "Tier 1"}),
        _fresh(
            "{2: Target('Mgmt', kind='management')}",
            lambda: {2: Target("M", kind=TargetKind.MANAGEMENT)},
        ),
    ),
    "vague_phrases": (
        _lit("'fixed'", "fixed"),
        _fresh("['']", lambda: [""]),
        _fresh("[5]", lambda: [5]),
    ),
    "asset_categories": (_lit("'hardware'", "hardware"), _fresh("[None]", lambda: [None])),
    "pauses": (
        _fresh("[(T0,)]", lambda: [(T0,)]),
        _lit("'x'", "x"),
        _fresh("[(T0, 'later')]", lambda: [(T0, "later")]),
    ),
    "required_fields": EDGE_MAPPINGS,
    "access_needed": EDGE_ITERABLES,
    "findings": (
        _lit("None", None),
        _fresh("[None]", lambda: [None]),
        _lit("'CF901'", "CF901"),
        _fresh("[]", list),
    ),
    "history": (
        _lit("None", None),
        _fresh("[]", list),
        _lit("'ring'", "ring"),
        _fresh("[None]", lambda: [None]),
    ),
    "event": (_fresh("[]", list), _lit("'launch'", "launch"), _lit("None", None)),
    "state": (_fresh("[]", list), _lit("'greeting'", "greeting"), _lit("None", None)),
    "data": (
        _fresh("{1: 'x'}", lambda: {1: "x"}),
        _fresh("{1: 'x', 'a': 2}", lambda: {1: "x", "a": 2}),
        _fresh(f"[[...]] nested {DEEP} deep", lambda: _nested_list(DEEP)),
    ),
    "text": (_lit("'[' * 100_000", "[" * 100_000), _lit("'after 3pm' * 2000", "after 3pm" * 2000)),
    "clock": (
        _lit("'now'", "now"),
        _lit("lambda: 'now'", lambda: "now"),
        _lit("lambda: None", lambda: None),
        _lit("lambda: datetime(2026, 3, 2) (naive)", lambda: datetime(2026, 3, 2)),
        _lit("lambda: datetime.max (UTC)", lambda: datetime.max.replace(tzinfo=UTC)),
    ),
    "seconds": (
        _lit("float('nan')", float("nan")),
        _lit("float('inf')", float("inf")),
        _lit("None", None),
        _lit("1e300", 1e300),
        _lit("-1", -1),
        _lit("True", True),
    ),
    "user_id": (_lit("'E-OTHER'", OTHER_ID), _lit("None", None)),
}


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types an annotation allows (a union's members), ``None`` dropped."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return (annotation,)


def edges_for(annotation: Any, name: str) -> tuple[Value, ...]:
    """The edge values for a parameter: by its name, then by each type its annotation allows."""
    found: list[Value] = list(EDGES_BY_NAME.get(name, ()))
    for kind in _members(annotation):
        base = typing.get_origin(kind) or kind
        if base is datetime:
            found += EDGE_DATETIMES
        elif base is timedelta:
            found += EDGE_TIMEDELTAS
        elif base is str:
            found += EDGE_TEXTS
        elif base is bool:
            found += EDGE_FLAGS
        elif base is int:
            found += EDGE_INTS
        elif base is float:
            found += EDGE_FLOATS
        elif base is tzinfo:
            found += EDGE_ZONES
        elif isinstance(base, type) and base in EDGE_CLASSES:
            found += EDGE_CLASSES[base]()
        elif base in (callflow.Calendar, BusinessCalendar, AlwaysOpen):
            found += EDGE_CALENDARS
        elif isinstance(base, type) and issubclass(base, enum.Enum):
            others = [m for m in (callflow.Urgency.HIGH, Stage.GREETING) if type(m) is not base]
            found += [_lit(repr(m.value), m.value) for m in base][:1]
            found += [_lit(f"{type(m).__name__}.{m.name}", m) for m in others]
        elif base in (Mapping, dict):
            found += EDGE_MAPPINGS
        elif base in (Iterable, Sequence, tuple, list):
            found += EDGE_ITERABLES
    return tuple(dict.fromkeys(found))


# -- valid values ------------------------------------------------------------------------


def _transcript() -> Transcript:
    """A transcript of a recorded call with every part: turns timed or not, typed events.

    Its events name their turns, or not.
    """
    return Transcript(
        call_id="HVB-0002",
        channel="phone",
        language="en",
        organisation="Harper Valley Bank",
        agent=Participant("Elizabeth", id="46"),
        caller=Participant(),
        started_at=T0,
        turns=(Turn("agent", "hello", start=1.5, end=2.0), Turn("caller", ""), Turn("system", "")),
        events=(
            TranscriptEvent("answer", 1.5, {"rings": 2}, turn=0),
            TranscriptEvent(
                "identify", 3.0, {"caller": Caller("Ana Souza"), "verified": True}, turn=1
            ),
            TranscriptEvent("hold", 9.0, {"reason": "checking", "asked_permission": True}),
        ),
        context=Context(task="replace card", ended_by="caller"),
    )


_VALID_BY_OWNER: dict[tuple[str, str], Callable[[World, Any], Any]] = {
    ("Transcript", "call_id"): lambda w, me: "HVB-0002",
    ("Transcript", "channel"): lambda w, me: "chat",
    ("Transcript", "language"): lambda w, me: "pt",
    ("Transcript", "organisation"): lambda w, me: "Harper Valley Bank",
    ("Transcript", "agent"): lambda w, me: Participant("Elizabeth"),
    ("Transcript", "caller"): lambda w, me: Participant(),
    ("Transcript", "started_at"): lambda w, me: T0,
    ("Transcript", "turns"): lambda w, me: _transcript().turns,
    ("Transcript", "events"): lambda w, me: _transcript().events,
    ("Transcript", "context"): lambda w, me: Context(),
    ("Transcript", "data"): lambda w, me: _transcript().to_dict(),
    ("Transcript", "text"): lambda w, me: _transcript().to_json(),
    ("Transcript", "indent"): lambda w, me: 2,
    ("AuditConfig", "table"): lambda w, me: {"ignore": ["CF7"], "scorecard": {"pass-mark": 85}},
    ("Scorecard", "table"): lambda w, me: {"pass-mark": 85, "weights": {"hold": 5}},
    ("Turn", "speaker"): lambda w, me: "caller",
    ("Turn", "text"): lambda w, me: "",
    ("Turn", "start"): lambda w, me: 1.5,
    ("Turn", "end"): lambda w, me: 2.5,
    ("TranscriptEvent", "event"): lambda w, me: "identify",
    ("TranscriptEvent", "at"): lambda w, me: 3.0,
    ("TranscriptEvent", "arguments"): lambda w, me: {"caller": w.caller, "verified": True},
    ("TranscriptEvent", "turn"): lambda w, me: 1,
    ("Participant", "name"): lambda w, me: "Ana Souza",
    ("Participant", "id"): lambda w, me: "E1234",
    ("Context", "task"): lambda w, me: "reset password",
    ("Context", "ended_by"): lambda w, me: "agent",
    ("Call", "ticket"): lambda w, me: "T-000001",
    ("Call", "escalation"): lambda w, me: w.escalation(me.ticket_number or "T-000001"),
    ("Call", "message"): lambda w, me: w.message(),
    ("Call", "to"): lambda w, me: "Network team",
    ("Call", "by"): lambda w, me: "caller",
    ("Call", "method"): lambda w, me: "one_time_code",
    ("Call", "channel"): lambda w, me: "phone",
    ("Call", "reason"): lambda w, me: "checking the error log",
    ("Call", "asked_permission"): lambda w, me: True,
    ("Call", "thanked"): lambda w, me: True,
    ("Call", "apologised"): lambda w, me: False,
    ("Call", "announced"): lambda w, me: True,
    ("Call", "notes_read"): lambda w, me: True,
    ("Call", "policy"): lambda w, me: EscalationPolicy(),
    ("Call", "now"): lambda w, me: LATER,
    ("Desk", "call"): lambda w, me: (me.held or me.calls or (w.call(),))[0],
    ("Ticket", "escalation"): lambda w, me: w.escalation(me.number),
    ("Ticket", "work_order"): lambda w, me: w.work_order(me.number),
    ("Ticket", "findings"): lambda w, me: (RuleBreach("CF901", "no category", "category"),),
    ("Ticket", "promise_id"): lambda w, me: "P1",
    ("Ticket", "event"): lambda w, me: "resolve",
    ("Ticket", "kind"): lambda w, me: PromiseKind.CALLBACK,
    ("Ticket", "due"): lambda w, me: timedelta(hours=4),
    ("Ticket", "text"): lambda w, me: NOTE,
    ("Ticket", "resolution"): lambda w, me: "Replaced the roller; printed a test page cleanly",
    ("Ticket", "waiting_on"): lambda w, me: "the caller, who is away until Monday",
    ("Ticket", "reason"): lambda w, me: "the jam came back the next morning",
    ("Ticket", "follow_up"): lambda w, me: False,
    ("PromiseLedger", "promise_id"): lambda w, me: "P1",
    ("PromiseLedger", "to"): lambda w, me: "Ana Souza",
    ("PromiseLedger", "number"): lambda w, me: "T-000001",
    ("PromiseLedger", "at"): lambda w, me: LATER,
    ("PromiseLedger", "due"): lambda w, me: timedelta(hours=4),
    ("PromiseLedger", "kind"): lambda w, me: "callback",
    ("MemoryTicketBook", "ticket"): lambda w, me: Ticket("T-900001", w.caller, clock=w.clock),
    ("MemoryTicketBook", "number"): lambda w, me: "T-000001",
    ("WorkOrder", "signed_by"): lambda w, me: "Luis",
    ("WorkOrder", "by"): lambda w, me: "Luis",
    ("WorkOrder", "at"): lambda w, me: LATER,
    ("TransitionTable", "state"): lambda w, me: me.initial,
    ("TransitionTable", "event"): lambda w, me: me.events[0],
    ("TransitionTable", "subject"): lambda w, me: w.call("ringing"),
    ("BusinessCalendar", "end"): lambda w, me: LATER + timedelta(days=7),
    ("AlwaysOpen", "end"): lambda w, me: LATER + timedelta(days=7),
    ("BusinessCalendar", "start"): lambda w, me: T0,
    ("AlwaysOpen", "start"): lambda w, me: T0,
    ("CallbackWindow", "zone"): lambda w, me: "Europe/Rome",
    ("CallbackWindow", "moment"): lambda w, me: me.start,
    ("PriorityMatrix", "impact"): lambda w, me: "high",
    ("PriorityMatrix", "urgency"): lambda w, me: "low",
    ("EscalationPolicy", "situation"): lambda w, me: callflow.escalation.Situation(),
    ("SlaPolicy", "priority"): lambda w, me: 2,
    ("SlaPolicy", "at"): lambda w, me: T0,
    ("ServiceTarget", "kind"): lambda w, me: "resolution",
    ("Advice", "ticket"): lambda w, me: "T-000001",
    ("Escalation", "given_at"): lambda w, me: T0,
    ("Advice", "kind"): lambda w, me: "functional",
    ("Target", "kind"): lambda w, me: "team",
    ("Promise", "kind"): lambda w, me: "callback",
    ("SlaClock", "kind"): lambda w, me: "resolution",
}
_VALID_BY_NAME: dict[str, Callable[[World], Any]] = {
    "agent": lambda w: w.agent,
    "language": lambda w: "pt",
    "caller": lambda w: w.caller,
    "call": lambda w: w.call("verified"),
    "book": lambda w: w.book,
    "promises": lambda w: w.ledger,
    "clock": lambda w: w.clock,
    "user_id": lambda w: OWN_ID,
    "asset_tag": lambda w: OWN_ASSET,
    "category": lambda w: "hardware",
    "number": lambda w: "T-000001",
    "ticket": lambda w: "T-000001",
    "prefix": lambda w: "T-",
    "by": lambda w: "Bill",
    "made_by": lambda w: "Bill",
    "author": lambda w: "Bill",
    "created_by": lambda w: "Bill",
    "taken_by": lambda w: "Bill",
    "wanted": lambda w: "Maria Rossi",
    "to": lambda w: "Ana Souza",
    "reason": lambda w: "the switch in room 4 is down",
    "words": lambda w: "Please hold.",
    "out_of_turn": lambda w: "the caller is an emergency",
    "why": lambda w: "the caller is an emergency",
    "direct_number": lambda w: "+44 20 7946 0018",
    "phone": lambda w: "+44 20 7946 0018",
    "region": lambda w: "GB",
    "zone": lambda w: "Europe/London",
    "caller_zone": lambda w: "Europe/London",
    "recipient_zone": lambda w: "Europe/Rome",
    "code": lambda w: "CF201",
    "field": lambda w: "value",
    "value": lambda w: "something",
    "what": lambda w: "a callback about the printer",
    "promise_id": lambda w: "P1",
    "id": lambda w: "P1",
    "rings": lambda w: 2,
    "lines": lambda w: 2,
    "tier": lambda w: 1,
    "from_tier": lambda w: 1,
    "users_affected": lambda w: 2,
    "tickets": lambda w: 3,
    "max_rings": lambda w: 2,
    "min_note_length": lambda w: 20,
    "major_incident_users": lambda w: 5,
    "priority": lambda w: 2,
    "impact": lambda w: "high",
    "urgency": lambda w: "medium",
    "mode": lambda w: "audit",
    "style": lambda w: "warm",
    "hours": lambda w: {0: [(time(9), time(17))]},
    "holidays": lambda w: [date(2026, 4, 6)],
    "days": lambda w: (0, 1, 2, 3, 4),
    "open": lambda w: time(9),
    "close": lambda w: time(17),
    "day_start": lambda w: time(9),
    "day_end": lambda w: time(18),
    "delta": lambda w: timedelta(seconds=30),
    "seconds": lambda w: 30,
    "duration": lambda w: timedelta(hours=8),
    "target": lambda w: timedelta(hours=4),
    "window": lambda w: timedelta(days=90),
    "wait": lambda w: timedelta(seconds=12),
    "cadence": lambda w: timedelta(seconds=6),
    "timeframe": lambda w: timedelta(hours=4),
    "update_every": lambda w: timedelta(hours=4),
    "due": lambda w: LATER,
    "history": lambda w: w.call("venting").history,
    "data": lambda w: w.message().to_dict(),
    "text": lambda w: NOTE,
    "message": lambda w: w.message(),
    "escalation": lambda w: w.escalation(),
    "work_order": lambda w: w.work_order(),
    "findings": lambda w: (RuleBreach("CF901", "no category", "category"),),
    "required_fields": lambda w: {"resolve": ["category"]},
    "access_needed": lambda w: ("admin",),
    "states": lambda w: PROCEDURE.states,
    "transitions": lambda w: PROCEDURE.transitions,
    "state_attribute": lambda w: "_stage",
    "table": lambda w: PROCEDURE,
    "lifecycle": lambda w: LIFECYCLE,
    "matrix": lambda w: DEFAULT_MATRIX,
    "sla": lambda w: SlaPolicy(),
    "calendar": lambda w: AlwaysOpen(),
    "thresholds": lambda w: Thresholds(),
    "quality": lambda w: QualityPolicy(),
    "instance": lambda w: w.agent,
    "attribute": lambda w: attrs.fields(Agent).name,
    "check": lambda w: lambda subject: True,
    "guards": lambda w: (),
    "e164": lambda w: "+442079460018",
    "supervisor": lambda w: "Dana",
    "technician": lambda w: "Luis",
    "signed_by": lambda w: "Luis",
    "instructions": lambda w: "Replace the pick-up roller",
    "work_done": lambda w: "Replaced the roller",
    "argv": lambda w: ["diagram"],
    "source": lambda w: [_transcript().to_json(), "", _transcript().to_json(indent=2)],
    "on_error": lambda w: lambda error: None,
    "warning_ratio": lambda w: 0.8,
    **{name: (lambda w, text=text: text) for name, text in LONG_TEXTS.items()},
}
_VALID_BY_TYPE: dict[Any, Callable[[World], Any]] = {
    str: lambda w: NOTE,
    int: lambda w: 1,
    float: lambda w: 0.5,
    bool: lambda w: True,
    datetime: lambda w: LATER,
    timedelta: lambda w: timedelta(hours=1),
    date: lambda w: date(2026, 4, 6),
    time: lambda w: time(9),
    tzinfo: lambda w: ZoneInfo("Europe/London"),
    Target: lambda w: Target("Network team"),
    Ticket: lambda w: w.ticket(),
    Call: lambda w: w.call("verified"),
    callflow.TicketBook: lambda w: w.book,
    callflow.Calendar: lambda w: AlwaysOpen(),
    callflow.escalation.Situation: lambda w: callflow.escalation.Situation(),
    EscalationPolicy: lambda w: EscalationPolicy(),
    CallbackHours: lambda w: CallbackHours(),
    RepeatFailurePolicy: lambda w: RepeatFailurePolicy(),
    SlaClock: lambda w: SlaClock.start("resolution", timedelta(hours=4), T0),
    Note: lambda w: Note(author="Bill", at=T0, text=NOTE),
}


def _annotations(target: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(target.__init__ if inspect.isclass(target) else target)
    except Exception:  # a forward reference the module cannot resolve: names are enough
        return {}


def valid_value(entry: "Entry", param: inspect.Parameter, owner: Any) -> Value | None:
    """A valid value for ``param`` of ``entry`` on ``owner``, or ``None`` if none is known."""
    name = param.name
    annotation = entry.annotations.get(name, param.annotation)
    members = _members(annotation)
    if entry.owner is not None and (entry.owner.__name__, name) in _VALID_BY_OWNER:
        make = _VALID_BY_OWNER[entry.owner.__name__, name]
        return Value(f"<valid {name}>", lambda w: make(w, owner))
    first = typing.get_origin(members[0]) or members[0] if members else None
    if name in _VALID_BY_NAME and not (name == "ticket" and first is Ticket):
        return Value(f"<valid {name}>", _VALID_BY_NAME[name])
    for kind in members:
        base = typing.get_origin(kind) or kind
        if base in _VALID_BY_TYPE:
            return Value(f"<valid {name}>", _VALID_BY_TYPE[base])
        if isinstance(base, type) and issubclass(base, enum.Enum):
            member = next(iter(base))
            return _lit(f"{base.__name__}.{member.name}", member)
        if base is type:
            args = typing.get_args(kind)
            bound = getattr(args[0], "__bound__", None) if args else None
            if bound is enum.Enum:
                return _lit("Urgency", callflow.Urgency)
            return _lit("PhoneMessage", PhoneMessage)
        if isinstance(base, type) and base.__module__.startswith("callflow"):
            variants = instance_variants(base)
            if variants:
                return variants[0]
    return None


# -- state snapshots ---------------------------------------------------------------------


def _is_callflow_object(value: object) -> bool:
    cls = type(value)
    return cls.__module__.startswith("callflow") and not isinstance(value, enum.Enum | type)


def _is_stateful(cls: type) -> bool:
    """Whether instances of ``cls`` change in place (not an enum, not a frozen attrs class)."""
    return (
        cls.__module__.startswith("callflow")
        and not issubclass(cls, enum.Enum | BaseException)
        and getattr(cls.__setattr__, "__name__", "") != "_frozen_setattrs"
    )


_PROPERTIES: dict[type, tuple[str, ...]] = {}


def _properties(cls: type) -> tuple[str, ...]:
    """The public properties of ``cls`` (its callflow classes'), in name order."""
    if cls not in _PROPERTIES:
        names = {
            name
            for klass in cls.__mro__
            if klass.__module__.startswith("callflow")
            for name, member in vars(klass).items()
            if not name.startswith("_") and isinstance(member, property)
        }
        _PROPERTIES[cls] = tuple(sorted(names))
    return _PROPERTIES[cls]


def _public_fields(cls: type) -> tuple[str, ...]:
    if not attrs.has(cls):
        return ()
    return tuple(f.name for f in attrs.fields(cls) if not f.name.startswith("_"))


def _zero_argument_methods(cls: type) -> tuple[str, ...]:
    """Public methods of ``cls`` that need no argument (classmethods aside)."""
    names = []
    for name, kind, _ in _members_of(cls):
        if kind != "method":
            continue
        try:
            parameters = list(inspect.signature(getattr(cls, name)).parameters.values())[1:]
        except (TypeError, ValueError):
            continue
        if all(
            p.default is not p.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
            for p in parameters
        ):
            names.append(name)
    return tuple(names)


def snapshot(objects: Sequence[object]) -> tuple[Any, ...]:
    """The observable state of ``objects``: public fields, properties and items, recursively."""
    seen: set[int] = set()
    return tuple(_state(obj, seen, 0) for obj in objects)


def _state(value: object, seen: set[int], depth: int) -> Any:
    if depth > 8:
        return "..."
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(_state(v, seen, depth + 1) for v in value))
    if isinstance(value, dict | MappingProxyType):
        return ("map", tuple((k, _state(v, seen, depth + 1)) for k, v in value.items()))
    cls = type(value)
    if not _is_stateful(cls):
        return value
    if id(value) in seen:
        return ("same", cls.__name__, id(value))
    seen.add(id(value))
    parts: list[Any] = [cls.__name__, id(value)]
    for name in (*_public_fields(cls), *_properties(cls)):
        try:
            parts.append((name, _state(getattr(value, name), seen, depth + 1)))
        except Exception as error:  # a broken property is part of the state
            parts.append((name, f"raised {type(error).__name__}"))
    if "__iter__" in vars(cls):
        parts.append(("items", tuple(_state(item, seen, depth + 1) for item in value)))  # type: ignore[attr-defined]
    if isinstance(value, ManualClock):
        parts.append(("now", value()))
    return tuple(parts)


def difference(before: Any, after: Any, path: str = "state") -> str | None:
    """Where ``after`` first differs from ``before`` (a path and both values), or ``None``."""
    if _equal(before, after):
        return None
    containers = ("map", "tuple", "list")
    if (
        isinstance(before, tuple)
        and isinstance(after, tuple)
        and len(before) == len(after) == 2
        and before[0] in containers
        and before[0] == after[0]
    ):
        return difference(before[1], after[1], path)
    if isinstance(before, tuple) and isinstance(after, tuple) and len(before) == len(after):
        if len(before) > 2 and isinstance(before[0], str) and isinstance(before[1], int):
            path = before[0]  # an object's state: (class name, id, (name, value)...)
        for index, (a, b) in enumerate(zip(before, after, strict=True)):
            if _equal(a, b):
                continue
            pair = isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) == 2
            if pair and isinstance(a[0], str) and a[0] == b[0]:
                where = path if a[0] in ("map", "tuple", "list", "items") else f"{path}.{a[0]}"
                return difference(a[1], b[1], where)
            return difference(a, b, f"{path}[{index}]")
        return None
    if isinstance(before, tuple) and isinstance(after, tuple):
        return f"{path}: {len(before)} entries -> {len(after)} entries"
    return f"{path}: {_repr(before, 160)} -> {_repr(after, 160)}"


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # a value that cannot be compared is taken as changed
        return False


# -- leaks -------------------------------------------------------------------------------


def foreign_record(value: object, depth: int = 0, path: str = "result") -> str | None:
    """Where a record of another caller lies in ``value`` (and which), or ``None``."""
    if depth > 7:
        return None
    if isinstance(value, str):
        return f"{path} = {_repr(value, 120)}" if FOREIGN_PREFIX + "0" in value else None
    if isinstance(value, Ticket):
        if value.number.startswith(FOREIGN_PREFIX) or value.caller.user_id != OWN_ID:
            return f"{path} is ticket {value.number} of {value.caller!r}"
        return None
    items: Iterable[tuple[str, object]] = ()
    if isinstance(value, tuple | list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    elif isinstance(value, dict | MappingProxyType):
        items = ((f"{path}[{k!r}]", v) for k, v in value.items())
    elif isinstance(value, Call):
        items = (
            (f"{path}.earlier_tickets", value.earlier_tickets),
            (f"{path}.ticket", value.ticket),
            (f"{path}.ticket_number", value.ticket_number),
            *((f"{path}.history[{i}]", r) for i, r in enumerate(value.history)),
        )
    elif isinstance(value, EventRecord):
        items = ((f"{path}.payload", value.payload), (f"{path}.observed", value.observed))
    elif attrs.has(type(value)):
        items = ((f"{path}.{name}", getattr(value, name)) for name in _public_fields(type(value)))
    for where, item in items:
        found = foreign_record(item, depth + 1, where)
        if found is not None:
            return found
    return None


# -- discovery ---------------------------------------------------------------------------

EXEMPT: dict[str, str] = {
    "callflow.audit.cli.main": "the audit's command line: argparse exits (SystemExit) on bad"
    " arguments by design (tests/test_audit_cli.py checks its exit statuses)",
    "callflow.audit.cli.run_audit": "runs parsed command-line arguments and prints; its"
    " options are checked through callflow audit (tests/test_audit_cli.py)",
    "callflow.cli.main": "the command line: argparse exits (SystemExit) on bad arguments by"
    " design, and a run prints to stdout",
    "callflow.store.SqliteCallStore": "its path is a file it creates: fuzzed, it would leave"
    " files named by the drawn text in the working directory (tests/test_store.py checks its"
    " arguments; its methods are fuzzed on SqliteCallStore(':memory:'))",
}
"""Public names not fuzzed, with the reason. Exception classes, enums' constructors (Python's
own value lookup), protocols (no instances) and typing aliases are left out by kind."""


@dataclass(frozen=True)
class Entry:
    """One public entry point.

    Attributes:
        name: the qualified name (``callflow.book.account``, ``callflow.call.Call.listen``).
        kind: ``function``, ``constructor``, ``classmethod``, ``method`` or ``property``.
        owner: the class, for everything but functions.
        attr: the attribute name on ``owner`` (methods, class methods, properties).
        target: the function or class itself.
    """

    name: str
    kind: str
    owner: type | None
    attr: str
    target: Any = field(compare=False, hash=False)

    def __str__(self) -> str:
        return self.name.removeprefix("callflow.")

    @property
    def callable(self) -> Any:
        """What to inspect for the signature (an unbound method for methods)."""
        if self.kind in ("method", "classmethod"):
            return getattr(self.owner, self.attr)
        return self.target

    @property
    def parameters(self) -> tuple[inspect.Parameter, ...]:
        """The parameters a caller passes (``self``/``cls`` and ``*args`` left out)."""
        if self.kind == "property":
            return ()
        try:
            signature = inspect.signature(self.callable)
        except (TypeError, ValueError):
            return ()
        params = list(signature.parameters.values())
        if self.kind == "method":
            params = params[1:]
        return tuple(p for p in params if p.kind is not p.VAR_POSITIONAL)

    @property
    def annotations(self) -> dict[str, Any]:
        """The parameters' annotations, resolved."""
        return _annotations(self.callable)


def public_modules() -> tuple[Any, ...]:
    """``callflow`` and every public module under it (no part of the name starting with ``_``)."""
    modules = [callflow]
    for info in pkgutil.walk_packages(callflow.__path__, "callflow."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            modules.append(importlib.import_module(info.name))
    return tuple(modules)


def _members_of(cls: type) -> list[tuple[str, str, Any]]:
    """``(name, kind, member)`` for the public methods, class methods and properties of ``cls``."""
    found: dict[str, tuple[str, str, Any]] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("callflow"):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_"):
                continue
            if isinstance(member, property):
                found[name] = (name, "property", member)
            elif isinstance(member, classmethod | staticmethod):
                found[name] = (name, "classmethod", member)
            elif inspect.isfunction(member):
                found[name] = (name, "method", member)
    return sorted(found.values(), key=lambda item: item[0])


_DISCOVERED: list[tuple["Entry", ...]] = []
CONSTANTS: dict[type, list[Value]] = {}
"""Instances found in ``__all__`` (PROCEDURE, DEFAULT_MATRIX...): their methods are fuzzed too."""


def discover() -> tuple[Entry, ...]:
    """Every public entry point of callflow, found by walking ``__all__`` (cached)."""
    if _DISCOVERED:
        return _DISCOVERED[0]
    entries: dict[str, Entry] = {}
    seen: set[int] = set()
    for module in public_modules():
        for exported in getattr(module, "__all__", ()):
            obj = getattr(module, exported)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                _discover_class(obj, entries)
            elif inspect.isfunction(obj):
                name = f"{obj.__module__}.{obj.__qualname__}"
                if name not in EXEMPT:
                    entries[name] = Entry(name, "function", None, obj.__name__, obj)
            elif _is_callflow_object(obj) and not callable(obj):
                label = f"{module.__name__}.{exported}"
                CONSTANTS.setdefault(type(obj), []).append(_lit(label, obj))
                _discover_class(type(obj), entries)
    _DISCOVERED.append(tuple(sorted(entries.values(), key=lambda e: e.name)))
    return _DISCOVERED[0]


def _discover_class(cls: type, entries: dict[str, Entry]) -> None:
    if issubclass(cls, BaseException) or getattr(cls, "_is_protocol", False):
        return
    if not cls.__module__.startswith("callflow"):
        return
    base = f"{cls.__module__}.{cls.__qualname__}"
    if base in EXEMPT:
        return
    if not issubclass(cls, enum.Enum):
        entries[base] = Entry(base, "constructor", cls, "", cls)
    for name, kind, _ in _members_of(cls):
        qualified = f"{base}.{name}"
        if qualified not in EXEMPT:
            entries[qualified] = Entry(qualified, kind, cls, name, getattr(cls, name, None))


# -- instances ---------------------------------------------------------------------------


def _call_variants() -> list[Value]:
    variants = []
    for recipe in CALL_RECIPES:
        for mode in ("strict", "audit"):
            for setup in ("book", "bare", "desk"):
                variants.append(
                    Value(
                        f"world.call({recipe!r}, mode={mode!r}, setup={setup!r})",
                        lambda w, r=recipe, m=mode, s=setup: w.call(r, m, s),
                    )
                )
    return variants


def _sla_clock(state: str) -> Callable[[World], SlaClock]:
    def make(w: World) -> SlaClock:
        clock = SlaClock.start("resolution", timedelta(hours=4), T0)
        if state in ("paused", "stopped"):
            clock = clock.pause(T0 + timedelta(hours=1))
        if state == "stopped":
            clock = clock.stop(T0 + timedelta(hours=2))
        return clock

    return make


INSTANCES: dict[type, list[Value]] = {
    Call: _call_variants(),
    Ticket: [
        Value(f"world.ticket({s!r})", lambda w, s=s: w.ticket(s))
        for s in ("new", "open", "pending", "escalated", "resolved", "closed", "promised")
    ],
    MemoryTicketBook: [Value("world.book", lambda w: w.book)],
    PromiseLedger: [Value("world.ledger", lambda w: w.ledger)],
    Desk: [Value("world.desk() (line-1 held, line-2 ringing)", lambda w: w.desk())],
    Transcript: [Value("<a transcript with every part>", lambda w: _transcript())],
    WorkOrder: [
        Value("world.work_order()", lambda w: w.work_order()),
        Value("world.work_order() completed unsigned", lambda w: _completed(w)),
    ],
    ManualClock: [Value("world.clock", lambda w: w.clock)],
    BusinessCalendar: [
        _fresh(
            "BusinessCalendar.weekly(zone='Europe/London')",
            lambda: BusinessCalendar.weekly(zone="Europe/London", holidays=[date(2026, 4, 6)]),
        ),
        *EDGE_CALENDARS[:3],
    ],
    AlwaysOpen: [_lit("AlwaysOpen()", AlwaysOpen())],
    SlaClock: [
        Value(f"<{s} resolution clock>", _sla_clock(s)) for s in ("running", "paused", "stopped")
    ],
    callflow.TicketClocks: [
        _lit("SlaPolicy().start_clocks(2, T0)", SlaPolicy().start_clocks(2, T0))
    ],
    PhoneMessage: [
        Value("world.message()", lambda w: w.message()),
        _lit("PhoneMessage()", PhoneMessage()),
    ],
    callflow.PhoneNumber: [
        _lit(
            "parse_phone_number('+44 20 7946 0018')",
            callflow.parse_phone_number("+44 20 7946 0018"),
        )
    ],
    CallbackWindow: [Value("world.message().callback", lambda w: w.message().callback)],
    Escalation: [
        Value("world.escalation()", lambda w: w.escalation()),
        _lit("manager_request('unhappy')", callflow.manager_request("unhappy")),
    ],
    callflow.escalation.Advice: [
        _lit(
            "EscalationPolicy().advise(Situation(users_affected=5))[0]",
            EscalationPolicy().advise(callflow.escalation.Situation(users_affected=5))[0],
        )
    ],
    callflow.book.Account: [
        Value(
            "account(world.book, world.call('verified'))",
            lambda w: callflow.account(w.book, w.call("verified")),
        )
    ],
    callflow.CallMeasures: [
        Value("world.call('ended').measures()", lambda w: w.call("ended").measures())
    ],
    callflow.records.Finding: [
        Value("world.call('ringing', 'audit').listen() finding", lambda w: _finding(w))
    ],
    callflow.Screening: [Value("screened call's .screening", lambda w: _screening(w))],
    callflow.Transition: [_lit("PROCEDURE.transitions[0]", PROCEDURE.transitions[0])],
    callflow.Guard: [_lit("stages.CALLER_VERIFIED", callflow.stages.CALLER_VERIFIED)],
    callflow.table.Verdict: [
        Value(
            "PROCEDURE.judge(GREETING, 'listen', world.call('greeting'))",
            lambda w: PROCEDURE.judge(Stage.GREETING, "listen", w.call("greeting")),
        )
    ],
}


def _audit_instances() -> None:
    """The audit's report, context and rulebook entries, made from the sample transcript."""
    from callflow.audit import (
        AuditConfig,
        AuditContext,
        AuditReport,
        LintFinding,
        RuleEntry,
        Score,
        Scorecard,
        ScoreItem,
        SectionScore,
        audit,
        lint,
    )
    from callflow.audit.engine import _replayed
    from callflow.audit.rulebook import RULEBOOK

    def context(w: Any) -> AuditContext:
        transcript = _transcript()
        return AuditContext(transcript, _replayed(transcript, AuditConfig()), AuditConfig())

    INSTANCES[AuditReport] = [Value("audit(transcript)", lambda w: audit(_transcript()))]
    INSTANCES[AuditContext] = [Value("AuditContext(transcript, call, config)", context)]
    INSTANCES[RuleEntry] = [Value("RULEBOOK['CF504']", lambda w: RULEBOOK["CF504"])]
    INSTANCES[Score] = [Value("audit(transcript).score", lambda w: audit(_transcript()).score)]
    INSTANCES[Scorecard] = [Value("Scorecard()", lambda w: Scorecard())]
    INSTANCES[SectionScore] = [
        Value(
            "audit(transcript).score.sections[0]", lambda w: audit(_transcript()).score.sections[0]
        )
    ]
    INSTANCES[ScoreItem] = [Value("Scorecard().items()[0]", lambda w: Scorecard().items()[0])]
    INSTANCES[LintFinding] = [
        Value(
            "lint('I will try', language='en')[0]", lambda w: lint("I will try", language="en")[0]
        )
    ]


_audit_instances()


def _sql_instances() -> None:
    """The SQL stores, on an SQLite database of their own (``sqlite://``: in memory)."""
    from callflow.sqlbook import SqlTicketBook
    from callflow.sqlstore import SqlCallStore
    from callflow.store import SqliteCallStore

    INSTANCES[SqliteCallStore] = [Value("SqliteCallStore()", lambda w: SqliteCallStore())]
    INSTANCES[SqlCallStore] = [
        Value("SqlCallStore('sqlite://')", lambda w: SqlCallStore("sqlite://"))
    ]
    INSTANCES[SqlTicketBook] = [
        Value("SqlTicketBook('sqlite://')", lambda w: SqlTicketBook("sqlite://", clock=w.clock))
    ]


_sql_instances()


def _completed(w: World) -> WorkOrder:
    order = w.work_order()
    order.complete(work_done="Replaced the roller", at=LATER, signed_by=None)
    return order


def _finding(w: World) -> Any:
    call = w.call("greeting", mode="audit")
    call.listen()
    return call.findings[0]


def _screening(w: World) -> Any:
    call = w.call("greeting")
    call.screen("Maria Rossi", available=False)
    return call.screening


def instance_variants(cls: type) -> list[Value]:
    """Ways to make a real instance of ``cls``: registered, constants, members, or built."""
    if issubclass(cls, enum.Enum):
        return [_lit(f"{cls.__name__}.{m.name}", m) for m in cls]
    found = list(INSTANCES.get(cls, ())) + list(CONSTANTS.get(cls, ()))
    if found:
        return found
    built = _built_instance(cls)
    if built is not None:
        INSTANCES[cls] = [built]
        return [built]
    return []


def _built_instance(cls: type) -> Value | None:
    """An instance of ``cls`` built from its signature with valid values, if that works."""
    entry = Entry(f"{cls.__module__}.{cls.__qualname__}", "constructor", cls, "", cls)
    world = World()
    kwargs: dict[str, Any] = {}
    for param in entry.parameters:
        if param.default is not param.empty or param.kind is param.VAR_KEYWORD:
            continue
        value = valid_value(entry, param, None)
        if value is None:
            return None
        kwargs[param.name] = value.make(world)
    try:
        cls(**kwargs)
    except Exception:
        return None
    label = f"{cls.__name__}({', '.join(f'{k}=<valid>' for k in kwargs)})"

    def make(w: World) -> Any:
        made = {p.name: valid_value(entry, p, None) for p in entry.parameters if p.name in kwargs}
        return cls(**{k: v.make(w) for k, v in made.items() if v is not None})

    return Value(label, make)


# -- one case: one entry point, drawn arguments ------------------------------------------

CONTRACTS: dict[str, tuple[type[BaseException], ...]] = {
    "callflow.call.Call.replay": (ValidationError, NotFoundError, AccessDeniedError),
    "callflow.messages.PhoneMessage.from_json": (ValidationError,),
    "callflow.messages.PhoneMessage.from_dict": (ValidationError,),
    "callflow.codec.structure": (ValidationError,),
}
"""Entry points documented to raise narrower errors than CallflowError (their "Raises:")."""
VAR_KEYWORDS: dict[str, type] = {"callflow.book.open_ticket": Ticket}
"""For a ``**fields`` parameter, the class whose keyword-only parameters it takes."""
_OMIT = Value("<default>", lambda w: None)


def _keyword_parameters(cls: type) -> tuple[inspect.Parameter, ...]:
    return tuple(p for p in inspect.signature(cls).parameters.values() if p.kind is p.KEYWORD_ONLY)


def _draw_argument(
    entry: Entry, param: inspect.Parameter, owner: Any, chooser: Chooser, bad: bool
) -> Value:
    """A value for ``param``: valid (or its default) unless ``bad``; else an edge or hostile one."""
    if bad:
        annotation = entry.annotations.get(param.name, param.annotation)
        edges = edges_for(annotation, param.name)
        if edges and chooser.flag(0.45):
            return chooser.pick(edges)
        return hostile(chooser)
    valid = valid_value(entry, param, owner)
    if param.default is not param.empty and (valid is None or not chooser.flag(0.3)):
        return _OMIT
    if valid is None:
        return _lit(repr(NOTE), NOTE)
    return valid


_WORLD_LABELS = {
    "book": "world.book",
    "promises": "world.ledger",
    "clock": "world.clock",
    "call": "world.call('verified')",
    "history": "world.call('venting').history",
    "message": "world.message()",
    "escalation": "world.escalation()",
    "work_order": "world.work_order()",
    "ticket": "world.ticket('open')",
    "data": "world.message().to_dict()",
}
_SIMPLE = (str, int, float, bool, type(None), datetime, date, time, timedelta, enum.Enum, tzinfo)


def _valid_label(name: str, value: Value, made: Any) -> str:
    """How a reproduction shows an argument: a valid one by its value or where it comes from."""
    if not value.label.startswith("<valid"):
        return value.label
    if isinstance(made, _SIMPLE) or (attrs.has(type(made)) and not _is_stateful(type(made))):
        shown = _repr(made, 100)
        if "..." not in shown:
            return shown
    return _WORLD_LABELS.get(name, value.label)


def entry_case(entry: Entry, chooser: Chooser) -> Result:
    """Call ``entry`` once with drawn arguments (on a drawn instance, for a method) and judge it."""
    world = World()
    owner: Any = None
    receiver = ""
    if entry.kind in ("method", "property"):
        assert entry.owner is not None
        variants = instance_variants(entry.owner)
        if not variants:
            return Result(entry.name, Outcome.ACCEPTED, "no instance to call it on")
        variant = chooser.pick(variants)
        owner, receiver = variant.make(world), variant.label
        world.subject = owner
        if _is_stateful(type(owner)):
            world.keep(owner)
    params = list(entry.parameters)
    var_keyword = [p for p in params if p.kind is p.VAR_KEYWORD]
    params = [p for p in params if p.kind is not p.VAR_KEYWORD]
    if var_keyword and entry.name in VAR_KEYWORDS:
        extra = _keyword_parameters(VAR_KEYWORDS[entry.name])
        params += [p for p in extra if chooser.flag(0.3)]
    first_bad = chooser.below(len(params) + 1) - 1  # -1: every argument valid
    positional: list[tuple[str, Value]] = []
    keywords: list[tuple[str, Value]] = []
    for index, param in enumerate(params):
        bad = index == first_bad or (first_bad >= 0 and chooser.flag(0.1))
        value = _draw_argument(entry, param, owner, chooser, bad)
        if value is _OMIT:
            continue
        (positional if param.kind is param.POSITIONAL_ONLY else keywords).append(
            (param.name, value)
        )
    args = [value.make(world) for _, value in positional]
    kwargs = {name: value.make(world) for name, value in keywords}
    for value in (*args, *kwargs.values()):
        if _is_stateful(type(value)):
            world.keep(value)
    labels = [
        _valid_label(name, value, made)
        for (name, value), made in zip(
            [*positional, *keywords], [*args, *kwargs.values()], strict=True
        )
    ]
    shown = labels[: len(positional)] + [
        f"{name}={label}"
        for (name, _), label in zip(keywords, labels[len(positional) :], strict=True)
    ]
    if entry.kind == "property":
        repro = f"({receiver}).{entry.attr}"

        def run() -> object:
            return getattr(owner, entry.attr)

    else:
        call_name = {
            "method": f"({receiver}).{entry.attr}",
            "classmethod": f"{entry.owner.__name__}.{entry.attr}" if entry.owner else entry.attr,
            "constructor": entry.owner.__name__ if entry.owner else entry.attr,
            "function": entry.name,
        }[entry.kind]
        repro = f"{call_name}({', '.join(shown)})"
        target = getattr(owner, entry.attr) if entry.kind == "method" else entry.callable

        def run() -> object:
            return target(*args, **kwargs)

    return attempt(
        entry.name,
        run,
        repro=repro,
        watched=world.watched,
        contract=CONTRACTS.get(entry.name),
        aftercare=entry.kind != "property",
    )


def property_results(cls: type) -> Iterator[Result]:
    """Read every public property of every instance variant of ``cls``."""
    names = _properties(cls)
    for variant in instance_variants(cls):
        for name in names:
            world = World()
            obj = variant.make(world)
            yield attempt(
                f"{cls.__module__}.{cls.__qualname__}.{name}",
                lambda o=obj, n=name: getattr(o, n),
                repro=f"({variant.label}).{name}",
                aftercare=False,
            )


# -- stories: a call driven event by event, its ticket moved by others -------------------


def _event_kwargs(event: str, story: "Story", chooser: Chooser) -> dict[str, Any]:
    """Valid keyword arguments for ``event``: the repository's strategies, or ours."""
    return dict(chooser.strategy(event_args(event), lambda c: story.own_kwargs(event, c)))


@dataclass
class Story:
    """A call, its world and a log of what was done to it, as code."""

    world: World
    call: Call
    desk: Desk | None
    log: list[str]

    @property
    def watched(self) -> list[object]:
        ticket = self.call.ticket
        if ticket is not None:
            self.world.keep(ticket)
        return self.world.watched

    def own_kwargs(self, event: str, chooser: Chooser) -> dict[str, Any]:
        w = self.world
        texts = {
            "problem": "listen",
            "step": "troubleshoot",
            "label": "diagnose",
            "plan": "propose",
            "action": "implement",
        }
        for key, name in texts.items():
            if event == name:
                found: dict[str, Any] = {key: LONG_TEXTS[key]}
                if event == "troubleshoot":
                    found["result"] = LONG_TEXTS["result"]
                if event == "listen":
                    found["needs_verification"] = chooser.flag(0.8)
                return found
        if event == "identify":
            caller = w.caller if chooser.flag(0.8) else w.other
            return {"caller": caller, "verified": chooser.flag(0.85)}
        if event == "follow_up":
            return {
                "ticket": chooser.pick(("T-000001", "T-000002", "X-000001")),
                "notes_read": True,
            }
        if event == "assign":
            number = self.call.ticket_number or "T-000001"
            timeframe = chooser.pick(
                (
                    timedelta(hours=4),
                    datetime(2026, 6, 1, tzinfo=UTC),
                    datetime(2020, 1, 1, tzinfo=UTC),
                    None,
                )
            )
            extra = {"update_every": timedelta(hours=8)} if timeframe is None else {}
            return {"escalation": w.escalation(number, timeframe=timeframe, **extra)}
        if event == "goodbye":
            return {"resolution_confirmed": chooser.flag(0.8), "anything_else_asked": True}
        if event == "hold":
            return {"reason": "checking the error log", "asked_permission": True}
        if event == "resume":
            return {"thanked": True}
        if event == "transfer":
            return {"to": "Network team", "announced": True, "reason": "a network fault"}
        if event == "take_message":
            return {"message": w.message()}
        if event == "screen":
            return {"wanted": "Maria Rossi", "available": chooser.pick((None, False, True))}
        if event == "request_manager":
            return {"reason": "the caller is unhappy with the wait"}
        if event == "verify":
            return {"method": chooser.pick(("security_question", "one_time_code", "other"))}
        if event == "inform":
            return {"answer": "The branch opens at nine"}
        if event == "fulfil":
            return {"action": "A new checkbook is on its way to the home address"}
        return {}


def _story_call(chooser: Chooser) -> Story:
    world = World()
    mode = chooser.pick(("strict", "audit"))
    setup = chooser.pick(("book", "desk", "bare", "everything"))
    prefix = chooser.pick(
        (
            "ringing",
            "greeting",
            "verified",
            "venting",
            "troubleshooting",
            "resolution",
            "implemented",
        )
    )
    call = world.call(prefix, mode, setup)
    desk = next((o for o in world.watched if isinstance(o, Desk)), None)
    world.subject = call
    log = [
        f"call = world.call({prefix!r}, mode={mode!r}, setup={setup!r})"
        "  # see tests/fuzzing.py: World.call"
    ]
    return Story(world, call, desk, log)


_TICKET_MOVES = tuple(LIFECYCLE.events)
"""What someone else can do to the call's ticket: every event of the ticket's lifecycle."""


def _outside_kwargs(event: str, ticket: Ticket, story: Story, chooser: Chooser) -> dict[str, Any]:
    w = story.world
    by = {"by": "Dana"}
    if event == "pend":
        return {"waiting_on": "the network team", **by}
    if event == "resolve":
        return {"resolution": "Handled by the network team, outside the call", **by}
    if event == "reopen":
        return {"reason": "The jam came back after the network team's fix", **by}
    if event == "escalate":
        return {"escalation": w.escalation(ticket.number), **by}
    if event == "return_for_rewrite":
        return {"findings": (RuleBreach("CF902", "no next step", "notes"),), **by}
    if event == "dispatch":
        return {"work_order": w.work_order(ticket.number), **by}
    if event == "note":
        return {"text": NOTE, **by}
    if event == "update":
        return {
            "category": "hardware",
            "asset_tag": OWN_ASSET,
            "impact": "low",
            "urgency": "high",
            **by,
        }
    if event == "link_call":
        return {"call_id": "call-9", "follow_up": True, **by}
    if event == "promise":
        return {"kind": "callback", "what": "a callback", "due": timedelta(hours=2), **by}
    if event == "keep_promise":
        return {"promise_id": "P1", **by}
    return by


def _show(kwargs: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    labels = labels or {}
    return ", ".join(f"{k}={labels.get(k) or _repr(v, 600)}" for k, v in kwargs.items())


def run_story(
    chooser: Chooser,
    on_result: Callable[[Result], None],
    *,
    max_steps: int = 25,
    wrong_arguments: bool = True,
) -> int:
    """Drive one call through random events and outside moves; report every library call.

    Each step is one of: an event the call allows now (valid arguments), any
    event (valid arguments), any event with one wrong argument (an edge or
    hostile value), a move of the call's ticket by someone else through the
    Ticket's own methods (resolve, close, pend, escalate, reopen...), the
    clock moving on, or another line of the desk. A refused event must leave
    the call, its ticket, its ledger, its book and its desk as they were.
    The story stops at its first failure. Returns the number of library calls.

    Args:
        wrong_arguments: whether events may get a wrong argument; without,
            every event has valid arguments (refused only by the procedure,
            the call's state or what someone else did to its ticket).
    """
    story = _story_call(chooser)
    calls = 0
    for _ in range(chooser.integer(1, max_steps)):
        action = chooser.weighted((6, 3, 4 if wrong_arguments else 0, 4, 2, 1))
        result = _story_step(story, action, chooser)
        if result is None:
            continue
        calls += 1
        on_result(result)
        if result.failed:
            break
    return calls


def _story_step(story: Story, action: int, chooser: Chooser) -> Result | None:
    call, world = story.call, story.world
    if action == 4:  # the clock moves on
        seconds = chooser.pick((0, 5, 30, 3600))
        world.clock.advance(seconds=seconds)
        story.log.append(f"clock.advance(seconds={seconds})")
        return None
    if action == 5:  # another line of the desk, or a reading
        return _story_side(story, chooser)
    if action == 3:  # someone else moves the call's ticket
        ticket = call.ticket
        if ticket is None:
            return None
        allowed = [e for e in ticket.allowed_events() if e in _TICKET_MOVES]
        event = chooser.pick(allowed if allowed and chooser.flag(0.7) else _TICKET_MOVES)
        kwargs = _outside_kwargs(event, ticket, story, chooser)
        line = f"call.ticket.{event}({_show(kwargs)})  # someone else"
        result = attempt(
            f"callflow.ticket.Ticket.{event}",
            lambda: getattr(ticket, event)(**kwargs),
            repro="\n".join([*story.log, line]),
            watched=story.watched,
            aftercare=False,
        )
        story.log.append(line + ("" if result.outcome is Outcome.ACCEPTED else "  # refused"))
        return result
    if action == 0 and not call.stage.is_final and call.allowed_events():
        event = chooser.pick(call.allowed_events())
    else:
        event = chooser.pick(PROCEDURE.events)
    kwargs = _event_kwargs(event, story, chooser)
    labels: dict[str, str] = {}
    if action == 2:  # one wrong argument
        entry = _call_entry(event)
        params = [p for p in entry.parameters if p.kind is not p.VAR_KEYWORD]
        if params:
            param = chooser.pick(params)
            value = _draw_argument(entry, param, call, chooser, bad=True)
            kwargs[param.name] = value.make(world)
            labels[param.name] = value.label
    line = f"call.{event}({_show(kwargs, labels)})"
    result = attempt(
        f"callflow.call.Call.{event}",
        lambda: getattr(call, event)(**kwargs),
        repro="\n".join([*story.log, line]),
        watched=story.watched,
        aftercare=False,
    )
    note = "" if result.outcome is Outcome.ACCEPTED else f"  # {result.error_type or 'refused'}"
    story.log.append(line + note)
    return result


def _story_side(story: Story, chooser: Chooser) -> Result | None:
    call, desk = story.call, story.desk
    choice = chooser.below(4)
    if choice == 0 and desk is not None:
        other = next((c for c in desk.calls if c is not call), None)
        if other is None:
            line, run = "desk.ring(call_id='line-2')", lambda: desk.ring(call_id="line-2")
        else:
            step = chooser.pick(("answer", "hold", "pick_up", "abandon"))
            if step == "pick_up":
                line = "desk.pick_up(<line-2>, thanked=True)"

                def run() -> object:
                    return desk.pick_up(other, thanked=True)

            else:
                kwargs: dict[str, Any] = (
                    {"reason": "another call", "asked_permission": True} if step == "hold" else {}
                )
                line = f"<line-2>.{step}({_show(kwargs)})"

                def run() -> object:
                    return getattr(other, step)(**kwargs)

        result = attempt(
            "callflow.desk.Desk (another line)",
            run,
            repro="\n".join([*story.log, line]),
            watched=story.watched,
            aftercare=False,
        )
    elif choice == 1 and call.promises is not None and call.promises.open():
        promise_id = call.promises.open()[0].id
        line = f"call.promises.keep({promise_id!r}, clock())  # someone else"
        ledger, now = call.promises, story.world.clock()
        result = attempt(
            "callflow.promises.PromiseLedger.keep",
            lambda: ledger.keep(promise_id, now),
            repro="\n".join([*story.log, line]),
            watched=story.watched,
            aftercare=False,
        )
    elif choice == 2:
        line = "call.measures()"
        result = attempt(
            "callflow.call.Call.measures",
            call.measures,
            repro="\n".join([*story.log, line]),
            watched=story.watched,
            aftercare=False,
        )
    else:
        line = "render_timeline(call)"
        result = attempt(
            "callflow.timeline.render_timeline",
            lambda: callflow.render_timeline(call),
            repro="\n".join([*story.log, line]),
            watched=story.watched,
            aftercare=False,
        )
    story.log.append(line + ("" if result.outcome is Outcome.ACCEPTED else "  # refused"))
    return result


def _call_entry(event: str) -> Entry:
    return Entry(f"callflow.call.Call.{event}", "method", Call, event, getattr(Call, event))


# -- replay of doctored histories --------------------------------------------------------


def _base_history(chooser: Chooser) -> tuple[list[EventRecord], World]:
    """A real call's history: a legal path (the repository's strategy, or a random walk)."""
    world = World()
    mode = chooser.pick(("strict", "audit"))
    setup = chooser.pick(("book", "bare"))
    call = world.call("ringing", mode, setup)
    story = Story(world, call, None, [])

    def walk(c: Chooser) -> list[tuple[str, dict[str, Any]]]:
        steps = []
        for _ in range(c.integer(0, 12)):
            allowed = call.allowed_events()
            if not allowed:
                break
            event = c.pick(allowed)
            kwargs = story.own_kwargs(event, c)
            with contextlib.suppress(CallflowError):
                world.clock.advance(seconds=c.pick((0, 3, 20)))
                getattr(call, event)(**kwargs)
            steps.append((event, kwargs))
        return steps

    def from_strategy(path: Sequence[Any]) -> None:
        for step in path:
            world.clock.advance(seconds=step.wait)
            with contextlib.suppress(CallflowError):
                getattr(call, step.event)(**step.kwargs)

    path = chooser.strategy(legal_paths(max_size=12), lambda c: None)
    if path is None:
        walk(chooser)
    else:
        from_strategy(path)
    return list(call.history), world


_FIELD_EDGES: dict[str, tuple[Value, ...]] = {
    "event": (
        _fresh("['answer']", lambda: ["answer"]),
        _lit("'launch'", "launch"),
        _lit("''", ""),
        _lit("None", None),
        _lit("'ring'", "ring"),
        _lit("'hang_up'", "hang_up"),
        _lit("'abandon'", "abandon"),
    ),
    "from_stage": (
        _lit("Stage.ENDED", Stage.ENDED),
        _lit("'greeting'", "greeting"),
        _lit("None", None),
    ),
    "to_stage": (_lit("Stage.ABANDONED", Stage.ABANDONED), _lit("'greeting'", "greeting")),
    "at": (*EDGE_DATETIMES, _lit("'now'", "now"), _lit("None", None)),
    "payload": (
        _fresh("{}", dict),
        _fresh("{'extra': 1}", lambda: {"extra": 1}),
        _fresh("[('rings', 2)] (a list of pairs)", lambda: [("rings", 2)]),
        _lit("None", None),
        _lit("'abc'", "abc"),
        _lit("5", 5),
        _fresh("{1: 'x'}", lambda: {1: "x"}),
    ),
    "observed": (
        _fresh("{'ticket': 5}", lambda: {"ticket": 5}),
        _fresh("{'ticket': 'X-000001'}", lambda: {"ticket": "X-000001"}),
        _fresh("{'earlier': ('X-000001',)}", lambda: {"earlier": ("X-000001",)}),
        _fresh("{'earlier': 5}", lambda: {"earlier": 5}),
        _fresh("{'line': 'CF507'}", lambda: {"line": "CF507"}),
        _fresh("{'promise': 'P9'}", lambda: {"promise": "P9"}),
        _fresh("{'ticket_findings': [None]}", lambda: {"ticket_findings": [None]}),
        _fresh("{'case': 'yes'}", lambda: {"case": "yes"}),
        _lit("'abc'", "abc"),
        _lit("5", 5),
        _lit("None", None),
    ),
}
_PAYLOAD_KEYS = (
    "agent",
    "mode",
    "thresholds",
    "call_id",
    "caller",
    "verified",
    "problem",
    "escalation",
    "rings",
    "by",
    "step",
    "message",
)


def _mutate(records: list[Any], chooser: Chooser, world: World) -> tuple[list[Any], str] | Result:
    """One mutation of a history; a Result when building the doctored record itself failed.

    Records are edited through ``attrs.evolve``, so their own checks run: a
    field set past them (``object.__setattr__``, unpickling) is not tried, as
    whoever can do that can run any code already.
    """
    kind = chooser.weighted((2, 2, 2, 1, 2, 6, 3))
    if not records:
        return records, "unchanged"
    index = chooser.below(len(records))
    changed = list(records)
    if kind == 0:
        del changed[index]
        return changed, f"del history[{index}]"
    if kind == 1:
        changed.insert(index, records[index])
        return changed, f"history[{index}] repeated"
    if kind == 2:
        other = chooser.below(len(records))
        changed[index], changed[other] = changed[other], changed[index]
        return changed, f"history[{index}] and history[{other}] swapped"
    if kind == 3:
        return changed[::-1], "history reversed"
    if kind == 4:
        value = hostile(chooser)
        changed[index] = value.make(world)
        return changed, f"history[{index}] = {value.label}"
    record = records[index]
    if not (
        isinstance(record, EventRecord)
        and isinstance(record.payload, Mapping)
        and isinstance(record.observed, Mapping)
    ):
        return changed, "unchanged"  # a record replaced by a hostile value is not edited
    if kind == 6 and record.payload:
        key = chooser.pick((*record.payload, *_PAYLOAD_KEYS))
        value = chooser.pick((*HOSTILE[:20], _lit("<missing>", None)))
        payload = dict(record.payload)
        if value.label == "<missing>":
            payload.pop(key, None)
        else:
            payload[key] = value.make(world)
        name, new, label = "payload", payload, f"payload[{key!r}] = {value.label}"
    else:
        name = chooser.pick(tuple(_FIELD_EDGES))
        value = chooser.pick(_FIELD_EDGES[name])
        new, label = value.make(world), f"{name} = {value.label}"
    built: list[EventRecord] = []
    result = attempt(
        "callflow.records.EventRecord",
        lambda: built.append(attrs.evolve(record, **{name: new})),
        repro=f"attrs.evolve(<a real call's history>[{index}], {label})",
        aftercare=False,
    )
    if result.outcome is not Outcome.ACCEPTED:
        return result
    changed[index] = built[0]
    return changed, f"history[{index}].{label}"


def replay_case(chooser: Chooser) -> Result:
    """Replay a real call's history after one to three mutations, with drawn replay arguments.

    ``Call.replay`` may only raise ``ValidationError`` or ``NotFoundError`` (its "Raises:").
    """
    records, world = _base_history(chooser)
    notes = []
    history: Any = records
    for _ in range(chooser.integer(1, 3)):
        mutated = _mutate(history, chooser, world)
        if isinstance(mutated, Result):
            return mutated
        history, note = mutated
        notes.append(note)
    kwargs: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for name in ("clock", "book", "promises"):
        if chooser.flag(0.25):
            value = chooser.pick(
                (
                    Value("world.clock", lambda w: w.clock),
                    Value("world.book", lambda w: w.book),
                    Value("EverythingBook", lambda w: w.everything),
                    Value("MemoryTicketBook() (empty)", lambda w: w.keep(MemoryTicketBook())),
                    *EDGES_BY_NAME["clock"],
                    *HOSTILE[:12],
                )
            )
            kwargs[name] = value.make(world)
            labels[name] = value.label
    if chooser.flag(0.15):
        wrapper = chooser.pick(("iter", "tuple", "generator"))
        history = {"iter": iter, "tuple": tuple, "generator": lambda h: (r for r in h)}[wrapper](
            history
        )
        notes.append(f"history given as {wrapper}")
    repro = "\n".join(
        [
            "history = list(<a real call's history>)  # see tests/fuzzing.py: _base_history",
            *(f"# {note}" for note in notes),
            f"Call.replay(history{', ' if kwargs else ''}{_show(kwargs, labels)})",
        ]
    )
    hist = history
    return attempt(
        "callflow.call.Call.replay",
        lambda: Call.replay(hist, **kwargs),
        repro=repro,
        watched=world.watched,
        contract=CONTRACTS["callflow.call.Call.replay"],
    )


# -- loaders: random JSON ----------------------------------------------------------------

_JSON_STRINGS = (
    "",
    " ",
    "Ana",
    "high",
    "Europe/Rome",
    "callback",
    "after 3pm",
    "tomorrow",
    "T-000001",
    "+55 11 3456-7890",
    "2026-03-30T15:00:00-03:00[America/Sao_Paulo]",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+00:00",
    "2026-03-29T01:30:00+00:00[Europe/London]",
    "2026-03-30T15:00:00-03:00[Mars/Base]",
    "2026-03-30T15:00:00+01:00[America/Sao_Paulo]",
    "2026-03-30T15:00:00",
    "2026-03-30T15:00:00+00:00[../../etc/passwd]",
    "2026-03-30T15:00:00+00:00[]",
    "[",
    "]",
    "\ud800",
    "x" * 10_000,
    "2026-03-30T15:00:00+23:59",
    "2026-03-30",
)
_FIELD_NAMES = (
    "caller_name",
    "for_whom",
    "organisation",
    "phone",
    "text",
    "urgency",
    "callback",
    "caller_zone",
    "taken_at",
    "taken_by",
    "read_back",
    "region",
    "recipient_zone",
    "start",
    "end",
    "name",
    "user_id",
    "kind",
    "tier",
)


def json_value(chooser: Chooser, depth: int = 0, *, odd_keys: bool = False) -> Any:
    """A random JSON-like value (with non-text keys too when ``odd_keys``)."""
    kind = chooser.weighted((1, 1, 2, 1, 4, 2, 3) if depth < 3 else (1, 1, 2, 1, 4, 0, 0))
    if kind == 0:
        return None
    if kind == 1:
        return chooser.flag()
    if kind == 2:
        return chooser.pick((0, 1, -1, 2**53 + 1, 10**30, 10**5000))
    if kind == 3:
        return chooser.pick((0.5, float("nan"), float("inf"), -0.0, 1e308))
    if kind == 4:
        return chooser.pick(_JSON_STRINGS)
    if kind == 5:
        return [
            json_value(chooser, depth + 1, odd_keys=odd_keys) for _ in range(chooser.integer(0, 3))
        ]
    result: dict[Any, Any] = {}
    for _ in range(chooser.integer(0, 3)):
        key: Any = chooser.pick(_FIELD_NAMES)
        if odd_keys and chooser.flag(0.2):
            key = chooser.pick((1, None, 2.5, True, (1, 2)))
        result[key] = json_value(chooser, depth + 1, odd_keys=odd_keys)
    return result


def _valid_data(kind: type, world: World) -> Any:
    """What :func:`callflow.codec.unstructure` gives for a valid instance of ``kind``."""
    if kind is PhoneMessage:
        return world.message().to_dict()
    if kind is Transcript:
        return _transcript().to_dict()
    for variant in instance_variants(kind):
        try:
            return callflow.codec.unstructure(variant.make(world))
        except Exception:
            continue
    return {}


def _mutated_data(base: Any, chooser: Chooser, world: World) -> tuple[Any, str]:
    try:
        data = copy.deepcopy(base)
    except Exception:  # unstructured data that does not copy: mutate a shallow copy
        data = dict(base) if isinstance(base, Mapping) else base
    notes = []
    for _ in range(chooser.integer(0, 3)):
        if not isinstance(data, dict):
            break
        move = chooser.below(6)
        key = chooser.pick(tuple(data) or _FIELD_NAMES)
        if move == 0:
            value = json_value(chooser, odd_keys=True)
            data[key] = value
            notes.append(f"[{key!r}] = {_repr(value, 80)}")
        elif move == 1:
            data.pop(key, None)
            notes.append(f"del [{key!r}]")
        elif move == 2:
            data["colour"] = "red"
            notes.append("['colour'] = 'red'")
        elif move == 3:
            odd = chooser.pick((1, None, (1, 2)))
            data[odd] = "x"
            notes.append(f"[{odd!r}] = 'x'")
        elif move == 4:
            value = hostile(chooser)
            data[key] = value.make(world)
            notes.append(f"[{key!r}] = {value.label}")
        else:
            data = json_value(chooser, odd_keys=True)
            notes.append(f"replaced by {_repr(data, 80)}")
    return data, "; ".join(notes) or "unchanged"


_RAW_TEXTS = (
    "",
    "null",
    "[]",
    '"x"',
    "1e999",
    "NaN",
    "-Infinity",
    "{",
    '{"a": 1, "a": 2}',
    "\ufeff{}",
    "[" * 100_000,
    '{"caller_name":' * 5000,
    '{"urgency": "high"} trailing',
)


def loaders() -> tuple[Entry, ...]:
    """The entry points that load data: ``from_json``, ``from_dict``, ``structure``, ``load*``."""
    return tuple(
        e
        for e in discover()
        if e.kind in ("function", "classmethod")
        and (e.attr in ("from_json", "from_dict", "structure") or e.attr.startswith("load"))
    )


def _structurable() -> tuple[type, ...]:
    return tuple(
        e.owner
        for e in discover()
        if e.kind == "constructor" and e.owner is not None and attrs.has(e.owner)
    )


def loader_case(entry: Entry, chooser: Chooser) -> Result:
    """Feed a loader random or mutated JSON (its other arguments valid)."""
    world = World()
    params = [p for p in entry.parameters if p.kind is not p.VAR_KEYWORD]
    kwargs: dict[str, Any] = {}
    labels: dict[str, str] = {}
    kind: type = entry.owner if entry.kind == "classmethod" and entry.owner else PhoneMessage
    if entry.name.startswith("callflow.audit."):  # the readers of transcripts
        kind = Transcript
    if any(p.name == "kind" for p in params):
        others = tuple(k for k in _structurable() if k not in (PhoneMessage, CallbackWindow))
        kind = chooser.pick((PhoneMessage, CallbackWindow)) if chooser.flag(0.6) else None
        kind = kind or chooser.pick(others)
        kwargs["kind"], labels["kind"] = kind, kind.__name__
    base = _valid_data(kind, world)
    data, note = _mutated_data(base, chooser, world)
    first = params[0].name
    if params[0].annotation is str or first in ("text", "source"):
        if chooser.flag(0.3):
            text: Any = chooser.pick(_RAW_TEXTS)
            note = f"raw text {_repr(text, 60)}"
        else:
            try:
                text = json.dumps(data, ensure_ascii=chooser.flag())
            except (TypeError, ValueError, RecursionError):
                text = json.dumps(base)
                note = "unchanged (the mutation is not JSON)"
            if chooser.flag(0.2):
                text = text[: chooser.integer(0, max(len(text) - 1, 0))]
                note += "; truncated"
        kwargs[first], labels[first] = text, f"<{note}>"
        if first == "source":  # the lines of a file: this one, and a blank line
            kwargs[first], labels[first] = [text, ""], f"<lines: {note}, ''>"
    else:
        kwargs[first], labels[first] = data, f"<{_repr(base, 60)}: {note}>"
    target = entry.callable
    repro = f"{entry.name.removeprefix('callflow.')}({_show(kwargs, labels)})"
    return attempt(
        entry.name,
        lambda: target(**kwargs),
        repro=repro,
        watched=world.watched,
        contract=CONTRACTS.get(entry.name, (ValidationError,)),
    )


# -- parsers: random text ----------------------------------------------------------------

_WORDS = (
    "after",
    "before",
    "between",
    "and",
    "at",
    "from",
    "to",
    "until",
    "till",
    "by",
    "on",
    "this",
    "next",
    "today",
    "tomorrow",
    "morning",
    "afternoon",
    "evening",
    "noon",
    "midday",
    "any time",
    "all day",
    "in the",
    "monday",
    "fri",
    "thurs",
    "march",
    "sept",
    "3pm",
    "15:00",
    "2",
    "4pm",
    "12am",
    "0:00",
    "24:00",
    "99:99",
    "13pm",
    "5th",
    "of",
    "2026",
    "2026-02-30",
    "9999",
    "0001-01-01",
    "-",
    "–",
    ",",
    "3/4",
    "3.30",
    "+",
    "00",
    "011",
    "44",
    "20",
    "7946",
    "0958",
    "(",
    ")",
    "ext.",
    "x",
    "#",
    "12",
    "٣٤٥",
    "＋４４",
    "1-800-FLOWERS",
    "☎",
    "\x00",
    "𝔘",
    "9" * 30,
)
_SAMPLES = (
    "after 3pm",
    "tomorrow morning",
    "between 2 and 4pm",
    "friday before noon",
    "5 March",
    "+44 20 7946 0958",
    "020 7946 0958",
    "0039 06 1234 5678",
    "+1 415 555 0132 ext. 12",
)


def text_value(chooser: Chooser) -> tuple[str, str]:
    """Random text for a parser, and its label."""
    kind = chooser.weighted((4, 3, 2, 1, 1))
    if kind == 0:
        words = [chooser.pick(_WORDS) for _ in range(chooser.integer(1, 6))]
        text = " ".join(words)
    elif kind == 1:
        text = chooser.pick(_SAMPLES)
        for _ in range(chooser.integer(1, 3)):
            at = chooser.integer(0, len(text))
            text = (
                text[:at] + chooser.pick(("", " ", "9", "pm", ":", "ü", "\u200b")) + text[at + 1 :]
            )
    elif kind == 2:
        text = "".join(chr(chooser.integer(0, 0x2FFFF)) for _ in range(chooser.integer(0, 12)))
    elif kind == 3:
        piece = chooser.pick(("after 3pm ", "1", "between ", "+", "x", "0"))
        text = piece * chooser.pick((100, 5000, 50_000))
        return text, f"{piece!r} * {len(text) // len(piece)}"
    else:
        text = chooser.pick(("", " ", "\n", "\t", "today", "now"))
    return text, repr(text)


_PARSER_EDGES: dict[str, tuple[Value, ...]] = {
    "at": (
        _lit("datetime(9998, 12, 31, 23, 0, tzinfo=UTC)", datetime(9998, 12, 31, 23, tzinfo=UTC)),
        _lit("clock.EARLIEST", callflow.clock.EARLIEST),
        _lit(
            "datetime(2026, 3, 29, 0, 30, tzinfo=UTC) (London DST night)",
            datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        ),
        _lit(
            "datetime(2011, 12, 29, 12, tzinfo=UTC) (Apia skips a day)",
            datetime(2011, 12, 29, 12, tzinfo=UTC),
        ),
    ),
    "zone": (*EDGE_ZONES[3:], _lit("'Pacific/Apia'", "Pacific/Apia")),
    "region": (
        _lit("'gb'", "gb"),
        _lit("'XX'", "XX"),
        _lit("'001'", "001"),
        _lit("''", ""),
        _lit("'US'", "US"),
        _lit("'IT'", "IT"),
    ),
}


def parsers() -> tuple[Entry, ...]:
    """The entry points that read text: public functions named ``parse_*``."""
    return tuple(e for e in discover() if e.kind == "function" and e.attr.startswith("parse_"))


def parser_case(entry: Entry, chooser: Chooser) -> Result:
    """Feed a parser random text; its other arguments valid, or edges (times, zones, regions)."""
    world = World()
    text, label = text_value(chooser)
    params = [p for p in entry.parameters if p.kind is not p.VAR_KEYWORD]
    kwargs: dict[str, Any] = {params[0].name: text}
    labels = {params[0].name: label}
    for param in params[1:]:
        if param.name in _PARSER_EDGES and chooser.flag(0.3):
            value = chooser.pick(_PARSER_EDGES[param.name])
        else:
            value = _draw_argument(entry, param, None, chooser, bad=False)
            if value is _OMIT:
                continue
        kwargs[param.name], labels[param.name] = value.make(world), value.label
    target = entry.callable
    repro = f"{entry.name.removeprefix('callflow.')}({_show(kwargs, labels)})"
    return attempt(entry.name, lambda: target(**kwargs), repro=repro, watched=world.watched)


# -- degenerate calendars ----------------------------------------------------------------

_CAL_ZONES = (
    "UTC",
    "Europe/London",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "America/St_Johns",
)
_CAL_TIMES: tuple[tuple[Value, int], ...] = (
    (_lit("T0", T0), 10),
    (
        _lit(
            "datetime(2026, 3, 29, 1, 30, tzinfo=UTC) (London DST)",
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),
        3,
    ),
    (
        _lit(
            "datetime(2011, 12, 30, 10, tzinfo=ZoneInfo('Pacific/Apia')) (a skipped day)",
            datetime(2011, 12, 30, 10, tzinfo=ZoneInfo("Pacific/Apia")),
        ),
        2,
    ),
    (_lit("clock.EARLIEST", callflow.clock.EARLIEST), 1),
    (_lit("datetime(3, 1, 1, tzinfo=UTC)", datetime(3, 1, 1, tzinfo=UTC)), 1),
    (_lit("datetime(9998, 12, 20, tzinfo=UTC)", datetime(9998, 12, 20, tzinfo=UTC)), 1),
    (_lit("clock.LATEST", callflow.clock.LATEST), 1),
)
"""Where a calendar query starts, the ends of time drawn rarely (a far query crawls: a hang)."""
_CAL_SPANS: tuple[tuple[Value, int], ...] = (
    (_lit("timedelta(0)", timedelta(0)), 3),
    (_lit("timedelta(microseconds=1)", timedelta(microseconds=1)), 3),
    (_lit("timedelta(hours=8)", timedelta(hours=8)), 10),
    (_lit("timedelta(days=7)", timedelta(days=7)), 6),
    (_lit("timedelta(days=30)", timedelta(days=30)), 4),
    (_lit("timedelta(days=1000)", timedelta(days=1000)), 1),
    (_lit("timedelta(days=10**6)", timedelta(days=10**6)), 1),
    (_lit("timedelta.max", timedelta.max), 1),
    (_lit("-timedelta(days=1)", -timedelta(days=1)), 1),
)
"""How much open time to add, or how far after the start a query ends; the crawls rarely."""
_CAL_HOURS: tuple[tuple[tuple[str, list[tuple[time, time]]], int], ...] = (
    (("09:00-17:00", [(time(9), time(17))]), 6),
    (("all day", [(time(0), time(0))]), 2),
    (("01:00-02:00, 02:30-03:00", [(time(1), time(2)), (time(2, 30), time(3))]), 2),
    (("00:00:00-00:00:01", [(time(0, 0, 0), time(0, 0, 1))]), 1),
    (("a second every 3 hours", [(time(h), time(h, 0, 1)) for h in range(0, 24, 3)]), 1),
)


def _weighted(chooser: Chooser, pool: Sequence[tuple[Any, int]]) -> Any:
    return pool[chooser.weighted(tuple(weight for _, weight in pool))][0]


def _calendar_config(chooser: Chooser) -> tuple[dict[str, Any], str]:
    zone = chooser.pick(_CAL_ZONES)
    hours: dict[int, list[tuple[time, time]]] = {}
    for day in range(7):
        if chooser.flag(0.6):
            hours[day] = _weighted(chooser, _CAL_HOURS)[1]
    if not hours:
        hours[6] = [(time(0, 0, 0), time(0, 0, 1))]
    holidays: list[date] = []
    shape = chooser.weighted((6, 2, 1, 1))
    if shape == 1:
        holidays = [date(2026, 1, 1) + timedelta(days=n) for n in range(chooser.pick((30, 2000)))]
    elif shape == 2:
        holidays = [date(2, 1, 1), date(9998, 12, 31), date(2026, 3, 29)]
    elif shape == 3:
        holidays = [date(2026, 3, 2) + timedelta(days=7 * n) for n in range(500)]
    label = (
        f"BusinessCalendar({hours!r}, zone={zone!r}, holidays=<{len(holidays)} days from"
        f" {holidays[0] if holidays else None}>)"
    )
    return {"hours": hours, "zone": zone, "holidays": holidays}, label


def calendar_case(chooser: Chooser) -> Result:
    """One query on a degenerate calendar, or on an SLA clock that runs on one."""
    world = World()
    config, label = _calendar_config(chooser)
    made = attempt(
        "callflow.calendars.BusinessCalendar",
        lambda: BusinessCalendar(**config),
        repro=label,
        aftercare=False,
    )
    if made.outcome is not Outcome.ACCEPTED:
        return made
    calendar = BusinessCalendar(**config)
    start, span = _weighted(chooser, _CAL_TIMES), _weighted(chooser, _CAL_SPANS)
    operation = chooser.pick(("add", "between", "is_open", "periods", "due", "elapsed", "state"))
    begin, amount = start.make(world), span.make(world)
    try:
        end = begin + amount
        end_label = f"{start.label} + {span.label}"
    except OverflowError:
        end, end_label = callflow.clock.LATEST, "clock.LATEST"
    if operation == "add":
        repro = f"{label}.add({start.label}, {span.label})"

        def run() -> object:
            return calendar.add(begin, amount)

    elif operation in ("between", "periods", "is_open"):
        args = (begin,) if operation == "is_open" else (begin, end)
        shown = start.label if operation == "is_open" else f"{start.label}, {end_label}"
        repro = f"{label}.{operation}({shown})"

        def run() -> object:
            return getattr(calendar, operation)(*args)

    else:
        repro = (
            f"SlaClock.start('resolution', {span.label}, {start.label},"
            f" calendar={label}).{operation}({'' if operation == 'due' else end_label})"
        )

        def run() -> object:
            clock = SlaClock.start("resolution", amount, begin, calendar=calendar)
            return clock.due() if operation == "due" else getattr(clock, operation)(end)

    queries = ("add", "between", "is_open", "periods")
    owner = "calendars.BusinessCalendar" if operation in queries else "sla.SlaClock"
    return attempt(f"callflow.{owner}.{operation}", run, repro=repro)


# -- leaks: a book that returns everything -----------------------------------------------


@dataclass
class _Impostor:
    """Something that looks like a call to :func:`callflow.account`, but is not a verified one."""

    caller: Any
    caller_verified: Any


def book_readers() -> tuple[Entry, ...]:
    """Every entry point that takes a ticket book (a parameter ``book``, or typed TicketBook)."""
    found = []
    for entry in discover():
        if entry.kind == "property":
            continue
        annotations = entry.annotations
        for param in entry.parameters:
            kinds = _members(annotations.get(param.name, param.annotation))
            if param.name == "book" or any(k is callflow.TicketBook for k in kinds):
                found.append(entry)
                break
    return tuple(found)


_PARTIES: tuple[tuple[str, Callable[[World], Any], bool], ...] = (
    ("world.call('verified')", lambda w: w.call("verified", setup="everything"), True),
    (
        "Impostor(caller=<own caller>, caller_verified='no')",
        lambda w: _Impostor(w.caller, "no"),
        False,
    ),
    ("Impostor(caller=<own caller>, caller_verified=1)", lambda w: _Impostor(w.caller, 1), False),
    (
        "Impostor(caller=<own caller>, caller_verified=True) (not a Call)",
        lambda w: _Impostor(w.caller, True),
        False,
    ),
    ("<call, caller not verified>", _unverified, False),
    ("world.call('ringing') (no caller)", lambda w: w.call("ringing"), False),
    ("<a Ticket of the caller>", lambda w: w.ticket(), False),
)


def leak_case(entry: Entry, chooser: Chooser) -> Result:
    """Call a book reader with a book that returns everything; a caller must see only theirs.

    Functions get the caller's own identity (user ID, asset tag, ticket) and
    valid values otherwise; a party asking for an account may be an impostor
    (a string "no" for ``caller_verified``, an object that is not a Call...).
    Calls and desks are driven to read the book: identify the caller, then
    listen (earlier tickets) or follow a ticket up; replays take their ticket
    up from the book.
    """
    world = World()
    book = world.everything
    if entry.owner is Call and entry.kind == "classmethod":
        return _leak_replay(world, chooser)
    if entry.owner in (Call, Desk) and entry.kind == "constructor":
        return _leak_call(entry, world, chooser)
    if entry.kind == "method" and entry.attr == "load" and "store" in entry.owner.__module__:
        return _leak_store(entry, world, chooser)
    kwargs: dict[str, Any] = {}
    labels: dict[str, str] = {}
    impostor = False
    for param in entry.parameters:
        kinds = _members(entry.annotations.get(param.name, param.annotation))
        if param.kind is param.VAR_KEYWORD:
            continue
        if param.name == "book":
            kwargs["book"], labels["book"] = book, "EverythingBook"
        elif param.name == "call" or any(k is Call for k in kinds):
            label, make, genuine = chooser.pick(_PARTIES)
            kwargs[param.name], labels[param.name] = make(world), label
            impostor = not genuine
        elif param.name in ("ticket", "before") and any(k is Ticket for k in kinds):
            ticket = book.get(chooser.pick(("T-000001", "T-000002")))
            if param.name == "ticket" or chooser.flag():
                kwargs[param.name], labels[param.name] = ticket, f"book.get({ticket.number!r})"
        elif param.name in ("user_id", "asset_tag"):
            if param.default is param.empty or chooser.flag(0.8):
                mine = OWN_ID if param.name == "user_id" else OWN_ASSET
                kwargs[param.name], labels[param.name] = mine, repr(mine)
        elif param.default is param.empty:
            value = valid_value(entry, param, None) or _lit(repr(NOTE), NOTE)
            kwargs[param.name], labels[param.name] = value.make(world), value.label
    target = entry.callable
    repro = f"{entry.name.removeprefix('callflow.')}({_show(kwargs, labels)})"

    def leaked(value: object) -> str | None:
        if impostor and value is not None:
            return f"an impostor party ({labels.get('call')}) was given {_repr(value, 200)}"
        return foreign_record(value)

    return attempt(
        entry.name,
        lambda: target(**kwargs),
        repro=repro,
        watched=world.watched,
        aftercare=False,
        leak_check=leaked,
    )


def _leak_store(entry: Entry, world: World, chooser: Chooser) -> Result:
    """A call store loads a stored call with a book: it takes up only the caller's own ticket."""
    from callflow.sqlstore import SqlCallStore

    recipe = chooser.pick(("verified", "venting", "troubleshooting"))
    owner = entry.owner
    store = owner("sqlite://") if owner is SqlCallStore else owner()
    store.save(world.call(recipe, setup="everything"), 0)
    name = owner.__name__

    def load() -> object:
        return store.load("call-1", clock=world.clock, book=world.everything)

    return attempt(
        entry.name,
        load,
        repro=f"{name}().save(world.call({recipe!r})); .load('call-1', book=EverythingBook)",
        watched=world.watched,
        aftercare=False,
        leak_check=foreign_record,
    )


def _leak_call(entry: Entry, world: World, chooser: Chooser) -> Result:
    mode = chooser.pick(("strict", "audit"))
    if entry.owner is Desk:
        desk = world.keep(Desk(world.agent, mode=mode, clock=world.clock, book=world.everything))
        call = world.keep(desk.ring(call_id="line-1"))
        made = f"Desk(agent, mode={mode!r}, book=EverythingBook).ring()"
    else:
        call = world.keep(Call(world.agent, mode=mode, clock=world.clock, book=world.everything))
        made = f"Call(agent, mode={mode!r}, book=EverythingBook)"
    call.answer()
    call.identify(world.caller, verified=True)
    how = chooser.pick(("listen", "T-000001", "X-000001", "T-404"))
    step = "call.listen('The printer jams')" if how == "listen" else f"call.follow_up({how!r})"
    repro = (
        f"call = {made}; call.answer(); call.identify(<own caller>, verified=True)\n"
        f"{step}  # then look for other callers' records in the call"
    )

    def run() -> object:
        if how == "listen":
            call.listen("The printer jams")
        else:
            call.follow_up(how)
        return call

    return attempt(
        entry.name,
        run,
        repro=repro,
        watched=world.watched,
        aftercare=False,
        leak_check=foreign_record,
    )


def _leak_replay(world: World, chooser: Chooser) -> Result:
    doctoring = chooser.below(3)
    call = world.call("follow-up" if doctoring == 2 else "venting", setup="book")
    history = list(call.history)
    note = "the call's own history"
    if doctoring == 1:
        index = next(i for i, r in enumerate(history) if r.event == "listen")
        observed = dict(history[index].observed, ticket="X-000001")
        history[index] = attrs.evolve(history[index], observed=observed)
        note = f"history[{index}].observed['ticket'] = 'X-000001' (another caller's ticket)"
    elif doctoring == 2:
        index = next(i for i, r in enumerate(history) if r.event == "follow_up")
        payload = dict(history[index].payload, ticket="X-000001")
        history[index] = attrs.evolve(history[index], payload=payload)
        note = f"history[{index}].payload['ticket'] = 'X-000001' (another caller's ticket)"
    recipe = "follow-up" if doctoring == 2 else "venting"
    repro = (
        f"history = list(world.call({recipe!r}).history)  # {note}\n"
        "Call.replay(history, book=EverythingBook)  # then look at call.ticket"
    )
    book = world.everything
    return attempt(
        "callflow.call.Call.replay",
        lambda: Call.replay(history, book=book),
        repro=repro,
        aftercare=False,
        leak_check=foreign_record,
        contract=CONTRACTS["callflow.call.Call.replay"],
    )


# -- tallies -----------------------------------------------------------------------------


@dataclass
class Row:
    """The counts of one entry point."""

    calls: int = 0
    accepted: int = 0
    refused: int = 0
    escapes: Counter[str] = field(default_factory=Counter)
    hangs: int = 0
    changes: int = 0
    leaks: int = 0
    slowest: float = 0.0


@dataclass
class Defect:
    """One distinct defect: a kind, an exception type and where it comes from."""

    kind: str
    error_type: str
    origin: str
    count: int = 0
    entries: set[str] = field(default_factory=set)
    repro: str = ""
    detail: str = ""
    changed: int = 0  # calls that (also) changed a watched object's state


class Tally:
    """Counts per entry point, and the distinct defects with their shortest reproduction."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.defects: dict[tuple[str, ...], Defect] = {}
        self.sources: Counter[str] = Counter()

    def add(self, result: Result, source: str = "") -> None:
        """Count ``result`` (from the generator ``source``)."""
        self.sources[source] += 1
        row = self.rows.setdefault(result.entry, Row())
        row.calls += 1
        row.slowest = max(row.slowest, result.seconds)
        outcome = result.outcome
        if outcome is Outcome.ACCEPTED:
            row.accepted += 1
        elif outcome is Outcome.REFUSED:
            row.refused += 1
        elif outcome is Outcome.ESCAPE:
            row.escapes[result.error_type] += 1
        elif outcome is Outcome.HANG:
            row.hangs += 1
        elif outcome is Outcome.CHANGED:
            row.changes += 1
        elif outcome is Outcome.LEAK:
            row.leaks += 1
        if result.failed:
            self._defect(result)

    def _defect(self, result: Result) -> None:
        if result.outcome is Outcome.CHANGED:
            key: tuple[str, ...] = ("changed", result.entry, result.error_type, result.origin)
        elif result.outcome is Outcome.LEAK:
            key = ("leak", result.entry, "impostor" if "impostor" in result.detail else "")
        elif result.outcome is Outcome.HANG:
            key = ("hang", result.entry)  # where the alarm caught the loop is arbitrary
        else:
            key = ("escape", result.error_type, result.origin)
        defect = self.defects.setdefault(
            key, Defect(result.outcome.value, result.error_type, result.origin)
        )
        defect.count += 1
        defect.changed += result.changed
        defect.entries.add(result.entry)
        if not defect.repro or len(result.repro) < len(defect.repro):
            defect.repro, defect.detail = result.repro, result.detail

    @property
    def failures(self) -> int:
        """How many calls broke a promise."""
        return sum(
            r.hangs + r.changes + r.leaks + sum(r.escapes.values()) for r in self.rows.values()
        )

    def table(self) -> str:
        """The counts per entry point, and the totals."""
        header = (
            f"{'entry point':<58} {'calls':>7} {'accepted':>8} {'refused':>8} {'escapes':>7}"
            f" {'hangs':>5} {'changed':>7} {'leaks':>5}  escape types"
        )
        lines = [header, "-" * len(header)]
        total = Row()
        for name in sorted(self.rows):
            row = self.rows[name]
            escapes = sum(row.escapes.values())
            types = ", ".join(f"{t} {n}" for t, n in row.escapes.most_common())
            lines.append(
                f"{name.removeprefix('callflow.'):<58} {row.calls:>7} {row.accepted:>8}"
                f" {row.refused:>8} {escapes:>7} {row.hangs:>5} {row.changes:>7}"
                f" {row.leaks:>5}  {types}"
            )
            total.calls += row.calls
            total.accepted += row.accepted
            total.refused += row.refused
            total.escapes.update(row.escapes)
            total.hangs += row.hangs
            total.changes += row.changes
            total.leaks += row.leaks
        lines.append("-" * len(header))
        lines.append(
            f"{'TOTAL (' + str(len(self.rows)) + ' entry points)':<58} {total.calls:>7}"
            f" {total.accepted:>8} {total.refused:>8} {sum(total.escapes.values()):>7}"
            f" {total.hangs:>5} {total.changes:>7} {total.leaks:>5}"
        )
        lines.append(
            "escapes by type: " + ", ".join(f"{t} {n}" for t, n in total.escapes.most_common())
            or "none"
        )
        return "\n".join(lines)

    def report(self) -> str:
        """The distinct defects, grouped by kind, each with its shortest reproduction."""
        lines = []
        order = {"escape": 0, "hang": 1, "changed": 2, "leak": 3}
        defects = sorted(
            self.defects.values(), key=lambda d: (order[d.kind], d.error_type, d.origin)
        )
        for number, d in enumerate(defects, start=1):
            entries = ", ".join(sorted(e.removeprefix("callflow.") for e in d.entries))
            lines.append(
                f"{number}. [{d.kind}] {d.error_type} at {d.origin or '-'}"
                f" ({d.count} calls; {entries})"
            )
            if d.kind == "escape" and d.changed:
                lines.append(f"   and {d.changed} of these calls changed the state before raising")
            lines.append(f"   detail: {_short(d.detail, 300)}")
            lines += ["   " + line for line in _short(d.repro, 1500).splitlines()]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Everything, as JSON-ready data."""
        return {
            "entry_points": {
                name: {
                    "calls": r.calls,
                    "accepted": r.accepted,
                    "refused": r.refused,
                    "escapes": dict(r.escapes),
                    "hangs": r.hangs,
                    "changes": r.changes,
                    "leaks": r.leaks,
                    "slowest_seconds": round(r.slowest, 4),
                }
                for name, r in sorted(self.rows.items())
            },
            "sources": dict(self.sources),
            "defects": [
                {
                    "kind": d.kind,
                    "error_type": d.error_type,
                    "origin": d.origin,
                    "count": d.count,
                    "changed": d.changed,
                    "entries": sorted(d.entries),
                    "repro": d.repro,
                    "detail": d.detail,
                }
                for d in self.defects.values()
            ],
        }
