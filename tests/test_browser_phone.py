"""A phone and a keyboard in headless Chromium: comparison bars that keep the chart's width at 360 px, the
overview's map table printed and opened without a round trip, /coverage's table inside its own box, and a
keyboard sweep (every control reached by Tab, tables that let Tab move on, focus visible, no sideways scroll) of
the main pages.

Data: the real warehouse when the ETL works, else the SYNTHETIC release (the `countries` fixture).
"""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests import test_browser_pages as browser_pages
from tests.test_browser_frontend import OVERFLOW, WIDEST, open_settled, printed_text
from tests.test_browser_pages import visit, wait_until

countries = browser_pages.countries  # the served release (a fixture)

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: Every horizontal bar chart: its width, the width its bars may use, and the names drawn past its edges.
BAR_CHARTS = """return [...document.querySelectorAll('.js-plotly-plot')]
  .filter(g => (g.data || []).some(t => t.type === 'bar' && t.orientation === 'h')).map(g => {
    const box = g.getBoundingClientRect();
    const out = [...g.querySelectorAll('.annotation-text, .ytick text')].filter(t => {
      const r = t.getBoundingClientRect();
      return r.width && (r.left < box.left - 1 || r.right > box.right + 1);
    }).map(t => t.textContent);
    return {width: box.width, bars: g._fullLayout._size.w, cut: out, title: g.getAttribute('data-title') || ''};
  })"""


def test_comparison_bars_keep_the_chart_width_on_a_small_phone(dash_duo, countries, app):
    # long area names ("…: unweighted median of 11 of 13 countries") once left the bars about 60 px of 320
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(360, 740)
    charts = []
    for path in (f"/country/{rich}", "/"):
        visit(dash_duo, path, "#_pages_content > *")
        browser_pages.graphs_drawn(dash_duo, 30)
        charts += dash_duo.driver.execute_script(BAR_CHARTS)
    assert len(charts) >= 3  # peers on the country page, regions on the overview
    assert [c for c in charts if c["bars"] < 0.75 * c["width"] or c["cut"]] == []
    assert dash_duo.get_logs() == []


#: The overview map's table: its caption, its rows, whether its <details> is open.
MAP_TABLE = """const t = document.querySelector('#home-map-table table');
return {caption: t ? t.caption.textContent : '', rows: t ? t.tBodies[0].rows.length : 0,
        open: document.querySelector('#home-map-table').closest('details').open}"""


def test_the_overview_map_table_prints_before_scrolling_and_opens_without_a_round_trip(dash_duo, countries, app):
    open_settled(dash_duo, app, "/?indicator=child_labour_5_17", "#home-headlines", (1366, 900))
    assert dash_duo.driver.execute_script(MAP_TABLE) == {"caption": "", "rows": 0, "open": False}  # not rendered
    caption = dash_duo.driver.execute_script(
        "return JSON.parse(document.querySelector('#home-map-table [data-deferred]').getAttribute('data-deferred'))"
        ".props.children.props.children[0].props.children"
    )
    assert caption.startswith("Child labour")
    printed = printed_text(dash_duo)  # the map, far below the fold, is not drawn: its table prints instead
    assert " ".join(caption.split()) in printed
    assert dash_duo.driver.execute_script(MAP_TABLE)["open"] is False  # closed again after the print
    requests = "return performance.getEntriesByType('resource').filter(r => r.name.includes('_dash-update')).length"
    before = dash_duo.driver.execute_script(requests)
    summary = dash_duo.find_element("#home-map-table-open")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.send_keys(Keys.ENTER)  # a keyboard user opens it
    wait_until(dash_duo, lambda d: d.execute_script(MAP_TABLE)["open"])
    assert dash_duo.driver.execute_script(MAP_TABLE)["rows"] >= 5
    assert dash_duo.driver.execute_script(requests) == before  # the rows came with the page
    assert dash_duo.get_logs() == []


#: The country page's chart tables rendered, and the rows of the first one.
CHART_TABLES = """return {rendered: document.querySelectorAll('figure.chart-block table').length,
  rows: document.querySelectorAll('figure.chart-block > details[open] table tbody tr').length}"""


def test_country_chart_tables_open_by_keyboard_without_a_round_trip(dash_duo, countries, app):
    rich, _ = countries
    open_settled(dash_duo, app, f"/country/{rich}", "#country-name", (390, 844))
    assert dash_duo.driver.execute_script(CHART_TABLES) == {"rendered": 0, "rows": 0}  # they wait in the page
    requests = "return performance.getEntriesByType('resource').filter(r => r.name.includes('_dash-update')).length"
    before = dash_duo.driver.execute_script(requests)
    summary = dash_duo.find_element("figure.chart-block > details > summary")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.send_keys(Keys.ENTER)  # a keyboard user opens the first chart's table
    wait_until(dash_duo, lambda d: d.execute_script(CHART_TABLES)["rows"] >= 1)
    assert dash_duo.driver.execute_script(CHART_TABLES)["rendered"] == 1
    assert dash_duo.driver.execute_script(requests) == before  # the rows came with the page
    assert dash_duo.get_logs() == []


def test_the_coverage_table_scrolls_in_its_own_box_on_a_laptop_and_a_phone(dash_duo, countries, app):
    dash_duo.start_server(app)
    overflowing = {}
    for width in (1366, 360):
        dash_duo.driver.set_window_size(width, 900)
        visit(dash_duo, "/coverage?lang=fr", "#coverage-matrix .main-svg")
        dash_duo.driver.execute_script("document.querySelector('#coverage-table-open').click()")
        box = dash_duo.wait_for_element("#coverage-table [role='region'] table", timeout=30)
        if dash_duo.driver.execute_script(OVERFLOW) > 0:
            overflowing[width] = dash_duo.driver.execute_script(WIDEST)
        region = dash_duo.find_element("#coverage-table [role='region']")
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
        assert box.size["width"] > region.size["width"]  # it scrolls inside the region
    assert overflowing == {}
    assert dash_duo.get_logs() == []


#: The coverage matrix's rows, and how far each country's name sits from its row's middle (px).
ROW_NAMES = """const g = document.querySelector('#coverage-matrix .js-plotly-plot'), size = g._fullLayout._size;
const top = g.getBoundingClientRect().top, n = g.data[0].y.length;
const lines = [...g.querySelectorAll('.annotation-text tspan.line')];
return {rows: n, names: lines.map(t => t.textContent).join('|') === g.data[0].y.join('|'),
  off: Math.max(...lines.map((t, i) => { const r = t.getBoundingClientRect();
    return Math.abs(r.top + r.height / 2 - top - size.t - (i + 0.5) * size.h / n); }))}"""


def test_coverage_names_sit_beside_their_rows_on_a_laptop_and_a_phone(dash_duo, countries, app):
    dash_duo.start_server(app)
    for width in (1366, 390):
        dash_duo.driver.set_window_size(width, 900)
        visit(dash_duo, "/coverage", "#coverage-matrix .main-svg")
        found = dash_duo.driver.execute_script(ROW_NAMES)
        assert found["rows"] >= 3 and found["names"] and found["off"] <= 3, (width, found)
    assert dash_duo.get_logs() == []


#: Controls a keyboard should reach (shown, not in a closed <details>, one radio per group); focus is recorded as
#: it moves, with whether a focus ring shows (an outline or shadow on the control or on its own frame).
WATCH_FOCUS = """const sel = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
const shown = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden' && !e.disabled &&
  !(e.tagName !== 'SUMMARY' && e.parentElement.closest('details:not([open])')) &&
  !(e.type === 'radio' && !e.checked && document.querySelector(`input[type=radio][name="${e.name}"]:checked`));
const ring = e => [e, e.parentElement].some(x => { const s = getComputedStyle(x);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; });
window.focusSweep = {controls: [...document.querySelectorAll(sel)].filter(e => e.tabIndex >= 0 && shown(e)),
                     reached: new Set(), unringed: []};
document.addEventListener('focusin', ev => { focusSweep.reached.add(ev.target);
  if (!ring(ev.target)) focusSweep.unringed.push(ev.target); }, true);
return focusSweep.controls.length"""
FOCUS_FOUND = """const name = e => e.tagName + ' ' + (e.id || e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40);
return {missed: focusSweep.controls.filter(e => !focusSweep.reached.has(e)).map(name),
        unringed: [...new Set(focusSweep.unringed)].map(name)}"""


EVERY_GRAPH_DRAWN = """return !document.querySelector('[data-dash-is-loading="true"]') &&
  [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))"""


def test_a_keyboard_reaches_every_control_with_visible_focus_on_a_phone(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(360, 740)
    problems = {}
    for path in ("/", f"/country/{rich}", "/coverage", "/data", "/progress", "/learn/child-labour-definitions",
                 "/forum/data-gaps-that-matter-most"):  # fmt: skip
        visit(dash_duo, path, "#_pages_content > *")
        dash_duo.driver.execute_script("window.delta87Charts.drawAll()")  # the charts' own controls included
        wait_until(dash_duo, lambda d: d.execute_script(EVERY_GRAPH_DRAWN), 30)
        count = dash_duo.driver.execute_script(WATCH_FOCUS)
        ActionChains(dash_duo.driver).send_keys(Keys.TAB * (count + 3)).perform()
        found = dash_duo.driver.execute_script(FOCUS_FOUND)
        found["overflow"] = dash_duo.driver.execute_script(OVERFLOW) > 0 and dash_duo.driver.execute_script(WIDEST)
        if any(found.values()):
            problems[path] = {k: v for k, v in found.items() if v}
    assert problems == {}, json.dumps(problems, indent=1)
    assert dash_duo.get_logs() == []


#: Each search form (the navbar's, /search's): whether its field fills the box drawn round it (what a finger hits),
#: and how many of the form's hidden fields are drawn.
SEARCH_BOXES = """return [...document.querySelectorAll('[role=search]')].map(form => {
  const field = form.querySelector('input[type=search]'), r = field.getBoundingClientRect(),
        box = field.parentElement.getBoundingClientRect();
  return {fills: r.height >= box.height - 4 && r.width >= box.width - 4,
          hidden_drawn: [...form.querySelectorAll('.dash-input-hidden')].filter(e => e.getClientRects().length).length};
})"""


def test_search_boxes_are_one_field_a_finger_can_hit_in_french_on_a_phone(dash_duo, countries, app):
    # the form's hidden `lang` field was drawn as an empty white box beside the button (every page, fr and es),
    # and the /search field was a 20 px strip inside its 34 px frame
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(360, 740)
    visit(dash_duo, "/search?q=kenya&lang=fr", "#search-count")
    dash_duo.find_element("#shell-toggler").click()
    wait_until(dash_duo, lambda d: dash_duo.find_element("#shell-search").is_displayed(), 10)
    fill = {"fills": True, "hidden_drawn": 0}
    assert dash_duo.driver.execute_script(SEARCH_BOXES) == [fill, fill]
    assert dash_duo.get_logs() == []


#: Text drawn under 14 px (outside charts), and the summaries and explainer links less than 24 px tall.
SMALL_THINGS = """const small = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const e = walker.currentNode.parentElement;
  if (walker.currentNode.textContent.trim() && e.getClientRects().length && !e.closest('svg') &&
      parseFloat(getComputedStyle(e).fontSize) < 13.9) small.push(e.className + ' ' + e.textContent.trim().slice(0, 30));
}
const targets = [...document.querySelectorAll('summary, .explainer-link')].filter(e => e.getClientRects().length &&
  e.getBoundingClientRect().height < 23.9).map(e => e.textContent.trim().slice(0, 30));
return {small: [...new Set(small)].slice(0, 5), targets: [...new Set(targets)]}"""


def test_a_phone_shows_no_text_under_14_px_and_no_summary_or_explainer_link_under_24_px(dash_duo, countries, app):
    # badges, a card's explainer link and the citations were 12 px, tables 13.6 px; "Cite this chart" 16 px tall
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(360, 740)
    visit(dash_duo, f"/country/{rich}?lang=fr", "#country-name")
    assert dash_duo.driver.execute_script(SMALL_THINGS) == {"small": [], "targets": []}
    assert dash_duo.get_logs() == []
