"""The audit engine: a transcript's events replayed through the procedure, findings on turns."""

import json
import pickle
from datetime import timedelta
from typing import Any

import pytest
from tests.audit_transcripts import resolved_call, transcript

from callflow.audit import (
    AuditConfig,
    AuditContext,
    AuditReport,
    Looks,
    Rulebook,
    Section,
    audit,
)
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
