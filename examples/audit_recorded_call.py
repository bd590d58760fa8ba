"""Auditing a recorded call: every departure from the procedure becomes a finding.

The events below were read off a call recording (times in seconds from the
first ring). The agent proposed a fix before labelling the problem, carried
it out without verifying the caller, and hung up first.

Run: python examples/audit_recorded_call.py
"""

from datetime import UTC, datetime, timedelta

from callflow import Agent, Call, Caller, ManualClock, render_timeline

START = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
RECORDING: list[tuple[int, str, dict[str, object]]] = [
    (21, "answer", {}),
    (30, "identify", {"caller": Caller(name="Marco Rossi"), "verified": False}),
    (45, "listen", {"problem": "Outlook will not open"}),
    (90, "troubleshoot", {"step": "Asked the caller to restart Outlook"}),
    (120, "propose", {"plan": "Rebuild the Outlook profile"}),
    (400, "implement", {"action": "Profile rebuilt"}),
    (420, "goodbye", {"resolution_confirmed": True}),
    (425, "hang_up", {"by": "agent"}),
]

clock = ManualClock(START)
call = Call(agent=Agent(name="Giulia", organisation="ACME IT"), clock=clock, mode="audit")
for seconds, event, arguments in RECORDING:
    clock.set(START + timedelta(seconds=seconds))
    getattr(call, event)(**arguments)

print(render_timeline(call))
