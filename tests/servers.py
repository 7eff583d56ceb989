"""Real servers for tests and benchmarks, on free loopback ports, always stopped: `delta87 serve` and Redis.

Both run in their own session (process group) so that stopping one never touches another process, and both
are context managers: leaving the `with` block (or a fixture's finalizer) stops them, even after a failure.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 10.0, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One GET on loopback: (status, headers with lower-case names, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it is still there after `timeout`."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
    else:  # the master is gone; make sure no orphaned worker of its group survives
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Gunicorn:
    """`delta87 serve` (nginx in front of gunicorn's N workers) on a free loopback port with the given environment."""

    def __init__(self, env: dict[str, str], workers: int = 2, log_path: Path | None = None, root: Path = ROOT):
        self.root = root  # the checkout to serve (benchmarks compare another commit's checkout)
        self.env = {**os.environ, **env, "PYTHONPATH": str(root)}
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.start_seconds: float | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        """Start and wait until /healthz answers (records the cold start time)."""
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
        # `delta87 serve` itself (it execs gunicorn with the production options), not a hand-made gunicorn line
        command = [sys.executable, "-m", "cli", "serve", "--port", str(self.port),
                   "--workers", str(self.workers)]  # fmt: skip
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            command, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        if self.log_path:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; log: {self.log_tail()}")
            try:
                if get(self.port, "/healthz", timeout=2)[0] == 200:
                    self.start_seconds = time.perf_counter() - started
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; log: {self.log_tail()}")

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the gunicorn master that `delta87 serve` runs)."""
        import psutil  # noqa: PLC0415 - test dependency only

        masters = [p for p in psutil.Process(self.proc.pid).children() if "gunicorn" in " ".join(p.cmdline())]
        return [child.pid for master in masters for child in master.children()]

    def log_tail(self, chars: int = 3000) -> str:
        if not self.log_path or not Path(self.log_path).exists():
            return "(no log)"
        return Path(self.log_path).read_text(errors="replace")[-chars:]


class Redis:
    """A throw-away redis-server with deploy/redis.conf on a free loopback port, stopped on exit."""

    def __init__(self, workdir: Path, port: int | None = None, options: tuple[str, ...] = ()):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.options = options  # more redis-server options, e.g. ("--maxmemory", "2mb")
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> Redis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 10.0) -> None:
        """Start (again, on the same port) and wait until it answers PING."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        # the project's own configuration (deploy/redis.conf: bounded, LRU, no persistence) on a port of its own
        command = ["redis-server", str(ROOT / "deploy" / "redis.conf"), "--port", str(self.port),
                   "--dir", str(self.workdir), "--daemonize", "no", *self.options]  # fmt: skip
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - closed right after the start
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start: {(self.workdir / 'redis.log').read_text()[-2000:]}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc, timeout=5)
            self.proc = None
