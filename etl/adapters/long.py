"""Long tables (one value per row): pick the dataset's columns, skip footnote rows, define the raw view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from etl import checks, db
from etl.adapters.columns import REQUIRED, filter_columns, pick
from etl.adapters.delimited import read_csv
from etl.adapters.table import CELLS, FILTER, RAW, FileTable, RawTable, footnote_rows, refused, without
from etl.registry import Dataset

#: Extra raw columns computed from the picked ones: standard name → SQL expression, given the picked columns.
Fixed = Callable[[dict[str, str]], dict[str, str]]


def read_long(con, path: Path, dataset: Dataset, label: str, defaults, fixed: Fixed | None = None) -> RawTable:
    """Read a long CSV, loading only the columns the dataset uses; `defaults` may depend on the header."""

    def candidates(names: list[str]) -> dict:
        return defaults(names) if callable(defaults) else defaults

    def wanted(names: list[str]) -> list[str] | None:
        picked, bad = pick(names, dataset, candidates(names), label, None)
        return None if bad else [*picked.values(), *filter_columns(names, dataset).values()]

    table = read_csv(con, path, label, dataset.options, wanted=wanted)
    return long_raw(table, dataset, label, candidates(table.header), fixed=fixed)


def long_raw(table: FileTable, dataset: Dataset, label: str, defaults: dict, letters=False, fixed=None) -> RawTable:
    """Pick the standard columns of a long table and drop its footnote rows; `fixed` adds computed columns."""
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    if not table.columns:
        return RawTable(table.con, None, problems)
    picked, bad = pick(table.header, dataset, defaults, label, table.header_row, REQUIRED, letters, table.preview)
    if bad:
        return refused(table, problems, bad, picked)
    select = {name: db.ident(column) for name, column in picked.items()}
    for key, column in filter_columns(table.header, dataset, letters).items():
        select[FILTER + key] = db.ident(column)
    select.update(fixed(picked) if fixed else {})
    empty = [select[name] for name in ("value", "year") if name in select]
    notes = footnote_rows(table.con, select["area"], empty)
    found = checks.check_footnote_rows(notes, label, picked["area"])
    columns = ", ".join(f"{expression} AS {db.ident(name)}" for name, expression in select.items())
    where = without([row for row, _text in notes])
    table.con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT {columns}, _row, 0 AS _order FROM {CELLS} {where}")
    return RawTable(table.con, RAW, problems + found, picked)
