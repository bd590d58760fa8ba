"""Hold etiquette (CF502-CF505) and transfers (CF506) on a call, with a controlled clock."""

from datetime import UTC, datetime, timedelta

import pytest

from callflow import (
    Agent,
    Call,
    Caller,
    InvalidTransitionError,
    ManualClock,
    Outcome,
    Stage,
    Thresholds,
    ValidationError,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Agent(name="Bill", organisation="ACME Corp")
POLITE_HOLD = {"reason": "I need to check the licence server", "asked_permission": True}


def greeted(mode: str = "strict", thresholds: Thresholds | None = None) -> tuple[Call, ManualClock]:
    """A call answered and its caller verified, at 09:00:05."""
    clock = ManualClock(START)
    call = Call(agent=AGENT, mode=mode, clock=clock, thresholds=thresholds or Thresholds())
    clock.advance(seconds=5)
    call.answer()
    call.identify(Caller(name="Ana Souza", user_id="E1234"), verified=True)
    return call, clock


def rules(call: Call) -> list[str]:
    return [finding.rule for finding in call.findings]


def snapshot(call: Call) -> tuple[object, ...]:
    return (call.stage, call.history, call.findings, call.on_hold, call.check_in_due)


class TestHoldSilence:
    """CF504: a held caller hears from the agent at least every 40 s (by default)."""

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_a_35_second_hold_without_check_in_is_fine(self, mode: str) -> None:
        """35 s on hold, then resumed with thanks: no finding."""
        call, clock = greeted(mode)
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=35)
        call.resume(thanked=True)
        assert [] == rules(call)
        assert timedelta(seconds=35) == call.measures().longest_hold

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_a_45_second_hold_without_check_in_is_a_finding(self, mode: str) -> None:
        """45 s is over the limit: one CF504 finding at the resume, in both modes."""
        call, clock = greeted(mode)
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=45)
        call.resume(thanked=True)
        assert ["CF504"] == rules(call)
        finding = call.findings[0]
        assert ("resume", len(call.history) - 1) == (finding.event, finding.event_index)
        assert "0:00:45" in finding.message

    def test_exactly_the_limit_is_not_over_it(self) -> None:
        """A silence of exactly 40 s is within the limit."""
        call, clock = greeted()
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=40)
        call.resume(thanked=True)
        assert [] == rules(call)

    def test_check_ins_split_a_long_hold(self) -> None:
        """A 70 s hold with a check-in at 35 s has no silence over 40 s."""
        call, clock = greeted()
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=35)
        call.check_in()
        clock.advance(seconds=35)
        call.resume(thanked=True)
        assert [] == rules(call)
        assert call.stage is Stage.GREETING

    def test_a_late_check_in_is_a_finding_where_it_came(self) -> None:
        """The gap is judged at the check-in that ends it; the next gap starts there."""
        call, clock = greeted()
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=50)
        call.check_in()
        clock.advance(seconds=10)
        call.resume(thanked=True)
        assert [("CF504", "check_in")] == [(f.rule, f.event) for f in call.findings]

    def test_a_call_ending_on_hold_is_judged_at_its_end(self) -> None:
        """The caller hangs up after 50 s of silence on hold: CF504 at the abandon."""
        call, clock = greeted()
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=50)
        call.abandon()
        assert [("CF504", "abandon")] == [(f.rule, f.event) for f in call.findings]

    def test_other_events_during_the_hold_do_not_end_the_silence(self) -> None:
        """The agent working while the caller holds is no check-in."""
        call, clock = greeted()
        call.listen("Excel crashes")
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=30)
        call.troubleshoot("looked up the licence server")
        clock.advance(seconds=20)
        call.resume(thanked=True)
        assert ["CF504"] == rules(call)

    def test_limits_are_configurable(self) -> None:
        """With a 25 s limit, a 30 s silence is a finding; the due time follows check_in_every."""
        limits = Thresholds(
            check_in_every=timedelta(seconds=20), max_hold_silence=timedelta(seconds=25)
        )
        call, clock = greeted(thresholds=limits)
        call.hold(**POLITE_HOLD)
        held_at = clock()
        assert held_at + timedelta(seconds=20) == call.check_in_due
        clock.advance(seconds=30)
        call.resume(thanked=True)
        assert ["CF504"] == rules(call)

    def test_the_call_knows_when_the_next_check_in_is_due(self) -> None:
        """Due 30 s after the hold, then 30 s after each check-in; none once resumed."""
        call, clock = greeted()
        assert call.check_in_due is None
        call.hold(**POLITE_HOLD)
        assert clock() + timedelta(seconds=30) == call.check_in_due
        clock.advance(seconds=25)
        call.check_in()
        assert clock() + timedelta(seconds=30) == call.check_in_due
        call.resume(thanked=True)
        assert call.check_in_due is None

    def test_overdue_now(self) -> None:
        """check_in_overdue reads the call's clock, or the time given."""
        call, clock = greeted()
        call.hold(**POLITE_HOLD)
        held_at = clock()
        clock.advance(seconds=40)
        assert not call.check_in_overdue()
        clock.advance(seconds=1)
        assert call.check_in_overdue()
        assert not call.check_in_overdue(held_at + timedelta(seconds=10))
        with pytest.raises(ValidationError, match="'now'"):
            call.check_in_overdue(datetime(2026, 3, 2, 9, 1))  # naive

    def test_not_overdue_when_not_on_hold(self) -> None:
        """A call not on hold owes no check-in."""
        call, _ = greeted()
        assert not call.check_in_overdue()

    def test_check_in_limit_cannot_be_past_the_silence_limit(self) -> None:
        """A check-in due after the silence limit would make every hold a finding."""
        with pytest.raises(ValidationError, match="check_in_every"):
            Thresholds(check_in_every=timedelta(seconds=41))


class TestHoldPermissionAndWords:
    """CF502 (reason and permission) and CF503 ("hold on") are refused in strict mode."""

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"asked_permission": True}, "without being told why"),
            ({"reason": "checking"}, "without being asked first"),
        ],
    )
    def test_strict_refuses_a_hold_without_reason_or_permission(
        self, kwargs: dict[str, object], fragment: str
    ) -> None:
        """The refusal names CF502 and what was missing, and leaves the call as it was."""
        call, _ = greeted()
        before = snapshot(call)
        with pytest.raises(InvalidTransitionError, match=fragment) as caught:
            call.hold(**kwargs)  # type: ignore[arg-type]
        assert "CF502" == caught.value.rule
        assert before == snapshot(call)

    def test_audit_records_each_missing_part(self) -> None:
        """A bare hold in audit mode: two CF502 findings, and the caller is held."""
        call, _ = greeted("audit")
        call.hold()
        assert ["CF502", "CF502"] == rules(call)
        assert call.on_hold

    def test_a_polite_hold_is_accepted(self) -> None:
        """Reason and permission: no finding."""
        call, _ = greeted()
        call.hold(**POLITE_HOLD, words="May I put you on hold? Please hold.")
        assert [] == rules(call)
        assert call.on_hold

    @pytest.mark.parametrize("words", ["Hang on a sec.", "HOLD ON, please", "hold  on"])
    def test_hold_on_is_refused(self, words: str) -> None:
        """ "Hold on" / "hang on" in any case or spacing is CF503."""
        call, _ = greeted()
        with pytest.raises(InvalidTransitionError) as caught:
            call.hold(**POLITE_HOLD, words=words)
        assert "CF503" == caught.value.rule
        audit, _ = greeted("audit")
        audit.hold(**POLITE_HOLD, words=words)
        assert ["CF503"] == rules(audit)

    @pytest.mark.parametrize(
        "words", ["Please hold.", "Please wait a moment.", "Hold on to your ticket number."]
    )
    def test_other_words_are_fine(self, words: str) -> None:
        """ "Please hold", "please wait" and "hold on to" are no CF503."""
        call, _ = greeted()
        call.hold(**POLITE_HOLD, words=words)
        assert [] == rules(call)

    def test_bad_arguments_name_the_field(self) -> None:
        """Arguments of the wrong type are ValidationErrors naming the field."""
        call, _ = greeted()
        with pytest.raises(ValidationError, match="'asked_permission'"):
            call.hold(reason="x", asked_permission="yes")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'words'"):
            call.hold(reason="x", asked_permission=True, words="  ")


class TestCheckIn:
    """A check-in keeps the caller on hold and offers to keep holding (CF504)."""

    def test_a_check_in_without_the_offer_is_refused(self) -> None:
        """Strict refuses it with CF504; audit records it."""
        call, _ = greeted()
        call.hold(**POLITE_HOLD)
        before = snapshot(call)
        with pytest.raises(InvalidTransitionError) as caught:
            call.check_in(offered_to_continue=False)
        assert "CF504" == caught.value.rule
        assert before == snapshot(call)
        audit, _ = greeted("audit")
        audit.hold(**POLITE_HOLD)
        audit.check_in(offered_to_continue=False)
        assert ["CF504"] == rules(audit)
        assert audit.on_hold

    def test_a_check_in_needs_a_hold(self) -> None:
        """Checking in on a caller who is not held is CF002."""
        call, _ = greeted()
        with pytest.raises(InvalidTransitionError) as caught:
            call.check_in()
        assert "CF002" == caught.value.rule
        audit, _ = greeted("audit")
        audit.check_in()
        assert ["CF002"] == rules(audit)
        assert audit.check_in_due is None


class TestResume:
    """After a hold, thank the caller; do not apologise for the delay (CF505)."""

    @pytest.mark.parametrize(
        ("kwargs", "fields"),
        [
            ({}, ["thanked"]),
            ({"thanked": True, "apologised": True}, ["apologised"]),
            ({"apologised": True}, ["thanked", "apologised"]),
        ],
    )
    def test_strict_refuses_and_audit_records(
        self, kwargs: dict[str, bool], fields: list[str]
    ) -> None:
        """Each missing thanks or apology is refused (strict) or one CF505 finding (audit)."""
        call, _ = greeted()
        call.hold(**POLITE_HOLD)
        before = snapshot(call)
        with pytest.raises(InvalidTransitionError) as caught:
            call.resume(**kwargs)
        assert "CF505" == caught.value.rule
        assert before == snapshot(call)
        audit, _ = greeted("audit")
        audit.hold(**POLITE_HOLD)
        audit.resume(**kwargs)
        assert ["CF505"] * len(fields) == rules(audit)
        assert not audit.on_hold

    def test_thanks_is_enough(self) -> None:
        """Thanked, no apology: accepted, no finding, off hold."""
        call, _ = greeted()
        call.hold(**POLITE_HOLD)
        call.resume(thanked=True)
        assert ([], False) == (rules(call), call.on_hold)


class TestTransfer:
    """CF506: pre-announce the call, tell the receiver why, give the caller the direct number."""

    def test_a_complete_transfer(self) -> None:
        """Announced, with a reason and the direct number: no finding, outcome TRANSFERRED."""
        call, _ = greeted()
        call.transfer(
            "Payroll", warm=True, announced=True, reason="a payslip question",
            direct_number="+44 20 7946 0018",
        )  # fmt: skip
        assert ([], Outcome.TRANSFERRED, Stage.ENDED) == (rules(call), call.outcome, call.stage)
        payload = call.history[-1].payload
        assert (True, True, "a payslip question", "+44 20 7946 0018") == (
            payload["warm"],
            payload["announced"],
            payload["reason"],
            payload["direct_number"],
        )

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"reason": "payslips"}, "not pre-announced to Payroll"),
            ({"announced": True}, "Payroll was not told why"),
        ],
    )
    def test_strict_refuses_an_unannounced_or_unexplained_transfer(
        self, kwargs: dict[str, object], fragment: str
    ) -> None:
        """The refusal names CF506 and what was missing; the call goes on unchanged."""
        call, _ = greeted()
        before = snapshot(call)
        with pytest.raises(InvalidTransitionError, match=fragment) as caught:
            call.transfer("Payroll", direct_number="4521", **kwargs)  # type: ignore[arg-type]
        assert "CF506" == caught.value.rule
        assert before == snapshot(call)

    def test_audit_records_every_missing_part(self) -> None:
        """A bare cold transfer in audit mode: three CF506 findings, one per missing part."""
        call, _ = greeted("audit")
        call.transfer("Payroll")
        assert ["CF506"] * 3 == rules(call)
        assert Outcome.TRANSFERRED == call.outcome

    def test_no_direct_number_is_a_finding_even_in_strict_mode(self) -> None:
        """The direct number is owed "where appropriate": recorded, never refused."""
        call, _ = greeted()
        call.transfer("Payroll", announced=True, reason="payslips")
        assert ["CF506"] == rules(call)
        assert "direct number" in call.findings[0].message
        assert Stage.ENDED == call.stage

    def test_a_transfer_from_hold_ends_the_silence(self) -> None:
        """Transferred after 50 s on hold without a check-in: CF504 as well."""
        call, clock = greeted()
        call.hold(**POLITE_HOLD)
        clock.advance(seconds=50)
        call.transfer("Payroll", announced=True, reason="payslips", direct_number="4521")
        assert ["CF504"] == rules(call)
        assert not call.on_hold
