"""Country page speed in headless Chromium: navigation to all graphs drawn.

`delta87 serve` (gunicorn, 2 workers) with an empty cache; a fresh headless Chromium opens /country/<ISO3>; the
time is read from the browser's own clock (performance.now(), which starts at navigation) when every dcc.Graph
on the page has drawn its SVG. The first load of each country is "cold" (fresh server and cache for the first
one, first view for the others); the median of repeated loads is "warm". Goal: warm <= 1.0 s. Prints the
figures and writes its RESULTS.md section.
Data: the real release built by the ETL, or the SYNTHETIC dashboard release with --synthetic.
Usage: python -m benchmarks.page_bench [--countries NPL,BRA,KEN] [--repeat 7] [--synthetic]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
from pathlib import Path

import config
from benchmarks import results
from tests.servers import Gunicorn

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "page"
HEADING = "Page speed (benchmarks/page_bench.py)"
CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--window-size=1366,900")  # fmt: skip
#: Resolves with performance.now() once the page shows its content (the selector) and every graph in view has
#: drawn (charts below the fold are drawn only when scrolled to); `window.delta87Shown` is when the content
#: (headline numbers and text) first appeared.
DRAWN_JS = """
const done = arguments[arguments.length - 1];
const inView = p => p.getBoundingClientRect().top < innerHeight && p.getBoundingClientRect().bottom > 0;
// the page content (name and graphs) arrives in one render, so once the name is there the graphs are counted
const ready = () => document.querySelector(arguments[0]) &&
  [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg')) &&
  ![...document.querySelectorAll('.lazy-graph')].some(p => !p.querySelector('.dash-graph') && inView(p)) &&
  !document.querySelector('[data-dash-is-loading="true"]');
const poll = () => {
  if (!window.delta87Shown && document.querySelector(arguments[0])) window.delta87Shown = performance.now();
  ready() ? done(performance.now()) : setTimeout(poll, 10);
};
poll();
"""
#: In-app navigation, as a click on a link does (dcc.Link / dbc.NavLink): push the path, tell Dash's router,
#: resolve with the milliseconds until the new page shows its name and every graph has drawn.
NAVIGATE_JS = """
const done = arguments[arguments.length - 1];
const started = performance.now();
window.history.pushState({}, '', arguments[0]);
window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
const ready = () => document.querySelector('#country-name') &&
  [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg')) &&
  !document.querySelector('[data-dash-is-loading="true"]');
const poll = () => ready() ? done(performance.now() - started) : setTimeout(poll, 10);
poll();
"""


def build_warehouse(synthetic: bool) -> tuple[Path, str]:
    """The real ETL over the raw snapshots, or the synthetic dashboard release."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    root = WORK / "warehouse"
    if not synthetic and config.settings().raw_dir.is_dir():
        from etl.pipeline import run  # noqa: PLC0415 - only when building

        result = run(warehouse_dir=root, report_dir=WORK / "reports", progress=False)
        if result.ok:
            return root, "the real release built by the ETL from the raw snapshots"
        print("the real ETL refused the raw data; using the synthetic release", flush=True)
    from tests import dashboard_release  # noqa: PLC0415

    dashboard_release.build(root)
    return root, "the SYNTHETIC dashboard release of tests/dashboard_release.py"


def browser():
    from selenium import webdriver  # noqa: PLC0415 - only when measuring

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(60)
    return driver


def drawn_ms(driver, port: int, path: str, ready: str = "#country-name") -> float:
    """Milliseconds from navigation start to every graph drawn, measured by the browser."""
    driver.get(f"http://127.0.0.1:{port}{path}")
    return float(driver.execute_async_script(DRAWN_JS, ready))


def page_times(port: int, countries: list[str], repeat: int) -> dict:
    """Cold (first view of each country) and warm (median of repeats) navigation-to-drawn times."""
    driver = browser()
    count = "return document.querySelectorAll('.dash-graph').length"
    try:
        cold, warm, graphs, in_app = {}, {}, {}, {}
        for iso3 in countries:
            cold[iso3] = drawn_ms(driver, port, f"/country/{iso3}")
        for iso3 in countries:
            warm[iso3] = statistics.median(drawn_ms(driver, port, f"/country/{iso3}") for _ in range(repeat))
            graphs[iso3] = driver.execute_script(count)
        for iso3 in countries:
            in_app[iso3] = statistics.median(navigate_ms(driver, port, iso3) for _ in range(repeat))
    finally:
        driver.quit()
    return {"cold": cold, "warm": warm, "in_app": in_app, "graphs": graphs}


def navigate_ms(driver, port: int, iso3: str) -> float:
    """From the countries list to a country page inside the running app (no page reload)."""
    driver.get(f"http://127.0.0.1:{port}/countries")
    driver.execute_async_script(DRAWN_JS, "#countries-list")
    return float(driver.execute_async_script(NAVIGATE_JS, f"/country/{iso3}"))


def report(data: str, pages: dict, start_s: float) -> str:
    """The RESULTS.md section (also printed)."""
    warm = statistics.median(pages["warm"].values())
    rows = "\n".join(
        f"| {iso3} | {pages['graphs'][iso3]} | {pages['cold'][iso3]:.0f} | {pages['warm'][iso3]:.0f} "
        f"| {pages['in_app'][iso3]:.0f} |"
        for iso3 in pages["cold"]
    )
    in_app = statistics.median(pages["in_app"].values())
    return f"""Data: {data}. Server: `delta87 serve` (gunicorn, 2 workers), cold start {start_s:.1f} s, empty page cache.

Navigation to all graphs drawn on /country/<ISO3> in headless Chromium (ms, browser clock; the first row is the
first page the fresh server renders, with an empty cache):

| country | graphs | cold (first view) | warm full page load (median) | warm in-app navigation (median) |
|---|---|---|---|---|
{rows}

Warm full page load, median over countries: **{warm:.0f} ms** (goal ≤ 1000 ms: {"met" if warm <= 1000 else "NOT met"});
in-app navigation (a link click inside the app, no page reload): **{in_app:.0f} ms**.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", default="NPL,BRA,KEN", help="ISO3 codes, comma-separated")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args(argv)
    root, data = build_warehouse(args.synthetic)
    countries = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
    if args.synthetic:
        countries = ["KEN", "UGA", "TUV"]
    env = {"DELTA87_DATA_DIR": str(WORK), "DELTA87_WAREHOUSE_DIR": str(root), "DELTA87_REPORT_DIR": str(WORK / "reports"),
           "DELTA87_CACHE_DIR": str(WORK / "cache"), "DELTA87_CACHE_URL": ""}  # fmt: skip
    with Gunicorn(env, workers=2, log_path=WORK / "gunicorn.log") as server:
        pages = page_times(server.port, countries, args.repeat)
        start_s = server.start_seconds or 0.0
    section = report(data, pages, start_s)
    print(section, flush=True)
    results.write_section(HEADING, section)


if __name__ == "__main__":
    main()
