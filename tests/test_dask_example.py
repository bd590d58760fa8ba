"""examples/dask_audit.py: a folder of JSON Lines audited through dask.bag on a LocalCluster."""

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("dask.bag", reason="the dask extra is not installed")
pytest.importorskip("distributed", reason="the dask extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generated_calls import generated_lines  # noqa: E402

from callflow.audit import Transcript, audit  # noqa: E402


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dask_audit", ROOT / "examples" / "dask_audit.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_folder_audited_on_a_local_cluster(tmp_path: Path) -> None:
    lines = generated_lines(60)
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[40:]) + "\n{broken\n", encoding="utf-8")
    reports = example().audit_folder(tmp_path)
    audited = [r for r in reports if "findings" in r]
    expected = {
        t.call_id: audit(t).to_dict() for t in (Transcript.from_json(line) for line in lines)
    }
    assert {r["call_id"]: r for r in audited} == expected
    assert [r for r in reports if "unusable" in r] == [
        {"unusable": next(r["unusable"] for r in reports if "unusable" in r)}
    ]
    assert json.dumps(reports)  # plain data all the way
