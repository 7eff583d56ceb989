"""Browser test of /data: filters go into the URL, a reload restores them, the download matches the preview count."""

from __future__ import annotations

import io
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

# flask-compress streams static files without closing them, which Python reports as an unraisable
# ResourceWarning when the test server shuts down (see tests/test_browser_delta.py).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def choose(dash_duo, dropdown: str, label: str) -> None:
    """Pick one option of a multi-select dropdown, then close its menu (multi-selects stay open)."""
    dash_duo.select_dcc_dropdown(dropdown, value=label)
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def url_query(driver) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(driver.current_url).query).items()}


def test_filters_live_in_the_url_and_the_download_matches_the_preview(dash_duo, explorer_release, app, screenshot_dir):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/data")
    dash_duo.wait_for_contains_text("#data-count", "945 rows match", timeout=15)  # all but the restricted source

    choose(dash_duo, "#data-indicator", "Synthetic indicator syn_count (syn_count)")
    dash_duo.wait_for_contains_text("#data-count", "315 rows match", timeout=10)
    dash_duo.wait_for_text_to_equal(".previous-next-container .last-page", "13", timeout=10)  # 25 rows a page
    choose(dash_duo, "#data-group", "Sub-Saharan Africa (synthetic) (SDG_SSA)")
    dash_duo.wait_for_contains_text("#data-count", "126 rows match", timeout=10)
    dash_duo.find_element("#data-sex input[value='female']").click()
    year = dash_duo.find_element("#data-year-from")
    year.send_keys("2015\n")  # debounced input: Enter commits the value
    dash_duo.wait_for_contains_text("#data-count", "12 rows match", timeout=10)

    want = {"indicator": "syn_count", "group": "SDG_SSA", "sex": "female", "year_from": "2015"}
    assert url_query(dash_duo.driver) == want
    dash_duo.driver.save_screenshot(str(screenshot_dir / "explorer-filtered.png"))

    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text("#data-count", "12 rows match", timeout=15)
    assert url_query(dash_duo.driver) == want
    assert dash_duo.find_element("#data-year-from").get_attribute("value") == "2015"
    assert dash_duo.find_element("#data-sex input[value='female']").is_selected()
    assert len(dash_duo.find_elements("#data-table tbody tr")) == 12 + 1  # header row + preview rows

    href = dash_duo.find_element("#data-download-csv").get_attribute("href")
    with urllib.request.urlopen(href, timeout=10) as response:  # loopback: the test server
        frame = pd.read_csv(io.BytesIO(response.read()))
    assert len(frame) == 12 and set(frame["indicator"]) == {"syn_count"} and set(frame["sex"]) == {"female"}
    assert set(frame["iso3"]) <= {"AAA", "BBB"} and frame["year"].min() >= 2015
    assert dash_duo.get_logs() == []


def test_a_reload_keeps_the_preview_page_and_the_name_sort(dash_duo, explorer_release, app):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/data?indicator=syn_count&sort=-area_name&preferred=false")
    dash_duo.wait_for_contains_text("#data-count", "rows match", timeout=15)
    next_page = dash_duo.find_element(".previous-next-container .next-page")
    dash_duo.driver.execute_script("arguments[0].click()", next_page)  # below the fold of the test window
    WebDriverWait(dash_duo.driver, 10).until(lambda driver: "page=2" in driver.current_url)
    assert url_query(dash_duo.driver) == {
        "indicator": "syn_count", "preferred": "false", "sort": "-area_name", "page": "2"
    }  # fmt: skip
    first_row = dash_duo.find_element("#data-table tbody tr:nth-child(2)").text
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text("#data-count", "rows match", timeout=15)
    assert dash_duo.find_element(".previous-next-container .current-page").get_attribute("placeholder") == "2"
    assert dash_duo.find_element("#data-table tbody tr:nth-child(2)").text == first_row
    assert dash_duo.find_element("#data-preferred input[value='false']").is_selected()
    assert dash_duo.get_logs() == []


def test_switching_language_keeps_the_filters_and_view_chosen_on_the_page(dash_duo, explorer_release, app):
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/data?indicator=syn_count")
    dash_duo.wait_for_contains_text("#data-count", "315 rows match", timeout=15)
    dash_duo.find_element("#data-sex input[value='female']").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda driver: "sex=female" in driver.current_url)
    dash_duo.find_element("#shell-lang-fr").click()
    dash_duo.wait_for_contains_text("#data-count", "lignes correspondent", timeout=15)
    assert url_query(dash_duo.driver) == {"indicator": "syn_count", "sex": "female", "lang": "fr"}
    assert dash_duo.find_element("#data-sex input[value='female']").is_selected()

    dash_duo.driver.get(dash_duo.server_url + "/indicator/syn_count")
    Select(dash_duo.wait_for_element("#indicator-sex", timeout=15)).select_by_value("female")
    WebDriverWait(dash_duo.driver, 10).until(lambda driver: "sex=female" in driver.current_url)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda driver: "sex=female" in dash_duo.find_element("#shell-lang-es").get_attribute("href")
    )
    assert dash_duo.get_logs() == []
