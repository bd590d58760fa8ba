"""A support bot driving a live call in strict mode, persisting it between turns.

Each turn, the bot rebuilds the call from the stored history (taking its
ticket up again from the ticket book), offers only the events the procedure
allows now, and stores the history again. A step the bot tries out of order,
or an escalation of a ticket a technician could not act on, is refused and
changes nothing.

Run: python examples/live_call_bot.py
"""

from datetime import UTC, datetime, timedelta

from callflow import (
    Agent,
    Call,
    Caller,
    Escalation,
    EventRecord,
    InvalidTransitionError,
    ManualClock,
    MemoryTicketBook,
    Target,
)

clock = ManualClock(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
book = MemoryTicketBook()  # stands in for the desk's ticket system
store: dict[str, tuple[EventRecord, ...]] = {}  # stands in for the bot's session store


def resume(call_id: str) -> Call:
    """The call as it stands, rebuilt from the session store."""
    return Call.replay(store[call_id], clock=clock, book=book)


def turn(call_id: str, action: str, **kwargs: object) -> None:
    """One turn of the conversation: resume the call, try one event, store it."""
    call = resume(call_id)
    clock.advance(seconds=20)
    try:
        getattr(call, action)(**kwargs)
        print(f"{action:<13} -> {call.stage.name}")
    except InvalidTransitionError as refused:
        print(f"{action:<13} refused ({refused.rule or 'out of order'}): {refused}")
    store[call_id] = call.history


call = Call(agent=Agent(name="HelpBot", organisation="ACME IT"), clock=clock, book=book)
store["call-1"] = call.history
turn("call-1", "answer", rings=1)
turn("call-1", "listen", problem="VPN drops every hour")  # refused: caller not verified yet
turn("call-1", "identify", caller=Caller(name="Ana Souza", user_id="E1234"), verified=True)
turn("call-1", "listen", problem="VPN drops every hour")  # opens a ticket in the book
turn(
    "call-1",
    "troubleshoot",
    step="Read the VPN client log for the last two disconnections",
    result="Both disconnections follow 60 minutes idle: the gateway's idle timeout",
)
turn("call-1", "diagnose", label="network/vpn-idle-timeout")
turn("call-1", "propose", plan="Network team raises the idle timeout on the gateway profile")

number = resume("call-1").ticket_number
assert number is not None
escalation = Escalation(
    Target("Network team"),
    "gateway configuration needs L2 access",
    ticket=number,
    next_steps="the network team changes the gateway profile and calls Ana back",
    timeframe=timedelta(hours=4),
    read_back=True,
)
turn("call-1", "assign", escalation=escalation)  # refused: no category or priority yet (CF603)

ticket = book.get(number)
ticket.update(category="network", impact="low", urgency="high", by="HelpBot")
turn("call-1", "assign", escalation=escalation)
turn("call-1", "goodbye", anything_else_asked=True)
turn("call-1", "hang_up", by="caller")

final = resume("call-1")
print("outcome:", final.outcome.value if final.outcome else None)
print("findings:", [finding.rule for finding in final.findings])
priority = ticket.priority.name if ticket.priority else None
print(f"ticket {ticket.number}: {ticket.status.value}, priority {priority}")
for promise in ticket.promises:
    print(f"promise {promise.id}: {promise.what!r} due {promise.due.isoformat()}")
