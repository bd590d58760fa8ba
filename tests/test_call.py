"""Unit tests of Call: construction, each event's effects, validation, clock, replay errors."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from callflow import (
    Agent,
    Call,
    CallEndedError,
    Caller,
    CallflowError,
    EventRecord,
    InvalidTransitionError,
    ManualClock,
    Mode,
    Outcome,
    PhoneMessage,
    Stage,
    Thresholds,
    ValidationError,
)
from callflow.escalation import Escalation, Target

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
MESSAGE = PhoneMessage(
    caller_name="Ana Souza",
    for_whom="Dr. Lee",
    organisation="Acme Ltda",
    phone="+55 11 3456-7890",
    text="Please call back about the lab results",
    urgency="high",
    callback="tomorrow morning",
    caller_zone="America/Sao_Paulo",
    taken_at=START,
    taken_by="Bill",
    read_back=True,
)


def new_call(mode: str = "strict") -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    return Call(agent=BILL, clock=clock, mode=mode), clock


MAIN_PATH: list[tuple[str, dict[str, object]]] = [
    ("answer", {}),
    ("identify", {"caller": ANA, "verified": True}),
    ("listen", {"problem": "It jams"}),
    ("troubleshoot", {"step": "Checked the tray"}),
    ("diagnose", {"label": "printer/paper-feed"}),
    ("propose", {"plan": "Replace the roller"}),
    ("implement", {"action": "Roller replaced"}),
    ("goodbye", {"resolution_confirmed": True, "anything_else_asked": True}),
]


def to_stage(call: Call, stage: Stage) -> None:
    """Drive ``call`` along the main path until it is in ``stage`` (GREETING: verified)."""
    for event, kwargs in MAIN_PATH:
        getattr(call, event)(**kwargs)
        if call.stage is stage and (stage is not Stage.GREETING or call.caller_verified):
            return
    raise AssertionError(f"the main path never reached {stage}")


class TestConstruction:
    def test_a_new_call_is_ringing_with_one_ring_record(self) -> None:
        """A call starts RINGING; its history holds the ring with agent, mode, thresholds."""
        call, _ = new_call()
        assert Stage.RINGING == call.stage
        assert ["ring"] == [r.event for r in call.history]
        ring = call.history[0]
        assert (BILL, Mode.STRICT, Thresholds()) == (
            ring.payload["agent"],
            ring.payload["mode"],
            ring.payload["thresholds"],
        )
        assert START == ring.at

    def test_mode_accepts_enum_and_string(self) -> None:
        """``mode`` takes a Mode member or its string value."""
        assert Mode.AUDIT == Call(agent=BILL, mode=Mode.AUDIT).mode
        assert Mode.AUDIT == Call(agent=BILL, mode="audit").mode

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"agent": "Bill"}, "agent"),
            ({"agent": BILL, "mode": "lenient"}, "mode"),
            ({"agent": BILL, "clock": "now"}, "clock"),
            ({"agent": BILL, "thresholds": {"max_rings": 3}}, "thresholds"),
            ({"agent": BILL, "clock": lambda: datetime(2026, 3, 2, 9, 0)}, "clock"),
        ],
    )
    def test_bad_arguments_name_the_field(self, kwargs: dict[str, object], field: str) -> None:
        """Each bad constructor argument raises ValidationError naming it."""
        with pytest.raises(ValidationError) as caught:
            Call(**kwargs)  # type: ignore[arg-type]
        assert field == caught.value.field

    def test_default_clock_is_aware_utc(self) -> None:
        """Without a clock, the ring is timestamped in UTC."""
        call = Call(agent=BILL)
        assert timedelta(0) == call.history[0].at.utcoffset()

    def test_repr_shows_stage_and_counts(self) -> None:
        """The repr is short and says where the call is."""
        call, _ = new_call("audit")
        assert "<Call RINGING agent='Bill' mode=audit events=1 findings=0>" == repr(call)


class TestEventEffects:
    def test_identify_records_caller_and_verification(self) -> None:
        """identify() sets the caller and whether they were verified; it can be repeated."""
        call, _ = new_call()
        call.answer()
        call.identify(Caller(name="Ana"))
        assert (Caller(name="Ana"), False) == (call.caller, call.caller_verified)
        call.identify(ANA, verified=True)
        assert (ANA, True) == (call.caller, call.caller_verified)

    def test_problem_steps_label_plan_fix_are_kept(self) -> None:
        """Each event keeps what it was told."""
        call, _ = new_call()
        to_stage(call, Stage.DIAGNOSIS)
        call.troubleshoot("Printed a test page")
        call.diagnose("printer/roller")
        call.propose("Replace the roller")
        call.implement("Replaced")
        assert "It jams" == call.problem
        assert ("Checked the tray", "Printed a test page") == call.troubleshooting_steps
        assert ("printer/roller", "Replace the roller", "Replaced") == (
            call.diagnosis,
            call.plan,
            call.fix,
        )
        assert call.fixed

    def test_diagnose_without_label_keeps_the_previous_label(self) -> None:
        """An unlabelled diagnose() does not erase a label already recorded."""
        call, _ = new_call()
        to_stage(call, Stage.DIAGNOSIS)
        call.diagnose()
        assert "printer/paper-feed" == call.diagnosis

    def test_troubleshooting_after_a_fix_means_the_fix_failed(self) -> None:
        """troubleshoot() from IMPLEMENT_OR_ASSIGN forgets the fix; goodbye then needs a new one."""
        call, _ = new_call()
        to_stage(call, Stage.IMPLEMENT_OR_ASSIGN)
        call.troubleshoot("Still jams after the roller change")
        assert (Stage.TROUBLESHOOTING, None, False) == (call.stage, call.fix, call.fixed)

    def test_assign_then_hang_up_is_outcome_assigned(self) -> None:
        """A call assigned elsewhere ends ASSIGNED and needs no resolution confirmation."""
        call, _ = new_call()
        to_stage(call, Stage.RESOLUTION)
        call.assign(
            Escalation(
                Target("Desk-side support"),
                "needs a site visit",
                ticket="T-1",
                next_steps="a technician visits the desk",
                timeframe=timedelta(days=1),
                read_back=True,
            )
        )
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert ("Desk-side support", Outcome.ASSIGNED, ()) == (
            call.assigned_to,
            call.outcome,
            call.findings,
        )

    def test_resolved_call_ends_resolved(self) -> None:
        """The main path ends ENDED and RESOLVED, with no finding."""
        call, _ = new_call()
        to_stage(call, Stage.GOODBYE)
        call.hang_up(by="caller")
        assert (Stage.ENDED, Outcome.RESOLVED, ()) == (call.stage, call.outcome, call.findings)

    def test_goodbye_confirmations_accumulate(self) -> None:
        """A second goodbye() records a confirmation without losing the first answer."""
        call, _ = new_call()
        to_stage(call, Stage.IMPLEMENT_OR_ASSIGN)
        call.goodbye(anything_else_asked=True)
        call.goodbye(resolution_confirmed=True)
        assert (True, True) == (call.anything_else_asked, call.resolution_confirmed)

    def test_follow_up_path(self) -> None:
        """A follow-up goes from GREETING to IMPLEMENT_OR_ASSIGN and records the ticket."""
        call, _ = new_call()
        call.answer()
        call.identify(ANA, verified=True)
        call.follow_up("INC-42")
        assert (Stage.IMPLEMENT_OR_ASSIGN, "INC-42") == (call.stage, call.follow_up_of)

    @pytest.mark.parametrize(
        ("end", "stage", "outcome"),
        [
            (
                lambda c: c.transfer(
                    "Billing", warm=True, announced=True, reason="an invoice", direct_number="4521"
                ),
                Stage.ENDED,
                Outcome.TRANSFERRED,
            ),
            (lambda c: c.take_message(MESSAGE), Stage.ENDED, Outcome.MESSAGE_TAKEN),
            (lambda c: c.abandon(), Stage.ABANDONED, Outcome.ABANDONED),
        ],
    )
    def test_other_endings(self, end, stage, outcome) -> None:  # type: ignore[no-untyped-def]
        """transfer, take_message and abandon end the call from GREETING with their outcome."""
        call, _ = new_call()
        call.answer()
        end(call)
        assert (stage, outcome) == (call.stage, call.outcome)

    def test_hold_and_resume_keep_the_stage(self) -> None:
        """A hold does not change the stage."""
        call, _ = new_call()
        to_stage(call, Stage.TROUBLESHOOTING)
        call.hold(reason="asking second level", asked_permission=True)
        assert (Stage.TROUBLESHOOTING, True) == (call.stage, call.on_hold)
        call.resume(thanked=True)
        assert (Stage.TROUBLESHOOTING, False) == (call.stage, call.on_hold)

    def test_ending_on_hold_clears_the_hold(self) -> None:
        """A call transferred while on hold is no longer on hold."""
        call, _ = new_call()
        call.answer()
        call.hold(reason="asking second level", asked_permission=True)
        call.transfer("Billing", announced=True, reason="an invoice", direct_number="4521")
        assert not call.on_hold

    def test_audit_hang_up_with_neither_fix_nor_assignment_is_unresolved(self) -> None:
        """Audit mode lets a call end unresolved, and says so."""
        call, _ = new_call("audit")
        call.answer()
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert Outcome.UNRESOLVED == call.outcome
        assert ["CF001"] == [f.rule for f in call.findings]  # the early goodbye, once


class TestArgumentValidation:
    @pytest.mark.parametrize(
        ("event", "kwargs", "field"),
        [
            ("answer", {"rings": 0}, "rings"),
            ("answer", {"rings": True}, "rings"),
            ("answer", {"rings": "3"}, "rings"),
            ("identify", {"caller": "Ana"}, "caller"),
            ("identify", {"caller": ANA, "verified": "yes"}, "verified"),
            ("listen", {"problem": ""}, "problem"),
            ("follow_up", {"ticket": "  "}, "ticket"),
            ("troubleshoot", {"step": 3}, "step"),
            ("diagnose", {"label": ""}, "label"),
            ("propose", {"plan": None}, "plan"),
            ("implement", {"action": ""}, "action"),
            ("assign", {"escalation": "Network team"}, "escalation"),
            ("troubleshoot", {"step": "Checked", "result": ""}, "result"),
            ("follow_up", {"ticket": "T-1", "notes_read": "yes"}, "notes_read"),
            ("request_manager", {"reason": ""}, "reason"),
            ("goodbye", {"resolution_confirmed": 1}, "resolution_confirmed"),
            ("goodbye", {"anything_else_asked": None}, "anything_else_asked"),
            ("hang_up", {"by": "nobody"}, "by"),
            ("hold", {"reason": ""}, "reason"),
            ("hold", {"reason": "checking", "asked_permission": 1}, "asked_permission"),
            ("hold", {"reason": "checking", "words": ""}, "words"),
            ("check_in", {"offered_to_continue": "yes"}, "offered_to_continue"),
            ("resume", {"thanked": "yes"}, "thanked"),
            ("resume", {"apologised": None}, "apologised"),
            ("resume", {"out_of_turn": ""}, "out_of_turn"),
            ("screen", {"wanted": ""}, "wanted"),
            ("screen", {"wanted": "Dr. Lee", "available": "no"}, "available"),
            ("transfer", {"to": ""}, "to"),
            ("transfer", {"to": "L2", "warm": "yes"}, "warm"),
            ("transfer", {"to": "L2", "announced": "yes"}, "announced"),
            ("transfer", {"to": "L2", "reason": ""}, "reason"),
            ("transfer", {"to": "L2", "direct_number": " "}, "direct_number"),
            ("take_message", {"message": "Call Dr. Lee back"}, "message"),
        ],
    )
    def test_bad_argument_is_refused_and_changes_nothing(
        self, event: str, kwargs: dict[str, object], field: str
    ) -> None:
        """A bad argument raises ValidationError naming field and value, in both modes."""
        for mode in ("strict", "audit"):
            call, _ = new_call(mode)
            before = (call.stage, call.history, call.findings)
            with pytest.raises(ValidationError) as caught:
                getattr(call, event)(**kwargs)
            assert (field, kwargs[field]) == (caught.value.field, caught.value.value)
            assert repr(kwargs[field]) in str(caught.value)
            assert before == (call.stage, call.history, call.findings)


class TestErrors:
    def test_refusal_is_a_callflow_and_value_error(self) -> None:
        """InvalidTransitionError is both a CallflowError and a ValueError."""
        call, _ = new_call()
        with pytest.raises(InvalidTransitionError) as caught:
            call.hang_up()
        assert isinstance(caught.value, CallflowError)
        assert isinstance(caught.value, ValueError)
        assert ("hang_up", Stage.RINGING, ("answer", "abandon"), None) == (
            caught.value.event,
            caught.value.stage,
            caught.value.allowed,
            caught.value.rule,
        )

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_events_after_the_end_are_refused_in_both_modes(self, mode: str) -> None:
        """After ENDED or ABANDONED every event raises CallEndedError, nothing changes."""
        call, _ = new_call(mode)
        call.abandon()
        history = call.history
        with pytest.raises(CallEndedError) as caught:
            call.answer()
        assert ((), Stage.ABANDONED) == (caught.value.allowed, caught.value.stage)
        assert "answer" == caught.value.event
        assert history == call.history
        assert () == call.allowed_events()

    def test_a_guard_refusal_names_the_event_the_stage_and_the_requirement(self) -> None:
        """Strict mode: the first guard the caller does not meet is the reason, with its rule."""
        call, _ = new_call()
        call.answer()
        call.identify(ANA, verified=False)
        with pytest.raises(InvalidTransitionError) as caught:
            call.follow_up("T-000001")
        assert ("follow_up", Stage.GREETING, "CF205") == (
            caught.value.event,
            caught.value.stage,
            caught.value.rule,
        )
        assert str(caught.value).startswith(
            "event 'follow_up' refused in stage GREETING: it requires a verified caller,"
            " for a request that needs one (CF205); allowed now: identify, verify, listen, "
        )


class TestClock:
    def test_naive_time_is_refused_before_anything_changes(self) -> None:
        """A clock returning a naive datetime is refused; the event does not happen."""
        times = iter([START, datetime(2026, 3, 2, 9, 1)])
        call = Call(agent=BILL, clock=lambda: next(times))
        with pytest.raises(ValidationError) as caught:
            call.answer()
        assert "clock" == caught.value.field
        assert (Stage.RINGING, 1) == (call.stage, len(call.history))

    def test_backwards_clock_is_refused(self) -> None:
        """A time earlier than the previous event's is refused."""
        times = iter([START, START - timedelta(seconds=1)])
        call = Call(agent=BILL, clock=lambda: next(times))
        with pytest.raises(ValidationError, match="went backwards"):
            call.answer()
        assert Stage.RINGING == call.stage

    def test_other_time_zones_are_kept(self) -> None:
        """Timestamps keep the zone the clock gave."""
        rome = timezone(timedelta(hours=1))
        clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=rome))
        call = Call(agent=BILL, clock=clock)
        assert rome == call.history[0].at.tzinfo

    def test_manual_clock_never_goes_back(self) -> None:
        """ManualClock refuses to move backwards and refuses naive starts."""
        clock = ManualClock(START)
        with pytest.raises(ValidationError):
            clock.advance(seconds=-1)
        with pytest.raises(ValidationError):
            clock.set(START - timedelta(seconds=1))
        with pytest.raises(ValidationError):
            ManualClock(datetime(2026, 3, 2))
        clock.set(START + timedelta(minutes=1))
        assert START + timedelta(minutes=1) == clock()


class TestReplayErrors:
    def test_empty_history_is_refused(self) -> None:
        """A history without its ring record cannot be replayed."""
        with pytest.raises(ValidationError) as caught:
            Call.replay([])
        assert "history" == caught.value.field

    def test_ring_with_extra_payload_is_refused(self) -> None:
        """A ring record carrying more than agent, mode and thresholds is not one a call made."""
        call, _ = new_call()
        ring = call.history[0]
        doctored = EventRecord(
            "ring", Stage.RINGING, Stage.RINGING, ring.at, {**ring.payload, "vip": True}
        )
        with pytest.raises(ValidationError) as caught:
            Call.replay([doctored])
        assert "history[0]" == caught.value.field

    def test_ring_with_a_bad_agent_names_the_agent(self) -> None:
        """A ring whose agent is not an Agent is refused, naming the field."""
        call, _ = new_call()
        ring = call.history[0]
        doctored = EventRecord(
            "ring", Stage.RINGING, Stage.RINGING, ring.at, {**ring.payload, "agent": "Bill"}
        )
        with pytest.raises(ValidationError) as caught:
            Call.replay([doctored])
        assert ("history[0].payload.agent", "Bill") == (caught.value.field, caught.value.value)

    def test_unknown_event_is_refused(self) -> None:
        """A record naming an event the procedure does not have is a ValidationError."""
        call, _ = new_call()
        bogus = EventRecord("dance", Stage.RINGING, Stage.RINGING, START, {})
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history, bogus])
        assert ("history[1].event", "dance") == (caught.value.field, caught.value.value)

    def test_payload_that_does_not_fit_is_refused(self) -> None:
        """A payload with an unknown argument is a ValidationError, not a TypeError."""
        call, _ = new_call()
        bogus = EventRecord("answer", Stage.RINGING, Stage.GREETING, START, {"volume": 3})
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history, bogus])
        assert "history[1].payload" == caught.value.field

    def test_doctored_record_is_refused(self) -> None:
        """A record whose stages do not match what its event does is refused."""
        call, _ = new_call()
        bogus = EventRecord("answer", Stage.RINGING, Stage.GOODBYE, START, {"rings": None})
        with pytest.raises(ValidationError, match="does not match"):
            Call.replay([*call.history, bogus])

    def test_replayed_call_continues_on_the_given_clock(self) -> None:
        """After replay the call takes its time from the clock given."""
        call, clock = new_call()
        call.answer()
        clock.advance(seconds=30)
        rebuilt = Call.replay(call.history, clock=clock)
        rebuilt.identify(ANA, verified=True)
        assert START + timedelta(seconds=30) == rebuilt.history[-1].at
