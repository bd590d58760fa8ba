"""The call: a helpdesk phone call driven through the procedure, event by event.

>>> from datetime import datetime, timezone
>>> from callflow import Agent, Call, Caller, ManualClock, Stage
>>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
>>> call = Call(agent=Agent(name="Bill", organisation="ACME Corp"), clock=clock)
>>> call.answer()
>>> call.listen("I'd like to pay my bill")     # the caller speaks first
>>> call.inform("You can pay it at any branch")
Traceback (most recent call last):
...
callflow.errors.InvalidTransitionError: event 'inform' refused in stage VENTING: it requires \
a verified caller, for a request that needs one (CF205); allowed now: identify, verify, \
listen, troubleshoot, hold, request_manager, transfer, abandon
>>> call.verify(method="security_question")
>>> call.inform("You can pay it at any branch")
>>> call.stage
<Stage.IMPLEMENT_OR_ASSIGN: 'implement_or_assign'>
"""

from collections.abc import Collection
from datetime import datetime, timedelta

import attrs

from callflow import _recorder, _replay
from callflow._call_state import (
    CHANNELS,
    PARTIES,
    VERIFICATION_METHODS,
    CallState,
    Channel,
    Mode,
    Party,
    VerificationMethod,
)
from callflow._casework import CaseFile, callback_after, update_due
from callflow._recorder import finish, fire, keep_line, line_departures, note
from callflow.book import TicketBook, check_book
from callflow.clock import Clock, check_aware
from callflow.errors import ValidationError
from callflow.escalation import (
    Advice,
    Escalation,
    EscalationPolicy,
    Situation,
    check_escalation,
)
from callflow.etiquette import check_in_breaches, hold_breaches, resume_breaches, transfer_breaches
from callflow.events import derive_call_events
from callflow.measures import CallMeasures, Outcome, count_rings, measure
from callflow.messages import PhoneMessage, check_message
from callflow.notes import NoteTopic
from callflow.people import Caller
from callflow.promises import PromiseLedger
from callflow.records import NOTHING, EventRecord, RuleBreach
from callflow.stages import PROCEDURE, Stage
from callflow.validators import (
    check_flag,
    check_optional_text,
    check_positive_int,
    check_text,
)

__all__ = ["Call", "Channel", "Mode", "Party", "VerificationMethod"]


@attrs.define(eq=False, repr=False, on_setattr=attrs.setters.NO_OP)
class Call(CallState):
    """One helpdesk call, from its first ring to its end.

    Every event method either records the event in :attr:`history` (and any
    rule departure in :attr:`findings`) or, in strict mode, raises
    :class:`~callflow.errors.InvalidTransitionError` and leaves the call
    exactly as it was. Events after the end raise
    :class:`~callflow.errors.CallEndedError` in both modes.

    With a ticket ``book``, the call keeps its ticket as it goes: the first
    ``listen`` opens a new ticket for the caller (or ``follow_up`` takes up
    an existing one), troubleshooting steps, results, the diagnosis and the
    plan are written into it, ``implement`` resolves it and ``assign``
    escalates it.

    Events sent to one call from several threads run one at a time, each
    whole (a lock per call); different calls share nothing.

    Args:
        agent: who answers.
        mode: ``"strict"`` (default) to refuse departures, ``"audit"`` to record them.
        clock: where the call gets the time; defaults to UTC now.
        thresholds: the limits the rules check against.
        book: the ticket book the call opens and reads tickets in (optional).
        call_id: an identifier for the call, kept in its history and in the
            links its tickets keep to it (optional).
        promises: the ledger where the callbacks the call promises are
            tracked (a phone message's callback, CF607) (optional).
        channel: ``"phone"`` (default) or ``"chat"``. A chat has no rings,
            holds, check-ins or hang-ups in the phone sense: ``hold``,
            ``check_in``, ``resume`` and ``hang_up`` are accepted as they are
            on the phone, but CF101, CF502-CF505 and CF706 are not judged.
    """

    def __attrs_post_init__(self) -> None:
        if self._book is not None:
            check_book("book", self._book)
        if self._call_id is not None:
            check_text("call_id", self._call_id)
        if self._promises is not None and not isinstance(self._promises, PromiseLedger):
            raise ValidationError("promises", self._promises, "must be a PromiseLedger")
        channel: object = self._channel  # checked, not trusted: a str first
        if type(channel) is not str or channel not in CHANNELS:
            raise ValidationError("channel", channel, "must be 'phone' or 'chat'")
        self._strict, self._phone = self._mode is Mode.STRICT, channel == "phone"
        self._case = CaseFile(self._agent.name, self._call_id)
        at = check_aware("clock", self._clock())
        payload = {
            "agent": self._agent,
            "mode": self._mode,
            "thresholds": self._thresholds,
            "call_id": self._call_id,
            "channel": self._channel,
        }
        ring = EventRecord._checked("ring", Stage.RINGING, Stage.RINGING, at, payload, NOTHING)
        self._history.append(ring)

    def __repr__(self) -> str:
        return (
            f"<Call {self._stage.name} agent={self._agent.name!r} mode={self._mode.value}"
            f" events={len(self._history)} findings={len(self._findings)}>"
        )

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its snapshot (:mod:`callflow.snapshot`), with the clock, book and ledger."""
        from callflow import snapshot  # it imports this module

        return (snapshot._unpickle, (snapshot.dumps(self), self._clock, self._book, self._promises))

    # -- events ----------------------------------------------------------------

    def answer(self, *, rings: int | None = None) -> None:
        """Pick up the ringing call: RINGING -> GREETING.

        Args:
            rings: how many times it rang, if known; otherwise counted from the
                wait at the ring cadence. More than ``thresholds.max_rings`` is
                a CF101 finding.
        """
        if rings is not None:
            check_positive_int("rings", rings)
        with self._lock:
            line = line_departures(self, "answer")
            index = fire(self, "answer", {"rings": rings}, breaches=line, effect=keep_line(line))
            record, limit = self._history[index], self._thresholds.max_rings
            if record.from_stage is not Stage.RINGING or not self._phone:
                return  # a repeated answer (audit mode; CF101 judged the first one), or a chat
            if rings is None:
                rings = count_rings(record.at - self._history[0].at, self._thresholds.ring_cadence)
            if rings > limit:
                note(self, "CF101", f"answered on ring {rings}, after ring {limit}", index)

    def identify(self, caller: Caller, *, verified: bool = False) -> None:
        """Take the caller's name / user ID, in any stage; ``verified``: their identity confirmed.

        Naming the same caller again keeps an earlier verification; another
        caller is verified only if ``verified`` says so. With a ticket book, a
        caller identified after the problem was heard gets the call's ticket now.
        """
        if not isinstance(caller, Caller):
            raise ValidationError("caller", caller, "must be a Caller")
        payload = {"caller": caller, "verified": check_flag("verified", verified)}
        with self._lock:
            heard = any(record.event == "listen" for record in self._history)
            effect = self._case.identify_effect(
                self._book, caller, heard, self._problem, self._clock
            )
            index = fire(self, "identify", payload, effect=effect)
            same = self._caller is None or self._caller == caller
            self._caller_verified = verified or (same and self._caller_verified)
            self._caller = caller
            self._take_case(index)

    def verify(self, *, method: VerificationMethod) -> None:
        """Confirm the caller's identity, by ``method``, in any stage; the stage stays (CF205)."""
        given: object = method  # checked, not trusted: a str first, so no foreign __eq__ runs
        if type(given) is not str or given not in VERIFICATION_METHODS:
            raise ValidationError("method", method, f"must be one of {VERIFICATION_METHODS}")
        with self._lock:
            fire(self, "verify", {"method": method})
            self._caller_verified = True

    def listen(self, problem: str | None = None, *, needs_verification: bool = True) -> None:
        """Let the caller describe the problem: GREETING -> VENTING. The caller speaks first.

        Args:
            problem: what the caller says the problem (or the request) is.
            needs_verification: whether the request acts on or discloses the
                caller's account, so that a verified caller is needed before
                the agent does so (CF205); ``False`` for a public question
                (branch hours, a FAQ). Once one statement needs it, the call does.

        With a ticket book, the first ``listen`` of a call that is not a
        follow-up opens a new ticket for the identified caller (every call is
        a new case, CF905; see :meth:`identify` for one not identified yet) and
        looks up the caller's earlier tickets (CF403); later statements are
        added to the ticket as notes.
        """
        problem = check_optional_text("problem", problem)
        payload = {
            "problem": problem,
            "needs_verification": check_flag("needs_verification", needs_verification),
        }
        with self._lock:
            first = self._stage is Stage.GREETING
            effect = self._case.listen_effect(self._book, self._caller, first, problem, self._clock)
            index = fire(self, "listen", payload, effect=effect)
            if problem is not None:
                self._problem = problem
            needed = self._verification_needed
            self._verification_needed = (
                needs_verification if needed is None else needed or needs_verification
            )
            self._take_case(index)

    def _take_case(self, index: int) -> None:
        number = self._history[index].observed.get("ticket")
        if isinstance(number, str):
            self._case.number = number

    def follow_up(self, ticket: str, *, notes_read: bool = True) -> None:
        """Take up an existing ticket: GREETING -> IMPLEMENT_OR_ASSIGN (needs a verified caller).

        Args:
            ticket: the ticket's number.
            notes_read: whether the agent read the ticket's notes before going
                on, rather than asking the caller again (CF403: refused in
                strict mode, a finding in audit mode).

        Raises:
            NotFoundError: with a ticket book, for a number it does not have.
            AccessDeniedError: for a ticket of another caller than the one identified.
            ValidationError: for a closed ticket (a new problem is a new case).
        """
        check_text("ticket", ticket)
        check_flag("notes_read", notes_read)
        breaches: tuple[RuleBreach, ...] = ()
        if not notes_read:
            unread = f"ticket {ticket}'s notes were not read before the caller was asked again"
            breaches = (RuleBreach("CF403", unread, "notes_read"),)
        payload = {"ticket": ticket, "notes_read": notes_read}
        with self._lock:
            effect = self._case.follow_up_effect(self._book, self._caller, ticket)
            fire(self, "follow_up", payload, breaches=breaches, effect=effect)
            self._follow_up_of = self._case.number = ticket

    def troubleshoot(self, step: str | None = None, *, result: str | None = None) -> None:
        """Work on the problem, recording what was tried and what it showed: -> TROUBLESHOOTING.

        From DIAGNOSIS, RESOLUTION or IMPLEMENT_OR_ASSIGN this is the loop back
        the procedure allows; from IMPLEMENT_OR_ASSIGN it means the fix (the
        answer, the request carried out) failed, and a resolved ticket is reopened.
        """
        step = check_optional_text("step", step)
        result = check_optional_text("result", result)
        with self._lock:
            effect = self._case.troubleshoot_effect(step, result)
            index = fire(self, "troubleshoot", {"step": step, "result": result}, effect=effect)
            if self._history[index].from_stage is Stage.IMPLEMENT_OR_ASSIGN:
                # The fix (or the answer, or the request carried out) did not do.
                self._fix = self._answer_given = self._fulfilment = None

    def diagnose(self, label: str | None = None) -> None:
        """Label the problem: -> DIAGNOSIS. Without a label the agent is still unsure."""
        label = check_optional_text("label", label)
        with self._lock:
            fire(self, "diagnose", {"label": label}, effect=self._case.diagnosis_effect(label))
            if label is not None:
                self._diagnosis = label

    def propose(self, plan: str) -> None:
        """Tell the caller what the problem is and how it will be fixed: -> RESOLUTION."""
        check_text("plan", plan)
        with self._lock:
            effect = self._case.note_effect(plan, NoteTopic.NEXT_STEP)
            fire(self, "propose", {"plan": plan}, effect=effect)
            self._plan = plan

    def inform(self, answer: str) -> None:
        """Answer the caller's question: -> IMPLEMENT_OR_ASSIGN, resolved on the line.

        From VENTING (answered at once), TROUBLESHOOTING (once looked up) or
        DIAGNOSIS (once second level was asked); from IMPLEMENT_OR_ASSIGN or
        GOODBYE, a further question answered. Needs a verified caller when
        the request does (CF205). With a ticket, the answer resolves it.
        """
        check_text("answer", answer)
        with self._lock:
            fire(self, "inform", {"answer": answer}, effect=self._case.fix_effect(answer))
            self._answer_given = answer

    def fulfil(self, action: str) -> None:
        """Carry out the caller's request as asked: -> IMPLEMENT_OR_ASSIGN, resolved on the line.

        A service request (book an appointment, order checks, change an
        address, send a reset link) has no problem to diagnose nor a plan to
        propose: from VENTING, TROUBLESHOOTING (once the details are taken) or
        DIAGNOSIS; from IMPLEMENT_OR_ASSIGN or GOODBYE, a further request.
        Needs a verified caller when the request does (CF205). What was done
        is stated back, not validated: no confirmation is owed (CF701, for a
        fixed problem). With a ticket, the action resolves it.
        """
        check_text("action", action)
        with self._lock:
            fire(self, "fulfil", {"action": action}, effect=self._case.fix_effect(action))
            self._fulfilment = action

    def implement(self, action: str) -> None:
        """Fix the problem now: -> IMPLEMENT_OR_ASSIGN (needs a verified caller, CF205)."""
        check_text("action", action)
        with self._lock:
            fire(self, "implement", {"action": action}, effect=self._case.fix_effect(action))
            self._fix = action

    def assign(self, escalation: Escalation) -> None:
        """Hand the problem to another team, tier, vendor or management: -> IMPLEMENT_OR_ASSIGN.

        The escalation must give the caller the ticket number, the next steps
        and a timeframe (or promised updates) (CF601), follow a read-back of
        the ticket (CF602), give a date or a duration rather than words like
        "ASAP" (CF604), and the call's ticket must pass the writing checks
        (CF603). Strict mode refuses an escalation that does not; audit mode
        records a finding for each departure (and a poorly written ticket is
        escalated and at once returned to its writer, as a supervisor would).
        With a ticket, the escalation's timeframe becomes a promise of a
        status update (CF607). From TROUBLESHOOTING or DIAGNOSIS too: tier 1
        escalates what it cannot solve (CF406), or an answer the caller rejects.

        Raises:
            ValidationError: for an escalation naming another ticket than the call's,
                or a timeframe already past (or past :data:`~callflow.clock.LATEST`)
                when it is given.
        """
        if not isinstance(escalation, Escalation):
            raise ValidationError("escalation", escalation, "must be an Escalation")
        with self._lock:
            number = self._case.number
            if number is not None and escalation.ticket not in (None, number):
                reason = f"must be the call's ticket {number!r}"
                raise ValidationError("escalation.ticket", escalation.ticket, reason)
            owed = check_escalation(escalation)
            breaches = owed + _recorder.manager_skipped(self, escalation)
            fire(
                self,
                "assign",
                {"escalation": escalation},
                breaches=breaches,
                check=lambda at: update_due(escalation, at),
                effect=self._case.escalation_effect(
                    escalation, self._thresholds.quality, complete=not owed
                ),
            )
            self._escalation = escalation

    def request_manager(self, reason: str) -> None:
        """The caller asks for a manager: recorded as a hierarchical escalation request (CF605).

        The stage does not change: the request is routed by policy (see
        :meth:`escalation_advice`) and the call goes on through the procedure.
        """
        payload = {"reason": check_text("reason", reason)}
        with self._lock:
            fire(self, "request_manager", payload)

    def goodbye(
        self, *, resolution_confirmed: bool = False, anything_else_asked: bool = False
    ) -> None:
        """Close the call: -> GOODBYE. Repeat it to record a later confirmation or question.

        The flags accumulate: a later goodbye that does not say so undoes
        neither an earlier confirmation nor an earlier "anything else?".

        Args:
            resolution_confirmed: the caller confirmed the fix works (CF701).
            anything_else_asked: the agent asked if there is anything else (CF702).
        """
        payload = {
            "resolution_confirmed": check_flag("resolution_confirmed", resolution_confirmed),
            "anything_else_asked": check_flag("anything_else_asked", anything_else_asked),
        }
        with self._lock:
            fire(self, "goodbye", payload)
            self._resolution_confirmed |= resolution_confirmed
            self._anything_else_asked |= anything_else_asked

    def confirm_resolution(self) -> None:
        """The caller confirms the fix works (CF701), before or after the goodbye; stage stays."""
        with self._lock:
            fire(self, "confirm_resolution", {})
            self._resolution_confirmed = True

    def hang_up(self, *, by: Party = "caller") -> None:
        """End the call: GOODBYE -> ENDED. The caller should hang up first (CF706).

        ``by="unknown"`` when the recording does not say: CF706 is not judged.
        """
        given: object = by  # checked, not trusted: a str first, so no foreign __eq__ runs
        if type(given) is not str or given not in PARTIES:
            raise ValidationError("by", by, "must be 'caller', 'agent' or 'unknown'")
        with self._lock:
            index = fire(self, "hang_up", {"by": by}, effect=self._case.case_effect(self._book))
            if self._history[index].observed.get("case") is False:
                no_case = "the call ended without a ticket: every call is a new case unless it"
                note(self, "CF905", f"{no_case} follows one up", index)
            _recorder.finish_handled(self, index)
            if not self._anything_else_asked:
                asked = "the call ended without asking if there was anything else"
                note(self, "CF702", asked, index)
            if by == "agent" and self._phone:
                note(self, "CF706", "the agent hung up before the caller", index)

    def screen(self, wanted: str, *, available: bool | None = None) -> None:
        """The caller asks for someone by name: the agent screens the call; the stage stays.

        Send it again once the agent knows whether the person is available.
        :attr:`screening` then tells when the screening began and ended, for
        the language checks of CF807 ("who is this?") and CF808 (saying where
        the person is).

        Args:
            wanted: the person the caller asked for.
            available: whether they are available (``None`` while not known).
        """
        if available is not None:
            check_flag("available", available)
        payload = {"wanted": check_text("wanted", wanted), "available": available}
        with self._lock:
            fire(self, "screen", payload)

    def hold(
        self,
        *,
        reason: str | None = None,
        asked_permission: bool = False,
        words: str | None = None,
    ) -> None:
        """Put the caller on hold; the stage does not change.

        The agent explains why and asks the caller first (CF502), and says
        "please hold", never "hold on" or "hang on" (CF503): strict mode
        refuses a hold that does not. From then on a check-in is due every
        ``thresholds.check_in_every`` (see :attr:`check_in_due`).

        Args:
            reason: why the caller is held, as the agent explained it.
            asked_permission: whether the agent asked the caller first.
            words: what the agent said, when known (checked for CF503).
        """
        reason = check_optional_text("reason", reason)
        check_flag("asked_permission", asked_permission)
        words = check_optional_text("words", words)
        payload = {"reason": reason, "asked_permission": asked_permission, "words": words}
        breaches = hold_breaches(reason, asked_permission=asked_permission, words=words)
        breaches = breaches if self._phone else ()  # a chat's "let me check" is no phone hold
        with self._lock:
            index = fire(self, "hold", payload, breaches=breaches)
            if not self._on_hold:
                self._on_hold, self._hold_contact = True, self._history[index].at

    def check_in(self, *, offered_to_continue: bool = True) -> None:
        """Go back to the held caller, who stays on hold (CF504).

        A gap longer than ``thresholds.max_hold_silence`` since the hold or
        the last check-in is a CF504 finding in both modes (the time has
        passed: refusing would only keep the caller waiting longer).

        Args:
            offered_to_continue: whether the agent offered the choice to keep
                holding; strict mode refuses a check-in that did not.
        """
        check_flag("offered_to_continue", offered_to_continue)
        breaches = check_in_breaches(offered_to_continue=offered_to_continue) if self._phone else ()
        payload = {"offered_to_continue": offered_to_continue}
        with self._lock:
            index = fire(self, "check_in", payload, breaches=breaches)
            if self._on_hold:
                self._hold_contact = self._history[index].at

    def resume(
        self, *, thanked: bool = False, apologised: bool = False, out_of_turn: str | None = None
    ) -> None:
        """Take the caller off hold.

        The agent thanks the caller for holding and does not apologise for the
        delay (CF505, refused in strict mode). A silence over
        ``thresholds.max_hold_silence`` since the last check-in is a CF504
        finding, as for :meth:`check_in`.

        Args:
            thanked: whether the agent thanked the caller for holding.
            apologised: whether the agent apologised for the delay.
            out_of_turn: on a :class:`~callflow.desk.Desk`, why this call is
                taken back before a call held earlier (CF507).
        """
        check_flag("thanked", thanked)
        check_flag("apologised", apologised)
        out_of_turn = check_optional_text("out_of_turn", out_of_turn)
        payload = {"thanked": thanked, "apologised": apologised, "out_of_turn": out_of_turn}
        with self._lock:
            line = line_departures(self, "resume", out_of_turn)
            etiquette = resume_breaches(thanked=thanked, apologised=apologised)
            breaches = (etiquette if self._phone else ()) + line
            fire(self, "resume", payload, breaches=breaches, effect=keep_line(line))
            self._on_hold, self._hold_contact = False, None

    def transfer(
        self,
        to: str,
        *,
        warm: bool = False,
        announced: bool = False,
        reason: str | None = None,
        direct_number: str | None = None,
    ) -> None:
        """Put the caller through to someone else: -> ENDED, outcome TRANSFERRED.

        The receiver must hear the caller's name and details and why the call
        is theirs before it comes (CF506: refused in strict mode without
        them). The caller should be given the receiver's direct number for
        next time: without it the transfer is a CF506 finding in both modes,
        as the seed asks for it only where it fits.

        Args:
            to: who or which team receives the call.
            warm: whether the caller stays connected while the receiver is briefed.
            announced: whether the call was pre-announced to the receiver.
            reason: why the call is transferred, as told to the receiver.
            direct_number: the receiver's direct number, as given to the caller.
        """
        to = check_text("to", to)
        reason = check_optional_text("reason", reason)
        payload = {
            "to": to,
            "warm": check_flag("warm", warm),
            "announced": check_flag("announced", announced),
            "reason": reason,
            "direct_number": check_optional_text("direct_number", direct_number),
        }
        breaches = transfer_breaches(to, announced=announced, reason=reason)
        with self._lock:
            index = fire(self, "transfer", payload, breaches=breaches)
            if direct_number is None:
                note(self, "CF506", f"the caller was not given {to}'s direct number", index)
            finish(self, Outcome.TRANSFERRED)

    def take_message(self, message: PhoneMessage) -> None:
        """The wanted person is unavailable; take a message: GREETING -> ENDED, MESSAGE_TAKEN.

        The message is checked with :func:`~callflow.messages.check_message`:
        a missing field (CF1001), a number that is not full and valid
        (CF1002), a callback window not in the caller's zone (CF1003) and no
        read-back (CF1004) are refused in strict mode and findings in audit
        mode. With a promise ledger, the callback window becomes a tracked
        callback promise, due at the window's end (CF607).

        Raises:
            ValidationError: for a callback window that ends before the call.
        """
        if not isinstance(message, PhoneMessage):
            raise ValidationError("message", message, "must be a PhoneMessage")
        breaches = check_message(message)
        with self._lock:
            fire(
                self,
                "take_message",
                {"message": message},
                breaches=breaches,
                check=lambda at: callback_after(message, at),
                effect=self._case.callback_effect(self._promises, message),
            )
            finish(self, Outcome.MESSAGE_TAKEN)

    def abandon(self) -> None:
        """The caller is gone before the call was handled to its end: -> ABANDONED."""
        with self._lock:
            fire(self, "abandon", {})
            finish(self, Outcome.ABANDONED)

    # -- queries ---------------------------------------------------------------

    def allowed_events(self) -> tuple[str, ...]:
        """The events the call accepts now: its guards and, on a desk, the desk's say included."""
        if self._stage.is_final:
            return ()
        allowed = tuple(
            row.event
            for row in PROCEDURE.outgoing(self._stage)
            if all(guard.check(self) for guard in row.guards)
        )
        line = self._line
        if line is None or self._mode is not Mode.STRICT:
            return allowed
        return tuple(event for event in allowed if not line._departures(self, event))

    def escalation_advice(
        self,
        policy: EscalationPolicy | None = None,
        *,
        users_affected: int = 1,
        access_needed: Collection[str] = (),
        tier: int = 1,
        now: datetime | None = None,
    ) -> tuple[Advice, ...]:
        """What ``policy`` says about escalating this call now (CF401, CF406, CF605).

        The call supplies how long it has been troubleshooting (time in the
        TROUBLESHOOTING stage), whether it has a diagnosis, and whether the
        caller asked for a manager; the agent supplies the rest.

        Args:
            policy: when to escalate (default: :class:`~callflow.escalation.EscalationPolicy`).
            users_affected: how many users the problem affects.
            access_needed: the access rights the fix needs.
            tier: the agent's tier.
            now: the time to measure up to (default: the call's clock).
        """
        policy = policy if policy is not None else EscalationPolicy()
        if not isinstance(policy, EscalationPolicy):
            raise ValidationError("policy", policy, "must be an EscalationPolicy")
        spent = self.measures(now).time_in_stage.get(Stage.TROUBLESHOOTING, timedelta())
        situation = Situation(
            users_affected=users_affected,
            troubleshooting_time=spent,
            diagnosed=self._diagnosis is not None,
            tier=tier,
            access_needed=access_needed,  # checked by Situation, like every argument here
            manager_requested=any(r.event == "request_manager" for r in self._history),
        )
        return policy.advise(situation)

    def measures(self, now: datetime | None = None) -> CallMeasures:
        """Times, holds and outcome, derived from the history.

        Args:
            now: for a call still going on, the time to measure up to
                (default: the call's clock).
        """
        if now is not None:
            check_aware("now", now)
        elif not self._stage.is_final:
            now = check_aware("clock", self._clock())
        return measure(self._history, outcome=self._outcome, until=now, thresholds=self._thresholds)

    @classmethod
    def replay(
        cls,
        history: Collection[EventRecord],
        *,
        clock: Clock | None = None,
        book: TicketBook | None = None,
        promises: PromiseLedger | None = None,
    ) -> "Call":
        """Rebuild a call from its history alone.

        Each event is sent again, at its recorded time, to a new call with the
        recorded agent, mode and thresholds; the result has the same stage,
        state, history and findings. What the original call looked up outside
        itself (its ticket, the ticket's quality) is read from the records'
        ``observed`` data, and nothing is written to any ticket again.

        Args:
            history: the records, starting with the call's ``ring`` (a list,
                a tuple... such as ``call.history``).
            clock: the clock the rebuilt call uses from then on (default UTC now).
            book: the ticket book the call goes on with; its ticket is taken up
                from there again.
            promises: the ledger the call's promises were made in, to go on
                with (nothing is promised again).

        Raises:
            ValidationError: when the history is not one a call could have
                produced (each record is checked before anything is replayed), or
                an argument is of the wrong kind; it names the record or argument.
            NotFoundError: when ``book`` does not have the call's ticket.
            AccessDeniedError: when the ticket the history names in ``book`` is
                another caller's (a doctored history).
        """
        return _replay.replay(cls, history, clock=clock, book=book, promises=promises)


derive_call_events(Call, PROCEDURE.events)  # the payload classes come from the signatures above
