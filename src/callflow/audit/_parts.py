"""The parts of a transcript: who spoke, what they said, what happened, what for."""

import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, get_args

import attrs

from callflow.audit._arguments import check_event, typed_arguments
from callflow.audit._fields import literal, seconds, to_seconds, writable_text
from callflow.errors import ValidationError
from callflow.events import EventPayload
from callflow.validators import optional_non_empty_text

__all__ = ["Context", "EndedBy", "Participant", "Speaker", "TranscriptEvent", "Turn"]

Speaker = Literal["agent", "caller", "system"]
"""Who speaks a turn: one of the two parties, or the system (a recorded prompt, a bot)."""
EndedBy = Literal["agent", "caller", "unknown"]
"""Who ended the call, as far as the transcript knows."""

_SPEAKERS = frozenset(get_args(Speaker))
_MAX_EXACT = 2**53  # the largest whole number of seconds a float holds exactly
# What UTF-8 cannot write: a lone surrogate (text read from JSON may hold one).
_SURROGATE = re.compile("[\ud800-\udfff]")


@attrs.frozen
class Participant:
    """One party to a recorded call, as far as the transcript knows them.

    >>> Participant("Elizabeth", id="46")
    Participant(name='Elizabeth', id='46')
    >>> Participant()  # a caller who never gave their name
    Participant(name=None, id=None)
    """

    name: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    id: str | None = attrs.field(default=None, validator=optional_non_empty_text())


@attrs.frozen
class Turn:
    """One turn of speech: who said it, what was said and, when known, when.

    ``text`` may be empty (speech recognition gives empty turns). ``start``
    and ``end`` are seconds from the call's start; turns may overlap, and
    either may be unknown. A whole number of seconds is kept as a float.

    >>> Turn("agent", "how can i help you today", start=6.5, end=7.7)
    Turn(speaker='agent', text='how can i help you today', start=6.5, end=7.7)
    >>> Turn("caller", "hi", start=3, end=2)
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'end' must not be before the turn's start, 3.0 (got 2.0)
    """

    speaker: Speaker = attrs.field(validator=literal(Speaker))
    text: str = attrs.field(validator=writable_text())
    start: float | None = attrs.field(
        default=None, converter=to_seconds, validator=seconds(optional=True)
    )
    end: float | None = attrs.field(
        default=None, converter=to_seconds, validator=seconds(optional=True)
    )

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            reason = f"must not be before the turn's start, {self.start}"
            raise ValidationError("end", self.end, reason)

    @classmethod
    def _read(cls, data: dict[str, Any]) -> "Turn | None":
        """The turn a JSON object gives, checked as the constructor checks it; ``None`` if refused.

        A transcript's reader makes tens of turns per call, and the
        constructor's validators, one call each, cost several times the
        checks themselves: this makes the same checks at once. A refused
        turn is made again by the constructor, whose error is the one reported.
        """
        speaker = data.get("speaker")
        text = data.get("text")
        start = data.get("start")
        end = data.get("end")
        if type(start) is int and abs(start) <= _MAX_EXACT:
            start = float(start)
        if type(end) is int and abs(end) <= _MAX_EXACT:
            end = float(end)
        if (
            type(speaker) is not str
            or speaker not in _SPEAKERS
            or type(text) is not str
            or not (start is None or (type(start) is float and 0 <= start < math.inf))
            or not (end is None or (type(end) is float and 0 <= end < math.inf))
            or (start is not None and end is not None and end < start)
            or (not text.isascii() and _SURROGATE.search(text))
        ):
            return None
        made = object.__new__(cls)
        object.__setattr__(made, "speaker", speaker)
        object.__setattr__(made, "text", text)
        object.__setattr__(made, "start", start)
        object.__setattr__(made, "end", end)
        return made


_NO_ARGUMENTS: Mapping[str, object] = MappingProxyType({})


def _event(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_event(attribute.name, value)


def check_turn(field: str, value: object) -> int | None:
    """Return ``value`` if it is ``None`` or may index a turn: a whole number, 0 or more.

    Whether the transcript has that turn is the transcript's own check.
    """
    if value is not None and (type(value) is not int or value < 0):
        raise ValidationError(
            field, value, "must be the index of a turn: a whole number, 0 or more"
        )
    return value


def _turn(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_turn(attribute.name, value)


@attrs.frozen
class TranscriptEvent:
    """An event of the call procedure, noted at a moment of a recorded call.

    Attributes:
        event: its name, one of :data:`callflow.PROCEDURE`'s events.
        at: when it happened, in seconds from the call's start.
        arguments: the event's arguments, as its typed payload (see
            :mod:`callflow.events`): ``getattr(call, event.event)(**event.arguments)``
            sends it to a :class:`~callflow.Call`. Given as a mapping, it is
            checked against the event method's parameters (names and types);
            omitted arguments take the method's defaults.
        turn: the index of the turn during which it happened, when the
            transcript says (a chat's turns have no times: this is how its
            findings find their words); ``None`` by default. It is less than
            the transcript's number of turns; events may name turns in any
            order (an event may refer back).

    >>> from callflow import Caller
    >>> TranscriptEvent("identify", 12.5, {"caller": Caller("Ana Souza"), "verified": True})
    TranscriptEvent(event='identify', at=12.5, arguments=Identify(caller=Caller(name='Ana Souza', \
user_id=None), verified=True), turn=None)
    >>> TranscriptEvent("verify", 12.5, {"method": "purchase"}, turn=7).turn
    7
    >>> TranscriptEvent("identify", 12.5, {"caller": "Ana Souza"})
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'arguments.caller' must be a Caller (got 'Ana Souza')
    """

    event: str = attrs.field(validator=_event)
    at: float = attrs.field(converter=to_seconds, validator=seconds())
    arguments: Mapping[str, object] = attrs.field(default=_NO_ARGUMENTS, hash=False)
    turn: int | None = attrs.field(default=None, validator=_turn)

    def __attrs_post_init__(self) -> None:
        payload = typed_arguments(self.event, self.arguments, "arguments")
        object.__setattr__(self, "arguments", payload)  # frozen: attrs' own setter refuses

    @classmethod
    def _checked(
        cls, event: str, at: float, arguments: EventPayload, turn: int | None
    ) -> "TranscriptEvent":
        """An event of values read and checked already (by the transcript reader)."""
        made = object.__new__(cls)
        object.__setattr__(made, "event", event)
        object.__setattr__(made, "at", at)
        object.__setattr__(made, "arguments", arguments)
        object.__setattr__(made, "turn", turn)
        return made


@attrs.frozen
class Context:
    """What the transcript tells about the call around its turns.

    Attributes:
        task: the caller's task or intent ("replace card"), when known.
        ended_by: who ended the call: ``"agent"``, ``"caller"`` or ``"unknown"``.
    """

    task: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    ended_by: EndedBy = attrs.field(default="unknown", validator=literal(EndedBy))
