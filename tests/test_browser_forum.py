"""The forum in headless Chromium, on the real release: the list, every article with its live charts and figures,
tag links both ways (article -> country page -> its articles), a bad shortcode's notice, no console errors and
no serious accessibility violations."""

from __future__ import annotations

import pytest

from content import shortcodes
from content.loader import library, markdown_tokens
from tests.test_browser_pages import screenshots, serious_violations, visit

# See tests/test_browser_pages.py: warnings raised by the test server's shutdown, outside the pages under test.
pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
    pytest.mark.realdata,
]


def charts_in(body: str) -> int:
    """How many chart shortcodes an article has."""
    return sum(1 for text in shortcodes.find(markdown_tokens(body)) if text.strip().startswith("chart"))


def click(dash_duo, selector: str) -> None:
    """Click a link as a reader would, even while charts above it are still changing the page's height."""
    dash_duo.driver.execute_script("arguments[0].click()", dash_duo.find_element(selector))


def test_every_article_renders_its_live_charts_and_tags_link_both_ways(dash_duo, real_warehouse, app, screenshot_dir):
    dash_duo.start_server(app)
    articles = library().articles
    visit(dash_duo, "/forum", "#forum-list")
    assert len(dash_duo.find_elements("#forum-list .forum-card")) == len(articles) >= 6

    for slug, article in articles.items():
        visit(dash_duo, f"/forum/{slug}", "#forum-article h1")
        dash_duo.driver.execute_script("window.delta87Charts.drawAll()")  # those below the fold too
        for index in range(charts_in(article.body)):
            dash_duo.wait_for_element(f"#forum-chart-{index} .main-svg .scatterlayer .trace", timeout=20)
        assert dash_duo.find_elements(".embed-figure"), slug
        page = dash_duo.find_element("#forum-post").text
        assert "not shown" not in page and "no longer available" not in page, slug

    first = next(slug for slug, a in articles.items() if "NPL" in a.meta.tags.countries)  # newest on Nepal
    visit(dash_duo, f"/forum/{first}", "#forum-article h1")
    dash_duo.driver.execute_script("window.delta87Charts.drawAll()")
    dash_duo.wait_for_element("#forum-chart-0 .main-svg", timeout=20)
    assert serious_violations(dash_duo) == []
    screenshots(dash_duo, screenshot_dir, "forum-article-real")
    click(dash_duo, '#forum-tags a[href="/country/NPL"]')
    dash_duo.wait_for_text_to_equal("#country-name", "Nepal", timeout=20)
    assert dash_duo.find_element("#forum-section p:last-child a").get_attribute("href").endswith("/forum?country=NPL")
    click(dash_duo, f'#forum-section a[href="/forum/{first}"]')
    dash_duo.wait_for_element('#forum-tags a[href="/country/NPL"]', timeout=20)
    assert dash_duo.driver.current_url.endswith(f"/forum/{first}")
    assert dash_duo.get_logs() == []
