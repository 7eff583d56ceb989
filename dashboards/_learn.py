"""Explainer page pieces: live charts of an explainer's related indicators, and the dashboards that use it.

Every chart is read from the served release through dashboards._data (memoised per release); when there is
no release, or an indicator has no data in it, the page shows a plain note instead of a chart, never an error.
Which chart an indicator gets is decided from its data: a world trend when WLD figures exist, regional bars
for regional estimates, the spread of latest country values for survey series, and a count of countries for
ratification flags. The figure builders here are pure (`DataFrame -> go.Figure`).
"""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import ngettext

from content.loader import indicator_definitions, term_lookup
from content.models import ContentError, slugify
from dashboards import _components as c
from dashboards import _data, _figures, _series, _shell, _themes
from dashboards._content import library
from warehouse import Release, ReleaseError
from web import i18n

log = logging.getLogger(__name__)

WORLD = "WLD"
#: Below this many countries, regional estimates (when there are any) make the better chart.
MIN_COUNTRIES = 5


# -- charts ----------------------------------------------------------------------------------------------
def related_charts(codes: list[str]) -> list:
    """One chart block per related indicator, or a single note when no data release is available."""
    if not codes:
        return []
    try:
        release = _data.release()
    except ReleaseError as exc:
        names = indicator_explainers()
        items = [html.Li(dcc.Link(names.get(code, (code, ""))[0], href=f"/indicator/{code}")) for code in codes]
        return [
            c.notice(_("The live charts need a data release, and none is available yet (%(exc)s).", exc=exc)),
            html.Ul(items),
        ]
    return [indicator_block(release, code, index) for index, code in enumerate(codes)]


def indicator_block(release: Release, code: str, index: int) -> html.Section:
    """Heading, chart (or note) and indicator-page link for one indicator."""
    link = dcc.Link(_("Open the indicator page"), href=f"/indicator/{code}", className="small")
    try:
        meta = _data.indicator_meta(release, code)
        obs = _data.indicator_observations(release, code) if meta else pd.DataFrame()
    except (ReleaseError, OSError) as exc:  # a release that disappears under us: say so, do not crash
        log.warning("learn chart %s: %s", code, exc)
        meta, obs = None, pd.DataFrame()
    name = str(meta["name"]) if meta else reference_indicators().get(code, (code, ""))[0]
    body = [html.H3(name, className="h6 mb-1")]
    if meta is None:
        body.append(c.notice(_("The indicator %(code)s is not in the current data release.", code=code)))
    elif obs.empty or obs["value"].notna().sum() == 0:
        body.append(c.notice(_("No data for this indicator in the current release.")))
    else:
        body.append(_chart(release, code, meta, obs, f"learn-chart-{index}"))
    body.append(html.P(link, className="mb-0"))
    return html.Section(body, className="learn-chart mb-4", **{"data-indicator": code})


def _chart(release: Release, code: str, meta: dict, obs: pd.DataFrame, graph_id: str) -> html.Figure:
    unit = str(meta.get("unit") or "")
    names = _data.area_names(release)
    regions = set(_data.regions(release).index)
    kind, frame = chart_frame(obs, code, unit, regions, names)
    title = str(meta.get("short_name") or meta.get("name") or code)
    if kind == "trend":
        figure, summary = (
            _figures.trend_figure(
                frame, _("%(title)s, world", title=title), c.unit_label(unit), None, meta.get("decimals")
            ),
            c.trend_summary(frame, unit, meta.get("decimals")),
        )
    elif kind == "regions":
        figure = _figures.grouped_bar_figure(
            frame, _("%(title)s, by region", title=title), c.unit_label(unit), meta.get("decimals")
        )
        regions, years = frame["category"].nunique(), frame["group"].astype(int)
        summary = i18n.ngettext("%(count)s region; ", "%(count)s regions; ", regions, count=regions) + i18n.ngettext(
            "year %(span)s.", "years %(span)s.", years.nunique(), span=c.year_span(years)
        )
    elif kind == "flags":
        figure = flag_figure(frame, title)
        summary = (
            _("; ").join(
                ngettext("%(label)s: %(num)s country", "%(label)s: %(num)s countries", int(row.value), label=row.label)
                for row in frame.itertuples()
            )
            + "."
        )
    else:
        figure = distribution_figure(
            frame, _("%(title)s: latest value in each country", title=title), c.unit_label(unit)
        )
        summary = distribution_summary(frame, unit, meta.get("decimals"))
    note = c.source_note(obs[obs["value"].notna()], _data.sources(release))
    return c.chart(graph_id, figure, summary, note)


def chart_frame(obs: pd.DataFrame, code: str, unit: str, regions: set[str], names: dict) -> tuple[str, pd.DataFrame]:
    """Decide the chart for an indicator's observations: ("trend"|"regions"|"flags"|"countries", frame)."""
    rows = _series.valued(obs)
    rows = rows.assign(age=rows["age"].fillna(""))  # ratification flags carry no age band
    world = rows[rows["iso3"] == WORLD]
    if not world.empty:
        sex, age = _series.default_breakdown(world, code)
        frame = _series.trend_frame(world[world["age"] == age], code, sex=sex, min_points=1)
        several = frame["series"].nunique() > 1
        return "trend", frame.assign(series=(_("World · ") + frame["series"].astype(str)) if several else _("World"))
    aggregates = rows[rows["iso3"].isin(regions)]
    countries = rows[~rows["iso3"].isin(regions)]
    if not aggregates.empty and countries["iso3"].nunique() < MIN_COUNTRIES:
        sex, age = _series.default_breakdown(aggregates, code)
        part = aggregates[(aggregates["sex"] == sex) & (aggregates["age"] == age)]
        frame = part.assign(category=part["iso3"].map(lambda a: names.get(a, a)), group=part["year"].astype(str))
        return "regions", frame.sort_values(["year", "category"])
    sex, age = _series.default_breakdown(countries, code)
    latest = _series.cross_section(countries, "latest", sex, age, set(countries["iso3"]), [])
    if unit == "flag" or code.startswith("ratified_"):
        counts = latest["value"].map(lambda v: _("Ratified") if v >= 1 else _("Not ratified (in these data)"))
        frame = counts.value_counts().rename_axis("label").reset_index(name="value")
        return "flags", frame
    return "countries", latest


def distribution_figure(df: pd.DataFrame, title: str, unit: str) -> go.Figure:
    """A histogram of the latest value of each country (no ranking: the spread is what is shown)."""
    if df.empty:
        return _figures.empty_figure(_("No data for this selection"))
    trace = go.Histogram(
        x=df["value"].tolist(),
        nbinsx=min(30, max(5, len(df) // 3)),
        marker={"color": _figures.OKABE_ITO[0], "line": {"color": "white", "width": 1}},
        hovertemplate=_("%%{x} %(unit)s: %%{y} countries", unit=unit) + "<extra></extra>",
    )
    fig = go.Figure([trace], layout=_figures._layout(title, 300, showlegend=False, bargap=0.05))
    fig.update_xaxes(title={"text": unit}, automargin=True)
    fig.update_yaxes(title={"text": _("countries")}, automargin=True)
    return fig


def flag_figure(df: pd.DataFrame, title: str) -> go.Figure:
    """Bars counting countries by ratification status."""
    return _figures.bar_figure(
        df.assign(highlight=df["label"] == _("Ratified")), _("%(title)s: countries", title=title), _("countries")
    )


def distribution_summary(df: pd.DataFrame, unit: str, decimals) -> str:
    """Count, year span, median and range of the latest country values."""
    if df.empty:
        return _("No data for this selection.")
    median, low, high = df["value"].median(), df["value"].min(), df["value"].max()
    return _(
        "%(count)s countries, latest values from %(year_span)s. Median %(format_value)s; from %(format_value2)s to %(format_value3)s.",
        count=len(df),
        year_span=c.year_span(df["year"]),
        format_value=c.format_value(median, unit, decimals),
        format_value2=c.format_value(low, unit, decimals),
        format_value3=c.format_value(high, unit, decimals),
    )


# -- where an explainer is used -----------------------------------------------------------------------------
def indicator_explainers() -> dict[str, tuple[str, str]]:
    """code -> (name, explainer slug), from the served release, else from data/reference/indicators.yaml."""
    try:
        table = _data.indicators(_data.release())
    except ReleaseError:
        return reference_indicators()
    return {
        str(r["code"]): (str(r["name"]), r["explainer"] if isinstance(r["explainer"], str) else "")
        for r in table.to_dict("records")
    }


def reference_indicators() -> dict[str, tuple[str, str]]:
    """code -> (name, explainer slug) from the staff reference file."""
    return {
        str(e["code"]): (str(e.get("name", e["code"])), str(e.get("explainer") or "")) for e in indicator_definitions()
    }


def theme_titles() -> dict[str, tuple[str, list[str]]]:
    """theme slug -> (title, explainer slugs), from content/themes.yaml."""
    return {slug: (theme.title, list(theme.explainers)) for slug, theme in _themes.themes().items()}


def used_by(slug: str, routes: list[str]) -> list[tuple[str, str]]:
    """(label, href) of every dashboard that uses an explainer: indicators, themes, and routes it names."""
    themes = theme_titles()
    links = [(title, f"/theme/{theme}") for theme, (title, explainers) in sorted(themes.items()) if slug in explainers]
    indicators = indicator_explainers()
    links += [
        (name, f"/indicator/{code}") for code, (name, explainer) in sorted(indicators.items()) if explainer == slug
    ]
    for route in routes:
        label = _shell.route_labels().get(route)
        if route.startswith("/indicator/"):
            label = indicators.get(route.removeprefix("/indicator/"), (route, ""))[0]
        elif route.startswith("/theme/"):
            label = themes.get(route.removeprefix("/theme/"), (route, []))[0]
        if route not in {href for _skip, href in links}:
            links.append((label or route, route))
    return links


# -- links for other pages -------------------------------------------------------------------------------
def glossary_link(term: str, label: str | None = None):
    """A link to a glossary term for chart notes and captions; plain text (and a log line) if the term is unknown."""
    try:
        slug = term_lookup(library().glossary).get(slugify(term))
    except ContentError:
        slug = None
    if slug is None:
        log.warning("no glossary term %r", term)
        return label or term
    return dcc.Link(label or term, href=f"/learn/glossary#{slug}", className="glossary-term")
