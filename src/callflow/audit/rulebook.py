"""The executable rulebook: every catalogued rule with what it looks at and what checks it.

The core's catalogue (:data:`callflow.rules.RULES`) says what each code
means. The audit's rulebook adds what it takes to find a departure in a
recorded call: what the rule looks at (the events, the agent's turns, the
call's metadata), the channels it applies to, the scorecard section it
counts in, and the checks that emit it. A rule no transcript can decide
(it needs the caller's queue, another call, the time after the call...) is
marked so, with the reason, instead of being silently unchecked.

Checks are registered with :meth:`Rulebook.check`, a decorator naming the
codes a check may emit; the audit engine runs the registered checks and
refuses a finding whose code its check did not declare.

>>> from callflow.audit.rulebook import RULEBOOK
>>> entry = RULEBOOK["CF504"]
>>> entry.code, entry.channels, entry.section.value
('CF504', frozenset({'phone'}), 'hold and transfer')
>>> RULEBOOK["CF102"].not_decidable  # doctest: +ELLIPSIS
'the outage message and hold tips play before the agent answers: a transcript of the ...'
"""

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from callflow.errors import UnknownRuleError, ValidationError
from callflow.records import Finding
from callflow.rules import RULES, Rule, Severity
from callflow.validators import instance_of

if TYPE_CHECKING:
    from callflow.audit.engine import AuditContext

__all__ = [
    "RULEBOOK",
    "Channel",
    "Check",
    "CheckFunction",
    "Looks",
    "RuleEntry",
    "Rulebook",
    "Section",
]

Channel = Literal["phone", "chat"]
CHANNELS: frozenset[Channel] = frozenset({"phone", "chat"})

CheckFunction = Callable[["AuditContext"], Iterable[Finding]]
"""A check reads an audit's context and yields the findings it makes."""


class Looks(enum.Enum):
    """What a rule looks at in a recorded call."""

    EVENTS = "events"
    AGENT_TURNS = "agent turns"
    METADATA = "metadata"


class Section(enum.Enum):
    """The QA scorecard section a rule counts in (seed 002 Q2, Q10)."""

    GREETING = "greeting and verification"
    LISTENING = "listening and control"
    RESOLUTION = "resolution and escalation"
    HOLD = "hold and transfer"
    CLOSING = "closing"
    LANGUAGE = "language"
    DOCUMENTATION = "documentation"


@attrs.frozen
class Check:
    """A registered check: its name, the codes it may emit and the function that runs it."""

    name: str
    codes: frozenset[str]
    run: CheckFunction = attrs.field(eq=False, repr=False)


def _looks(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not frozenset or not value or not all(type(k) is Looks for k in value):
        raise ValidationError(attribute.name, value, "must be a non-empty frozenset of Looks")


def _channels(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not frozenset or not value or not value <= CHANNELS:
        raise ValidationError(attribute.name, value, "must be a frozenset of 'phone' and 'chat'")


def _reason(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (type(value) is not str or not value.strip()):
        raise ValidationError(attribute.name, value, "must be the reason, as text, or None")


def _names(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not tuple or not all(type(n) is str and n for n in value):
        raise ValidationError(attribute.name, value, "must be a tuple of check names")


@attrs.frozen
class RuleEntry:
    """One catalogued rule as the audit knows it.

    Attributes:
        rule: the core catalogue's rule (code, title, section, sources, severity).
        looks_at: what in a recorded call decides it.
        channels: the channels it applies to (a chat has no rings or holds).
        section: the scorecard section it counts in.
        not_decidable: why no transcript can decide it, or ``None``.
        checks: the names of the registered checks that emit it.
    """

    rule: Rule = attrs.field(validator=instance_of(Rule))
    looks_at: frozenset[Looks] = attrs.field(validator=_looks)
    channels: frozenset[Channel] = attrs.field(validator=_channels)
    section: Section = attrs.field(validator=instance_of(Section))
    not_decidable: str | None = attrs.field(default=None, validator=_reason)
    checks: tuple[str, ...] = attrs.field(default=(), validator=_names)

    @property
    def code(self) -> str:
        """The rule's code (``"CF504"``)."""
        return self.rule.code

    @property
    def severity(self) -> Severity:
        """How serious a departure from the rule is."""
        return self.rule.severity

    @property
    def checked(self) -> bool:
        """Whether a registered check emits this rule's code."""
        return bool(self.checks)


@attrs.define
class Rulebook(Mapping[str, RuleEntry]):
    """The catalogue's rules keyed by code, each with the checks registered for it.

    A mapping of code to :class:`RuleEntry`, in code order. Checks are added
    with the :meth:`check` decorator; a code is described once with
    :meth:`describe` (what it looks at, its channels, its section) or
    :meth:`undecidable`.
    """

    _entries: dict[str, RuleEntry] = attrs.field(factory=dict, init=False)
    _checks: dict[str, Check] = attrs.field(factory=dict, init=False)

    def __getitem__(self, code: str) -> RuleEntry:
        found = self._entries.get(code) if type(code) is str else None
        if found is None:
            raise UnknownRuleError(code)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def checks(self) -> Mapping[str, Check]:
        """The registered checks by name, in registration order."""
        return dict(self._checks)

    def describe(
        self,
        code: str,
        *,
        looks_at: Iterable[Looks],
        section: Section,
        channels: Iterable[Channel] = CHANNELS,
        not_decidable: str | None = None,
    ) -> None:
        """Say what ``code`` looks at, its channels and scorecard section (once per code)."""
        rule = self._catalogued(code)
        if code in self._entries:
            raise ValidationError("code", code, "is described already")
        kinds = frozenset(looks_at)
        if not kinds or not all(type(kind) is Looks for kind in kinds):
            raise ValidationError("looks_at", looks_at, "must name at least one Looks")
        chosen = frozenset(channels)
        if not chosen or not chosen <= CHANNELS:
            raise ValidationError("channels", channels, "must be some of 'phone' and 'chat'")
        if type(section) is not Section:
            raise ValidationError("section", section, "must be a Section")
        if not_decidable is not None and (type(not_decidable) is not str or not not_decidable):
            raise ValidationError("not_decidable", not_decidable, "must be the reason, as text")
        self._entries[code] = RuleEntry(rule, kinds, chosen, section, not_decidable)

    def undecidable(self, code: str, reason: str, *, section: Section) -> None:
        """Mark ``code`` as not decidable from a transcript, for ``reason``."""
        self.describe(code, looks_at=(Looks.METADATA,), section=section, not_decidable=reason)

    def check(self, name: str, *codes: str) -> Callable[[CheckFunction], CheckFunction]:
        """Register the decorated function as the check ``name``, which may emit ``codes``.

        Every code must be described first and decidable; the function is
        returned unchanged, so it stays callable on its own.
        """
        if type(name) is not str or not name or name in self._checks:
            raise ValidationError("name", name, "must be a new check's name")
        if not codes:
            raise ValidationError("codes", codes, "must name at least one code")
        for code in codes:
            entry = self[code]
            if entry.not_decidable is not None:
                raise ValidationError("codes", code, "is marked not decidable")

        def register(function: CheckFunction) -> CheckFunction:
            self._checks[name] = Check(name, frozenset(codes), function)
            for code in codes:
                entry = self._entries[code]
                self._entries[code] = attrs.evolve(entry, checks=(*entry.checks, name))
            return function

        return register

    def _catalogued(self, code: object) -> Rule:
        found = RULES.get(code) if type(code) is str else None
        if found is None:
            raise UnknownRuleError(code)
        return found


RULEBOOK = Rulebook()
"""The audit's rulebook: every catalogued code, described in :mod:`callflow.audit._catalogue`."""
