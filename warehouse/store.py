"""The one data-access object: read-only, parameterised DuckDB queries over the current release.

Pages, the API and the app call methods named for what they return (`observations(...)`, `country(iso3)`,
`indicators()`); none of them writes SQL. Every query runs on its own cursor of a per-process in-memory
DuckDB connection over `read_parquet(<immutable file>)`, which is safe under threads and under a publish
happening at the same time (see ../shared/TOOLCHAIN.md section 6.7).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

import config
from warehouse import release as rel
from warehouse.schema import OBSERVATIONS, TABLES

log = logging.getLogger(__name__)

#: DuckDB settings of each worker's connection. DuckDB keeps up to `allocator_flush_threshold` of freed memory
#: for reuse (128 MiB by default); 16 MB hands it back to the OS sooner, for a few MB less resident memory per
#: worker under load (issue 7's per-worker goal). No memory_limit: a sorted download must be able to use more.
CONNECTION_CONFIG = {"threads": 2, "allocator_flush_threshold": "16MB"}

#: Columns a caller may sort observations by.
SORTABLE = tuple(OBSERVATIONS.names)

#: The release the current request reads (set by web/release.py), so that every query of one request, and the
#: X-Delta87-Release header naming it, see the same release even if a publish switches CURRENT meanwhile.
_request_release: ContextVar[rel.Release | None] = ContextVar("delta87_request_release", default=None)


def pin_release(release: rel.Release | None) -> Token:
    """Make `Warehouse.resolve()` without an id return `release` in this context; undo with `unpin_release`."""
    return _request_release.set(release)


def unpin_release(token: Token) -> None:
    """Undo `pin_release`."""
    _request_release.reset(token)


class NoRelease(rel.ReleaseError):
    """No release has been published yet (run `delta87 etl run`)."""


@dataclass(frozen=True)
class ObservationFilter:
    """A slice of the observations table. Empty tuples mean "no restriction"."""

    indicators: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()  # ISO3 or region codes, matched on observations.iso3
    groups: tuple[str, ...] = ()  # region codes: keep countries belonging to any of them
    year_from: int | None = None
    year_to: int | None = None
    sexes: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    natures: tuple[str, ...] = ()
    redistributable_only: bool = False

    def __post_init__(self):
        # Codes are strings. Anything else (a forged Dash callback value: a number, a dict, a list) would reach
        # DuckDB as a mistyped parameter and fail as a 500; a ValueError naming the field is a clear 400.
        for name in ("indicators", "areas", "groups", "sexes", "ages", "sources", "natures"):
            bad = [v for v in getattr(self, name) or () if not isinstance(v, str)]
            if bad:
                raise ValueError(f"ObservationFilter.{name} takes codes (strings), got {bad[0]!r:.60}")

    def where(self) -> tuple[str, dict]:
        """A WHERE clause over alias `o` with named parameters; values never enter the SQL text."""
        clauses, params = ["TRUE"], {}
        for name, column in (
            ("indicators", "indicator"),
            ("areas", "iso3"),
            ("sexes", "sex"),
            ("ages", "age"),
            ("sources", "source"),
            ("natures", "nature"),
        ):
            values = getattr(self, name)
            if values:
                clauses.append(f"list_contains(${name}, o.{column})")
                params[name] = list(values)
        if self.groups:
            clauses.append(
                "o.iso3 IN (SELECT c.iso3 FROM {countries} c WHERE list_contains($groups, c.sdg_region)"
                " OR list_contains($groups, c.ilo_region) OR list_contains($groups, c.income_group)"
                " OR list_contains($groups, c.m49_region) OR list_contains($groups, c.m49_subregion))"
            )
            params["groups"] = list(self.groups)
        if self.year_from is not None:
            clauses.append("o.year >= $year_from")
            params["year_from"] = int(self.year_from)
        if self.year_to is not None:
            clauses.append("o.year <= $year_to")
            params["year_to"] = int(self.year_to)
        if self.redistributable_only:
            clauses.append("o.source IN (SELECT s.id FROM {sources} s WHERE s.redistribution)")
        return " AND ".join(clauses), params


class Warehouse:
    """Read access to the releases in one warehouse folder."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else config.settings().warehouse_dir
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        #: release id -> (paths of its manifest and table files, their stat stamps when verified, the Release):
        #: a request re-verifies (sha256) only when a stamp changed, which costs one stat per file, not a read.
        self._verified: dict[str, tuple[tuple[str, ...], tuple, rel.Release]] = {}
        self._pointer_path = str(self.root / rel.POINTER)
        self._pointer: tuple[tuple, str | None] | None = None  # (stat stamp of CURRENT, the id it holds)
        #: Why the platform is not serving the release CURRENT names, or None when all is well.
        self.degraded: str | None = None

    # -- releases -----------------------------------------------------------------------------------
    def resolve(self, release_id: str | None = None) -> rel.Release:
        """The verified release to read: a pinned one, else CURRENT, else the newest good one."""
        if release_id:
            return self._verify(release_id)
        pinned = _request_release.get()
        if pinned is not None and pinned.path.parent.parent == self.root:
            return pinned
        try:
            current = self._read_pointer()
        except rel.ReleaseError as exc:
            return self._fallback(str(exc))
        if current is None:
            if rel.list_release_ids(self.root):
                return self._fallback(f"the pointer {self.root / rel.POINTER} is missing")
            raise NoRelease(f"no release published in {self.root}: run `delta87 etl run`")
        try:
            release = self._verify(current)
        except rel.ReleaseError as exc:
            return self._fallback(str(exc), skip=current)
        self.degraded = None
        return release

    def _verify(self, release_id: str) -> rel.Release:
        cached = self._verified.get(release_id)
        if cached is not None and _stamp(cached[0]) == cached[1]:
            return cached[2]
        folder = rel.releases_dir(self.root) / release_id
        try:  # taken before the checksums: a file rewritten during them has another stamp next time
            before = {e.name: _file_stamp(e.stat()) for e in os.scandir(folder) if e.is_file()}
        except FileNotFoundError as exc:
            raise rel.ReleaseError(f"release {release_id} not found in {rel.releases_dir(self.root)}") from exc
        release = rel.verify(self.root, release_id)
        names = [rel.MANIFEST, *(entry["file"] for entry in release.manifest.get("tables", {}).values())]
        paths = tuple(str(folder / name) for name in names)
        self._verified[release_id] = (paths, tuple(before.get(name) for name in names), release)
        return release

    def _read_pointer(self) -> str | None:
        """`rel.read_pointer`, re-read only when CURRENT's stat changed (a publish replaces it: new inode)."""
        try:
            stamp = _file_stamp(os.stat(self._pointer_path))
        except FileNotFoundError:
            return None
        known = self._pointer
        if known is not None and known[0] == stamp:
            return known[1]
        current = rel.read_pointer(self.root)
        self._pointer = (stamp, current)
        return current

    def _fallback(self, problem: str, skip: str | None = None) -> rel.Release:
        for release_id in reversed(rel.list_release_ids(self.root)):
            if release_id == skip:
                continue
            try:
                release = self._verify(release_id)
            except rel.ReleaseError:
                continue
            if self.degraded != problem:
                log.error("serving last good release %s because %s", release_id, problem)
            self.degraded = f"{problem}; serving last good release {release_id}"
            return release
        raise rel.ReleaseError(f"{problem}, and no other release verifies")

    def release_id(self) -> str:
        """The id of the release being served."""
        return self.resolve().id

    def releases(self) -> pd.DataFrame:
        """Every release on disk, newest first: id, created, counts, changes, current."""
        current = None
        try:
            current = rel.read_pointer(self.root)
        except rel.ReleaseError:
            pass
        rows = []
        for release_id in reversed(rel.list_release_ids(self.root)):
            manifest = rel.read_manifest(self.root, release_id)
            rows.append(
                {
                    "id": release_id,
                    "created": manifest.get("created", ""),
                    "observations": manifest.get("counts", {}).get("observations", 0),
                    "indicators": manifest.get("counts", {}).get("indicators", 0),
                    "countries": manifest.get("counts", {}).get("countries_with_data", 0),
                    "changes": manifest.get("changes", {}).get("summary", ""),
                    "current": release_id == current,
                }
            )
        return pd.DataFrame(
            rows, columns=["id", "created", "observations", "indicators", "countries", "changes", "current"]
        )

    def manifest(self, release_id: str | None = None) -> dict:
        """The manifest of the served (or a pinned) release."""
        return self.resolve(release_id).manifest

    # -- querying -----------------------------------------------------------------------------------
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._con is None:
                self._con = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
            return self._con.cursor()

    def _sql(self, sql: str, release: rel.Release) -> tuple[str, dict]:
        tables = {name: f"read_parquet($_t_{name})" for name in TABLES if "{" + name + "}" in sql}
        params = {f"_t_{name}": str(release.table_path(name)) for name in tables}
        return sql.format(**tables), params

    def query(self, sql: str, params: dict | None = None, release_id: str | None = None) -> pd.DataFrame:
        """Run one of this package's SQL templates (`{table}` placeholders) with named parameters."""
        release = self.resolve(release_id)
        text, table_params = self._sql(sql, release)
        cursor = self._cursor()
        try:
            return cursor.execute(text, {**table_params, **(params or {})}).df()
        finally:
            cursor.close()

    def table(self, name: str, release_id: str | None = None) -> pd.DataFrame:
        """A whole small table (indicators, countries, regions, sources, ...)."""
        if name not in TABLES:
            raise KeyError(name)
        return self.query("SELECT * FROM {" + name + "}", release_id=release_id)

    def indicators(self, release_id: str | None = None) -> pd.DataFrame:
        return self.table("indicators", release_id)

    def indicator(self, code: str, release_id: str | None = None) -> dict | None:
        rows = self.query("SELECT * FROM {indicators} WHERE code = $code", {"code": code}, release_id)
        return rows.iloc[0].to_dict() if len(rows) else None

    def countries(self, release_id: str | None = None) -> pd.DataFrame:
        return self.table("countries", release_id)

    def country(self, iso3: str, release_id: str | None = None) -> dict | None:
        rows = self.query("SELECT * FROM {countries} WHERE iso3 = $iso3", {"iso3": iso3.upper()}, release_id)
        return rows.iloc[0].to_dict() if len(rows) else None

    def regions(self, release_id: str | None = None) -> pd.DataFrame:
        return self.table("regions", release_id)

    def sources(self, release_id: str | None = None) -> pd.DataFrame:
        return self.table("sources", release_id)

    def source_files(self, release_id: str | None = None) -> pd.DataFrame:
        return self.table("source_files", release_id)

    def commitments(self, iso3: str | None = None, release_id: str | None = None) -> pd.DataFrame:
        if iso3 is None:
            return self.table("commitments", release_id)
        return self.query("SELECT * FROM {commitments} WHERE iso3 = $iso3", {"iso3": iso3.upper()}, release_id)

    def progress(self, indicator: str | None = None, iso3: str | None = None, release_id: str | None = None):
        return self.query(
            "SELECT * FROM {progress} WHERE ($indicator IS NULL OR indicator = $indicator)"
            " AND ($iso3 IS NULL OR iso3 = $iso3)",
            {"indicator": indicator, "iso3": iso3},
            release_id,
        )

    def observations(
        self,
        where: ObservationFilter = ObservationFilter(),
        order_by: Sequence[tuple[str, bool]] = (("indicator", True), ("iso3", True), ("year", True)),
        limit: int | None = None,
        offset: int = 0,
        release_id: str | None = None,
    ) -> pd.DataFrame:
        """Observations matching `where`, sorted by (column, ascending) pairs, optionally paged."""
        sql, params = self._observation_sql(where, order_by, limit, offset)
        return self.query(sql, params, release_id)

    def count_observations(self, where: ObservationFilter = ObservationFilter(), release_id: str | None = None) -> int:
        clause, params = where.where()
        frame = self.query("SELECT count(*) AS n FROM {observations} o WHERE " + clause, params, release_id)
        return int(frame["n"].iloc[0])

    def observation_batches(
        self,
        where: ObservationFilter = ObservationFilter(),
        batch_rows: int = 50_000,
        release_id: str | None = None,
        order_by: Sequence[tuple[str, bool]] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[pa.RecordBatch]:
        """Stream observations as Arrow record batches (flat memory for large downloads).

        With `order_by=None` rows come in release order, which is the order of schema.SORT_KEYS (indicator, iso3,
        year, sex, age, source, edition): publish writes the file sorted and DuckDB preserves insertion order, so
        no sort is needed and memory stays flat however many rows match. An explicit `order_by` sorts in DuckDB.
        """
        release = self.resolve(release_id)
        if order_by is None:
            clause, params = where.where()
            sql = "SELECT o.* FROM {observations} o WHERE " + clause  # noqa: S608 - clause is parameterised
            if limit is not None:
                sql += " LIMIT $limit OFFSET $offset"
                params.update(limit=int(limit), offset=int(offset))
        else:
            sql, params = self._observation_sql(where, order_by, limit, offset)
        text, table_params = self._sql(sql, release)
        cursor = self._cursor()
        try:
            # duckdb 2.x: results have no fetch_record_batch; a relation's reader streams without an extra copy.
            reader = cursor.sql(text, params={**table_params, **params}).to_arrow_reader(batch_rows)
            yield from reader
        finally:
            cursor.close()

    def count_observations_by_source(
        self, where: ObservationFilter = ObservationFilter(), release_id: str | None = None
    ) -> dict[str, int]:
        """How many observations matching `where` each source holds (sources with none are left out)."""
        clause, params = where.where()
        frame = self.query(
            "SELECT o.source, count(*) AS n FROM {observations} o WHERE "  # noqa: S608 - clause is parameterised
            + clause
            + " GROUP BY o.source ORDER BY o.source",
            params,
            release_id,
        )
        return {str(s): int(n) for s, n in zip(frame["source"], frame["n"], strict=True)}

    def observation_values(self, column: str, release_id: str | None = None) -> list:
        """The distinct non-null values of one observations column, sorted (e.g. every age band in a release)."""
        if column not in SORTABLE:
            raise ValueError(f"unknown observations column {column!r}; columns: {', '.join(SORTABLE)}")
        frame = self.query(
            f"SELECT DISTINCT o.{column} AS v FROM {{observations}} o WHERE o.{column} IS NOT NULL ORDER BY v",  # noqa: S608 - column is whitelisted above
            release_id=release_id,
        )
        return frame["v"].tolist()

    def _observation_sql(self, where, order_by, limit, offset) -> tuple[str, dict]:
        clause, params = where.where()
        order = []
        for column, ascending in order_by:
            if column not in SORTABLE:
                raise ValueError(f"cannot sort by {column!r}; sortable columns: {', '.join(SORTABLE)}")
            order.append(f"o.{column} {'ASC' if ascending else 'DESC'} NULLS LAST")
        order += [f"o.{c}" for c in ("indicator", "iso3", "year", "sex", "age", "source") if c not in dict(order_by)]
        sql = "SELECT o.* FROM {observations} o WHERE " + clause + " ORDER BY " + ", ".join(order)
        if limit is not None:
            sql += " LIMIT $limit OFFSET $offset"
            params.update(limit=int(limit), offset=int(offset))
        return sql, params

    def observation_counts(self, release_id: str | None = None) -> pd.DataFrame:
        """Per indicator and area: non-null observations, first and latest year (pickers, gap statements)."""
        return self.query(
            "SELECT indicator, iso3, count(*) AS n, min(year) AS first_year, max(year) AS last_year"
            " FROM {observations} WHERE value IS NOT NULL GROUP BY indicator, iso3 ORDER BY indicator, iso3",
            release_id=release_id,
        )

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


_default: Warehouse | None = None
_default_lock = threading.Lock()


#: (the environment values that decide the warehouse folder, the folder): `config.settings()` resolves seven
#: paths (about 40 us), too slow for a lookup every request makes; the folder only changes with these values.
_root_for: tuple[tuple, Path] | None = None
_ROOT_VARIABLES = ("DELTA87_WAREHOUSE_DIR", "DELTA87_DATA_DIR")


def _file_stamp(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


def _stamp(paths: tuple[str, ...]) -> tuple | None:
    """The stat stamps of `paths`, or None when one is gone."""
    try:
        return tuple(_file_stamp(os.stat(path)) for path in paths)
    except OSError:
        return None


def _warehouse_root() -> Path:
    global _root_for
    key = tuple(os.environ.get(name) for name in _ROOT_VARIABLES)
    known = _root_for
    if known is not None and known[0] == key and all(v is None or os.path.isabs(v) for v in key):
        return known[1]  # a relative value depends on the working directory: resolved again every time
    root = config.settings().warehouse_dir
    _root_for = (key, root)
    return root


def get_warehouse() -> Warehouse:
    """The process-wide Warehouse for the configured folder (re-created if the folder setting changes)."""
    global _default
    root = _warehouse_root()
    with _default_lock:
        if _default is None or _default.root != root:
            _default = Warehouse(root)
        return _default
