"""Accessibility of the main pages in headless Chromium: axe-core's WCAG 2 A and AA rules find nothing serious or
critical and every chart is one named picture (titled charts by their title), in English on a laptop and in French on a
phone; a keyboard meets the skip link first, every tab stop shows a visible focus ring and an open dropdown list
is named; a dropdown and a year field are one tab stop each; Escape closes the phone menu; the tables of a
country dashboard have names of their own.

axe-core is vendored (tests/vendor/axe.min.js: the npm package axe-core 4.10.3, MPL-2.0, licence texts beside it),
so the check runs offline. One browser visits every page in turn, with every chart drawn.
Data: the real warehouse when the ETL works, else the SYNTHETIC release (the `countries` fixture).
"""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests import test_browser_pages as browser_pages
from tests.conftest import components, render
from tests.test_browser_pages import AXE, visit, wait_until

countries = browser_pages.countries  # the served release (a fixture)

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core's tags), target size on a phone included.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | '))))
  .catch(e => done(['axe-error: ' + e]));
"""
#: True once the page has arrived, nothing is loading and every chart, below the fold too, has drawn.
ALL_DRAWN = """return !!document.querySelector('#_pages_content > *') &&
  !document.querySelector('[data-dash-is-loading="true"]') &&
  [...document.querySelectorAll('.lazy-graph')].every(p => p.querySelector('.main-svg')) &&
  [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))"""


def pages(rich: str) -> list[str]:
    return [
        "/", f"/country/{rich}", "/indicator/child_labour_5_17", "/data", "/progress", "/coverage", "/learn",
        "/learn/child-labour-definitions", "/forum", "/forum/data-gaps-that-matter-most", "/sources",
    ]  # fmt: skip


def open_drawn(dash_duo, path: str) -> None:
    """Open `path` and draw every chart on it."""
    visit(dash_duo, path, "#_pages_content > *")
    dash_duo.driver.execute_script("window.delta87Charts.drawAll()")
    wait_until(dash_duo, lambda d: d.execute_script(ALL_DRAWN), 30)


#: Charts that a screen reader does not meet as one named picture (it reads their loose labels).
UNNAMED_CHARTS = """return [...document.querySelectorAll('.js-plotly-plot')].filter(g => !g.closest('[role=img][aria-label]'))
  .map(g => 'unnamed chart: ' + g.parentElement.id)"""


def findings(dash_duo, path: str) -> list[str]:
    """Open `path`, draw every chart, and return axe-core's serious and critical WCAG findings (rule: elements),
    then the charts not named for screen readers."""
    open_drawn(dash_duo, path)
    return axe_now(dash_duo) + dash_duo.driver.execute_script(UNNAMED_CHARTS)


def axe_now(dash_duo) -> list[str]:
    """axe-core's serious and critical WCAG findings on the page as it is now (rule: elements)."""
    dash_duo.driver.set_script_timeout(60)
    dash_duo.driver.execute_script(AXE.read_text(encoding="utf-8"))
    return dash_duo.driver.execute_async_script(RUN_AXE, WCAG_AA)


def test_main_pages_pass_wcag_aa_and_name_their_charts_in_english_and_in_french_on_a_phone(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    problems = {}
    for lang, width, height in (("en", 1366, 900), ("fr", 390, 844)):
        dash_duo.driver.set_window_size(width, height)
        for path in pages(rich):
            found = findings(dash_duo, f"{path}?lang={lang}")
            if found:
                problems[f"{lang} {width}px {path}"] = found
    assert problems == {}, json.dumps(problems, indent=1)
    assert dash_duo.get_logs() == []


#: The focused element: what it is, whether it has a size, and whether a ring of 2 px or more shows round it (or
#: round the box of a dcc.Input, which clips what its field draws outside itself).
FOCUSED = """const e = document.activeElement, box = e.matches('.dash-input-container input') ? e.parentElement : e;
const style = getComputedStyle(box), rect = e.getBoundingClientRect();
return {what: e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 40),
  sized: rect.width > 1 && rect.height > 1,
  ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2}"""


#: The skip link has done its work: the page's content at the top of the window, and focused.
SKIPPED = "const main = document.getElementById('main'); return main.getBoundingClientRect().top < 1 && document.activeElement === main"


def tab(dash_duo, key=Keys.TAB) -> dict:
    ActionChains(dash_duo.driver).send_keys(key).perform()
    return dash_duo.driver.execute_script(FOCUSED)


def test_keyboard_meets_the_skip_link_first_sees_where_focus_is_and_opens_named_lists(dash_duo, countries, app):
    rich, _ = countries
    dash_duo.start_server(app)
    unseen = {}
    for path in (f"/country/{rich}", "/data"):
        open_drawn(dash_duo, path)
        first = tab(dash_duo)
        assert first["what"].endswith("Skip to main content") and first["sized"] and first["ring"], first
        stops = [tab(dash_duo) for _ in range(30)]  # the navigation bar, its search box, then the page
        dash_duo.driver.execute_script("document.querySelector('a[href=\"#main\"]').focus()")
        tab(dash_duo, Keys.ENTER)  # the skip link scrolls (smoothly) to the page's content and gives it focus
        wait_until(dash_duo, lambda d: d.execute_script(SKIPPED))
        stops += [tab(dash_duo) for _ in range(30)]  # the page's own controls
        unseen[path] = [stop["what"] for stop in stops if not (stop["sized"] and stop["ring"])]
    assert unseen == {f"/country/{rich}": [], "/data": []}
    # /data's indicator list opened from the keyboard: the list, its options and the field keep their names
    dash_duo.driver.execute_script("document.getElementById('data-indicator').focus()")
    tab(dash_duo, Keys.ENTER)
    dash_duo.wait_for_element(".dash-dropdown-content .dash-dropdown-options input")
    assert axe_now(dash_duo) == []


def test_each_table_of_a_country_dashboard_has_its_own_name(dashboard_app, synthetic_release):
    # screen readers list the tables and scrolling regions by name: three "Latest values for Kenya" told them apart
    tree = render(dashboard_app, "country", iso3="KEN")
    names = [getattr(c, "aria-label", None) for c in components(tree) if getattr(c, "role", None) == "region"]
    assert len(names) >= 2 and len(set(names)) == len(names), names


def test_escape_closes_the_phone_menu_and_gives_focus_back_to_its_button(dash_duo, countries, app):
    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(390, 844)
    visit(dash_duo, "/", "#_pages_content > *")
    dash_duo.find_element("#shell-toggler").click()
    wait_until(dash_duo, lambda d: dash_duo.find_element("#shell-search").is_displayed())
    dash_duo.find_element("#shell-search").click()
    tab(dash_duo, Keys.ESCAPE)
    wait_until(dash_duo, lambda d: not dash_duo.find_element("#shell-search").is_displayed())
    assert dash_duo.driver.execute_script("return document.activeElement.id") == "shell-toggler"
    assert dash_duo.find_element("#shell-toggler").get_attribute("aria-expanded") == "false"


def test_year_fields_are_spin_buttons_without_extra_tab_stops_and_the_page_box_is_named(dash_duo, countries, app):
    # the −/+ buttons repeat the field's Up and Down arrow keys, so the keyboard goes from field to field
    dash_duo.start_server(app)
    visit(dash_duo, "/data", "#data-year-from")
    dash_duo.find_element("#data-year-from").click()
    assert dash_duo.driver.execute_script("return document.activeElement.id") == "data-year-from"
    tab(dash_duo, Keys.ARROW_UP)
    assert dash_duo.find_element("#data-year-from").get_attribute("value") != ""
    tab(dash_duo)
    assert dash_duo.driver.execute_script("return document.activeElement.id") == "data-year-to"
    box = dash_duo.find_element(".previous-next-container input.current-page")  # the preview's page number
    wait_until(dash_duo, lambda d: box.get_attribute("aria-label") == "Page number")


def test_a_dropdown_left_by_the_keyboard_keeps_its_one_tab_stop(dash_duo, countries, app):
    # on blur, Dash gives a dropdown's hidden focus target (aria-hidden) its tab stop back
    dash_duo.start_server(app)
    open_drawn(dash_duo, "/coverage")
    dash_duo.driver.execute_script("document.getElementById('coverage-region').focus()")
    tab(dash_duo)
    ActionChains(dash_duo.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB, Keys.TAB).key_up(Keys.SHIFT).perform()
    assert dash_duo.driver.execute_script("return document.activeElement.closest('[aria-hidden=true]')") is None
    assert axe_now(dash_duo) == []
