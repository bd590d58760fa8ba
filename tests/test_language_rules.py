"""The language rules (CF503's words, CF801-CF808) in en, pt, es, it and fr, and lint for bots."""

from typing import Any

import pytest
from tests.language_cases import CASES

from callflow.audit import AuditConfig, LintFinding, Transcript, audit, lint
from callflow.audit._matcher import compiled, expand, fold
from callflow.audit.language import LANGUAGE_CODES
from callflow.audit.rulebook import RULEBOOK
from callflow.errors import ConfigError, ValidationError
from callflow.stages import Stage

LANGUAGES = ("en", "pt", "es", "it", "fr")
SCREENED = {"CF807", "CF808"}
CASE_IDS = [(language, code) for language in LANGUAGES for code in LANGUAGE_CODES]


def _said(text: str, language: str) -> list[tuple[str, str]]:
    return [(f.code, f.evidence) for f in lint(text, language=language, screening=True)]


def _call(
    language: str,
    turns: list[tuple[str, str]],
    events: list[dict[str, Any]] | None = None,
    *,
    channel: str = "phone",
) -> Transcript:
    return Transcript.from_dict(
        {
            "call_id": "L-1",
            "channel": channel,
            "language": language,
            "agent": {"name": "Giulia", "id": None},
            "caller": {"name": None, "id": None},
            "started_at": "2026-03-02T10:30:00+00:00",
            "turns": [
                {"speaker": speaker, "text": text, "start": 10.0 * i, "end": 10.0 * i + 5}
                for i, (speaker, text) in enumerate(turns)
            ],
            "events": events if events is not None else [],
        }
    )


def _words(transcript: Transcript, config: AuditConfig | None = None) -> list[tuple[str, str]]:
    report = audit(transcript, config)
    return [(f.rule, f.evidence or "") for f in report.findings if f.rule in LANGUAGE_CODES]


class TestEachRuleInEachLanguage:
    @pytest.mark.parametrize(("language", "code"), CASE_IDS)
    def test_triggers(self, language: str, code: str) -> None:
        (sentence, words), *_ = CASES[language][code]
        assert (code, words) in _said(sentence, language)

    @pytest.mark.parametrize(("language", "code"), CASE_IDS)
    def test_a_good_sentence_does_not(self, language: str, code: str) -> None:
        clean = CASES[language][code][1]
        assert _said(clean, language) == []

    @pytest.mark.parametrize(("language", "code"), CASE_IDS)
    def test_an_inflected_or_contracted_form_triggers(self, language: str, code: str) -> None:
        sentence, words = CASES[language][code][2]
        assert (code, words) in _said(sentence, language)

    @pytest.mark.parametrize(("language", "code"), CASE_IDS)
    def test_a_negated_or_quoted_use_does_not(self, language: str, code: str) -> None:
        negated = CASES[language][code][3]
        assert [c for c, _ in _said(negated, language) if c == code] == []

    @pytest.mark.parametrize(("language", "code"), CASE_IDS)
    def test_in_an_audit_the_agent_is_found_and_the_caller_never(
        self, language: str, code: str
    ) -> None:
        (sentence, words), *_ = CASES[language][code]
        events = [{"event": "answer", "at": 0}]
        if code in SCREENED:
            events.append({"event": "screen", "at": 5, "wanted": "Maria Rossi", "available": False})
        agent = _call(language, [("caller", "Hello"), ("agent", sentence)], events)
        caller = _call(language, [("agent", "Hello"), ("caller", sentence)], events)
        assert (code, words) in _words(agent)
        assert _words(caller) == []

    def test_every_language_checks_every_code(self) -> None:
        for language in LANGUAGES:
            assert set(compiled(language).phrases) == set(LANGUAGE_CODES)


# What an agent says in the course of good work, close to a rule's words: the
# problem restated, an expected message, a lookup. None of it is a finding.
WORK_SENTENCES = [
    ("en", "You should have received a text message with the code."),
    ("en", "You should have it by Friday at noon."),
    ("pt", "Vou procurar o seu pedido no sistema."),
    ("es", "Su impresora no se puede conectar a la red, ¿verdad?"),
    ("es", "El técnico debió haberlo revisado ayer."),
    ("it", "La stampante non si può collegare alla rete?"),
    ("it", "Lei doveva ricevere un'e-mail di conferma."),
    ("fr", "Vous deviez recevoir un e-mail de confirmation."),
    ("fr", "On ne peut pas se connecter depuis ce matin, c'est bien ça ?"),
    ("fr", "Le message dit : impossible de se connecter au serveur."),
]


class TestWorkIsNotAFinding:
    @pytest.mark.parametrize(("language", "sentence"), WORK_SENTENCES)
    def test_a_sentence_of_good_work_is_not_flagged(self, language: str, sentence: str) -> None:
        assert _said(sentence, language) == []


class TestMatching:
    def test_evidence_is_the_words_as_said(self) -> None:
        assert _said("NÃO É POSSÍVEL, sinto muito.", "pt") == [("CF804", "NÃO É POSSÍVEL")]
        assert _said("Eh bien… c’est IMPOSSIBLE !", "fr") == [("CF804", "c’est IMPOSSIBLE")]
        # accents written apart, and a letter whose lower case is longer
        assert _said("E\u0301 impossi\u0301vel.", "pt") == [("CF804", "E\u0301 impossi\u0301vel")]
        assert _said("İ... I'll try.", "en") == [("CF802", "I'll try")]

    def test_accents_and_apostrophes_are_folded(self) -> None:
        assert _said("Intentare arreglarlo.", "es") == [("CF802", "Intentare")]
        assert _said("Why didnt you call?", "en") == [("CF801", "Why didnt you")]
        assert _said("ill try", "en") == [("CF802", "ill try")]

    def test_overlapping_phrases_of_two_rules_are_both_found(self) -> None:
        found = _said("I'll try again later.", "en")
        assert found == [("CF802", "I'll try"), ("CF806", "try again later")]

    @pytest.mark.parametrize(
        ("language", "text", "extra", "first", "second"),
        [
            ("pt", "Vou tentar mais tarde.", "tentar mais tarde", "Vou tentar",
             "tentar mais tarde"),
            ("es", "Intentaré más tarde.", "intentaré más tarde", "Intentaré",
             "Intentaré más tarde"),
            ("it", "Proverò più tardi.", "proverò più tardi", "Proverò", "Proverò più tardi"),
            ("fr", "Je vais essayer plus tard.", "essayer plus tard", "Je vais essayer",
             "essayer plus tard"),
        ],
    )  # fmt: skip
    def test_overlaps_in_each_language(
        self, language: str, text: str, extra: str, first: str, second: str
    ) -> None:
        config = AuditConfig(phrases={language: {"CF803": [extra]}})
        found = [(f.code, f.evidence) for f in lint(text, language=language, config=config)]
        assert found == [("CF802", first), ("CF803", second)]

    def test_one_finding_per_rule_per_turn(self) -> None:
        assert _said("I'll try, I will try, we'll try.", "en") == [("CF802", "I'll try")]

    def test_phrases_do_not_cross_turns(self) -> None:
        rules = compiled("en")
        assert rules.find(["Please call back", "later today."]) == []

    def test_a_negator_in_another_clause_does_not_negate(self) -> None:
        assert _said("I don't know, call back later.", "en") == [("CF806", "call back later")]
        assert _said("No, it's impossible.", "en") == [("CF804", "it's impossible")]

    def test_exceptions(self) -> None:
        assert _said("Hold on to your receipt, please.", "en") == []
        assert _said("May I tell them who is calling?", "en") == []
        assert _said("C'est de la part de qui ?", "fr") == []

    def test_the_alternative_must_be_in_the_same_turn(self) -> None:
        transcript = _call("en", [("agent", "It's impossible."), ("agent", "But I can lend one.")])
        assert _words(transcript) == [("CF804", "It's impossible")]

    def test_single_quotes_and_guillemets(self) -> None:
        assert _said("He said 'call back later' to me.", "en") == []
        assert _said("Il a dit « rappelez plus tard ».", "fr") == []
        assert _said("It can't be helped, call back later.", "en") == [("CF806", "call back later")]

    def test_templates(self) -> None:
        assert expand("{i will|we'll} try{ to|}") == [
            "i will try to",
            "i will try",
            "we'll try to",
            "we'll try",
        ]
        assert expand("a{b|{c|d}e}") == ["ab", "ace", "ade"]
        for bad in ("{a|b", "a}b", "a|b", "{a|b|c|d}" * 6):
            with pytest.raises(ValidationError):
                expand(bad)

    def test_fold_keeps_the_length(self) -> None:
        text = "Non è “IMPOSSIBILE” — l’ho già detto!"
        assert len(fold(text)) == len(text)


class TestScreening:
    EVENTS: list[dict[str, Any]] = [  # noqa: RUF012
        {"event": "answer", "at": 0},
        {"event": "screen", "at": 12, "wanted": "Maria Rossi", "available": False},
        {"event": "listen", "at": 31, "problem": "an invoice"},  # leaves the greeting
    ]  # fmt: skip

    def _turns(self) -> list[tuple[str, str]]:
        return [
            ("agent", "ACME, what's your name?"),  # 0: asking a caller's name is no screening
            ("caller", "Can I speak to Maria Rossi?"),  # 1
            ("agent", "Who is this? She's in a meeting."),  # 2: screening
            ("caller", "Marco Bianchi."),  # 3
            ("agent", "What's your name again? She is at home today."),  # 4: the screening ended
            ("agent", "She's on holiday, by the way."),  # 5
        ]

    def test_judged_only_while_screening(self) -> None:
        transcript = _call("en", self._turns(), self.EVENTS)
        found = [(f.rule, f.turn) for f in audit(transcript).findings if f.rule in SCREENED]
        assert ("CF807", 2) in found
        assert ("CF808", 2) in found
        assert ("CF807", 0) not in found
        assert ("CF807", 4) not in found
        assert ("CF808", 5) not in found

    def test_no_screening_no_finding(self) -> None:
        transcript = _call("en", self._turns(), [{"event": "answer", "at": 0}])
        assert [f for f in audit(transcript).findings if f.rule in SCREENED] == []

    def test_lint_judges_screening_only_when_told(self) -> None:
        assert lint("Who is this? She's in a meeting.", language="en") == ()
        assert [f.code for f in lint("Who is this?", language="en", screening=True)] == ["CF807"]


class TestInTheAudit:
    def test_a_finding_names_the_last_event_before_its_turn(self) -> None:
        events = [
            {"event": "answer", "at": 0},
            {"event": "listen", "at": 12, "problem": "Outlook will not open"},
        ]
        transcript = _call(
            "en", [("agent", "Hi."), ("caller", "Help"), ("agent", "I'll try.")], events
        )
        (finding,) = [f for f in audit(transcript).findings if f.rule == "CF802"]
        assert (finding.event_index, finding.event, finding.stage) == (2, "listen", Stage.VENTING)
        assert (finding.turn, finding.evidence) == (2, "I'll try")
        assert (
            finding.message == 'the agent said "I\'ll try": a weak commitment: say what you will do'
        )

    def test_without_events_the_ring(self) -> None:
        transcript = _call("it", [("agent", "Proverò.")])
        (finding,) = audit(transcript).findings
        assert (finding.rule, finding.event_index, finding.event, finding.turn) == (
            "CF802", 0, "ring", 0,
        )  # fmt: skip

    def test_untimed_turns_go_by_the_events_turns(self) -> None:
        data = _call("en", [("agent", "Hi"), ("caller", "Help"), ("agent", "ASAP.")]).to_dict()
        for turn in data["turns"]:
            turn["start"] = turn["end"] = None
        data["channel"] = "chat"
        data["events"] = [
            {"event": "answer", "at": 0, "turn": 0},
            {"event": "listen", "at": 5, "problem": "help", "turn": 1},
        ]
        (finding,) = audit(Transcript.from_dict(data)).findings
        assert (finding.rule, finding.event, finding.turn) == ("CF803", "listen", 2)

    def test_configured_codes_and_extra_phrases(self) -> None:
        transcript = _call("pt", [("agent", "Vou ver o que consigo, o quanto antes.")])
        assert _words(transcript) == [("CF803", "o quanto antes")]
        config = AuditConfig(
            phrases={"pt": {"CF802": ["vou ver o que consigo"]}}, ignore=("CF803",)
        )
        assert _words(transcript, config) == [("CF802", "Vou ver o que consigo")]

    def test_hold_words_are_found_once(self) -> None:
        events = [
            {"event": "answer", "at": 0},
            {"event": "listen", "at": 1, "problem": "printer"},
            {"event": "hold", "at": 10, "reason": "check", "asked_permission": True,
             "words": "Hang on", "turn": 1},
            {"event": "resume", "at": 20, "thanked": True},
        ]  # fmt: skip
        turns = [("agent", "Hi."), ("agent", "Hang on, I check."), ("agent", "Hold on again.")]
        found = [(f.rule, f.turn) for f in audit(_call("en", turns, events)).findings]
        assert found.count(("CF503", 1)) == 1
        assert ("CF503", 2) in found

    def test_hold_words_are_no_finding_in_a_chat(self) -> None:
        assert _words(_call("en", [("agent", "Hang on.")], channel="chat")) == []
        assert lint("Hang on.", language="en", channel="chat") == ()

    def test_the_rulebook_says_who_checks(self) -> None:
        for code in LANGUAGE_CODES:
            assert "language" in RULEBOOK[code].checks


class TestLint:
    def test_findings(self) -> None:
        (finding,) = lint("Proverò a sistemarlo.", language="it", stage=Stage.RESOLUTION)
        assert isinstance(finding, LintFinding)
        assert (finding.code, finding.evidence, finding.start, finding.end) == (
            "CF802", "Proverò", 0, 7,
        )  # fmt: skip
        assert finding.to_dict()["severity"] == "error"
        assert lint("", language="en") == ()
        assert lint("   ", language="en", stage="greeting") == ()

    def test_config_selects(self) -> None:
        config = AuditConfig(ignore=("CF802",))
        assert lint("I'll try ASAP.", language="en", config=config)[0].code == "CF803"

    @pytest.mark.parametrize(
        "arguments",
        [
            {"text": None, "language": "en"},
            {"text": "x" * 100_001, "language": "en"},
            {"text": "hi", "language": "de"},
            {"text": "hi", "language": "en", "stage": "lunch"},
            {"text": "hi", "language": "en", "screening": 1},
            {"text": "hi", "language": "en", "screening": True, "stage": Stage.GOODBYE},
            {"text": "hi", "language": "en", "channel": "fax"},
            {"text": "hi", "language": "en", "config": {}},
        ],
    )
    def test_bad_arguments(self, arguments: dict[str, Any]) -> None:
        text = arguments.pop("text")
        with pytest.raises(ValidationError):
            lint(text, **arguments)

    def test_lint_finding_checks_its_fields(self) -> None:
        with pytest.raises(ValidationError):
            LintFinding("CF999", "m", "w", 0, 1)
        with pytest.raises(ValidationError):
            LintFinding("CF802", "m", "w", 3, 1)

    def test_a_long_hostile_text_is_quick(self) -> None:
        text = "not hold on, 'hold on' \"hold on\" it's impossible " * 2000
        assert [f.code for f in lint(text, language="en")] == ["CF804"]


class TestConfig:
    def test_bad_phrases_are_refused(self) -> None:
        with pytest.raises(ConfigError):
            AuditConfig(phrases={"en": {"CF802": ["{i will|we will try"]}})
        with pytest.raises(ConfigError):
            AuditConfig(phrases={"en": {"CF802": ["x" * 201]}})

    def test_phrases_of_other_codes_are_left_out(self) -> None:
        config = AuditConfig(phrases={"en": {"CF201": ["acme"]}})
        assert lint("acme", language="en", config=config) == ()
