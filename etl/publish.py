"""Publish a complete release atomically: write, verify, then switch the CURRENT pointer with a rename.

Steps (a killed run at any point leaves CURRENT and the old release untouched; the next run cleans up):
1. take an exclusive lock (a second refresh at the same time fails at once with a clear message);
2. remove staging folders left by killed runs;
3. write every table as Parquet into `.staging-<pid>/`, sorted and without volatile metadata, so that the same
   inputs always give the same bytes (idempotent publishes);
4. if the content equals the current release, stop: nothing changed;
5. write the manifest, fsync, rename the staging folder to `releases/<id>/`, verify it against the manifest;
6. write `CURRENT.tmp`, fsync, `os.replace` it over CURRENT (atomic), fsync the folder;
7. keep the newest N releases (never the current one).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.adapters.cells import BLOCK, constant, encode, repeated
from warehouse import releases as rel
from warehouse.schema import SORT_KEYS, TABLES

LOCK = ".publish.lock"


class PublishBusy(Exception):
    """Another publish holds the lock."""


@dataclass(frozen=True)
class Published:
    """Outcome of a publish: the release id now current, and whether anything changed."""

    release_id: str
    changed: bool
    manifest: dict


def _checkpoint(stage: str) -> None:
    """Test hook: pause at a named stage so a fault test can SIGKILL the process exactly there."""
    if os.environ.get("DELTA87_TEST_PAUSE_AT") == stage:
        print(f"PAUSED AT {stage}", file=sys.stderr, flush=True)
        time.sleep(120)


@contextmanager
def publish_lock(root: Path):
    """Hold an exclusive, non-blocking lock on the warehouse folder for the duration of a publish."""
    root.mkdir(parents=True, exist_ok=True)
    handle = open(root / LOCK, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise PublishBusy(f"another refresh is publishing to {root} right now; try again when it has finished") from exc
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def clean_staging(root: Path) -> list[str]:
    """Remove staging folders of killed runs (safe: only called while holding the lock)."""
    removed = []
    for path in root.glob(".staging-*"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """A table cast to its warehouse schema, sorted by its key, with no pandas metadata."""
    table = encoded_table(name, frame)
    schema = TABLES[name]
    columns = [
        pc.cast(c, f.type) if pa.types.is_dictionary(c.type) else c for c, f in zip(table.columns, schema, strict=True)
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def encoded_table(name: str, frame: pd.DataFrame) -> pa.Table:
    """`to_arrow`, except that string columns are dictionary-encoded where that costs nothing more: a constant
    column (a one-entry dictionary) and a sort key (the dictionary its ranking built). Parquet writes such a
    column without hashing every cell again; the values are the same (see `write_table`)."""
    schema = TABLES[name]
    missing = [c for c in schema.names if c not in frame.columns]
    if missing:
        raise ValueError(f"table {name} lacks columns {missing}")
    table = _from_pandas(frame, schema)
    codes: dict[str, tuple[pa.Array, pa.ChunkedArray]] = {}
    order = _sort_order(table, SORT_KEYS[name], codes)
    index = None if order is None else pa.array(order)

    def column(field: pa.Field, values: pa.ChunkedArray) -> pa.ChunkedArray:
        textual = pa.types.is_string(field.type) and len(values) and not values.null_count
        if values.null_count == len(values):
            return constant(None, field.type, len(values))
        if _constant(values):  # the same in any order: not gathered
            return _one_entry(values, field.type) if textual else values
        if textual and field.name in codes:
            distinct, positions = codes[field.name]
            positions = positions if index is None else positions.take(index)
            return _dictionary(positions, distinct.cast(field.type))
        values = values if index is None else values.take(index)
        return values if values.type == field.type else values.cast(field.type)

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:  # Arrow releases the GIL
        columns = list(pool.map(column, schema, table.columns))
    return pa.Table.from_arrays(columns, names=schema.names)


def _one_entry(values: pa.ChunkedArray, kind: pa.DataType) -> pa.ChunkedArray:
    """A constant string column as a dictionary of its one value (indices: one shared block of zeros)."""
    n, dictionary = len(values), values.chunk(0).slice(0, 1).cast(kind)
    return repeated(pa.DictionaryArray.from_arrays(pa.array(np.zeros(min(n, BLOCK), np.int32)), dictionary), n)


def _dictionary(positions, distinct: pa.Array) -> pa.ChunkedArray:
    chunks = positions.chunks if isinstance(positions, pa.ChunkedArray) else [positions]
    return pa.chunked_array([pa.DictionaryArray.from_arrays(c, distinct) for c in chunks])


def _from_pandas(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """`frame` as an Arrow table of `schema`'s types, except text as large_string: pandas' own storage, so no
    copy; `encoded_table` casts what it writes as plain text once, after the sort (often only a dictionary)."""
    wide = pa.schema(
        [pa.field(f.name, pa.large_string(), f.nullable) if pa.types.is_string(f.type) else f for f in schema]
    )
    return pa.Table.from_pandas(frame[wide.names], schema=wide, preserve_index=False)


def _sort_order(table: pa.Table, keys: list[str], codes: dict | None = None) -> np.ndarray | None:
    """The stable ascending order by `keys` (nulls last), or None when the rows are already in it.

    `codes`, when given, receives name → (distinct values, each row's index) of the string keys it encoded
    (for `encoded_table`; only those without a null).

    Each key column is ranked once per distinct value and the ranks folded into one int64, so the sort is a
    numpy argsort of integers instead of a multi-column string comparison (same order as pc.sort_indices).
    The key is folded in place in two buffers: a fresh array per step costs a page fault per 4 KB.
    """
    if table.num_rows < 2:
        return None
    key, scratch, radix = None, None, 1
    names = [name for name in keys if not _constant(table.column(name))]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:  # Arrow hashes without the GIL
        rankers = list(pool.map(lambda name: _ranker(table.column(name)), names))
    for name, (size, fill, encoded) in zip(names, rankers, strict=True):
        if codes is not None and encoded is not None and not encoded[0].null_count:
            codes[name] = encoded
        if size < 2:
            continue
        if radix * size >= 2**62:  # too many combinations for one int64: Arrow's multi-key sort
            options = pc.SortOptions([(k, "ascending", "at_end") for k in keys])
            return pc.sort_indices(table, options=options).to_numpy()
        if key is None:
            key = fill(np.empty(table.num_rows, dtype=np.int64))
        else:
            scratch = fill(np.empty_like(key) if scratch is None else scratch)
            key *= size
            key += scratch
        radix *= size
    if key is None or bool(np.all(key[1:] >= key[:-1])):
        return None
    return np.argsort(key, kind="stable")


def _ranker(column: pa.ChunkedArray):
    """(how many ranks, fill, encoding): `fill(out)` writes each cell's rank among the column's sorted values
    (nulls last) into the int64 array `out` and returns it; encoding is (distinct values, each row's index)
    when the column was hashed to rank it, else None.

    Integers in a short range (years) rank as their offset from the smallest: no hashing at all.
    """
    if pa.types.is_integer(column.type):
        low, high = (v.as_py() for v in pc.min_max(column).values())
        if low is not None and high - low < 1 << 16:
            size = high - low + 1 + (1 if column.null_count else 0)
            values = pc.fill_null(column, high + 1) if column.null_count else column

            def offsets(out: np.ndarray) -> np.ndarray:
                return np.subtract(values.to_numpy(), low, out=out, casting="unsafe")

            return size, offsets, None
    distinct, index = encode(column)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[pc.array_sort_indices(distinct, null_placement="at_end").to_numpy()] = np.arange(len(distinct))

    def ranks(out: np.ndarray) -> np.ndarray:
        return np.take(rank, index.to_numpy(zero_copy_only=False), out=out)

    return len(distinct), ranks, (distinct, index)


def _constant(column: pa.ChunkedArray) -> bool:
    """True when every cell holds the same value (or none does): such a column is the same in any row order.

    Cheap by design: integers and booleans by min/max; strings when the first chunk has one distinct value
    and every other chunk equals a slice of it (harmonise's constants are one block repeated).
    """
    n = len(column)
    if n < 2 or column.null_count == n:
        return True
    if column.null_count:
        return False
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        low, high = pc.min_max(column).values()
        return low == high
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return False
    first = column.chunk(0)
    if pc.count_distinct(first.slice(0, 1 << 16), mode="all").as_py() > 1:  # the usual answer, cheaply
        return False
    if len(first) > 1 << 16 and pc.count_distinct(first, mode="all").as_py() > 1:
        return False
    return all(len(c) <= len(first) and c.equals(first.slice(0, len(c))) for c in column.chunks[1:])


def write_parquet(table: pa.Table, path: Path, statistics: list[str] | None = None) -> None:
    """One release table as Parquet: zstd, 256k-row groups with statistics (DuckDB skips groups by key).

    Dictionary encoding only for the non-float columns: measured values rarely repeat, so trying a dictionary
    on them was wasted work (Parquet gives up on it after the first megabyte anyway). A dictionary-typed column
    (see `encoded_table`) is written as its dictionary and indices directly. No Arrow schema is stored: every
    reader gets the Parquet types (string, int32, int64, double, bool), never a dictionary type.
    `statistics` names the columns whose min/max are kept (default: all).
    """
    dictionary = [f.name for f in table.schema if not pa.types.is_floating(f.type)]
    pq.write_table(
        table, path, compression="zstd", row_group_size=256_000, use_dictionary=dictionary,
        write_statistics=True if statistics is None else statistics, store_schema=False,
    )  # fmt: skip


#: Per table, the columns queries filter on: only these keep row-group statistics (min/max), which let DuckDB
#: skip row groups; the others' statistics were never read and cost ~10 % of the write.
FILTERED = {name: {*keys, "nature", "status", "instrument", "code"} for name, keys in SORT_KEYS.items()}


def write_table(name: str, frame: pd.DataFrame, path: Path) -> int:
    """Cast, sort and write one release table; the number of rows written."""
    table = encoded_table(name, frame)
    write_parquet(table, path, [c for c in table.column_names if c in FILTERED[name]])
    return table.num_rows


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> dict[str, dict]:
    """Write each table as a deterministic Parquet file; return manifest entries."""
    folder.mkdir(parents=True)
    entries = {}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        rows = write_table(name, tables.get(name, pd.DataFrame(columns=TABLES[name].names)), path)
        _fsync(path)
        entries[name] = {"file": path.name, "sha256": rel.sha256_file(path), "rows": rows}
    return entries


def content_hash(entries: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for name in sorted(entries):
        digest.update(f"{name}:{entries[name]['sha256']}\n".encode())
    return digest.hexdigest()


def publish(tables: dict[str, pd.DataFrame], root: Path, meta: dict, keep: int = 5, force: bool = False) -> Published:
    """Publish `tables` as a new release in `root` (see the module docstring for the steps)."""
    with publish_lock(root):
        clean_staging(root)
        staging = root / f".staging-{os.getpid()}"
        entries = write_tables(tables, staging)
        _checkpoint("after_tables")
        digest = content_hash(entries)
        current = _current_release(root)
        if current and current.manifest.get("content_hash") == digest and not force:
            shutil.rmtree(staging)
            return Published(current.id, False, current.manifest)
        created = _monotonic_now(root)
        release_id = f"r{created:%Y%m%dT%H%M%SZ}-{digest[:8]}"
        manifest = {
            "id": release_id,
            "created": created.isoformat(timespec="seconds"),
            "content_hash": digest,
            "previous": current.id if current else None,
            "tables": entries,
            **meta,
        }
        _write_json(staging / rel.MANIFEST, manifest)
        _checkpoint("after_manifest")
        rel.releases_dir(root).mkdir(exist_ok=True)
        final = rel.releases_dir(root) / release_id
        os.replace(staging, final)
        _fsync(rel.releases_dir(root))
        rel.verify(root, release_id)
        _checkpoint("before_pointer")
        switch_pointer(root, release_id)
        prune(root, keep)
        return Published(release_id, True, manifest)


def switch_pointer(root: Path, release_id: str) -> None:
    """Atomically make `release_id` the current release."""
    tmp = root / (rel.POINTER + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(release_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / rel.POINTER)
    _fsync(root)


def rollback(root: Path, release_id: str | None = None) -> str:
    """Point CURRENT at `release_id` (default: the release before the current one) after verifying it."""
    with publish_lock(root):
        ids = rel.list_release_ids(root)
        current = rel.read_pointer(root)
        if release_id is None:
            older = [i for i in ids if current is None or i < current]
            if not older:
                raise rel.ReleaseError("there is no earlier release to roll back to")
            release_id = older[-1]
        rel.verify(root, release_id)
        switch_pointer(root, release_id)
        return release_id


def prune(root: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` releases, never the current one."""
    current = rel.read_pointer(root)
    ids = rel.list_release_ids(root)
    doomed = [i for i in ids[: max(0, len(ids) - keep)] if i != current]
    for release_id in doomed:
        shutil.rmtree(rel.releases_dir(root) / release_id, ignore_errors=True)
    return doomed


def _monotonic_now(root: Path) -> datetime:
    """Now, or one second after the newest release, so that release ids sort in publish order."""
    now = datetime.now(UTC).replace(microsecond=0)
    ids = rel.list_release_ids(root)
    if ids:
        newest = datetime.strptime(ids[-1][1:16], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        if now <= newest:
            now = newest + timedelta(seconds=1)
    return now


def _current_release(root: Path) -> rel.Release | None:
    try:
        current = rel.read_pointer(root)
        return rel.verify(root, current) if current else None
    except rel.ReleaseError:
        return None


def _write_json(path: Path, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, default=str)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
