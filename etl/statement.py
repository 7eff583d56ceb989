"""What the publisher stated besides the number (time reference, survey, qualifier, rounding, flags), as SQL."""

from __future__ import annotations

import pandas as pd

from etl import db
from etl.mapping import Plan
from etl.registry import Dataset

#: Qualifiers a publisher puts before a figure, longest first (so "just over" wins over "over").
QUALIFIERS = ("more than", "less than", "just over", "just under", "approximately", "nearly", "almost", "around",
              "about", "over", "under", "some", "roughly")  # fmt: skip
#: The columns this module fills, with the value a row gets when the step has nothing to say.
DEFAULTS = {"year_start": None, "year_end": None, "period": None, "age_nonstandard": False, "precision": None,
            "qualifier": None, "survey": None, "comparability": None, "preferred": False}  # fmt: skip


def apply(plan: Plan, dataset: Dataset) -> None:
    """Time, age flag, survey, qualifier, precision and comparability, in order (the year must already be mapped)."""
    time(plan, dataset)
    flags = dataset.options.period_flags
    plan.outputs["age_nonstandard"] = _flagged(plan, flags and flags.nonstandard) or "FALSE"
    if "survey" in plan.columns:
        plan.outputs["survey"] = "nullif(trim(r.survey), '')"
    if dataset.options.qualifier_from_note and "note" in plan.columns:
        plan.outputs["qualifier"] = qualifier_sql("r.note", "r.value")
    coded = dataset.options.value_map  # a code names a label (a TIP tier): it has no rounding step
    plan.outputs["precision"] = "NULL::DOUBLE" if coded else precision_sql("r.value")
    plan.outputs["comparability"] = db.literal(dataset.comparability or None)
    for column, value in DEFAULTS.items():
        plan.outputs.setdefault(column, db.literal(value))


def time(plan: Plan, dataset: Dataset) -> None:
    """year, year_start, year_end and period: a period or report year gives no `year` (never an invented one)."""
    year = plan.outputs["year"]
    if dataset.year_is == "report":
        text = db.literal(dataset.period_text or "report of {end}; survey year not published")
        plan.outputs.update(year="NULL::INTEGER", year_start="NULL::INTEGER", year_end=year)
        plan.outputs["period"] = f"replace({text}, '{{end}}', CAST({year} AS VARCHAR))"
        return
    if dataset.period is None:
        plan.outputs.update(year_start=year, year_end=year, period="NULL")
        return
    start, end = (int(y) for y in dataset.period)
    wording = (dataset.period_text or "{start}-{end}").format(start=start, end=end)
    flags = dataset.options.period_flags
    outside = _flagged(plan, flags and flags.outside) or "FALSE"
    plan.outputs.update(year="NULL::INTEGER", year_start=f"CASE WHEN {outside} THEN NULL ELSE {start} END",
                        year_end=f"CASE WHEN {outside} THEN NULL ELSE {end} END")  # fmt: skip
    plan.outputs["period"] = (
        f"CASE WHEN {outside} THEN {db.literal(f'outside {start}-{end} (survey year not published)')} "
        f"ELSE {db.literal(wording)} END"
    )


def _flagged(plan: Plan, flag: str | None) -> str | None:
    """SQL true where the row's note column holds footnote flag `flag` (e.g. 'x' in 'x,y'); None without one."""
    if not flag or "note" not in plan.columns:
        return None
    return f"coalesce(list_contains(string_split(replace(r.note, ' ', ''), ','), {db.literal(flag)}), FALSE)"


def qualifier_sql(note: str, value: str) -> str:
    """SQL of the qualifier of the value's own figure quoted in a note: '"nearly 138 million"', value 138 → 'nearly'."""
    pattern = db.literal(f'"[^"]*?\\b({"|".join(QUALIFIERS)})\\s+([0-9][0-9.,]*[0-9]|[0-9])')
    same = f"replace(regexp_extract({note}, {pattern}, 2), ',', '') = replace(trim({value}), ',', '')"
    return f"CASE WHEN {same} THEN lower(regexp_extract({note}, {pattern}, 1)) END"


def precision_sql(column: str) -> str:
    """SQL of the rounding step of a published number ('21.7' → 0.1, '138' → 1), before scaling."""
    decimals = f"length(regexp_extract(trim({column}), '^-?[0-9,]*\\.([0-9]+)$', 1))"
    return f"CASE WHEN regexp_full_match(trim({column}), '^[<>]?-?[0-9,]*\\.?[0-9]+$') THEN pow(10, -{decimals}) END"


def with_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    """An observations frame built in Python, with every column of this module (the period from `year`)."""
    frame = frame.copy()
    for column, value in DEFAULTS.items():
        if column not in frame.columns:
            frame[column] = frame["year"] if column in ("year_start", "year_end") and "year" in frame else value
    return frame
