"""The page shell: skip link, navigation, search box, the page container and a footer naming the release."""

from __future__ import annotations

import json

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from flask_babel import gettext as _

from dashboards import _status, _switcher
from warehouse import ReleaseError
from web import i18n
from web.release import request_release

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<div>
{%config%}
{%scripts%}
{%renderer%}
</div>
</body>
</html>"""

#: Routes that are not Dash pages (the API's documentation is served by Flask): (label, nav label, path).
OTHER_ROUTES = ((i18n.N_("API documentation"), i18n.N_("API"), "/api/v1/docs"),)


def nav_links() -> list[tuple[str, str]]:
    """(label, href) of the navigation bar: the pages registered with `nav=` in their `order`, then the API."""
    pages = sorted((p for p in dash.page_registry.values() if p.get("nav")), key=lambda p: p.get("order", 99))
    return [(p["nav"], p["path"]) for p in pages] + [(nav, path) for _label, nav, path in OTHER_ROUTES]


def route_labels() -> dict[str, str]:
    """Label of every fixed route (Dash's page registry names, and the routes outside it)."""
    labels = {p["path"]: _(p["name"]) for p in dash.page_registry.values() if not p.get("path_template")}
    return {**labels, **{path: _(label) for label, _nav, path in OTHER_ROUTES}}


#: Paths below which a navigation entry is the current one (besides its own path and what lies under it).
ALSO_ACTIVE = {"/countries": ["/country/", "/pathfinders"], "/indicators": ["/indicator/"], "/themes": ["/theme/"]}


def _nav_id(href: str) -> str:
    return "shell-nav-" + (href.strip("/").replace("/", "-") or "home")


def navbar() -> dbc.Navbar:
    """Brand, a toggler for narrow screens (aria-expanded kept in sync), the section links and the search box."""
    links = [
        dbc.NavItem(dbc.NavLink(_(label), href=href, id=_nav_id(href), external_link=href.startswith("/api/")))
        for label, href in nav_links()
    ]
    search = html.Form(
        [
            html.Label(_("Search"), htmlFor="shell-search", className="visually-hidden"),
            dcc.Input(
                id="shell-search",
                name="q",
                type="search",
                placeholder=_("Search countries, indicators, explainers  ( / )"),
                className="form-control form-control-sm",
                debounce=True,
            ),
            html.Button(_("Search"), type="submit", className="btn btn-sm btn-outline-light ms-2"),
            *_hidden_lang(),
        ],
        action="/search",
        method="get",
        role="search",
        className="d-flex align-items-center ms-lg-3 my-2 my-lg-0 shell-search-form",
    )
    toggler = html.Button(
        html.Span(className="navbar-toggler-icon"),
        id="shell-toggler",
        type="button",
        className="navbar-toggler",
        n_clicks=0,
        **{"aria-controls": "shell-collapse", "aria-expanded": "false", "aria-label": _("Menu")},
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Delta 8.7", href="/", className="fw-bold"),
                toggler,
                dbc.Collapse(
                    dbc.Nav(links + [search, _switcher.switcher()], navbar=True, className="ms-auto"),
                    id="shell-collapse",
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid="lg",
        ),
        color="dark",
        dark=True,
        className="mb-3",
        expand="lg",
    )


#: Toggle the menu on the toggler; close it after a navigation. Mark the current section (class and aria-current).
_TOGGLE_JS = """
function(clicks, pathname, isOpen) {
    const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
    const open = trigger.startsWith("shell-toggler") ? !isOpen : false;
    return [open, open ? "true" : "false"];
}
"""
_ACTIVE_JS = """
function(pathname) {
    const nav = %s;
    const also = %s;
    const path = pathname || "/";
    const flags = nav.map(function(href) {
        if (href === "/") { return path === "/"; }
        return path === href || path.startsWith(href + "/") || (also[href] || []).some(p => path.startsWith(p));
    });
    window.setTimeout(function() {
        nav.forEach(function(href, i) {
            const link = document.querySelector('a.nav-link[href="' + href + '"]');
            if (!link) { return; }
            if (flags[i]) { link.setAttribute("aria-current", "page"); } else { link.removeAttribute("aria-current"); }
        });
    }, 0);
    return flags;
}
"""


def register(app: dash.Dash) -> None:
    """Per-app wiring of the shell: menu toggler, current-section links, HTTP status hook."""
    app.clientside_callback(
        _TOGGLE_JS,
        Output("shell-collapse", "is_open"),
        Output("shell-toggler", "aria-expanded"),
        Input("shell-toggler", "n_clicks"),
        Input("_pages_location", "pathname"),
        State("shell-collapse", "is_open"),
        prevent_initial_call=True,
    )
    hrefs = [href for _skip, href in nav_links()]
    app.clientside_callback(
        _ACTIVE_JS % (json.dumps(hrefs), json.dumps(ALSO_ACTIVE)),
        [Output(_nav_id(href), "active") for href in hrefs],
        Input("_pages_location", "pathname"),
    )
    _status.register(app)
    _switcher.register(app)
    _switcher.localize_pages()


def footer() -> html.Footer:
    try:
        release = request_release()
        counts = release.counts
        text = _(
            "Data release %(release)s · %(observations)s observations · %(indicators)s indicators · "
            "%(countries)s countries",
            release=release.id,
            observations=i18n.decimal(counts.get("observations", 0), 0),
            indicators=counts.get("indicators", 0),
            countries=counts.get("countries_with_data", 0),
        )
        if release.degraded:
            text += " · " + _("serving the last good release")
    except ReleaseError as exc:
        text = _("No data release available: %(problem)s", problem=exc)
    return html.Footer(
        dbc.Container(
            [
                html.P(text, id="shell-release", className="mb-1"),
                html.P(
                    [
                        _("Every figure names its source. Data keep their publishers' licences; see") + " ",
                        html.A(_("sources"), href="/sources"),
                        ". " + _("Code: MIT."),
                    ],
                    className="mb-0",
                ),
            ],
            fluid="lg",
        ),
        className="border-top mt-5 py-3 small text-body-secondary",
    )


def _hidden_lang() -> list:
    """The search form keeps a chosen language (it submits by GET, so `lang` travels as a hidden field)."""
    language = i18n.chosen() or i18n.lang()
    if language == i18n.DEFAULT and i18n.chosen() is None:
        return []
    return [dcc.Input(type="hidden", name="lang", value=language, id="shell-search-lang")]


def layout() -> html.Div:
    """The whole page: called on every page load so the footer names the release being served."""
    page = html.Div(
        [
            html.A(_("Skip to main content"), href="#main", className="visually-hidden-focusable"),
            navbar(),
            html.Main(dbc.Container(dash.page_container, fluid="lg"), id="main", tabIndex="-1"),
            html.Div(id="shell-live", **{"aria-live": "polite", "role": "status"}, className="visually-hidden"),
            footer(),
        ]
    )
    return i18n.localize_links(page)
