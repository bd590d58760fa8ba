"""The language rules: the agent's words against each language's phrases, and a live lint for bots.

One check of the rulebook, ``"language"``, reads the agent's turns of a
recorded call (never the caller's) with the phrase matcher of the call's
language (:mod:`callflow.audit._matcher`, phrase data in
``callflow/audit/phrases/<language>.toml``, extended by
:attr:`AuditConfig.phrases <callflow.audit.AuditConfig.phrases>`):

- CF503: "hold on", "hang on" instead of "please hold";
- CF801 victimising, CF802 weak commitment, CF803 vague time, CF804 "it's
  impossible" with no alternative in the same turn, CF805 self-deprecating,
  CF806 pushing the burden back;
- CF807 "who is this?" and CF808 where the wanted person is, judged only
  while the call is screened (:attr:`callflow.Call.screening`).

A finding is placed on the turn, quotes the words as said, and names the
last event at or before the turn. :func:`lint` runs the same phrases over
one utterance before a bot says it. docs/language.md has the details.

>>> [(f.code, f.evidence) for f in lint("I'll try to get it done ASAP.", language="en")]
[('CF802', "I'll try"), ('CF803', 'ASAP')]
>>> lint("Vou verificar agora e ligo de volta às 15h.", language="pt")
()
"""

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from callflow.audit import _catalogue  # noqa: F401  (codes are described before checks)
from callflow.audit._matcher import PHRASE_CODES, compiled
from callflow.audit.config import LANGUAGES, AuditConfig
from callflow.audit.rulebook import RULEBOOK
from callflow.errors import ValidationError
from callflow.records import Finding
from callflow.rules import RULES, Severity
from callflow.stages import Stage

if TYPE_CHECKING:  # the engine imports this module
    from callflow.audit.engine import AuditContext

__all__ = ["LANGUAGE_CODES", "LintFinding", "language_rules", "lint"]

LANGUAGE_CODES = PHRASE_CODES
"""The codes the language rules find in the agent's words."""

SCREENING_CODES = frozenset({"CF807", "CF808"})
"""The codes judged only while a call is screened."""

_ADVICE = {
    "CF503": "say 'please hold' or 'please wait'",
    "CF801": "a victimising phrase: speak of the problem, not of what the caller did",
    "CF802": "a weak commitment: say what you will do",
    "CF803": "a vague time: give a date and time",
    "CF804": "an impossibility with no alternative offered in the same turn",
    "CF805": "self-deprecating: say who you are and how you can help",
    "CF806": "the burden pushed back on the caller: offer a callback, a message or a transfer",
    "CF807": "screening: ask 'may I tell them who is calling?'",
    "CF808": "while screening, where the wanted person is: say only that they are not available",
}
_MAX_LINT_CHARS = 100_000
_DEFAULT_CONFIG = AuditConfig()


def _message(code: str, evidence: str) -> str:
    return f"the agent said {evidence!r}: {_ADVICE[code]}"


@RULEBOOK.check("language", *LANGUAGE_CODES)
def language_rules(context: "AuditContext") -> Iterator[Finding]:
    """The phrases of the language rules said in the agent's turns, one finding per rule a turn."""
    from callflow.audit.engine import AuditContext  # the engine imports this module

    if type(context) is not AuditContext:
        raise ValidationError("context", context, "must be a callflow.audit.AuditContext")
    transcript = context.transcript
    turns = transcript.turns
    spoken = [index for index, turn in enumerate(turns) if turn.speaker == "agent" and turn.text]
    if not spoken:
        return
    extra = context.config.phrases.get(transcript.language)
    hits = compiled(transcript.language, extra).find([turns[index].text for index in spoken])
    if not hits:
        return
    events = _Events(context)
    screened = _screened_turns(context) if any(h.code in SCREENING_CODES for h in hits) else ()
    held = _held_turns(context) if any(h.code == "CF503" for h in hits) else ()
    for hit in hits:
        turn = spoken[hit.turn]
        if (hit.code in SCREENING_CODES and turn not in screened) or (
            hit.code == "CF503" and turn in held
        ):
            continue
        evidence = turns[turn].text[hit.start : hit.end]
        index, event, stage = events.at(turn)
        message = _message(hit.code, evidence)
        yield Finding(hit.code, message, index, event, stage, turn=turn, evidence=evidence)


class _Events:
    """The last record of the replayed call at or before a turn (the ring when no events)."""

    def __init__(self, context: "AuditContext") -> None:
        self._context = context
        call = context.call
        self._history = call.history if call is not None else ()
        started = context.transcript.started_at
        self._seconds = [(record.at - started).total_seconds() for record in self._history]
        # Untimed turns go by the turns the events name: (turn, record index).
        offset = len(self._history) - len(context.transcript.events)
        self._named = sorted(
            (event.turn, offset + position)
            for position, event in enumerate(context.transcript.events)
            if event.turn is not None
        )

    def at(self, turn: int) -> tuple[int, str, Stage]:
        if not self._history:
            return 0, "ring", Stage.RINGING
        start = self._context.transcript.turns[turn].start
        if start is not None:
            index = max(0, bisect.bisect_right(self._seconds, start + 1e-9) - 1)
        else:
            position = bisect.bisect_right(self._named, (turn, len(self._history))) - 1
            index = self._named[position][1] if position >= 0 else 0
        record = self._history[index]
        return index, record.event, record.to_stage


def _screened_turns(context: "AuditContext") -> set[int]:
    """The agent's turns said while the call was screened (their times, or the events' turns)."""
    call = context.call
    screening = call.screening if call is not None else None
    if screening is None:
        return set()
    transcript = context.transcript
    since = (screening.since - transcript.started_at).total_seconds()
    until = (
        float("inf")
        if screening.until is None
        else (screening.until - transcript.started_at).total_seconds()
    )
    first = context.event_of(screening.first_event)
    last = context.event_of(screening.last_event) if screening.last_event is not None else None
    low = first.turn if first is not None else None
    high = last.turn if last is not None and last.turn is not None else len(transcript.turns)
    chosen: set[int] = set()
    for index, turn in enumerate(transcript.turns):
        if turn.speaker != "agent":
            continue
        if turn.start is not None:
            end = turn.end if turn.end is not None else turn.start
            if end >= since and turn.start < until:
                chosen.add(index)
        elif low is not None and low <= index <= high:
            chosen.add(index)
    return chosen


def _held_turns(context: "AuditContext") -> set[int]:
    """The turns whose hold words the replayed hold found already (CF503 once, not twice)."""
    from callflow.audit.engine import _Placer  # the engine imports this module

    call = context.call
    if call is None:
        return set()
    place = _Placer(context.transcript)
    return {
        placed.turn
        for finding in call.findings
        if finding.rule == "CF503" and (placed := place(context, finding)).turn is not None
    }


def _code(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or value not in LANGUAGE_CODES:
        raise ValidationError(attribute.name, value, f"must be one of {LANGUAGE_CODES}")


def _text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value.strip():
        raise ValidationError(attribute.name, value, "must be non-empty text")


def _offset(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(attribute.name, value, "must be an offset: a whole number, 0 or more")


@attrs.frozen
class LintFinding:
    """A phrase of a language rule in an utterance checked by :func:`lint`.

    Attributes:
        code: the rule's code (``"CF802"``).
        message: what is wrong and what to say instead.
        evidence: the words, as given.
        start: where they begin in the text.
        end: where they end.
    """

    code: str = attrs.field(validator=_code)
    message: str = attrs.field(validator=_text)
    evidence: str = attrs.field(validator=_text)
    start: int = attrs.field(validator=_offset)
    end: int = attrs.field(validator=_offset)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("end", self.end, f"must not be before start, {self.start}")

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return RULES[self.code].severity

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON data."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
        }


def lint(
    text: str,
    *,
    language: str,
    stage: Stage | str | None = None,
    screening: bool = False,
    channel: str = "phone",
    config: AuditConfig | None = None,
) -> tuple[LintFinding, ...]:
    """The language rules' findings an utterance would raise, before a bot says it.

    The same phrases, folding, negation and quotation as :func:`~callflow.audit.audit`
    judges an agent's turn with: a bot's sentence is an agent's turn.

    Args:
        text: the utterance (at most 100,000 characters).
        language: ``"en"``, ``"pt"``, ``"es"``, ``"it"`` or ``"fr"``.
        stage: where the call is, a :class:`~callflow.Stage` or its value; a
            screening is in the greeting.
        screening: whether the caller asked for someone and the bot is
            screening the call: CF807 and CF808 are judged only then.
        channel: ``"phone"`` or ``"chat"``: the phone's rules (CF503) are
            not judged in a chat.
        config: which codes to report and the extra phrases (the defaults
            report every code).

    Raises:
        ValidationError: an argument is not one of these.
    """
    if type(text) is not str or len(text) > _MAX_LINT_CHARS:
        reason = f"must be text of at most {_MAX_LINT_CHARS} characters"
        raise ValidationError("text", text, reason)
    if type(language) is not str or language not in LANGUAGES:
        raise ValidationError("language", language, f"must be one of {LANGUAGES}")
    if stage is not None and type(stage) is not Stage:
        if type(stage) is not str or stage not in {s.value for s in Stage}:
            raise ValidationError("stage", stage, "must be a callflow Stage, its value, or None")
        stage = Stage(stage)
    if type(screening) is not bool:
        raise ValidationError("screening", screening, "must be True or False")
    if screening and stage not in (None, Stage.GREETING):
        raise ValidationError("stage", stage, "must be the greeting (or None) while screening")
    if type(channel) is not str or channel not in ("phone", "chat"):
        raise ValidationError("channel", channel, "must be 'phone' or 'chat'")
    if config is None:
        config = _DEFAULT_CONFIG
    elif type(config) is not AuditConfig:
        raise ValidationError("config", config, "must be a callflow.audit.AuditConfig")
    if not text.strip():
        return ()
    hits = compiled(language, config.phrases.get(language)).find([text])
    return tuple(
        LintFinding(hit.code, _message(hit.code, said), said, hit.start, hit.end)
        for hit in hits
        if (screening or hit.code not in SCREENING_CODES)
        and channel in RULEBOOK[hit.code].channels
        and config.reports(hit.code)
        and (said := text[hit.start : hit.end])
    )
