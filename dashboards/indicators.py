"""Indicators `/indicators`: every indicator of the release by theme, with unit, coverage and sources."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _data, _themes
from warehouse import Release, ReleaseError
from web.i18n import N_

dash.register_page(
    __name__,
    path="/indicators",
    title=N_("Indicators – Delta 8.7"),
    name=N_("All indicators"),
    nav=N_("Indicators"),
    order=2,
)

THEME_TITLES = {"context": N_("Risk context"), "commitments": N_("Commitments")}


def layout(**_query):
    """One table per theme (indicators and coverage computed from the served release)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div(
            [html.H1(_("Indicators")), c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")]
        )
    return html.Div(
        [
            html.H1(_("Indicators")),
            html.P(
                _("Every indicator in the current data release. Open one for its chart, map, table and metadata."),
                className="lead fs-6",
            ),
            *sections(release),
        ],
        id="indicators-page",
    )


@_data.memo
def sections(release: Release) -> list[html.Section]:
    """One table per theme, with each indicator's coverage in the release."""
    inds, coverage = _data.indicators(release), _data.indicator_coverage(release)
    titles = {slug: theme.title for slug, theme in _themes.themes().items()} | {
        k: _(v) for k, v in THEME_TITLES.items()
    }
    frame = inds.join(coverage[["countries"]].rename(columns={"countries": "n_countries"}), how="left")
    frame = frame.assign(
        n_countries=frame["n_countries"].fillna(0).astype(int),
        years=[_years(coverage, code) for code in frame.index],
        sdg=frame["sdg_indicator"].fillna("").replace("", "–"),
        unit_text=frame["unit"].map(c.unit_label),
    )
    sections = []
    for theme, rows in frame.sort_values("name").groupby(frame["theme"].fillna("other"), sort=False):
        heading = titles.get(theme, str(theme).replace("-", " ").capitalize())
        sections.append(
            html.Section(
                [
                    html.H2(heading, className="h5 mt-4"),
                    c.table(
                        rows,
                        [
                            ("name", _("Indicator")),
                            ("sdg", "SDG"),
                            ("unit_text", _("Unit")),
                            ("n_countries", _("Countries")),
                            ("years", _("Years")),
                        ],
                        _("Indicators: %(heading)s", heading=heading),
                        {"name": lambda r: f"/indicator/{r['code']}"},
                    ),
                ]
            )
        )
    return sections


def _years(coverage: pd.DataFrame, code: str) -> str:
    if code not in coverage.index:
        return _("no data")
    first, last = coverage.loc[code, "first_year"], coverage.loc[code, "last_year"]
    if pd.isna(first) or pd.isna(last):
        return _("years not stated")
    return str(int(first)) if first == last else f"{int(first)}–{int(last)}"
