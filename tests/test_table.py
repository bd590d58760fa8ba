"""TransitionTable: the definition checks on small tables, and PROCEDURE's answers."""

import enum
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import pytest

from callflow import (
    PROCEDURE,
    Guard,
    InvalidDefinitionError,
    Stage,
    StateKind,
    Transition,
    TransitionTable,
    ValidationError,
)
from callflow.stages import (
    CALLER_VERIFIED,
    DIAGNOSIS_RECORDED,
    FIXED_OR_ASSIGNED,
    NOT_ON_HOLD,
    ON_HOLD,
    RESOLUTION_CONFIRMED,
    TICKET_WELL_WRITTEN,
)

INITIAL, ACTIVE, FINAL = StateKind.INITIAL, StateKind.ACTIVE, StateKind.FINAL


class Door(enum.Enum):
    """A door's states, for small tables of the tests' own."""

    SHUT = "shut"
    OPEN = "open"
    LOCKED = "locked"
    GONE = "gone"
    SPARE = "spare"


T = Transition
DOOR_STATES: Mapping[Door, StateKind] = {
    Door.SHUT: INITIAL,
    Door.OPEN: ACTIVE,
    Door.LOCKED: ACTIVE,
    Door.GONE: FINAL,
}
DOOR_ROWS: Sequence[Transition[Door, Any]] = (
    T("open", Door.SHUT, Door.OPEN),
    T("close", Door.OPEN, Door.SHUT),
    T("lock", Door.SHUT, Door.LOCKED),
    T("unlock", Door.LOCKED, Door.SHUT),
    T("knock", Door.SHUT, Door.SHUT),
    T("knock", Door.LOCKED, Door.LOCKED),
    T("remove", Door.SHUT, Door.GONE),
    T("remove", Door.OPEN, Door.GONE),
)
"""A well-formed table: two active states, loops, internal rows, one final state."""


def refused(
    states: Mapping[Any, StateKind], rows: Sequence[Transition[Any, Any]]
) -> InvalidDefinitionError:
    """The error building the table raises."""
    with pytest.raises(InvalidDefinitionError) as caught:
        TransitionTable(states=states, transitions=rows)
    return caught.value


def assert_names(error: InvalidDefinitionError, state: enum.Enum) -> None:
    """``error`` is about ``state``: its attribute and its message say so."""
    assert state == error.state
    assert str(error).startswith(f"invalid transition table: state {state.name}: ")


class TestWellFormedTables:
    """A well-formed table builds, and answers from its rows."""

    def test_a_well_formed_table_builds(self) -> None:
        """The initial state, final states and events come from the definition."""
        table = TransitionTable(states=DOOR_STATES, transitions=DOOR_ROWS)
        expected = (
            Door.SHUT,
            frozenset({Door.GONE}),
            ("open", "close", "lock", "unlock", "knock", "remove"),
        )
        assert expected == (table.initial, table.finals, table.events)

    def test_answers(self) -> None:
        """Rows, destinations and outgoing rows are the definition's."""
        table = TransitionTable(states=DOOR_STATES, transitions=DOOR_ROWS)
        expected: tuple[object, ...] = (
            DOOR_ROWS[0],
            None,
            Door.GONE,
            None,
            (DOOR_ROWS[0], DOOR_ROWS[2], DOOR_ROWS[4], DOOR_ROWS[6]),
            (),
        )
        actual = (
            table.transition(Door.SHUT, "open"),
            table.transition(Door.GONE, "open"),
            table.target("remove"),
            table.target("knock"),  # internal everywhere
            table.outgoing(Door.SHUT),
            table.outgoing(Door.GONE),
        )
        assert expected == actual

    def test_a_state_the_table_does_not_have_has_no_rows_out(self) -> None:
        """outgoing() of an undeclared state is empty, like that of a final state."""
        table = TransitionTable(states=DOOR_STATES, transitions=DOOR_ROWS)
        assert () == table.outgoing(Door.SPARE)

    def test_an_internal_row_does_not_count_as_a_second_destination(self) -> None:
        """An event internal in one state may lead elsewhere from another (docs/tables.md)."""
        rows = [*DOOR_ROWS, T("slam", Door.OPEN, Door.OPEN), T("slam", Door.SHUT, Door.LOCKED)]
        table = TransitionTable(states=DOOR_STATES, transitions=rows)
        assert table.target("slam") == Door.LOCKED

    def test_the_procedure_passes_its_own_checks(self) -> None:
        """Rebuilding PROCEDURE from its states and rows raises nothing and keeps its events."""
        table = TransitionTable(states=PROCEDURE.states, transitions=PROCEDURE.transitions)
        assert PROCEDURE.events == table.events


class TestInitialState:
    """Exactly one state is initial."""

    def test_two_initial_states(self) -> None:
        """The second initial state, in declaration order, is the offending one."""
        states = {Door.SHUT: INITIAL, Door.OPEN: INITIAL, Door.GONE: FINAL}
        rows = [T("remove", Door.SHUT, Door.GONE), T("remove", Door.OPEN, Door.GONE)]
        error = refused(states, rows)
        assert_names(error, Door.OPEN)
        assert "SHUT is initial already" in str(error)

    def test_two_initial_states_declared_the_other_way_round(self) -> None:
        """Declared the other way round, the other one is named."""
        states = {Door.OPEN: INITIAL, Door.SHUT: INITIAL, Door.GONE: FINAL}
        rows = [T("remove", Door.SHUT, Door.GONE), T("remove", Door.OPEN, Door.GONE)]
        assert_names(refused(states, rows), Door.SHUT)

    def test_two_initial_stages(self) -> None:
        """The same with the call's own stages."""
        states = {Stage.RINGING: INITIAL, Stage.GREETING: INITIAL, Stage.ENDED: FINAL}
        rows = [T("abandon", Stage.RINGING, Stage.ENDED), T("abandon", Stage.GREETING, Stage.ENDED)]
        assert_names(refused(states, rows), Stage.GREETING)

    def test_no_initial_state(self) -> None:
        """No state is to blame: ``.state`` is None and the message names none."""
        error = refused({Door.SHUT: ACTIVE, Door.GONE: FINAL}, [T("remove", Door.SHUT, Door.GONE)])
        expected = (None, "invalid transition table: no state is initial")
        assert expected == (error.state, str(error))


class TestRows:
    """Every row uses declared states, once per (state, event), and never leaves a final one."""

    def test_undeclared_destination(self) -> None:
        """A row leading to a state the table does not declare names that state."""
        rows = [*DOOR_ROWS, T("prop", Door.SHUT, Door.SPARE)]
        error = refused(DOOR_STATES, rows)
        assert_names(error, Door.SPARE)
        assert "'prop'" in str(error)

    def test_undeclared_source(self) -> None:
        """A row leaving an undeclared state names that state."""
        assert_names(refused(DOOR_STATES, [*DOOR_ROWS, T("x", Door.SPARE, Door.GONE)]), Door.SPARE)

    def test_state_of_another_enum(self) -> None:
        """A stage in a door's table is undeclared too."""
        rows = [*DOOR_ROWS, T("ring", Door.SHUT, Stage.RINGING)]
        assert_names(refused(DOOR_STATES, rows), Stage.RINGING)

    def test_exit_from_a_final_state(self) -> None:
        """A row leaving a final state names the final state."""
        error = refused(DOOR_STATES, [*DOOR_ROWS, T("rebuild", Door.GONE, Door.SHUT)])
        assert_names(error, Door.GONE)
        assert "'rebuild'" in str(error)

    def test_exit_from_a_final_stage(self) -> None:
        """The same with the procedure's rows and one more leaving ENDED."""
        rows = [*PROCEDURE.transitions, T("redial", Stage.ENDED, Stage.RINGING)]
        assert_names(refused(PROCEDURE.states, rows), Stage.ENDED)

    def test_an_internal_row_on_a_final_state_is_an_exit_too(self) -> None:
        """Even an event that would keep a final state where it is may not start there."""
        rows = [*PROCEDURE.transitions, T("hold", Stage.ABANDONED, Stage.ABANDONED)]
        assert_names(refused(PROCEDURE.states, rows), Stage.ABANDONED)

    def test_same_event_twice_from_one_state(self) -> None:
        """Two rows for one (state, event) name that state, whatever their destinations."""
        error = refused(DOOR_STATES, [*DOOR_ROWS, T("open", Door.SHUT, Door.LOCKED)])
        assert_names(error, Door.SHUT)
        assert "'open'" in str(error)

    def test_same_row_twice(self) -> None:
        """An exact duplicate row is refused the same way."""
        assert_names(refused(DOOR_STATES, [*DOOR_ROWS, DOOR_ROWS[3]]), Door.LOCKED)


class TestGraph:
    """Every state can be reached, and from every one a final state can be reached."""

    def test_unreachable_state(self) -> None:
        """A state no row leads to (from the initial one) is named."""
        rows = [
            T("open", Door.SHUT, Door.OPEN),
            T("remove", Door.OPEN, Door.GONE),
            T("remove", Door.LOCKED, Door.GONE),  # LOCKED could finish, but is never entered
        ]
        expected = (
            "invalid transition table: state LOCKED: it cannot be reached from the initial state"
        )
        assert expected == str(refused(DOOR_STATES, rows))

    def test_unreachable_stage(self) -> None:
        """The procedure without ``answer`` cannot reach any handling stage: the first is named."""
        rows = [row for row in PROCEDURE.transitions if row.event != "answer"]
        assert_names(refused(PROCEDURE.states, rows), Stage.GREETING)

    def test_trap_dead_end(self) -> None:
        """A non-final state with no row out is a trap."""
        states = {Door.SHUT: INITIAL, Door.OPEN: ACTIVE, Door.GONE: FINAL}
        rows = [T("open", Door.SHUT, Door.OPEN), T("remove", Door.SHUT, Door.GONE)]
        expected = (
            "invalid transition table: state OPEN: no final state can be reached from it (a trap)"
        )
        assert expected == str(refused(states, rows))

    def test_trap_cycle(self) -> None:
        """Two states that only lead to each other are traps; the first declared is named."""
        rows = [
            T("open", Door.SHUT, Door.OPEN),
            T("lock", Door.OPEN, Door.LOCKED),
            T("unlock", Door.LOCKED, Door.OPEN),
            T("remove", Door.SHUT, Door.GONE),
        ]
        assert_names(refused(DOOR_STATES, rows), Door.OPEN)
        reordered = {Door.SHUT: INITIAL, Door.LOCKED: ACTIVE, Door.OPEN: ACTIVE, Door.GONE: FINAL}
        assert_names(refused(reordered, rows), Door.LOCKED)

    def test_trap_stage(self) -> None:
        """GOODBYE with neither hang-up, transfer nor abandon is a trap."""
        rows = [
            row
            for row in PROCEDURE.transitions
            if row.source is not Stage.GOODBYE or row.dest is Stage.GOODBYE
        ]
        assert_names(refused(PROCEDURE.states, rows), Stage.GOODBYE)


class TestOneDestinationPerEvent:
    """An event leads to one state wherever it comes from."""

    def test_two_destinations(self) -> None:
        """The second destination, in row order, is named, and the first is in the message."""
        rows = [*DOOR_ROWS, T("kick", Door.SHUT, Door.OPEN), T("kick", Door.LOCKED, Door.GONE)]
        error = refused(DOOR_STATES, rows)
        assert_names(error, Door.GONE)
        expected = (
            "invalid transition table: state GONE: event 'kick' leads to OPEN from one state and"
            " here from another; an event must have one destination"
        )
        assert expected == str(error)

    def test_two_destinations_the_other_way_round(self) -> None:
        """In the other row order, the other destination is named."""
        rows = [*DOOR_ROWS, T("kick", Door.LOCKED, Door.GONE), T("kick", Door.SHUT, Door.OPEN)]
        assert_names(refused(DOOR_STATES, rows), Door.OPEN)


def _needs(rule: str | None, requirement: str) -> Guard[Any]:
    return Guard(rule, requirement, lambda subject: True)


KEY = _needs("D1", "a key")
THE_KEY = _needs("D1", "the right key")  # the same rule, another requirement
HANDLE = _needs(None, "a handle")
HINGES = _needs(None, "oiled hinges")
BOLT = _needs("D2", "a bolt")


def guarded(*rows: Transition[Door, Any]) -> TransitionTable[Door, Any]:
    """The door table with ``rows`` added (each with its guards)."""
    return TransitionTable(states=DOOR_STATES, transitions=[*DOOR_ROWS, *rows])


class TestGuardsOf:
    """guards_of(event): every guard any row of the event has, each once, in row order."""

    def test_several_guards_from_several_rows(self) -> None:
        """The guards of every row of the event, in the order the rows and guards come."""
        table = guarded(
            T("force", Door.SHUT, Door.OPEN, (KEY, HANDLE)),
            T("force", Door.LOCKED, Door.OPEN, (BOLT, HINGES)),
        )
        assert (KEY, HANDLE, BOLT, HINGES) == table.guards_of("force")

    def test_a_guard_on_several_rows_is_given_once(self) -> None:
        """A guard every row of the event has is given once, where it first comes."""
        table = guarded(
            T("force", Door.SHUT, Door.OPEN, (HANDLE, KEY)),
            T("force", Door.LOCKED, Door.OPEN, (KEY, HANDLE, BOLT)),
        )
        assert (HANDLE, KEY, BOLT) == table.guards_of("force")

    def test_guards_without_a_rule_are_told_apart_by_their_requirement(self) -> None:
        """Two plain data requirements on one event are both given."""
        table = guarded(T("force", Door.SHUT, Door.OPEN, (HANDLE, HINGES)))
        assert (HANDLE, HINGES) == table.guards_of("force")

    def test_only_the_event_own_guards(self) -> None:
        """Guards of other events are not given; an event without guards has none."""
        table = guarded(T("force", Door.SHUT, Door.OPEN, (KEY,)), T("bar", Door.OPEN, Door.GONE))
        assert ((KEY,), (), ()) == (
            table.guards_of("force"),
            table.guards_of("bar"),
            table.guards_of("open"),
        )

    def test_two_guards_of_one_rule_are_both_given(self) -> None:
        """Two different guards enforcing one rule are two requirements: both are given."""
        table = guarded(T("force", Door.SHUT, Door.OPEN, (KEY, THE_KEY)))
        assert (KEY, THE_KEY) == table.guards_of("force")

    def test_an_unknown_event_is_refused(self) -> None:
        """Like target(), guards_of() knows only the table's events: a ValidationError."""
        with pytest.raises(ValidationError, match="'event' must be an event of the table"):
            guarded().guards_of("force")


class TestArrivalGuards:
    """arrival_guards(event): the guards every row of the event into its destination has."""

    def test_only_the_guards_common_to_every_way_in(self) -> None:
        """Each guard once, in the order of the first row into the destination."""
        table = guarded(
            T("force", Door.SHUT, Door.OPEN, (HANDLE, KEY, KEY)),
            T("force", Door.LOCKED, Door.OPEN, (KEY, BOLT, HANDLE)),
        )
        assert (HANDLE, KEY) == table.arrival_guards("force")

    def test_a_repeat_in_the_destination_is_a_way_in(self) -> None:
        """A guarded entry and an unguarded repeat there: nothing is owed by every way in."""
        table = guarded(T("force", Door.SHUT, Door.OPEN, (KEY,)), T("force", Door.OPEN, Door.OPEN))
        assert () == table.arrival_guards("force")

    def test_rows_leading_elsewhere_say_nothing(self) -> None:
        """An internal row elsewhere is not a way into the event's destination."""
        table = guarded(
            T("force", Door.SHUT, Door.OPEN, (KEY,)), T("force", Door.LOCKED, Door.LOCKED, (BOLT,))
        )
        assert (KEY,) == table.arrival_guards("force")

    def test_an_internal_only_event_owes_nothing(self) -> None:
        """It goes nowhere when forced: no guard; an unknown event is a ValidationError."""
        assert () == guarded().arrival_guards("knock")
        with pytest.raises(ValidationError, match="'event' must be an event of the table"):
            guarded().arrival_guards("force")


def needs(rule: str | None, requirement: str, attribute: str) -> Guard[Any]:
    """A guard met by a subject whose ``attribute`` is true; it notes each subject it checks."""

    def check(subject: Any) -> bool:
        subject.checked.append(requirement)
        return bool(getattr(subject, attribute))

    return Guard(rule, requirement, check)


HAS_KEY = needs("D1", "a key", "key")
HAS_BOLT = needs("D2", "a bolt", "bolt")
HAS_HANDLE = needs(None, "a handle", "handle")


def door(**has: bool) -> SimpleNamespace:
    """A subject with a key, a bolt and a handle as told (none by default)."""
    return SimpleNamespace(
        key=has.get("key", False),
        bolt=has.get("bolt", False),
        handle=has.get("handle", False),
        checked=[],
    )


def forcing() -> TransitionTable[Door, Any]:
    """The door table, with "force" guarded differently from SHUT and from LOCKED."""
    return guarded(
        T("force", Door.SHUT, Door.OPEN, (HAS_KEY, HAS_HANDLE)),
        T("force", Door.LOCKED, Door.OPEN, (HAS_BOLT,)),
    )


class TestJudge:
    """judge(state, event, subject): the event's row there, where it leads, the guards failed."""

    def test_an_allowed_event_whose_guards_are_met(self) -> None:
        """The row, its destination and no failed guard: allowed."""
        table = forcing()
        verdict = table.judge(Door.SHUT, "force", door(key=True, handle=True))
        assert (table.transition(Door.SHUT, "force"), Door.OPEN, ()) == verdict
        assert (True, []) == (verdict.allowed, verdict.requirements)

    def test_the_guards_failed_are_the_row_s_own_in_table_order(self) -> None:
        """Each guard of the row is checked; those not met are told, in order; not allowed."""
        subject = door(handle=False, key=False)
        verdict = forcing().judge(Door.SHUT, "force", subject)
        assert (Door.OPEN, (HAS_KEY, HAS_HANDLE)) == (verdict.dest, verdict.failed)
        assert (False, ["a key", "a handle"]) == (verdict.allowed, verdict.requirements)
        assert ["a key", "a handle"] == subject.checked  # not the LOCKED row's bolt
        assert (HAS_HANDLE,) == forcing().judge(Door.SHUT, "force", door(key=True)).failed

    def test_a_row_without_guards_has_none_failed(self) -> None:
        """Nothing is checked: the verdict allows the event."""
        subject = door()
        verdict = forcing().judge(Door.SHUT, "open", subject)
        assert (Door.OPEN, (), True, []) == (
            verdict.dest,
            verdict.failed,
            verdict.allowed,
            subject.checked,
        )

    def test_an_event_not_allowed_there_stays_and_checks_nothing(self) -> None:
        """No row: the subject stays where it is, no guard is checked; not allowed."""
        subject = door()
        verdict = forcing().judge(Door.OPEN, "force", subject)
        assert (None, Door.OPEN, (), False) == (*verdict, verdict.allowed)
        assert [] == subject.checked

    def test_forced_it_goes_where_the_event_goes_judged_by_the_guards_every_way_in_has(
        self,
    ) -> None:
        """Performed anyway: to the event's destination, judged by its arrival guards only.

        SHUT -> OPEN needs a key and a handle, LOCKED -> OPEN a bolt: no guard
        is common to both ways in, so none is owed by a forced ``force``.
        """
        subject = door(bolt=True)
        verdict = forcing().judge(Door.OPEN, "force", subject, forced=True)
        assert (None, Door.OPEN, ()) == verdict
        assert [] == subject.checked
        gone = forcing().judge(Door.LOCKED, "remove", door(), forced=True)
        assert (None, Door.GONE, ()) == gone

    def test_forced_the_guards_common_to_every_way_in_are_checked(self) -> None:
        """A guard every row into the destination has is owed however the subject got there."""
        table = guarded(
            T("force", Door.SHUT, Door.OPEN, (HAS_KEY, HAS_HANDLE)),
            T("force", Door.LOCKED, Door.OPEN, (HAS_BOLT, HAS_KEY)),
        )
        subject = door(handle=True)
        verdict = table.judge(Door.OPEN, "force", subject, forced=True)
        assert (None, Door.OPEN, (HAS_KEY,)) == verdict
        assert ["a key"] == subject.checked

    def test_forced_an_internal_only_event_stays(self) -> None:
        """An event that leads nowhere from anywhere (``knock``) leaves the state as it is."""
        assert (None, Door.OPEN, ()) == forcing().judge(Door.OPEN, "knock", door(), forced=True)

    def test_forcing_an_allowed_event_changes_nothing(self) -> None:
        """Where the table has a row, it is the row's verdict, with the row's guards only."""
        subject = door(bolt=True)
        table = forcing()
        verdict = table.judge(Door.SHUT, "force", subject, forced=True)
        assert (table.transition(Door.SHUT, "force"), Door.OPEN) == (verdict.row, verdict.dest)
        assert ["a key", "a handle"] == subject.checked

    def test_forcing_an_event_the_table_does_not_have_is_refused(self) -> None:
        """Unforced, it is simply not allowed; forced, a ValidationError naming ``event``."""
        assert (None, Door.OPEN, ()) == forcing().judge(Door.OPEN, "fly", door())
        with pytest.raises(ValidationError, match="'event' must be an event of the table"):
            forcing().judge(Door.OPEN, "fly", door(), forced=True)


class TestMove:
    def test_move_sets_the_state_attribute(self) -> None:
        """move() puts the subject in any state of the table, in the table's state attribute."""
        table = TransitionTable(
            states=DOOR_STATES, transitions=DOOR_ROWS, state_attribute="door_state"
        )
        door = SimpleNamespace(door_state=Door.SHUT)
        table.move(door, Door.LOCKED)
        assert Door.LOCKED == door.door_state


class TestProcedureAnswers:
    """PROCEDURE's answers for a few events, against the procedure as documented."""

    def test_states(self) -> None:
        """RINGING is initial, ENDED and ABANDONED are final, the handling stages active."""
        expected = {
            **dict.fromkeys(Stage, ACTIVE),
            Stage.RINGING: INITIAL,
            Stage.ENDED: FINAL,
            Stage.ABANDONED: FINAL,
        }
        assert expected == dict(PROCEDURE.states)
        assert (Stage.RINGING, frozenset({Stage.ENDED, Stage.ABANDONED})) == (
            PROCEDURE.initial,
            PROCEDURE.finals,
        )

    def test_events(self) -> None:
        """The twenty-three events of the procedure."""
        expected = {
            "answer",
            "identify",
            "verify",
            "listen",
            "inform",
            "fulfil",
            "confirm_resolution",
            "follow_up",
            "troubleshoot",
            "diagnose",
            "propose",
            "implement",
            "assign",
            "goodbye",
            "hang_up",
            "hold",
            "check_in",
            "resume",
            "request_manager",
            "transfer",
            "screen",
            "take_message",
            "abandon",
        }
        assert expected == set(PROCEDURE.events)
        assert len(expected) == len(PROCEDURE.events)

    @pytest.mark.parametrize(
        ("event", "dest"),
        [
            ("answer", Stage.GREETING),
            ("identify", None),
            ("verify", None),
            ("confirm_resolution", None),
            ("inform", Stage.IMPLEMENT_OR_ASSIGN),
            ("fulfil", Stage.IMPLEMENT_OR_ASSIGN),
            ("listen", Stage.VENTING),
            ("follow_up", Stage.IMPLEMENT_OR_ASSIGN),
            ("troubleshoot", Stage.TROUBLESHOOTING),
            ("diagnose", Stage.DIAGNOSIS),
            ("propose", Stage.RESOLUTION),
            ("implement", Stage.IMPLEMENT_OR_ASSIGN),
            ("assign", Stage.IMPLEMENT_OR_ASSIGN),
            ("goodbye", Stage.GOODBYE),
            ("hang_up", Stage.ENDED),
            ("hold", None),
            ("resume", None),
            ("request_manager", None),
            ("transfer", Stage.ENDED),
            ("take_message", Stage.ENDED),
            ("abandon", Stage.ABANDONED),
        ],
    )
    def test_target(self, event: str, dest: Stage | None) -> None:
        """Where each event leads from anywhere (None: it never changes the stage)."""
        assert dest == PROCEDURE.target(event)

    @pytest.mark.parametrize("ask", [PROCEDURE.target, PROCEDURE.guards_of])
    @pytest.mark.parametrize("event", ["reboot", ["answer"], None])
    def test_an_unknown_event_is_a_validation_error(
        self, ask: Callable[[object], object], event: object
    ) -> None:
        """An event the table does not have is refused naming it, never a KeyError."""
        with pytest.raises(ValidationError, match="'event' must be an event of the table") as e:
            ask(event)
        assert ("event", event) == (e.value.field, e.value.value)
        assert not isinstance(e.value, KeyError)

    @pytest.mark.parametrize(
        ("event", "guards"),
        [
            ("listen", ()),
            ("verify", ()),
            ("identify", ()),
            ("follow_up", (CALLER_VERIFIED,)),
            ("implement", (CALLER_VERIFIED,)),
            ("inform", (CALLER_VERIFIED,)),
            ("fulfil", (CALLER_VERIFIED,)),
            ("assign", (CALLER_VERIFIED, TICKET_WELL_WRITTEN)),
            ("propose", (DIAGNOSIS_RECORDED,)),
            ("goodbye", (FIXED_OR_ASSIGNED,)),
            ("hang_up", (RESOLUTION_CONFIRMED,)),
            ("hold", (NOT_ON_HOLD,)),
            ("resume", (ON_HOLD,)),
            ("check_in", (ON_HOLD,)),
            ("screen", ()),
            ("answer", ()),
            ("troubleshoot", ()),
            ("abandon", ()),
        ],
    )
    def test_guards_of(self, event: str, guards: tuple[object, ...]) -> None:
        """The guards any row of the event has, each rule once."""
        assert guards == PROCEDURE.guards_of(event)

    def test_guard_rules(self) -> None:
        """Each guard enforces its rule."""
        expected = ["CF205", "CF405", "CF705", "CF701", "CF002", "CF002"]
        guards = [
            CALLER_VERIFIED,
            DIAGNOSIS_RECORDED,
            FIXED_OR_ASSIGNED,
            RESOLUTION_CONFIRMED,
            NOT_ON_HOLD,
            ON_HOLD,
        ]
        assert expected == [guard.rule for guard in guards]

    def test_the_guard_is_on_the_rows_that_act_on_the_account(self) -> None:
        """CF205 guards what acts on or discloses an account, wherever it is; not ``listen``."""
        guarded_by = {
            (row.event, row.source)
            for row in PROCEDURE.transitions
            if CALLER_VERIFIED in row.guards
        }
        acting = {"follow_up", "implement", "assign", "inform", "fulfil"}
        expected = {(row.event, row.source) for row in PROCEDURE.transitions if row.event in acting}
        assert expected == guarded_by
        greeting = PROCEDURE.transition(Stage.GREETING, "listen")
        assert greeting is not None
        assert () == greeting.guards

    @pytest.mark.parametrize(
        ("event", "guards"),
        [
            ("goodbye", ()),  # a repeat in GOODBYE owes no fix
            ("implement", (CALLER_VERIFIED,)),
            ("assign", (CALLER_VERIFIED, TICKET_WELL_WRITTEN)),
            ("propose", (DIAGNOSIS_RECORDED,)),
            ("hang_up", (RESOLUTION_CONFIRMED,)),
            ("hold", ()),  # stays where it is
            ("listen", ()),
        ],
    )
    def test_arrival_guards(self, event: str, guards: tuple[object, ...]) -> None:
        """What a forced event owes: the guards every way into its destination has."""
        assert guards == PROCEDURE.arrival_guards(event)

    def test_outgoing(self) -> None:
        """The rows leaving a few stages, in table order."""
        expected = {
            Stage.RINGING: [("answer", Stage.GREETING), ("abandon", Stage.ABANDONED)],
            Stage.GOODBYE: [
                ("identify", Stage.GOODBYE),
                ("verify", Stage.GOODBYE),
                ("goodbye", Stage.GOODBYE),
                ("inform", Stage.GOODBYE),
                ("fulfil", Stage.GOODBYE),
                ("confirm_resolution", Stage.GOODBYE),
                ("hang_up", Stage.ENDED),
                ("hold", Stage.GOODBYE),
                ("check_in", Stage.GOODBYE),
                ("resume", Stage.GOODBYE),
                ("request_manager", Stage.GOODBYE),
                ("transfer", Stage.ENDED),
                ("abandon", Stage.ABANDONED),
            ],
            Stage.ENDED: [],
            Stage.ABANDONED: [],
        }
        actual = {
            stage: [(row.event, row.dest) for row in PROCEDURE.outgoing(stage)]
            for stage in expected
        }
        assert expected == actual
        assert all(row.source is Stage.GOODBYE for row in PROCEDURE.outgoing(Stage.GOODBYE))

    def test_resolution_confirmed_only_binds_a_fixed_call(self) -> None:
        """CF701's guard needs a confirmation only when something was fixed."""
        expected = [True, False, True, True]
        actual = [
            RESOLUTION_CONFIRMED.check(SimpleNamespace(fixed=fixed, resolution_confirmed=ok))
            for fixed, ok in [(False, False), (True, False), (True, True), (False, True)]
        ]
        assert expected == actual


def door_table() -> TransitionTable[Door, Any]:
    """The well-formed door table, its state in ``door_state``."""
    return TransitionTable(states=DOOR_STATES, transitions=DOOR_ROWS, state_attribute="door_state")


def message_of(make: Callable[[], object]) -> str:
    """What the ValidationError raised by ``make()`` says."""
    with pytest.raises(ValidationError) as caught:
        make()
    return str(caught.value)


def check(subject: object) -> bool:
    """A guard's check that always passes."""
    return True


class TestFieldChecks:
    """Guards, rows and tables check their fields: a ValidationError naming field and value."""

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (
                lambda: Guard(5, "a caller", check),
                "'rule' must be a rule code such as 'CF205', or None (got 5)",
            ),
            (
                lambda: Guard("  ", "a caller", check),
                "'rule' must be a rule code such as 'CF205', or None (got '  ')",
            ),
            (
                lambda: Guard(None, "", check),
                "'requirement' must say what is required, as text (got '')",
            ),
            (
                lambda: Guard(None, " \t", check),
                "'requirement' must say what is required, as text (got ' \\t')",
            ),
            (
                lambda: Guard(None, b"x", check),
                "'requirement' must say what is required, as text (got b'x')",
            ),
            (
                lambda: Guard(None, "a caller", "yes"),
                "'check' must be a callable returning a bool (got 'yes')",
            ),
            (
                lambda: T("open door", Door.SHUT, Door.OPEN),
                "'event' must be a name such as 'answer' (got 'open door')",
            ),
            (
                lambda: T(7, Door.SHUT, Door.OPEN),
                "'event' must be a name such as 'answer' (got 7)",
            ),
            (
                lambda: T("open", "shut", Door.OPEN),
                "'source' must be a member of an Enum (got 'shut')",
            ),
            (
                lambda: T("open", Door.SHUT, None),
                "'dest' must be a member of an Enum (got None)",
            ),
            (
                lambda: T("open", Door.SHUT, Door.OPEN, guards="g"),
                "'guards' must be a collection of Guard (got 'g')",
            ),
            (
                lambda: T("open", Door.SHUT, Door.OPEN, guards=iter(())),
                "'guards' must be a collection of Guard (got <tuple_iterator object at ...>)",
            ),
            (
                lambda: T("open", Door.SHUT, Door.OPEN, guards=[check]),
                "'guards' must be a Guard (got <function check at ...>)",
            ),
        ],
    )
    def test_guards_and_rows(self, make: Callable[[], object], message: str) -> None:
        """Each field's rule, as its message reads."""
        got = message_of(make)
        head, _, tail = message.partition("...")
        assert got.startswith(head)
        assert got.endswith(tail)

    def test_a_rule_may_be_none_and_guards_any_collection(self) -> None:
        """None is a rule (a plain requirement); a list of guards becomes a tuple."""
        guard = Guard(None, "a caller", check)
        row = T("open", Door.SHUT, Door.OPEN, guards=[guard])
        assert (None, (guard,)) == (guard.rule, row.guards)

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (
                lambda: TransitionTable(states=[Door.SHUT], transitions=DOOR_ROWS),
                "'states' must map each state to its StateKind (got [<Door.SHUT: 'shut'>])",
            ),
            (
                lambda: TransitionTable(states={"shut": INITIAL}, transitions=DOOR_ROWS),
                "'states' must map Enum members to StateKind"
                " (got {'shut': <StateKind.INITIAL: 'initial'>})",
            ),
            (
                lambda: TransitionTable(states={Door.SHUT: "initial"}, transitions=DOOR_ROWS),
                "'states' must map Enum members to StateKind"
                " (got {<Door.SHUT: 'shut'>: 'initial'})",
            ),
            (
                lambda: TransitionTable(states=DOOR_STATES, transitions="rows"),
                "'transitions' must be a collection of Transition (got 'rows')",
            ),
            (
                lambda: TransitionTable(states=DOOR_STATES, transitions=5),
                "'transitions' must be a collection of Transition (got 5)",
            ),
            (
                lambda: TransitionTable(states=DOOR_STATES, transitions=[*DOOR_ROWS, ("open",)]),
                "'transitions' must be a Transition (got ('open',))",
            ),
            (
                lambda: TransitionTable(
                    states=DOOR_STATES, transitions=DOOR_ROWS, state_attribute="door state"
                ),
                "'state_attribute' must be an attribute name such as '_stage' (got 'door state')",
            ),
            (
                lambda: TransitionTable(
                    states=DOOR_STATES, transitions=DOOR_ROWS, state_attribute=None
                ),
                "'state_attribute' must be an attribute name such as '_stage' (got None)",
            ),
        ],
    )
    def test_tables(self, make: Callable[[], object], message: str) -> None:
        """A table's states, rows and state attribute, as their messages read."""
        assert message == message_of(make)

    def test_the_states_are_kept_read_only(self) -> None:
        """The states given are copied, read-only: changing them later changes nothing."""
        states = dict(DOOR_STATES)
        table = TransitionTable(states=states, transitions=DOOR_ROWS)
        states[Door.SPARE] = ACTIVE
        assert Door.SPARE not in table.states
        with pytest.raises(TypeError):
            table.states[Door.SPARE] = ACTIVE  # type: ignore[index]


class FailingHash:
    """An object whose hash raises, as a hostile value's may."""

    def __hash__(self) -> int:
        raise RuntimeError("no hash")


class TestLookups:
    """Lookups with what is not a state or an event answer as for an unknown one."""

    def test_transition_and_outgoing_of_what_is_not_a_state(self) -> None:
        """No row for a text, an unknown member or a wrong-typed event; outgoing() is empty."""
        table = door_table()
        assert T("open", Door.SHUT, Door.OPEN) == table.transition(Door.SHUT, "open")
        assert None is table.transition("shut", "open")  # type: ignore[arg-type]
        assert None is table.transition(Door.SHUT, 5)  # type: ignore[arg-type]
        assert None is table.transition(Door.SPARE, "open")
        assert (T("unlock", Door.LOCKED, Door.SHUT), T("knock", Door.LOCKED, Door.LOCKED)) == (
            table.outgoing(Door.LOCKED)
        )
        assert () == table.outgoing("locked")  # type: ignore[arg-type]
        assert () == table.outgoing(Door.SPARE)

    def test_what_cannot_be_hashed_is_not_looked_up(self) -> None:
        """A list or an object whose hash fails is no state: None or (), not a TypeError."""
        table = door_table()
        for state in ([Door.SHUT], FailingHash()):
            assert None is table.transition(state, "open")  # type: ignore[arg-type]
            assert () == table.outgoing(state)  # type: ignore[arg-type]


class TestMoveRefusals:
    """move() refuses a state the table lacks and a subject it cannot set, naming each."""

    @pytest.mark.parametrize("state", [Door.SPARE, "open", None])
    def test_a_state_the_table_lacks(self, state: object) -> None:
        """A member of the enum the table does not declare, or no member at all."""
        door = SimpleNamespace(door_state=Door.SHUT)
        assert f"'state' must be a state of the table (got {state!r})" == message_of(
            lambda: door_table().move(door, state)  # type: ignore[arg-type]
        )
        assert Door.SHUT == door.door_state

    @pytest.mark.parametrize("subject", [object(), (1, 2), SimpleNamespace])
    def test_a_subject_whose_state_cannot_be_set(self, subject: object) -> None:
        """An object without a __dict__, a tuple, a class: refused, naming the attribute."""
        got = message_of(lambda: door_table().move(subject, Door.OPEN))
        assert got == f"'subject' must have a settable 'door_state' attribute (got {subject!r})"
