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
from collections.abc import Callable, Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

import attrs

from callflow._engine import Engine
from callflow.errors import InvalidDefinitionError, ValidationError

__all__ = ["Guard", "StateKind", "Transition", "TransitionTable", "Verdict"]

S = TypeVar("S", bound=enum.Enum)
M = TypeVar("M")


class StateKind(enum.Enum):
    """The role of a state in its table."""

    INITIAL = "initial"
    ACTIVE = "active"
    FINAL = "final"


def _guards(items: object) -> tuple[Any, ...]:
    if isinstance(items, str) or not isinstance(items, Collection):
        raise ValidationError("guards", items, "must be a collection of Guard")
    guards = tuple(items)
    for guard in guards:
        if not isinstance(guard, Guard):
            raise ValidationError("guards", guard, "must be a Guard")
    return guards


def _rows(items: object) -> tuple[Any, ...]:
    if isinstance(items, str) or not isinstance(items, Collection):
        raise ValidationError("transitions", items, "must be a collection of Transition")
    rows = tuple(items)
    for row in rows:
        if not isinstance(row, Transition):
            raise ValidationError("transitions", row, "must be a Transition")
    return rows


def _member(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, enum.Enum):
        raise ValidationError(attribute.name, value, "must be a member of an Enum")


def _event(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value.isidentifier():
        raise ValidationError(attribute.name, value, "must be a name such as 'answer'")


def _rule(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (type(value) is not str or not value.strip()):
        raise ValidationError(attribute.name, value, "must be a rule code such as 'CF205', or None")


def _requirement(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value.strip():
        raise ValidationError(attribute.name, value, "must say what is required, as text")


def _callable(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not callable(value):
        raise ValidationError(attribute.name, value, "must be a callable returning a bool")


@attrs.frozen
class Guard(Generic[M]):
    """A condition a transition needs, tied to the rule it enforces.

    Args:
        rule: the rule code (``"CF205"``) reported when the guard fails, or
            ``None`` for a plain data requirement that no rule names.
        requirement: what the guard needs, as a noun phrase ("a verified caller").
        check: returns ``True`` when the subject meets the requirement.
    """

    rule: str | None = attrs.field(validator=_rule)
    requirement: str = attrs.field(validator=_requirement)
    check: Callable[[M], bool] = attrs.field(eq=False, repr=False, validator=_callable)


@attrs.frozen
class Transition(Generic[S, M]):
    """One row of a table: ``event`` moves a subject from ``source`` to ``dest``.

    A transition whose source and destination are the same is *internal*: the
    event is recorded but the state does not change.
    """

    event: str = attrs.field(validator=_event)
    source: S = attrs.field(validator=_member)
    dest: S = attrs.field(validator=_member)
    guards: tuple[Guard[M], ...] = attrs.field(default=(), converter=_guards)

    @property
    def internal(self) -> bool:
        """Whether the transition keeps the subject in its state."""
        return self.source is self.dest


class Verdict(NamedTuple, Generic[S, M]):
    """What a table says of one event in one state for one subject (:meth:`TransitionTable.judge`).

    Attributes:
        row: the table's row for the event in that state, or ``None`` when the
            table does not allow the event there.
        dest: where the event takes the subject (its state, for an event
            that cannot be performed).
        failed: the guards the subject does not meet, in table order.
    """

    row: Transition[S, M] | None
    dest: S
    failed: tuple[Guard[M], ...]

    @property
    def allowed(self) -> bool:
        """Whether the table allows the event and the subject meets every guard."""
        return self.row is not None and not self.failed

    @property
    def requirements(self) -> list[str]:
        """What the failed guards require, in words."""
        return [guard.requirement for guard in self.failed]

    @property
    def rules(self) -> list[str]:
        """The rule codes of the failed guards, each once."""
        return list(dict.fromkeys(guard.rule for guard in self.failed if guard.rule))


def _frozen_states(states: object) -> Mapping[Any, StateKind]:
    if not isinstance(states, Mapping):
        raise ValidationError("states", states, "must map each state to its StateKind")
    for state, kind in states.items():
        if not isinstance(state, enum.Enum) or not isinstance(kind, StateKind):
            raise ValidationError("states", states, "must map Enum members to StateKind")
    return MappingProxyType(dict(states))


def _attribute(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value.isidentifier():
        raise ValidationError(attribute.name, value, "must be an attribute name such as '_stage'")


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
    transitions: tuple[Transition[S, M], ...] = attrs.field(converter=_rows)
    state_attribute: str = attrs.field(default="_stage", validator=_attribute)
    initial: S = attrs.field(init=False)
    finals: frozenset[S] = attrs.field(init=False)
    events: tuple[str, ...] = attrs.field(init=False)
    _index: Mapping[tuple[S, str], Transition[S, M]] = attrs.field(init=False, repr=False)
    _outgoing: Mapping[S, tuple[Transition[S, M], ...]] = attrs.field(init=False, repr=False)
    _targets: Mapping[str, S | None] = attrs.field(init=False, repr=False)
    _event_guards: Mapping[str, tuple[Guard[M], ...]] = attrs.field(init=False, repr=False)
    _arrival_guards: Mapping[str, tuple[Guard[M], ...]] = attrs.field(init=False, repr=False)
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
        arrivals = {e: _arrival_guards(e, self._targets[e], self.transitions) for e in events}
        set_(self, "_arrival_guards", arrivals)
        set_(
            self,
            "_engine",
            Engine(self.states, self.initial, self.transitions, self.state_attribute),
        )

    def transition(self, state: S, event: str) -> Transition[S, M] | None:
        """The row for ``event`` in ``state``, or ``None`` if the event is not allowed there."""
        if type(event) is not str or not isinstance(state, enum.Enum):
            return None  # checked first: no foreign __hash__ or __eq__ runs
        return self._index.get((state, event))

    def judge(self, state: S, event: str, subject: M, *, forced: bool = False) -> Verdict[S, M]:
        """Judge ``event`` in ``state`` for ``subject``: its row, destination and failed guards.

        Live calls and tickets refuse what the verdict does not allow, each
        with its own error; a call in audit mode performs it anyway.

        Args:
            forced: for an event the table does not allow in ``state``, judge
                it as performed anyway: it goes where it goes from anywhere
                (or stays, for an internal-only event) and the guards it needs
                to arrive there are checked (:meth:`arrival_guards`), not those
                of rows that lead elsewhere or that only some ways in have.
                Otherwise no guard is checked.

        Raises:
            ValidationError: when ``forced`` and the table does not have the event.
        """
        row = self.transition(state, event)
        if row is not None:
            dest, guards = row.dest, row.guards
        elif forced:
            dest, guards = self.target(event) or state, self.arrival_guards(event)
        else:
            return Verdict(None, state, ())
        failed = tuple([guard for guard in guards if not guard.check(subject)]) if guards else ()
        return Verdict(row, dest, failed)

    def outgoing(self, state: S) -> tuple[Transition[S, M], ...]:
        """The rows leaving ``state``, in table order (none for a state the table lacks)."""
        return self._outgoing.get(state, ()) if isinstance(state, enum.Enum) else ()

    def target(self, event: str) -> S | None:
        """Where ``event`` leads from anywhere, or ``None`` for an internal-only event.

        Audit mode uses this to perform an event that the current state does
        not allow.

        Raises:
            ValidationError: for an event the table does not have.
        """
        return self._targets[self._known(event)]

    def guards_of(self, event: str) -> tuple[Guard[M], ...]:
        """Every guard any row of ``event`` has, each guard once, in table order.

        Raises:
            ValidationError: for an event the table does not have.
        """
        return self._event_guards[self._known(event)]

    def arrival_guards(self, event: str) -> tuple[Guard[M], ...]:
        """The guards every row of ``event`` into its destination has, in table order.

        What the table asks of a subject however the event brings it to its
        :meth:`target`, repeats there included: a forced event is judged by
        these (a guard only one way in has is that way's, and a row leading
        elsewhere says nothing of this destination). None for an
        internal-only event, which a forced judgement leaves where it is.

        Raises:
            ValidationError: for an event the table does not have.
        """
        return self._arrival_guards[self._known(event)]

    def move(self, subject: object, state: S) -> None:
        """Put ``subject`` in ``state`` through the engine.

        Raises:
            ValidationError: for a state the table does not have, or a subject
                whose state attribute cannot be set.
        """
        if not self._has_state(state):
            raise ValidationError("state", state, "must be a state of the table")
        try:
            self._engine.move(subject, state)
        except (AttributeError, TypeError):  # a slotted object, a class...
            reason = f"must have a settable {self.state_attribute!r} attribute"
            raise ValidationError("subject", subject, reason) from None

    def _has_state(self, state: object) -> bool:
        return isinstance(state, enum.Enum) and state in self.states

    def _known(self, event: object) -> str:
        if type(event) is not str or event not in self._targets:
            raise ValidationError("event", event, f"must be an event of the table: {self.events}")
        return event


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
    # Each guard once: guards compare by rule and requirement, so the same guard on
    # several rows is one, while two requirements of one rule are two.
    return tuple(dict.fromkeys(g for row in rows if row.event == event for g in row.guards))


def _arrival_guards(
    event: str, target: S | None, rows: Iterable[Transition[S, M]]
) -> tuple[Guard[M], ...]:
    if target is None:
        return ()
    arriving = [row.guards for row in rows if row.event == event and row.dest is target]
    common = (guard for guard in arriving[0] if all(guard in other for other in arriving[1:]))
    return tuple(dict.fromkeys(common))
