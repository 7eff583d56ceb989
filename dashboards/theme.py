"""Thematic area `/theme/<slug>`: summary, key facts from the warehouse, a headline chart, indicators, explainers."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from flask_babel import gettext as _

from content.models import Theme
from dashboards import _components as c
from dashboards import _content, _data, _figures, _forum, _phrases, _series, _themes, _views
from warehouse import Release, ReleaseError
from web.i18n import N_


def title(slug: str | None = None, **_skip) -> str:
    theme = _themes.themes().get(slug or "")
    return _("%(value)s – Delta 8.7", value=theme.title if theme else "Theme")


dash.register_page(__name__, path_template="/theme/<slug>", title=title, name=N_("Theme"))


def layout(slug: str | None = None, **_query):
    """One thematic area (facts and chart read from the served release)."""
    theme = _themes.themes().get(str(slug or ""))
    if theme is None:
        return not_found(slug)
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    codes = tuple(sorted({f.indicator for f in theme.facts} | set(theme.chart.indicators if theme.chart else [])))
    areas = tuple(sorted({f.area for f in theme.facts} | ({theme.chart.area} if theme.chart else set())))
    obs = _data.area_observations(release, areas, codes) if codes else pd.DataFrame()
    return html.Div(
        [
            html.P(html.A(_("← All themes"), href="/themes"), className="small mb-1"),
            _content.notice("theme", theme.slug),
            html.H1(theme.title, id="theme-title"),
            html.P(theme.summary, className="lead fs-6"),
            facts(release, theme, obs),
            chart(release, theme, obs),
            indicators(release, theme),
            explainers(theme),
            _forum.from_the_forum(theme=theme.slug),
        ],
        id="theme-page",
    )


def facts(release: Release, theme: Theme, obs: pd.DataFrame):
    """Key facts as cards, each with its number, year, source and nature from the release."""
    found = _themes.fact_rows(theme.facts, obs) if not obs.empty else []
    if not found:
        return c.notice(_("No key facts for this theme in the served release."))
    sources, inds = _data.sources(release), _data.indicators(release)
    cards = []
    for fact, row in found:
        decimals = inds.loc[fact.indicator, "decimals"] if fact.indicator in inds.index else 1
        details = [
            f"{int(row['year'])} · {_data.area_names(release).get(row['iso3'], row['iso3'])}",
            _("Source: %(source_short)s", source_short=c.source_short(sources, row)),
            c.nature_text(row["nature"]).split(" (")[0],
        ]
        cards.append(
            dbc.Col(
                c.stat(fact.text, c.value_text(row, row["unit"], decimals), details),
                xs=12,
                sm=6,
                lg=4,
                className="mb-3",
            )
        )
    return html.Section(
        [html.H2(_("Key facts"), className="h4"), dbc.Row(cards, className="g-3", id="theme-facts")], className="mb-4"
    )


def chart(release: Release, theme: Theme, obs: pd.DataFrame):
    """The theme's headline trend (global or regional aggregates), when the release has it."""
    if theme.chart is None or obs.empty:
        return None
    inds, sources = _data.indicators(release), _data.sources(release)
    names = {code: inds.loc[code, "name"] for code in theme.chart.indicators if code in inds.index}
    frame = _series.labelled_series(
        obs[obs["iso3"] == theme.chart.area],
        theme.chart.indicators,
        names,
        dict(zip(sources["id"], sources["title"], strict=True)),
    )
    if frame.empty:
        return None
    unit = frame["unit"].iloc[0]
    area = _data.area_names(release).get(theme.chart.area, theme.chart.area)
    figure = _figures.trend_figure(frame, _phrases.labelled(theme.title, area), c.unit_label(unit))
    note = _("Each line is one indicator and age band from one source; the table names the publication of each point.")
    if (frame["nature"] == "detected").all():  # world counts from report editions covering different countries
        figure.update_traces(mode="markers", marker={"size": 10})
        note = _(
            "Detected victims reflect detection and reporting, not prevalence. Each point comes from a different edition of UNODC's Global Report, covering different countries, so the points are not joined."
        )
    return _views.figure_block("theme-chart", frame, figure, unit, sources, note, page=f"/theme/{theme.slug}")


def indicators(release: Release, theme: Theme) -> html.Section:
    """The theme's indicators with their coverage in this release, each linked to its page."""
    table, coverage = _data.indicators(release), _data.indicator_coverage(release)
    present = [code for code in theme.indicators if code in table.index]
    records = []
    for code in present:
        cov = coverage.loc[code] if code in coverage.index else None
        years = c.year_span(cov[["first_year", "last_year"]]) if cov is not None else "–"
        records.append(
            {
                "code": code,
                "name": table.loc[code, "name"],
                "unit": c.unit_label(table.loc[code, "unit"]),
                "countries": int(cov["countries"]) if cov is not None else 0,
                "years": years,
            }
        )
    missing = [code for code in theme.indicators if code not in table.index]
    body = [
        c.table(
            pd.DataFrame(records, columns=["code", "name", "unit", "countries", "years"]),
            [("name", _("Indicator")), ("unit", _("Unit")), ("countries", _("Countries")), ("years", _("Years"))],
            _("Indicators of the theme %(title)s", title=theme.title),
            {"name": lambda r: f"/indicator/{r['code']}"},
        )
    ]
    if missing:
        body.append(
            html.P(_("Not in this release: %(join)s.", join=", ".join(missing)), className="small text-body-secondary")
        )
    return html.Section([html.H2(_("Indicators"), className="h4"), *body], className="mb-4", id="theme-indicators")


def explainers(theme: Theme) -> html.Section:
    items = [html.Li(html.A(c.explainer_title(slug), href=f"/learn/{slug}")) for slug in theme.explainers]
    return html.Section([html.H2(_("Learn more"), className="h4"), html.Ul(items)], className="mb-4")


def not_found(slug) -> html.Div:
    items = [html.Li(html.A(t.title, href=f"/theme/{t.slug}")) for t in _themes.themes().values()]
    return html.Div(
        [
            html.H1(_("Theme not found")),
            html.P(_("There is no theme “%(value)s”. The themes are:", value=str(slug or "")[:40])),
            html.Ul(items),
        ],
        id="theme-not-found",
    )
