"""Tests for callflow.rules: the catalogue agrees with the domain rulebook."""

import re
from pathlib import Path

import attrs
import pytest

from callflow.errors import CallflowError, UnknownRuleError
from callflow.rules import RULES, Rule, Severity, rule

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "DOMAIN.md"
OWN_CODES = {"CF001", "CF002"}

_HEADING = re.compile(r"^## \d+\. (?P<name>.+?)(?: \(CF\d+xx\).*)?$")
_BULLET = re.compile(r"^- (?P<code>CF\d{3,4}) ")
_PAREN = re.compile(r"\(([^()]*)\)")
_SOURCE = re.compile(r"(?P<seed>\d{3})?(?: ?(?P<item>[§#Q]\d+))?")


def _sources(text: str) -> list[str]:
    """Source references in the parentheses of text, continuations written in full.

    A parenthesis counts only if every comma-separated part is a reference
    ("001", "000 §1", "§6") and the first names a seed; so "(default 6 s a ring)"
    is prose. "(000 §3, §6)" reads as "000 §3", "000 §6".
    """
    found: list[str] = []
    for group in _PAREN.findall(text):
        parts = [_SOURCE.fullmatch(p.strip()) for p in group.split(",")]
        if not parts or not all(m and m.group(0) for m in parts):
            continue
        if parts[0] is None or parts[0]["seed"] is None:
            continue
        seed = ""
        for m in parts:
            assert m is not None
            seed = m["seed"] or seed
            ref = seed if m["item"] is None else f"{seed} {m['item']}"
            if ref not in found:
                found.append(ref)
    return found


@attrs.frozen
class DomainRule:
    """A rule as DOMAIN.md writes it: its section and its sources."""

    code: str
    section: str
    sources: tuple[str, ...]


def parse_domain(text: str) -> dict[str, DomainRule]:
    """Read every rule bullet of DOMAIN.md with its section heading and sources.

    A bullet runs over its indented continuation lines. A bullet that gives no
    source takes the nearest one given before it in its section (a lead-in
    such as "A message slip (001) has:", or the previous bullet).
    """
    rules: dict[str, DomainRule] = {}
    section = ""
    inherited: list[str] = []
    chunks: list[tuple[str | None, str]] = []  # (code or None for prose, text)
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            chunks.append(("#", heading["name"]))
        elif bullet := _BULLET.match(line):
            chunks.append((bullet["code"], line))
        elif line.startswith("  ") and chunks and chunks[-1][0] not in (None, "#"):
            code, body = chunks[-1]
            chunks[-1] = (code, f"{body} {line.strip()}")
        else:
            chunks.append((None, line))
    for code, body in chunks:
        if code == "#":
            section, inherited = body, []
            continue
        inherited = _sources(body) or inherited
        if code is not None:
            rules[code] = DomainRule(code, section, tuple(inherited))
    return rules


@pytest.fixture(scope="module")
def domain_text() -> str:
    """The text of DOMAIN.md, or a skip when the shared folder is not beside the repo."""
    if not DOMAIN.is_file():
        pytest.skip(f"the domain rulebook is not at {DOMAIN}")
    return DOMAIN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def domain_rules(domain_text: str) -> dict[str, DomainRule]:
    """The rule bullets of DOMAIN.md, keyed by code."""
    return parse_domain(domain_text)


class TestCoverage:
    def test_every_domain_code_is_a_rule(self, domain_text: str) -> None:
        """Every code DOMAIN.md mentions is in RULES, and RULES has nothing else but ours."""
        expected = set(re.findall(r"\bCF\d{3,4}\b", domain_text))
        actual = set(RULES) - OWN_CODES

        assert expected == actual

    def test_every_domain_code_has_a_bullet(self, domain_text: str) -> None:
        """The parser finds one bullet for each code the rulebook mentions."""
        expected = set(re.findall(r"\bCF\d{3,4}\b", domain_text))
        actual = set(parse_domain(domain_text))

        assert expected == actual

    def test_own_codes(self) -> None:
        """callflow's own procedure codes are in the catalogue, with seed 000 as source."""
        expected = dict.fromkeys(OWN_CODES, ("Procedure", ("000",), Severity.ERROR))
        actual = {c: (RULES[c].section, RULES[c].sources, RULES[c].severity) for c in OWN_CODES}

        assert expected == actual


class TestOrder:
    def test_codes_are_keys(self) -> None:
        """Each rule is filed under its own code."""
        expected = list(RULES)
        actual = [r.code for r in RULES.values()]

        assert expected == actual

    def test_numeric_order(self) -> None:
        """Codes run in numeric order, so CF1001 comes after CF905."""
        expected = sorted(RULES, key=lambda code: int(code[2:]))
        actual = list(RULES)

        assert expected == actual
        assert actual[:3] == ["CF001", "CF002", "CF101"]
        assert actual[-1] == "CF1004"

    def test_codes_are_well_formed_and_unique(self) -> None:
        """Every code is CF and three or four digits, and none repeats."""
        codes = list(RULES)
        expected: list[str] = []
        actual = [c for c in codes if not re.fullmatch(r"CF\d{3,4}", c)]

        assert expected == actual
        assert len(set(codes)) == len(codes)

    def test_read_only(self) -> None:
        """RULES cannot be changed at run time."""
        with pytest.raises(TypeError):
            RULES["CF999"] = RULES["CF001"]  # type: ignore[index]


class TestContent:
    def test_titles(self) -> None:
        """Every rule has a one-line, non-empty title that ends as a sentence."""
        expected: list[str] = []
        actual = [
            r.code
            for r in RULES.values()
            if not r.title.strip() or "\n" in r.title or not r.title.endswith(".")
        ]

        assert expected == actual

    def test_sources_present(self) -> None:
        """Every rule names at least one non-empty source."""
        expected: list[str] = []
        actual = [r.code for r in RULES.values() if not r.sources or not all(r.sources)]

        assert expected == actual

    def test_sources_match_domain(self, domain_rules: dict[str, DomainRule]) -> None:
        """Each rule's sources are the ones DOMAIN.md gives on its bullet."""
        expected = {code: d.sources for code, d in domain_rules.items()}
        actual = {code: RULES[code].sources for code in domain_rules}

        assert expected == actual

    def test_sections_match_domain(self, domain_rules: dict[str, DomainRule]) -> None:
        """Each rule's section is the name of the DOMAIN.md heading it sits under."""
        expected = {code: d.section for code, d in domain_rules.items()}
        actual = {code: RULES[code].section for code in domain_rules}

        assert expected == actual

    def test_severities(self) -> None:
        """Advice rules are warnings; every other rule is an error."""
        expected = {
            "CF102",
            "CF207",
            "CF302",
            "CF303",
            "CF402",
            "CF404",
            "CF406",
            "CF608",
            "CF703",
        }
        actual = {c for c, r in RULES.items() if r.severity is Severity.WARNING}

        assert expected == actual
        assert all(r.severity is Severity.ERROR for c, r in RULES.items() if c not in actual)

    def test_severity_values(self) -> None:
        """Severities serialise as lower-case strings."""
        expected = {"ERROR": "error", "WARNING": "warning"}
        actual = {s.name: s.value for s in Severity}

        assert expected == actual

    def test_rule_is_frozen(self) -> None:
        """A rule is an immutable value."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            RULES["CF201"].title = "changed"  # type: ignore[misc]


class TestParser:
    def test_continuations_and_prose(self) -> None:
        """Shorthand references are written in full and prose parentheses are ignored."""
        expected = ["000 §3", "000 §6", "002 Q7", "001"]
        actual = _sources("a (default 6 s) b (000 §3, §6) c (002 Q7) (impact x urgency) (001).")

        assert expected == actual

    def test_multiline_bullet(self) -> None:
        """A bullet's source may sit on a continuation line, and a bare bullet inherits."""
        text = (
            "## 3. Greeting (CF2xx)\n\nLead-in (002 Q1):\n- CF201 one\n  two (000 §1, 001).\n"
            "- CF202 none.\n\n## 4. Other (CF3xx)\n\n- CF301 x (003 #2).\n"
        )
        expected = {
            "CF201": DomainRule("CF201", "Greeting", ("000 §1", "001")),
            "CF202": DomainRule("CF202", "Greeting", ("000 §1", "001")),
            "CF301": DomainRule("CF301", "Other", ("003 #2",)),
        }
        actual = parse_domain(text)

        assert expected == actual


class TestLookup:
    def test_known_code(self) -> None:
        """rule() returns the catalogue entry for a known code."""
        expected = RULES["CF201"]
        actual = rule("CF201")

        assert expected == actual
        assert isinstance(actual, Rule)
        assert actual.section == "Greeting"

    @pytest.mark.parametrize("code", ["CF999", "cf201", "", "CF201 "])
    def test_unknown_code(self, code: str) -> None:
        """An unknown code raises UnknownRuleError, a LookupError naming the code."""
        with pytest.raises(UnknownRuleError) as info:
            rule(code)

        assert isinstance(info.value, LookupError)
        assert isinstance(info.value, CallflowError)
        assert code == info.value.code
        assert repr(code) in str(info.value)

    def test_unhashable_code(self) -> None:
        """Even an unhashable argument raises UnknownRuleError, not TypeError."""
        with pytest.raises(UnknownRuleError):
            rule(["CF201"])  # type: ignore[arg-type]

    def test_lookup_error_catchable(self) -> None:
        """Callers that only know LookupError can catch an unknown code."""
        with pytest.raises(LookupError, match="CF000"):
            rule("CF000")
