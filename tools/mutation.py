"""Mutation testing of callflow's core modules, each against its own test files.

Run from the repository root, in the development virtualenv, after installing
mutmut (it is not a CI dependency, nor part of the ``dev`` extra)::

    .venv/bin/pip install mutmut
    .venv/bin/python tools/mutation.py                     # every module below
    .venv/bin/python tools/mutation.py sla phones          # some of them
    .venv/bin/python tools/mutation.py --keep /tmp/mutants # keep the runs to browse

Each module is mutated in a fresh copy of ``src/``, ``tests/``, ``docs/schemas/``
and ``pyproject.toml`` in a temporary folder, so nothing is written in the
repository, and mutmut is configured there (a ``setup.cfg``) to mutate that
module only and to run only its own test files: a mutant counts as killed only
if the module's own tests notice it, not if it happens to break some other
part of the suite.

The score of a module is the share of its mutants killed (a mutant that makes
the tests time out counts as killed), leaving out the equivalent mutants
listed in ``docs/mutation.md``: mutants that change no observable behaviour,
each listed with the code it writes and the reason. A listed mutant is set
aside only while mutmut still makes that very change under that name, so a
list gone stale after an edit shows up as survivors and a warning.

The exit status is 1 if a module scores under ``--fail-under`` (90 by default).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent

MODULES: Mapping[str, tuple[str, ...]] = {
    "table": ("tests/test_table.py",),
    "quality": ("tests/test_quality.py",),
    "lifecycle": ("tests/test_lifecycle.py",),
    "phones": ("tests/test_phones.py",),
    "sla": ("tests/test_sla.py",),
    "calendars": ("tests/test_calendars.py",),
    "clock": ("tests/test_clock.py", "tests/test_boundaries.py"),
    "records": ("tests/test_records.py", "tests/test_boundaries.py"),
    "documents": ("tests/test_documents.py", "tests/test_boundaries.py", "tests/test_messages.py"),
    "_replay": (
        "tests/test_replay.py",
        "tests/test_boundaries.py",
        "tests/test_call.py",
        "tests/test_call_tickets.py",
    ),
    "_casework": (
        "tests/test_casework.py",
        "tests/test_call_tickets.py",
        "tests/test_call_messages.py",
        "tests/test_refusals.py",
    ),
    "book": ("tests/test_book.py", "tests/test_refusals.py"),
    "events": ("tests/test_records.py", "tests/test_snapshot.py", "tests/test_replay.py"),
    "snapshot": ("tests/test_snapshot.py", "tests/test_snapshot_schema.py"),
    # Not tests/test_schema.py: it checks the generated schemas (_schema.py), and
    # takes longer alone than these four together.
    "codec": (
        "tests/test_messages.py",
        "tests/test_boundaries.py",
        "tests/test_snapshot.py",
        "tests/test_ticket_documents.py",
    ),
    "_storage": ("tests/test_store.py",),
    "store": ("tests/test_store.py",),
    "_recorder": (
        "tests/test_call.py",
        "tests/test_holds.py",
        "tests/test_threads.py",
        "tests/test_desk.py",
    ),
    # The audit package: a dotted name is a module of a subpackage (audit.config is
    # src/callflow/audit/config.py). The markdown files are the docs' doctests.
    "audit.config": ("tests/test_audit_config.py", "docs/audit.md"),
    "audit.rulebook": ("tests/test_rulebook.py", "tests/test_audit.py", "docs/audit.md"),
    "audit.checks": ("tests/test_audit.py", "tests/test_rulebook.py", "docs/audit.md"),
    "audit.engine": ("tests/test_audit.py", "docs/audit.md"),
    "audit.cli": ("tests/test_audit_cli.py",),
    "audit._documents": (
        "tests/test_transcript.py",
        "tests/test_fast_paths.py",
        "docs/transcripts.md",
    ),
    "audit._parts": ("tests/test_transcript.py", "tests/test_fast_paths.py", "docs/transcripts.md"),
    "audit.transcript": ("tests/test_transcript.py", "docs/transcripts.md"),
    "audit._lines": ("tests/test_transcript.py", "docs/transcripts.md"),
    "audit._arguments": ("tests/test_transcript.py", "docs/transcripts.md"),
    "audit._fields": ("tests/test_transcript.py", "docs/transcripts.md"),
    "audit.scorecard": ("tests/test_scorecard.py", "docs/audit.md"),
}
"""Each module of ``src/callflow`` that is mutation-tested, with its own test files."""

EQUIVALENTS_PAGE = "docs/mutation.md"

# Hypothesis, as mutmut runs it: the same tests several times in one process
# (differing executors), reproducible examples, no example database shared
# between mutants. tests/conftest.py loads the profile named in HYPOTHESIS_PROFILE.
_CONFTEST = """\
from hypothesis import HealthCheck, settings

settings.register_profile(
    "mutation",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
"""

_SETUP_CFG = """\
[mutmut]
source_paths = src/
only_mutate = {source}
pytest_add_cli_args_test_selection =
{tests}
also_copy =
    conftest.py
    docs
"""

# A row of the page's table: | `mutant name` | `the code it writes` | reason |
_ROW = re.compile(
    r"^\|\s*`(?P<name>callflow\.[^`]+)`\s*\|\s*`(?P<change>.+?)`\s*\|(?P<reason>.+)\|\s*$"
)
_KILLED = frozenset({"killed", "timeout", "killed on disk"})
_RECHECK_TIMEOUT = 600  # seconds: far more than any module's tests take


class Equivalent(NamedTuple):
    """A mutant set aside: the code it writes, and why that changes nothing observable."""

    change: str
    reason: str


class Score(NamedTuple):
    """The outcome of one module's run."""

    module: str
    statuses: Counter[str]
    set_aside: int

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def killed(self) -> int:
        return sum(self.statuses[status] for status in _KILLED)

    @property
    def percent(self) -> float:
        counted = self.total - self.set_aside
        return 100.0 * self.killed / counted if counted else 100.0


def read_equivalents(page: Path) -> dict[str, Equivalent]:
    """The equivalent mutants listed in ``page``'s table rows: name, change, reason."""
    equivalents: dict[str, Equivalent] = {}
    if not page.exists():
        return equivalents
    for line in page.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if row:
            change = row["change"].replace("\\|", "|")
            equivalents[row["name"]] = Equivalent(change, row["reason"].strip())
    return equivalents


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["HYPOTHESIS_PROFILE"] = "mutation"
    return env


def _mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def source_of(module: str) -> str:
    """The module's source file, relative to the repository: ``audit.config`` is in ``audit/``."""
    return f"src/callflow/{module.replace('.', '/')}.py"


def prepare(root: Path, folder: Path, module: str) -> None:
    """Copy what the module's tests need into ``folder``, with mutmut's configuration."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(root / "src", folder / "src", ignore=ignore)
    shutil.copytree(root / "tests", folder / "tests", ignore=ignore)
    shutil.copy2(root / "pyproject.toml", folder / "pyproject.toml")
    # tests/test_snapshot.py checks that the docs carry the schemas the package ships,
    # test_rulebook.py that docs/rules.md carries the rulebook; some modules are
    # tested by their page's doctests too.
    shutil.copytree(root / "docs", folder / "docs", ignore=ignore)
    (folder / "conftest.py").write_text(_CONFTEST, encoding="utf-8")
    tests = "\n".join(f"    {path}" for path in MODULES[module])
    (folder / "setup.cfg").write_text(
        _SETUP_CFG.format(source=source_of(module), tests=tests), encoding="utf-8"
    )


def statuses_of(folder: Path) -> dict[str, str]:
    """Each mutant's status, as ``mutmut results`` tells it."""
    listing = _mutmut(folder, "results", "--all=true").stdout
    statuses = {}
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            statuses[name] = status
    return statuses


# ``mutmut apply`` (mutmut 3.8) finds the function to replace by its bare name: a mutant
# of ``SqliteCallStore.__init__`` is written over the first ``__init__`` in the file,
# another class's. Applied through this script, it replaces its own class's method (or
# the top-level function, for a mutant of one).
_APPLY = """\
import sys

import libcst as cst
from mutmut.__main__ import cli
from mutmut.mutation import diff_apply
from mutmut.utils.format_utils import orig_function_and_class_names_from_key

name = sys.argv[1]
_, owner = orig_function_and_class_names_from_key(name)
by_bare_name = diff_apply.find_top_level_function_or_method


def find(module, wanted):
    bare = wanted.split(".")[-1]
    if "__mutmut" in bare:  # mutmut's own mangled names are unique in the file
        return by_bare_name(module, wanted)
    for child in module.body:
        if owner is None and isinstance(child, cst.FunctionDef) and child.name.value == bare:
            return child
        if owner is not None and isinstance(child, cst.ClassDef) and child.name.value == owner:
            for method in child.body.body:
                if isinstance(method, cst.FunctionDef) and method.name.value == bare:
                    return method
    return None


diff_apply.find_top_level_function_or_method = find
cli(["apply", name])
"""


def apply_mutant(folder: Path, name: str) -> bool:
    """Write the mutant ``name`` into the copy's source; whether that worked."""
    applied = subprocess.run(
        [sys.executable, "-c", _APPLY, name],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    return applied.returncode == 0


def killed_on_disk(folder: Path, module: str, name: str) -> bool:
    """Whether the module's tests fail, run afresh, with the mutant written into its source.

    mutmut runs each mutant in a process forked after the module was imported,
    so a mutant of a function that only runs at import (a guard factory called
    to build a module constant) cannot change anything there, and survives
    whatever the tests check. Written into the source, it can.
    """
    source = folder / source_of(module)
    original = source.read_text(encoding="utf-8")
    try:
        if not apply_mutant(folder, name):
            return False
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", *MODULES[module]],
            cwd=folder,
            # The copy's src/ ahead of the editable install's, which is the repository's.
            env={**_environment(), "PYTHONPATH": str(folder / "src")},
            capture_output=True,
            check=False,
            timeout=_RECHECK_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return True
    finally:
        source.write_text(original, encoding="utf-8")
    return tests.returncode != 0


def change_of(folder: Path, name: str) -> str:
    """The code a mutant writes: the added lines of its diff, each stripped, joined by spaces.

    A mutant that only deletes (an argument on a line of its own) writes nothing:
    it is told by the lines it deletes, each stripped, after ``- ``.
    """
    diff = _mutmut(folder, "show", name).stdout.splitlines()
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    if not added:
        removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
        return "- " + " ".join(line[1:].strip() for line in removed)
    return " ".join(line[1:].strip() for line in added)


def run_module(
    root: Path, folder: Path, module: str, equivalents: Mapping[str, Equivalent], children: int
) -> Score:
    """Mutate ``module`` in ``folder`` and score it; print its survivors and stale entries."""
    prepare(root, folder, module)
    run = _mutmut(folder, "run", "--max-children", str(children))
    (folder / "run.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    statuses = statuses_of(folder)
    if run.returncode != 0 or not statuses:
        print(f"{module}: mutmut failed (exit {run.returncode}); see {folder / 'run.log'}")
        print((run.stdout + run.stderr)[-3000:])
        return Score(module, Counter(), 0)
    for name, status in statuses.items():
        if status not in _KILLED and killed_on_disk(folder, module, name):
            statuses[name] = "killed on disk"
    set_aside = 0
    prefix = f"callflow.{module}."
    for name, equivalent in equivalents.items():
        if not name.startswith(prefix):
            continue
        found = statuses.get(name)
        if found is None:
            print(f"  stale: {name} is listed as equivalent but mutmut makes no such mutant")
        elif found in _KILLED:
            print(f"  stale: {name} is listed as equivalent but the tests kill it")
        elif change_of(folder, name) != equivalent.change:
            print(f"  stale: {name} no longer writes `{equivalent.change}`")
        else:
            set_aside += 1
            statuses[name] = "equivalent"
    for name, status in statuses.items():
        if status not in _KILLED and status != "equivalent":
            print(f"  {status}: {name}")
    counts = Counter(status for status in statuses.values() if status != "equivalent")
    counts["equivalent"] = set_aside
    return Score(module, counts, set_aside)


def report(scores: Sequence[Score]) -> str:
    """A table of the scores, one row a module."""
    columns = ("killed", "timeout", "killed on disk", "survived", "no tests", "equivalent")
    width = max([len("module"), *(len(score.module) for score in scores)])
    lines = [f"{'module':<{width}} {'mutants':>7} " + " ".join(columns) + "   score"]
    for score in scores:
        counts = [score.statuses[status] for status in columns]
        counts[3] += score.total - sum(counts)  # anything else mutmut reports did survive
        widths = [len(column) for column in columns]
        cells = " ".join(f"{n:>{w}}" for n, w in zip(counts, widths, strict=True))
        # A module whose run failed has no mutants: no score, not 100 %.
        percent = f"{score.percent:>6.1f}%" if score.total else " failed"
        lines.append(f"{score.module:<{width}} {score.total:>7} {cells} {percent}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=", ".join(MODULES))
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: here)")
    parser.add_argument("--keep", type=Path, help="run in KEEP/MODULE and keep it (mutmut browse)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--fail-under", type=float, default=90.0)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.modules) - set(MODULES))
    if unknown:
        parser.error(f"unknown modules {unknown}: choose from {', '.join(MODULES)}")
    root: Path = args.root.resolve()
    equivalents = read_equivalents(root / EQUIVALENTS_PAGE)
    scores = []
    for module in args.modules or MODULES:
        print(f"== {module} (against {', '.join(MODULES[module])})", flush=True)
        if args.keep:
            folder = args.keep.resolve() / module
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            scores.append(run_module(root, folder, module, equivalents, args.max_children))
        else:
            with tempfile.TemporaryDirectory(prefix=f"mutation-{module}-") as name:
                scores.append(run_module(root, Path(name), module, equivalents, args.max_children))
    print(report(scores))
    return 0 if all(score.percent >= args.fail_under and score.total for score in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
