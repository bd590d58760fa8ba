"""examples/corpora: the real corpora (HVB calls, ABCD chats) as callflow transcripts."""

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from callflow.audit import RULEBOOK, Transcript, audit
from callflow.stages import PROCEDURE

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
HVB = CORPORA / "harpervalley" / "hvb_sample_10_calls.json"
ABCD = CORPORA / "abcd" / "abcd_5_conversations.json"

pytestmark = pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"the shared corpora are not at {CORPORA}"
)


def _example(name: str) -> ModuleType:
    folder = ROOT / "examples" / "corpora"
    if str(folder) not in sys.path:  # the converters import their shared _corpus module
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(f"corpora_{name}", folder / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harpervalley = _example("harpervalley")
abcd = _example("abcd")


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as corpus:
        records: list[dict[str, Any]] = json.load(corpus)
    return records


HVB_RECORDS = _load(HVB)
ABCD_RECORDS = _load(ABCD)
hvb_calls = pytest.mark.parametrize("record", HVB_RECORDS, ids=lambda r: r["sid"])
abcd_chats = pytest.mark.parametrize("record", ABCD_RECORDS, ids=lambda r: str(r["convo_id"]))
KEYS = ["call_id", "channel", "language", "organisation", "agent", "caller", "started_at"]


def _shape(transcript: dict[str, Any]) -> None:
    """What every transcript document has, whatever its source."""
    assert [*KEYS, "turns", "events", "context"] == list(transcript)
    assert transcript["language"] == "en"
    assert {"agent", "caller", "system"} >= {turn["speaker"] for turn in transcript["turns"]}
    times = [event["at"] for event in transcript["events"]]
    assert sorted(times) == times
    assert all(type(at) is float and at >= 0 for at in times)
    assert transcript["context"]["ended_by"] == "unknown"
    last = {key: value for key, value in transcript["events"][-1].items() if key != "turn"}
    assert {"event": "hang_up", "at": last["at"], "by": "unknown"} == last
    for event, index in ((e, e.get("turn")) for e in transcript["events"]):
        assert index is None or 0 <= index < len(transcript["turns"]), event
    json.dumps(transcript)  # plain JSON data


class TestCorpora:
    """The corpora are all there: 10 calls, 5 chats."""

    def test_every_record_is_there(self) -> None:
        """The counts of the shared corpora's README."""
        assert (10, 5) == (len(HVB_RECORDS), len(ABCD_RECORDS))


class TestHarperValley:
    """Each HVB call: its segments as turns, its dialog acts as events."""

    @hvb_calls
    def test_every_call_converts(self, record: dict[str, Any]) -> None:
        """A phone transcript with the call's id, people, start and task."""
        transcript = harpervalley.convert(record)
        _shape(transcript)
        assert (record["sid"], "phone") == (transcript["call_id"], transcript["channel"])
        assert record["caller"]["name"] == transcript["caller"]["name"]
        assert record["agent"]["name"] == transcript["agent"]["name"]
        assert transcript["started_at"].endswith("+00:00")
        assert record["tasks"][0]["task_type"] == transcript["context"]["task"]

    @hvb_calls
    def test_turns_keep_the_words_and_their_order(self, record: dict[str, Any]) -> None:
        """Every segment, in index order: role and human transcript verbatim."""
        segments = sorted(record["segments"], key=lambda s: s["index"])
        expected = [(s["speaker_role"], s["human_transcript"]) for s in segments]
        turns = harpervalley.convert(record)["turns"]
        assert expected == [(t["speaker"], t["text"]) for t in turns]

    @hvb_calls
    def test_timings_become_seconds(self, record: dict[str, Any]) -> None:
        """A turn starts at start_ms and ends duration_ms later, in seconds."""
        segments = sorted(record["segments"], key=lambda s: s["index"])
        expected = [
            (s["start_ms"] / 1000, (s["start_ms"] + s["duration_ms"]) / 1000) for s in segments
        ]
        turns = harpervalley.convert(record)["turns"]
        assert expected == [(t["start"], t["end"]) for t in turns]

    @hvb_calls
    def test_each_event_is_at_the_start_of_its_turn_said_by_the_right_party(
        self, record: dict[str, Any]
    ) -> None:
        """The caller's events come from the caller's words, the others from the agent's."""
        transcript = harpervalley.convert(record)
        turns = transcript["turns"]
        for event, source in zip(transcript["events"], harpervalley.sources(record), strict=True):
            if source is None:
                assert event["event"] in ("answer", "hang_up")
                continue
            party = "caller" if event["event"] in ("identify", "listen") else "agent"
            assert (party, turns[source]["start"]) == (turns[source]["speaker"], event["at"])

    @hvb_calls
    def test_the_hang_up_is_at_the_end_of_the_recording(self, record: dict[str, Any]) -> None:
        """At the call's length, or its last words if they run over it."""
        transcript = harpervalley.convert(record)
        length = (record["end_time_ms"] - record["start_time_ms"]) / 1000
        last_words = max(turn["end"] for turn in transcript["turns"])
        assert max(length, last_words) == transcript["events"][-1]["at"]

    def test_a_bear_with_me_pause_is_not_a_hold(self) -> None:
        """'okay one second please' (bear_with_me): the line stays open; HVB records no hold."""
        paused = [
            r
            for r in HVB_RECORDS
            for s in r["segments"]
            if "gridspace_bear_with_me" in s["dialog_acts"]
        ]
        assert paused  # the corpus has such a pause
        events = [e["event"] for r in paused for e in harpervalley.convert(r)["events"]]
        assert not {"hold", "check_in", "resume"} & set(events)

    @hvb_calls
    def test_events_name_the_turn_they_were_read_from(self, record: dict[str, Any]) -> None:
        """Every event read from a turn names it, so the audit quotes the words behind it."""
        events = harpervalley.convert(record)["events"]
        assert [e.get("turn") for e in events] == harpervalley.sources(record)


class TestAbcd:
    """Each ABCD chat: its turns, and its agent's buttons as events in the same order."""

    @abcd_chats
    def test_every_chat_converts(self, record: dict[str, Any]) -> None:
        """A chat transcript with the conversation's id and its customer."""
        transcript = abcd.convert(record)
        _shape(transcript)
        assert (str(record["convo_id"]), "chat") == (
            transcript["call_id"],
            transcript["channel"],
        )
        assert record["scenario"]["personal"]["customer_name"] == transcript["caller"]["name"]
        assert transcript["context"]["task"].startswith(record["scenario"]["flow"] + "/")

    @abcd_chats
    def test_turns_keep_the_words_and_their_order_without_times(
        self, record: dict[str, Any]
    ) -> None:
        """Every original turn, verbatim; customer -> caller, action -> system; no times."""
        names = {"agent": "agent", "customer": "caller", "action": "system"}
        expected = [(names[speaker], text, None, None) for speaker, text in record["original"]]
        turns = abcd.convert(record)["turns"]
        assert expected == [(t["speaker"], t["text"], t["start"], t["end"]) for t in turns]

    @abcd_chats
    def test_the_actions_are_events_in_the_same_order(self, record: dict[str, Any]) -> None:
        """One event a button, read from the button's own turn, in the chat's order."""
        actions = [
            (index, turn["targets"][2])
            for index, turn in enumerate(record["delexed"])
            if turn["targets"][1] == "take_action"
        ]
        transcript = abcd.convert(record)
        from_actions = [
            (source, event["event"])
            for event, source in zip(transcript["events"], abcd.sources(record), strict=True)
            if source is not None and transcript["turns"][source]["speaker"] == "system"
        ]
        expected = [(index, abcd.action_event(name, ["x"], "text")[0]) for index, name in actions]
        assert expected == from_actions
        assert all(float(source) == event["at"] for event, source in self._sourced(record))

    @staticmethod
    def _sourced(record: dict[str, Any]) -> list[tuple[dict[str, Any], int]]:
        transcript = abcd.convert(record)
        pairs = zip(transcript["events"], abcd.sources(record), strict=True)
        return [
            (event, source)
            for event, source in pairs
            if source is not None and event["event"] != "hang_up"  # after the last turn
        ]

    @abcd_chats
    def test_the_actions_taken_follow_their_kb_flow(self, record: dict[str, Any]) -> None:
        """The buttons kb.json requires for the subflow come in kb.json's order."""
        flow = abcd.load_kb(ABCD.parent / "kb.json")[abcd.subflow(record)]
        taken = [
            turn["targets"][2]
            for turn in record["delexed"]
            if turn["targets"][1] == "take_action" and turn["targets"][2] in flow
        ]
        assert [action for action in flow if action in taken] == list(dict.fromkeys(taken))

    def test_every_button_of_the_ontology_has_an_event(self) -> None:
        """Each of the ontology's 30 actions maps to a procedure event; others are refused."""
        with (ABCD.parent / "ontology.json").open(encoding="utf-8") as ontology:
            groups = json.load(ontology)["actions"]
        buttons = [button for group in groups.values() for button in group]
        events = {abcd.action_event(button, ["manager"], "text")[0] for button in buttons}
        assert 30 == len(buttons)
        assert events <= set(PROCEDURE.events)
        with pytest.raises(ValueError, match="'fly-to-the-moon' has no callflow event"):
            abcd.action_event("fly-to-the-moon", [], "text")


class TestEvents:
    """Both converters emit only the procedure's events."""

    def test_every_event_is_one_of_the_procedure(self) -> None:
        """Each event name is in PROCEDURE.events as the core has it now."""
        transcripts = [harpervalley.convert(r) for r in HVB_RECORDS]
        transcripts += [abcd.convert(r) for r in ABCD_RECORDS]
        names = {event["event"] for t in transcripts for event in t["events"]}
        assert set() == names - set(PROCEDURE.events)


class TestCommandLine:
    """main() writes one transcript a line, to stdout or a file."""

    def test_stdout(self, capsys: pytest.CaptureFixture[str]) -> None:
        """By default, the corpus beside the repository, to stdout."""
        assert 0 == harpervalley.main([])
        lines = capsys.readouterr().out.splitlines()
        assert [r["sid"] for r in HVB_RECORDS] == [json.loads(line)["call_id"] for line in lines]

    def test_a_file(self, tmp_path: Path) -> None:
        """A corpus named on the command line, to the file given with -o."""
        out = tmp_path / "abcd.jsonl"
        assert 0 == abcd.main([str(ABCD), "-o", str(out)])
        lines = out.read_text(encoding="utf-8").splitlines()
        assert [str(r["convo_id"]) for r in ABCD_RECORDS] == [
            json.loads(line)["call_id"] for line in lines
        ]


def _transcripts() -> list[tuple[ModuleType, dict[str, Any]]]:
    return [(harpervalley, r) for r in HVB_RECORDS] + [(abcd, r) for r in ABCD_RECORDS]


def _documented(actions: tuple[str, ...]) -> dict[str, Any]:
    """A chat that does exactly what kb.json says for a subflow, asking 'anything else?'."""
    needs = bool(abcd.VERIFYING & set(actions))
    events: list[dict[str, Any]] = [
        {"event": "answer", "at": 0.0},
        {"event": "listen", "at": 1.0, "problem": "a request", "needs_verification": needs},
    ]
    for position, action in enumerate(actions, start=2):
        name, arguments = abcd.action_event(action, ["manager"], f"{action} done")
        events.append({"event": name, "at": float(position), **arguments})
    end = float(len(events) + 1)
    events.append({"event": "goodbye", "at": end, "anything_else_asked": True})
    events.append({"event": "hang_up", "at": end + 1, "by": "unknown"})
    return {
        "call_id": "kb",
        "channel": "chat",
        "language": "en",
        "agent": {},
        "caller": {},
        "started_at": abcd.UNKNOWN_START,
        "turns": [],
        "events": events,
    }


class TestAudit:
    """Every converted conversation loads as a Transcript and audits; findings quote the agent."""

    @pytest.mark.parametrize(
        ("module", "record"),
        _transcripts(),
        ids=lambda value: getattr(value, "__name__", None) or "",
    )
    def test_it_loads_and_audits_quoting_only_the_agent(
        self, module: ModuleType, record: dict[str, Any]
    ) -> None:
        """from_dict reads the document back exactly; a finding's turn is the agent's, or none."""
        document = module.convert(record)
        transcript = Transcript.from_dict(document)
        assert len(document["events"]) == len(transcript.events)
        report = audit(transcript)
        turns = transcript.turns
        assert all(f.turn is None or turns[f.turn].speaker == "agent" for f in report.findings)
        assert set(report.codes) <= set(RULEBOOK)

    @abcd_chats
    def test_the_replayed_buttons_are_the_chats_in_order(self, record: dict[str, Any]) -> None:
        """The transcript's events read from button turns: one a button, in the chat's order."""
        transcript = Transcript.from_dict(abcd.convert(record))
        pairs = zip(transcript.events, abcd.sources(record), strict=True)
        replayed = [
            (source, event.event)
            for event, source in pairs
            if source is not None and transcript.turns[source].speaker == "system"
        ]
        expected = [
            (index, abcd.action_event(turn["targets"][2], ["x"], "text")[0])
            for index, turn in enumerate(record["delexed"])
            if turn["targets"][1] == "take_action"
        ]
        assert expected == replayed

    def test_no_documented_flow_acts_before_verifying(self) -> None:
        """Each kb.json flow, replayed as documented: never a CF205; the FAQ flows, no finding."""
        codes = {
            subflow: audit(Transcript.from_dict(_documented(actions))).codes
            for subflow, actions in abcd.load_kb(ABCD.parent / "kb.json").items()
        }
        assert [] == [subflow for subflow, found in codes.items() if "CF205" in found]
        faq = [subflow for subflow, actions in abcd.load_kb().items() if "select-faq" in actions]
        assert 8 == len(faq)
        assert {()} == {codes[subflow] for subflow in faq}
