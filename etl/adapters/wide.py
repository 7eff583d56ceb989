"""Wide tables: value columns (years, or `value_columns` entries) melted into one raw row per non-empty cell."""

from __future__ import annotations

import duckdb

from etl import checks, db
from etl.adapters.columns import filter_columns, find_column, pick
from etl.adapters.table import CELLS, FILTER, RAW, FileTable, RawTable, footnote_rows, refused
from etl.registry import Dataset

WIDE_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("country_or_area", "Country", "country", "area", "Entity", "Country Name", "Countries and areas"),
    "area_type": ("area_type", "row_type"),
}
_NUMBERS = r"\s*[-+<]?[\d,. ]*\d[\d,. ]*%?\s*"
EMPTY = "''"


def wide_raw(table: FileTable, dataset: Dataset, label: str, letters=False, warn_footnotes=True) -> RawTable:
    """Melt the value columns of a one-row-per-area table; footnote rows are skipped (with warnings in CSV)."""
    con = table.con
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    if not table.columns:
        return RawTable(con, None, problems)
    picked, bad = pick(table.header, dataset, WIDE_DEFAULTS, label, table.header_row, ("area",), letters, table.preview)
    specs, missing = value_specs(con, table.header, dataset, picked, letters)
    found = checks.check_required_columns(missing, table.header, label, table.header_row) if missing else []
    if bad or found:
        return refused(table, problems, bad + found, picked)
    area, skipped = picked["area"], {}
    notes = footnote_rows(con, db.ident(area), [db.ident(c) for c in specs])
    if notes:
        problems += checks.check_footnote_rows(notes, label, area) if warn_footnotes else []
        skipped["footnote or notes row"] = len(notes)
    name = melt(con, picked, specs, filter_columns(table.header, dataset, letters))
    return RawTable(con, name, problems, {**picked, "value": "<value columns>"}, skipped)


def melt(con: duckdb.DuckDBPyConnection, ids: dict[str, str], specs: dict[str, dict], extras: dict[str, str]):
    """The raw table (its name, or None): a row per non-empty cell of each value column of `specs`, `ids` repeated."""
    branches = [_branch(column, fixed, ids, extras) for column, fixed in specs.items()]
    if not branches:
        return None
    names = list(dict.fromkeys(name for branch in branches for name in branch))
    selects = []
    for order, (column, branch) in enumerate(zip(specs, branches, strict=True)):
        listed = ", ".join(f"{branch.get(name, EMPTY)} AS {db.ident(name)}" for name in names)
        selects.append(f"SELECT {listed}, _row, {order} AS _order FROM {CELLS} WHERE NOT {db.blank(db.ident(column))}")
    con.execute(f"CREATE TEMP TABLE {RAW} AS " + " UNION ALL ".join(selects))  # a table: later steps query it often
    return RAW


def _branch(column: str, fixed: dict, ids: dict[str, str], extras: dict[str, str]) -> dict[str, str]:
    """The SQL expression of each raw column for the cells of one value column."""
    select = {name: db.ident(source) for name, source in ids.items()}
    for key, source in extras.items():
        select[FILTER + key] = db.ident(source)
    select["value"] = db.ident(column)
    for name, value in fixed.items():
        if name.endswith("_column"):
            if value:
                select[name.removesuffix("_column")] = db.ident(value)
        elif value is not None:
            select[name] = db.literal(repr(value) if isinstance(value, float) else str(value))
    select["_column"] = db.literal(column)
    return select


def value_specs(con, columns: list[str], dataset: Dataset, ids: dict[str, str], letters: bool = False):
    """{value column: fixed values, `*_column` its flags or bounds} and the registry's columns missing from the file."""
    if not dataset.value_columns:  # every mostly-numeric column, named after itself, flags in `<column>_note`
        used = set(ids.values())
        specs = {
            column: {"indicator": column, "note_column": find_column(columns, f"{column}_note")}
            for column in columns
            if column not in used
            and not column.startswith("Unnamed")
            and not column.lower().endswith(("_note", " note", "note"))
            and _mostly_numbers(con, column)
        }
        return specs, {}
    specs, missing = {}, {}
    for wanted, spec in dataset.value_columns.items():
        column = find_column(columns, wanted, letters)
        if column is None:
            missing[f"value_columns.{wanted}"] = wanted
            continue
        note = find_column(columns, spec.note_column, letters) if spec.note_column else None
        if spec.note_column and note is None:
            missing[f"value_columns.{wanted}.note_column"] = spec.note_column
        if note is None and getattr(dataset.options, "note_flags", None) == "next":  # excel only
            position = columns.index(column) + 1
            note = columns[position] if position < len(columns) else None
        specs[column] = {"indicator": spec.indicator, "sex": spec.sex, "age": spec.age, "unit": spec.unit,
                         "scale": spec.scale, "note_column": note}  # fmt: skip
    return specs, missing


def _mostly_numbers(con, column: str) -> bool:
    """Whether at least half of the column's non-empty cells are written as numbers."""
    cell = db.ident(column)
    numbers, cells = con.execute(
        f"SELECT count(*) FILTER (WHERE regexp_full_match({cell}, ?)), count(*) FROM {CELLS} "
        f"WHERE NOT {db.blank(cell)}",
        [_NUMBERS],
    ).fetchall()[0]
    return bool(cells) and numbers / cells >= 0.5
