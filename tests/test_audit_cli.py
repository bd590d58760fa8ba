"""``callflow audit``: reports, summary, JSON, selection, exit codes, stdin, processes."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from tests.audit_transcripts import resolved_call, transcript

from callflow.cli import main


def agent_hangs_up() -> list[dict[str, Any]]:
    return [{**e, "by": "agent"} if e["event"] == "hang_up" else e for e in resolved_call()]


def lines(*documents: dict[str, Any]) -> str:
    return "".join(json.dumps(document) + "\n" for document in documents)


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    path = tmp_path / "calls.jsonl"
    path.write_text(
        lines(
            transcript(resolved_call(), call_id="good"),
            transcript(agent_hangs_up(), call_id="rude"),
        ),
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["audit", "--no-progress", *argv])
    out, err = capsys.readouterr()
    return status, out, err


class TestReport:
    def test_findings_and_summary(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, err = run(capsys, str(calls))
        assert status == 1  # CF706 is of error severity
        assert "good (phone, en, agent Giulia): no findings" in out
        assert "rude (phone, en, agent Giulia): 1 finding" in out
        assert "CF706 error" in out
        assert "the agent hung up before the caller" in out
        assert "2 calls audited, 1 with findings, 1 findings; 0 unusable inputs" in out
        assert "most frequent: CF706 x1" in out
        assert err == ""

    def test_json(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "--format", "json", str(calls))
        document = json.loads(out)
        assert status == 1
        assert [c["call_id"] for c in document["calls"]] == ["good", "rude"]
        assert document["calls"][1]["findings"][0]["code"] == "CF706"
        assert document["summary"]["calls_with_findings"] == 1
        assert document["summary"]["most_frequent"] == [{"code": "CF706", "count": 1}]
        assert document["unusable"] == []

    def test_ignore_makes_it_clean(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "--ignore", "CF7", str(calls))
        assert status == 0
        assert "1 with findings" not in out

    def test_select(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "--select", "CF2,CF4", str(calls))[0] == 0
        assert run(capsys, "--select", "CF706", str(calls))[0] == 1

    def test_config_file(
        self, calls: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = tmp_path / "callflow.toml"
        config.write_text('ignore = ["CF706"]\n', encoding="utf-8")
        assert run(capsys, "--config", str(config), str(calls))[0] == 0

    def test_pyproject_in_the_working_directory(
        self,
        calls: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        (tmp_path / "pyproject.toml").write_text(
            '[tool.callflow]\nignore = ["CF7"]\n', encoding="utf-8"
        )
        monkeypatch.chdir(tmp_path)
        assert run(capsys, str(calls))[0] == 0


def unverified() -> list[dict[str, Any]]:
    """A call whose agent fixes the account without verifying the caller: CF205."""
    return [e for e in resolved_call() if e["event"] != "identify"]


class TestScorecard:
    """Per call the score, pass/fail and the sections; in the summary pass rate, mean, agents."""

    @pytest.fixture
    def scored(self, tmp_path: Path) -> Path:
        nameless = transcript(unverified(), call_id="unverified")
        nameless["agent"] = {"name": None, "id": None}
        path = tmp_path / "scored.jsonl"
        path.write_text(
            lines(
                transcript(resolved_call(), call_id="good"),
                transcript(agent_hangs_up(), call_id="rude"),
                nameless,
            ),
            encoding="utf-8",
        )
        return path

    def test_text(self, scored: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, str(scored))
        assert status == 1  # the exit status is the findings', not the score's
        # rude: closing 75 (CF706 of its 4 items), the rest 100:
        # (20*100 + 25*100 + 20*75 + 10*100) / 75 (greeting, resolution, closing, language).
        assert (
            "  score 93.3, pass; sections: greeting and verification 100.0,"
            " listening and control n/a, resolution and escalation 100.0,"
            " hold and transfer n/a, closing 75.0, language 100.0, documentation n/a"
        ) in out
        assert "  score 100.0, pass;" in out
        assert "  score 86.7, fail (CF205 fails the call outright);" in out
        assert "scorecard: 2 of 3 calls passed (66.7%), mean score 93.3" in out
        assert "agent Giulia: 2 of 2 calls passed, mean score 96.7; most frequent: CF706 x1" in out
        assert (
            "calls naming no agent: 0 of 1 calls passed, mean score 86.7; most frequent: CF205 x1"
        ) in out

    def test_below_the_pass_mark(
        self, scored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = tmp_path / "strict.toml"
        config.write_text("[scorecard]\npass-mark = 95\n", encoding="utf-8")
        status, out, _ = run(capsys, "--config", str(config), str(scored))
        assert status == 1
        assert "  score 93.3, fail (below 95);" in out
        assert "scorecard: 1 of 3 calls passed (33.3%)" in out

    def test_json(self, scored: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "--format", "json", str(scored))
        document = json.loads(out)
        assert status == 1
        rude = document["calls"][1]["score"]
        assert rude["score"] == pytest.approx(7000 / 75)
        assert rude["passed"] is True
        assert rude["sections"]["closing"] == 75.0
        assert rude["sections"]["hold and transfer"] is None
        assert rude["failed"] == [
            {
                "code": "CF706",
                "section": "closing",
                "severity": "error",
                "fails_outright": False,
            }
        ]
        assert document["calls"][2]["score"]["failed_outright"] == ["CF205"]
        summary = document["summary"]
        assert (summary["calls_scored"], summary["calls_passed"]) == (3, 2)
        assert summary["pass_rate"] == pytest.approx(2 / 3)
        assert summary["mean_score"] == pytest.approx((100 + 7000 / 75 + 6500 / 75) / 3)
        assert [(a["agent"], a["calls"], a["calls_passed"]) for a in summary["agents"]] == [
            ("Giulia", 2, 2),
            (None, 1, 0),
        ]
        assert summary["agents"][0]["most_frequent"] == [{"code": "CF706", "count": 1}]

    def test_ignored_codes_are_not_scored(
        self, scored: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, "--format", "json", "--ignore", "CF205", str(scored))
        unverified = json.loads(out)["calls"][2]["score"]
        assert unverified["passed"] is True
        assert unverified["score"] == 100.0


class TestInput:
    def test_bad_lines_are_reported_and_the_run_goes_on(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "mixed.jsonl"
        bad = transcript(resolved_call(), call_id="bad")
        bad["channel"] = "fax"
        path.write_text(
            lines(transcript(resolved_call(), call_id="one"))
            + "{not json\n\n"
            + lines(bad, transcript(agent_hangs_up(), call_id="two")),
            encoding="utf-8",
        )
        status, out, err = run(capsys, str(path))
        assert status == 2
        assert f"{path}:2:" in err
        assert f"{path}:4:" in err
        assert "call 'bad'" in err
        assert "channel" in err
        assert "2 calls audited" in out
        assert "2 unusable inputs" in out

    def test_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(lines(transcript(agent_hangs_up()))))
        status, out, _ = run(capsys, "-")
        assert status == 1
        assert "CF706" in out

    def test_a_json_list_and_a_pretty_object(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        listed = tmp_path / "list.json"
        listed.write_text(
            json.dumps([transcript(resolved_call(), call_id=f"c{i}") for i in range(3)])
        )
        pretty = tmp_path / "one.json"
        pretty.write_text(json.dumps(transcript(agent_hangs_up(), call_id="pretty"), indent=2))
        status, out, _ = run(capsys, str(listed), str(pretty))
        assert status == 1
        assert "4 calls audited" in out
        assert "pretty (phone" in out

    def test_unreadable_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, _, err = run(capsys, str(tmp_path / "missing.jsonl"))
        assert status == 2
        assert "cannot be read" in err

    def test_bad_options(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, _, err = run(capsys, "--select", "XX", str(calls))
        assert status == 2
        assert "--select[0]" in err
        status, _, err = run(capsys, "--jobs", "0", str(calls))
        assert status == 2
        assert "--jobs" in err
        status, _, err = run(capsys, "--config", str(calls.parent / "none.toml"), str(calls))
        assert status == 2
        assert "cannot be read" in err


class TestProcesses:
    def test_jobs_give_the_same_report(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "many.jsonl"
        documents = [
            transcript(agent_hangs_up() if i % 3 else resolved_call(), call_id=f"c{i}")
            for i in range(150)
        ]
        path.write_text(lines(*documents), encoding="utf-8")
        one = run(capsys, "--format", "json", str(path))
        two = run(capsys, "--format", "json", "--jobs", "2", str(path))
        assert one == two
        assert json.loads(one[1])["summary"]["calls_with_findings"] == 100


def test_help_lists_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["-h"])
    assert "audit" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["audit", "-h"])
    out = capsys.readouterr().out
    assert "--select" in out
    assert "Exit status" in out


def anonymous(events: list[dict[str, Any]], call_id: str) -> dict[str, Any]:
    """A transcript without the agent's name, whose turns carry no times."""
    document = transcript(events, call_id=call_id, turns=[{"speaker": "agent", "text": "Hello."}])
    document["agent"] = {"name": None, "id": None}
    return document


HANGS_UP_AT_ONCE = [{"event": "answer", "at": 2}, {"event": "hang_up", "at": 5, "by": "agent"}]


# Scores by hand: "good" 100; "rude" loses one of closing's four items (CF706):
# (20 x 100 + 25 x 100 + 20 x 75 + 10 x 100) / 75 = 93.333333 (greeting, resolution,
# closing and language weights; the language items apply to the agent's words).
SCORES = {"rude": 7000 / 75, "mean": pytest.approx((100 + 7000 / 75) / 2, abs=1e-6)}

# The sections of a call with events and no hold, transfer or word rule to judge.
CLEAN_SECTIONS = (
    "sections: greeting and verification 100.0, listening and control n/a, resolution and"
    " escalation 100.0, hold and transfer n/a, closing 100.0, language 100.0, documentation n/a"
)


class TestOutputInFull:
    def test_the_text_report(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, str(calls)) == (
            1,
            "good (phone, en, agent Giulia): no findings\n"
            f"  score 100.0, pass; {CLEAN_SECTIONS}\n"
            "rude (phone, en, agent Giulia): 1 finding\n"
            # closing: 3 of its 4 items (CF701, CF702, CF705, CF706) kept; weights 20/25/20/10
            "  score 93.3, pass; sections: greeting and verification 100.0, listening and"
            " control n/a, resolution and escalation 100.0, hold and transfer n/a,"
            " closing 75.0, language 100.0, documentation n/a\n"
            "  CF706 error turn 0: the agent hung up before the caller"
            ' "ACME IT, Giulia speaking."\n'
            "\n"
            "2 calls audited, 1 with findings, 1 findings; 0 unusable inputs\n"
            "scorecard: 2 of 2 calls passed (100.0%), mean score 96.7\n"
            "most frequent: CF706 x1\n"
            "agent Giulia: 2 of 2 calls passed, mean score 96.7; most frequent: CF706 x1\n",
            "",
        )

    def test_unplaced_findings_of_an_anonymous_agent(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "anon.jsonl"
        path.write_text(lines(anonymous(HANGS_UP_AT_ONCE, "anon")), encoding="utf-8")
        status, out, _ = run(capsys, str(path))
        assert status == 1
        assert out == (
            "anon (phone, en): 4 findings\n"
            # resolution: CF001 failed, CF405 kept (50); closing: CF701 kept of 4 (25)
            "  score 63.3, fail (below 80); sections: greeting and verification 100.0,"
            " listening and control n/a, resolution and escalation 50.0, hold and transfer"
            " n/a, closing 25.0, language 100.0, documentation n/a\n"
            "  CF001 error: 'hang_up' is not part of the procedure in stage GREETING\n"
            "  CF705 error: the call ended with no fix, assignment, answer or request done\n"
            "  CF702 error: the call ended without asking if there was anything else\n"
            "  CF706 error: the agent hung up before the caller\n"
            "\n"
            "1 calls audited, 1 with findings, 4 findings; 0 unusable inputs\n"
            "scorecard: 0 of 1 calls passed (0.0%), mean score 63.3\n"
            "most frequent: CF001 x1, CF705 x1, CF702 x1, CF706 x1\n"
            "calls naming no agent: 0 of 1 calls passed, mean score 63.3;"
            " most frequent: CF001 x1, CF705 x1, CF702 x1, CF706 x1\n"
        )

    def test_no_finding_no_frequency_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "good.jsonl"
        path.write_text(lines(transcript(resolved_call(), call_id="good")), encoding="utf-8")
        assert run(capsys, str(path)) == (
            0,
            "good (phone, en, agent Giulia): no findings\n"
            f"  score 100.0, pass; {CLEAN_SECTIONS}\n"
            "\n"
            "1 calls audited, 0 with findings, 0 findings; 0 unusable inputs\n"
            "scorecard: 1 of 1 calls passed (100.0%), mean score 100.0\n"
            "agent Giulia: 1 of 1 calls passed, mean score 100.0; most frequent: no findings\n",
            "",
        )

    def test_the_json_report(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, err = run(capsys, "--format", "json", str(calls))
        assert (status, err) == (1, "")
        assert out.startswith('{\n  "calls": [\n')
        assert out.endswith("}\n")
        document = json.loads(out)
        assert document["summary"] == {
            "calls": 2,
            "calls_with_findings": 1,
            "calls_with_errors": 1,
            "findings": 1,
            "unusable": 0,
            "most_frequent": [{"code": "CF706", "count": 1}],
            "calls_scored": 2,
            "calls_passed": 2,
            "pass_rate": 1.0,
            "mean_score": SCORES["mean"],
            "agents": [
                {
                    "agent": "Giulia",
                    "calls": 2,
                    "calls_scored": 2,
                    "calls_passed": 2,
                    "pass_rate": 1.0,
                    "mean_score": SCORES["mean"],
                    "most_frequent": [{"code": "CF706", "count": 1}],
                }
            ],
        }
        assert document["calls"][1] == {
            "call_id": "rude",
            "channel": "phone",
            "language": "en",
            "agent": "Giulia",
            "findings": [
                {
                    "code": "CF706",
                    "severity": "error",
                    "message": "the agent hung up before the caller",
                    "event_index": 9,
                    "event": "hang_up",
                    "stage": "goodbye",
                    "turn": 0,
                    "evidence": "ACME IT, Giulia speaking.",
                }
            ],
            "score": document["calls"][1]["score"],  # in full in tests/test_scorecard.py
        }
        assert document["calls"][1]["score"]["score"] == pytest.approx(SCORES["rude"])

    def test_json_keeps_text_as_it_is(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "pt.jsonl"
        path.write_text(lines(transcript(resolved_call(), call_id="ligação-1")), encoding="utf-8")
        _, out, _ = run(capsys, "--format", "json", str(path))
        assert '"call_id": "ligação-1"' in out

    def test_the_ten_most_frequent_codes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Eleven codes found: the ten most frequent are listed, the most frequent first."""
        troubleshooting_long = [
            {"event": "answer", "at": 2},
            {"event": "listen", "at": 20, "problem": "x"},
            {"event": "troubleshoot", "at": 30},
            {"event": "troubleshoot", "at": 900},
            {"event": "propose", "at": 1000, "plan": "p"},
            {"event": "transfer", "at": 1100, "to": "X"},
        ]
        holding = [
            {"event": "answer", "at": 2},
            {"event": "hold", "at": 20},
            {"event": "resume", "at": 200},
            {"event": "goodbye", "at": 300},
            {"event": "hang_up", "at": 301, "by": "agent"},
        ]
        unverified = [
            {"event": "answer", "at": 2},
            {"event": "listen", "at": 20, "problem": "x"},
            {"event": "inform", "at": 30, "answer": "y"},
            {"event": "goodbye", "at": 40},
            {"event": "hang_up", "at": 50, "by": "caller"},
        ]
        path = tmp_path / "many.jsonl"
        path.write_text(
            lines(
                *(
                    transcript(events, call_id=f"c{i}")
                    for i, events in enumerate(
                        (HANGS_UP_AT_ONCE, troubleshooting_long, holding, unverified)
                    )
                )
            ),
            encoding="utf-8",
        )
        _, out, _ = run(capsys, "--format", "json", str(path))
        summary = json.loads(out)["summary"]
        assert (summary["calls"], summary["calls_with_findings"], summary["findings"]) == (
            4,
            4,
            19,  # the early goodbye's CF001 stands for the unresolved end: no CF705 again
        )
        frequent = [(c["code"], c["count"]) for c in summary["most_frequent"]]
        assert frequent == [
            ("CF001", 3),
            ("CF702", 3),
            ("CF506", 3),
            ("CF706", 2),
            ("CF502", 2),
            ("CF705", 1),
            ("CF406", 1),
            ("CF405", 1),
            ("CF505", 1),
            ("CF504", 1),
        ]

    def test_warnings_alone_exit_0(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "slow.jsonl"
        slow = [
            {**e, "at": e["at"] + 610} if e["at"] >= 90 else e for e in resolved_call()
        ]  # CF406, a warning
        path.write_text(lines(transcript(slow, call_id="slow")), encoding="utf-8")
        status, out, _ = run(capsys, "--format", "json", str(path))
        summary = json.loads(out)["summary"]
        assert (status, summary["calls_with_findings"], summary["calls_with_errors"]) == (0, 1, 0)


class TestInputInFull:
    def test_unusable_inputs_in_full(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "mixed.jsonl"
        bad = transcript(resolved_call(), call_id="bad")
        bad["channel"] = "fax"
        path.write_text(
            "\n" + lines(bad, transcript(agent_hangs_up(), call_id="two")), encoding="utf-8"
        )
        binary = tmp_path / "binary.jsonl"
        binary.write_bytes(b"\xff\xfe{}\n")
        missing = tmp_path / "missing.jsonl"
        status, out, err = run(capsys, "--format", "json", str(path), str(binary), str(missing))
        assert status == 2  # unusable input outweighs an error finding
        document = json.loads(out)
        assert [call["call_id"] for call in document["calls"]] == ["two"]
        problems = document["unusable"]
        assert problems[:2] == [
            {
                "file": str(binary),
                "line": None,
                "call_id": None,
                "field": None,
                "message": "cannot be read: is not UTF-8 text",
            },
            {
                "file": str(missing),
                "line": None,
                "call_id": None,
                "field": None,
                "message": "cannot be read: No such file or directory",
            },
        ]
        (third,) = problems[2:]
        assert (third["file"], third["line"], third["call_id"], third["field"]) == (
            str(path),
            2,
            "bad",
            "channel",
        )
        assert err == "".join(
            f"{p['file']}{'' if p['line'] is None else ':' + str(p['line'])}: {p['message']}\n"
            for p in problems
        )
        assert err.startswith(f"{binary}: cannot be read: is not UTF-8 text\n")
        assert f"\n{path}:2: call 'bad'" in err
        assert document["summary"]["unusable"] == 3

    def test_a_list_names_each_entry(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "list.json"
        path.write_text(
            "  \n" + json.dumps([transcript(resolved_call()), {"call_id": "half"}]),
            encoding="utf-8",
        )
        status, out, err = run(capsys, "--format", "json", str(path))
        assert status == 2
        (problem,) = json.loads(out)["unusable"]
        assert (problem["file"], problem["line"], problem["call_id"]) == (
            f"{path}[1]",
            None,
            "half",
        )
        assert err.startswith(f"{path}[1]: ")

    def test_an_object_that_is_not_a_transcript(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "one.json"
        path.write_text(json.dumps({"call_id": "lone"}, indent=2), encoding="utf-8")
        status, out, _ = run(capsys, "--format", "json", str(path))
        (problem,) = json.loads(out)["unusable"]
        assert (status, problem["file"], problem["line"], problem["call_id"]) == (
            2,
            str(path),
            None,
            "lone",
        )

    @pytest.mark.parametrize(
        "text",
        [
            "[" * 100_000 + "]" * 100_000 + "\n",  # too deep to parse as one document
            '["an unfinished list"\n',
            "42\n",
        ],
    )
    def test_text_that_is_no_document_is_read_as_lines(
        self, tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "odd.jsonl"
        path.write_text(text, encoding="utf-8")
        status, out, err = run(capsys, "--format", "json", str(path))
        (problem,) = json.loads(out)["unusable"]
        assert (status, problem["file"], problem["line"]) == (2, str(path), 1)
        assert err.startswith(f"{path}:1: ")

    def test_stdin_is_named(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("\n{not json\n"))
        status, out, err = run(capsys, "-")
        assert status == 2
        assert err.startswith("<stdin>:2: ")
        assert "0 calls audited, 0 with findings, 0 findings; 1 unusable inputs\n" in out

    def test_a_list_on_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        document = json.dumps([{"call_id": "x"}])
        monkeypatch.setattr("sys.stdin", io.StringIO(document))
        _, _, err = run(capsys, "-")
        assert err.startswith("<stdin>[0]: ")


class TestOptionsInFull:
    def test_ignore_adds_to_the_configurations(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "calls.jsonl"
        events = [e for e in agent_hangs_up() if e["event"] != "diagnose"]
        path.write_text(lines(transcript(events)), encoding="utf-8")
        config = tmp_path / "callflow.toml"
        config.write_text('ignore = ["CF706"]\n', encoding="utf-8")
        _, out, _ = run(capsys, "--format", "json", "--config", str(config), str(path))
        frequent = json.loads(out)["summary"]["most_frequent"]
        assert {c["code"] for c in frequent} == {"CF001", "CF405"}
        status, out, _ = run(
            capsys, "--config", str(config), "--ignore", " CF405 , ,CF001", str(path)
        )
        assert status == 0
        assert "0 with findings" in out

    def test_select_replaces_the_configurations(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "calls.jsonl"
        events = [e for e in agent_hangs_up() if e["event"] != "diagnose"]
        path.write_text(lines(transcript(events)), encoding="utf-8")
        config = tmp_path / "callflow.toml"
        config.write_text('select = ["CF706"]\n', encoding="utf-8")
        _, out, _ = run(capsys, "--format", "json", "--config", str(config), str(path))
        assert json.loads(out)["summary"]["most_frequent"] == [{"code": "CF706", "count": 1}]
        _, out, _ = run(
            capsys, "--format", "json", "--config", str(config), "--select", "CF4", str(path)
        )
        assert json.loads(out)["summary"]["most_frequent"] == [{"code": "CF405", "count": 1}]

    def test_option_errors_in_full(self, calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "--select", "CF2, XX", str(calls)) == (
            2,
            "",
            "callflow audit: '--select[1]' must be a rule code or a prefix of one,"
            " such as 'CF2' or 'CF205' (got 'XX')\n",
        )
        assert run(capsys, "--ignore", "CF2,3", str(calls))[2] == (
            "callflow audit: '--ignore[1]' must be a rule code or a prefix of one,"
            " such as 'CF2' or 'CF205' (got '3')\n"
        )
        assert run(capsys, "--jobs", "0", str(calls)) == (
            2,
            "",
            "callflow audit: --jobs must be 1 or more (got 0)\n",
        )
        missing = calls.parent / "none.toml"
        assert run(capsys, "--config", str(missing), str(calls)) == (
            2,
            "",
            f"callflow audit: 'path' cannot be read: No such file or directory (got '{missing}')\n",
        )

    def test_a_pyproject_beside_is_read_unless_a_config_is_named(
        self,
        calls: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        (tmp_path / "pyproject.toml").write_text(
            '[tool.callflow]\nignore = ["CF7"]\n', encoding="utf-8"
        )
        other = tmp_path / "other.toml"
        other.write_text('ignore = ["CF2"]\n', encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        assert run(capsys, str(calls))[0] == 0
        assert run(capsys, "--config", str(other), str(calls))[0] == 1

    def test_a_pyproject_that_is_a_folder_is_not_read(
        self,
        calls: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        (tmp_path / "pyproject.toml").mkdir()
        monkeypatch.chdir(tmp_path)
        assert run(capsys, str(calls))[0] == 1

    def test_the_help(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COLUMNS", "300")
        with pytest.raises(SystemExit) as caught:
            main(["audit", "--help"])
        assert caught.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(
            "usage: callflow audit [-h] [--format {text,json}] [--select CODES] [--ignore CODES]"
            " [--config PATH] [--jobs N] [--no-progress] FILE [FILE ...]\n"
        )
        for text in (
            "Audit recorded calls: every departure from the procedure is a finding.",
            "Exit status: 0 no error finding, 1 a call has an error finding, 2 unusable input.",
            "FILE                  JSON or JSON Lines; - for stdin",
            "--select CODES        comma-separated code prefixes to report",
            "--ignore CODES        comma-separated code prefixes to leave out",
            "--config PATH         a TOML file, or a pyproject.toml with [tool.callflow]"
            " (default: ./pyproject.toml)",
            "--jobs N              audit in N processes",
            "--no-progress         never draw a progress bar",
        ):
            assert text in out

    def test_defaults(self) -> None:
        from callflow.audit.cli import parser

        args = parser().parse_args(["a.jsonl"])
        assert (args.files, args.format, args.select, args.ignore, args.config) == (
            ["a.jsonl"],
            "text",
            None,
            None,
            None,
        )
        assert (args.jobs, args.no_progress) == (1, False)
        with pytest.raises(SystemExit):
            parser().parse_args(["--format", "xml", "a.jsonl"])


class Terminal(io.StringIO):
    """Standard error as a terminal."""

    def isatty(self) -> bool:
        return True


class TestProgress:
    def audit(self, tmp_path: Path, count: int, *options: str) -> str:
        from callflow.audit.cli import parser, run_audit

        path = tmp_path / "many.jsonl"
        path.write_text("\n" * count, encoding="utf-8")  # blank lines: nothing to audit
        path.write_text("{}\n" * count, encoding="utf-8")  # each unusable, quickly
        err = Terminal()
        assert run_audit(parser().parse_args([*options, str(path)]), io.StringIO(), err) == 2
        return err.getvalue()

    def test_a_bar_for_a_long_run_on_a_terminal(self, tmp_path: Path) -> None:
        drawn = self.audit(tmp_path, 200)
        assert "| 0/200 [" in drawn
        assert "call/s]" in drawn

    def test_no_bar_for_a_short_run(self, tmp_path: Path) -> None:
        assert "199/199" not in self.audit(tmp_path, 199)
        assert "/199" not in self.audit(tmp_path, 199)

    def test_no_bar_when_asked(self, tmp_path: Path) -> None:
        assert "/200" not in self.audit(tmp_path, 200, "--no-progress")

    def test_no_bar_off_a_terminal(self, tmp_path: Path) -> None:
        from callflow.audit.cli import parser, run_audit

        path = tmp_path / "many.jsonl"
        path.write_text("{}\n" * 200, encoding="utf-8")
        err = io.StringIO()
        run_audit(parser().parse_args([str(path)]), io.StringIO(), err)
        assert "/200" not in err.getvalue()


def test_jobs_audit_with_the_configuration(calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The worker processes are given the run's configuration, not the defaults."""
    status, out, _ = run(capsys, "--jobs", "2", "--ignore", "CF7", "--format", "json", str(calls))
    assert status == 0
    assert json.loads(out)["summary"]["findings"] == 0
