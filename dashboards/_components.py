"""Reusable page pieces: number formatting, source notes, chart blocks with table and text alternatives."""

from __future__ import annotations

import json
import math
from itertools import zip_longest

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component
from flask_babel import gettext as _
from plotly.io.json import to_json_plotly

from content import ContentError
from dashboards import _cite, _content, _data, _phrases, _published
from dashboards._words import band, sex_word, sex_word_of, word  # noqa: F401 - pages call them as c.word …
from warehouse.progress_text import places, rounded
from web import i18n
from web.i18n import N_

#: Plain-language names for the `nature` column.
NATURE_TEXT = {
    "measured": N_("measured (household survey, census or administrative records)"),
    "estimated": N_("estimate"),
    "modelled": N_("modelled estimate"),
    "detected": N_("detected cases (administrative records: they measure detection as much as the crime)"),
    "reported": N_("status reported by the source"),
}
#: Graph config: no CDN topojson (TOOLCHAIN.md section 8), no Plotly logo, a light mode bar.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
MAP_CONFIG = {**GRAPH_CONFIG, "topojsonURL": "/assets/topojson/"}


def digits(decimals) -> int:
    """The decimals an indicator's values are written with (1 when indicators.yaml gives none)."""
    return 1 if decimals is None or pd.isna(decimals) else int(decimals)


def number(value: float | None, decimals: int | None = 1, precision: float | None = None) -> str:
    """A number with thousands separators and `decimals` places, a whole one with those its publisher wrote."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    step = None if precision is None or pd.isna(precision) else precision
    return i18n.decimal(value, places(value, digits(decimals), step))


UNIT_LABELS = {
    "percent": "%",
    "count": N_("number"),
    "number": N_("number"),
    "per-1000": N_("per 1,000"),
    "usd": N_("US$"),
    "int-usd": N_("international $ (PPP)"),
    "score": N_("score"),
    "flag": N_("yes / no"),
}


def format_value(value: float | None, unit: str | None, decimals: int | None = 1, precision=None) -> str:
    """A value with its unit, e.g. "160 million", "7.4%", "5.4 per 1,000", "US$ 1,234" (`precision`: see number)."""
    unit = (unit or "").strip()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "flag":
        return _("yes") if value else _("no")
    if unit in ("count", "number") and abs(value) >= 1_000_000:
        size = float(rounded(value / 1_000_000, 1))
        return i18n.ngettext("%(number)s million", "%(number)s million", size, number=number(size, 1))
    if unit == "usd" and abs(value) >= 1_000_000_000:  # a GDP to the dollar would claim a precision it lacks
        size = float(rounded(value / 1_000_000_000, 1))
        return i18n.ngettext("US$ %(number)s billion", "US$ %(number)s billion", size, number=number(size, 1))
    text = number(value, decimals, precision)
    if unit in ("percent", "%"):
        return i18n.percent_text(text)
    if unit in ("per-1000", "per 1,000"):
        return _("%(text)s per 1,000", text=text)
    if unit == "usd":
        return _("US$ %(text)s", text=text)
    if unit == "int-usd":
        return _("%(text)s international $", text=text)
    if unit in ("", "count", "number", "score", "persons", "people"):
        return text
    return f"{text} {unit}"


def formatted(values: pd.Series, unit: str | None, decimals: int | None = 1, steps=()) -> list[str]:
    """format_value over a column, with the column of its rounding steps (`precision`) when given."""
    return [format_value(v, unit, decimals, p) for v, p in zip_longest(values, steps)]


def _text(value) -> str:
    """A text cell, '' for missing values."""
    return value.strip() if isinstance(value, str) else ""


def value_labels(meta: dict | None) -> dict[float, str]:
    """A coded indicator's value labels as {number: label} ({} for an indicator that is not coded)."""
    text = (meta or {}).get("value_labels") or ""
    return {float(k): v for k, v in json.loads(text).items()} if isinstance(text, str) and text else {}


def value_text(row, unit: str | None = None, decimals: int | None = 1) -> str:
    """The value as the publisher stated it: its qualifier and decimals kept ("nearly 138 million", "8.0"), a coded
    one by the label its publisher gives it ("Tier 2 Watch List", not 2.5)."""
    unit = unit or row.get("unit")
    if unit == "category":
        named = value_labels(_data.indicator_meta(_data.release(), str(row.get("indicator"))))
        if row["value"] in named:
            return named[row["value"]]
    text = format_value(row["value"], unit, decimals, row.get("precision"))
    qualifier = word(_text(row.get("qualifier")))
    return f"{qualifier} {text}" if qualifier else text


def when(row) -> str:
    """The time a value refers to: its reference year, else the publisher's period ("most recent survey in
    2013-2021 ..."), never an invented year."""
    year = row.get("year")
    if year is not None and not pd.isna(year):
        return str(int(year))
    return _phrases.localized(_text(row.get("period"))).replace("-", "–") or _("year not stated")


def survey_text(row) -> str:
    """The survey the publisher names, without the compiler's note ("MICS 2014, UNICEF and ILO ..." → "MICS 2014")."""
    return _phrases.first_survey(_text(row.get("survey")))


def age_text(row, standard: str | None = None) -> str:
    """The age band as published ("ages 5–14"); a band the publisher flags as non-standard says so."""
    age = _text(row.get("age"))
    said = band(age) or _("age not stated")
    flagged = bool(row.get("age_nonstandard")) and not pd.isna(row.get("age_nonstandard"))
    if flagged and (not standard or age == standard):
        return _("%(band)s as headed, but the publisher flags a non-standard age band or definition", band=said)
    return said


def footnote(row):
    """The publisher's footnotes and the platform's flags of a value ('' when none), in the page's language."""
    return _published.footnote(_text(row.get("note")))


def unit_label(unit: str | None) -> str:
    """The unit as an axis label."""
    label = UNIT_LABELS.get((unit or "").strip())
    return _(label) if label else unit or ""


def nature_text(nature: str | None) -> str:
    return _(NATURE_TEXT[nature]) if nature in NATURE_TEXT else nature or _("not stated")


def _records(sources) -> dict[str, dict]:
    """The sources table as {id: row}; accepts the DataFrame or an already converted dict (hot paths pass that)."""
    if isinstance(sources, dict):
        return sources
    return {} if sources is None or sources.empty else sources.set_index("id", drop=False).to_dict("index")


def source_short(sources, row) -> str:
    """A short citation for cards and table cells: the display name of the value's source and edition."""
    edition = row.get("edition") if hasattr(row, "get") else None
    return _cite.display_name(_records(sources).get(row["source"]), row["source"], edition)


def year_span(years: pd.Series) -> str:
    """ "2016" or "2000–2020" for a column of years."""
    years = sorted({int(y) for y in years.dropna()})
    if not years:
        return _("no year")
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def source_note(rows: pd.DataFrame, sources, extra: str = "", page: str = "") -> html.Div:
    """The line under a chart: short source names linked to their pages, years, nature; "Cite this chart"."""
    return _cite.source_line(rows, _records(sources), extra, page)


def table(df: pd.DataFrame, columns: list[tuple[str, str]], caption: str, links: dict | None = None) -> html.Div:
    """An accessible HTML table; `links` maps a column to a function value -> href."""
    links = links or {}
    head = html.Thead(html.Tr([html.Th(label, scope="col") for _skip, label in columns]))
    body = []
    for record in df.to_dict("records"):
        cells = []
        for key, _skip in columns:
            value = record.get(key)
            missing = value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
            text = "–" if missing else value if isinstance(value, Component) else str(value)  # str serialises fastest
            cells.append(html.Td(html.A(text, href=links[key](record)) if key in links else text))
        body.append(html.Tr(cells))
    return html.Div(
        html.Table(
            [html.Caption(caption), head, html.Tbody(body)],
            className="table table-sm table-striped align-middle mb-0",
        ),
        className="table-responsive data-table",
        # a scrollable region must be reachable by keyboard (WCAG 2.1.1) and named for screen readers
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
    )


def plain(figure) -> dict:
    """A figure as a plain dict: cached pages then unpickle and serialise without Plotly re-validating them."""
    return figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure


def chart(
    graph_id: str,
    figure,
    summary: str,
    note: html.P,
    data_table: html.Div | None = None,
    is_map: bool = False,
) -> html.Figure:
    """A graph with its source line, a text summary (also read by screen readers) and a table alternative."""
    summary_id = f"{graph_id}-summary"
    children = [
        html.Div(
            lazy_graph(dcc.Graph(id=graph_id, figure=plain(figure), config=MAP_CONFIG if is_map else GRAPH_CONFIG)),
            **{"aria-describedby": summary_id},
            className="graph-frame",
        ),
        html.Figcaption(
            [note, html.P(summary, id=summary_id, className="chart-summary small mb-1")],
        ),
    ]
    if data_table is not None:
        children.append(html.Details([html.Summary(_("Show the data as a table")), data_table], className="small"))
    return html.Figure(children, className="chart-block mb-4")


class LazyGraph(html.Div):
    """A placeholder the size of its graph that becomes the graph once scrolled near (assets/lazy_charts.js).

    Plotly draws every mounted graph at once, so a page with charts below the fold would draw them all before
    the reader could scroll. In Python the graph stays the placeholder's child (page code and tests see it);
    the browser receives the graph as JSON in `data-graph` and mounts it when needed.
    """

    def to_plotly_json(self) -> dict:
        out = super().to_plotly_json()
        props = dict(out["props"])
        graph = props.pop("children")
        props["data-graph"] = to_json_plotly(graph)
        return {**out, "props": props}


def lazy_graph(graph: dcc.Graph) -> LazyGraph:
    """`graph` drawn only when the reader scrolls near it (charts below the fold)."""
    layout = (graph.figure or {}).get("layout") or {}
    height = layout.get("height") if isinstance(layout.get("height"), int | float) else 450
    return LazyGraph(
        graph,
        id=f"{graph.id}-lazy",
        className="lazy-graph",
        style={"minHeight": f"{height}px"},
        **{"data-graph-id": graph.id},
    )


def live_chart(
    graph_id: str, is_map: bool = False, figure=None, filled: tuple | None = None, lazy: bool = False
) -> html.Figure:
    """A chart block that callbacks fill: outputs graph_id ("figure"), graph_id + "-note", "-summary", "-table"."""
    # The graph exists from the first render, so inputs on it validate. `filled` = (figure, summary, note, table)
    # draws the first view with the page (no callback round trip); a table may instead wait for its summary
    # (graph_id + "-table-open", n_clicks) to be opened; `lazy` draws the graph only when scrolled near.
    config = MAP_CONFIG if is_map else GRAPH_CONFIG
    figure, summary, note, data_table = filled or (figure, None, None, None)
    graph = dcc.Graph(id=graph_id, figure=plain(figure) if figure is not None else {}, config=config)
    return html.Figure(
        [
            html.Div(
                lazy_graph(graph) if lazy else graph,
                **{"aria-describedby": f"{graph_id}-summary"},
                className="graph-frame",
            ),
            html.Figcaption(
                [
                    html.Div(note, id=f"{graph_id}-note"),
                    html.P(summary, id=f"{graph_id}-summary", className="chart-summary small mb-1"),
                ]
            ),
            html.Details(
                [
                    html.Summary(_("Show the data as a table"), id=f"{graph_id}-table-open"),
                    html.Div(data_table, id=f"{graph_id}-table"),
                ],
                className="small",
            ),
        ],
        className="chart-block mb-4",
    )


def explainer_link(slug: str | None, label: str | None = None) -> html.A | None:
    """A link to the learning-space explainer for an indicator, when it has one."""
    if not slug or (isinstance(slug, float) and math.isnan(slug)):
        return None
    label = label or _("What does this mean?")
    return html.A(label, href=f"/learn/{slug}", className="explainer-link small")


def short_name(meta: dict) -> str:
    """An indicator's short name for chart titles (its full name when it has none)."""
    short = meta.get("short_name")
    return short if isinstance(short, str) and short.strip() else str(meta.get("name") or meta.get("code", ""))


def explainer_title(slug: str) -> str:
    """A readable title from an explainer slug ("ilo-conventions-and-ratification" -> "ILO conventions and ...");
    on a French or Spanish page, the explainer's title in that language."""
    try:
        explainer = _content.library().explainers.get(slug) if i18n.lang() != i18n.DEFAULT else None
    except ContentError:
        explainer = None
    if explainer is not None:
        return explainer.title
    words = slug.replace("sdg-target-8-7", "SDG target 8.7").replace("alliance-8-7", "Alliance 8.7").split("-")
    text = " ".join({"ilo": "ILO", "sdg": "SDG"}.get(w, w) for w in words)
    return text[0].upper() + text[1:]


def stat(label: str, value: str, details: list, stat_id: str | None = None) -> dbc.Card:
    """A headline number card: label, big value, then year/source/nature lines."""
    body = [html.P(label, className="stat-label mb-1"), html.P(value, className="stat-value mb-1")]
    body += [html.P(line, className="small text-body-secondary mb-0") for line in details if line]
    props = {"id": stat_id} if stat_id else {}
    return dbc.Card(dbc.CardBody(body), className="stat-card h-100", **props)


def notice(text, kind: str = "secondary") -> dbc.Alert:
    """A plain message box (no data, data gap, fallback)."""
    return dbc.Alert(text, color=kind, className="small py-2")


def trend_summary(df: pd.DataFrame, unit: str, decimals: int | None = 1) -> str:
    """One sentence per series: first and latest value (with the publisher's qualifier), for screen readers and
    skimmers."""
    if df.empty:
        return _("No data for this selection.")
    sentences = []
    for name, part in df.sort_values("year").groupby("series", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        if len(part) == 1:
            sentences.append(
                _(
                    "%(name)s: %(format_value)s in %(year)s.",
                    name=name,
                    format_value=value_text(last, unit, decimals),
                    year=int(last["year"]),
                )
            )
        else:
            sentences.append(
                _(
                    "%(name)s: %(format_value)s in %(year)s, %(format_value2)s in %(year2)s (%(count)s points).",
                    name=name,
                    format_value=value_text(first, unit, decimals),
                    year=int(first["year"]),
                    format_value2=value_text(last, unit, decimals),
                    year2=int(last["year"]),
                    count=len(part),
                )
            )
    return " ".join(sentences)


def ranking_summary(df: pd.DataFrame, unit: str, decimals: int | None = 1, label: str = "label", nature=None) -> str:
    """Highest and lowest values of a cross-section; never for counts of detected cases or yes/no flags."""
    if df.empty:
        return _("No data for this selection.")
    if unit == "flag":
        yes = int((df["value"] > 0).sum())
        return i18n.ngettext("%(count)s value: %(yes)s yes, %(value)s no.", "%(count)s values: %(yes)s yes, %(value)s no.",
                                len(df), count=len(df), yes=yes, value=len(df) - yes)  # fmt: skip
    if unit == "category":
        return i18n.ngettext("%(count)s value: coded ratings and statuses are not ranked.",
                                "%(count)s values: coded ratings and statuses are not ranked.", len(df), count=len(df))  # fmt: skip
    if nature == "detected":
        return i18n.ngettext("%(count)s value. Counts of detected cases are not ranked: they measure detection and reporting as much as the crime.",
                                "%(count)s values. Counts of detected cases are not ranked: they measure detection and reporting as much as the crime.", len(df), count=len(df))  # fmt: skip
    ordered = df.sort_values("value", ascending=False)
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    if len(ordered) == 1:
        return _phrases.labelled(str(top[label]), value_text(top, unit, decimals)) + "."
    return _(
        "%(count)s values. Highest: %(value)s (%(format_value)s); lowest: %(value2)s (%(format_value2)s).",
        count=len(ordered),
        value=top[label],
        format_value=value_text(top, unit, decimals),
        value2=bottom[label],
        format_value2=value_text(bottom, unit, decimals),
    )
