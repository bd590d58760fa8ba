"""The ticket lifecycle: the table's shape, extra required fields, and a property over any events.

The expected table is written out here from DOMAIN.md section 10 and seed 004,
independently of ``callflow.lifecycle``, so a change to the table shows up as
a failure here rather than being taken as the new truth.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow import (
    LIFECYCLE,
    Caller,
    Escalation,
    Guard,
    ManualClock,
    RuleBreach,
    StateKind,
    Target,
    Ticket,
    TicketStatus,
    TicketTransitionError,
    ValidationError,
    WorkOrder,
    ticket_lifecycle,
)
from callflow.lifecycle import INTERNAL_EVENTS, REQUIRABLE_FIELDS, Attempt
from callflow.notes import NoteKind, NoteTopic
from callflow.promises import PromiseKind

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NUMBER = "T-1"
ANA = Caller("Ana Souza", user_id="E1234")

NEW, OPEN, PENDING, ESCALATED, RESOLVED, CLOSED = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.ESCALATED,
    TicketStatus.RESOLVED,
    TicketStatus.CLOSED,
)

MOVES: dict[tuple[TicketStatus, str], TicketStatus] = {
    (NEW, "open"): OPEN,
    (OPEN, "pend"): PENDING,
    (ESCALATED, "pend"): PENDING,
    (PENDING, "resume"): OPEN,
    (OPEN, "escalate"): ESCALATED,
    (PENDING, "escalate"): ESCALATED,
    (ESCALATED, "return_for_rewrite"): OPEN,
    (ESCALATED, "dispatch"): RESOLVED,
    (OPEN, "resolve"): RESOLVED,
    (PENDING, "resolve"): RESOLVED,
    (ESCALATED, "resolve"): RESOLVED,
    (RESOLVED, "reopen"): OPEN,
    (RESOLVED, "close"): CLOSED,
}
"""Every status-changing row: (source, event) -> destination."""

DATA_EVENTS = ("note", "update", "link_call", "promise", "keep_promise")
"""Events that change data only, allowed in every status but CLOSED."""

EXPECTED: dict[tuple[TicketStatus, str], TicketStatus] = {
    **MOVES,
    **{(s, e): s for s in TicketStatus if s is not CLOSED for e in DATA_EVENTS},
}
"""The whole expected table."""

NEEDS_DATA = {"pend", "escalate", "return_for_rewrite", "dispatch", "resolve", "reopen"}
"""The moves that are refused without their data."""

STATUS_EVENTS: tuple[str, ...] = (
    *("open", "pend", "resume", "escalate", "return_for_rewrite", "dispatch"),
    *("resolve", "reopen", "close"),
)


class TestTableShape:
    def test_states_and_their_kinds(self) -> None:
        """NEW is initial, CLOSED final, every other status active."""
        expected = dict.fromkeys(TicketStatus, StateKind.ACTIVE)
        expected[NEW], expected[CLOSED] = StateKind.INITIAL, StateKind.FINAL
        assert expected == dict(LIFECYCLE.states)
        assert (NEW, frozenset({CLOSED})) == (LIFECYCLE.initial, LIFECYCLE.finals)

    def test_only_closed_is_final(self) -> None:
        """TicketStatus.is_final is true for CLOSED alone."""
        assert [CLOSED] == [status for status in TicketStatus if status.is_final]

    def test_the_rows_are_the_expected_ones(self) -> None:
        """The table has exactly the expected rows, each once."""
        table = {(row.source, row.event): row.dest for row in LIFECYCLE.transitions}
        assert EXPECTED == table
        assert len(EXPECTED) == len(LIFECYCLE.transitions)

    def test_data_events_are_internal(self) -> None:
        """The data events are the lifecycle's internal events, none of which moves a ticket."""
        assert set(DATA_EVENTS) == set(INTERNAL_EVENTS)
        internal = {row.event for row in LIFECYCLE.transitions if row.internal}
        assert set(DATA_EVENTS) == internal

    def test_closed_has_no_exit_and_is_reached_only_from_resolved(self) -> None:
        """CLOSED is a dead end, entered by ``close`` from RESOLVED alone."""
        into_closed = [(r.source, r.event) for r in LIFECYCLE.transitions if r.dest is CLOSED]
        assert ((), [(RESOLVED, "close")]) == (LIFECYCLE.outgoing(CLOSED), into_closed)

    @pytest.mark.parametrize(
        ("event", "requirements", "rules"),
        [
            ("open", [], []),
            ("resume", [], []),
            ("close", [], []),
            ("pend", ["who or what the ticket waits on (waiting_on)"], [None]),
            ("resolve", ["a resolution note (resolution)"], [None]),
            ("reopen", ["the reason it is reopened (reason)"], [None]),
            ("dispatch", ["a work order dispatched for this ticket"], ["CF904"]),
            (
                "return_for_rewrite",
                ["the quality findings the ticket is returned for (findings)"],
                ["CF603"],
            ),
            (
                "escalate",
                [
                    "an escalation that gives the caller this ticket's number",
                    "the escalation's next steps",
                    "a timeframe, or promised updates if none can be given",
                    "a timeframe that is a date or a duration, not text",
                    "the ticket read back to the caller",
                ],
                ["CF601", "CF601", "CF601", "CF604", "CF602"],
            ),
        ],
    )
    def test_each_move_needs_its_data(
        self, event: str, requirements: list[str], rules: list[str | None]
    ) -> None:
        """Every row of a move has the same guards: what it needs, and the rule behind each."""
        for row in LIFECYCLE.transitions:
            if row.event == event:
                assert requirements == [guard.requirement for guard in row.guards]
                assert rules == [guard.rule for guard in row.guards]

    def test_data_events_need_nothing(self) -> None:
        """No data event has a guard."""
        assert [] == [row for row in LIFECYCLE.transitions if row.internal and row.guards]


class TestRequiredFields:
    def test_default_is_the_lifecycle(self) -> None:
        """ticket_lifecycle() with no extra fields has LIFECYCLE's rows and guards."""
        built = ticket_lifecycle()
        assert EXPECTED == {(r.source, r.event): r.dest for r in built.transitions}
        assert [r.guards for r in LIFECYCLE.transitions] == [r.guards for r in built.transitions]

    def test_required_fields_are_added_to_every_row_of_the_event(self) -> None:
        """The fields are checked after the move's own guards, from every source of the event."""
        strict = ticket_lifecycle(required_fields={"resolve": ["category", "asset_tag"]})
        resolves = [row for row in strict.transitions if row.event == "resolve"]
        expected = [
            "a resolution note (resolution)",
            "the ticket's category (category)",
            "the ticket's asset tag (asset_tag)",
        ]
        assert [OPEN, PENDING, ESCALATED] == [row.source for row in resolves]
        for row in resolves:
            assert expected == [guard.requirement for guard in row.guards]
            assert [None, None, None] == [guard.rule for guard in row.guards]

    def test_other_events_are_unchanged(self) -> None:
        """Only the named events get the extra guards."""
        strict = ticket_lifecycle(required_fields={"close": ["diagnosis"]})
        for plain, row in zip(LIFECYCLE.transitions, strict.transitions, strict=True):
            if row.event != "close":
                assert plain.guards == row.guards

    def test_a_ticket_on_a_strict_lifecycle_needs_the_fields(self) -> None:
        """A ticket on a strict lifecycle is refused a move until the fields are filled."""
        strict = ticket_lifecycle(required_fields={"resolve": ["category"], "close": ["diagnosis"]})
        ticket = Ticket(NUMBER, ANA, lifecycle=strict, clock=ManualClock(START))
        ticket.open()
        with pytest.raises(
            TicketTransitionError, match=re.escape("it requires the ticket's category (category)")
        ) as caught:
            ticket.resolve("Replaced the roller")
        assert (("the ticket's category (category)",), ()) == (
            caught.value.missing,
            caught.value.rules,
        )
        assert OPEN == ticket.status
        ticket.update(category="hardware")
        ticket.resolve("Replaced the roller")
        with pytest.raises(TicketTransitionError, match=re.escape("(diagnosis)")):
            ticket.close()
        ticket.update(diagnosis="printer/pick-up roller")
        ticket.close()
        assert CLOSED == ticket.status

    def test_missing_fields_are_named_with_the_move_own_data(self) -> None:
        """A move lacking both its data and a field names both."""
        strict = ticket_lifecycle(required_fields={"resolve": ["priority"]})
        ticket = Ticket(NUMBER, ANA, impact="low", lifecycle=strict, clock=ManualClock(START))
        ticket.open()
        with pytest.raises(TicketTransitionError) as caught:
            ticket.resolve()
        expected = ("a resolution note (resolution)", "the ticket's priority (priority)")
        assert expected == caught.value.missing

    @pytest.mark.parametrize("field", REQUIRABLE_FIELDS)
    def test_every_requirable_field_can_be_required(self, field: str) -> None:
        """Each requirable field blocks the move while unset, names itself, and passes once set."""
        strict = ticket_lifecycle(required_fields={"open": [field]})
        empty = Ticket(NUMBER, ANA, lifecycle=strict, clock=ManualClock(START))
        with pytest.raises(TicketTransitionError, match=re.escape(f"({field})")):
            empty.open()
        filled = Ticket(
            NUMBER,
            ANA,
            description="It jams",
            category="hardware",
            asset_tag="PRN-0042",
            impact="low",
            urgency="low",
            lifecycle=strict,
            clock=ManualClock(START),
        )
        filled.update(diagnosis="printer/roller")
        filled.open()
        assert OPEN == filled.status

    @pytest.mark.parametrize("given", [[("resolve", ["category"])], "resolve", 5])
    def test_required_fields_must_be_a_mapping(self, given: object) -> None:
        """A list of pairs, a text or a number is refused whole, naming the argument."""
        with pytest.raises(ValidationError) as caught:
            ticket_lifecycle(required_fields=given)  # type: ignore[arg-type]
        assert (
            f"'required_fields' must map status-changing events to field names (got {given!r})"
        ) == str(caught.value)
        assert ("required_fields", given) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("event", ["fly", "note", "create", "update"])
    def test_an_event_that_moves_nothing_is_refused(self, event: str) -> None:
        """Fields can be required only for status-changing events."""
        with pytest.raises(
            ValidationError, match="'required_fields' must name a status-changing event"
        ) as caught:
            ticket_lifecycle(required_fields={event: ["category"]})
        assert ("required_fields", event) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("field", ["colour", "status", "notes", "caller"])
    def test_a_field_that_cannot_be_required_is_refused(self, field: str) -> None:
        """Only the requirable fields can be required; the error names the event and field."""
        message = re.escape(""""required_fields['resolve']" must be one of""")
        with pytest.raises(ValidationError, match=message) as caught:
            ticket_lifecycle(required_fields={"resolve": ["category", field]})
        assert ("required_fields['resolve']", field) == (caught.value.field, caught.value.value)


# -- the property ----------------------------------------------------------------------------

Act = Callable[[Ticket], object]


def _escalation(variant: int, valid: bool) -> Escalation:
    good: dict[str, object] = {
        "ticket": NUMBER,
        "next_steps": "a technician checks the switch",
        "timeframe": timedelta(hours=4),
        "read_back": True,
    }
    goods: list[dict[str, object]] = [
        {},
        {"timeframe": START + timedelta(days=1)},
        {"timeframe": None, "update_every": timedelta(hours=1)},
    ]
    bads: list[dict[str, object]] = [
        {"ticket": "T-2"},
        {"ticket": None},
        {"next_steps": None},
        {"timeframe": None},
        {"timeframe": "ASAP"},
        {"read_back": False},
        {"ticket": None, "read_back": False, "timeframe": "soon"},
    ]
    changes = (goods if valid else bads)[variant % len(goods if valid else bads)]
    return Escalation(Target("Network team"), "switch down", **{**good, **changes})  # type: ignore[arg-type]


def _order(valid: bool) -> WorkOrder:
    return WorkOrder(
        number="WO-1",
        ticket=NUMBER if valid else "T-2",
        supervisor="Dana",
        technician="Luis",
        instructions="Replace the switch in room 4",
        dispatched_at=START,
    )


FINDING = RuleBreach("CF903", "note 0 is vague", "notes[0]")
UPDATES: list[dict[str, object]] = [
    {"category": "network"},
    {"diagnosis": "switch/power supply"},
    {"impact": "high"},
    {"urgency": "low"},
    {"asset_tag": "SW-0004", "description": "No network in room 4"},
]


def act(event: str, valid: bool, variant: int) -> Act:
    """How to send ``event`` with valid data, or with the data it needs missing."""
    text = "Replaced the power supply" if valid else None
    match event:
        case "open" | "resume" | "close":
            return lambda t: getattr(t, event)(by="Bill")
        case "pend":
            return lambda t: t.pend("the caller" if valid else None)
        case "resolve":
            return lambda t: t.resolve(text)
        case "reopen":
            return lambda t: t.reopen("It failed again" if valid else None)
        case "escalate":
            return lambda t: t.escalate(_escalation(variant, valid))
        case "dispatch":
            return lambda t: t.dispatch(_order(valid))
        case "return_for_rewrite":
            return lambda t: t.return_for_rewrite([FINDING] if valid else [])
        case "note":
            note_kind = list(NoteKind)[variant % len(NoteKind)]
            topic = list(NoteTopic)[variant % len(NoteTopic)]
            return lambda t: t.note("Checked the switch", by="Bill", kind=note_kind, topic=topic)
        case "update":
            return lambda t: t.update(**UPDATES[variant % len(UPDATES)])  # type: ignore[arg-type]
        case "link_call":
            return lambda t: t.link_call(f"C-{variant}", follow_up=valid)
        case "promise":
            promise_kind = list(PromiseKind)[variant % len(PromiseKind)]
            return lambda t: t.promise(promise_kind, "call back", timedelta(minutes=variant))
        case "keep_promise":
            return _keep_one
    raise AssertionError(f"no way to send {event!r}")


def _keep_one(ticket: Ticket) -> object:
    open_ids = [promise.id for promise in ticket.promises if not promise.kept]
    return ticket.keep_promise(open_ids[0] if open_ids else "P1")


def _sendable(ticket: Ticket, event: str) -> bool:
    """keep_promise needs an open promise, except where the lifecycle refuses it outright."""
    if event != "keep_promise" or ticket.status is CLOSED:
        return True
    return any(not promise.kept for promise in ticket.promises)


ALL_EVENTS = STATUS_EVENTS + DATA_EVENTS


def steps_from(status: TicketStatus) -> st.SearchStrategy[tuple[str, bool, int, int]]:
    """An event (half the time one the table allows from ``status``), its data, a wait."""
    allowed = [event for (source, event) in EXPECTED if source is status] or list(ALL_EVENTS)
    return st.tuples(
        st.sampled_from(allowed) | st.sampled_from(ALL_EVENTS),
        st.sampled_from((True, True, False)),  # valid data twice as often as missing data
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=0, max_value=7200),
    )


class TestLifecycleProperty:
    @given(data=st.data(), length=st.integers(min_value=0, max_value=40))
    def test_every_step_is_a_row_and_every_refusal_changes_nothing(
        self, data: st.DataObject, length: int
    ) -> None:
        """Accepted events follow a row of the table; refused ones leave status and history alone.

        An event is accepted exactly when the table has a row for it from the
        current status and, for a move that needs data, the data is there.
        """
        clock = ManualClock(START)
        ticket = Ticket(NUMBER, ANA, impact="medium", urgency="high", clock=clock)
        for _ in range(length):
            event, valid, variant, gap = data.draw(steps_from(ticket.status))
            clock.advance(seconds=gap)
            if not _sendable(ticket, event):
                continue
            status, history = ticket.status, ticket.history
            dest = EXPECTED.get((status, event))
            accepted = dest is not None and (valid or event not in NEEDS_DATA)
            send = act(event, valid, variant)
            if accepted:
                send(ticket)
                record = ticket.history[-1]
                assert (len(history) + 1, dest) == (len(ticket.history), ticket.status)
                assert (event, status, dest, clock()) == (
                    record.event,
                    record.from_status,
                    record.to_status,
                    record.at,
                )
            else:
                with pytest.raises(TicketTransitionError) as caught:
                    send(ticket)
                assert (status, history) == (ticket.status, ticket.history)
                assert (event, status) == (caught.value.event, caught.value.status)
                assert (dest is None) == (caught.value.missing == ())

        for record in ticket.history[1:]:
            row = LIFECYCLE.transition(record.from_status, record.event)
            assert row is not None
            assert record.to_status is row.dest
            if record.to_status is CLOSED:
                assert RESOLVED is record.from_status
        chained = ticket.history
        assert [r.to_status for r in chained[:-1]] == [r.from_status for r in chained[1:]]
        assert ticket.status is chained[-1].to_status
        # The SLA clocks can always be derived from a history the lifecycle allowed.
        clocks = ticket.sla_clocks()
        assert clocks is not None
        clocks.readings(clock())


def test_a_bare_field_name_is_refused() -> None:
    """required_fields needs a collection: a bare string is not split into letters."""
    with pytest.raises(ValidationError) as caught:
        ticket_lifecycle(required_fields={"resolve": "category"})
    assert ("required_fields['resolve']", "category") == (caught.value.field, caught.value.value)
    expected = (
        """"required_fields['resolve']" must be a collection of field names (got 'category')"""
    )
    assert expected == str(caught.value)


# -- the guards, one by one -----------------------------------------------------------------

NEXT_STEPS = "the escalation's next steps"
THIS_TICKET = "an escalation that gives the caller this ticket's number"
TIMEFRAME = "a timeframe, or promised updates if none can be given"
NOT_TEXT = "a timeframe that is a date or a duration, not text"
READ_BACK = "the ticket read back to the caller"


def guards(event: str) -> tuple[Guard[Attempt], ...]:
    """The guards of ``event`` on its first row (every row of a move has the same)."""
    row = next(row for row in LIFECYCLE.transitions if row.event == event)
    return row.guards


def new_ticket() -> Ticket:
    return Ticket(NUMBER, ANA, clock=ManualClock(START))


class TestGuards:
    @pytest.mark.parametrize(
        ("changes", "missing", "rules"),
        [
            ({"ticket": "T-2"}, (THIS_TICKET,), ("CF601",)),
            ({"ticket": None}, (THIS_TICKET,), ("CF601",)),
            ({"next_steps": None}, (NEXT_STEPS,), ("CF601",)),
            ({"timeframe": None}, (TIMEFRAME,), ("CF601",)),
            ({"timeframe": "ASAP"}, (NOT_TEXT,), ("CF604",)),
            ({"read_back": False}, (READ_BACK,), ("CF602",)),
            (
                {"next_steps": None, "read_back": False, "timeframe": "soon"},
                (NEXT_STEPS, NOT_TEXT, READ_BACK),
                ("CF601", "CF604", "CF602"),
            ),
        ],
    )
    def test_an_escalation_is_refused_for_exactly_what_it_lacks(
        self, changes: dict[str, object], missing: tuple[str, ...], rules: tuple[str, ...]
    ) -> None:
        """Each escalate guard fails for its own rule and field alone, whatever else is wrong."""
        escalation = attrs.evolve(_escalation(0, valid=True), **changes)
        ticket = new_ticket()
        ticket.open()
        with pytest.raises(TicketTransitionError) as caught:
            ticket.escalate(escalation)
        assert (missing, rules, OPEN) == (caught.value.missing, caught.value.rules, ticket.status)

    @pytest.mark.parametrize("data", [{}, {"escalation": "see my email"}])
    def test_the_escalate_guards_need_an_escalation(self, data: dict[str, object]) -> None:
        """Without an Escalation in the event's data, every escalate guard fails."""
        attempt = Attempt(new_ticket(), data)
        assert [False] * 5 == [guard.check(attempt) for guard in guards("escalate")]

    def test_the_escalate_guards_pass_a_complete_escalation(self) -> None:
        """A complete escalation for this ticket passes every escalate guard."""
        attempt = Attempt(new_ticket(), {"escalation": _escalation(0, valid=True)})
        assert [True] * 5 == [guard.check(attempt) for guard in guards("escalate")]

    @pytest.mark.parametrize(
        ("data", "passes"),
        [
            ({}, False),
            ({"work_order": "WO-1"}, False),
            ({"work_order": _order(valid=False)}, False),
            ({"work_order": _order(valid=True)}, True),
        ],
    )
    def test_dispatch_needs_a_work_order_for_this_ticket(
        self, data: dict[str, object], passes: bool
    ) -> None:
        """The CF904 guard passes a work order for this ticket alone, and nothing else."""
        (guard,) = guards("dispatch")
        assert ("CF904", passes) == (guard.rule, guard.check(Attempt(new_ticket(), data)))

    @pytest.mark.parametrize(
        ("event", "key", "requirement"),
        [
            ("pend", "waiting_on", "who or what the ticket waits on (waiting_on)"),
            ("resolve", "resolution", "a resolution note (resolution)"),
            ("reopen", "reason", "the reason it is reopened (reason)"),
        ],
    )
    def test_a_text_guard_needs_text_under_its_own_key(
        self, event: str, key: str, requirement: str
    ) -> None:
        """A move's text guard passes non-blank text under its key, and nothing else."""
        (guard,) = guards(event)
        ticket = new_ticket()
        checks = [
            guard.check(Attempt(ticket, data))
            for data in ({key: "It jams"}, {key: "  "}, {key: 3}, {}, {"note": "It jams"})
        ]
        assert (None, requirement, [True, False, False, False, False]) == (
            guard.rule,
            guard.requirement,
            checks,
        )

    def test_guards_of_escalate_gives_all_five(self) -> None:
        """Asked what escalating needs from any status, the lifecycle gives all five guards."""
        assert guards("escalate") == LIFECYCLE.guards_of("escalate")


class TestAttempt:
    """What a guard sees is checked when made: a real ticket and a mapping of data."""

    @pytest.mark.parametrize("ticket", [None, "T-1", {"number": "T-1"}])
    def test_the_ticket_must_be_a_ticket(self, ticket: object) -> None:
        """Anything but a Ticket is refused, naming the field and the value."""
        with pytest.raises(ValidationError) as caught:
            Attempt(ticket, {})  # type: ignore[arg-type]
        assert ("ticket", f"'ticket' must be a Ticket (got {ticket!r})") == (
            caught.value.field,
            str(caught.value),
        )
        assert ticket is caught.value.value

    @pytest.mark.parametrize("data", [None, [("resolution", "x")], "resolution"])
    def test_the_data_must_be_a_mapping(self, data: object) -> None:
        """The event's data is a mapping: a list of pairs or a text is refused."""
        with pytest.raises(ValidationError) as caught:
            Attempt(new_ticket(), data)  # type: ignore[arg-type]
        assert ("data", f"'data' must be a mapping of the event's data (got {data!r})") == (
            caught.value.field,
            str(caught.value),
        )

    def test_a_ticket_and_a_mapping_are_kept(self) -> None:
        """A valid attempt keeps what it was given."""
        ticket, data = new_ticket(), {"resolution": "Replaced the roller"}
        attempt = Attempt(ticket, data)
        assert (ticket, data) == (attempt.ticket, attempt.data)
