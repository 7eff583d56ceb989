"""A flooding client for benchmarks/load_bench.py: unique callback bodies and junk bundle URLs, as fast as it can.

It stands for one hostile address (its own loopback address) with a few connections, each sending back to back:
the page router's callback for one of the pages the users visit with a junk key and random whitespace (every
body unique, none of them ever sent twice: a cache keyed on the raw body would grow with each), and Dash's
renderer bundle under a random query string or a made-up fingerprint (every URL unique: a bundle cache keyed on
the URL would compress it again each time). The users of the load test must not notice it.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import uuid
from collections import Counter

from cli import warm
from tests.servers import get

ADDRESS = "127.0.9.1"
BUNDLE = re.compile(r'src="(/_dash-component-suites/dash/dash-renderer/build/dash_renderer\.v\w+m\d+\.min\.js)"')


class Attacker:
    """`connections` threads flooding `port` until stopped; `statuses` counts the answers by status."""

    def __init__(self, port: int, paths: list[str], connections: int = 4) -> None:
        self.port, self.paths, self.connections = port, paths, connections
        specs = json.loads(get(port, "/_dash-dependencies")[2])
        self.router = next(s for s in specs if warm.ROUTER in s["output"])
        self.bundle = BUNDLE.search(get(port, "/")[2].decode()).group(1)
        self.statuses: Counter = Counter()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._flood, args=(i,), daemon=True) for i in range(connections)]

    def __enter__(self) -> Attacker:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def requests(self) -> int:
        return sum(self.statuses.values())

    def _flood(self, seed: int) -> None:
        rng = random.Random(seed)
        conn = None
        while not self._stop.is_set():
            method, path, body, headers = self._next(rng)
            try:
                conn = conn or http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30, source_address=(ADDRESS, 0)
                )
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                status = 0
                if conn is not None:
                    conn.close()
                conn = None
            with self._lock:
                self.statuses[status] += 1
        if conn is not None:
            conn.close()

    def _next(self, rng: random.Random) -> tuple[str, str, bytes | None, dict]:
        junk = uuid.UUID(int=rng.getrandbits(128)).hex
        if rng.random() < 0.5:
            body = warm.router_body(self.router, rng.choice(self.paths))
            text = json.dumps({**body, f"x{junk}": junk}, indent=rng.choice([None, 1, 2]))
            return (
                "POST",
                "/_dash-update-component",
                (text + " " * rng.randrange(64)).encode(),
                {"Content-Type": "application/json"},
            )
        if rng.random() < 0.5:
            path = f"{self.bundle}?v={junk}"
        else:
            path = re.sub(
                r"\.v\w+m\d+\.", f".v{rng.randrange(99)}_{rng.randrange(99)}m{rng.getrandbits(30)}.", self.bundle
            )
        return "GET", path, None, {"Accept-Encoding": "br, gzip"}
