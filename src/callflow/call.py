"""The call: a helpdesk phone call driven through the procedure, event by event.

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Call, Caller, ManualClock, Stage
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock)
>>> call.answer()
>>> call.listen()
Traceback (most recent call last):
...
callflow.errors.InvalidTransitionError: event 'listen' refused in stage GREETING: it requires \
an identified and verified caller (CF205); allowed now: identify, take_message, hold, transfer, \
abandon
>>> call.stage
<Stage.GREETING: 'greeting'>
"""

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

import attrs

from callflow.clock import Clock, check_aware, utc_now
from callflow.errors import CallEndedError, InvalidTransitionError, ValidationError
from callflow.measures import CallMeasures, Outcome, count_rings, measure
from callflow.people import Agent, Caller
from callflow.records import EventRecord, Finding
from callflow.stages import PROCEDURE, Stage
from callflow.thresholds import Thresholds
from callflow.validators import (
    check_flag,
    check_optional_text,
    check_positive_int,
    check_text,
    instance_of,
)

__all__ = ["Call", "Mode", "Party"]

Party = Literal["caller", "agent"]
"""Who ended the call."""


class Mode(enum.Enum):
    """How a call treats a departure from the procedure."""

    STRICT = "strict"
    """Refuse it: raise :class:`~callflow.errors.InvalidTransitionError`, change nothing."""
    AUDIT = "audit"
    """Perform it and record a :class:`~callflow.records.Finding`."""


def _mode(value: object) -> Mode:
    if type(value) is Mode:  # the common case, kept cheap: it runs for every call created
        return value
    try:
        return Mode(value)
    except ValueError:
        raise ValidationError("mode", value, "must be 'strict' or 'audit'") from None


def _callable(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not callable(value):
        raise ValidationError("clock", value, "must be a callable returning an aware datetime")


_DEFAULT_THRESHOLDS = Thresholds()
_OUT_OF_ORDER = "CF001"


@attrs.define(eq=False, repr=False, on_setattr=attrs.setters.NO_OP)
class Call:
    """One helpdesk call, from its first ring to its end.

    Every event method either records the event in :attr:`history` (and any
    rule departure in :attr:`findings`) or, in strict mode, raises
    :class:`~callflow.errors.InvalidTransitionError` and leaves the call
    exactly as it was. Events after the end raise
    :class:`~callflow.errors.CallEndedError` in both modes.

    Args:
        agent: who answers.
        mode: ``"strict"`` (default) to refuse departures, ``"audit"`` to record them.
        clock: where the call gets the time; defaults to UTC now.
        thresholds: the limits the rules check against.
    """

    _agent: Agent = attrs.field(validator=instance_of(Agent), alias="agent")
    _mode: Mode = attrs.field(default=Mode.STRICT, converter=_mode, kw_only=True, alias="mode")
    _clock: Clock = attrs.field(default=utc_now, validator=_callable, kw_only=True, alias="clock")
    _thresholds: Thresholds = attrs.field(
        default=_DEFAULT_THRESHOLDS,
        validator=instance_of(Thresholds),
        kw_only=True,
        alias="thresholds",
    )
    _stage: Stage = attrs.field(default=Stage.RINGING, init=False)
    _history: list[EventRecord] = attrs.field(factory=list, init=False)
    _findings: list[Finding] = attrs.field(factory=list, init=False)
    _caller: Caller | None = attrs.field(default=None, init=False)
    _caller_verified: bool = attrs.field(default=False, init=False)
    _problem: str | None = attrs.field(default=None, init=False)
    _diagnosis: str | None = attrs.field(default=None, init=False)
    _plan: str | None = attrs.field(default=None, init=False)
    _fix: str | None = attrs.field(default=None, init=False)
    _assigned_to: str | None = attrs.field(default=None, init=False)
    _follow_up_of: str | None = attrs.field(default=None, init=False)
    _resolution_confirmed: bool = attrs.field(default=False, init=False)
    _anything_else_asked: bool = attrs.field(default=False, init=False)
    _on_hold: bool = attrs.field(default=False, init=False)
    _outcome: Outcome | None = attrs.field(default=None, init=False)

    def __attrs_post_init__(self) -> None:
        at = check_aware("clock", self._clock())
        payload = {"agent": self._agent, "mode": self._mode, "thresholds": self._thresholds}
        ring = EventRecord("ring", Stage.RINGING, Stage.RINGING, at, MappingProxyType(payload))
        self._history.append(ring)

    def __repr__(self) -> str:
        return (
            f"<Call {self._stage.name} agent={self._agent.name!r} mode={self._mode.value}"
            f" events={len(self._history)} findings={len(self._findings)}>"
        )

    # -- events ----------------------------------------------------------------

    def answer(self, *, rings: int | None = None) -> None:
        """Pick up the ringing call: RINGING -> GREETING.

        Args:
            rings: how many times it rang, if known; otherwise counted from the
                wait at the ring cadence. More than ``thresholds.max_rings`` is
                a CF101 finding.
        """
        if rings is not None:
            check_positive_int("rings", rings)
        index = self._fire("answer", {"rings": rings})
        if self._history[index].from_stage is not Stage.RINGING:
            return  # a repeated answer (audit mode): CF101 judged the first one
        if rings is None:
            wait = self._history[index].at - self._history[0].at
            rings = count_rings(wait, self._thresholds.ring_cadence)
        if rings > self._thresholds.max_rings:
            self._note(
                "CF101", f"answered on ring {rings}, after ring {self._thresholds.max_rings}", index
            )

    def identify(self, caller: Caller, *, verified: bool = False) -> None:
        """Take the caller's name / user ID, and say whether their identity was confirmed."""
        if not isinstance(caller, Caller):
            raise ValidationError("caller", caller, "must be a Caller")
        self._fire("identify", {"caller": caller, "verified": check_flag("verified", verified)})
        self._caller, self._caller_verified = caller, verified

    def listen(self, problem: str | None = None) -> None:
        """Let the caller describe the problem: GREETING -> VENTING (needs a verified caller)."""
        problem = check_optional_text("problem", problem)
        self._fire("listen", {"problem": problem})
        if problem is not None:
            self._problem = problem

    def follow_up(self, ticket: str) -> None:
        """Take up an existing ticket: GREETING -> IMPLEMENT_OR_ASSIGN (needs a verified caller)."""
        self._fire("follow_up", {"ticket": check_text("ticket", ticket)})
        self._follow_up_of = ticket

    def troubleshoot(self, step: str | None = None) -> None:
        """Work on the problem, recording what was tried: -> TROUBLESHOOTING.

        From DIAGNOSIS, RESOLUTION or IMPLEMENT_OR_ASSIGN this is the loop back
        the procedure allows; from IMPLEMENT_OR_ASSIGN it means the fix failed.
        """
        step = check_optional_text("step", step)
        came_from = self._stage
        self._fire("troubleshoot", {"step": step})
        if came_from is Stage.IMPLEMENT_OR_ASSIGN:
            self._fix = None

    def diagnose(self, label: str | None = None) -> None:
        """Label the problem: -> DIAGNOSIS. Without a label the agent is still unsure."""
        label = check_optional_text("label", label)
        self._fire("diagnose", {"label": label})
        if label is not None:
            self._diagnosis = label

    def propose(self, plan: str) -> None:
        """Tell the caller what the problem is and how it will be fixed: -> RESOLUTION."""
        self._fire("propose", {"plan": check_text("plan", plan)})
        self._plan = plan

    def implement(self, action: str) -> None:
        """Fix the problem now: -> IMPLEMENT_OR_ASSIGN."""
        self._fire("implement", {"action": check_text("action", action)})
        self._fix = action

    def assign(self, to: str, *, reason: str | None = None) -> None:
        """Hand the problem to another team, tier or vendor: -> IMPLEMENT_OR_ASSIGN."""
        payload = {"to": check_text("to", to), "reason": check_optional_text("reason", reason)}
        self._fire("assign", payload)
        self._assigned_to = to

    def goodbye(
        self, *, resolution_confirmed: bool = False, anything_else_asked: bool = False
    ) -> None:
        """Close the call: -> GOODBYE. Repeat it to record a later confirmation.

        Args:
            resolution_confirmed: the caller confirmed the fix works (CF701).
            anything_else_asked: the agent asked if there is anything else (CF702).
        """
        payload = {
            "resolution_confirmed": check_flag("resolution_confirmed", resolution_confirmed),
            "anything_else_asked": check_flag("anything_else_asked", anything_else_asked),
        }
        self._fire("goodbye", payload)
        self._resolution_confirmed |= resolution_confirmed
        self._anything_else_asked |= anything_else_asked

    def hang_up(self, *, by: Party = "caller") -> None:
        """End the call: GOODBYE -> ENDED. The caller should hang up first (CF706)."""
        if by not in ("caller", "agent"):
            raise ValidationError("by", by, "must be 'caller' or 'agent'")
        index = self._fire("hang_up", {"by": by})
        if self.fixed:
            self._finish(Outcome.RESOLVED)
        elif self.assigned:
            self._finish(Outcome.ASSIGNED)
        else:
            self._finish(Outcome.UNRESOLVED)
        if not self._anything_else_asked:
            self._note("CF702", "the call ended without asking if there was anything else", index)
        if by == "agent":
            self._note("CF706", "the agent hung up before the caller", index)

    def hold(self, *, reason: str | None = None) -> None:
        """Put the caller on hold; the stage does not change."""
        self._fire("hold", {"reason": check_optional_text("reason", reason)})
        self._on_hold = True

    def resume(self) -> None:
        """Take the caller off hold."""
        self._fire("resume", {})
        self._on_hold = False

    def transfer(self, to: str, *, warm: bool = False) -> None:
        """Put the caller through to someone else: -> ENDED, outcome TRANSFERRED.

        Args:
            to: who or which team receives the call.
            warm: whether the caller stays connected while the receiver is briefed.
        """
        payload = {"to": check_text("to", to), "warm": check_flag("warm", warm)}
        self._fire("transfer", payload)
        self._finish(Outcome.TRANSFERRED)

    def take_message(self, for_whom: str, *, note: str | None = None) -> None:
        """The wanted person is unavailable; take a message: GREETING -> ENDED."""
        payload = {
            "for_whom": check_text("for_whom", for_whom),
            "note": check_optional_text("note", note),
        }
        self._fire("take_message", payload)
        self._finish(Outcome.MESSAGE_TAKEN)

    def abandon(self) -> None:
        """The caller is gone before the call was handled to its end: -> ABANDONED."""
        self._fire("abandon", {})
        self._finish(Outcome.ABANDONED)

    # -- queries ---------------------------------------------------------------

    def allowed_events(self) -> tuple[str, ...]:
        """The events the call accepts now, its guards included."""
        if self._stage.is_final:
            return ()
        return tuple(
            row.event
            for row in PROCEDURE.outgoing(self._stage)
            if all(guard.check(self) for guard in row.guards)
        )

    def measures(self, now: datetime | None = None) -> CallMeasures:
        """Times, holds and outcome, derived from the history.

        Args:
            now: for a call still going on, the time to measure up to
                (default: the call's clock).
        """
        if now is None and not self._stage.is_final:
            now = check_aware("clock", self._clock())
        return measure(self._history, outcome=self._outcome, until=now, thresholds=self._thresholds)

    @classmethod
    def replay(cls, history: Iterable[EventRecord], *, clock: Clock | None = None) -> "Call":
        """Rebuild a call from its history alone.

        Each event is sent again, at its recorded time, to a new call with the
        recorded agent, mode and thresholds; the result has the same stage,
        state, history and findings.

        Args:
            history: the records, starting with the call's ``ring``.
            clock: the clock the rebuilt call uses from then on (default UTC now).

        Raises:
            ValidationError: when the history is not one a call could have produced.
        """
        records = tuple(history)
        if not records or not isinstance(records[0], EventRecord) or records[0].event != "ring":
            raise ValidationError(
                "history", records[:1], "must start with the call's 'ring' record"
            )
        ring = records[0].payload
        call = cls(
            agent=ring.get("agent"),  # type: ignore[arg-type]  # checked by the validator
            mode=ring.get("mode"),
            thresholds=ring.get("thresholds", _DEFAULT_THRESHOLDS),  # type: ignore[arg-type]
            clock=lambda: records[0].at,
        )
        if call._history[0] != records[0]:
            raise ValidationError("history[0]", records[0], "is not a ring record a call makes")
        for index, record in enumerate(records[1:], start=1):
            _replay_one(call, index, record)
        call._clock = clock or utc_now
        return call

    # -- internals -------------------------------------------------------------

    def _fire(self, event: str, payload: Mapping[str, object]) -> int:
        """Check ``event`` against the procedure, then record it; return its index."""
        stage = self._stage
        if stage.is_final:
            raise CallEndedError(event, stage)
        row = PROCEDURE.transition(stage, event)
        strict = self._mode is Mode.STRICT
        departures: list[tuple[str, str]] = []
        if row is None:
            if strict:
                raise InvalidTransitionError(event, stage, self.allowed_events())
            departures.append(
                (_OUT_OF_ORDER, f"{event!r} is not part of the procedure in stage {stage.name}")
            )
            dest = PROCEDURE.target(event) or stage
            guards = PROCEDURE.guards_of(event)
        else:
            dest, guards = row.dest, row.guards
        for guard in guards:
            if not guard.check(self):
                if strict:
                    raise InvalidTransitionError(
                        event,
                        stage,
                        self.allowed_events(),
                        guard.rule,
                        reason=f"it requires {guard.requirement}",
                    )
                departures.append((guard.rule, f"{event!r} came without {guard.requirement}"))
        at = self._now()
        if dest is not stage:
            PROCEDURE.move(self, dest)
        index = len(self._history)
        # The payload dict was built by the event method and nobody else holds
        # it: wrapping it read-only (instead of copying it) keeps the record immutable.
        self._history.append(EventRecord(event, stage, dest, at, MappingProxyType(payload)))
        for rule, message in departures:
            self._findings.append(Finding(rule, message, index, event, stage))
        return index

    def _note(self, rule: str, message: str, index: int) -> None:
        record = self._history[index]
        self._findings.append(Finding(rule, message, index, record.event, record.from_stage))

    def _now(self) -> datetime:
        at = check_aware("clock", self._clock())
        previous = self._history[-1].at
        if at < previous:
            raise ValidationError(
                "clock", at, f"went backwards: the previous event was at {previous.isoformat()}"
            )
        return at

    def _finish(self, outcome: Outcome) -> None:
        self._outcome, self._on_hold = outcome, False

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
    def assigned_to(self) -> str | None:
        """The team, tier or vendor the problem was assigned to."""
        return self._assigned_to

    @property
    def assigned(self) -> bool:
        """Whether the problem was assigned."""
        return self._assigned_to is not None

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
    def outcome(self) -> Outcome | None:
        """How the call ended, or ``None`` while it goes on."""
        return self._outcome


# Replay dispatches by name through this table rather than getattr, so a
# history naming an unknown event is a ValidationError, never an AttributeError.
_EVENT_METHODS: dict[str, Callable[..., None]] = {
    event: getattr(Call, event) for event in PROCEDURE.events
}


def _replay_one(call: Call, index: int, record: EventRecord) -> None:
    method = _EVENT_METHODS.get(record.event) if isinstance(record, EventRecord) else None
    if method is None:
        raise ValidationError(f"history[{index}]", record, "is not an event of the procedure")
    call._clock = lambda: record.at  # the event happens at its recorded time, however often read
    try:
        method(call, **record.payload)
    except TypeError as error:
        raise ValidationError(
            f"history[{index}].payload", dict(record.payload), f"does not fit {record.event!r}"
        ) from error
    if call._history[-1] != record:
        raise ValidationError(
            f"history[{index}]", record, "does not match what replaying its event produced"
        )
