"""`delta87 serve` under slow clients, heavy downloads and floods, on loopback (issue 18, "Why" 1, 4 and 9).

One real server (nginx in front of 2 gunicorn workers) with short timeouts and a low API rate so that each
limit shows within seconds: 50 slowloris and 20 slow-body connections, then 8 clients asking for Excel
workbooks over and over, while /healthz is timed; then nginx's own answers (sizes, methods, rates; a second
server with low page and callback rates; nginx alone, with no app behind it).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
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

import pytest

import config
from cli import server as serve_command
from cli import warm
from tests import factories as f
from tests.load import client_address
from tests.servers import ROOT, Gunicorn, free_port, get

pytestmark = [pytest.mark.slow, pytest.mark.serial]

HEADER_TIMEOUT = 4
PER_CLIENT = 16
TRUSTED_PROXY = "127.0.5.1"
SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serving")
    data = tmp / "data"
    rows = [
        {"indicator": "x", "iso3": f"A{i % 26:02d}", "year": 1000 + i // 26, "value": float(i)} for i in range(30_000)
    ]
    f.make_release(data / "warehouse", f.observations(rows))
    env = {
        "DELTA87_DATA_DIR": str(data),
        "DELTA87_WAREHOUSE_DIR": str(data / "warehouse"),
        "DELTA87_CACHE_DIR": str(data / "cache"),
        "DELTA87_CACHE_URL": "",
        "DELTA87_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "DELTA87_BODY_TIMEOUT": str(HEADER_TIMEOUT),
        "DELTA87_RATE_API": "3",
        "DELTA87_CONNECTIONS_PER_CLIENT": str(PER_CLIENT),
        "DELTA87_EXPORT_SLOTS": "2",
        "DELTA87_TRUSTED_PROXIES": TRUSTED_PROXY,
    }
    with Gunicorn(env, workers=2, log_path=tmp / "serve.log") as running:
        yield running
        log = running.log_tail(chars=10**7)
    assert "Traceback" not in log, log[-5000:]


def _healthz_while(seconds: float, port: int) -> list[float]:
    """Latencies of /healthz asked every 0.2 s on a fresh connection (a failure counts as 99 s)."""
    latencies, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status = get(port, "/healthz", timeout=5)[0]
        except OSError:
            status = 0
        latencies.append(time.perf_counter() - started if status == 200 else 99.0)
        time.sleep(0.2)
    return latencies


class SlowClients:
    """Connections that send their request a few bytes at a time, reconnecting whenever the server hangs up."""

    def __init__(self, port: int, slowloris: int, slow_body: int) -> None:
        self.port, self.stop = port, threading.Event()
        self.kinds = ["headers"] * slowloris + ["body"] * slow_body
        self.sockets: list[socket.socket | None] = [None] * len(self.kinds)
        self.opened = [0.0] * len(self.kinds)
        self.lifetimes: list[float] = []  # seconds a slowloris connection lasted before the server closed it
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self, i: int) -> None:
        # slow bodies from addresses of their own: the limit of requests in flight per address is tested apart
        source = (client_address(200 + i), 0) if self.kinds[i] == "body" else None
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=2, source_address=source)
        head = b"POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\n"
        if self.kinds[i] == "body":
            head += b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
        sock.sendall(head)
        self.sockets[i], self.opened[i] = sock, time.monotonic()

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            for i, sock in enumerate(self.sockets):
                try:
                    if sock is None:
                        self._connect(i)
                    else:
                        sock.sendall(b"X-Slow: 1\r\n" if self.kinds[i] == "headers" else b"{")
                except OSError:
                    if sock is not None:
                        sock.close()
                        if self.kinds[i] == "headers":
                            self.lifetimes.append(time.monotonic() - self.opened[i])
                    self.sockets[i] = None

    def open(self) -> int:
        return sum(s is not None for s in self.sockets)

    def __enter__(self) -> SlowClients:
        for i in range(len(self.kinds)):
            self._connect(i)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock in self.sockets:
            if sock is not None:
                sock.close()


def test_healthz_stays_fast_while_50_slowloris_and_20_slow_body_connections_are_open(server):
    with SlowClients(server.port, slowloris=50, slow_body=20) as slow:
        time.sleep(1.5)
        held = slow.open()
        latencies = _healthz_while(HEADER_TIMEOUT + 4, server.port)
    assert held >= 65, f"only {held} of 70 slow connections were held open"
    assert max(latencies) < 1.0, f"/healthz took up to {max(latencies):.2f} s"
    assert slow.lifetimes, "the server never closed a connection that was still sending its headers"
    assert max(slow.lifetimes) <= HEADER_TIMEOUT + 2.5, f"headers allowed for {max(slow.lifetimes):.1f} s"


def _slow_body(address: str, port: int, path: str = "/_dash-update-component") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(address, 0))
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n".encode()
        + b"Content-Length: 100\r\n\r\n{"
    )
    return sock


def test_a_body_that_stops_arriving_is_dropped_after_the_body_timeout(server):
    with _slow_body("127.0.4.1", server.port) as sock:
        started = time.monotonic()
        answer = sock.recv(200)  # the server's 408, or the end of the connection
        waited = time.monotonic() - started
    assert HEADER_TIMEOUT - 0.5 <= waited <= HEADER_TIMEOUT + 2.5, f"dropped after {waited:.1f} s"
    assert answer == b"" or b" 408 " in answer


def test_requests_in_flight_per_client_address_are_limited(server):
    # to a page address: its rate's burst lets 50 through at once, so only the limit of requests in flight can refuse
    socks = [_slow_body("127.0.4.2", server.port, "/") for _ in range(PER_CLIENT + 4)]
    try:
        time.sleep(1.0)
        refused = []
        for sock in socks:
            sock.setblocking(False)
            try:
                refused.append(sock.recv(4096))
            except BlockingIOError:
                pass
        assert len(refused) == 4, refused
        assert all(b" 429 " in answer and b"Retry-After: 1" in answer for answer in refused), refused
        assert get(server.port, "/healthz")[0] == 200
    finally:
        for sock in socks:
            sock.close()


def _export(port: int, user: int, results: list, stop: threading.Event) -> None:
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(client_address(100 + user), 0))
        try:
            conn.request("GET", "/api/v1/observations?format=xlsx")
            response = conn.getresponse()
            body = response.read()
            results.append((response.status, response.getheader("Retry-After"), body[:2]))
        finally:
            conn.close()
        if results[-1][0] == 503:
            stop.wait(0.5)


def test_healthz_stays_fast_while_8_clients_keep_asking_for_excel_workbooks(server):
    results: list[tuple] = []
    stop = threading.Event()
    clients = [threading.Thread(target=_export, args=(server.port, u, results, stop), daemon=True) for u in range(8)]
    for client in clients:
        client.start()
    time.sleep(0.5)
    latencies = _healthz_while(10, server.port)
    stop.set()
    for client in clients:
        client.join(60)
    built = [r for r in results if r[0] == 200]
    refused = [r for r in results if r[0] == 503]
    assert max(latencies) < 1.0, f"/healthz took up to {max(latencies):.2f} s"
    assert len(built) >= 2 and all(r[2] == b"PK" for r in built), "workbooks were built"
    assert refused and all(r[1] == "10" for r in refused), "beyond the 2 slots: 503 with Retry-After"
    assert {r[0] for r in results} <= {200, 503}


def _raw(port: int, request: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 400),
        (b"GARBAGE\r\n\r\n", 400),
        (b"TRACE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 405),
        (
            b"POST /_dash-update-component HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + b"".join(b"10000\r\n" + b"[" * 65536 + b"\r\n" for _ in range(20))
            + b"0\r\n\r\n",
            413,
        ),
    ],
    ids=["long-url-414", "long-header-400", "garbage-400", "trace-405", "chunked-2MiB-413"],
)
def test_the_proxys_own_answers_carry_the_security_headers(server, request_bytes, status):
    got, headers, body = _raw(server.port, request_bytes)
    assert got == status, body[:200]
    assert all(name in headers for name in SECURITY_HEADERS), headers
    assert b"nginx" not in body
    if status == 405:
        assert headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.fixture(scope="module")
def strict(server):
    """A second server whose pages and callbacks are limited to 2/s per address (bursts of 10, 5 at once)."""
    with Gunicorn({**server.env, "DELTA87_RATE_PAGES": "2", "DELTA87_RATE_CALLBACKS": "2"}, workers=1) as running:
        yield running


def _send(port: int, address: str, method: str, path: str, body: str | None, headers: dict | None = None):
    """One request from `address` on a fresh connection: status, headers, body, seconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    try:
        sent = {**({"Content-Type": "application/json"} if body else {}), **(headers or {})}
        conn.request(method, path, body, sent)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.perf_counter() - started
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("kind", "path", "headers", "lang"),
    [
        ("page", "/?lang=fr", {}, "fr"),
        ("page", "/", {"Accept-Language": "de-DE,de;q=0.9,es;q=0.8"}, "es"),
        ("callback", "/_dash-update-component", {"Referer": "http://127.0.0.1/data?lang=fr"}, "fr"),
    ],
    ids=["page-lang-fr", "page-accept-language-es", "callback-from-a-french-page"],
)
def test_a_burst_from_one_address_is_slowed_to_the_rate_then_refused_in_the_readers_language(
    strict, kind, path, headers, lang
):
    request = ("GET", path, None, headers)
    if kind == "callback":
        specs = json.loads(get(strict.port, "/_dash-dependencies")[2])
        body = json.dumps(warm.router_body(next(s for s in specs if warm.ROUTER in s["output"]), "/"))
        request = ("POST", path, body, headers)
    address = {"fr": "127.0.3.1", "es": "127.0.3.7"}[lang] if kind == "page" else "127.0.3.2"
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(_send(strict.port, address, *request)))
        for _ in range(PER_CLIENT)
    ]  # fewer than the requests in flight allowed: only the rate can refuse
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    passed = [a for a in answers if a[0] == 200]
    refused = [a for a in answers if a[0] == 429]
    assert len(passed) + len(refused) == PER_CLIENT, [a[0] for a in answers]
    assert len(passed) >= 11 and len(refused) >= 2, "11 answered (6 at once, 5 at 2/s), the rest refused"
    assert max(a[3] for a in passed) >= 1.5, "the second half of a burst waits for the rate, it is not refused"
    for _, got, _, _ in refused:
        assert got["retry-after"] == "1" and all(name in got for name in SECURITY_HEADERS), got
    _, got, text, _ = refused[0]
    words = {"fr": ("Trop de requêtes", "Patientez quelques secondes"), "es": ("Demasiadas solicitudes", "Espere")}
    if kind == "page":  # a page a person reads, not a line of plain text
        assert got["content-type"] == "text/html; charset=utf-8"
        page = text.decode()
        assert f'<html lang="{lang}">' in page and all(w in page for w in words[lang])
        assert _styled_under_its_policy(page, got["content-security-policy"])
    else:  # JSON whose message assets/callback_errors.js shows on the page
        assert got["content-type"] == "application/json"
        problem = json.loads(text)
        assert problem["error"] == "rate_limited" and all(w in problem["message"] for w in words[lang])
    assert _send(strict.port, "127.0.3.3", *request)[0] == 200, "another client address is not held back"


def _styled_under_its_policy(page: str, policy: str) -> bool:
    """The page has styles, and the Content-Security-Policy lets a browser apply each one (no 'unsafe-inline')."""
    directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
    allowed = directives.get("style-src", directives["default-src"]).split()
    inline = re.findall(r"<style>(.*?)</style>", page, re.S)
    linked = re.findall(r"<link[^>]*stylesheet", page)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    unsafe = "'unsafe-inline'" in allowed
    return bool(inline or linked) and hashes <= set(allowed) and ("'self'" in allowed or not linked) and not unsafe


@pytest.fixture(scope="module")
def without_app():
    """nginx as `delta87 serve` configures it, in front of an app that is not there (its workers died): a port."""
    port, nginx = free_port(), shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    with tempfile.TemporaryDirectory(prefix="delta87-") as run:  # as serve's: nginx's workers may run as nobody
        serve_command._prepare(Path(run), config.settings(), "127.0.0.1", port, nginx)
        command = [nginx, "-e", "stderr", "-p", run, "-c", f"{run}/nginx.conf", "-g", "daemon off;"]
        proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.05)
        yield port
        proxy.send_signal(signal.SIGQUIT)
        proxy.wait(15)


@pytest.mark.parametrize(
    ("method", "path", "headers", "said"),
    [
        ("GET", "/country/KEN?lang=fr", {}, "Le site redémarre ou est surchargé. Patientez un instant"),
        ("GET", "/", {"Accept-Language": "es"}, "El sitio se está reiniciando o está sobrecargado. Espere"),
        ("POST", "/_dash-update-component", {"Referer": "http://127.0.0.1/data?lang=fr"}, "cette partie de la page"),
        ("GET", "/api/v1/countries", {"Accept-Language": "fr"}, "the service is restarting or overloaded"),
        ("GET", "/healthz", {}, "the service is restarting or overloaded"),
        ("GET", "/readyz", {}, "the service is restarting or overloaded"),
    ],
    ids=["page-fr", "page-es", "callback-fr", "api", "healthz", "readyz"],
)
def test_when_the_app_does_not_answer_pages_get_a_styled_page_and_callbacks_the_api_and_health_checks_json(
    without_app, method, path, headers, said
):
    status, got, body, _ = _send(without_app, "127.0.6.1", method, path, "{}" if method == "POST" else None, headers)
    assert status == 502 and got["retry-after"] == "5" and all(name in got for name in SECURITY_HEADERS), got
    if path.startswith("/country") or path == "/":
        assert got["content-type"] == "text/html; charset=utf-8" and said in body.decode()
        assert _styled_under_its_policy(body.decode(), got["content-security-policy"])
    else:  # assets/callback_errors.js shows a callback's message on the page
        problem = json.loads(body)
        assert got["content-type"] == "application/json" and problem["error"] == "unavailable", body
        assert said in problem["message"]


def _api(port: int, address: str, forwarded_for: str | None = None) -> tuple[int, dict, bytes]:
    """One API request from `address` (a proxy passing `forwarded_for` on, if given)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    try:
        conn.request("GET", "/api/v1/countries", headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_api_requests_are_rate_limited_per_client_address(server):
    statuses = [_api(server.port, "127.0.3.4")[0] for _ in range(40)]  # rate 3/s, bursts of 15, no waiting
    assert statuses[:15] == [200] * 15 and statuses.count(429) >= 15
    assert _api(server.port, "127.0.3.5")[0] == 200


def test_the_apis_429_is_json_naming_the_limit_and_the_fix_with_retry_after(server):
    answers = [_api(server.port, "127.0.3.6") for _ in range(40)]
    _, headers, body = next(a for a in answers if a[0] == 429)
    assert headers["retry-after"] == "1" and headers["content-type"] == "application/json"
    assert all(name in headers for name in SECURITY_HEADERS), headers
    problem = json.loads(body)
    assert set(problem) == {"error", "parameter", "message", "allowed"} and problem["error"] == "rate_limited"
    assert "3 requests a second per address (bursts of 15)" in problem["message"], "the limit"
    assert "wait" in problem["message"] and "/api/v1/bulk" in problem["message"], "the fix"


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(server):
    # the proxy appends the address it saw; 198.51.100.7 stands for a value the client sent itself (ignored)
    forwarded = [_api(server.port, TRUSTED_PROXY, f"198.51.100.7, 203.0.113.{i}")[0] for i in range(40)]
    assert forwarded == [200] * 40, "40 clients behind one trusted proxy, each inside its own limit"
    one = [_api(server.port, TRUSTED_PROXY, "203.0.113.200")[0] for _ in range(40)]
    assert one[:15] == [200] * 15 and one.count(429) >= 15, "one client behind the proxy keeps its limit"
    spoofed = [_api(server.port, "127.0.5.2", f"198.51.100.{i}")[0] for i in range(40)]
    assert spoofed.count(429) >= 15, "an address that is not a trusted proxy cannot name other clients"


@pytest.mark.parametrize("how", ["SIGTERM to delta87 serve", "nginx exits"])
def test_serve_stops_nginx_and_gunicorn_together(server, how):
    import psutil  # noqa: PLC0415 - test dependency only

    with Gunicorn(server.env, workers=1) as second:
        serve = psutil.Process(second.proc.pid)
        children = serve.children(recursive=True)
        if how == "nginx exits":
            next(p for p in serve.children() if p.name() == "nginx").terminate()
        else:
            second.proc.send_signal(signal.SIGTERM)
        code = second.proc.wait(30)
        _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"left running: {[p.cmdline() for p in alive]}"
    assert code == (0 if how.startswith("SIGTERM") else 1)


def test_serve_logs_each_request_when_its_output_is_a_socket_as_under_systemd(server):
    """systemd hands a service the journal as a socket on stdout, which nginx cannot open as /dev/stdout."""
    journal, output = socket.socketpair()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.extend(iter(lambda: journal.recv(65536), b"")), daemon=True)
    reader.start()
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(command, cwd=ROOT, env=server.env, stdout=output, stderr=output, start_new_session=True)
    output.close()
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if get(port, "/healthz?from-the-test", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert proc.poll() is None, b"".join(received).decode(errors="replace")[-3000:]
        time.sleep(0.5)
        assert b'"GET /healthz?from-the-test HTTP/1.1" 200' in b"".join(received), "nginx's access log line"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        journal.close()


def test_a_client_cannot_make_the_app_write_https_links_by_header(server):
    """gunicorn trusts forwarding headers from its socket, so nginx must not pass on those a client sends."""
    spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}
    status, headers, body = get(server.port, "/api/v1/docs", headers=spoofed)
    assert status == 200 and f"http://127.0.0.1:{server.port}/api/v1/" in body.decode(), body[:300]
    assert b"https://" not in body and "https://" not in headers.get("link", "")


def _smaps_mb(pid: int) -> dict[str, float]:
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    return {name.rstrip(":"): int(kb) / 1024 for name, kb, *_ in (line.split() for line in lines)}


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="reads Linux's /proc")
def test_the_workers_share_the_app_built_once_instead_of_each_holding_a_copy(server):
    """gunicorn's master builds the app and forks the workers from it: a large part of each worker's heap is shared
    with the master and the other worker (so it counts at a fraction in the worker's proportional size)."""
    assert get(server.port, "/api/v1/indicators")[0] == 200
    for pid in server.worker_pids():
        memory = _smaps_mb(pid)
        assert memory["Pss_Anon"] < 0.8 * memory["Anonymous"], memory
