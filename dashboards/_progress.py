"""The progress overview's data and figures: country statuses of one indicator, filtered, as a map and rows."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _data, _phrases, _reason, _words
from dashboards._data import memo
from dashboards._figures import _layout, empty_figure
from warehouse import Release, get_warehouse
from warehouse import progress_text as words
from web.i18n import N_

#: The indicator the page opens on: ILOSTAT's child labour series, the one with several surveys per country.
DEFAULT_INDICATOR = "child_labour_ilostat"
#: The series of each indicator the overview shows: both sexes, the indicator's standard age band.
SEX = "total"
#: Colours per status (Okabe-Ito, colour-blind safe), best first as in words.STATUSES.
COLOURS = {
    words.TARGET_MET: "#009E73",
    words.ON_TRACK: "#56B4E9",
    words.TOO_SLOW: "#E69F00",
    words.NO_CLEAR_CHANGE: "#999999",
    words.MOVING_AWAY: "#D55E00",
    words.TARGET_PASSED: "#CC79A7",
    words.INSUFFICIENT: "#DDDDDD",
    words.NOT_ASSESSED: "#F0F0F0",
}
#: The status words of warehouse/progress_text.py, for the catalogue (the data keep the English codes).
STATUS_WORDS = (
    N_("target met"),
    N_("on track"),
    N_("progress too slow"),
    N_("no clear change"),
    N_("moving away"),
    N_("target year passed"),
    N_("insufficient data"),
    N_("not assessed"),
)


def status_label(status: str) -> str:
    """A progress status in the page's language."""
    return _(status) if isinstance(status, str) and status else status


def caution(release: Release, codes) -> str:
    """The `trend_caution` of the shown indicators whose points are not known to be comparable, each text once
    after the names of the indicators it is about ('' when none, or in a release without the column)."""
    meta = _data.indicators(release)
    shown = meta.reindex(
        index=[c for c in dict.fromkeys(codes) if c in meta.index], columns=["short_name", "trend_caution"]
    )
    flagged = shown[shown["trend_caution"].notna() & (shown["trend_caution"] != "")]
    return " ".join(_("%(names)s: %(caution)s", names=", ".join(part["short_name"]), caution=text)
                    for text, part in flagged.groupby("trend_caution", sort=False))  # fmt: skip


FILTERS = {"region": "sdg_region", "income": "income_group", "pathfinder": "pathfinder_status"}


@memo
def all_progress(release: Release) -> pd.DataFrame:
    """Every progress row of the release (empty when the progress engine has not run)."""
    if "progress" not in release.manifest.get("tables", {}):
        return pd.DataFrame(columns=["indicator", "iso3", "status"])
    return get_warehouse().progress(release)


def indicator_choices(release: Release) -> list[dict]:
    """Indicators with at least one country status other than 'not assessed', the default first."""
    rows = all_progress(release)
    countries = set(_data.countries(release).index)
    used = rows[rows["iso3"].isin(countries) & (rows["status"] != words.NOT_ASSESSED)]["indicator"].unique()
    meta = _data.indicators(release)
    codes = sorted((c for c in used if c in meta.index), key=lambda c: (c != DEFAULT_INDICATOR, meta.loc[c, "name"]))
    return [{"label": meta.loc[c, "name"], "value": c} for c in codes]


def filter_choices(release: Release, key: str) -> list[dict]:
    """Options of one filter: 'All', then the values the countries table holds (regions by name)."""
    column = _data.countries(release)[FILTERS[key]].dropna()
    names = _data.area_names(release)
    values = sorted({v for v in column if v}, key=lambda v: names.get(v, v))
    label = _phrases.localized if key == "pathfinder" else str  # the pathfinder status is a phrase of the data
    return [{"label": _("All"), "value": ""}] + [{"label": label(names.get(v, v)), "value": v} for v in values]


def country_rows(release: Release, indicator: str, filters: dict[str, str]) -> pd.DataFrame:
    """One row per country: the indicator's standard series (both sexes), with name and comparison points."""
    rows = all_progress(release)
    countries = _data.countries(release)
    for key, value in filters.items():
        if value:
            countries = countries[countries[FILTERS[key]] == value]
    rows = rows[(rows["indicator"] == indicator) & (rows["sex"] == SEX) & rows["iso3"].isin(countries.index)]
    standard = (
        _data.indicators(release).loc[indicator, "standard_age"]
        if indicator in _data.indicators(release).index
        else None
    )
    if isinstance(standard, str) and standard:
        rows = rows[rows["age"] == standard]
    # One series per country: the longest (then the latest) when sources differ.
    rows = rows.sort_values(["iso3", "points", "latest_year"], ascending=[True, False, False]).drop_duplicates("iso3")
    return rows.assign(name=rows["iso3"].map(countries["name"])).sort_values("name").reset_index(drop=True)


#: Once the target year has passed, the map tells the countries apart by the direction their data measured
#: (the status alone would paint every one the same): Okabe-Ito blue, grey and vermillion.
PASSED_TRENDS = {"falling": "#0072B2", "flat": "#999999", words.NO_CLEAR_CHANGE: "#999999", "rising": "#D55E00"}


def map_groups(rows: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(legend label, colour, rows) per status in words.STATUSES order; 'target year passed' by its trend."""
    groups = []
    for status in words.STATUSES:
        part = rows[rows["status"] == status]
        trends = part["trend"].fillna("") if "trend" in part.columns else pd.Series("", index=part.index)
        split = status == words.TARGET_PASSED and trends.isin(list(PASSED_TRENDS)).all()
        for trend in PASSED_TRENDS if split else [""]:
            chosen = part[trends == trend] if split else part
            label = f"{status_label(status)}, {_(trend)}" if split else status_label(status)
            if len(chosen):
                groups.append((label, PASSED_TRENDS[trend] if split else COLOURS[status], chosen))
    return groups


def status_map_figure(rows: pd.DataFrame, title: str) -> go.Figure:
    """World map of statuses: one colour and one legend entry per status (never a ramp)."""
    if rows.empty:
        return empty_figure(_("No country has a status for this selection"), height=380)
    traces = []
    for label, colour, part in map_groups(rows):
        text = (part["name"] + ": " + label + " (" + part["baseline_year"].astype(str) + "–"
                + part["latest_year"].astype(str) + ")").tolist()  # fmt: skip
        traces.append(
            go.Choropleth(
                locations=part["iso3"].tolist(),
                locationmode="ISO-3",
                z=[1] * len(part),
                text=text,
                customdata=part["iso3"].tolist(),
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                name=f"{label} ({len(part)})",
                showlegend=True,
                hovertemplate="%{text}<extra></extra>",
                marker={"line": {"color": "white", "width": 0.4}},
            )  # fmt: skip
        )
    geo = {"projection": {"type": "equirectangular"}, "showframe": False, "showcoastlines": False, "showland": True,
           "landcolor": "#E9ECEF", "showcountries": True, "countrycolor": "white", "lataxis": {"range": [-58, 85]}}  # fmt: skip
    legend = {"orientation": "h", "y": -0.05, "x": 0}
    return go.Figure(
        traces, layout=_layout(title, 460, geo=geo, legend=legend, margin={"l": 0, "r": 0, "t": 48, "b": 0})
    )


def table_records(release: Release, rows: pd.DataFrame, decimals: int | None) -> list[dict]:
    """Rows of the sortable table: country, status, trend, the comparison points and the reason (in the page's
    language)."""
    places = c.digits(decimals)
    return [
        {
            "name": r["name"],
            "iso3": r["iso3"],
            "status": status_label(r["status"]),
            "trend": _(r["trend"]) if isinstance(r.get("trend"), str) and r["trend"] else "",
            "points": int(r["points"]),
            "baseline_year": int(r["baseline_year"]),
            "baseline_value": float(words.rounded(r["baseline_value"], places)),
            "latest_year": int(r["latest_year"]),
            "latest_value": float(words.rounded(r["latest_value"], places)),
            "age": _words.age_word(r["age"]).replace("-", "–"),
            "reason": _reason.reason(release, r),
        }
        for r in rows.to_dict("records")
    ]
