"""A transcript as a JSON-ready document and back: read part by part, each error with its path.

The parts (participants, turns, the context, an event's arguments) are read
by callflow's codec (:func:`callflow.codec.structure`'s checked path), which
runs their classes' validators; this module reads the document's own shape
(its keys, its lists) so that an error names the full path of the bad value,
``turns[3].speaker``, and the call it belongs to.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from callflow.audit._arguments import check_event, read_arguments, write_arguments
from callflow.audit._fields import check_seconds
from callflow.audit._parts import Context, Participant, TranscriptEvent, Turn, check_turn
from callflow.codec import _structure_checked, unstructure
from callflow.documents import DocumentLimits, check_document
from callflow.errors import TranscriptError, ValidationError
from callflow.events import EventPayload

__all__ = ["FIELDS", "REQUIRED", "ROOT", "call_id_of", "read_fields", "write_fields"]

ROOT: Final = "transcript"
"""How an error names the document itself (when it is not an object at all)."""
FIELDS: Final = (
    "call_id",
    "channel",
    "language",
    "organisation",
    "agent",
    "caller",
    "started_at",
    "turns",
    "events",
    "context",
)
"""A transcript's keys, in the order it is written."""
REQUIRED: Final = frozenset(
    {"call_id", "channel", "language", "agent", "caller", "started_at", "turns"}
)
"""The keys a document must have."""
_REQUIRED_ORDER: Final = tuple(key for key in FIELDS if key in REQUIRED)
_EVENT_KEYS: Final = ("event", "at", "turn")
"""An event's own keys; every other key of it is an argument."""


def _structured(data: object, kind: Any, where: str) -> Any:
    try:
        return _structure_checked(data, kind, field=where)
    except ValidationError as error:
        field = error.field if error.field == where else f"{where}.{error.field}"
        raise ValidationError(field, error.value, error.reason) from None


def _list(data: Mapping[str, object], key: str) -> list[Any] | tuple[Any, ...]:
    value = data[key]
    if not isinstance(value, list | tuple):
        raise ValidationError(key, value, "must be a list, as a JSON array")
    return value


_TURN_KEYS: Final = frozenset(attrs.fields_dict(Turn))


def _turn(data: object, index: int) -> Turn:
    """A turn; most are read by :meth:`Turn._read`, a refused one again by the codec.

    ``Turn._read`` makes the class's own checks at once; the codec runs the
    constructor (adding only the keys' and types' own checks), so its error,
    naming the field as every other part's does, is the one reported.
    """
    if type(data) is dict and data.keys() <= _TURN_KEYS:
        read = Turn._read(data)
        if read is not None:
            return read
    turn: Turn = _structured(data, Turn, f"turns[{index}]")
    return turn


def _event(data: object, where: str) -> TranscriptEvent:
    """An event: its name, its time, its turn (optional), and its arguments as its other keys."""
    if not isinstance(data, Mapping):
        raise ValidationError(where, data, "must be an event, as a JSON object")
    if "event" not in data or "at" not in data:
        missing = "event" if "event" not in data else "at"
        raise ValidationError(f"{where}.{missing}", None, "is required: the event has no such key")
    event = check_event(f"{where}.event", data["event"])
    at = data["at"]
    check_seconds(f"{where}.at", float(at) if type(at) is int and abs(at) <= 2**53 else at)
    turn = check_turn(f"{where}.turn", data.get("turn"))
    given = {key: value for key, value in data.items() if key not in _EVENT_KEYS}
    arguments: EventPayload = read_arguments(event, given, where)
    return TranscriptEvent._checked(event, float(at), arguments, turn)


def call_id_of(data: object) -> str | None:
    """The document's call identifier, if it gives one as text, for the errors to name."""
    if isinstance(data, Mapping):
        given = data.get("call_id")
        if type(given) is str and given.strip():
            return given
    return None


def read_fields(data: object, limits: DocumentLimits | None) -> dict[str, Any]:
    """The keyword arguments of a ``Transcript`` read from a JSON-ready document.

    Everything but the transcript's own checks across fields (the events'
    order) is checked here; the document's size and depth first, against
    ``limits``, unless it is ``None`` (the JSON reader checked them).

    Raises:
        TranscriptError: naming the path of the bad value and the call's ``call_id``.
    """
    try:
        if limits is not None:  # None: checked already, by the JSON reader
            check_document(data, limits=limits, field=ROOT)
        return _read(data)
    except TranscriptError:
        raise
    except ValidationError as error:
        raise TranscriptError(
            error.field, error.value, error.reason, call_id=call_id_of(data)
        ) from None


def _read(data: object) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationError(ROOT, data, "must be a transcript, as a JSON object")
    for key in data:
        if key not in FIELDS:
            raise ValidationError(key, data[key], "is not a field of a transcript")
    for key in _REQUIRED_ORDER:
        if key not in data:
            raise ValidationError(key, None, "is required: the transcript has no such key")
    fields: dict[str, Any] = {
        "call_id": data["call_id"],
        "channel": data["channel"],
        "language": data["language"],
        "organisation": data.get("organisation"),
        "agent": _structured(data["agent"], Participant, "agent"),
        "caller": _structured(data["caller"], Participant, "caller"),
        "started_at": _structured(data["started_at"], datetime, "started_at"),
        "turns": tuple(_turn(turn, index) for index, turn in enumerate(_list(data, "turns"))),
    }
    if "events" in data:
        events = _list(data, "events")
        fields["events"] = tuple(_event(item, f"events[{i}]") for i, item in enumerate(events))
    if "context" in data:
        fields["context"] = _structured(data["context"], Context, "context")
    return fields


def write_fields(transcript: Any) -> dict[str, Any]:
    """A ``Transcript`` as a JSON-ready document: every field, defaults included."""
    return {
        "call_id": transcript.call_id,
        "channel": transcript.channel,
        "language": transcript.language,
        "organisation": transcript.organisation,
        "agent": unstructure(transcript.agent),
        "caller": unstructure(transcript.caller),
        "started_at": unstructure(transcript.started_at),
        "turns": [unstructure(turn) for turn in transcript.turns],
        "events": [
            {
                "event": event.event,
                "at": event.at,
                "turn": event.turn,
                **write_arguments(event.arguments),
            }
            for event in transcript.events
        ],
        "context": unstructure(transcript.context),
    }
