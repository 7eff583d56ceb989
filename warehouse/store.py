"""The one data-access object: read-only, parameterised DuckDB queries over the `Release` a request pinned.

Each query runs on its own cursor of a per-process in-memory connection over immutable Parquet files, which is
safe under threads and under a concurrent publish (../shared/TOOLCHAIN.md section 6.7).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

import config
from warehouse.releases import QueryTimeout, Release, ReleaseError, Releases
from warehouse.schema import DOWNLOAD, LATER_TABLES, OBSERVATIONS, TABLES

#: DuckDB settings of each worker's connection. A low allocator flush threshold hands freed memory back to the
#: OS sooner; no memory_limit, so that a sorted download can use what it needs.
CONNECTION_CONFIG = {"threads": 2, "allocator_flush_threshold": "16MB"}

#: Columns a caller may sort observations by: every column of a download (area_name: the English display name,
#: accents and case ignored).
SORTABLE = tuple(DOWNLOAD.names)
#: The area's display name in the release, from the countries or regions table (joined as c and g).
AREA_NAME = "coalesce(c.name, g.name, o.iso3)"
#: The first and last year a row covers: its year, else the known ends of its period.
FIRST_YEAR, LAST_YEAR = "coalesce(o.year, o.year_start, o.year_end)", "coalesce(o.year, o.year_end, o.year_start)"
DEFAULT_ORDER = (("indicator", True), ("iso3", True), ("year", True))
_CODE_FILTERS = (
    ("indicators", "indicator"),
    ("areas", "iso3"),
    ("sexes", "sex"),
    ("ages", "age"),
    ("sources", "source"),
    ("natures", "nature"),
)


@dataclass(frozen=True)
class ObservationFilter:
    """A slice of the observations table; empty tuples mean no restriction, `licensed` keeps only those sources."""

    indicators: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()  # ISO3 or region codes, matched on observations.iso3
    groups: tuple[str, ...] = ()  # region codes: keep the countries region_members lists in any of them
    year_from: int | None = None
    year_to: int | None = None
    sexes: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    natures: tuple[str, ...] = ()
    licensed: tuple[str, ...] | None = None
    preferred: bool | None = None  # True: only the headline row of each indicator and area

    def where(self) -> tuple[str, dict]:
        """A WHERE clause over alias `o` with named parameters; values never enter the SQL text."""
        clauses, params = ["TRUE"], {}
        for name, column in _CODE_FILTERS:
            values = getattr(self, name)
            if values:
                clauses.append(f"list_contains(${name}, o.{column})")
                params[name] = list(values)
        if self.groups:
            clauses.append("o.iso3 IN (SELECT m.iso3 FROM {region_members} m WHERE list_contains($groups, m.code))")
            params["groups"] = list(self.groups)
        # A row known only by its period is kept when the known part of the period lies inside the range.
        if self.year_from is not None:
            clauses.append(f"{FIRST_YEAR} >= $year_from")
            params["year_from"] = int(self.year_from)
        if self.year_to is not None:
            clauses.append(f"{LAST_YEAR} <= $year_to")
            params["year_to"] = int(self.year_to)
        if self.preferred is not None:
            clauses.append("o.preferred = $preferred")
            params["preferred"] = bool(self.preferred)
        if self.licensed is not None:
            clauses.append("list_contains($licensed, o.source)")
            params["licensed"] = list(self.licensed)
        return " AND ".join(clauses), params


class Warehouse:
    """Read access to the releases in one warehouse folder: `releases` resolves, the methods query."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else config.settings().warehouse_dir
        self.releases = Releases(self.root)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None

    def _cursor(self, seconds: float) -> duckdb.DuckDBPyConnection:
        """A cursor whose statements DuckDB stops after `seconds` (each cursor has its own limit)."""
        with self._lock:
            if self._con is None:
                self._con = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
            cursor = self._con.cursor()
        cursor.execute(f"SET max_execution_time = {max(1, int(seconds * 1000))}")
        return cursor

    def _failure(self, release: Release, exc: Exception, seconds: float) -> Exception:
        """What a failed query means: a time limit reached, a release that no longer verifies, or a bug (itself)."""
        if isinstance(exc, duckdb.InterruptException) or "INTERRUPT" in str(exc):
            return QueryTimeout(
                f"the query took longer than {seconds:g} s and was stopped; ask for less data "
                "(narrower filters, or the bulk download for everything)"
            )
        if self.releases.suspect(release):  # e.g. a Parquet file damaged on disk: fall back to the last good release
            return ReleaseError(f"release {release.id} could not be read and no longer matches its checksums")
        return exc

    @staticmethod
    def _sql(release: Release, sql: str) -> tuple[str, dict]:
        tables = {name: f"read_parquet($_t_{name})" for name in TABLES if "{" + name + "}" in sql}
        params = {f"_t_{name}": str(release.table_path(name)) for name in tables}
        return sql.format(**tables), params

    def query(self, release: Release, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run one of this package's SQL templates (`{table}` placeholders) with named parameters."""
        text, table_params = self._sql(release, sql)
        seconds = config.settings().query_timeout
        cursor = self._cursor(seconds)
        try:
            return cursor.execute(text, {**table_params, **(params or {})}).df()
        except duckdb.Error as exc:
            raise self._failure(release, exc, seconds) from exc
        finally:
            cursor.close()

    def table(self, release: Release, name: str) -> pd.DataFrame:
        """A whole small table (indicators, countries, regions, sources, ...); empty where an older release lacks
        one of the LATER_TABLES."""
        if name not in TABLES:
            raise KeyError(name)
        if name in LATER_TABLES and name not in release.manifest.get("tables", {}):
            return pd.DataFrame(columns=TABLES[name].names)
        return self.query(release, "SELECT * FROM {" + name + "}")

    def indicators(self, release: Release) -> pd.DataFrame:
        return self.table(release, "indicators")

    def countries(self, release: Release) -> pd.DataFrame:
        return self.table(release, "countries")

    def regions(self, release: Release) -> pd.DataFrame:
        return self.table(release, "regions")

    def sources(self, release: Release) -> pd.DataFrame:
        return self.table(release, "sources")

    def source_files(self, release: Release) -> pd.DataFrame:
        return self.table(release, "source_files")

    def commitments(self, release: Release, iso3: str | None = None) -> pd.DataFrame:
        if iso3 is None:
            return self.table(release, "commitments")
        return self.query(release, "SELECT * FROM {commitments} WHERE iso3 = $iso3", {"iso3": iso3.upper()})

    def progress(self, release: Release, indicator: str | None = None, iso3: str | None = None) -> pd.DataFrame:
        return self.query(
            release,
            "SELECT * FROM {progress} WHERE ($indicator IS NULL OR indicator = $indicator)"
            " AND ($iso3 IS NULL OR iso3 = $iso3)",
            {"indicator": indicator, "iso3": iso3},
        )

    def observations(
        self,
        release: Release,
        where: ObservationFilter = ObservationFilter(),
        order_by: Sequence[tuple[str, bool]] = DEFAULT_ORDER,
        limit: int | None = None,
        offset: int = 0,
        named: bool = False,
        columns: Sequence[str] | None = None,
        area_order: Sequence[str] = (),
    ) -> pd.DataFrame:
        """Observations matching `where`, sorted by (column, ascending) pairs, optionally paged (see _observation_sql)."""
        sql, params = _observation_sql(where, order_by, limit, offset, named, columns, area_order)
        return self.query(release, sql, params)

    def count_observations_by_source(
        self, release: Release, where: ObservationFilter = ObservationFilter()
    ) -> dict[str, int]:
        """How many observations matching `where` each source holds (sources with none are left out)."""
        clause, params = where.where()
        sql = "SELECT o.source, count(*) AS n FROM {observations} o WHERE " + clause + " GROUP BY o.source"
        frame = self.query(release, sql + " ORDER BY o.source", params)
        return {str(s): int(n) for s, n in zip(frame["source"], frame["n"], strict=True)}

    def observation_batches(
        self,
        release: Release,
        where: ObservationFilter = ObservationFilter(),
        batch_rows: int = 50_000,
        order_by: Sequence[tuple[str, bool]] | None = None,
        limit: int | None = None,
        offset: int = 0,
        named: bool = False,
    ) -> Iterator[pa.RecordBatch]:
        """Observations matching `where`, streamed as Arrow record batches of at most `batch_rows` rows, under one
        export time limit for the whole stream. `order_by=None` skips the sort: plain rows come in the file's order
        (the release key, SORT_KEYS), `named` rows (joined to the area names) in no set order."""
        sql, params = _observation_sql(where, order_by, limit, offset, named)
        text, table_params = self._sql(release, sql)
        seconds = config.settings().export_timeout
        cursor = self._cursor(seconds)
        # The limit covers the whole stream, pauses of a slow reader included: a download holds a worker thread.
        deadline = time.monotonic() + seconds
        try:
            for batch in cursor.sql(text, params={**table_params, **params}).to_arrow_reader(batch_rows):
                if time.monotonic() > deadline:
                    raise duckdb.InterruptException("INTERRUPT: export time limit")
                yield batch
        except (duckdb.Error, OSError, pa.ArrowException) as exc:  # errors while streaming arrive through Arrow
            raise self._failure(release, exc, seconds) from exc
        finally:
            cursor.close()

    def observation_values(self, release: Release, column: str) -> list:
        """The distinct non-null values of one observations column, sorted (e.g. every age band in a release)."""
        if column not in OBSERVATIONS.names:
            raise ValueError(f"unknown observations column {column!r}; columns: {', '.join(OBSERVATIONS.names)}")
        sql = f"SELECT DISTINCT o.{column} AS v FROM {{observations}} o WHERE o.{column} IS NOT NULL ORDER BY v"
        return self.query(release, sql)["v"].tolist()

    def indicator_coverage(self, release: Release, where: ObservationFilter = ObservationFilter()) -> pd.DataFrame:
        """Per indicator, of the observations matching `where` that hold a value: how many, the countries they cover,
        the first and last year (a period's known end counts, as in the year filters): the coverage columns of the
        indicators table, counted as the ETL counts them."""
        clause, params = where.where()
        return self.query(
            release,
            "SELECT o.indicator AS code, count(*) AS observations, count(DISTINCT o.iso3) FILTER (WHERE o.iso3 IN "
            f"(SELECT iso3 FROM {{countries}})) AS countries, min({FIRST_YEAR}) AS first_year, max({LAST_YEAR}) AS "
            f"last_year FROM {{observations}} o WHERE o.value IS NOT NULL AND {clause} GROUP BY o.indicator",
            params,
        )

    def observation_counts(self, release: Release) -> pd.DataFrame:
        """Per indicator and area: non-null observations, first and latest year (pickers, gap statements)."""
        return self.query(
            release,
            "SELECT indicator, iso3, count(*) AS n, min(coalesce(year, year_start, year_end)) AS first_year,"
            " max(coalesce(year, year_end, year_start)) AS last_year"
            " FROM {observations} WHERE value IS NOT NULL GROUP BY indicator, iso3 ORDER BY indicator, iso3",
        )

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


#: The select list of a named query (schema.DOWNLOAD): the area's display name from the countries or regions.
_NAMED = ", ".join(f"{AREA_NAME} AS area_name" if name == "area_name" else f"o.{name}" for name in DOWNLOAD.names)


def _observation_sql(
    where: ObservationFilter, order_by, limit, offset, named=False, columns=None, area_order=()
) -> tuple[str, dict]:
    """The observations query: filtered, ordered (None: release order), paged; `named`: schema.DOWNLOAD columns;
    `columns`: only these observations columns (a caller that needs a few of a large slice); `area_order`: area
    codes in a reader's alphabetical order, which a sort by area_name then follows (else the English names)."""
    clause, params = where.where()
    if not set(columns or ()) <= set(OBSERVATIONS.names):
        raise ValueError(f"unknown observations column in {columns!r}; columns: {', '.join(OBSERVATIONS.names)}")
    selected = _NAMED if named else ", ".join(f"o.{column}" for column in columns) if columns else "o.*"
    chosen = dict(order_by or ())
    source = "{observations} o"
    if named or "area_name" in chosen:
        source += " LEFT JOIN {countries} c ON c.iso3 = o.iso3 LEFT JOIN {regions} g ON g.code = o.iso3"
    sql = f"SELECT {selected} FROM {source} WHERE " + clause
    if order_by is not None:
        order = []
        for column, ascending in order_by:
            if column not in SORTABLE:
                raise ValueError(f"cannot sort by {column!r}; sortable columns: {', '.join(SORTABLE)}")
            key = f"o.{column}"
            if column == "area_name":
                key = "list_position($area_order, o.iso3)" if area_order else f"{AREA_NAME} COLLATE noaccent.nocase"
            order.append(f"{key} {'ASC' if ascending else 'DESC'} NULLS LAST")
        if area_order and "area_name" in chosen:
            params["area_order"] = list(area_order)
        order += [f"o.{c}" for c in ("indicator", "iso3", "year", "sex", "age", "source") if c not in chosen]
        sql += " ORDER BY " + ", ".join(order)
    if limit is not None:
        sql += " LIMIT $limit OFFSET $offset"
        params.update(limit=int(limit), offset=int(offset))
    return sql, params


_default: Warehouse | None = None
_default_lock = threading.Lock()


def get_warehouse() -> Warehouse:
    """The process-wide Warehouse for the configured folder (re-created if the folder setting changes)."""
    global _default
    root = config.settings().warehouse_dir
    with _default_lock:
        if _default is None or _default.root != root:
            _default = Warehouse(root)
        return _default
