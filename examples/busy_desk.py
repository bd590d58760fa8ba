"""A busy desk: two lines, a held caller, and a message for someone who is out.

Bill is helping Ana with a printer when a second call rings. He holds Ana,
answers Marco ("help desk, please hold"), and goes back to Ana first, as
seed 001 asks. Marco wants Maria Rossi, who is out: Bill screens the call,
takes a message with a callback window typed as "tomorrow morning", reads it
back, and the callback becomes a promise the team can track.

Run: python examples/busy_desk.py
"""

from datetime import UTC, datetime

from callflow import (
    Agent,
    Caller,
    Desk,
    InvalidTransitionError,
    ManualClock,
    PhoneMessage,
    PromiseLedger,
)

clock = ManualClock(datetime(2026, 3, 26, 14, 0, tzinfo=UTC))
callbacks = PromiseLedger()
desk = Desk(Agent(name="Bill", organisation="ACME IT"), lines=2, clock=clock, promises=callbacks)

ana = desk.ring(call_id="line-1")
ana.answer()
ana.identify(Caller(name="Ana Souza", user_id="E1234"), verified=True)
ana.listen("The printer on floor 2 jams")

clock.advance(seconds=20)
marco = desk.ring(call_id="line-2")
ana.hold(reason="another call is ringing", asked_permission=True, words="Please hold.")
marco.answer()
marco.hold(reason="I am on another call", asked_permission=True, words="Help desk, please hold.")

try:
    desk.pick_up(marco, thanked=True)  # Ana has waited longer
except InvalidTransitionError as refusal:
    print("Refused:", refusal)

clock.advance(seconds=15)
desk.pick_up(ana, thanked=True)
ana.troubleshoot("Cleared the paper path", result="the jam is gone")
clock.advance(seconds=20)
ana.hold(reason="checking the print queue", asked_permission=True)

desk.pick_up(marco, thanked=True)
marco.screen("Maria Rossi")
clock.advance(seconds=10)
marco.identify(Caller(name="Marco Bianchi"))  # "may I tell her who's calling?"
clock.advance(seconds=25)  # Bill looks Maria up in the staff calendar
marco.screen("Maria Rossi", available=False)
clock.advance(seconds=60)
message = PhoneMessage(
    caller_name="Marco Bianchi",
    for_whom="Maria Rossi",
    organisation="Bianchi Srl",
    phone="+39 06 1234 5678",
    text="The signed contract is in her inbox; please confirm receipt.",
    urgency="medium",
    callback="tomorrow morning",
    caller_zone="Europe/Rome",
    taken_at=clock(),
    taken_by="Bill",
    read_back=True,
    recipient_zone="America/New_York",
)
marco.take_message(message)
print()
print(message.slip())
print()
screening = marco.screening
assert screening is not None
until = screening.until
print(f"Screened for {screening.wanted} from {screening.since:%H:%M:%S} to {until:%H:%M:%S} UTC")
promise = marco.callback_promise
assert promise is not None
print(f"Callback promise {promise.id} to {promise.to}, due {promise.due:%Y-%m-%d %H:%M %Z}")
print("Held now:", [call.call_id for call in desk.held], "| free lines:", desk.free_lines)

# Ana has heard nothing for over 40 s: the call knows, and records it at the check-in.
print("Ana's check-in overdue:", ana.check_in_overdue())
ana.check_in()
clock.advance(seconds=10)
desk.pick_up(ana, thanked=True)
print("Findings on Ana's call:", [(f.rule, f.message) for f in ana.findings])
