"""Ticket notes: who wrote what, when, for whom, and what it is about.

A note is *internal* (for the desk and the technicians) or *shared* (told or
sent to the caller; a shared note restarts the ticket's keep-in-loop clock).
Its *topic* says which part of a useful ticket it carries, so the quality
check (CF902) can tell whether the ticket says what was tried, what it
showed, the diagnosis and the next step:

>>> from datetime import datetime, timezone
>>> note = Note(
...     author="Bill",
...     at=datetime(2026, 3, 2, 9, 5, tzinfo=timezone.utc),
...     text="Restarted the print spooler service.",
...     topic=NoteTopic.TRIED,
... )
>>> note.kind, note.topic
(<NoteKind.INTERNAL: 'internal'>, <NoteTopic.TRIED: 'tried'>)

The text is kept as written, even when it is empty or vague: judging it is
the quality check's job (CF903), not the constructor's.
"""

import enum
from datetime import datetime
from typing import Any

import attrs

from callflow.errors import ValidationError
from callflow.validators import aware_datetime, field_name, instance_of, non_empty_text

__all__ = ["Note", "NoteKind", "NoteTopic"]


class NoteKind(enum.Enum):
    """Who a note is for."""

    INTERNAL = "internal"
    """For the desk and the technicians only."""
    SHARED = "shared"
    """Told or sent to the caller: an update that keeps them in the loop."""


class NoteTopic(enum.Enum):
    """Which part of a useful ticket a note carries (CF902)."""

    TRIED = "tried"
    """What was tried (a troubleshooting step)."""
    RESULT = "result"
    """What a step showed."""
    DIAGNOSIS = "diagnosis"
    """What the problem is."""
    NEXT_STEP = "next_step"
    """What happens next, and who does it."""
    RESOLUTION = "resolution"
    """What fixed it."""
    GENERAL = "general"
    """Anything else."""


def _text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise ValidationError(field_name(attribute), value, "must be text")


@attrs.frozen
class Note:
    """One note on a ticket.

    Args:
        author: who wrote it.
        at: when, timezone-aware.
        text: what it says, as written (may be empty or vague: CF903 judges it).
        kind: internal (default) or shared with the caller.
        topic: which part of a useful ticket it carries (default: general).
    """

    author: str = attrs.field(validator=non_empty_text())
    at: datetime = attrs.field(validator=aware_datetime())
    text: str = attrs.field(validator=_text)
    kind: NoteKind = attrs.field(default=NoteKind.INTERNAL, validator=instance_of(NoteKind))
    topic: NoteTopic = attrs.field(default=NoteTopic.GENERAL, validator=instance_of(NoteTopic))

    @property
    def shared(self) -> bool:
        """Whether the caller was told (a keep-in-loop update)."""
        return self.kind is NoteKind.SHARED
