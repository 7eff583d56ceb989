"""Countries `/countries`: a searchable picker (names, aliases, ISO codes) and every country listed by region."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, callback, dcc, html, no_update
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _data
from dashboards._words import dropdown
from warehouse import Release, ReleaseError
from web import inputs
from web.i18n import N_

dash.register_page(
    __name__, path="/countries", title=N_("Countries – Delta 8.7"), name=N_("Countries"), nav=N_("Countries"), order=1
)


def layout(**_query):
    """The picker and the list (a plain list of links works without the picker, for keyboards and crawlers)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div(
            [
                html.H1(_("Countries")),
                c.notice(_("No data release is available: %(exc)s", exc=exc), "warning"),
                picker([]),
            ]
        )
    return html.Div(
        [
            html.H1(_("Countries")),
            html.P(
                _(
                    "Each country has a dashboard with the three pillars of SDG target 8.7, its commitments, risk context and data gaps. Find a country by name, another spelling or its ISO code."
                ),
                className="lead fs-6",
            ),
            picker(options(_data.countries(release))),
            html.H2(_("All countries by region"), className="h4 mt-4"),
            country_list(release),
        ],
        id="countries-page",
    )


def options(countries: pd.DataFrame) -> list[dict]:
    """Dropdown options searchable by name, aliases and ISO3."""
    return [
        {
            "label": row.name,
            "value": row.iso3,
            "search": f"{row.name} {row.iso3} {str(row.aliases or '').replace('|', ' ')}",
        }
        for row in countries.itertuples()
    ]


def picker(opts: list[dict]) -> html.Div:
    return html.Div(
        [
            html.Label(_("Find a country"), htmlFor="countries-picker", className="form-label fw-semibold"),
            dropdown(
                id="countries-picker", options=opts, placeholder=_("Type a country name or code…"), searchable=True
            ),
            dcc.Location(id="countries-nav", refresh="callback-nav"),
        ],
        className="mb-3 countries-picker",
    )


def pillar_coverage(release: Release) -> dict[str, int]:
    """How many of the three pillars each area has any data for."""
    counts = _data.indicator_areas(release)
    inds = _data.indicators(release)
    pillar_of = inds["pillar"].fillna("") if "pillar" in inds else pd.Series(dtype=str)
    frame = counts.assign(pillar=counts["indicator"].map(pillar_of[pillar_of != ""])).dropna(subset=["pillar"])
    return frame.groupby("iso3")["pillar"].nunique().to_dict()


@_data.memo
def country_list(release: Release) -> html.Div:
    """Countries grouped under their SDG region, each link saying how many pillars have data."""
    countries = _data.countries(release)
    names = _data.area_names(release)
    coverage = pillar_coverage(release)
    sections = []
    grouped = countries.assign(region=countries["sdg_region"].map(names).fillna("Other areas"))
    for region, members in sorted(grouped.groupby("region"), key=lambda item: item[0]):
        items = [
            html.Li(
                [
                    html.A(row.name, href=f"/country/{row.iso3}"),
                    html.Span(
                        f" {coverage.get(row.iso3, 0)}/3",
                        className="small text-body-secondary",
                        title=_("pillars with data"),
                    ),
                ]
            )
            for row in members.itertuples()
        ]
        sections.append(
            html.Section([html.H3(region, className="h6 mt-3"), html.Ul(items, className="country-columns")])
        )
    return html.Div(
        [
            html.P(_("The number after each name is how many of the three pillars have data."), className="small"),
            *sections,
        ],
        id="countries-list",
    )


@callback(Output("countries-nav", "pathname"), Input("countries-picker", "value"), prevent_initial_call=True)
def update_countries_nav(iso3):
    """Choosing a country opens its dashboard."""
    iso3 = inputs.text(iso3, "country")
    return f"/country/{iso3}" if iso3 else no_update
