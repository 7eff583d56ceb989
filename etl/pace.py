"""The arithmetic of progress (pure): straight-line fits, compound rates and projections for etl/progress.py."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NAN = float("nan")
#: t(0.975, df) for df = 1..30; beyond 30 the normal 1.96 (at most 4 % narrower than the exact t).
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)  # fmt: skip


@dataclass(frozen=True)
class Fit:
    """A straight-line fit on year: slope per year and its standard error (None with two points)."""

    slope: float
    se: float | None
    points: int


def line_fit(years, values) -> Fit:
    """Least-squares slope of values on years; two points give the exact slope and no standard error."""
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    xc = x - x.mean()
    sxx = float((xc**2).sum())
    slope = float((xc * (y - y.mean())).sum() / sxx)
    if len(x) < 3:
        return Fit(slope, None, len(x))
    residuals = y - y.mean() - slope * xc
    sigma = math.sqrt(float((residuals**2).sum()) / (len(x) - 2))
    return Fit(slope, sigma / math.sqrt(sxx), len(x))


def compound_rate(years, values) -> float:
    """Observed compound annual rate (log-linear fit; two-point rate for two points); NaN if a value <= 0."""
    if min(values) <= 0:
        return NAN
    return math.expm1(line_fit(years, np.log(values)).slope)


def slope_range(series, fit: Fit, basis: str) -> tuple[float, float, str] | None:
    """Slowest and fastest plausible slope, and how they were found; None when not estimable."""
    if fit.se is not None:
        df = fit.points - 2
        half = (T975[df - 1] if 1 <= df <= len(T975) else 1.96) * fit.se
        return fit.slope - half, fit.slope + half, f"fit: slope ± t(0.975, {df} df) × standard error"
    lo0, hi0, lo1, hi1 = series.lower[0], series.upper[0], series.lower[-1], series.upper[-1]
    if any(math.isnan(v) for v in (lo0, hi0, lo1, hi1)) or (basis == "relative" and min(lo0, lo1) <= 0):
        return None
    span = series.years[-1] - series.years[0]
    lo0, hi0, lo1, hi1 = (math.log(v) if basis == "relative" else v for v in (lo0, hi0, lo1, hi1))
    slow, fast = (lo1 - hi0) / span, (hi1 - lo0) / span
    return min(slow, fit.slope), max(fast, fit.slope), "extreme paces between the reported intervals"


def advance(level: float, slope: float, years: float, basis: str) -> float:
    """`level` carried `years` ahead at `slope` (log slope or absolute), never below zero."""
    if basis == "relative":
        exponent = slope * years
        return level * math.exp(exponent) if exponent < 700 else math.inf  # past float range: unbounded
    return max(0.0, level + slope * years)


def projection(series, fit: Fit, basis: str, years: float) -> tuple[float, float, float, str]:
    """Central projection `years` after the latest point, its band (NaN if not estimable) and the band method."""
    latest = series.values[-1]
    central = advance(latest, fit.slope, years, basis)
    slopes = slope_range(series, fit, basis)
    if slopes is None:
        return central, NAN, NAN, "not estimable: two points without reported intervals at both ends"
    low, high = series.lower[-1], series.upper[-1]
    reported = not (math.isnan(low) or math.isnan(high))
    low, high = (min(low, latest), max(high, latest)) if reported else (latest, latest)
    if basis == "relative" and low <= 0:
        low = latest  # a zero lower bound has no compound path; keep the central level
    method = ("reported interval of the latest value + " if reported else "") + slopes[2]
    lower = min(advance(low, slopes[0], years, basis), central)  # min/max guard float rounding only
    upper = max(advance(high, slopes[1], years, basis), central)
    return central, lower, upper, method
