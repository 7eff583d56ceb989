"""DuckDB helpers shared by the ETL: quoted names and literals, the warehouse types in SQL, frames in and out."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

#: DuckDB's working memory in the ETL: a large file costs disk, not all of the machine's memory. The sort of a
#: release's observations spills beyond it; with the interpreter's own memory, the ETL's peak RSS stays under 1 GB.
MEMORY_LIMIT = "700MB"
#: The SQL type of each Arrow type the warehouse schema uses.
SQL_TYPES = {pa.string(): "VARCHAR", pa.int32(): "INTEGER", pa.int64(): "BIGINT", pa.float64(): "DOUBLE",
             pa.bool_(): "BOOLEAN"}  # fmt: skip


def connect(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor of `con` (its temporary tables and views are its own), or a new in-memory database that holds
    at most MEMORY_LIMIT and spills larger sorts, joins and aggregates to a temporary folder."""
    if con is not None:
        return con.cursor()
    spill = Path(tempfile.gettempdir()) / "delta87-etl-spill"
    return duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})


def ident(name: str) -> str:
    """A column or table name quoted for SQL."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(value) -> str:
    """A Python value as an SQL literal (text, number, boolean or NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"CAST('{value!r}' AS DOUBLE)"
    return "'" + str(value).replace("'", "''") + "'"


def blank(column: str) -> str:
    """SQL that is true where a text column is empty or whitespace."""
    return f"regexp_full_match({column}, '\\s*')"


def casts(schema: pa.Schema) -> str:
    """A select list casting each column of `schema` to its warehouse type."""
    return ", ".join(f"CAST({ident(f.name)} AS {SQL_TYPES[f.type]}) AS {ident(f.name)}" for f in schema)


def create_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame | pa.Table) -> None:
    """Copy a pandas frame or Arrow table into a new temporary DuckDB table (private to `con`)."""
    con.register("_incoming", frame)
    try:
        con.execute(f"CREATE TEMP TABLE {ident(name)} AS SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")


def values_table(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple], schema: pa.Schema) -> None:
    """A small table of Python rows (e.g. one mapping per distinct raw value), readable by name in `con`."""
    con.register(name, pa.Table.from_pylist([dict(zip(schema.names, row, strict=True)) for row in rows], schema=schema))


def column(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    """The first column of a query's rows."""
    return [row[0] for row in con.execute(sql, params or []).fetchall()]


def arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """A pandas frame as an Arrow table of exactly `schema` (missing values become nulls; no pandas metadata)."""
    missing = [c for c in schema.names if c not in frame.columns]
    if missing:
        raise ValueError(f"the frame lacks columns {missing}")
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False).replace_schema_metadata()
