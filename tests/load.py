"""A small bounded load generator for the reliability tests and benchmarks/load_bench.py (loopback only).

N users (threads), each with its own keep-alive HTTP connection and loopback address, send requests drawn from
a weighted mix, back to back, until the duration is over. Every response is recorded as a `Sample` (kind, status, latency, the
release named in X-Delta87-Release, bytes on the wire, and the facts an `inspect` function found in the body).
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import brotli


@dataclass(frozen=True)
class Request:
    """One kind of request in the mix."""

    kind: str  # e.g. "page", "layout", "callback", "api", "health"
    method: str
    path: str
    body: dict | None = None
    weight: float = 1.0

    def encoded(self) -> tuple[bytes | None, dict]:
        headers = {"Accept-Encoding": "gzip, br"}
        if self.body is None:
            return None, headers
        return json.dumps(self.body).encode(), {**headers, "Content-Type": "application/json"}


@dataclass(frozen=True)
class Visit:
    """What a browser sends for one page view (e.g. the router callback, then the page's initial callbacks)."""

    name: str
    requests: tuple[Request, ...]
    weight: float = 1.0


@dataclass
class Sample:
    """The outcome of one request."""

    user: int
    kind: str
    path: str
    started: float  # seconds since the load began
    seconds: float
    status: int = 0  # 0: no HTTP answer (connection error)
    release: str | None = None
    nbytes: int = 0
    error: str | None = None  # connection error
    facts: dict | None = None  # what `inspect` found in the body


#: inspect(request, status, headers, decoded body) -> facts to keep (the body itself is not kept).
Inspect = Callable[[Request, int, dict, bytes], dict]


@dataclass
class Load:
    """Run a mix of requests or visits from `users` threads for `duration` seconds against 127.0.0.1:`port`.

    After each visit (a single Request counts as one) a user thinks for a random time in `think` seconds;
    (0, 0) makes a closed-loop stress test.
    """

    port: int
    mix: list[Request | Visit]
    users: int = 8
    duration: float = 20.0
    think: tuple[float, float] = (0.0, 0.0)
    headers: dict = field(default_factory=dict)  # added to every request (e.g. Cache-Control: no-cache)
    inspect: Inspect | None = None
    timeout: float = 30.0
    samples: list[Sample] = field(default_factory=list)
    reconnects: int = 0

    def __post_init__(self) -> None:
        self._t0 = time.perf_counter()
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> list[Sample]:
        """Block until the run is over; return every sample (`elapsed()` counts from the start of the run)."""
        self._t0 = time.perf_counter()
        threads = [threading.Thread(target=self._user, args=(i,), daemon=True) for i in range(self.users)]
        for thread in threads:
            thread.start()
        time.sleep(self.duration)
        self._stop.set()
        for thread in threads:
            thread.join(self.timeout + 5)
        return self.samples

    def elapsed(self) -> float:
        return time.perf_counter() - self._t0

    def _user(self, user: int) -> None:
        rng = random.Random(user)
        weights = [r.weight for r in self.mix]
        conn = None
        while not self._stop.is_set():
            chosen = rng.choices(self.mix, weights)[0]
            for request in chosen.requests if isinstance(chosen, Visit) else (chosen,):
                sample, conn = self._send(user, request, conn)
                with self._lock:
                    self.samples.append(sample)
                if self._stop.is_set():
                    break
            if self.think[1] > 0:
                self._stop.wait(rng.uniform(*self.think))
        if conn is not None:
            conn.close()

    def _send(self, user: int, request: Request, conn) -> tuple[Sample, http.client.HTTPConnection | None]:
        body, headers = request.encoded()
        headers.update(self.headers)
        started = self.elapsed()
        for attempt in (1, 2):
            reused = conn is not None
            conn = conn or http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout, source_address=(client_address(user), 0)
            )
            try:
                conn.request(request.method, request.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                conn.close()
                conn = None
                if reused and attempt == 1:  # the server closed an idle keep-alive connection: retry once
                    with self._lock:
                        self.reconnects += 1
                    continue
                return Sample(
                    user, request.kind, request.path, started, self.elapsed() - started, error=repr(exc)
                ), None
            except OSError as exc:
                conn.close()
                return Sample(
                    user, request.kind, request.path, started, self.elapsed() - started, error=repr(exc)
                ), None
        headers_in = {k.lower(): v for k, v in response.getheaders()}
        sample = Sample(
            user, request.kind, request.path, started, self.elapsed() - started, response.status,
            headers_in.get("x-delta87-release"), len(data),
        )  # fmt: skip
        if self.inspect is not None:
            sample.facts = self.inspect(request, response.status, headers_in, decoded(data, headers_in))
        if headers_in.get("connection", "").lower() == "close":
            conn.close()
            conn = None
        return sample, conn


def client_address(user: int) -> str:
    """A loopback address of its own for each simulated user (127.0.0.0/8 is all loopback), so that limits per
    client address treat the users as the different people they stand for."""
    return f"127.0.{1 + user // 250}.{1 + user % 250}"


def fetch(port: int, request: Request, timeout: float = 60.0, extra: dict | None = None) -> tuple[Sample, bytes]:
    """Send one request on a fresh connection (with `extra` headers): its Sample and the decoded body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    body, headers = request.encoded()
    headers.update(extra or {})
    started = time.perf_counter()
    try:
        conn.request(request.method, request.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    headers_in = {k.lower(): v for k, v in response.getheaders()}
    sample = Sample(0, request.kind, request.path, 0.0, time.perf_counter() - started, response.status,
                    headers_in.get("x-delta87-release"), len(data))  # fmt: skip
    return sample, decoded(data, headers_in)


def decoded(data: bytes, headers: dict) -> bytes:
    """The body without its Content-Encoding (gzip or br)."""
    encoding = headers.get("content-encoding", "")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return brotli.decompress(data)
    return data


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
