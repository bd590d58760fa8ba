"""Ticket quality (CF901-CF905), vague notes in five languages, the supervisor's review (CF603)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from callflow import (
    Caller,
    Escalation,
    ManualClock,
    QualityPolicy,
    RuleBreach,
    Target,
    Ticket,
    TicketStatus,
    ValidationError,
    WorkOrder,
    check_ticket,
    review_escalation,
)
from callflow.notes import NoteKind, NoteTopic
from callflow.quality import DEFAULT_VAGUE_PHRASES, WRITING_RULES, is_vague

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NUMBER = "T-1"
ANA = Caller("Ana Souza", user_id="E1234")

TRIED = "Restarted the print spooler and cleared the queue."
RESULT = "The printer still jams on every page fed from tray 2."
DIAGNOSIS = "Worn pick-up roller in tray 2 of printer PRN-0042."
NEXT_STEP = "Desk-side support replaces the tray 2 pick-up roller."
GOOD_NOTES = (
    (NoteTopic.TRIED, TRIED),
    (NoteTopic.RESULT, RESULT),
    (NoteTopic.DIAGNOSIS, DIAGNOSIS),
    (NoteTopic.NEXT_STEP, NEXT_STEP),
)
PARTS = {
    NoteTopic.TRIED: ("notes", "what was tried"),
    NoteTopic.RESULT: ("notes", "what it showed"),
    NoteTopic.DIAGNOSIS: ("diagnosis", "the diagnosis"),
    NoteTopic.NEXT_STEP: ("notes", "the next step"),
}
"""What CF902 says, and about which field, when a topic's note is missing."""


def a_ticket(
    caller: Caller = ANA,
    notes: tuple[tuple[NoteTopic, str], ...] = GOOD_NOTES,
    **fields: object,
) -> Ticket:
    """An open printer ticket with every field and a useful note on every topic, unless changed."""
    arguments: dict[str, object] = {
        "description": "The printer on floor 2 jams on every page",
        "category": "hardware",
        "asset_tag": "PRN-0042",
        "impact": "medium",
        "urgency": "high",
        "clock": ManualClock(START),
        **fields,
    }
    ticket = Ticket(NUMBER, caller, **arguments)  # type: ignore[arg-type]
    ticket.open(by="Bill")
    for topic, text in notes:
        ticket.note(text, by="Bill", topic=topic)
    return ticket


def escalation() -> Escalation:
    return Escalation(
        Target("Desk-side support"),
        "the roller needs replacing on site",
        ticket=NUMBER,
        next_steps="a technician replaces the roller at the printer",
        timeframe=timedelta(hours=4),
        read_back=True,
    )


def work_order() -> WorkOrder:
    return WorkOrder(
        number="WO-7",
        ticket=NUMBER,
        supervisor="Dana",
        technician="Luis",
        instructions=NEXT_STEP,
        dispatched_at=START,
    )


def rules(breaches: tuple[RuleBreach, ...]) -> list[tuple[str, str | None]]:
    return [(breach.rule, breach.field) for breach in breaches]


def without(topic: NoteTopic) -> tuple[tuple[NoteTopic, str], ...]:
    return tuple((t, text) for t, text in GOOD_NOTES if t is not topic)


class TestGoodTicket:
    def test_a_complete_ticket_has_no_breach(self) -> None:
        """Every field filled and a useful note on every part: nothing to report."""
        assert () == check_ticket(a_ticket())

    @pytest.mark.parametrize(("field", "kind"), [("ticket", "Ticket"), ("policy", "QualityPolicy")])
    def test_bad_arguments(self, field: str, kind: str) -> None:
        """check_ticket takes a Ticket and a QualityPolicy, and says which it did not get."""
        given: dict[str, object] = {"ticket": a_ticket(), "policy": QualityPolicy()}
        given[field] = "T-1"
        with pytest.raises(ValidationError) as caught:
            check_ticket(**given)  # type: ignore[arg-type]
        assert (field, "T-1", f"'{field}' must be a {kind} (got 'T-1')") == (
            caught.value.field,
            caught.value.value,
            str(caught.value),
        )


class TestCF901MissingFields:
    @pytest.mark.parametrize(
        ("caller", "fields", "field", "what"),
        [
            (Caller("Ana Souza"), {}, "caller.user_id", "the caller's user or employee ID"),
            (ANA, {"category": None}, "category", "a category"),
            (ANA, {"asset_tag": None}, "asset_tag", "the unit's asset tag (category 'hardware')"),
            (ANA, {"impact": None}, "priority", "a priority (impact and urgency)"),
            (ANA, {"urgency": None}, "priority", "a priority (impact and urgency)"),
            (ANA, {"description": None}, "description", "the problem in the caller's words"),
        ],
    )
    def test_each_missing_field_is_a_breach(
        self, caller: Caller, fields: dict[str, object], field: str, what: str
    ) -> None:
        """A missing field is one CF901 breach naming it."""
        breaches = check_ticket(a_ticket(caller, **fields))  # type: ignore[arg-type]
        assert (RuleBreach("CF901", f"ticket T-1 lacks {what}.", field),) == breaches

    def test_several_missing_fields_are_one_breach_each(self) -> None:
        """A ticket missing everything gets a breach per field, in a fixed order."""
        bare = a_ticket(
            Caller("Ana Souza"), category=None, impact=None, urgency=None, description=None
        )
        expected = [
            ("CF901", "caller.user_id"),
            ("CF901", "category"),
            ("CF901", "priority"),
            ("CF901", "description"),
        ]
        assert expected == rules(check_ticket(bare))

    def test_asset_tag_only_for_asset_categories(self) -> None:
        """A network ticket needs no asset tag by default."""
        assert () == check_ticket(a_ticket(category="network", asset_tag=None))

    def test_asset_categories_compare_without_case(self) -> None:
        """'Hardware' is the hardware category."""
        breaches = check_ticket(a_ticket(category="Hardware", asset_tag=None))
        assert [("CF901", "asset_tag")] == rules(breaches)

    def test_asset_categories_are_configurable(self) -> None:
        """A desk can say which categories need an asset tag."""
        policy = QualityPolicy(asset_categories=["Network", "Printers"])
        network = a_ticket(category="network", asset_tag=None)
        hardware = a_ticket(category="hardware", asset_tag=None)
        assert [("CF901", "asset_tag")] == rules(check_ticket(network, policy))
        assert () == check_ticket(hardware, policy)


class TestCF902MissingParts:
    @pytest.mark.parametrize("topic", list(PARTS))
    def test_each_missing_part_is_a_breach(self, topic: NoteTopic) -> None:
        """Notes that do not say one of the four parts give one CF902 breach for it."""
        field, what = PARTS[topic]
        breaches = check_ticket(a_ticket(notes=without(topic)))
        assert (RuleBreach("CF902", f"ticket T-1 does not say {what}.", field),) == breaches

    def test_no_notes_miss_every_part(self) -> None:
        """A ticket with no notes says none of the four parts."""
        expected = [("CF902", "notes"), ("CF902", "notes"), ("CF902", "diagnosis")]
        expected.append(("CF902", "notes"))
        assert expected == rules(check_ticket(a_ticket(notes=())))

    def test_a_vague_note_does_not_count_as_the_part(self) -> None:
        """A TRIED note that says 'done' does not say what was tried (and is itself vague)."""
        notes = ((NoteTopic.TRIED, "done"), *without(NoteTopic.TRIED))
        expected = [("CF902", "notes"), ("CF903", "notes[0]")]
        assert expected == rules(check_ticket(a_ticket(notes=notes)))

    def test_a_note_on_another_topic_does_not_count(self) -> None:
        """A useful general note does not stand in for what was tried."""
        notes = ((NoteTopic.GENERAL, TRIED), *without(NoteTopic.TRIED))
        assert [("CF902", "notes")] == rules(check_ticket(a_ticket(notes=notes)))

    def test_the_ticket_diagnosis_counts(self) -> None:
        """A diagnosis recorded on the ticket stands in for a diagnosis note."""
        ticket = a_ticket(notes=without(NoteTopic.DIAGNOSIS))
        ticket.update(diagnosis="printer/pick-up roller")
        assert () == check_ticket(ticket)

    def test_a_resolution_note_counts_as_the_next_step(self) -> None:
        """A RESOLUTION note says what happens next: nothing, it is fixed."""
        notes = (
            *without(NoteTopic.NEXT_STEP),
            (NoteTopic.RESOLUTION, "Replaced the roller; 50 pages printed."),
        )
        assert () == check_ticket(a_ticket(notes=notes))

    def test_the_resolution_counts_as_the_next_step(self) -> None:
        """A resolved ticket's resolution says what was done."""
        ticket = a_ticket(notes=without(NoteTopic.NEXT_STEP))
        ticket.resolve("Replaced the pick-up roller")
        assert () == check_ticket(ticket)

    def test_an_escalation_next_steps_count(self) -> None:
        """An escalation tells the next steps."""
        ticket = a_ticket(notes=without(NoteTopic.NEXT_STEP))
        ticket.escalate(escalation())
        assert () == check_ticket(ticket)


class TestCF903VagueNotes:
    def test_a_vague_note_is_a_breach_naming_it(self) -> None:
        """A stock-phrase note is a CF903 breach at its index, quoting it and its author."""
        ticket = a_ticket()
        ticket.note("See above", by="Carla")
        expected = RuleBreach(
            "CF903",
            "note 4 of ticket T-1 by Carla is a stock phrase (see above): 'See above'.",
            "notes[4]",
        )
        assert (expected,) == check_ticket(ticket)

    def test_each_vague_note_is_a_breach(self) -> None:
        """Every vague note is reported, whatever its kind."""
        ticket = a_ticket()
        ticket.note("asdf", by="Bill")
        ticket.note("", by="Bill", kind=NoteKind.SHARED)
        ticket.note(DIAGNOSIS, by="Bill")
        assert [("CF903", "notes[4]"), ("CF903", "notes[5]")] == rules(check_ticket(ticket))

    def test_useful_notes_are_not(self) -> None:
        """The good notes raise no CF903."""
        assert [] == [b for b in check_ticket(a_ticket()) if b.rule == "CF903"]

    def test_the_minimum_length_is_the_policy_s(self) -> None:
        """A note shorter than the policy's minimum is vague; a lower minimum accepts it."""
        ticket = a_ticket()
        ticket.note("Checked the cable", by="Bill")  # 15 characters, spaces aside
        assert [("CF903", "notes[4]")] == rules(check_ticket(ticket))
        assert () == check_ticket(ticket, QualityPolicy(min_note_length=15))


class TestCF904UnsignedWork:
    def dispatched(self) -> tuple[Ticket, WorkOrder]:
        ticket = a_ticket()
        ticket.escalate(escalation())
        order = work_order()
        ticket.dispatch(order, by="Dana")
        return ticket, order

    def test_completed_unsigned_work_order_is_a_breach(self) -> None:
        """A work order done but not signed by its technician is a CF904 breach."""
        ticket, order = self.dispatched()
        order.complete(
            work_done="Replaced the roller", at=START + timedelta(days=1), signed_by=None
        )
        expected = RuleBreach(
            "CF904",
            "work order WO-7 was completed but not signed by its technician Luis.",
            "work_orders[0]",
        )
        assert (expected,) == check_ticket(ticket)

    def test_signed_work_order_is_not(self) -> None:
        """A work order signed by its technician is fine."""
        ticket, order = self.dispatched()
        order.complete(
            work_done="Replaced the roller", at=START + timedelta(days=1), signed_by="Luis"
        )
        assert () == check_ticket(ticket)

    def test_work_not_done_yet_is_not(self) -> None:
        """A work order still under way owes no signature yet."""
        ticket, _ = self.dispatched()
        assert () == check_ticket(ticket)


class TestCF905NewCases:
    def test_a_second_reporting_call_is_a_breach(self) -> None:
        """Two calls reporting a problem on one ticket: the second should have been a new case."""
        ticket = a_ticket()
        ticket.link_call("C-1", follow_up=False)
        ticket.link_call("C-2", follow_up=True)
        ticket.link_call("C-3", follow_up=False)
        [breach] = check_ticket(ticket)
        assert ("CF905", "calls[2]") == (breach.rule, breach.field)
        assert (
            "call C-3 reported a problem on ticket T-1, which an earlier call had reported:"
            " a new problem is a new case, an update is a follow-up."
        ) == breach.message

    def test_each_extra_reporting_call_is_a_breach(self) -> None:
        """Every reporting call after the first is reported; an unnamed one says so."""
        ticket = a_ticket()
        for _ in range(3):
            ticket.link_call(follow_up=False)
        breaches = check_ticket(ticket)
        assert [("CF905", "calls[1]"), ("CF905", "calls[2]")] == rules(breaches)
        assert breaches[0].message.startswith("call (unnamed) reported")

    def test_follow_ups_are_not(self) -> None:
        """One reporting call and any number of follow-ups are fine."""
        ticket = a_ticket()
        ticket.link_call("C-1", follow_up=False)
        ticket.link_call("C-2", follow_up=True)
        ticket.link_call("C-3", follow_up=True)
        assert () == check_ticket(ticket)

    def test_follow_ups_alone_are_not(self) -> None:
        """A ticket worked only by follow-ups reports nothing."""
        ticket = a_ticket()
        ticket.link_call("C-1", follow_up=True)
        assert () == check_ticket(ticket)


class TestOrder:
    def test_breaches_come_in_rule_order(self) -> None:
        """CF901, CF902, CF903, CF904, CF905, whatever order the problems arose in."""
        ticket = a_ticket(Caller("Ana Souza"), notes=without(NoteTopic.RESULT))
        ticket.link_call("C-1", follow_up=False)
        ticket.link_call("C-2", follow_up=False)
        ticket.escalate(escalation())
        order = work_order()
        ticket.dispatch(order)
        order.complete(work_done="Replaced the roller", at=START, signed_by=None)
        ticket.reopen("It jams again")
        ticket.note("n/a", by="Bill")
        expected = ["CF901", "CF902", "CF903", "CF904", "CF905"]
        assert expected == [breach.rule for breach in check_ticket(ticket)]


class TestIsVague:
    @pytest.mark.parametrize(
        ("text", "phrase"),
        [
            # English
            ("Fixed", "fixed"),
            ("see above.", "see above"),
            ("N/A", "n/a"),
            ("Works   now!", "works now"),
            ("TBD", "tbd"),
            ("?", "?"),
            ("...", "..."),
            # Portuguese
            ("Resolvido.", "resolvido"),
            ("ver acima", "ver acima"),
            ("Funcionando", "funcionando"),
            # Spanish
            ("Arreglado", "arreglado"),
            ("Igual que arriba", "igual que arriba"),
            ("¡Listo!", "listo"),
            # Italian
            ("Risolto", "risolto"),
            ("Come sopra.", "come sopra"),
            ("vedi sopra", "vedi sopra"),
            # French
            ("Réglé", "réglé"),
            ("Re\u0301gle\u0301", "réglé"),  # decomposed accents read the same
            ("Voir ci-dessus", "voir ci-dessus"),
            ("Ça marche !", "ça marche"),
            ("idem", "idem"),
        ],
    )
    def test_stock_phrases_in_five_languages(self, text: str, phrase: str) -> None:
        """A note that is only a stock phrase is vague, whatever its case, spacing or end mark."""
        assert f"a stock phrase ({phrase})" == is_vague(text)

    @pytest.mark.parametrize(
        "text", ["asdf", "ASDF", "qwerty", "jkl;", "as df", "zxcvbnm", "azerty", "qwertz", "wxcvbn"]
    )
    def test_keyboard_mashing(self, text: str) -> None:
        """Letters typed along a keyboard row (QWERTY, AZERTY, QWERTZ) say nothing."""
        assert "keyboard mashing" == is_vague(text)

    @pytest.mark.parametrize("text", ["as", "asdf1", "fdsa"])
    def test_not_mashing(self, text: str) -> None:
        """Two letters, digits among them, or a row typed backwards are merely too short."""
        assert f"too short ({len(text)} characters, at least 20)" == is_vague(text)

    @pytest.mark.parametrize(
        ("text", "length"), [("Rebooted the PC", 13), ("x" * 19, 19), (" a b ", 2)]
    )
    def test_too_short(self, text: str, length: int) -> None:
        """Under the minimum length (20 characters, spaces aside) a note is too short."""
        assert f"too short ({length} characters, at least 20)" == is_vague(text)

    @pytest.mark.parametrize(
        "text",
        [
            "x" * 20,
            "Printer jams on tray 2 only; tray 1 prints fine.",
            "Fixed the jam by replacing the pick-up roller",
            "Reiniciei o spooler de impressão",
        ],
    )
    def test_useful_notes(self, text: str) -> None:
        """A note of at least the minimum length that is not a stock phrase is fine."""
        assert is_vague(text) is None

    @pytest.mark.parametrize("text", ["", "   ", "\n\t"])
    def test_empty(self, text: str) -> None:
        """An empty or blank note is empty."""
        assert "empty" == is_vague(text)

    @pytest.mark.parametrize("policy", ["strict", None, 20])
    def test_policy_must_be_a_policy(self, policy: object) -> None:
        """is_vague refuses a policy that is not a QualityPolicy, naming it."""
        with pytest.raises(ValidationError) as caught:
            is_vague("Printer jams on tray 2 only", policy)  # type: ignore[arg-type]
        assert ("policy", f"'policy' must be a QualityPolicy (got {policy!r})") == (
            caught.value.field,
            str(caught.value),
        )
        assert policy is caught.value.value

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("a s d", "keyboard mashing"),  # spaced out, still one row
            ("asdfghjklasdfghjklasdfghjkl", "too short (27 characters, at least 30)"),
            ("asdfghjkl", "keyboard mashing"),  # a whole row
            ("asd-f", "too short (5 characters, at least 30)"),  # a sign among the letters
            ("qwas", "too short (4 characters, at least 30)"),  # two rows
        ],
    )
    def test_mashing_is_one_row_of_letters_only(self, text: str, why: str) -> None:
        """Mashing: three or more letters of one key row, nothing but letters and spaces.

        A row typed three times over is not a substring of the row, so it is
        judged as any text (here, too short).
        """
        assert why == is_vague(text, QualityPolicy(min_note_length=30))

    def test_text_must_be_text(self) -> None:
        """is_vague refuses anything but a string."""
        with pytest.raises(ValidationError) as caught:
            is_vague(42)  # type: ignore[arg-type]
        assert ("text", 42, "'text' must be text (got 42)") == (
            caught.value.field,
            caught.value.value,
            str(caught.value),
        )


class TestQualityPolicy:
    def test_defaults(self) -> None:
        """20 characters, the stock phrases of five languages, asset tags for hardware."""
        policy = QualityPolicy()
        assert (20, frozenset({"hardware"})) == (policy.min_note_length, policy.asset_categories)
        assert {"fixed", "resolvido", "arreglado", "risolto", "réglé"} <= policy.vague_phrases
        assert len(DEFAULT_VAGUE_PHRASES) == len(policy.vague_phrases)

    def test_writing_rules(self) -> None:
        """The rules a ticket is returned for are the writing ones."""
        assert frozenset({"CF901", "CF902", "CF903"}) == WRITING_RULES

    def test_min_note_length(self) -> None:
        """A desk can lower or raise the minimum length."""
        assert is_vague("Rebooted the PC", QualityPolicy(min_note_length=13)) is None
        assert "too short (13 characters, at least 14)" == is_vague(
            "Rebooted the PC", QualityPolicy(min_note_length=14)
        )

    def test_vague_phrases_replace_the_defaults_and_are_normalised(self) -> None:
        """Own phrases are compared like notes (case, spaces, end marks); the defaults go."""
        policy = QualityPolicy(vague_phrases=["  Sorted   OUT! ", "Vu"])
        assert frozenset({"sorted out", "vu"}) == policy.vague_phrases
        assert "a stock phrase (sorted out)" == is_vague("sorted out.", policy)
        assert "too short (5 characters, at least 20)" == is_vague("fixed", policy)

    @pytest.mark.parametrize("value", [0, -3, True, 2.5, "20", None])
    def test_min_note_length_must_be_positive(self, value: object) -> None:
        """The minimum length is a whole number of at least 1."""
        with pytest.raises(ValidationError, match="'min_note_length' must be a positive") as caught:
            QualityPolicy(min_note_length=value)  # type: ignore[arg-type]
        assert ("min_note_length", value) == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize("field", ["vague_phrases", "asset_categories"])
    @pytest.mark.parametrize("value", ["hardware", 3, ["fixed", 3], ["fixed", " "], None])
    def test_phrase_sets_must_be_collections_of_text(self, field: str, value: object) -> None:
        """A bare string (which would be split into letters) or a non-text item is refused."""
        with pytest.raises(
            ValidationError, match=f"'{field}' must be a collection of non-empty texts"
        ) as caught:
            QualityPolicy(**{field: value})  # type: ignore[arg-type]
        assert (field, value) == (caught.value.field, caught.value.value)


class TestReviewEscalation:
    def test_a_poorly_written_escalated_ticket_goes_back_to_open(self) -> None:
        """CF603: the supervisor returns it to its writer, the writing findings as the reason."""
        ticket = a_ticket(Caller("Ana Souza"), notes=((NoteTopic.TRIED, "fixed"),))
        ticket.escalate(escalation(), by="Bill")
        found = check_ticket(ticket)
        returned = review_escalation(ticket, by="Dana")
        expected = [
            ("CF901", "caller.user_id"),
            ("CF902", "notes"),
            ("CF902", "notes"),
            ("CF902", "diagnosis"),
            ("CF903", "notes[0]"),
        ]
        assert expected == rules(returned)
        assert found == returned
        assert (TicketStatus.OPEN, (returned,)) == (ticket.status, ticket.returns)
        record = ticket.history[-1]
        assert ("return_for_rewrite", TicketStatus.ESCALATED, "Dana", {"findings": returned}) == (
            record.event,
            record.from_status,
            record.by,
            record.payload,
        )

    def test_only_writing_findings_are_the_reason(self) -> None:
        """Breaches of other rules (here CF905) are not sent back with the ticket."""
        ticket = a_ticket(notes=without(NoteTopic.RESULT))
        ticket.link_call("C-1", follow_up=False)
        ticket.link_call("C-2", follow_up=False)
        ticket.escalate(escalation())
        returned = review_escalation(ticket)
        assert [("CF902", "notes")] == rules(returned)
        assert all(breach.rule in WRITING_RULES for breach in returned)

    def test_a_well_written_escalated_ticket_stays_escalated(self) -> None:
        """A ticket that passes the writing checks is left where it is."""
        ticket = a_ticket(notes=without(NoteTopic.NEXT_STEP))
        ticket.escalate(escalation())
        history = ticket.history
        assert () == review_escalation(ticket, by="Dana")
        assert (TicketStatus.ESCALATED, history, ()) == (
            ticket.status,
            ticket.history,
            ticket.returns,
        )

    def test_other_breaches_alone_do_not_return_it(self) -> None:
        """An escalated ticket whose only breach is CF905 stays escalated."""
        ticket = a_ticket()
        ticket.link_call("C-1", follow_up=False)
        ticket.link_call("C-2", follow_up=False)
        ticket.escalate(escalation())
        assert ["CF905"] == [breach.rule for breach in check_ticket(ticket)]
        assert () == review_escalation(ticket)
        assert TicketStatus.ESCALATED == ticket.status

    def test_a_ticket_not_escalated_is_left_alone(self) -> None:
        """A poorly written ticket that is not escalated is not returned: nothing moves."""
        ticket = a_ticket(Caller("Ana Souza"))
        history = ticket.history
        assert () == review_escalation(ticket)
        assert (TicketStatus.OPEN, history) == (ticket.status, ticket.history)

    def test_a_rewritten_ticket_passes_the_next_review(self) -> None:
        """Returned, completed by its writer and escalated again, the ticket stays escalated."""
        ticket = a_ticket(notes=without(NoteTopic.DIAGNOSIS), asset_tag=None)
        ticket.escalate(escalation())
        assert [("CF901", "asset_tag"), ("CF902", "diagnosis")] == rules(review_escalation(ticket))
        ticket.update(asset_tag="PRN-0042", diagnosis="printer/pick-up roller")
        ticket.escalate(escalation())
        assert () == review_escalation(ticket)
        assert TicketStatus.ESCALATED == ticket.status

    def test_the_policy_is_used(self) -> None:
        """The review judges by the policy it is given."""
        ticket = a_ticket(notes=((NoteTopic.TRIED, "Cable ok"), *without(NoteTopic.TRIED)))
        ticket.escalate(escalation())
        assert () == review_escalation(ticket, policy=QualityPolicy(min_note_length=7))
        assert [("CF902", "notes"), ("CF903", "notes[0]")] == rules(
            review_escalation(ticket, policy=QualityPolicy())
        )

    def test_the_message_names_the_ticket(self) -> None:
        """The findings say which ticket they are about."""
        ticket = a_ticket(description=None)
        ticket.escalate(escalation())
        [finding] = review_escalation(ticket)
        assert re.fullmatch(
            r"ticket T-1 lacks the problem in the caller's words\.", finding.message
        )


class TestVagueDiagnosis:
    def test_a_stock_phrase_is_no_diagnosis(self) -> None:
        """CF902: a diagnosis of "?" or "n/a" says nothing; a short real label does."""
        clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        ticket = Ticket("T-1", Caller("Ana Souza", user_id="E1234"), clock=clock)
        ticket.update(diagnosis="n/a")
        vague = [b.field for b in check_ticket(ticket) if b.rule == "CF902"]
        ticket.update(diagnosis="printer/feed")
        labelled = [b.field for b in check_ticket(ticket) if b.rule == "CF902"]
        assert (True, False) == ("diagnosis" in vague, "diagnosis" in labelled)
