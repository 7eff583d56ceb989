"""Pure rules for choosing what a dashboard shows: comparable series, headline rows, peers, breakdowns, gaps.

Comparable means same indicator, sex, age band, source and comparability label (GSI editions are separate
indicators already; editions a publisher calls not comparable carry different labels), so a trend never joins
points measured on different definitions: each such series is drawn as its own line. A value known only by its
period has no year and no place on a time line. The headline of an indicator and area is the row the ETL
marked `preferred` by the rule of data/reference/headline.yaml: pages never choose one themselves.
"""

from __future__ import annotations

import re

import pandas as pd
from babel import lists
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _cite, _phrases, _published, _words
from web import i18n

#: The columns that together identify one comparable series of an area.
SERIES_KEY = ["indicator", "sex", "age", "source", "comparability"]
#: Preferred age band per indicator when several exist (the SDG definition first).
PREFERRED_AGE = {"child_labour_5_17": "5-17", "child_labour_econ": "5-17"}


def valued(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows with a value."""
    return obs[obs["value"].notna()]


def dated(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows with a value and a reference year (rows known only by a period are left out)."""
    return obs[obs["value"].notna() & obs["year"].notna()]


def preferred(obs: pd.DataFrame) -> pd.DataFrame:
    """The headline rows (one per indicator and area, marked by the ETL)."""
    if "preferred" not in obs:
        return obs.iloc[0:0]
    return valued(obs[obs["preferred"].fillna(False).astype(bool)])


def headline_row(obs: pd.DataFrame, code: str, source_order: list[str] | None = None) -> pd.Series | None:
    """The row every card, map, progress block and brief shows for one indicator: the preferred one."""
    rows = preferred(obs[obs["indicator"] == code])
    return rows.iloc[0] if not rows.empty else None


def _key(obs: pd.DataFrame) -> list[str]:
    return [k for k in SERIES_KEY if k in obs.columns]


def comparable(obs: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """All points of the series `row` belongs to (same indicator, sex, age, source), oldest first."""
    mask = pd.Series(True, index=obs.index)
    for column in _key(obs):
        mask &= obs[column].fillna("") == ("" if pd.isna(row[column]) else row[column])
    return dated(obs[mask]).sort_values("year")


def trend_frame(obs: pd.DataFrame, code: str, sex: str = "total", min_points: int = 2, names=None) -> pd.DataFrame:
    """Every series of `code` and `sex` with at least `min_points` points, labelled by age and source (`names`:
    source id → display name)."""
    rows = dated(obs[(obs["indicator"] == code) & (obs["sex"] == sex)])
    if rows.empty:
        return rows.assign(series=pd.Series(dtype=str))
    if "comparability" not in rows:
        rows = rows.assign(comparability="")
    rows = rows.assign(comparability=rows["comparability"].fillna(""))
    groups = ["age", "source", "comparability"]
    rows = without_copies(rows[rows.groupby(groups)["year"].transform("nunique") >= min_points], groups)
    several = rows.groupby(groups).ngroups > 1
    label = rows["age"].map(_words.band)
    if several and rows["source"].nunique() > 1:
        label = label + " · " + rows["source"].map(lambda source: (names or {}).get(source, source))
    if rows["comparability"].nunique() > 1:
        label = label + " · " + rows["comparability"]
    return rows.assign(series=label).sort_values(["series", "year"])


def without_copies(rows: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """The rows less every series that repeats, year for year, the figures of the headline row's series: a
    republication (OWID's copy of a WDI series) is drawn once, under the source headline.yaml ranks first."""
    head = preferred(rows)
    if head.empty:
        return rows
    key = tuple(head.iloc[0][groups])
    points = {k: dict(zip(g["year"], g["value"], strict=True)) for k, g in rows.groupby(groups, sort=False)}
    original = points[key]

    def copy(k: tuple) -> bool:
        found = points[k]
        return k != key and k[::2] == key[::2] and found.keys() == original.keys() and all(
            abs(v - original[y]) <= 1e-4 * max(1.0, abs(v)) for y, v in found.items())  # fmt: skip

    return rows[[not copy(tuple(k)) for k in rows[groups].itertuples(index=False)]]


def sex_breakdown(obs: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """Female and male values for the same indicator, age, source and year as `row` (empty if not both)."""
    same = same_time(
        valued(
            obs[(obs["indicator"] == row["indicator"]) & (obs["age"] == row["age"]) & (obs["source"] == row["source"])]
        ),
        row,
        every_year=True,
    )
    same = same[same["sex"].isin(["female", "male"])]
    if same["sex"].nunique() < 2:
        return same.iloc[0:0]
    return same.sort_values(["year", "sex"])


def age_breakdown(obs: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """Values by age band for the same indicator, sex, source and year as `row` (empty if only one band)."""
    same = same_time(
        valued(
            obs[(obs["indicator"] == row["indicator"]) & (obs["sex"] == row["sex"]) & (obs["source"] == row["source"])]
        ),
        row,
    )
    return same if same["age"].nunique() > 1 else same.iloc[0:0]


def same_time(rows: pd.DataFrame, row: pd.Series, every_year: bool = False) -> pd.DataFrame:
    """The rows dated like `row`: its year (or, with `every_year`, any year), or the same period when it has none."""
    if pd.isna(row.get("year")):
        return rows[rows["year"].isna() & (rows["period"].fillna("") == (row.get("period") or ""))]
    return rows[rows["year"].notna()] if every_year else rows[rows["year"] == row["year"]]


def peer_values(all_obs: pd.DataFrame, members: list[str], row: pd.Series, window: int = 5) -> pd.DataFrame:
    """Peers' comparable values (never the country itself): the same year when >= 3 peers have it, else each
    peer's latest value within +-window years."""
    rows = valued(all_obs[all_obs["iso3"].isin(members) & (all_obs["iso3"] != row.get("iso3"))])
    for column in ("indicator", "sex", "age", "source"):
        rows = rows[rows[column] == row[column]]
    same_year = same_time(rows, row)
    if same_year["iso3"].nunique() >= 3 or pd.isna(row.get("year")):
        return same_year
    near = rows[(rows["year"] - int(row["year"])).abs() <= window]
    return near.sort_values("year").groupby("iso3").tail(1)


def aggregate_value(all_obs: pd.DataFrame, group: str, row: pd.Series) -> pd.Series | None:
    """A published aggregate for region `group` with the same indicator, sex, age and year, if any."""
    rows = same_time(valued(all_obs[all_obs["iso3"] == group]), row)
    rows = rows[(rows["sex"] == row["sex"]) & (rows["age"] == row["age"])]
    return rows.iloc[0] if not rows.empty else None


def latest_year(row: pd.Series | None) -> int | None:
    """The reference year of a headline row (None when it has none, or no row)."""
    if row is None or pd.isna(row.get("year")):
        return None
    return int(row["year"])


def years_since(latest_year: int | None, reference_year: int) -> int | None:
    return None if latest_year is None else int(reference_year) - int(latest_year)


def gap_sentence(what: str, row: pd.Series | None, reference_year: int, where: str = "", later=None) -> str | list:
    """A plain statement of a data gap from a headline row, e.g. "No child labour survey data since 2012 (MICS
    2012)." (on a page in another language, parts with the survey's name marked English).
    `later`: the dated rows of the same indicator in one year newer than the headline (other age bands), said
    as such with every band they cover, per series (`series` column)."""
    if row is None:
        return _(
            "No %(what)s%(value)s in this release.", what=what, value=_(" for %(where)s", where=where) if where else ""
        )
    survey = _phrases.first_survey(row.get("survey"))
    named, year = " ({})" if survey else "", latest_year(row)
    clause = _later_clause(later) if later is not None and not later.empty else ""
    if year is None:
        period = _phrases.localized(str(row.get("period") or _("period not stated"))).replace("-", "–")
        said = _("Latest %(what)s: no survey year is published; the value refers to: %(period)s", what=what, period=period)  # fmt: skip
        return said + clause + "."
    text = (
        _("No %(what)s since %(year)s%(named)s", what=what, year=year, named=named)
        if years_since(year, reference_year) > 4
        else _("Latest %(what)s: %(year)s%(named)s", what=what, year=year, named=named)
    ) + clause
    return joined(_published.around(text + ".", _cite.english(survey)) if survey else [text + "."])


def _later_clause(later: pd.DataFrame) -> str:
    """The clause on later values ("; later values (2023) cover only ages 12–14 and 15–17 in Child labour (ILOSTAT)"),
    its bands named per series (their `series` column), the name a reader finds under the survey chart: series of
    different definitions are not one."""
    year, listed = int(later["year"].max()), lambda items: lists.format_list(list(items), locale=i18n.locale())
    groups: dict[tuple, list] = {}  # the series with the same bands, by those bands
    for name, part in later.groupby("series", sort=False):
        ages = sorted(set(part["age"].astype(str)), key=_band_start)
        groups.setdefault(tuple(age.replace("-", "–") for age in ages), []).append(str(name))
    parts = [_("ages %(bands)s in %(series)s", bands=listed(b), series=listed(n)) for b, n in groups.items()]
    return ngettext(
        "; a later value (%(year)s) covers only %(parts)s",
        "; later values (%(year)s) cover only %(parts)s",
        sum(len(b) * len(n) for b, n in groups.items()),
        year=year,
        parts=listed(parts),
    )


def joined(parts: list) -> str | list:
    """Parts of a text as one string, unless some are components (words marked English on a page in another
    language)."""
    parts = [part for part in parts if part != ""]
    return "".join(parts) if all(isinstance(part, str) for part in parts) else parts


def _band_start(age: str) -> tuple[int, str]:
    """An age band's sort key: its first age, so that "5-11" comes before "12-14"."""
    digits = re.match(r"\d+", age)
    return (int(digits.group()) if digits else 999, age)


def known_until(row: pd.Series | None):
    """The year a row's value is dated by: its reference year, else the end of its period (an ILAB report year:
    its survey came before); None when neither is known."""
    year = None if row is None else row.get("year") if pd.notna(row.get("year")) else row.get("year_end")
    return None if year is None or pd.isna(year) else year


def later_rows(obs: pd.DataFrame, row: pd.Series | None) -> pd.DataFrame | None:
    """The dated rows of the headline's indicator and sex in the newest year after the headline's (other bands)."""
    if (after := known_until(row)) is None:
        return None
    rows = dated(obs[(obs["indicator"] == row["indicator"]) & (obs["sex"] == row["sex"])])
    rows = rows[rows["year"] > after]
    return rows[rows["year"] == rows["year"].max()] if not rows.empty else None


def labelled_series(
    obs: pd.DataFrame, codes: list[str], names: dict[str, str], source_names: dict | None = None, main_age: bool = True
):
    """Total-sex rows of several indicators, one series per indicator, age band and source, labelled by name.

    With `main_age`, only each indicator's main age band is kept (single points for sub-bands would clutter a
    headline trend; they stay in the indicator's own page).
    """
    rows = dated(obs[obs["indicator"].isin(codes) & (obs["sex"] == "total")])
    if rows.empty:
        return rows.assign(series=pd.Series(dtype=str))
    if main_age:
        main = {code: default_breakdown(part, code)[1] for code, part in rows.groupby("indicator")}
        rows = rows[rows["age"] == rows["indicator"].map(main)]
    label = rows["indicator"].map(lambda code: names.get(code, code))
    parts = rows.groupby("indicator")[["source", "age"]].nunique()
    many_sources = rows["indicator"].map(parts["source"]) > 1
    many_ages = rows["indicator"].map(parts["age"]) > 1
    label = label.where(~many_ages, label + _(" (age ") + rows["age"].astype(str) + ")")
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


def cross_section(obs: pd.DataFrame, year, sex: str | None, age: str | None, areas: set[str], source_order: list[str]):
    """One row per area: the headline rows (latest year, default breakdown: sex and age None), else for a chosen
    year, sex and age the row of the first source in `source_order` (the headline rule's order), latest first."""
    latest = year in (None, "", "latest")
    if latest and sex is None and age is None:
        return preferred(obs[obs["iso3"].isin(areas)]).sort_values("iso3").reset_index(drop=True)
    rows = valued(obs[obs["iso3"].isin(areas)])
    rows = rows[(rows["sex"] == sex) if sex else rows["sex"] == "total"]
    rows = rows[rows["age"] == age] if age else rows
    if not latest:
        rows = rows[rows["year"] == int(year)]
    rank = rows["source"].map({s: i for i, s in enumerate(source_order)}).fillna(len(source_order))
    when = rows["year"].fillna(rows["year_end"] if "year_end" in rows else pd.NA).fillna(0)
    rows = rows.assign(_rank=rank, _when=when).sort_values(["iso3", "_rank", "_when"], ascending=[True, True, False])
    return rows.groupby("iso3").head(1).drop(columns=["_rank", "_when"]).reset_index(drop=True)
