"""The private seam between callflow and the ``transitions`` library.

One ``transitions.Machine`` is built per transition table and shared by every
subject (call, ticket...) that the table governs. Subjects are never added to
the machine: ``add_model`` would keep each one alive until ``remove_model``
(which is O(n)) and inject methods at run time, which slotted attrs classes
refuse. Legality and guards are decided by callflow from its own table before
the engine is asked to move a subject, so the engine only ever performs moves
the table allows (or, in audit mode, a move the caller asked to be forced).

The move itself goes through ``Machine.set_state`` rather than
``Event.trigger``: callflow registers no callbacks, and ``Event.trigger``
costs about ten times as much (it builds event data, logs and walks empty
callback chains: about 12 µs against 1.1 µs on the reference machine; run
``benchmarks/bench_core.py`` for the figures on yours), which alone would
take most of the 15 µs an event may cost.
"""

import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from transitions import Machine

from callflow.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from callflow.table import StateKind, Transition

S = TypeVar("S", bound=enum.Enum)


class Engine(Generic[S]):
    """Moves subjects between the states of one table."""

    __slots__ = ("_machine",)

    def __init__(
        self,
        states: "Mapping[S, StateKind]",
        initial: S,
        transitions: "Iterable[Transition[S, Any]]",
        state_attribute: str,
    ) -> None:
        rows = [
            {"trigger": t.event, "source": t.source, "dest": None if t.internal else t.dest}
            for t in transitions
        ]
        try:
            self._machine = Machine(
                model=None,
                states=list(states),
                initial=initial,
                transitions=rows,
                auto_transitions=False,
                model_attribute=state_attribute,
            )
        except (ValueError, TypeError) as error:  # transitions' own checks, reworded
            raise InvalidDefinitionError(None, f"the engine refused the table: {error}") from error

    def move(self, subject: object, state: S) -> None:
        """Set ``subject``'s state attribute to ``state``."""
        self._machine.set_state(state, subject)
