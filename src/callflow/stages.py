"""The stages of a helpdesk call and the procedure that links them.

:data:`PROCEDURE` is the call's transition table (DOMAIN.md section 1): the
seven handling stages of seed 000, the lifecycle states around them, the
loops the procedure allows and the guards that enforce its hard rules. The
live :class:`~callflow.Call`, the audit replay, the diagram and the test
strategies are all built from it.

>>> [stage.name for stage in HANDLING_STAGES]  # doctest: +NORMALIZE_WHITESPACE
['GREETING', 'VENTING', 'TROUBLESHOOTING', 'DIAGNOSIS', 'RESOLUTION',
 'IMPLEMENT_OR_ASSIGN', 'GOODBYE']
>>> PROCEDURE.transition(Stage.DIAGNOSIS, "propose").dest
<Stage.RESOLUTION: 'resolution'>
"""

import enum
from collections.abc import Sequence
from typing import Protocol

from callflow.table import Guard, StateKind, Transition, TransitionTable

__all__ = [
    "CALLER_VERIFIED",
    "DIAGNOSIS_RECORDED",
    "FIXED_OR_ASSIGNED",
    "HANDLING_STAGES",
    "NOT_ON_HOLD",
    "ON_HOLD",
    "PROCEDURE",
    "RESOLUTION_CONFIRMED",
    "TICKET_WELL_WRITTEN",
    "GuardSubject",
    "Stage",
]


class Stage(enum.Enum):
    """Where a call is: the seven handling stages and the lifecycle states."""

    RINGING = "ringing"
    GREETING = "greeting"
    VENTING = "venting"
    TROUBLESHOOTING = "troubleshooting"
    DIAGNOSIS = "diagnosis"
    RESOLUTION = "resolution"
    IMPLEMENT_OR_ASSIGN = "implement_or_assign"
    GOODBYE = "goodbye"
    ENDED = "ended"
    ABANDONED = "abandoned"

    @property
    def is_final(self) -> bool:
        """Whether the call is over in this state (no event is accepted any more)."""
        return self is Stage.ENDED or self is Stage.ABANDONED

    @property
    def is_handling(self) -> bool:
        """Whether this is one of the seven handling stages (the call is answered, not over)."""
        return self in HANDLING_STAGES


HANDLING_STAGES: tuple[Stage, ...] = (
    Stage.GREETING,
    Stage.VENTING,
    Stage.TROUBLESHOOTING,
    Stage.DIAGNOSIS,
    Stage.RESOLUTION,
    Stage.IMPLEMENT_OR_ASSIGN,
    Stage.GOODBYE,
)
"""The seven handling stages of seed 000, in procedure order."""


class GuardSubject(Protocol):
    """What the procedure's guards read from a call."""

    @property
    def caller_verified(self) -> bool: ...
    @property
    def verification_needed(self) -> bool: ...
    @property
    def diagnosis(self) -> str | None: ...
    @property
    def fixed(self) -> bool: ...
    @property
    def assigned(self) -> bool: ...
    @property
    def informed(self) -> bool: ...
    @property
    def fulfilled(self) -> bool: ...
    @property
    def resolution_confirmed(self) -> bool: ...
    @property
    def on_hold(self) -> bool: ...
    @property
    def ticket_findings(self) -> Sequence[object]: ...


CALLER_VERIFIED: Guard[GuardSubject] = Guard(
    "CF205",
    "a verified caller, for a request that needs one",
    lambda call: call.caller_verified or not call.verification_needed,
)
"""Acting on or disclosing an account (a ticket's history, a fix, an escalation, an answer
about it, a request carried out on it) needs a verified caller, unless the request needs none
(``listen(needs_verification=False)``)."""

DIAGNOSIS_RECORDED: Guard[GuardSubject] = Guard(
    "CF405", "a recorded diagnosis label", lambda call: bool(call.diagnosis)
)
"""A resolution is proposed only once the problem has a label."""

FIXED_OR_ASSIGNED: Guard[GuardSubject] = Guard(
    "CF705",
    "an implemented fix, an assignment, an answer given or a request fulfilled",
    lambda call: call.fixed or call.assigned or call.informed or call.fulfilled,
)
"""The goodbye comes after the problem is fixed, assigned or answered, or the request
carried out, so the caller knows what is next."""

RESOLUTION_CONFIRMED: Guard[GuardSubject] = Guard(
    "CF701",
    "the resolution confirmed with the caller",
    lambda call: call.resolution_confirmed or not call.fixed,
)
"""A call fixed on the line ends only after the caller confirmed the fix works. A request
fulfilled (``Call.fulfil``) owes none: it is stated back, there is nothing to validate."""

TICKET_WELL_WRITTEN: Guard[GuardSubject] = Guard(
    "CF603",
    "a ticket that passes the writing checks (CF901-CF903)",
    lambda call: not call.ticket_findings,
)
"""A ticket is escalated only when a technician can act on it; a poor one goes back (seed 004)."""

NOT_ON_HOLD: Guard[GuardSubject] = Guard(
    "CF002", "a call that is not on hold", lambda call: not call.on_hold
)
ON_HOLD: Guard[GuardSubject] = Guard("CF002", "a call on hold", lambda call: call.on_hold)


def _procedure() -> TransitionTable[Stage, GuardSubject]:
    def row(
        event: str, source: Stage, dest: Stage, *guards: Guard[GuardSubject]
    ) -> Transition[Stage, GuardSubject]:
        return Transition(event, source, dest, guards)

    s = Stage
    asking = (s.VENTING, s.TROUBLESHOOTING, s.DIAGNOSIS)
    assigning = (CALLER_VERIFIED, TICKET_WELL_WRITTEN)
    return TransitionTable(
        states={
            s.RINGING: StateKind.INITIAL,
            **dict.fromkeys(HANDLING_STAGES, StateKind.ACTIVE),
            s.ENDED: StateKind.FINAL,
            s.ABANDONED: StateKind.FINAL,
        },
        transitions=[
            row("answer", s.RINGING, s.GREETING),
            # Who the caller is, and that it is them, may be settled in any stage.
            *(row("identify", stage, stage) for stage in HANDLING_STAGES),
            *(row("verify", stage, stage) for stage in HANDLING_STAGES),
            row("listen", s.GREETING, s.VENTING),  # the caller speaks first (issue 11)
            row("follow_up", s.GREETING, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED),
            row("screen", s.GREETING, s.GREETING),
            row("take_message", s.GREETING, s.ENDED),
            row("listen", s.VENTING, s.VENTING),
            row("troubleshoot", s.VENTING, s.TROUBLESHOOTING),
            row("troubleshoot", s.TROUBLESHOOTING, s.TROUBLESHOOTING),
            row("diagnose", s.TROUBLESHOOTING, s.DIAGNOSIS),
            row("diagnose", s.DIAGNOSIS, s.DIAGNOSIS),
            row("troubleshoot", s.DIAGNOSIS, s.TROUBLESHOOTING),  # loop: not sure yet
            row("propose", s.DIAGNOSIS, s.RESOLUTION, DIAGNOSIS_RECORDED),
            row("troubleshoot", s.RESOLUTION, s.TROUBLESHOOTING),  # loop: the fix failed
            # A question answered at once (or once looked up, or asked of second level).
            *(row("inform", stage, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED) for stage in asking),
            # A service request carried out as asked: no problem to diagnose, no plan to propose.
            *(row("fulfil", stage, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED) for stage in asking),
            # Escalated when tier 1 cannot solve it (CF406) or the caller rejects the answer.
            *(row("assign", stage, s.IMPLEMENT_OR_ASSIGN, *assigning) for stage in asking[1:]),
            row("implement", s.RESOLUTION, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED),
            row("assign", s.RESOLUTION, s.IMPLEMENT_OR_ASSIGN, *assigning),
            row("implement", s.IMPLEMENT_OR_ASSIGN, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED),
            row("assign", s.IMPLEMENT_OR_ASSIGN, s.IMPLEMENT_OR_ASSIGN, *assigning),
            row("inform", s.IMPLEMENT_OR_ASSIGN, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED),
            row("fulfil", s.IMPLEMENT_OR_ASSIGN, s.IMPLEMENT_OR_ASSIGN, CALLER_VERIFIED),
            row("confirm_resolution", s.IMPLEMENT_OR_ASSIGN, s.IMPLEMENT_OR_ASSIGN),
            row("troubleshoot", s.IMPLEMENT_OR_ASSIGN, s.TROUBLESHOOTING),  # loop: the fix failed
            row("goodbye", s.IMPLEMENT_OR_ASSIGN, s.GOODBYE, FIXED_OR_ASSIGNED),
            row("goodbye", s.GOODBYE, s.GOODBYE),
            row("inform", s.GOODBYE, s.GOODBYE, CALLER_VERIFIED),  # "anything else?": a question
            row("fulfil", s.GOODBYE, s.GOODBYE, CALLER_VERIFIED),  # ... or a further request
            row("confirm_resolution", s.GOODBYE, s.GOODBYE),
            row("hang_up", s.GOODBYE, s.ENDED, RESOLUTION_CONFIRMED),
            *(row("hold", stage, stage, NOT_ON_HOLD) for stage in HANDLING_STAGES),
            *(row("check_in", stage, stage, ON_HOLD) for stage in HANDLING_STAGES),
            *(row("resume", stage, stage, ON_HOLD) for stage in HANDLING_STAGES),
            *(row("request_manager", stage, stage) for stage in HANDLING_STAGES),
            *(row("transfer", stage, s.ENDED) for stage in HANDLING_STAGES),
            *(row("abandon", stage, s.ABANDONED) for stage in (s.RINGING, *HANDLING_STAGES)),
        ],
    )


PROCEDURE: TransitionTable[Stage, GuardSubject] = _procedure()
"""The call procedure: the single source of truth for every call."""
