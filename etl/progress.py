"""The progress engine, pure: is each series moving fast enough to reach its SDG 8.7 target?"""

# The rules for readers: content/learn/measuring-progress.md (tests/test_progress_explainer.py keeps them in step).

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from etl.pace import NAN, Fit, compound_rate, line_fit, projection
from warehouse.progress_text import (
    INSUFFICIENT,
    MOVING_AWAY,
    NO_CLEAR_CHANGE,
    NOT_ASSESSED,
    ON_TRACK,
    STATUSES,
    TARGET_MET,
    TARGET_PASSED,
    TOO_SLOW,
    reason,
    required_change,
    required_rate,
)
from warehouse.progress_text import Goal as Target
from warehouse.schema import PROGRESS, SORT_KEYS

__all__ = ["STATUSES", "compute_progress", "assess", "classify", "years_left", "Series", "Target"]

SERIES_KEY = ["indicator", "iso3", "sex", "age", "source", "comparability"]
NUMBERS = ("year", "value", "lower", "upper", "precision")  # per series point

#: Themes whose indicators get a progress row even without a target (status "not assessed").
ASSESSED_THEMES = ("child-labour", "forced-labour", "trafficking")
TOLERANCE = 1e-9  # relative: scaling a series never flips a status
#: A status needs its latest comparable point at most this many years before the assessment year.
MAX_AGE = 10


@dataclass(frozen=True)
class Series:
    """One comparable series, sorted by year."""

    key: tuple
    years: tuple[int, ...]
    values: tuple[float, ...]
    lower: tuple[float, ...]  # NaN where not reported
    upper: tuple[float, ...]
    precision: tuple[float, ...] = ()  # rounding step of each published value (NaN or empty: unknown)
    qualifiers: tuple[str | None, ...] = ()  # the publisher's "about", "nearly" ... of each value (empty: none)


def current_year() -> int:
    """The calendar year progress is assessed in, when the caller names none."""
    return date.today().year


def years_left(target_year: int, latest_year: int, as_of: int) -> int:
    """Whole years from the assessment year (or the latest data year, if later) to the target year."""
    return target_year - max(as_of, latest_year)


def basis_for(values, target_value: float | None) -> str:
    """'relative' when target and every value are above zero, else 'absolute': no compound rate reaches zero."""
    if min(values) <= 0 or (target_value is not None and target_value <= 0):
        return "absolute"
    return "relative"


def pace(series: Series, basis: str) -> Fit:
    """The fit the status uses: on log values (relative basis) or on values (absolute basis)."""
    values = np.log(series.values) if basis == "relative" else np.asarray(series.values)
    return line_fit(series.years, values)


def _tolerance(series: Series) -> float:
    return TOLERANCE * max(abs(v) for v in series.values) if series.values else TOLERANCE


def within_rounding(series: Series) -> bool:
    """Whether the change from the first to the latest point is within the published rounding or intervals."""
    first, last = series.values[0], series.values[-1]
    change = abs(last - first)
    steps = [p for p in (series.precision[:1] + series.precision[-1:]) if not math.isnan(p)] if series.precision else []
    if len(steps) == 2 and change <= sum(steps) / 2 * (1 + 1e-6):
        return True
    lo0, hi0, lo1, hi1 = series.lower[0], series.upper[0], series.lower[-1], series.upper[-1]
    if any(math.isnan(v) for v in (lo0, hi0, lo1, hi1)):
        return False
    return max(lo0, lo1) <= min(hi0, hi1)


def trend(series: Series, basis: str, fit: Fit | None) -> str:
    """The direction of a series: falling, rising, flat, no clear change (within rounding), or '' (one point)."""
    if fit is None:
        return ""
    if within_rounding(series):
        return NO_CLEAR_CHANGE
    tol = TOLERANCE if basis == "relative" else _tolerance(series)
    return "falling" if fit.slope < -tol else "rising" if fit.slope > tol else "flat"


def classify(series: Series, target: Target, basis: str, fit: Fit | None, as_of: int, direction: str) -> str:
    """The status of a series against its target, assessed in year `as_of`, given its `trend` direction."""
    if target.value is None or target.detected:
        return NOT_ASSESSED
    sign = 1.0 if target.higher_is_better else -1.0  # +1: the target is above, values should rise
    latest = series.values[-1]
    if sign * (latest - target.value) >= 0:
        return TARGET_MET
    if fit is None or as_of - series.years[-1] > MAX_AGE:
        return INSUFFICIENT
    years = years_left(target.year, series.years[-1], as_of)
    if years <= 0:
        return TARGET_PASSED
    if direction == NO_CLEAR_CHANGE:
        return NO_CLEAR_CHANGE
    if direction == ("falling" if target.higher_is_better else "rising"):
        return MOVING_AWAY
    if basis == "relative":
        needed = math.log(target.value / latest) / years
    else:
        needed = required_change(latest, target.value, years)
    tol = TOLERANCE if basis == "relative" else _tolerance(series)
    return ON_TRACK if sign * (fit.slope - needed) >= -tol else TOO_SLOW


def assess(series: Series, target: Target, as_of: int) -> dict:
    """One PROGRESS row for a series, assessed in year `as_of`."""
    basis = basis_for(series.values, target.value)
    fit = pace(series, basis) if len(series.years) >= 2 else None
    assessed = target.value is not None and not target.detected
    row = dict.fromkeys(PROGRESS.names, NAN) | dict(zip(SERIES_KEY, series.key, strict=True))
    row.update(
        points=len(series.years),
        baseline_year=series.years[0],
        baseline_value=series.values[0],
        latest_year=series.years[-1],
        latest_value=series.values[-1],
        baseline_qualifier=series.qualifiers[0] if series.qualifiers else None,
        latest_qualifier=series.qualifiers[-1] if series.qualifiers else None,
        baseline_precision=series.precision[0] if series.precision else NAN,
        latest_precision=series.precision[-1] if series.precision else NAN,
        target_value=target.value if assessed else NAN,
        target_year=target.year if assessed else None,
        basis=basis,
        method=_method(series, basis) if fit is not None else "",
        band_method="",
    )
    if fit is not None:
        row["observed_rate"] = compound_rate(series.years, series.values)
        row["observed_change"] = line_fit(series.years, series.values).slope
    left = years_left(target.year, series.years[-1], as_of) if assessed else 0
    if left > 0:
        row["required_rate"] = required_rate(series.values[-1], target.value, left)
        row["required_change"] = required_change(series.values[-1], target.value, left)
    horizon = (target.year - series.years[-1]) if assessed else 0
    if left > 0 and horizon > 0 and fit is not None:
        central, lower, upper, band = projection(series, fit, basis, horizon)
        row.update(projected_value=central, projected_lower=lower, projected_upper=upper, band_method=band)
    row["trend"] = trend(series, basis, fit)
    row["status"] = classify(series, target, basis, fit, as_of, row["trend"])
    row["reason"] = reason(row, target, as_of)  # English: the stored text of downloads and the API
    return row


def _method(series: Series, basis: str) -> str:
    n = len(series.years)
    kind = "least-squares fit" if n >= 3 else "two-point"
    if basis == "relative":
        return f"compound annual rate, {kind} on log values ({n} points)"
    if min(series.values) <= 0:
        return f"absolute annual change, {kind} ({n} points): the series contains a zero, so it has no compound rate"
    return f"absolute annual change, {kind} ({n} points): no compound rate reaches a zero target"


def targets(indicators: pd.DataFrame) -> dict[str, Target]:
    """The target (target_value, target_year of indicators.yaml) of each indicator that gets progress rows."""
    found: dict[str, Target] = {}
    for row in indicators.to_dict("records"):
        value, year = _number(row.get("target_value")), _number(row.get("target_year"))
        detected = row.get("nature") == "detected"
        if value is None and not detected and row.get("theme") not in ASSESSED_THEMES:
            continue
        if row.get("nature") == "reported" or (value is not None and year is None):
            continue  # commitments (flags) have no trend; a target without a year cannot be assessed
        higher = _number(row.get("higher_is_better")) == 1.0  # missing means "lower is better": 8.7 ends things
        unit = row.get("unit") if isinstance(row.get("unit"), str) else ""
        places = 1 if _number(row.get("decimals")) is None else int(row["decimals"])
        found[row["code"]] = Target(value, int(year) if year is not None else None, unit, detected, higher, places)
    return found


def _number(value) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def split_series(observations: pd.DataFrame, codes) -> list[Series]:
    """Comparable series of the given indicators: no missing, censored or undated values, sorted by key and year."""
    obs = observations[observations["indicator"].isin(list(codes)) & observations["value"].notna()]
    obs = obs[obs["year"].notna()]  # a value known only by its period has no place on a time line
    if "comparability" not in obs:
        obs = obs.assign(comparability="")
    if "censored" in obs:
        obs = obs[~obs["censored"].fillna(False).astype(bool)]
    obs = obs.assign(**{c: obs[c].fillna("").astype(str) for c in SERIES_KEY})
    obs = obs.sort_values([*SERIES_KEY, "year", "value"], kind="stable")
    # The observation key makes (series, year) unique; should a duplicate slip in, keep one deterministically.
    obs = obs.drop_duplicates([*SERIES_KEY, "year"], keep="first")
    columns = {c: obs[c].to_numpy(dtype=float, na_value=NAN) if c in obs else np.full(len(obs), NAN) for c in NUMBERS}
    said = obs["qualifier"].astype(object).where(obs["qualifier"].notna(), None) if "qualifier" in obs else None
    series = []
    for key, rows in sorted(obs.groupby(SERIES_KEY, sort=False).indices.items()):
        years, values, lower, upper, precision = (columns[c][rows] for c in NUMBERS)
        qualifiers = () if said is None else tuple(said.iloc[rows])
        series.append(Series(tuple(key), tuple(int(y) for y in years), tuple(values.tolist()), tuple(lower.tolist()),
                             tuple(upper.tolist()), tuple(precision.tolist()), qualifiers))  # fmt: skip
    return series


def compute_progress(observations: pd.DataFrame, indicators: pd.DataFrame, as_of: int | None = None) -> pd.DataFrame:
    """The PROGRESS table for every series of an assessed indicator, assessed in year `as_of` (default: now)."""
    found = targets(indicators)
    year = current_year() if as_of is None else as_of
    rows = [assess(series, found[series.key[0]], year) for series in split_series(observations, found)]
    frame = pd.DataFrame(rows, columns=PROGRESS.names)
    for column in ("points", "baseline_year", "latest_year", "target_year"):
        frame[column] = frame[column].astype("Int32")
    return frame.sort_values(SORT_KEYS["progress"], kind="stable").reset_index(drop=True)
