"""Concurrency in one process: a lock per call serializes its events; calls share nothing."""

import copy
import inspect
import itertools
import pickle
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from callflow import Agent, Call, Caller, ManualClock, Stage

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
THREADS = 8
EVENTS = 150  # per thread


@pytest.fixture(autouse=True)
def switch_often() -> Iterator[None]:
    """Threads switch every microsecond, so that an unserialized event would interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def run_together(work: list[Callable[[], None]]) -> None:
    """Run each of ``work`` in its own thread, all released at once; re-raise any error."""
    start = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [] == errors


def assert_consistent(call: Call) -> None:
    """Timestamps never go back, and every finding points at the record it was made on."""
    history = call.history
    assert all(a.at <= b.at for a, b in itertools.pairwise(history))
    assert all(a.to_stage is b.from_stage for a, b in itertools.pairwise(history))
    for finding in call.findings:
        record = history[finding.event_index]
        assert (record.event, record.from_stage) == (finding.event, finding.stage)


class TestOneCallManyThreads:
    def test_every_event_is_recorded_once(self) -> None:
        """8 threads sending internal events to one audit call: each recorded once, in order."""
        call = Call(agent=BILL, mode="audit")  # the real clock: time moves as threads run
        call.answer()

        def worker(n: int) -> Callable[[], None]:
            def job() -> None:
                for i in range(EVENTS):
                    if i % 2:
                        call.request_manager(f"thread {n}, event {i}")
                    else:
                        call.screen(f"thread {n}, event {i}")  # CF002-free, no caller needed

            return job

        run_together([worker(n) for n in range(THREADS)])
        sent = {f"thread {n}, event {i}" for n in range(THREADS) for i in range(EVENTS)}
        recorded = [
            record.payload.get("reason", record.payload.get("wanted"))
            for record in call.history[2:]
        ]
        assert 2 + THREADS * EVENTS == len(call.history)
        assert sent == set(recorded)
        assert len(sent) == len(recorded)  # none twice
        assert_consistent(call)

    def test_holds_and_check_ins_stay_paired(self) -> None:
        """Holds and check-ins from many threads: the hold state always matches the history."""
        clock = ManualClock(START)
        call = Call(agent=BILL, mode="audit", clock=clock)
        call.answer()
        call.identify(ANA, verified=True)

        def job() -> None:
            for _ in range(EVENTS // 3):
                call.hold(reason="checking the licence server", asked_permission=True)
                call.check_in()
                call.resume(thanked=True)

        run_together([job] * THREADS)
        history = call.history
        assert 3 + THREADS * (EVENTS // 3) * 3 == len(history)
        # Replaying the history one event at a time gives the very same findings.
        assert call.findings == Call.replay(history).findings
        on_hold = False
        for record in history:
            if record.event == "hold":
                on_hold = True
            elif record.event == "resume":
                on_hold = False
        assert on_hold == call.on_hold
        assert_consistent(call)

    def test_an_event_runs_whole_under_the_call_s_lock(self) -> None:
        """The clock is read inside the event, with the call's lock held by that thread."""
        held: list[bool] = []
        calls: list[Call] = []

        def clock() -> datetime:
            if calls:
                held.append(calls[0]._lock._is_owned())  # type: ignore[attr-defined]
            return START

        call = Call(agent=BILL, clock=clock)
        calls.append(call)
        call.answer()
        call.identify(ANA, verified=True)
        assert [True, True] == held


class TestSeparateCalls:
    def test_calls_in_their_own_threads_do_not_interfere(self) -> None:
        """Each thread drives its own call; each ends as a call driven alone would."""
        made: dict[int, Call] = {}

        def drive(n: int) -> Callable[[], None]:
            def job() -> None:
                call = Call(agent=BILL, clock=ManualClock(START), call_id=f"C-{n}")
                made[n] = call
                call.answer()
                for _ in range(20):
                    call.identify(ANA, verified=True)
                    call.request_manager(f"call {n}")
                call.listen("The printer jams")
                call.troubleshoot("Checked the paper tray")
                call.diagnose("printer/paper-feed")
                call.propose("Replace the roller")
                call.implement("Replaced the roller")
                call.goodbye(resolution_confirmed=True, anything_else_asked=True)
                call.hang_up()

            return job

        run_together([drive(n) for n in range(THREADS)])
        alone = Call(agent=BILL, clock=ManualClock(START), call_id="C-0")
        drive_alone = drive(0)
        made_before = dict(made)
        drive_alone()
        reference = made[0]
        for n, call in made_before.items():
            assert [r.event for r in reference.history] == [r.event for r in call.history]
            assert all(r.payload.get("reason") in (None, f"call {n}") for r in call.history)
            assert Stage.ENDED is call.stage
            assert () == call.findings
        assert alone.stage is Stage.RINGING  # untouched by the others
        assert len({id(call._lock) for call in made_before.values()}) == THREADS


class TestTheLock:
    def test_a_copy_of_the_lock_is_a_new_lock(self) -> None:
        """The lock is not state: copied or unpickled with a call, it is a new one, unheld."""
        lock = Call(agent=BILL, clock=ManualClock(START))._lock
        with lock:
            for copied in (copy.copy(lock), copy.deepcopy(lock), pickle.loads(pickle.dumps(lock))):
                assert type(lock) is type(copied)
                assert copied is not lock
                assert not copied._is_owned()  # type: ignore[attr-defined]

    def test_the_lock_is_reentrant(self) -> None:
        """A desk or a replay may send an event while one is running."""
        call = Call(agent=BILL, clock=ManualClock(START))
        with call._lock:
            call.answer()
        assert Stage.GREETING is call.stage

    SIGNATURES: Mapping[str, str] = MappingProxyType(
        {
            "answer": "(self, *, rings: int | None = None) -> None",
            "identify": "(self, caller: callflow.people.Caller, *, verified: bool = False) -> None",
            "listen": (
                "(self, problem: str | None = None, *, needs_verification: bool = True) -> None"
            ),
            "verify": (
                "(self, *, method: Literal['personal_details', 'account_details', 'purchase',"
                " 'security_question', 'one_time_code', 'callback', 'other']) -> None"
            ),
            "inform": "(self, answer: str) -> None",
            "fulfil": "(self, action: str) -> None",
            "confirm_resolution": "(self) -> None",
            "follow_up": "(self, ticket: str, *, notes_read: bool = True) -> None",
            "troubleshoot": "(self, step: str | None = None, *, result: str | None = None) -> None",
            "diagnose": "(self, label: str | None = None) -> None",
            "propose": "(self, plan: str) -> None",
            "implement": "(self, action: str) -> None",
            "assign": "(self, escalation: callflow.escalation.Escalation) -> None",
            "request_manager": "(self, reason: str) -> None",
            "goodbye": (
                "(self, *, resolution_confirmed: bool = False, anything_else_asked: bool = False)"
                " -> None"
            ),
            "hang_up": "(self, *, by: Literal['caller', 'agent', 'unknown'] = 'caller') -> None",
            "screen": "(self, wanted: str, *, available: bool | None = None) -> None",
            "hold": (
                "(self, *, reason: str | None = None, asked_permission: bool = False,"
                " words: str | None = None) -> None"
            ),
            "check_in": "(self, *, offered_to_continue: bool = True) -> None",
            "resume": (
                "(self, *, thanked: bool = False, apologised: bool = False,"
                " out_of_turn: str | None = None) -> None"
            ),
            "transfer": (
                "(self, to: str, *, warm: bool = False, announced: bool = False,"
                " reason: str | None = None, direct_number: str | None = None) -> None"
            ),
            "take_message": "(self, message: callflow.messages.PhoneMessage) -> None",
            "abandon": "(self) -> None",
        }
    )

    @pytest.mark.parametrize("event", sorted(SIGNATURES))
    def test_event_signatures_are_unchanged(self, event: str) -> None:
        """Event payload types are derived from these signatures: the lock leaves them alone."""
        assert self.SIGNATURES[event] == str(inspect.signature(getattr(Call, event)))
