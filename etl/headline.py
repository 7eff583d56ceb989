"""The headline rule and plausibility flags of data/reference/headline.yaml, applied after every source is read."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa
import yaml
from pydantic import Field, ValidationError

from etl import db
from etl.problems import Problem
from etl.registry import StrictModel, unreadable
from warehouse.progress_text import FALLS, rounded

FILE = "headline.yaml"


class Plausibility(StrictModel):
    """Values more than `ratio` times the previous one of their series (or below 1/ratio) are flagged, unless
    the two differ by less than `min_change` (in the unit); `reading` says what such a jump most likely means."""

    indicator: str
    ratio: float = Field(ge=2)
    min_change: float = Field(default=0, ge=0)
    reading: Literal["implausible", "survey change"] = "implausible"
    why: str


#: The end of a flag note, after the change, by the check's `reading`.
READINGS = {
    "implausible": "implausible, check with the publisher before use",
    "survey change": "may reflect a change of survey design or definition, check the publisher's notes",
}


class Rules(StrictModel):
    """The contents of headline.yaml: source preference per indicator, plausibility checks."""

    sources: dict[str, list[str]] = Field(default_factory=dict)
    plausibility: list[Plausibility] = Field(default_factory=list)


def load_rules(reference_dir: Path) -> tuple[Rules, list[Problem]]:
    """headline.yaml, validated (a missing file means no preference and no checks)."""
    path = Path(reference_dir) / FILE
    if not path.is_file():
        return Rules(), []
    try:
        return Rules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {}), []
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as exc:
        return Rules(), [Problem("reference", f"cannot read the headline rule: {unreadable(exc)}", str(path))]


def check_rules(rules: Rules, indicators: set[str], sources: set[str], label: str) -> list[Problem]:
    """Unknown indicator codes or source ids in the rules (a typo would silently change headlines)."""
    problems = [
        Problem("reference", "unknown indicator in the headline rule", label, column="sources", value=code)
        for code in [*rules.sources, *(p.indicator for p in rules.plausibility)]
        if code not in indicators
    ]
    named = {s for order in rules.sources.values() for s in order}
    problems += [
        Problem("reference", "unknown source id in the headline rule", label, column="sources", value=source)
        for source in sorted(named - sources)
    ]
    return problems


def source_order(code: str, found: list[str], rules: Rules) -> list[str]:
    """An indicator's sources in the rule's order: the listed ones first, then the others by id."""
    listed = [s for s in rules.sources.get(code, []) if s in found]
    return listed + sorted(set(found) - set(listed))


def mark(con: duckdb.DuckDBPyConnection, indicators: pd.DataFrame, rules: Rules, table: str = "observations") -> list:
    """Flag non-standard ages and implausible jumps, then mark the preferred rows of `table`; the warnings."""
    ages = indicators["standard_age"] if "standard_age" in indicators else pd.Series("", index=indicators.index)
    standard = pd.DataFrame({"code": indicators["code"], "standard_age": ages.fillna("")})
    standard = standard[standard["standard_age"] != ""]
    db.create_table(con, "standard_ages", standard.astype(str))
    con.execute(
        f"UPDATE {table} o SET age_nonstandard = TRUE FROM standard_ages s "
        "WHERE o.indicator = s.code AND o.age IS DISTINCT FROM s.standard_age"
    )
    decimals = dict(zip(indicators["code"], indicators["decimals"], strict=True)) if "decimals" in indicators else {}
    problems = [p for check in rules.plausibility for p in _jumps(con, table, check, decimals.get(check.indicator))]
    order = [(code, source, rank) for code, sources in rules.sources.items() for rank, source in enumerate(sources)]
    db.values_table(con, "source_ranks", order, _RANKS)
    con.execute(f"UPDATE {table} SET preferred = FALSE")
    con.execute(f"UPDATE {table} SET preferred = TRUE WHERE rowid IN ({_PREFERRED.format(table=table)})")
    con.execute("DROP TABLE standard_ages")
    return problems


_RANKS = pa.schema([("indicator", pa.string()), ("source", pa.string()), ("rank", pa.int32())])

# The rule of headline.yaml, step by step in the ORDER BY; `standard_ages` and `source_ranks` are joined.
_PREFERRED = """
SELECT rid FROM (
  SELECT o.rid,
    row_number() OVER (
      PARTITION BY o.indicator, o.iso3
      ORDER BY o.sex <> 'total',
        NOT coalesce(CASE WHEN s.standard_age IS NULL THEN o.age = 'all ages'
                     ELSE o.age = s.standard_age AND NOT o.age_nonstandard END, FALSE),
        r.rank IS NULL, r.rank,
        coalesce(o.year, o.year_end) DESC NULLS LAST,
        o.series DESC, o.source, o.age, o.edition, o.year_start NULLS LAST, o.sex, o.value, o.source_file, o.note
    ) AS n
  FROM (
    SELECT rowid AS rid, *,
      count(year) OVER (PARTITION BY indicator, iso3, sex, age, source, comparability) AS series
    FROM {table} WHERE value IS NOT NULL
  ) o
  LEFT JOIN standard_ages s ON s.code = o.indicator
  LEFT JOIN source_ranks r ON r.indicator = o.indicator AND r.source = o.source
) WHERE n = 1
"""


def _figure(value: float, decimals) -> str:
    """A value at its indicator's decimals (a whole one without), rounded half up like every number a page shows."""
    return f"{rounded(value, 0 if float(value).is_integer() else 1 if pd.isna(decimals) else int(decimals)):,}"


def _change(value: float, before: float, before_year: int, report: bool, decimals) -> str:
    """'rose to 3.2 times the value of 2015 (2,100,000)' or 'fell to less than half of the value in the 2015 report
    (54,850)': a reader grasps a fall as a fraction (n below, with before > n times value, 2 <= n <= 10)."""
    then = f"the value in the {before_year} report" if report else f"the value of {before_year}"
    shown = f"({_figure(before, decimals)})"
    if value > before:
        return f"rose to {rounded(value / before, 1)} times {then} {shown}"
    n = min(math.ceil(before / value) - 1, 10)
    return f"fell to {FALLS[n - 2]} of {then} {shown}"


def _jumps(con: duckdb.DuckDBPyConnection, table: str, check: Plausibility, decimals) -> list[Problem]:
    """Flag (note) and report the values of `check.indicator` that jumped by more than its ratio."""
    found = con.execute(
        f"""
        WITH ordered AS (
          SELECT rowid AS id, iso3, sex, age, value, source_file, coalesce(year, year_end) AS at_year,
            lag(value) OVER w AS before, lag(coalesce(year, year_end)) OVER w AS before_year,
            lag(year IS NULL AND year_start IS NULL) OVER w AS before_report
          FROM {table} WHERE indicator = ? AND value IS NOT NULL
          WINDOW w AS (PARTITION BY iso3, sex, age, source, comparability ORDER BY coalesce(year, year_end))
        )
        SELECT id, iso3, sex, age, value, before, at_year, before_year, before_report, source_file FROM ordered
        WHERE before > 0 AND value > 0 AND (value / before > ? OR before / value > ?) AND abs(value - before) >= ?
        ORDER BY iso3, sex, age, at_year
        """,
        [check.indicator, check.ratio, check.ratio, check.min_change],
    ).fetchall()
    problems = []
    for row_id, iso3, sex, age, value, before, at, before_at, report, file in found:
        change = f"{_change(value, before, before_at, report, decimals)}; {READINGS[check.reading]}"
        text = f"flagged by Delta 8.7: {change}"  # the pages reword this note
        # a partial run carries rows over from the last release with the flag already in their note
        sql = (
            f"UPDATE {table} SET note = concat_ws('; ', note, $text) "
            "WHERE rowid = $id AND NOT contains(coalesce(note, ''), $text)"
        )
        con.execute(sql, {"text": text, "id": row_id})
        message = f"{check.indicator}, {iso3}, {sex}, ages {age}, {at}: {_figure(value, decimals)} {change}"
        problems.append(Problem("plausibility", message, file, column="value", severity="warning"))
    return problems
