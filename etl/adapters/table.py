"""What adapters produce, in DuckDB: a file's cells (FileTable) and the raw long table harmonise reads (RawTable)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl import db
from etl.adapters.cells import is_footnote
from etl.problems import Problem

#: The view holding a file's cells: one text column per header name read, and `_row`.
CELLS = "cells"
#: The view holding the raw long table: one row per value, each cell as written (never NULL): area, year, value
#: and, where the file has them, indicator, sex, age, lower, upper, note, area_alt, area_type, unit, scale and
#: `filter:<column>` (the columns `filters` names); `_row` (file line or sheet row, named in every problem),
#: `_order` (the value column's position; with `_row` the file order) and, in wide files, `_column`.
RAW = "raw"
FILTER = "filter:"


@dataclass
class FileTable:
    """The cells of one file or sheet: view `cells` in `con`, every cell as written, `_row` the line or sheet row."""

    con: duckdb.DuckDBPyConnection
    header: list[str] = field(default_factory=list)  # every column name of the header, also those not read
    header_row: int | None = None
    problems: list[Problem] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)  # blank rows inside the data, skipped
    preview: list[tuple[int, list[str]]] = field(default_factory=list)  # the first rows, for header hints
    columns: list[str] = field(default_factory=list)  # the header names read into `cells` (none: nothing read)


@dataclass
class RawTable:
    """What an adapter read: view `raw` in `con` (None when nothing is usable) and the problems it saw."""

    con: duckdb.DuckDBPyConnection
    name: str | None = None
    problems: list[Problem] = field(default_factory=list)
    source_columns: dict[str, str] = field(default_factory=dict)  # standard name -> the file's column name
    skipped: dict[str, int] = field(default_factory=dict)  # rows left out on purpose (notes, blank rows), by reason

    @functools.cached_property
    def columns(self) -> list[str]:
        return self.con.table(self.name).columns if self.name else []

    def count(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.name}").fetchall()[0][0] if self.name else 0


def cells_from_frame(table: FileTable, frame: pd.DataFrame) -> FileTable:
    """The cells read in Python (a frame of strings with `_row`) as the `cells` of `table`."""
    db.create_table(table.con, "cells_read", frame)
    table.con.execute("CREATE TEMP VIEW cells_all AS SELECT * FROM cells_read")
    return skip_blank_rows(table)


def skip_blank_rows(table: FileTable) -> FileTable:
    """`cells` = `cells_all` without its blank rows; those before the last data row are reported."""
    con = table.con
    columns = table.columns = [c for c in con.table("cells_all").columns if c != "_row"]
    every = " AND ".join(db.blank(db.ident(c)) for c in columns) or "FALSE"
    blank = db.column(con, f"SELECT _row FROM cells_all WHERE {every} ORDER BY _row")
    if blank:
        last = con.execute(f"SELECT max(_row) FROM cells_all WHERE NOT ({every})").fetchall()[0][0] or 0
        table.blank_rows = [row for row in blank if row < last]
    con.execute(f"CREATE TEMP VIEW {CELLS} AS SELECT * FROM cells_all {without(blank)}")
    return table


def without(rows: list[int]) -> str:
    """A WHERE clause leaving out the given raw rows (empty when there are none)."""
    listed = ", ".join(str(int(r)) for r in sorted(set(rows)))
    return f"WHERE _row NOT IN ({listed})" if rows else ""


def footnote_rows(con: duckdb.DuckDBPyConnection, area: str, empty: list[str]) -> list[tuple[int, str]]:
    """(row, area text) of the rows whose `empty` cells (SQL) are blank and whose area cell is a note or long text."""
    where = " AND ".join(db.blank(sql) for sql in empty) or "TRUE"
    candidates = con.execute(f"SELECT _row, {area} FROM {CELLS} WHERE {where} ORDER BY _row").fetchall()
    return [(row, text) for row, text in candidates if is_footnote(text)]


def refused(table: FileTable, problems: list[Problem], found: list[Problem], columns: dict) -> RawTable:
    """Nothing read because of the header's `found` problems; a wrong header makes rows look ragged, so those go."""
    kept = [p for p in problems if p.check != "ragged-rows"]
    return RawTable(table.con, None, kept + found, columns)
