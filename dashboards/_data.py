"""Cached data access for the dashboards: every read goes through the warehouse layer, memoised per release.

Each cached function takes the request's `Release` first (see web.cache.by_release), so a new release is
picked up on the next request without a restart or a cache flush. Outside a Flask app context (unit tests,
benchmarks) the functions run uncached. Callers treat the results as read-only.
"""

from __future__ import annotations

import pandas as pd

from dataproduct import labels as _localized
from warehouse import ObservationFilter, Release, get_warehouse
from web import i18n
from web.cache import by_release as memo
from web.release import request_release

#: Region codes whose figures are global or regional aggregates rather than countries.
WORLD = "WLD"
#: How a missing age band reads (the source did not state one).
NO_AGE = "not stated"


def release() -> Release:
    """The release this request reads (raises warehouse.ReleaseError when there is none)."""
    return request_release()


def release_year(release: Release) -> int:
    """The calendar year the release was built: the reference point for "years since" statements."""
    created = release.created
    return int(created[:4]) if created[:4].isdigit() else pd.Timestamp.now().year


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Observations with an unstated age band or sex spelled out, so filters and labels can compare them."""
    if frame.empty:
        return frame
    return frame.assign(age=frame["age"].fillna(NO_AGE), sex=frame["sex"].fillna("total"))


@memo
def indicators(release: Release) -> pd.DataFrame:
    """The indicators table indexed by code."""
    table = _localized.indicators(get_warehouse().indicators(release), i18n.lang())
    return table.set_index("code", drop=False)


@memo
def countries(release: Release) -> pd.DataFrame:
    """The countries table indexed by ISO3, sorted by name."""
    table = _localized.areas(get_warehouse().countries(release), i18n.lang(), "iso3", "iso2")
    key = None if i18n.lang() == i18n.DEFAULT else _localized.sort_key
    return table.sort_values("name", key=key).set_index("iso3", drop=False)


@memo
def regions(release: Release) -> pd.DataFrame:
    """The regions table indexed by code."""
    return _localized.areas(get_warehouse().regions(release), i18n.lang(), "code").set_index("code", drop=False)


@memo
def sources(release: Release) -> pd.DataFrame:
    """The sources table indexed by id."""
    return get_warehouse().sources(release).set_index("id", drop=False)


@memo
def source_records(release: Release) -> dict[str, dict]:
    """The sources table as {id: row} (fast lookups when citing sources under charts and in tables)."""
    return sources(release).to_dict("index")


@memo
def area_names(release: Release) -> dict[str, str]:
    """Display names of every country and region code."""
    names = dict(zip(regions(release)["code"], regions(release)["name"], strict=True))
    names.update(zip(countries(release)["iso3"], countries(release)["name"], strict=True))
    return names


@memo
def country_observations(release: Release, iso3: str) -> pd.DataFrame:
    """Every observation of one country (or region code)."""
    return tidy(get_warehouse().observations(release, ObservationFilter(areas=(iso3,))))


@memo
def indicator_observations(release: Release, code: str) -> pd.DataFrame:
    """Every observation of one indicator, all areas."""
    return tidy(get_warehouse().observations(release, ObservationFilter(indicators=(code,))))


@memo
def area_observations(release: Release, areas: tuple[str, ...], codes: tuple[str, ...]) -> pd.DataFrame:
    """Observations of some indicators for some areas (headline global and regional estimates)."""
    where = ObservationFilter(indicators=codes, areas=areas)
    return tidy(get_warehouse().observations(release, where))


@memo
def aggregate_observations(release: Release, codes: tuple[str, ...]) -> pd.DataFrame:
    """Observations of some indicators for every region code (not countries)."""
    frame = tidy(get_warehouse().observations(release, ObservationFilter(indicators=codes)))
    return frame[frame["iso3"].isin(set(regions(release)["code"]))].reset_index(drop=True)


@memo
def commitments(release: Release, iso3: str) -> pd.DataFrame:
    """The commitments (ratification) rows of one country."""
    return get_warehouse().commitments(release, iso3)


@memo
def progress(release: Release, iso3: str) -> pd.DataFrame:
    """Progress-table rows of one area (empty when the progress engine has not run)."""
    if "progress" not in release.manifest.get("tables", {}):  # an older release: the page says so
        return pd.DataFrame()
    return get_warehouse().progress(release, iso3=iso3)


@memo
def indicator_areas(release: Release) -> pd.DataFrame:
    """For each indicator and area: number of observations, first and latest year."""
    return get_warehouse().observation_counts(release)


def indicator_meta(release: Release, code: str) -> dict | None:
    """One indicator's metadata row as a dict, or None."""
    table = indicators(release)
    return table.loc[code].to_dict() if code in table.index else None


def country_meta(release: Release, iso3: str) -> dict | None:
    """One country's row as a dict, or None."""
    table = countries(release)
    return table.loc[iso3].to_dict() if iso3 in table.index else None


@memo
def indicator_coverage(release: Release) -> pd.DataFrame:
    """Per indicator: countries with data, first and latest year (computed from the observations)."""
    counts = indicator_areas(release)
    is_country = counts["iso3"].isin(set(countries(release).index))
    frame = (
        counts.assign(country=is_country)
        .groupby("indicator")
        .agg(countries=("country", "sum"), first_year=("first_year", "min"), last_year=("last_year", "max"))
    )
    return frame.astype({"countries": int})
