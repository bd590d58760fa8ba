"""The sample call that ``callflow demo`` runs: a printer fixed on the line, with one hold."""

from collections.abc import Callable
from datetime import UTC, datetime

from callflow.call import Call
from callflow.clock import ManualClock
from callflow.people import Agent, Caller

__all__ = ["sample_call"]

DEMO_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def sample_call() -> Call:
    """Run the scripted sample call on a fixed clock and return it, ended.

    It is answered on the third ring, so it carries one finding (CF101).

    >>> call = sample_call()
    >>> call.outcome.value, [finding.rule for finding in call.findings]
    ('resolved', ['CF101'])
    """
    clock = ManualClock(DEMO_START)
    call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock)
    script: list[tuple[int, Callable[[], None]]] = [
        (14, lambda: call.answer()),
        (20, lambda: call.identify(Caller(name="Ana Souza", user_id="E1234"), verified=True)),
        (25, lambda: call.listen("The printer on floor 3 jams on every page")),
        (40, lambda: call.troubleshoot("Checked the paper tray: correct paper, not overfilled")),
        (30, lambda: call.hold(reason="checking the printer's error log")),
        (35, lambda: call.resume()),
        (25, lambda: call.troubleshoot("Error log shows repeated feed-roller misfeeds")),
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
