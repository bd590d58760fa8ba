"""The procedure fitted to real calls, second round: the model's false alarms of EVALUATION.md.

Each class is one point: the false alarm the real calls raised is gone, and
the departure the rule is there for is still found (a finding in audit mode,
a refusal in strict mode).
"""

from datetime import timedelta
from typing import Any

import attrs
import pytest
from tests.audit_transcripts import transcript
from tests.test_fit import (
    MARY,
    audit_call,
    replays_the_same,
    rules,
    strict_call,
    to_resolution,
)

from callflow import (
    Call,
    InvalidTransitionError,
    MemoryTicketBook,
    Outcome,
    Stage,
)
from callflow.audit import Transcript, audit
from callflow.escalation import Escalation, Target, TargetKind
from callflow.events import payload_class
from callflow.snapshot import dumps, loads

CHECKS = "I'd like to order new checks"
SENT = "A new checkbook is on its way to your home address"


def requested(call: Call, *, verified: bool = True, steps: int = 0) -> None:
    """Answered, the request heard (and the caller verified), ``steps`` of troubleshoot/diagnose."""
    call.answer()
    call.listen(CHECKS)
    if verified:
        call.identify(MARY)
        call.verify(method="account_details")
    for event in ("troubleshoot", "diagnose")[:steps]:
        getattr(call, event)()


def escalation(*, manager: bool = False, ticket: str = "T-000001") -> Escalation:
    """A complete escalation: ticket number, next steps, timeframe, read back."""
    to = Target("Service desk manager", kind=TargetKind.MANAGEMENT) if manager else Target("L2")
    return Escalation(
        to,
        "tier 1 cannot solve it",
        ticket=ticket,
        next_steps="second level calls the caller back",
        timeframe=timedelta(hours=4),
        read_back=True,
    )


class TestServiceRequests:
    """A request carried out as asked: no diagnosis, no plan, no confirmation owed (point 1)."""

    @pytest.mark.parametrize("steps", [0, 1, 2])
    def test_fulfilled_from_venting_troubleshooting_or_diagnosis(self, steps: int) -> None:
        call = strict_call()
        requested(call, steps=steps)
        call.fulfil(SENT)
        assert (Stage.IMPLEMENT_OR_ASSIGN, True, SENT) == (
            call.stage,
            call.fulfilled,
            call.fulfilment,
        )
        assert (False, False) == (call.fixed, call.informed)
        call.goodbye(anything_else_asked=True)  # CF705 met: the request was carried out
        call.hang_up()  # CF701 not owed: nothing was fixed
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)
        assert Outcome.RESOLVED is call.measures().outcome
        replays_the_same(call)

    def test_the_booked_appointment_is_no_false_alarm(self) -> None:
        """HVB 010eaccb: day and time asked, booked, said so; was CF001 and CF701."""
        call = audit_call()
        call.answer()
        call.listen("I need to schedule an appointment")
        call.identify(MARY)
        call.verify(method="personal_details")
        call.troubleshoot("Which day and time suit you?", result="Monday at eleven")
        call.fulfil("Your appointment is on Monday at 11 a.m.")
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)

    def test_checks_sent_for_an_unverified_caller_is_still_cf205(self) -> None:
        """HVB 02fd023b: a checkbook sent for a caller who never said their name (audit)."""
        call = audit_call()
        requested(call, verified=False, steps=1)
        call.fulfil(SENT)  # index 4
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert [("CF205", 4, "fulfil", Stage.TROUBLESHOOTING)] == rules(call)
        assert Outcome.RESOLVED is call.outcome
        replays_the_same(call)

    def test_an_unverified_request_is_refused_in_strict_mode(self) -> None:
        call = strict_call()
        requested(call, verified=False, steps=1)
        before = call.history
        with pytest.raises(InvalidTransitionError) as info:
            call.fulfil(SENT)
        assert ("CF205", Stage.TROUBLESHOOTING, before) == (
            info.value.rule,
            info.value.stage,
            call.history,
        )
        assert info.value.allowed == call.allowed_events()
        assert not {"fulfil", "inform", "assign"} & set(info.value.allowed)  # the account's
        assert "diagnose" in info.value.allowed
        assert not call.fulfilled

    def test_a_request_that_needs_no_verification(self) -> None:
        """A brochure posted on request: no account touched, never a CF205."""
        call = strict_call()
        call.answer()
        call.listen("Please send me the savings brochure", needs_verification=False)
        call.fulfil("The brochure is in the post")
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)

    def test_from_greeting_is_refused_in_strict_and_cf001_in_audit(self) -> None:
        """Nothing asked yet: carrying something out skips the request."""
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        with pytest.raises(InvalidTransitionError) as info:
            call.fulfil(SENT)
        assert (None, Stage.GREETING) == (info.value.rule, info.value.stage)
        assert info.value.allowed == call.allowed_events()
        assert "fulfil" not in info.value.allowed
        audit = audit_call()
        audit.answer()
        audit.identify(MARY, verified=True)
        audit.fulfil(SENT)  # index 3
        assert [("CF001", 3, "fulfil", Stage.GREETING)] == rules(audit)

    def test_not_after_a_plan(self) -> None:
        """RESOLUTION proposed a fix: carry it out (implement), not a request."""
        call = strict_call()
        to_resolution(call)
        call.verify(method="other")
        with pytest.raises(InvalidTransitionError) as info:
            call.fulfil(SENT)
        assert (None, Stage.RESOLUTION) == (info.value.rule, info.value.stage)
        assert ("implement", "assign") == tuple(
            event for event in info.value.allowed if event in ("implement", "assign", "fulfil")
        )

    def test_a_further_request_stays_where_it_is(self) -> None:
        """After a fix, an answer or the "anything else?", another request: the stage stays."""
        call = strict_call()
        requested(call)
        call.inform("Your balance is 42 euros")
        call.fulfil(SENT)
        assert (Stage.IMPLEMENT_OR_ASSIGN, True, True) == (
            call.stage,
            call.informed,
            call.fulfilled,
        )
        call.goodbye(anything_else_asked=True)
        call.fulfil("Your address is changed")
        assert (Stage.GOODBYE, "Your address is changed") == (call.stage, call.fulfilment)
        call.hang_up()
        assert ((), Outcome.RESOLVED) == (call.findings, call.outcome)

    def test_a_request_that_did_not_do(self) -> None:
        """Troubleshooting after it: no longer fulfilled, so no goodbye yet (CF705)."""
        call = strict_call()
        requested(call)
        call.fulfil("The reset link is sent")
        call.troubleshoot("The link did not arrive")
        assert (False, None) == (call.fulfilled, call.fulfilment)
        call.diagnose()
        with pytest.raises(InvalidTransitionError):
            call.goodbye(anything_else_asked=True)  # not allowed from DIAGNOSIS at all
        call.fulfil("The reset link is sent again, by text")
        call.goodbye(anything_else_asked=True)
        assert Stage.GOODBYE is call.stage

    def test_nothing_done_is_still_cf705(self) -> None:
        """The goodbye's guard still wants something done: strict refuses, audit finds it."""
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.follow_up("T-000001")
        with pytest.raises(InvalidTransitionError) as info:
            call.goodbye(anything_else_asked=True)
        assert "CF705" == info.value.rule
        call.fulfil("The card is cancelled")
        call.goodbye(anything_else_asked=True)  # now it may
        assert Stage.GOODBYE is call.stage

    def test_a_fix_still_owes_its_confirmation(self) -> None:
        """A request carried out does not waive CF701 for a fix done on the same call."""
        call = strict_call()
        to_resolution(call)
        call.verify(method="other")
        call.implement("Roller replaced")
        call.fulfil("A spare roller is on its way")
        call.goodbye(anything_else_asked=True)
        with pytest.raises(InvalidTransitionError) as info:
            call.hang_up()
        assert "CF701" == info.value.rule
        audit = audit_call()
        for record in call.history[1:]:
            getattr(audit, record.event)(**record.payload.arguments())  # type: ignore[attr-defined]
        audit.hang_up()
        assert ["CF701"] == [rule for rule, *_ in rules(audit)]

    def test_a_fulfilled_ticket_is_resolved_with_the_action(self) -> None:
        book = MemoryTicketBook()
        call = strict_call(book=book)
        call.answer()
        call.identify(MARY, verified=True)
        call.listen(CHECKS)
        call.fulfil(SENT)
        ticket = call.ticket
        assert ticket is not None
        assert ("RESOLVED", SENT) == (ticket.status.name, ticket.resolution)
        call.troubleshoot("The checkbook came back undelivered")
        assert "OPEN" == ticket.status.name  # reopened, like a failed fix

    def test_the_payload_is_typed_and_round_trips(self) -> None:
        cls = payload_class("fulfil")
        assert [("action", str)] == [(f.name, f.type) for f in attrs.fields(cls)]
        call = audit_call()
        requested(call, verified=False)
        call.fulfil(SENT)
        call.goodbye()
        record = call.history[-2]
        assert (cls, {"action": SENT}) == (type(record.payload), dict(record.payload))
        replays_the_same(call)
        restored = loads(dumps(call))
        assert (restored.fulfilled, restored.fulfilment, restored.stage) == (
            True,
            SENT,
            Stage.GOODBYE,
        )

    @pytest.mark.parametrize("action", ["", "   ", None, 3])
    def test_an_empty_action_is_refused_and_changes_nothing(self, action: object) -> None:
        from callflow import ValidationError

        call = strict_call()
        requested(call)
        before = call.history
        with pytest.raises(ValidationError) as info:
            call.fulfil(action)  # type: ignore[arg-type]
        assert ("action", before) == (info.value.field, call.history)


class TestEscalatingBeforeAPlan:
    """assign from TROUBLESHOOTING and DIAGNOSIS, with the same guards (point 2)."""

    @pytest.mark.parametrize("steps", [1, 2])
    def test_tier_one_escalates_what_it_cannot_solve(self, steps: int) -> None:
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("The VPN drops every hour")
        for event in ("troubleshoot", "diagnose")[:steps]:
            getattr(call, event)()
        assert "assign" in call.allowed_events()
        call.assign(escalation())
        assert (Stage.IMPLEMENT_OR_ASSIGN, "L2") == (call.stage, call.assigned_to)
        call.goodbye(anything_else_asked=True)
        call.hang_up()
        assert ((), Outcome.ASSIGNED) == (call.findings, call.outcome)
        replays_the_same(call)

    def test_the_customer_rejects_the_answer(self) -> None:
        """ABCD 3592: no return after 90 days; the customer insists; the manager is told.

        In order now: no CF001, and no CF605 (the escalation skips nothing); the
        escalation's own gaps are still found.
        """
        call = audit_call(channel="chat")
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("I want to return a jacket")
        call.troubleshoot("Membership and purchase date", result="bought 4 months ago")
        to = Target("Manager", kind=TargetKind.MANAGEMENT)
        call.assign(Escalation(to, "the customer rejects the return policy"))  # index 5
        assert [
            ("CF601", 5, "assign", Stage.TROUBLESHOOTING),
            ("CF601", 5, "assign", Stage.TROUBLESHOOTING),
            ("CF601", 5, "assign", Stage.TROUBLESHOOTING),
            ("CF602", 5, "assign", Stage.TROUBLESHOOTING),
        ] == rules(call)

    def test_the_guards_still_hold(self) -> None:
        """Unverified: CF205; a ticket a technician could not act on: CF603."""
        call = strict_call()
        call.answer()
        call.listen("The VPN drops every hour")
        call.troubleshoot()
        with pytest.raises(InvalidTransitionError) as info:
            call.assign(escalation())
        assert ("CF205", Stage.TROUBLESHOOTING) == (info.value.rule, info.value.stage)
        book = MemoryTicketBook()
        call = strict_call(book=book)
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("VPN")
        call.troubleshoot()
        assert call.ticket_findings  # nothing a technician could act on yet
        assert "assign" not in call.allowed_events()
        with pytest.raises(InvalidTransitionError) as info:
            call.assign(escalation(ticket=call.ticket_number or ""))
        assert ("CF603", Stage.TROUBLESHOOTING) == (info.value.rule, info.value.stage)

    def test_still_out_of_order_before_troubleshooting(self) -> None:
        """From VENTING, nothing was tried: refused in strict mode, CF001 in audit mode."""
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("The VPN drops every hour")
        with pytest.raises(InvalidTransitionError) as info:
            call.assign(escalation())
        assert (None, Stage.VENTING) == (info.value.rule, info.value.stage)
        assert "assign" not in info.value.allowed
        audit = audit_call()
        audit.answer()
        audit.identify(MARY, verified=True)
        audit.listen("The VPN drops every hour")
        audit.assign(escalation())  # index 4
        assert [("CF001", 4, "assign", Stage.VENTING)] == rules(audit)


class TestManagerRequestsAreTheCallers:
    """CF605 is judged only once the caller asked for a manager (point 3)."""

    def venting(self) -> Call:
        call = audit_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("The VPN drops every hour")
        return call

    def test_the_agents_own_early_escalation_is_one_finding(self) -> None:
        """ABCD 3592 as recorded: the agent escalated, nobody asked; CF001 alone."""
        call = self.venting()
        call.assign(escalation(manager=True))  # index 4
        assert [("CF001", 4, "assign", Stage.VENTING)] == rules(call)
        replays_the_same(call)

    def test_the_callers_request_that_skipped_the_procedure_is_cf605(self) -> None:
        call = self.venting()
        call.request_manager("I want your manager")
        call.assign(escalation(manager=True))  # index 5
        assert [
            ("CF001", 5, "assign", Stage.VENTING),
            ("CF605", 5, "assign", Stage.VENTING),
        ] == rules(call)
        replays_the_same(call)
        restored = loads(dumps(call))
        assert restored.findings == call.findings

    def test_a_request_after_the_escalation_does_not_count(self) -> None:
        """Earlier in the call: a request made after the escalation did not cause it."""
        call = self.venting()
        call.assign(escalation(manager=True))
        call.request_manager("I want your manager")
        assert ["CF001"] == [rule for rule, *_ in rules(call)]

    def test_a_functional_escalation_is_not_a_manager(self) -> None:
        call = self.venting()
        call.request_manager("I want your manager")
        call.assign(escalation())  # to L2, not to management
        assert ["CF001"] == [rule for rule, *_ in rules(call)]

    def test_the_request_in_order_skips_nothing(self) -> None:
        """Asked for a manager while troubleshooting, escalated from there: no finding."""
        call = self.venting()
        call.troubleshoot("Read the client log")
        call.request_manager("I want your manager")
        call.assign(escalation(manager=True))
        assert [] == rules(call)

    def test_strict_mode_refuses_it_as_out_of_order(self) -> None:
        """Strict mode refuses the skip itself (no rule), before any data rule is judged."""
        call = strict_call()
        call.answer()
        call.identify(MARY, verified=True)
        call.listen("The VPN drops every hour")
        call.request_manager("I want your manager")
        before = call.history
        with pytest.raises(InvalidTransitionError) as info:
            call.assign(escalation(manager=True))
        assert (None, before) == (info.value.rule, call.history)


class TestTheAudit:
    """The audit of a recorded call: a request carried out ends troubleshooting (CF406)."""

    def events(self, last: str, **arguments: object) -> list[dict[str, Any]]:
        return [
            {"event": "answer", "at": 0},
            {"event": "listen", "at": 5, "problem": CHECKS, "needs_verification": False},
            {"event": "troubleshoot", "at": 10, "step": "Which address?"},
            {"event": last, "at": 300, **arguments},
            {"event": "goodbye", "at": 900, "anything_else_asked": True},
            {"event": "hang_up", "at": 910},
        ]

    def test_a_fulfilled_request_stops_the_troubleshooting_budget(self) -> None:
        """The request done at 290 s into troubleshooting: no CF406, no CF001, no CF701."""
        report = audit(Transcript.from_dict(transcript(self.events("fulfil", action=SENT))))
        assert () == report.codes

    def test_troubleshooting_with_nothing_done_runs_over(self) -> None:
        """Must-trigger: the same call with one more step instead of the request done."""
        events = self.events("troubleshoot", step="Still looking")
        report = audit(Transcript.from_dict(transcript(events)))
        assert "CF406" in report.codes
