"""The transcript of a recorded call: who spoke, what was said, and the procedure's events.

A :class:`Transcript` is what an audit reads: the call's identity, its two
parties, its turns of speech and the events of the call procedure noted in
it (each one's arguments typed as :mod:`callflow.events` has them), with
what is known around it. It is a value: frozen, checked when made, and
read from and written to JSON exactly (``from_json``/``to_json``,
``from_dict``/``to_dict``); :mod:`callflow.audit` reads JSON Lines of them.

docs/transcripts.md describes the format, with a full example.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import attrs

from callflow.audit._documents import ROOT, call_id_of, read_fields, write_fields
from callflow.audit._fields import literal
from callflow.audit._parts import (
    Context,
    EndedBy,
    Participant,
    Speaker,
    TranscriptEvent,
    Turn,
)
from callflow.codec import unstructure
from callflow.documents import DEFAULT_LIMITS, DocumentLimits, read_json
from callflow.errors import TranscriptError, ValidationError
from callflow.validators import (
    aware_datetime,
    field_name,
    instance_of,
    non_empty_text,
    optional_non_empty_text,
)

__all__ = [
    "Channel",
    "Context",
    "EndedBy",
    "Language",
    "Participant",
    "Speaker",
    "Transcript",
    "TranscriptEvent",
    "Turn",
]

Channel = Literal["phone", "chat"]
"""How the call was held: spoken on the phone, or typed in a chat."""
Language = Literal["en", "pt", "es", "it", "fr"]
"""The language the call was held in (ISO 639-1)."""


def _as_tuple(value: Any) -> Any:
    """attrs converter: a list as a tuple; anything else as it is, for the validator to judge."""
    return tuple(value) if type(value) is list else value


@attrs.frozen(repr=False)
class _ItemsOf:
    """The field is a tuple of ``kind``; an error names the first bad item by its index."""

    kind: type

    def __call__(self, instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        name = field_name(attribute)
        if type(value) is not tuple:
            raise ValidationError(name, value, f"must be a tuple of {self.kind.__name__}")
        for index, item in enumerate(value):
            if not isinstance(item, self.kind):
                raise ValidationError(f"{name}[{index}]", item, f"must be a {self.kind.__name__}")

    def __repr__(self) -> str:
        return f"<items_of {self.kind.__name__}>"


def _writable(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    """The datetime can be written: its zone is an IANA zone or a fixed offset."""
    try:
        unstructure(value)
    except ValidationError as error:
        raise ValidationError(field_name(attribute), value, error.reason) from None


@attrs.frozen(kw_only=True)
class Transcript:
    """A recorded call, as an audit reads it.

    Attributes:
        call_id: the call's identifier in the recording system.
        channel: ``"phone"`` or ``"chat"``.
        language: ``"en"``, ``"pt"``, ``"es"``, ``"it"`` or ``"fr"``.
        organisation: the organisation the agent answers for, when known.
        agent: the help desk agent.
        caller: the caller (often nameless in recordings).
        started_at: when the call started, timezone-aware; turns and events
            are timed in seconds from it.
        turns: the turns of speech, in the order spoken.
        events: the events of the call procedure noted in the call, in the
            order they happened (their ``at`` never decreases); the turn an
            event names, if any, is one of ``turns``.
        context: the caller's task and who ended the call.

    >>> from datetime import datetime, timezone
    >>> transcript = Transcript(
    ...     call_id="C-1", channel="phone", language="en",
    ...     agent=Participant("Elizabeth"), caller=Participant(),
    ...     started_at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
    ...     turns=[Turn("agent", "harper valley bank, how can i help you", start=0.5, end=2.0)],
    ...     events=[TranscriptEvent("answer", 0.5)],
    ... )
    >>> Transcript.from_json(transcript.to_json()) == transcript
    True
    """

    call_id: str = attrs.field(validator=non_empty_text())
    channel: Channel = attrs.field(validator=literal(Channel))
    language: Language = attrs.field(validator=literal(Language))
    organisation: str | None = attrs.field(default=None, validator=optional_non_empty_text())
    agent: Participant = attrs.field(validator=instance_of(Participant))
    caller: Participant = attrs.field(validator=instance_of(Participant))
    started_at: datetime = attrs.field(validator=attrs.validators.and_(aware_datetime(), _writable))
    turns: tuple[Turn, ...] = attrs.field(converter=_as_tuple, validator=_ItemsOf(Turn))
    events: tuple[TranscriptEvent, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_ItemsOf(TranscriptEvent)
    )
    context: Context = attrs.field(factory=Context, validator=instance_of(Context))

    def __attrs_post_init__(self) -> None:
        for index in range(1, len(self.events)):
            before, event = self.events[index - 1], self.events[index]
            if event.at < before.at:
                reason = f"must not be before the event before it, at {before.at}"
                raise ValidationError(f"events[{index}].at", event.at, reason)
        count = len(self.turns)
        for index, event in enumerate(self.events):
            if event.turn is not None and event.turn >= count:
                reason = f"must be the index of one of the transcript's {count} turns"
                raise ValidationError(f"events[{index}].turn", event.turn, reason)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, limits: DocumentLimits = DEFAULT_LIMITS
    ) -> "Transcript":
        """The transcript in ``data``: JSON-ready, as :meth:`to_dict` gives it.

        Optional keys may be left out (``organisation``, ``events``,
        ``context``, a turn's ``start`` and ``end``, a participant's ``name``
        and ``id``, an event's ``turn`` and ``arguments``); unknown keys are
        refused.

        Args:
            data: the document, as ``json.loads`` gives it.
            limits: how large and deep the document may be.

        Raises:
            TranscriptError: naming the path of the bad value (``turns[3].speaker``)
                and the call's ``call_id`` when it has one.
        """
        if not isinstance(limits, DocumentLimits):
            raise TranscriptError("limits", limits, "must be a DocumentLimits")
        return cls._from_checked(data, limits)

    @classmethod
    def _from_checked(cls, data: object, limits: DocumentLimits | None) -> "Transcript":
        """:meth:`from_dict`; ``data``'s size and depth checked already if ``limits`` is None."""
        fields = read_fields(data, limits)
        try:
            return cls(**fields)
        except ValidationError as error:  # the transcript's own checks across fields
            raise TranscriptError(
                error.field, error.value, error.reason, call_id=call_id_of(data)
            ) from None

    @classmethod
    def from_json(
        cls, text: str | bytes, *, limits: DocumentLimits = DEFAULT_LIMITS
    ) -> "Transcript":
        """The transcript in JSON ``text`` (one object; see :meth:`from_dict`).

        Raises:
            TranscriptError: for text that is not JSON, too large or too deep
                for ``limits``, or not a valid transcript.
        """
        try:
            data = read_json(text, limits=limits, field=ROOT)
        except ValidationError as error:
            raise TranscriptError(error.field, error.value, error.reason) from None
        return cls._from_checked(data, None)

    def to_dict(self) -> dict[str, Any]:
        """The transcript as JSON-ready data: every field, defaults included.

        ``Transcript.from_dict(t.to_dict()) == t`` for every transcript.
        """
        return write_fields(self)

    def to_json(self, *, indent: int | None = None) -> str:
        """The transcript as JSON text: on one line (for JSON Lines) unless ``indent`` is given."""
        if indent is not None and (type(indent) is not int or not 0 <= indent <= 16):
            raise ValidationError("indent", indent, "must be None or a whole number from 0 to 16")
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, separators=separators)
