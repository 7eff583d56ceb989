"""Data-gap matrix `/coverage`: countries × SDG 8.7 indicators, coloured by the age or the nature of the latest data.

The view lives in the URL (`?region=<code>&colour=nature`): the layout reads it, and a callback writes it back
with a dcc.Location that does not reload the page, so a copied link opens the same view.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _coverage, _data, _phrases, _switcher
from dashboards._words import dropdown
from warehouse import Release, ReleaseError
from web import i18n, inputs
from web.i18n import N_

dash.register_page(
    __name__,
    path="/coverage",
    title=N_("Data coverage and gaps – Delta 8.7"),
    name=N_("Data coverage and gaps"),
    nav=N_("Data gaps"),
    order=4.5,
)


def layout(region: str | None = None, colour: str | None = None, **_query):
    """The page: intro, filters (from the URL), matrix and its table alternative (redrawn by update_matrix)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    intro = [
        _(
            "How recent, and of what nature, is the latest figure for each country and SDG 8.7 indicator? Grey cells have no data. Select a cell to open the country. "
        ),
        html.A(_("About data gaps and comparability"), href="/learn/data-gaps-and-comparability"),
    ]
    options, region, colour = initial_view(release, region, colour)
    figure, _table, summary = _coverage.matrix_view(release, region, colour)  # the first view, without a round trip
    return html.Div(
        [
            html.H1(_("Data coverage and gaps")),
            html.P(intro, className="lead fs-6"),
            controls(options, region, colour),
            dcc.Location(id="coverage-url", refresh=False),
            html.P(summary, id="coverage-summary", className="small", **{"aria-live": "polite"}),
            html.Div(  # keeps readable columns on a phone: the matrix scrolls sideways in its box (assets/app.css)
                dcc.Loading(dcc.Graph(id="coverage-matrix", config=c.GRAPH_CONFIG, figure=c.plain(figure))),
                className="coverage-scroll",
                role="img",  # one named picture to a screen reader; the table under it holds every cell
                **{"aria-label": _("Data coverage matrix"), "aria-describedby": "coverage-summary"},
            ),
            dcc.Location(id="coverage-go", refresh=True),
            html.Details(  # the table (a cell per country and indicator) is built when the reader opens it
                [html.Summary(_("Show the matrix as a table"), id="coverage-table-open"), html.Div(id="coverage-table")]
            ),
        ],
        id="coverage-page",
    )


COLOURINGS = {"age": N_("years since the latest data"), "nature": N_("nature of the latest data")}


def region_options(release: Release) -> list[dict]:
    """'All countries', then every region code that has member countries, grouped by kind."""
    regions = _data.regions(release)
    options = [{"label": _("All countries"), "value": ""}]
    for grouping, title in _coverage.GROUPINGS:
        used = set(_data.countries(release)[grouping].dropna())
        for code, name in sorted((k, v) for k, v in zip(regions["code"], regions["name"], strict=True) if k in used):
            options.append({"label": _phrases.labelled(_(title), name), "value": code})
    return options


def initial_view(release: Release, region: str | None, colour: str | None) -> tuple[list[dict], str, str]:
    """Region options and the region and colouring a URL asks for (unknown values fall back to the defaults)."""
    options = region_options(release)
    region = region if region in {o["value"] for o in options} else ""
    return options, region, colour if colour in COLOURINGS else "age"


def controls(options: list[dict], region_value: str = "", colour_value: str = "age") -> html.Div:
    """The region filter and the colouring switch."""
    colour = dcc.RadioItems(
        id="coverage-colour",
        value=colour_value,
        inline=True,
        inputClassName="me-1",
        labelClassName="me-3",
        options=[{"label": _(label), "value": value} for value, label in COLOURINGS.items()],
    )
    region = [
        html.Label(_("Region"), htmlFor="coverage-region", className="form-label"),
        dropdown(id="coverage-region", options=options, value=region_value, clearable=False),
    ]
    return html.Div(
        [
            html.Div(region, className="coverage-filter"),
            html.Fieldset([html.Legend(_("Colour by"), className="form-label fs-6"), colour]),
        ],
        className="d-flex flex-wrap gap-4 mb-3",
    )


@callback(
    Output("coverage-matrix", "figure"),
    Output("coverage-summary", "children"),
    Input("coverage-region", "value"),
    Input("coverage-colour", "value"),
    prevent_initial_call=True,  # the layout draws the first view
)
def update_matrix(group: str | None, colour_by: str | None):
    """Redraw the matrix for a region and a colouring."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return go.Figure(layout={"height": 200}), c.notice(
            _("No data release is available: %(exc)s", exc=exc), "warning"
        )
    figure, _table, summary = _coverage.matrix_view(release, *_view(release, group, colour_by))
    return figure, summary


@callback(
    Output("coverage-table", "children"),
    Input("coverage-table-open", "n_clicks"),
    Input("coverage-region", "value"),
    Input("coverage-colour", "value"),
    prevent_initial_call=True,
)
def update_table(opened: int | None, group: str | None, colour_by: str | None):
    """The matrix as a table, once the reader has opened it (and for each region after that)."""
    if not opened:
        return no_update
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    return _coverage.matrix_view(release, *_view(release, group, colour_by))[1]


def _view(release: Release, group: str | None, colour_by: str | None) -> tuple[str, str]:
    """The region and colouring a callback was sent, checked against the release's choices."""
    group = inputs.choice(group, "region", [o["value"] for o in region_options(release)], default="")
    return group, inputs.choice(colour_by, "colour", COLOURINGS, default="age")


@callback(Output("coverage-go", "href"), Input("coverage-matrix", "clickData"), prevent_initial_call=True)
def update_go(click: dict | None):
    """Open the country of a clicked cell."""
    link = _coverage.country_href(inputs.mapping(click, "clickData"))
    return i18n.href(link) if link else no_update


@callback(
    Output("coverage-url", "search"),
    Input("coverage-region", "value"),
    Input("coverage-colour", "value"),
    State("coverage-url", "search"),
    prevent_initial_call=True,  # the URL already holds the view the page opened with
)
def update_url(region: str | None, colour: str | None, current: str | None):
    """Keep the chosen region and colouring in the URL (defaults are left out)."""
    query = urlencode({k: v for k, v in (("region", region), ("colour", colour)) if v and v != "age"})
    search = i18n.query(f"?{query}" if query else "")
    return no_update if search == (current or "") else search


# The language links keep the view this page wrote into its address.
clientside_callback(*_switcher.following(Input("coverage-url", "search")), prevent_initial_call=True)
