"""Plain-language wording of the progress table (statuses, numbers, one-line reasons), shared by ETL and pages.

The ETL words in English (the stored `reason`); a page passes a `Phrasing` with its gettext and number formats.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NOT_ASSESSED = "not assessed"
TARGET_MET = "target met"
INSUFFICIENT = "insufficient data"
MOVING_AWAY = "moving away"
ON_TRACK = "on track"
TOO_SLOW = "progress too slow"
NO_CLEAR_CHANGE = "no clear change"
TARGET_PASSED = "target year passed"  # not met in the latest data, which may predate the target year
#: Every status, best first (the order legends and summaries use).
STATUSES = (TARGET_MET, ON_TRACK, TOO_SLOW, NO_CLEAR_CHANGE, MOVING_AWAY, TARGET_PASSED, INSUFFICIENT, NOT_ASSESSED)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark for the catalogue"
    """Mark a string for the catalogue (`make messages`); it is translated where it is used."""
    return message


DETECTED_REASON = N_(
    "Not assessed: counts of detected cases have no target, and a rise may mean better detection rather than"
    " more exploitation."
)
NO_TARGET_REASON = N_("Not assessed: no quantitative target is set for this indicator.")
#: How far a value fell below the previous one in a plausibility flag's note (etl/headline.py): under 1/n, n=2..10.
FALLS = (
    N_("less than half"), N_("less than a third"), N_("less than a quarter"), N_("less than a fifth"),
    N_("less than a sixth"), N_("less than a seventh"), N_("less than an eighth"), N_("less than a ninth"),
    N_("less than a tenth"),
)  # fmt: skip


def english(message: str, **values) -> str:
    """gettext of the English wording: the message with its %(name)s values filled in."""
    return message % values if values else message


def english_plural(singular: str, plural: str, n, **values) -> str:
    """ngettext of the English wording, by the number as written (`n`: 1.5 for "1.50")."""
    return english(singular if n == 1 else plural, **values)


def rounded(value: float, decimals: int) -> Decimal:
    """`value` at `decimals` places (negative: tens, hundreds ...), a half away from zero as publishers and
    spreadsheets round it, on the value's shortest decimal text: 2.25 -> 2.3 and 0.15 -> 0.2 (Python's round and
    format round the binary value half to even: 2.2 and 0.1). The pages and the stored reasons round through it."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def to_significant(value: float, digits: int) -> float:
    """`value` to `digits` significant figures, rounded as `rounded` rounds: 12,345 (3) -> 12,300; 2.25 (2) -> 2.3."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(rounded(value, digits - 1 - math.floor(math.log10(abs(value)))))


def places(value: float, decimals: int, precision: float | None) -> int:
    """The decimals a value is written with: `decimals`, and for a whole value those its publisher wrote, read from
    its rounding step `precision` (8 at step 0.1 is "8.0"), at most `decimals`; none when the step is unknown."""
    if not float(value).is_integer():
        return decimals
    step = 1 if _missing(precision) else precision
    return min(decimals, max(0, round(-math.log10(step)))) if step > 0 else 0


def written(count: float) -> Decimal | float:
    """The number a count is written with, whose plural form its words take: 1,000,000 -> 1 ("1 million")."""
    return rounded(count / 1e6, 1) if abs(count) >= 1e6 else count


def _millions(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{rounded(value / 1e9, 1)} billion"
    return f"{rounded(value / 1e6, 1)}".removesuffix(".0") + " million"


@dataclass(frozen=True)
class Phrasing:
    """How the wording speaks: gettext (with %(name)s values) and number formats. English by default (the ETL)."""

    gettext: Callable[..., str] = english
    ngettext: Callable[..., str] = english_plural
    number: Callable[[float, int], str] = lambda value, decimals: f"{rounded(value, decimals):,.{decimals}f}"  # noqa: E731
    percent: Callable[[float, int], str] = lambda value, decimals: f"{rounded(value, decimals):.{decimals}f}%"  # noqa: E731
    significant: Callable[[float, int], str] = lambda value, digits: f"{to_significant(value, digits):,.{digits}g}"  # noqa: E731
    millions: Callable[[float], str] = _millions  # a count of a million or more: '1.8 million'


ENGLISH = Phrasing()


@dataclass(frozen=True)
class Goal:
    """What a series is assessed against (value None: no target); `detected`: a count of detected cases."""

    value: float | None
    year: int | None
    unit: str = ""
    detected: bool = False
    higher_is_better: bool = False
    decimals: int = 1  # the indicator's (indicators.yaml): those of a level whose publisher's step is unknown


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_count(value: float, tr: Phrasing = ENGLISH) -> str:
    """160000000 -> '160 million'; 1750000 -> '1.8 million'; 25300 -> '25,300'."""
    return tr.millions(value) if abs(value) >= 1e6 else tr.number(value, 0)


def rounded_count(value: float, digits: int = 2, tr: Phrasing = ENGLISH) -> str:
    """A computed count to `digits` significant figures: 422809 -> 'about 420,000'; 1234567 -> 'about 1.2 million'."""
    if _missing(value) or value == 0:
        return "0"
    exponent = max(0, math.floor(math.log10(abs(value))) - digits + 1)
    return tr.gettext("about %(count)s", count=format_count(float(rounded(value, -exponent)), tr))


def format_value(value: float, unit: str, tr: Phrasing = ENGLISH, precision=None, decimals: int = 1) -> str:
    """A level in its unit as the cards write it, at the indicator's `decimals`: '12.3%', '22%', '8.0%' (published at
    step 0.1), '160 million'."""
    if _missing(value):
        return tr.gettext("n/a")
    decimals = places(value, decimals, precision)
    if unit == "percent":
        return tr.percent(value, decimals)
    if unit == "per-1000":
        return tr.gettext("%(number)s per 1,000", number=tr.number(value, decimals))
    if unit == "count":
        return format_count(value, tr)
    return tr.significant(value, 3) + (f" {unit}" if unit else "")


def stated(row: dict, which: str, unit: str, tr: Phrasing = ENGLISH) -> str:
    """The baseline or latest value as published, with the publisher's qualifier: 'nearly 138 million'."""
    value = format_value(row[f"{which}_value"], unit, tr, row.get(f"{which}_precision"), row.get("decimals", 1))
    qualifier = row.get(f"{which}_qualifier")
    return f"{tr.gettext(qualifier)} {value}" if isinstance(qualifier, str) and qualifier else value


def target_text(value: float, unit: str, tr: Phrasing = ENGLISH) -> str:
    """A target level in words: 'zero' for the 8.7 targets, else the formatted value."""
    return tr.gettext("zero") if value == 0 else format_value(value, unit, tr)


def format_change(change: float, unit: str, tr: Phrasing = ENGLISH, decimals: int = 2) -> str:
    """The size of an absolute change per year: '0.52 percentage points a year', '4.9 million a year'."""
    size = abs(change)
    if unit == "percent":  # the number as written decides: French "1,50 point", Spanish "1,50 puntos"
        return tr.ngettext("%(number)s percentage points a year", "%(number)s percentage points a year",
                           rounded(size, decimals), number=tr.number(size, decimals))  # fmt: skip
    if unit == "per-1000":
        return tr.gettext("%(number)s per 1,000 a year", number=tr.number(size, decimals))
    if unit == "count":
        return tr.gettext("%(value)s a year", value=format_count(size, tr))
    return tr.gettext("%(value)s a year", value=tr.significant(size, 3) + (f" {unit}" if unit else ""))


def format_rate(rate: float, tr: Phrasing = ENGLISH) -> str:
    """The size of a compound annual rate: -0.0243 -> '2.4% a year'."""
    return tr.gettext("%(value)s a year", value=tr.percent(abs(rate) * 100, 1))


def pace_value(row: dict, which: str) -> float:
    """The observed or required pace the status compares: the rate (relative basis) or the change (absolute)."""
    return row.get(f"{which}_rate" if row.get("basis") == "relative" else f"{which}_change", math.nan)


def pace_decimals(row: dict) -> int:
    """A percentage-point or per-1,000 pace is written one decimal finer than the values it comes from (two for
    values at one): a pace between 'more than 21%' and 'almost 24%' is not known to a hundredth."""
    points = [(row.get(f"{which}_value"), row.get(f"{which}_precision")) for which in ("baseline", "latest")]
    return 1 + max((places(v, row.get("decimals", 1), p) for v, p in points if not _missing(v)), default=0)


def pace_text(row: dict, which: str, unit: str, tr: Phrasing = ENGLISH) -> str:
    """'2.4% a year' or '4.9 million a year' for the observed or required pace of a progress row."""
    value = pace_value(row, which)
    return tr.gettext("n/a") if _missing(value) else pace_words(row, value, unit, tr)


def pace_words(row: dict, value: float, unit: str, tr: Phrasing = ENGLISH) -> str:
    """A pace of the row's series in words: a compound rate on a relative basis, else an absolute change."""
    if row.get("basis") == "relative":
        return format_rate(value, tr)
    return format_change(value, unit, tr, pace_decimals(row))


def moving_text(row: dict, which: str, unit: str, tr: Phrasing = ENGLISH) -> str:
    """'Falling 2.4% a year', 'Rising 0.52 percentage points a year' or 'Unchanged' for a row's pace."""
    value = pace_value(row, which)
    if _missing(value) or value == 0:
        return tr.gettext("Unchanged")
    pace = pace_text(row, which, unit, tr)
    return tr.gettext("Falling %(pace)s", pace=pace) if value < 0 else tr.gettext("Rising %(pace)s", pace=pace)


def change_text(value: float, pace: str, tr: Phrasing = ENGLISH) -> str:
    """'a fall of 1.25 percentage points a year' or 'a rise of …' for a signed pace and its size in words."""
    if not _missing(value) and value > 0:
        return tr.gettext("a rise of %(pace)s", pace=pace)
    return tr.gettext("a fall of %(pace)s", pace=pace)


def goal_text(target, unit: str, tr: Phrasing = ENGLISH) -> str:
    """'zero by 2025': the target level and year."""
    return tr.gettext("%(target)s by %(year)s", target=target_text(target.value, unit, tr), year=target.year)


def reason(row: dict, target, as_of: int, tr: Phrasing = ENGLISH) -> str:
    """The one-line reason for a row's status, assessed in year `as_of` (`target`: value, year, unit, detected)."""
    status, unit, _ = row["status"], target.unit, tr.gettext
    row = {**row, "decimals": target.decimals}  # stated levels and paces read it
    if status == NOT_ASSESSED:
        return _(DETECTED_REASON) if target.detected else _(NO_TARGET_REASON)
    latest = _("%(value)s in %(year)s", value=stated(row, "latest", unit, tr), year=row["latest_year"])
    if status == TARGET_MET:
        return _(
            "The latest value (%(latest)s) is already at or beyond the target of %(target)s.",
            latest=latest,
            target=target_text(target.value, unit, tr),
        )
    if status == INSUFFICIENT and row["points"] >= 2:
        return _(
            "The latest data point of this series (%(latest)s) is more than ten years old; a status needs a recent one.",
            latest=latest,
        )
    if status == INSUFFICIENT:
        return _("Only one data point in this series: the latest value is %(latest)s; no trend.",
                 latest=latest_short(row, unit, tr))  # fmt: skip
    if status == TARGET_PASSED:
        passed = target_passed_text(target.year, row, unit, as_of, tr)
        return f"{passed} {trend_text(row, unit, tr)}{needed_text(row, target, unit, tr)}"
    goal = goal_text(target, unit, tr)
    if status == NO_CLEAR_CHANGE:
        first = _("%(value)s in %(year)s", value=stated(row, "baseline", unit, tr), year=row["baseline_year"])
        return _(
            "No clear change: %(first)s and %(latest)s differ by less than the rounding or stated uncertainty of the "
            "published figures, so no direction can be claimed (%(goal)s not reached).",
            first=first,
            latest=latest,
            goal=goal,
        )
    moving, span = moving_text(row, "observed", unit, tr), f"{row['baseline_year']}–{row['latest_year']}"
    needed = _("%(change)s from %(year)s", year=max(as_of, row["latest_year"]),
               change=change_text(pace_value(row, "required"), pace_text(row, "required", unit, tr), tr))  # fmt: skip
    if status == MOVING_AWAY:
        return _("%(moving)s (%(span)s), away from the target of %(goal)s.", moving=moving, span=span, goal=goal)
    if status == ON_TRACK:
        return _("%(moving)s (%(span)s): at this pace it reaches %(goal)s (%(needed)s is needed).",
                 moving=moving, span=span, goal=goal, needed=needed)  # fmt: skip
    return _("%(moving)s (%(span)s), but reaching %(goal)s needs %(needed)s.",
             moving=moving, span=span, goal=goal, needed=needed)  # fmt: skip


def remaining_text(row: dict, unit: str, tr: Phrasing = ENGLISH) -> str:
    """'nearly 138 million remain (2024).' (counts) or 'the latest value is 31.5% (2021).' (levels)."""
    value, year = stated(row, "latest", unit, tr), int(row["latest_year"])
    if unit == "count":  # Spanish "queda 1 millón", "quedan 1,3 millones"
        return tr.ngettext("%(value)s remain (%(year)s).", "%(value)s remain (%(year)s).",
                           written(row["latest_value"]), value=value, year=year)  # fmt: skip
    return tr.gettext("the latest value is %(value)s (%(year)s).", value=value, year=year)


def target_passed_text(year: int, row: dict, unit: str, as_of: int, tr=ENGLISH) -> str:
    """'Target year 2025 passed: nearly 138 million remain (2024).' (the year itself: 'is this year')."""
    rest = remaining_text(row, unit, tr)
    if int(year) == int(as_of):
        return tr.gettext("Target year %(year)s is this year: %(rest)s", year=int(year), rest=rest)
    return tr.gettext("Target year %(year)s passed: %(rest)s", year=int(year), rest=rest)


def trend_text(row: dict, unit: str, tr: Phrasing = ENGLISH) -> str:
    """'Falling 0.80 percentage points a year (2013–2022).' or 'No clear change (2013–2022) …' for a trend."""
    span = f"{row['baseline_year']}–{row['latest_year']}"
    if row.get("trend") == NO_CLEAR_CHANGE:
        return tr.gettext(
            "No clear change (%(span)s): the difference is within the rounding or stated uncertainty.", span=span
        )
    return tr.gettext("%(moving)s (%(span)s).", moving=moving_text(row, "observed", unit, tr), span=span)


def required_rate(latest: float, target: float, years: float) -> float:
    """Compound annual rate taking `latest` to `target` in `years` (NaN for a zero value or no time left)."""
    if years <= 0 or latest <= 0 or target <= 0:
        return math.nan
    return (target / latest) ** (1.0 / years) - 1.0


def required_change(latest: float, target: float, years: float) -> float:
    """Absolute change per year taking `latest` to `target` in `years` (NaN when no time is left)."""
    return (target - latest) / years if years > 0 else math.nan


def needed_pace(row: dict) -> float:
    """For a passed target year: the pace from the first point that would have reached the target in time (or NaN)."""
    if _missing(row["target_year"]) or _missing(row["target_value"]):
        return math.nan
    pace = required_rate if row.get("basis") == "relative" else required_change
    return pace(row["baseline_value"], row["target_value"], int(row["target_year"]) - int(row["baseline_year"]))


def needed_text(row: dict, target, unit: str, tr: Phrasing = ENGLISH) -> str:
    """' Reaching zero by 2025 from 2013 would have needed a fall of 1.25 percentage points a year.'"""
    needed = needed_pace(row)
    if _missing(needed) or int(row["baseline_year"]) >= int(target.year):
        return ""
    pace = pace_words(row, needed, unit, tr)
    text = tr.gettext(
        "Reaching %(goal)s from %(year)s would have needed %(change)s.",
        goal=goal_text(target, unit, tr),
        year=row["baseline_year"],
        change=change_text(needed, pace, tr),
    )
    return " " + text


def latest_short(row: dict, unit: str, tr: Phrasing = ENGLISH) -> str:
    """'31.5% (2021)': the latest value and its year, as the cards and the passed-target text say it."""
    return f"{stated(row, 'latest', unit, tr)} ({int(row['latest_year'])})"
