"""Browser tests of the progress views: /coverage and the country brief render cleanly, and the brief prints on one A4 page.

The PDF comes from Chromium's own print-to-PDF engine (the DevTools `Page.printToPDF` call behind
`chromium --print-to-pdf`), taken after Dash has rendered the page, so the page count is that of the real brief.
"""

from __future__ import annotations

import base64
import re

import pytest

# flask-compress (web/compression.py) streams static files without closing them, which Python reports as an
# unraisable ResourceWarning when the test server shuts down; that is the compression layer's, not these pages'.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

A4 = {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True, "preferCSSPageSize": True}
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # page objects, not the /Pages tree


def pdf_pages(driver) -> int:
    """Print the current page to PDF with Chromium and count its pages."""
    data = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", A4)["data"])
    assert data.startswith(b"%PDF")
    return len(PAGE.findall(data))


def test_coverage_and_brief_render_without_console_errors_and_the_brief_fits_one_a4_page(
    dash_duo, delta_release, app, screenshot_dir
):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/coverage")
    dash_duo.wait_for_text_to_equal(
        "#coverage-summary",
        "3 countries × 3 indicators; 5 cells have data; 0 countries have no data on any of these indicators.",
        timeout=10,
    )
    dash_duo.wait_for_element("#coverage-matrix .main-svg")
    dash_duo.find_element("#coverage-table-open").click()  # the table is built when the reader opens it
    dash_duo.wait_for_element("#coverage-table table th")
    assert dash_duo.find_element("#coverage-table table th").get_attribute("textContent") == "Country"
    assert "Synthetic Beta" in dash_duo.find_element("#coverage-table table").get_attribute("textContent")
    dash_duo.select_dcc_dropdown("#coverage-region", value="SDG regions: Latin America and the Caribbean")
    dash_duo.wait_for_contains_text("#coverage-summary", "2 countries × 3 indicators", timeout=10)
    assert dash_duo.get_logs() == []

    dash_duo.driver.get(dash_duo.server_url + "/country/AAA/brief")
    dash_duo.wait_for_text_to_equal("#brief-title", "Synthetic Alpha: SDG target 8.7 brief", timeout=10)
    dash_duo.wait_for_element("#delta-aaa .main-svg")
    assert dash_duo.find_element("#delta-aaa .delta-badge").text == "Progress too slow"
    assert "fewer children each year" in dash_duo.find_element("#delta-aaa").text
    assert dash_duo.find_element("#brief-release").text.startswith("Delta 8.7 · data release r")
    assert dash_duo.get_logs() == []
    dash_duo.driver.save_screenshot(str(screenshot_dir / "brief-synthetic.png"))
    assert pdf_pages(dash_duo.driver) == 1

    # The counter is not vacuous: the full country page is longer than one page.
    dash_duo.driver.get(dash_duo.server_url + "/country/AAA")
    dash_duo.wait_for_element("#country-name", timeout=10)
    assert pdf_pages(dash_duo.driver) > 1


def test_real_briefs_fit_one_a4_page_and_the_real_coverage_matrix_renders(
    dash_duo, real_warehouse, app, screenshot_dir
):
    dash_duo.start_server(app)
    # Countries with data in all three pillars, the longest commitments and gap lists, a pathfinder, and a line
    # on different figures (FJI).
    for iso3 in ("NGA", "IND", "BRA", "FJI"):
        dash_duo.driver.get(f"{dash_duo.server_url}/country/{iso3}/brief")
        dash_duo.wait_for_element(f"#delta-{iso3.lower()} .main-svg", timeout=15)
        assert dash_duo.find_element("#brief-release").text.startswith("Delta 8.7 · data release r")
        assert pdf_pages(dash_duo.driver) == 1, iso3
    dash_duo.driver.save_screenshot(str(screenshot_dir / "brief-real-BRA.png"))
    assert dash_duo.get_logs() == []

    dash_duo.driver.get(dash_duo.server_url + "/coverage")
    dash_duo.wait_for_contains_text("#coverage-summary", "countries ×", timeout=20)
    dash_duo.wait_for_element("#coverage-matrix .main-svg")
    assert dash_duo.get_logs() == []
