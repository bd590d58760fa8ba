"""The procedure fitted to real calls, second round: the model's false alarms of EVALUATION.md.

Each class is one point: the false alarm the real calls raised is gone, and
the departure the rule is there for is still found (a finding in audit mode,
a refusal in strict mode).
"""

from datetime import timedelta

import pytest
from tests.test_fit import (
    MARY,
    audit_call,
    replays_the_same,
    rules,
    strict_call,
)

from callflow import (
    Call,
    InvalidTransitionError,
    Stage,
)
from callflow.escalation import Escalation, Target, TargetKind
from callflow.snapshot import dumps, loads


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
