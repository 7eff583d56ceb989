"""Harmonise one dataset's raw table into observations (the view `obs`), step by step, in DuckDB (etl/mapping.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl import checks, db, mapping, statement
from etl.adapters.table import RawTable
from etl.countries import Resolver
from etl.mapping import Plan
from etl.problems import Problem
from etl.registry import Dataset
from warehouse.schema import OBSERVATION_KEY, OBSERVATIONS

#: Why a step drops a row (None: the row is an error, reported as a problem instead).
STAGES = {
    1: "filtered out by the registry",
    2: "indicator not used",
    3: None,  # area: unknown or empty (errors), an aggregate without a code or a deliberate drop (counted)
    4: None,  # sex not used (counted with the value)
    5: "no year",
    6: None,  # not a year / implausible year
    7: None,  # not a number
    8: "no value",
    9: None,  # bound not a number
}
OBS = "obs"


@dataclass
class Harmonised:
    """Observations of one dataset (view `obs`, or None), its problems, rows dropped on purpose by reason, rows read."""

    con: duckdb.DuckDBPyConnection
    name: str | None
    problems: list[Problem] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    rows_in: int = 0

    def frame(self) -> pd.DataFrame:
        """The observations in file order, as a pandas frame with exactly the OBSERVATIONS columns."""
        if not self.name:
            return pd.DataFrame(columns=OBSERVATIONS.names)
        return self.con.execute(f"SELECT {', '.join(OBSERVATIONS.names)} FROM {OBS} ORDER BY _row, _order").df()

    def close(self) -> None:
        self.con.close()


def harmonise(
    raw: RawTable, dataset: Dataset, source: tuple[str, str], resolver: Resolver, label: str, default_indicator=None
) -> Harmonised:
    """Turn an adapter's raw table into observations; `source` is (source id, edition)."""
    con, dropped = raw.con, Counter(raw.skipped)
    if raw.name is None:
        return Harmonised(con, None, [], dropped)
    plan = Plan(con, raw, dataset, label)
    _build(plan, dataset, resolver, default_indicator)
    if plan.fatal:
        return Harmonised(con, None, plan.problems, dropped)
    plan.define_stage()
    dropped.update(_drops(plan))
    plan.problems += _row_problems(plan, dataset, resolver)
    _keep(plan, dataset, source)
    if dataset.options.on_duplicate == "drop":
        _drop_duplicates(plan)
    dropped.update(plan.more_drops)
    names = {c: raw.source_columns.get(c, c) for c in ("value", "lower", "upper")}
    plan.problems += checks.check_ranges(con, OBS, label, dataset.options.range, names)
    return Harmonised(con, OBS, plan.problems, dropped)


def _build(plan: Plan, dataset: Dataset, resolver: Resolver, default_indicator) -> None:
    """Map every raw column; a row a step cannot use is dropped there, so later steps never see it."""
    mapping.filters(plan, dataset.filters)
    mapping.indicator(plan, dataset, default_indicator)
    if plan.fatal:
        return
    mapping.area(plan, resolver, dataset.area_kind)
    mapping.sex(plan, dataset)
    mapping.age(plan, dataset)
    mapping.year(plan, dataset.year if dataset.period is None else dataset.period[1])
    if plan.fatal:
        return
    mapping.values(plan, dataset.unit)
    statement.apply(plan, dataset)
    mapping.scale_unit_note(plan, dataset)


def _drops(plan: Plan) -> Counter:
    """Rows dropped on purpose, by reason (errors are reported as problems, not counted)."""
    counts = Counter()
    if not plan.conditions:
        return counts
    sql = (
        "SELECT _stage, _area_status, _area_name, _sex_text, count(*) FROM stage WHERE _stage IS NOT NULL GROUP BY ALL"
    )
    for stage, area_status, area_name, sex_text, n in plan.con.execute(sql).fetchall():
        plan.stages[stage] = plan.stages.get(stage, 0) + n
        if STAGES.get(stage):
            counts[STAGES[stage]] += n
        elif stage == 3 and area_status == 2:
            counts[f"aggregate without a region code: {area_name}"] += n
        elif stage == 3 and area_status == 3:
            counts[f"dropped on purpose (country_aliases.csv): {area_name}"] += n
        elif stage == 4:
            counts[f"sex not used: {sex_text}"] += n
    return counts


def _row_problems(plan: Plan, dataset: Dataset, resolver: Resolver) -> list[Problem]:
    """Problems naming the rows each step could not use, in step order."""
    label, problems = plan.label, []
    if plan.stages.get(3):
        empty = plan.flagged("_stage = 3 AND _area_status = 4", "area", "''")
        problems += checks.rows_problems("required", "empty area (country or region)", empty, label)
        sql = (
            "SELECT _area_name, min(_row), count(*) FROM stage WHERE _stage = 3 AND _area_status = 1 "
            "GROUP BY 1 ORDER BY 2"
        )
        unknown, dropped = plan.con.execute(sql).fetchall(), dataset.options.unknown_areas == "drop"
        problems += checks.check_areas(unknown, label, plan.column("area"), resolver.reference_dir, dropped)
        if dropped:
            plan.more_drops.update({f"unknown area: {name}": n for name, _row, n in unknown})
    if plan.stages.get(6):
        not_years = plan.flagged("_stage = 6 AND _year_status = 2", "year", "_year_text")
        implausible = plan.flagged("_stage = 6 AND _year_status = 3", "year", "_year_text")
        problems += checks.check_years(not_years, implausible, mapping.year_window(dataset), label)
    if plan.stages.get(7):
        flagged, codes = plan.flagged("_stage = 7", "value", "_value_text"), dataset.options.value_map
        problems += mapping.check_codes(flagged, codes, label) if codes else checks.check_values(flagged, label)
    if dataset.options.thousands != "," and plan.thousands:
        reached = "(_stage IS NULL OR _stage >= 7) AND _value_status = 3"
        first = plan.flagged(reached, "value", "_value_text")
        texts = db.column(plan.con, f"SELECT DISTINCT _value_text FROM stage WHERE {reached}") if first else []
        problems += checks.check_thousand_separators(texts, first, label)
    if plan.stages.get(9):
        problems += checks.check_values(plan.flagged("_stage = 9 AND _lower_status = 4", "lower", "_lower_text"), label)
        upper = "_stage = 9 AND _lower_status <> 4 AND _upper_status = 4"
        problems += checks.check_values(plan.flagged(upper, "upper", "_upper_text"), label)
    return problems


def _keep(plan: Plan, dataset: Dataset, source: tuple[str, str]) -> None:
    """View (or table, to delete duplicates from) `kept`: the kept rows; view `obs`: them in OBSERVATIONS columns."""
    position = ", _row, _order" + (", _column" if "_column" in plan.raw.columns else "")
    position += "".join(f", _{name}_text" for name in ("value", "lower", "upper") if f"_{name}_text" in plan.extras)
    varying = ", ".join(f.name for f in OBSERVATIONS if f.name in plan.outputs)
    kind = "TABLE" if dataset.options.on_duplicate == "drop" else "VIEW"
    plan.con.execute(f"CREATE TEMP {kind} kept AS SELECT {varying}{position} FROM stage WHERE _stage IS NULL")
    source_id, edition = source
    constants = {"nature": dataset.nature, "source": source_id, "edition": dataset.edition or edition,
                 "source_file": dataset.file}  # fmt: skip
    columns = ", ".join(
        f"CAST({f.name if f.name in plan.outputs else db.literal(constants[f.name])} "
        f"AS {db.SQL_TYPES[f.type]}) AS {f.name}"
        for f in OBSERVATIONS
    )
    plan.con.execute(f"CREATE TEMP VIEW {OBS} AS SELECT {columns}{position} FROM kept")


def _drop_duplicates(plan: Plan) -> None:
    """options.on_duplicate: drop — a repeated row is kept once; keys with conflicting values go, with warnings."""
    con, keys = plan.con, ", ".join(OBSERVATION_KEY)
    first = f"row_number() OVER (PARTITION BY {keys}, value ORDER BY _row, _order) = 1"
    con.execute(f"CREATE TEMP TABLE distinct_rows AS SELECT * FROM {OBS} QUALIFY {first}")
    con.execute(
        f"CREATE TEMP TABLE clashes AS SELECT * FROM distinct_rows QUALIFY count(*) OVER (PARTITION BY {keys}) > 1"
    )
    total, unique, clashes = con.execute(
        f"SELECT (SELECT count(*) FROM {OBS}), (SELECT count(*) FROM distinct_rows), (SELECT count(*) FROM clashes)"
    ).fetchall()[0]
    plan.more_drops["duplicate row (same key and value)"] += total - unique
    if clashes:
        column = plan.raw.source_columns.get("value", "value")
        plan.problems += checks.check_duplicates(con, "clashes", column=column, severity="warning")
        plan.more_drops["duplicate key with conflicting values"] += clashes
    con.execute(
        "DELETE FROM kept WHERE NOT EXISTS "
        "(SELECT 1 FROM distinct_rows d WHERE d._row = kept._row AND d._order = kept._order) "
        "OR EXISTS (SELECT 1 FROM clashes c WHERE c._row = kept._row AND c._order = kept._order)"
    )
