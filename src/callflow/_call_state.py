"""What a call is now: its fields, and the read-only properties that show them.

:class:`~callflow.Call` is this state plus the procedure (its event methods,
in ``call.py``); kept apart so that ``call.py`` reads as the procedure. The
state changes only through those events.
"""

import enum
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Literal

import attrs

from callflow._casework import CaseFile
from callflow._recorder import CallLock, Line
from callflow.book import TicketBook
from callflow.clock import Clock, check_aware, check_clock, utc_now
from callflow.escalation import Escalation, manager_request
from callflow.measures import Outcome
from callflow.messages import PhoneMessage
from callflow.people import Agent, Caller
from callflow.promises import Promise, PromiseLedger
from callflow.records import EventRecord, Finding, RuleBreach
from callflow.screening import Screening, screening_of
from callflow.stages import Stage
from callflow.thresholds import Thresholds
from callflow.ticket import Ticket
from callflow.validators import instance_of, to_member

__all__ = ["CallState", "Channel", "Mode", "Party", "VerificationMethod"]

Channel = Literal["phone", "chat"]
"""How the caller reached the desk. A chat has no rings, holds, check-ins or hang-ups in the
phone sense: the phone-only rules (CF101, CF502-CF505, CF706) are not judged on it."""
CHANNELS: tuple[Channel, ...] = ("phone", "chat")

Party = Literal["caller", "agent", "unknown"]
"""Who ended the call (``"unknown"`` when a recording does not say: CF706 is not judged)."""
PARTIES: tuple[Party, ...] = ("caller", "agent", "unknown")

VerificationMethod = Literal[
    "personal_details",
    "account_details",
    "purchase",
    "security_question",
    "one_time_code",
    "callback",
    "other",
]
"""How the caller's identity was confirmed (:meth:`callflow.Call.verify`)."""
VERIFICATION_METHODS: tuple[VerificationMethod, ...] = typing.get_args(VerificationMethod)


class Mode(enum.Enum):
    """How a call treats a departure from the procedure."""

    STRICT = "strict"
    """Refuse it: raise :class:`~callflow.errors.InvalidTransitionError`, change nothing."""
    AUDIT = "audit"
    """Perform it and record a :class:`~callflow.records.Finding`."""


def _mode(value: object) -> Mode:
    if type(value) is Mode:  # the common case, kept cheap: it runs for every call created
        return value
    return to_member(Mode, "mode", value)


_DEFAULT_THRESHOLDS = Thresholds()


@attrs.define(eq=False, repr=False, on_setattr=attrs.setters.NO_OP)
class CallState:
    """A call's state: what :class:`~callflow.Call`'s events change, read-only from outside."""

    _agent: Agent = attrs.field(validator=instance_of(Agent), alias="agent")
    _mode: Mode = attrs.field(default=Mode.STRICT, converter=_mode, kw_only=True, alias="mode")
    _clock: Clock = attrs.field(default=utc_now, validator=check_clock, kw_only=True, alias="clock")
    _thresholds: Thresholds = attrs.field(
        default=_DEFAULT_THRESHOLDS,
        validator=instance_of(Thresholds),
        kw_only=True,
        alias="thresholds",
    )
    # Checked in __attrs_post_init__ when given: attrs validators would cost
    # every call two function calls for the common case of neither.
    _book: TicketBook | None = attrs.field(default=None, kw_only=True, alias="book")
    _call_id: str | None = attrs.field(default=None, kw_only=True, alias="call_id")
    _promises: PromiseLedger | None = attrs.field(default=None, kw_only=True, alias="promises")
    _channel: Channel = attrs.field(default="phone", kw_only=True, alias="channel")
    _stage: Stage = attrs.field(default=Stage.RINGING, init=False)
    # Audit mode: the stage an out-of-order event took the call from, which the
    # next event may resume from (callflow._recorder.judged_stage).
    _left_stage: Stage | None = attrs.field(default=None, init=False)
    _history: list[EventRecord] = attrs.field(factory=list, init=False)
    _findings: list[Finding] = attrs.field(factory=list, init=False)
    _caller: Caller | None = attrs.field(default=None, init=False)
    _caller_verified: bool = attrs.field(default=False, init=False)
    # Whether the caller's request needs a verified caller (None: not stated yet, so it does).
    _verification_needed: bool | None = attrs.field(default=None, init=False)
    _problem: str | None = attrs.field(default=None, init=False)
    _diagnosis: str | None = attrs.field(default=None, init=False)
    _plan: str | None = attrs.field(default=None, init=False)
    _fix: str | None = attrs.field(default=None, init=False)
    _answer_given: str | None = attrs.field(default=None, init=False)
    _fulfilment: str | None = attrs.field(default=None, init=False)
    _escalation: Escalation | None = attrs.field(default=None, init=False)
    _follow_up_of: str | None = attrs.field(default=None, init=False)
    _case: CaseFile = attrs.field(init=False)  # the call's ticket, and what events write in it
    # While Call.replay re-sends a record: what the original call observed.
    _replaying: Mapping[str, object] | None = attrs.field(default=None, init=False)
    _resolution_confirmed: bool = attrs.field(default=False, init=False)
    _anything_else_asked: bool = attrs.field(default=False, init=False)
    _on_hold: bool = attrs.field(default=False, init=False)
    # When the held caller last heard the agent (the hold or the latest check-in): CF504.
    _hold_contact: datetime | None = attrs.field(default=None, init=False)
    # The desk whose line the call is on, if any (set by callflow.desk.Desk).
    _line: Line | None = attrs.field(default=None, init=False)
    _outcome: Outcome | None = attrs.field(default=None, init=False)
    _strict: bool = attrs.field(init=False)
    _phone: bool = attrs.field(init=False)  # the phone-only rules are judged
    # Every event method runs whole under it; a copy of the call gets its own.
    _lock: CallLock = attrs.field(factory=CallLock, init=False)

    # -- state -----------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        """Where the call is now."""
        return self._stage

    @property
    def agent(self) -> Agent:
        """Who answers the call."""
        return self._agent

    @property
    def mode(self) -> Mode:
        """Strict (departures refused) or audit (departures recorded)."""
        return self._mode

    @property
    def channel(self) -> Channel:
        """``"phone"`` or ``"chat"``: on a chat the phone-only rules are not judged."""
        return self._channel

    @property
    def clock(self) -> Clock:
        """Where the call gets the time."""
        return self._clock

    @property
    def thresholds(self) -> Thresholds:
        """The limits the rules check against."""
        return self._thresholds

    @property
    def history(self) -> tuple[EventRecord, ...]:
        """Every accepted event, oldest first, starting with the ``ring``."""
        return tuple(self._history)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every rule departure recorded so far."""
        return tuple(self._findings)

    @property
    def caller(self) -> Caller | None:
        """The caller, once identified."""
        return self._caller

    @property
    def caller_verified(self) -> bool:
        """Whether the caller's identity was confirmed (CF205)."""
        return self._caller_verified

    @property
    def verification_needed(self) -> bool:
        """Whether the caller's request needs a verified caller (CF205).

        Until a statement of the problem says otherwise it does; once one
        does (``listen(needs_verification=True)``, the default), it does for
        the rest of the call.
        """
        return self._verification_needed is not False

    @property
    def problem(self) -> str | None:
        """The latest problem statement heard while venting."""
        return self._problem

    @property
    def troubleshooting_steps(self) -> tuple[str, ...]:
        """Every troubleshooting step recorded, in order."""
        return tuple(
            step
            for record in self._history
            if record.event == "troubleshoot" and isinstance(step := record.payload["step"], str)
        )

    @property
    def diagnosis(self) -> str | None:
        """The latest diagnosis label (CF405)."""
        return self._diagnosis

    @property
    def plan(self) -> str | None:
        """The resolution told to the caller."""
        return self._plan

    @property
    def fix(self) -> str | None:
        """What was done to fix the problem, unless it failed since."""
        return self._fix

    @property
    def fixed(self) -> bool:
        """Whether a fix was implemented and has not failed since."""
        return self._fix is not None

    @property
    def answer_given(self) -> str | None:
        """The latest answer given to the caller's question, unless troubleshooting resumed."""
        return self._answer_given

    @property
    def informed(self) -> bool:
        """Whether the caller's question was answered on the line (``Call.inform``)."""
        return self._answer_given is not None

    @property
    def fulfilment(self) -> str | None:
        """What was done for the caller's latest request, unless troubleshooting resumed."""
        return self._fulfilment

    @property
    def fulfilled(self) -> bool:
        """Whether the caller's request was carried out on the line (``Call.fulfil``)."""
        return self._fulfilment is not None

    @property
    def assigned_to(self) -> str | None:
        """The name of the team, tier, vendor or manager the problem was assigned to."""
        return None if self._escalation is None else self._escalation.to.name

    @property
    def assigned(self) -> bool:
        """Whether the problem was assigned."""
        return self._escalation is not None

    @property
    def escalation(self) -> Escalation | None:
        """The latest escalation the problem was assigned with."""
        return self._escalation

    @property
    def manager_requests(self) -> tuple[Escalation, ...]:
        """The caller's requests for a manager, as hierarchical escalations (CF605)."""
        return tuple(
            manager_request(reason)
            for record in self._history
            if record.event == "request_manager"
            and isinstance(reason := record.payload["reason"], str)
        )

    @property
    def call_id(self) -> str | None:
        """The call's identifier, when it was given one."""
        return self._call_id

    @property
    def book(self) -> TicketBook | None:
        """The ticket book the call opens and reads tickets in."""
        return self._book

    @property
    def ticket_number(self) -> str | None:
        """The number of the call's ticket: the one it opened or follows up."""
        return self._case.number

    @property
    def ticket(self) -> Ticket | None:
        """The call's ticket, when the call has a ticket book."""
        return self._case.ticket

    @property
    def ticket_findings(self) -> tuple[RuleBreach, ...]:
        """The writing breaches (CF901-CF903) of the call's ticket now; CF603 judges them."""
        if self._replaying is not None:
            found = self._replaying.get("ticket_findings", ())
            return found if isinstance(found, tuple) else ()
        return self._case.findings(self._thresholds.quality)

    @property
    def earlier_tickets(self) -> tuple[str, ...]:
        """The caller's earlier tickets, looked up when the call opened its ticket (CF403)."""
        for record in self._history:
            earlier = record.observed.get("earlier")
            if isinstance(earlier, tuple):
                return earlier
        return ()

    @property
    def follow_up_of(self) -> str | None:
        """The ticket this call follows up, on the follow-up path."""
        return self._follow_up_of

    @property
    def resolution_confirmed(self) -> bool:
        """Whether the caller confirmed the resolution (CF701)."""
        return self._resolution_confirmed

    @property
    def anything_else_asked(self) -> bool:
        """Whether the agent asked if there was anything else (CF702)."""
        return self._anything_else_asked

    @property
    def on_hold(self) -> bool:
        """Whether the caller is on hold now."""
        return self._on_hold

    @property
    def check_in_due(self) -> datetime | None:
        """When the next check-in with the held caller is due (CF504); ``None`` when not on hold."""
        if self._hold_contact is None:
            return None
        return self._hold_contact + self._thresholds.check_in_every

    def check_in_overdue(self, now: datetime | None = None) -> bool:
        """Whether the held caller has waited longer than the limit without a check-in (CF504).

        Args:
            now: the time to judge at (default: the call's clock).
        """
        if self._hold_contact is None:
            return False
        now = check_aware("now", self._clock() if now is None else now)
        return now - self._hold_contact > self._thresholds.max_hold_silence

    @property
    def screening(self) -> Screening | None:
        """Who the caller asked for and when the call was screened, if it was (CF807, CF808)."""
        return screening_of(self._history)

    @property
    def promises(self) -> PromiseLedger | None:
        """The ledger the call's callback promises are tracked in."""
        return self._promises

    @property
    def callback_promise(self) -> Promise | None:
        """The callback promised when the call's message was taken, as the ledger has it now."""
        ledger = self._promises
        for record in self._history:
            promise_id = record.observed.get("promise")
            if isinstance(promise_id, str) and ledger is not None:
                return ledger.get(promise_id)
        return None

    @property
    def message(self) -> PhoneMessage | None:
        """The message taken for someone unavailable, on a call that ended so."""
        last = self._history[-1]
        found = last.payload.get("message") if last.event == "take_message" else None
        return found if isinstance(found, PhoneMessage) else None

    @property
    def outcome(self) -> Outcome | None:
        """How the call ended, or ``None`` while it goes on."""
        return self._outcome
