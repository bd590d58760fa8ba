"""The command line, the docs' diagram, the examples and the public surface."""

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import callflow
from callflow import mermaid
from callflow.cli import main

ROOT = Path(__file__).resolve().parents[1]


class TestCommandLine:
    def test_demo_prints_timeline_measures_outcome_findings(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """callflow demo walks every handling stage and prints the measures."""
        assert 0 == main(["demo"])
        out = capsys.readouterr().out
        for stage in callflow.HANDLING_STAGES:
            assert stage.name in out
        assert "Holds: 1 (total 0:35, longest 0:35)" in out
        assert "Outcome: resolved" in out
        assert "CF101" in out

    def test_diagram_prints_mermaid(self, capsys: pytest.CaptureFixture[str]) -> None:
        """callflow diagram prints the generated diagram."""
        assert 0 == main(["diagram"])
        assert mermaid() == capsys.readouterr().out

    def test_no_command_is_a_usage_error(self) -> None:
        """A missing command exits with argparse's usage error."""
        with pytest.raises(SystemExit) as caught:
            main([])
        assert 2 == caught.value.code

    def test_python_dash_m(self) -> None:
        """python -m callflow demo runs the same job."""
        done = subprocess.run(
            [sys.executable, "-m", "callflow", "demo"], capture_output=True, text=True, check=True
        )
        assert "Outcome: resolved" in done.stdout


class TestDiagram:
    def test_docs_copy_matches_generated_diagram(self) -> None:
        """docs/procedure.md carries the diagram exactly as generated from the table."""
        text = (ROOT / "docs" / "procedure.md").read_text(encoding="utf-8")
        found = re.search(r"```mermaid\n(.*?)```", text, re.DOTALL)
        assert found is not None
        assert mermaid() == found.group(1)

    def test_every_row_is_drawn(self) -> None:
        """Every event of the procedure appears in the diagram, every guard code too."""
        drawn = mermaid()
        for row in callflow.PROCEDURE.transitions:
            assert row.event in drawn
            for guard in row.guards:
                assert f"{row.event} [{guard.rule}]" in drawn


class TestExamples:
    @pytest.mark.parametrize(
        "script", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name
    )
    def test_example_runs(self, script: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Each example runs to the end and prints something."""
        runpy.run_path(str(script), run_name="__main__")
        assert capsys.readouterr().out.strip()

    def test_audit_example_finds_the_departures(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The audit example reports the departures its recording contains."""
        runpy.run_path(str(ROOT / "examples" / "audit_recorded_call.py"), run_name="__main__")
        out = capsys.readouterr().out
        for code in ("CF205", "CF001", "CF405", "CF702", "CF706"):
            assert code in out


class TestPublicSurface:
    def test_every_exported_name_exists(self) -> None:
        """Every name in __all__ can be imported from callflow."""
        for name in callflow.__all__:
            assert hasattr(callflow, name), name

    def test_typed_marker_ships(self) -> None:
        """py.typed is part of the package."""
        assert (Path(callflow.__file__).parent / "py.typed").exists()
