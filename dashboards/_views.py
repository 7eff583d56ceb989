"""Views shared by several pages: data read through the cache and turned into chart blocks (map, cross-sections)."""

from __future__ import annotations

import logging

import dash
import pandas as pd
from dash import html
from dash.exceptions import MissingCallbackContextException
from flask_babel import gettext as _
from flask_babel import ngettext
from plotly.io.json import to_json_plotly

from dashboards import _cite, _data, _figures, _series
from dashboards import _components as c
from warehouse import Release
from web import inputs

log = logging.getLogger(__name__)


def user_triggered() -> bool:
    """Whether the running callback was triggered by a user's change (False on the first draw or a direct call)."""
    try:
        return dash.ctx.triggered_id is not None
    except MissingCallbackContextException:
        return False


def source_order(release: Release, code: str) -> list[str]:
    """The indicator's sources in the order its metadata lists them (the preferred source first)."""
    meta = _data.indicator_meta(release, code) or {}
    return [s.strip() for s in str(meta.get("sources") or "").split(",") if s.strip()]


def map_frame(release: Release, code: str, year, sex: str | None = None, age: str | None = None) -> pd.DataFrame:
    """The countries' values of one indicator, with names: the headline rows for "latest" (each as published:
    its own year or period and age band), else the chosen year, sex and age."""
    obs = _data.indicator_observations(release, code)
    countries = _data.countries(release)
    frame = _series.cross_section(obs, year, sex, age, set(countries.index), source_order(release, code))
    return frame.assign(
        name=frame["iso3"].map(countries["name"]).fillna(frame["iso3"]),
        when=[c.when(r) for _skip, r in frame.iterrows()],
    )


def map_scale(meta: dict) -> str:
    """How a map colours an indicator: yes/no flags in two colours; detected counts and coded ratings or statuses
    (unit category: a TIP tier is no prevalence) as presence only."""
    if meta.get("unit") == "flag":
        return "categorical"
    return "presence" if meta.get("nature") == "detected" or meta.get("unit") == "category" else "continuous"


@_data.memo
def map_block(release: Release, code: str, year, graph_id: str, sex=None, age=None, page: str = ""):
    """(figure as a plain dict, summary, note citing `page`) of a world choropleth for one indicator."""
    return _map_parts(release, code, year, sex, age, page)[2:]


@_data.memo
def map_view(release: Release, code: str, year, graph_id: str, page: str) -> tuple:
    """(figure, summary, note citing `page`, table) of a world map, all from one frame; the table waits in the
    page, unrendered, until the reader opens it or prints the page (`Deferred`)."""
    meta, frame, figure, summary, note = _map_parts(release, code, year, page=page)
    table = map_table(meta, frame, year, _data.source_records(release))
    return figure, summary, note, Deferred(table, id=f"{graph_id}-table-rows")


def _map_parts(release: Release, code: str, year, sex=None, age=None, page: str = "") -> tuple:
    """(metadata, frame, figure, summary, note citing `page`) of the world map of one indicator."""
    meta = _data.indicator_meta(release, code) or {"name": code, "unit": ""}
    frame = map_frame(release, code, year, sex, age)
    unit = meta.get("unit") or (frame["unit"].iloc[0] if not frame.empty else "")
    higher_is_better = bool(meta.get("higher_is_better")) if pd.notna(meta.get("higher_is_better")) else False
    title = map_title(meta, year)
    in_band, band = one_age_band(frame, str(meta.get("standard_age") or ""))
    shown = frame[in_band]
    figure = c.plain(
        _figures.map_figure(shown, title, c.unit_label(unit), higher_is_better, map_scale(meta), meta.get("decimals"))
    )
    summary = ngettext("%(num)s country with data. ", "%(num)s countries with data. ", len(frame)) + c.ranking_summary(
        shown, unit, meta.get("decimals"), "name", nature=meta.get("nature")
    )
    if len(shown) < len(frame):
        summary += " " + ngettext(
            "The map colours and ranks only the values for %(band)s; %(num)s country whose value is for another "
            "age band is in the table only.",
            "The map colours and ranks only the values for %(band)s; %(num)s countries whose value is for another "
            "age band are in the table only.",
            len(frame) - len(shown),
            band=c.band(band),
        )
    note = c.source_note(
        frame,
        _data.source_records(release),
        _("Select a country on the map or in the table to open its dashboard."),
        page,
    )
    return meta, frame, figure, summary, note


def one_age_band(frame: pd.DataFrame, standard: str) -> tuple[pd.Series, str]:
    """Which rows a map colours and ranks (a mask), and their age band: values for different age bands are not
    comparable, so only the indicator's standard band, else the most common one."""
    ages = frame["age"].fillna("") if "age" in frame else pd.Series("", index=frame.index)
    band = standard if standard in set(ages) else (ages.mode().iloc[0] if len(ages) else "")
    return ages == band, band


def map_title(meta: dict, year) -> str:
    """The map's title: the indicator's short name and the year shown."""
    when = _("latest available (each country's own year or period)") if year in (None, "", "latest") else str(year)
    return f"{c.short_name(meta)}, {when}"


def map_table(meta: dict, frame: pd.DataFrame, year, sources: dict) -> html.Div:
    """The map's table alternative: each country's value, year, age band, survey and source (by its display name),
    linked to their pages."""
    ranked = map_scale(meta) == "continuous"  # detected counts and yes/no flags are listed by name, never ranked
    in_band = one_age_band(frame, str(meta.get("standard_age") or ""))[0]  # the map's band first, then the others
    order = ["_other", "value" if ranked else "name"]
    shown = frame.assign(_other=~in_band).sort_values(order, ascending=[True, not ranked], kind="stable")
    shown = shown.assign(
        shown=[c.value_text(r, r["unit"], meta.get("decimals")) for _skip, r in shown.iterrows()],
        band=[c.age_text(r, meta.get("standard_age")) for _skip, r in shown.iterrows()],
        survey=[_cite.english(c.survey_text(r)) or "–" for _skip, r in shown.iterrows()],
        source_name=[_cite.english(c.source_short(sources, r)) for _skip, r in shown.iterrows()],
    )
    return c.table(
        shown,
        [("name", _('Country')), ("shown", _('Value')), ("when", _('Year or period')), ("band", _('Age')), ("survey", _('Survey')),
         ("source_name", _('Source'))],
        map_title(meta, year),
        {"name": lambda r: f"/country/{r['iso3']}", "source_name": lambda r: f"/sources/{r['source']}"},
    )  # fmt: skip


class Deferred(html.Div):
    """A placeholder that holds its children as JSON (`data-deferred`) until its <details> is opened or the page
    is printed (assets/lazy_charts.js): a long table costs the page one string, not hundreds of components to
    render, and needs no round trip when opened. In Python the children stay children (page code and tests)."""

    def to_plotly_json(self) -> dict:
        out = super().to_plotly_json()
        props = dict(out["props"])
        props["data-deferred"] = to_json_plotly(props.pop("children"))
        return {**out, "props": props}


def defer_tables(tree, prefix: str):
    """`tree` with every table behind a closed <details> (a chart's "Show the data as a table", a list of series)
    left unrendered until opened or printed (`Deferred`, ids `prefix`-n): few readers open one, yet they are most
    of a country page's components. Each <summary> stays in the page, reachable by keyboard."""
    found = [node for node in _tree(tree) if isinstance(node, html.Details) and _holds_table(node)]
    for number, details in enumerate(found):
        summary, *content = details.children
        details.children = [summary, Deferred(content, id=f"{prefix}-{number}")]
    return tree


def _tree(node) -> list:
    """`node` and every component below it, parents first (Dash's own walk; text nodes included)."""
    return [node, *node._traverse()] if hasattr(node, "_traverse") else []


def _holds_table(details: html.Details) -> bool:
    children = details.children if isinstance(details.children, list) else [details.children]
    return isinstance(children[0], html.Summary) and any(
        isinstance(n, html.Table) for child in children[1:] for n in _tree(child)
    )


def map_indicator_options(release: Release, minimum: int = 10) -> list[dict]:
    """Indicators with country data for at least `minimum` countries, else at least 3 (choices for a world map)."""
    coverage = _data.indicator_coverage(release)
    inds = _data.indicators(release)
    enough = max(3, min(minimum, int(coverage["countries"].max()) if len(coverage) else 0))
    codes = [code for code in coverage.index if coverage.loc[code, "countries"] >= enough and code in inds.index]
    codes = [code for code in codes if str(inds.loc[code, "unit"]) not in ("flag", "category")]
    return sorted(({"label": inds.loc[code, "name"], "value": code} for code in codes), key=lambda o: o["label"])


def map_year(value) -> str:
    """A map's year input: "latest" (also for an empty input) or a four-digit year, as text."""
    if value in (None, "", "latest"):
        return "latest"
    return str(inputs.whole_number(value, "year", 1900, 2100))


def year_options(release: Release, code: str) -> list[dict]:
    """ "Latest available" and every reference year the indicator has country data for, newest first."""
    obs = _data.indicator_observations(release, code)
    countries = set(_data.countries(release).index)
    years = sorted({int(y) for y in _series.dated(obs[obs["iso3"].isin(countries)])["year"]}, reverse=True)
    return [{"label": _("Latest available"), "value": "latest"}] + [{"label": str(y), "value": str(y)} for y in years]


def latest_with_previous(obs: pd.DataFrame, code: str) -> tuple[pd.Series | None, pd.Series | None]:
    """The headline value of an indicator and the previous point of the same comparable series."""
    row = _series.headline_row(obs, code)
    if row is None or pd.isna(row["year"]):
        return row, None
    series = _series.comparable(obs, row)
    earlier = series[series["year"] < row["year"]]
    return row, (earlier.iloc[-1] if not earlier.empty else None)


def _within_rounding(row: pd.Series, previous: pd.Series) -> bool:
    """Whether the difference is at most half a rounding step of each published figure."""
    steps = [r.get("precision") for r in (row, previous)]
    change = abs(float(row["value"]) - float(previous["value"]))
    return all(p is not None and not pd.isna(p) for p in steps) and change <= (steps[0] + steps[1]) / 2 * (1 + 1e-6)


def _intervals_overlap(row: pd.Series, previous: pd.Series) -> bool:
    """Whether the publisher's uncertainty intervals of the two figures overlap."""
    bounds = [row.get("lower"), row.get("upper"), previous.get("lower"), previous.get("upper")]
    return all(b is not None and not pd.isna(b) for b in bounds) and max(bounds[0], bounds[2]) <= min(
        bounds[1], bounds[3]
    )


def direction(row: pd.Series, previous: pd.Series) -> str:
    """ "up", "down", "unchanged", or why there is no clear change: "within rounding" (the difference is within the
    published rounding) or "intervals overlap" (a code, worded by change_sentence)."""
    if _within_rounding(row, previous):
        return "within rounding"
    if _intervals_overlap(row, previous):
        return "intervals overlap"
    return "up" if row["value"] > previous["value"] else "down" if row["value"] < previous["value"] else "unchanged"


def change_sentence(row: pd.Series, previous: pd.Series | None, unit: str, decimals=1, caution="") -> str:
    """E.g. "nearly 138 million in 2024, down from 160 million in 2020 (same source and definition)": the
    parenthesis only when both rows are of one series (_series.SERIES_KEY) and its indicator has no `caution`
    (trend_caution: the source does not say which survey each year comes from), which the caller then shows."""
    text = _("%(value_text)s in %(when)s", value_text=c.value_text(row, unit, decimals), when=c.when(row))
    if previous is None:
        return text + _(" (no earlier estimate in the same series)")
    word = direction(row, previous)
    before = _(
        "%(value_text)s in %(year)s", value_text=c.value_text(previous, unit, decimals), year=int(previous["year"])
    )
    if word == "within rounding":
        return _(
            "%(text)s; %(before)s: no clear change (the difference is within the rounding of the published figures)",
            text=text,
            before=before,
        )
    if word == "intervals overlap":
        return _(
            "%(text)s; %(before)s: no clear change (the published intervals of the two figures overlap)",
            text=text,
            before=before,
        )
    if word == "up":
        said = _("%(text)s, up from %(before)s", text=text, before=before)
    elif word == "down":
        said = _("%(text)s, down from %(before)s", text=text, before=before)
    else:
        said = _("%(text)s, unchanged from %(before)s", text=text, before=before)
    keys = [k for k in _series.SERIES_KEY if k in row.index and k in previous.index]
    one_series = row[keys].fillna("").tolist() == previous[keys].fillna("").tolist()
    return said + (_(" (same source and definition)") if one_series and not caution else "")


def figure_block(
    graph_id, figure_frame, figure, unit, sources, note_extra="", summary=None, table=True, page=""
) -> html.Figure:
    """A chart block with the standard series table (with the publication of each point when known).

    `table=False` leaves the table out where the page offers the same rows elsewhere (the indicator page's
    Table tab), which keeps callback payloads small.
    """
    frame = figure_frame.assign(shown=[c.value_text(r, unit) for _skip, r in figure_frame.iterrows()])
    frame = frame.assign(edition=frame["edition"].map(_cite.english)) if "edition" in frame.columns else frame
    columns = [("series", _("Series")), ("year", _("Year")), ("shown", _("Value"))]
    if "edition" in frame.columns and frame["edition"].notna().any():
        columns.append(("edition", _("Publication")))
    return c.chart(
        graph_id,
        figure,
        summary or c.trend_summary(figure_frame, unit),
        c.source_note(figure_frame, sources, note_extra, page),
        c.table(frame, columns, figure.layout.title.text or "") if table else None,
    )
