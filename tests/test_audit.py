"""The audit engine: a transcript's events replayed through the procedure, findings on turns."""

import json
import pickle
from datetime import timedelta
from typing import Any

import pytest
from tests.audit_transcripts import resolved_call, transcript

from callflow import Stage, Thresholds
from callflow.audit import AuditConfig, AuditContext, AuditReport, Looks, Rulebook, Section, audit
from callflow.audit.checks import procedure, troubleshooting_budget
from callflow.audit.engine import _replayed, has_words, quote
from callflow.audit.transcript import Transcript
from callflow.errors import TranscriptError, ValidationError
from callflow.records import Finding


def audited(
    events: list[dict[str, Any]], config: AuditConfig | None = None, **kw: Any
) -> AuditReport:
    return audit(Transcript.from_dict(transcript(events, **kw)), config)


def without(events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [event for event in events if event["event"] != name]


def replaced(events: list[dict[str, Any]], name: str, **changes: Any) -> list[dict[str, Any]]:
    return [{**event, **changes} if event["event"] == name else event for event in events]


def delayed(events: list[dict[str, Any]], name: str, seconds: float) -> list[dict[str, Any]]:
    """``events`` with ``name`` and every event after it ``seconds`` later."""
    start = next(i for i, event in enumerate(events) if event["event"] == name)
    return [
        {**event, "at": event["at"] + seconds} if i >= start else event
        for i, event in enumerate(events)
    ]


class TestProcedure:
    def test_a_call_by_the_book_has_no_finding(self) -> None:
        report = audited(resolved_call())
        assert report.findings == ()
        assert not report.has_errors

    def test_the_answer_is_implied_when_the_events_start_later(self) -> None:
        """A conversation was recorded, so the call was answered: no CF001 for a missing answer."""
        assert audited(without(resolved_call(), "answer")).findings == ()

    def test_agent_hanging_up_first(self) -> None:
        report = audited(replaced(resolved_call(), "hang_up", by="agent"))
        assert report.codes == ("CF706",)
        assert report.has_errors

    def test_no_anything_else(self) -> None:
        report = audited(replaced(resolved_call(), "goodbye", anything_else_asked=False))
        assert report.codes == ("CF702",)

    def test_a_diagnosis_skipped(self) -> None:
        events = without(resolved_call(), "diagnose")
        assert "CF405" in audited(events).codes

    def test_no_events_no_event_findings(self) -> None:
        assert audited([]).findings == ()

    def test_an_event_after_the_end_is_unusable_input(self) -> None:
        events = [*resolved_call(), {"event": "listen", "at": 400, "problem": "one more"}]
        with pytest.raises(TranscriptError) as caught:
            audited(events)
        assert caught.value.field.startswith("events[9]")
        assert caught.value.call_id == "C-1"


class TestPlacement:
    def test_findings_quote_the_agents_last_turn(self) -> None:
        turns = [
            {"speaker": "agent", "text": "ACME IT, Giulia speaking.", "start": 0, "end": 3},
            {"speaker": "caller", "text": "Bye then.", "start": 320, "end": 329},
            {"speaker": "agent", "text": "Goodbye!", "start": 329, "end": 330},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        (finding,) = report.findings
        assert (finding.turn, finding.evidence) == (2, "Goodbye!")

    def test_never_the_callers_words(self) -> None:
        turns = [
            {"speaker": "agent", "text": "Hello.", "start": 0, "end": 1},
            {"speaker": "caller", "text": "I need it ASAP, bye.", "start": 300, "end": 331},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(0, "Hello.")]

    def test_turns_without_times_place_nothing(self) -> None:
        turns = [{"speaker": "agent", "text": "Hello."}, {"speaker": "caller", "text": "Hi."}]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(None, None)]

    def test_a_wordless_agent_turn_is_skipped_by_time(self) -> None:
        turns = [
            {"speaker": "agent", "text": "[noise] ACME IT.", "start": 0, "end": 3},
            {"speaker": "agent", "text": "Goodbye!", "start": 320, "end": 321},
            {"speaker": "agent", "text": "[noise]", "start": 329, "end": 330},
            {"speaker": "agent", "text": " <unk> (laughs) ", "start": 329.5, "end": 330},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(1, "Goodbye!")]

    def test_no_agent_turn_with_words_before_places_nothing(self) -> None:
        turns = [
            {"speaker": "caller", "text": "Hello?", "start": 0, "end": 1},
            {"speaker": "agent", "text": "", "start": 2, "end": 3},
            {"speaker": "agent", "text": "Bye.", "start": 400, "end": 401},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(None, None)]

    def test_long_turns_are_cut_at_a_word(self) -> None:
        from callflow.audit.transcript import Turn

        long = Turn(speaker="agent", text="word " * 100)
        quoted = quote(long)
        assert quoted is not None
        assert quoted.endswith(" ...")
        assert len(quoted) <= 204
        assert quote(Turn(speaker="agent", text="  a   b ")) == "a b"
        assert quote(Turn(speaker="agent", text="   ")) is None


class TestChannelsAndConfig:
    def test_phone_rules_are_not_reported_on_a_chat(self) -> None:
        events = replaced(resolved_call(), "hang_up", by="agent")
        assert audited(events, channel="chat").codes == ()
        assert audited(events, channel="phone").codes == ("CF706",)

    def test_ignore_and_select(self) -> None:
        events = replaced(without(resolved_call(), "diagnose"), "hang_up", by="agent")
        everything = audited(events).codes
        assert "CF706" in everything
        assert "CF405" in everything
        assert "CF706" not in audited(events, AuditConfig(ignore=("CF7",))).codes
        assert set(audited(events, AuditConfig(select=("CF706",))).codes) == {"CF706"}

    def test_troubleshooting_past_its_budget(self) -> None:
        events = delayed(resolved_call(), "diagnose", 610)  # troubleshooting from 60 s to 700 s
        report = audited(events)
        assert report.codes == ("CF406",)
        assert report.findings[0].event == "diagnose"
        assert not report.has_errors  # CF406 is advice: a warning
        relaxed = AuditConfig(troubleshooting_budget=timedelta(minutes=15))
        assert audited(events, relaxed).codes == ()

    def test_within_budget_no_finding(self) -> None:
        events = delayed(resolved_call(), "diagnose", 570)  # 600 s: the budget, not past it
        assert audited(events).codes == ()


class TestReport:
    def test_report_is_plain_data(self) -> None:
        report = audited(replaced(resolved_call(), "hang_up", by="agent"))
        assert pickle.loads(pickle.dumps(report)) == report
        data = json.loads(json.dumps(report.to_dict()))
        assert data["call_id"] == "C-1"
        assert data["agent"] == "Giulia"
        (finding,) = data["findings"]
        assert finding["code"] == "CF706"
        assert finding["severity"] == "error"
        assert finding["event"] == "hang_up"
        assert finding["stage"] == "goodbye"

    def test_bad_arguments(self) -> None:
        with pytest.raises(ValidationError, match="transcript"):
            audit({"call_id": "x"})  # type: ignore[arg-type]
        good = Transcript.from_dict(transcript(resolved_call()))
        with pytest.raises(ValidationError, match="config"):
            audit(good, {"select": ["CF"]})  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="rulebook"):
            audit(good, rulebook={})  # type: ignore[arg-type]

    def test_a_check_may_emit_only_what_it_declares(self) -> None:
        book = Rulebook()
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        book.describe("CF706", looks_at=(Looks.EVENTS,), section=Section.CLOSING)

        @book.check("liar", "CF702")
        def liar(context: Any) -> list[Finding]:
            return [Finding("CF706", "made up", 0, "ring", context.call.history[0].from_stage)]

        with pytest.raises(ValidationError, match="declared codes") as caught:
            audit(Transcript.from_dict(transcript(resolved_call())), rulebook=book)
        assert caught.value.field == "check 'liar'"


# -- placement by the turn an event names ------------------------------------------------

# A chat: no turn has a time, so only the turns the events name place findings.
CHAT = [
    {"speaker": "system", "text": "An agent will be with you shortly."},  # 0
    {"speaker": "agent", "text": "Hi, ACME IT, Giulia here. How can I help?"},  # 1
    {"speaker": "caller", "text": "I'm Marco Rossi; Outlook will not open."},  # 2
    {"speaker": "agent", "text": "Let me restart it for you."},  # 3
    {"speaker": "agent", "text": "[typing]"},  # 4
    {"speaker": "agent", "text": "It's a corrupt profile: I'll rebuild it. Done!"},  # 5
    {"speaker": "caller", "text": "It works, thanks!"},  # 6
    {"speaker": "agent", "text": "Great, have a nice day."},  # 7
    {"speaker": "caller", "text": "Bye"},  # 8
]
CHAT_TURNS = {
    "answer": 1,
    "identify": 2,
    "listen": 2,
    "troubleshoot": 3,
    "diagnose": 5,
    "propose": 5,
    "implement": 5,
    "goodbye": 7,
    "hang_up": 8,
}


def chat_call(**turns: int | None) -> list[dict[str, Any]]:
    """The resolved call, each event naming its turn of :data:`CHAT` (``turns`` changes some)."""
    named = {**CHAT_TURNS, **turns}
    return [{**event, "turn": named[event["event"]]} for event in resolved_call()]


def placed(report: AuditReport) -> list[tuple[str, str, int | None, str | None]]:
    return [(f.rule, f.event, f.turn, f.evidence) for f in report.findings]


class TestPlacementByTurn:
    def test_a_chat_with_event_turns_quotes_the_agent(self) -> None:
        events = replaced(chat_call(hang_up=7), "goodbye", anything_else_asked=False)
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF702", "hang_up", 7, "Great, have a nice day.")]

    def test_a_chat_without_event_turns_places_nothing(self) -> None:
        events = replaced(resolved_call(), "goodbye", anything_else_asked=False)
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF702", "hang_up", None, None)]

    def test_an_event_naming_a_callers_turn_is_placed_on_the_agents_turn_before(self) -> None:
        events = replaced(chat_call(), "goodbye", anything_else_asked=False)  # hang_up: turn 8
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF702", "hang_up", 7, "Great, have a nice day.")]
        events = replaced(chat_call(hang_up=6), "goodbye", anything_else_asked=False)
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF702", "hang_up", 5, CHAT[5]["text"])]

    def test_an_event_naming_a_system_turn_is_placed_on_the_agents_turn_before(self) -> None:
        turns = [*CHAT[:7], {"speaker": "system", "text": "The agent left the chat."}]
        events = replaced(chat_call(goodbye=5, hang_up=7), "goodbye", anything_else_asked=False)
        report = audited(events, turns=turns, channel="chat")
        assert placed(report) == [("CF702", "hang_up", 5, CHAT[5]["text"])]

    def test_a_wordless_agent_turn_named_is_skipped(self) -> None:
        events = without(chat_call(implement=4), "propose")  # CF001 at the fix, named "[typing]"
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF001", "implement", 3, "Let me restart it for you.")]

    def test_an_agents_turn_named_is_the_findings_turn(self) -> None:
        events = without(chat_call(implement=5), "propose")
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF001", "implement", 5, CHAT[5]["text"])]

    def test_no_agent_turn_before_the_named_one_places_nothing(self) -> None:
        events = replaced(chat_call(hang_up=0), "goodbye", anything_else_asked=False)
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF702", "hang_up", None, None)]
        turns = [CHAT[0], {"speaker": "agent", "text": "<unk> [noise]"}, *CHAT[2:]]
        events = replaced(chat_call(hang_up=2), "goodbye", anything_else_asked=False)
        report = audited(events, turns=turns, channel="chat")
        assert placed(report) == [("CF702", "hang_up", None, None)]

    def test_the_named_turn_wins_over_the_time(self) -> None:
        """By time, the hang-up at 330 s is on turn 1; the turn it names is its turn."""
        turns = [
            {"speaker": "agent", "text": "ACME IT, Giulia speaking.", "start": 0, "end": 3},
            {"speaker": "agent", "text": "Let me rebuild it.", "start": 100, "end": 103},
            {"speaker": "agent", "text": "Anything else? No? Bye.", "start": 350, "end": 355},
        ]
        for turn, words in [(None, 1), (0, 0), (2, 2)]:
            events = replaced(resolved_call(), "hang_up", by="agent", turn=turn)
            assert [(f.turn, f.evidence) for f in audited(events, turns=turns).findings] == [
                (words, turns[words]["text"])
            ]

    def test_an_event_may_name_a_turn_before_the_one_the_event_before_named(self) -> None:
        events = replaced(chat_call(hang_up=3), "goodbye", anything_else_asked=False)
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF702", "hang_up", 3, "Let me restart it for you.")]

    def test_events_after_an_implied_answer_keep_their_turns(self) -> None:
        """No answer recorded: the replay adds one with no transcript event; the turns still match.

        The events around the fix name other turns: an index off by one would quote them.
        """
        named = chat_call(troubleshoot=3, diagnose=3, implement=5, goodbye=7)
        for events in (without(named, "propose"), without(without(named, "propose"), "answer")):
            report = audited(events, turns=CHAT, channel="chat")
            assert placed(report) == [("CF001", "implement", 5, CHAT[5]["text"])]

    def test_a_checks_finding_is_placed_by_its_events_turn(self) -> None:
        """CF406 is a check's finding (not the replay's), at the record of the diagnosis."""
        events = delayed(chat_call(), "diagnose", 610)
        report = audited(events, turns=CHAT, channel="chat")
        assert placed(report) == [("CF406", "diagnose", 5, CHAT[5]["text"])]


class TestAuditContext:
    def context(self, events: list[dict[str, Any]]) -> AuditContext:
        recorded = Transcript.from_dict(transcript(events, turns=CHAT))
        return AuditContext(recorded, _replayed(recorded, AuditConfig()), AuditConfig())

    def test_each_record_maps_to_its_transcript_event(self) -> None:
        context = self.context(chat_call())
        assert context.call is not None
        assert context.event_of(0) is None  # the ring
        mapped = [context.event_of(i) for i in range(1, len(context.call.history))]
        assert mapped == list(context.transcript.events)

    def test_the_implied_answer_has_no_transcript_event(self) -> None:
        context = self.context(without(chat_call(), "answer"))
        assert context.call is not None
        assert [context.event_of(0), context.event_of(1)] == [None, None]
        assert context.call.history[1].event == "answer"
        mapped = [context.event_of(i) for i in range(2, len(context.call.history))]
        assert mapped == list(context.transcript.events)
        assert [r.event for r in context.call.history[2:]] == [e.event for e in mapped if e]

    def test_bad_indexes_and_calls_are_refused(self) -> None:
        context = self.context(chat_call())
        assert context.call is not None
        for index in (-1, len(context.call.history), True, "1"):
            with pytest.raises(ValidationError, match="event_index"):
                context.event_of(index)  # type: ignore[arg-type]
        empty = AuditContext(Transcript.from_dict(transcript([])), None, AuditConfig())
        with pytest.raises(ValidationError, match="event_index"):
            empty.event_of(0)
        with pytest.raises(ValidationError, match="call"):
            AuditContext(Transcript.from_dict(transcript([])), context.call, AuditConfig())
        other = self.context(chat_call()[:5])
        with pytest.raises(ValidationError, match="call"):
            AuditContext(context.transcript, other.call, AuditConfig())


class TestHasWords:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "[noise]",
            "[laughter] [noise]",
            "<unk>",
            "(laughs)",
            "...",
            "123",
            "[a] <b> (c)",
        ],
    )
    def test_no_words(self, text: str) -> None:
        assert not has_words(text)

    @pytest.mark.parametrize(
        "text", ["ok", "[noise] yes", "<unk> olá", "Ω", "[unclosed tag", "a)", "(x) 2 b", "二"]
    )
    def test_words(self, text: str) -> None:
        assert has_words(text)

    def test_unclosed_brackets_are_read_in_one_pass(self) -> None:
        assert not has_words("[<(" * 200_000)
        assert has_words("[<(" * 200_000 + "a")
        assert not has_words("[a]" * 200_000)


# A score to build reports by hand with: a clean call's.
SCORE = audit(Transcript.from_dict(transcript(resolved_call()))).score


def refusal(error: ValidationError) -> tuple[object, object, str]:
    """What a refusal names: the field, the value refused, and why."""
    return error.field, error.value, error.reason


def spying(
    *findings: Finding, codes: tuple[str, ...] = ("CF702", "CF706")
) -> tuple[Rulebook, list[AuditContext]]:
    """A rulebook with one check that keeps the context it is given and emits ``findings``."""
    book = Rulebook()
    for code in codes:
        book.describe(code, looks_at=(Looks.EVENTS,), section=Section.CLOSING)
    seen: list[AuditContext] = []

    @book.check("spy", *codes)
    def spy(context: AuditContext) -> tuple[Finding, ...]:
        seen.append(context)
        return findings

    return book, seen


ESCALATION = {
    "to": {"name": "Network team", "kind": "team", "tier": None},
    "reason": "router down",
    "timeframe": {"duration": "PT2H"},
}


class TestTroubleshootingBudget:
    """CF406: troubleshooting past its budget with nothing that ends it in time."""

    def test_the_finding_in_full(self) -> None:
        events = delayed(resolved_call(), "diagnose", 610)  # 60 s to 700 s
        (finding,) = audited(events).findings
        assert (finding.rule, finding.message, finding.event_index, finding.event) == (
            "CF406",
            "troubleshooting ran 0:10:40 with no diagnosis or escalation, past its 0:10:00 budget",
            5,  # the call's history starts with its ring
            "diagnose",
        )
        assert finding.stage is Stage.TROUBLESHOOTING

    def test_an_event_at_the_budget_is_not_past_it(self) -> None:
        """The first event past the budget is the one found, and only once."""
        events = [
            *resolved_call()[:4],  # troubleshooting from 60 s
            {"event": "troubleshoot", "at": 660, "step": "Safe mode"},  # the budget exactly
            {"event": "troubleshoot", "at": 661, "step": "New profile"},
            {"event": "troubleshoot", "at": 900, "step": "Reinstall"},
        ]
        report = audited(events)
        assert report.codes == ("CF406",)
        assert (report.findings[0].event_index, report.findings[0].message) == (
            6,
            "troubleshooting ran 0:10:01 with no diagnosis or escalation, past its 0:10:00 budget",
        )

    @pytest.mark.parametrize(
        "ending",
        [
            {"event": "diagnose", "label": "corrupt profile"},
            {"event": "inform", "answer": "It is a known issue"},
            {"event": "assign", "escalation": ESCALATION},
            {"event": "request_manager", "reason": "the caller asks for one"},
            {"event": "follow_up", "ticket": "T-1"},
        ],
    )
    def test_what_ends_troubleshooting_in_time(self, ending: dict[str, Any]) -> None:
        """Once troubleshooting ended in time, later events are not measured against it."""
        events = [
            *resolved_call()[:4],
            {**ending, "at": 100},
            {"event": "troubleshoot", "at": 2000, "step": "Again"},
        ]
        assert "CF406" not in audited(events).codes
        assert "CF406" in audited(without(events, ending["event"])).codes

    def test_a_call_that_never_troubleshoots(self) -> None:
        events = [*resolved_call()[:3], {"event": "diagnose", "at": 5000, "label": "x"}]
        assert "CF406" not in audited(events).codes

    def test_checks_refuse_what_is_not_a_context(self) -> None:
        for check in (procedure, troubleshooting_budget):
            with pytest.raises(ValidationError) as caught:
                list(check({"call": None}))  # type: ignore[arg-type]
            assert refusal(caught.value) == (
                "context",
                {"call": None},
                "must be a callflow.audit.AuditContext",
            )

    def test_checks_of_a_transcript_without_events(self) -> None:
        context = AuditContext(Transcript.from_dict(transcript([])), None, AuditConfig())
        assert list(procedure(context)) == []
        assert list(troubleshooting_budget(context)) == []


class TestReplay:
    def test_the_call_replayed(self) -> None:
        """A check reads the call the events made, in audit mode, with the config's limits."""
        config = AuditConfig(thresholds=Thresholds(max_rings=5))
        book, seen = spying()
        recorded = Transcript.from_dict(transcript(resolved_call(), channel="chat", call_id="C-9"))
        audit(recorded, config, rulebook=book)
        (context,) = seen
        assert (context.transcript, context.config) == (recorded, config)
        call = context.call
        assert call is not None
        assert (call.mode.value, call.call_id, call.channel, call.thresholds) == (
            "audit",
            "C-9",
            "chat",
            config.thresholds,
        )
        assert (call.agent.name, call.agent.organisation) == ("Giulia", "ACME IT")
        started = recorded.started_at
        assert [(r.event, r.at - started) for r in call.history] == [
            ("ring", timedelta(0)),
            *((event["event"], timedelta(seconds=event["at"])) for event in resolved_call()),
        ]

    def test_the_default_configuration(self) -> None:
        book, seen = spying()
        audit(Transcript.from_dict(transcript(resolved_call())), rulebook=book)
        assert seen[0].config == AuditConfig()
        assert seen[0].config.troubleshooting_budget == timedelta(minutes=10)

    def test_an_anonymous_agent_and_desk(self) -> None:
        document = transcript(resolved_call())
        document["agent"] = {"name": None, "id": None}
        del document["organisation"]
        book, seen = spying()
        audit(Transcript.from_dict(document), rulebook=book)
        call = seen[0].call
        assert call is not None
        assert (call.agent.name, call.agent.organisation) == ("the agent", "the help desk")

    def test_the_answer_is_added_only_when_missing(self) -> None:
        book, seen = spying()
        later = without(resolved_call(), "answer")
        audit(Transcript.from_dict(transcript(later)), rulebook=book)
        audit(Transcript.from_dict(transcript([{"event": "abandon", "at": 5}])), rulebook=book)
        audit(Transcript.from_dict(transcript(resolved_call())), rulebook=book)
        histories = [[(r.event, r.at) for r in c.call.history] for c in seen if c.call]
        started = Transcript.from_dict(transcript([])).started_at
        assert histories[0][:3] == [
            ("ring", started),
            ("answer", started),
            ("identify", started + timedelta(seconds=10)),
        ]
        assert histories[1] == [("ring", started), ("abandon", started + timedelta(seconds=5))]
        assert [event for event, _ in histories[2]].count("answer") == 1

    def test_an_event_the_call_refuses_names_its_index(self) -> None:
        events = [*resolved_call(), {"event": "listen", "at": 400, "problem": "one more"}]
        with pytest.raises(TranscriptError) as caught:
            audited(events, call_id="C-5")
        error = caught.value
        assert (error.field, error.value, error.call_id) == ("events[9]", "listen", "C-5")
        assert error.reason.startswith("cannot be replayed: event 'listen' refused in stage ENDED")

    def test_an_argument_its_time_makes_impossible_names_its_field(self) -> None:
        past = {**ESCALATION, "timeframe": {"datetime": "2020-01-01T00:00:00+00:00"}}
        events = [*resolved_call()[:5], {"event": "assign", "at": 100, "escalation": past}]
        with pytest.raises(TranscriptError) as caught:
            audited(events)
        error = caught.value
        assert (error.field, error.value, error.call_id) == (
            "events[5].escalation.timeframe",
            "assign",
            "C-1",
        )
        assert error.reason.startswith(
            "cannot be replayed: 'escalation.timeframe' is already past when the escalation"
        )


class TestPlacementInFull:
    def test_turns_are_ordered_by_their_start(self) -> None:
        turns = [
            {"speaker": "agent", "text": "Goodbye!", "start": 329, "end": 330},
            {"speaker": "agent", "text": "Hello.", "start": 0, "end": 3},
            {"speaker": "agent", "text": "Later.", "start": 331, "end": 332},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(0, "Goodbye!")]

    def test_a_turn_begun_by_the_event_is_its_turn(self) -> None:
        """A turn starting when the event comes (to well under a microsecond) is the one."""
        turns = [
            {"speaker": "agent", "text": "Hello.", "start": 0, "end": 3},
            {"speaker": "agent", "text": "Bye.", "start": 330.0000000001, "end": 331},
            {"speaker": "agent", "text": "Late.", "start": 330.5, "end": 331},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(1, "Bye.")]

    def test_a_finding_before_every_agent_turn_stays_unplaced(self) -> None:
        turns = [
            {"speaker": "caller", "text": "Hello?", "start": 0, "end": 1},
            {"speaker": "agent", "text": "Sorry, who?", "start": 331, "end": 332},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(None, None)]

    def test_untimed_agent_turns_and_timed_system_turns_are_not_used(self) -> None:
        turns = [
            {"speaker": "agent", "text": "Hello.", "start": 0, "end": 1},
            {"speaker": "system", "text": "This call is recorded.", "start": 300},
            {"speaker": "agent", "text": "Bye."},
        ]
        report = audited(replaced(resolved_call(), "hang_up", by="agent"), turns=turns)
        assert [(f.turn, f.evidence) for f in report.findings] == [(0, "Hello.")]

    def test_a_finding_placed_by_its_check_is_kept(self) -> None:
        placed = Finding("CF702", "said so", 1, "identify", Stage.GREETING, turn=1, evidence="Hi.")
        book, _ = spying(placed)
        report = audit(Transcript.from_dict(transcript(resolved_call())), rulebook=book)
        assert report.findings == (placed,)

    def test_a_finding_without_events_is_not_placed(self) -> None:
        found = Finding("CF702", "said so", 0, "ring", Stage.GREETING)
        book, _ = spying(found)
        report = audit(Transcript.from_dict(transcript([])), rulebook=book)
        assert report.findings == (found,)

    def test_findings_in_the_order_of_the_call(self) -> None:
        """By event, then by turn: an unplaced finding first."""
        late = Finding("CF702", "late", 5, "implement", Stage.RESOLUTION, turn=0)
        turned = Finding("CF706", "turned", 3, "troubleshoot", Stage.TROUBLESHOOTING, turn=1)
        early = Finding("CF702", "early", 3, "troubleshoot", Stage.TROUBLESHOOTING, turn=0)
        book, _ = spying(late, turned, early)
        turns = [{"speaker": "agent", "text": "Hello."}]
        report = audit(
            Transcript.from_dict(transcript(resolved_call(), turns=turns)), rulebook=book
        )
        assert [f.message for f in report.findings] == ["early", "turned", "late"]
        unplaced = Finding("CF702", "unplaced", 3, "troubleshoot", Stage.TROUBLESHOOTING)
        book, _ = spying(turned, unplaced)
        report = audit(
            Transcript.from_dict(transcript(resolved_call(), turns=turns)), rulebook=book
        )
        assert [f.message for f in report.findings] == ["unplaced", "turned"]

    def test_a_quote_of_exactly_the_limit_is_whole(self) -> None:
        from callflow.audit.transcript import Turn

        whole = "a" * 99 + " " + "b" * 100
        assert quote(Turn(speaker="agent", text=whole)) == whole
        assert quote(Turn(speaker="agent", text=whole + "c")) == "a" * 99 + " ..."
        assert quote(Turn(speaker="agent", text="x" * 250)) == "x" * 200 + " ..."
        words = " ".join(["word"] * 50)  # 249 characters
        assert quote(Turn(speaker="agent", text=words)) == " ".join(["word"] * 40) + " ..."


class TestContextAndReport:
    def context(self) -> AuditContext:
        book, seen = spying()
        audit(Transcript.from_dict(transcript(resolved_call())), rulebook=book)
        return seen[0]

    def test_seconds_of_each_event(self) -> None:
        context = self.context()
        assert [context.seconds(i) for i in range(10)] == [
            0.0,  # the ring
            *(float(event["at"]) for event in resolved_call()),
        ]

    @pytest.mark.parametrize("index", [-1, 10, "0", True, 1.0])
    def test_seconds_of_no_event(self, index: object) -> None:
        with pytest.raises(ValidationError) as caught:
            self.context().seconds(index)  # type: ignore[arg-type]
        assert refusal(caught.value) == ("event_index", index, "must index the call's history")

    def test_seconds_without_events(self) -> None:
        context = AuditContext(Transcript.from_dict(transcript([])), None, AuditConfig())
        with pytest.raises(ValidationError) as caught:
            context.seconds(0)
        assert refusal(caught.value) == ("event_index", 0, "needs a transcript with events")

    def test_a_context_checks_its_call(self) -> None:
        recorded = Transcript.from_dict(transcript([]))
        with pytest.raises(ValidationError) as caught:
            AuditContext(recorded, "call", AuditConfig())  # type: ignore[arg-type]
        assert refusal(caught.value) == ("call", "call", "must be a callflow Call or None")
        with pytest.raises(ValidationError) as caught:
            AuditContext(recorded, None, None)  # type: ignore[arg-type]
        assert caught.value.field == "config"

    def report(self, **changes: Any) -> AuditReport:
        finding = Finding("CF406", "too long", 4, "troubleshoot", Stage.TROUBLESHOOTING)
        arguments: dict[str, Any] = {
            "call_id": "C-1",
            "channel": "phone",
            "language": "pt",
            "agent": "Giulia",
            "findings": (finding,),
            "score": SCORE,
            **changes,
        }
        return AuditReport(**arguments)

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"call_id": " "}, ("call_id", " ", "must be non-empty text")),
            ({"call_id": 3}, ("call_id", 3, "must be non-empty text")),
            ({"agent": ""}, ("agent", "", "must be non-empty text")),
            ({"channel": "fax"}, ("channel", "fax", "must be one of ('phone', 'chat')")),
            ({"channel": ["phone"]}, ("channel", ["phone"], "must be one of ('phone', 'chat')")),
            ({"findings": []}, ("findings", [], "must be a tuple of catalogued Findings")),
            (
                {"findings": ("CF702",)},
                ("findings", ("CF702",), "must be a tuple of catalogued Findings"),
            ),
        ],
    )
    def test_a_report_checks_its_fields(
        self, changes: dict[str, Any], expected: tuple[object, object, str]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            self.report(**changes)
        assert refusal(caught.value) == expected

    def test_a_finding_of_an_unknown_rule_is_refused(self) -> None:
        stray = Finding("CF999", "made up", 0, "ring", Stage.GREETING)
        with pytest.raises(ValidationError) as caught:
            self.report(findings=(stray,))
        assert caught.value.field == "findings"

    def test_a_report_in_full(self) -> None:
        report = self.report(agent=None)
        assert (report.agent, report.language, report.codes, report.has_errors) == (
            None,
            "pt",
            ("CF406",),  # a warning
            False,
        )
        placed = Finding("CF706", "hung up", 8, "hang_up", Stage.GOODBYE, turn=2, evidence="Bye.")
        report = self.report(findings=(report.findings[0], placed))
        assert report.has_errors
        assert report.to_dict() == {
            "call_id": "C-1",
            "channel": "phone",
            "language": "pt",
            "agent": "Giulia",
            "findings": [
                {
                    "code": "CF406",
                    "severity": "warning",
                    "message": "too long",
                    "event_index": 4,
                    "event": "troubleshoot",
                    "stage": "troubleshooting",
                    "turn": None,
                    "evidence": None,
                },
                {
                    "code": "CF706",
                    "severity": "error",
                    "message": "hung up",
                    "event_index": 8,
                    "event": "hang_up",
                    "stage": "goodbye",
                    "turn": 2,
                    "evidence": "Bye.",
                },
            ],
            "score": SCORE.to_dict(),
        }

    def test_audit_names_each_bad_argument(self) -> None:
        good = Transcript.from_dict(transcript(resolved_call()))
        with pytest.raises(ValidationError) as caught:
            audit({"call_id": "C-1"})  # type: ignore[arg-type]
        assert refusal(caught.value) == (
            "transcript",
            {"call_id": "C-1"},
            "must be a callflow.audit.Transcript",
        )
        with pytest.raises(ValidationError) as caught:
            audit(good, "CF7")  # type: ignore[arg-type]
        assert refusal(caught.value) == ("config", "CF7", "must be a callflow.audit.AuditConfig")
        with pytest.raises(ValidationError) as caught:
            audit(good, rulebook={})  # type: ignore[arg-type]
        assert refusal(caught.value) == ("rulebook", {}, "must be a callflow.audit.Rulebook")

    def test_a_report_names_the_transcript(self) -> None:
        document = transcript(resolved_call(), call_id="C-42", channel="chat")
        document["language"] = "it"
        report = audit(Transcript.from_dict(document))
        assert (report.call_id, report.channel, report.language, report.agent) == (
            "C-42",
            "chat",
            "it",
            "Giulia",
        )
