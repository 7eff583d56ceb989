"""Page loads in headless Chromium: warm loads on this machine and first visits on an emulated Slow 4G phone link.

Before and after: a fresh `delta87 serve` (gunicorn, 2 workers) of a baseline commit (`--baseline`, checked out
in a temporary git worktree) and of this checkout, over the same release, in the same run:
- warm: navigation start to every graph in view drawn (browser clock), median of repeated loads in one browser
  after a first visit, for the main pages; also when the page's text (headline numbers) first showed, and how
  many graphs were drawn;
- Slow 4G: a new browser (empty cache) per visit, in the desktop window and in a phone viewport (390×844),
  with Chromium's network emulation (DevTools
  `Network.emulateNetworkConditions`: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up), navigation start to
  every graph in view drawn, the bytes the browser received (compressed, headers included), the requests and the
  Dash callback requests among them; median of the visits.
Goals (issue 14): warm <= 1.0 s; Slow 4G first visit of / and /country/<ISO3> <= 5 s and <= 1.0 MB.
With --lang fr|es the after run opens every page with ?lang= (the baseline as given, e.g. --baseline HEAD for the
same code in English), and the section is written under its own heading.
Usage: python -m benchmarks.frontend_bench [--baseline REF] [--lang fr] [--repeat 5] [--visits 3] [--synthetic]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from benchmarks import page_bench, results
from tests.servers import ROOT, Gunicorn

HEADING = "Page loads and Slow 4G, desktop and phone (benchmarks/frontend_bench.py)"
#: path -> selector that shows the page's own content has arrived
PAGES = {"/": "#home-headlines", "/country/NPL": "#country-name", "/indicator/child_labour_5_17": "#indicator-name",
         "/coverage": "#coverage-matrix", "/progress": "#progress-summary"}  # fmt: skip
SLOW_PAGES = ("/", "/country/NPL")
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
#: Slow 4G visits in the benchmark's desktop window and in a phone's viewport (Lighthouse's mobile profile)
WINDOWS = {"desktop": None, "phone": {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}}
SHOWN_JS = """return [window.delta87Shown,
  [...document.querySelectorAll('.dash-graph')].filter(g => g.querySelector('.main-svg')).length]"""


def load(driver, port: int, path: str, query: str = "") -> tuple[float, float, int]:
    """One load: (ms to every graph in view drawn, ms to the page's text shown, graphs drawn)."""
    drawn = page_bench.drawn_ms(driver, port, path + query, PAGES[path])
    shown, graphs = driver.execute_script(SHOWN_JS)
    return drawn, float(shown), int(graphs)


def warm_ms(port: int, repeat: int, query: str = "") -> dict[str, tuple[float, float, int]]:
    """Median (drawn, text shown) times and graphs drawn of each page, after one visit that fills the browser's
    and the server's caches."""
    driver = page_bench.browser()
    try:
        out = {}
        for path in PAGES:
            load(driver, port, path, query)
            runs = [load(driver, port, path, query) for _ in range(repeat)]
            out[path] = tuple(statistics.median(r[i] for r in runs) for i in range(3))
        return out
    finally:
        driver.quit()


def slow_events(port: int, path: str, ready: str, window: dict | None = None, cpu_rate: int = 1) -> tuple:
    """One first visit over emulated Slow 4G in a new browser (in `window`'s emulated viewport, if given, with the
    CPU slowed `cpu_rate` times): (ms until `ready` is drawn, the browser's network events)."""
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
        if window:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", window)
        if cpu_rate > 1:
            driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": cpu_rate})
        ms = page_bench.drawn_ms(driver, port, path, ready)
        return ms, [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    finally:
        driver.quit()


def slow_visit(port: int, path: str, window: dict | None = None, query: str = "") -> tuple:
    """One first visit over emulated Slow 4G (see slow_events): (ms to every graph in view drawn, bytes received,
    requests, callback requests, the largest transfers)."""
    ms, events = slow_events(port, path + query, PAGES[path], window)
    finished = [e["params"] for e in events if e["method"] == "Network.loadingFinished"]
    sent = [e["params"] for e in events if e["method"] == "Network.requestWillBeSent"]
    urls, start = {p["requestId"]: p["request"]["url"] for p in sent}, min(p["timestamp"] for p in sent)
    transfers = sorted(((p["encodedDataLength"], p["timestamp"] - start, urls.get(p["requestId"], "?")) for p in finished),
                       reverse=True)[:6]  # fmt: skip
    received = sum(p.get("encodedDataLength", 0) for p in finished)
    return ms, received, len(sent), sum("_dash-update-component" in p["request"]["url"] for p in sent), transfers


def slow_4g(port: int, visits: int, query: str = "") -> dict[str, tuple]:
    """Median time, bytes, requests and callback requests of first visits to each page over Slow 4G in each
    window, and the largest transfers of the last visit; keyed by (window, path)."""
    out = {}
    for name, window in WINDOWS.items():
        for path in SLOW_PAGES:
            runs = [slow_visit(port, path, window, query) for _ in range(visits)]
            out[name, path] = (*(statistics.median(r[i] for r in runs) for i in range(4)), runs[-1][4])
    return out


def largest(transfers: list[tuple]) -> str:
    """'name kB (done at s)' of the largest transfers of a visit."""
    return ", ".join(
        f"{url.split('?')[0].rsplit('/', 1)[-1] or 'the page'} {size / 1000:.0f} kB ({done:.1f} s)"
        for size, done, url in transfers
    )


def measure(env: dict, root: Path, repeat: int, visits: int, query: str = "") -> dict:
    """Both measurements against a fresh server of the checkout at `root` (pages opened with `query`)."""
    with Gunicorn(env, workers=2, log_path=page_bench.WORK / "g.log", root=root) as server:
        return {"warm": warm_ms(server.port, repeat, query), "slow": slow_4g(server.port, visits, query)}


def report(data: str, baseline: str, runs: dict, load: tuple[float, float, float]) -> str:
    """The RESULTS.md section."""
    base, ours = runs["before"], runs["after"]

    def warm_cell(run: dict, path: str) -> str:
        drawn, shown, graphs = run["warm"][path]
        return f"{drawn:.0f} (text {shown:.0f}; {graphs:.0f} graphs)"

    def slow_cell(run: dict, key: tuple) -> str:
        ms, received, requests, callbacks, _ = run["slow"][key]
        return f"{ms / 1000:.1f} s, {received / 1e6:.2f} MB, {requests:.0f} requests ({callbacks:.0f} callbacks)"

    warm = "\n".join(
        f"| {p} | {warm_cell(base, p)} | {warm_cell(ours, p)} | {'met' if ours['warm'][p][0] <= 1000 else 'NOT met'} |"
        for p in PAGES
    )
    slow = "\n".join(
        f"| {p} ({w}) | {slow_cell(base, (w, p))} | {slow_cell(ours, (w, p))} "
        f"| {'met' if ours['slow'][w, p][0] <= 5000 and ours['slow'][w, p][1] <= 1_000_000 else 'NOT met'} |"
        for w in WINDOWS
        for p in SLOW_PAGES
    )
    transfers = "\n".join(f"- {p} ({w}): {largest(ours['slow'][w, p][4])}" for w in WINDOWS for p in SLOW_PAGES)
    return f"""Data: {data}. Server: `delta87 serve` (nginx in front of gunicorn, 2 workers, page cache filled by one visit);
headless Chromium (1366×900 window) on the same 2 cores. Before = commit {baseline}, after = this checkout, both
served in the same run over the same release. Load average before the run {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}
on 2 cores (the machine is shared, so warm figures vary between runs).

Warm load, navigation start to every graph in view drawn (median, ms; in brackets when the page's text and
headline numbers first showed, and the graphs drawn; charts below the fold are drawn when scrolled to):

| page | before | after | goal ≤ 1000 ms |
|---|---:|---:|---|
{warm}

First visit, empty browser cache, Slow 4G emulation (150 ms, 1.6 Mbit/s down, 750 kbit/s up): time to every
graph in view drawn, bytes received, requests and Dash callback requests among them (median of the visits), in
the 1366×900 window (desktop) and in a phone's viewport (phone: 390×844 at 3× pixel density, touch, as Lighthouse's
mobile profile emulates it; the CPU is not slowed down):

| page | before | after | goal ≤ 5 s and ≤ 1.0 MB |
|---|---:|---:|---|
{slow}

Largest transfers of one Slow 4G visit after (compressed size, finished at, from navigation start):
{transfers}
"""


@contextmanager
def baseline(ref: str):
    """A temporary detached git worktree of `ref` (the baseline served beside this checkout), removed after use."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), ref], check=True,
                       capture_output=True)  # fmt: skip
        try:
            yield folder
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)


def bench_env(root: Path) -> dict:
    """The settings a served checkout needs to serve the release in `root` with its own empty file cache."""
    work = page_bench.WORK
    return {"DELTA87_DATA_DIR": str(work), "DELTA87_WAREHOUSE_DIR": str(root), "DELTA87_REPORT_DIR": str(work / "reports"),
            "DELTA87_CACHE_DIR": str(work / "cache"), "DELTA87_CACHE_URL": ""}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref served as the baseline (default: main)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--lang", choices=("fr", "es"), help="open the after run's pages in this language")
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args(argv)
    root, data = page_bench.build_warehouse(args.synthetic)
    env, load = bench_env(root), os.getloadavg()
    with baseline(args.baseline) as base:
        runs = {"before": measure(env, base, args.repeat, args.visits)}
    query = f"?lang={args.lang}" if args.lang else ""
    runs["after"] = measure(env, ROOT, args.repeat, args.visits, query)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline], capture_output=True,
                            text=True, check=False).stdout.strip() or args.baseline  # fmt: skip
    section = report(data, f"{commit} ({args.baseline})", runs, load)
    if args.lang:
        section = f"After = this checkout's pages with `{query}`.\n\n" + section
    print(section, flush=True)
    results.write_section(HEADING + (f", {query}" if query else ""), section)


if __name__ == "__main__":
    main()
