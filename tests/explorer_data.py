"""A SYNTHETIC release for the API, download and explorer tests, published through the real publish step.

Every value is generated here and labelled synthetic (source ids, publisher names, notes). It has what the
tests need to bite: three indicators, countries in two regions and three income groups, aggregates, sexes,
two age bands, nulls, bounds, censored rows, awkward text (commas, quotes, unicode, a leading "="), and one
source whose licence forbids redistribution.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from tests import factories as f
from warehouse.schema import DOWNLOAD, OBSERVATION_KEY, OBSERVATIONS

OPEN = "synthetic_open"
RESTRICTED = "synthetic_restricted"
RESTRICTED_URL = "http://127.0.0.1/restricted-publisher"
INDICATORS = ("syn_rate", "syn_count", "syn_restricted")
COUNTRIES = {
    "AAA": ("Aland Synthetica", "SDG_SSA", "WB_LIC"),
    "BBB": ("Bora Synthetica", "SDG_SSA", "WB_LMC"),
    "CCC": ("Côte Synthétique", "SDG_LAC", "WB_UMC"),
}
REGIONS = {
    "WLD": ("World", "world"),
    "SDG_SSA": ("Sub-Saharan Africa (synthetic)", "sdg"),
    "SDG_LAC": ("Latin America and the Caribbean (synthetic)", "sdg"),
    "WB_LIC": ("Low income (synthetic)", "income"),
    "WB_LMC": ("Lower middle income (synthetic)", "income"),
    "WB_UMC": ("Upper middle income (synthetic)", "income"),
    "ILO_AMS": ("Americas (synthetic ILO)", "ilo"),  # its members are listed by the restricted source only
}
NOTES = (
    "synthetic test value",
    'synthetic, with "quotes", commas',
    "=1+1 synthetic formula-looking note",
    "synthétique ünïcode",
)


def _rows(years: range, scale: float) -> list[dict]:
    rows = []
    for i, indicator in enumerate(INDICATORS):
        for j, area in enumerate([*COUNTRIES, "WLD", "SDG_SSA"]):
            for year in years:
                for k, sex in enumerate(("total", "female", "male")):
                    for age in ("5-17", "5-11") if indicator == "syn_rate" else ("all ages",):
                        n = len(rows)
                        value = None if n % 17 == 5 else round(scale * (1 + i) * (3 + j + k) + (year - 2000) * 0.25, 3)
                        rows.append(
                            {
                                "indicator": indicator,
                                "iso3": area,
                                "year": year,
                                "sex": sex,
                                "age": age,
                                "value": value,
                                "lower": None if value is None else value - 1,
                                "upper": None if value is None else value + 1,
                                "unit": "percent" if indicator != "syn_count" else "count",
                                "nature": ("measured", "estimated", "modelled", "detected")[(n + j) % 4],
                                "censored": n % 23 == 0,
                                "source": RESTRICTED if indicator == "syn_restricted" else OPEN,
                                "note": NOTES[n % len(NOTES)],
                            }
                        )
    return rows


def sample_release(root: Path, years: range = range(2000, 2021), scale: float = 1.0) -> str:
    """Publish the synthetic release into `root` (a warehouse folder); returns its id."""
    countries = [
        f.country(iso3, name, sdg_region=sdg, income_group=income, m49=100 + n)
        for n, (iso3, (name, sdg, income)) in enumerate(COUNTRIES.items())
    ]
    countries[2]["ilo_region"] = "ILO_AMS"
    regions = [{"code": c, "name": name, "grouping": g, "members": 0} for c, (name, g) in REGIONS.items()]
    groups = ("sdg_region", "ilo_region", "income_group", "m49_region", "m49_subregion")
    region_members = [
        {"code": row[g], "iso3": row["iso3"], "source": RESTRICTED if g == "ilo_region" else OPEN}
        for row in countries
        for g in groups
        if row.get(g)
    ]
    restricted = {
        **f.source(RESTRICTED, redistribution=False),
        "publisher": "Restricted Publisher (synthetic)",
        "title": "Synthetic restricted index",
        "url": RESTRICTED_URL,
        "licence": "synthetic: no redistribution",
    }
    sources = [
        {**f.source(OPEN), "title": "Synthetic open data", "citation": "Synthetic open data (test)."},
        restricted,
    ]
    indicators = [f.indicator(code, unit="count" if code == "syn_count" else "percent") for code in INDICATORS]
    obs = f.observations(_rows(years, scale))
    tables = {"countries": countries, "regions": regions, "region_members": region_members, "sources": sources}
    return f.make_release(root, obs, **tables, indicators=indicators)


# -- comparisons shared by test_api, test_downloads and test_explorer ---------------------------------
def expected(root, release_id: str, where: str) -> pd.DataFrame:
    """The rows a direct DuckDB query on the release's Parquet returns (licence applied by hand).

    `where` may read the release's region_members table as read_parquet($members) (for the `group` filter).
    """
    folder = root / "releases" / release_id
    sql = "SELECT * FROM read_parquet($obs) WHERE (" + where + ") AND source IN "  # noqa: S608 - test-side SQL
    sql += "(SELECT id FROM read_parquet($src) WHERE redistribution)"
    params = {"obs": str(folder / "observations.parquet"), "src": str(folder / "sources.parquet")}
    if "$members" in where:
        params["members"] = str(folder / "region_members.parquet")
    return normalise(duckdb.connect().execute(sql, params).df())


def members(*groups: str) -> str:
    """SQL for "iso3 of a country the release lists in one of `groups`" (what the `group` filter keeps)."""
    codes = ", ".join(f"'{g}'" for g in groups)
    return f"iso3 IN (SELECT iso3 FROM read_parquet($members) WHERE code IN ({codes}))"  # noqa: S608 - test-side SQL


def normalise(frame: pd.DataFrame) -> list[tuple]:
    """Rows as sorted tuples of plain Python values (NaN -> None), so formats compare by value."""
    frame = frame[OBSERVATIONS.names].astype(object)
    frame = frame.where(frame.notna(), None)
    rows = [tuple(v.item() if hasattr(v, "item") else v for v in row) for row in frame.itertuples(index=False)]
    key = [OBSERVATIONS.names.index(k) for k in OBSERVATION_KEY]
    return sorted(rows, key=lambda r: tuple(str(r[i]) for i in key))


def read_csv(body: bytes) -> pd.DataFrame:
    """A downloaded CSV with the warehouse's column types (empty text cells of nullable columns as None)."""
    kinds = {pa.int32(): "Int32", pa.float64(): "float64", pa.bool_(): "boolean"}
    types = {f.name: kinds.get(f.type, "str") for f in DOWNLOAD}
    numbers = [f.name for f in DOWNLOAD if f.type in kinds]
    frame = pd.read_csv(io.BytesIO(body), dtype=types, keep_default_na=False, na_values=dict.fromkeys(numbers, [""]))
    for column in ("edition", "note", "unit", "age", "source_file", "period", "qualifier", "survey", "comparability"):
        frame[column] = frame[column].replace("", None)
    return frame
