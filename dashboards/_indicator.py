"""The indicator page's state (kept in the URL query) and its tab views over one filtered query."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _data, _figures, _series, _views
from dashboards import _components as c
from dataproduct import labels
from warehouse import Release
from warehouse.schema import redistributable
from web.i18n import N_

TABS = ("chart", "map", "table", "about")
MAX_COMPARE = 12
#: `?sources=all`: the chart draws every source's series, not only each area's headline series.
EVERY_SOURCE = "all"
EVERY_SOURCE_LABEL = "Chart every source (one line per source)"
#: The chart and map tabs point to the Table tab, which lists the same filtered rows.
TABLE_TAB = N_("The Table tab lists these values.")


@dataclass(frozen=True)
class View:
    """What the page shows: tab, year ("latest" or a year), compared areas, sex and age band."""

    tab: str = "chart"
    year: str = "latest"
    areas: tuple[str, ...] = ()
    sex: str = ""
    age: str = ""
    sources: str = ""

    def search(self, default_sex: str, default_age: str, default_tab: str = "chart") -> str:
        """The URL query for this view; defaults are left out so links stay short."""
        query = {}
        if self.tab != default_tab:
            query["tab"] = self.tab
        if self.year != "latest":
            query["year"] = self.year
        if self.areas:
            query["countries"] = ",".join(self.areas)
        if self.sex and self.sex != default_sex:
            query["sex"] = self.sex
        if self.age and self.age != default_age:
            query["age"] = self.age
        if self.sources == EVERY_SOURCE:
            query["sources"] = EVERY_SOURCE
        return "?" + urlencode(query, safe=",") if query else ""


@dataclass(frozen=True)
class Choices:
    """What an indicator's view can be set to: its sexes, age bands per sex, years, areas, and the defaults."""

    default_sex: str
    default_age: str
    sexes: frozenset
    ages: dict
    years: frozenset
    areas: frozenset
    countries: frozenset = frozenset()

    @classmethod
    def of(cls, obs: pd.DataFrame, code: str, countries: set[str] | frozenset = frozenset()) -> Choices:
        rows = _series.valued(obs)
        sex, age = _series.default_breakdown(rows, code)
        ages = {s: frozenset(part["age"]) for s, part in rows.groupby("sex")}
        years = frozenset(str(int(y)) for y in rows["year"].dropna().unique())
        areas = frozenset(rows["iso3"])
        return cls(sex, age, frozenset(rows["sex"]), ages, years, areas, areas & frozenset(countries))

    @property
    def tabs(self) -> tuple[str, ...]:
        """The tabs with something to show: no map for an indicator without country data."""
        return TABS if self.countries else tuple(t for t in TABS if t != "map")

    @property
    def default_tab(self) -> str:
        """A map when the indicator has country data (as OWID opens), else the line chart."""
        return "map" if self.countries else "chart"


def parse(choices: Choices, **query) -> View:
    """A valid View from untrusted query values (unknown values fall back to defaults, never an error)."""
    sex = query.get("sex") if query.get("sex") in choices.sexes else choices.default_sex
    ages = choices.ages.get(sex, frozenset())
    fallback = choices.default_age if choices.default_age in ages else next(iter(sorted(ages)), "")
    age = query.get("age") if query.get("age") in ages else fallback
    raw = str(query.get("countries") or "")
    areas = tuple(dict.fromkeys(a.strip().upper() for a in raw.split(",") if a.strip().upper() in choices.areas))
    year = str(query.get("year") or "latest")
    return View(
        tab=query.get("tab") if query.get("tab") in choices.tabs else choices.default_tab,
        year=year if year in choices.years else "latest",
        areas=areas[:MAX_COMPARE],
        sex=sex,
        age=age,
        sources=EVERY_SOURCE if query.get("sources") == EVERY_SOURCE else "",
    )


@_data.memo
def choices(release: Release, code: str) -> Choices:
    """The Choices of one indicator in a release (memoised: every callback validates its inputs against them)."""
    countries = frozenset(_data.countries(release).index)
    return Choices.of(_data.indicator_observations(release, code), code, countries)


def headline_view(release: Release, code: str, view: View) -> tuple[str | None, str | None]:
    """(sex, age) for a cross-section: None, None in the default view, so the map and its table show each
    country's headline value (with its own age band), as every other page does."""
    options = choices(release, code)
    if view.sex == options.default_sex and view.age == options.default_age:
        return None, None
    return view.sex, view.age


def filtered(obs: pd.DataFrame, view: View) -> pd.DataFrame:
    """The one filtered query every tab reads: chosen sex and age band, rows with values."""
    return _series.valued(obs[(obs["sex"] == view.sex) & (obs["age"] == view.age)])


def default_areas(rows: pd.DataFrame, countries: pd.DataFrame, limit: int = 5) -> tuple[str, ...]:
    """Areas to chart when none is chosen: pathfinder countries with a series, then the countries with the longest
    series; the world and regions for an indicator without country data."""
    years = rows.groupby("iso3")["year"].nunique()
    years = years[years > 0]
    national = years[years.index.isin(countries.index)]
    if national.empty:
        return tuple(sorted(years.index, key=lambda a: (a != _data.WORLD, a))[:limit])
    pathfinder = countries["pathfinder"].reindex(national.index).fillna(False).astype(bool)
    rank = pd.DataFrame({"series": pathfinder & (national >= 2), "years": national, "pathfinder": pathfinder})
    rank = rank.sort_index().sort_values(["series", "years", "pathfinder"], ascending=False, kind="stable")
    return tuple(rank.index[:limit])


def headline_series(rows: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One series per area: the series of its headline value (the headline rule), else of the first source in
    the rule's order, latest first; only comparable points (same source, sex, age band, comparability)."""
    parts = []
    for _skip, part in rows.groupby("iso3", sort=False):
        pick = _series.preferred(part)
        if pick.empty:
            rank = part["source"].map({s: i for i, s in enumerate(order)}).fillna(len(order))
            pick = part.assign(_rank=rank).sort_values(["_rank", "year"], ascending=[True, False])
        parts.append(_series.comparable(part, pick.iloc[0]))
    return pd.concat(parts) if parts else _series.dated(rows)


def chart_view(release: Release, meta: dict, rows: pd.DataFrame, view: View) -> html.Figure:
    """Lines for the compared areas: each area's headline series, or (on request) one line per area and source
    (never joined across sources or comparability labels)."""
    names = _data.area_names(release)
    areas = view.areas or default_areas(rows, _data.countries(release))
    picked = rows[rows["iso3"].isin(areas)]
    if view.sources == EVERY_SOURCE:
        picked = _series.dated(picked)
    else:
        picked = headline_series(picked, _views.source_order(release, meta["code"]))
    several = picked.groupby("iso3")["source"].nunique().gt(1).any()
    label = picked["iso3"].map(names).fillna(picked["iso3"])
    if several:  # one line per area and source, named by the source's edition (e.g. "UN SDG database 2020")
        titles = {k: v["title"] for k, v in _data.source_records(release).items()}
        edition = picked["edition"].fillna("").astype(str)
        label = label + " · " + edition.where(edition != "", picked["source"].map(titles).fillna(picked["source"]))
    apart = picked["comparability"].fillna("")  # rounds the publisher calls not comparable: never one line
    label = label.where((apart == "") | (apart.groupby(picked["iso3"]).transform("nunique") < 2), label + " · " + apart)
    frame = picked.assign(series=label)
    unit = meta.get("unit") or ""
    title = _(
        "%(short_name)s (%(sex)s, %(band)s)",
        short_name=c.short_name(meta),
        sex=c.sex_word(view.sex, view.age),
        band=c.age_text({"age": view.age}),
    )
    marker = None if view.year == "latest" else int(view.year)
    figure = _figures.trend_figure(frame, title, c.unit_label(unit), marker, meta.get("decimals"))
    chosen = "" if view.areas else _("Showing a default selection: add countries to compare. ")
    if (picked["nature"] == "detected").any():  # lines side by side, never read as more or less trafficking
        chosen = _(
            "Counts of detected cases measure detection and reporting as much as the crime: a higher line does not "
            "mean more trafficking. "
        ) + ("" if view.areas else _("Showing a default selection: add countries to see their series. "))
    return _views.figure_block(
        "indicator-chart",
        frame,
        figure,
        unit,
        _data.source_records(release),
        summary=f"{chosen}{c.trend_summary(frame, unit, meta.get('decimals'))} {_(TABLE_TAB)}",
        table=False,
        page=page(release, meta["code"], view),
    )


def page(release: Release, code: str, view: View) -> str:
    """The indicator page's path and the query that shows `view`."""
    options = choices(release, code)
    return f"/indicator/{code}{view.search(options.default_sex, options.default_age, options.default_tab)}"


@_data.memo
def content(release: Release, code: str, view: View):
    """The active tab's content for one view (memoised per release: views repeat across visitors and links)."""
    meta = _data.indicator_meta(release, code)
    rows = filtered(_data.indicator_observations(release, code), view)
    if view.tab == "map":
        return map_view(release, code, view)
    if view.tab == "table":
        return table_view(release, meta, rows, view)
    if view.tab == "about":
        return about_view(release, meta)
    return chart_view(release, meta, rows, view)


def map_view(release: Release, code: str, view: View) -> html.Figure:
    """The world map of the view (its table alternative is the Table tab, over the same query)."""
    sex, age = headline_view(release, code, view)
    figure, summary, note = _views.map_block(
        release, code, view.year, "indicator-map", sex, age, page(release, code, view)
    )
    return c.chart("indicator-map", figure, f"{summary} {_(TABLE_TAB)}", note, None, is_map=True)


def table_view(release: Release, meta: dict, rows: pd.DataFrame, view: View) -> html.Div:
    """The rows behind the chart (compared areas, all years) or the map (every country, chosen year)."""
    names = _data.area_names(release)
    if view.areas or not choices(release, meta["code"]).countries:
        areas = view.areas or default_areas(rows, _data.countries(release))
        shown = rows[rows["iso3"].isin(areas)].sort_values(["iso3", "year"])
        caption = _("%(name)s: compared areas, all years", name=meta["name"])
    else:
        countries = set(_data.countries(release).index)
        sex, age = headline_view(release, meta["code"], view)
        every = _data.indicator_observations(release, meta["code"])
        shown = _series.cross_section(every, view.year, sex, age, countries, _views.source_order(release, meta["code"]))
        caption = _(
            "%(name)s: every country, %(value)s",
            name=meta["name"],
            value=_("latest available (each country's own year or period)") if view.year == "latest" else view.year,
        )
    unit, sources = meta.get("unit") or "", _data.source_records(release)
    shown = shown.assign(area=shown["iso3"].map(names).fillna(shown["iso3"]))
    shown = shown.iloc[labels.sort_key(shown["area"]).argsort(kind="stable")]  # by name in the reader's language
    shown = shown.assign(
        cited=[_cite.english(c.source_short(sources, r)) for _skip, r in shown.iterrows()],
        kind=[c.word(n) for n in shown["nature"]],
        note=[c.footnote(r) or "–" for _skip, r in shown.iterrows()],
        shown=[c.value_text(r, unit, meta.get("decimals")) for _skip, r in shown.iterrows()],
        when=[c.when(r) for _skip, r in shown.iterrows()],
        band=[c.age_text(r, meta.get("standard_age")) for _skip, r in shown.iterrows()],
        survey=[_cite.english(c.survey_text(r)) or "–" for _skip, r in shown.iterrows()],
        interval=[
            f"{c.number(lo, meta.get('decimals'), p)}–{c.number(hi, meta.get('decimals'), p)}"
            if pd.notna(lo) and pd.notna(hi)
            else "–"
            for lo, hi, p in zip(shown["lower"], shown["upper"], shown["precision"], strict=True)
        ],
    )
    columns = [
        ("area", _("Area")),
        ("when", _("Year or period")),
        ("shown", _("Value")),
        ("band", _("Age")),
        ("survey", _("Survey")),
        ("interval", _("Interval")),
        ("cited", _("Source")),
        ("kind", _("Nature")),
        ("note", _("Notes")),
    ]
    return html.Div(
        [
            c.table(shown, columns, caption, {"area": lambda r: f"/country/{r['iso3']}"}),
            c.source_note(shown, sources),
        ],
        id="indicator-table",
    )


def about_view(release: Release, meta: dict) -> html.Div:
    """Metadata and sources: definition, unit, caveats, target, each source with edition and licence."""
    sources = _data.sources(release)
    ids = [s.strip() for s in str(meta.get("sources") or "").split(",") if s.strip()]
    rows = sources.loc[[s for s in ids if s in sources.index]]
    target = _("none set")
    if pd.notna(meta.get("target_year")):
        target = _(
            "%(format_value)s by %(target_year)s",
            format_value=c.format_value(meta.get("target_value"), meta.get("unit")),
            target_year=int(meta["target_year"]),
        )
    facts = [
        (_("Code"), meta["code"]),
        (_("SDG indicator"), meta.get("sdg_indicator") or "–"),
        (_("Unit"), c.unit_label(meta.get("unit"))),
        (_("Nature"), c.nature_text(meta.get("nature"))),
        (_("Target"), target),
        (_("Definition"), meta.get("definition") or "–"),
        (_("Caveats"), meta.get("caveats") or "–"),
    ]
    listing = html.Dl([part for k, v in facts for part in (html.Dt(k), html.Dd(v))], className="about-list")
    table = c.table(
        rows.assign(
            redistributable=[
                _("yes") if redistributable(r) else _("no (shown with attribution)") for _skip, r in rows.iterrows()
            ],
            **{k: rows[k].map(_cite.english) for k in ("publisher", "title", "edition", "licence")},
        ),
        [
            ("publisher", _("Publisher")),
            ("title", _("Title")),
            ("edition", _("Edition")),
            ("licence", _("Licence")),
            ("redistributable", _("In downloads")),
        ],
        _("Sources of this indicator"),
        links={"title": lambda r: f"/sources/{r['id']}"},  # the full record, with how it was obtained
    )
    return html.Div(
        [
            listing,
            html.H3(_("Sources"), className="h6"),
            table,
            html.P(c.explainer_link(meta.get("explainer")), className="mt-2"),
        ],
        id="indicator-about",
    )
