"""A publish killed at any stage leaves the served release untouched, and the next publish succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import factories as f
from warehouse import Warehouse
from warehouse import releases as rel

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
from pathlib import Path
from tests import factories as f
obs = f.observations([{"indicator": "x", "iso3": "AAA", "year": 2021, "value": 99.0}])
f.make_release(Path(sys.argv[1]), obs)
"""


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the warehouse folder except the lock, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".publish.lock" and not str(p.relative_to(root)).startswith(".staging")
    }


@pytest.mark.parametrize("stage", ["after_tables", "after_manifest", "before_pointer"])
def test_publish_killed_at_stage_leaves_last_release_served(tmp_path, stage):
    good = f.make_release(tmp_path, f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": 1.0}]))
    before = _snapshot(tmp_path)
    env = {**os.environ, "DELTA87_TEST_PAUSE_AT": stage, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline and "PAUSED AT" not in line:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
    assert f"PAUSED AT {stage}" in line, f"publish never reached {stage}"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stderr.close()

    assert rel.read_pointer(tmp_path) == good
    after = _snapshot(tmp_path)
    for name, data in before.items():
        assert after[name] == data, f"{name} changed"
    warehouse = Warehouse(tmp_path)
    served = warehouse.releases.current()
    assert served.id == good and served.degraded is None
    assert warehouse.observations(served)["value"].tolist() == [1.0]

    newer = f.make_release(tmp_path, f.observations([{"indicator": "x", "iso3": "AAA", "year": 2022, "value": 2.0}]))
    assert rel.read_pointer(tmp_path) == newer
    assert not list(tmp_path.glob(".staging-*")), "the next run cleans up the killed run's staging folder"
