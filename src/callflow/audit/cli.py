"""``callflow audit FILE...``: audit recorded calls from the command line, like a linter.

Each FILE holds transcripts as JSON (one object, or a list of them) or JSON
Lines (one call a line); ``-`` reads standard input. A bad line or document
is reported on standard error and the run goes on with the others.

Exit status: 0 when no call has a finding of error severity, 1 when one
has, 2 when some input could not be used (a file that cannot be read, a
line that is not a transcript), as ruff and flake8 do.
"""

import argparse
import collections
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TextIO

import attrs

from callflow.audit.config import AuditConfig, load_config
from callflow.audit.engine import audit
from callflow.audit.transcript import Transcript
from callflow.errors import CallflowError, ConfigError

__all__ = ["main", "parser", "run_audit"]

# Runs shorter than this many calls finish before a progress bar is worth drawing.
_PROGRESS_FROM = 200
# Calls sent to a worker process at a time: large enough that pickling is cheap.
_CHUNK = 64
_MOST_FREQUENT = 10
# The most frequent codes shown for each agent.
_MOST_FREQUENT_PER_AGENT = 5


@attrs.frozen
class _Item:
    """One transcript to audit: where it comes from and its text or parsed JSON."""

    source: str
    line: int | None
    data: Any


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``callflow audit`` with ``argv`` (what follows ``audit``); return the exit status."""
    return run_audit(parser().parse_args(argv), sys.stdout, sys.stderr)


def parser() -> argparse.ArgumentParser:
    """The ``callflow audit`` command line."""
    parser = argparse.ArgumentParser(
        prog="callflow audit",
        description="Audit recorded calls: every departure from the procedure is a finding.",
        epilog="Exit status: 0 no error finding, 1 a call has an error finding, 2 unusable input.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSON or JSON Lines; - for stdin")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--select", metavar="CODES", help="comma-separated code prefixes to report")
    parser.add_argument(
        "--ignore", metavar="CODES", help="comma-separated code prefixes to leave out"
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="a TOML file, or a pyproject.toml with [tool.callflow] (default: ./pyproject.toml)",
    )
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="audit in N processes")
    parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    return parser


def run_audit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``callflow audit`` with parsed ``args``; return the exit status."""
    try:
        config = _config(args)
    except ConfigError as error:
        err.write(f"callflow audit: {error}\n")
        return 2
    if args.jobs < 1:
        err.write(f"callflow audit: --jobs must be 1 or more (got {args.jobs})\n")
        return 2
    unusable: list[dict[str, Any]] = []
    items = list(_items(args.files, unusable))
    reports: list[dict[str, Any]] = []
    progress = _progress(len(items), err, enabled=not args.no_progress)
    for result in _audited(items, config, args.jobs):
        if "findings" in result:
            reports.append(result)
        else:
            unusable.append(result)
        progress.update(1)
    progress.close()
    for problem in unusable:
        err.write(f"{_where(problem)}: {problem['message']}\n")
    summary = _summary(reports, unusable)
    if args.format == "json":
        document = {"calls": reports, "unusable": unusable, "summary": summary}
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_text(reports, summary))
    if unusable:
        return 2
    return 1 if summary["calls_with_errors"] else 0


def _config(args: argparse.Namespace) -> AuditConfig:
    if args.config is not None:
        config = load_config(args.config)
    elif Path("pyproject.toml").is_file():
        config = load_config("pyproject.toml")
    else:
        config = AuditConfig()
    changes: dict[str, tuple[str, ...]] = {}
    if args.select is not None:
        changes["select"] = _codes(args.select)
    if args.ignore is not None:
        changes["ignore"] = (*config.ignore, *_codes(args.ignore))
    try:
        return attrs.evolve(config, **changes)
    except ConfigError as error:
        raise ConfigError(f"--{error.field}", error.value, error.reason) from None


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",") if code.strip())


def _items(files: Sequence[str], unusable: list[dict[str, Any]]) -> Iterator[_Item]:
    """Every transcript in ``files``, as text or parsed JSON, with where it comes from."""
    for name in files:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "is not UTF-8 text"
            unusable.append(_problem(name, None, None, None, f"cannot be read: {reason}"))
            continue
        source = "<stdin>" if name == "-" else name
        yield from _split(source, text)


def _split(source: str, text: str) -> Iterator[_Item]:
    """A file's transcripts: one JSON document (an object or a list of them), else JSON Lines.

    A JSON Lines file fails to parse as one document at its second line, so
    trying the whole text first costs the first line's parse only.
    """
    if text.lstrip().startswith(("{", "[")):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, list):
            for index, entry in enumerate(document):
                yield _Item(f"{source}[{index}]", None, entry)
            return
        if isinstance(document, dict):
            yield _Item(source, None, document)
            return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield _Item(source, number, line)


def _audited(items: list[_Item], config: AuditConfig, jobs: int) -> Iterable[dict[str, Any]]:
    if jobs == 1 or len(items) < 2:
        return (_audit_item(item, config) for item in items)
    executor = ProcessPoolExecutor(max_workers=min(jobs, os.cpu_count() or 1, len(items)))
    return _from_pool(executor, items, config)


def _from_pool(
    executor: ProcessPoolExecutor, items: list[_Item], config: AuditConfig
) -> Iterator[dict[str, Any]]:
    with executor:
        yield from executor.map(_audit_item, items, [config] * len(items), chunksize=_CHUNK)


def _audit_item(item: _Item, config: AuditConfig) -> dict[str, Any]:
    """The report of one transcript as plain data, or the problem that made it unusable."""
    try:
        if isinstance(item.data, str):
            transcript = Transcript.from_json(item.data)
        else:
            transcript = Transcript.from_dict(item.data)
        return audit(transcript, config).to_dict()
    except CallflowError as error:
        call_id = getattr(error, "call_id", None)
        field = getattr(error, "field", None)
        return _problem(item.source, item.line, call_id, field, str(error))


def _problem(
    source: str, line: int | None, call_id: str | None, field: str | None, message: str
) -> dict[str, Any]:
    return {"file": source, "line": line, "call_id": call_id, "field": field, "message": message}


def _where(problem: dict[str, Any]) -> str:
    line = problem["line"]
    return problem["file"] if line is None else f"{problem['file']}:{line}"


def _summary(reports: list[dict[str, Any]], unusable: list[dict[str, Any]]) -> dict[str, Any]:
    codes = collections.Counter(f["code"] for r in reports for f in r["findings"])
    return {
        "calls": len(reports),
        "calls_with_findings": sum(1 for r in reports if r["findings"]),
        "calls_with_errors": sum(
            1 for r in reports if any(f["severity"] == "error" for f in r["findings"])
        ),
        "findings": sum(codes.values()),
        "unusable": len(unusable),
        "most_frequent": _most_frequent(codes, _MOST_FREQUENT),
        **_scores(reports),
        "agents": [
            {
                "agent": agent,
                "calls": len(theirs),
                **_scores(theirs),
                "most_frequent": _most_frequent(
                    collections.Counter(f["code"] for r in theirs for f in r["findings"]),
                    _MOST_FREQUENT_PER_AGENT,
                ),
            }
            for agent, theirs in _by_agent(reports)
        ],
    }


def _most_frequent(codes: "collections.Counter[str]", limit: int) -> list[dict[str, Any]]:
    return [{"code": code, "count": count} for code, count in codes.most_common(limit)]


def _scores(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """How ``reports`` did on the scorecard: calls passed, pass rate, mean score of those scored."""
    passed = sum(1 for r in reports if r["score"]["passed"])
    values = [r["score"]["score"] for r in reports if r["score"]["score"] is not None]
    return {
        "calls_scored": len(values),
        "calls_passed": passed,
        "pass_rate": passed / len(reports) if reports else None,
        "mean_score": sum(values) / len(values) if values else None,
    }


def _by_agent(reports: list[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """The reports grouped by agent: named agents by name, then calls that name none."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for report in reports:
        groups.setdefault(report["agent"], []).append(report)
    return sorted(groups.items(), key=lambda group: (group[0] is None, group[0] or ""))


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _score_line(score: dict[str, Any]) -> str:
    """A call's score, verdict and section scores, on one line."""
    if score["passed"]:
        verdict = "pass"
    elif score["failed_outright"]:
        verdict = f"fail ({', '.join(score['failed_outright'])} fails the call outright)"
    elif score["score"] is None:
        verdict = "fail (nothing to score)"
    else:
        verdict = f"fail (below {score['pass_mark']:g})"
    sections = ", ".join(f"{name} {_number(value)}" for name, value in score["sections"].items())
    return f"  score {_number(score['score'])}, {verdict}; sections: {sections}"


def _codes_text(frequent: list[dict[str, Any]]) -> str:
    return ", ".join(f"{c['code']} x{c['count']}" for c in frequent)


def _text(reports: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    lines: list[str] = []
    for report in reports:
        findings = report["findings"]
        agent = f", agent {report['agent']}" if report["agent"] else ""
        head = f"{report['call_id']} ({report['channel']}, {report['language']}{agent})"
        lines.append(f"{head}: {len(findings) or 'no'} finding{'' if len(findings) == 1 else 's'}")
        lines.append(_score_line(report["score"]))
        for finding in findings:
            turn = "" if finding["turn"] is None else f" turn {finding['turn']}"
            quote = "" if finding["evidence"] is None else f' "{finding["evidence"]}"'
            lines.append(
                f"  {finding['code']} {finding['severity']}{turn}: {finding['message']}{quote}"
            )
    lines.append("")
    lines.append(
        f"{summary['calls']} calls audited, {summary['calls_with_findings']} with findings,"
        f" {summary['findings']} findings; {summary['unusable']} unusable inputs"
    )
    if summary["calls"]:
        lines.append(
            f"scorecard: {summary['calls_passed']} of {summary['calls']} calls passed"
            f" ({100 * summary['pass_rate']:.1f}%), mean score {_number(summary['mean_score'])}"
        )
    if summary["most_frequent"]:
        lines.append(f"most frequent: {_codes_text(summary['most_frequent'])}")
    for group in summary["agents"]:
        name = "calls naming no agent" if group["agent"] is None else f"agent {group['agent']}"
        frequent = _codes_text(group["most_frequent"]) or "no findings"
        lines.append(
            f"{name}: {group['calls_passed']} of {group['calls']} calls passed,"
            f" mean score {_number(group['mean_score'])}; most frequent: {frequent}"
        )
    return "\n".join(lines) + "\n"


class _NoProgress:
    def update(self, n: int) -> None:
        """Nothing to draw."""

    def close(self) -> None:
        """Nothing to close."""


def _progress(total: int, err: TextIO, *, enabled: bool) -> Any:
    """A progress bar on a terminal for a long run (tqdm), else nothing."""
    if not enabled or total < _PROGRESS_FROM or not err.isatty():
        return _NoProgress()
    from tqdm import tqdm  # only a terminal run needs it

    return tqdm(total=total, file=err, unit="call", leave=False)
