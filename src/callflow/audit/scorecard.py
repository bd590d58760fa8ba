"""The QA scorecard: an audited call's findings as a score out of 100, per section and in total.

A :class:`Scorecard` is the definition (seed 002 Q2, Q10): the rulebook's
sections (:class:`~callflow.audit.rulebook.Section`), a weight for each,
the items that fail a call outright whatever its score, the pass mark, and
what a warning costs. Its items are not listed here: every code of the
rulebook that a registered check emits is an item, in the section the
rulebook gives it, so a rule checked tomorrow is scored tomorrow. Codes
no transcript can decide, codes no check emits and codes the audit's
configuration does not report are not items.

:func:`score_call` scores one call from its findings; :func:`callflow.audit.audit`
does it for every call and puts the :class:`Score` in its report.

How a call is scored (docs/audit.md, "The scorecard", works an example):

* **An item fails** when a finding of its code is reported, however many
  there are. A failed item of error severity costs the whole item (it
  scores 0), one of warning severity costs ``warning_cost`` of it (default
  half: it scores 0.5). Any other applicable item scores 1.
* **An item is N/A** (not applicable) when the call cannot show it: its
  rule's channels exclude the call's (holds in a chat), it looks at the
  events and the transcript has none, it looks at the agent's turns and no
  agent's turn has words, or it has an occasion (:data:`OCCASIONS`: holds
  for the hold items, an escalation for the escalation items...) and the
  call has no such event. An item with a finding always applies (the
  finding shows it did), unless its channel is excluded.
* **A section's score** is 100 times the mean of its applicable items'
  scores; a section whose items are all N/A has no score (``None``).
* **The total** is the weighted mean of the sections that have a score,
  the weights renormalised over them; a section of weight 0 counts for
  nothing. A call with no section scored has no total (``None``).
* **A call passes** when it has a total, the total is at least the pass
  mark, and no item that fails the call outright failed.

>>> card = Scorecard()
>>> card.weights[Section.GREETING], card.pass_mark, sorted(card.fail_outright)
(20, 80, ['CF205'])
>>> Scorecard(weights={"hold": -1})
Traceback (most recent call last):
...
callflow.errors.ConfigError: 'weights.hold' must be a number from 0 to 1000000 (got -1)
"""

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from callflow.audit import _catalogue  # noqa: F401  (describes every code)
from callflow.audit import checks as _checks  # noqa: F401  (registers the checks)
from callflow.audit.rulebook import RULEBOOK, Looks, Rulebook, Section
from callflow.audit.transcript import Transcript
from callflow.errors import ConfigError, ValidationError
from callflow.records import Finding
from callflow.rules import RULES, Severity
from callflow.stages import PROCEDURE
from callflow.validators import instance_of

if TYPE_CHECKING:  # the configuration holds a scorecard
    from callflow.audit.config import AuditConfig

__all__ = [
    "DEFAULT_WEIGHTS",
    "OCCASIONS",
    "Score",
    "ScoreItem",
    "Scorecard",
    "SectionScore",
    "score_call",
]

DEFAULT_WEIGHTS: Mapping[Section, float] = {
    Section.GREETING: 20,
    Section.LISTENING: 10,
    Section.RESOLUTION: 25,
    Section.HOLD: 10,
    Section.CLOSING: 20,
    Section.LANGUAGE: 10,
    Section.DOCUMENTATION: 5,
}
"""The sections' default weights (they add up to 100; greeting and closing are core sections)."""

OCCASIONS: Mapping[str, frozenset[str]] = {
    "CF002": frozenset({"hold", "resume"}),
    "CF403": frozenset({"follow_up"}),
    "CF406": frozenset({"troubleshoot"}),
    "CF502": frozenset({"hold"}),
    "CF503": frozenset({"hold"}),
    "CF504": frozenset({"hold"}),
    "CF505": frozenset({"hold"}),
    "CF506": frozenset({"transfer"}),
    "CF60": frozenset({"assign"}),
    "CF605": frozenset({"request_manager"}),
    "CF100": frozenset({"take_message"}),
}
"""Items that apply only to a call with one of some events, by code prefix (the longest wins).

The hold items need a hold, the transfer item a transfer, the escalation
items an escalation (``assign``), a manager request's item a manager
request, the message slip's items a message taken... A code no prefix
matches has no occasion: it applies to every call that has what it looks at.
"""

_DEFAULT_FAIL_OUTRIGHT = frozenset({"CF205"})
_DEFAULT_PASS_MARK = 80
_DEFAULT_WARNING_COST = 0.5
_MAX_WEIGHT = 1_000_000
# Scores are kept to this many decimals: 79.99999999999999 is 80.
_DECIMALS = 6
_SHORT_NAMES = {section.name.lower(): section for section in Section}
_FULL_NAMES = {section.value: section for section in Section}


def _number(field: str, value: object, low: float, high: float) -> float:
    if type(value) not in (int, float) or not low <= value <= high:  # type: ignore[operator]
        raise ConfigError(field, value, f"must be a number from {low} to {high}")
    return value  # type: ignore[return-value]


def _section(field: str, key: object) -> Section:
    """A section named by its member, its short name (``"hold"``) or its title."""
    if type(key) is Section:
        return key
    if type(key) is str:
        found = _SHORT_NAMES.get(key) or _FULL_NAMES.get(key)
        if found is not None:
            return found
    reason = f"must be a scorecard section: one of {sorted(_SHORT_NAMES)}"
    raise ConfigError(field, key, reason)


def _weights(value: object) -> dict[Section, float]:
    """The sections' weights: the defaults, with those ``value`` names replaced."""
    if not isinstance(value, Mapping):
        raise ConfigError("weights", value, "must map scorecard sections to weights")
    weights = dict(DEFAULT_WEIGHTS)
    for key in value:
        section = _section("weights", key)
        weights[section] = _number(f"weights.{section.name.lower()}", value[key], 0, _MAX_WEIGHT)
    if not any(weight > 0 for weight in weights.values()):
        raise ConfigError("weights", value, "must give at least one section a weight above 0")
    return {section: weights[section] for section in Section}


def _codes(field: str, value: object) -> list[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigError(field, value, "must be a list of rule codes")
    found: list[str] = []
    for index, code in enumerate(value):
        if index >= len(RULES):
            raise ConfigError(field, value, "must not name more codes than there are")
        if type(code) is not str or code not in RULES:
            raise ConfigError(f"{field}[{index}]", code, "must be a catalogued rule code")
        found.append(code)
    return found


def _fail_outright(value: object) -> frozenset[str]:
    codes = _codes("fail_outright", value)
    for index, code in enumerate(codes):
        if code in RULEBOOK and RULEBOOK[code].not_decidable is not None:
            reason = "is not decidable from a transcript, so it can never fail a call"
            raise ConfigError(f"fail_outright[{index}]", code, reason)
    return frozenset(codes)


def _pass_mark(value: object) -> float:
    return _number("pass_mark", value, 0, 100)


def _warning_cost(value: object) -> float:
    return _number("warning_cost", value, 0, 1)


def _occasions(value: object) -> dict[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        raise ConfigError("occasions", value, "must map code prefixes to events")
    table: dict[str, frozenset[str]] = {}
    for index, prefix in enumerate(value):
        if index >= len(RULES) * 2:
            reason = "must not name more prefixes than there are codes"
            raise ConfigError("occasions", value, reason)
        if (
            type(prefix) is not str
            or len(prefix) < 2
            or not prefix.startswith("CF")
            or not any(code.startswith(prefix) for code in RULES)
        ):
            raise ConfigError("occasions", prefix, "must be keyed by rule codes or their prefixes")
        events = value[prefix]
        where = f"occasions.{prefix}"
        if isinstance(events, (str, bytes)) or not isinstance(events, Iterable):
            raise ConfigError(where, events, "must be a list of events of the procedure")
        chosen: set[str] = set()
        for position, event in enumerate(events):
            if position >= len(PROCEDURE.events):
                raise ConfigError(where, events, "must not name more events than there are")
            if type(event) is not str or event not in PROCEDURE.events:
                reason = f"must be an event of the procedure: {PROCEDURE.events}"
                raise ConfigError(f"{where}[{position}]", event, reason)
            chosen.add(event)
        if not chosen:
            raise ConfigError(where, events, "must name at least one event")
        table[prefix] = frozenset(chosen)
    return table


def _catalogued(field: str, value: object) -> None:
    if type(value) is not str or value not in RULES:
        raise ValidationError(field, value, "must be a catalogued rule code")


def _code(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    _catalogued(attribute.name, value)


def _weight(value: object) -> float:
    return _number("weight", value, 0, _MAX_WEIGHT)


def _sorted_items(mapping: Mapping[Any, Any]) -> tuple[tuple[Any, Any], ...]:
    return tuple(sorted(mapping.items(), key=lambda item: str(item[0])))


@attrs.frozen
class ScoreItem:
    """One item of the scorecard: a checked rule, its section and its severity."""

    code: str = attrs.field(validator=_code)
    section: Section = attrs.field(validator=instance_of(Section))
    severity: Severity = attrs.field(validator=instance_of(Severity))


@attrs.frozen
class Scorecard:
    """The scorecard's definition: section weights, items that fail a call outright, pass mark.

    Args:
        weights: a weight per section (numbers from 0 to 1,000,000), keyed
            by :class:`Section` or its short name (``"greeting"``,
            ``"listening"``, ``"resolution"``, ``"hold"``, ``"closing"``,
            ``"language"``, ``"documentation"``); the sections not named
            keep their default weight (:data:`DEFAULT_WEIGHTS`). Only the
            ratios matter.
        fail_outright: the codes whose item, failed, fails the call whatever
            its score (default: CF205, account details given before the
            caller is verified).
        pass_mark: the lowest passing total, 0-100 (default 80).
        warning_cost: how much of its item a finding of warning severity
            costs, 0-1 (default 0.5; an error costs the whole item).
        occasions: the items that apply only to calls with some event, by
            code prefix (default :data:`OCCASIONS`).

    Raises:
        ConfigError: a bad setting, named by its key (``weights.hold``).
    """

    weights: Mapping[Section, float] = attrs.field(
        factory=lambda: dict(DEFAULT_WEIGHTS), converter=_weights, eq=_sorted_items
    )
    fail_outright: frozenset[str] = attrs.field(
        default=_DEFAULT_FAIL_OUTRIGHT, converter=_fail_outright
    )
    pass_mark: float = attrs.field(default=_DEFAULT_PASS_MARK, converter=_pass_mark)
    warning_cost: float = attrs.field(default=_DEFAULT_WARNING_COST, converter=_warning_cost)
    occasions: Mapping[str, frozenset[str]] = attrs.field(
        factory=lambda: dict(OCCASIONS), converter=_occasions, eq=_sorted_items
    )

    def items(self, rulebook: Rulebook = RULEBOOK) -> tuple[ScoreItem, ...]:
        """The scorecard's items: every code of ``rulebook`` that a registered check emits."""
        if type(rulebook) is not Rulebook:
            raise ValidationError("rulebook", rulebook, "must be a callflow.audit.Rulebook")
        return tuple(
            ScoreItem(code, entry.section, entry.severity)
            for code, entry in rulebook.items()
            if entry.checked and entry.not_decidable is None
        )

    def occasion(self, code: str) -> frozenset[str] | None:
        """The events one of which a call needs for ``code``'s item to apply, or ``None``."""
        _catalogued("code", code)
        prefix = max((p for p in self.occasions if code.startswith(p)), key=len, default=None)
        return None if prefix is None else self.occasions[prefix]

    @classmethod
    def from_mapping(cls, table: Mapping[str, object], *, where: str = "scorecard") -> "Scorecard":
        """The scorecard that a TOML table (``[tool.callflow.scorecard]``'s keys) gives.

        Keys: ``weights`` (a table of section short names to numbers),
        ``fail-outright`` (a list of codes), ``pass-mark``, ``warning-cost``.

        Raises:
            ConfigError: an unknown key or a bad value, named by its key path.
        """
        if type(where) is not str:
            raise ConfigError("where", where, "must be text: where the table comes from")
        if not isinstance(table, Mapping):
            raise ConfigError(where, table, "must be a table of scorecard settings")
        names = {
            "weights": "weights",
            "fail-outright": "fail_outright",
            "pass-mark": "pass_mark",
            "warning-cost": "warning_cost",
        }
        arguments: dict[str, Any] = {}
        for key in table:
            if type(key) is not str or key not in names:
                reason = f"is not a scorecard setting; known: {sorted(names)}"
                raise ConfigError(f"{where}.{key}", table[key], reason)
            arguments[names[key]] = table[key]
        try:
            return cls(**arguments)
        except ConfigError as error:
            field = error.field
            for key, name in names.items():
                if field == name or field.startswith((f"{name}.", f"{name}[")):
                    field = key + field[len(name) :]
            raise ConfigError(f"{where}.{field}", error.value, error.reason) from None


def _score_value(value: object) -> float | None:
    if value is not None and (
        type(value) not in (int, float) or not 0 <= value <= 100  # type: ignore[operator]
    ):
        raise ValidationError("value", value, "must be a score from 0 to 100, or None")
    return value  # type: ignore[return-value]


def _code_tuple(field: str) -> Any:
    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if type(value) is not tuple or not all(type(c) is str and c in RULES for c in value):
            raise ValidationError(field, value, "must be a tuple of catalogued rule codes")

    return check


@attrs.frozen
class SectionScore:
    """One section's part of a call's score.

    Attributes:
        section: the section.
        weight: its weight in the scorecard.
        value: its score, 0-100, or ``None`` when all its items are N/A.
        items: the codes of its applicable items.
        failed: the codes of its failed items.
    """

    section: Section = attrs.field(validator=instance_of(Section))
    weight: float = attrs.field(converter=_weight)
    value: float | None = attrs.field(converter=_score_value)
    items: tuple[str, ...] = attrs.field(validator=_code_tuple("items"))
    failed: tuple[str, ...] = attrs.field(validator=_code_tuple("failed"))

    def to_dict(self) -> dict[str, Any]:
        """The section's score as plain JSON data."""
        return {
            "section": self.section.value,
            "weight": self.weight,
            "score": self.value,
            "items": list(self.items),
            "failed": list(self.failed),
        }


def _sections(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if (
        type(value) is not tuple
        or not all(type(part) is SectionScore for part in value)
        or tuple(part.section for part in value) != tuple(Section)
    ):
        raise ValidationError(attribute.name, value, "must be a SectionScore per section, in order")


def _items(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not tuple or not all(type(item) is ScoreItem for item in value):
        raise ValidationError(attribute.name, value, "must be a tuple of ScoreItems")


@attrs.frozen
class Score:
    """A call's score on the scorecard: plain data (it pickles).

    Attributes:
        value: the total, 0-100, or ``None`` when no section could be scored.
        passed: whether the call passed: a total at least the pass mark,
            and no item that fails the call outright failed.
        pass_mark: the pass mark it was held to.
        sections: each section's score, in the order of :class:`Section`.
        failed: the failed items, in code order.
        failed_outright: the codes of the failed items that fail the call outright.
        not_applicable: the codes of the items that could not apply to the call.
    """

    value: float | None = attrs.field(converter=_score_value)
    passed: bool = attrs.field(validator=instance_of(bool))
    pass_mark: float = attrs.field(converter=_pass_mark)
    sections: tuple[SectionScore, ...] = attrs.field(validator=_sections)
    failed: tuple[ScoreItem, ...] = attrs.field(validator=_items)
    failed_outright: tuple[str, ...] = attrs.field(validator=_code_tuple("failed_outright"))
    not_applicable: tuple[str, ...] = attrs.field(validator=_code_tuple("not_applicable"))

    def section(self, section: Section | str) -> SectionScore:
        """The score of ``section`` (a :class:`Section` or its short name)."""
        try:
            chosen = _section("section", section)
        except ConfigError as error:
            raise ValidationError(error.field, error.value, error.reason) from None
        return self.sections[list(Section).index(chosen)]

    def to_dict(self) -> dict[str, Any]:
        """The score as plain JSON data: sections keyed by their titles."""
        return {
            "score": self.value,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "sections": {part.section.value: part.value for part in self.sections},
            "weights": {part.section.value: part.weight for part in self.sections},
            "failed": [
                {
                    "code": item.code,
                    "section": item.section.value,
                    "severity": item.severity.value,
                    "fails_outright": item.code in self.failed_outright,
                }
                for item in self.failed
            ],
            "failed_outright": list(self.failed_outright),
            "not_applicable": list(self.not_applicable),
        }


def _findings(value: object) -> tuple[Finding, ...]:
    if not isinstance(value, (tuple, list)) or not all(
        type(finding) is Finding and finding.rule in RULES for finding in value
    ):
        raise ValidationError("findings", value, "must be a tuple of catalogued Findings")
    return tuple(value)


# The items a scorecard scores under a configuration, with their rule and occasion, worked
# out once: they depend on the scorecard, the rulebook's checks and the codes reported,
# not on the call (this was over half of an audit's time). Keyed by identity, with the
# objects kept beside the plan so an identity is never reused while cached.
_PLANS: dict[tuple[int, int, int, int, tuple[str, ...], tuple[str, ...]], tuple[object, ...]] = {}
_MAX_PLANS = 64
_SECTIONS = tuple(Section)


@attrs.frozen
class _Planned:
    """One item as the scorer walks it: what decides whether it applies, and what it costs."""

    item: ScoreItem
    section: int  # the section's position in :class:`Section`
    channels: frozenset[str]
    looks_at: frozenset[Looks]
    occasion: frozenset[str] | None
    cost: float  # what a failure of it loses


def _plan(card: Scorecard, rulebook: Rulebook, config: "AuditConfig") -> tuple[_Planned, ...]:
    key = (
        id(card),
        id(rulebook),
        len(rulebook),
        len(rulebook.checks),
        config.select,
        config.ignore,
    )
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is card and cached[1] is rulebook:
        return cached[2]  # type: ignore[return-value]
    plan = tuple(
        _Planned(
            item,
            _SECTIONS.index(item.section),
            frozenset(entry.channels),
            frozenset(entry.looks_at),
            card.occasion(item.code),
            1.0 if item.severity is Severity.ERROR else card.warning_cost,
        )
        for item in card.items(rulebook)
        if config.reports(item.code)
        for entry in (rulebook[item.code],)
    )
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = (card, rulebook, plan)
    return plan


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_T = TypeVar("_T")


def _made(cls: type[_T], *values: object) -> _T:
    """An instance of the frozen attrs class ``cls`` from values the scorer made itself.

    Its validators would only check again what the scorer just worked out
    (every code catalogued, every section in order), and they cost more
    than the scoring: so they are skipped here, and only here.
    """
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in attrs.fields(cls))  # type: ignore[arg-type]
    instance = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        object.__setattr__(instance, name, value)
    return instance


def score_call(
    transcript: Transcript,
    findings: tuple[Finding, ...],
    config: "AuditConfig | None" = None,
    *,
    rulebook: Rulebook = RULEBOOK,
) -> Score:
    """Score a call from the findings its audit reported, on ``config``'s scorecard.

    Args:
        transcript: the recorded call (its channel, events and turns decide
            which items are N/A).
        findings: the findings reported for it (:attr:`AuditReport.findings
            <callflow.audit.AuditReport.findings>`).
        config: the audit's configuration: its scorecard, and the codes it
            reports (a code it does not report is not an item).
        rulebook: the rules and their checks; its checked codes are the items.

    Raises:
        ValidationError: an argument is not one.
    """
    from callflow.audit.config import AuditConfig  # the configuration imports this module
    from callflow.audit.engine import has_words  # the engine imports the configuration

    if type(transcript) is not Transcript:
        raise ValidationError("transcript", transcript, "must be a callflow.audit.Transcript")
    found = _findings(findings)
    if config is None:
        config = AuditConfig()
    elif type(config) is not AuditConfig:
        raise ValidationError("config", config, "must be a callflow.audit.AuditConfig")
    if type(rulebook) is not Rulebook:
        raise ValidationError("rulebook", rulebook, "must be a callflow.audit.Rulebook")
    card = config.scorecard
    failed_codes = {finding.rule for finding in found}
    events = {event.event for event in transcript.events}
    spoken = any(t.speaker == "agent" and has_words(t.text) for t in transcript.turns)
    present = {Looks.METADATA} | ({Looks.EVENTS} if events else set())
    present |= {Looks.AGENT_TURNS} if spoken else set()
    channel = transcript.channel

    count = len(_SECTIONS)
    applicable: list[list[str]] = [[] for _ in range(count)]
    lost = [0.0] * count
    failed: list[_Planned] = []
    not_applicable: list[str] = []
    for planned in _plan(card, rulebook, config):
        code = planned.item.code
        if code in failed_codes:
            if channel not in planned.channels:
                not_applicable.append(code)
                continue
            failed.append(planned)
            lost[planned.section] += planned.cost
        elif (
            channel not in planned.channels
            or not planned.looks_at <= present
            or (planned.occasion is not None and planned.occasion.isdisjoint(events))
        ):
            not_applicable.append(code)
            continue
        applicable[planned.section].append(code)

    sections = []
    weighted = total_weight = 0.0
    for position, section in enumerate(_SECTIONS):
        codes = applicable[position]
        weight = card.weights[section]
        value = None
        if codes:
            value = round(100 * (len(codes) - lost[position]) / len(codes), _DECIMALS)
            weighted += weight * value
            total_weight += weight
        failed_here = tuple(p.item.code for p in failed if p.section == position)
        sections.append(_made(SectionScore, section, weight, value, tuple(codes), failed_here))
    total = round(weighted / total_weight, _DECIMALS) if total_weight > 0 else None
    if total is not None and not math.isfinite(total):  # pragma: no cover  (weights are bounded)
        total = None
    outright = tuple(p.item.code for p in failed if p.item.code in card.fail_outright)
    passed = total is not None and total >= card.pass_mark and not outright
    return _made(
        Score,
        total,
        passed,
        card.pass_mark,
        tuple(sections),
        tuple(p.item for p in failed),
        outright,
        tuple(not_applicable),
    )
