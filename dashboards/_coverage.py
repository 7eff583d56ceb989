"""The data-gap matrix behind /coverage: pure builders (cells, matrix, figure, table) and cached data access.

Kept apart from the page module (dashboards/coverage.py) so it can be imported and tested without an app.
"""

from __future__ import annotations

import html as markup
import re

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _components as c
from dashboards import _data, _phrases
from dashboards._figures import FONT
from warehouse import ObservationFilter, Release, get_warehouse
from web import i18n
from web.i18n import N_

THEMES = ("child-labour", "forced-labour", "trafficking")
#: Years since the latest observation -> (label, colour); Okabe-Ito blues to vermillion, grey for no data.
AGE_BINS = (
    (3, N_("0–3 years"), "#0072B2"),
    (6, N_("4–6 years"), "#56B4E9"),
    (10, N_("7–10 years"), "#E69F00"),
    (None, N_("over 10 years"), "#D55E00"),
)
NATURES = (
    ("measured", N_("measured"), "#0072B2"),
    ("estimated", N_("estimated"), "#009E73"),
    ("modelled", N_("modelled"), "#CC79A7"),
    ("detected", N_("detected"), "#E69F00"),
    ("reported", N_("reported"), "#999999"),
)
#: The matrix's label size (px), and a width per character (in em) that no label of the sans-serif fonts exceeds
FONT_SIZE = 11
LABEL_EM = 0.6
COLUMN_PX = 12
#: A row's height (px): the country names are one text, one line per row, and Plotly sets lines 1.3 em apart
ROW_PX = 1.3 * FONT_SIZE
GROUPINGS = (
    ("sdg_region", N_("SDG regions")),
    ("ilo_region", N_("ILO regions")),
    ("income_group", N_("Income groups")),
)


# -- pure ------------------------------------------------------------------------------------------------
def latest_cells(obs: pd.DataFrame) -> pd.DataFrame:
    """One row per (iso3, indicator): the headline (preferred) row's year, or its period where the publisher
    gives no year (`period`, with `earliest` its first year), its nature, and the number of years with data."""
    obs = obs[obs["value"].notna()]
    columns = ["iso3", "indicator", "latest_year", "period", "earliest", "nature", "years"]
    if obs.empty:
        return pd.DataFrame(columns=columns)
    years = obs.groupby(["iso3", "indicator"])["year"].nunique().rename("years")
    head = obs[obs["preferred"].fillna(False).astype(bool)]
    latest = head.assign(latest_year=head["year"], earliest=head["year"].fillna(head["year_start"]))
    latest = latest[["iso3", "indicator", "latest_year", "period", "earliest", "nature"]]
    latest = latest.merge(years.reset_index(), on=["iso3", "indicator"])
    return latest[columns].sort_values(["iso3", "indicator"]).reset_index(drop=True)


def age_bin(years_since: int) -> int:
    """The index in AGE_BINS of a number of years since the latest observation."""
    for index, (limit, _skip, _skip) in enumerate(AGE_BINS):
        if limit is None or years_since <= limit:
            return index
    return len(AGE_BINS) - 1


def matrix(cells: pd.DataFrame, countries: pd.DataFrame, codes: list[str], reference_year: int) -> pd.DataFrame:
    """Every country × indicator with its latest year, nature, years since (NaN/empty where there is no data)."""
    grid = pd.MultiIndex.from_product([countries["iso3"], codes], names=["iso3", "indicator"]).to_frame(index=False)
    grid = grid.merge(cells, on=["iso3", "indicator"], how="left")
    grid["name"] = grid["iso3"].map(dict(zip(countries["iso3"], countries["name"], strict=True)))
    # a value known only by its period is as old as the period's start, for all anyone can tell
    grid["since"] = reference_year - grid["earliest"]
    return grid


def matrix_figure(grid: pd.DataFrame, labels: dict[str, str], colour_by: str = "age") -> go.Figure:
    """A heatmap: rows countries (by name), columns indicators; discrete colours with a labelled legend."""
    scale = AGE_BINS if colour_by == "age" else NATURES
    if colour_by == "age":
        code = grid["since"].map(lambda s: age_bin(int(s)) if pd.notna(s) else None)
    else:
        code = grid["nature"].map({name: i for i, (name, _skip, _skip) in enumerate(NATURES)})
    grid = grid.assign(z=code, text=_cell_text(grid))
    names = sorted(grid["name"].unique(), key=str.casefold)
    codes = list(dict.fromkeys(grid["indicator"]))
    z = grid.pivot(index="name", columns="indicator", values="z").reindex(index=names, columns=codes)
    text = grid.pivot(index="name", columns="indicator", values="text").reindex(index=names, columns=codes)
    iso3 = grid.pivot(index="name", columns="indicator", values="iso3").reindex(index=names, columns=codes)
    n = len(scale)
    colours = []
    for i, (_skip, _skip, colour) in enumerate(scale):
        colours += [[i / n, colour], [(i + 1) / n, colour]]
    heat = go.Heatmap(
        z=z.astype(float).values,
        x=[labels.get(k, k) for k in codes],
        y=names,
        customdata=iso3.values,
        text=text.values,
        hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
        zmin=-0.5,
        zmax=n - 0.5,
        colorscale=colours,
        xgap=1,
        ygap=1,
        hoverongaps=False,
        colorbar={
            "tickvals": list(range(n)),
            "ticktext": [_(label) for _skip, label, _skip in scale],
            "thickness": 14,
            "lenmode": "pixels",
            "len": 30 * n,
            "y": 1,
            "yanchor": "top",
            "title": {"text": _("Latest data") if colour_by == "age" else _("Nature")},
        },
    )
    margin = label_margins(names, list(heat.x))
    axis = {"automargin": False, "fixedrange": True, "showgrid": False}
    return go.Figure(
        heat,
        layout={
            "height": margin["t"] + ROW_PX * len(names) + margin["b"],  # every row ROW_PX high, as its name
            "margin": margin,
            "font": {"family": FONT, "size": FONT_SIZE},
            "plot_bgcolor": "#F1F3F5",
            "paper_bgcolor": "white",
            "xaxis": {**axis, "side": "top", "tickangle": -40},
            "yaxis": {**axis, "autorange": "reversed", "showticklabels": False},  # the names are row_names()
            "annotations": [row_names(names)],
        },
    )


def row_names(names: list[str]) -> dict:
    """The country names beside the rows as one text, one line per row: Plotly would measure each of ~200 tick
    labels apart, the slowest part of drawing the matrix."""
    return {
        "text": "<br>".join(markup.escape(name, quote=False) for name in names),
        "align": "right",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 1,
        "xanchor": "right",
        "yanchor": "top",
        "showarrow": False,
    }


def label_margins(rows: list[str], columns: list[str]) -> dict[str, int]:
    """Margins that hold the row names (left), the column labels slanted at 40° above the matrix (top, and right
    of the last columns), from their lengths, and the legend below a few rows (bottom): Plotly's automargin
    measures each of ~200 labels and draws the chart twice, the slowest part of the page."""
    width = LABEL_EM * FONT_SIZE
    slanted = [width * len(str(label)) for label in columns] or [0]
    # each column is at least COLUMN_PX wide, so a label reaches that much less past the last column per column
    right = max(0.77 * w - COLUMN_PX * (len(slanted) - 1 - i) for i, w in enumerate(slanted))
    return {
        "l": round(width * max((len(str(row)) for row in rows), default=1)) + 12,
        "r": max(10, round(right) + 6),
        "t": round(0.65 * max(slanted) + FONT_SIZE) + 16,
        "b": max(10, 200 - ROW_PX * len(rows)),  # room for the legend beside a few rows
    }


def _when(year, period) -> str | None:
    """A cell's time: its year, its period ("period 2013–2021"), or None without data."""
    if pd.notna(year):
        return str(int(year))
    return (
        _("period %(replace)s", replace=_phrases.localized(period).replace("-", "–"))
        if isinstance(period, str) and period
        else None
    )


def _cell_text(grid: pd.DataFrame) -> list[str]:
    out = []
    for year, period, nature, since, years in zip(
        grid["latest_year"], grid["period"], grid["nature"], grid["since"], grid["years"], strict=True
    ):
        when = _when(year, period)
        if when is None:
            out.append(_("no data"))
            continue
        if pd.isna(year):
            head = _("%(when)s: survey year not published", when=when)
        else:
            head = ngettext("latest %(when)s (%(num)s year ago)", "latest %(when)s (%(num)s years ago)", int(since),
                            when=when)  # fmt: skip
        with_data = ngettext("%(num)s year with data", "%(num)s years with data", int(years))
        out.append(" · ".join([head, nature, with_data]))
    return out


def table_markdown(rows: pd.DataFrame, columns: list[tuple[str, str]]) -> str:
    """The table alternative as one Markdown table (one component: thousands of html cells make Dash crawl)."""

    def cell(text) -> str:
        return re.sub(r"([\\|\[\]*_`<>#])", r"\\\1", str(text))  # names are text, never Markdown

    lines = ["| " + " | ".join(cell(label) for _skip, label in columns) + " |", "|" + "---|" * len(columns)]
    for record in rows.to_dict("records"):
        first = f"[{cell(record['name'])}](/country/{record['iso3']})"
        lines.append("| " + " | ".join([first] + [cell(record[key]) for key, _skip in columns[1:]]) + " |")
    return "\n".join(lines)


def table_rows(grid: pd.DataFrame) -> pd.DataFrame:
    """The accessible alternative: one row per country, one text cell per indicator ('2019 · measured' or '–')."""
    times = [_when(y, p) for y, p in zip(grid["latest_year"], grid["period"], strict=True)]
    cell = [f"{t} · {n}" if t else "–" for t, n in zip(times, grid["nature"], strict=True)]
    wide = grid.assign(cell=cell).pivot(index=["iso3", "name"], columns="indicator", values="cell").reset_index()
    return wide.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


# -- data ------------------------------------------------------------------------------------------------
def coverage_codes(indicators: pd.DataFrame) -> list[str]:
    """The SDG 8.7 indicators of the matrix, by theme then code (commitment flags excluded)."""
    table = indicators.reset_index(drop=True)
    keep = table[table["theme"].isin(THEMES) & (table["nature"] != "reported")]
    order = {theme: i for i, theme in enumerate(THEMES)}
    return keep.assign(_t=keep["theme"].map(order)).sort_values(["_t", "code"])["code"].tolist()


@_data.memo
def cells(release: Release) -> pd.DataFrame:
    """Latest-year cells of every SDG 8.7 indicator, for the whole release (cached per release)."""
    codes = tuple(coverage_codes(_data.indicators(release)))
    cols = ["indicator", "iso3", "year", "year_start", "period", "value", "nature", "preferred"]
    if not codes:
        return latest_cells(pd.DataFrame(columns=cols))
    return latest_cells(get_warehouse().observations(release, ObservationFilter(indicators=codes), columns=cols))


def countries_in(release: Release, group: str | None, with_data: set[str] | frozenset = frozenset()) -> pd.DataFrame:
    """Countries of a region code (any grouping), or all: independent states, and territories that have data."""
    table = _data.countries(release)
    if group:
        table = table[(table[[g for g, _skip in GROUPINGS]] == group).any(axis=1)]
    keep = table["independent"].fillna(False).astype(bool) | table["iso3"].isin(with_data)
    return table.loc[keep, ["iso3", "name"]].reset_index(drop=True)


# -- page ------------------------------------------------------------------------------------------------


@_data.memo
def matrix_view(release: Release, group: str | None, colour_by: str | None) -> tuple[dict, object, str]:
    """Figure (a plain dict), table alternative and a one-line summary for a region code (or all) and a colouring."""
    names, found = _data.indicators(release), cells(release)
    countries = set(_data.countries(release)["iso3"])
    found = found[found["iso3"].isin(countries)]  # regions and the world have their own pages
    with_data = set(found["indicator"])
    codes = [code for code in coverage_codes(names) if code in with_data]  # no country-less columns
    members = countries_in(release, group or None, set(found["iso3"]))
    if not codes or members.empty:
        return {"layout": {"height": 200}}, c.notice(_("No countries or indicators to show.")), ""
    grid = matrix(found, members, codes, _data.release_year(release))
    labels = {code: str(names.loc[code, "short_name"] or code) for code in codes}
    columns = [("name", _("Country"))] + [(code, labels[code]) for code in codes]
    table = html.Div(  # a wide table scrolls in its own box (keyboard-reachable and named), never the page
        dcc.Markdown(table_markdown(table_rows(grid), columns), className="coverage-table small"),
        className="data-table",
        tabIndex="0",
        role="region",
        **{"aria-label": _("Data coverage and gaps")},
    )
    empty = int(grid.groupby("iso3")["nature"].count().eq(0).sum())
    summary = counts_text(len(members), len(codes), int(grid["nature"].notna().sum()), empty)
    return c.plain(matrix_figure(grid, labels, colour_by or "age")), table, summary


def counts_text(countries: int, indicators: int, filled: int, empty: int) -> str:
    """The matrix in numbers, each with the locale's digit groups ("2,787 cells", "2 787 cellules")."""
    shown = {n: i18n.decimal(n, 0) for n in (countries, indicators, filled, empty)}
    return _(
        "%(countries)s × %(indicators)s; %(cells)s; %(empty)s",
        countries=ngettext("%(count)s country", "%(count)s countries", countries, count=shown[countries]),
        indicators=ngettext("%(count)s indicator", "%(count)s indicators", indicators, count=shown[indicators]),
        cells=ngettext("%(count)s cell has data", "%(count)s cells have data", filled, count=shown[filled]),
        empty=ngettext("%(count)s country has no data on any of these indicators.",
                       "%(count)s countries have no data on any of these indicators.", empty, count=shown[empty]),
    )  # fmt: skip


def country_href(click: dict | None) -> str | None:
    """The country page of a clicked matrix cell, or None when the click names no country."""
    try:
        iso3 = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return None
    return f"/country/{iso3}" if isinstance(iso3, str) and len(iso3) == 3 else None
