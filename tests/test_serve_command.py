"""What `delta87 serve` tells and hands its workers at start, without starting servers (test_serving.py does)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

import config
from cli import main, server
from tests.servers import free_port
from web import cache as web_cache
from web.filecache import BoundedFileCache


@pytest.fixture
def started(isolated_env, monkeypatch):
    """Run `delta87 serve` up to the point where it would start nginx and gunicorn; what they would inherit."""
    inherited = {}
    monkeypatch.chdir(isolated_env)  # serve moves to the checkout; monkeypatch moves back
    monkeypatch.delenv("DELTA87_CODE_ID", raising=False)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setattr(server, "serve", lambda *args: inherited.update(os.environ) or 0)

    def run(**env: str):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(main, ["serve"])
        monkeypatch.delenv("DELTA87_CODE_ID", raising=False)  # serve sets it in this test process
        return result, dict(inherited)

    return run


def test_serve_hands_its_workers_one_code_id(started):
    result, env = started()
    assert result.exit_code == 0, result.output
    assert env["DELTA87_CODE_ID"] == web_cache.code_id_of(config.ROOT)
    assert started(DELTA87_CODE_ID="release-2026-12")[1]["DELTA87_CODE_ID"] == "release-2026-12"


def test_serve_warns_at_start_without_a_public_url_naming_the_setting_and_the_fix(started):
    result, _ = started(DELTA87_PUBLIC_URL="")
    warning = next(line for line in result.output.splitlines() if "DELTA87_PUBLIC_URL" in line)
    assert warning.startswith("WARNING: DELTA87_PUBLIC_URL is not set")
    assert "Cite this chart" in warning and "set DELTA87_PUBLIC_URL=https://" in warning
    result, _ = started(DELTA87_PUBLIC_URL="https://data.example.org")
    assert "DELTA87_PUBLIC_URL" not in result.output


def test_starting_another_instance_keeps_the_cache_a_running_one_filled(started):
    """Two instances (or a restart beside a running one) share DELTA87_CACHE_DIR: a start must not empty it."""
    filled = BoundedFileCache(str(config.settings().cache_dir))
    filled.set("delta87:r1:code:en:dashboards.country.dashboard:NPL", ("the page part",))
    result, _ = started()
    assert result.exit_code == 0, result.output
    assert filled.get("delta87:r1:code:en:dashboards.country.dashboard:NPL") == ("the page part",)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DELTA87_PORT", "80a", "DELTA87_PORT must be a whole number, got '80a'"),
        ("DELTA87_PORT", "99999999999", "DELTA87_PORT must be a port number from 1 to 65535, got 99999999999"),
        ("DELTA87_PUBLIC_URL", "data.example.org", "DELTA87_PUBLIC_URL must look like https://example.org[:port]"),
        ("DELTA87_TRUSTED_PROXIES", "10.0.0.1,proxy", "DELTA87_TRUSTED_PROXIES: 'proxy' is not an IP address"),
    ],
)
def test_a_setting_serve_cannot_use_is_named_with_the_fix_before_anything_starts(
    isolated_env, monkeypatch, name, value, message
):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setenv("DELTA87_CODE_ID", "test")
    monkeypatch.setattr(server.subprocess, "Popen", None)  # nothing may be started
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1 and f"Error: {message}" in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option", [["--port", "99999999999"], ["--port", "0"], ["--workers", "0"]])
def test_a_serve_option_out_of_range_is_named_before_anything_starts(isolated_env, monkeypatch, option):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setattr(server.subprocess, "Popen", None)  # nothing may be started
    result = CliRunner().invoke(main, ["serve", *option])
    assert result.exit_code == 2 and f"Invalid value for '{option[0]}'" in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(server.shutil.which("nginx", path="/usr/sbin:/sbin:/usr/bin") is None, reason="needs nginx")
def test_workers_that_cannot_start_are_reported_with_their_exit_status(isolated_env, monkeypatch):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setenv("DELTA87_CODE_ID", "test")
    monkeypatch.setattr(server, "gunicorn_command", lambda *args: [sys.executable, "-c", "raise SystemExit(3)"])
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
    assert result.exit_code == 1 and "Error: the gunicorn workers did not start (exit status 3)" in result.output


@pytest.mark.skipif(server.shutil.which("nginx", path="/usr/sbin:/sbin:/usr/bin") is None, reason="needs nginx")
def test_an_address_in_use_is_named_with_the_fix_before_the_workers_start(isolated_env, monkeypatch):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setenv("DELTA87_CODE_ID", "test")
    monkeypatch.setattr(server, "gunicorn_command", None)  # nothing may be started
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert f"Error: cannot listen on 127.0.0.1:{port} (Address already in use): stop what uses it" in result.output


@pytest.mark.skipif(server.shutil.which("nginx", path="/usr/sbin:/sbin:/usr/bin") is None, reason="needs nginx")
def test_serve_removes_the_run_folders_a_killed_serve_left_and_only_those(isolated_env, monkeypatch, tmp_path):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setenv("DELTA87_CODE_ID", "test")
    monkeypatch.setattr(server, "gunicorn_command", lambda *args: [sys.executable, "-c", "raise SystemExit(3)"])
    (tmp := tmp_path / "t").mkdir()
    monkeypatch.setattr(server.tempfile, "tempdir", str(tmp))
    with subprocess.Popen([sys.executable, "-c", "pass"]) as gone:
        pass
    for name, serve_pid in (("killed", gone.pid), ("running", os.getpid()), ("workers", gone.pid), ("other", None)):
        (tmp / f"delta87-{name}").mkdir()
        if serve_pid:
            (tmp / f"delta87-{name}" / "serve.pid").write_text(str(serve_pid))
            (tmp / f"delta87-{name}" / "nginx.pid").write_text(str(gone.pid))
    with socket.socket(socket.AF_UNIX) as workers:  # the workers of a killed serve, still running
        workers.bind(str(tmp / "delta87-workers" / server.SOCKET))
        workers.listen()
        result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
    assert f"removed {tmp / 'delta87-killed'}: the run folder of a `delta87 serve` that was killed" in result.output
    assert sorted(p.name for p in tmp.iterdir()) == ["delta87-other", "delta87-running", "delta87-workers"]


#: Workers that answer the start's one /healthz on their socket, then exit (so serve stops right after its start line).
ONE_HEALTH_CHECK = """
import socket, sys
with socket.socket(socket.AF_UNIX) as sock:
    sock.bind(sys.argv[1]); sock.listen()
    conn = sock.accept()[0]; conn.recv(1024); conn.sendall(b"HTTP/1.0 200 OK\\r\\n\\r\\n"); conn.close()
"""


@pytest.mark.skipif(server.shutil.which("nginx", path="/usr/sbin:/sbin:/usr/bin") is None, reason="needs nginx")
def test_the_start_line_writes_an_ipv6_address_as_a_url_does(isolated_env, monkeypatch):
    monkeypatch.chdir(isolated_env)
    monkeypatch.setattr("cli._ensure_release", lambda: None)
    monkeypatch.setenv("DELTA87_CODE_ID", "test")
    monkeypatch.setattr(server, "gunicorn_command", lambda _g, run, _w: [sys.executable, "-c", ONE_HEALTH_CHECK,
                                                                          str(run / server.SOCKET)])  # fmt: skip
    port = free_port()
    result = CliRunner().invoke(main, ["serve", "--host", "::1", "--port", str(port)])
    assert f"Delta 8.7 on http://[::1]:{port}/ (nginx" in result.output, result.output


#: `delta87 serve` with workers that never finish starting: a stand-in that prints its process id and waits.
STARTING_FOREVER = """
import sys
import cli
from cli import main, server
cli._ensure_release = lambda: None
pause = "import os, signal; print(os.getpid(), flush=True); signal.pause()"
server.gunicorn_command = lambda *args: [sys.executable, "-c", pause]
main(["serve", "--port", "8301"])  # nothing listens on it: the stop comes before nginx starts
"""


@pytest.mark.skipif(server.shutil.which("nginx", path="/usr/sbin:/sbin:/usr/bin") is None, reason="needs nginx")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_while_the_workers_start_stops_them_too(isolated_env, sig):
    env = {**os.environ, "PYTHONPATH": str(config.ROOT), "DELTA87_CODE_ID": "test"}
    with subprocess.Popen([sys.executable, "-c", STARTING_FOREVER], cwd=isolated_env, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True) as serve:  # fmt: skip
        try:
            workers = int(serve.stdout.readline())  # they are starting now
            serve.send_signal(sig)
            status = serve.wait(timeout=30)
            with pytest.raises(ProcessLookupError):
                os.kill(workers, 0)
            assert status == 0
            assert "Traceback" not in serve.stderr.read().decode()
        finally:
            with contextlib.suppress(ProcessLookupError):  # whatever its process group left (the old code: workers)
                os.killpg(serve.pid, signal.SIGKILL)
