"""The audit engine: a transcript's events replayed through the procedure, findings on turns."""

import json
import pickle
from datetime import timedelta
from typing import Any

import pytest
from tests.audit_transcripts import resolved_call, transcript

from callflow.audit import AuditConfig, AuditReport, Looks, Rulebook, Section, audit
from callflow.audit.engine import quote
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

        with pytest.raises(AssertionError, match="does not declare"):
            audit(Transcript.from_dict(transcript(resolved_call())), rulebook=book)
