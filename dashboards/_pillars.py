"""The three SDG 8.7 pillars of a country dashboard: latest values, trend, peers and breakdowns."""

from __future__ import annotations

from dataclasses import dataclass, field

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _data, _figures, _series, _survey_trend, _themes
from dashboards import _components as c
from warehouse import Release

#: The SDG indicators whose series in the latest-values table are estimates of one measure, said where they differ
#: for one year and age band (child labour: UNICEF, the UN SDG database and ILOSTAT). Not 16.2.2: its series
#: include single forms of exploitation beside the total.
SAME_MEASURE = {"8.7.1"}


@dataclass(frozen=True)
class Pillar:
    """A pillar section of the country page: a theme of content/themes.yaml marked `pillar: true`."""

    slug: str
    title: str
    explainer: str


def pillars() -> list[Pillar]:
    """The pillars in the order of the themes file (their indicators: `pillar` in indicators.yaml)."""
    return [Pillar(t.slug, t.title, (t.explainers or [""])[0]) for t in _themes.themes().values() if t.pillar]


def section_codes(indicators: pd.DataFrame, pillar: str = "", section: str = "") -> list[str]:
    """The indicators of one pillar or other page section, by rank (data/reference/indicators.yaml)."""
    if "pillar" not in indicators:
        return []
    column, wanted = ("pillar", pillar) if pillar else ("section", section)
    ranked = [
        (999 if pd.isna(rank) else rank, code)
        for code, value, rank in zip(indicators["code"], indicators[column], indicators["rank"], strict=True)
        if value == wanted
    ]
    return [code for _rank, code in sorted(ranked)]


@dataclass
class Country:
    """Everything a country dashboard reads, fetched once per page build."""

    release: Release
    iso3: str
    meta: dict
    obs: pd.DataFrame
    indicators: pd.DataFrame
    sources: dict
    names: dict
    reference_year: int
    _by_code: dict = field(default_factory=dict, repr=False)
    _headlines: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def page(self) -> str:
        return f"/country/{self.iso3}"

    def indicator(self, code: str) -> dict:
        return self.indicators.loc[code].to_dict() if code in self.indicators.index else {"code": code, "name": code}

    def rows(self, code: str) -> pd.DataFrame:
        """The country's observations of one indicator (split once: the page asks for each many times)."""
        if not self._by_code:
            self._by_code.update(dict(tuple(self.obs.groupby("indicator", sort=False))))
        return self._by_code.get(code, self.obs.iloc[0:0])

    def headline(self, code: str) -> pd.Series | None:
        """The indicator's headline row (the first preferred row, as `_series.headline_row` picks it)."""
        if not self._headlines:
            first = _series.preferred(self.obs).drop_duplicates("indicator")
            self._headlines.update({ind: first.iloc[i] for i, ind in enumerate(first["indicator"])})
            self._headlines[None] = None  # computed, even when the country has no headline at all
        return self._headlines.get(code)


def load(release: Release, iso3: str, meta: dict) -> Country:
    """Fetch (through the cache) what the country page needs."""
    return Country(
        release=release,
        iso3=iso3,
        meta=meta,
        obs=_data.country_observations(release, iso3),
        indicators=_data.indicators(release),
        sources=_data.source_records(release),
        names=_data.area_names(release),
        reference_year=_data.release_year(release),
    )


def pillar_codes(country: Country, slug: str) -> list[str]:
    """The pillar's indicators that this country has a headline value for, by rank."""
    return [code for code in section_codes(country.indicators, pillar=slug) if country.headline(code) is not None]


def headlines(country: Country, codes: list[str]) -> pd.DataFrame:
    """The indicators' headline rows, each with the source name to show (`named`, see source_names)."""
    heads = pd.DataFrame([country.headline(code) for code in codes])
    return heads.assign(named=_survey_trend.source_names(heads, country.sources))


def differences(country: Country, heads: pd.DataFrame) -> list:
    """A line for each year and band whose SDG 8.7.1 headline rows give different figures."""
    measure = heads["indicator"].map(lambda code: country.indicator(code).get("sdg_indicator")).isin(SAME_MEASURE)
    same = heads[measure & heads["year"].notna()].groupby(["year", "age", "sex", "unit"], sort=False)
    return [_survey_trend.different_figures(rows, country.release) for _key, rows in same if len(rows) > 1]


def latest_table(country: Country, codes: list[str], pillar: Pillar) -> html.Div:
    """One row per indicator: the headline value as published (qualifier, year or period, survey, age band,
    footnotes), source (its edition where two rows share the source's name), nature, explainer; under it, a line
    for each year and band whose rows give different figures. The caption names the pillar: screen readers list
    the tables by it."""
    heads = headlines(country, codes)
    records = []
    for _i, row in heads.iterrows():
        meta = country.indicator(row["indicator"])
        records.append(
            {
                "indicator": meta.get("name") or row["indicator"],
                "code": row["indicator"],
                "value": c.value_text(row, row["unit"], meta.get("decimals")),
                "year": c.when(row),
                "survey": _cite.english(c.survey_text(row)) or "–",
                "group": f"{c.sex_word(row['sex'], row['age'])}, {c.age_text(row, meta.get('standard_age'))}",
                "source": _cite.english(row["named"]),
                "nature": c.word(row["nature"]),
                "note": c.footnote(row) or "–",
                "explainer": meta.get("explainer") or "",
            }
        )
    frame = pd.DataFrame(records)
    links = {"indicator": lambda r: f"/indicator/{r['code']}"}
    columns = [
        ("indicator", _("Indicator")),
        ("value", _("Latest value")),
        ("year", _("Year or period")),
        ("survey", _("Survey")),
        ("group", _("Sex, age")),
        ("source", _("Source")),
        ("nature", _("Nature")),
        ("note", _("Notes")),
    ]
    caption = _("%(pillar)s: latest values for %(name)s", pillar=pillar.title, name=country.name)
    block = c.table(frame, columns, caption, links)
    slugs = [s for s in dict.fromkeys(frame["explainer"]) if s]
    learn_links = [c.explainer_link(s, c.explainer_title(s)) for s in slugs]
    learn = [_("What do these indicators mean? ")] + [
        x for i, link in enumerate(learn_links) for x in ((" · " if i else ""), link)
    ]
    return html.Div(
        [
            block,
            html.Div(differences(country, heads), id=f"country-{pillar.slug}-differs"),
            html.P(learn, className="mt-1 small") if slugs else None,
        ],
        id=f"country-{pillar.slug}-latest",
    )


def trend_block(country: Country, codes: list[str], slug: str):
    """A trend chart for the first indicator with a comparable series of at least two points, else a note."""
    for code in codes:
        rows = country.rows(code)
        names = {source: c.source_short(country.sources, {"source": source}) for source in rows["source"].unique()}
        frame = _series.trend_frame(rows, code, names=names)
        if frame.empty:
            continue
        meta = country.indicator(code)
        unit = meta.get("unit") or frame["unit"].iloc[0]
        title = f"{c.short_name(meta)}, {country.name}"
        table = c.table(
            frame[["series", "year", "value"]].assign(
                value=c.formatted(frame["value"], unit, meta.get("decimals"), frame["precision"])
            ),
            [("series", _("Series")), ("year", _("Year")), ("value", _("Value"))],
            title,
        )
        return c.chart(
            f"country-{slug}-trend",
            _figures.trend_figure(frame, title, c.unit_label(unit), None, meta.get("decimals")),
            c.trend_summary(frame, unit, meta.get("decimals")),
            c.source_note(
                frame,
                country.sources,
                _("Each line is one series; different age bands or sources are drawn separately and never joined."),
                country.page,
            ),
            table,
        )
    return c.notice(
        _(
            "No trend can be drawn: there are fewer than two points in one series (same indicator, sex, age band and source) for this country."
        )
    )


def comparison_block(country: Country, code: str, slug: str):
    """This country against its SDG region and income group: a published aggregate, else the peers' unweighted
    median (said so, with how many of the group's countries and which years). Counts of detected cases are not
    compared between countries: they measure detection as much as the phenomenon."""
    row, meta = country.headline(code), country.indicator(code)
    if row["nature"] == "detected":
        return c.notice(
            _(
                "Counts of detected cases are not compared with other countries: they measure detection and reporting as much as the crime, so a higher count does not mean more trafficking."
            )
        )
    all_obs = _data.indicator_observations(country.release, code)
    members = _data.countries(country.release)
    bars = [{"label": country.name, "value": row["value"], "highlight": True, "basis": c.when(row),
             "precision": row.get("precision"), "qualifier": row.get("qualifier")}]  # fmt: skip
    used = []
    for column in ("sdg_region", "income_group"):
        group = country.meta.get(column)
        if group:
            bar, rows = _group_bar(country, all_obs, members, column, group, row)
            if bar:
                bars.append(bar)
                used.append(rows)
    if len(bars) == 1:
        return c.notice(_("No comparable values for %(name)s's region or income group.", name=country.name))
    places = c.digits(meta.get("decimals"))
    frame = pd.DataFrame(bars)
    frame["value"] = [float(c.rounded(v, places)) for v in frame["value"]]  # a median as precise as its inputs
    unit = meta.get("unit") or row["unit"]
    title = _("%(short_name)s: %(name)s and peers", short_name=c.short_name(meta), name=country.name)
    rows = pd.concat([row.to_frame().T, *used], ignore_index=True)
    table = c.table(
        frame.assign(
            value=[
                c.value_text(row, unit, meta.get("decimals")),
                *c.formatted(frame["value"][1:], unit, meta.get("decimals")),
            ]
        ),
        [("label", _("Area")), ("value", _("Value")), ("basis", _("Year(s)"))],
        title,
    )
    return c.chart(
        f"country-{slug}-peers",
        _figures.bar_figure(frame, title, c.unit_label(unit), meta.get("decimals")),
        c.ranking_summary(frame, unit, meta.get("decimals"), nature=row["nature"]),
        c.source_note(rows, country.sources, _("Peers: same indicator, sex, age band and source."), country.page),
        table,
    )


def _group_bar(country: Country, all_obs, members, column: str, group: str, row) -> tuple[dict | None, object]:
    """(bar, rows used) for one group: its published aggregate, else the unweighted median of >= 2 peers."""
    name = country.names.get(group, group)
    aggregate = _series.aggregate_value(all_obs, group, row)
    if aggregate is not None:
        bar = {"label": _('%(name)s (published aggregate)', name=name), "value": aggregate["value"], "highlight": False,
               "basis": c.when(aggregate)}  # fmt: skip
        return bar, aggregate.to_frame().T
    group_members = members[members[column] == group]["iso3"].tolist()
    peers = _series.peer_values(all_obs, group_members, row)
    peers = peers[peers["iso3"] != country.iso3]
    if len(peers) < 2:
        return None, None
    others = len([m for m in group_members if m != country.iso3])
    label = _(
        "%(name)s: unweighted median of %(count)s of %(others)s countries", name=name, count=len(peers), others=others
    )
    return {"label": label, "value": peers["value"].median(), "highlight": False,
            "basis": c.year_span(peers["year"]) if peers["year"].notna().all() else c.when(peers.iloc[0])}, peers  # fmt: skip


def _split_frame(country: Country, row: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(rows used, chart frame with category/group/value, what it is split by) for one headline row."""
    split = _series.sex_breakdown(country.rows(row["indicator"]), row)
    times = [c.when(r) for _skip, r in split.iterrows()]
    if not split.empty:
        frame = pd.DataFrame(
            {"category": times, "group": [c.sex_word(s, row["age"]).capitalize() for s in split["sex"]]}
        )
        return split, frame.assign(value=split["value"].to_numpy()), "sex"
    split = _series.age_breakdown(country.rows(row["indicator"]), row)
    times = [c.when(r) for _skip, r in split.iterrows()]
    frame = pd.DataFrame({"category": [c.band(age) for age in split["age"]], "group": times})
    return split, frame.assign(value=split["value"].to_numpy()), "age"


def breakdown_block(country: Country, codes: list[str], slug: str):
    """Female/male (or age-band) values of the first indicator that has them; None when none has."""
    for code in codes:
        row = country.headline(code)
        split, frame, by = _split_frame(country, row)
        if split.empty:
            continue
        meta = country.indicator(code)
        unit = meta.get("unit") or row["unit"]
        by_word = _("sex") if by == "sex" else _("age")
        title = _("%(short_name)s by %(by)s, %(name)s", short_name=c.short_name(meta), by=by_word, name=country.name)
        shown = frame.assign(label=frame["group"] + " " + frame["category"])
        table = c.table(
            shown.assign(value=c.formatted(frame["value"], unit, meta.get("decimals"), split["precision"])),
            [
                ("category", _("Year or period") if by == "sex" else _("Age band")),
                ("group", _("Sex") if by == "sex" else _("Year or period")),
                ("value", _("Value")),
            ],
            title,
        )
        return c.chart(
            f"country-{slug}-breakdown",
            _figures.grouped_bar_figure(frame, title, c.unit_label(unit), meta.get("decimals")),
            c.ranking_summary(shown, unit, meta.get("decimals"), nature=row["nature"]),
            c.source_note(split, country.sources, page=country.page),
            table,
        )
    return None


def pillar_section(country: Country, pillar: Pillar) -> html.Section:
    """One pillar: heading, latest values, trend, comparison with peers and breakdowns (what the data allow)."""
    codes = pillar_codes(country, pillar.slug)
    heading = html.Div(
        [html.H2(pillar.title, id=f"country-{pillar.slug}", className="h4 mb-0"), c.explainer_link(pillar.explainer)],
        className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
    )
    if not codes:
        body = [
            c.notice(
                _("No data on %(lower)s for %(name)s in this release.", lower=pillar.title.lower(), name=country.name)
            )
        ]
    else:
        blocks = [trend_block(country, codes, pillar.slug), comparison_block(country, codes[0], pillar.slug),
                  breakdown_block(country, codes, pillar.slug)]  # fmt: skip
        if pillar.slug == "child-labour":  # the survey series with ratification markers (issue 13)
            head = country.headline(codes[0])  # the card's row, which the survey chart's note compares with
            blocks.insert(1, _survey_trend.survey_block(country.release, country.iso3, country.name, country.obs, head))
        charts = dbc.Row([dbc.Col(block, lg=6) for block in blocks if block is not None], className="g-4")
        body = [latest_table(country, codes, pillar), charts]
    return html.Section([heading, *body], className="pillar mb-5")
