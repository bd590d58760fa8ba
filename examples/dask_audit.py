"""Audit a folder of JSON Lines transcripts on a dask cluster.

``audit`` is a pure function of a transcript and a configuration, and its
report is plain data, so a cluster needs nothing from callflow but the
package: ``dask.bag`` reads the lines, each worker parses and audits its
share, and the reports come back as dicts. Here the cluster is a
``LocalCluster`` of two worker processes; point ``Client`` at a scheduler's
address to use a real one.

Needs the extra: ``pip install 'callflow[dask]'``.

Run: python examples/dask_audit.py [FOLDER]   (without FOLDER: a few sample calls)
"""

import collections
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import dask.bag as db
from dask.distributed import Client, LocalCluster

from callflow.audit import audit
from callflow.audit.transcript import Transcript
from callflow.errors import CallflowError


def audit_line(line: str) -> dict[str, Any]:
    """One JSON line's audit report as plain data, or the reason it could not be audited."""
    try:
        return audit(Transcript.from_json(line)).to_dict()
    except CallflowError as error:
        return {"unusable": str(error)}


def audit_folder(folder: Path, *, workers: int = 2) -> list[dict[str, Any]]:
    """Every transcript in ``folder/*.jsonl``, audited on a local cluster of ``workers``."""
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster),
    ):
        lines = db.read_text(str(folder / "*.jsonl")).filter(str.strip)
        return list(lines.map(audit_line).compute())


def _sample(folder: Path) -> None:
    """Write three small recorded calls to ``folder/sample.jsonl``; one agent hangs up first."""
    lines = []
    for number, by in enumerate(("caller", "agent", "caller")):
        lines.append(
            json.dumps(
                {
                    "call_id": f"S-{number}",
                    "channel": "phone",
                    "language": "en",
                    "agent": {"name": "Bill"},
                    "caller": {"name": "Ana Souza"},
                    "started_at": "2026-03-02T09:00:00+00:00",
                    "turns": [{"speaker": "agent", "text": "ACME IT, Bill speaking.", "start": 0}],
                    "events": [
                        {"event": "listen", "at": 5, "problem": "VPN drops"},
                        {"event": "verify", "at": 10, "method": "personal_details"},
                        {"event": "inform", "at": 30, "answer": "Update the VPN client"},
                        {
                            "event": "goodbye",
                            "at": 40,
                            "resolution_confirmed": True,
                            "anything_else_asked": True,
                        },
                        {"event": "hang_up", "at": 45, "by": by},
                    ],
                }
            )
        )
    (folder / "sample.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv:
        reports = audit_folder(Path(argv[0]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            _sample(Path(folder))
            reports = audit_folder(Path(folder))
    codes = collections.Counter(f["code"] for r in reports for f in r.get("findings", ()))
    summary = {
        "calls": sum(1 for r in reports if "findings" in r),
        "unusable": sum(1 for r in reports if "unusable" in r),
        "most_frequent": codes.most_common(5),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    main(sys.argv[1:])
