"""Browser test of the learning space: /learn, topic filter, an explainer with its live chart, its glossary link,
the "/" shortcut and the shell search box, with no console errors."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

# flask-compress streams static files without closing them, which Python reports as an unraisable
# ResourceWarning when the test server shuts down (see tests/test_browser_delta.py).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_learn_filter_explainer_chart_glossary_and_search(dash_duo, learn_published, app, screenshot_dir):
    dash_duo.start_server(app)
    driver = dash_duo.driver

    driver.get(dash_duo.server_url + "/learn")
    dash_duo.wait_for_element("#learn-topic-section-trafficking", timeout=10)
    dash_duo.find_element("#learn-topic-child-labour").click()
    dash_duo.wait_for_contains_text("#learn-topic-child-labour", "(selected)", timeout=10)
    assert driver.current_url.endswith("/learn?topic=child-labour")
    assert not driver.find_elements("css selector", "#learn-topic-section-trafficking")

    dash_duo.find_element('#learn-index a[href="/learn/child-labour-definitions"]').click()
    dash_duo.wait_for_text_to_equal(
        "#learn-article h1", "Child labour, children in employment and hazardous work", timeout=10
    )
    dash_duo.driver.execute_script("window.delta87Charts.drawAll()")  # were it below the fold
    dash_duo.wait_for_element("#learn-chart-0 .main-svg .scatterlayer .trace", timeout=10)  # the live world trend
    assert "World: 30 million in 2000, 21 million in 2020" in dash_duo.find_element("#learn-chart-0-summary").text
    driver.save_screenshot(str(screenshot_dir / "learn-explainer-synthetic.png"))

    term = dash_duo.find_element("#learn-article a.glossary-term")
    anchor = term.get_attribute("href").split("#")[1]
    term.click()
    dash_duo.wait_for_element(f"#glossary-terms #{anchor}", timeout=10)
    assert driver.current_url.endswith(f"/learn/glossary#{anchor}")
    until(lambda: driver.execute_script("return document.activeElement.id") == anchor, timeout=5)

    # let the glossary page's callbacks settle first: a re-render while typing can move the caret of the
    # React-controlled search box (seen once under load: "Vietnam" arrived as "Vmietna")
    until(
        lambda: not driver.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]')"),
        timeout=10,
    )
    ActionChains(driver).send_keys("/").perform()
    assert driver.execute_script("return document.activeElement.id") == "shell-search"
    box = dash_duo.find_element("#shell-search")
    for _ in range(3):  # under load a re-render can still move the caret mid-word: type again until it holds
        box.send_keys("Vietnam")
        if box.get_attribute("value") == "Vietnam":
            break
        box.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    assert box.get_attribute("value") == "Vietnam"
    box.send_keys(Keys.ENTER)
    dash_duo.wait_for_element("#search-country", timeout=10)
    assert dash_duo.find_element("#search-country a").get_attribute("href").endswith("/country/VNM")
    assert dash_duo.get_logs() == []
