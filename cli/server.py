"""`delta87 serve`: gunicorn's workers behind nginx, both run and stopped by this one foreground process.

gunicorn listens on a Unix socket in a private run folder; nginx, configured from deploy/nginx.conf, is the only
process on the public address. nginx reads each request completely before a worker thread sees it, so slow or
idle clients cost nginx a connection, not a worker. SIGTERM or SIGINT stops both; if either one exits, the other
is stopped too and the command exits with a failure status; if serve itself is killed, the kernel stops both.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import config

TEMPLATE = config.ROOT / "deploy" / "nginx.conf"
SOCKET = "gunicorn.sock"
#: Seconds nginx waits for the app's answer (longer than any query or export may run).
APP_TIMEOUT_MARGIN = 30
#: The answers of nginx itself carry these on top of the app's fixed security headers (its pages' only styles are
#: inline, allowed by their hash).
PROXY_POLICY = "default-src 'none'; style-src 'sha256-{style}'; frame-ancestors 'none'"
#: Linux prctl option: the signal a process gets when the thread that started it ends.
PR_SET_PDEATHSIG = 1


def nginx_config(settings: config.Settings, run: Path, host: str, port: int, access_log: str = "/dev/stdout") -> str:
    """deploy/nginx.conf with its {{fields}} filled from the settings."""
    from web.errors import STYLE  # noqa: PLC0415
    from web.security import HEADERS  # noqa: PLC0415 - the one list of security headers

    style = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    headers = {**HEADERS, "Content-Security-Policy": PROXY_POLICY.format(style=style)}
    fields = {
        "run": run,
        "user": "user nobody nogroup;" if os.geteuid() == 0 else "",
        "access_log": access_log,
        "listen": address(host, port),
        "header_timeout": settings.header_timeout,
        "body_timeout": settings.body_timeout,
        "app_timeout": int(settings.export_timeout) + APP_TIMEOUT_MARGIN,
        "page_size_max": settings.page_size_max,
        "connections_per_client": settings.connections_per_client,
        "real_ip": real_ip(settings.trusted_proxies),
        "security_headers": "\n".join(f'            add_header {k} "{v}" always;' for k, v in headers.items()),
    }
    for zone in ("callbacks", "api", "pages"):  # bursts of 5 s of each rate; `delay=` answers the first half at once
        rate = getattr(settings, f"rate_{zone}")
        fields |= {f"rate_{zone}": rate, f"burst_{zone}": 5 * rate, f"delay_{zone}": 5 * rate // 2}
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", str(value))
    missing = re.findall(r"\{\{(\w+)\}\}", text)
    if missing:
        raise ValueError(f"{TEMPLATE.name} has fields nothing fills: {', '.join(missing)}")
    return text


def address(host: str, port: int) -> str:
    """host:port, with an IPv6 host in brackets as URLs and nginx write it."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def real_ip(proxies: tuple[str, ...]) -> str:
    """nginx's realip lines: behind these proxies the client is the last untrusted address of X-Forwarded-For."""
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ValueError(
                f"DELTA87_TRUSTED_PROXIES: {proxy!r} is not an IP address or network; give e.g. 127.0.0.1 or 10.0.0.0/24"
            ) from None
    if not proxies:
        return "# none: each client is the address that connects (DELTA87_TRUSTED_PROXIES)"
    lines = [f"set_real_ip_from {proxy};" for proxy in proxies]
    return "\n    ".join([*lines, "real_ip_header X-Forwarded-For;", "real_ip_recursive on;"])


def start_warnings(settings: config.Settings) -> list[str]:
    """What a production start lacks: each problem with its fix."""
    found = []
    if not settings.public_url:
        found.append(
            'DELTA87_PUBLIC_URL is not set, so the absolute links the site writes ("Cite this chart", API links, '
            "the forum feed) name whatever host a request came to, pages are cached once per host and port a request "
            "names, and `delta87 warm` warms only localhost's. On a public server set "
            'DELTA87_PUBLIC_URL=https://<your domain> (README "Deployment"); on your own machine, ignore this.'
        )
    if os.geteuid() == 0:
        found.append(
            "running as root: the gunicorn workers run as root too. Run `delta87 serve` as an unprivileged user "
            'that owns DELTA87_DATA_DIR, on a port above 1023 behind your TLS proxy (README "Deployment").'
        )
    return found


def gunicorn_command(gunicorn: str, run: Path, workers: int) -> list[str]:
    """gunicorn on the private socket (its access log is nginx's, which sees the client addresses).

    `--preload`: the master builds the app once and forks the workers from it, so they share its libraries and
    Python objects instead of each loading its own copy (app.wsgi leaves no connection or thread open across it).
    """
    return [
        gunicorn, "--workers", str(workers), "--threads", "4", "--bind", f"unix:{run / SOCKET}",
        "--no-control-socket", "--graceful-timeout", "10", "--preload",
        # recycle a worker now and then, so slow memory growth can never accumulate
        "--max-requests", "5000", "--max-requests-jitter", "500",
        "--log-level", "info", "app:wsgi()",
    ]  # fmt: skip


def serve(host: str, port: int, workers: int) -> int:
    """Run gunicorn and nginx until a signal stops them or one of them exits; the exit status.

    The signals are caught from the start: one that comes while the workers are still starting stops them too.
    """
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not gunicorn or not nginx:
        missing = "gunicorn" if not gunicorn else "nginx"
        raise RuntimeError(f"{missing} is not installed: run `make run` (it installs the Debian packages and the venv)")
    stopping: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: stopping.append(number))
    for stale in remove_stale_runs(Path(tempfile.gettempdir())):
        print(f"removed {stale}: the run folder of a `delta87 serve` that was killed", flush=True)
    run = Path(tempfile.mkdtemp(prefix="delta87-"))
    started: list[tuple[subprocess.Popen, int]] = []  # stopped in reverse order: nginx first, then the app
    try:
        _prepare(run, config.settings(), host, port, nginx)
        app = subprocess.Popen(gunicorn_command(gunicorn, run, workers), preexec_fn=_dies_with_serve())
        started.append((app, signal.SIGTERM))
        if not _wait_for_app(run / SOCKET, app, stopping):
            if stopping:
                return 0
            status = "no answer in time" if app.poll() is None else f"exit status {app.returncode}"
            raise RuntimeError(f"the gunicorn workers did not start ({status}): see their log above")
        _share_socket(run / SOCKET)
        # nginx's access log goes through a pipe: nginx cannot open /dev/stdout when it is a socket (systemd's journal)
        # in a process group of its own, so that its workers can be stopped even if their master was killed
        proxy = subprocess.Popen([nginx, "-e", "stderr", "-p", str(run), "-c", str(run / "nginx.conf"),
                                  "-g", "daemon off;"], stdout=subprocess.PIPE, preexec_fn=_dies_with_serve(),
                                 process_group=0)  # fmt: skip
        started.append((proxy, signal.SIGQUIT))  # nginx stops gracefully, so no new request reaches a stopping app
        threading.Thread(target=_relay, args=(proxy.stdout,), daemon=True).start()
        code = os.environ.get("DELTA87_CODE_ID", "")
        print(
            f"Delta 8.7 on http://{address(host, port)}/ (nginx in front of {workers} gunicorn workers; code {code})",
            flush=True,
        )
        return _supervise(app, proxy, stopping)
    finally:
        for process, sig in reversed(started):
            _stop(process, sig)
        shutil.rmtree(run, ignore_errors=True)


def _dies_with_serve():
    """A preexec_fn that has the kernel send the child SIGTERM when serve dies, even by SIGKILL, so that no nginx or
    gunicorn outlives it holding the port. It follows the thread that starts the child: serve's main thread, which
    lives as long as serve. (Linux only; elsewhere None.)"""
    if sys.platform != "linux":
        return None
    prctl, serve = ctypes.CDLL(None, use_errno=True).prctl, os.getpid()

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != serve:  # serve died before the line above
            os._exit(1)

    return in_child


def remove_stale_runs(folder: Path) -> list[Path]:
    """Remove the run folders a killed `delta87 serve` left in `folder`, each only when provably unused: its serve
    and its nginx are gone and nothing answers on its socket. Folders without serve's pid file stay. Returns the
    folders removed."""
    removed = []
    for run in (pid_file.parent for pid_file in folder.glob("delta87-*/serve.pid")):
        if not _alive(run / "serve.pid") and not _alive(run / "nginx.pid") and not _answers(run / SOCKET):
            shutil.rmtree(run, ignore_errors=True)
            removed.append(run)
    return removed


def _alive(pid_file: Path) -> bool:
    """Whether the process a pid file names may still run (an unreadable file or another user's process: yes)."""
    try:
        os.kill(int(pid_file.read_text(encoding="utf-8")), 0)
    except (FileNotFoundError, ProcessLookupError):
        return False
    except (OSError, ValueError):
        return True
    return True


def _answers(path: Path) -> bool:
    """Whether a process listens on the Unix socket `path`."""
    with socket.socket(socket.AF_UNIX) as sock:
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            return False
        except OSError:
            return True
    return True


def _relay(pipe) -> None:
    """Copy nginx's access log to our stdout; keep draining if that fails, so that nginx never blocks on it."""
    with pipe:
        for line in pipe:
            try:
                sys.stdout.buffer.write(line)
                sys.stdout.flush()
            except (OSError, ValueError):
                pass


def _prepare(run: Path, settings: config.Settings, host: str, port: int, nginx: str) -> None:
    """Refuse an address nginx could not listen on and a public URL every worker would fail on (before the workers
    take their time to start); write and check nginx's configuration and temporary folders."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx does
        try:
            sock.bind((host, port))
        except OSError as exc:
            fix = "stop what uses it, or choose another address with --host/--port (DELTA87_HOST, DELTA87_PORT)"
            raise RuntimeError(f"cannot listen on {address(host, port)} ({exc.strerror or exc}): {fix}") from None
    if settings.public_url:
        from web.hosts import public_parts  # noqa: PLC0415

        public_parts(settings.public_url)
    os.chmod(run, 0o755)
    (run / "serve.pid").write_text(str(os.getpid()), encoding="utf-8")
    (run / "nginx.conf").write_text(nginx_config(settings, run, host, port), encoding="utf-8")
    write_proxy_pages(run / "errors")
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / name).mkdir()
        if os.geteuid() == 0:
            shutil.chown(run / name, "nobody", "nogroup")
    test = [nginx, "-t", "-q", "-e", "stderr", "-p", str(run), "-c", str(run / "nginx.conf")]
    checked = subprocess.run(test, capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refused its configuration: {checked.stderr.strip()}")


def write_proxy_pages(folder: Path) -> None:
    """nginx's own answers (web/errors.py's proxy_answers) as files <status>/page.<lang>.html and
    <status>/callback.<lang>.json, and the API's (in English) 503/api.json."""
    from flask import Flask  # noqa: PLC0415

    from web import errors, i18n  # noqa: PLC0415 - the app's catalogues and error page

    app = Flask(__name__)
    i18n.install(app)
    for language in i18n.LANGUAGES:
        with app.test_request_context("/", headers={"Accept-Language": language}):
            answers = errors.proxy_answers()
        for status, (page, callback) in answers.items():
            (folder / str(status)).mkdir(parents=True, exist_ok=True)
            (folder / f"{status}/page.{language}.html").write_text(page, encoding="utf-8")
            (folder / f"{status}/callback.{language}.json").write_text(callback + "\n", encoding="utf-8")
    message = "the service is restarting or overloaded: try again after the Retry-After seconds"
    problem = {"error": "unavailable", "parameter": None, "message": message, "allowed": None}
    (folder / "503/api.json").write_text(json.dumps(problem) + "\n", encoding="utf-8")
    for path in [folder, *folder.rglob("*")]:  # nginx's workers read them (as nobody when started as root)
        path.chmod(0o755 if path.is_dir() else 0o644)


def _wait_for_app(path: Path, app: subprocess.Popen, stopping: list[int], timeout: float = 120.0) -> bool:
    """Wait until the workers answer /healthz on the socket (so the public port opens on a ready app)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and app.poll() is None and not stopping:
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(2)
                sock.connect(str(path))
                sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
                if sock.recv(64).split(b" ")[1:2] == [b"200"]:
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def _share_socket(path: Path) -> None:
    """Only our user and nginx's workers (group nogroup when started as root) may connect to the app directly."""
    if os.geteuid() == 0:
        shutil.chown(path, group="nogroup")
    os.chmod(path, 0o660)


def _supervise(app: subprocess.Popen, proxy: subprocess.Popen, stopping: list[int]) -> int:
    """Wait for a stop signal (exit status 0) or for either process to exit (its status; serve stops the other)."""
    while not stopping and app.poll() is None and proxy.poll() is None:
        time.sleep(0.2)
    failed = None if stopping else next(p for p in (app, proxy) if p.poll() is not None)
    return 0 if failed is None else (failed.returncode or 1)


def _stop(process: subprocess.Popen, sig: int, timeout: float = 15.0) -> None:
    """Signal `process` and wait for it (killed after `timeout`); then kill what is left of the process group it
    leads (nginx's workers, when their master was killed)."""
    try:
        process.send_signal(sig)
        process.wait(timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
