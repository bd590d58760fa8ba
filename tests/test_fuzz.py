"""Fuzz tests (issue 9, "Hardening"): callflow's promises under random, wrong and hostile input.

The promises: every error raised on bad input is a ``CallflowError``; a
refused call leaves the call (its stage, history, findings), its ticket, its
ledger, its book and its desk as they were; no call takes a second; a caller
sees only their own records. The machinery (discovery of the entry points,
the value pools, the watchdog, the state snapshots) is ``tests/fuzzing.py``;
``benchmarks/fuzz.py`` runs the same generators 100,000 times and more.

Each failure is a ``BrokenPromiseError`` whose message is the shrunk
reproduction: the entry point, how its receiver and arguments were made,
the exception and where in callflow it came from.
"""

import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests import fuzzing
from tests.fuzzing import DrawChooser, Entry, Outcome, check

import callflow
from callflow import Call, CallflowError, ManualClock, Ticket, ValidationError

FUZZ = settings(
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
    # No "explain" phase: it replays a failure hundreds of times to say which
    # draws did not matter, which the reproduction in the message says already.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
"""What every fuzz test shares; each sets its own number of examples."""
ENTRY_POINTS = [entry for entry in fuzzing.discover() if entry.kind != "property"]
WITH_PROPERTIES = sorted(
    {entry.owner for entry in fuzzing.discover() if entry.kind == "property" and entry.owner},
    key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
)


def draws(data: st.DataObject) -> DrawChooser:
    """A chooser drawing from Hypothesis, so that failures shrink."""
    return DrawChooser(data.draw)


class TestEveryEntryPoint:
    """Every public function, constructor and method, found by walking ``__all__``."""

    @pytest.mark.parametrize("entry", ENTRY_POINTS, ids=str)
    @settings(FUZZ, max_examples=8)
    @given(data=st.data())
    def test_bad_arguments_are_refused_with_callflow_errors(
        self, entry: Entry, data: st.DataObject
    ) -> None:
        """One wrong argument at a time (sometimes more): a CallflowError, fast, nothing changed."""
        check(fuzzing.entry_case(entry, draws(data)))

    @pytest.mark.parametrize("cls", WITH_PROPERTIES, ids=lambda cls: cls.__qualname__)
    def test_every_property_of_every_instance_can_be_read(self, cls: type) -> None:
        """Reading a property of a real instance, in any state, raises nothing but CallflowError."""
        for result in fuzzing.property_results(cls):
            check(result)


class TestRefusedEventsChangeNothing:
    """A call driven through random events, its ticket moved by someone else between them."""

    @settings(FUZZ, max_examples=200)
    @given(data=st.data())
    def test_a_refused_event_leaves_call_ticket_ledger_and_desk_as_they_were(
        self, data: st.DataObject
    ) -> None:
        """Any event, in both modes, on a desk or not, with valid arguments.

        Between events someone else moves the call's ticket through the
        Ticket's own methods (resolve, close, pend, escalate, reopen...), and
        the clock moves on. Every refused event, and every refused outside
        move, must leave the call (stage, history, findings), its ticket, its
        ledger, its book and its desk as they were.
        """
        fuzzing.run_story(draws(data), check, wrong_arguments=False)

    @settings(FUZZ, max_examples=150)
    @given(data=st.data())
    def test_wrong_arguments_are_refused_and_change_nothing(self, data: st.DataObject) -> None:
        """The same, with one wrong argument (edge or hostile value) in some of the events."""
        fuzzing.run_story(draws(data), check)


class TestReplay:
    """``Call.replay`` given doctored histories: records dropped, repeated, swapped, edited."""

    @settings(FUZZ, max_examples=150)
    @given(data=st.data())
    def test_a_doctored_history_is_refused_with_validation_error(self, data: st.DataObject) -> None:
        """Only ValidationError (or NotFoundError for a ticket the book lacks), as documented."""
        check(fuzzing.replay_case(draws(data)))


class TestLoaders:
    """Every loader (``from_json``, ``from_dict``, ``structure``...) given random JSON."""

    @pytest.mark.parametrize("entry", fuzzing.loaders(), ids=str)
    @settings(FUZZ, max_examples=80)
    @given(data=st.data())
    def test_random_json_is_refused_with_validation_error(
        self, entry: Entry, data: st.DataObject
    ) -> None:
        """Mutated and random documents, raw text, odd keys: a ValidationError naming the field."""
        check(fuzzing.loader_case(entry, draws(data)))


class TestParsers:
    """Every text parser (``parse_*``) given random text, at the edges of time and space."""

    @pytest.mark.parametrize("entry", fuzzing.parsers(), ids=str)
    @settings(FUZZ, max_examples=120)
    @given(data=st.data())
    def test_random_text_is_read_or_refused(self, entry: Entry, data: st.DataObject) -> None:
        """Word soup, mutated examples, unicode, long repetitions: read, or a CallflowError."""
        check(fuzzing.parser_case(entry, draws(data)))


class TestCalendars:
    """Business calendars with degenerate hours, holidays and zones, and SLA clocks on them."""

    @settings(FUZZ, max_examples=40)
    @given(data=st.data())
    def test_a_degenerate_calendar_answers_in_time(self, data: st.DataObject) -> None:
        """A second a week, DST gaps, years of holidays, the ends of time: under a second."""
        check(fuzzing.calendar_case(draws(data)))


class TestOwnRecordsOnly:
    """Every function that reads a ticket book, given a book that returns every ticket it has."""

    @pytest.mark.parametrize("entry", fuzzing.book_readers(), ids=str)
    @settings(FUZZ, max_examples=30)
    @given(data=st.data())
    def test_a_caller_sees_only_their_own_records(self, entry: Entry, data: st.DataObject) -> None:
        """No other caller's ticket returned or recorded; no account for an impostor party."""
        check(fuzzing.leak_case(entry, draws(data)))


class TestTheHarness:
    """The harness itself: it finds what it should, and judges what it finds correctly."""

    def test_discovery_reaches_the_public_api(self) -> None:
        """The walk of ``__all__`` finds functions, constructors, methods and class methods."""
        names = {entry.name for entry in fuzzing.discover()}
        expected = {
            "callflow.book.earlier_tickets",
            "callflow.call.Call",
            "callflow.call.Call.listen",
            "callflow.call.Call.replay",
            "callflow.messages.PhoneMessage.from_json",
            "callflow.calendars.BusinessCalendar.add",
            "callflow.ticket.Ticket.return_for_rewrite",
            "callflow.table.TransitionTable.transition",
            "callflow.call.Call.ticket_findings",
        }
        assert expected <= names
        assert not any(name in fuzzing.EXEMPT for name in names)

    def test_every_class_with_methods_has_an_instance_to_call_them_on(self) -> None:
        """No method goes unfuzzed for want of a real instance."""
        owners = {e.owner for e in fuzzing.discover() if e.kind in ("method", "property")}
        assert [cls for cls in owners if not fuzzing.instance_variants(cls)] == []

    def test_an_escape_is_caught_with_its_origin(self) -> None:
        """A built-in exception raised inside callflow is an escape, located in callflow."""
        agent = callflow.Agent(name="Bill", organisation="ACME Corp")
        result = fuzzing.attempt("x", lambda: Call(agent, clock=lambda: 1 / 0), repro="x")
        assert Outcome.ESCAPE == result.outcome
        assert "ZeroDivisionError" == result.error_type
        assert result.origin.startswith("callflow/")

    def test_a_refusal_is_not_a_failure(self) -> None:
        """A CallflowError that changes nothing is a refusal."""
        clock = ManualClock(fuzzing.T0)
        result = fuzzing.attempt("x", lambda: clock.advance(seconds=-1), repro="x", watched=[clock])
        assert Outcome.REFUSED == result.outcome
        assert isinstance(result.error, ValidationError)

    def test_a_refusal_after_a_change_is_caught(self) -> None:
        """A CallflowError raised after the watched state changed is a change on refusal."""
        world = fuzzing.World()
        ticket = world.ticket("open")

        def change_then_refuse() -> None:
            ticket.note("a note written before the refusal", by="Bill")
            ticket.close(by="Bill")

        result = fuzzing.attempt("x", change_then_refuse, repro="x", watched=[ticket])
        assert Outcome.CHANGED == result.outcome
        assert "Ticket" in result.detail

    def test_a_hang_is_interrupted(self) -> None:
        """A call running past the limit is interrupted and reported as a hang."""
        start = time.perf_counter()

        def crawl() -> None:
            while True:
                pass

        result = fuzzing.attempt("x", crawl, repro=f"crawl {start}")
        assert Outcome.HANG == result.outcome
        assert time.perf_counter() - start < fuzzing.LIMIT + 1

    def test_a_leak_is_seen(self) -> None:
        """Another caller's ticket in what a caller gets is a leak."""
        world = fuzzing.World()
        found = fuzzing.foreign_record((world.ticket(), world.foreign_ticket()))
        assert found is not None
        assert "X-000001" in found

    def test_the_snapshot_sees_a_call_and_its_ticket(self) -> None:
        """A call's state includes its history and its ticket's."""
        world = fuzzing.World()
        call = world.call("venting")
        before = fuzzing.snapshot([call])
        assert isinstance(call.ticket, Ticket)
        call.ticket.note("someone else wrote this note", by="Dana")
        assert fuzzing.difference(before, fuzzing.snapshot([call])) is not None
        assert isinstance(call, Call)
        with pytest.raises(CallflowError):
            call.answer()
