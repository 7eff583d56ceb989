"""Pure rules for choosing what a dashboard shows: comparable series, headline rows, peers, breakdowns, gaps.

Comparable means same indicator, sex, age band and source (GSI editions are separate indicators already), so a
trend never joins points measured on different definitions: each such series is drawn as its own line.
"""

from __future__ import annotations

import pandas as pd

#: The columns that together identify one comparable series of an area.
SERIES_KEY = ["indicator", "sex", "age", "source"]
#: Preferred age band per indicator when several exist (the SDG definition first).
PREFERRED_AGE = {"child_labour_5_17": "5-17", "child_labour_econ": "5-17"}
#: Where several sources publish one indicator, the order a dashboard prefers them in, before recency. SOWC 2023
#: dates its child labour and birth registration values 2021, the end of its 2013-2021 reference period rather
#: than the survey year (see the indicators' caveats), so the sources that carry the survey year come first.
SOURCE_PREFERENCE = {
    "child_labour_5_17": ("sdg_menaro", "unsd_sdg_ddf", "unicef_sowc2023"),
    "birth_registration_u5": ("sdg_menaro", "unsd_sdg_ddf", "unicef_sowc2023"),
}

#: Sources whose year is the end of a reference period, not the year of measurement.
PERIOD_END_SOURCES = {"unicef_sowc2023"}


def _preference(code: str, sources: pd.Series) -> pd.Series:
    order = SOURCE_PREFERENCE.get(code, ())
    return sources.map({s: i for i, s in enumerate(order)}).fillna(len(order)).astype(int)


def valued(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows with a value."""
    return obs[obs["value"].notna()]


def headline_row(obs: pd.DataFrame, code: str, source_order: list[str] | None = None) -> pd.Series | None:
    """The row a card shows for one indicator: total sex, preferred age, then the latest year, longest series."""
    rows = valued(obs[obs["indicator"] == code])
    if rows.empty:
        return None
    totals = rows[rows["sex"] == "total"]
    rows = totals if not totals.empty else rows
    preferred = rows[rows["age"] == PREFERRED_AGE.get(code, "all ages")]
    rows = preferred if not preferred.empty else rows
    counts = rows.groupby(["age", "source"])["year"].transform("count")
    rank = rows["source"].map({s: i for i, s in enumerate(source_order or [])}).fillna(99)
    ordered = rows.assign(_p=_preference(code, rows["source"]), _n=counts, _rank=rank).sort_values(
        ["_p", "year", "_n", "_rank"], ascending=[True, False, False, True]
    )
    return ordered.iloc[0].drop(["_p", "_n", "_rank"])


def comparable(obs: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """All points of the series `row` belongs to (same indicator, sex, age, source), oldest first."""
    mask = pd.Series(True, index=obs.index)
    for column in SERIES_KEY:
        mask &= obs[column] == row[column]
    return valued(obs[mask]).sort_values("year")


def trend_frame(obs: pd.DataFrame, code: str, sex: str = "total", min_points: int = 2) -> pd.DataFrame:
    """Every series of `code` and `sex` with at least `min_points` points, labelled by age and source."""
    rows = valued(obs[(obs["indicator"] == code) & (obs["sex"] == sex)])
    if rows.empty:
        return rows.assign(series=pd.Series(dtype=str))
    sizes = rows.groupby(["age", "source"])["year"].transform("nunique")
    rows = rows[sizes >= min_points]
    several = rows.groupby(["age", "source"]).ngroups > 1
    label = "age " + rows["age"].astype(str)
    if several and rows["source"].nunique() > 1:
        label = label + " · " + rows["source"].astype(str)
    return rows.assign(series=label).sort_values(["series", "year"])


def sex_breakdown(obs: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """Female and male values for the same indicator, age, source and year as `row` (empty if not both)."""
    same = valued(
        obs[(obs["indicator"] == row["indicator"]) & (obs["age"] == row["age"]) & (obs["source"] == row["source"])]
    )
    same = same[same["sex"].isin(["female", "male"])]
    if same["sex"].nunique() < 2:
        return same.iloc[0:0]
    return same.sort_values(["year", "sex"])


def age_breakdown(obs: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """Values by age band for the same indicator, sex, source and year as `row` (empty if only one band)."""
    same = valued(
        obs[
            (obs["indicator"] == row["indicator"])
            & (obs["sex"] == row["sex"])
            & (obs["source"] == row["source"])
            & (obs["year"] == row["year"])
        ]
    )
    return same if same["age"].nunique() > 1 else same.iloc[0:0]


def peer_values(all_obs: pd.DataFrame, members: list[str], row: pd.Series, window: int = 5) -> pd.DataFrame:
    """Peers' comparable values (never the country itself): the same year when >= 3 peers have it, else each
    peer's latest value within +-window years."""
    rows = valued(all_obs[all_obs["iso3"].isin(members) & (all_obs["iso3"] != row.get("iso3"))])
    for column in SERIES_KEY:
        rows = rows[rows[column] == row[column]]
    same_year = rows[rows["year"] == row["year"]]
    if same_year["iso3"].nunique() >= 3:
        return same_year
    near = rows[(rows["year"] - int(row["year"])).abs() <= window]
    return near.sort_values("year").groupby("iso3").tail(1)


def aggregate_value(all_obs: pd.DataFrame, group: str, row: pd.Series) -> pd.Series | None:
    """A published aggregate for region `group` with the same indicator, sex, age and year, if any."""
    rows = valued(all_obs[(all_obs["iso3"] == group) & (all_obs["year"] == row["year"])])
    rows = rows[(rows["sex"] == row["sex"]) & (rows["age"] == row["age"])]
    return rows.iloc[0] if not rows.empty else None


def latest_year(obs: pd.DataFrame, codes: list[str]) -> int | None:
    """The latest year with a value for any of `codes`, not counting period-end years when other sources exist."""
    rows = valued(obs[obs["indicator"].isin(codes)])
    dated = rows[~rows["source"].isin(PERIOD_END_SOURCES)]
    rows = dated if not dated.empty else rows
    return int(rows["year"].max()) if not rows.empty else None


def years_since(latest_year: int | None, reference_year: int) -> int | None:
    return None if latest_year is None else int(reference_year) - int(latest_year)


def gap_sentence(what: str, latest_year: int | None, reference_year: int, where: str = "", stale_after: int = 4) -> str:
    """A plain statement of a data gap, e.g. "No child labour survey since 2012." """
    if latest_year is None:
        return f"No {what}{' for ' + where if where else ''} in this release."
    if years_since(latest_year, reference_year) > stale_after:
        return f"No {what} since {int(latest_year)}."
    return f"Latest {what}: {int(latest_year)}."


def labelled_series(
    obs: pd.DataFrame, codes: list[str], names: dict[str, str], source_names: dict | None = None, main_age: bool = True
):
    """Total-sex rows of several indicators, one series per indicator, age band and source, labelled by name.

    With `main_age`, only each indicator's main age band is kept (single points for sub-bands would clutter a
    headline trend; they stay in the indicator's own page).
    """
    rows = valued(obs[obs["indicator"].isin(codes) & (obs["sex"] == "total")])
    if rows.empty:
        return rows.assign(series=pd.Series(dtype=str))
    if main_age:
        main = {code: default_breakdown(part, code)[1] for code, part in rows.groupby("indicator")}
        rows = rows[rows["age"] == rows["indicator"].map(main)]
    label = rows["indicator"].map(lambda code: names.get(code, code))
    parts = rows.groupby("indicator")[["source", "age"]].nunique()
    many_sources = rows["indicator"].map(parts["source"]) > 1
    many_ages = rows["indicator"].map(parts["age"]) > 1
    label = label.where(~many_ages, label + " (age " + rows["age"].astype(str) + ")")
    source_text = rows["source"].map(lambda s: (source_names or {}).get(s, s))
    label = label.where(~many_sources, label + " · " + source_text)
    order = {code: i for i, code in enumerate(codes)}
    return (
        rows.assign(series=label, _o=rows["indicator"].map(order))
        .sort_values(["_o", "series", "year"])
        .drop(columns="_o")
    )


def default_breakdown(obs: pd.DataFrame, code: str) -> tuple[str, str]:
    """The sex and age band an indicator is shown with by default: total, then the preferred or commonest age."""
    rows = valued(obs)
    sexes = set(rows["sex"])
    sex = "total" if "total" in sexes or not sexes else sorted(sexes)[0]
    ages = rows[rows["sex"] == sex]["age"].value_counts()
    age = PREFERRED_AGE.get(code) if PREFERRED_AGE.get(code) in ages.index else (ages.index[0] if len(ages) else "")
    return sex, str(age)


def cross_section(obs: pd.DataFrame, year, sex: str, age: str, areas: set[str], source_order: list[str]):
    """One row per area for a year (or each area's latest when year is "latest"), one source per area."""
    rows = valued(obs[(obs["sex"] == sex) & (obs["age"] == age) & obs["iso3"].isin(areas)])
    if year not in (None, "", "latest"):
        rows = rows[rows["year"] == int(year)]
    code = str(rows["indicator"].iloc[0]) if not rows.empty else ""
    rank = rows["source"].map({s: i for i, s in enumerate(source_order)}).fillna(99)
    rows = rows.assign(_p=_preference(code, rows["source"]), _rank=rank)
    rows = rows.sort_values(["iso3", "_p", "year", "_rank"], ascending=[True, True, False, True])
    return rows.groupby("iso3").head(1).drop(columns=["_p", "_rank"]).reset_index(drop=True)
