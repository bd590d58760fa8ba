"""Transition tables: a state machine written down as data, checked when defined.

A :class:`TransitionTable` lists states (each initial, active or final) and
transitions (event, source, destination, guards). It is the single source of
truth for everything built on it: the live machine, the audit replay, the
Mermaid diagram and the test strategies. Building one checks it, and a
malformed table raises :class:`~callflow.errors.InvalidDefinitionError`
naming the offending state:

>>> import enum
>>> class Door(enum.Enum):
...     SHUT = "shut"
...     OPEN = "open"
...     GONE = "gone"
>>> TransitionTable(
...     states={Door.SHUT: StateKind.INITIAL, Door.OPEN: StateKind.ACTIVE,
...             Door.GONE: StateKind.FINAL},
...     transitions=[Transition("open", Door.SHUT, Door.OPEN),
...                  Transition("remove", Door.SHUT, Door.GONE)],
... )
Traceback (most recent call last):
...
callflow.errors.InvalidDefinitionError: invalid transition table: state OPEN: no final state \
can be reached from it (a trap)
"""

import enum
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs

from callflow._engine import Engine
from callflow.errors import InvalidDefinitionError

__all__ = ["Guard", "StateKind", "Transition", "TransitionTable"]

S = TypeVar("S", bound=enum.Enum)
M = TypeVar("M")


class StateKind(enum.Enum):
    """The role of a state in its table."""

    INITIAL = "initial"
    ACTIVE = "active"
    FINAL = "final"


def _as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items)


@attrs.frozen
class Guard(Generic[M]):
    """A condition a transition needs, tied to the rule it enforces.

    Args:
        rule: the rule code (``"CF205"``) reported when the guard fails, or
            ``None`` for a plain data requirement that no rule names.
        requirement: what the guard needs, as a noun phrase ("a verified caller").
        check: returns ``True`` when the subject meets the requirement.
    """

    rule: str | None
    requirement: str
    check: Callable[[M], bool] = attrs.field(eq=False, repr=False)


@attrs.frozen
class Transition(Generic[S, M]):
    """One row of a table: ``event`` moves a subject from ``source`` to ``dest``.

    A transition whose source and destination are the same is *internal*: the
    event is recorded but the state does not change.
    """

    event: str
    source: S
    dest: S
    guards: tuple[Guard[M], ...] = attrs.field(default=(), converter=_as_tuple)

    @property
    def internal(self) -> bool:
        """Whether the transition keeps the subject in its state."""
        return self.source is self.dest


def _frozen_states(states: Mapping[Any, StateKind]) -> Mapping[Any, StateKind]:
    return MappingProxyType(dict(states))


@attrs.frozen(eq=False)
class TransitionTable(Generic[S, M]):
    """A checked state machine definition.

    Args:
        states: every state and its kind; exactly one is ``INITIAL``.
        transitions: the rows; at most one per (source, event).
        state_attribute: the attribute of a subject that holds its state.

    Raises:
        InvalidDefinitionError: when the table has no or several initial
            states, uses an undeclared state, defines an event twice from one
            state, leaves a final state, has a state that cannot be reached
            from the initial one, a non-final state from which no final state
            can be reached (a trap), or an event that leads to different
            states from different sources.
    """

    states: Mapping[S, StateKind] = attrs.field(converter=_frozen_states)
    transitions: tuple[Transition[S, M], ...] = attrs.field(converter=_as_tuple)
    state_attribute: str = "_stage"
    initial: S = attrs.field(init=False)
    finals: frozenset[S] = attrs.field(init=False)
    events: tuple[str, ...] = attrs.field(init=False)
    _index: Mapping[tuple[S, str], Transition[S, M]] = attrs.field(init=False, repr=False)
    _outgoing: Mapping[S, tuple[Transition[S, M], ...]] = attrs.field(init=False, repr=False)
    _targets: Mapping[str, S | None] = attrs.field(init=False, repr=False)
    _event_guards: Mapping[str, tuple[Guard[M], ...]] = attrs.field(init=False, repr=False)
    _engine: Engine[S] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        set_ = object.__setattr__  # the table is frozen; these are derived once here
        set_(self, "initial", _check_initial(self.states))
        set_(self, "finals", frozenset(s for s, k in self.states.items() if k is StateKind.FINAL))
        set_(self, "_index", _check_rows(self.states, self.transitions, self.finals))
        outgoing: dict[S, list[Transition[S, M]]] = {s: [] for s in self.states}
        for row in self.transitions:
            outgoing[row.source].append(row)
        set_(self, "_outgoing", {s: tuple(rows) for s, rows in outgoing.items()})
        _check_graph(self.states, self.initial, self.finals, self._outgoing)
        events = tuple(dict.fromkeys(row.event for row in self.transitions))
        set_(self, "events", events)
        set_(self, "_targets", {e: _check_target(e, self.transitions) for e in events})
        set_(self, "_event_guards", {e: _guards_of(e, self.transitions) for e in events})
        set_(
            self,
            "_engine",
            Engine(self.states, self.initial, self.transitions, self.state_attribute),
        )

    def transition(self, state: S, event: str) -> Transition[S, M] | None:
        """The row for ``event`` in ``state``, or ``None`` if the event is not allowed there."""
        return self._index.get((state, event))

    def outgoing(self, state: S) -> tuple[Transition[S, M], ...]:
        """The rows leaving ``state``, in table order."""
        return self._outgoing.get(state, ())

    def target(self, event: str) -> S | None:
        """Where ``event`` leads from anywhere, or ``None`` for an internal-only event.

        Audit mode uses this to perform an event that the current state does
        not allow. Raises :class:`KeyError` for an event the table does not have.
        """
        return self._targets[event]

    def guards_of(self, event: str) -> tuple[Guard[M], ...]:
        """Every guard any row of ``event`` has, each rule once."""
        return self._event_guards[event]

    def move(self, subject: object, state: S) -> None:
        """Put ``subject`` in ``state`` through the engine."""
        self._engine.move(subject, state)


def _check_initial(states: Mapping[S, StateKind]) -> S:
    initial = [s for s, kind in states.items() if kind is StateKind.INITIAL]
    if not initial:
        raise InvalidDefinitionError(None, "no state is initial")
    if len(initial) > 1:
        raise InvalidDefinitionError(
            initial[1], f"a second initial state ({initial[0].name} is initial already)"
        )
    return initial[0]


def _check_rows(
    states: Mapping[S, StateKind],
    rows: Iterable[Transition[S, M]],
    finals: frozenset[S],
) -> dict[tuple[S, str], Transition[S, M]]:
    index: dict[tuple[S, str], Transition[S, M]] = {}
    for row in rows:
        for state in (row.source, row.dest):
            if state not in states:
                raise InvalidDefinitionError(state, f"event {row.event!r} uses an undeclared state")
        if row.source in finals:
            raise InvalidDefinitionError(
                row.source, f"a final state has an exit (event {row.event!r})"
            )
        if (row.source, row.event) in index:
            raise InvalidDefinitionError(row.source, f"event {row.event!r} is defined twice")
        index[(row.source, row.event)] = row
    return index


def _check_graph(
    states: Mapping[S, StateKind],
    initial: S,
    finals: frozenset[S],
    outgoing: Mapping[S, tuple[Transition[S, M], ...]],
) -> None:
    reached = _closure([initial], lambda s: (row.dest for row in outgoing[s]))
    for state in states:
        if state not in reached:
            raise InvalidDefinitionError(state, "it cannot be reached from the initial state")
    incoming: dict[S, list[S]] = {s: [] for s in states}
    for state, rows in outgoing.items():
        for row in rows:
            incoming[row.dest].append(state)
    can_finish = _closure(finals, lambda s: incoming[s])
    for state in states:
        if state not in can_finish:
            raise InvalidDefinitionError(state, "no final state can be reached from it (a trap)")


def _closure(start: Iterable[S], step: Callable[[S], Iterable[S]]) -> set[S]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for nxt in step(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _check_target(event: str, rows: Iterable[Transition[S, M]]) -> S | None:
    mine = [row for row in rows if row.event == event]
    if all(row.internal for row in mine):
        return None
    dests = list(dict.fromkeys(row.dest for row in mine if not row.internal))
    if len(dests) > 1:
        raise InvalidDefinitionError(
            dests[1],
            f"event {event!r} leads to {dests[0].name} from one state and here from another;"
            " an event must have one destination",
        )
    return dests[0]


def _guards_of(event: str, rows: Iterable[Transition[S, M]]) -> tuple[Guard[M], ...]:
    by_rule: dict[str, Guard[M]] = {}
    for row in rows:
        if row.event == event:
            for guard in row.guards:
                by_rule.setdefault(guard.rule or guard.requirement, guard)
    return tuple(by_rule.values())
