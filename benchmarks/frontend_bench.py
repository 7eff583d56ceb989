"""Page loads in headless Chromium: warm loads on this machine and first visits on an emulated Slow 4G phone link.

For each plotly.js bundle (`DELTA87_PLOTLY_BUNDLE=full`, Dash's own, as the baseline; then `partial`, ours), a
fresh `delta87 serve` (gunicorn, 2 workers) over the same release, in the same run:
- warm: navigation start to every graph on the page drawn (browser clock), median of repeated loads in one
  browser after a first visit, for the main pages;
- Slow 4G: a new browser (empty cache) per visit, with Chromium's network emulation (DevTools
  `Network.emulateNetworkConditions`: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up), navigation start to
  every graph drawn, and the bytes the browser received (compressed, headers included); median of the visits.
Goals (issue 14): warm <= 1.0 s; Slow 4G first visit of / and /country/<ISO3> <= 5 s and <= 1.0 MB.
Usage: python -m benchmarks.frontend_bench [--repeat 5] [--visits 3] [--synthetic]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics

from benchmarks import page_bench, results
from tests.servers import Gunicorn

HEADING = "Page loads and Slow 4G (benchmarks/frontend_bench.py)"
#: path -> selector that shows the page's own content has arrived
PAGES = {"/": "#home-headlines", "/country/NPL": "#country-name", "/indicator/child_labour_5_17": "#indicator-chart",
         "/coverage": "#coverage-matrix"}  # fmt: skip
SLOW_PAGES = ("/", "/country/NPL")
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


def warm_ms(port: int, repeat: int) -> dict[str, float]:
    """Median navigation-to-drawn time of each page, after one visit that fills the browser cache."""
    driver = page_bench.browser()
    try:
        times = {}
        for path, ready in PAGES.items():
            page_bench.drawn_ms(driver, port, path, ready)
            times[path] = statistics.median(page_bench.drawn_ms(driver, port, path, ready) for _ in range(repeat))
        return times
    finally:
        driver.quit()


def slow_visit(port: int, path: str) -> tuple[float, int]:
    """One first visit over emulated Slow 4G in a new browser: (ms to every graph drawn, bytes received)."""
    from selenium import webdriver  # noqa: PLC0415 - only when measuring

    options = webdriver.ChromeOptions()
    options.binary_location = page_bench.CHROMIUM
    for arg in page_bench.ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(120)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_4G)
        ms = page_bench.drawn_ms(driver, port, path, PAGES[path])
        events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    finally:
        driver.quit()
    received = sum(e["params"].get("encodedDataLength", 0) for e in events if e["method"] == "Network.loadingFinished")
    return ms, received


def slow_4g(port: int, visits: int) -> dict[str, tuple[float, int]]:
    """Median time and bytes of first visits to each page over Slow 4G."""
    out = {}
    for path in SLOW_PAGES:
        runs = [slow_visit(port, path) for _ in range(visits)]
        out[path] = (statistics.median(r[0] for r in runs), int(statistics.median(r[1] for r in runs)))
    return out


def measure(env: dict, bundle: str, repeat: int, visits: int) -> dict:
    """Both measurements against a fresh server serving this plotly.js bundle."""
    with Gunicorn({**env, "DELTA87_PLOTLY_BUNDLE": bundle}, workers=2, log_path=page_bench.WORK / "g.log") as server:
        return {"warm": warm_ms(server.port, repeat), "slow": slow_4g(server.port, visits)}


def report(data: str, runs: dict, load: tuple[float, float, float]) -> str:
    """The RESULTS.md section."""
    base, ours = runs["full"], runs["partial"]
    warm = "\n".join(
        f"| {p} | {base['warm'][p]:.0f} | {ours['warm'][p]:.0f} | {'met' if ours['warm'][p] <= 1000 else 'NOT met'} |"
        for p in PAGES
    )
    slow = "\n".join(
        f"| {p} | {base['slow'][p][0] / 1000:.1f} s, {base['slow'][p][1] / 1e6:.2f} MB "
        f"| {ours['slow'][p][0] / 1000:.1f} s, {ours['slow'][p][1] / 1e6:.2f} MB "
        f"| {'met' if ours['slow'][p][0] <= 5000 and ours['slow'][p][1] <= 1_000_000 else 'NOT met'} |"
        for p in SLOW_PAGES
    )
    return f"""Data: {data}. Server: `delta87 serve` (nginx in front of gunicorn, 2 workers, page cache filled by one visit);
headless Chromium on the same 2 cores. Baseline = Dash's full plotly.js (`DELTA87_PLOTLY_BUNDLE=full`), measured
in the same run as ours (the partial bundle of tools/plotly_bundle). Load average before the run
{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} on 2 cores (the machine is shared, so warm figures vary between runs).

Warm load, navigation start to every graph drawn (median, ms):

| page | baseline | ours | goal ≤ 1000 ms |
|---|---:|---:|---|
{warm}

First visit, empty browser cache, Slow 4G emulation (150 ms, 1.6 Mbit/s down, 750 kbit/s up): time to every
graph drawn and bytes received (median of the visits):

| page | baseline | ours | goal ≤ 5 s and ≤ 1.0 MB |
|---|---:|---:|---|
{slow}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args(argv)
    root, data = page_bench.build_warehouse(args.synthetic)
    work = page_bench.WORK
    env = {"DELTA87_DATA_DIR": str(work), "DELTA87_WAREHOUSE_DIR": str(root), "DELTA87_REPORT_DIR": str(work / "reports"),
           "DELTA87_CACHE_DIR": str(work / "cache"), "DELTA87_CACHE_URL": ""}  # fmt: skip
    load = os.getloadavg()
    runs = {bundle: measure(env, bundle, args.repeat, args.visits) for bundle in ("full", "partial")}
    section = report(data, runs, load)
    print(section, flush=True)
    results.write_section(HEADING, section)


if __name__ == "__main__":
    main()
