"""The delta view: observed against required pace, the projection fan chart with the target, and the status.

`delta_section(area_code, indicator=None)` is embedded by the overview (area "WLD") and the country page
(ISO3), and by the country brief in its compact form. Numbers come from the release's `progress` table
(computed by etl/progress.py); the wording helpers are shared with the ETL (warehouse/progress_text.py).
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from flask_babel import gettext as _

from dashboards import _cite, _data, _phrases, _progress, _published, _reason, _series
from dashboards import _components as c
from dashboards._fan import fan_figure
from warehouse import ObservationFilter, Release, ReleaseError, get_warehouse
from warehouse import progress_text as words

EXPLAINER = "/learn/measuring-progress"
#: Bootstrap colours of the status badges (text always says the status; colour is never the only cue).
BADGE = {
    words.TARGET_MET: "success",
    words.ON_TRACK: "success",
    words.TOO_SLOW: "warning",
    words.MOVING_AWAY: "danger",
    words.INSUFFICIENT: "secondary",
    words.NOT_ASSESSED: "light",
    words.NO_CLEAR_CHANGE: "secondary",
    words.TARGET_PASSED: "danger",
}
#: Which series heads the view when no indicator is asked for: the SDG 8.7.1 measures first.
PRIORITY = (
    "child_labour_5_17",
    "child_labour_number",
    "child_labour_rate",
    "child_labour_econ",
    "hazardous_work_number",
    "modern_slavery_number",
    "modern_slavery_per_1000",
    "forced_labour_number",
    "forced_labour_per_1000",
    "forced_marriage_number",
    "modern_slavery_prevalence_gsi2023",
    "modern_slavery_prevalence_gsi2018",
)


# -- pure helpers ----------------------------------------------------------------------------------------
SERIES = ["indicator", "sex", "age", "source", "comparability"]


def headline(rows: pd.DataFrame, indicator: str | None = None, preferred: pd.DataFrame | None = None) -> dict | None:
    """The series to show: the asked indicator, else by PRIORITY. With `preferred` (the area's headline
    observations), only the series of a headline value: the block then shows what the cards show."""
    rows = rows[rows["status"] != words.NOT_ASSESSED]
    if "comparability" not in rows:
        rows = rows.assign(comparability="")
    if preferred is not None:
        keys = preferred.assign(comparability=preferred.get("comparability", "")).fillna({"comparability": ""})
        rows = rows.merge(keys[SERIES].drop_duplicates(), on=SERIES, how="inner")
    if indicator:
        rows = rows[rows["indicator"] == indicator]
    if rows.empty:
        return None
    rank = {code: i for i, code in enumerate(PRIORITY)}
    order = rows.assign(
        _rank=rows["indicator"].map(lambda code: rank.get(code, len(rank))),
        _sex=rows["sex"] != "total",
    )
    keys = ["_rank", "_sex", "points", "latest_year", "indicator", "age", "source"]
    order = order.sort_values(keys, ascending=[True, True, False, False, True, True, True], kind="stable")
    return order.iloc[0].drop(["_rank", "_sex"]).to_dict()


def people_per_year(change: float, unit: str, population: float | None) -> float | None:
    """How many people a required change in the indicator's unit means per year (None when unknown)."""
    if change is None or math.isnan(change):
        return None
    if unit == "count":
        return abs(change)
    if population is None or math.isnan(population):
        return None
    if unit == "percent":
        return abs(change) / 100 * population
    if unit == "per-1000":
        return abs(change) / 1000 * population
    return None


# -- data ------------------------------------------------------------------------------------------------
def series_observations(release: Release, row: dict) -> pd.DataFrame:
    """The observations behind one progress row (no missing or censored values)."""
    where = ObservationFilter(
        indicators=(row["indicator"],),
        areas=(row["iso3"],),
        sexes=(row["sex"],),
        ages=(row["age"],),
        sources=(row["source"],),
    )
    obs = get_warehouse().observations(release, where)
    same = obs["comparability"].fillna("") == (row.get("comparability") or "")
    return obs[same & obs["value"].notna() & obs["year"].notna() & ~obs["censored"].fillna(False).astype(bool)]


def population_for(release: Release, area: str, row: dict, unit: str) -> tuple[float | None, str]:
    """The population a rate applies to, and a note on which one (ages 5-17 = under 18 minus under 5)."""
    obs = _data.country_observations(release, area)
    if obs.empty:
        return None, ""

    def latest(code: str) -> tuple[float | None, int | None]:
        """The latest total value of a population indicator, and its year."""
        part = obs[(obs["indicator"] == code) & obs["value"].notna() & (obs["sex"] == "total")]
        if part.empty:
            return None, None
        last = part.sort_values("year").iloc[-1]
        return float(last["value"]), int(last["year"])

    if unit == "per-1000":
        value, year = latest("population")
        return value, _("total population in %(year)s", year=year) if value else ""
    if unit == "percent" and row["age"] == "5-17":
        for code in ("population_5_17",):
            value, year = latest(code)
            if value:
                return value, _("children aged 5–17 in %(year)s", year=year)
        under18, year = latest("population_under18")
        under5, year5 = latest("population_under5")
        if under18 and under5 and year == year5:
            return under18 - under5, _("children aged 5–17 in %(year)s (under 18 minus under 5)", year=year)
    return None, ""


# -- components ------------------------------------------------------------------------------------------
def delta_section(area_code: str, indicator: str | None = None, compact: bool = False) -> html.Div:
    """The delta view of one area (ISO3 or region code), for one indicator or the headline series."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    area = str(area_code or "").upper()
    rows = _data.progress(release, area)
    observed = _data.country_observations(release, area)
    preferred = _series.preferred(observed)
    row = headline(rows, indicator, preferred) if not rows.empty else None
    if row is None:
        name = (_data.indicator_meta(release, indicator) or {}).get("name", indicator) if indicator else ""
        wanted = _(" for %(indicator)s", indicator=name) if indicator else ""
        return html.Div(
            c.notice(
                _(
                    "No series%(wanted)s in this area can be assessed against an SDG 8.7 target in this release.",
                    wanted=wanted,
                )
            ),
            className="delta-view",
            id=f"delta-{area.lower()}",
        )
    meta = _data.indicator_meta(release, row["indicator"]) or {"name": row["indicator"], "unit": ""}
    unit = meta.get("unit") or ""
    caution = _progress.caution(release, [row["indicator"]])  # the others' cautions go with their table
    parts = [
        _title(row, meta, release),
        _badge(row, release),
        html.P(caution, className="small delta-caution mb-2") if caution else None,
        _as_published(observed, row, meta),
        _tiles(row, unit, release, area),
        _chart(release, row, meta, compact),
    ]
    if not compact:
        parts += [_method(row), _others(rows, release, said=caution)]
    return html.Div(parts, className="delta-view" + (" delta-compact" if compact else ""), id=f"delta-{area.lower()}")


def _as_published(obs: pd.DataFrame, row: dict, meta: dict) -> html.P | None:
    """The latest value with the publisher's qualifier ("nearly 138 million"), which the pace tiles do not state."""
    same = obs[(obs["indicator"] == row["indicator"]) & (obs["sex"] == row["sex"]) & (obs["age"] == row["age"])]
    same = same[(same["source"] == row["source"]) & (same["year"] == row["latest_year"]) & same["qualifier"].notna()]
    if same.empty:
        return None
    value = c.value_text(same.iloc[0], meta.get("unit"), meta.get("decimals"))
    return html.P(
        _("As published: %(value)s (%(year)s).", value=value, year=int(row["latest_year"])), className="small mb-1"
    )


def _title(row: dict, meta: dict, release: Release) -> html.P:
    sources = _data.sources(release)
    source = str(sources.loc[row["source"], "publisher"]) if row["source"] in sources.index else row["source"]
    who = "" if row["sex"] == "total" else f", {c.sex_word(row['sex'], row['age'])}"
    line = _(" (%(band)s%(who)s) · %(source)s", band=c.age_text(row), who=who, source="{}")
    name = html.Strong(meta.get("name") or row["indicator"])
    return html.P([name, *_published.around(line, _published.publisher(source))], className="delta-series mb-1")


def _badge(row: dict, release: Release) -> html.P:
    status = row["status"]
    return html.P(
        [
            dbc.Badge(
                _progress.status_label(status).capitalize(),
                color=BADGE.get(status, "secondary"),
                text_color="dark" if status in (words.TOO_SLOW, words.NOT_ASSESSED) else None,
                className="delta-badge me-2 fs-6",
            ),
            html.Span(_reason.reason(release, row), className="delta-reason"),
        ],
        className="mb-2",
    )


def _pace(row: dict, which: str, unit: str) -> str:
    value = words.pace_value(row, which)
    if value is None or pd.isna(value):
        return "–"
    text = words.moving_text(row, which, unit, _reason.phrasing())
    return text[:1].lower() + text[1:]


def _tiles(row: dict, unit: str, release: Release, area: str) -> dbc.Row:
    target = row.get("target_value")
    passed = row["status"] == words.TARGET_PASSED or (
        pd.notna(target) and int(row["target_year"]) < _reason.assessed_in(release)
    )
    goal = ""
    if pd.notna(target):  # once the target year is behind us, it is spoken of in the past
        values = {"target_text": words.target_text(float(target), unit, _reason.phrasing()),
                  "target_year": int(row["target_year"])}  # fmt: skip
        goal = (_("the target was %(target_text)s by %(target_year)s", **values) if passed
                else _("to reach %(target_text)s by %(target_year)s", **values))  # fmt: skip
    span = _(
        "%(baseline_year)s–%(latest_year)s, %(points)s points",
        baseline_year=int(row["baseline_year"]),
        latest_year=int(row["latest_year"]),
        points=int(row["points"]),
    )
    observed = _pace(row, "observed", unit) if row["points"] >= 2 else _("no trend (one point)")
    if row["status"] == words.NO_CLEAR_CHANGE:
        observed = _("no clear change")
    required = c.stat(_("Required pace"), _pace(row, "required", unit), [goal])
    if passed:
        required = c.stat(_("Target year passed"), words.remaining_text(row, unit, _reason.phrasing()), [goal])
    tiles = [
        c.stat(
            _("Observed pace"),
            observed,
            [span if row["points"] >= 2 else _("%(latest_year)s only", latest_year=int(row["latest_year"]))],
        ),
        required,
    ]
    lines = [_people(row, unit, release, area)]
    return dbc.Row(
        [dbc.Col(t, xs=6) for t in tiles] + [dbc.Col(html.P(lines, className="small mb-0 mt-2"), xs=12)],
        className="g-2 mb-2 delta-tiles",
    )


def _people(row: dict, unit: str, release: Release, area: str) -> str:
    change = row.get("required_change")
    if row["status"] in (words.TARGET_MET, words.NOT_ASSESSED) or change is None or pd.isna(change) or change >= 0:
        return ""
    population, which = population_for(release, area, row, unit)
    people = people_per_year(float(change), unit, population)
    if people is None:
        return _(
            "People per year: not shown, because this release has no matching population figure (%(age)s).",
            age=row["age"],
        )
    basis = _(" (required pace × %(which)s)", which=which) if which else ""
    count = words.rounded_count(people, tr=_reason.phrasing())
    if row["indicator"].startswith(("child", "hazardous")):
        return _("The required pace means %(count)s fewer children each year%(basis)s.", count=count, basis=basis)
    return _("The required pace means %(count)s fewer people each year%(basis)s.", count=count, basis=basis)


def _chart(release: Release, row: dict, meta: dict, compact: bool) -> html.Figure:
    obs, unit = series_observations(release, row), meta.get("unit") or ""
    figure = fan_figure(obs, row, unit, height=180 if compact else 320)
    summary = (
        (
            _(
                "Observed values %(baseline_year)s–%(latest_year)s",
                baseline_year=int(row["baseline_year"]),
                latest_year=int(row["latest_year"]),
            )
            if row["points"] > 1
            else _("One observed value (%(latest_year)s)", latest_year=int(row["latest_year"]))
        )
        + (
            _(
                ", projected %(format_value)s in %(target_year)s",
                format_value=words.format_value(row["projected_value"], unit, _reason.phrasing()),
                target_year=int(row["target_year"]),
            )
            if pd.notna(row.get("projected_value"))
            else ""
        )
        + (
            _(
                " (band %(format_value)s to %(format_value2)s)",
                format_value=words.format_value(row["projected_lower"], unit, _reason.phrasing()),
                format_value2=words.format_value(row["projected_upper"], unit, _reason.phrasing()),
            )
            if pd.notna(row.get("projected_lower"))
            else ""
        )
        + "."
    )
    graph_id = f"delta-fan-{str(row['iso3']).lower()}"
    return html.Figure(
        [
            html.Div(
                c.lazy_graph(
                    dcc.Graph(id=graph_id, figure=c.plain(figure), config={**c.GRAPH_CONFIG, "staticPlot": compact})
                ),
                role="img",  # one named picture to a screen reader, described by the summary under it
                **{
                    "aria-label": _("Progress chart: %(name)s", name=meta.get("name") or row["indicator"]),
                    "aria-describedby": f"{graph_id}-summary",
                },
            ),
            html.Figcaption(summary, id=f"{graph_id}-summary", className="small text-body-secondary"),
        ],
        className="mb-2",
    )


def _method(row: dict) -> html.P:
    band_method, method = _phrases.localized(row.get("band_method")), _phrases.localized(row.get("method"))
    band = _(" Band: %(band_method)s.", band_method=band_method) if band_method else ""
    method = _("Pace: %(method)s.", method=method) if method else ""
    return html.P(
        [method, band, " ", html.A(_("How progress is measured"), href=EXPLAINER)],
        className="small text-body-secondary delta-method",
    )


def _source(source: str, label, records: dict) -> html.Span:
    """The source of one series (linked to its page) and the comparability label that sets it apart, if any: two
    series may otherwise read alike in the table (same indicator, years and value from two sources)."""
    name = _cite.name_link(source, _cite.display_name(records.get(source), source))
    return html.Span([name, f" · {label}"] if isinstance(label, str) and label else name)


def _others(rows: pd.DataFrame, release: Release, said: str = "") -> html.Details:
    names, records = _data.indicators(release), _data.source_records(release)
    cautions = names.reindex(index=list(rows["indicator"]), columns=["trend_caution"])["trend_caution"]
    caution = _progress.caution(release, [code for code, text in cautions.items() if not (isinstance(text, str) and text in said)])  # fmt: skip
    frame = rows.assign(
        name=rows["indicator"].map(lambda code: names.loc[code, "name"] if code in names.index else code),
        years=[
            f"{int(a)}–{int(b)}" if a != b else str(int(a))
            for a, b in zip(rows["baseline_year"], rows["latest_year"], strict=True)
        ],
    ).sort_values(["indicator", "sex", "age", "source"])
    labels = frame["comparability"] if "comparability" in frame else [None] * len(frame)
    frame = frame.assign(
        sex=[c.sex_word(sex, age) for sex, age in zip(frame["sex"], frame["age"], strict=True)],
        age=[str(c.word(age)).replace("-", "–") for age in frame["age"]],
        status=frame["status"].map(_progress.status_label),
        reason=[_reason.reason(release, r) for r in frame.to_dict("records")],
        source=[_source(s, label, records) for s, label in zip(frame["source"], labels, strict=True)],
    )
    columns = [
        ("name", _("Indicator")),
        ("sex", _("Sex")),
        ("age", _("Age")),
        ("source", _("Source")),
        ("years", _("Years")),
        ("points", _("Points")),
        ("status", _("Status")),
        ("reason", _("Why")),
    ]
    return html.Details(
        [
            html.Summary(_("Every assessed series for this area (%(count)s)", count=len(frame))),
            html.P(caution, className="delta-caution mb-2") if caution else None,
            c.table(frame, columns, _("Progress of every series of this area")),
        ],
        className="small",
    )
