"""Every page on a phone (390×844) in headless Chromium: no horizontal overflow, no serious or critical axe-core
violations, charts drawn with the partial plotly.js bundle only; the desktop search field; /coverage links.

Data: the real warehouse when the ETL works, else the SYNTHETIC release (the `countries` fixture).
"""

from __future__ import annotations

import pytest

from tests import test_browser_pages as browser_pages
from tests.test_browser_pages import serious_violations, visit, wait_until

countries = browser_pages.countries  # the served release (a fixture)

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: True once the page's content has arrived, nothing is loading and every graph has drawn.
SETTLED = """return !!document.querySelector('#_pages_content > *') &&
  !document.querySelector('[data-dash-is-loading="true"]') &&
  [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))"""
#: Trace types drawn on the page that the loaded plotly.js does not know, and whether it is the partial bundle.
TRACES = """const known = Object.keys(Plotly.PlotSchema.get().traces);
const drawn = [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => (g.data || []).map(t => t.type || 'scatter'));
return {unknown: drawn.filter(t => !known.includes(t)), partial: !known.includes('pie'), graphs: drawn.length}"""
OVERFLOW = "return document.documentElement.scrollWidth - window.innerWidth"


def pages(rich: str) -> list[str]:
    return [
        "/", "/countries", f"/country/{rich}", f"/country/{rich}/brief", "/coverage", "/data", "/indicators",
        "/indicator/child_labour_5_17", "/pathfinders", "/themes", "/theme/child-labour", "/learn",
        "/learn/child-labour-definitions", "/learn/glossary", "/forum", "/forum/data-gaps-that-matter-most",
        "/forum/contribute", "/search?q=nepal",
    ]  # fmt: skip


def test_every_page_fits_a_phone_is_accessible_and_draws_only_bundled_traces(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(390, 844)
    problems, graphs = {}, 0
    for path in pages(rich):
        visit(dash_duo, path, "#_pages_content > *")
        wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)
        found = {"overflow px": dash_duo.driver.execute_script(OVERFLOW)}
        found["axe"] = serious_violations(dash_duo)
        if dash_duo.driver.execute_script("return !!window.Plotly"):
            traces = dash_duo.driver.execute_script(TRACES)
            found.update(unknown_traces=traces["unknown"], full_bundle=not traces["partial"])
            graphs += traces["graphs"]
        found = {k: v for k, v in found.items() if v and (k != "overflow px" or v > 0)}
        if found:
            problems[path] = found
    assert problems == {}
    assert graphs >= 5  # the sweep saw charts drawn
    assert dash_duo.get_logs() == []


def test_desktop_search_field_is_visible_and_labelled(dash_duo, countries, app):
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1366, 900)
    visit(dash_duo, "/countries", "#shell-search")
    box = dash_duo.driver.execute_script(
        "const r = document.querySelector('#shell-search').getBoundingClientRect();"
        "return {width: r.width, height: r.height, right: r.right, viewport: window.innerWidth}"
    )
    assert box["width"] >= 160 and box["height"] >= 28 and box["right"] <= box["viewport"]
    assert dash_duo.find_element("label[for='shell-search']").is_displayed()


def test_coverage_view_survives_a_copied_link(dash_duo, countries, app):
    dash_duo.start_server(app)
    visit(dash_duo, "/coverage", "#coverage-matrix .main-svg")
    dash_duo.find_element("#coverage-colour input[value='nature']").click()
    wait_until(dash_duo, lambda d: "colour=nature" in d.current_url, 10)
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_element("#coverage-matrix .main-svg", timeout=20)
    assert dash_duo.find_element("#coverage-colour input[value='nature']").is_selected()
    assert dash_duo.get_logs() == []
