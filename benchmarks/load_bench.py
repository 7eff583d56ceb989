"""Load test of `delta87 serve` (gunicorn, 2 workers) on loopback; writes its section of benchmarks/RESULTS.md.

Measures cold start, first-load transfer (the requests headless Chromium makes to open the overview, replayed
with gzip and with brotli), memory per worker idle and under load (RSS, psutil), and for 50 users over 60 s:
throughput, p50/p95/p99 per endpoint kind and errors. Users replay what a browser sends for a page view (the
page router callback, then the page's initial callbacks) or call the API, then think 1-3 s; each user has its
own loopback address (the limits per client address apply to each). The first run starts with an empty cache
(as right after a publish that was not warmed), a second one with the cache the first left; a third repeats the
second while an attacker floods unique callback bodies and junk bundle URLs (benchmarks/attack.py); a fourth
without think time measures capacity. Data: a real release built by the ETL from the raw snapshots, or
the SYNTHETIC dashboard release with --synthetic (or when the raw folder is missing).
Usage: python -m benchmarks.load_bench [--users 50] [--seconds 60] [--stress-seconds 30] [--synthetic]
"""

from __future__ import annotations

import argparse
import json
import shutil
import threading
import time
from pathlib import Path

import psutil

import config
from benchmarks import results
from benchmarks.attack import Attacker
from benchmarks.firstload import first_load
from cli import warm
from tests.load import Load, Request, Visit, fetch, percentile
from tests.servers import Gunicorn, get

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "load"
HEADING = "Load test (benchmarks/load_bench.py)"
GOALS = {"errors": 0, "p95_ms": 250, "worker_mb": 300, "first_load_mb": 1.5, "attack_ratio": 1.5}
KINDS = ("page", "layout", "callback", "api", "health")


def build_warehouse(synthetic: bool) -> tuple[Path, str]:
    """A fresh warehouse: the real ETL over the raw snapshots, or the synthetic dashboard release."""
    root = WORK / "warehouse"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    if not synthetic and config.settings().raw_dir.is_dir():
        from etl.pipeline import run  # noqa: PLC0415

        result = run(warehouse_dir=root, report_dir=WORK / "reports", progress=False)
        if result.ok:
            counts = json.loads((root / "releases" / result.release_id / "manifest.json").read_text())["counts"]
            return (
                root,
                f"the real release built by `delta87 etl run` from the raw snapshots ({counts['observations']:,} observations)",
            )
        print("the real ETL refused the raw data; falling back to the synthetic release", flush=True)
    from tests import dashboard_release  # noqa: PLC0415

    dashboard_release.build(root)
    return root, "the SYNTHETIC dashboard release of tests/dashboard_release.py (63 observations)"


def env_for(root: Path) -> dict[str, str]:
    return {
        "DELTA87_DATA_DIR": str(WORK),
        "DELTA87_WAREHOUSE_DIR": str(root),
        "DELTA87_REPORT_DIR": str(WORK / "reports"),
        "DELTA87_CACHE_DIR": str(WORK / "cache"),
        "DELTA87_CACHE_URL": "",
    }


def visits(port: int) -> list[Visit]:
    """Page views (router + initial callbacks, as the browser sends them), full page loads, API calls, probes."""
    specs = json.loads(get(port, "/_dash-dependencies")[2])
    shell = json.loads(get(port, "/_dash-layout")[2])
    router = next(s for s in specs if warm.ROUTER in s["output"])
    countries = [c["iso3"] for c in json.loads(get(port, "/api/v1/countries")[2])["data"]][:40:4]
    indicators = [i["code"] for i in json.loads(get(port, "/api/v1/indicators")[2])["data"]][:5]
    paths = ["/", "/countries", "/coverage", "/data", "/themes", "/indicators"]
    paths += [f"/country/{c}" for c in countries] + [f"/indicator/{i}" for i in indicators]
    mix = []
    for path in paths:
        body = warm.router_body(router, path)
        answer = json.loads(_post(port, body))
        on_page = warm.components([shell, warm.page_layout(answer)])
        calls = [Request("callback", "POST", "/_dash-update-component", body)]
        calls += [
            Request("callback", "POST", "/_dash-update-component", b) for b in warm.initial_bodies(specs, on_page)
        ]
        mix.append(Visit(f"navigate {path}", tuple(calls), weight=3 if path == "/" else 1))
    full = (
        Request("page", "GET", "/"),
        Request("layout", "GET", "/_dash-layout"),
        Request("layout", "GET", "/_dash-dependencies"),
    )
    mix.append(Visit("open the site", full + mix[0].requests, weight=3))
    api = [f"/api/v1/observations?indicator={i}&limit=500" for i in indicators[:3]]
    api += ["/api/v1/countries", "/api/v1/indicators", f"/api/v1/observations?country={countries[0]}"]
    mix += [Visit(f"api {p}", (Request("api", "GET", p),)) for p in api]
    mix.append(Visit("probe", (Request("health", "GET", "/readyz"),), weight=0.5))
    return mix


def _post(port: int, body: dict) -> bytes:
    import http.client  # noqa: PLC0415

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/_dash-update-component", json.dumps(body), {"Content-Type": "application/json"})
        return conn.getresponse().read()
    finally:
        conn.close()


def cold_page_view(port: int) -> float:
    """Seconds for a first page view on cold workers with an empty cache: what the browser asks for, in order."""
    started = time.perf_counter()
    fetch(port, Request("page", "GET", "/"))
    shell = json.loads(fetch(port, Request("layout", "GET", "/_dash-layout"))[1])
    specs = json.loads(fetch(port, Request("layout", "GET", "/_dash-dependencies"))[1])
    router = next(s for s in specs if warm.ROUTER in s["output"])
    page = json.loads(
        fetch(port, Request("callback", "POST", "/_dash-update-component", warm.router_body(router, "/")))[1]
    )
    for body in warm.initial_bodies(specs, warm.components([shell, warm.page_layout(page)])):
        fetch(port, Request("callback", "POST", "/_dash-update-component", body))
    return time.perf_counter() - started


def empty_cache() -> None:
    """Delete every entry of the servers' filesystem cache (the workers then compute and store afresh)."""
    shutil.rmtree(WORK / "cache", ignore_errors=True)
    (WORK / "cache").mkdir(parents=True)


def cold_ms(port: int, request: Request) -> float:
    """Milliseconds for one request against an empty cache."""
    empty_cache()
    return fetch(port, request)[0].seconds * 1000


def slowest(port: int, mix: list[Visit], top: int = 6) -> list[tuple[float, str]]:
    """The slowest requests of the mix one at a time, each against an empty cache (median of 3)."""
    timings = []
    for visit in mix:
        for request in visit.requests:
            ms = sorted(cold_ms(port, request) for _ in range(3))[1]
            what = request.path if request.body is None else f"{request.body['output'].strip('.')[:48]} ({visit.name})"
            timings.append((ms, f"{request.kind}: {what}"))
    return sorted(set(timings), reverse=True)[:top]


class WorkerWatch:
    """Sample every worker once a second in the background: peak RSS, and CPU time (workers may be recycled)."""

    def __init__(self, server: Gunicorn):
        self.server, self.peak, self._stop = server, {}, threading.Event()
        self.cpu_start = {pid: cpu for pid, (_, cpu) in worker_stats(server).items()}
        self.cpu_last = dict(self.cpu_start)
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self._sample()

    def cpu_seconds(self) -> float:
        return sum(cpu - self.cpu_start.get(pid, 0.0) for pid, cpu in self.cpu_last.items())

    def _watch(self):
        while not self._stop.wait(1.0):
            self._sample()

    def _sample(self):
        for pid, (mb, cpu) in worker_stats(self.server).items():
            self.peak[pid] = max(self.peak.get(pid, 0.0), mb)
            self.cpu_last[pid] = cpu


def worker_stats(server: Gunicorn) -> dict[int, tuple[float, float]]:
    """RSS in MB and CPU seconds of each gunicorn worker."""
    found = {}
    for pid in server.worker_pids():
        try:
            process = psutil.Process(pid)
            times = process.cpu_times()
            found[pid] = (process.memory_info().rss / 2**20, times.user + times.system)
        except psutil.NoSuchProcess:
            continue
    return found


def worker_rss(server: Gunicorn) -> list[float]:
    return sorted(mb for mb, _ in worker_stats(server).values())


def run_load(server: Gunicorn, mix, users: int, seconds: float, think: tuple[float, float]) -> dict:
    """One load run: samples, worker peaks, CPU used by the server and by this client, recycled workers."""
    client_cpu = time.process_time()
    with WorkerWatch(server) as watch:
        load = Load(server.port, mix, users=users, duration=seconds, think=think, timeout=60)
        samples = load.run()
    return {
        "samples": samples,
        "seconds": seconds,
        "peak_mb": sorted(watch.peak.values()),
        "workers_seen": len(watch.peak),
        "server_cpu": watch.cpu_seconds(),
        "client_cpu": time.process_time() - client_cpu,
        "reconnects": load.reconnects,
    }


def summary(run: dict) -> dict[str, dict]:
    """Per endpoint kind (and all): requests, req/s, p50/p95/p99 ms, errors (5xx or no answer)."""
    rows = {}
    for kind in (*KINDS, "all"):
        chosen = [s for s in run["samples"] if kind == "all" or s.kind == kind]
        if not chosen:
            continue
        ms = [s.seconds * 1000 for s in chosen]
        rows[kind] = {
            "requests": len(chosen),
            "rps": len(chosen) / run["seconds"],
            "p50": percentile(ms, 50),
            "p95": percentile(ms, 95),
            "p99": percentile(ms, 99),
            "errors": sum(1 for s in chosen if s.error or s.status >= 500 or s.status == 0),
            "non_2xx": sum(1 for s in chosen if s.status and not 200 <= s.status < 400),
        }
    return rows


def measure(args) -> dict:
    """Everything the report needs, in one pass."""
    root, data = build_warehouse(args.synthetic)
    found = {"data": data, "users": args.users, "seconds": args.seconds}
    with Gunicorn(env_for(root), workers=2, log_path=WORK / "gunicorn.log") as server:
        found["cold_start_s"] = server.start_seconds
        found["cold_view_s"] = cold_page_view(server.port)
        mix = visits(server.port)
        found["slowest"] = slowest(server.port, mix)
        found["idle_mb"] = worker_rss(server)
        found["first_load"] = first_load(server.port)
        empty_cache()
        found["think"] = run_load(server, mix, args.users, args.seconds, (1.0, 3.0))
        found["warm"] = run_load(server, mix, args.users, args.stress_seconds, (1.0, 3.0))
        paths = [visit.name.split(" ", 1)[1] for visit in mix if visit.name.startswith("navigate ")]
        with Attacker(server.port, paths) as attacker:
            found["attack"] = run_load(server, mix, args.users, args.stress_seconds, (1.0, 3.0))
        found["attacker"] = dict(attacker.statuses)
        found["stress"] = run_load(server, mix, args.users, args.stress_seconds, (0.0, 0.0))
        found["after_mb"] = worker_rss(server)
    return found


def report(found: dict) -> str:
    """The RESULTS.md section."""
    from benchmarks.load_report import render  # noqa: PLC0415

    return render(found, summary, GOALS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--stress-seconds", type=float, default=30.0)
    parser.add_argument("--synthetic", action="store_true", help="use the synthetic release, not the real ETL")
    args = parser.parse_args(argv)
    machine = results.machine_info()
    found = measure(args)
    section = machine + "\n\n" + report(found)
    print(section)
    results.write_section(HEADING, section)


if __name__ == "__main__":
    main()
