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
            label = row.event + "".join(f" [{guard.rule}]" for guard in row.guards)
            assert label in drawn


class TestExamples:
    @pytest.mark.parametrize(
        "script", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name
    )
    def test_example_runs(
        self, script: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each example runs to the end and prints something (run as with no arguments)."""
        monkeypatch.setattr(sys, "argv", [str(script)])
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


def _error_table() -> dict[str, str]:
    """docs/errors.md's table: each error's name and what its "also a" column says."""
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (.*?) \|", text, re.MULTILINE)
    return {name: also.strip("`") for name, also in rows}


class TestErrorsPage:
    """docs/errors.md lists every error class, with the built-in or parent it also is."""

    def test_every_error_class_is_listed(self) -> None:
        """The table has a row for each class errors.py exports, and none for others."""
        assert sorted(callflow.errors.__all__) == sorted(_error_table())

    @pytest.mark.parametrize("name", callflow.errors.__all__)
    def test_the_row_names_its_other_base(self, name: str) -> None:
        """ "also a" is the class's base other than CallflowError ("(none)" if it has none)."""
        kind = getattr(callflow.errors, name)
        others = [base.__name__ for base in kind.__bases__ if base is not callflow.CallflowError]
        assert (others[0] if others else "(none)") == _error_table()[name]

    def test_no_error_is_an_os_error(self) -> None:
        """An `except OSError` around I/O never catches a callflow error (AccessDeniedError)."""
        for name in callflow.errors.__all__:
            assert not issubclass(getattr(callflow.errors, name), OSError), name


class TestDocsIndex:
    def test_every_page_is_linked_from_the_index(self) -> None:
        """docs/index.md links every page of docs/, so none is found only by chance."""
        index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
        linked = set(re.findall(r"\]\(([\w-]+\.md)[#)]", index))
        pages = {page.name for page in (ROOT / "docs").glob("*.md")} - {"index.md"}
        assert sorted(pages) == sorted(linked & pages)

    def test_the_readme_points_to_the_index(self) -> None:
        """README.md sends readers to docs/index.md for the full list."""
        assert "(docs/index.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
