"""Every deliberately broken file, fed to the real pipeline: refused in one pass, each problem named by
file, row and column, and the release being served stays byte-identical."""

from __future__ import annotations

import shutil

import pytest
import yaml

import config
from etl.pipeline import run
from tests.test_checks import BROKEN, CASES
from tests.test_pipeline import warehouse_bytes
from warehouse import releases as rel

pytestmark = pytest.mark.realdata

ERRORS = [case for case in CASES if case[4] == "error"]


@pytest.fixture(scope="module")
def refused(tmp_path_factory, real_warehouse_dir, raw_dir):
    """One partial run of a source made of every broken file, against a copy of a real warehouse."""
    tmp = tmp_path_factory.mktemp("refusals")
    raw = tmp / "raw"
    shutil.copytree(raw_dir, raw)
    shutil.copytree(BROKEN, raw / "broken")
    registry = tmp / "registry"
    shutil.copytree(config.settings().registry_dir, registry)
    entry = {
        "id": "broken",
        "publisher": "Test suite (SYNTHETIC broken files)",
        "short_name": "Broken test files",
        "title": "Deliberately broken files",
        "edition": "test",
        "url": "http://127.0.0.1/",
        "obtained_from": "tests/fixtures/broken",
        "licence": "synthetic",
        "redistribution": True,
        "retrieved": "2026-01-01",
        "citation": "synthetic",
        "files": [],
        "datasets": [],
    }
    for name, fmt, fields, *_ in ERRORS:
        path = f"broken/{name}"
        entry["files"].append({"path": path, "sha256": rel.sha256_file(raw / path)})
        entry["datasets"].append({"file": path, "format": fmt, "indicator": "child_labour_5_17", **fields})
    (registry / "broken.yaml").write_text(yaml.safe_dump(entry, sort_keys=False), encoding="utf-8")
    warehouse = tmp / "wh"
    shutil.copytree(real_warehouse_dir, warehouse, ignore=shutil.ignore_patterns("reports"))
    before = warehouse_bytes(warehouse)
    result = run(
        sources=["broken"],
        raw_dir=raw,
        registry_dir=registry,
        warehouse_dir=warehouse,
        report_dir=tmp / "reports",
        progress=False,
    )
    return result, before, warehouse_bytes(warehouse)


def test_the_run_is_refused_and_the_release_is_byte_identical(refused):
    result, before, after = refused
    assert result.status == "refused"
    assert after == before
    assert len(ERRORS) >= 20


@pytest.mark.parametrize(
    ("name", "fmt", "fields", "check", "severity", "row", "column"), ERRORS, ids=[c[0] for c in ERRORS]
)
def test_each_broken_file_is_named_with_row_and_column(refused, name, fmt, fields, check, severity, row, column):
    result, before, after = refused
    found = [p for p in result.problems if p.file == f"broken/{name}" and p.check == check]
    assert found, f"{name}: {[str(p) for p in result.problems if name in p.file]}"
    assert found[0].severity == "error" and found[0].row == row and found[0].column == column
    assert found[0].source == "broken"
    assert after == before
