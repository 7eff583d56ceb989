"""Themes index `/themes`: the three SDG 8.7 pillars and the Alliance 8.7 action-group themes."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_babel import gettext as _

from content.models import Theme
from dashboards import _themes
from web.i18n import N_

dash.register_page(
    __name__, path="/themes", title=N_("Themes – Delta 8.7"), name=N_("Thematic areas"), nav=N_("Themes"), order=3
)


def _card(theme: Theme) -> dbc.Col:
    body = dbc.CardBody(
        [
            html.H3(html.A(theme.title, href=f"/theme/{theme.slug}", className="stretched-link"), className="h5"),
            html.P(theme.summary, className="small mb-0"),
        ]
    )
    return dbc.Col(dbc.Card(body, className="h-100 theme-card"), xs=12, md=6, lg=4, className="mb-3")


def layout(**_query):
    """Two groups of cards (content file only; no data query)."""
    themes = list(_themes.themes().values())
    return html.Div(
        [
            html.H1(_("Themes")),
            html.P(
                _(
                    "SDG target 8.7 has three pillars. The Alliance 8.7 action groups add cross-cutting themes. Each theme gathers its indicators, key facts from the data and explainers."
                ),
                className="lead fs-6",
            ),
            html.H2(_("The three pillars of target 8.7"), className="h4 mt-4"),
            dbc.Row([_card(t) for t in themes if t.pillar], className="g-3"),
            html.H2(_("Alliance 8.7 action-group themes"), className="h4 mt-4"),
            dbc.Row([_card(t) for t in themes if not t.pillar], className="g-3"),
        ],
        id="themes-page",
    )
