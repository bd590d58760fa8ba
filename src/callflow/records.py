"""What a call keeps: its event records and its findings.

These are values a user may also build by hand (a recorded call to replay,
findings of their own), so each checks its fields like any public entry point:

>>> from datetime import datetime
>>> EventRecord("answer", Stage.RINGING, Stage.GREETING, datetime(2026, 3, 2, 9, 0))
Traceback (most recent call last):
...
callflow.errors.ValidationError: 'at' must be a timezone-aware datetime \
(got datetime.datetime(2026, 3, 2, 9, 0))
"""

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from callflow.clock import check_aware
from callflow.errors import ValidationError
from callflow.events import made, typed
from callflow.stages import Stage

__all__ = ["NOTHING", "EventRecord", "Finding", "RuleBreach"]

NOTHING: Mapping[str, object] = MappingProxyType({})
"""The one empty, read-only mapping that records without payload or observations share."""


def _frozen(field: str, data: object) -> Mapping[str, object]:
    """``data`` as a read-only mapping keyed by text; a call's own payloads pass as they are."""
    if type(data) is MappingProxyType:
        return data if data else NOTHING  # most events carry nothing: share one empty mapping
    if not isinstance(data, Mapping):
        raise ValidationError(field, data, "must be a mapping of names to values")
    for key in data:
        if type(key) is not str:
            raise ValidationError(field, data, f"must be keyed by names, as text (not {key!r})")
    return MappingProxyType(dict(data)) if data else NOTHING


def _payload(data: object) -> Mapping[str, object]:
    return _frozen("payload", data)


def _observed(data: object) -> Mapping[str, object]:
    return _frozen("observed", data)


def _name(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value:
        raise ValidationError(attribute.name, value, "must be a name, as non-empty text")


def _stage(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not Stage:
        raise ValidationError(attribute.name, value, "must be a Stage")


def _at(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_aware("at", value)


@attrs.frozen
class EventRecord:
    """One accepted event in a call's history.

    Attributes:
        event: the event's name (``"answer"``, ``"diagnose"``...).
        from_stage: the stage the call was in.
        to_stage: the stage the event left it in (the same for internal events).
        at: when it happened, timezone-aware.
        payload: the event's arguments, as given to the event method; replaying
            them rebuilds the call. An instance of the event's payload class
            (see :mod:`callflow.events`), which reads like a mapping; a
            mapping given by hand is turned into it when its keys fit.
        observed: what the call looked up outside itself when the event came
            (the ticket it opened, the quality findings of its ticket...);
            replaying reads these instead of looking again, so a replayed
            call ends exactly as the original did even without its ticket book.

    A record a call makes always passes these checks; one built by hand is
    checked again, as a whole history, by :meth:`callflow.Call.replay`.
    """

    event: str = attrs.field(validator=_name)
    from_stage: Stage = attrs.field(validator=_stage)
    to_stage: Stage = attrs.field(validator=_stage)
    at: datetime = attrs.field(validator=_at)
    payload: Mapping[str, object] = attrs.field(default=NOTHING, converter=_payload, hash=False)
    observed: Mapping[str, object] = attrs.field(
        default=NOTHING, converter=_observed, hash=False, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if type(self.event) is str:  # the event was validated: a name
            object.__setattr__(self, "payload", typed(self.event, self.payload))

    @classmethod
    def _checked(
        cls,
        event: str,
        from_stage: Stage,
        to_stage: Stage,
        at: datetime,
        payload: Mapping[str, object],
        observed: Mapping[str, object],
    ) -> "EventRecord":
        """A record of values the call has checked already, made without checking them again.

        A call makes one record per event; its values passed the event's own
        checks, so running the validators again would only cost every event
        a microsecond. ``payload`` is the dict of the event method's
        arguments (nobody else holds it); ``observed`` a read-only mapping.
        """
        record = _new(cls)
        # The class is frozen (its own __setattr__ refuses): its slots are set directly.
        _set_event(record, event)
        _set_from_stage(record, from_stage)
        _set_to_stage(record, to_stage)
        _set_at(record, at)
        _set_payload(record, made(event, payload))
        _set_observed(record, observed or NOTHING)
        return record


_new = object.__new__
_set_event, _set_from_stage, _set_to_stage, _set_at, _set_payload, _set_observed = (
    EventRecord.__dict__[name].__set__  # each slot's own setter
    for name in ("event", "from_stage", "to_stage", "at", "payload", "observed")
)


def _text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value.strip():
        raise ValidationError(attribute.name, value, "must be non-empty text")


def _index(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(attribute.name, value, "must be an index: a whole number, 0 or more")


def _optional_index(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None:
        _index(instance, attribute, value)


def _optional_evidence(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (type(value) is not str or not value.strip()):
        raise ValidationError(attribute.name, value, "must be the quoted words, as non-empty text")


@attrs.frozen
class Finding:
    """A departure from the procedure, found while driving or auditing a call.

    Attributes:
        rule: the rule code (see :data:`callflow.rules.RULES`).
        message: one sentence saying what happened.
        event_index: the index in ``call.history`` of the event it concerns.
        event: that event's name.
        stage: the stage the call was in when the event came.
        turn: in an audited transcript, the index of the turn it concerns
            (``None`` for a live call, or when no agent turn with words can be
            placed by the event: no times and no turn named).
        evidence: the words quoted from that turn, or ``None``.
    """

    rule: str = attrs.field(validator=_text)
    message: str = attrs.field(validator=_text)
    event_index: int = attrs.field(validator=_index)
    event: str = attrs.field(validator=_name)
    stage: Stage = attrs.field(validator=_stage)
    turn: int | None = attrs.field(default=None, validator=_optional_index, kw_only=True)
    evidence: str | None = attrs.field(default=None, validator=_optional_evidence, kw_only=True)


def _optional_text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None:
        _text(instance, attribute, value)


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

    rule: str = attrs.field(validator=_text)
    message: str = attrs.field(validator=_text)
    field: str | None = attrs.field(default=None, validator=_optional_text)
