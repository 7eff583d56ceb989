"""The dashboards in headless Chromium (dash_duo): pages render with zero console errors, axe-core finds no
serious or critical violations, and screenshots at 1366 and 390 px wide are saved for reviewers.

Data: the real warehouse built by the ETL when it is available (DELTA87_TEST_REAL=0 forces the SYNTHETIC
release of tests/dashboard_release.py, which is also the fallback while the ETL cannot run).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from tests import dashboard_release

# web/compression.py (flask-compress) leaves asset files open after streaming them, and a server thread still
# compressing plotly.min.js when dash_duo stops the server raises; both reported to the lead. Until fixed, these
# warnings (raised outside the page under test) must not fail the page tests. Errors in the pages themselves still
# fail them: a failing request shows in the browser console, which every test asserts empty.
pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));
"""


@pytest.fixture
def countries(warehouse_root, request, monkeypatch) -> tuple[str, str]:
    """The real warehouse when the ETL works, else the synthetic release, served; (rich country, sparse country).

    Request it before `app`."""
    if os.environ.get("DELTA87_TEST_REAL", "1") != "0":
        try:
            real = request.getfixturevalue("real_warehouse_dir")
        except Exception:  # noqa: BLE001 - the ETL is optional here: fall back to the synthetic release
            real = None
        if real is not None:  # Nepal: a pathfinder with data on all three pillars; Tuvalu: little data
            monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(real))
            return "NPL", "TUV"
    dashboard_release.build(warehouse_root)
    return "KEN", "TUV"


def visit(dash_duo, path: str, ready: str, timeout: int = 20):
    """Open `path` and wait until `ready` (a CSS selector) is present."""
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(ready, timeout=timeout)


def wait_until(dash_duo, condition, timeout: int = 20):
    """Wait until `condition(driver)` is truthy."""
    return WebDriverWait(dash_duo.driver, timeout).until(condition)


def graphs_drawn(dash_duo, timeout: int = 20) -> int:
    """Draw the charts below the fold, wait until every dcc.Graph has drawn its SVG; return how many there are."""
    dash_duo.driver.execute_script("window.delta87Charts.drawAll()")
    dash_duo.wait_for_element(".js-plotly-plot .main-svg", timeout=timeout)
    every_drawn = "return [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))"
    wait_until(dash_duo, lambda d: d.execute_script(every_drawn), timeout)
    return len(dash_duo.find_elements(".dash-graph"))


#: True once every graph has been laid out again for its container's current width.
RELAID_OUT = """return [...document.querySelectorAll('.js-plotly-plot')].every(
  g => !g._fullLayout || Math.abs(g._fullLayout.width - g.getBoundingClientRect().width) < 2)"""


def serious_violations(dash_duo) -> list[dict]:
    dash_duo.driver.execute_script(AXE.read_text(encoding="utf-8"))
    dash_duo.driver.set_script_timeout(60)
    found = dash_duo.driver.execute_async_script(RUN_AXE)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def screenshots(dash_duo, folder: Path, name: str) -> None:
    """Full-page captures at 1366 and 390 px wide (the window grows to the page height)."""
    for width in (1366, 390):
        dash_duo.driver.set_window_size(width, 900)
        wait_until(dash_duo, lambda d: d.execute_script(RELAID_OUT))  # Plotly re-lays out on a debounced resize
        height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
        dash_duo.driver.set_window_size(width, min(int(height), 6000))
        wait_until(dash_duo, lambda d: d.execute_script(RELAID_OUT))
        dash_duo.driver.save_screenshot(str(folder / f"{name}-{width}.png"))
    dash_duo.driver.set_window_size(1366, 900)


def test_overview_renders_accessible_with_map(dash_duo, countries, app, screenshot_dir):
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#home-headlines", timeout=20)
    assert graphs_drawn(dash_duo) >= 4  # the map below the estimates included
    dash_duo.wait_for_element("#home-map .geo", timeout=20)
    assert serious_violations(dash_duo) == []
    screenshots(dash_duo, screenshot_dir, "overview")
    assert dash_duo.get_logs() == []


def test_rich_country_dashboard_renders_accessible(dash_duo, countries, app, screenshot_dir):
    rich, _ = countries
    dash_duo.start_server(app)
    visit(dash_duo, f"/country/{rich}", "#country-name")
    assert graphs_drawn(dash_duo) >= 3
    if rich == "NPL":  # the real release: TIP tiers by report year in the government-response section
        dash_duo.wait_for_element("#country-tip_tier .main-svg", timeout=20)
    assert serious_violations(dash_duo) == []
    screenshots(dash_duo, screenshot_dir, f"country-{rich}")
    assert dash_duo.get_logs() == []


def test_sparse_country_and_unknown_code_render_without_errors(dash_duo, countries, app):
    _, sparse = countries
    dash_duo.start_server(app)
    visit(dash_duo, f"/country/{sparse}", "#country-gap-list")
    assert "in this release" in dash_duo.find_element("#country-gap-list").text
    visit(dash_duo, "/country/KEM", "#country-not-found")
    assert "Kenya" in dash_duo.find_element("#country-suggestions").text
    # the only console entry is Chromium noting the document's own HTTP 404 status (which is the point)
    logs = dash_duo.get_logs()
    expected = [entry for entry in logs if entry["source"] == "network" and "/country/KEM - " in entry["message"]]
    assert len(expected) == 1 and "404" in expected[0]["message"]
    assert [entry for entry in logs if entry not in expected] == []


def test_indicator_page_switches_tab_adds_a_country_and_keeps_the_view_in_the_url(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    visit(dash_duo, "/indicator/child_labour_5_17", "#indicator-map .geo")  # country data: it opens on a map
    dash_duo.select_dcc_dropdown("#indicator-countries", index=0)
    dash_duo.wait_for_contains_text("#indicator-live", "1 compared area.", 10)
    dash_duo.find_elements("#indicator-tabs .nav-link")[0].click()
    dash_duo.wait_for_element("#indicator-chart .main-svg", timeout=20)
    assert "tab=chart" in dash_duo.driver.current_url and "countries=" in dash_duo.driver.current_url
    reopened = dash_duo.driver.current_url
    dash_duo.driver.get(reopened)  # a copied link reopens the same view
    dash_duo.wait_for_element("#indicator-chart .main-svg", timeout=20)
    assert dash_duo.find_element("#indicator-tabs .nav-link.active").text == "Chart"
    assert serious_violations(dash_duo) == []  # including the dropdowns (assets/dropdown_a11y.js)
    assert dash_duo.get_logs() == []


def test_theme_and_pathfinder_pages_render_without_errors(dash_duo, countries, app):
    dash_duo.start_server(app)
    visit(dash_duo, "/theme/child-labour", "#theme-indicators")
    visit(dash_duo, "/pathfinders", "#pathfinders-table")
    assert dash_duo.find_elements("#pathfinders-table a")
    rich, _ = countries
    if rich == "NPL":  # the real release: one comparative row per pathfinder, readable by screen readers
        row = dash_duo.find_element("#pathfinders-row-NPL").text
        assert "ages 5–17" in row or "ages 12–14" in row
        assert serious_violations(dash_duo) == []
    assert dash_duo.get_logs() == []


def test_menu_toggler_opens_the_navigation_on_a_phone(dash_duo, countries, app):
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(390, 844)
    dash_duo.wait_for_element("#shell-toggler", timeout=20)
    toggler = dash_duo.find_element("#shell-toggler")
    assert toggler.get_attribute("aria-expanded") == "false"
    toggler.click()
    wait_until(dash_duo, lambda d: toggler.get_attribute("aria-expanded") == "true", 10)
    link = dash_duo.find_element("#shell-nav-countries")
    wait_until(dash_duo, lambda d: link.is_displayed(), 10)
    link.click()
    dash_duo.wait_for_element("#countries-list", timeout=20)
    wait_until(dash_duo, lambda d: toggler.get_attribute("aria-expanded") == "false", 10)
    assert dash_duo.find_element("#shell-nav-countries").get_attribute("aria-current") == "page"
    dash_duo.driver.set_window_size(1366, 900)
    assert dash_duo.get_logs() == []
