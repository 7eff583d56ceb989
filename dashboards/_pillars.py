"""The three SDG 8.7 pillars of a country dashboard: latest values, trend, peers and breakdowns."""

from __future__ import annotations

from dataclasses import dataclass, field

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import _components as c
from dashboards import _data, _figures, _series
from warehouse import Release

#: (slug, title, explainer, indicator codes in order of preference).
PILLARS = (
    (
        "child-labour",
        "Child labour",
        "child-labour-definitions",
        ("child_labour_5_17", "child_labour_econ", "children_in_employment_7_14", "working_children_ilab"),
    ),
    (
        "forced-labour",
        "Forced labour and modern slavery",
        "forced-labour-and-modern-slavery",
        (
            "modern_slavery_prevalence_gsi2023",
            "modern_slavery_prevalence_gsi2018",
            "modern_slavery_number_gsi2023",
            "modern_slavery_number_gsi2018",
            "vulnerability_gsi2018",
        ),
    ),
    (
        "trafficking",
        "Human trafficking",
        "human-trafficking",
        (
            "trafficking_victims_detected",
            "detected_victims_16_2_2",
            "trafficking_victims_sexual_exploitation",
            "trafficking_victims_forced_labour",
            "trafficking_victims_other_forms",
            "trafficking_persons_prosecuted",
            "trafficking_persons_convicted",
        ),
    ),
)

#: Indicators of a pillar's theme that belong to other sections of the page.
NOT_PILLAR = {"government_response_gsi2018", "government_response_gsi2023"}


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

    def indicator(self, code: str) -> dict:
        return self.indicators.loc[code].to_dict() if code in self.indicators.index else {"code": code, "name": code}

    def source_order(self, code: str) -> list[str]:
        return [s.strip() for s in str(self.indicator(code).get("sources") or "").split(",") if s.strip()]

    def rows(self, code: str) -> pd.DataFrame:
        """The country's observations of one indicator (split once: the page asks for each many times)."""
        if not self._by_code:
            self._by_code.update(dict(tuple(self.obs.groupby("indicator", sort=False))))
        return self._by_code.get(code, self.obs.iloc[0:0])

    def headline(self, code: str) -> pd.Series | None:
        if code not in self._headlines:
            self._headlines[code] = _series.headline_row(self.rows(code), code, self.source_order(code))
        return self._headlines[code]


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


def pillar_codes(country: Country, slug: str, preferred: tuple[str, ...]) -> list[str]:
    """The pillar's indicators that this country has data for, preferred ones first, then others of its theme."""
    themed = country.indicators[country.indicators["theme"] == slug]["code"].tolist()
    present = set(_series.valued(country.obs)["indicator"])
    # the government response rating is a commitment, shown with the ratifications, not a prevalence
    return [code for code in dict.fromkeys([*preferred, *themed]) if code in present and code not in NOT_PILLAR]


def latest_table(country: Country, codes: list[str], slug: str) -> html.Div:
    """One row per indicator: latest value, year, breakdown, source, nature, explainer."""
    records = []
    for code in codes:
        row, meta = country.headline(code), country.indicator(code)
        records.append(
            {
                "indicator": meta.get("name") or code,
                "code": code,
                "value": c.format_value(row["value"], row["unit"], meta.get("decimals")),
                "year": int(row["year"]),
                "group": f"{row['sex']}, age {row['age']}",
                "source": c.source_short(country.sources, row),
                "nature": row["nature"],
                "explainer": meta.get("explainer") or "",
            }
        )
    frame = pd.DataFrame(records)
    links = {"indicator": lambda r: f"/indicator/{r['code']}"}
    columns = [
        ("indicator", "Indicator"),
        ("value", "Latest value"),
        ("year", "Year"),
        ("group", "Sex, age"),
        ("source", "Source"),
        ("nature", "Nature"),
    ]
    block = c.table(frame, columns, f"Latest values for {country.name}", links)
    slugs = [s for s in dict.fromkeys(frame["explainer"]) if s]
    learn_links = [c.explainer_link(s, c.explainer_title(s)) for s in slugs]
    learn = ["What do these indicators mean? "] + [
        x for i, link in enumerate(learn_links) for x in ((" · " if i else ""), link)
    ]
    return html.Div(
        [block, html.P(learn, className="mt-1 small") if slugs else None],
        id=f"country-{slug}-latest",
    )


def trend_block(country: Country, codes: list[str], slug: str):
    """A trend chart for the first indicator with a comparable series of at least two points, else a note."""
    for code in codes:
        frame = _series.trend_frame(country.rows(code), code)
        if frame.empty:
            continue
        meta = country.indicator(code)
        unit = meta.get("unit") or frame["unit"].iloc[0]
        title = f"{c.short_name(meta)}, {country.name}"
        table = c.table(
            frame[["series", "year", "value"]].assign(value=c.formatted(frame["value"], unit)),
            [("series", "Series"), ("year", "Year"), ("value", "Value")],
            title,
        )
        return c.chart(
            f"country-{slug}-trend",
            _figures.trend_figure(frame, title, c.unit_label(unit)),
            c.trend_summary(frame, unit, meta.get("decimals")),
            c.source_note(
                frame,
                country.sources,
                "Each line is one comparable series; different age bands or "
                "sources are drawn separately and never joined.",
            ),
            table,
        )
    return c.notice(
        "No trend can be drawn: there are fewer than two comparable points (same indicator, sex, age band and "
        "source) for this country."
    )


def comparison_block(country: Country, code: str, slug: str):
    """This country against its SDG region and income group: a published aggregate, else the peers' median."""
    row = country.headline(code)
    meta = country.indicator(code)
    all_obs = _data.indicator_observations(country.release, code)
    members = _data.countries(country.release)
    bars = [{"label": country.name, "value": row["value"], "highlight": True, "basis": f"{int(row['year'])}"}]
    used = [all_obs[(all_obs["iso3"] == country.iso3)].head(0)]
    for column in ("sdg_region", "income_group"):
        group = country.meta.get(column)
        if not group:
            continue
        group_name = country.names.get(group, group)
        aggregate = _series.aggregate_value(all_obs, group, row)
        if aggregate is not None:
            bars.append(
                {
                    "label": f"{group_name} (published aggregate)",
                    "value": aggregate["value"],
                    "highlight": False,
                    "basis": f"{int(aggregate['year'])}",
                }
            )
            used.append(aggregate.to_frame().T)
            continue
        peers = _series.peer_values(all_obs, members[members[column] == group]["iso3"].tolist(), row)
        peers = peers[peers["iso3"] != country.iso3]
        if len(peers) >= 2:
            bars.append(
                {
                    "label": f"{group_name}: median of {len(peers)} countries",
                    "value": peers["value"].median(),
                    "highlight": False,
                    "basis": c.year_span(peers["year"]),
                }
            )
            used.append(peers)
    if len(bars) == 1:
        return c.notice(f"No comparable values for {country.name}'s region or income group.")
    frame = pd.DataFrame(bars)
    unit = meta.get("unit") or row["unit"]
    title = f"{c.short_name(meta)}: {country.name} and peers"
    rows = pd.concat([row.to_frame().T, *used], ignore_index=True)
    table = c.table(
        frame.assign(value=c.formatted(frame["value"], unit, meta.get("decimals"))),
        [("label", "Area"), ("value", "Value"), ("basis", "Year(s)")],
        title,
    )
    return c.chart(
        f"country-{slug}-peers",
        _figures.bar_figure(frame, title, c.unit_label(unit)),
        c.ranking_summary(frame, unit, meta.get("decimals")),
        c.source_note(rows, country.sources, "Peers: same indicator, sex, age band and source."),
        table,
    )


def _split_frame(country: Country, row: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(rows used, chart frame with category/group/value, what it is split by) for one headline row."""
    split = _series.sex_breakdown(country.rows(row["indicator"]), row)
    if not split.empty:
        frame = pd.DataFrame({"category": split["year"].astype(str), "group": split["sex"].str.capitalize()})
        return split, frame.assign(value=split["value"].to_numpy()), "sex"
    split = _series.age_breakdown(country.rows(row["indicator"]), row)
    frame = pd.DataFrame({"category": "age " + split["age"].astype(str), "group": split["year"].astype(str)})
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
        title = f"{c.short_name(meta)} by {by}, {country.name}"
        shown = frame.assign(label=frame["group"] + " " + frame["category"])
        table = c.table(
            shown.assign(value=c.formatted(frame["value"], unit, meta.get("decimals"))),
            [
                ("category", "Year" if by == "sex" else "Age band"),
                ("group", "Sex" if by == "sex" else "Year"),
                ("value", "Value"),
            ],
            title,
        )
        return c.chart(
            f"country-{slug}-breakdown",
            _figures.grouped_bar_figure(frame, title, c.unit_label(unit)),
            c.ranking_summary(shown, unit, meta.get("decimals")),
            c.source_note(split, country.sources),
            table,
        )
    return None


def pillar_section(country: Country, pillar: tuple) -> html.Section:
    """One pillar: heading, latest values, trend, comparison with peers and breakdowns (what the data allow)."""
    slug, title, explainer, preferred = pillar
    codes = pillar_codes(country, slug, preferred)
    heading = html.Div(
        [html.H2(title, id=f"country-{slug}", className="h4 mb-0"), c.explainer_link(explainer)],
        className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
    )
    if not codes:
        body = [c.notice(f"No data on {title.lower()} for {country.name} in this release.")]
    else:
        blocks = [trend_block(country, codes, slug), comparison_block(country, codes[0], slug),
                  breakdown_block(country, codes, slug)]  # fmt: skip
        charts = dbc.Row([dbc.Col(block, lg=6) for block in blocks if block is not None], className="g-4")
        body = [latest_table(country, codes, slug), charts]
    return html.Section([heading, *body], className="pillar mb-5")
