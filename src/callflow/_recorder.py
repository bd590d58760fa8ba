"""How a :class:`~callflow.Call` judges and records each event: the bookkeeping under its procedure.

Every event method of ``call.py`` ends in :func:`fire`, which asks the
procedure's table for a verdict (:meth:`~callflow.table.TransitionTable.judge`),
refuses or notes the departures, does what the event does outside the call
and only then changes the call. The CF504, CF507 and CF605 helpers a few
events need are kept here too, with the desk protocol they rely on, and how
a handled call's end is judged (its outcome, CF705).
"""

import _thread
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from callflow._casework import Effect
from callflow.clock import read_clock
from callflow.errors import CallEndedError, InvalidTransitionError
from callflow.escalation import Escalation, EscalationKind
from callflow.measures import Outcome
from callflow.records import NOTHING, EventRecord, Finding, RuleBreach
from callflow.stages import PROCEDURE, Stage

if TYPE_CHECKING:
    from callflow.call import Call

__all__ = [
    "CallLock",
    "Line",
    "finish",
    "finish_handled",
    "fire",
    "judged_stage",
    "keep_line",
    "line_departures",
    "manager_skipped",
    "note",
]

OUT_OF_ORDER = "CF001"
# Events that end a held caller's silence: CF504 judges the gap before each.
_HOLD_CONTACTS = frozenset({"check_in", "resume"})


class Line(Protocol):
    """The desk a call's line belongs to: it judges and watches the call's events (CF507)."""

    def _departures(
        self, call: "Call", event: str, out_of_turn: str | None = None
    ) -> tuple[RuleBreach, ...]:
        """What ``event`` on ``call`` departs from, given the desk's other calls."""

    def _recorded(self, call: "Call", event: str) -> None:
        """``event`` was recorded on ``call``."""


def fire(
    call: "Call",
    event: str,
    payload: Mapping[str, object],
    *,
    breaches: Sequence[RuleBreach] = (),
    check: Callable[[datetime], object] | None = None,
    effect: Effect | None = None,
) -> int:
    """Judge ``event``, then do what it does outside the call, then record it; return its index.

    Everything that can refuse the event runs before anything is written:
    the table and its guards; ``breaches``, departures the event method
    found in the event's own data (an incomplete escalation...), refused
    in strict mode and findings in audit mode; the clock; and ``check``,
    which judges the event's data against its time (a timeframe already
    past) and raises to refuse it.

    Then ``effect`` does what the event does outside the call: it looks
    things up (the ticket book) and writes (the ticket, the book, the
    promise ledger). It is all or nothing: it raises having changed
    nothing, or returns what it looked up, which is kept in the record's
    ``observed`` data. In a replay it is not run (everything was written
    already) and the record's own ``observed`` data stands in for it.
    Only then is the call itself changed, which cannot fail.
    """
    stage = call._stage
    if stage.is_final:
        raise CallEndedError(event, stage)
    strict = call._strict
    judged = judged_stage(call, event)
    verdict = PROCEDURE.judge(judged, event, call, forced=not strict)
    departures: list[tuple[str, str]] = []
    if verdict.row is None:
        if strict:
            raise InvalidTransitionError(event, stage, call.allowed_events())
        departures.append(
            (OUT_OF_ORDER, f"{event!r} is not part of the procedure in stage {judged.name}")
        )
    for guard in verdict.failed:
        if strict:  # the first guard failed is the reason given
            raise InvalidTransitionError(
                event,
                stage,
                call.allowed_events(),
                guard.rule,
                reason=f"it requires {guard.requirement}",
            )
        code = guard.rule or OUT_OF_ORDER  # every procedure guard has a code
        departures.append((code, f"{event!r} came without {guard.requirement}"))
    if breaches:
        if strict:
            raise InvalidTransitionError(
                event,
                stage,
                call.allowed_events(),
                breaches[0].rule,
                reason="; ".join(breach.message for breach in breaches),
            )
        departures += [(breach.rule, breach.message) for breach in breaches]
    history = call._history
    at = read_clock(call._clock, history[-1].at)
    if check is not None:
        check(at)
    if call._replaying is not None:
        observed = call._replaying
    else:
        observed = NOTHING if effect is None else effect(at)
    # Nothing below can fail: the call changes only once the event is sure to be kept.
    dest = verdict.dest
    if dest is not stage:
        PROCEDURE.move(call, dest)
    if not strict:
        _keep_place(call, stage, judged, verdict.row is None, dest)
    index = len(history)
    # The payload dict was built by the event method and nobody else holds
    # it: the record turns it into the event's typed, frozen payload.
    history.append(EventRecord._checked(event, judged, dest, at, payload, observed))
    for rule, message in departures:
        call._findings.append(Finding(rule, message, index, event, judged))
    if call._on_hold and call._phone and (event in _HOLD_CONTACTS or dest.is_final):
        _judge_silence(call, index)
    if call._line is not None:
        call._line._recorded(call, event)
    return index


def judged_stage(call: "Call", event: str) -> Stage:
    """The stage ``event`` is judged in: the call's, or the one an out-of-order event left.

    In audit mode an event the procedure does not allow takes the call where
    it leads (one finding), but the call keeps the stage it left: when the
    next event fits that stage and not the one the call was taken to, the
    agent went on from where they were, and the call resynchronises there
    without a second finding (an early "anything else?", then troubleshooting).
    """
    stage, left = call._stage, call._left_stage
    if (
        left is not None
        and PROCEDURE.transition(stage, event) is None
        and PROCEDURE.transition(left, event) is not None
    ):
        return left
    return stage


def _keep_place(call: "Call", stage: Stage, judged: Stage, out_of_order: bool, dest: Stage) -> None:
    """Remember the stage an out-of-order move left; forget it once the call goes on in order.

    An event that keeps the call where it is (a hold, a repeat) leaves the
    question open; one that moves it in order, or resynchronises it, settles it.
    """
    if out_of_order:
        if dest is not judged and not dest.is_final:
            call._left_stage = judged
    elif judged is not stage or dest is not judged:
        call._left_stage = None


def note(call: "Call", rule: str, message: str, index: int) -> None:
    """Record a finding of ``rule`` on the event at ``index``."""
    record = call._history[index]
    call._findings.append(Finding(rule, message, index, record.event, record.from_stage))


def _judge_silence(call: "Call", index: int) -> None:
    """CF504: the held caller heard nothing for longer than the limit before this event."""
    contact, limit = call._hold_contact, call._thresholds.max_hold_silence
    if contact is None:
        return
    silence = call._history[index].at - contact
    if silence > limit:
        note(
            call,
            "CF504",
            f"the caller waited {silence} on hold without a check-in (limit {limit})",
            index,
        )


def line_departures(
    call: "Call", event: str, out_of_turn: str | None = None
) -> tuple[RuleBreach, ...]:
    """What the desk says of ``event`` (CF507); in a replay, what it said then."""
    if call._replaying is not None:
        said = call._replaying.get("line", ())
        return said if isinstance(said, tuple) else ()
    return () if call._line is None else call._line._departures(call, event, out_of_turn)


def keep_line(line: tuple[RuleBreach, ...]) -> Effect | None:
    """Keep what the desk said of an event in its record, for a replay without the desk."""
    if not line:
        return None  # the common case: nothing to keep, nothing to call
    observed = {"line": line}
    return lambda at: observed


# typeshed marks RLock final; CPython lets it be subclassed (3.6 to 3.13 at least).
class CallLock(_thread.RLock):  # type: ignore[misc]
    """The lock each call's events run under: reentrant, and never shared by a copy.

    A copy or an unpickled call gets a lock of its own, unheld: a lock is
    not part of a call's state.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type["CallLock"], tuple[()]]:
        return (type(self), ())

    def __copy__(self) -> "CallLock":
        return type(self)()

    def __deepcopy__(self, memo: object) -> "CallLock":
        return type(self)()


def finish(call: "Call", outcome: Outcome) -> None:
    """The call ended with ``outcome``: the caller is on hold no more."""
    call._outcome, call._on_hold, call._hold_contact = outcome, False, None


def finish_handled(call: "Call", index: int) -> None:
    """The handled call hung up (the record at ``index``): its outcome from what was done.

    Fixed, or a question answered or a request carried out on the line:
    RESOLVED; assigned: ASSIGNED; nothing of these: UNRESOLVED, and a CF705
    unless the goodbye's guard found it already (audit mode).
    """
    if call.fixed:
        finish(call, Outcome.RESOLVED)
    elif call.assigned:
        finish(call, Outcome.ASSIGNED)
    elif call.informed or call.fulfilled:
        finish(call, Outcome.RESOLVED)  # a question answered, a request carried out
    else:
        finish(call, Outcome.UNRESOLVED)
        if not any(_ended_early(finding) for finding in call._findings):
            unresolved = "the call ended with no fix, assignment, answer or request done"
            note(call, "CF705", unresolved, index)  # audit mode: the goodbye was early


def _ended_early(finding: Finding) -> bool:
    """Whether ``finding`` already stands for a goodbye before anything was done.

    The goodbye's own CF705, or its CF001 when it came out of order (before
    the call got anywhere): one departure, one finding, so the hang-up does
    not report it again.
    """
    return finding.rule == "CF705" or (finding.rule == OUT_OF_ORDER and finding.event == "goodbye")


def manager_skipped(call: "Call", escalation: Escalation) -> tuple[RuleBreach, ...]:
    """CF605: the caller asked for a manager, and the escalation to one skipped the procedure.

    Judged only when a ``request_manager`` was recorded earlier in the call:
    an agent's own hierarchical escalation out of order is the CF001 of the
    same event, not a caller's request.
    """
    if (
        escalation.kind is not EscalationKind.HIERARCHICAL
        or PROCEDURE.transition(judged_stage(call, "assign"), "assign") is not None
        or all(record.event != "request_manager" for record in call._history)
    ):
        return ()
    skipped = "a request for a manager skipped the procedure: record it and go on"
    return (RuleBreach("CF605", skipped, "kind"),)
