"""Unit tests of Ticket: construction, each event, refusals, data events, promises, SLA clocks."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from callflow import (
    PROCEDURE,
    Caller,
    Escalation,
    ManualClock,
    NotFoundError,
    RuleBreach,
    Target,
    Ticket,
    TicketStatus,
    TicketTransitionError,
    ValidationError,
    WorkOrder,
)
from callflow.notes import Note, NoteKind, NoteTopic
from callflow.priority import Impact, Priority, PriorityMatrix, Urgency
from callflow.promises import Promise, PromiseKind
from callflow.sla import ServiceTarget, SlaPolicy
from callflow.ticket import CallLink, TicketRecord

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
ANA = Caller("Ana Souza", user_id="E1234")
NUMBER = "T-1"
JAMS = "The printer on floor 2 jams on every page"
FINDING = RuleBreach("CF903", "note 0 of ticket T-1 by Bill is a stock phrase (fixed).", "notes[0]")

Step = Callable[[Ticket], object]


def new_ticket(**fields: object) -> tuple[Ticket, ManualClock]:
    """Ana's printer ticket (medium impact, high urgency) on a manual clock at START."""
    clock = ManualClock(START)
    arguments: dict[str, object] = {
        "description": JAMS,
        "impact": "medium",
        "urgency": "high",
        "clock": clock,
        **fields,
    }
    return Ticket(NUMBER, ANA, **arguments), clock  # type: ignore[arg-type]


def escalation(number: str | None = NUMBER, **changes: object) -> Escalation:
    """A complete escalation of ticket ``number``, with ``changes``."""
    fields: dict[str, object] = {
        "ticket": number,
        "next_steps": "a technician checks the switch in room 4",
        "timeframe": timedelta(hours=4),
        "read_back": True,
        **changes,
    }
    return Escalation(Target("Network team"), "the switch in room 4 is down", **fields)  # type: ignore[arg-type]


def work_order(ticket: str = NUMBER) -> WorkOrder:
    return WorkOrder(
        number="WO-7",
        ticket=ticket,
        supervisor="Dana",
        technician="Luis",
        instructions="Replace the pick-up roller of printer PRN-0042 (floor 2).",
        dispatched_at=START,
    )


ROUTES: dict[TicketStatus, tuple[Step, ...]] = {
    TicketStatus.NEW: (),
    TicketStatus.OPEN: (lambda t: t.open(by="Bill"),),
    TicketStatus.PENDING: (lambda t: t.open(), lambda t: t.pend("the caller's reply")),
    TicketStatus.ESCALATED: (lambda t: t.open(), lambda t: t.escalate(escalation())),
    TicketStatus.RESOLVED: (lambda t: t.open(), lambda t: t.resolve("Replaced the roller")),
    TicketStatus.CLOSED: (
        lambda t: t.open(),
        lambda t: t.resolve("Replaced the roller"),
        lambda t: t.close(),
    ),
}
"""One way to bring a new ticket to each status."""

OPEN_STATUSES = [status for status in TicketStatus if status is not TicketStatus.CLOSED]


def reach(status: TicketStatus, **fields: object) -> tuple[Ticket, ManualClock]:
    """A new ticket brought to ``status``, one minute per event."""
    ticket, clock = new_ticket(**fields)
    for step in ROUTES[status]:
        clock.advance(MINUTE)
        step(ticket)
    assert status is ticket.status
    return ticket, clock


PROPERTIES = tuple(
    sorted(name for name, member in vars(Ticket).items() if isinstance(member, property))
)
"""Every public property of Ticket."""


def snapshot(ticket: Ticket) -> dict[str, object]:
    """Everything observable about a ticket."""
    later = START + timedelta(days=30)
    return {
        **{name: getattr(ticket, name) for name in PROPERTIES},
        "allowed_events": ticket.allowed_events(),
        "sla_clocks": ticket.sla_clocks(),
        "overdue": ticket.overdue(later),
        "repr": repr(ticket),
    }


def uniform_targets(**hours: float) -> SlaPolicy:
    """An SLA policy giving every priority the same targets (default 0.5 h / 1 h / 4 h)."""
    given = {"first_response": 0.5, "update": 1.0, "resolution": 4.0, **hours}
    target = ServiceTarget(**{kind: timedelta(hours=h) for kind, h in given.items()})
    return SlaPolicy(targets=dict.fromkeys(Priority, target))


class TestConstruction:
    def test_a_new_ticket_is_new_with_one_create_record(self) -> None:
        """A ticket starts NEW; its history holds ``create`` with the fields it was given."""
        ticket, _ = new_ticket(category="hardware", asset_tag="PRN-0042", created_by="Bill")
        expected = TicketRecord(
            "create",
            TicketStatus.NEW,
            TicketStatus.NEW,
            START,
            "Bill",
            {
                "description": JAMS,
                "category": "hardware",
                "asset_tag": "PRN-0042",
                "impact": Impact.MEDIUM,
                "urgency": Urgency.HIGH,
            },
        )
        assert (TicketStatus.NEW, (expected,)) == (ticket.status, ticket.history)
        assert (START, START, "Bill") == (ticket.created_at, ticket.updated_at, ticket.created_by)

    def test_fields_are_kept(self) -> None:
        """Number, caller and the problem's fields read back as given."""
        ticket, _ = new_ticket(category="hardware", asset_tag="PRN-0042")
        assert (NUMBER, ANA, JAMS, "hardware", "PRN-0042") == (
            ticket.number,
            ticket.caller,
            ticket.description,
            ticket.category,
            ticket.asset_tag,
        )

    def test_nothing_else_is_set_on_a_new_ticket(self) -> None:
        """A new ticket has no diagnosis, resolution, notes, calls, orders or promises."""
        ticket = Ticket(NUMBER, ANA, clock=ManualClock(START))
        assert (None,) * 8 == (
            ticket.description,
            ticket.category,
            ticket.asset_tag,
            ticket.impact,
            ticket.urgency,
            ticket.diagnosis,
            ticket.resolution,
            ticket.waiting_on,
        )
        assert ((),) * 6 == (
            ticket.notes,
            ticket.calls,
            ticket.work_orders,
            ticket.escalations,
            ticket.returns,
            ticket.promises,
        )

    def test_impact_and_urgency_accept_members_and_values(self) -> None:
        """Impact and urgency take the enum members or their string values."""
        by_value, _ = new_ticket(impact="high", urgency="low")
        by_member, _ = new_ticket(impact=Impact.HIGH, urgency=Urgency.LOW)
        assert (Impact.HIGH, Urgency.LOW) == (by_value.impact, by_value.urgency)
        assert (Impact.HIGH, Urgency.LOW) == (by_member.impact, by_member.urgency)

    def test_priority_comes_from_the_default_itil_matrix(self) -> None:
        """Medium impact with high urgency is P2 in the ITIL 3x3 matrix."""
        ticket, _ = new_ticket()
        assert Priority.P2 == ticket.priority

    def test_priority_comes_from_the_given_matrix(self) -> None:
        """A ticket's own matrix decides its priority."""
        cells = {(i, u): Priority.P5 for i in Impact for u in Urgency}
        cells[Impact.MEDIUM, Urgency.HIGH] = Priority.P1
        ticket, _ = new_ticket(matrix=PriorityMatrix(cells))
        assert Priority.P1 == ticket.priority

    @pytest.mark.parametrize(
        "fields", [{"impact": None}, {"urgency": None}, {"impact": None, "urgency": None}]
    )
    def test_no_priority_until_impact_and_urgency_are_known(self, fields: dict[str, None]) -> None:
        """Without both impact and urgency a ticket has no priority."""
        ticket, _ = new_ticket(**fields)
        assert ticket.priority is None

    @pytest.mark.parametrize(
        ("number", "caller", "fields", "field"),
        [
            ("", ANA, {}, "number"),
            (NUMBER, "Ana Souza", {}, "caller"),
            (NUMBER, ANA, {"description": "  "}, "description"),
            (NUMBER, ANA, {"category": ""}, "category"),
            (NUMBER, ANA, {"asset_tag": 42}, "asset_tag"),
            (NUMBER, ANA, {"impact": "huge"}, "impact"),
            (NUMBER, ANA, {"urgency": 3}, "urgency"),
            (NUMBER, ANA, {"matrix": {}}, "matrix"),
            (NUMBER, ANA, {"sla_policy": "gold"}, "sla_policy"),
            (NUMBER, ANA, {"lifecycle": PROCEDURE}, "lifecycle"),
            (NUMBER, ANA, {"clock": "now"}, "clock"),
            (NUMBER, ANA, {"clock": lambda: datetime(2026, 3, 2, 9, 0)}, "clock"),
            (NUMBER, ANA, {"created_by": " "}, "created_by"),
        ],
    )
    def test_bad_arguments_name_the_field(
        self, number: str, caller: object, fields: dict[str, object], field: str
    ) -> None:
        """Each bad constructor argument raises ValidationError naming it."""
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            Ticket(number, caller, **fields)  # type: ignore[arg-type]
        assert field == caught.value.field

    def test_impact_error_lists_the_choices(self) -> None:
        """An unknown impact is refused with the values it may take."""
        with pytest.raises(ValidationError, match="'high', 'medium' or 'low'") as caught:
            new_ticket(impact="huge")
        assert ("impact", "huge") == (caught.value.field, caught.value.value)

    def test_default_clock_is_aware(self) -> None:
        """Without a clock, the ticket is stamped with an aware time."""
        ticket = Ticket(NUMBER, ANA)
        assert ticket.created_at.utcoffset() is not None

    def test_repr_shows_number_status_priority_and_notes(self) -> None:
        """The repr is short and says where the ticket is."""
        ticket, _ = new_ticket()
        assert "<Ticket T-1 NEW P2 notes=0>" == repr(ticket)
        assert "<Ticket T-2 NEW no priority notes=0>" == repr(Ticket("T-2", ANA))


class TestStatusEvents:
    def test_open(self) -> None:
        """open() takes a NEW ticket into work and records who did it, and when."""
        ticket, clock = new_ticket()
        clock.advance(MINUTE)
        ticket.open(by="Bill")
        expected = TicketRecord(
            "open", TicketStatus.NEW, TicketStatus.OPEN, START + MINUTE, "Bill", {}
        )
        assert (TicketStatus.OPEN, expected) == (ticket.status, ticket.history[-1])
        assert START + MINUTE == ticket.updated_at

    def test_pend_and_resume(self) -> None:
        """pend() records what the ticket waits on; resume() returns it to OPEN and forgets it."""
        ticket, _ = reach(TicketStatus.OPEN)
        ticket.pend("the caller's reply", by="Bill")
        assert (TicketStatus.PENDING, "the caller's reply") == (ticket.status, ticket.waiting_on)
        assert {"waiting_on": "the caller's reply"} == ticket.history[-1].payload
        ticket.resume(by="Bill")
        assert (TicketStatus.OPEN, None) == (ticket.status, ticket.waiting_on)

    @pytest.mark.parametrize("source", [TicketStatus.OPEN, TicketStatus.PENDING])
    def test_escalate(self, source: TicketStatus) -> None:
        """A complete escalation of this ticket moves it to ESCALATED and is kept."""
        ticket, _ = reach(source)
        handed_on = escalation()
        ticket.escalate(handed_on, by="Bill")
        assert (TicketStatus.ESCALATED, (handed_on,)) == (ticket.status, ticket.escalations)
        record = ticket.history[-1]
        assert ("escalate", source, {"escalation": handed_on}) == (
            record.event,
            record.from_status,
            record.payload,
        )

    @pytest.mark.parametrize(
        "changes",
        [
            {"timeframe": datetime(2026, 3, 3, 12, 0, tzinfo=UTC)},
            {"timeframe": None, "update_every": HOUR},
        ],
    )
    def test_escalate_with_a_date_or_promised_updates(self, changes: dict[str, object]) -> None:
        """A date, or promised updates when no timeframe can be given, also satisfy CF601."""
        ticket, _ = reach(TicketStatus.OPEN)
        ticket.escalate(escalation(**changes))  # type: ignore[arg-type]
        assert TicketStatus.ESCALATED == ticket.status

    @pytest.mark.parametrize(
        "leave",
        [
            lambda t: t.escalate(escalation()),
            lambda t: t.resolve("Replaced the roller"),
        ],
    )
    def test_leaving_pending_forgets_what_it_waited_on(self, leave: Step) -> None:
        """Only a PENDING ticket waits on something, however it leaves PENDING."""
        ticket, _ = reach(TicketStatus.PENDING)
        leave(ticket)
        assert ticket.waiting_on is None

    def test_return_for_rewrite(self) -> None:
        """An escalated ticket returned for rewriting is OPEN again, with the findings kept."""
        ticket, _ = reach(TicketStatus.ESCALATED)
        ticket.return_for_rewrite([FINDING], by="Dana")
        assert (TicketStatus.OPEN, ((FINDING,),)) == (ticket.status, ticket.returns)
        record = ticket.history[-1]
        assert ("return_for_rewrite", "Dana", {"findings": (FINDING,)}) == (
            record.event,
            record.by,
            record.payload,
        )

    def test_dispatch(self) -> None:
        """A work order for this ticket resolves the escalated ticket (seed 004)."""
        ticket, _ = reach(TicketStatus.ESCALATED)
        order = work_order()
        ticket.dispatch(order, by="Dana")
        assert (TicketStatus.RESOLVED, (order,)) == (ticket.status, ticket.work_orders)

    @pytest.mark.parametrize(
        "source", [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ESCALATED]
    )
    def test_resolve(self, source: TicketStatus) -> None:
        """resolve() with a resolution note moves the ticket to RESOLVED and keeps the note."""
        ticket, _ = reach(source)
        ticket.resolve("Replaced the worn pick-up roller", by="Bill")
        assert (TicketStatus.RESOLVED, "Replaced the worn pick-up roller") == (
            ticket.status,
            ticket.resolution,
        )
        assert (source, {"resolution": "Replaced the worn pick-up roller"}) == (
            ticket.history[-1].from_status,
            ticket.history[-1].payload,
        )

    def test_reopen(self) -> None:
        """reopen() with a reason returns a resolved ticket to OPEN and drops the resolution."""
        ticket, _ = reach(TicketStatus.RESOLVED)
        ticket.reopen("It jams again", by="Bill")
        assert (TicketStatus.OPEN, None) == (ticket.status, ticket.resolution)
        assert {"reason": "It jams again"} == ticket.history[-1].payload

    def test_close(self) -> None:
        """A closed ticket accepts nothing more."""
        ticket, _ = reach(TicketStatus.RESOLVED)
        ticket.close(by="Bill")
        assert (TicketStatus.CLOSED, ()) == (ticket.status, ticket.allowed_events())

    def test_history_chains_every_event(self) -> None:
        """Each record starts in the status the previous one ended in, and the times never drop."""
        ticket, clock = new_ticket()
        steps: list[Step] = [
            lambda t: t.open(),
            lambda t: t.pend("the caller"),
            lambda t: t.escalate(escalation()),
            lambda t: t.return_for_rewrite([FINDING]),
            lambda t: t.escalate(escalation()),
            lambda t: t.dispatch(work_order()),
            lambda t: t.reopen("It jams again"),
            lambda t: t.resolve("Replaced the tray"),
            lambda t: t.close(),
        ]
        for step in steps:
            clock.advance(MINUTE)
            step(ticket)
        history = ticket.history
        expected_events = [
            "create",
            "open",
            "pend",
            "escalate",
            "return_for_rewrite",
            "escalate",
            "dispatch",
            "reopen",
            "resolve",
            "close",
        ]
        assert expected_events == [record.event for record in history]
        assert [r.to_status for r in history[:-1]] == [r.from_status for r in history[1:]]
        assert [START + n * MINUTE for n in range(len(history))] == [r.at for r in history]


class TestRefusals:
    @pytest.mark.parametrize(
        ("status", "event", "act"),
        [
            (TicketStatus.NEW, "resolve", lambda t: t.resolve("Replaced the roller")),
            (TicketStatus.NEW, "close", lambda t: t.close()),
            (TicketStatus.NEW, "escalate", lambda t: t.escalate(escalation())),
            (TicketStatus.OPEN, "open", lambda t: t.open()),
            (TicketStatus.OPEN, "close", lambda t: t.close()),
            (TicketStatus.OPEN, "resume", lambda t: t.resume()),
            (TicketStatus.OPEN, "reopen", lambda t: t.reopen("It jams again")),
            (TicketStatus.OPEN, "dispatch", lambda t: t.dispatch(work_order())),
            (TicketStatus.OPEN, "return_for_rewrite", lambda t: t.return_for_rewrite([FINDING])),
            (TicketStatus.PENDING, "pend", lambda t: t.pend("the vendor")),
            (TicketStatus.PENDING, "close", lambda t: t.close()),
            (TicketStatus.ESCALATED, "escalate", lambda t: t.escalate(escalation())),
            (TicketStatus.RESOLVED, "resolve", lambda t: t.resolve("Again")),
            (TicketStatus.RESOLVED, "pend", lambda t: t.pend("the caller")),
            (TicketStatus.CLOSED, "reopen", lambda t: t.reopen("It jams again")),
            (TicketStatus.CLOSED, "note", lambda t: t.note("Called the caller back", by="Bill")),
            (TicketStatus.CLOSED, "update", lambda t: t.update(category="hardware")),
            (TicketStatus.CLOSED, "link_call", lambda t: t.link_call("C-9", follow_up=True)),
            (
                TicketStatus.CLOSED,
                "promise",
                lambda t: t.promise(PromiseKind.CALLBACK, "call back", HOUR),
            ),
            (TicketStatus.CLOSED, "keep_promise", lambda t: t.keep_promise("P1")),
        ],
    )
    def test_a_move_the_lifecycle_does_not_have_changes_nothing(
        self, status: TicketStatus, event: str, act: Step
    ) -> None:
        """An event with no row from the status is refused, names nothing, changes nothing."""
        ticket, clock = reach(status)
        before = snapshot(ticket)
        clock.advance(MINUTE)
        with pytest.raises(
            TicketTransitionError,
            match=f"ticket event '{event}' refused in status {status.name}: the lifecycle does not",
        ) as caught:
            act(ticket)
        error = caught.value
        assert (event, status, (), ()) == (error.event, error.status, error.missing, error.rules)
        assert event not in error.allowed
        assert before == snapshot(ticket)

    @pytest.mark.parametrize(
        ("status", "event", "act", "missing", "rules"),
        [
            (
                TicketStatus.OPEN,
                "resolve",
                lambda t: t.resolve(),
                ["a resolution note (resolution)"],
                [],
            ),
            (
                TicketStatus.OPEN,
                "pend",
                lambda t: t.pend(),
                ["who or what the ticket waits on (waiting_on)"],
                [],
            ),
            (
                TicketStatus.RESOLVED,
                "reopen",
                lambda t: t.reopen(),
                ["the reason it is reopened (reason)"],
                [],
            ),
            (
                TicketStatus.OPEN,
                "escalate",
                lambda t: t.escalate(escalation("T-2")),
                ["an escalation that gives the caller this ticket's number"],
                ["CF601"],
            ),
            (
                TicketStatus.OPEN,
                "escalate",
                lambda t: t.escalate(escalation(None)),
                ["an escalation that gives the caller this ticket's number"],
                ["CF601"],
            ),
            (
                TicketStatus.OPEN,
                "escalate",
                lambda t: t.escalate(escalation(next_steps=None)),
                ["the escalation's next steps"],
                ["CF601"],
            ),
            (
                TicketStatus.PENDING,
                "escalate",
                lambda t: t.escalate(escalation(timeframe=None)),
                ["a timeframe, or promised updates if none can be given"],
                ["CF601"],
            ),
            (
                TicketStatus.OPEN,
                "escalate",
                lambda t: t.escalate(escalation(timeframe="ASAP")),
                ["a timeframe that is a date or a duration, not text"],
                ["CF604"],
            ),
            (
                TicketStatus.OPEN,
                "escalate",
                lambda t: t.escalate(escalation(read_back=False)),
                ["the ticket read back to the caller"],
                ["CF602"],
            ),
            (
                TicketStatus.OPEN,
                "escalate",
                lambda t: t.escalate(
                    escalation(next_steps=None, timeframe="ASAP", read_back=False)
                ),
                [
                    "the escalation's next steps",
                    "a timeframe that is a date or a duration, not text",
                    "the ticket read back to the caller",
                ],
                ["CF601", "CF604", "CF602"],
            ),
            (
                TicketStatus.ESCALATED,
                "dispatch",
                lambda t: t.dispatch(work_order("T-2")),
                ["a work order dispatched for this ticket"],
                ["CF904"],
            ),
            (
                TicketStatus.ESCALATED,
                "return_for_rewrite",
                lambda t: t.return_for_rewrite([]),
                ["the quality findings the ticket is returned for (findings)"],
                ["CF603"],
            ),
        ],
    )
    def test_missing_data_is_named_and_changes_nothing(
        self,
        status: TicketStatus,
        event: str,
        act: Step,
        missing: list[str],
        rules: list[str],
    ) -> None:
        """A move without the data it needs is refused naming each missing item and its rule."""
        ticket, clock = reach(status)
        before = snapshot(ticket)
        clock.advance(MINUTE)
        with pytest.raises(
            TicketTransitionError, match=f"'{event}' refused in status {status.name}: it requires"
        ) as caught:
            act(ticket)
        error = caught.value
        assert (event, status, tuple(missing), tuple(rules)) == (
            error.event,
            error.status,
            error.missing,
            error.rules,
        )
        assert event in error.allowed
        assert before == snapshot(ticket)

    def test_allowed_events_from_open(self) -> None:
        """An open ticket can pend, escalate or be resolved, and take every data event."""
        ticket, _ = reach(TicketStatus.OPEN)
        expected = (
            "pend",
            "escalate",
            "resolve",
            "note",
            "update",
            "link_call",
            "promise",
            "keep_promise",
        )
        assert expected == ticket.allowed_events()
        with pytest.raises(TicketTransitionError) as caught:
            ticket.close()
        assert expected == caught.value.allowed

    def test_refusal_in_closed_says_none_is_allowed(self) -> None:
        """A closed ticket's refusal says no event is allowed."""
        ticket, _ = reach(TicketStatus.CLOSED)
        with pytest.raises(TicketTransitionError, match="allowed from this status: none") as caught:
            ticket.reopen("again")
        assert () == caught.value.allowed

    @pytest.mark.parametrize(
        ("status", "act", "field"),
        [
            (TicketStatus.OPEN, lambda t: t.resolve("   "), "resolution"),
            (TicketStatus.OPEN, lambda t: t.pend(""), "waiting_on"),
            (TicketStatus.RESOLVED, lambda t: t.reopen(" "), "reason"),
            (TicketStatus.OPEN, lambda t: t.escalate("Network team"), "escalation"),
            (TicketStatus.ESCALATED, lambda t: t.dispatch("WO-7"), "work_order"),
            (
                TicketStatus.ESCALATED,
                lambda t: t.return_for_rewrite([FINDING, "vague notes"]),
                "findings[1]",
            ),
            (TicketStatus.NEW, lambda t: t.open(by=""), "by"),
            (TicketStatus.OPEN, lambda t: t.resolve("Replaced", by="  "), "by"),
        ],
    )
    def test_bad_arguments_are_refused_and_change_nothing(
        self, status: TicketStatus, act: Step, field: str
    ) -> None:
        """A malformed argument is a ValidationError naming it; the ticket is unchanged."""
        ticket, clock = reach(status)
        before = snapshot(ticket)
        clock.advance(MINUTE)
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            act(ticket)
        assert field == caught.value.field
        assert before == snapshot(ticket)

    def test_a_clock_that_goes_backwards_is_refused(self) -> None:
        """An event stamped before the previous one is refused and changes nothing."""
        now = [START]
        ticket = Ticket(NUMBER, ANA, impact="low", urgency="low", clock=lambda: now[0])
        before = snapshot(ticket)
        now[0] = START - MINUTE
        with pytest.raises(ValidationError, match="'clock' went backwards") as caught:
            ticket.open()
        assert ("clock", START - MINUTE) == (caught.value.field, caught.value.value)
        assert before == snapshot(ticket)

    def test_snapshot_covers_the_ticket(self) -> None:
        """The snapshot used above sees the status, the history and every list the ticket keeps."""
        expected = {"status", "history", "notes", "calls", "work_orders", "promises", "returns"}
        assert expected <= set(PROPERTIES)


class TestUpdate:
    def test_only_the_given_fields_change(self) -> None:
        """update() changes the fields given and leaves the others as they were."""
        ticket, _ = new_ticket(category="hardware")
        ticket.update(diagnosis="printer/pick-up roller", asset_tag="PRN-0042", by="Bill")
        assert ("printer/pick-up roller", "PRN-0042", "hardware", JAMS) == (
            ticket.diagnosis,
            ticket.asset_tag,
            ticket.category,
            ticket.description,
        )
        record = ticket.history[-1]
        assert (
            "update",
            "Bill",
            {"diagnosis": "printer/pick-up roller", "asset_tag": "PRN-0042"},
        ) == (
            record.event,
            record.by,
            record.payload,
        )

    def test_none_clears_a_field(self) -> None:
        """Passing None clears a field."""
        ticket, _ = new_ticket(category="hardware")
        ticket.update(category=None)
        assert ticket.category is None

    def test_impact_and_urgency_change_the_priority(self) -> None:
        """New impact and urgency (given by value) give the ticket a new priority."""
        ticket, _ = new_ticket()
        ticket.update(impact="high", urgency=Urgency.HIGH)
        assert (Impact.HIGH, Urgency.HIGH, Priority.P1) == (
            ticket.impact,
            ticket.urgency,
            ticket.priority,
        )

    @pytest.mark.parametrize("status", OPEN_STATUSES)
    def test_allowed_in_every_open_status_without_moving(self, status: TicketStatus) -> None:
        """update() is recorded in every status but CLOSED and keeps the status."""
        ticket, _ = reach(status)
        ticket.update(category="printing")
        record = ticket.history[-1]
        assert ("printing", status, status, status) == (
            ticket.category,
            ticket.status,
            record.from_status,
            record.to_status,
        )

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({}, "update"),
            ({"description": " "}, "description"),
            ({"diagnosis": 7}, "diagnosis"),
            ({"impact": "enormous"}, "impact"),
            ({"urgency": "yesterday"}, "urgency"),
            ({"category": "printing", "urgency": "now"}, "urgency"),
        ],
    )
    def test_bad_updates_change_nothing(self, fields: dict[str, object], field: str) -> None:
        """A bad or empty update is a ValidationError naming the field; nothing changes."""
        ticket, _ = reach(TicketStatus.OPEN)
        before = snapshot(ticket)
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            ticket.update(**fields)  # type: ignore[arg-type]
        assert field == caught.value.field
        assert before == snapshot(ticket)


class TestNotes:
    def test_note_is_kept_and_returned(self) -> None:
        """note() returns the note, stamped by the clock, and keeps it in order."""
        ticket, clock = reach(TicketStatus.OPEN)
        first = ticket.note("Restarted the spooler", by="Bill", topic=NoteTopic.TRIED)
        clock.advance(MINUTE)
        second = ticket.note("Told Ana a technician will come", by="Bill", kind=NoteKind.SHARED)
        expected_first = Note(
            "Bill", START + MINUTE, "Restarted the spooler", topic=NoteTopic.TRIED
        )
        assert expected_first == first
        assert (NoteKind.SHARED, NoteTopic.GENERAL, START + 2 * MINUTE) == (
            second.kind,
            second.topic,
            second.at,
        )
        assert (first, second) == ticket.notes

    def test_note_is_recorded_without_moving(self) -> None:
        """A note is a history record whose status does not change."""
        ticket, _ = reach(TicketStatus.PENDING)
        note = ticket.note("Waiting for Ana's photo of the error", by="Bill")
        record = ticket.history[-1]
        assert ("note", TicketStatus.PENDING, TicketStatus.PENDING, "Bill", {"note": note}) == (
            record.event,
            record.from_status,
            record.to_status,
            record.by,
            record.payload,
        )

    @pytest.mark.parametrize("status", OPEN_STATUSES)
    def test_notes_are_taken_in_every_open_status(self, status: TicketStatus) -> None:
        """Notes can be added in every status but CLOSED."""
        ticket, _ = reach(status)
        ticket.note("Checked the spooler log", by="Bill")
        assert (1, status) == (len(ticket.notes), ticket.status)

    @pytest.mark.parametrize("text", ["", "fixed", "asdf"])
    def test_text_is_kept_as_written(self, text: str) -> None:
        """Empty or vague text is kept: judging it is the quality check's job."""
        ticket, _ = reach(TicketStatus.OPEN)
        assert text == ticket.note(text, by="Bill").text

    @pytest.mark.parametrize(
        ("text", "by", "field"),
        [("Rebooted", "", "by"), ("Rebooted", None, "by"), (None, "Bill", "text")],
    )
    def test_bad_note_changes_nothing(self, text: object, by: object, field: str) -> None:
        """A note without text or author is refused naming the field."""
        ticket, _ = reach(TicketStatus.OPEN)
        before = snapshot(ticket)
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            ticket.note(text, by=by)  # type: ignore[arg-type]
        assert field == caught.value.field
        assert before == snapshot(ticket)


class TestNote:
    def test_defaults_are_internal_and_general(self) -> None:
        """A note is internal and general unless said otherwise."""
        note = Note(author="Bill", at=START, text="Checked the cable")
        assert (NoteKind.INTERNAL, NoteTopic.GENERAL, False) == (note.kind, note.topic, note.shared)

    def test_shared_note_is_shared(self) -> None:
        """A shared note tells the caller."""
        assert Note("Bill", START, "Told Ana", kind=NoteKind.SHARED).shared

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"author": " "}, "author"),
            ({"at": datetime(2026, 3, 2, 9, 0)}, "at"),
            ({"at": "09:00"}, "at"),
            ({"text": None}, "text"),
            ({"kind": "shared"}, "kind"),
            ({"topic": "tried"}, "topic"),
        ],
    )
    def test_bad_fields_name_the_field(self, fields: dict[str, object], field: str) -> None:
        """Each bad field raises ValidationError naming it."""
        arguments: dict[str, object] = {"author": "Bill", "at": START, "text": "ok", **fields}
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            Note(**arguments)  # type: ignore[arg-type]
        assert field == caught.value.field


class TestLinkCall:
    def test_link_is_kept_and_returned(self) -> None:
        """link_call() records the call, when and whether it was a follow-up."""
        ticket, clock = reach(TicketStatus.OPEN)
        reporting = ticket.link_call("C-1", follow_up=False, by="Bill")
        clock.advance(HOUR)
        follow_up = ticket.link_call(follow_up=True)
        expected = (
            CallLink("C-1", START + MINUTE, False),
            CallLink(None, START + MINUTE + HOUR, True),
        )
        assert expected == (reporting, follow_up)
        assert expected == ticket.calls
        assert ("link_call", {"link": follow_up}) == (
            ticket.history[-1].event,
            ticket.history[-1].payload,
        )

    @pytest.mark.parametrize(
        ("call_id", "follow_up", "field"),
        [("C-1", 1, "follow_up"), ("C-1", None, "follow_up"), ("", True, "call_id")],
    )
    def test_bad_link_changes_nothing(self, call_id: object, follow_up: object, field: str) -> None:
        """``follow_up`` must be a bool and ``call_id`` text; a bad one changes nothing."""
        ticket, _ = reach(TicketStatus.OPEN)
        before = snapshot(ticket)
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            ticket.link_call(call_id, follow_up=follow_up)  # type: ignore[arg-type]
        assert field == caught.value.field
        assert before == snapshot(ticket)


class TestPromises:
    def test_promise_is_made_to_the_caller_on_this_ticket(self) -> None:
        """A promise goes to the caller's user ID by default and names the ticket."""
        ticket, _ = reach(TicketStatus.OPEN)
        made = ticket.promise(PromiseKind.CALLBACK, "call back about the roller", HOUR, by="Bill")
        expected = Promise(
            "P1",
            PromiseKind.CALLBACK,
            "E1234",
            "call back about the roller",
            START + MINUTE,
            START + MINUTE + HOUR,
            made_by="Bill",
            ticket=NUMBER,
        )
        assert expected == made
        assert ((expected,), "promise", {"promise": expected}) == (
            ticket.promises,
            ticket.history[-1].event,
            ticket.history[-1].payload,
        )

    def test_promise_to_a_caller_without_id_goes_to_their_name(self) -> None:
        """Without a user ID, the promise is made to the caller's name."""
        ticket = Ticket(NUMBER, Caller("Bo Lin"), clock=ManualClock(START))
        assert "Bo Lin" == ticket.promise(PromiseKind.STATUS_UPDATE, "news", HOUR).to

    def test_promise_to_someone_else_with_a_due_time(self) -> None:
        """``to`` and an absolute due time are kept as given."""
        ticket, _ = reach(TicketStatus.ESCALATED)
        due = datetime(2026, 3, 3, 12, 0, tzinfo=timezone(timedelta(hours=1)))
        made = ticket.promise(PromiseKind.STATUS_UPDATE, "vendor's answer", due, to="Ana's manager")
        assert ("Ana's manager", due) == (made.to, made.due)

    def test_overdue_are_open_and_past_due(self) -> None:
        """overdue() lists the open promises past their due time, the most overdue first."""
        ticket, clock = reach(TicketStatus.OPEN)
        late_update = ticket.promise(PromiseKind.STATUS_UPDATE, "update", 2 * HOUR)
        callback = ticket.promise(PromiseKind.CALLBACK, "callback", HOUR)
        kept = ticket.promise(PromiseKind.CALLBACK, "kept", HOUR)
        clock.advance(30 * MINUTE)
        ticket.keep_promise(kept.id)
        made_at = START + MINUTE
        assert () == ticket.overdue(made_at + HOUR)
        assert (callback,) == ticket.overdue(made_at + HOUR + MINUTE)
        clock.set(made_at + 3 * HOUR)
        assert (callback, late_update) == ticket.overdue()

    def test_keep_promise_marks_it_kept_now(self) -> None:
        """keep_promise() stamps the promise kept with the clock's time."""
        ticket, clock = reach(TicketStatus.OPEN)
        made = ticket.promise(PromiseKind.CALLBACK, "call back", HOUR)
        clock.advance(20 * MINUTE)
        kept = ticket.keep_promise(made.id, by="Bill")
        assert START + 21 * MINUTE == kept.kept_at
        assert ((kept,), "keep_promise", "Bill") == (
            ticket.promises,
            ticket.history[-1].event,
            ticket.history[-1].by,
        )

    def test_keeping_an_unknown_promise_changes_nothing(self) -> None:
        """An unknown promise id is NotFoundError; nothing changes."""
        ticket, _ = reach(TicketStatus.OPEN)
        ticket.promise(PromiseKind.CALLBACK, "call back", HOUR)
        before = snapshot(ticket)
        with pytest.raises(NotFoundError, match="no promise 'P9'") as caught:
            ticket.keep_promise("P9")
        assert ("promise", "P9") == (caught.value.kind, caught.value.key)
        assert before == snapshot(ticket)

    def test_keeping_a_kept_promise_changes_nothing(self) -> None:
        """A promise is kept once."""
        ticket, _ = reach(TicketStatus.OPEN)
        made = ticket.promise(PromiseKind.CALLBACK, "call back", HOUR)
        ticket.keep_promise(made.id)
        before = snapshot(ticket)
        with pytest.raises(ValidationError, match="kept already") as caught:
            ticket.keep_promise(made.id)
        assert ("promise_id", "P1") == (caught.value.field, caught.value.value)
        assert before == snapshot(ticket)

    @pytest.mark.parametrize(
        ("kind", "what", "due", "field"),
        [
            ("visit", "call back", HOUR, "kind"),
            (PromiseKind.CALLBACK, " ", HOUR, "what"),
            (PromiseKind.CALLBACK, "call back", -HOUR, "due"),
            (PromiseKind.CALLBACK, "call back", START - HOUR, "due"),
        ],
    )
    def test_bad_promise_changes_nothing(
        self, kind: object, what: str, due: object, field: str
    ) -> None:
        """A bad promise is refused naming the field; no promise is recorded."""
        ticket, _ = reach(TicketStatus.OPEN)
        before = snapshot(ticket)
        with pytest.raises(ValidationError, match=re.escape(f"'{field}'")) as caught:
            ticket.promise(kind, what, due)  # type: ignore[arg-type]
        assert field == caught.value.field
        assert before == snapshot(ticket)
        assert "P1" == ticket.promise(PromiseKind.CALLBACK, "call back", HOUR).id

    def test_a_refused_promise_leaves_the_ledger_alone(self) -> None:
        """A promise refused on a closed ticket is not in the ledger afterwards."""
        ticket, _ = reach(TicketStatus.CLOSED)
        with pytest.raises(TicketTransitionError):
            ticket.promise(PromiseKind.CALLBACK, "call back", HOUR)
        assert () == ticket.promises


class TestRequirements:
    @pytest.mark.parametrize(
        ("status", "event", "expected"),
        [
            (TicketStatus.OPEN, "resolve", ("a resolution note (resolution)",)),
            (TicketStatus.NEW, "open", ()),
            (TicketStatus.ESCALATED, "dispatch", ("a work order dispatched for this ticket",)),
            (TicketStatus.RESOLVED, "note", ()),
        ],
    )
    def test_requirements_name_what_a_move_needs(
        self, status: TicketStatus, event: str, expected: tuple[str, ...]
    ) -> None:
        """requirements() lists the guards' phrases for an allowed event."""
        ticket, _ = reach(status)
        assert expected == ticket.requirements(event)

    def test_requirements_of_a_move_not_allowed(self) -> None:
        """requirements() of an event not allowed now raises TicketTransitionError."""
        ticket, _ = reach(TicketStatus.NEW)
        with pytest.raises(TicketTransitionError, match="'close' refused in status NEW") as caught:
            ticket.requirements("close")
        assert ("close", TicketStatus.NEW) == (caught.value.event, caught.value.status)


class TestSla:
    """The SLA clocks derived from the history, with targets 30 min / 1 h / 4 h for all."""

    def new(self) -> tuple[Ticket, ManualClock]:
        return new_ticket(sla_policy=uniform_targets())

    def test_no_priority_no_clocks(self) -> None:
        """A ticket without a priority has no SLA clocks."""
        ticket, _ = new_ticket(impact=None)
        assert ticket.sla_clocks() is None

    def test_a_new_ticket_has_three_running_clocks(self) -> None:
        """All three clocks start when the ticket is logged and run to their targets."""
        ticket, _ = self.new()
        clocks = ticket.sla_clocks()
        assert clocks is not None
        assert (START + 30 * MINUTE, START + HOUR, START + 4 * HOUR) == (
            clocks.first_response.due(),
            clocks.update.due(),
            clocks.resolution.due(),
        )
        assert all(clock.running for clock in clocks.clocks)

    def test_first_response_stops_on_open(self) -> None:
        """Opening the ticket is the first response; the other clocks run on."""
        ticket, clock = self.new()
        clock.advance(10 * MINUTE)
        ticket.open()
        clocks = ticket.sla_clocks()
        assert clocks is not None
        assert START + 10 * MINUTE == clocks.first_response.stopped_at
        assert (True, True) == (clocks.update.running, clocks.resolution.running)

    def test_a_shared_note_before_opening_is_the_first_response(self) -> None:
        """A note shared with the caller answers them; opening later does not move that."""
        ticket, clock = self.new()
        clock.advance(5 * MINUTE)
        ticket.note("We are looking at it", by="Bill", kind=NoteKind.SHARED)
        clock.advance(15 * MINUTE)
        ticket.open()
        clocks = ticket.sla_clocks()
        assert clocks is not None
        assert START + 5 * MINUTE == clocks.first_response.stopped_at

    def test_an_internal_note_is_no_response(self) -> None:
        """An internal note does not stop the first-response clock nor restart keep-in-loop."""
        ticket, clock = self.new()
        clock.advance(5 * MINUTE)
        ticket.note("Looked at the spooler log", by="Bill")
        clocks = ticket.sla_clocks()
        assert clocks is not None
        assert (True, START) == (clocks.first_response.running, clocks.update.started_at)

    def test_clocks_pause_while_pending(self) -> None:
        """PENDING pauses the running clocks; their due times move by the time spent waiting."""
        ticket, clock = self.new()
        clock.advance(10 * MINUTE)
        ticket.open()
        clock.set(START + 30 * MINUTE)
        ticket.pend("the caller's reply")
        pending = ticket.sla_clocks()
        assert pending is not None
        assert (True, True, True) == (
            pending.first_response.stopped,
            pending.update.paused,
            pending.resolution.paused,
        )
        assert (None, None) == (pending.update.due(), pending.resolution.due())
        clock.advance(2 * HOUR)
        ticket.resume()
        resumed = ticket.sla_clocks()
        assert resumed is not None
        assert (START + 3 * HOUR, START + 6 * HOUR) == (
            resumed.update.due(),
            resumed.resolution.due(),
        )
        assert START + 10 * MINUTE == resumed.first_response.stopped_at

    def test_keep_in_loop_restarts_on_a_shared_note(self) -> None:
        """Each shared note restarts the keep-in-loop clock from its time."""
        ticket, clock = self.new()
        ticket.open()
        clock.advance(40 * MINUTE)
        ticket.note("The technician is on the way", by="Bill", kind=NoteKind.SHARED)
        clock.advance(10 * MINUTE)
        ticket.note("Ordered a roller", by="Bill")
        clocks = ticket.sla_clocks()
        assert clocks is not None
        assert (START + 40 * MINUTE, START + 100 * MINUTE) == (
            clocks.update.started_at,
            clocks.update.due(),
        )
        assert START + 4 * HOUR == clocks.resolution.due()

    def test_resolution_stops_on_resolve_and_runs_again_on_reopen(self) -> None:
        """Resolving stops resolution and keep-in-loop; reopening runs them again."""
        ticket, clock = self.new()
        ticket.open()
        clock.set(START + 2 * HOUR)
        ticket.resolve("Replaced the roller")
        resolved = ticket.sla_clocks()
        assert resolved is not None
        assert (START + 2 * HOUR, True) == (
            resolved.resolution.stopped_at,
            resolved.update.stopped,
        )
        clock.advance(HOUR)
        ticket.reopen("It jams again")
        reopened = ticket.sla_clocks()
        assert reopened is not None
        assert (True, True) == (reopened.resolution.running, reopened.update.running)
        # The hour it stayed resolved does not count against the 4 h target.
        assert START + 5 * HOUR == reopened.resolution.due()
        assert (START + 3 * HOUR, START + 4 * HOUR) == (
            reopened.update.started_at,
            reopened.update.due(),
        )
        assert START == reopened.first_response.stopped_at

    def test_dispatch_stops_the_resolution_clock(self) -> None:
        """A dispatched work order resolves the ticket, so its resolution clock stops."""
        ticket, clock = self.new()
        ticket.open()
        ticket.escalate(escalation())
        clock.set(START + 90 * MINUTE)
        ticket.dispatch(work_order())
        clocks = ticket.sla_clocks()
        assert clocks is not None
        assert START + 90 * MINUTE == clocks.resolution.stopped_at

    def test_clocks_use_the_current_priority(self) -> None:
        """After a change of priority the clocks run to the new priority's targets."""
        slow = ServiceTarget(timedelta(hours=2), timedelta(hours=4), timedelta(hours=8))
        fast = ServiceTarget(15 * MINUTE, 30 * MINUTE, timedelta(hours=2))
        targets = dict.fromkeys(Priority, slow)
        targets[Priority.P1] = fast
        ticket, _ = new_ticket(sla_policy=SlaPolicy(targets=targets))
        before = ticket.sla_clocks()
        ticket.update(impact="high")
        after = ticket.sla_clocks()
        assert before is not None
        assert after is not None
        assert (START + 8 * HOUR, START + 2 * HOUR) == (
            before.resolution.due(),
            after.resolution.due(),
        )
