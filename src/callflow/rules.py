"""The catalogue of rule codes that callflow's findings carry.

Every rule of the domain rulebook (``DOMAIN.md``, sections 2-11) has a
:class:`Rule` here, keyed by its code in :data:`RULES`, plus callflow's own
procedure codes ``CF001`` and ``CF002``. A code never changes meaning once
released.

Sources are the rulebook's references, split on commas, with one
normalisation: a reference that continues the previous one ("000 §3, §6",
"003 #3, #5") is written out in full ("000 §6", "003 #5") so that each source
names its seed on its own. A bullet that gives no source of its own takes the
nearest one given before it in its section: the lead-in "(001)" for the
language rules CF801-CF807 and the phone-message rules CF1001-CF1004, and
CF902's "(003 #4, 004)" for CF903, whose vague-notes rule specialises it.

Severity: :attr:`Severity.ERROR` is the default, for a step the procedure
requires. :attr:`Severity.WARNING` marks advice and judgement calls, where a
departure is worth a look but is not by itself wrong:

- CF102: outage messages and on-hold tips are optional call-centre set-up.
- CF207: the rule of three is a courtesy technique.
- CF302: how control is regained is a technique, not a required step.
- CF303: explaining a troubleshooting direction is good practice.
- CF402: the knowledge base is the usual, not the only, way to work a problem.
- CF404: a lemon flag is a signal about the unit, not an agent's departure.
- CF406: a time budget only suggests escalation; it is a heuristic.
- CF608: a direct line to the next level is organisational advice.
- CF703: the form of the closing summary is advice.
"""

import enum
import types
from collections.abc import Mapping

import attrs

from callflow.errors import UnknownRuleError

__all__ = ["RULES", "Rule", "Severity", "rule"]


class Severity(enum.Enum):
    """How serious a departure from a rule is."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Rule:
    """One rule: its code, a one-sentence title, its section, sources and severity."""

    code: str
    title: str
    section: str
    sources: tuple[str, ...]
    severity: Severity


_E = Severity.ERROR
_W = Severity.WARNING

_CATALOGUE: tuple[Rule, ...] = (
    # callflow's own procedure codes.
    Rule(
        "CF001",
        "An event happened out of the procedure's order (not allowed in the current stage).",
        "Procedure",
        ("000",),
        _E,
    ),
    Rule(
        "CF002",
        "A hold was started while the call was already on hold,"
        " or a resume came while it was not on hold.",
        "Procedure",
        ("000",),
        _E,
    ),
    # 2. Answering
    Rule("CF101", "The call is answered by the second ring.", "Answering", ("001",), _E),
    Rule(
        "CF102",
        "During a declared outage callers hear a message about it before queueing,"
        " and held callers can be given tips.",
        "Answering",
        ("002 Q7", "002 Q8"),
        _W,
    ),
    # 3. Greeting
    Rule(
        "CF201",
        "The greeting names the organisation or help desk.",
        "Greeting",
        ("000 §1", "001", "002 Q1"),
        _E,
    ),
    Rule("CF202", "The agent gives their own name.", "Greeting", ("000 §1", "002 Q1"), _E),
    Rule(
        "CF203",
        "The agent asks for the caller's name or user ID.",
        "Greeting",
        ("000 §1", "002 Q1"),
        _E,
    ),
    Rule("CF204", "The agent offers help to the caller.", "Greeting", ("000", "001"), _E),
    Rule(
        "CF205",
        "The caller's identity is confirmed before the account is acted on or disclosed"
        " (any ticket history shared), unless the request needs no verification.",
        "Greeting",
        ("000 §1", "002 Q1", "004"),
        _E,
    ),
    Rule(
        "CF206",
        "The caller's name is confirmed, spelled or repeated back, when it is taken.",
        "Greeting",
        ("001",),
        _E,
    ),
    Rule(
        "CF207",
        "The agent uses the caller's name at the start, the middle and the end of the call.",
        "Greeting",
        ("001",),
        _W,
    ),
    Rule(
        "CF208", "The greeting uses no slang or non-standard wording.", "Greeting", ("000 §1",), _E
    ),
    # 4. Venting and control
    Rule(
        "CF301",
        "The agent reassures the caller that the problem will be handled.",
        "Venting and control",
        ("000 §2",),
        _E,
    ),
    Rule(
        "CF302",
        "A talkative caller is brought back under control with their name and closed questions.",
        "Venting and control",
        ("001",),
        _W,
    ),
    Rule(
        "CF303",
        "The agent explains why they take a troubleshooting direction.",
        "Venting and control",
        ("003 #2",),
        _W,
    ),
    # 5. Troubleshooting and diagnosis
    Rule(
        "CF401",
        "A problem affecting several people goes to the emergency or major-incident team.",
        "Troubleshooting and diagnosis",
        ("000 §3",),
        _E,
    ),
    Rule(
        "CF402",
        "A local problem is worked from the knowledge base and the article used is recorded.",
        "Troubleshooting and diagnosis",
        ("000 §3", "000 §6"),
        _W,
    ),
    Rule(
        "CF403",
        "Ticket notes and earlier cases are read before the caller is asked again"
        " for what they already gave.",
        "Troubleshooting and diagnosis",
        ("003 #3", "003 #5"),
        _E,
    ),
    Rule(
        "CF404",
        "A unit with repeated tickets for the same problem is flagged.",
        "Troubleshooting and diagnosis",
        ("003 #5",),
        _W,
    ),
    Rule(
        "CF405",
        "A diagnosis label is written into the ticket before a resolution is given.",
        "Troubleshooting and diagnosis",
        ("000 §4",),
        _E,
    ),
    Rule(
        "CF406",
        "Troubleshooting that runs past its time budget with no diagnosis calls for escalation.",
        "Troubleshooting and diagnosis",
        ("003 #6",),
        _W,
    ),
    # 6. Resolution, hold and transfer
    Rule(
        "CF501",
        "The caller is told what the problem is and how it will be fixed.",
        "Resolution, hold and transfer",
        ("000 §5",),
        _E,
    ),
    Rule(
        "CF502",
        "Before a hold the agent asks the caller's permission and explains why.",
        "Resolution, hold and transfer",
        ("000 §5", "001"),
        _E,
    ),
    Rule(
        "CF503",
        'The agent says "please hold" or "please wait", never "hold on" or "hang on".',
        "Resolution, hold and transfer",
        ("001",),
        _E,
    ),
    Rule(
        "CF504",
        "During a hold the agent checks back every 30-40 s and offers to keep holding.",
        "Resolution, hold and transfer",
        ("001",),
        _E,
    ),
    Rule(
        "CF505",
        "After a hold the agent thanks the caller for holding instead of apologising.",
        "Resolution, hold and transfer",
        ("001",),
        _E,
    ),
    Rule(
        "CF506",
        "A transfer is needed, goes to the right person, is announced to the receiver,"
        " and leaves the caller the direct number.",
        "Resolution, hold and transfer",
        ("001", "002 Q9"),
        _E,
    ),
    Rule(
        "CF507",
        "Simultaneous calls are each held in turn and served first-held first.",
        "Resolution, hold and transfer",
        ("001",),
        _E,
    ),
    # 7. Implement or assign, escalation
    Rule(
        "CF601",
        "An escalation gives the caller the ticket number, the next steps and a timeframe.",
        "Implement or assign, escalation",
        ("002 Q10", "000 §6"),
        _E,
    ),
    Rule(
        "CF602",
        "The ticket is read back to the caller before it is escalated.",
        "Implement or assign, escalation",
        ("004",),
        _E,
    ),
    Rule(
        "CF603",
        "An escalated ticket passes the ticket-quality rules or goes back to its writer.",
        "Implement or assign, escalation",
        ("004",),
        _E,
    ),
    Rule(
        "CF604",
        'A timeframe is a date or a duration, never "ASAP" and never invented.',
        "Implement or assign, escalation",
        ("000 §7", "001"),
        _E,
    ),
    Rule(
        "CF605",
        "A request for a manager is recorded and routed by policy without skipping the procedure.",
        "Implement or assign, escalation",
        ("004",),
        _E,
    ),
    Rule(
        "CF606",
        "An account of tickets and work orders goes only to a verified caller,"
        " and only for their own.",
        "Implement or assign, escalation",
        ("004",),
        _E,
    ),
    Rule(
        "CF607",
        "Every promised callback or status update is tracked against a due time and kept.",
        "Implement or assign, escalation",
        ("001", "003 #10"),
        _E,
    ),
    Rule(
        "CF608",
        "L1 reaches the next level directly for urgent cases, not only through a ticket note.",
        "Implement or assign, escalation",
        ("003 #9",),
        _W,
    ),
    # 8. Goodbye
    Rule(
        "CF701",
        "The resolution is validated with the caller before the call ends.",
        "Goodbye",
        ("002 Q10",),
        _E,
    ),
    Rule("CF702", "The agent asks whether there is anything else.", "Goodbye", ("000 §7",), _E),
    Rule(
        "CF703",
        "The closing has a transitional phrase, a summary, and every promise restated.",
        "Goodbye",
        ("001",),
        _W,
    ),
    Rule("CF704", "The ticket is completed before the call ends.", "Goodbye", ("000 §7",), _E),
    Rule(
        "CF705",
        "An unresolved call ends with the next step assured and no time promised"
        " that cannot be kept.",
        "Goodbye",
        ("000 §7",),
        _E,
    ),
    Rule("CF706", "The caller hangs up first.", "Goodbye", ("001",), _E),
    # 9. Language: phrases flagged in the agent's speech only.
    Rule(
        "CF801",
        'The agent uses a victimising phrase such as "you should have...".',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF802",
        'The agent makes a weak commitment ("I\'ll try") instead of saying "I will".',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF803",
        'The agent gives a vague time such as "ASAP" instead of a date and time.',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF804",
        'The agent says "it\'s impossible" without offering an alternative in the same turn.',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF805",
        'The agent is self-deprecating, e.g. "I\'m just a clerk" or "that\'s not my area".',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF806",
        'The agent pushes the burden back on the caller, e.g. "call back later".',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF807",
        'The agent screens with "who is this?" instead of "may I tell them who\'s calling?".',
        "Language",
        ("001",),
        _E,
    ),
    Rule(
        "CF808",
        "When screening, the agent never reveals where the wanted person is,"
        " only that they are not available.",
        "Language",
        ("001",),
        _E,
    ),
    # 10. Tickets
    Rule(
        "CF901",
        "A ticket carries the caller's ID, the asset tag, a category, a priority"
        " and the problem in the caller's terms.",
        "Tickets",
        ("002 Q3", "003 #4"),
        _E,
    ),
    Rule(
        "CF902",
        "Ticket notes say what was tried, what it showed, the diagnosis and the next step.",
        "Tickets",
        ("003 #4", "004"),
        _E,
    ),
    Rule("CF903", "A ticket note is vague, empty or too short.", "Tickets", ("003 #4", "004"), _E),
    Rule(
        "CF904",
        "A ticket is resolved once a work order is assigned; its technician signs it when done.",
        "Tickets",
        ("004",),
        _E,
    ),
    Rule(
        "CF905",
        "Every call is a new case unless it updates an existing ticket.",
        "Tickets",
        ("004",),
        _E,
    ),
    # 11. Phone messages
    Rule("CF1001", "A phone message lacks a required field.", "Phone messages", ("001",), _E),
    Rule(
        "CF1002",
        "A phone message's number is not a full, valid number with area code.",
        "Phone messages",
        ("001",),
        _E,
    ),
    Rule(
        "CF1003",
        "The callback window is given in the caller's time zone and converted for the receiver.",
        "Phone messages",
        ("001",),
        _E,
    ),
    Rule(
        "CF1004",
        "The key points of a phone message were not read back.",
        "Phone messages",
        ("001",),
        _E,
    ),
)


def _number(r: Rule) -> int:
    return int(r.code.removeprefix("CF"))


def _index(catalogue: tuple[Rule, ...]) -> dict[str, Rule]:
    table = {r.code: r for r in sorted(catalogue, key=_number)}
    if len(table) != len(catalogue):
        msg = "the rule catalogue repeats a code"
        raise AssertionError(msg)
    return table


RULES: Mapping[str, Rule] = types.MappingProxyType(_index(_CATALOGUE))
"""Every rule callflow knows, keyed by code, in numeric code order."""


def rule(code: str) -> Rule:
    """Return the rule with this code.

    Raises:
        UnknownRuleError: no rule has this code (it is also a ``LookupError``).

    >>> rule("CF201").section
    'Greeting'
    >>> rule("CF999")
    Traceback (most recent call last):
    ...
    callflow.errors.UnknownRuleError: unknown rule code 'CF999'; see callflow.rules.RULES
    """
    found = RULES.get(code) if type(code) is str else None  # no foreign __hash__ runs
    if found is None:
        raise UnknownRuleError(code)
    return found
