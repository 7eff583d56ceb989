"""Every page on a phone (390×844) in headless Chromium: no horizontal overflow, no serious or critical axe-core
violations, charts drawn with the partial plotly.js bundle only; no horizontal overflow on a laptop (1366×900);
the desktop search field; /coverage links; printing before scrolling; chart titles that fit a 360 px phone in
every language.

Data: the real warehouse when the ETL works, else the SYNTHETIC release (the `countries` fixture).
"""

from __future__ import annotations

import base64
import io
import json
import unicodedata

import pypdf
import pytest

from tests import test_browser_pages as browser_pages
from tests.test_browser_pages import serious_violations, visit, wait_until

countries = browser_pages.countries  # the served release (a fixture)

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: True once the page's content has arrived, nothing is loading and every graph in view has drawn.
SETTLED = """return !!document.querySelector('#_pages_content > *') &&
  !document.querySelector('[data-dash-is-loading="true"]') &&
  [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg')) &&
  ![...document.querySelectorAll('.lazy-graph')].some(p => !p.querySelector('.dash-graph') &&
    p.getBoundingClientRect().top < innerHeight && p.getBoundingClientRect().bottom > 0)"""
#: Trace types drawn on the page that the loaded plotly.js does not know, and whether it is the partial bundle.
TRACES = """const known = Object.keys(Plotly.PlotSchema.get().traces);
const drawn = [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => (g.data || []).map(t => t.type || 'scatter'));
return {unknown: drawn.filter(t => !known.includes(t)), partial: !known.includes('pie'), graphs: drawn.length}"""
OVERFLOW = "return document.documentElement.scrollWidth - window.innerWidth"
#: The innermost elements that reach past the right edge of the viewport (to say what overflows).
WIDEST = """return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
  && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1)).slice(0, 3)
  .map(e => e.tagName + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().width) + 'px')"""


def pages(rich: str) -> list[str]:
    return [
        "/", "/countries", f"/country/{rich}", f"/country/{rich}/brief", "/coverage", "/data", "/indicators",
        "/indicator/child_labour_5_17", "/pathfinders", "/themes", "/theme/child-labour", "/learn",
        "/learn/child-labour-definitions", "/learn/glossary", "/forum", "/forum/data-gaps-that-matter-most",
        "/forum/contribute", "/search?q=nepal", "/progress",
    ]  # fmt: skip


def test_every_page_fits_a_phone_is_accessible_and_draws_only_bundled_traces(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(390, 844)
    problems, graphs = {}, 0
    for path in pages(rich):
        visit(dash_duo, path, "#_pages_content > *")
        wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)
        found = {"overflow": dash_duo.driver.execute_script(OVERFLOW) > 0 and dash_duo.driver.execute_script(WIDEST)}
        found["axe"] = serious_violations(dash_duo)
        if dash_duo.driver.execute_script("return !!window.Plotly"):
            traces = dash_duo.driver.execute_script(TRACES)
            found.update(unknown_traces=traces["unknown"], full_bundle=not traces["partial"])
            graphs += traces["graphs"]
        found = {k: v for k, v in found.items() if v}
        if found:
            problems[path] = found
    assert problems == {}, json.dumps(problems, indent=1)
    assert graphs >= 5  # the sweep saw charts drawn
    assert dash_duo.get_logs() == []


def test_no_page_scrolls_sideways_on_a_laptop(dash_duo, countries, app):
    # a laptop window, scroll bar included: the navigation bar's links, search box and language links must fit
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1366, 900)
    overflowing = {}
    for path in pages(rich):
        visit(dash_duo, path, "#_pages_content > *")
        wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)
        if dash_duo.driver.execute_script(OVERFLOW) > 0:
            overflowing[path] = dash_duo.driver.execute_script(WIDEST)
    assert overflowing == {}


#: Graphs drawn, and chart placeholders still waiting below the fold.
CHART_COUNTS = """return {drawn: [...document.querySelectorAll('.dash-graph')].filter(g => g.querySelector('.main-svg')).length,
  waiting: [...document.querySelectorAll('.lazy-graph')].filter(p => !p.querySelector('.dash-graph')).length}"""


def test_charts_below_the_fold_are_drawn_when_scrolled_to(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(1366, 900)
    visit(dash_duo, f"/country/{rich}", "#country-name")
    dash_duo.wait_for_element("#country-card-commitments .stat-value")
    wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)
    first = dash_duo.driver.execute_script(CHART_COUNTS)
    assert first["waiting"] >= 2  # the charts further down are not drawn at load
    for index in range(first["waiting"]):  # the reader scrolls to each chart in turn (Bootstrap scrolls smoothly)
        chart = f"document.querySelectorAll('.lazy-graph')[{index}]"
        dash_duo.driver.execute_script(f"{chart}.scrollIntoView({{behavior: 'instant'}})")
        wait_until(
            dash_duo, lambda d, chart=chart: d.execute_script(f"return !!{chart}.querySelector('.main-svg')"), 30
        )
    after = dash_duo.driver.execute_script(CHART_COUNTS)
    assert after == {"drawn": first["drawn"] + first["waiting"], "waiting": 0}
    assert dash_duo.get_logs() == []


#: The titles of the charts not drawn yet that the page's text does not already show.
UNDRAWN_TITLES = """const shown = document.body.innerText.replace(/\\s+/g, ' ');
return [...document.querySelectorAll('.lazy-graph')].filter(p => !p.querySelector('.main-svg'))
  .map(p => (JSON.parse(p.getAttribute('data-graph')).props.figure.layout.title || {}).text || '')
  .map(t => t.replace(/<[^>]+>/g, ' ').replace(/\\s+/g, ' ').trim()).filter(t => t && !shown.includes(t))"""


def open_settled(dash_duo, app, path: str, ready: str, size: tuple[int, int]) -> None:
    """Serve the app, open `path` in a window of `size` once `ready` is shown, and wait until its charts settle."""
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(*size)
    visit(dash_duo, path, ready)
    wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)


def printed_text(dash_duo) -> str:
    """The page printed to PDF by Chromium (which fires beforeprint and afterprint), as one line of text."""
    pdf = base64.b64decode(dash_duo.driver.execute_cdp_cmd("Page.printToPDF", {})["data"])
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())  # PDF text has ligatures and line breaks


def test_printing_before_scrolling_prints_every_chart_or_its_table(dash_duo, countries, app):
    rich, _ = countries
    open_settled(dash_duo, app, f"/country/{rich}", "#country-name", (1366, 900))
    titles = dash_duo.driver.execute_script(UNDRAWN_TITLES)
    opened = "return document.querySelectorAll('details[open]').length"
    before = dash_duo.driver.execute_script(opened)
    assert len(titles) >= 2  # charts below the fold, never scrolled to
    printed = printed_text(dash_duo)
    assert [t for t in titles if t not in printed] == []
    assert dash_duo.driver.execute_script(opened) == before  # the tables opened for the print close after it
    wait_until(dash_duo, lambda d: d.execute_script(CHART_COUNTS)["waiting"] == 0, 30)  # printing drew the rest
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
    assert dash_duo.find_element("label[for='shell-search']").get_attribute("textContent") == "Search"
    dash_duo.driver.set_window_size(390, 844)
    dash_duo.find_element("#shell-toggler").click()
    button = dash_duo.find_element(".shell-search-form button[type='submit']")
    wait_until(dash_duo, lambda d: button.is_displayed(), 10)


def test_coverage_view_survives_a_copied_link_and_a_language_switch(dash_duo, countries, app):
    dash_duo.start_server(app)
    visit(dash_duo, "/coverage", "#coverage-matrix .main-svg")
    dash_duo.find_element("#coverage-colour input[value='nature']").click()
    wait_until(dash_duo, lambda d: "colour=nature" in d.current_url, 10)
    # switching language keeps the chosen view
    wait_until(dash_duo, lambda d: "colour=nature" in dash_duo.find_element("#shell-lang-fr").get_attribute("href"), 10)
    dash_duo.driver.get(dash_duo.driver.current_url)
    dash_duo.wait_for_element("#coverage-matrix .main-svg", timeout=20)
    assert dash_duo.find_element("#coverage-colour input[value='nature']").is_selected()
    dash_duo.driver.set_window_size(390, 844)  # on a phone the columns stay readable and scroll in their box
    wait_until(
        dash_duo, lambda d: d.execute_script("return document.querySelector('#coverage-matrix').offsetWidth") >= 600
    )
    assert dash_duo.driver.execute_script(OVERFLOW) <= 0
    assert dash_duo.get_logs() == []


#: Export the first chart as SVG and PNG in the page; the SVG's text, the chart's source line, the PNG's size.
EXPORT = """
const done = arguments[arguments.length - 1];
const block = document.querySelector('figure.chart-block');
const source = block.querySelector('figcaption').firstElementChild.textContent;
Promise.all([delta87Export.image(block, 'svg'), delta87Export.image(block, 'png')]).then(([svg, png]) => {
  const doc = new DOMParser().parseFromString(decodeURIComponent(svg.split(',')[1]), 'image/svg+xml');
  const img = new Image();
  img.onload = () => done({text: doc.documentElement.textContent, source: source, png: png.slice(0, 22),
                           height: img.height, shown: block.querySelector('.js-plotly-plot').offsetHeight});
  img.src = png;
}).catch(e => done({error: String(e)}));
"""


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_charts_export_with_their_source_line_and_share_embed_code(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    visit(dash_duo, f"/country/{rich}", "figure.chart-block .chart-tools")
    wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)
    dash_duo.driver.execute_script("document.querySelector('figure.chart-block').scrollIntoView()")
    dash_duo.wait_for_element("figure.chart-block .main-svg", timeout=20)  # drawn once scrolled to
    dash_duo.driver.set_script_timeout(30)
    image = dash_duo.driver.execute_async_script(EXPORT)
    assert "error" not in image and len(image["source"]) > 10
    assert squeeze(image["source"]) in squeeze(image["text"])
    assert squeeze(dash_duo.driver.current_url) in squeeze(image["text"])
    assert image["png"] == "data:image/png;base64," and image["height"] > image["shown"]  # the footer drawn in
    share = dash_duo.find_element("figure.chart-block .chart-tools button:last-child")
    dash_duo.driver.execute_script("arguments[0].click()", share)
    embed = dash_duo.find_element("#chart-share-embed").get_attribute("value")
    assert f"/embed/country/{rich}?chart=" in embed and embed.startswith("<iframe")
    dash_duo.driver.get(embed.split('src="')[1].split('"')[0])
    dash_duo.wait_for_element("figure.chart-block .main-svg", timeout=20)
    assert not dash_duo.find_element(".navbar").is_displayed()
    shown = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('figure.chart-block')].filter(b => !b.hidden).length"
    )
    assert shown == 1
    assert dash_duo.get_logs() == []


#: Plotly titles (chart, axes, legend) cut off by the edge of their chart, and chart titles reaching above the chart
#: or into its plot: title text and how far it reaches past its chart (width/width or top/bottom against the plot).
CLIPPED_TITLES = """return [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => {
  const box = g.getBoundingClientRect(), plot = box.top + ((g._fullLayout || {})._size || {t: 0}).t;
  const sideways = [...g.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text, .legendtitletext')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width && (r.left < box.left - 1 || r.right > box.right + 1);
  }).map(t => t.textContent.slice(0, 60) + ' ' + Math.round(t.getBoundingClientRect().width) + '/' + Math.round(box.width));
  const upright = [...g.querySelectorAll('.gtitle')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.height && (r.top < box.top - 1 || r.bottom > plot + 1);
  }).map(t => t.textContent.slice(0, 60) + ' ' + Math.round(t.getBoundingClientRect().top - box.top) + '..' +
    Math.round(t.getBoundingClientRect().bottom - box.top) + ' plot at ' + Math.round(plot - box.top));
  return sideways.concat(upright);
})"""


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_long_titles_wrap_on_a_small_phone_in_every_language(dash_duo, countries, app, lang):
    # page titles, the country selector and chart titles (Plotly draws them on one line: assets/chart_titles.js,
    # which also keeps every line of a wrapped title inside the chart and above its plot)
    rich, _ = countries
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(360, 740)
    problems = {}
    for path in [
        f"/country/{rich}",
        "/",
        "/progress",
        "/data",
        "/sources",
        "/coverage",
        "/indicator/child_labour_5_17",
    ]:
        visit(dash_duo, f"{path}?lang={lang}", "#_pages_content > *")
        wait_until(dash_duo, lambda d: d.execute_script(SETTLED), 30)
        if dash_duo.driver.execute_script("return !!window.delta87Charts && !!document.querySelector('.lazy-graph')"):
            browser_pages.graphs_drawn(dash_duo, 30)
        found = {
            "overflow": dash_duo.driver.execute_script(OVERFLOW) > 0 and dash_duo.driver.execute_script(WIDEST),
            "clipped": dash_duo.driver.execute_script(CLIPPED_TITLES),
        }
        if any(found.values()):
            problems[path] = {k: v for k, v in found.items() if v}
    dash_duo.driver.set_window_size(1366, 900)  # the coverage matrix scrolls in its own box on a laptop too
    visit(dash_duo, f"/coverage?lang={lang}", "#coverage-matrix .main-svg")
    if dash_duo.driver.execute_script(OVERFLOW) > 0:
        problems["/coverage at 1366 px"] = dash_duo.driver.execute_script(WIDEST)
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
