"""Work orders: a technician sent to the unit, dispatched from an escalated ticket.

Seed 004: the agent escalates the ticket; the supervisor who oversees the
technicians dispatches one through a work order; once the work order exists
the ticket is resolved; the technician signs the work order when the work is
done (who, when, what was done). The technician knows only what the work
order says, so its instructions come from the ticket.

>>> from datetime import datetime, timezone
>>> order = WorkOrder(
...     number="WO-7", ticket="T-1", supervisor="Dana", technician="Luis",
...     instructions="Replace the pick-up roller of printer PRN-0042 (floor 2).",
...     dispatched_at=datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc),
... )
>>> order.complete(
...     work_done="Replaced the roller; printed 50 pages without a jam.",
...     at=datetime(2026, 3, 3, 14, 0, tzinfo=timezone.utc),
...     signed_by="Luis",
... )
>>> order.done, order.signed
(True, True)
"""

from datetime import datetime

import attrs

from callflow.clock import check_aware
from callflow.errors import ValidationError
from callflow.validators import aware_datetime, check_optional_text, check_text, non_empty_text

__all__ = ["Completion", "WorkOrder"]


@attrs.frozen
class Completion:
    """The technician's record of the work done.

    Attributes:
        work_done: what was done.
        at: when it was finished.
        signed_by: the technician who signed, or ``None`` when it was not
            signed (a CF904 finding).
    """

    work_done: str
    at: datetime
    signed_by: str | None


@attrs.define(eq=False)
class WorkOrder:
    """A technician's job, dispatched by a supervisor from an escalated ticket.

    Args:
        number: the work order's number.
        ticket: the number of the ticket it was dispatched from.
        supervisor: who dispatched it.
        technician: who is sent.
        instructions: what the technician is to do, from the ticket.
        dispatched_at: when it was dispatched, timezone-aware.
    """

    number: str = attrs.field(validator=non_empty_text(), on_setattr=attrs.setters.frozen)
    ticket: str = attrs.field(validator=non_empty_text(), on_setattr=attrs.setters.frozen)
    supervisor: str = attrs.field(validator=non_empty_text(), on_setattr=attrs.setters.frozen)
    technician: str = attrs.field(validator=non_empty_text(), on_setattr=attrs.setters.frozen)
    instructions: str = attrs.field(validator=non_empty_text(), on_setattr=attrs.setters.frozen)
    dispatched_at: datetime = attrs.field(
        validator=aware_datetime(), on_setattr=attrs.setters.frozen
    )
    _completion: Completion | None = attrs.field(default=None, init=False)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its snapshot (:mod:`callflow.snapshot`)."""
        from callflow import snapshot  # it imports this module

        return snapshot._reduce(self)

    def complete(self, *, work_done: str, at: datetime, signed_by: str | None) -> None:
        """Record the work as done, signed by the technician (or not: CF904).

        Raises:
            ValidationError: for an order already completed, a time before the
                dispatch, or a signature that is not the assigned technician's.
        """
        check_text("work_done", work_done)
        check_aware("at", at)
        check_optional_text("signed_by", signed_by)
        if self._completion is not None:
            raise ValidationError("work_order", self.number, "is already completed")
        if at < self.dispatched_at:
            raise ValidationError(
                "at", at, f"must not be before the dispatch at {self.dispatched_at.isoformat()}"
            )
        if signed_by is not None and signed_by != self.technician:
            raise ValidationError(
                "signed_by", signed_by, f"must be the assigned technician {self.technician!r}"
            )
        self._completion = Completion(work_done, at, signed_by)

    def sign(self, *, by: str) -> None:
        """The technician signs a work order completed without a signature (clears CF904).

        Raises:
            ValidationError: when the work is not recorded as done, is signed
                already, or ``by`` is not the assigned technician.
        """
        check_text("by", by)
        completion = self._completion
        if completion is None:
            raise ValidationError("work_order", self.number, "is not completed yet")
        if completion.signed_by is not None:
            raise ValidationError("work_order", self.number, "is signed already")
        if by != self.technician:
            raise ValidationError("by", by, f"must be the assigned technician {self.technician!r}")
        self._completion = attrs.evolve(completion, signed_by=by)

    @property
    def completion(self) -> Completion | None:
        """The technician's record, once the work is done."""
        return self._completion

    @property
    def done(self) -> bool:
        """Whether the work is recorded as done."""
        return self._completion is not None

    @property
    def signed(self) -> bool:
        """Whether the technician signed the completed work order (CF904)."""
        return self._completion is not None and self._completion.signed_by is not None
