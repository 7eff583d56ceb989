"""Country child labour trend from the survey series, with the progress statement and ratification markers.

Each series (indicator, age band, source) is its own line of points at survey years, labelled with its age band
and source; the dated ratifications of the 8.7 instruments are drawn as vertical markers with their dates.
"""

from __future__ import annotations

import re
from functools import partial

import pandas as pd
import plotly.graph_objects as go
from babel import lists
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _data, _figures, _phrases, _progress, _reason, _series, _words
from dashboards import _components as c
from dashboards._figures import OKABE_ITO, _layout, _legend, _year_axis
from web import i18n

#: The survey series drawn, in this order (the first one's progress statement is shown).
SURVEY_CODES = ("child_labour_ilostat", "child_labour_sdg_b871")
#: Instruments whose ratification dates are drawn: the ILO child labour and forced labour conventions, the
#: Palermo Protocol and the CRC protocol on children in armed conflict.
INSTRUMENTS = ("C138", "C182", "C029", "P029", "PALERMO", "CRC_OPAC")
#: The chart's labels of the protocols, short enough for a phone (the list under the chart names them in full).
LABELS = {"PALERMO": "Palermo", "CRC_OPAC": "CRC-OPAC"}


def survey_points(obs: pd.DataFrame, release) -> pd.DataFrame:
    """Both-sexes points with a survey year of the survey series, labelled 'indicator short name · ages'."""
    rows = obs[obs["indicator"].isin(SURVEY_CODES) & (obs["sex"] == "total") & obs["year"].notna()]
    rows = rows[rows["value"].notna()]
    label = rows["indicator"].map(_names(release)) + " · " + rows["age"].map(_words.band)
    return rows.assign(series=label).sort_values(["series", "year"])


def _names(release) -> dict[str, str]:
    """The survey series' short names by code."""
    meta = _data.indicators(release)
    return {code: c.short_name(meta.loc[code].to_dict()) if code in meta.index else code for code in SURVEY_CODES}


def markers(commitments: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Dated ratifications (one per instrument, the earliest date), with the 'as of' of the status and the
    instrument's name (`names`, by instrument code: the commitments section's short names) and chart label."""
    columns = ["instrument", "date", "year", "as_of", "name", "short"]
    if commitments.empty:
        return pd.DataFrame(columns=columns)
    rows = commitments[commitments["instrument"].isin(INSTRUMENTS) & commitments["ratified"].fillna(False).astype(bool)]
    rows = rows[rows["date"].fillna("").str.match(r"^\d{4}")]
    rows = rows.sort_values("date").drop_duplicates("instrument")
    name = rows["instrument"].map(lambda code: (names or {}).get(code) or code)
    short = [code if re.fullmatch(r"[CP]\d{3}", code) else LABELS.get(code) or re.sub(r"\s*\(\d{4}\)$", "", text)
             for code, text in zip(rows["instrument"], name, strict=True)]  # fmt: skip
    return rows.assign(year=rows["date"].str[:4].astype(int), name=name, short=short)[columns]


def instrument_names(release) -> dict[str, str]:
    """The instruments' short names in the page's language, by instrument code ("ILO C182 Worst Forms of Child
    Labour (1999)", "Palermo Protocol on trafficking (2000)")."""
    meta = _data.indicators(release)
    if "instrument" not in meta:
        return {}
    rows = meta[meta["instrument"].isin(INSTRUMENTS)]
    return {row["instrument"]: c.short_name(row) for row in rows.to_dict("records")}


def survey_figure(points: pd.DataFrame, dated: pd.DataFrame, title: str, decimals: pd.Series) -> go.Figure:
    """Points at survey years (each series its own line) and a dotted marker per dated ratification in range
    (`decimals`: each indicator's, by code, for the values in hover labels)."""
    traces = []
    for i, (name, part) in enumerate(points.groupby("series", sort=False)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        traces.append(
            go.Scatter(
                x=part["year"].astype(int).tolist(),
                y=part["value"].tolist(),
                name=str(name),
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={"color": colour, "size": 9},
                customdata=_figures.hover_values(part, decimals.get(part["indicator"].iloc[0])),
                hovertemplate=f"{name}<br>"
                + _("survey year %(year)s: %(value)s", year="%{x}", value="%{customdata}")
                + "<extra></extra>",
            )  # fmt: skip
        )
    years = points["year"].astype(int)
    drawn = in_range(dated, years)
    span = pd.concat([years, drawn["year"]]) if not drawn.empty else years
    fig = go.Figure(traces, layout=_layout(title, 380, xaxis=_year_axis(span), **_legend(len(traces))))
    fig.update_yaxes(title={"text": _("Share of children (%)")}, rangemode="tozero", automargin=True)
    labels = [f"{row['short']} {_day(row['date'])}" for row in drawn.to_dict("records")]
    for year, text, (level, anchor) in zip(drawn["year"], labels, rows_of(drawn["year"], labels, span), strict=True):
        fig.add_vline(x=year, line={"color": "#6C757D", "dash": "dot", "width": 1})
        fig.add_annotation(x=year, y=1 - 0.08 * level, yref="paper", showarrow=False, xanchor=anchor, text=text,
                           font={"size": 10})  # fmt: skip
    return fig


#: The narrowest plot a survey chart gets (a phone), and the width of a character of its labels, in pixels.
PLOT_PX, CHAR_PX = 280, 6


def rows_of(years: pd.Series, labels: list[str], span: pd.Series) -> list[tuple[int, str]]:
    """Each ratification label's row (0 at the top) and side of its line: right of it unless it would pass the end of
    the axis where the left has more room; the first row where it overlaps no other label on the narrowest plot, so
    that labels of close dates stay readable."""
    first, last = int(span.min()), int(span.max())
    per_year = PLOT_PX / max(last - first + 2, 1)  # the axis pads about a year in all
    taken: list[list[tuple[float, float]]] = []
    placed = []
    for year, text in zip(years, labels, strict=True):
        width = len(text) * CHAR_PX / per_year
        left = year + width <= last + 1 or last - year >= year - first  # else where there is more room
        start, end = (year, year + width) if left else (year - width, year)
        level = next((i for i, row in enumerate(taken) if all(end < a or start > b for a, b in row)), len(taken))
        if level == len(taken):
            taken.append([])
        taken[level].append((start, end))
        placed.append((level, "left" if left else "right"))
    return placed


#: Ratifications up to this many years before the first survey widen the chart to show them; older ones (C029
#: dates back to the 1930s) are listed under the chart only.
LOOKBACK = 15


def in_range(dated: pd.DataFrame, years: pd.Series) -> pd.DataFrame:
    """The ratifications drawn: from LOOKBACK years before the first survey to the last (the rest are listed)."""
    return dated[(dated["year"] >= years.min() - LOOKBACK) & (dated["year"] <= years.max() + 1)]


def survey_block(release, iso3: str, name: str, obs: pd.DataFrame, head: pd.Series | None):
    """The chart, its progress statement and the ratification dates; None without any survey point (`head`: the row
    the child labour card shows, which the note compares with the chart's points)."""
    points = survey_points(obs, release)
    if points.empty:
        return None
    dated = markers(_data.commitments(release, iso3), instrument_names(release))
    title = _("Child labour surveys, %(name)s", name=name)
    decimals = _data.indicators(release)["decimals"]  # each value as its indicator and publisher write it
    figure = survey_figure(points, dated, title, decimals)
    shown = [
        c.number(v, decimals.get(code), step) for v, code, step in points[["value", "indicator", "precision"]].values
    ]
    table = c.table(points.assign(value=shown), [("series", _('Series')), ("year", _('Survey year')),
                    ("value", _('Share of children (%)'))], title)  # fmt: skip
    return html.Div(
        [
            c.chart(
                "country-survey-trend",
                figure,
                statement(release, iso3),
                note(points, dated, release, iso3, head),
                table,
            ),
        ],
        id="country-survey",
    )


def differs(points: pd.DataFrame, head: pd.Series | None, release) -> html.P | None:
    """One line where the card's figure (`head`) and this chart's differ for the same year and age band, among the
    points that are not their series' latest value (the table of latest values says those: Fiji 2021); Bangladesh
    2019: UNICEF 6.8%, ILOSTAT 5.9%."""
    if head is None or head["indicator"] in SURVEY_CODES or head["sex"] != "total" or pd.isna(head.get("year")):
        return None
    rows = pd.concat([head.to_frame().T, points], ignore_index=True)  # named as among all the chart's series
    rows = rows.assign(named=source_names(rows, _data.source_records(release)))
    same = (rows["year"] == head["year"]) & (rows["age"] == head["age"]) & ~rows["preferred"].astype(bool)
    return different_figures(rows[same | (rows.index == 0)], release, id="country-survey-differs")


def different_figures(rows: pd.DataFrame, release, **props) -> html.P | None:
    """One line where rows of one year and age band give other figures than the first row, naming each source by
    the rows' `named` (see `source_names`): their estimates differ, the sources do not say why."""
    decimals, names = _data.indicators(release)["decimals"], list(rows["named"])
    shown = [c.value_text(row, row["unit"], decimals.get(row["indicator"])) for row in rows.to_dict("records")]
    others: dict[str, list[str]] = {}
    for name, value in zip(names[1:], shown[1:], strict=True):
        if value != shown[0] and value not in others.get(name, []):
            others.setdefault(name, []).append(value)
    if not others:
        return None
    listed = partial(lists.format_list, locale=i18n.locale())
    figures = [_("%(source)s gives %(value)s", source="{0}", value=shown[0])]
    figures += [f"{{{i}}} {listed(values)}" for i, values in enumerate(others.values(), 1)]
    text = _(
        "For %(year)s (%(band)s), %(figures)s: estimates of different sources or series, which can differ in "
        "definition and method; the sources do not explain the difference.",
        year=int(rows["year"].iloc[0]), band=_words.band(rows["age"].iloc[0]), figures=listed(figures),
    )  # fmt: skip
    named = {f"{{{i}}}": name for i, name in enumerate([names[0], *others])}
    parts = [_cite.english(named[p]) if p in named else p for p in re.split(r"(\{\d+\})", text)]
    return html.P(_series.joined(parts), className="small text-body-secondary mb-1", **props)


def source_names(rows: pd.DataFrame, sources: dict) -> list[str]:
    """Each row's source as source lines name it, or its edition where the rows hold that name in several editions
    (ILOSTAT's series CLD_XCHL and SDG_B871 are both 'ILOSTAT child labour statistics')."""
    names = [c.source_short(sources, row) for row in rows.to_dict("records")]
    editions = pd.Series(rows["edition"].to_numpy()).groupby(names).nunique()
    return [str(e) if editions[n] > 1 and pd.notna(e) else n for n, e in zip(names, rows["edition"], strict=True)]


def statement(release, iso3: str) -> str:
    """The progress reason of the ILOSTAT 5-17 both-sexes series (what the /progress page shows)."""
    rows = _data.progress(release, iso3)
    if rows.empty:
        return _("No progress statement: the progress engine has not run for this release.")
    rows = rows[(rows["indicator"] == SURVEY_CODES[0]) & (rows["sex"] == "total") & (rows["age"] == "5-17")]
    if rows.empty:
        series = _names(release)[SURVEY_CODES[0]]
        return _("No progress statement: %(series)s has no points for ages 5–17 in this country.", series=series)
    row = rows.iloc[0]
    return _(
        "Progress (ILOSTAT, ages 5–17, %(status)s): %(reason)s",
        status=_progress.status_label(row["status"]),
        reason=_reason.reason(release, row),
    )


def note(points: pd.DataFrame, dated: pd.DataFrame, release, iso3: str, head: pd.Series | None) -> html.Div:
    """The source line, the comparability caution (and where the card's figure differs from the chart's for the same
    year, a line on that) and every dated ratification with its 'as of'."""
    dates = [html.Li(_ratified(r["name"], str(r["date"]), r["as_of"])) for r in dated.to_dict("records")]
    caution = _('Points are survey years; each line is one indicator, age band and source, never joined with another. Surveys differ in design, so a jump between two points may reflect the survey.')  # fmt: skip
    heading = _("Ratifications:") if dates else _("Ratifications: no dated ratification in this release.")
    return html.Div(
        [
            c.source_note(points, _data.source_records(release), page=f"/country/{iso3}"),
            html.P(caution, className="small text-body-secondary mb-1"),
            differs(points, head, release),
            html.P(heading, className="small text-body-secondary mb-0"),
            html.Ul(dates, className="small text-body-secondary mb-1"),
        ]
    )


def _ratified(instrument: str, date: str, as_of) -> str:
    """One dated ratification in words: "ILO C182 … (1999): ratified on 3 January 2002, status as of 2016" (the
    "as of" may hold brackets of its own, so none are put around it); a bare year stays one."""
    if len(date) == 4:
        return _("%(instrument)s: ratified in %(year)s, %(as_of)s", instrument=instrument, year=date, as_of=_phrases.as_of(as_of))  # fmt: skip
    return _("%(instrument)s: ratified on %(date)s, %(as_of)s", instrument=instrument, date=i18n.day(date, english=_phrases.DAY), as_of=_phrases.as_of(as_of))  # fmt: skip


def _day(date: str) -> str:
    """A ratification day on the chart, as the page writes days but with the month short ("12 Mar 2001", "12 mars
    2001"): the full month passes the edge of a phone's plot in Spanish; a bare year stays one."""
    return i18n.day(date, english="%-d %b %Y", skeleton="yMMMd") if len(date) > 4 else date
