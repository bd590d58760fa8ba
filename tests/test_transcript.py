"""Transcripts of recorded calls (callflow.audit): the model, JSON, JSON Lines and the schema.

A transcript is untrusted input: every refusal is a ``TranscriptError`` naming
the path of the bad value, the call and the line; the shipped JSON Schema is
the generated one, and it agrees with the reader.
"""

import contextlib
import copy
import io
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from dateutil import tz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import event_args, transcripts

from callflow import PROCEDURE, Caller, CallflowError, ValidationError
from callflow.audit import (
    Context,
    Participant,
    Transcript,
    TranscriptError,
    TranscriptEvent,
    Turn,
    iter_transcripts,
    load_transcripts,
    read_jsonl,
)
from callflow.audit._transcript_schema import SCHEMA_FILE, main, transcript_schema
from callflow.documents import DocumentLimits
from callflow.events import payload_class

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = settings(
    max_examples=60,
    # differing_executors too: mutmut runs the same test methods several times in one process.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.differing_executors,
    ],
)


def document(**changes: Any) -> dict[str, Any]:
    """A valid transcript document, every part present, with ``changes`` applied."""
    data: dict[str, Any] = {
        "call_id": "HVB-0002",
        "channel": "phone",
        "language": "en",
        "organisation": "Harper Valley Bank",
        "agent": {"name": "Elizabeth", "id": "46"},
        "caller": {"name": None, "id": None},
        "started_at": "2020-06-02T00:13:03.191000+00:00",
        "turns": [
            {"speaker": "agent", "text": "hello this is harper valley", "start": 1.669, "end": 4.3},
            {"speaker": "caller", "text": "", "start": 12.89, "end": 13.22},
            {"speaker": "caller", "text": "my name is patricia brown"},
        ],
        "events": [
            {"event": "answer", "at": 1.669, "turn": 0, "rings": 1},
            {
                "event": "identify",
                "at": 13.72,
                "turn": 2,
                "caller": {"name": "Patricia Brown", "user_id": None},
            },
        ],
        "context": {"task": "replace card", "ended_by": "caller"},
    }
    data.update(changes)
    return data


def refusal(action: Callable[[], object]) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        action()
    return caught.value


# -- the model -------------------------------------------------------------------


class TestModel:
    def test_a_transcript_made_by_hand_reads_back_equal(self) -> None:
        transcript = Transcript(
            call_id="C-1",
            channel="chat",
            language="pt",
            agent=Participant("Bill"),
            caller=Participant(),
            started_at=START,
            turns=[Turn("system", "Você está na fila"), Turn("agent", "Olá", start=3)],
            events=[TranscriptEvent("answer", 3), TranscriptEvent("listen", 4.5)],
        )
        assert (Turn("system", "Você está na fila"), Turn("agent", "Olá", start=3.0)) == (
            transcript.turns
        )
        assert transcript == Transcript.from_json(transcript.to_json())
        assert transcript == Transcript.from_dict(transcript.to_dict())
        assert isinstance(hash(transcript), int)

    def test_arguments_are_typed_for_the_event_method(self) -> None:
        event = TranscriptEvent("identify", 2.0, {"caller": Caller("Ana"), "verified": True})
        assert Caller("Ana") == event.arguments["caller"]
        assert {"caller": Caller("Ana"), "verified": True} == dict(event.arguments)
        assert {"rings": None} == dict(TranscriptEvent("answer", 0).arguments)

    @SETTINGS
    @given(data=st.data(), event=st.sampled_from(PROCEDURE.events))
    def test_every_event_of_the_procedure_is_accepted(
        self, data: st.DataObject, event: str
    ) -> None:
        """Whatever events the procedure has now: the check reads PROCEDURE.events."""
        arguments = data.draw(event_args(event))
        made = TranscriptEvent(event, 1.0, arguments)
        assert arguments == {key: made.arguments[key] for key in arguments}

    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: Turn("bot", "hi"), "speaker"),
            (lambda: Turn("agent", None), "text"),
            (lambda: Turn("agent", "\ud800"), "text"),
            (lambda: Turn("agent", "hi", start=-1.0), "start"),
            (lambda: Turn("agent", "hi", start=math.nan), "start"),
            (lambda: Turn("agent", "hi", end=math.inf), "end"),
            (lambda: Turn("agent", "hi", start=True), "start"),
            (lambda: Turn("agent", "hi", start=10**400), "start"),
            (lambda: Turn("agent", "hi", start=2.0, end=1.0), "end"),
            (lambda: Participant(name=""), "name"),
            (lambda: Participant(id=7), "id"),
            (lambda: Context(ended_by="both"), "ended_by"),
            (lambda: Context(task="  "), "task"),
            (lambda: TranscriptEvent("ring", 1.0), "event"),
            (lambda: TranscriptEvent("answer", -0.5), "at"),
            (lambda: TranscriptEvent("answer", 1.0, {"rings": "two"}), "arguments.rings"),
            (lambda: TranscriptEvent("answer", 1.0, {"colour": 1}), "arguments.colour"),
            (lambda: TranscriptEvent("answer", 1.0, [1]), "arguments"),
            (lambda: TranscriptEvent("propose", 1.0), "arguments.plan"),
            (lambda: TranscriptEvent("identify", 1.0, {"caller": object()}), "arguments.caller"),
            (lambda: TranscriptEvent("assign", 1.0, {"escalation": "x"}), "arguments.escalation"),
            (lambda: TranscriptEvent("answer", 1.0, turn=-1), "turn"),
            (lambda: TranscriptEvent("answer", 1.0, turn=True), "turn"),
            (lambda: TranscriptEvent("answer", 1.0, turn=1.0), "turn"),
            (lambda: TranscriptEvent("answer", 1.0, turn="1"), "turn"),
        ],
    )
    def test_a_bad_part_is_refused_naming_its_field(
        self, make: Callable[[], object], field: str
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            make()
        assert field == caught.value.field

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"call_id": " "}, "call_id"),
            ({"channel": "fax"}, "channel"),
            ({"language": "de"}, "language"),
            ({"organisation": ""}, "organisation"),
            ({"agent": "Bill"}, "agent"),
            ({"started_at": datetime(2026, 3, 2, 9)}, "started_at"),
            ({"started_at": datetime(2026, 3, 2, 9, tzinfo=tz.gettz("Europe/Rome"))}, "started_at"),
            ({"turns": ["hi"]}, "turns[0]"),
            ({"turns": 5}, "turns"),
            ({"events": (TranscriptEvent("answer", 2.0), "listen")}, "events[1]"),
            (
                {"events": [TranscriptEvent("answer", 2.0), TranscriptEvent("listen", 1.0)]},
                "events[1].at",
            ),
            ({"context": None}, "context"),
            ({"events": [TranscriptEvent("answer", 2.0, turn=0)]}, "events[0].turn"),
            (
                {
                    "turns": [Turn("agent", "hello")],
                    "events": [
                        TranscriptEvent("answer", 2.0, turn=0),
                        TranscriptEvent("listen", 3.0, turn=1),
                    ],
                },
                "events[1].turn",
            ),
        ],
    )
    def test_a_bad_transcript_is_refused_naming_its_field(
        self, changes: dict[str, Any], field: str
    ) -> None:
        given: dict[str, Any] = {
            "call_id": "C-1",
            "channel": "phone",
            "language": "en",
            "agent": Participant("Bill"),
            "caller": Participant(),
            "started_at": START,
            "turns": (),
        }
        with pytest.raises(ValidationError) as caught:
            Transcript(**{**given, **changes})
        assert field == caught.value.field

    def test_events_may_share_a_moment(self) -> None:
        events = [TranscriptEvent("answer", 2.0), TranscriptEvent("listen", 2.0)]
        transcript = Transcript.from_dict(document(events=[], turns=[]))
        assert 2 == len(attrs.evolve(transcript, events=events).events)

    def test_an_event_names_its_turn_in_any_order(self) -> None:
        """A turn is optional, and an event may refer back to a turn before the last one named."""
        events = [
            TranscriptEvent("answer", 2.0, turn=0),
            TranscriptEvent("listen", 3.0, turn=2),
            TranscriptEvent("troubleshoot", 4.0),
            TranscriptEvent("diagnose", 5.0, turn=1),
        ]
        transcript = Transcript.from_dict(document(events=[]))
        named = attrs.evolve(transcript, events=events)
        assert [0, 2, None, 1] == [event.turn for event in named.events]
        assert named == Transcript.from_json(named.to_json())
        assert [0, 2, None, 1] == [event["turn"] for event in named.to_dict()["events"]]

    def test_no_event_has_an_argument_named_as_an_events_own_key(self) -> None:
        """``event``, ``at`` and ``turn`` sit beside the arguments in JSON: no argument is one."""
        for event in PROCEDURE.events:
            assert not {"event", "at", "turn"} & set(attrs.fields_dict(payload_class(event)))


# -- JSON documents --------------------------------------------------------------


class TestDocuments:
    def test_a_full_document_reads_and_writes_back_exactly(self) -> None:
        data = document()
        transcript = Transcript.from_dict(data)
        assert 1.669 == transcript.turns[0].start
        assert Participant(name=None) == transcript.caller
        assert Caller("Patricia Brown") == transcript.events[1].arguments["caller"]
        expected = copy.deepcopy(data)
        expected["turns"][2].update(start=None, end=None)
        expected["events"][1]["verified"] = False
        assert expected == transcript.to_dict()
        text = transcript.to_json()
        assert "\n" not in text
        assert text == Transcript.from_json(text).to_json()
        assert transcript == Transcript.from_json(transcript.to_json(indent=2).encode())

    def test_optional_keys_may_be_left_out(self) -> None:
        data = {key: value for key, value in document().items() if key not in ("events", "context")}
        data.pop("organisation")
        data["caller"] = {}
        data["turns"] = [{"speaker": "agent", "text": "hi"}]
        transcript = Transcript.from_dict(data)
        assert (None, (), Context()) == (
            transcript.organisation,
            transcript.events,
            transcript.context,
        )
        assert "unknown" == transcript.context.ended_by

    def test_an_event_without_arguments_takes_the_methods_defaults(self) -> None:
        transcript = Transcript.from_dict(document(events=[{"event": "hang_up", "at": 30}]))
        assert {"by": "caller"} == dict(transcript.events[0].arguments)
        assert transcript.events[0].turn is None
        assert transcript == Transcript.from_dict(
            document(events=[{"event": "hang_up", "at": 30, "turn": None}])
        )

    @pytest.mark.parametrize(
        ("path", "value", "field"),
        [
            (("call_id",), "", "call_id"),
            (("channel",), "Phone", "channel"),
            (("language",), None, "language"),
            (("organisation",), 3, "organisation"),
            (("agent",), [], "agent"),
            (("agent", "name"), "", "agent.name"),
            (("agent", "colour"), "red", "agent.colour"),
            (("caller", "id"), 12, "caller.id"),
            (("started_at",), "2020-06-02T00:13:03", "started_at"),
            (("turns",), {}, "turns"),
            (("turns", 1), "hi", "turns[1]"),
            (("turns", 1, "speaker"), "bot", "turns[1].speaker"),
            (("turns", 1, "text"), 5, "turns[1].text"),
            (("turns", 1, "start"), "12", "turns[1].start"),
            (("turns", 1, "start"), -1, "turns[1].start"),
            (("turns", 1, "end"), 1.0, "turns[1].end"),
            (("turns", 1, "mood"), "calm", "turns[1].mood"),
            (("events",), "answer", "events"),
            (("events", 0), [], "events[0]"),
            (("events", 0, "event"), "ring", "events[0].event"),
            (("events", 0, "event"), "verify_identity", "events[0].event"),
            (("events", 0, "at"), -0.1, "events[0].at"),
            (("events", 0, "at"), True, "events[0].at"),
            (("events", 0, "when"), 1, "events[0].when"),
            (("events", 0, "turn"), 3, "events[0].turn"),
            (("events", 0, "turn"), -1, "events[0].turn"),
            (("events", 0, "turn"), True, "events[0].turn"),
            (("events", 0, "turn"), 1.0, "events[0].turn"),
            (("events", 1, "turn"), "2", "events[1].turn"),
            (("events", 1, "at"), 1.0, "events[1].at"),
            (("events", 0, "rings"), 1.5, "events[0].rings"),
            (("events", 0, "colour"), 1, "events[0].colour"),
            (("events", 1, "caller"), "Ana", "events[1].caller"),
            (("events", 1, "caller", "name"), 1, "events[1].caller.name"),
            (("context",), "x", "context"),
            (("context", "ended_by"), "both", "context.ended_by"),
            (("colour",), "red", "colour"),
        ],
    )
    def test_a_bad_value_is_refused_naming_its_path_and_call(
        self, path: tuple[Any, ...], value: object, field: str
    ) -> None:
        data = document()
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        error = refusal(lambda: Transcript.from_dict(data))
        assert field == error.field
        assert (None if path == ("call_id",) else "HVB-0002") == error.call_id
        assert error.line is None
        assert f"{field!r}" in str(error)
        assert isinstance(error, CallflowError | ValueError)

    @pytest.mark.parametrize("key", ["call_id", "channel", "language", "agent", "turns"])
    def test_a_missing_key_is_named(self, key: str) -> None:
        data = document()
        del data[key]
        assert key == refusal(lambda: Transcript.from_dict(data)).field

    def test_the_message_names_the_call(self) -> None:
        error = refusal(lambda: Transcript.from_dict(document(channel="fax")))
        assert "call 'HVB-0002': 'channel' must be one of 'phone', 'chat' (got 'fax')" == str(error)

    @pytest.mark.parametrize(
        "text", ["", "{", "[1]", "null", '{"call_id": NaN}', b"\xff\xfe{", "x" * 100]
    )
    def test_text_that_is_not_a_transcript_is_refused(self, text: str | bytes) -> None:
        assert "transcript" == refusal(lambda: Transcript.from_json(text)).field

    def test_limits_are_kept_and_configurable(self) -> None:
        deep: Any = "x"
        for _ in range(40):
            deep = [deep]
        error = refusal(lambda: Transcript.from_dict(document(organisation=deep)))
        assert "nested at most 32 deep" in error.reason
        text = json.dumps(document())
        small = DocumentLimits(max_chars=100)
        assert "transcript" == refusal(lambda: Transcript.from_json(text, limits=small)).field
        few = DocumentLimits(max_items=10)
        assert "transcript" == refusal(lambda: Transcript.from_dict(document(), limits=few)).field
        with pytest.raises(TranscriptError):
            Transcript.from_dict(document(), limits=100)  # type: ignore[arg-type]
        assert "transcript" == refusal(lambda: Transcript.from_json("[" * 100_000)).field

    @SETTINGS
    @given(
        data=st.data(),
        value=st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)
            ),
            max_leaves=8,
        ),
    )
    def test_any_json_anywhere_is_refused_with_a_transcript_error_or_read(
        self, data: st.DataObject, value: object
    ) -> None:
        """Any JSON value put anywhere in a valid document: read, or a TranscriptError."""
        doc = document()
        places: list[tuple[Any, Any]] = []
        pending: list[Any] = [doc]
        while pending:
            node = pending.pop()
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            for key in keys:
                places.append((node, key))
                if isinstance(node[key], dict | list):
                    pending.append(node[key])
        node, key = data.draw(st.sampled_from(places))
        node[key] = value
        try:
            text = json.dumps(doc)
        except ValueError:  # NaN: the reader refuses it too
            text = json.dumps(doc, allow_nan=True)
        with contextlib.suppress(TranscriptError):
            Transcript.from_json(text)


# -- JSON Lines and files --------------------------------------------------------


def good_line(call_id: str = "C-1") -> str:
    return json.dumps(document(call_id=call_id))


class TestJsonLines:
    def lines(self) -> list[str]:
        return [
            good_line("C-1"),
            "",
            "{not json",
            json.dumps(document(call_id="C-4", language="de")),
            "   ",
            good_line("C-6"),
        ]

    def test_bad_lines_are_reported_and_the_run_goes_on(self) -> None:
        errors: list[TranscriptError] = []
        read = list(iter_transcripts(self.lines(), on_error=errors.append))
        assert ["C-1", "C-6"] == [transcript.call_id for transcript in read]
        assert [(3, None, "transcript"), (4, "C-4", "language")] == [
            (error.line, error.call_id, error.field) for error in errors
        ]
        assert str(errors[1]).startswith("line 4, call 'C-4': 'language' must be one of")

    def test_without_on_error_the_first_bad_line_raises(self) -> None:
        read = iter_transcripts(self.lines())
        assert "C-1" == next(read).call_id
        assert 3 == refusal(lambda: next(read)).line

    def test_read_jsonl_gives_transcripts_and_errors(self, tmp_path: Path) -> None:
        path = tmp_path / "calls.jsonl"
        path.write_text("\n".join(self.lines()) + "\n", encoding="utf-8")
        transcripts, errors = read_jsonl(path)
        assert ["C-1", "C-6"] == [transcript.call_id for transcript in transcripts]
        assert [3, 4] == [error.line for error in errors]
        again, errors_again = read_jsonl(str(path))
        assert (transcripts, [str(e) for e in errors]) == (again, [str(e) for e in errors_again])

    def test_streams_of_text_and_bytes_are_read(self) -> None:
        text = "\n".join(self.lines()) + "\n"
        assert 2 == len(read_jsonl(io.StringIO(text))[0])
        assert 2 == len(read_jsonl(io.BytesIO(text.encode()))[0])

    def test_a_file_line_too_long_is_skipped_unread(self, tmp_path: Path) -> None:
        path = tmp_path / "calls.jsonl"
        limits = DocumentLimits(max_chars=2_000)
        path.write_bytes(
            b"\xef\xbb\xbf"
            + good_line().encode()
            + b"\n"
            + b"x" * 50_000
            + b"\n"
            + b"\xff\n"
            + good_line("C-4").encode()
        )
        transcripts, errors = read_jsonl(path, limits=limits)
        assert ["C-1", "C-4"] == [transcript.call_id for transcript in transcripts]
        assert [
            (2, "must be a JSON document of at most 2,000 characters nested at most 32 deep"),
            (3, "is not UTF-8 text (invalid start byte)"),
        ] == [(error.line, error.reason) for error in errors]

    @pytest.mark.parametrize("source", [b"{}", bytearray(b"{}"), {"a": "b"}, 5, None, object()])
    def test_a_source_that_is_not_lines_is_refused_at_once(self, source: Any) -> None:
        assert "source" == refusal(lambda: iter_transcripts(source)).field
        assert "source" == refusal(lambda: load_transcripts(source)).field

    def test_a_missing_file_or_failing_stream_is_a_transcript_error(self, tmp_path: Path) -> None:
        missing = tmp_path / "none.jsonl"
        assert "source" == refusal(lambda: list(iter_transcripts(missing))).field
        assert "source" == refusal(lambda: read_jsonl(str(tmp_path))).field
        assert "source" == refusal(lambda: load_transcripts("bad\x00path")).field

        def failing() -> Any:
            yield good_line()
            raise OSError("the line went dead")

        errors: list[TranscriptError] = []
        read = iter_transcripts(failing(), on_error=errors.append)
        assert "C-1" == next(read).call_id
        error = refusal(lambda: next(read))
        assert ("source", []) == (error.field, errors)
        assert "OSError: the line went dead" in error.reason

    def test_bad_arguments_are_refused_at_once(self) -> None:
        assert "on_error" == refusal(lambda: iter_transcripts([], on_error=5)).field  # type: ignore[arg-type]
        assert "on_error" == refusal(lambda: iter_transcripts([], on_error=lambda: 1)).field
        assert "on_error" == refusal(lambda: load_transcripts([], on_error=lambda: 1)).field
        assert "limits" == refusal(lambda: iter_transcripts([], limits=None)).field  # type: ignore[arg-type]

    def test_lines_that_are_not_text_are_bad_lines(self) -> None:
        errors: list[TranscriptError] = []
        assert 1 == len(list(iter_transcripts([5, good_line()], on_error=errors.append)))  # type: ignore[list-item]
        assert [(1, "transcript")] == [(error.line, error.field) for error in errors]


class TestLoadTranscripts:
    def test_json_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "calls.txt"
        path.write_text(good_line("A") + "\n\n" + good_line("B") + "\n", encoding="utf-8")
        assert ["A", "B"] == [transcript.call_id for transcript in load_transcripts(path)]

    def test_one_object_however_laid_out(self) -> None:
        text = json.dumps(document(), indent=2)
        assert ["HVB-0002"] == [t.call_id for t in load_transcripts(io.StringIO(text))]
        assert ["HVB-0002"] == [t.call_id for t in load_transcripts([good_line("HVB-0002")])]

    def test_a_list_of_objects_its_bad_items_named_by_index(self, tmp_path: Path) -> None:
        path = tmp_path / "calls.json"
        items = [document(call_id="A"), document(call_id="B", channel="fax"), [], document()]
        path.write_text(json.dumps(items), encoding="utf-8")
        errors: list[TranscriptError] = []
        read = load_transcripts(path, on_error=errors.append)
        assert ["A", "HVB-0002"] == [transcript.call_id for transcript in read]
        assert [("[1].channel", "B"), ("[2]", None)] == [(e.field, e.call_id) for e in errors]
        assert "[1].channel" == refusal(lambda: load_transcripts(path)).field

    def test_bad_documents(self) -> None:
        assert [] == load_transcripts(io.StringIO("\n  \n"))
        assert "transcript" == refusal(lambda: load_transcripts(["{", "  'x'"])).field
        assert "transcript" == refusal(lambda: load_transcripts(["[1,", "NaN]"])).field
        assert "transcript" == refusal(lambda: load_transcripts(["[" * 100_000])).field
        errors: list[TranscriptError] = []
        assert [] == load_transcripts([b"\xff[", b"]"], on_error=errors.append)
        assert [1] == [error.line for error in errors]


# -- the schema ------------------------------------------------------------------


SCHEMA = transcript_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


class TestSchema:
    def test_the_shipped_schema_is_the_generated_one(self) -> None:
        shipped = files("callflow").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")
        assert SCHEMA == json.loads(shipped)
        docs = (ROOT / "docs" / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")
        assert shipped == docs
        jsonschema.Draft202012Validator.check_schema(SCHEMA)

    def test_the_command_writes_it(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert 0 == main([str(tmp_path / SCHEMA_FILE)])
        assert SCHEMA == json.loads((tmp_path / SCHEMA_FILE).read_text(encoding="utf-8"))
        assert 0 == main([])
        assert SCHEMA == json.loads(capsys.readouterr().out)

    def test_the_example_document_is_valid(self) -> None:
        VALIDATOR.validate(document())
        VALIDATOR.validate(Transcript.from_dict(document()).to_dict())

    @SETTINGS
    @given(transcript=transcripts())
    def test_every_transcript_validates_and_round_trips(self, transcript: Transcript) -> None:
        written = transcript.to_dict()
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(written)]
        assert not errors, errors
        assert transcript == Transcript.from_dict(written)
        text = transcript.to_json()
        again = Transcript.from_json(text)
        assert transcript == again
        assert text == again.to_json()
        assert [transcript] == list(iter_transcripts([text, ""]))

    @pytest.mark.parametrize(
        ("path", "value"),
        [
            (("channel",), "fax"),
            (("language",), "de"),
            (("agent", "colour"), "red"),
            (("started_at",), "2020-06-02T00:13:03"),
            (("turns", 0, "speaker"), "bot"),
            (("turns", 0, "text"), None),
            (("turns", 0, "start"), -1),
            (("turns", 0, "end"), "4"),
            (("events", 0, "event"), "ring"),
            (("events", 0, "at"), -2),
            (("events", 0, "rings"), "one"),
            (("events", 0, "turn"), -1),
            (("events", 0, "turn"), "0"),
            (("events", 1, "turn"), 1.5),
            (("events", 1, "caller"), {"user_id": "E1"}),
            (("events", 1, "verified"), "yes"),
            (("context", "ended_by"), "nobody"),
            (("colour",), "red"),
        ],
    )
    def test_an_invalid_document_fails_the_schema_and_the_reader(
        self, path: tuple[Any, ...], value: object
    ) -> None:
        data = document()
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert not VALIDATOR.is_valid(data)
        with pytest.raises(TranscriptError):
            Transcript.from_dict(data)

    def test_an_events_turn_past_the_last_is_for_the_reader_to_refuse(self) -> None:
        """No JSON Schema can compare an index with a list's length: only the reader does."""
        data = document()
        data["events"][1]["turn"] = 3
        assert VALIDATOR.is_valid(data)
        assert "events[1].turn" == refusal(lambda: Transcript.from_dict(data)).field
        data["events"][1]["turn"] = None
        assert VALIDATOR.is_valid(data)
        del data["events"][1]["turn"]
        assert VALIDATOR.is_valid(data)

    def test_an_event_needing_arguments_must_have_them(self) -> None:
        data = document(events=[{"event": "propose", "at": 1}])
        assert not VALIDATOR.is_valid(data)
        assert "events[0].plan" == refusal(lambda: Transcript.from_dict(data)).field
        assert VALIDATOR.is_valid(document(events=[{"event": "answer", "at": 1}]))


# -- real data -------------------------------------------------------------------

CORPORA = Path("/work/shared/corpora/harpervalley/hvb_sample_10_calls.json")


def from_harper_valley(call: dict[str, Any]) -> dict[str, Any]:
    """A HarperValleyBank call (its ASR turns) as a transcript document."""
    started = datetime.fromtimestamp(call["start_time_ms"] / 1000, tz=UTC)
    return {
        "call_id": call["sid"],
        "channel": "phone",
        "language": "en",
        "organisation": "Harper Valley National Bank",
        "agent": {"name": call["agent"]["name"], "id": str(call["agent"]["speaker_id"])},
        "caller": {"name": call["caller"].get("name"), "id": str(call["caller"]["speaker_id"])},
        "started_at": started.isoformat(),
        "turns": [
            {
                "speaker": segment["speaker_role"],
                "text": segment["transcript"],
                "start": segment["start_ms"] / 1000,
                "end": (segment["start_ms"] + segment["duration_ms"]) / 1000,
            }
            for segment in call["segments"]
        ],
        "context": {"task": call["tasks"][0]["task_type"]},
    }


@pytest.mark.skipif(not CORPORA.exists(), reason="the shared corpora are not on this machine")
def test_real_calls_read_validate_and_round_trip() -> None:
    calls = json.loads(CORPORA.read_text(encoding="utf-8"))
    lines = [json.dumps(from_harper_valley(call)) for call in calls]
    transcripts, errors = read_jsonl(lines)
    assert ([], len(calls)) == (errors, len(transcripts))
    for transcript in transcripts:
        VALIDATOR.validate(transcript.to_dict())
        assert transcript == Transcript.from_json(transcript.to_json())
    assert sum(len(t.turns) for t in transcripts) == sum(len(c["segments"]) for c in calls)


def test_the_transcript_error_is_exported_and_documented() -> None:
    import callflow

    assert callflow.TranscriptError is TranscriptError
    assert issubclass(TranscriptError, ValidationError)
    assert "`TranscriptError`" in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")


def named(error: ValidationError) -> tuple[object, object, str]:
    """What a refusal names: the field, the value refused, and why."""
    return error.field, error.value, error.reason


SECONDS_REASON = "must be a finite number of seconds, 0 or more"


class TestFieldsInFull:
    """The transcript's own validators and converters, through the parts that use them."""

    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (
                lambda: Turn("robot", "hi"),
                ("speaker", "robot", "must be one of 'agent', 'caller', 'system'"),
            ),
            (lambda: Turn(1, "hi"), ("speaker", 1, "must be one of 'agent', 'caller', 'system'")),
            (lambda: Turn("agent", b"hi"), ("text", b"hi", "must be text")),
            (
                lambda: Turn("agent", "a\udc80b"),
                ("text", "a\udc80b", "must be text UTF-8 can write (not a lone surrogate)"),
            ),
            (lambda: Turn("agent", "hi", start=-0.5), ("start", -0.5, SECONDS_REASON)),
            (lambda: Turn("agent", "hi", start=-1), ("start", -1.0, SECONDS_REASON)),
            (lambda: Turn("agent", "hi", end=math.inf), ("end", math.inf, SECONDS_REASON)),
            (lambda: Turn("agent", "hi", start=True), ("start", True, SECONDS_REASON)),
            (lambda: Turn("agent", "hi", start="3"), ("start", "3", SECONDS_REASON)),
            (lambda: Turn("agent", "hi", start=2**53 + 1), ("start", 2**53 + 1, SECONDS_REASON)),
            (
                lambda: Turn("caller", "hi", start=3, end=2.5),
                ("end", 2.5, "must not be before the turn's start, 3.0"),
            ),
            (lambda: TranscriptEvent("answer", None), ("at", None, SECONDS_REASON)),
            (lambda: TranscriptEvent("answer", math.nan), ("at", math.nan, SECONDS_REASON)),
            (
                lambda: Context(ended_by="nobody"),
                ("ended_by", "nobody", "must be one of 'agent', 'caller', 'unknown'"),
            ),
        ],
    )
    def test_refusals(
        self, make: Callable[[], object], expected: tuple[object, object, str]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            make()
        field, value, reason = named(caught.value)
        assert (field, reason) == (expected[0], expected[2])
        assert value == expected[1] or (value != value and expected[1] != expected[1])
        assert type(value) is type(expected[1])

    def test_seconds_are_kept_as_floats(self) -> None:
        turn = Turn("agent", "", start=0, end=2**53)
        assert (turn.start, turn.end) == (0.0, float(2**53))
        assert (type(turn.start), type(turn.end)) == (float, float)
        assert Turn("system", "   ").text == "   "
        assert Turn("agent", "olá, ação").text == "olá, ação"
        assert (Turn("agent", "hi", start=2, end=2).start, Turn("agent", "hi").end) == (2.0, None)
        assert TranscriptEvent("answer", 0).at == 0.0

    def test_the_validators_say_what_they_are(self) -> None:
        fields = attrs.fields_dict(Turn)
        assert repr(fields["speaker"].validator) == "<literal ('agent', 'caller', 'system')>"
        assert repr(fields["text"].validator) == "<writable_text>"
        assert repr(fields["start"].validator) == "<optional seconds>"
        assert repr(attrs.fields_dict(TranscriptEvent)["at"].validator) == "<seconds>"


class TestEventsInFull:
    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (
                lambda: TranscriptEvent("dance", 1.0),
                ("event", "dance", f"must be an event of the procedure: {PROCEDURE.events}"),
            ),
            (
                lambda: TranscriptEvent(None, 1.0),
                ("event", None, f"must be an event of the procedure: {PROCEDURE.events}"),
            ),
            (
                lambda: TranscriptEvent("listen", 1.0, ["problem"]),
                ("arguments", ["problem"], "must be a mapping of the event's arguments"),
            ),
            (
                lambda: TranscriptEvent("listen", 1.0, {"issue": "x"}),
                (
                    "arguments.issue",
                    "issue",
                    "is not an argument of 'listen': ('problem', 'needs_verification')",
                ),
            ),
            (
                lambda: TranscriptEvent("listen", 1.0, {3: "x"}),
                (
                    "arguments",
                    3,
                    "is not an argument of 'listen': ('problem', 'needs_verification')",
                ),
            ),
            (
                lambda: TranscriptEvent("identify", 1.0, {"caller": "Ana"}),
                ("arguments.caller", "Ana", "must be a Caller"),
            ),
            (
                lambda: TranscriptEvent("listen", 1.0, {"problem": object}),
                ("arguments.problem", object, "must be text"),
            ),
        ],
    )
    def test_refusals(
        self, make: Callable[[], object], expected: tuple[object, object, str]
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            make()
        assert named(caught.value) == expected

    def test_arguments_are_the_typed_payload(self) -> None:
        event = TranscriptEvent("listen", 4, {"problem": "VPN down"})
        assert (event.event, event.at, dict(event.arguments)) == (
            "listen",
            4.0,
            {"problem": "VPN down", "needs_verification": True},
        )
        assert dict(TranscriptEvent("answer", 1.5).arguments) == {"rings": None}
        assert TranscriptEvent("listen", 4, {"problem": "x"}) == TranscriptEvent(
            "listen", 4.0, {"problem": "x"}
        )
