"""However `delta87 serve` ends (stopped, interrupted, killed), no nginx or gunicorn outlives it holding its port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from cli import server
from tests import factories as f
from tests import servers
from tests.servers import Gunicorn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(server.shutil.which("nginx", path="/usr/sbin:/sbin:/usr/bin") is None, reason="needs nginx"),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp("leftovers") / "data"
    f.make_release(data / "warehouse", f.observations([{"indicator": "x", "iso3": "NPL", "year": 2020, "value": 1.0}]))
    return data


@pytest.fixture
def tmp():
    """The folder serve makes its run folder in (TMPDIR): the test's own, open to nginx's workers (nobody, as root)."""
    folder = Path(tempfile.mkdtemp(prefix="serve-leftovers-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (one that exited and awaits its new parent's reaping counts as gone)."""
    found = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.NoSuchProcess:
            pass
    return found


def _within(seconds: float, done) -> bool:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        time.sleep(0.1)
    return done()


#: Ways `delta87 serve` (a psutil.Process) ends, and whether it is the serve that is killed.
ENDINGS = {
    "SIGKILL to serve": lambda serve: serve.kill(),
    "SIGTERM to serve": lambda serve: serve.terminate(),
    "Ctrl-C (SIGINT to its process group)": lambda serve: os.killpg(serve.pid, signal.SIGINT),
    "SIGKILL to nginx's master": lambda serve: next(p for p in serve.children() if p.name() == "nginx").kill(),
}


@pytest.mark.parametrize("how", ENDINGS)
def test_serve_leaves_no_process_holding_its_port_however_it_ends(data, tmp, how):
    env = {"DELTA87_DATA_DIR": str(data), "DELTA87_WAREHOUSE_DIR": str(data / "warehouse"),
           "DELTA87_CACHE_DIR": str(tmp / "cache"), "DELTA87_CACHE_URL": "", "TMPDIR": str(tmp)}  # fmt: skip
    running = Gunicorn(env, workers=2)
    running.port = servers.free_port()
    with running:
        serve = psutil.Process(running.proc.pid)
        # nginx's master and workers, gunicorn's master and workers: the first worker forked from the preloaded app
        # may answer before gunicorn has forked the second
        assert _within(10, lambda: len(serve.children(recursive=True)) >= 5), serve.children(recursive=True)
        children = serve.children(recursive=True)
        [run] = tmp.glob("delta87-*")
        ENDINGS[how](serve)
        status = running.proc.wait(30)
        gone = _within(30, lambda: not _running(children))
        assert gone, f"left running: {[' '.join(p.cmdline()).strip() for p in _running(children)]}"
        assert _within(10, lambda: not _answers(running.port)), f"port {running.port} still answers"
    if how == "SIGKILL to serve":  # what the next start does with the run folder: it is provably unused
        assert server.remove_stale_runs(tmp) == [run]
    else:
        assert (status == 0) == how.startswith(("SIGTERM", "Ctrl-C")), status
        assert not run.exists()
