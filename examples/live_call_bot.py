"""A support bot driving a live call in strict mode, persisting it between turns.

Each turn, the bot rebuilds the call from the stored history, offers only
the events the procedure allows now, and stores the history again. A step
the bot tries out of order is refused and changes nothing.

Run: python examples/live_call_bot.py
"""

from datetime import UTC, datetime

from callflow import Agent, Call, Caller, EventRecord, InvalidTransitionError, ManualClock

clock = ManualClock(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
store: dict[str, tuple[EventRecord, ...]] = {}  # stands in for the bot's session store


def turn(call_id: str, action: str, **kwargs: object) -> None:
    """One turn of the conversation: resume the call, try one event, store it."""
    call = Call.replay(store[call_id], clock=clock)
    clock.advance(seconds=20)
    try:
        getattr(call, action)(**kwargs)
        print(f"{action:<13} -> {call.stage.name}")
    except InvalidTransitionError as refused:
        print(f"{action:<13} refused ({refused.rule or 'out of order'}); offer {refused.allowed}")
    store[call_id] = call.history


call = Call(agent=Agent(name="HelpBot", organisation="ACME IT"), clock=clock)
store["call-1"] = call.history
turn("call-1", "answer", rings=1)
turn("call-1", "listen", problem="VPN drops every hour")  # refused: caller not verified yet
turn("call-1", "identify", caller=Caller(name="Ana Souza", user_id="E1234"), verified=True)
turn("call-1", "listen", problem="VPN drops every hour")
turn("call-1", "troubleshoot", step="Client log shows idle timeout after 60 min")
turn("call-1", "diagnose", label="network/vpn-idle-timeout")
turn("call-1", "propose", plan="Raise the idle timeout on the VPN gateway profile")
turn("call-1", "assign", to="Network team", reason="gateway config needs L2 access")
turn("call-1", "goodbye", anything_else_asked=True)
turn("call-1", "hang_up", by="caller")

final = Call.replay(store["call-1"])
print("outcome:", final.outcome.value if final.outcome else None)
print("findings:", [finding.rule for finding in final.findings])
