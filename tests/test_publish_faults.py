"""A publish that fails or is killed at any step leaves the served release untouched; the next one succeeds.

The test injects the fault: it wraps a step of etl.publish so that it raises, or (in a child process) kills
the process with SIGKILL at that point. The product code carries no test hooks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from etl import publish as pub
from tests import factories as f
from warehouse import Warehouse
from warehouse import releases as rel

ROOT = Path(__file__).resolve().parent.parent
#: Named points of a publish: the step wrapped, and whether the fault strikes before or after it runs.
POINTS = {
    "after_tables": ("write_tables", "after"),
    "after_manifest": ("write_manifest", "after"),
    "before_pointer": ("switch_pointer", "before"),
}
CHILD = """
import os, signal, sys
from pathlib import Path
from etl import publish as pub
from tests import factories as f
from tests.test_publish_faults import inject
inject(lambda name, step: setattr(pub, name, step), sys.argv[2], lambda: os.kill(os.getpid(), signal.SIGKILL))
f.make_release(Path(sys.argv[1]), f.observations([{"indicator": "x", "iso3": "AAA", "year": 2021, "value": 99.0}]))
"""


def inject(install: Callable, point: str, fault: Callable[[], None]) -> None:
    """Wrap the publish step of `point` so that `fault()` runs before or after it; `install(name, step)` sets it."""
    name, when = POINTS[point]
    real = getattr(pub, name)

    def step(*args, **kwargs):
        if when == "before":
            fault()
        result = real(*args, **kwargs)
        if when == "after":
            fault()
        return result

    install(name, step)


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the warehouse folder except the lock and staging folders, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".publish.lock" and not str(p.relative_to(root)).startswith(".staging")
    }


@pytest.fixture
def served(tmp_path):
    """A warehouse serving one release, and its files before the faulty publish."""
    good = f.make_release(tmp_path, f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": 1.0}]))
    return tmp_path, good, _snapshot(tmp_path)


def _assert_untouched_and_recovers(root: Path, good: str, before: dict[str, bytes]) -> None:
    assert rel.read_pointer(root) == good
    after = _snapshot(root)
    assert {name: after.get(name) for name in before} == before
    warehouse = Warehouse(root)
    served = warehouse.releases.current()
    assert served.id == good and served.degraded is None
    assert warehouse.observations(served)["value"].tolist() == [1.0]
    newer = f.make_release(root, f.observations([{"indicator": "x", "iso3": "AAA", "year": 2022, "value": 2.0}]))
    assert rel.read_pointer(root) == newer
    assert not list(root.glob(".staging-*")), "the next run cleans up the failed run's staging folder"


@pytest.mark.parametrize("point", list(POINTS))
def test_publish_failing_at_a_step_leaves_last_release_served(served, monkeypatch, point):
    root, good, before = served

    def fail():
        raise OSError("injected fault: disk full")

    inject(lambda name, step: monkeypatch.setattr(pub, name, step), point, fail)
    with pytest.raises(OSError, match="injected fault"):
        f.make_release(root, f.observations([{"indicator": "x", "iso3": "AAA", "year": 2021, "value": 99.0}]))
    monkeypatch.undo()
    _assert_untouched_and_recovers(root, good, before)


@pytest.mark.parametrize("point", list(POINTS))
def test_publish_killed_at_a_step_leaves_last_release_served(served, point):
    root, good, before = served
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), point], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    _assert_untouched_and_recovers(root, good, before)
