"""Source lines in headless Chromium at 1366 px: at most two lines under every chart and card, and no
repository, commit or snapshot note anywhere on the pages readers use (those stay on /sources/<id>).

Data: the real warehouse when the ETL works, else the SYNTHETIC release (see test_browser_pages.countries).
"""

from __future__ import annotations

import re

import pytest

from tests.test_browser_pages import countries, graphs_drawn, visit  # noqa: F401 - `countries` is a fixture

pytestmark = [
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

#: Line count of every source line: `.chart-source` under charts, and card lines naming a source's short name.
LINES = """
const names = arguments[0];
const lines = el => {
  const style = getComputedStyle(el);
  const height = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
  return Math.round(el.getBoundingClientRect().height / height);
};
const cards = [...document.querySelectorAll('.stat-card p')].filter(p => names.some(n => p.textContent.includes(n)));
return [...document.querySelectorAll(".chart-source"), ...cards].map(el => [el.textContent, lines(el)]);
"""
HASH = re.compile(r"\b[0-9a-f]{40}\b")


def display_names() -> list[str]:
    """Every short display name of the release served (sources and editions)."""
    import json  # noqa: PLC0415

    from dashboards import _data  # noqa: PLC0415

    records = _data.source_records(_data.release()).values()
    names = [str(r.get("short_name") or "") for r in records]
    names += [n for r in records for n in json.loads(r.get("edition_names") or "{}").values()]
    return [n for n in names if n]


@pytest.mark.parametrize(
    ("path", "ready"),
    [("/", "#home-headlines"), ("/country/{rich}", "#country-name"),
     ("/indicator/child_labour_5_17?tab=chart", "#indicator-chart .main-svg"), ("/theme/child-labour", "#theme-page")],
)  # fmt: skip
def test_source_lines_fit_two_lines_at_desktop_width(dash_duo, countries, app, path, ready):  # noqa: F811
    rich, _ = countries
    dash_duo.start_server(app)
    with app.server.app_context():
        names = display_names()
    dash_duo.driver.set_window_size(1366, 900)
    visit(dash_duo, path.format(rich=rich), ready)
    graphs_drawn(dash_duo)
    dash_duo.wait_for_element(".chart-source", timeout=20)
    measured = dash_duo.driver.execute_script(LINES, names)
    assert any(text.startswith("Source") for text, _ in measured)
    assert [(text, n) for text, n in measured if n > 2] == []
    page = dash_duo.driver.execute_script("return document.body.innerText")
    assert "repositor" not in page.lower() and not HASH.search(page)
    assert dash_duo.get_logs() == []
