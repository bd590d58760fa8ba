"""What a call keeps: EventRecord, Finding and RuleBreach check every field they are given.

They are values a user may build by hand (a recorded call to replay, findings
of their own), so each field is checked like any public argument; a record a
call makes itself skips the checks (``EventRecord._checked``) and must come
out exactly as the checked constructor would have made it.
"""

from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow import EventRecord, Finding, RuleBreach, Stage, ValidationError
from callflow.events import payload_class
from callflow.records import NOTHING

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Name(str):
    """Text that is not exactly a ``str``: its own methods could say anything."""


def message(field: str, reason: str, value: object) -> str:
    """What a ValidationError says: ``'field' reason (got value)``."""
    return f"{field!r} {reason} (got {value!r})"


def record(**changes: object) -> EventRecord:
    """An answer record, with ``changes`` to its fields."""
    fields: dict[str, object] = {
        "event": "answer",
        "from_stage": Stage.RINGING,
        "to_stage": Stage.GREETING,
        "at": AT,
        "payload": {"rings": 2},
    }
    fields.update(changes)
    return EventRecord(**fields)  # type: ignore[arg-type]


def refusal(build: object, **changes: object) -> ValidationError:
    """The ValidationError building ``build`` with ``changes`` raises."""
    with pytest.raises(ValidationError) as caught:
        build(**changes)  # type: ignore[operator]
    return caught.value


class TestEventRecord:
    """A record keeps its event, stages, time, payload and observations, checked."""

    def test_the_fields_are_kept(self) -> None:
        """Every field reads back as given; payload and observed as equal mappings."""
        built = record(observed={"line": ()})
        assert ("answer", Stage.RINGING, Stage.GREETING, AT) == (
            built.event,
            built.from_stage,
            built.to_stage,
            built.at,
        )
        assert ({"rings": 2}, {"line": ()}) == (dict(built.payload), dict(built.observed))

    def test_payload_and_observed_are_read_only_copies(self) -> None:
        """Changing the dicts given afterwards changes nothing; the record's own refuse writes."""
        payload: dict[str, object] = {"rings": 2}
        observed: dict[str, object] = {"line": ()}
        built = record(payload=payload, observed=observed)
        payload["rings"] = 7
        observed["extra"] = 1
        assert ({"rings": 2}, {"line": ()}) == (dict(built.payload), dict(built.observed))
        with pytest.raises(TypeError):
            built.payload["rings"] = 3  # type: ignore[index]
        with pytest.raises(TypeError):
            built.observed["line"] = 3  # type: ignore[index]

    def test_an_event_without_arguments_shares_one_payload(self) -> None:
        """Every record of an event that takes nothing holds that event's one empty payload."""
        first = EventRecord("abandon", Stage.RINGING, Stage.ABANDONED, AT).payload
        second = EventRecord("abandon", Stage.GREETING, Stage.ABANDONED, AT, {}).payload
        assert first is second
        assert (payload_class("abandon"), {}) == (type(first), dict(first))

    def test_missing_arguments_with_defaults_are_filled_in(self) -> None:
        """An empty payload of ``answer`` is ``answer()``'s: ``rings`` is None."""
        built = record(payload={})
        assert (payload_class("answer"), {"rings": None}) == (type(built.payload), built.payload)

    def test_a_mapping_that_does_not_fit_is_kept_as_given(self) -> None:
        """An unknown key: kept, read-only, for the replay to refuse with the history in view."""
        built = record(payload={"rings": 2, "loud": True})
        assert (MappingProxyType, {"rings": 2, "loud": True}) == (
            type(built.payload),
            built.payload,
        )

    def test_a_read_only_mapping_that_does_not_fit_is_kept_itself(self) -> None:
        """Already read-only and not the event's (an unknown key): the very mapping given."""
        given = MappingProxyType({"rings": 2, "loud": True})
        assert given is record(payload=given).payload

    def test_arguments_to_an_event_that_takes_none_are_kept_as_given(self) -> None:
        """``abandon`` takes nothing: a payload with a key is kept, for the replay to refuse."""
        built = EventRecord("abandon", Stage.RINGING, Stage.ABANDONED, AT, {"why": "bored"})
        assert (MappingProxyType, {"why": "bored"}) == (type(built.payload), built.payload)

    def test_nothing_observed_is_the_one_shared_empty_mapping(self) -> None:
        """No observations, empty ones or empty read-only ones: all are NOTHING itself."""
        assert NOTHING is record().observed
        assert NOTHING is record(observed={}).observed
        assert NOTHING is record(observed=MappingProxyType({})).observed
        assert {} == dict(NOTHING)

    def test_a_fitting_mapping_becomes_the_event_s_payload(self) -> None:
        """The payload is typed: the event's class, equal to the mapping given."""
        payload = MappingProxyType({"rings": 2})
        observed = MappingProxyType({"line": ()})
        built = record(payload=payload, observed=observed)
        assert (payload, observed) == (built.payload, built.observed)
        assert (payload_class("answer"), 2) == (type(built.payload), built.payload.rings)  # type: ignore[attr-defined]
        assert built.observed is observed

    @pytest.mark.parametrize("event", ["", None, 5, Name("answer")])
    def test_the_event_must_be_a_name(self, event: object) -> None:
        """Empty text, other kinds, or a subclass of str: refused, naming ``event``."""
        error = refusal(record, event=event)
        assert message("event", "must be a name, as non-empty text", event) == str(error)

    @pytest.mark.parametrize("field", ["from_stage", "to_stage"])
    @pytest.mark.parametrize("stage", ["ringing", None, 1])
    def test_the_stages_must_be_stages(self, field: str, stage: object) -> None:
        """A stage's value or name is not a Stage: each stage field names itself."""
        error = refusal(record, **{field: stage})
        assert message(field, "must be a Stage", stage) == str(error)

    @pytest.mark.parametrize(
        "at",
        [datetime(2026, 3, 2, 9, 0), "2026-03-02T09:00:00+00:00", datetime(1, 1, 2, tzinfo=UTC)],
    )
    def test_the_time_must_be_aware_and_in_range(self, at: object) -> None:
        """A naive time, text, or a time before the year 2 is refused, naming ``at``."""
        error = refusal(record, at=at)
        assert ("at", at) == (error.field, error.value)

    def test_a_time_in_any_zone_is_kept(self) -> None:
        """The zone the time was given in stays."""
        at = AT.astimezone(timezone(timedelta(hours=-3)))
        assert at.tzinfo == record(at=at).at.tzinfo

    @pytest.mark.parametrize("field", ["payload", "observed"])
    @pytest.mark.parametrize("data", [[("rings", 2)], "rings=2", None, 5])
    def test_payload_and_observed_must_be_mappings(self, field: str, data: object) -> None:
        """A list of pairs is not a mapping, nor is text: each names its own field."""
        error = refusal(record, **{field: data})
        assert message(field, "must be a mapping of names to values", data) == str(error)

    @pytest.mark.parametrize("field", ["payload", "observed"])
    @pytest.mark.parametrize(("data", "key"), [({1: "x"}, 1), ({"a": 1, Name("b"): 2}, "b")])
    def test_payload_and_observed_must_be_keyed_by_text(
        self, field: str, data: dict[object, object], key: object
    ) -> None:
        """Every key must be exactly a str; the message shows the first key that is not."""
        error = refusal(record, **{field: data})
        reason = f"must be keyed by names, as text (not {key!r})"
        assert message(field, reason, data) == str(error)

    def test_records_compare_by_every_field(self) -> None:
        """Equal fields make equal records; a payload or an observation apart makes them differ."""
        assert record() == record()
        assert record() != record(payload={"rings": 3})
        assert record() != record(observed={"line": ()})
        assert record() != record(at=AT + timedelta(seconds=1))


class TestEventPayloads:
    """An event's payload class: found by the event's name, read like a mapping of its arguments."""

    @pytest.mark.parametrize("event", ["dance", "Answer", ["answer"], None])
    def test_only_an_event_of_the_procedure_has_a_payload_class(self, event: object) -> None:
        """Another name, or not text at all (even unhashable): refused, naming ``event``."""
        with pytest.raises(ValidationError) as caught:
            payload_class(event)  # type: ignore[arg-type]
        error = caught.value
        assert ("event", event) == (error.field, error.value)
        assert error.reason.startswith("must be an event of the procedure: ('ring', 'answer',")
        assert "'abandon')" in error.reason

    def test_a_payload_class_says_what_it_is(self) -> None:
        """Named after its event, in ``callflow.events``, with its event's name and a docstring."""
        answer = payload_class("answer")
        assert "<class 'callflow.events.Answer'>" == repr(answer)
        assert ("answer", "The payload of the 'answer' event.") == (answer.event, answer.__doc__)
        assert ("hang_up", "HangUp") == (
            payload_class("hang_up").event,
            payload_class("hang_up").__name__,
        )

    def test_arguments_are_given_by_name_only(self) -> None:
        """As to the event methods' keyword arguments: no positional ones."""
        with pytest.raises(TypeError):
            payload_class("answer")(2)  # type: ignore[misc]
        with pytest.raises(TypeError):
            payload_class("propose")("Replace the roller")  # type: ignore[misc]

    def test_a_payload_cannot_be_changed(self) -> None:
        """A record's payload is frozen: no argument can be set again."""
        payload = payload_class("answer")(rings=2)
        with pytest.raises(AttributeError):
            payload.rings = 3  # type: ignore[attr-defined]
        assert {"rings": 2} == payload

    def test_a_name_that_is_not_an_argument_is_a_key_error(self) -> None:
        """Like a dict: ``payload[key]`` for a key the event does not take raises KeyError(key)."""
        payload = payload_class("answer")(rings=2)
        with pytest.raises(KeyError) as caught:
            payload["loud"]
        assert ("loud",) == caught.value.args

    def test_the_repr_shows_each_argument(self) -> None:
        """The class's name and every argument in order, each as its repr."""
        payload = payload_class("goodbye")(resolution_confirmed=True, anything_else_asked=False)
        assert "Goodbye(resolution_confirmed=True, anything_else_asked=False)" == repr(payload)
        assert "Abandon()" == repr(payload_class("abandon")())

    def test_a_payload_equals_no_value_that_is_not_a_mapping(self) -> None:
        """Not None, even the payload of an event that takes nothing."""
        assert payload_class("abandon")() != None  # noqa: E711
        assert payload_class("answer")(rings=None) != None  # noqa: E711


def names() -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=8)


def mappings() -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(names(), st.none() | st.integers() | names(), max_size=3)


class TestACallsOwnRecords:
    """``EventRecord._checked`` makes what the checked constructor makes, without checking."""

    @given(
        names(),
        st.sampled_from(Stage),
        st.sampled_from(Stage),
        st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ),
        mappings(),
        mappings(),
    )
    def test_the_same_record_as_the_constructor(
        self,
        event: str,
        from_stage: Stage,
        to_stage: Stage,
        at: datetime,
        payload: dict[str, object],
        observed: dict[str, object],
    ) -> None:
        """Equal to the checked record, field by field, for any valid fields."""
        checked = EventRecord(event, from_stage, to_stage, at, payload, observed=observed)
        made = EventRecord._checked(
            event, from_stage, to_stage, at, MappingProxyType(payload), MappingProxyType(observed)
        )
        assert checked == made
        assert (event, from_stage, to_stage, at) == (
            made.event,
            made.from_stage,
            made.to_stage,
            made.at,
        )
        # The payload is the event's typed one when the keys fit (defaults filled in).
        assert (checked.payload, observed) == (made.payload, dict(made.observed))

    def test_empty_mappings_become_the_shared_ones(self) -> None:
        """As in the constructor: the event's one empty payload, and NOTHING observed."""
        empty: MappingProxyType[str, object] = MappingProxyType({})
        made = EventRecord._checked("abandon", Stage.GREETING, Stage.ABANDONED, AT, empty, empty)
        assert made.payload is EventRecord("abandon", Stage.GREETING, Stage.ABANDONED, AT).payload
        assert made.observed is NOTHING

    def test_payloads_are_typed_and_observations_kept(self) -> None:
        """The payload becomes the event's class; read-only observations are kept, not copied."""
        payload = MappingProxyType({"label": "printer"})
        observed = MappingProxyType({"ticket": "T-1"})
        made = EventRecord._checked(
            "diagnose", Stage.VENTING, Stage.DIAGNOSIS, AT, payload, observed
        )
        assert (payload_class("diagnose"), payload) == (type(made.payload), made.payload)
        assert made.observed is observed

    def test_it_is_frozen_like_any_record(self) -> None:
        """A record made this way refuses writes too."""
        made = EventRecord._checked(
            "abandon", Stage.GREETING, Stage.ABANDONED, AT, NOTHING, NOTHING
        )
        with pytest.raises(AttributeError):
            made.event = "answer"  # type: ignore[misc]


def finding(**changes: object) -> Finding:
    fields: dict[str, object] = {
        "rule": "CF101",
        "message": "answered on ring 3, after ring 2",
        "event_index": 1,
        "event": "answer",
        "stage": Stage.RINGING,
    }
    fields.update(changes)
    return Finding(**fields)  # type: ignore[arg-type]


class TestFinding:
    """A finding names its rule, says what happened, and points at the event."""

    def test_the_fields_are_kept(self) -> None:
        """Each field reads back as given."""
        built = finding()
        assert ("CF101", "answered on ring 3, after ring 2", 1, "answer", Stage.RINGING) == (
            built.rule,
            built.message,
            built.event_index,
            built.event,
            built.stage,
        )

    def test_the_first_event_is_index_zero(self) -> None:
        """Index 0 (the ring) is an index like any other."""
        assert 0 == finding(event_index=0).event_index

    @pytest.mark.parametrize("field", ["rule", "message"])
    @pytest.mark.parametrize("value", ["", "   ", None, 101, Name("CF101")])
    def test_rule_and_message_must_be_text(self, field: str, value: object) -> None:
        """Blank text, other kinds, or a subclass of str: refused, naming the field."""
        error = refusal(finding, **{field: value})
        assert message(field, "must be non-empty text", value) == str(error)

    @pytest.mark.parametrize("index", [-1, True, 1.0, "1", None])
    def test_the_index_is_a_whole_number_from_zero(self, index: object) -> None:
        """Negative, a bool, a float or text: refused."""
        error = refusal(finding, event_index=index)
        reason = "must be an index: a whole number, 0 or more"
        assert message("event_index", reason, index) == str(error)

    @pytest.mark.parametrize("event", ["", None])
    def test_the_event_must_be_a_name(self, event: object) -> None:
        """The event is named as in a record."""
        error = refusal(finding, event=event)
        assert message("event", "must be a name, as non-empty text", event) == str(error)

    def test_the_stage_must_be_a_stage(self) -> None:
        """The stage's value is not the stage."""
        error = refusal(finding, stage="ringing")
        assert message("stage", "must be a Stage", "ringing") == str(error)


class TestRuleBreach:
    """A breach names its rule, says what is wrong and, optionally, the field."""

    def test_the_fields_are_kept_and_the_field_is_optional(self) -> None:
        """Without a field it is None; with one, it reads back."""
        assert ("CF404", "a lemon", None) == (
            RuleBreach("CF404", "a lemon").rule,
            RuleBreach("CF404", "a lemon").message,
            RuleBreach("CF404", "a lemon").field,
        )
        assert "asset_tag" == RuleBreach("CF404", "a lemon", "asset_tag").field

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"rule": ""}, "rule"),
            ({"rule": None}, "rule"),
            ({"message": " "}, "message"),
            ({"message": Name("text")}, "message"),
            ({"field": ""}, "field"),
            ({"field": "  "}, "field"),
            ({"field": 3}, "field"),
        ],
    )
    def test_each_field_is_checked(self, changes: dict[str, object], field: str) -> None:
        """Blank or non-text rule, message or field: refused, naming it."""
        fields: dict[str, object] = {"rule": "CF404", "message": "a lemon", **changes}
        error = refusal(RuleBreach, **fields)
        assert message(field, "must be non-empty text", changes[field]) == str(error)
