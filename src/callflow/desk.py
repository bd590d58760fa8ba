"""A desk: one agent's phone with several lines, and the order held calls are served in (CF507).

Seed 001's drill for several calls at once: put the first caller on hold,
greet the second and hold them too ("help desk, please hold"), go back to
the first; held calls are served first-held first. A :class:`Desk` rings its
calls on its lines and watches every event on them, whichever object it is
sent through (``desk.pick_up(call)`` or ``call.resume()``):

- answering a call, or taking a held one back, while talking on another one,
- taking back a held call while another has been waiting longer, unless the
  agent says why (``why=``, or ``out_of_turn=`` on ``Call.resume``),

are refused in strict mode and CF507 findings on the call in audit mode.

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Desk, ManualClock
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> desk = Desk(Agent(name="Bill", organisation="ACME Corp"), lines=2, clock=clock)
>>> first = desk.ring(call_id="L1")
>>> first.answer()
>>> second = desk.ring(call_id="L2")
>>> first.hold(reason="another call is ringing", asked_permission=True)
>>> second.answer()
>>> second.hold(reason="I am on another call", asked_permission=True)
>>> [call.call_id for call in desk.held]
['L1', 'L2']
>>> desk.pick_up(second, thanked=True)
Traceback (most recent call last):
...
callflow.errors.InvalidTransitionError: event 'pick_up' refused in stage GREETING: call 'L1' \
has been on hold longer: pick it up first, or say why this one comes first (why=) (CF507); \
allowed now: identify, verify, listen, screen, take_message, check_in, request_manager, \
transfer, abandon
>>> desk.pick_up(first, thanked=True)
>>> desk.talking == (first,)
True
"""

from callflow.book import TicketBook
from callflow.call import Call, Mode
from callflow.clock import Clock, utc_now
from callflow.errors import InvalidTransitionError, NoFreeLineError, ValidationError
from callflow.people import Agent
from callflow.promises import PromiseLedger
from callflow.records import RuleBreach
from callflow.stages import Stage
from callflow.thresholds import Thresholds
from callflow.validators import check_positive_int, check_text

__all__ = ["Desk"]


class Desk:
    """One agent's phone with several lines.

    Args:
        agent: who answers every line.
        lines: how many calls the desk can have at once (at least 1).
        mode: ``"strict"`` or ``"audit"``, for every call on the desk.
        clock: where the desk's calls get the time.
        thresholds: the limits every call checks against.
        book: the ticket book the calls use (optional).
        promises: the ledger the calls' callback promises go to (optional).

    A call leaves the desk when it ends; the desk keeps no ended call.
    """

    __slots__ = ("_agent", "_book", "_calls", "_clock", "_held", "_lines", "_mode", "_promises",
                 "_thresholds")  # fmt: skip

    def __init__(
        self,
        agent: Agent,
        *,
        lines: int = 2,
        mode: Mode | str = Mode.STRICT,
        clock: Clock = utc_now,
        thresholds: Thresholds | None = None,
        book: TicketBook | None = None,
        promises: PromiseLedger | None = None,
    ) -> None:
        self._lines = check_positive_int("lines", lines)
        thresholds = thresholds if thresholds is not None else Thresholds()
        # A first call checks every setting now, not when the first real call rings.
        probe = Call(agent, mode=mode, clock=clock, thresholds=thresholds, book=book,
                     promises=promises)  # fmt: skip
        self._agent, self._mode, self._clock = probe.agent, probe.mode, probe.clock
        self._thresholds, self._book, self._promises = thresholds, book, promises
        self._calls: list[Call] = []
        self._held: list[Call] = []  # in the order put on hold, the latest hold of each

    def __repr__(self) -> str:
        return (
            f"<Desk agent={self._agent.name!r} lines={self._lines} calls={len(self._calls)}"
            f" held={len(self.held)}>"
        )

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its snapshot (:mod:`callflow.snapshot`), with the clock, book and ledger."""
        from callflow import snapshot  # it imports this module

        return (snapshot._unpickle, (snapshot.dumps(self), self._clock, self._book, self._promises))

    def ring(self, *, call_id: str | None = None) -> Call:
        """A new call rings on a free line; return it.

        Raises:
            NoFreeLineError: when every line has a call.
        """
        if call_id is not None:
            check_text("call_id", call_id)
        if len(self._calls) >= self._lines:
            raise NoFreeLineError(self._lines)
        call = Call(
            self._agent,
            mode=self._mode,
            clock=self._clock,
            thresholds=self._thresholds,
            book=self._book,
            call_id=call_id,
            promises=self._promises,
        )
        call._line = self
        self._calls.append(call)
        return call

    def pick_up(
        self,
        call: Call,
        *,
        thanked: bool = False,
        apologised: bool = False,
        why: str | None = None,
    ) -> None:
        """Take a held call back (``call.resume``): the one held first, unless ``why`` is given.

        Args:
            call: a call on hold on this desk.
            thanked: whether the agent thanked the caller for holding (CF505).
            apologised: whether the agent apologised for the delay (CF505).
            why: why this call is taken back before one held earlier (CF507).
        """
        self._check_mine(call)
        if call.mode is Mode.STRICT and call.on_hold:
            out_of_turn = self._departures(call, "resume", why)
            if out_of_turn:
                reason = out_of_turn[0].message.replace("(out_of_turn=)", "(why=)")
                raise InvalidTransitionError(
                    "pick_up", call.stage, call.allowed_events(), "CF507", reason=reason
                )
        call.resume(thanked=thanked, apologised=apologised, out_of_turn=why)

    # -- what the desk's calls ask of it -----------------------------------------

    def _departures(
        self, call: Call, event: str, out_of_turn: str | None = None
    ) -> tuple[RuleBreach, ...]:
        """CF507: what ``event`` on ``call`` departs from, given the desk's other calls.

        Answering a call or taking one back while talking on another, and
        taking back a held call while another has been held longer, unless
        ``out_of_turn`` says why.
        """
        if event not in ("answer", "resume"):
            return ()
        talking = [other for other in self.talking if other is not call]
        if talking:
            message = (
                f"the agent is talking on call {_name(talking[0])}: hold it before"
                f" {'answering' if event == 'answer' else 'taking back'} another"
            )
            return (RuleBreach("CF507", message, "line"),)
        waiting = self.held
        first_held = waiting[0] if waiting else call
        if event == "resume" and out_of_turn is None and first_held is not call and call in waiting:
            message = (
                f"call {_name(waiting[0])} has been on hold longer: pick it up first,"
                " or say why this one comes first (out_of_turn=)"
            )
            return (RuleBreach("CF507", message, "out_of_turn"),)
        return ()

    def _recorded(self, call: Call, event: str) -> None:
        """Keep the held order and the lines up to date after ``event`` on ``call``."""
        if call.stage.is_final:
            self._calls = [other for other in self._calls if other is not call]
            self._held = [other for other in self._held if other is not call]
        elif event == "hold" and call.on_hold is False:
            # The hold is recorded before the call marks itself held: it goes to the back.
            self._held = [*(other for other in self._held if other is not call), call]

    # -- state -------------------------------------------------------------------

    @property
    def agent(self) -> Agent:
        """Who answers every line."""
        return self._agent

    @property
    def lines(self) -> int:
        """How many calls the desk can have at once."""
        return self._lines

    @property
    def calls(self) -> tuple[Call, ...]:
        """The calls on the desk's lines now, in the order they rang."""
        return tuple(self._calls)

    @property
    def free_lines(self) -> int:
        """How many more calls can ring now."""
        return self._lines - len(self._calls)

    @property
    def ringing(self) -> tuple[Call, ...]:
        """The calls ringing, not answered yet, in the order they rang."""
        return tuple(call for call in self._calls if call.stage is Stage.RINGING)

    @property
    def held(self) -> tuple[Call, ...]:
        """The calls on hold, the one held first (and so served next) first."""
        return tuple(call for call in self._held if call.on_hold)

    @property
    def talking(self) -> tuple[Call, ...]:
        """The answered calls not on hold: the one the agent talks to (more only in audit mode)."""
        return tuple(
            call for call in self._calls if call.stage is not Stage.RINGING and not call.on_hold
        )

    @property
    def next_up(self) -> Call | None:
        """The held call to take back next, if any."""
        held = self.held
        return held[0] if held else None

    def _check_mine(self, call: Call) -> None:
        if not isinstance(call, Call):
            raise ValidationError("call", call, "must be a Call")
        if all(call is not other for other in self._calls):
            raise ValidationError("call", call, "is not on this desk's lines")


def _name(call: Call) -> str:
    return repr(call.call_id) if call.call_id is not None else repr(call)
