"""Cached data access for the dashboards: every read goes through the warehouse layer, memoised per release.

Each cached function takes the release id first (see web.cache.by_release), so a new release is picked up on
the next request without a restart or a cache flush. Outside a Flask app context (unit tests, benchmarks) the
functions run uncached.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

import flask
import pandas as pd

from warehouse import ObservationFilter, get_warehouse
from web.cache import by_release

#: Region codes whose figures are global or regional aggregates rather than countries.
WORLD = "WLD"
#: How a missing age band reads (the source did not state one).
NO_AGE = "not stated"


#: Recent results kept in this process in front of the shared cache, so a hit costs no unpickling. Keys hold the
#: release id, so a new release never hits an old entry; callers treat results as read-only.
LOCAL_ENTRIES = 32
_local: OrderedDict = OrderedDict()
_local_lock = threading.Lock()


def memo(fn):
    """Memoise `fn(release_id, ...)`: a small per-process LRU, then web.cache.by_release (shared between workers)
    when an app is bound; a plain call otherwise (unit tests, scripts)."""
    cached = by_release(fn)

    @functools.wraps(fn)
    def wrapper(release_id: str, *args):
        if not flask.has_app_context():
            return fn(release_id, *args)
        key = (fn.__module__, fn.__qualname__, release_id, args)
        with _local_lock:
            if key in _local:
                _local.move_to_end(key)
                return _local[key]
        value = cached(release_id, *args)
        with _local_lock:
            _local[key] = value
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
        return value

    wrapper.uncached = fn
    return wrapper


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Observations with an unstated age band or sex spelled out, so filters and labels can compare them."""
    if frame.empty:
        return frame
    return frame.assign(age=frame["age"].fillna(NO_AGE), sex=frame["sex"].fillna("total"))


#: The earlier name, used by other pages' helpers (e.g. dashboards/_coverage.py).
_memo = memo


def release_id() -> str:
    """The id of the release being served (raises warehouse.ReleaseError when there is none)."""
    return get_warehouse().release_id()


def release_year(rid: str) -> int:
    """The calendar year the release was built: the reference point for "years since" statements."""
    created = get_warehouse().manifest(rid).get("created", "")
    return int(created[:4]) if created[:4].isdigit() else pd.Timestamp.now().year


@memo
def indicators(rid: str) -> pd.DataFrame:
    """The indicators table indexed by code."""
    return get_warehouse().indicators(rid).set_index("code", drop=False)


@memo
def countries(rid: str) -> pd.DataFrame:
    """The countries table indexed by ISO3, sorted by name."""
    return get_warehouse().countries(rid).sort_values("name").set_index("iso3", drop=False)


@memo
def regions(rid: str) -> pd.DataFrame:
    """The regions table indexed by code."""
    return get_warehouse().regions(rid).set_index("code", drop=False)


@memo
def sources(rid: str) -> pd.DataFrame:
    """The sources table indexed by id."""
    return get_warehouse().sources(rid).set_index("id", drop=False)


@memo
def source_records(rid: str) -> dict[str, dict]:
    """The sources table as {id: row} (fast lookups when citing sources under charts and in tables)."""
    return sources(rid).to_dict("index")


@memo
def area_names(rid: str) -> dict[str, str]:
    """Display names of every country and region code."""
    names = dict(zip(regions(rid)["code"], regions(rid)["name"], strict=True))
    names.update(zip(countries(rid)["iso3"], countries(rid)["name"], strict=True))
    return names


@memo
def country_observations(rid: str, iso3: str) -> pd.DataFrame:
    """Every observation of one country (or region code)."""
    return tidy(get_warehouse().observations(ObservationFilter(areas=(iso3,)), release_id=rid))


@memo
def indicator_observations(rid: str, code: str) -> pd.DataFrame:
    """Every observation of one indicator, all areas."""
    return tidy(get_warehouse().observations(ObservationFilter(indicators=(code,)), release_id=rid))


@memo
def area_observations(rid: str, areas: tuple[str, ...], codes: tuple[str, ...]) -> pd.DataFrame:
    """Observations of some indicators for some areas (headline global and regional estimates)."""
    where = ObservationFilter(indicators=codes, areas=areas)
    return tidy(get_warehouse().observations(where, release_id=rid))


@memo
def aggregate_observations(rid: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """Observations of some indicators for every region code (not countries)."""
    frame = tidy(get_warehouse().observations(ObservationFilter(indicators=codes), release_id=rid))
    return frame[frame["iso3"].isin(set(regions(rid)["code"]))].reset_index(drop=True)


@memo
def commitments(rid: str, iso3: str) -> pd.DataFrame:
    """The commitments (ratification) rows of one country."""
    return get_warehouse().commitments(iso3, release_id=rid)


@memo
def progress(rid: str, iso3: str) -> pd.DataFrame:
    """Progress-table rows of one area (empty when the progress engine has not run)."""
    try:
        return get_warehouse().progress(iso3=iso3, release_id=rid)
    except Exception:  # noqa: BLE001 - an older release may lack the table; the page says so
        return pd.DataFrame()


@memo
def indicator_areas(rid: str) -> pd.DataFrame:
    """For each indicator and area: number of observations, first and latest year."""
    return get_warehouse().observation_counts(release_id=rid)


def indicator_meta(rid: str, code: str) -> dict | None:
    """One indicator's metadata row as a dict, or None."""
    table = indicators(rid)
    return table.loc[code].to_dict() if code in table.index else None


def country_meta(rid: str, iso3: str) -> dict | None:
    """One country's row as a dict, or None."""
    table = countries(rid)
    return table.loc[iso3].to_dict() if iso3 in table.index else None


@memo
def indicator_coverage(rid: str) -> pd.DataFrame:
    """Per indicator: countries with data, first and latest year (computed from the observations)."""
    counts = indicator_areas(rid)
    is_country = counts["iso3"].isin(set(countries(rid).index))
    frame = (
        counts.assign(country=is_country)
        .groupby("indicator")
        .agg(countries=("country", "sum"), first_year=("first_year", "min"), last_year=("last_year", "max"))
    )
    return frame.astype({"countries": int})
