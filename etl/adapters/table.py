"""What adapters produce, in DuckDB: a file's cells (FileTable) and the raw long table harmonise reads (RawTable)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl import db
from etl.problems import Problem

#: The view holding a file's cells: one text column per header name read, and `_row`.
CELLS = "cells"
#: The view holding the raw long table (see etl/adapters/__init__.py).
RAW = "raw"
#: Prefix of the raw columns holding the file columns named in `dataset.filters`.
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
        """How many values the raw table holds."""
        return self.con.execute(f"SELECT count(*) FROM {self.name}").fetchall()[0][0] if self.name else 0

    def frame(self) -> pd.DataFrame:
        """The raw table as a pandas frame of strings, in file order (for inspection and tests)."""
        if not self.name:
            return pd.DataFrame()
        return self.con.execute(f"SELECT * FROM {self.name} ORDER BY _row, _order").df()


def cells_from_frame(table: FileTable, frame: pd.DataFrame) -> FileTable:
    """The cells read in Python (a frame of strings with `_row`) as the `cells` of `table`."""
    db.create_table(table.con, "cells_read", frame)
    table.con.execute("CREATE TEMP VIEW cells_all AS SELECT * FROM cells_read")
    return skip_blank_rows(table)


def skip_blank_rows(table: FileTable) -> FileTable:
    """`cells` = `cells_all` without the rows whose every cell is blank; those before the last data row are
    reported."""
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


def empty(con: duckdb.DuckDBPyConnection, problems: list[Problem]) -> FileTable:
    """A FileTable with no cells (the file could not be read), carrying the problems found."""
    return FileTable(con, problems=problems)
