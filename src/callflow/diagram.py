"""Draw a transition table as a Mermaid state diagram.

Events that every handling stage shares with the same destination (hold,
resume, transfer, abandon) are drawn once, from a composite state that holds
the handling stages, so the procedure stays readable. Guards are shown with
their rule codes.

>>> print(mermaid().splitlines()[0])
stateDiagram-v2
"""

import enum
from collections import defaultdict
from typing import Any

from callflow.errors import ValidationError
from callflow.stages import PROCEDURE
from callflow.table import StateKind, Transition, TransitionTable

__all__ = ["mermaid"]

_COMPOSITE = "in_call"


def mermaid(table: TransitionTable[Any, Any] = PROCEDURE) -> str:
    """Return ``table`` as Mermaid ``stateDiagram-v2`` source."""
    if not isinstance(table, TransitionTable):
        raise ValidationError("table", table, "must be a TransitionTable")
    active = [s for s, kind in table.states.items() if kind is StateKind.ACTIVE]
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    shared = _shared_events(table, active)
    for row in table.transitions:
        label = row.event + "".join(f" [{guard.rule}]" for guard in row.guards if guard.rule)
        key = _shared_key(row)
        if row.source in active and key in shared:
            if row.source is active[0]:  # draw a shared event once, from the composite
                dest = _COMPOSITE if key[1] is None else row.dest.name
                edges[(_COMPOSITE, dest)].append(label)
            continue
        edges[(row.source.name, row.dest.name)].append(label)
    lines = ["stateDiagram-v2", f"    [*] --> {table.initial.name}"]
    if shared:
        lines.append(f'    state "handling stages" as {_COMPOSITE} {{')
        lines.extend(f"        {state.name}" for state in active)
        lines.append("    }")
    for (source, dest), labels in edges.items():
        lines.append(f"    {source} --> {dest}: {' / '.join(labels)}")
    lines.extend(f"    {state.name} --> [*]" for state in table.states if state in table.finals)
    return "\n".join(lines) + "\n"


def _shared_key(row: Transition[Any, Any]) -> tuple[str, enum.Enum | None]:
    """An event and where it goes; ``None`` for an internal event (it stays put)."""
    return (row.event, None if row.internal else row.dest)


def _shared_events(
    table: TransitionTable[Any, Any], active: list[enum.Enum]
) -> set[tuple[str, enum.Enum | None]]:
    """The events that every active state has, with the same destination."""
    sources: dict[tuple[str, enum.Enum | None], set[enum.Enum]] = defaultdict(set)
    for row in table.transitions:
        if row.source in active:
            sources[_shared_key(row)].add(row.source)
    return {key for key, found in sources.items() if len(active) > 1 and found == set(active)}
