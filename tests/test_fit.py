"""Issue 11: the core procedure fitted to what real calls do.

Each class is one point of the issue: the false alarm real calls raised is
gone, and the departure the rule is there for is still found.
"""

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from tests.strategies import Step, event_sequences, perform

from callflow import (
    Agent,
    Call,
    Caller,
    InvalidTransitionError,
    ManualClock,
    Outcome,
    Stage,
    ValidationError,
)
from callflow.snapshot import dumps, loads

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
MARY = Caller(name="Mary Jones", user_id="C-77")


def audit_call(**settings: object) -> Call:
    return Call(agent=BILL, clock=ManualClock(START), mode="audit", **settings)  # type: ignore[arg-type]


def rules(call: Call) -> list[tuple[str, int, str, Stage]]:
    return [(f.rule, f.event_index, f.event, f.stage) for f in call.findings]


def through_venting(call: Call) -> None:
    call.answer()
    call.identify(MARY, verified=True)
    call.listen("The printer jams")


def the_rest(call: Call) -> None:
    """Troubleshooting to the end, in order."""
    call.troubleshoot("Checked the tray", result="Roller worn")
    call.diagnose("printer/paper-feed")
    call.propose("Replace the roller")
    call.implement("Roller replaced")
    call.goodbye(resolution_confirmed=True, anything_else_asked=True)
    call.hang_up()


def replays_the_same(call: Call) -> None:
    again = Call.replay(call.history)
    assert (again.history, again.findings, again.stage) == (
        call.history,
        call.findings,
        call.stage,
    )
    restored = loads(dumps(call))
    assert (restored.history, restored.findings) == (call.history, call.findings)


class TestOneDepartureOneFinding:
    """Audit mode reports a departure once, at its event, and resynchronises (point 4)."""

    def test_an_early_anything_else_is_one_finding(self) -> None:
        """The real call: "anything else?" asked while venting, then the procedure goes on."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)  # index 4: early
        the_rest(call)
        assert [("CF001", 4, "goodbye", Stage.VENTING)] == rules(call)
        early, resumed = call.history[4], call.history[5]
        assert (early.from_stage, early.to_stage) == (Stage.VENTING, Stage.GOODBYE)
        assert (resumed.event, resumed.from_stage) == ("troubleshoot", Stage.VENTING)
        assert Stage.ENDED is call.stage
        replays_the_same(call)

    def test_a_hold_between_does_not_settle_where_the_call_is(self) -> None:
        """Events every stage has (hold, resume) keep the place the early event left."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)
        call.hold(reason="checking the logs", asked_permission=True)
        call.resume(thanked=True)
        the_rest(call)
        assert ["CF001"] == [rule for rule, *_ in rules(call)]
        replays_the_same(call)

    def test_a_skip_the_call_goes_on_from_is_one_finding(self) -> None:
        """Straight to the fix: the call goes on from where the skip took it."""
        call = audit_call()
        through_venting(call)
        call.implement("Roller replaced")  # index 4: troubleshooting to resolution skipped
        call.goodbye(resolution_confirmed=True, anything_else_asked=True)
        call.hang_up()
        assert [("CF001", 4, "implement", Stage.VENTING)] == rules(call)
        assert Stage.ENDED is call.stage
        replays_the_same(call)

    def test_a_later_departure_after_resynchronising_is_still_found(self) -> None:
        """Back in step, a new skip (a plan with no diagnosis) is a finding of its own."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)
        call.troubleshoot("Checked the tray")
        call.propose("Replace the roller")  # index 6: no diagnosis
        assert [
            ("CF001", 4, "goodbye", Stage.VENTING),
            ("CF001", 6, "propose", Stage.TROUBLESHOOTING),
            ("CF405", 6, "propose", Stage.TROUBLESHOOTING),
        ] == rules(call)
        replays_the_same(call)

    def test_a_call_that_ends_after_the_early_goodbye_is_unresolved(self) -> None:
        """Hung up after it: the early goodbye's CF001 is the one departure; no CF705 again."""
        call = audit_call()
        through_venting(call)
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert [("CF001", 4, "goodbye", Stage.VENTING)] == rules(call)
        assert Outcome.UNRESOLVED == call.outcome

    def test_a_hang_up_with_nothing_done_and_no_goodbye_is_cf705(self) -> None:
        """No goodbye at all: the hang-up is not a goodbye, so CF705 says what is missing."""
        call = audit_call()
        through_venting(call)
        call.hang_up()
        assert "CF705" in [rule for rule, *_ in rules(call)]

    def test_an_in_order_goodbye_with_nothing_done_is_cf705_once(self) -> None:
        """The goodbye's own guard found it (audit mode): the end does not find it again."""
        call = audit_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.follow_up("T-000001")
        call.goodbye(anything_else_asked=True)  # index 4: nothing implemented or assigned
        call.hang_up()
        assert [("CF705", 4, "goodbye", Stage.IMPLEMENT_OR_ASSIGN)] == rules(call)

    def test_a_forced_event_owes_only_what_every_way_there_owes(self) -> None:
        """hang_up without the goodbye owes the confirmation (CF701); goodbye early owes nothing.

        The goodbye's guard (CF705, a fix first) is on the way in from
        IMPLEMENT_OR_ASSIGN only; a repeated goodbye owes nothing.
        """
        call = audit_call()
        through_venting(call)
        call.troubleshoot()
        call.diagnose("printer/paper-feed")
        call.propose("Replace the roller")
        call.implement("Roller replaced")
        call.hang_up()  # index 8: no goodbye, nothing confirmed
        assert [
            ("CF001", 8, "hang_up", Stage.IMPLEMENT_OR_ASSIGN),
            ("CF701", 8, "hang_up", Stage.IMPLEMENT_OR_ASSIGN),
            ("CF702", 8, "hang_up", Stage.IMPLEMENT_OR_ASSIGN),
        ] == rules(call)

    def test_strict_mode_still_refuses_the_early_goodbye(self) -> None:
        """Nothing changes in strict mode: the same refusal, the call as it was."""
        call = Call(agent=BILL, clock=ManualClock(START))
        through_venting(call)
        before = call.history
        with pytest.raises(InvalidTransitionError) as info:
            call.goodbye(anything_else_asked=True)
        assert (info.value.stage, info.value.rule) == (Stage.VENTING, None)
        assert before == call.history


def strict_call(**settings: object) -> Call:
    return Call(agent=BILL, clock=ManualClock(START), **settings)  # type: ignore[arg-type]


def to_resolution(call: Call, *, problem: str = "The printer jams") -> None:
    """Answered, the problem heard and diagnosed, a plan told; the caller not identified."""
    call.answer()
    call.listen(problem)
    call.troubleshoot("Checked the tray")
    call.diagnose("printer/paper-feed")
    call.propose("Replace the roller")


class TestTheCallerSpeaksFirst:
    """The request comes before identification; CF205 is about acting on the account (point 1)."""

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_the_request_before_any_identification(self, mode: str) -> None:
        """ "Hi, I'd like to pay a bill": heard at once, no finding, in either mode."""
        call = Call(agent=BILL, clock=ManualClock(START), mode=mode)
        call.answer()
        call.listen("I'd like to pay a bill")
        call.identify(MARY)  # the name comes after, in VENTING
        call.verify(method="account_details")
        assert (Stage.VENTING, (), True) == (call.stage, call.findings, call.caller_verified)

    def test_acting_on_the_account_unverified_is_refused(self) -> None:
        """Strict: implement, assign, inform and follow_up need the verified caller."""
        call = strict_call()
        to_resolution(call)
        call.identify(MARY)
        before = call.history
        with pytest.raises(InvalidTransitionError) as info:
            call.implement("Roller replaced")
        assert ("CF205", Stage.RESOLUTION, before) == (
            info.value.rule,
            info.value.stage,
            call.history,
        )

    def test_acting_on_the_account_unverified_is_found(self) -> None:
        """Audit: the fix on an unverified caller's account is CF205, at the fix."""
        call = audit_call()
        to_resolution(call)
        call.implement("Roller replaced")
        assert [("CF205", 6, "implement", Stage.RESOLUTION)] == rules(call)

    def test_an_answer_about_the_account_unverified_is_found(self) -> None:
        """Audit: disclosing the account (an answer) before verification is CF205."""
        call = audit_call()
        call.answer()
        call.listen("What is my balance?")
        call.inform("It is 42 euros")
        assert [("CF205", 3, "inform", Stage.VENTING)] == rules(call)


class TestVerification:
    """A step of its own, by one of several methods, that some requests need not (point 2)."""

    @pytest.mark.parametrize(
        "method",
        [
            "personal_details",
            "account_details",
            "purchase",
            "security_question",
            "one_time_code",
            "callback",
            "other",
        ],
    )
    def test_verify_later_by_any_method(self, method: str) -> None:
        """Verified in RESOLUTION: the fix goes through; the record keeps the method."""
        call = strict_call()
        to_resolution(call)
        call.verify(method=method)  # type: ignore[arg-type]
        call.implement("Roller replaced")
        record = call.history[-2]
        assert ("verify", Stage.RESOLUTION, Stage.RESOLUTION) == (
            record.event,
            record.from_stage,
            record.to_stage,
        )
        assert {"method": method} == dict(record.payload)
        assert Stage.IMPLEMENT_OR_ASSIGN is call.stage

    @pytest.mark.parametrize("method", ["sms", "", None, 3, "OTHER"])
    def test_an_unknown_method_is_refused_and_changes_nothing(self, method: object) -> None:
        call = strict_call()
        call.answer()
        before = call.history
        with pytest.raises(ValidationError) as info:
            call.verify(method=method)  # type: ignore[arg-type]
        assert ("method", method, before) == (info.value.field, info.value.value, call.history)
        assert not call.caller_verified

    def test_verification_at_identification_still_counts(self) -> None:
        """identify(caller, verified=True) is verification at identification, as before."""
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.follow_up("T-000001")
        assert Stage.IMPLEMENT_OR_ASSIGN is call.stage

    def test_naming_the_same_caller_keeps_the_verification_another_loses_it(self) -> None:
        call = strict_call()
        call.answer()
        call.identify(MARY)
        call.verify(method="security_question")
        call.identify(MARY)
        assert call.caller_verified
        call.identify(Caller(name="John Jones", user_id="C-78"))
        assert not call.caller_verified

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_a_request_that_needs_no_verification(self, mode: str) -> None:
        """Branch hours: never verified, never a CF205, even for a fix or an answer."""
        call = Call(agent=BILL, clock=ManualClock(START), mode=mode)
        to_resolution(call, problem="Which branch is open on Sunday?")
        assert call.verification_needed  # every statement needs it unless it says not
        call = Call(agent=BILL, clock=ManualClock(START), mode=mode)
        call.answer()
        call.listen("Which branch is open on Sunday?", needs_verification=False)
        assert not call.verification_needed
        call.inform("Main Street, 10 to 4")
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)

    def test_one_statement_that_needs_it_is_enough(self) -> None:
        """Hours, then a bill: the bill needs the verified caller; a later public question does
        not lift it."""
        call = audit_call()
        call.answer()
        call.listen("Which branch is open on Sunday?", needs_verification=False)
        call.listen("And I'd like to pay my bill")
        call.listen("Oh, and is the car park free?", needs_verification=False)
        assert call.verification_needed
        call.inform("You can pay it online")
        assert ["CF205"] == [rule for rule, *_ in rules(call)]

    def test_the_old_keywords_still_work(self) -> None:
        """listen(problem) positional or by keyword, identify(caller, verified=...)."""
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("The printer jams")
        call.listen(problem="On every page")
        assert ("On every page", True) == (call.problem, call.verification_needed)

    def test_verification_round_trips(self) -> None:
        call = strict_call()
        call.answer()
        call.listen("Hours?", needs_verification=False)
        call.verify(method="callback")
        replays_the_same(call)
        restored = loads(dumps(call))
        assert (restored.caller_verified, restored.verification_needed) == (True, False)


class TestInformationCalls:
    """A question answered at once is a call resolved on the line (point 3)."""

    @pytest.mark.parametrize("steps", [0, 1, 2])
    def test_answered_from_venting_troubleshooting_or_diagnosis(self, steps: int) -> None:
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("How do I change my PIN?")
        for event in ("troubleshoot", "diagnose")[:steps]:
            getattr(call, event)()
        call.inform("In the app, under Settings > Card")
        assert (Stage.IMPLEMENT_OR_ASSIGN, True, False) == (call.stage, call.informed, call.fixed)
        call.goodbye(anything_else_asked=True)  # CF705 met: nothing to fix or assign
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)
        assert Outcome.RESOLVED is call.measures().outcome
        replays_the_same(call)

    @pytest.mark.parametrize("stage", ["greeting", "resolution"])
    def test_not_before_the_question_nor_after_a_plan(self, stage: str) -> None:
        """Refused in GREETING (no question heard yet) and RESOLUTION (a plan to carry out)."""
        call = strict_call()
        if stage == "greeting":
            call.answer()
        else:
            to_resolution(call)
        call.verify(method="other")
        with pytest.raises(InvalidTransitionError) as info:
            call.inform("Here is the answer")
        assert info.value.rule is None

    def test_a_further_question_in_goodbye(self) -> None:
        """The reply to "anything else?" is another question, answered: the stage stays."""
        call = strict_call()
        through_venting(call)
        call.inform("Your printer's driver is on the intranet")
        call.goodbye(anything_else_asked=True)
        call.inform("We are open until six")
        assert (Stage.GOODBYE, "We are open until six") == (call.stage, call.answer_given)

    def test_an_answer_that_did_not_settle_it(self) -> None:
        """Troubleshooting after the answer: no longer answered, so no goodbye yet (CF705)."""
        call = strict_call()
        through_venting(call)
        call.inform("Restart it")
        call.troubleshoot("Restarted: still jams")
        assert (False, None) == (call.informed, call.answer_given)
        call.diagnose("printer/paper-feed")
        call.propose("Replace the roller")
        call.implement("Roller replaced")
        call.goodbye(resolution_confirmed=True, anything_else_asked=True)

    def test_an_answered_ticket_is_resolved_with_the_answer(self) -> None:
        from callflow import MemoryTicketBook

        book = MemoryTicketBook()
        call = strict_call(book=book)
        through_venting(call)
        call.inform("Use the other tray")
        ticket = call.ticket
        assert ticket is not None
        assert "RESOLVED" == ticket.status.name

    def test_audit_an_answer_skipping_nothing_is_no_finding(self) -> None:
        """Audit: the whole information call, with a late verification: no false alarm."""
        call = audit_call()
        call.answer()
        call.listen("When is my card's next payment due?")
        call.identify(MARY)
        call.verify(method="personal_details")
        call.inform("On the 5th")
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)


class TestClosing:
    """A confirmation after "anything else?", flags that accumulate, who hung up (point 6)."""

    def fixed(self) -> Call:
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("The printer jams")
        call.troubleshoot()
        call.diagnose("printer/paper-feed")
        call.propose("Replace the roller")
        call.implement("Roller replaced")
        return call

    def test_a_confirmation_after_anything_else(self) -> None:
        call = self.fixed()
        call.goodbye(anything_else_asked=True)
        call.confirm_resolution()
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)

    def test_a_confirmation_before_the_goodbye(self) -> None:
        call = self.fixed()
        call.confirm_resolution()
        assert Stage.IMPLEMENT_OR_ASSIGN is call.stage
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert () == call.findings

    def test_a_later_goodbye_does_not_undo_a_confirmation(self) -> None:
        call = self.fixed()
        call.goodbye(resolution_confirmed=True)
        call.goodbye(anything_else_asked=True)
        assert (True, True) == (call.resolution_confirmed, call.anything_else_asked)
        call.hang_up()
        assert () == call.findings

    def test_never_confirmed_is_still_refused_and_found(self) -> None:
        call = self.fixed()
        call.goodbye(anything_else_asked=True)
        with pytest.raises(InvalidTransitionError) as info:
            call.hang_up()
        assert "CF701" == info.value.rule
        audit = audit_call()
        for record in call.history[1:]:
            getattr(audit, record.event)(**record.payload.arguments())  # type: ignore[attr-defined]
        audit.hang_up()
        assert ["CF701"] == [rule for rule, *_ in rules(audit)]

    def test_no_confirmation_before_there_is_something_to_confirm(self) -> None:
        call = strict_call()
        through_venting(call)
        with pytest.raises(InvalidTransitionError):
            call.confirm_resolution()

    @pytest.mark.parametrize(
        ("by", "expected"), [("unknown", []), ("agent", ["CF706"]), ("caller", [])]
    )
    def test_who_hung_up(self, by: str, expected: list[str]) -> None:
        """CF706 is judged only when the recording says the agent hung up first."""
        call = self.fixed()
        call.goodbye(resolution_confirmed=True, anything_else_asked=True)
        call.hang_up(by=by)  # type: ignore[arg-type]
        assert expected == [f.rule for f in call.findings]

    @pytest.mark.parametrize("by", ["nobody", "", None, "Unknown"])
    def test_an_unknown_party_is_refused(self, by: object) -> None:
        call = self.fixed()
        call.goodbye(resolution_confirmed=True, anything_else_asked=True)
        with pytest.raises(ValidationError) as info:
            call.hang_up(by=by)  # type: ignore[arg-type]
        assert ("by", Stage.GOODBYE) == (info.value.field, call.stage)


PHONE_ONLY = frozenset({"CF101", "CF502", "CF503", "CF504", "CF505", "CF706"})


class TestChannels:
    """A chat is judged without the phone-only rules (point 5)."""

    def chat(self, mode: str = "strict") -> tuple[Call, ManualClock]:
        clock = ManualClock(START)
        return Call(agent=BILL, clock=clock, mode=mode, channel="chat"), clock

    def test_the_channel_is_kept_and_phone_is_the_default(self) -> None:
        assert "phone" == strict_call().channel
        call, _ = self.chat()
        assert ("chat", "chat") == (call.channel, call.history[0].payload["channel"])
        assert "chat" == loads(dumps(call)).channel
        assert "chat" == Call.replay(call.history).channel

    @pytest.mark.parametrize("channel", ["email", "", None, "Phone", 1])
    def test_an_unknown_channel_is_refused(self, channel: object) -> None:
        with pytest.raises(ValidationError) as info:
            Call(agent=BILL, channel=channel)  # type: ignore[arg-type]
        assert ("channel", channel) == (info.value.field, info.value.value)

    def test_a_chat_is_not_judged_by_the_phone_rules(self) -> None:
        """A late pick-up, a "hang on" with no permission, a long silence, the agent leaving."""
        call, clock = self.chat()
        clock.advance(seconds=60)
        call.answer()  # a minute in the queue: no rings in a chat
        call.listen("My order has not arrived", needs_verification=False)
        call.hold(words="hang on")  # "let me check that": no phone hold
        clock.advance(seconds=300)
        call.check_in(offered_to_continue=False)
        clock.advance(seconds=300)
        call.resume(apologised=True)
        call.inform("It ships tomorrow")
        call.goodbye(anything_else_asked=True)
        call.hang_up(by="agent")  # the agent closes the chat
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)
        replays_the_same(call)

    def test_the_same_call_on_the_phone_is(self) -> None:
        """Must-trigger: every one of those is a finding on the phone (audit mode)."""
        clock = ManualClock(START)
        call = Call(agent=BILL, clock=clock, mode="audit")
        clock.advance(seconds=60)
        call.answer()
        call.listen("My order has not arrived", needs_verification=False)
        call.hold(words="hang on")
        clock.advance(seconds=300)
        call.check_in(offered_to_continue=False)
        clock.advance(seconds=300)
        call.resume(apologised=True)
        call.inform("It ships tomorrow")
        call.goodbye(anything_else_asked=True)
        call.hang_up(by="agent")
        assert PHONE_ONLY == {f.rule for f in call.findings}

    def test_the_procedure_is_judged_in_a_chat_too(self) -> None:
        """The rest of the rulebook stands: an answer about the account unverified is CF205."""
        call, _ = self.chat("audit")
        call.answer()
        call.listen("What is my balance?")
        call.inform("42 euros")
        call.goodbye()
        call.hang_up()
        assert ["CF205", "CF702"] == [f.rule for f in call.findings]

    @settings(max_examples=60, deadline=None)
    @given(steps=event_sequences(max_size=25))
    def test_a_chat_finds_what_the_phone_finds_but_the_phone_rules(self, steps: list[Step]) -> None:
        """Any events, in audit mode: the same stages and records, the phone rules aside."""
        calls = []
        for channel in ("phone", "chat"):
            clock = ManualClock(START)
            call = Call(agent=BILL, clock=clock, mode="audit", channel=channel)  # type: ignore[arg-type]
            for step in steps:
                if call.stage.is_final:
                    break
                with contextlib.suppress(ValidationError):  # data refused alike on both
                    perform(call, step, clock)
            calls.append(call)
        phone, chat = calls
        assert [(r.event, r.from_stage, r.to_stage) for r in phone.history] == [
            (r.event, r.from_stage, r.to_stage) for r in chat.history
        ]
        kept = [(f.rule, f.event_index) for f in phone.findings if f.rule not in PHONE_ONLY]
        assert kept == [(f.rule, f.event_index) for f in chat.findings]
        assert not PHONE_ONLY & {f.rule for f in chat.findings}
