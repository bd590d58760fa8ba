"""Hypothesis strategies for callflow's tests, derived from ``callflow.PROCEDURE``.

The procedure's table is the single source of truth: which events exist, where
they lead and which ones a call accepts now all come from it (directly, or
through a strict :class:`~callflow.Call` asking it). The only thing written
here by hand is what each event *method* takes as arguments, and the module
refuses to import if that mapping and the table ever disagree.

A drawn step is a :class:`Step`: an event, its keyword arguments and how many
seconds the clock moves before it. :func:`perform` sends one to a call.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from callflow import PROCEDURE, Agent, Call, Caller, ManualClock, Stage, Thresholds, Urgency
from callflow._call_state import VERIFICATION_METHODS
from callflow.audit import Context, Participant, Transcript, TranscriptEvent, Turn
from callflow.callbacks import CallbackWindow
from callflow.escalation import Escalation, Target, TargetKind, TransferStyle
from callflow.messages import PhoneMessage

__all__ = [
    "EVENT_ARGS",
    "STATE_PROPERTIES",
    "TICKET",
    "Step",
    "agents",
    "callers",
    "clocks",
    "complete_escalations",
    "complete_messages",
    "event_args",
    "event_sequences",
    "legal_paths",
    "participants",
    "perform",
    "seconds",
    "texts",
    "thresholds",
    "transcript_events",
    "transcripts",
    "turns",
    "waits",
]

Kwargs = Mapping[str, Any]

STATE_PROPERTIES = (
    "stage",
    "caller",
    "caller_verified",
    "verification_needed",
    "problem",
    "diagnosis",
    "plan",
    "fix",
    "answer_given",
    "fulfilment",
    "assigned_to",
    "follow_up_of",
    "resolution_confirmed",
    "anything_else_asked",
    "on_hold",
    "check_in_due",
    "outcome",
)
"""The public state of a call that events change."""


class Step(NamedTuple):
    """One drawn event: its name, its keyword arguments, the seconds waited before it."""

    event: str
    kwargs: Kwargs
    wait: int = 0


def texts() -> SearchStrategy[str]:
    """Short text with something other than spaces in it (what callflow accepts as text)."""
    return st.text(min_size=1, max_size=12).filter(str.strip)


def _optional_texts() -> SearchStrategy[str | None]:
    return st.none() | texts()


def callers() -> SearchStrategy[Caller]:
    """Callers, with or without a user ID."""
    return st.builds(Caller, name=texts(), user_id=_optional_texts())


def agents() -> SearchStrategy[Agent]:
    """Help desk agents."""
    return st.builds(Agent, name=texts(), organisation=texts())


def thresholds() -> SearchStrategy[Thresholds]:
    """Rule limits: a ring cadence of 1 to 10 s, a ring limit of 1 to 4, hold silences of 20-60 s.

    The hold limits straddle the waits between events (up to 30 s each), so a
    held caller's silence is sometimes within the limit and sometimes over it.
    """
    seconds = st.integers(min_value=1, max_value=10).map(lambda s: timedelta(seconds=s))
    silences = st.integers(min_value=20, max_value=60).flatmap(
        lambda limit: st.tuples(st.integers(min_value=1, max_value=limit), st.just(limit))
    )
    return st.builds(
        lambda cadence, rings, hold: Thresholds(
            ring_cadence=cadence,
            max_rings=rings,
            check_in_every=timedelta(seconds=hold[0]),
            max_hold_silence=timedelta(seconds=hold[1]),
        ),
        seconds,
        st.integers(min_value=1, max_value=4),
        silences,
    )


def waits() -> SearchStrategy[int]:
    """Seconds between two events: zero (same instant) up to half a minute.

    The range straddles the default CF101 limit (2 rings at 6 s: 12 s), so a
    first answer after one wait is sometimes in time and sometimes late.
    """
    return st.integers(min_value=0, max_value=30)


def clocks(*, starts: SearchStrategy[datetime] | None = None) -> SearchStrategy[ManualClock]:
    """Manual clocks standing at a drawn, timezone-aware time.

    Args:
        starts: where the clocks start (default: any UTC time this century).
    """
    if starts is None:
        starts = st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
        )
    if not isinstance(starts, SearchStrategy):
        raise InvalidArgument(f"starts must be a strategy (got {starts!r})")
    return st.builds(ManualClock, starts)


TICKET = "T-000001"
"""The ticket number calls in these strategies follow up and escalate with.

One number for both, so that an escalation drawn without seeing the call
never names another ticket than the one the call followed up (which the call
refuses as bad input, in both modes).
"""


def complete_escalations() -> SearchStrategy[Escalation]:
    """Escalations that owe the caller nothing (CF601, CF602, CF604 all met).

    Functional ones go to a team, tier or vendor; hierarchical ones to
    management. A timeframe is a duration, a date, or (when none can be
    given) a promise of regular updates.
    """
    hours = st.integers(min_value=1, max_value=72).map(lambda h: timedelta(hours=h))
    # After every time clocks() draws (a timeframe already past is refused), as the
    # callback windows of complete_messages() are.
    dates = st.datetimes(
        min_value=datetime(2100, 1, 1), max_value=datetime(2199, 12, 31), timezones=st.just(UTC)
    )
    kinds = st.sampled_from(TargetKind)
    targets = st.builds(
        lambda name, kind, tier: Target(
            name, kind=kind, tier=tier if kind is TargetKind.TIER else None
        ),
        texts(),
        kinds,
        st.integers(min_value=2, max_value=4),
    )
    timeframes = st.one_of(
        st.fixed_dictionaries({"timeframe": hours | dates}),
        st.fixed_dictionaries({"update_every": hours}),
    )
    return st.builds(
        lambda to, reason, style, steps, when: Escalation(
            to, reason, style=style, ticket=TICKET, next_steps=steps, read_back=True, **when
        ),
        targets,
        texts(),
        st.sampled_from(TransferStyle),
        texts(),
        timeframes,
    )


def complete_messages() -> SearchStrategy[PhoneMessage]:
    """Phone messages with every field of the slip, a valid number, and a read-back.

    Their callback windows are in the caller's zone and begin after the 2026
    start of the walks in :func:`legal_paths`.
    """
    zones = st.sampled_from(("Europe/London", "America/Sao_Paulo", "Asia/Tokyo"))

    def build(
        zone: str, hours: int, name: str, whom: str, text: str, urgency: Urgency
    ) -> PhoneMessage:
        tz = ZoneInfo(zone)
        taken = datetime(2026, 1, 1, 9, tzinfo=UTC)
        start = datetime(2100, 1, 1, 9, tzinfo=tz)
        return PhoneMessage(
            caller_name=name,
            for_whom=whom,
            organisation="Acme Ltda",
            phone="+55 11 3456-7890",
            text=text,
            urgency=urgency,
            callback=CallbackWindow(start, start + timedelta(hours=hours)),
            caller_zone=tz,
            taken_at=taken,
            taken_by="Walker",
            read_back=True,
        )

    return st.builds(
        build,
        zones,
        st.integers(min_value=1, max_value=8),
        texts(),
        texts(),
        texts(),
        st.sampled_from(Urgency),
    )


def _kwargs(
    required: Mapping[str, SearchStrategy[Any]] | None = None,
    optional: Mapping[str, SearchStrategy[Any]] | None = None,
) -> Callable[[], SearchStrategy[dict[str, Any]]]:
    # Optional arguments are sometimes left out, so the methods' defaults are exercised too.
    return lambda: st.fixed_dictionaries(dict(required or {}), optional=dict(optional or {}))


EVENT_ARGS: Mapping[str, Callable[[], SearchStrategy[dict[str, Any]]]] = {
    "answer": _kwargs(optional={"rings": st.none() | st.integers(min_value=1, max_value=6)}),
    "identify": _kwargs({"caller": callers()}, {"verified": st.booleans()}),
    "verify": _kwargs({"method": st.sampled_from(VERIFICATION_METHODS)}),
    "listen": _kwargs(optional={"problem": _optional_texts(), "needs_verification": st.booleans()}),
    "follow_up": _kwargs({"ticket": st.just(TICKET)}, {"notes_read": st.just(True)}),
    "troubleshoot": _kwargs(optional={"step": _optional_texts(), "result": _optional_texts()}),
    "diagnose": _kwargs(optional={"label": _optional_texts()}),
    "propose": _kwargs({"plan": texts()}),
    "inform": _kwargs({"answer": texts()}),
    "fulfil": _kwargs({"action": texts()}),
    "implement": _kwargs({"action": texts()}),
    "assign": _kwargs({"escalation": complete_escalations()}),
    "request_manager": _kwargs({"reason": texts()}),
    "goodbye": _kwargs(
        optional={"resolution_confirmed": st.booleans(), "anything_else_asked": st.booleans()}
    ),
    "confirm_resolution": _kwargs(),
    "hang_up": _kwargs(optional={"by": st.sampled_from(("caller", "agent", "unknown"))}),
    "screen": _kwargs({"wanted": texts()}, {"available": st.none() | st.booleans()}),
    "hold": _kwargs(
        {"reason": texts(), "asked_permission": st.just(True)},
        {"words": st.none() | st.sampled_from(("Please hold.", "May I put you on hold?"))},
    ),
    "check_in": _kwargs(optional={"offered_to_continue": st.just(True)}),
    "resume": _kwargs(
        {"thanked": st.just(True)}, {"apologised": st.just(False), "out_of_turn": _optional_texts()}
    ),
    "transfer": _kwargs(
        {"to": texts(), "announced": st.just(True), "reason": texts()},
        {"warm": st.booleans(), "direct_number": st.none() | st.just("+44 20 7946 0018")},
    ),
    "take_message": _kwargs({"message": complete_messages()}),
    "abandon": _kwargs(),
}
"""For each event of the procedure, a factory of strategies for its method's keyword arguments.

The arguments are complete data: departures that lie in an event's own data
(a follow-up whose notes were not read, an incomplete escalation) are tested
one by one in the unit tests, so that every drawn path is one strict mode accepts.
"""

if set(EVENT_ARGS) != set(PROCEDURE.events):  # the table decides; this mapping must follow
    raise AssertionError(
        f"EVENT_ARGS covers {sorted(EVENT_ARGS)}, PROCEDURE has {sorted(PROCEDURE.events)}"
    )


def event_args(event: str) -> SearchStrategy[dict[str, Any]]:
    """Valid keyword arguments for the method of ``event`` (``answer`` -> ``rings=...``).

    Raises:
        InvalidArgument: for an event the procedure does not have.
    """
    if event not in EVENT_ARGS:
        raise InvalidArgument(f"event must be one of {PROCEDURE.events} (got {event!r})")
    return EVENT_ARGS[event]()


def perform(call: Call, step: Step, clock: ManualClock) -> None:
    """Move ``clock`` by the step's wait, then send the step's event to ``call``."""
    clock.advance(seconds=step.wait)
    getattr(call, step.event)(**step.kwargs)


def _waits_or_default(gaps: SearchStrategy[int] | None) -> SearchStrategy[int]:
    if gaps is None:
        return waits()
    if not isinstance(gaps, SearchStrategy):
        raise InvalidArgument(f"waits must be a strategy (got {gaps!r})")
    return gaps


def _check_size(max_size: object) -> int:
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0:
        raise InvalidArgument(f"max_size must be a non-negative int (got {max_size!r})")
    return max_size


def event_sequences(
    *,
    max_size: int = 40,
    events: SearchStrategy[str] | None = None,
    waits: SearchStrategy[int] | None = None,
) -> SearchStrategy[list[Step]]:
    """Sequences of any events of the procedure, in any order, with valid arguments.

    Args:
        max_size: the longest sequence drawn.
        events: which events to draw (default: any event of ``PROCEDURE``).
        waits: the seconds waited before each event (default: :func:`waits`).
    """
    size = _check_size(max_size)
    gaps = _waits_or_default(waits)
    chosen = st.sampled_from(PROCEDURE.events) if events is None else events
    step = chosen.flatmap(lambda event: st.builds(Step, st.just(event), event_args(event), gaps))
    return st.lists(step, max_size=size)


def legal_paths(
    *, max_size: int = 40, waits: SearchStrategy[int] | None = None
) -> SearchStrategy[list[Step]]:
    """Event sequences a strict call accepts at every step, from its first ring on.

    Walks the procedure with a strict :class:`~callflow.Call`, each time choosing
    among ``call.allowed_events()``. Arguments are drawn freely, so guards are
    met only sometimes (a caller verified or not, a diagnosis labelled or not, a
    resolution confirmed or not), and the next step sees the consequences. A
    path ends where it ends: after a drawn number of steps (at most
    ``max_size``) or at a final state.

    To reach the later stages, the walk prefers, by the table's rows, an event
    that moves the call to another active stage, then one that keeps it where
    it is; an event that ends the call is chosen rarely, except in a stage
    the table gives no way on but the end (GOODBYE), where it becomes likelier
    with every event spent there.

    Args:
        max_size: the longest path drawn.
        waits: the seconds waited before each event (default: :func:`waits`).
    """
    return _legal_paths(_check_size(max_size), _waits_or_default(waits))


@st.composite
def _legal_paths(draw: st.DrawFn, size: int, waits: SearchStrategy[int]) -> list[Step]:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    call = Call(agent=Agent(name="Walker", organisation="Strategies"), clock=clock)
    # Half the paths go on as long as they may, half stop early, anywhere.
    length = draw(st.sampled_from((size, None))) or draw(st.integers(min_value=0, max_value=size))
    steps: list[Step] = []
    waited = 0  # events spent in a stage whose only ways on end the call
    while len(steps) < length and call.stage not in PROCEDURE.finals:
        moving: list[str] = []
        staying: list[str] = []
        finishing: list[str] = []
        for event in call.allowed_events():
            row = PROCEDURE.transition(call.stage, event)
            assert row is not None, f"{event!r} allowed in {call.stage} but not in the table"
            if row.dest in PROCEDURE.finals:
                finishing.append(event)
            else:
                (staying if row.internal else moving).append(event)
        # Hypothesis favours small numbers: the low ones keep the call going.
        pick = draw(st.integers(min_value=0, max_value=31))
        ending = pick >= 31 - 16 * waited
        preferred = finishing if ending else moving if pick < 22 else staying
        event = draw(st.sampled_from(preferred or moving or staying or finishing))
        step = Step(event, draw(event_args(event)), draw(waits))
        perform(call, step, clock)
        waited = waited + 1 if _ends_only(call.stage) else 0
        steps.append(step)
    return steps


def _ends_only(stage: Stage) -> bool:
    """Whether every row leaving ``stage`` either keeps it there or ends the call."""
    return all(row.internal or row.dest in PROCEDURE.finals for row in PROCEDURE.outgoing(stage))


# -- transcripts of recorded calls (callflow.audit) --------------------------------


def seconds() -> SearchStrategy[float]:
    """Seconds from a call's start: finite, 0 or more, whole or not (kept as floats)."""
    return st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False) | (
        st.integers(min_value=0, max_value=10**6).map(float)
    )


def participants() -> SearchStrategy[Participant]:
    """A call's parties, named or not, with an ID or not."""
    return st.builds(Participant, name=_optional_texts(), id=_optional_texts())


@st.composite
def turns(draw: st.DrawFn) -> Turn:
    """Turns of any text (empty too), timed, half-timed or untimed; never ending before starting."""
    start = draw(st.none() | seconds())
    end = draw(st.none() | seconds())
    if start is not None and end is not None and end < start:
        start, end = end, start
    speaker = draw(st.sampled_from(("agent", "caller", "system")))
    return Turn(speaker, draw(st.text(max_size=40)), start=start, end=end)


def transcript_events(
    *, max_size: int = 6, turns: int = 0
) -> SearchStrategy[list[TranscriptEvent]]:
    """Events of the procedure, in any order of events but in time order, with valid arguments.

    Each names one of ``turns`` turns (in any order: an event may refer
    back) or none.
    """
    if type(turns) is not int or turns < 0:
        raise InvalidArgument(f"turns must be a non-negative int (got {turns!r})")
    named = st.none() if turns == 0 else st.none() | st.integers(0, turns - 1)
    one = st.sampled_from(PROCEDURE.events).flatmap(
        lambda event: st.builds(
            TranscriptEvent, st.just(event), seconds(), event_args(event), turn=named
        )
    )
    return st.lists(one, max_size=_check_size(max_size)).map(
        lambda events: sorted(events, key=lambda event: event.at)
    )


_STARTS = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(
        (UTC, ZoneInfo("Europe/Rome"), ZoneInfo("America/Sao_Paulo"), timezone(timedelta(hours=5)))
    ),
)


def transcripts(*, max_turns: int = 6, max_events: int = 6) -> SearchStrategy[Transcript]:
    """Transcripts of recorded calls: every field drawn, optional ones present or not.

    Their events name one of the turns drawn, or none.
    """
    _check_size(max_events)
    return st.lists(turns(), max_size=_check_size(max_turns)).flatmap(
        lambda drawn: st.builds(
            Transcript,
            call_id=texts(),
            channel=st.sampled_from(("phone", "chat")),
            language=st.sampled_from(("en", "pt", "es", "it", "fr")),
            organisation=_optional_texts(),
            agent=participants(),
            caller=participants(),
            started_at=_STARTS,
            turns=st.just(drawn),
            events=transcript_events(max_size=max_events, turns=len(drawn)),
            context=st.builds(
                Context,
                task=_optional_texts(),
                ended_by=st.sampled_from(("agent", "caller", "unknown")),
            ),
        )
    )
