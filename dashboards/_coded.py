"""Indicators of unit `category` (a coded value named by the indicator's `value_labels`): labels, the TIP-style
rating-by-year step chart of the government-response section, and the context line of a legal status."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import html
from flask_babel import gettext as _

from dashboards import _components as c

#: A neutral colour: a rating of government efforts is never drawn in the colours of prevalence.
NEUTRAL = "#5a6570"


def rating_series(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per year with a value, in year order (sex total, the headline source only)."""
    rows = rows[rows["year"].notna() & rows["value"].notna()]
    if rows.empty:
        return rows
    source = rows[rows["preferred"].fillna(False).astype(bool)]["source"]
    rows = rows[rows["source"] == (source.iloc[0] if len(source) else rows["source"].iloc[0])]
    return rows.drop_duplicates("year").sort_values("year")


def rating_figure(rows: pd.DataFrame, named: dict[float, str], title: str) -> go.Figure:
    """Rating by year as a step line with labelled levels, the first level at the top."""
    levels = sorted(named)
    figure = go.Figure(
        go.Scatter(
            x=rows["year"].astype(int).tolist(),
            y=rows["value"].tolist(),
            mode="lines+markers",
            line={"shape": "hv", "color": NEUTRAL},
            marker={"color": NEUTRAL, "size": 7},
            text=[named.get(v, str(v)) for v in rows["value"]],
            hovertemplate="%{x}: %{text}<extra></extra>",
            name=title,
        )
    )
    figure.update_layout(
        template="none", height=260, margin={"l": 140, "r": 20, "t": 30, "b": 40}, showlegend=False,
        title={"text": title, "font": {"size": 14}},
        yaxis={"tickvals": levels, "ticktext": [named[v] for v in levels], "autorange": "reversed"},
        xaxis={"dtick": 2, "tickformat": "d"},
    )  # fmt: skip
    return figure


def rating_block(
    code: str, rows: pd.DataFrame, meta: dict, sources, graph_id: str, page: str = ""
) -> html.Figure | None:
    """The step chart of a coded rating with its caveat, source line and a table of the same values."""
    named, series = c.value_labels(meta), rating_series(rows)
    if not named or series.empty:
        return None
    name = meta.get("short_name") or meta.get("name", code)
    first, last = series.iloc[0], series.iloc[-1]
    summary = _(
        "%(name)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s (%(count)s years). %(caveats)s",
        name=name, first=named.get(first["value"], ""), first_year=int(first["year"]),
        last=named.get(last["value"], ""), last_year=int(last["year"]), count=len(series),
        caveats=meta.get("caveats") or "",
    )  # fmt: skip
    table = c.table(
        pd.DataFrame({"year": series["year"].astype(int), "rating": [named.get(v, v) for v in series["value"]]}),
        [("year", _("Year")), ("rating", name)],
        name,
    )
    return c.chart(
        graph_id, rating_figure(series, named, name), summary, c.source_note(series, sources, page=page), table
    )


def status_since(rows: pd.DataFrame, meta: dict) -> str:
    """ "Illegal since 1863": the latest status and the first year of its unbroken run."""
    named, series = c.value_labels(meta), rating_series(rows)
    if series.empty:
        return ""
    latest = series.iloc[-1]
    label = named.get(latest["value"], str(latest["value"]))
    changed = series[series["value"] != latest["value"]]
    if changed.empty:
        return _("%(status)s throughout %(first)s–%(last)s", status=label, first=int(series["year"].min()),
                 last=int(latest["year"]))  # fmt: skip
    return _("%(status)s since %(year)s", status=label,
             year=int(series[series["year"] > changed["year"].max()]["year"].min()))  # fmt: skip
