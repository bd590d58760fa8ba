"""The restore's fast paths read what the careful paths read, and nothing they refuse.

A snapshot's records are read by compiled readers (:func:`callflow.codec.plain_reader`)
and its text is walked by :func:`callflow.documents._parsed_fine`; anything they do
not read plainly goes the careful way, which names what is wrong. These tests hold
them to that: for any data, the fast path gives the careful path's value or gives
way, and on the documents callflow writes it never gives way.
"""

import contextlib
import copy
import json
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import Step, event_sequences, perform

from callflow import Agent, Call, ManualClock
from callflow import snapshot as snap
from callflow.codec import REFUSED, converter, plain_reader
from callflow.documents import _parsed_fine, _plainly_fine, read_json
from callflow.errors import CallflowError, SnapshotError, ValidationError
from callflow.events import EVENT_PAYLOADS
from callflow.people import Caller

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BILL = Agent(name="Bill", organisation="ACME Corp")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["", " ", "caller", "agent", "strict", "Ana", "E1234"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def audit_call(steps: list[Step]) -> Call:
    clock = ManualClock(START)
    call = Call(BILL, mode="audit", clock=clock, call_id="C-7")
    for step in steps:
        with contextlib.suppress(CallflowError):
            perform(call, step, clock)
    return call


def careful(data: object) -> object:
    """The careful reading of a record: its record, or the error it is refused with."""
    try:
        return snap._read_record_carefully(data, "record")
    except SnapshotError as error:
        return error


def mutations(document: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """``document`` with one value replaced, one key dropped or one added, at any depth."""
    paths: list[tuple[Any, ...]] = []

    def walk(value: object, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))

    walk(document, ())

    @st.composite
    def changed(draw: st.DrawFn) -> dict[str, Any]:
        result = copy.deepcopy(document)
        path = draw(st.sampled_from(paths))
        target: Any = result
        for key in path[:-1]:
            target = target[key]
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if not path or action == "add":
            holder = target[path[-1]] if path else target
            if isinstance(holder, dict):
                holder[draw(st.sampled_from(["colour", "name", "rings", "step"]))] = draw(
                    json_values
                )
        elif action == "drop":
            del target[path[-1]]
        else:
            target[path[-1]] = draw(json_values)
        return result

    return changed()


SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)


class TestRecords:
    @SETTINGS
    @given(steps=event_sequences(max_size=15))
    def test_every_record_callflow_writes_is_read_plainly_as_carefully(
        self, steps: list[Step]
    ) -> None:
        call = audit_call(steps)
        for record in call.history:
            document = json.loads(json.dumps(snap.record_document(record)))
            expected = careful(document)  # the ring's thresholds are now known
            plain = snap._read_plain_record(document)
            assert expected == record
            if record.observed:
                assert plain is None  # what an event looked up is read carefully
            else:
                assert plain == record

    @SETTINGS
    @given(steps=event_sequences(max_size=6), data=st.data())
    def test_a_changed_record_is_read_plainly_only_as_carefully(
        self, steps: list[Step], data: Any
    ) -> None:
        call = audit_call(steps)
        record = data.draw(st.sampled_from(call.history))
        original = json.loads(json.dumps(snap.record_document(record)))
        careful(original)  # the ring's thresholds are known: the plain path reads it
        document = data.draw(mutations(original))
        plain = snap._read_plain_record(document)
        expected = careful(document)
        if plain is not None:
            assert plain == expected
        if isinstance(expected, SnapshotError):
            assert plain is None
            with pytest.raises(SnapshotError) as caught:
                snap._read_record(document, "record")
            assert (caught.value.field, caught.value.reason) == (expected.field, expected.reason)


def codec_reading(data: object, kind: type) -> object:
    try:
        return converter.structure(data, kind)
    except Exception:  # refused, whatever the reason
        return REFUSED


class TestPlainReaders:
    @pytest.mark.parametrize("event", sorted(set(EVENT_PAYLOADS) - {"ring"}))
    @SETTINGS
    @given(data=st.data())
    def test_a_payload_is_read_as_the_codec_reads_it(self, event: str, data: Any) -> None:
        kind = EVENT_PAYLOADS[event]
        names = [field.name for field in attrs.fields(kind)]  # type: ignore[arg-type]
        keys = st.sampled_from([*names, "colour"]) if names else st.just("colour")
        payload = data.draw(st.dictionaries(keys, json_values, max_size=len(names) + 1))
        plain = plain_reader(kind)(payload)
        if plain is not REFUSED:
            assert plain == codec_reading(payload, kind)
            assert type(plain) is kind

    @pytest.mark.parametrize(
        "data",
        [
            {"name": "Ana", "user_id": "E1"},
            {"name": "Ana", "user_id": None},
            {"name": " ", "user_id": None},  # refused by the class's own validator
            {"name": "Ana"},  # a default left out: read by the codec, not plainly
            {"name": "Ana", "user_id": 7},
            {"name": "Ana", "user_id": None, "zone": "x"},
            ["Ana"],
        ],
    )
    def test_an_attrs_class_with_validators(self, data: object) -> None:
        plain = plain_reader(Caller)(data)
        expected = codec_reading(data, Caller)
        assert plain is REFUSED or plain == expected
        if expected is REFUSED:
            assert plain is REFUSED
        if data in ({"name": "Ana", "user_id": "E1"}, {"name": "Ana", "user_id": None}):
            assert plain == expected


class TestParsedDocuments:
    @settings(max_examples=300, deadline=None)
    @given(
        value=json_values,
        depth=st.integers(min_value=1, max_value=4),
        items=st.integers(min_value=1, max_value=12),
    )
    def test_parsed_json_is_judged_as_any_data(self, value: object, depth: int, items: int) -> None:
        parsed = json.loads(json.dumps(value))
        assert _parsed_fine(parsed, depth, items) == _plainly_fine(parsed, depth, items)

    @pytest.mark.parametrize("text", ["1e999", "[1, -1e999]", '{"a": {"b": [2e400]}}'])
    def test_an_infinite_float_is_named(self, text: str) -> None:
        with pytest.raises(ValidationError) as caught:
            read_json(text)
        assert caught.value.reason == "must be JSON: text, a number, true, false or null"

    @pytest.mark.parametrize("text", ['"\\ufeff"', '\ufeff{"a": 1}', b'{"a": 1}'])
    def test_text_and_bytes_are_parsed_as_json_loads_parses_them(self, text: str | bytes) -> None:
        try:
            expected: object = json.loads(text)
        except ValueError:
            with pytest.raises(ValidationError):
                read_json(text)
        else:
            assert read_json(text) == expected


class TestPlainWriters:
    @SETTINGS
    @given(steps=event_sequences(max_size=15))
    def test_every_payload_is_written_as_the_codec_writes_it(self, steps: list[Step]) -> None:
        for record in audit_call(steps).history:
            payload = record.payload
            expected = {
                field.name: converter.unstructure(getattr(payload, field.name), field.type)
                for field in attrs.fields(type(payload))  # type: ignore[arg-type]
            }
            assert snap._payload_document(payload) == expected

    @pytest.mark.parametrize("event", sorted(EVENT_PAYLOADS))
    @SETTINGS
    @given(data=st.data())
    def test_any_value_in_any_field_is_written_as_the_codec_writes_it(
        self, event: str, data: Any
    ) -> None:
        """Payloads built by hand hold anything: a value is written as its field's type."""
        kind = EVENT_PAYLOADS[event]
        values = json_scalars | st.builds(Caller, st.just("Ana")) | st.just(START)
        fields = attrs.fields(kind)  # type: ignore[arg-type]
        payload = kind(**{field.name: data.draw(values) for field in fields})

        def written(write: Any) -> object:
            try:
                return write()
            except Exception as error:
                return type(error)

        expected = written(
            lambda: {
                field.name: converter.unstructure(getattr(payload, field.name), field.type)
                for field in fields
            }
        )
        assert written(lambda: snap._payload_document(payload)) == expected


turn_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=2**60),
    st.floats(),
    st.sampled_from(["agent", "caller", "system", "Agent", "", "hi", "caf\u00e9", "a\ud800b"]),
    st.text(max_size=6),
)


class TestTurns:
    """Turns are read at once (``Turn._read``) exactly as the constructor reads them."""

    @given(st.dictionaries(st.sampled_from(["speaker", "text", "start", "end"]), turn_values))
    def test_a_turn_is_read_as_the_constructor_reads_it(self, data: dict[str, Any]) -> None:
        from callflow.audit import Turn

        try:
            expected: Turn | None = Turn(**data)
        except (ValidationError, TypeError):
            expected = None
        read = Turn._read(data)
        assert read == expected
        if read is not None:
            assert [type(getattr(read, name)) for name in ("start", "end")] == [
                type(getattr(expected, name)) for name in ("start", "end")
            ]

    def test_a_refused_turn_is_named_by_the_reader(self) -> None:
        from callflow.audit import Transcript
        from callflow.errors import TranscriptError

        document = {
            "call_id": "c1",
            "channel": "phone",
            "language": "en",
            "agent": {"name": "Bill"},
            "caller": {"name": "Ana"},
            "started_at": "2026-03-02T09:00:00+00:00",
            "turns": [{"speaker": "agent", "text": "hello"}, {"speaker": "bot", "text": "hi"}],
        }
        with pytest.raises(TranscriptError) as raised:
            Transcript.from_json(json.dumps(document))
        assert raised.value.field == "turns[1].speaker"
        assert raised.value.value == "bot"
