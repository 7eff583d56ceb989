"""Plain-language wording of the progress table: status names, number formats and one-line reasons.

Part of the data contract of the `progress` table (its `status` values and how its `reason` is worded), kept
here because both the ETL (etl/progress.py writes `reason`) and the delta view (dashboards/_delta.py) use it
and neither may import the other. Pure functions, standard library only.
"""

from __future__ import annotations

import math

NOT_ASSESSED = "not assessed"
TARGET_MET = "target met"
INSUFFICIENT = "insufficient data"
MOVING_AWAY = "moving away"
ON_TRACK = "on track"
TOO_SLOW = "progress too slow"
NO_CLEAR_CHANGE = "no clear change"
TARGET_PASSED = "target missed"  # the target year has passed without the target being met
#: Every status, best first (the order legends and summaries use).
STATUSES = (TARGET_MET, ON_TRACK, TOO_SLOW, NO_CLEAR_CHANGE, MOVING_AWAY, TARGET_PASSED, INSUFFICIENT, NOT_ASSESSED)

DETECTED_REASON = (
    "Not assessed: counts of detected cases have no target, and a rise may mean better detection rather than"
    " more exploitation."
)
NO_TARGET_REASON = "Not assessed: no quantitative target is set for this indicator."


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_count(value: float) -> str:
    """160000000 -> '160 million'; 1750000 -> '1.8 million'; 25300 -> '25,300'."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.1f} billion"
    if size >= 1e6:
        return f"{value / 1e6:.1f}".removesuffix(".0") + " million"
    return f"{value:,.0f}"


def rounded_count(value: float, digits: int = 2) -> str:
    """A computed count to what its inputs support: `digits` significant figures, 'about' before it
    (422809 -> 'about 420,000'; 1234567 -> 'about 1.2 million')."""
    if _missing(value) or value == 0:
        return "0"
    step = 10 ** max(0, math.floor(math.log10(abs(value))) - digits + 1)
    return "about " + format_count(round(value / step) * step)


def format_value(value: float, unit: str) -> str:
    """A level in its unit: '12.3 %', '5.4 per 1,000', '160.0 million'."""
    if _missing(value):
        return "n/a"
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "per-1000":
        return f"{value:.1f} per 1,000"
    if unit == "count":
        return format_count(value)
    return f"{value:,.3g}" + (f" {unit}" if unit else "")


def target_text(value: float, unit: str) -> str:
    """A target level in words: 'zero' for the 8.7 targets, else the formatted value."""
    return "zero" if value == 0 else format_value(value, unit)


def format_change(change: float, unit: str) -> str:
    """The size of an absolute change per year: '0.52 percentage points a year', '4.9 million a year'."""
    size = abs(change)
    if unit == "percent":
        return f"{size:.2f} percentage points a year"
    if unit == "per-1000":
        return f"{size:.2f} per 1,000 a year"
    if unit == "count":
        return f"{format_count(size)} a year"
    return f"{size:,.3g}" + (f" {unit}" if unit else "") + " a year"


def format_rate(rate: float) -> str:
    """The size of a compound annual rate: -0.0243 -> '2.4 % a year'."""
    return f"{abs(rate) * 100:.1f} % a year"


def pace_value(row: dict, which: str) -> float:
    """The observed or required pace the status compares: the rate (relative basis) or the change (absolute)."""
    return row.get(f"{which}_rate" if row.get("basis") == "relative" else f"{which}_change", math.nan)


def pace_text(row: dict, which: str, unit: str) -> str:
    """'2.4 % a year' or '4.9 million a year' for the observed or required pace of a progress row."""
    value = pace_value(row, which)
    if _missing(value):
        return "n/a"
    return format_rate(value) if row.get("basis") == "relative" else format_change(value, unit)


def direction_word(value: float) -> str:
    """'Falling', 'Rising' or 'Unchanged' for a signed pace."""
    if _missing(value) or value == 0:
        return "Unchanged"
    return "Falling" if value < 0 else "Rising"


def reason(row: dict, target, as_of: int, needed: float = math.nan) -> str:
    """The one-line reason for a row's status, assessed in year `as_of` (`target`: value, year, unit, detected);
    `needed`: for a passed target year, the pace from the first point that would have reached the target."""
    status, unit = row["status"], target.unit
    if status == NOT_ASSESSED:
        return DETECTED_REASON if target.detected else NO_TARGET_REASON
    latest = f"{format_value(row['latest_value'], unit)} in {row['latest_year']}"
    goal = f"{target_text(target.value, unit)} by {target.year}"
    if status == TARGET_MET:
        return f"The latest value ({latest}) is already at or beyond the target of {target_text(target.value, unit)}."
    if status == INSUFFICIENT and row["points"] >= 2:
        return f"The latest comparable data point ({latest}) is more than ten years old; a status needs a recent one."
    if status == INSUFFICIENT:
        return f"One comparable data point only: the latest value is {latest_short(row, unit)}; no trend."
    if status == TARGET_PASSED:
        passed = target_passed_text(target.year, row["latest_value"], row["latest_year"], unit, as_of)
        return f"{passed} {trend_text(row, unit)}{needed_text(row, target, unit, needed)}"
    if status == NO_CLEAR_CHANGE:
        first = f"{format_value(row['baseline_value'], unit)} in {row['baseline_year']}"
        return (
            f"No clear change: {first} and {latest} differ by less than the rounding or stated uncertainty of the "
            f"published figures, so no direction can be claimed ({goal} not reached)."
        )
    start = max(as_of, row["latest_year"])
    observed = pace_value(row, "observed")
    span = f"{row['baseline_year']}–{row['latest_year']}"
    moving = f"{direction_word(observed)} {pace_text(row, 'observed', unit)}" if observed else "Unchanged"
    needed = f"{change_noun(pace_value(row, 'required'))} {pace_text(row, 'required', unit)} from {start}"
    if status == MOVING_AWAY:
        return f"{moving} ({span}), away from the target of {goal}."
    if status == ON_TRACK:
        return f"{moving} ({span}): at this pace it reaches {goal} ({needed} is needed)."
    return f"{moving} ({span}), but reaching {goal} needs {needed}."


def target_passed_text(year: int, latest: float, latest_year: int, unit: str, as_of: int) -> str:
    """'Target year 2025 passed: 138 million remain (2024).' (the year itself: 'is this year')."""
    when = "is this year" if int(year) == int(as_of) else "passed"
    if unit == "count":
        return f"Target year {int(year)} {when}: {format_value(latest, unit)} remain ({int(latest_year)})."
    return f"Target year {int(year)} {when}: the latest value is {format_value(latest, unit)} ({int(latest_year)})."


def change_noun(value: float) -> str:
    """'a fall of' or 'a rise of' for a signed pace."""
    return "a rise of" if not _missing(value) and value > 0 else "a fall of"


def trend_text(row: dict, unit: str) -> str:
    """'Falling 0.80 percentage points a year (2013–2022).' or 'No clear change (2013–2022) …' for a trend."""
    span = f"{row['baseline_year']}–{row['latest_year']}"
    if row.get("trend") == NO_CLEAR_CHANGE:
        return f"No clear change ({span}): the difference is within the rounding or stated uncertainty."
    observed = pace_value(row, "observed")
    return f"{direction_word(observed)} {pace_text(row, 'observed', unit)} ({span})."


def needed_text(row: dict, target, unit: str, needed: float) -> str:
    """' Reaching zero by 2025 from 2013 would have needed a fall of 1.25 percentage points a year.'"""
    if _missing(needed) or int(row["baseline_year"]) >= int(target.year):
        return ""
    pace = format_rate(needed) if row.get("basis") == "relative" else format_change(needed, unit)
    goal = f"{target_text(target.value, unit)} by {target.year}"
    return f" Reaching {goal} from {row['baseline_year']} would have needed {change_noun(needed)} {pace}."


def latest_short(row: dict, unit: str) -> str:
    """'31.5 % (2021)': the latest value and its year, as the cards and the passed-target text say it."""
    return f"{format_value(row['latest_value'], unit)} ({int(row['latest_year'])})"
