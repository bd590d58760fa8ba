"""Ticket quality: the checks a supervisor makes before a ticket goes anywhere (CF901-CF905).

:func:`check_ticket` returns one :class:`~callflow.records.RuleBreach` per
problem, never raises for a poor ticket:

- CF901 a field is missing: the caller's user / employee ID, the category,
  the asset tag (for a category that needs one), the priority (impact and
  urgency), the problem description.
- CF902 the notes do not say what was tried, what it showed, the diagnosis
  and the next step (a technician who reads only the ticket must be able to act).
- CF903 a note is vague or empty: a stock phrase ("fixed", "see above",
  "n/a"...) in any of the five languages, keyboard mashing ("asdf"), or
  shorter than the minimum length.
- CF904 a completed work order was not signed by its technician.
- CF905 a ticket that more than one call reported as new: every call is a
  new case unless it updates an existing ticket.

A ticket escalated while it fails the writing checks (CF901-CF903) is
returned to its writer by :func:`review_escalation` (CF603, seed 004).

>>> from datetime import datetime, timezone
>>> from callflow import Caller, ManualClock
>>> from callflow.ticket import Ticket
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> ticket = Ticket("T-1", Caller("Ana Souza"), description="Printer jams", clock=clock)
>>> ticket.open()
>>> _ = ticket.note("fixed", by="Bill")
>>> [(breach.rule, breach.field) for breach in check_ticket(ticket)]
[('CF901', 'caller.user_id'), ('CF901', 'category'), ('CF901', 'priority'),
 ('CF902', 'notes'), ('CF902', 'notes'), ('CF902', 'diagnosis'), ('CF902', 'notes'),
 ('CF903', 'notes[0]')]
"""

import re
import unicodedata
from collections.abc import Collection, Iterable

import attrs

from callflow.errors import ValidationError
from callflow.lifecycle import TicketStatus
from callflow.notes import Note, NoteTopic
from callflow.records import RuleBreach
from callflow.ticket import Ticket
from callflow.validators import check_positive_int

__all__ = [
    "DEFAULT_VAGUE_PHRASES",
    "WRITING_RULES",
    "QualityPolicy",
    "check_ticket",
    "is_vague",
    "review_escalation",
]

DEFAULT_VAGUE_PHRASES: frozenset[str] = frozenset(
    {
        # English
        "fixed", "done", "ok", "okay", "solved", "resolved", "works", "works now", "working",
        "see above", "as above", "same", "same as before", "n/a", "na", "none", "nothing",
        "no change", "tbd", "todo", "test", "testing", "?", "-", "...", "see previous",
        # Portuguese
        "resolvido", "feito", "consertado", "ver acima", "igual", "nada", "funcionando",
        # Spanish
        "arreglado", "hecho", "resuelto", "listo", "ver arriba", "igual que arriba",
        "funciona", # Italian
        "risolto", "fatto", "sistemato", "vedi sopra", "come sopra", "funziona", "niente",
        # French
        "réglé", "résolu", "fait", "corrigé", "voir ci-dessus", "idem", "rien", "ça marche",
    }
)  # fmt: skip
"""Stock phrases that say nothing a technician can act on (CF903), in en, pt, es, it, fr."""

WRITING_RULES: frozenset[str] = frozenset({"CF901", "CF902", "CF903"})
"""The rules whose breaches send an escalated ticket back for rewriting (CF603)."""

# Keyboard rows (QWERTY, AZERTY, QWERTZ): a note typed by running a finger
# along one of them ("asdf", "qwerty", "jkl;") says nothing.
_KEY_ROWS = (
    *("qwertyuiop", "asdfghjkl", "zxcvbnm"),
    *("azertyuiop", "qsdfghjklm", "wxcvbn"),
    *("qwertzuiop", "yxcvbnm"),
)
_MASH_MIN = 3


def _texts(field: str, values: object) -> list[str]:
    # A bare string is iterable too: "hardware" would become {"h", "a", "r", ...};
    # and a collection, not any iterable, so an endless generator cannot hang the check.
    if isinstance(values, str) or not isinstance(values, Collection):
        raise ValidationError(field, values, "must be a collection of non-empty texts")
    texts = list(values)
    if not all(isinstance(text, str) and text.strip() for text in texts):
        raise ValidationError(field, values, "must be a collection of non-empty texts")
    return texts


def _frozen_phrases(phrases: object) -> frozenset[str]:
    return frozenset(_normalise(phrase) for phrase in _texts("vague_phrases", phrases))


def _folded(values: object) -> frozenset[str]:
    return frozenset(value.casefold() for value in _texts("asset_categories", values))


def _normalise(text: str) -> str:
    """Case-folded, accents kept, spaces collapsed, punctuation trimmed from the ends."""
    folded = unicodedata.normalize("NFC", text).casefold()
    collapsed = " ".join(folded.split())
    stripped = collapsed.strip(" .!¡,;:")  # Spanish opens an exclamation with "¡"
    return stripped or collapsed


@attrs.frozen
class QualityPolicy:
    """What a good ticket needs; every threshold is configurable.

    Args:
        min_note_length: a note with fewer characters (spaces aside) is too short.
        vague_phrases: notes that are only one of these say nothing.
        asset_categories: categories whose tickets need the unit's asset tag.
    """

    min_note_length: int = attrs.field(default=20)
    vague_phrases: frozenset[str] = attrs.field(
        default=DEFAULT_VAGUE_PHRASES, converter=_frozen_phrases
    )
    asset_categories: frozenset[str] = attrs.field(
        default=frozenset({"hardware"}), converter=_folded
    )

    @min_note_length.validator
    def _check_length(self, attribute: "attrs.Attribute[int]", value: object) -> None:
        check_positive_int("min_note_length", value)


_DEFAULT_POLICY = QualityPolicy()


def is_vague(text: str, policy: QualityPolicy = _DEFAULT_POLICY) -> str | None:
    """Why a note's text says nothing a technician can act on, or ``None`` if it is fine.

    >>> is_vague("See above.")
    'a stock phrase (see above)'
    >>> is_vague("asdf")
    'keyboard mashing'
    >>> is_vague("Printer jams on tray 2 only; tray 1 prints fine.") is None
    True
    """
    if not isinstance(text, str):
        raise ValidationError("text", text, "must be text")
    if not isinstance(policy, QualityPolicy):
        raise ValidationError("policy", policy, "must be a QualityPolicy")
    normal = _normalise(text)
    if not normal:
        return "empty"
    if normal in policy.vague_phrases:
        return f"a stock phrase ({normal})"
    letters = re.sub(r"[^a-z]", "", normal)
    only_letters = len(letters) == len(normal.replace(" ", ""))
    if len(letters) >= _MASH_MIN and only_letters and any(letters in row for row in _KEY_ROWS):
        return "keyboard mashing"
    length = len("".join(normal.split()))
    if length < policy.min_note_length:
        return f"too short ({length} characters, at least {policy.min_note_length})"
    return None


def check_ticket(ticket: Ticket, policy: QualityPolicy = _DEFAULT_POLICY) -> tuple[RuleBreach, ...]:
    """Every quality breach of ``ticket``: CF901, CF902, CF903, CF904, CF905, in that order."""
    if not isinstance(ticket, Ticket):
        raise ValidationError("ticket", ticket, "must be a Ticket")
    if not isinstance(policy, QualityPolicy):
        raise ValidationError("policy", policy, "must be a QualityPolicy")
    return (
        *_missing_fields(ticket, policy),
        *_missing_parts(ticket, policy),
        *_vague_notes(ticket, policy),
        *_unsigned_work(ticket),
        *_not_new_cases(ticket),
    )


def review_escalation(
    ticket: Ticket, *, by: str | None = None, policy: QualityPolicy = _DEFAULT_POLICY
) -> tuple[RuleBreach, ...]:
    """A supervisor's review of an escalated ticket: return it for rewriting if poorly written.

    Returns the writing breaches (CF901-CF903) the ticket was returned for, or
    ``()`` when it passes (or is not escalated) and stays where it is.
    """
    breaches = tuple(b for b in check_ticket(ticket, policy) if b.rule in WRITING_RULES)
    if breaches and ticket.status is TicketStatus.ESCALATED:
        ticket.return_for_rewrite(breaches, by=by)
        return breaches
    return ()


def _missing_fields(ticket: Ticket, policy: QualityPolicy) -> list[RuleBreach]:
    found = []
    if ticket.caller.user_id is None:
        found.append(("caller.user_id", "the caller's user or employee ID"))
    if ticket.category is None:
        found.append(("category", "a category"))
    elif ticket.category.casefold() in policy.asset_categories and ticket.asset_tag is None:
        found.append(("asset_tag", f"the unit's asset tag (category {ticket.category!r})"))
    if ticket.priority is None:
        found.append(("priority", "a priority (impact and urgency)"))
    if ticket.description is None:
        found.append(("description", "the problem in the caller's words"))
    return [
        RuleBreach("CF901", f"ticket {ticket.number} lacks {what}.", field) for field, what in found
    ]


def _useful(notes: Iterable[Note], topics: set[NoteTopic], policy: QualityPolicy) -> bool:
    return any(note.topic in topics and is_vague(note.text, policy) is None for note in notes)


def _missing_parts(ticket: Ticket, policy: QualityPolicy) -> list[RuleBreach]:
    notes = ticket.notes
    next_step_given = (
        _useful(notes, {NoteTopic.NEXT_STEP, NoteTopic.RESOLUTION}, policy)
        or ticket.resolution is not None
        or any(escalation.next_steps for escalation in ticket.escalations)
    )
    parts = [
        ("notes", "what was tried", _useful(notes, {NoteTopic.TRIED}, policy)),
        ("notes", "what it showed", _useful(notes, {NoteTopic.RESULT}, policy)),
        (
            "diagnosis",
            "the diagnosis",
            # A label is short by nature ("printer/paper-feed"): only a stock phrase fails it.
            (
                ticket.diagnosis is not None
                and _normalise(ticket.diagnosis) not in policy.vague_phrases
            )
            or _useful(notes, {NoteTopic.DIAGNOSIS}, policy),
        ),
        ("notes", "the next step", next_step_given),
    ]
    return [
        RuleBreach("CF902", f"ticket {ticket.number} does not say {what}.", field)
        for field, what, given in parts
        if not given
    ]


def _vague_notes(ticket: Ticket, policy: QualityPolicy) -> list[RuleBreach]:
    breaches = []
    for index, note in enumerate(ticket.notes):
        why = is_vague(note.text, policy)
        if why is not None:
            breaches.append(
                RuleBreach(
                    "CF903",
                    f"note {index} of ticket {ticket.number} by {note.author} is {why}:"
                    f" {note.text!r}.",
                    f"notes[{index}]",
                )
            )
    return breaches


def _unsigned_work(ticket: Ticket) -> list[RuleBreach]:
    return [
        RuleBreach(
            "CF904",
            f"work order {order.number} was completed but not signed by its technician"
            f" {order.technician}.",
            f"work_orders[{index}]",
        )
        for index, order in enumerate(ticket.work_orders)
        if order.done and not order.signed
    ]


def _not_new_cases(ticket: Ticket) -> list[RuleBreach]:
    reporting = [(index, link) for index, link in enumerate(ticket.calls) if not link.follow_up]
    return [
        RuleBreach(
            "CF905",
            f"call {link.call_id or '(unnamed)'} reported a problem on ticket {ticket.number},"
            " which an earlier call had reported: a new problem is a new case, an update"
            " is a follow-up.",
            f"calls[{index}]",
        )
        for index, link in reporting[1:]
    ]
