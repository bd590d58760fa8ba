"""The executable rulebook: every code described, checked or not decidable, and documented."""

from pathlib import Path

import pytest

from callflow import RULES
from callflow.audit import RULEBOOK, Looks, Rulebook, RuleEntry, Section
from callflow.audit._rules_doc import BEGIN, END, render, rewrite
from callflow.audit.checks import PROCEDURE_CODES
from callflow.errors import UnknownRuleError, ValidationError

DOCS = Path(__file__).resolve().parent.parent / "docs"

# The rules that read the agent's words: the language rules issue checks them.
WORD_RULES = {
    "CF201", "CF202", "CF203", "CF204", "CF206", "CF207", "CF208",
    "CF301", "CF302", "CF303", "CF501", "CF703",
}  # fmt: skip


class TestCatalogue:
    def test_every_catalogued_code_is_described_once(self) -> None:
        """The rulebook has exactly the catalogue's codes, in the same order."""
        assert list(RULEBOOK) == list(RULES)

    def test_every_code_is_checked_or_not_decidable_with_a_reason(self) -> None:
        """A code is checked, marked not decidable (with its reason), or a word rule."""
        unaccounted = {
            code
            for code, entry in RULEBOOK.items()
            if not entry.checks and entry.not_decidable is None
        }
        assert unaccounted == WORD_RULES

    def test_no_code_is_both_checked_and_not_decidable(self) -> None:
        both = [code for code, e in RULEBOOK.items() if e.checks and e.not_decidable]
        assert both == []

    def test_every_check_declares_catalogued_codes(self) -> None:
        for check in RULEBOOK.checks.values():
            assert check.codes <= set(RULES), check.name
            for code in check.codes:
                assert check.name in RULEBOOK[code].checks

    def test_phone_only_rules(self) -> None:
        """Rings, holds and who hangs up first are phone rules; a chat has none."""
        phone_only = {code for code, e in RULEBOOK.items() if e.channels == {"phone"}}
        assert phone_only == {"CF101", "CF502", "CF503", "CF504", "CF505", "CF706"}

    def test_entries_read_their_rule(self) -> None:
        entry = RULEBOOK["CF706"]
        assert (entry.code, entry.severity, entry.checked) == (
            "CF706",
            RULES["CF706"].severity,
            True,
        )
        assert entry.looks_at == {Looks.EVENTS}
        assert entry.section is Section.CLOSING
        assert not RULEBOOK["CF102"].checked

    def test_unknown_code(self) -> None:
        with pytest.raises(UnknownRuleError):
            RULEBOOK["CF999"]
        with pytest.raises(UnknownRuleError):
            RULEBOOK[3]  # type: ignore[index]

    def test_procedure_codes_are_the_calls_own(self) -> None:
        """Every code the procedure check passes on is one the core emits in audit mode."""
        assert set(PROCEDURE_CODES) <= set(RULES)
        assert "CF001" in PROCEDURE_CODES
        assert "CF607" not in PROCEDURE_CODES


class TestRegistration:
    def test_a_new_rulebook_registers_checks(self) -> None:
        book = Rulebook()
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        book.undecidable("CF102", "before the answer", section=Section.HOLD)

        @book.check("mine", "CF702")
        def mine(context: object) -> list[object]:
            return []

        assert book["CF702"].checks == ("mine",)
        assert book.checks["mine"].codes == {"CF702"}
        assert len(book) == 2

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            ({"looks_at": (), "section": Section.CLOSING}, "looks_at"),
            ({"looks_at": ("events",), "section": Section.CLOSING}, "looks_at"),
            ({"looks_at": (Looks.EVENTS,), "section": "closing"}, "section"),
            (
                {"looks_at": (Looks.EVENTS,), "section": Section.CLOSING, "channels": ("fax",)},
                "channels",
            ),
            ({"looks_at": (Looks.EVENTS,), "section": Section.CLOSING, "channels": ()}, "channels"),
            (
                {"looks_at": (Looks.EVENTS,), "section": Section.CLOSING, "not_decidable": ""},
                "not_decidable",
            ),
        ],
    )
    def test_bad_descriptions_are_refused(self, arguments: dict[str, object], field: str) -> None:
        with pytest.raises(ValidationError) as caught:
            Rulebook().describe("CF702", **arguments)  # type: ignore[arg-type]
        assert caught.value.field == field

    def test_a_code_is_described_once(self) -> None:
        book = Rulebook()
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        with pytest.raises(ValidationError, match="described already"):
            book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)

    def test_checks_need_described_decidable_codes(self) -> None:
        book = Rulebook()
        book.undecidable("CF102", "before the answer", section=Section.HOLD)
        with pytest.raises(UnknownRuleError):
            book.check("x", "CF702")
        with pytest.raises(ValidationError, match="not decidable"):
            book.check("x", "CF102")
        with pytest.raises(ValidationError, match="at least one code"):
            book.check("x")
        with pytest.raises(UnknownRuleError):
            book.describe("CF999", looks_at=(Looks.EVENTS,), section=Section.CLOSING)

    def test_check_names_are_unique(self) -> None:
        with pytest.raises(ValidationError, match="new check"):
            RULEBOOK.check("procedure", "CF001")


class TestDocs:
    def test_rules_page_holds_the_generated_table(self) -> None:
        """docs/rules.md's rulebook table is what the rulebook generates (regenerate on change)."""
        page = (DOCS / "rules.md").read_text(encoding="utf-8")
        assert rewrite(page) == page

    def test_every_code_has_a_row(self) -> None:
        table = render()
        for code in RULES:
            assert f"| `{code}` |" in table
        assert "not decidable from a transcript: the outage message" in table

    def test_rewrite_needs_the_markers(self) -> None:
        with pytest.raises(ValueError, match="markers"):
            rewrite("no markers")
        assert rewrite(f"a\n{BEGIN}\nold\n{END}\nb").startswith(f"a\n{BEGIN}\n| code |")


def refusal(error: ValidationError) -> tuple[object, object, str]:
    """What a refusal names: the field, the value refused, and why."""
    return error.field, error.value, error.reason


class TestEntries:
    def entry(self, **changes: object) -> RuleEntry:
        arguments: dict[str, object] = {
            "rule": RULES["CF702"],
            "looks_at": frozenset({Looks.EVENTS}),
            "channels": frozenset({"phone"}),
            "section": Section.CLOSING,
            **changes,
        }
        return RuleEntry(**arguments)  # type: ignore[arg-type]

    def test_an_entry_made_directly(self) -> None:
        entry = self.entry(not_decidable="  the reason  ", checks=("a", "b"))
        assert (entry.code, entry.severity, entry.checked) == (
            "CF702",
            RULES["CF702"].severity,
            True,
        )
        assert (entry.not_decidable, entry.checks) == ("  the reason  ", ("a", "b"))
        plain = self.entry()
        assert (plain.not_decidable, plain.checks, plain.checked) == (None, (), False)
        assert self.entry(channels=frozenset({"phone", "chat"})).channels == {"phone", "chat"}

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            (
                {"looks_at": {Looks.EVENTS}},
                ("looks_at", {Looks.EVENTS}, "must be a non-empty frozenset of Looks"),
            ),
            (
                {"looks_at": frozenset()},
                ("looks_at", frozenset(), "must be a non-empty frozenset of Looks"),
            ),
            (
                {"looks_at": frozenset({Looks.EVENTS, "metadata"})},
                (
                    "looks_at",
                    frozenset({Looks.EVENTS, "metadata"}),
                    "must be a non-empty frozenset of Looks",
                ),
            ),
            (
                {"channels": {"phone"}},
                ("channels", {"phone"}, "must be a frozenset of 'phone' and 'chat'"),
            ),
            (
                {"channels": frozenset()},
                ("channels", frozenset(), "must be a frozenset of 'phone' and 'chat'"),
            ),
            (
                {"channels": frozenset({"phone", "fax"})},
                (
                    "channels",
                    frozenset({"phone", "fax"}),
                    "must be a frozenset of 'phone' and 'chat'",
                ),
            ),
            (
                {"not_decidable": "   "},
                ("not_decidable", "   ", "must be the reason, as text, or None"),
            ),
            (
                {"not_decidable": 3},
                ("not_decidable", 3, "must be the reason, as text, or None"),
            ),
            ({"checks": ["a"]}, ("checks", ["a"], "must be a tuple of check names")),
            ({"checks": ("a", "")}, ("checks", ("a", ""), "must be a tuple of check names")),
            ({"checks": ("a", 3)}, ("checks", ("a", 3), "must be a tuple of check names")),
        ],
    )
    def test_bad_entries_are_refused(
        self, changes: dict[str, object], expected: tuple[object, object, str]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            self.entry(**changes)
        assert refusal(caught.value) == expected


class TestRegistrationInFull:
    def test_describe_keeps_what_it_is_told(self) -> None:
        book = Rulebook()
        book.describe(
            "CF702",
            looks_at=[Looks.EVENTS, Looks.AGENT_TURNS],
            section=Section.CLOSING,
            channels=["chat"],
        )
        book.describe("CF706", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        entry = book["CF702"]
        assert (entry.rule, entry.looks_at, entry.channels, entry.section) == (
            RULES["CF702"],
            {Looks.EVENTS, Looks.AGENT_TURNS},
            {"chat"},
            Section.CLOSING,
        )
        assert (entry.not_decidable, entry.checks) == (None, ())
        assert book["CF706"].channels == {"phone", "chat"}
        assert list(book) == ["CF702", "CF706"]

    def test_undecidable_looks_at_the_metadata(self) -> None:
        book = Rulebook()
        book.undecidable("CF102", "before the answer", section=Section.HOLD)
        entry = book["CF102"]
        assert (entry.looks_at, entry.channels, entry.section, entry.not_decidable) == (
            {Looks.METADATA},
            {"phone", "chat"},
            Section.HOLD,
            "before the answer",
        )

    @pytest.mark.parametrize(
        ("arguments", "expected"),
        [
            (
                {"looks_at": (), "section": Section.CLOSING},
                ("looks_at", (), "must name at least one Looks"),
            ),
            (
                {"looks_at": (Looks.EVENTS, "events"), "section": Section.CLOSING},
                ("looks_at", (Looks.EVENTS, "events"), "must name at least one Looks"),
            ),
            (
                {"looks_at": (Looks.EVENTS,), "section": "closing"},
                ("section", "closing", "must be a Section"),
            ),
            (
                {"looks_at": (Looks.EVENTS,), "section": Section.CLOSING, "channels": ()},
                ("channels", (), "must be some of 'phone' and 'chat'"),
            ),
            (
                {
                    "looks_at": (Looks.EVENTS,),
                    "section": Section.CLOSING,
                    "channels": ("chat", "fax"),
                },
                ("channels", ("chat", "fax"), "must be some of 'phone' and 'chat'"),
            ),
            (
                {"looks_at": (Looks.EVENTS,), "section": Section.CLOSING, "not_decidable": ""},
                ("not_decidable", "", "must be the reason, as text"),
            ),
            (
                {"looks_at": (Looks.EVENTS,), "section": Section.CLOSING, "not_decidable": 3},
                ("not_decidable", 3, "must be the reason, as text"),
            ),
        ],
    )
    def test_bad_descriptions_in_full(
        self, arguments: dict[str, object], expected: tuple[object, object, str]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            Rulebook().describe("CF702", **arguments)  # type: ignore[arg-type]
        assert refusal(caught.value) == expected

    def test_a_second_description_is_refused_in_full(self) -> None:
        book = Rulebook()
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        with pytest.raises(ValidationError) as caught:
            book.undecidable("CF702", "no", section=Section.CLOSING)
        assert refusal(caught.value) == ("code", "CF702", "is described already")
        assert book["CF702"].not_decidable is None

    def test_unknown_codes_name_the_code(self) -> None:
        book = Rulebook()
        for code in ("CF999", 702):
            with pytest.raises(UnknownRuleError) as caught:
                book.describe(code, looks_at=(Looks.EVENTS,), section=Section.CLOSING)  # type: ignore[arg-type]
            assert caught.value.code == code
        code_text = type("CodeText", (str,), {})("CF706")
        for code in (["CF706"], code_text):  # unhashable, or text but not a str
            with pytest.raises(UnknownRuleError) as caught:
                RULEBOOK[code]  # type: ignore[index]
            assert caught.value.code == code
            with pytest.raises(UnknownRuleError) as caught:
                Rulebook().undecidable(code, "no", section=Section.HOLD)  # type: ignore[arg-type]
            assert caught.value.code == code
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        with pytest.raises(UnknownRuleError) as caught:
            book["CF706"]  # catalogued, but not described in this book
        assert caught.value.code == "CF706"

    def test_several_checks_of_one_code_in_order(self) -> None:
        book = Rulebook()
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        book.describe("CF706", looks_at=(Looks.EVENTS,), section=Section.CLOSING)

        def first(context: object) -> list[object]:
            return []

        def second(context: object) -> list[object]:
            return []

        assert book.check("first", "CF702", "CF706")(first) is first  # type: ignore[arg-type]
        assert book.check("second", "CF706")(second) is second  # type: ignore[arg-type]
        assert (book["CF702"].checks, book["CF706"].checks) == (
            ("first",),
            ("first", "second"),
        )
        checks = book.checks
        assert list(checks) == ["first", "second"]
        assert (checks["first"].name, checks["first"].codes, checks["first"].run) == (
            "first",
            {"CF702", "CF706"},
            first,
        )
        checks.clear()  # a copy: the book keeps its checks
        assert list(book.checks) == ["first", "second"]

    @pytest.mark.parametrize("name", ["", 3, "procedure"])
    def test_a_check_needs_a_new_name(self, name: object) -> None:
        with pytest.raises(ValidationError) as caught:
            RULEBOOK.check(name, "CF001")  # type: ignore[arg-type]
        assert refusal(caught.value) == ("name", name, "must be a new check's name")

    def test_a_check_needs_codes_that_are_decidable(self) -> None:
        book = Rulebook()
        book.undecidable("CF102", "before the answer", section=Section.HOLD)
        book.describe("CF702", looks_at=(Looks.EVENTS,), section=Section.CLOSING)
        with pytest.raises(ValidationError) as caught:
            book.check("x")
        assert refusal(caught.value) == ("codes", (), "must name at least one code")
        with pytest.raises(ValidationError) as caught:
            book.check("x", "CF702", "CF102")
        assert refusal(caught.value) == ("codes", "CF102", "is marked not decidable")
        assert book.checks == {}
        assert book["CF702"].checks == ()
