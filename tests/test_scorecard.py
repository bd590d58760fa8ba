"""The QA scorecard: items from the rulebook, weights, N/A, fail-outright, warnings, settings."""

import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.audit_transcripts import resolved_call, transcript

from callflow import Stage
from callflow.audit import (
    RULEBOOK,
    AuditConfig,
    Looks,
    Rulebook,
    Score,
    Scorecard,
    ScoreItem,
    Section,
    SectionScore,
    Transcript,
    audit,
    load_config,
    score_call,
)
from callflow.audit.scorecard import DEFAULT_WEIGHTS, OCCASIONS
from callflow.errors import ConfigError, ValidationError
from callflow.records import Finding
from callflow.rules import RULES, Severity


def audited(
    events: list[dict[str, Any]], config: AuditConfig | None = None, **options: Any
) -> Score:
    """The score of a call of ``events`` with no turns: the items that read words are N/A.

    So the sums here hold whatever rules that read the agent's words are checked.
    """
    options.setdefault("turns", [])
    return audit(Transcript.from_dict(transcript(events, **options)), config).score


def with_card(**settings: Any) -> AuditConfig:
    return AuditConfig(scorecard=Scorecard(**settings))


def agent_hangs_up() -> list[dict[str, Any]]:
    """The agent hangs up first: CF706, an error of the closing (one of its 4 items)."""
    return [{**e, "by": "agent"} if e["event"] == "hang_up" else e for e in resolved_call()]


def unverified() -> list[dict[str, Any]]:
    """The account is fixed for a caller never verified: CF205, a greeting error."""
    return [e for e in resolved_call() if e["event"] != "identify"]


def late_diagnosis() -> list[dict[str, Any]]:
    """Troubleshooting runs past its 10-minute budget: CF406, a warning of the resolution."""
    later = {"diagnose": 700, "propose": 710, "implement": 720, "goodbye": 730, "hang_up": 740}
    return [{**e, "at": later.get(e["event"], e["at"])} for e in resolved_call()]


def held(*, thanked: bool = True) -> list[dict[str, Any]]:
    """A call put on hold, with permission and a reason, and taken back."""
    events = resolved_call()
    events[3:3] = [
        {"event": "hold", "at": 30, "reason": "checking the logs", "asked_permission": True},
        {"event": "resume", "at": 50, "thanked": thanked},
    ]
    return events


class TestItems:
    def test_every_checked_code_is_an_item_of_exactly_one_section(self) -> None:
        items = Scorecard().items()
        codes = [item.code for item in items]
        assert len(codes) == len(set(codes))
        checked = [c for c, e in RULEBOOK.items() if e.checked and e.not_decidable is None]
        assert codes == checked
        for item in items:
            assert item.section is RULEBOOK[item.code].section
            assert item.severity is RULES[item.code].severity

    def test_codes_not_checked_or_not_decidable_are_not_items(self) -> None:
        codes = {item.code for item in Scorecard().items()}
        for code, entry in RULEBOOK.items():
            if not entry.checks or entry.not_decidable is not None:
                assert code not in codes, code

    def test_items_come_from_the_rulebooks_checks(self) -> None:
        """A code checked tomorrow is an item tomorrow: nothing is listed in the scorecard."""
        book = Rulebook()
        book.describe("CF203", looks_at=(Looks.AGENT_TURNS,), section=Section.GREETING)
        book.describe("CF706", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        assert Scorecard().items(book) == ()

        @book.check("asks the name", "CF203")
        def asks(context: Any) -> Iterator[Finding]:
            return iter(())

        assert Scorecard().items(book) == (ScoreItem("CF203", Section.GREETING, Severity.ERROR),)

    def test_the_default_weights_and_occasions(self) -> None:
        card = Scorecard()
        assert card.weights == DEFAULT_WEIGHTS
        assert sum(DEFAULT_WEIGHTS.values()) == 100
        assert max(DEFAULT_WEIGHTS.values()) == DEFAULT_WEIGHTS[Section.RESOLUTION]
        assert DEFAULT_WEIGHTS[Section.GREETING] == DEFAULT_WEIGHTS[Section.CLOSING] == 20
        assert card.occasion("CF504") == {"hold"}
        assert card.occasion("CF601") == {"assign"}
        assert card.occasion("CF605") == {"request_manager"}  # the longest prefix wins
        assert card.occasion("CF1003") == {"take_message"}
        assert card.occasion("CF706") is None
        assert card.occasions == OCCASIONS


class TestWeights:
    def test_a_clean_call_scores_100(self) -> None:
        score = audited(resolved_call())
        assert (score.value, score.passed, score.failed) == (100.0, True, ())

    def test_the_total_is_the_weighted_mean_of_the_sections_scored(self) -> None:
        score = audited(agent_hangs_up())
        assert score.section("closing").value == 75.0
        assert score.section(Section.CLOSING).failed == ("CF706",)
        # Greeting 20 x 100, resolution 25 x 100, closing 20 x 75; the others N/A.
        assert score.value == pytest.approx((20 * 100 + 25 * 100 + 20 * 75) / 65, abs=1e-6)
        assert score.passed

    def test_sections_all_na_drop_out_and_the_weights_renormalise(self) -> None:
        only_closing = {section.name.lower(): 0 for section in Section} | {"closing": 3}
        assert audited(agent_hangs_up(), with_card(weights=only_closing)).value == 75.0
        # Closing and hold, hold N/A in this call: closing alone counts.
        both = only_closing | {"hold": 50}
        assert audited(agent_hangs_up(), with_card(weights=both)).value == 75.0

    def test_a_section_of_weight_zero_counts_for_nothing(self) -> None:
        score = audited(agent_hangs_up(), with_card(weights={Section.CLOSING: 0}))
        assert score.value == 100.0
        assert score.section("closing").value == 75.0  # still shown

    def test_only_the_ratios_matter(self) -> None:
        doubled = {section: 2 * weight for section, weight in DEFAULT_WEIGHTS.items()}
        assert audited(agent_hangs_up(), with_card(weights=doubled)).value == pytest.approx(
            audited(agent_hangs_up()).value
        )

    def test_sections_named_by_title_short_name_or_member(self) -> None:
        for key in ("hold and transfer", "hold", Section.HOLD):
            assert Scorecard(weights={key: 7}).weights[Section.HOLD] == 7


class TestNotApplicable:
    def test_a_phone_call_with_no_hold(self) -> None:
        score = audited(resolved_call())
        hold = score.section("hold")
        assert (hold.value, hold.items) == (None, ())
        assert {"CF002", "CF502", "CF503", "CF504", "CF505", "CF506"} <= set(score.not_applicable)

    def test_a_phone_call_with_a_hold(self) -> None:
        # CF503 reads the agent's words too: N/A without them.
        assert audited(held()).section("hold").items == ("CF002", "CF502", "CF504", "CF505")
        spoken = audited(held(), turns=None).section("hold").items
        assert spoken == ("CF002", "CF502", "CF503", "CF504", "CF505")
        score = audited(held(thanked=False))
        assert score.section("hold").value == 75.0  # CF505, 1 of 4
        assert score.value == pytest.approx((20 * 100 + 25 * 100 + 10 * 75 + 20 * 100) / 75)

    def test_a_chat_without_holds(self) -> None:
        score = audited(resolved_call(), channel="chat")
        assert score.section("hold").value is None
        assert "CF101" not in score.section("greeting").items  # rings: phone only
        assert "CF706" not in score.section("closing").items
        assert {"CF101", "CF502", "CF706"} <= set(score.not_applicable)

    def test_phone_rules_are_na_in_a_chat_even_with_a_hold(self) -> None:
        assert audited(held(), channel="chat").section("hold").items == ("CF002",)

    def test_escalation_items_need_an_escalation(self) -> None:
        score = audited(resolved_call())
        assert {"CF601", "CF602", "CF604", "CF605"} <= set(score.not_applicable)
        assert score.section("resolution").items == ("CF001", "CF405", "CF406")

    def test_a_transcript_with_no_events(self) -> None:
        score = audited([])
        assert score.value is None
        assert not score.passed
        assert all(part.value is None for part in score.sections)

    def test_word_items_need_the_agents_words(self) -> None:
        book = Rulebook()
        book.describe("CF203", looks_at=(Looks.AGENT_TURNS,), section=Section.GREETING)
        book.check("asks the name", "CF203")(lambda context: iter(()))
        caller_only = [
            {"speaker": "caller", "text": "Hello?"},
            {"speaker": "agent", "text": "[noise]"},
        ]
        silent = Transcript.from_dict(transcript([], turns=caller_only))
        assert score_call(silent, (), rulebook=book).not_applicable == ("CF203",)
        spoken = Transcript.from_dict(transcript([]))
        assert score_call(spoken, (), rulebook=book).section("greeting").items == ("CF203",)

    def test_a_finding_shows_its_item_applied(self) -> None:
        """An item with a finding is scored even when the call has no occasion for it."""
        recorded = Transcript.from_dict(transcript(resolved_call()))
        finding = Finding("CF504", "no check-in", 3, "listen", Stage.VENTING)
        score = score_call(recorded, (finding,))
        assert score.section("hold").items == ("CF504",)
        assert score.section("hold").value == 0.0

    def test_ignored_codes_are_not_items(self) -> None:
        score = audited(agent_hangs_up(), AuditConfig(ignore=("CF706",)))
        assert score.value == 100.0
        assert "CF706" not in score.section("closing").items + score.not_applicable


class TestFailOutright:
    def test_cf205_fails_the_call_whatever_its_score(self) -> None:
        score = audited(unverified())
        assert score.value == pytest.approx((20 * 50 + 25 * 100 + 20 * 100) / 65)
        assert score.value >= 80
        assert (score.passed, score.failed_outright) == (False, ("CF205",))
        light = with_card(weights={"greeting": 0.001})
        assert audited(unverified(), light).value > 99.99
        assert not audited(unverified(), light).passed

    def test_configurable(self) -> None:
        assert audited(unverified(), with_card(fail_outright=())).passed
        rude = audited(agent_hangs_up(), with_card(fail_outright=["CF706", "CF205"]))
        assert (rude.passed, rude.failed_outright) == (False, ("CF706",))

    def test_below_the_pass_mark(self) -> None:
        assert not audited(agent_hangs_up(), with_card(pass_mark=95)).passed
        assert audited(agent_hangs_up(), with_card(pass_mark=0)).passed
        assert not audited(resolved_call(), with_card(pass_mark=100)).failed
        assert audited(resolved_call(), with_card(pass_mark=100)).passed  # at the mark passes


class TestSeverity:
    def test_an_error_costs_the_whole_item(self) -> None:
        assert audited(agent_hangs_up()).section("closing").value == 75.0  # 3 of 4

    def test_a_warning_costs_half(self) -> None:
        score = audited(late_diagnosis())
        assert [(i.code, i.severity) for i in score.failed] == [("CF406", Severity.WARNING)]
        assert score.section("resolution").value == pytest.approx(100 * 2.5 / 3, abs=1e-6)
        assert score.value == pytest.approx((20 * 100 + 25 * 250 / 3 + 20 * 100) / 65, abs=1e-6)

    def test_what_a_warning_costs_is_configurable(self) -> None:
        assert audited(late_diagnosis(), with_card(warning_cost=0)).value == 100.0
        whole = audited(late_diagnosis(), with_card(warning_cost=1))
        assert whole.section("resolution").value == pytest.approx(100 * 2 / 3, abs=1e-6)

    def test_several_findings_of_one_code_fail_its_item_once(self) -> None:
        recorded = Transcript.from_dict(transcript(agent_hangs_up()))
        finding = audit(recorded).findings[0]
        assert score_call(recorded, (finding, finding)) == score_call(recorded, (finding,))


class TestConfiguration:
    def test_from_python(self) -> None:
        card = Scorecard(
            weights={"greeting": 30}, fail_outright=["CF706"], pass_mark=90, warning_cost=0.25
        )
        assert card.weights[Section.GREETING] == 30
        assert card.weights[Section.CLOSING] == 20  # not named: its default
        assert (card.fail_outright, card.pass_mark, card.warning_cost) == (
            frozenset({"CF706"}),
            90,
            0.25,
        )
        assert AuditConfig(scorecard=card).scorecard == card
        assert hash(AuditConfig(scorecard=card)) == hash(AuditConfig(scorecard=card))

    def test_from_toml(self, tmp_path: Path) -> None:
        path = tmp_path / "pyproject.toml"
        path.write_text(
            "[tool.callflow]\n"
            'ignore = ["CF1"]\n'
            "[tool.callflow.scorecard]\n"
            "pass-mark = 85\n"
            'fail-outright = ["CF205", "CF706"]\n'
            "warning-cost = 0.25\n"
            "[tool.callflow.scorecard.weights]\n"
            "greeting = 25\n"
            "language = 0\n",
            encoding="utf-8",
        )
        card = load_config(path).scorecard
        assert card == Scorecard(
            weights={"greeting": 25, "language": 0},
            fail_outright=("CF205", "CF706"),
            pass_mark=85,
            warning_cost=0.25,
        )
        assert not audited(agent_hangs_up(), load_config(path)).passed

    def test_the_defaults_without_a_table(self) -> None:
        assert AuditConfig.from_mapping({}).scorecard == Scorecard()
        assert AuditConfig().scorecard == Scorecard()

    @pytest.mark.parametrize(
        ("table", "key"),
        [
            ({"pass-mark": 101}, "tool.callflow.scorecard.pass-mark"),
            ({"pass-mark": "80"}, "tool.callflow.scorecard.pass-mark"),
            ({"pass-mark": True}, "tool.callflow.scorecard.pass-mark"),
            ({"warning-cost": 1.5}, "tool.callflow.scorecard.warning-cost"),
            ({"fail-outright": "CF205"}, "tool.callflow.scorecard.fail-outright"),
            ({"fail-outright": ["CF205", "XX1"]}, "tool.callflow.scorecard.fail-outright[1]"),
            ({"fail-outright": ["CF102"]}, "tool.callflow.scorecard.fail-outright[0]"),
            ({"weights": {"hold": -1}}, "tool.callflow.scorecard.weights.hold"),
            ({"weights": {"hold": float("nan")}}, "tool.callflow.scorecard.weights.hold"),
            ({"weights": {"holds": 1}}, "tool.callflow.scorecard.weights"),
            ({"weights": [1, 2]}, "tool.callflow.scorecard.weights"),
            ({"weights": dict.fromkeys(DEFAULT_WEIGHTS, 0)}, "tool.callflow.scorecard.weights"),
            ({"passmark": 80}, "tool.callflow.scorecard.passmark"),
            ({"occasions": {}}, "tool.callflow.scorecard.occasions"),
        ],
    )
    def test_bad_settings_are_refused_naming_the_key(
        self, tmp_path: Path, table: dict[str, Any], key: str
    ) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig.from_mapping({"scorecard": table}, where="tool.callflow")
        assert caught.value.field == key

    def test_a_bad_setting_in_a_file_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "callflow.toml"
        path.write_text("[scorecard.weights]\nclosing = -5\n", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert caught.value.field == f"{path}.scorecard.weights.closing"

    def test_a_scorecard_that_is_not_a_table(self) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig.from_mapping({"scorecard": 80})
        assert caught.value.field == "scorecard"

    @pytest.mark.parametrize(
        ("settings", "key"),
        [
            ({"weights": {"hold": 10**9}}, "weights.hold"),
            ({"weights": {object(): 1}}, "weights"),
            ({"fail_outright": [205]}, "fail_outright[0]"),
            ({"pass_mark": -1}, "pass_mark"),
            ({"warning_cost": None}, "warning_cost"),
            ({"occasions": {"CF5": ["nap"]}}, "occasions.CF5[0]"),
            ({"occasions": {"CF5": []}}, "occasions.CF5"),
            ({"occasions": {"XX": ["hold"]}}, "occasions"),
        ],
    )
    def test_bad_python_settings(self, settings: dict[str, Any], key: str) -> None:
        with pytest.raises(ConfigError) as caught:
            Scorecard(**settings)
        assert caught.value.field == key

    def test_the_configuration_wants_a_scorecard(self) -> None:
        with pytest.raises(ConfigError) as caught:
            AuditConfig(scorecard={"pass-mark": 80})  # type: ignore[arg-type]
        assert caught.value.field == "scorecard"


class TestTheScore:
    def test_the_report_carries_it_and_pickles(self) -> None:
        report = audit(Transcript.from_dict(transcript(agent_hangs_up())))
        assert pickle.loads(pickle.dumps(report)) == report
        data = json.loads(json.dumps(report.to_dict()))["score"]
        assert data["passed"] is True
        assert data["sections"]["closing"] == 75.0
        assert data["weights"]["closing"] == 20
        assert data["failed"][0]["code"] == "CF706"
        assert "CF504" in data["not_applicable"]

    def test_section_by_name(self) -> None:
        score = audited(resolved_call())
        assert score.section("greeting and verification") is score.sections[0]
        with pytest.raises(ValidationError):
            score.section("greetings")

    def test_score_call_refuses_what_is_not_one(self) -> None:
        recorded = Transcript.from_dict(transcript(resolved_call()))
        with pytest.raises(ValidationError, match="transcript"):
            score_call(recorded.to_dict(), ())  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="findings"):
            score_call(recorded, ("CF706",))  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="config"):
            score_call(recorded, (), Scorecard())  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="rulebook"):
            score_call(recorded, (), rulebook=dict(RULEBOOK))  # type: ignore[arg-type]

    def test_the_parts_are_checked(self) -> None:
        part = SectionScore(Section.GREETING, 20, 100.0, ("CF205",), ())
        with pytest.raises(ValidationError):
            SectionScore(Section.GREETING, 20, 101, (), ())
        with pytest.raises(ValidationError):
            SectionScore(Section.GREETING, 20, None, ("nope",), ())
        with pytest.raises(ValidationError):
            Score(100.0, True, 80, (part,), (), (), ())  # a section missing
        with pytest.raises(ValidationError):
            ScoreItem("CF999", Section.GREETING, Severity.ERROR)


class TestItemsFollowTheRulebook:
    def test_a_check_registered_later_becomes_an_item_of_the_next_score(self) -> None:
        """The items are worked out once per rulebook state: a new check is scored at once."""
        book = Rulebook()
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        recorded = Transcript.from_dict(transcript(resolved_call()))
        before = score_call(recorded, (), rulebook=book)
        assert before.value is None  # nothing checked: nothing to score

        @book.check("anything else", "CF702")
        def anything_else(context: Any) -> list[Finding]:
            return []

        after = score_call(recorded, (), rulebook=book)
        assert (after.value, after.section("closing").items) == (100.0, ("CF702",))

    def test_the_codes_reported_decide_the_items_each_time(self) -> None:
        recorded = Transcript.from_dict(transcript(resolved_call()))
        everything = score_call(recorded, ())
        closing_only = score_call(recorded, (), AuditConfig(select=("CF7",)))
        assert len(everything.section("greeting").items) > 0
        assert closing_only.section("greeting").items == ()
