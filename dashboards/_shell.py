"""The page shell: skip link, navigation, search box, the page container and a footer naming the release."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from warehouse import ReleaseError, get_warehouse

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
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
</body>
</html>"""

NAV = [
    ("Overview", "/"),
    ("Countries", "/countries"),
    ("Indicators", "/indicators"),
    ("Themes", "/themes"),
    ("Progress", "/coverage"),
    ("Data", "/data"),
    ("Learn", "/learn"),
    ("API", "/api/v1/docs"),
]


def navbar() -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(label, href=href, active="exact")) for label, href in NAV]
    search = html.Form(
        [
            html.Label("Search", htmlFor="shell-search", className="visually-hidden"),
            dcc.Input(
                id="shell-search",
                name="q",
                type="search",
                placeholder="Search countries, indicators, explainers  ( / )",
                className="form-control form-control-sm",
                debounce=True,
            ),
        ],
        action="/search",
        method="get",
        role="search",
        className="d-flex ms-lg-3 my-2 my-lg-0",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Delta 8.7", href="/", className="fw-bold"),
                dbc.NavbarToggler(id="shell-toggler"),
                dbc.Collapse(dbc.Nav(links + [search], navbar=True, className="ms-auto"), id="shell-collapse", navbar=True),
            ],
            fluid="lg",
        ),
        color="dark",
        dark=True,
        className="mb-3",
        expand="lg",
    )


def footer() -> html.Footer:
    try:
        warehouse = get_warehouse()
        release = warehouse.resolve()
        counts = release.manifest.get("counts", {})
        text = (
            f"Data release {release.id} · {counts.get('observations', 0):,} observations · "
            f"{counts.get('indicators', 0)} indicators · {counts.get('countries_with_data', 0)} countries"
        )
        if warehouse.degraded:
            text += " · serving the last good release"
    except ReleaseError as exc:
        text = f"No data release available: {exc}"
    return html.Footer(
        dbc.Container(
            [
                html.P(text, id="shell-release", className="mb-1"),
                html.P(
                    [
                        "Every figure names its source. Data keep their publishers' licences; see ",
                        html.A("sources", href="/data#sources"),
                        ". Code: MIT.",
                    ],
                    className="mb-0",
                ),
            ],
            fluid="lg",
        ),
        className="border-top mt-5 py-3 small text-body-secondary",
    )


def layout() -> html.Div:
    """The whole page: called on every page load so the footer names the release being served."""
    return html.Div(
        [
            html.A("Skip to main content", href="#main", className="visually-hidden-focusable"),
            navbar(),
            html.Main(dbc.Container(dash.page_container, fluid="lg"), id="main", tabIndex="-1"),
            html.Div(id="shell-live", **{"aria-live": "polite", "role": "status"}, className="visually-hidden"),
            footer(),
        ]
    )
