"""A call as readable text: its events, times, holds, outcome, findings and its ticket."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from callflow.call import Call
from callflow.errors import ValidationError
from callflow.people import Caller
from callflow.quality import check_ticket
from callflow.ticket import Ticket

__all__ = ["render_timeline"]


def render_timeline(call: Call, now: datetime | None = None) -> str:
    """Render ``call`` as a plain-text timeline.

    Args:
        call: the call to show.
        now: for a call still going on, the time to measure up to.
    """
    if not isinstance(call, Call):
        raise ValidationError("call", call, "must be a Call")
    measures = call.measures(now)
    start = measures.started_at
    lines = [
        f"Call to {call.agent.organisation}, answered by {call.agent.name}"
        f" ({call.mode.value} mode), first ring at {start.isoformat()}",
        "",
        f"  {'at':>7}  {'stage':<40}  {'event':<13} details",
    ]
    for record in call.history:
        moved = (
            record.to_stage.name
            if record.from_stage is record.to_stage
            else f"{record.from_stage.name} -> {record.to_stage.name}"
        )
        lines.append(
            f"  {_clock(record.at - start):>7}  {moved:<40}  {record.event:<13}"
            f" {_details(record.payload)}".rstrip()
        )
    lines += ["", "Time in stage:"]
    lines += [
        f"  {stage.name:<20} {_clock(spent):>7}" for stage, spent in measures.time_in_stage.items()
    ]
    lines += [
        "",
        f"Ring wait: {_clock(measures.ring_wait)} ({measures.rings} rings)",
        f"Talk time: {_clock(measures.talk_time)}",
        f"Holds: {measures.hold_count} (total {_clock(measures.total_hold)},"
        f" longest {_clock(measures.longest_hold)})",
        f"Outcome: {measures.outcome.value if measures.outcome else 'in progress'}",
        f"Findings: {len(call.findings) or 'none'}",
    ]
    lines += [
        f"  {f.rule}  {f.message} (event {f.event_index}, {f.event} in {f.stage.name})"
        for f in call.findings
    ]
    if call.ticket is not None:
        lines += ["", *_ticket_lines(call.ticket, call.history[-1].at)]
    return "\n".join(lines) + "\n"


def _ticket_lines(ticket: Ticket, now: datetime) -> list[str]:
    priority = ticket.priority.name if ticket.priority else "no priority"
    breaches = check_ticket(ticket)
    lines = [
        f"Ticket {ticket.number}: {ticket.status.value}, {priority},"
        f" {len(ticket.notes)} notes, quality findings: {len(breaches) or 'none'}",
        *(f"  {b.rule}  {b.message}" for b in breaches),
    ]
    clocks = ticket.sla_clocks()
    if clocks is not None:
        for reading in clocks.readings(now):
            lines.append(
                f"  SLA {reading.kind.value}: {reading.state.value},"
                f" target {_clock(reading.target)}, elapsed {_clock(reading.elapsed)}"
            )
    return lines


def _clock(delta: timedelta) -> str:
    minutes, seconds = divmod(int(delta.total_seconds()), 60)
    if minutes < 60:
        return f"{minutes}:{seconds:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def _details(payload: Mapping[str, object]) -> str:
    shown = []
    for key, value in payload.items():
        if key in ("agent", "mode", "thresholds") or value is None or value is False:
            continue
        if isinstance(value, Caller):
            value = value.name + (f" ({value.user_id})" if value.user_id else "")
        shown.append(f"{key}={value}" if not isinstance(value, str) else f"{key}={value!r}")
    return ", ".join(shown)
