"""What a call keeps: its event records and its findings."""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from callflow.stages import Stage

__all__ = ["NOTHING", "EventRecord", "Finding", "RuleBreach"]

NOTHING: Mapping[str, object] = MappingProxyType({})
"""The one empty, read-only mapping that records without payload or observations share."""


def _frozen_payload(payload: Mapping[str, object]) -> Mapping[str, object]:
    if not payload:
        return NOTHING  # most events carry nothing: share one empty mapping
    return payload if isinstance(payload, MappingProxyType) else MappingProxyType(dict(payload))


@attrs.frozen
class EventRecord:
    """One accepted event in a call's history.

    Attributes:
        event: the event's name (``"answer"``, ``"diagnose"``...).
        from_stage: the stage the call was in.
        to_stage: the stage the event left it in (the same for internal events).
        at: when it happened, timezone-aware.
        payload: the event's arguments, as given to the event method; replaying
            them rebuilds the call.
        observed: what the call looked up outside itself when the event came
            (the ticket it opened, the quality findings of its ticket...);
            replaying reads these instead of looking again, so a replayed
            call ends exactly as the original did even without its ticket book.
    """

    event: str
    from_stage: Stage
    to_stage: Stage
    at: datetime
    payload: Mapping[str, object] = attrs.field(
        default=NOTHING, converter=_frozen_payload, hash=False
    )
    observed: Mapping[str, object] = attrs.field(
        default=NOTHING, converter=_frozen_payload, hash=False, kw_only=True
    )


@attrs.frozen
class Finding:
    """A departure from the procedure, found while driving or auditing a call.

    Attributes:
        rule: the rule code (see :data:`callflow.rules.RULES`).
        message: one sentence saying what happened.
        event_index: the index in ``call.history`` of the event it concerns.
        event: that event's name.
        stage: the stage the call was in when the event came.
    """

    rule: str
    message: str
    event_index: int
    event: str
    stage: Stage


@attrs.frozen
class RuleBreach:
    """A departure from a rule found by a check on an object (a ticket, an escalation...).

    Checks such as ``check_ticket`` and ``check_escalation`` return these; a
    call that runs such a check records each one as a :class:`Finding` at the
    event concerned.

    Attributes:
        rule: the rule code (see :data:`callflow.rules.RULES`).
        message: one sentence saying what is wrong.
        field: the field of the object the breach is about, when it is one field.
    """

    rule: str
    message: str
    field: str | None = None
