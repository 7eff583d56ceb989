"""Chart-only pages for iframes: `/embed/<page path>` with the same URL parameters as the full page.

Each embed page is the full page's own layout (so its callbacks, defaults and URL state are the same) inside an
`.embed-page` wrapper; assets/app.css then shows only the chart blocks, with no navigation or footer, and
`?chart=<graph id>` keeps one chart of a page with several. The share dialog of every chart
(assets/chart_export.js) writes the iframe code.
"""

from __future__ import annotations

import dash
from dash import html

from dashboards import country, coverage, indicator, theme
from web.i18n import N_


def _embed(page_layout):
    """A layout function that renders `page_layout` (with the path's variables and the query) as an embed page."""

    def layout(chart: str | None = None, **query):
        content = page_layout(**query)
        attributes = {"data-chart": chart} if chart else {}
        return html.Div(content, className="embed-page", **attributes)

    return layout


for _name, _path, _layout in (
    ("indicator", "/embed/indicator/<code>", indicator.layout),
    ("country", "/embed/country/<iso3>", country.layout),
    ("theme", "/embed/theme/<slug>", theme.layout),
    ("coverage", "/embed/coverage", coverage.layout),
):
    dash.register_page(
        f"{__name__}.{_name}",
        **({"path_template": _path} if "<" in _path else {"path": _path}),
        title=N_("Delta 8.7 chart"),
        name=f"Embedded {_name} chart",
        layout=_embed(_layout),
    )
