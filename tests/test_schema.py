"""The JSON Schemas generated from callflow's classes describe what the codec writes."""

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from jsonschema import Draft202012Validator
from tests.strategies import (
    agents,
    callers,
    complete_escalations,
    complete_messages,
    legal_paths,
    perform,
    texts,
    thresholds,
)

from callflow import Call, ManualClock, Stage
from callflow._schema import (
    DATETIME_PATTERN,
    DIALECT,
    DURATION_PATTERN,
    SchemaBuilder,
    schema_of,
    to_json,
)
from callflow.calendars import AlwaysOpen
from callflow.codec import structure, unstructure
from callflow.documents import DocumentLimits
from callflow.errors import ValidationError
from callflow.escalation import Escalation, EscalationPolicy, Situation, Target
from callflow.lifecycle import TicketStatus
from callflow.messages import PhoneMessage
from callflow.notes import Note, NoteKind, NoteTopic
from callflow.people import Agent, Caller
from callflow.promises import Promise, PromiseKind
from callflow.quality import QualityPolicy
from callflow.records import EventRecord, Finding, RuleBreach
from callflow.rules import RULES, Rule
from callflow.sla import ClockKind, ServiceTarget, SlaClock
from callflow.thresholds import Thresholds
from callflow.ticket import CallLink, TicketRecord
from callflow.workorders import Completion, WorkOrder


@attrs.frozen
class Node:
    """A class that refers to itself."""

    children: "tuple[Node, ...]"


@attrs.frozen
class Private:
    """A private field, which attrs gives the alias ``x``."""

    _x: int


ZONES = ("UTC", "Europe/Rome", "America/Sao_Paulo", "Asia/Kolkata", "America/St_Johns")


def moments(*, low: int = 1850) -> SearchStrategy[datetime]:
    """Aware datetimes in IANA zones (offsets in seconds before 1900) and fixed offsets."""
    fixed = st.integers(min_value=-86_399, max_value=86_399).map(
        lambda seconds: timezone(timedelta(seconds=seconds))
    )
    zones = st.sampled_from(ZONES).map(ZoneInfo) | fixed | st.just(UTC)
    return st.datetimes(
        min_value=datetime(low, 1, 1), max_value=datetime(2199, 12, 31), timezones=zones
    )


def durations() -> SearchStrategy[timedelta]:
    return st.timedeltas() | st.integers(0, 10**6).map(lambda s: timedelta(seconds=s))


def positive_durations() -> SearchStrategy[timedelta]:
    return st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=999))


def _stages() -> SearchStrategy[Stage]:
    return st.sampled_from(Stage)


def _json() -> SearchStrategy[object]:
    scalars = st.none() | st.booleans() | st.integers() | texts()
    return st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(texts(), inner))


@st.composite
def promises(draw: st.DrawFn) -> Promise:
    made = draw(moments(low=2000))
    due = made + draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)))
    kept = draw(st.none() | st.just(made + timedelta(hours=1)))
    return Promise(
        "P1", draw(st.sampled_from(PromiseKind)), draw(texts()), draw(texts()), made, due,
        made_by=draw(st.none() | texts()), ticket=draw(st.none() | texts()), kept_at=kept,
    )  # fmt: skip


@st.composite
def walked_calls(draw: st.DrawFn) -> Call:
    """A strict call walked along a legal path: its history, findings and measures are real."""
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    call = Call(agent=Agent(name="Walker", organisation="Strategies"), clock=clock)
    for step in draw(legal_paths(max_size=12)):
        perform(call, step, clock)
    return call


def sla_clocks() -> SearchStrategy[SlaClock]:
    return st.builds(
        lambda kind, target, start: SlaClock(kind, target, AlwaysOpen(ZoneInfo("UTC")), start),
        st.sampled_from(ClockKind),
        positive_durations(),
        moments(low=2000),
    )


VALUES: dict[type, SearchStrategy[Any]] = {
    Agent: agents(),
    Caller: callers(),
    Completion: st.builds(Completion, texts(), moments(), st.none() | texts()),
    CallLink: st.builds(CallLink, st.none() | texts(), moments(), st.booleans()),
    DocumentLimits: st.builds(DocumentLimits),
    Escalation: complete_escalations()
    | st.builds(Escalation, complete_escalations().map(lambda e: e.to), texts()),
    EventRecord: walked_calls().flatmap(lambda call: st.sampled_from(call.history)),
    Finding: st.builds(Finding, texts(), texts(), st.integers(0, 99), texts(), _stages()),
    Note: st.builds(
        Note, texts(), moments(), texts(), st.sampled_from(NoteKind), st.sampled_from(NoteTopic)
    ),
    PhoneMessage: complete_messages() | st.builds(PhoneMessage, caller_name=texts()),
    Promise: promises(),
    QualityPolicy: st.builds(
        QualityPolicy, st.integers(1, 99), st.frozensets(texts()), st.frozensets(texts())
    ),
    Rule: st.sampled_from(sorted(RULES.values(), key=lambda rule: rule.code)),
    RuleBreach: st.builds(RuleBreach, texts(), texts(), st.none() | texts()),
    Situation: st.builds(
        Situation,
        users_affected=st.integers(1, 50),
        troubleshooting_time=positive_durations(),
        access_needed=st.frozensets(texts()),
    ),
    ServiceTarget: st.builds(
        ServiceTarget, positive_durations(), positive_durations(), positive_durations()
    ),
    Target: complete_escalations().map(lambda escalation: escalation.to),
    Thresholds: thresholds(),
    TicketRecord: st.builds(
        TicketRecord,
        texts(),
        st.sampled_from(TicketStatus),
        st.sampled_from(TicketStatus),
        moments(),
        st.none() | texts(),
        st.dictionaries(texts(), _json(), max_size=3),
    ),
    WorkOrder: st.builds(WorkOrder, texts(), texts(), texts(), texts(), texts(), moments()),
}
"""Every writable public value class, and values of it: drawn, or taken from real calls."""

DERIVED: dict[str, SearchStrategy[Any]] = {
    "CallMeasures": walked_calls().map(lambda call: call.measures()),
    "Finding": walked_calls()
    .filter(lambda call: bool(call.findings))
    .map(lambda call: call.findings[0]),
    "ClockReading": st.tuples(sla_clocks(), st.timedeltas(timedelta(0), timedelta(days=9))).map(
        lambda pair: pair[0].reading(pair[0].started_at + pair[1])
    ),
    "Advice": st.builds(Situation, users_affected=st.integers(1, 50), diagnosed=st.booleans())
    .map(EscalationPolicy().advise)
    .filter(bool)
    .map(lambda advice: advice[0]),
}
"""Values callflow computes itself, from walked calls and running clocks."""


def check(kind: object, data: object) -> None:
    """Assert that ``data`` validates against the schema of ``kind``."""
    schema = schema_of(kind)
    Draft202012Validator.check_schema(schema)
    errors = [error.message for error in Draft202012Validator(schema).iter_errors(data)]
    assert [] == errors


def refused(kind: object, data: object) -> list[str]:
    return [error.message for error in Draft202012Validator(schema_of(kind)).iter_errors(data)]


class TestWrittenValuesValidate:
    @pytest.mark.parametrize("kind", sorted(VALUES, key=lambda kind: kind.__name__))
    @given(data=st.data())
    def test_every_written_value_validates(self, kind: type, data: st.DataObject) -> None:
        """What the codec writes for a value of each class validates against its schema."""
        value = data.draw(VALUES[kind])
        check(kind, unstructure(value))

    @pytest.mark.parametrize("name", sorted(DERIVED))
    @given(data=st.data())
    def test_values_callflow_computes_validate(self, name: str, data: st.DataObject) -> None:
        """Measures of walked calls, readings of running SLA clocks, advice: all validate."""
        value = data.draw(DERIVED[name])
        assert name == type(value).__name__
        check(type(value), unstructure(value))

    @pytest.mark.parametrize("kind", sorted(VALUES, key=lambda kind: kind.__name__))
    @given(data=st.data())
    def test_properties_are_the_keys_the_codec_writes(
        self, kind: type, data: st.DataObject
    ) -> None:
        """The schema's property names are exactly the keys of the written data."""
        value = data.draw(VALUES[kind])
        definition = schema_of(kind)["$defs"][kind.__name__]
        assert sorted(unstructure(value)) == sorted(definition["properties"])

    @given(moments())
    def test_datetimes_as_written_match(self, moment: datetime) -> None:
        """Any aware datetime, with an IANA zone or a fixed offset (seconds too), validates."""
        check(datetime, unstructure(moment))
        check(datetime | None, unstructure(moment))

    @given(durations())
    def test_durations_as_written_match(self, delta: timedelta) -> None:
        """Any duration the codec writes, negative, fractional or huge, validates."""
        check(timedelta, unstructure(delta))

    @pytest.mark.parametrize(
        "text", ["PT90M", "P0D", "-PT0S", "PT0.5000S", "P3DT4H", "PT1H2M3.000001S"]
    )
    def test_durations_the_codec_reads_match(self, text: str) -> None:
        """Durations written by hand in the form the codec reads validate too."""
        structure(text, timedelta)
        check(timedelta, text)

    def test_dates_and_zones(self) -> None:
        check(date, unstructure(date(2026, 3, 30)))
        check(ZoneInfo, unstructure(ZoneInfo("America/Argentina/Buenos_Aires")))
        check(frozenset[date], unstructure(frozenset({date(2026, 1, 1), date(2025, 1, 1)})))


class TestBrokenDocumentsFail:
    def written(self) -> dict[str, Any]:
        at = datetime(2026, 3, 2, 9, 5, tzinfo=ZoneInfo("Europe/Rome"))
        return unstructure(Promise("P1", PromiseKind.CALLBACK, "Ada", "a call", at, at))  # type: ignore[no-any-return]

    def test_the_untouched_document_validates(self) -> None:
        check(Promise, self.written())

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("id", 1),
            ("made_by", False),
            ("kind", "letter"),
            ("made_at", "2026-03-02T09:05:00"),
            ("made_at", "2026-03-02 09:05:00+01:00"),
            ("made_at", "2026-03-02T09:05:00+01:00[Europe/Rome]\n"),
            ("made_at", "2026-13-02T09:05:00+01:00"),
            ("made_at", "2026-03-02T09:05:00+01:00[]"),
            ("made_at", "2026-03-0\u0662T09:05:00+01:00"),
            ("due", 1_700_000_000),
        ],
    )
    def test_a_wrong_value_fails(self, key: str, value: object) -> None:
        """A wrong type, an unknown enum value, a naive or malformed datetime: refused."""
        document = {**self.written(), key: value}
        assert refused(Promise, document)

    def test_an_unknown_key_fails(self) -> None:
        assert refused(Promise, {**self.written(), "colour": "red"})

    def test_a_private_fields_alias_is_unknown(self) -> None:
        """The codec keys a private field ``_x`` by its name, not its alias ``x``."""
        assert refused(Private, {"x": 1})
        check(Private, unstructure(Private(1)))
        assert {"_x": 1} == unstructure(Private(1))

    @pytest.mark.parametrize("key", ["id", "kind", "to", "what", "made_at", "due"])
    def test_a_missing_required_field_fails(self, key: str) -> None:
        document = self.written()
        del document[key]
        assert refused(Promise, document)

    def test_a_field_with_a_default_may_be_missing(self) -> None:
        document = self.written()
        del document["kept_at"], document["ticket"]
        check(Promise, document)
        assert structure(document, Promise).kept_at is None

    @pytest.mark.parametrize(
        "text", ["6", "PT", "P", "-P", "P1DT", "PT6", "PT6s", "P1W", "PT\u0661S", "PT6S\n", "+PT6S"]
    )
    def test_a_bad_duration_fails(self, text: str) -> None:
        """Text that is not an ISO 8601 duration the codec reads: refused by both."""
        assert refused(timedelta, text)
        assert refused(Thresholds, {"ring_cadence": text})

    def test_a_bool_is_not_an_int_and_a_set_has_no_repeats(self) -> None:
        assert refused(int, True)
        assert refused(frozenset[str], ["a", "a"])
        assert refused(tuple[int, str], [1, "a", 2])
        assert refused(tuple[int, str], [1])


class TestAnnotations:
    @pytest.mark.parametrize(
        ("annotation", "expected"),
        [
            (str, {"type": "string"}),
            (int, {"type": "integer"}),
            (float, {"type": "number"}),
            (bool, {"type": "boolean"}),
            (None, {"type": "null"}),
            (Any, {}),
            (object, {}),
            (Literal["a"], {"const": "a"}),
            (Literal["a", 1, None], {"enum": ["a", 1, None]}),
            (NoteKind, {"enum": ["internal", "shared"]}),
            (list[int], {"type": "array", "items": {"type": "integer"}}),
            (tuple[str, ...], {"type": "array", "items": {"type": "string"}}),
            (
                frozenset[int],
                {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
            ),
            (
                tuple[int, str],
                {
                    "type": "array",
                    "prefixItems": [{"type": "integer"}, {"type": "string"}],
                    "items": False,
                    "minItems": 2,
                },
            ),
            (tuple[()], {"type": "array", "maxItems": 0}),
            (Mapping[str, bool], {"type": "object", "additionalProperties": {"type": "boolean"}}),
            (int | None, {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
            (int | str | int, {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        ],
    )
    def test_schema_of_each_kind(self, annotation: object, expected: dict[str, Any]) -> None:
        assert {"$schema": DIALECT, **expected} == schema_of(annotation)

    def test_a_mapping_keyed_by_a_text_enum_names_its_keys(self) -> None:
        expected = {"enum": [stage.value for stage in Stage]}
        assert expected == schema_of(Mapping[Stage, int])["propertyNames"]

    def test_datetime_and_duration_patterns(self) -> None:
        assert {"type": "string", "pattern": DATETIME_PATTERN} == SchemaBuilder().schema(datetime)
        assert {"type": "string", "pattern": DURATION_PATTERN} == SchemaBuilder().schema(timedelta)

    def test_a_title_is_given(self) -> None:
        assert "Caller" == schema_of(Caller, title="Caller")["title"]


class TestUnsupported:
    @pytest.mark.parametrize(
        ("annotation", "field"),
        [
            (time, "time"),
            (Mapping[int, str], "Mapping[int, str]"),
            (Call, "Call._clock"),
            (EscalationPolicy, "EscalationPolicy.tier_access"),
            (AlwaysOpen | SlaClock, "SlaClock.calendar"),
            (Literal[b"x"], "Literal"),
        ],
    )
    def test_an_annotation_with_no_json_form_is_named(self, annotation: object, field: str) -> None:
        """The error names the class and field (or the annotation) that has no JSON form."""
        with pytest.raises(ValidationError, match="has no JSON Schema") as raised:
            schema_of(annotation)
        assert field in raised.value.field

    def test_unresolvable_annotations_are_named(self) -> None:
        @attrs.frozen
        class Broken:
            ticket: "Missing"  # type: ignore[name-defined]  # noqa: F821

        with pytest.raises(ValidationError, match="cannot be resolved") as raised:
            schema_of(Broken)
        assert "Broken" in raised.value.field

    def test_ref_refuses_a_class_that_is_not_attrs(self) -> None:
        with pytest.raises(ValidationError, match="not an attrs class"):
            SchemaBuilder().ref(str)


class TestDeterminism:
    def test_two_generations_give_the_same_text(self) -> None:
        assert to_json(schema_of(PhoneMessage)) == to_json(schema_of(PhoneMessage))

    def test_another_process_gives_the_same_text(self) -> None:
        """Another hash seed, another process: the same text (sets are not iterated)."""
        code = (
            "from callflow._schema import schema_of, to_json;"
            "from callflow.messages import PhoneMessage;"
            "print(to_json(schema_of(PhoneMessage)), end='')"
        )
        environment = {**os.environ, "PYTHONHASHSEED": "12345"}
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        )
        assert to_json(schema_of(PhoneMessage)) == result.stdout

    def test_keys_are_sorted_at_every_level(self) -> None:
        document = schema_of(Escalation)
        assert json.dumps(document) == json.dumps(document, sort_keys=True)


class TestComposition:
    @attrs.frozen
    class Entry:
        event: str
        at: datetime
        payload: Mapping[str, object]

    def builder(self) -> tuple[SchemaBuilder, dict[str, Any]]:
        builder = SchemaBuilder()
        union = builder.tagged("event", {"note": Note, "promise": Promise}, field="payload")
        builder.refine(self.Entry, union)
        return builder, builder.document(tuple[self.Entry, ...], title="history")

    def test_the_payload_follows_the_event(self) -> None:
        _, document = self.builder()
        Draft202012Validator.check_schema(document)
        at = datetime(2026, 3, 2, 9, tzinfo=UTC)
        note = unstructure(Note("Ada", at, "Rebooted the router."))
        promise = unstructure(Promise("P1", PromiseKind.CALLBACK, "Ada", "a call", at, at))
        entries = [
            {"event": "note", "at": unstructure(at), "payload": note},
            {"event": "promise", "at": unstructure(at), "payload": promise},
        ]
        validator = Draft202012Validator(document)
        assert [] == list(validator.iter_errors(entries))
        swapped = [{**entries[0], "payload": promise}]
        assert list(validator.iter_errors(swapped))
        unknown = [{**entries[0], "event": "hold"}]
        assert list(validator.iter_errors(unknown))

    def test_an_internal_tag_is_read_from_the_object_itself(self) -> None:
        builder = SchemaBuilder()
        document = {"$schema": DIALECT, **builder.tagged("kind", {"internal": Note})}
        document["$defs"] = builder.defs()
        at = unstructure(datetime(2026, 3, 2, 9, tzinfo=UTC))
        note = {"author": "Ada", "at": at, "text": "Rebooted.", "kind": "internal"}
        validator = Draft202012Validator(document)
        assert [] == list(validator.iter_errors(note))
        assert list(validator.iter_errors({**note, "kind": "customer"}))

    def test_namesakes_are_named_by_their_module_whichever_comes_first(self) -> None:
        """Two classes called Target: both by their full path, refs handed out before included."""
        namesake = attrs.make_class("Target", {"x": attrs.field(type=int)})
        namesake.__module__ = "elsewhere"
        first, second = SchemaBuilder(), SchemaBuilder()
        early = first.ref(Target)
        first.schema(tuple[namesake, Target])
        second.schema(tuple[namesake, Target])
        expected = ["callflow.escalation.Target", "elsewhere.Target"]
        assert expected == list(first.defs()) == list(second.defs())
        assert {"$ref": "#/$defs/callflow.escalation.Target"} == early
        assert to_json(first.defs()) == to_json(second.defs())

    def test_a_class_may_refer_to_itself(self) -> None:
        document = schema_of(Node)
        items = document["$defs"]["Node"]["properties"]["children"]["items"]
        assert {"$ref": "#/$defs/Node"} == items
        tree = {"children": [{"children": []}, {"children": [{"children": []}]}]}
        assert [] == list(Draft202012Validator(document).iter_errors(tree))
