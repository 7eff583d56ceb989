"""Country dashboard `/country/<ISO3>`: the country's position on SDG 8.7 in one screen, every number sourced."""

from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _country, _data, _forum, _pillars, _views
from warehouse import Release, ReleaseError
from web.i18n import N_

ISO3 = re.compile(r"^[A-Za-z]{3}$")


def title(iso3: str | None = None, **_skip) -> str:
    """The browser title: the country's name when known."""
    try:
        meta = _data.country_meta(_data.release(), str(iso3 or "").upper())
    except ReleaseError:
        meta = None
    return _("%(value)s – Delta 8.7", value=meta["name"] if meta else "Country")


dash.register_page(__name__, path_template="/country/<iso3>", title=title, name=N_("Country"))


def layout(iso3: str | None = None, **_query):
    """Build the dashboard of one country (all data read through the cache, keyed on the release)."""
    if not iso3:
        return html.Div([html.H1(_("Country dashboards")), html.P(html.A(_("Choose a country"), href="/countries"))])
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    code = str(iso3).strip().upper()
    meta = _data.country_meta(release, code) if ISO3.match(code) else None
    if meta is None:
        return not_found(release, str(iso3))
    return html.Div([dashboard(release, code), _forum.from_the_forum(country=code)])


@_data.memo
def dashboard(release: Release, code: str) -> html.Div:
    """The whole dashboard of a known country, built once per release (pages are cached as component trees); its
    charts' tables wait unrendered until opened or printed."""
    country = _pillars.load(release, code, _data.country_meta(release, code))
    page = html.Div(
        [
            header(country),
            _country.summary_cards(country),
            contents(),
            *[_pillars.pillar_section(country, pillar) for pillar in _pillars.pillars()],
            html.Section(
                [
                    html.H2(_("Progress toward the target"), id="country-progress", className="h4"),
                    _country.delta_section(country),
                ],
                className="mb-5",
            ),
            _country.commitments_section(country),
            _country.context_section(country),
            _country.gaps_section(country),
            html.Section(
                [
                    html.H2(_("Pathfinder status"), id="country-pathfinder", className="h4"),
                    html.P(
                        [
                            _country.pathfinder_text(country),
                            " ",
                            html.A(_("All pathfinder countries"), href="/pathfinders"),
                            " · ",
                            c.explainer_link("alliance-8-7-and-pathfinders"),
                        ]
                    ),
                ],
                className="mb-5",
            ),
            html.Section(
                [
                    html.H2(_("Download"), id="country-download", className="h4"),
                    _country.downloads(code, country.name, country.sources),
                ],
                className="mb-4",
            ),
        ],
        id="country-page",
    )
    return _views.defer_tables(page, "country-table")


def header(country: _pillars.Country) -> html.Header:
    names = country.names
    groups = [names.get(country.meta.get(k) or "", "") for k in ("sdg_region", "income_group")]
    badges = [dbc.Badge(g, color="light", text_color="dark", className="me-1 border") for g in groups if g]
    if bool(country.meta.get("pathfinder")):
        badges.append(dbc.Badge(_("Alliance 8.7 pathfinder"), color="success", className="me-1"))
    return html.Header(
        [
            html.P(html.A(_("← All countries"), href="/countries"), className="small mb-1"),
            html.H1(country.name, id="country-name", className="mb-1"),
            html.Div(badges, className="mb-2"),
            html.P(
                _(
                    "%(name)s: where the country stands on SDG target 8.7 (child labour, forced labour and modern slavery, and human trafficking). Every figure names its source, year and nature.",
                    name=country.name,
                ),  # the name heads the sentence: French and Spanish need no article before it
                className="lead fs-6",
                id="country-lead",
            ),
        ],
        className="mb-3",
    )


def contents() -> html.Nav:
    """In-page links to each section (keyboard users and small screens)."""
    items = [(pillar.slug, pillar.title) for pillar in _pillars.pillars()] + [
        ("progress", _("Progress")),
        ("commitments", _("Commitments")),
        ("context", _("Risk context")),
        ("gaps", _("Data gaps")),
        ("pathfinder", _("Pathfinder")),
        ("download", _("Download")),
    ]
    links = [html.Li(html.A(label, href=f"#country-{slug}")) for slug, label in items]
    return html.Nav(html.Ul(links, className="list-inline section-links mb-4"), **{"aria-label": _("Sections")})


def not_found(release: Release, code: str) -> html.Div:
    """A friendly page for an unknown or malformed code, with the closest country names (HTTP 404 on first GET)."""
    close = _country.suggestions(code, _data.countries(release))
    items = [html.Li(html.A(f"{row.name} ({row.iso3})", href=f"/country/{row.iso3}")) for row in close.itertuples()]
    return html.Div(
        [
            html.H1(_("Country not found")),
            html.P(
                [
                    _(
                        "There is no country with the code “%(value)s” in this data release. Country pages use three-letter ISO codes, for example ",
                        value=code[:40],
                    ),
                    html.A("/country/KEN", href="/country/KEN"),
                    ".",
                ]
            ),
            html.P(_("Did you mean:")) if items else None,
            html.Ul(items, id="country-suggestions") if items else None,
            html.P(html.A(_("Browse all countries"), href="/countries")),
        ],
        id="country-not-found",
    )
