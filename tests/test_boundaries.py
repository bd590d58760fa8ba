"""Every public entry point is a boundary: bad input is a CallflowError naming the field.

One test per kind of bad input the hardening issue found escaping as a
built-in exception (TypeError, AttributeError, OverflowError, RecursionError,
NotImplementedError): documents too deep or keyed by numbers, histories that
are not histories, dates at the edges of Python's calendar, zones that cannot
tell their offset, and arguments of the wrong kind. ``test_fuzz.py`` tries the
same at random; these pin each kind down with its message.
"""

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import pytest

from callflow import (
    LIFECYCLE,
    Agent,
    AlwaysOpen,
    Call,
    CallbackWindow,
    Caller,
    CallflowError,
    EventRecord,
    ManualClock,
    PhoneMessage,
    PromiseLedger,
    SlaClock,
    Stage,
    Ticket,
    ValidationError,
    mermaid,
    parse_callback_window,
    render_timeline,
    ticket_lifecycle,
)
from callflow.clock import EARLIEST, LATEST, check_aware, shift, to_zone
from callflow.codec import structure
from callflow.documents import DocumentLimits, check_document, read_json
from callflow.escalation import Escalation, Target
from callflow.measures import count_rings, measure
from callflow.screening import screening_of

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")
ANA = Caller(name="Ana Souza", user_id="E1234")
PLUS_5 = timezone(timedelta(hours=5))
MINUS_5 = timezone(timedelta(hours=-5))


class Mute(tzinfo):
    """A tzinfo that cannot tell its offset (like a bare ``datetime.tzinfo()``)."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        raise RuntimeError("no idea")


def answered() -> tuple[Call, ManualClock]:
    clock = ManualClock(START)
    call = Call(agent=BILL, clock=clock)
    call.answer()
    return call, clock


class TestDocuments:
    """JSON from outside is bounded in size and depth, and keyed by text."""

    def test_a_deep_document_is_refused_not_a_recursion_error(self) -> None:
        """PhoneMessage.from_json("[" * 100000): ValidationError naming ``json``."""
        with pytest.raises(ValidationError, match="nested at most 32 deep") as caught:
            PhoneMessage.from_json("[" * 100_000)
        assert "json" == caught.value.field

    def test_a_document_over_the_depth_limit_names_the_path(self) -> None:
        """A valid document one level too deep is refused at its deepest path."""
        deep = {"text": [[["x"]]]}
        with pytest.raises(ValidationError) as caught:
            check_document(deep, limits=DocumentLimits(max_depth=3), field="message")
        assert ("message.text[0][0]", "must be nested at most 3 deep") == (
            caught.value.field,
            caught.value.reason,
        )
        assert deep == check_document(deep, limits=DocumentLimits(max_depth=4))

    def test_a_document_over_the_size_limits_is_refused(self) -> None:
        """Too many characters, or too many values, before anything is built."""
        with pytest.raises(ValidationError, match="at most 10 characters"):
            read_json('{"text": "a long message"}', limits=DocumentLimits(max_chars=10))
        with pytest.raises(ValidationError, match="at most 3 values"):
            check_document([1, 2, 3], limits=DocumentLimits(max_items=3))
        assert [1, 2] == check_document([1, 2], limits=DocumentLimits(max_items=3))

    @pytest.mark.parametrize("data", [{1: "x"}, {"caller_name": "Ana", 2: "x"}])
    def test_keys_that_are_not_text_are_refused(self, data: dict[object, object]) -> None:
        """from_dict({1: "x"}) and mixed key types: ValidationError, never a TypeError."""
        with pytest.raises(ValidationError, match="must be keyed by text") as caught:
            PhoneMessage.from_dict(data)  # type: ignore[arg-type]
        assert "message" == caught.value.field

    @pytest.mark.parametrize("text", ["NaN", '{"a": Infinity}', "[1, 2", b"\xff", 7])
    def test_what_is_not_json_is_refused(self, text: object) -> None:
        """Not JSON (NaN and Infinity are not JSON numbers, nor is 7 a document)."""
        with pytest.raises(ValidationError) as caught:
            read_json(text)  # type: ignore[arg-type]
        assert "json" == caught.value.field

    def test_a_value_json_does_not_have_is_refused(self) -> None:
        """A Python object inside the data is named by its path."""
        with pytest.raises(ValidationError) as caught:
            check_document({"when": [START]}, field="data")
        assert "data.when[0]" == caught.value.field

    def test_structure_of_a_kind_callflow_does_not_read(self) -> None:
        """codec.structure refuses a kind it has no reader for, naming ``kind``."""
        with pytest.raises(ValidationError) as caught:
            structure({}, object)
        assert ("kind", object) == (caught.value.field, caught.value.value)
        with pytest.raises(ValidationError, match="must be a whole number"):
            structure("x", int)

    def test_limits_are_checked(self) -> None:
        """The limits themselves are positive whole numbers."""
        with pytest.raises(ValidationError) as caught:
            DocumentLimits(max_depth=0)
        assert "max_depth" == caught.value.field
        with pytest.raises(ValidationError, match="'limits' must be a DocumentLimits"):
            read_json("[]", limits=32)  # type: ignore[arg-type]


def ring_of(call: Call) -> EventRecord:
    return call.history[0]


class TestReplayInput:
    """Call.replay checks its whole input before it replays anything."""

    @pytest.mark.parametrize("history", [None, "ring", 42, {"event": "ring"}])
    def test_what_is_not_a_history(self, history: object) -> None:
        with pytest.raises(ValidationError) as caught:
            Call.replay(history)  # type: ignore[arg-type]
        assert "history" == caught.value.field

    def test_a_record_that_is_not_a_record(self) -> None:
        call, _ = answered()
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history, ("answer",)])  # type: ignore[list-item]
        assert "history[2]" == caught.value.field

    def test_observed_data_an_event_does_not_look_up(self) -> None:
        """An event that looks nothing up cannot bring observed data in a history."""
        call, _ = answered()
        call.identify(ANA)
        call.verify(method="one_time_code")
        record = call.history[-1]
        doctored = EventRecord(
            record.event,
            record.from_stage,
            record.to_stage,
            record.at,
            record.payload,
            observed={"earlier": ("T-9",)},
        )
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history[:-1], doctored])
        assert "history[3].observed['earlier']" == caught.value.field

    def test_observed_data_of_the_wrong_kind(self) -> None:
        """A listen whose observed ticket number is not text is refused."""
        call, _ = answered()
        call.identify(ANA, verified=True)
        at = call.history[-1].at
        bad = EventRecord(
            "listen", Stage.GREETING, Stage.VENTING, at, {"problem": None}, observed={"ticket": 5}
        )
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history, bad])
        assert ("history[3].observed['ticket']", 5) == (caught.value.field, caught.value.value)

    def test_times_going_backwards(self) -> None:
        call, clock = answered()
        clock.advance(seconds=5)
        call.identify(ANA, verified=True)
        early = call.history[-1]
        doctored = EventRecord(
            early.event, early.from_stage, early.to_stage, START - timedelta(seconds=1),
            early.payload,
        )  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history[:-1], doctored])
        assert "history[2].at" == caught.value.field

    @pytest.mark.parametrize("mode", ["strict", "audit"])
    def test_an_event_a_call_would_refuse_is_a_validation_error(self, mode: str) -> None:
        """A strict history with a skipped step, or an event after the end: ValidationError."""
        clock = ManualClock(START)
        call = Call(agent=BILL, clock=clock, mode=mode)
        call.answer()
        call.abandon()
        skipped = EventRecord("diagnose", Stage.GREETING, Stage.DIAGNOSIS, START, {"label": "x"})
        for history in ([*call.history[:2], skipped], [*call.history, skipped]):
            if mode == "audit" and history[-2].event == "answer":
                continue  # audit mode records a skipped step: not a refusal
            with pytest.raises(ValidationError, match="cannot be replayed") as caught:
                Call.replay(history)
            assert not isinstance(caught.value.__cause__, TypeError)

    def test_a_payload_value_of_the_wrong_kind_names_its_path(self) -> None:
        call, _ = answered()
        bad = EventRecord("identify", Stage.GREETING, Stage.GREETING, START, {"caller": "Ana"})
        with pytest.raises(ValidationError) as caught:
            Call.replay([*call.history, bad])
        assert ("history[2].payload.caller", "Ana") == (caught.value.field, caught.value.value)

    @pytest.mark.parametrize(
        ("arguments", "field"),
        [({"clock": "now"}, "clock"), ({"book": []}, "book"), ({"promises": {}}, "promises")],
    )
    def test_arguments_are_checked_before_replaying(
        self, arguments: dict[str, object], field: str
    ) -> None:
        """clock="now" is refused at once, not when the replayed call first reads it."""
        call, _ = answered()
        with pytest.raises(ValidationError) as caught:
            Call.replay(call.history, **arguments)  # type: ignore[arg-type]
        assert field == caught.value.field


class TestDatesAtTheEdges:
    """Times outside the years 2 to 9998, and durations that would go there, are refused."""

    @pytest.mark.parametrize(
        "moment",
        [
            datetime(1, 1, 1, tzinfo=PLUS_5),
            datetime(9999, 12, 31, 22, tzinfo=MINUS_5),
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
        ],
    )
    def test_times_past_the_edges(self, moment: datetime) -> None:
        with pytest.raises(ValidationError, match="must lie between 0002-01-01 and 9998-12-31"):
            check_aware("at", moment)

    def test_the_edges_themselves_are_accepted(self) -> None:
        assert (EARLIEST, LATEST) == (check_aware("a", EARLIEST), check_aware("b", LATEST))

    @pytest.mark.parametrize(
        "entry",
        [
            lambda m: AlwaysOpen().add(m, timedelta(hours=1)),
            lambda m: SlaClock.start("resolution", timedelta(hours=1), m),
            lambda m: PhoneMessage(taken_at=m),
            lambda m: CallbackWindow(m, m + timedelta(hours=1)),
            lambda m: ManualClock(m),
            lambda m: PromiseLedger().promise("callback", "Ana", "a call", made_at=m, due=m),
        ],
    )
    @pytest.mark.parametrize(
        "moment", [datetime(1, 1, 1, tzinfo=PLUS_5), datetime(9999, 12, 31, 20, tzinfo=MINUS_5)]
    )
    def test_entry_points_refuse_them(
        self, entry: Callable[[datetime], object], moment: datetime
    ) -> None:
        """Year 1 with a positive offset, year 9999 with a negative one: never OverflowError."""
        with pytest.raises(ValidationError):
            entry(moment)

    @pytest.mark.parametrize(
        "entry",
        [
            lambda: PromiseLedger().promise(
                "callback", "Ana", "a call", made_at=START, due=timedelta.max
            ),
            lambda: AlwaysOpen().add(START, timedelta.max),
            lambda: Escalation(Target("Team"), "why", timeframe=timedelta.max).due(START),
            lambda: shift("delta", START, timedelta.max),
            lambda: shift("delta", START, timedelta.min),
        ],
    )
    def test_endless_durations(self, entry: Callable[[], object]) -> None:
        """timedelta.max (or min) is refused with a ValidationError, not an OverflowError."""
        with pytest.raises(ValidationError, match="takes the time past"):
            entry()

    def test_a_callback_typed_for_a_day_past_the_latest(self) -> None:
        """parse_callback_window("tomorrow", at=the last day): refused, never OverflowError."""
        at = datetime(9998, 12, 31, 12, tzinfo=UTC)
        with pytest.raises(CallflowError, match="later than callflow keeps times"):
            parse_callback_window("tomorrow", at=at, zone="UTC")
        with pytest.raises(CallflowError):
            parse_callback_window("after 11pm", at=at, zone="Pacific/Kiritimati")


class TestZones:
    """A zone must be able to tell its offset."""

    @pytest.mark.parametrize("zone", [tzinfo(), Mute()])
    def test_a_zone_that_cannot_tell_its_offset(self, zone: tzinfo) -> None:
        with pytest.raises(ValidationError, match="must be a tzinfo that answers utcoffset"):
            to_zone("zone", zone)
        with pytest.raises(ValidationError):
            AlwaysOpen(zone=zone)

    @pytest.mark.parametrize("zone", [tzinfo(), Mute()])
    def test_a_time_in_such_a_zone(self, zone: tzinfo) -> None:
        """check_aware refuses it rather than letting NotImplementedError out."""
        with pytest.raises(ValidationError, match="must be a timezone-aware datetime"):
            check_aware("at", datetime(2026, 3, 2, tzinfo=zone))


class TestArguments:
    """Arguments of the wrong kind are named, never an AttributeError or a TypeError."""

    @pytest.mark.parametrize(
        ("entry", "field"),
        [
            (lambda call, clock: call.measures(datetime(2026, 3, 2)), "now"),
            (lambda call, clock: render_timeline(call, datetime(2026, 3, 2)), "now"),
            (lambda call, clock: render_timeline("x", None), "call"),  # type: ignore[arg-type]
            (lambda call, clock: mermaid("x"), "table"),  # type: ignore[arg-type]
            (lambda call, clock: clock.advance(seconds=math.nan), "seconds"),
            (lambda call, clock: clock.advance(seconds=math.inf), "seconds"),
            (lambda call, clock: clock.advance(seconds=None), "seconds"),  # type: ignore[arg-type]
            (lambda call, clock: clock.advance(5), "delta"),  # type: ignore[arg-type]
            (lambda call, clock: clock.advance(seconds=1e300), "seconds"),
            (lambda call, clock: call.hang_up(by=["caller"]), "by"),  # type: ignore[arg-type]
            (lambda call, clock: count_rings(timedelta(seconds=5), timedelta()), "cadence"),
            (lambda call, clock: measure([]), "history"),
            (lambda call, clock: measure(call.history, until=START.date()), "until"),  # type: ignore[arg-type]
            (lambda call, clock: screening_of(["screen"]), "history[0]"),  # type: ignore[list-item]
        ],
    )
    def test_call_and_clock(self, entry: Callable[[Call, ManualClock], object], field: str) -> None:
        call, clock = answered()
        with pytest.raises(ValidationError) as caught:
            entry(call, clock)
        assert field == caught.value.field

    @pytest.mark.parametrize(
        ("entry", "field"),
        [
            (lambda ticket: ticket.return_for_rewrite(None), "findings"),  # type: ignore[arg-type]
            (lambda ticket: ticket.requirements([]), "event"),  # type: ignore[arg-type]
            (lambda ticket: ticket_lifecycle(required_fields=["resolve"]), "required_fields"),  # type: ignore[arg-type]
            (
                lambda ticket: ticket_lifecycle(required_fields={"resolve": 5}),  # type: ignore[dict-item]
                "required_fields['resolve']",
            ),
            (lambda ticket: LIFECYCLE.guards_of(["resolve"]), "event"),  # type: ignore[arg-type]
            (lambda ticket: LIFECYCLE.move(ticket, "closed"), "state"),  # type: ignore[arg-type]
            (
                lambda ticket: parse_callback_window("after 3pm", at=START, zone="UTC", hours=5),
                "hours",
            ),  # type: ignore[arg-type]
        ],
    )
    def test_tickets_and_the_rest(self, entry: Callable[[Ticket], object], field: str) -> None:
        ticket = Ticket("T-1", ANA, clock=ManualClock(START))
        with pytest.raises(ValidationError) as caught:
            entry(ticket)
        assert field == caught.value.field

    def test_holidays_that_are_not_dates(self) -> None:
        """BusinessCalendar.weekly(holidays=[[2026, 1, 1]]) names ``holidays``."""
        from callflow import BusinessCalendar

        with pytest.raises(ValidationError) as caught:
            BusinessCalendar.weekly(zone="UTC", holidays=[[2026, 1, 1]])  # type: ignore[list-item]
        assert "holidays" == caught.value.field
        assert BusinessCalendar.weekly(zone="UTC", holidays=[date(2026, 1, 1)]).holidays
