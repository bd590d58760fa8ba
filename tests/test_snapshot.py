"""Snapshots: a call or a desk to JSON and back, through replay; every bad snapshot refused."""

import contextlib
import copy
import hashlib
import json
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import STATE_PROPERTIES, Step, event_sequences, legal_paths, perform

import callflow
from callflow import (
    PROCEDURE,
    Agent,
    Call,
    Caller,
    Desk,
    Escalation,
    ManualClock,
    MemoryTicketBook,
    PromiseLedger,
    Target,
)
from callflow import snapshot as snap
from callflow._snapshot_schema import SCHEMA_FILE, snapshot_schema
from callflow.documents import DocumentLimits
from callflow.errors import CallflowError, SnapshotError
from callflow.escalation import TargetKind
from callflow.messages import PhoneMessage
from callflow.table import Guard, Transition, TransitionTable

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller("Ana Souza", user_id="E1234")
SCHEMAS = Path(callflow.__file__).parent / "schemas"


def facts(call: Call) -> tuple[object, ...]:
    """Everything a call shows: its state, records, findings, measures and what it allows."""
    state = tuple(getattr(call, name) for name in STATE_PROPERTIES)
    return (
        state,
        call.history,
        call.findings,
        call.allowed_events(),
        call.measures(call.history[-1].at),
        call.ticket_number,
        call.earlier_tickets,
        call.screening,
        call.troubleshooting_steps,
        call.manager_requests,
        call.escalation,
    )


def twin_runs(steps: list[Step], cut: int, mode: str) -> tuple[Call, Call]:
    """The same steps sent to a call that never stops and to one snapshotted after ``cut``."""
    whole_clock, part_clock = ManualClock(START), ManualClock(START)
    whole = Call(BILL, mode=mode, clock=whole_clock, call_id="C-1")
    part = Call(BILL, mode=mode, clock=part_clock, call_id="C-1")
    for index, step in enumerate(steps):
        if index == cut:
            text = snap.dumps(part)
            part_clock = ManualClock(part_clock())
            part = snap.loads(text, clock=part_clock)
        for call, clock in ((whole, whole_clock), (part, part_clock)):
            # Refused alike by both, or not: the comparison below tells.
            with contextlib.suppress(CallflowError):
                perform(call, step, clock)
    return whole, part


class TestRoundTrip:
    """dumps then loads gives the same call, which goes on as if it had never stopped."""

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(steps=legal_paths(max_size=25), data=st.data())
    def test_a_strict_call_cut_anywhere_goes_on_the_same(
        self, steps: list[Step], data: Any
    ) -> None:
        cut = data.draw(st.integers(min_value=0, max_value=len(steps)))
        whole, part = twin_runs(steps, cut, "strict")
        assert facts(whole) == facts(part)
        assert snap.dumps(whole) == snap.dumps(part)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(steps=event_sequences(max_size=25), data=st.data())
    def test_an_audit_call_cut_anywhere_goes_on_the_same(
        self, steps: list[Step], data: Any
    ) -> None:
        """Any events in any order: departures, findings, holds, ends, all alike."""
        cut = data.draw(st.integers(min_value=0, max_value=len(steps)))
        whole, part = twin_runs(steps, cut, "audit")
        assert facts(whole) == facts(part)

    @settings(max_examples=40, deadline=None)
    @given(steps=event_sequences(max_size=20))
    def test_the_document_is_json_and_reads_back_to_itself(self, steps: list[Step]) -> None:
        clock = ManualClock(START)
        call = Call(BILL, mode="audit", clock=clock, call_id="C-9")
        for step in steps:
            with contextlib.suppress(CallflowError):
                perform(call, step, clock)
        document = snap.to_document(call)
        assert document == json.loads(json.dumps(document))
        again = snap.from_document(document)
        assert isinstance(again, Call)
        assert document == snap.to_document(again)

    def test_pickle_goes_through_the_snapshot(self) -> None:
        call, _ = held_call()
        again = pickle.loads(pickle.dumps(call))
        assert facts(call) == facts(again)
        assert (True, call.check_in_due) == (again.on_hold, again.check_in_due)

    def test_a_call_mid_screening_goes_on(self) -> None:
        """Screened, the person asked for not yet known to be free: restored, it goes on."""
        clock = ManualClock(START)
        call = Call(BILL, clock=clock, call_id="C-2")
        call.answer()
        clock.advance(seconds=4)
        call.screen("Maria Rossi")
        again = snap.loads(snap.dumps(call), clock=clock)
        assert (call.screening, call.allowed_events()) == (again.screening, again.allowed_events())
        clock.advance(seconds=30)
        for each in (call, again):
            each.screen("Maria Rossi", available=False)
        assert facts(call) == facts(again)
        assert again.screening is not None

    def test_the_clock_given_is_the_one_the_call_goes_on_with(self) -> None:
        call, clock = held_call()
        later = ManualClock(clock() + timedelta(minutes=2))
        again = snap.loads(snap.dumps(call), clock=later)
        assert again.clock is later
        again.check_in()
        assert "CF504" == again.findings[-1].rule  # two minutes without a word

    def test_a_call_restored_without_a_clock_runs_on_utc_now(self) -> None:
        call, _ = held_call()
        again = snap.loads(snap.dumps(call))
        assert callflow.utc_now is again.clock


def held_call() -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    call = Call(BILL, clock=clock, call_id="C-1")
    call.answer()
    clock.advance(seconds=5)
    call.identify(ANA, verified=True)
    call.listen("The printer jams")
    clock.advance(seconds=5)
    call.hold(reason="I will check the printer queue", asked_permission=True)
    return call, clock


def ticketed_call(book: MemoryTicketBook, ledger: PromiseLedger, clock: ManualClock) -> Call:
    """A call on a ticket book and a ledger, in the middle of troubleshooting, on hold."""
    call = Call(BILL, mode="audit", clock=clock, call_id="C-7", book=book, promises=ledger)
    call.answer()
    clock.advance(seconds=3)
    call.identify(ANA, verified=True)
    call.listen("The printer on floor 2 jams on every page")
    clock.advance(seconds=30)
    call.troubleshoot("Cleaned the rollers", result="It still jams")
    call.hold(reason="I will check the printer's logs", asked_permission=True)
    return call


def finish(call: Call, clock: ManualClock) -> None:
    clock.advance(seconds=25)
    call.check_in()
    clock.advance(seconds=20)
    call.resume(thanked=True)
    call.diagnose("worn pick-up roller")
    call.propose("Order a new pick-up roller; a technician fits it")
    escalation = Escalation(
        to=Target("Hardware team", TargetKind.TEAM),
        reason="The pick-up roller is worn and must be replaced by a technician",
        ticket=call.ticket_number,
        next_steps="A technician fits a new roller",
        timeframe=timedelta(days=2),
        read_back=True,
    )
    call.assign(escalation)
    call.goodbye(anything_else_asked=True)
    call.hang_up()


class TestWithATicket:
    """A call with a ticket book and promises, snapshotted on hold, goes on exactly."""

    def test_ticket_and_promises_go_on_as_if_never_stopped(self) -> None:
        whole_clock, part_clock = ManualClock(START), ManualClock(START)
        whole_book, part_book = MemoryTicketBook(), MemoryTicketBook()
        whole = ticketed_call(whole_book, PromiseLedger(), whole_clock)
        part_ledger = PromiseLedger()
        part = ticketed_call(part_book, part_ledger, part_clock)
        part = snap.loads(snap.dumps(part), clock=part_clock, book=part_book, promises=part_ledger)
        assert part.ticket is part_book.get(part.ticket_number or "")
        finish(whole, whole_clock)
        finish(part, part_clock)
        assert facts(whole) == facts(part)
        assert whole.ticket is not None
        assert part.ticket is not None
        assert whole.ticket.history == part.ticket.history
        assert whole.ticket.sla_clocks() == part.ticket.sla_clocks()
        assert whole.ticket.promises == part.ticket.promises

    def test_the_ticket_is_not_written_again(self) -> None:
        clock = ManualClock(START)
        book = MemoryTicketBook()
        call = ticketed_call(book, PromiseLedger(), clock)
        ticket = call.ticket
        assert ticket is not None
        before = ticket.history
        snap.loads(snap.dumps(call), book=book)
        assert (before, 1) == (ticket.history, len(book))

    def test_another_callers_ticket_is_refused(self) -> None:
        """A history naming a ticket the book holds for someone else: refused, named."""
        clock = ManualClock(START)
        book = MemoryTicketBook()
        call = ticketed_call(book, PromiseLedger(), clock)
        other = MemoryTicketBook()
        stranger = Call(BILL, clock=ManualClock(START), book=other, call_id="X")
        stranger.answer()
        stranger.identify(Caller("Rui", user_id="E9"), verified=True)
        stranger.listen("My screen flickers")
        with pytest.raises(SnapshotError) as caught:
            snap.loads(snap.dumps(call), book=other)
        assert "history" == caught.value.field


class TestDesk:
    def test_a_desk_with_a_held_call_goes_on_in_the_same_order(self) -> None:
        clock = ManualClock(START)
        desk = Desk(BILL, lines=3, clock=clock)
        first = desk.ring(call_id="L1")
        first.answer()
        second = desk.ring(call_id="L2")
        first.hold(reason="another call is ringing", asked_permission=True)
        second.answer()
        second.hold(reason="I am on another call", asked_permission=True)
        desk.ring(call_id="L3")
        again = snap.loads(snap.dumps(desk), clock=clock)
        assert isinstance(again, Desk)
        assert ["L1", "L2", "L3"] == [call.call_id for call in again.calls]
        assert ["L1", "L2"] == [call.call_id for call in again.held]
        assert snap.to_document(desk) == snap.to_document(again)
        with pytest.raises(callflow.InvalidTransitionError):
            again.pick_up(again.held[1], thanked=True)  # CF507: L1 has waited longer
        again.pick_up(again.held[0], thanked=True)
        assert (again.calls[0],) == again.talking

    def test_pickle(self) -> None:
        desk = Desk(BILL, lines=2, clock=ManualClock(START))
        desk.ring(call_id="L1").answer()
        again = pickle.loads(pickle.dumps(desk))
        assert snap.to_document(desk) == snap.to_document(again)

    def test_held_order_must_list_the_held_calls(self) -> None:
        clock = ManualClock(START)
        desk = Desk(BILL, lines=2, clock=clock)
        call = desk.ring(call_id="L1")
        call.answer()
        call.hold(reason="checking", asked_permission=True)
        document = snap.to_document(desk)
        document["held"] = []
        with pytest.raises(SnapshotError) as caught:
            snap.from_document(document)
        assert ("held", []) == (caught.value.field, caught.value.value)

    def test_more_calls_than_lines_is_refused(self) -> None:
        desk = Desk(BILL, lines=2, clock=ManualClock(START))
        desk.ring(call_id="L1")
        desk.ring(call_id="L2")
        document = snap.to_document(desk)
        document["lines"] = 1
        with pytest.raises(SnapshotError) as caught:
            snap.from_document(document)
        assert "calls" == caught.value.field


def document_of_listened_call() -> dict[str, Any]:
    clock = ManualClock(START)
    call = Call(BILL, clock=clock, call_id="C-1")
    call.answer()
    clock.advance(seconds=5)
    call.identify(ANA, verified=True)
    clock.advance(seconds=5)
    call.listen("The printer jams")
    return snap.to_document(call)


def refused(document: object, **arguments: Any) -> SnapshotError:
    with pytest.raises(SnapshotError) as caught:
        snap.from_document(document, **arguments)
    return caught.value


class TestBadSnapshots:
    """Each kind of bad snapshot: a SnapshotError naming the path, and nothing created."""

    @pytest.mark.parametrize(
        ("key", "value", "field"),
        [
            ("version", 2, "version"),
            ("version", "1", "version"),
            ("version", True, "version"),
            ("format", "other", "format"),
            ("kind", "parrot", "kind"),
            ("table", "sha256:0", "table"),
            ("call_id", "C-2", "call_id"),
            ("colour", "colour", "colour"),
        ],
    )
    def test_the_envelope(self, key: str, value: object, field: str) -> None:
        """A bad value is named with the value; an unknown key with the key itself."""
        document = document_of_listened_call()
        document[key] = value
        error = refused(document)
        assert (field, value) == (error.field, error.value)

    @pytest.mark.parametrize("missing", ["format", "version", "table", "call_id", "history"])
    def test_a_missing_key(self, missing: str) -> None:
        document = document_of_listened_call()
        del document[missing]
        assert missing == refused(document).field

    def test_an_event_the_table_does_not_allow_in_strict_mode(self) -> None:
        document = document_of_listened_call()
        early = copy.deepcopy(document["history"][3])
        early.update(event="propose", from_stage="greeting", to_stage="resolution")
        early["payload"] = {"plan": "Replace the roller"}
        document["history"][3] = early
        error = refused(document)
        assert "history[3]" == error.field
        assert "cannot be replayed" in error.reason

    def test_timestamps_going_backwards(self) -> None:
        document = document_of_listened_call()
        document["history"][3]["at"] = "2026-03-02T08:00:00+00:00"
        assert "history[3].at" == refused(document).field

    @pytest.mark.parametrize(
        ("index", "key", "value", "field"),
        [
            (2, "verified", "yes", "history[2].payload.verified"),
            (2, "caller", "Ana", "history[2].payload.caller"),
            (3, "problem", 7, "history[3].payload.problem"),
            (3, "problem", "   ", "history[3].payload.problem"),
            (1, "rings", "two", "history[1].payload.rings"),
            (3, "urgent", True, "history[3].payload.urgent"),
        ],
    )
    def test_a_payload_of_the_wrong_type(
        self, index: int, key: str, value: object, field: str
    ) -> None:
        document = document_of_listened_call()
        document["history"][index]["payload"][key] = value
        assert field == refused(document).field

    def test_an_unknown_field_deep_inside(self) -> None:
        document = document_of_listened_call()
        document["history"][2]["payload"]["caller"]["nickname"] = "Aninha"
        error = refused(document)
        assert ("history[2].payload.caller.nickname", "nickname") == (error.field, error.value)

    def test_an_unknown_field_of_a_record(self) -> None:
        document = document_of_listened_call()
        document["history"][1]["by"] = "Bill"
        assert "history[1].by" == refused(document).field

    def test_an_unknown_event(self) -> None:
        document = document_of_listened_call()
        document["history"][1]["event"] = "dance"
        assert ("history[1].event", "dance") == (refused(document).field, "dance")

    def test_a_stage_that_does_not_exist(self) -> None:
        document = document_of_listened_call()
        document["history"][1]["to_stage"] = "limbo"
        assert "history[1].to_stage" == refused(document).field

    def test_a_record_that_says_another_stage_than_the_replay_gives(self) -> None:
        document = document_of_listened_call()
        document["history"][3]["to_stage"] = "troubleshooting"
        error = refused(document)
        assert "history[3]" == error.field

    def test_something_an_event_did_not_look_up(self) -> None:
        document = document_of_listened_call()
        document["history"][3]["observed"] = {"ticket": "T-000001", "vip": True}
        assert "history[3].observed.vip" == refused(document).field

    @pytest.mark.parametrize(
        ("limits", "text"),
        [
            (DocumentLimits(max_chars=200), "characters"),
            (DocumentLimits(max_depth=3), "deep"),
            (DocumentLimits(max_items=10), "values"),
        ],
    )
    def test_a_document_over_the_limits(self, limits: DocumentLimits, text: str) -> None:
        document = document_of_listened_call()
        with pytest.raises(SnapshotError) as caught:
            snap.loads(json.dumps(document), limits=limits)
        assert text in caught.value.reason or text in str(caught.value)

    @pytest.mark.parametrize("text", ["", "{", "[]", "null", '{"kind": "call"}', "NaN"])
    def test_text_that_is_not_a_snapshot(self, text: str) -> None:
        with pytest.raises(SnapshotError):
            snap.loads(text)

    def test_a_history_that_is_not_a_list(self) -> None:
        document = document_of_listened_call()
        document["history"] = {"0": document["history"][0]}
        assert "history" == refused(document).field

    def test_nothing_is_created_in_the_book_or_the_ledger(self) -> None:
        """A refused snapshot of a ticketed call changes neither its book nor its ledger."""
        clock = ManualClock(START)
        book, ledger = MemoryTicketBook(), PromiseLedger()
        call = ticketed_call(book, ledger, clock)
        document = snap.to_document(call)
        document["history"][-1]["payload"]["asked_permission"] = "yes"
        ticket = call.ticket
        assert ticket is not None
        before = (len(book), ticket.history, tuple(ledger))
        refused(document, book=book, promises=ledger)
        assert before == (len(book), ticket.history, tuple(ledger))

    def test_the_error_is_a_validation_error_too(self) -> None:
        assert issubclass(SnapshotError, callflow.ValidationError)
        assert issubclass(SnapshotError, ValueError)


class TestTableIdentity:
    def test_the_same_definition_has_the_same_identity(self) -> None:
        copy_of = TransitionTable(states=PROCEDURE.states, transitions=PROCEDURE.transitions)
        assert snap.table_identity(PROCEDURE) == snap.table_identity(copy_of)

    def test_another_guard_is_another_table(self) -> None:
        rows = list(PROCEDURE.transitions)
        first = rows[0]
        guard = Guard("CF999", "a full moon", lambda call: True)
        rows[0] = Transition(first.event, first.source, first.dest, (*first.guards, guard))
        other = TransitionTable(states=PROCEDURE.states, transitions=rows)
        assert snap.table_identity(PROCEDURE) != snap.table_identity(other)


class TestSchema:
    """The shipped JSON Schema is the generated one; every snapshot validates against it."""

    def shipped(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((SCHEMAS / SCHEMA_FILE).read_text(encoding="utf-8"))
        return loaded

    def test_the_shipped_schema_is_the_generated_one(self) -> None:
        assert snapshot_schema() == self.shipped()

    def test_the_docs_carry_the_same_schema(self) -> None:
        docs = Path(__file__).parent.parent / "docs" / "schemas" / SCHEMA_FILE
        assert self.shipped() == json.loads(docs.read_text(encoding="utf-8"))

    def test_the_schema_changes_only_with_the_format_version(self) -> None:
        """Pinned per version: change the schema, and FORMAT_VERSION must change with it."""
        text = (SCHEMAS / SCHEMA_FILE).read_bytes()
        digest = hashlib.sha256(text).hexdigest()
        assert RELEASED_SCHEMAS[snap.FORMAT_VERSION] == digest

    @settings(max_examples=40, deadline=None)
    @given(steps=event_sequences(max_size=20))
    def test_every_snapshot_validates(self, steps: list[Step]) -> None:
        clock = ManualClock(START)
        call = Call(BILL, mode="audit", clock=clock, call_id="C-3")
        for step in steps:
            with contextlib.suppress(CallflowError):
                perform(call, step, clock)
        jsonschema.Draft202012Validator(self.shipped()).validate(snap.to_document(call))

    def test_a_desk_and_a_ticketed_call_validate(self) -> None:
        validator = jsonschema.Draft202012Validator(self.shipped())
        clock = ManualClock(START)
        call = ticketed_call(MemoryTicketBook(), PromiseLedger(), clock)
        finish(call, clock)
        validator.validate(snap.to_document(call))
        desk = Desk(BILL, lines=2, clock=clock)
        desk.ring(call_id="L1").answer()
        validator.validate(snap.to_document(desk))

    @pytest.mark.parametrize(
        "breaking",
        [
            lambda d: d["history"][2]["payload"].update(verified="yes"),
            lambda d: d["history"][1].update(at="2026-03-02T09:00:00"),
            lambda d: d["history"][1].update(loud=True),
            lambda d: d.update(version=2),
            lambda d: d["history"][1].update(event="dance"),
            lambda d: d["history"][2]["payload"].pop("caller"),
        ],
    )
    def test_a_hand_broken_snapshot_does_not_validate(self, breaking: Any) -> None:
        document = document_of_listened_call()
        breaking(document)
        validator = jsonschema.Draft202012Validator(self.shipped())
        assert not validator.is_valid(document)


RELEASED_SCHEMAS = {
    1: "0f3587dbb58267366087972be6750ddd86739f6438c277edf62ec8c8f67134bf",
}
"""The sha256 of each released version's schema file: a released schema never changes."""


def test_a_message_call_round_trips() -> None:
    """take_message carries a PhoneMessage with a callback window in the caller's zone."""
    from zoneinfo import ZoneInfo

    from callflow.callbacks import CallbackWindow

    clock = ManualClock(START)
    call = Call(BILL, clock=clock, call_id="C-5", promises=PromiseLedger())
    call.answer()
    zone = ZoneInfo("Europe/Rome")
    message = PhoneMessage(
        caller_name="Ana Souza",
        for_whom="Maria Rossi",
        organisation="ACME Corp",
        phone="+39 06 6982 1234",
        text="Please call back about the invoice",
        urgency="high",
        callback=CallbackWindow(
            datetime(2026, 3, 2, 15, 0, tzinfo=zone), datetime(2026, 3, 2, 17, 0, tzinfo=zone)
        ),
        caller_zone=zone,
        taken_at=START,
        taken_by="Bill",
        read_back=True,
    )
    call.take_message(message)
    again = snap.loads(snap.dumps(call), promises=call.promises)
    assert facts(call) == facts(again)
    assert again.message == message


def desk_document() -> dict[str, Any]:
    """A desk of two lines: one call answered and held, one ringing."""
    clock = ManualClock(START)
    desk = Desk(BILL, lines=2, clock=clock)
    first = desk.ring(call_id="L1")
    first.answer()
    first.hold(reason="another call is ringing", asked_permission=True)
    desk.ring(call_id="L2")
    return snap.to_document(desk)


class TestBadDeskSnapshots:
    """A desk's snapshot is checked as a whole: each of its calls, and how they sit on it."""

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda d: d.update(lines=0), "lines"),
            (lambda d: d.update(lines="2"), "lines"),
            (lambda d: d.update(lines=True), "lines"),
            (lambda d: d.update(calls={"L1": None}), "calls"),
            (lambda d: d.update(held=[0, 0]), "held"),
            (lambda d: d.update(held=["0"]), "held"),
            (lambda d: d.update(held=[1]), "held"),
            (lambda d: d.update(held=None), "held"),
            (lambda d: d["calls"][0].update(colour="red"), "calls[0].colour"),
            (lambda d: d["calls"][0].pop("history"), "calls[0].history"),
            (lambda d: d["calls"].__setitem__(1, "L2"), "calls[1]"),
            (
                lambda d: d["calls"][0]["history"][1]["payload"].update(rings="two"),
                "calls[0].history[1].payload.rings",
            ),
            (lambda d: d["agent"].update(name="   "), "agent.name"),
            (lambda d: d.update(mode="lenient"), "mode"),
            (lambda d: d.update(kind="call"), "history"),
        ],
    )
    def test_a_bad_part_is_named(self, change: Any, field: str) -> None:
        document = desk_document()
        change(document)
        assert field == refused(document).field

    def test_a_call_of_another_agent(self) -> None:
        document = desk_document()
        document["calls"][1]["history"][0]["payload"]["agent"]["name"] = "Rui"
        error = refused(document)
        reason = "must have the desk's agent, mode and thresholds, on the phone"
        assert ("calls[1].history[0]", reason) == (
            error.field,
            error.reason,
        )

    def test_an_ended_call_on_the_desk(self) -> None:
        clock = ManualClock(START)
        call = Call(BILL, clock=clock, call_id="L9")
        call.abandon()
        document = desk_document()
        document["calls"][1] = {"call_id": "L9", "history": snap.to_document(call)["history"]}
        error = refused(document)
        assert ("calls[1]", "is over: a desk keeps no ended call") == (error.field, error.reason)


class TestTheRingsSettings:
    """The ring's settings: thresholds read once are reused, and each call keeps its own."""

    def test_calls_with_other_thresholds_keep_theirs(self) -> None:
        strict_limits = callflow.Thresholds(max_rings=1)
        calls = [
            Call(BILL, clock=ManualClock(START), call_id=f"C-{n}", thresholds=limits)
            for n, limits in enumerate((callflow.Thresholds(), strict_limits))
        ]
        for _ in range(2):  # the second time, the thresholds are the ones read before
            again = [snap.loads(snap.dumps(call)) for call in calls]
            assert [c.thresholds for c in calls] == [c.thresholds for c in again]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda p: p.update(colour="red"), "history[0].payload.colour"),
            (lambda p: p.pop("agent"), "history[0].payload.agent"),
            (lambda p: p["agent"].update(name=7), "history[0].payload.agent.name"),
            (lambda p: p.update(mode="lenient"), "history[0].payload.mode"),
            (lambda p: p.update(call_id=7), "history[0].payload.call_id"),
            (lambda p: p.update(channel="email"), "history[0].payload.channel"),
            (lambda p: p.update(channel=[]), "history[0].payload.channel"),  # unhashable
            (lambda p: p.update(channel={"phone": 1}), "history[0].payload.channel"),
        ],
    )
    def test_a_bad_ring_is_named_whether_its_thresholds_were_read_before(
        self, change: Any, field: str
    ) -> None:
        document = document_of_listened_call()
        snap.from_document(copy.deepcopy(document))  # its thresholds are now known
        for attempt in range(2):
            broken = copy.deepcopy(document)
            change(broken["history"][0]["payload"])
            if attempt:  # and with thresholds never seen before
                broken["history"][0]["payload"]["thresholds"]["max_rings"] = 7
            assert field == refused(broken).field
