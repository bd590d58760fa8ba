"""The sample call that ``callflow demo`` runs: a printer fixed on the line, with one hold."""

from collections.abc import Callable
from datetime import UTC, datetime

from callflow.book import MemoryTicketBook
from callflow.call import Call
from callflow.clock import ManualClock
from callflow.people import Agent, Caller

__all__ = ["sample_call"]

DEMO_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def sample_call() -> Call:
    """Run the scripted sample call on a fixed clock and return it, ended.

    It is answered on the third ring, so it carries one finding (CF101). It
    keeps its ticket in a ticket book of its own, resolved by the end.

    >>> call = sample_call()
    >>> call.outcome.value, [finding.rule for finding in call.findings]
    ('resolved', ['CF101'])
    >>> call.ticket.status.value
    'resolved'
    """
    clock = ManualClock(DEMO_START)
    agent = Agent(name="Bill", organisation="ACME Corp")
    call = Call(agent=agent, clock=clock, book=MemoryTicketBook(), call_id="DEMO-1")

    def categorise() -> None:
        assert call.ticket is not None  # the listen before opened it
        call.ticket.update(
            category="hardware", asset_tag="PRN-0031", impact="low", urgency="high", by="Bill"
        )

    script: list[tuple[int, Callable[[], None]]] = [
        (14, lambda: call.answer()),
        (20, lambda: call.identify(Caller(name="Ana Souza", user_id="E1234"), verified=True)),
        (25, lambda: call.listen("The printer on floor 3 jams on every page")),
        (5, categorise),
        (
            40,
            lambda: call.troubleshoot(
                "Checked the paper tray in drawer 2", result="Correct paper, tray not overfilled"
            ),
        ),
        (30, lambda: call.hold(reason="checking the printer's error log", asked_permission=True)),
        (35, lambda: call.resume(thanked=True)),
        (
            25,
            lambda: call.troubleshoot(
                "Read the printer's error log", result="Repeated feed-roller misfeeds"
            ),
        ),
        (20, lambda: call.diagnose("printer/paper-feed")),
        (15, lambda: call.propose("Replace the worn feed roller from the spares kit")),
        (180, lambda: call.implement("Roller replaced; test page printed cleanly")),
        (20, lambda: call.goodbye(resolution_confirmed=True, anything_else_asked=True)),
        (10, lambda: call.hang_up(by="caller")),
    ]
    for seconds, event in script:
        clock.advance(seconds=seconds)
        event()
    return call
