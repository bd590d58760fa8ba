"""Screening: the part of a call in which the caller asks for someone else.

When a caller asks for a person by name, the agent screens the call: asks
who is calling ("may I tell them who's calling?", never "who is this?",
CF807), checks whether the person is in, and, when they are not, says only
that they are not available (never where they are, CF808) and offers to help
or to take a message. :class:`Screening` tells the language checks when that
happened, so that they judge those rules on the agent's words of that stretch
of the call only.

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Call, ManualClock
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock)
>>> call.answer()
>>> clock.advance(seconds=20)
>>> call.screen("Maria Rossi", available=False)
>>> screening = call.screening
>>> screening.wanted, screening.available, screening.since.time(), screening.until
('Maria Rossi', False, datetime.time(9, 0, 20), None)
"""

from collections.abc import Sequence
from datetime import datetime

import attrs

from callflow.clock import check_aware
from callflow.errors import ValidationError
from callflow.records import EventRecord
from callflow.stages import Stage

__all__ = ["Screening", "screening_of"]


@attrs.frozen
class Screening:
    """Who the caller asked for, and the stretch of the call spent screening.

    Attributes:
        wanted: the person the caller asked for.
        available: whether they are available, as the agent last found
            (``None`` while not known yet).
        since: when the caller asked for them.
        until: when the screening ended (a message taken, a transfer, the
            agent taking the problem on, the caller gone), or ``None`` while
            it goes on.
        first_event: the index in the call's history of the ``screen`` event
            that began it.
        last_event: the index of the event that ended it, or ``None``.
    """

    wanted: str
    available: bool | None
    since: datetime
    until: datetime | None
    first_event: int
    last_event: int | None

    def covers(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware) falls in the screening (its end excluded)."""
        moment = check_aware("moment", moment)
        return self.since <= moment and (self.until is None or moment < self.until)


def screening_of(history: Sequence[EventRecord]) -> Screening | None:
    """The screening in a call's history, or ``None`` if the caller asked for nobody.

    A screening begins at the first ``screen`` event; later ``screen`` events
    update who is wanted and whether they are available. It ends at the first
    later event that leaves the greeting, whatever it is: every way out of
    the greeting ends the screening.
    """
    given: object = history  # checked, not trusted
    if isinstance(given, str) or not isinstance(given, Sequence):
        raise ValidationError("history", given, "must be a call's records")
    screening: Screening | None = None
    for index, record in enumerate(history):
        if not isinstance(record, EventRecord):
            raise ValidationError(f"history[{index}]", record, "must be an EventRecord")
        if record.event == "screen":
            wanted, said = str(record.payload["wanted"]), record.payload["available"]
            available = said if isinstance(said, bool) else None
            since = record.at if screening is None else screening.since
            first = index if screening is None else screening.first_event
            screening = Screening(wanted, available, since, None, first, None)
        elif screening is not None and record.to_stage is not Stage.GREETING:
            return attrs.evolve(screening, until=record.at, last_event=index)
    return screening
