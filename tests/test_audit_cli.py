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
        # rude: closing 75 (CF706 of its 4 items), the rest 100: (20*100+25*100+20*75)/65.
        assert (
            "  score 92.3, pass; sections: greeting and verification 100.0,"
            " listening and control n/a, resolution and escalation 100.0,"
            " hold and transfer n/a, closing 75.0, language n/a, documentation n/a"
        ) in out
        assert "  score 100.0, pass;" in out
        assert "  score 84.6, fail (CF205 fails the call outright);" in out
        assert "scorecard: 2 of 3 calls passed (66.7%), mean score 92.3" in out
        assert "agent Giulia: 2 of 2 calls passed, mean score 96.2; most frequent: CF706 x1" in out
        assert (
            "calls naming no agent: 0 of 1 calls passed, mean score 84.6; most frequent: CF205 x1"
        ) in out

    def test_below_the_pass_mark(
        self, scored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        config = tmp_path / "strict.toml"
        config.write_text("[scorecard]\npass-mark = 95\n", encoding="utf-8")
        status, out, _ = run(capsys, "--config", str(config), str(scored))
        assert status == 1
        assert "  score 92.3, fail (below 95);" in out
        assert "scorecard: 1 of 3 calls passed (33.3%)" in out

    def test_json(self, scored: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "--format", "json", str(scored))
        document = json.loads(out)
        assert status == 1
        rude = document["calls"][1]["score"]
        assert rude["score"] == pytest.approx(6000 / 65)
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
        assert summary["mean_score"] == pytest.approx((100 + 6000 / 65 + 1100 / 13) / 3)
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
