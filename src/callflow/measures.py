"""What a call's history says about it: times, holds and outcome (DOMAIN.md section 12).

Counting conventions: a stage's time runs from the event that entered it to
the event that left it (an internal event does not interrupt it); ring wait
runs from the first ring to the answer (or to the end, for a call never
answered); talk time runs from the answer to the end, less the time on hold;
a hold runs from ``hold`` to ``resume``, or to the end if the call ended on hold.
"""

import enum
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType

import attrs

from callflow.clock import check_aware
from callflow.errors import ValidationError
from callflow.records import EventRecord
from callflow.stages import Stage
from callflow.thresholds import Thresholds
from callflow.validators import check_duration

__all__ = ["CallMeasures", "Outcome", "count_rings", "measure"]

_ZERO = timedelta()


class Outcome(enum.Enum):
    """How a call ended."""

    RESOLVED = "resolved"
    """Resolved on the call: fixed and confirmed (or at least fixed, in audit mode), or the
    caller's question answered (``Call.inform``) or request carried out (``Call.fulfil``);
    first-contact resolution counts it."""
    ASSIGNED = "assigned"
    """Handed to another team, tier or vendor."""
    TRANSFERRED = "transferred"
    """Put through to another person."""
    MESSAGE_TAKEN = "message_taken"
    """The wanted person was unavailable; a message was taken."""
    ABANDONED = "abandoned"
    """The caller left before the call was handled to its end."""
    UNRESOLVED = "unresolved"
    """Ended with no fix, assignment, answer or request done (only possible in audit mode)."""


@attrs.frozen
class CallMeasures:
    """The measures of one call, derived from its history."""

    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    ring_wait: timedelta
    rings: int
    talk_time: timedelta
    hold_count: int
    total_hold: timedelta
    longest_hold: timedelta
    time_in_stage: Mapping[Stage, timedelta]
    outcome: Outcome | None


def count_rings(wait: timedelta, cadence: timedelta) -> int:
    """How many times a phone rang in ``wait`` at one ring per ``cadence`` (at least once).

    Raises:
        ValidationError: ``wait`` is not a timedelta of zero or more, or
            ``cadence`` not a positive one.
    """
    check_duration("wait", wait, zero=True)
    check_duration("cadence", cadence)
    return max(1, math.ceil(wait / cadence))


def measure(
    history: Sequence[EventRecord],
    *,
    outcome: Outcome | None = None,
    until: datetime | None = None,
    thresholds: Thresholds | None = None,
) -> CallMeasures:
    """Measure a call from its history.

    Args:
        history: the call's records, the first one being its ``ring``.
        outcome: the call's outcome, copied into the result.
        until: for a call still going on, the time to measure up to
            (default: its last event); ignored for a call that is over.
        thresholds: gives the ring cadence used to count rings when the
            answer did not say how many there were.

    Raises:
        ValidationError: ``history`` is not a sequence of records starting
            with a ring, or an argument is of the wrong kind.
    """
    given: object = history  # checked, not trusted
    if isinstance(given, str) or not isinstance(given, Sequence) or not given:
        raise ValidationError("history", given, "must be a call's records, its ring first")
    for index, record in enumerate(history):
        if not isinstance(record, EventRecord):
            raise ValidationError(f"history[{index}]", record, "must be an EventRecord")
    if outcome is not None and not isinstance(outcome, Outcome):
        raise ValidationError("outcome", outcome, "must be an Outcome or None")
    if until is not None:
        check_aware("until", until)
    if thresholds is not None and not isinstance(thresholds, Thresholds):
        raise ValidationError("thresholds", thresholds, "must be Thresholds or None")
    first, last = history[0], history[-1]
    over = last.to_stage.is_final
    end = last.at if over or until is None else max(until, last.at)
    in_stage: dict[Stage, timedelta] = {}
    stage, since = first.to_stage, first.at
    answered_at: datetime | None = None
    rings_given: object = None
    hold_start: datetime | None = None
    holds: list[timedelta] = []
    for record in history[1:]:
        if record.to_stage is not stage:
            in_stage[stage] = in_stage.get(stage, _ZERO) + (record.at - since)
            stage, since = record.to_stage, record.at
        if record.event == "answer" and answered_at is None:
            answered_at, rings_given = record.at, record.payload.get("rings")
        elif record.event == "hold" and hold_start is None:
            hold_start = record.at
        elif record.event == "resume" and hold_start is not None:
            holds.append(record.at - hold_start)
            hold_start = None
    if not stage.is_final:
        in_stage[stage] = in_stage.get(stage, _ZERO) + (end - since)
    if hold_start is not None:
        holds.append(end - hold_start)
    ring_wait = (answered_at or end) - first.at
    cadence = (thresholds or Thresholds()).ring_cadence
    rings = rings_given if isinstance(rings_given, int) else count_rings(ring_wait, cadence)
    total_hold = sum(holds, _ZERO)
    talk = _ZERO if answered_at is None else max(_ZERO, end - answered_at - total_hold)
    return CallMeasures(
        started_at=first.at,
        answered_at=answered_at,
        ended_at=last.at if over else None,
        ring_wait=ring_wait,
        rings=rings,
        talk_time=talk,
        hold_count=len(holds),
        total_hold=total_hold,
        longest_hold=max(holds, default=_ZERO),
        time_in_stage=MappingProxyType(in_stage),
        outcome=outcome,
    )
