"""A ticket's priority, from its impact and urgency through a priority matrix.

:data:`DEFAULT_MATRIX` is the usual 3×3 ITIL matrix; build a
:class:`PriorityMatrix` to use another one. Arguments take the enum members
or their string values:

>>> DEFAULT_MATRIX.priority(Impact.HIGH, "medium")
<Priority.P2: 2>
>>> DEFAULT_MATRIX.priority("low", "low").label
'planning'
"""

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from callflow.errors import ValidationError
from callflow.validators import to_member

__all__ = ["DEFAULT_MATRIX", "Impact", "Priority", "PriorityMatrix", "Urgency"]


class Impact(enum.Enum):
    """How much of the business an incident affects."""

    HIGH = "high"
    """Many users, a whole service or a critical business function."""
    MEDIUM = "medium"
    """A team or a department, or a function with a workaround."""
    LOW = "low"
    """One user, or an inconvenience."""


class Urgency(enum.Enum):
    """How soon the incident hurts the business."""

    HIGH = "high"
    """The damage grows quickly; work has stopped."""
    MEDIUM = "medium"
    """The damage grows if nothing is done within the day."""
    LOW = "low"
    """Work can go on for now."""


_LABELS = {1: "critical", 2: "high", 3: "medium", 4: "low", 5: "planning"}


class Priority(enum.Enum):
    """A ticket's priority, P1 (most urgent) to P5; the targets of an SLA hang on it."""

    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4
    P5 = 5

    @property
    def label(self) -> str:
        """The usual name: critical, high, medium, low, planning.

        >>> Priority.P3.label
        'medium'
        """
        return _LABELS[self.value]


def to_priority(field: str, value: object) -> Priority:
    """Return ``value`` as a :class:`Priority`; it may be given by its number (1..5)."""
    return to_member(Priority, field, value)


def _cells(value: object) -> Mapping[tuple[Impact, Urgency], Priority]:
    if not isinstance(value, Mapping):
        raise ValidationError("cells", value, "must be a mapping of (impact, urgency) to priority")
    cells: dict[tuple[Impact, Urgency], Priority] = {}
    for key, priority in value.items():
        if not isinstance(key, tuple) or len(key) != 2:
            raise ValidationError("cells", key, "must be keyed by (impact, urgency) pairs")
        impact = to_member(Impact, "impact", key[0])
        urgency = to_member(Urgency, "urgency", key[1])
        if (impact, urgency) in cells:
            raise ValidationError("cells", key, "must give each (impact, urgency) pair once")
        cells[impact, urgency] = to_priority("priority", priority)
    for impact in Impact:
        for urgency in Urgency:
            if (impact, urgency) not in cells:
                raise ValidationError(
                    "cells",
                    (impact.value, urgency.value),
                    "must give a priority for every (impact, urgency) pair; this one is missing",
                )
    return MappingProxyType(cells)


def _cells_repr(cells: Mapping[tuple[Impact, Urgency], Priority]) -> str:
    return repr({(i.value, u.value): p.name for (i, u), p in cells.items()})


@attrs.frozen
class PriorityMatrix:
    """Which priority each (impact, urgency) pair gets.

    Args:
        cells: a priority for each of the nine pairs; the pairs' parts and the
            priorities may be given by their values (``("high", "low"): 3``).

    Raises:
        ValidationError: a pair is missing, given twice or not an (impact, urgency) pair.

    >>> PriorityMatrix({("high", "high"): 1})
    Traceback (most recent call last):
    ...
    callflow.errors.ValidationError: 'cells' must give a priority for every (impact, urgency) \
pair; this one is missing (got ('high', 'medium'))
    """

    cells: Mapping[tuple[Impact, Urgency], Priority] = attrs.field(
        converter=_cells, hash=False, repr=_cells_repr
    )

    def priority(self, impact: Impact | str, urgency: Urgency | str) -> Priority:
        """The priority of an incident with this ``impact`` and ``urgency``.

        Raises:
            ValidationError: ``impact`` or ``urgency`` is not a member or a member's value.
        """
        return self.cells[
            to_member(Impact, "impact", impact), to_member(Urgency, "urgency", urgency)
        ]


_H, _M, _L = Impact.HIGH, Impact.MEDIUM, Impact.LOW
_UH, _UM, _UL = Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW

DEFAULT_MATRIX = PriorityMatrix(
    {
        (_H, _UH): Priority.P1,
        (_H, _UM): Priority.P2,
        (_M, _UH): Priority.P2,
        (_H, _UL): Priority.P3,
        (_M, _UM): Priority.P3,
        (_L, _UH): Priority.P3,
        (_M, _UL): Priority.P4,
        (_L, _UM): Priority.P4,
        (_L, _UL): Priority.P5,
    }
)
"""The ITIL 3×3 matrix: impact and urgency both high give P1, both low give P5."""
