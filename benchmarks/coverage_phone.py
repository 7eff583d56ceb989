"""What a phone downloads and waits for on /coverage (or another page): first visits over emulated Slow 4G in a
phone's viewport.

A new headless Chromium per visit (empty cache) with Lighthouse's mobile profile: 390×844 at 3× pixel density,
touch, Slow 4G (150 ms, 1.6 Mbit/s down, 750 kbit/s up) and the CPU slowed 4×. Per visit: bytes received
(compressed, headers included) in all and for the page's own answer (the router callback that carries the matrix
figure, or the page), and the time from navigation start to the page ready (PAGES: the matrix drawn, the country's
text shown); median of the visits. Before = `--baseline` served from a temporary git worktree, after = this
checkout, both by `delta87 serve` over the same release.
Usage: python -m benchmarks.coverage_phone [--page /country/NPL] [--baseline REF] [--visits 3] [--synthetic]
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from benchmarks import frontend_bench, page_bench, results
from tests.servers import ROOT, Gunicorn

HEADING = "%s on a phone over Slow 4G (benchmarks/coverage_phone.py)"
PHONE = {**frontend_bench.WINDOWS["phone"]}
#: page -> (selector that shows it ready, what that is); the country page's first view on a phone holds no chart
PAGES = {
    "/coverage": ("#coverage-matrix .main-svg", "the matrix drawn"),
    "/country/NPL": ("#country-name", "the page shown"),
}


def visit(port: int, page: str = "/coverage") -> tuple[float, int, int]:
    """One first visit: (ms to the page ready, bytes received, bytes of the router callback's answer)."""
    ms, events = frontend_bench.slow_events(port, page, PAGES[page][0], PHONE, cpu_rate=4)
    sent = {
        e["params"]["requestId"]: e["params"]["request"] for e in events if e["method"] == "Network.requestWillBeSent"
    }
    done = [e["params"] for e in events if e["method"] == "Network.loadingFinished"]
    router = [
        p["encodedDataLength"] for p in done if "_pages_content" in (sent.get(p["requestId"], {}).get("postData") or "")
    ]
    return ms, sum(p["encodedDataLength"] for p in done), sum(router)


def measure(env: dict, root: Path, visits: int, page: str = "/coverage") -> tuple[float, ...]:
    """Median (ms, bytes, router bytes) of `visits` first visits to a fresh server of the checkout at `root`."""
    with Gunicorn(env, workers=2, log_path=page_bench.WORK / "g.log", root=root) as server:
        visit(server.port, page)  # fills the server's page cache: the visits below measure the browser's side
        runs = [visit(server.port, page) for _ in range(visits)]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref served as the baseline (default: main)")
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--page", choices=PAGES, default="/coverage")
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args(argv)
    root, data = page_bench.build_warehouse(args.synthetic)
    env, load = frontend_bench.bench_env(root), ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with frontend_bench.baseline(args.baseline) as base:
        before = measure(env, base, args.visits, args.page)
    after = measure(env, ROOT, args.visits, args.page)
    rows = "\n".join(
        f"| {name} | {ms / 1000:.2f} s | {total / 1000:.0f} kB | {router / 1000:.1f} kB |"
        for name, (ms, total, router) in ((f"before ({args.baseline})", before), ("after", after))
    )
    section = f"""Data: {data}. `delta87 serve` (2 workers, page cache filled by one visit); load average before
the run {load} on 2 cores. A new headless Chromium per visit, Lighthouse's mobile profile (390×844 at 3×, touch,
Slow 4G, CPU slowed 4×); median of {args.visits} visits.

| code | navigation to {PAGES[args.page][1]} | received in all (compressed) | of which the page's answer |
|---|---:|---:|---:|
{rows}
"""
    print(section, flush=True)
    results.write_section(HEADING % args.page, section)


if __name__ == "__main__":
    main()
