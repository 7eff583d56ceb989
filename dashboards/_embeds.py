"""Shortcodes rendered: `{{figure ...}}` and `{{chart ...}}` (content/shortcodes.py) drawn from the served release.

A figure is one value with its source line (area, year, age band, sex, source); a chart is the trend of each
area's comparable series with the usual source note and text summary. When the content was written against an
earlier release (a forum article's `release`), each figure is compared with the same figure in that release
if it is still on disk (or one with the same content hash), and a change is flagged beside it. Anything that
cannot be shown (a bad parameter, an unknown indicator or area, no data, no release) becomes a visible notice in
the text, never an error page.
"""

from __future__ import annotations

import pandas as pd
from dash import html
from flask_babel import gettext as _

from content.shortcodes import BLOCK_NAMES, Shortcode, ShortcodeError, parse
from dashboards import _cite, _data, _figures, _plain, _series, _views
from dashboards import _components as c
from dashboards._published import around
from dashboards._words import word
from warehouse import Release, ReleaseError, get_warehouse
from warehouse.releases import OutdatedRelease, list_release_ids
from web import i18n


class EmbedError(Exception):
    """A shortcode that cannot be drawn; the message is shown to the reader."""


def figure_row(obs: pd.DataFrame, code: Shortcode, order: list[str]) -> pd.Series | None:
    """The one observation a `figure` shows: the headline row (data/reference/headline.yaml), or for a chosen year,
    sex or age band the row of the first source in the rule's `order`, as on the maps."""
    rows = _series.cross_section(obs, code.year, code.sex, code.age, {code.areas[0]}, order)
    return rows.iloc[0] if not rows.empty else None


class Embedder:
    """Renders the shortcodes of one text; `baseline` is the release id the text was written against."""

    def __init__(self, baseline: str | None = None, prefix: str = "embed"):
        self.baseline_id = baseline
        self.prefix = prefix
        self.charts = 0
        self._baseline: Release | None | bool = False  # False: not looked up yet

    def __call__(self, text: str, block: bool) -> list:
        """Components for one shortcode (a notice when it cannot be drawn)."""
        try:
            code = parse(text)
            if code.name in BLOCK_NAMES and not block:
                raise EmbedError(_("a %(name)s must stand on a line of its own", name=code.name))
            release = _data.release()
            meta = self._indicator(release, code)
            if code.name == "chart":
                return [self.chart(release, code, meta)]
            return [self.figure(release, code, meta)]
        except (ShortcodeError, EmbedError) as exc:
            return [notice(str(exc), block)]
        except ReleaseError as exc:
            return [notice(_("this live figure needs a data release, and none is available (%(exc)s)", exc=exc), block)]

    @staticmethod
    def _indicator(release: Release, code: Shortcode) -> dict:
        meta = _data.indicator_meta(release, code.indicator)
        if meta is None:
            raise EmbedError(
                _("the indicator %(indicator)s is not in the current data release", indicator=repr(code.indicator))
            )
        names = _data.area_names(release)
        unknown = [area for area in code.areas if area not in names]
        if unknown:
            raise EmbedError(_("no country or region %(join)s in the current data release", join=", ".join(unknown)))
        return meta

    # -- figure --------------------------------------------------------------------------------------------
    def figure(self, release: Release, code: Shortcode, meta: dict) -> html.Span:
        """One value, its source line and, when it changed since the baseline release, a flag."""
        row = figure_row(_data.indicator_observations(release, code.indicator), code, _order(release, code))
        names = _data.area_names(release)
        if row is None:
            asked = ", ".join(f"{k} {v}" for k, v in code.params.items() if k not in ("indicator", "area"))
            where = names[code.areas[0]] + (f" ({asked})" if asked else "")
            raise EmbedError(
                _("no value of %(name)s for %(where)s in the current data release", name=meta["name"], where=where)
            )
        value = value_text(row, meta)
        line = source_line(release, row, names, show_age=meta.get("unit") != "flag")
        parts = [
            html.Strong(value, className="embed-value"),
            *([f" ({line})"] if isinstance(line, str) else [" (", *line, ")"]),
        ]
        change = self.change(code, row, meta)
        if change:
            parts += [" ", html.Mark(change, className="embed-changed")]
        note = _plain.note_text(row.get("note"))
        title = {"title": note} if note else {}
        return html.Span(parts, className="embed-figure", **{"data-indicator": code.indicator}, **title, **own())

    def change(self, code: Shortcode, row: pd.Series, meta: dict) -> str | None:
        """'changed since …' when the baseline release holds a different figure; None if the same or unknown."""
        baseline = self.baseline()
        if baseline is None:
            return None
        before = figure_row(_data.indicator_observations(baseline, code.indicator), code, _order(baseline, code))
        if before is not None and (before["value"], c.when(before)) == (row["value"], c.when(row)):
            return None
        was = (
            _("was %(value_text)s (%(when)s)", value_text=value_text(before, meta), when=c.when(before))
            if before is not None
            else _("was not in it")
        )
        return _("changed since this was written against release %(id)s: %(was)s", id=baseline.id, was=was)

    def baseline(self) -> Release | None:
        """The release the text was written against, if it (or one with the same content) is on disk."""
        if self._baseline is False:
            self._baseline = find_release(self.baseline_id) if self.baseline_id else None
        return self._baseline

    # -- chart ---------------------------------------------------------------------------------------------
    def chart(self, release: Release, code: Shortcode, meta: dict) -> html.Div:
        """The trend of each area's comparable series, with its source note and summary."""
        obs = _data.indicator_observations(release, code.indicator)
        frame = chart_frame(obs, code, _data.area_names(release), _order(release, code))
        if frame.empty:
            raise EmbedError(
                _("no values of %(name)s for %(join)s to draw", name=meta["name"], join=", ".join(code.areas))
            )
        unit = str(meta.get("unit") or "")
        title = str(meta.get("short_name") or meta["name"])
        graph_id = f"{self.prefix}-chart-{self.charts}"
        self.charts += 1
        figure = _figures.trend_figure(frame, title, c.unit_label(unit), decimals=meta.get("decimals"))
        summary = c.trend_summary(frame, unit, meta.get("decimals"))
        extra = _(
            "Sex: %(value)s; age band: %(value2)s; one source per area",
            value=word(frame["sex"].iloc[0]),
            value2=word(frame["age"].iloc[0]),
        )
        block = c.chart(graph_id, figure, summary, c.source_note(frame, _data.sources(release), extra))
        changed = self.chart_changed(code, frame)
        body = [block] + ([html.P(html.Mark(changed, className="embed-changed"), className="small")] if changed else [])
        return html.Div(body, className="embed-chart", **{"data-indicator": code.indicator}, **own())

    def chart_changed(self, code: Shortcode, frame: pd.DataFrame) -> str | None:
        """A note when the chart's points differ from those in the baseline release."""
        baseline = self.baseline()
        if baseline is None:
            return None
        obs = _data.indicator_observations(baseline, code.indicator)
        before = chart_frame(obs, code, _data.area_names(baseline), _order(baseline, code))
        if points(before) == points(frame):
            return None
        return _("The data in this chart changed since it was written against release %(id)s.", id=baseline.id)


def _order(release: Release, code: Shortcode) -> list[str]:
    """The indicator's sources in the headline rule's order."""
    return _views.source_order(release, code.indicator)


def chart_frame(obs: pd.DataFrame, code: Shortcode, names: dict, order: list[str]) -> pd.DataFrame:
    """The points of a chart: the asked sex and age band (default: the indicator's usual ones) and, per area, the
    one source with the longest series, so that each line is one comparable series labelled by its area; values
    known only by a period are no point in time for a trend."""
    rows = _series.dated(_series.valued(obs[obs["iso3"].isin(code.areas)]))
    if rows.empty:
        return rows
    sex, age = _series.default_breakdown(rows, code.indicator)
    rows = rows[(rows["sex"] == (code.sex or sex)) & (rows["age"] == (code.age or age))]
    sizes = rows.groupby(["iso3", "source"])["year"].transform("nunique")
    ranked = rows.assign(_n=sizes, _p=rows["source"].map({s: i for i, s in enumerate(order)}).fillna(len(order)))
    best = ranked.sort_values(["iso3", "_n", "_p", "source"], ascending=[True, False, True, True])
    chosen = best.groupby("iso3")["source"].first()
    rows = rows[rows["source"] == rows["iso3"].map(chosen)]
    return rows.assign(series=rows["iso3"].map(lambda a: names.get(a, a))).sort_values(["series", "year"])


def points(frame: pd.DataFrame) -> list[tuple]:
    """A chart's points, comparable across releases."""
    columns = ["iso3", "source", "year", "value"]
    return sorted(map(tuple, frame[columns].astype(str).to_numpy().tolist())) if not frame.empty else []


def value_text(row: pd.Series, meta: dict) -> str:
    """The value as the publisher gave it, in the indicator's unit and precision ("<5" stays a censored count)."""
    if bool(row.get("censored")) is True:
        return _("fewer than 5 (suppressed by the source)")
    return c.value_text(row, row.get("unit") or meta.get("unit"), meta.get("decimals"))


def source_line(release: Release, row: pd.Series, names: dict, show_age: bool = True) -> str | list:
    """Area, year (or the publisher's period), survey, age band (not for yes/no flags), sex when not total, and
    source (a publisher's name marked English on a page in another language)."""
    survey = c.survey_text(row)
    when = c.when(row) + (f", {survey}" if survey else "")
    age = str(row.get("age") or _data.NO_AGE)
    ages = (
        _("all ages")
        if age == "all ages"
        else (_("age band not stated") if age == _data.NO_AGE else _("ages %(age)s", age=age))
    )
    ages = f", {ages.replace('-', '–')}" if show_age else ""
    sex = "" if row.get("sex") in (None, "total") else f", {word(row['sex'])}"
    record = _data.source_records(release).get(row["source"])
    source = c.source_short(_data.source_records(release), row) if record else row["source"]
    text = _(
        "%(get)s, %(when)s%(ages)s%(sex)s; source: %(source)s",
        get=names.get(row["iso3"], row["iso3"]),
        when=when,
        ages=ages,
        sex=sex,
        source="{}",
    )
    if i18n.lang() == i18n.DEFAULT or source in {_(name) for name in _cite.OUR_NAMES}:
        return text.replace("{}", source)
    return [part for part in around(text, html.Span(source, lang="en")) if part]


def notice(text: str, block: bool) -> html.Span | html.Div:
    """A visible note where a shortcode could not be drawn."""
    if block:
        alert = c.notice(_("Live chart not shown: %(text)s.", text=text), "warning")
        return html.Div(alert, **own()) if own() else alert
    return html.Span(
        _("[live figure not shown: %(text)s]", text=text), className="embed-notice text-danger", role="note", **own()
    )


def own() -> dict:
    """The page's language on what an embed writes, which may stand inside a text shown in English (an article)."""
    return {} if i18n.lang() == i18n.DEFAULT else {"lang": i18n.lang()}


def find_release(release_id: str) -> Release | None:
    """The release `release_id`, or another with the same content hash (the id's suffix), if one verifies."""
    warehouse = get_warehouse()
    on_disk = list_release_ids(warehouse.root)
    suffix = release_id.rsplit("-", 1)[-1]
    for candidate in [release_id] + [r for r in reversed(on_disk) if r.endswith("-" + suffix) and r != release_id]:
        if candidate in on_disk:
            try:
                return warehouse.releases.get(candidate)
            except ReleaseError:
                continue
    return None


def baseline_note(release_id: str | None) -> str | None:
    """A sentence for the top of a text written against `release_id`, when its figures cannot be compared."""
    if not release_id or find_release(release_id) is not None:
        return None
    try:
        get_warehouse().releases.get(release_id)
    except OutdatedRelease:
        return _(
            "Written against data release %(release_id)s, which an older version of the platform built and this one cannot read, so the live figures below (from the current release) cannot be checked for changes since.",
            release_id=release_id,
        )
    except ReleaseError:
        pass
    return _(
        "Written against data release %(release_id)s, which is no longer available on this server, so the live figures below (from the current release) cannot be checked for changes since.",
        release_id=release_id,
    )
