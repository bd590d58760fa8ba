"""The executable rulebook: every code described, checked or not decidable, and documented."""

from pathlib import Path

import pytest

from callflow import RULES
from callflow.audit import RULEBOOK, Looks, Rulebook, Section
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
