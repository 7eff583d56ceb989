"""The pathfinder comparative view: per pathfinder country, what the platform can measure for its action plan.

One record per country (progress status of the ILOSTAT child labour series, latest survey, commitments with
dates, what each pillar has and lacks), built from the same helpers as the country page and /progress, so the
view never says something those pages do not.
"""

from __future__ import annotations

import pandas as pd
from dash import html
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _commitments, _country, _data, _phrases, _pillars, _progress, _reason, _survey_trend, _words
from dashboards import _components as c
from dashboards._cite import english
from warehouse import Release
from web.i18n import N_

INTRO = N_(
    "For each country: the progress status of each ILOSTAT child labour series (both sexes, by age band) and the "
    "points it compares, the latest child labour survey, each commitment with its date (and the date of the data "
    "where they are old), and what the platform can measure per pillar: the starting point for a measurable "
    "action plan with a reporting schedule."
)
STANDARD_AGE = "5-17"
TREND_WORDS = (N_("falling"), N_("rising"), N_("flat"))  # etl/progress.py's trend of a series
COLUMNS = (
    N_("Country"),
    N_("Progress (ILOSTAT child labour, both sexes)"),
    N_("Latest survey"),
    N_("Commitments"),
    N_("What the data cover"),
)


def _percent(value: float) -> str:
    """21.7 % in English (as the country page writes it), the locale's form otherwise."""
    return _reason.phrasing().percent(value, 1)


def pathfinders(release: Release) -> pd.DataFrame:
    """The pathfinder countries of the release, by name."""
    countries = _data.countries(release)
    chosen = countries[countries["pathfinder"].fillna(False).astype(bool)]
    return chosen.sort_values("name")


def progress_lines(release: Release, iso3: str) -> list[str]:
    """Per age band of the ILOSTAT series (both sexes, 5–17 first): status, trend and the points compared."""
    rows = _data.progress(release, iso3)
    if rows.empty:
        return [_("no progress status in this release")]
    rows = rows[(rows["indicator"] == _progress.DEFAULT_INDICATOR) & (rows["sex"] == _progress.SEX)]
    rows = rows.assign(_first=rows["age"] != STANDARD_AGE).sort_values(["_first", "age"])
    lines = []
    for r in rows.to_dict("records"):
        if int(r["points"]) < 2:
            lines.append(
                _(
                    "%(age)s: %(status)s (%(reason)s)",
                    age=_words.band(r["age"]),
                    status=_progress.status_label(r["status"]),
                    reason=_reason.reason(release, r),
                )
            )
            continue
        status = _progress.status_label(r["status"]) + (", " + _(r["trend"]) if r.get("trend") else "")
        lines.append(_("%(age)s: %(status)s: %(first)s (%(first_year)s) → %(last)s (%(last_year)s)",
                       age=_words.band(r["age"]), status=status, first=_percent(r["baseline_value"]),
                       first_year=int(r["baseline_year"]), last=_percent(r["latest_value"]),
                       last_year=int(r["latest_year"])))  # fmt: skip
    return lines or [_("no ILOSTAT child labour series")]


def latest_survey(country: _pillars.Country) -> str | list:
    """The latest survey point of the survey series (ages 5–17 where that year has them): its indicator (two
    ILOSTAT series measure child labour differently), year, age band, value, source."""
    points = _survey_trend.survey_points(country.obs, country.release)
    if points.empty:
        return _("no survey in this release")
    last = points.assign(_standard=points["age"] == STANDARD_AGE).sort_values(["year", "_standard"]).iloc[-1]
    meta = country.indicator(last["indicator"])
    names = [meta.get(key) for key in ("short_name", "name")]
    before, _skip, after = _("%(indicator)s: %(year)s · %(age)s · %(value)s · %(source)s", source="{}",
                             indicator=next((n for n in names if isinstance(n, str) and n), last["indicator"]),
                             year=int(last["year"]), age=_words.band(last["age"]), value=_percent(last["value"]),
                             ).partition("{}")  # fmt: skip
    return [before, english(c.source_short(country.sources, last)), after]


def commitment_lines(country: _pillars.Country) -> list[str]:
    """Each instrument's status with its date and the 'as of' of its source ('possibly out of date' where old)."""
    lines = []
    for status in _commitments.statuses(country):
        text = status.short_text
        if status.known:
            text += ", " + _phrases.as_of(status.as_of)
        lines.append(_phrases.labelled(status.short, text))
    return lines


def coverage_lines(country: _pillars.Country) -> list[str]:
    """What the platform can measure per pillar (indicators and years), then the country page's gap sentences."""
    lines = []
    for pillar in _pillars.pillars():
        codes = _pillars.pillar_codes(country, pillar.slug)
        years = country.obs[country.obs["indicator"].isin(codes)]["year"]
        lines.append(ngettext("%(pillar)s: %(num)s indicator, %(years)s", "%(pillar)s: %(num)s indicators, %(years)s",
                              len(codes), pillar=pillar.title, years=c.year_span(years))
                     if codes else _("%(pillar)s: no data", pillar=pillar.title))  # fmt: skip
    return lines + _country.gap_statements(country)


def records(release: Release) -> list[dict]:
    """One record per pathfinder country, every field a text or a list of texts."""
    found, names = [], _data.area_names(release)
    for iso3, meta in pathfinders(release).iterrows():
        country = _pillars.load(release, iso3, {**meta.to_dict(), "iso3": iso3})
        found.append(
            {
                "iso3": iso3,
                "name": meta["name"],
                "status": _phrases.localized(meta.get("pathfinder_status")) or _("status not stated"),
                "region": names.get(meta.get("sdg_region") or "", "–"),
                "progress": progress_lines(release, iso3),
                "survey": latest_survey(country),
                "commitments": commitment_lines(country),
                "coverage": coverage_lines(country),
            }
        )
    return found


def comparison_table(found: list[dict]) -> html.Div:
    """The comparative table: one row per pathfinder country."""
    head = html.Thead(html.Tr([html.Th(_(label), scope="col") for label in COLUMNS]))
    rows = [
        html.Tr(
            [
                html.Th(
                    [
                        html.A(r["name"], href=f"/country/{r['iso3']}"),
                        html.Div(r["status"], className="small"),
                        html.Div(r["region"], className="small text-body-secondary"),
                    ],
                    scope="row",
                ),
                html.Td(html.Ul([html.Li(x) for x in r["progress"]], className="small ps-3 mb-0")),
                html.Td(r["survey"]),
                html.Td(html.Ul([html.Li(x) for x in r["commitments"]], className="small ps-3 mb-0")),
                html.Td(html.Ul([html.Li(x) for x in r["coverage"]], className="small ps-3 mb-0")),
            ],
            id=f"pathfinders-row-{r['iso3']}",
        )  # fmt: skip
        for r in found
    ]
    caption = _("Alliance 8.7 pathfinder countries: what the platform can measure")
    return html.Div(
        html.Table([html.Caption(caption), head, html.Tbody(rows)], className="table table-sm align-top mb-0"),
        className="table-responsive data-table",
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
    )
