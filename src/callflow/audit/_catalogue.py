"""What each catalogued rule looks at in a recorded call, its channels and scorecard section.

One line per code of :data:`callflow.rules.RULES`. A rule that no transcript
can decide says why; the checks that decide the others are registered in
:mod:`callflow.audit.checks`. ``tests/test_rulebook.py`` holds the two in step.
"""

from callflow.audit.rulebook import RULEBOOK, Channel, Looks, Section

__all__: list[str] = []

_EVENTS = (Looks.EVENTS,)
_WORDS = (Looks.AGENT_TURNS,)
_WORDS_AND_METADATA = (Looks.AGENT_TURNS, Looks.METADATA)
_PHONE: tuple[Channel, ...] = ("phone",)

_describe = RULEBOOK.describe
_undecidable = RULEBOOK.undecidable

# The procedure (callflow's own codes).
_describe("CF001", looks_at=_EVENTS, section=Section.RESOLUTION)
_describe("CF002", looks_at=_EVENTS, section=Section.HOLD)
# 2. Answering.
_describe("CF101", looks_at=_EVENTS, section=Section.GREETING, channels=_PHONE)
_undecidable(
    "CF102",
    "the outage message and hold tips play before the agent answers:"
    " a transcript of the conversation does not hold them",
    section=Section.HOLD,
)
# 3. Greeting.
_describe("CF201", looks_at=_WORDS_AND_METADATA, section=Section.GREETING)
_describe("CF202", looks_at=_WORDS_AND_METADATA, section=Section.GREETING)
_describe("CF203", looks_at=_WORDS, section=Section.GREETING)
_describe("CF204", looks_at=_WORDS, section=Section.GREETING)
_describe("CF205", looks_at=_EVENTS, section=Section.GREETING)
_describe("CF206", looks_at=_WORDS_AND_METADATA, section=Section.GREETING)
_describe("CF207", looks_at=_WORDS_AND_METADATA, section=Section.GREETING)
_describe("CF208", looks_at=_WORDS, section=Section.GREETING)
# 4. Venting and control.
_describe("CF301", looks_at=_WORDS, section=Section.LISTENING)
_describe("CF302", looks_at=_WORDS_AND_METADATA, section=Section.LISTENING)
_describe("CF303", looks_at=_WORDS, section=Section.LISTENING)
# 5. Troubleshooting and diagnosis.
_undecidable(
    "CF401",
    "how many people a problem affects is known to the incident system, not from one call",
    section=Section.RESOLUTION,
)
_undecidable(
    "CF402",
    "the knowledge-base article used is recorded in the agent's tools, not said on the call",
    section=Section.DOCUMENTATION,
)
_describe("CF403", looks_at=_EVENTS, section=Section.LISTENING)
_undecidable(
    "CF404",
    "a unit's repeated tickets are in the ticket book, across many calls",
    section=Section.DOCUMENTATION,
)
_describe("CF405", looks_at=_EVENTS, section=Section.RESOLUTION)
_describe("CF406", looks_at=_EVENTS, section=Section.RESOLUTION)
# 6. Resolution, hold and transfer.
_describe("CF501", looks_at=_WORDS, section=Section.RESOLUTION)
_describe("CF502", looks_at=_EVENTS, section=Section.HOLD, channels=_PHONE)
_describe("CF503", looks_at=(*_EVENTS, *_WORDS), section=Section.HOLD, channels=_PHONE)
_describe("CF504", looks_at=_EVENTS, section=Section.HOLD, channels=_PHONE)
_describe("CF505", looks_at=_EVENTS, section=Section.HOLD, channels=_PHONE)
_describe("CF506", looks_at=_EVENTS, section=Section.HOLD)
_undecidable(
    "CF507",
    "simultaneous calls are judged across the agent's other lines (a Desk), not in one call",
    section=Section.HOLD,
)
# 7. Implement or assign, escalation.
_describe("CF601", looks_at=_EVENTS, section=Section.RESOLUTION)
_describe("CF602", looks_at=_EVENTS, section=Section.RESOLUTION)
_describe("CF603", looks_at=_EVENTS, section=Section.DOCUMENTATION)
_describe("CF604", looks_at=_EVENTS, section=Section.RESOLUTION)
_describe("CF605", looks_at=_EVENTS, section=Section.RESOLUTION)
_undecidable(
    "CF606",
    "who may read an account of tickets is decided by the ticket book when it is asked",
    section=Section.GREETING,
)
_undecidable(
    "CF607",
    "whether a promised callback or update is kept is known after the call, in the promise ledger",
    section=Section.RESOLUTION,
)
_undecidable(
    "CF608",
    "a direct line to the next level is how the help desk is organised, not part of a call",
    section=Section.RESOLUTION,
)
# 8. Goodbye.
_describe("CF701", looks_at=_EVENTS, section=Section.CLOSING)
_describe("CF702", looks_at=_EVENTS, section=Section.CLOSING)
_describe("CF703", looks_at=_WORDS, section=Section.CLOSING)
_undecidable(
    "CF704",
    "the ticket is completed in the ticketing tool, which a transcript does not show",
    section=Section.DOCUMENTATION,
)
_describe("CF705", looks_at=_EVENTS, section=Section.CLOSING)
_describe("CF706", looks_at=_EVENTS, section=Section.CLOSING, channels=_PHONE)
# 9. Language.
for _code in ("CF801", "CF802", "CF803", "CF804", "CF805", "CF806", "CF807", "CF808"):
    _describe(_code, looks_at=_WORDS, section=Section.LANGUAGE)
# 10. Tickets: written in the ticketing tool, checked there (callflow.check_ticket).
_TICKET_TOOL = (
    "the ticket is written in the ticketing tool, not said on the call;"
    " check the ticket itself with callflow.check_ticket"
)
for _code in ("CF901", "CF902", "CF903"):
    _undecidable(_code, _TICKET_TOOL, section=Section.DOCUMENTATION)
_undecidable(
    "CF904",
    "work orders are dispatched and signed after the call, in the ticket's lifecycle",
    section=Section.DOCUMENTATION,
)
_undecidable(
    "CF905",
    "whether a call opens a new case or updates one is judged against the ticket book",
    section=Section.DOCUMENTATION,
)
# 11. Phone messages: the slip is the take_message event's message.
for _code in ("CF1001", "CF1002", "CF1003", "CF1004"):
    _describe(_code, looks_at=_EVENTS, section=Section.DOCUMENTATION)
