"""The audit engine: a recorded call in, its findings out, a pure function of both.

:func:`audit` replays a transcript's events through the same procedure
table as a live call, in audit mode (every departure is a finding, nothing
is refused), runs every registered check of the rulebook, places each
finding on the turn it concerns with the words quoted from it, and keeps
the codes the configuration reports and the transcript's channel admits.
Its report is plain data: it pickles, so audits can run in other processes.
"""

import bisect
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs

from callflow.audit import _catalogue  # noqa: F401  (describes every code)
from callflow.audit import checks as _checks  # noqa: F401  (registers the checks)
from callflow.audit import language as _language  # noqa: F401  (registers the language rules)
from callflow.audit.config import LANGUAGES, AuditConfig
from callflow.audit.rulebook import RULEBOOK, Rulebook
from callflow.audit.scorecard import Score, score_call
from callflow.audit.transcript import Transcript, TranscriptEvent, Turn
from callflow.call import Call
from callflow.clock import ManualClock
from callflow.errors import CallflowError, TranscriptError, ValidationError
from callflow.people import Agent
from callflow.records import Finding
from callflow.rules import RULES, Severity
from callflow.validators import instance_of

__all__ = ["AuditContext", "AuditReport", "audit"]

# The longest quote a finding carries from a turn; longer turns are cut at a word.
_EVIDENCE_CHARS = 200
_DEFAULT_CONFIG = AuditConfig()


def _optional_call(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and type(value) is not Call:
        raise ValidationError(attribute.name, value, "must be a callflow Call or None")


def _one_of(
    choices: tuple[str, ...],
) -> Callable[[object, "attrs.Attribute[Any]", object], None]:
    def check(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if type(value) is not str or value not in choices:
            raise ValidationError(attribute.name, value, f"must be one of {choices}")

    return check


@attrs.frozen
class AuditContext:
    """What a check reads: the transcript, the call its events replayed into, the configuration.

    Attributes:
        transcript: the recorded call.
        call: the :class:`~callflow.Call` its events were replayed into, in
            audit mode; ``None`` when the transcript has no events. Its
            history is the ring, the answer implied when the events begin
            after it, then one record per event (:meth:`event_of` maps them).
        config: the audit's configuration.
    """

    transcript: Transcript = attrs.field(validator=instance_of(Transcript))
    call: Call | None = attrs.field(validator=_optional_call)
    config: AuditConfig = attrs.field(validator=instance_of(AuditConfig))

    def __attrs_post_init__(self) -> None:
        if self.call is None:
            return
        expected = _replay_offset(self.transcript) + len(self.transcript.events)
        if len(self.call.history) != expected:
            reason = (
                f"must be the call the transcript's {len(self.transcript.events)} events"
                f" replayed into ({expected} records, the ring and an implied answer included)"
            )
            raise ValidationError("call", self.call, reason)

    def _history(self, event_index: int) -> Call:
        if self.call is None:
            raise ValidationError("event_index", event_index, "needs a transcript with events")
        if type(event_index) is not int or not 0 <= event_index < len(self.call.history):
            raise ValidationError("event_index", event_index, "must index the call's history")
        return self.call

    def seconds(self, event_index: int) -> float:
        """When record ``event_index`` of the call's history happened, in seconds from the start."""
        at = self._history(event_index).history[event_index].at
        return (at - self.transcript.started_at).total_seconds()

    def event_of(self, event_index: int) -> TranscriptEvent | None:
        """The transcript's event that record ``event_index`` of the call's history replays.

        ``None`` for the records the replay makes on its own: the call's
        ring, and the answer implied when the transcript's events begin
        after it.
        """
        self._history(event_index)
        position = event_index - _replay_offset(self.transcript)
        return self.transcript.events[position] if position >= 0 else None


def _text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not str or not value.strip():
        raise ValidationError(attribute.name, value, "must be non-empty text")


def _optional_text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _findings(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not tuple or not all(type(f) is Finding and f.rule in RULES for f in value):
        raise ValidationError(attribute.name, value, "must be a tuple of catalogued Findings")


@attrs.frozen
class AuditReport:
    """What the audit of one recorded call found.

    Attributes:
        call_id: the transcript's call.
        channel: ``"phone"`` or ``"chat"``.
        language: the transcript's language.
        agent: the agent's name, when the transcript gives it.
        findings: the findings reported, in the order of the call.
        score: the call's score on the configuration's scorecard
            (:func:`~callflow.audit.scorecard.score_call`).
    """

    call_id: str = attrs.field(validator=_text)
    channel: str = attrs.field(validator=_one_of(("phone", "chat")))
    language: str = attrs.field(validator=attrs.validators.in_(LANGUAGES))
    agent: str | None = attrs.field(validator=_optional_text)
    findings: tuple[Finding, ...] = attrs.field(validator=_findings)
    score: Score = attrs.field(validator=instance_of(Score))

    @property
    def codes(self) -> tuple[str, ...]:
        """The findings' codes, in order."""
        return tuple(finding.rule for finding in self.findings)

    @property
    def has_errors(self) -> bool:
        """Whether any finding is of a rule of error severity (a linter's exit status 1)."""
        return any(RULES[f.rule].severity is Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        return {
            "call_id": self.call_id,
            "channel": self.channel,
            "language": self.language,
            "agent": self.agent,
            "findings": [_finding_dict(finding) for finding in self.findings],
            "score": self.score.to_dict(),
        }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.rule,
        "severity": RULES[finding.rule].severity.value,
        "message": finding.message,
        "event_index": finding.event_index,
        "event": finding.event,
        "stage": finding.stage.value,
        "turn": finding.turn,
        "evidence": finding.evidence,
    }


def audit(
    transcript: Transcript, config: AuditConfig | None = None, *, rulebook: Rulebook = RULEBOOK
) -> AuditReport:
    """Audit one recorded call: every departure from the procedure becomes a finding, then a score.

    Args:
        transcript: the recorded call.
        config: which codes to report, the limits to check against and the
            scorecard; the defaults report every code.
        rulebook: the rules and their checks (the package's own by default).

    Raises:
        TranscriptError: the transcript's events cannot be replayed (an event
            after the call ended, an argument its time makes impossible),
            naming the event.
        ValidationError: ``transcript``, ``config`` or ``rulebook`` is not
            one, or a check of ``rulebook`` emitted a code it does not declare.
    """
    if type(transcript) is not Transcript:
        raise ValidationError("transcript", transcript, "must be a callflow.audit.Transcript")
    if config is None:
        config = _DEFAULT_CONFIG
    elif type(config) is not AuditConfig:
        raise ValidationError("config", config, "must be a callflow.audit.AuditConfig")
    if type(rulebook) is not Rulebook:
        raise ValidationError("rulebook", rulebook, "must be a callflow.audit.Rulebook")
    context = AuditContext(transcript, _replayed(transcript, config), config)
    placed = _Placer(transcript)
    found: list[Finding] = []
    for check in rulebook.checks.values():
        for finding in check.run(context):
            if type(finding) is not Finding or finding.rule not in check.codes:
                # A rulebook's own contract: a check reports only the codes it was
                # registered with, so the rulebook's table says what is checked.
                reason = f"must emit Findings of its declared codes {sorted(check.codes)}"
                raise ValidationError(f"check {check.name!r}", finding, reason)
            entry = rulebook[finding.rule]
            if transcript.channel in entry.channels and config.reports(finding.rule):
                found.append(placed(context, finding))
    found.sort(key=lambda f: (f.event_index, -1 if f.turn is None else f.turn))
    findings = tuple(found)
    return AuditReport(
        transcript.call_id,
        transcript.channel,
        transcript.language,
        transcript.agent.name,
        findings,
        score_call(transcript, findings, config, rulebook=rulebook),
    )


def _replay_offset(transcript: Transcript) -> int:
    """The index in the replayed call's history of the record of the transcript's first event.

    Every event writes one record; before the first come the call's ring
    and, when the events begin after the answer, the answer the replay
    implies (a conversation was recorded: the call was answered).
    """
    if transcript.events and transcript.events[0].event not in ("answer", "abandon"):
        return 2
    return 1


def _replayed(transcript: Transcript, config: AuditConfig) -> Call | None:
    """The call the transcript's events make, in audit mode; ``None`` without events."""
    if not transcript.events:
        return None
    start = transcript.started_at
    clock = ManualClock(start)
    agent = Agent(
        name=transcript.agent.name or "the agent",
        organisation=transcript.organisation or "the help desk",
    )
    call = Call(
        agent,
        mode="audit",
        clock=clock,
        thresholds=config.thresholds,
        call_id=transcript.call_id,
        channel=transcript.channel,
    )
    if _replay_offset(transcript) == 2:
        call.answer()  # a conversation was recorded: the call was answered when it began
    for index, event in enumerate(transcript.events):
        clock.set(start + timedelta(seconds=event.at))
        try:
            getattr(call, event.event)(**event.arguments)
        except CallflowError as error:
            field = f"events[{index}]"
            if isinstance(error, ValidationError):
                field = f"{field}.{error.field}"
            raise TranscriptError(
                field, event.event, f"cannot be replayed: {error}", call_id=transcript.call_id
            ) from None
    return call


class _Placer:
    """Puts each finding on the turn it concerns: the agent's turn of its event.

    Events are the agent's acts, so a finding quotes the agent's words,
    never the caller's: an event that names an agent's turn is placed on
    it; one that names another turn, on the agent's last turn before it;
    one that names none, on the agent's last turn begun by its time. Only
    turns with words are chosen (not "[noise]", "<unk>" or an empty one).
    """

    def __init__(self, transcript: Transcript) -> None:
        self._turns = transcript.turns
        self._spoken = [
            index
            for index, turn in enumerate(transcript.turns)
            if turn.speaker == "agent" and has_words(turn.text)
        ]
        timed = sorted(
            (start, index)
            for index in self._spoken
            if (start := transcript.turns[index].start) is not None
        )
        self._starts = [start for start, _ in timed]
        self._timed = [index for _, index in timed]

    def __call__(self, context: AuditContext, finding: Finding) -> Finding:
        if finding.turn is not None or context.call is None:
            return finding
        event = context.event_of(finding.event_index)
        if event is not None and event.turn is not None:
            position = bisect.bisect_right(self._spoken, event.turn) - 1
            turns = self._spoken
        else:
            seconds = context.seconds(finding.event_index)
            position = bisect.bisect_right(self._starts, seconds + 1e-9) - 1
            turns = self._timed
        if position < 0:
            return finding
        turn = turns[position]
        return attrs.evolve(finding, turn=turn, evidence=quote(self._turns[turn]))


_OPENERS = {"[": "]", "<": ">", "(": ")"}


def has_words(text: str) -> bool:
    """Whether ``text`` says something: a letter is left once its tags are taken out.

    Tags are bracketed: ``[...]``, ``<...>``, ``(...)``. ``"[noise]"``,
    ``"<unk>"``, ``"(laughs)"``, ``"..."`` and ``""`` have none. A bracket
    never closed is no tag. In one pass, however the brackets fall.
    """
    unclosed: set[str] = set()  # openers with no closer after them: plain characters
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        closer = _OPENERS.get(char)
        if closer is not None and char not in unclosed:
            end = text.find(closer, index + 1)
            if end >= 0:
                index = end + 1
                continue
            unclosed.add(char)
        elif char.isalpha():
            return True
        index += 1
    return False


def quote(turn: Turn) -> str | None:
    """A turn's words as a finding quotes them: whole, or cut at a word past 200 characters."""
    text = " ".join(turn.text.split())
    if not text:
        return None
    if len(text) <= _EVIDENCE_CHARS:
        return text
    return text[:_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " ..."
