"""Long tables (one value per row): pick the dataset's columns, skip footnote rows, define the raw view.

Used by the `tidy`, `sdmx-csv`, `owid` and `ddf` formats and by the long mode of `excel`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from etl import checks, db
from etl.adapters.cells import NOTE_MARKERS, is_footnote
from etl.adapters.columns import REQUIRED, filter_columns, pick
from etl.adapters.delimited import read_csv
from etl.adapters.table import CELLS, FILTER, RAW, FileTable, RawTable, without
from etl.registry import Dataset

#: Extra raw columns computed from the picked ones: standard name → SQL expression, given the picked columns.
Fixed = Callable[[dict[str, str]], dict[str, str]]


def read_long(con, path: Path, dataset: Dataset, label: str, defaults, fixed: Fixed | None = None) -> RawTable:
    """Read a long CSV, loading only the columns the dataset uses; `defaults` may depend on the header."""

    def candidates(names: list[str]) -> dict:
        return defaults(names) if callable(defaults) else defaults

    def wanted(names: list[str]) -> list[str] | None:
        found = pick(names, dataset, candidates(names), label, None)
        return None if found.problems else [*found.columns.values(), *filter_columns(names, dataset).values()]

    table = read_csv(con, path, label, dataset.options, wanted=wanted)
    return long_raw(table, dataset, label, candidates(table.header), fixed=fixed)


def long_raw(table: FileTable, dataset: Dataset, label: str, defaults: dict, letters=False, fixed=None) -> RawTable:
    """Pick the standard columns of a long table and drop its footnote rows; `fixed` adds computed columns."""
    con = table.con
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    if not table.columns:
        return RawTable(con, None, problems)
    picked = pick(table.header, dataset, defaults, label, table.header_row, REQUIRED, letters, table.preview)
    if picked.problems:  # a wrong header makes every row look ragged: report the header, not the rows
        problems = [p for p in problems if p.check != "ragged-rows"]
        return RawTable(con, None, problems + picked.problems, picked.columns)
    select = {name: db.ident(column) for name, column in picked.columns.items()}
    for key, column in filter_columns(table.header, dataset, letters).items():
        select[FILTER + key] = db.ident(column)
    select.update(fixed(picked.columns) if fixed else {})
    notes = footnotes(con, select, dataset.options)
    found = checks.check_footnote_rows(notes, label, picked.columns.get("area", "area"))
    define_raw(con, select, without([row for row, _text in notes]))
    return RawTable(con, RAW, problems + found, picked.columns)


def footnotes(con: duckdb.DuckDBPyConnection, select: dict[str, str], options) -> list[tuple[int, str]]:
    """Footnote rows: no value (nor year) and a note marker or long text in the area cell; (row, area text)."""
    if "area" not in select or "value" not in select:
        return []
    empty = " AND ".join(db.blank(select[name]) for name in ("value", "year") if name in select)
    candidates = con.execute(f"SELECT _row, {select['area']} FROM {CELLS} WHERE {empty} ORDER BY _row").fetchall()
    markers = tuple(options.note_markers or NOTE_MARKERS)
    return [(row, text) for row, text in candidates if is_footnote(text, markers)]


def define_raw(con: duckdb.DuckDBPyConnection, select: dict[str, str], where: str = "") -> None:
    """The raw view: each standard column from its SQL expression over `cells`, plus `_row` and `_order`."""
    columns = ", ".join(f"{expression} AS {db.ident(name)}" for name, expression in select.items())
    con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT {columns}, _row, 0 AS _order FROM {CELLS} {where}")
