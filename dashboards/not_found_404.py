"""Dash's "page not found" view: a friendly message and the main ways in (the HTTP status is set in _status.py)."""

from __future__ import annotations

import dash
from dash import html
from flask_babel import gettext as _

from dashboards import _shell
from web.i18n import N_

dash.register_page(__name__, path="/404", title=N_("Page not found – Delta 8.7"), name=N_("Not found"))


def layout(**_query):
    """Links to the main sections (no data needed)."""
    links = [(href, label) for label, href in _shell.nav_links()[:-1]]  # the pages (the API is not a page)
    return html.Div(
        [
            html.H1(_("Page not found")),
            html.P(_("There is no page at this address. It may have moved, or the link may be mistyped.")),
            html.Ul([html.Li(html.A(_(label), href=href)) for href, label in links], id="not-found-links"),
            html.P([_("You can also search: "), html.A(_("search the platform"), href="/search")]),
        ],
        id="not-found-page",
    )
