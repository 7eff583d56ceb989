"""The headline rule and plausibility flags of data/reference/headline.yaml, applied after every source is read."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import yaml
from pydantic import Field, ValidationError

from etl import db
from etl.problems import Problem
from etl.registry import StrictModel, unreadable
from warehouse.progress_text import rounded

FILE = "headline.yaml"


class Plausibility(StrictModel):
    """Values more than `ratio` times the previous one of their series (or below 1/ratio) are flagged."""

    indicator: str
    ratio: float = Field(gt=1)
    why: str


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
    except (yaml.YAMLError, ValidationError) as exc:
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
    problems = [p for check in rules.plausibility for p in _jumps(con, table, check)]
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


def _jumps(con: duckdb.DuckDBPyConnection, table: str, check: Plausibility) -> list[Problem]:
    """Flag (note) and report the values of `check.indicator` that jumped by more than its ratio."""
    found = con.execute(
        f"""
        WITH ordered AS (
          SELECT rowid AS id, iso3, value, source_file, coalesce(year, year_end) AS at_year,
            lag(value) OVER w AS before, lag(coalesce(year, year_end)) OVER w AS before_year
          FROM {table} WHERE indicator = ? AND value IS NOT NULL
          WINDOW w AS (PARTITION BY iso3, sex, age, source, comparability ORDER BY coalesce(year, year_end))
        )
        SELECT id, iso3, value, before, at_year, before_year, source_file FROM ordered
        WHERE before > 0 AND value > 0 AND (value / before > ? OR before / value > ?) ORDER BY iso3, at_year
        """,
        [check.indicator, check.ratio, check.ratio],
    ).fetchall()
    problems = []
    for row_id, iso3, value, before, at, before_at, file in found:
        text = (  # rounded half up like every number a page shows (the pages reword this note)
            f"flagged by Delta 8.7: {rounded(value / before, 1)} times the value of {before_at} "
            f"({rounded(before, 0):,}); implausible, check with the publisher before use"
        )
        # a partial run carries rows over from the last release with the flag already in their note
        sql = f"UPDATE {table} SET note = concat_ws('; ', note, $text) WHERE rowid = $id AND NOT contains(coalesce(note, ''), $text)"
        con.execute(sql, {"text": text, "id": row_id})
        message = f"{check.indicator}, {iso3}, {at}: {rounded(value, 0):,} is {text.split(': ', 1)[1]}"
        problems.append(Problem("plausibility", message, file, column="value", severity="warning"))
    return problems
