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

from etl.adapters.cells import arrow_strings, encode
from warehouse import release as rel
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
    schema = TABLES[name]
    missing = [c for c in schema.names if c not in frame.columns]
    if missing:
        raise ValueError(f"table {name} lacks columns {missing}")
    table = _from_pandas(frame, schema)
    order = _sort_order(table, SORT_KEYS[name])
    if order is not None:  # constant columns (shared blocks) are the same in any order: not gathered
        order = pa.array(order)
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:  # Arrow releases the GIL
            columns = list(pool.map(lambda c: c if _constant(c) else c.take(order), table.columns))
        table = pa.Table.from_arrays(columns, schema=table.schema)
    return table.replace_schema_metadata(None)


def _from_pandas(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """`frame` as an Arrow table of `schema`; a string column that is one block repeated is cast once per block.

    (Casting such a column chunk by chunk would write out every row: ~0.4 GB for 5 M observations.)
    """
    blocks = {}
    for field in schema:
        dtype = frame[field.name].dtype
        if pa.types.is_string(field.type) and isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            chunked = arrow_strings(frame[field.name])
            first = chunked.chunk(0) if chunked.num_chunks else None
            if chunked.num_chunks > 1 and all(len(c) <= len(first) for c in chunked.chunks) and _constant(chunked):
                block = first.cast(field.type)
                blocks[field.name] = pa.chunked_array([block.slice(0, len(c)) for c in chunked.chunks], field.type)
    rest = pa.schema([field for field in schema if field.name not in blocks])
    table = pa.Table.from_pandas(frame[rest.names], schema=rest, preserve_index=False)
    columns = [blocks[n] if n in blocks else table.column(n) for n in schema.names]
    return pa.Table.from_arrays(columns, schema=schema)


def _sort_order(table: pa.Table, keys: list[str]) -> np.ndarray | None:
    """The stable ascending order by `keys` (nulls last), or None when the rows are already in it.

    Each key column is ranked once per distinct value and the ranks folded into one int64, so the sort is a
    numpy argsort of integers instead of a multi-column string comparison (same order as pc.sort_indices).
    """
    if table.num_rows < 2:
        return None
    key, radix = None, 1
    for name in keys:
        column = table.column(name)
        if _constant(column):
            continue
        ranks, size = _ranks(column)
        if size < 2:
            continue
        if radix * size >= 2**62:  # too many combinations for one int64: Arrow's multi-key sort
            options = pc.SortOptions([(k, "ascending", "at_end") for k in keys])
            return pc.sort_indices(table, options=options).to_numpy()
        key = ranks if key is None else pc.add(pc.multiply(key, size), ranks)
        radix *= size
    if key is None:
        return None
    key = (key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key).to_numpy()
    if bool(np.all(key[1:] >= key[:-1])):
        return None
    return np.argsort(key, kind="stable")


def _ranks(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, int]:
    """Each cell's rank among the column's sorted values (nulls last) as int64, and how many ranks there are.

    Integers in a short range (years) rank as their offset from the smallest: no hashing at all.
    """
    if pa.types.is_integer(column.type):
        low, high = (v.as_py() for v in pc.min_max(column).values())
        if low is not None and high - low < 1 << 16:
            size = high - low + 1 + (1 if column.null_count else 0)
            offsets = pc.subtract(pc.cast(column, pa.int64()), low)
            return (pc.fill_null(offsets, size - 1) if column.null_count else offsets), size
    distinct, index = encode(column)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[pc.array_sort_indices(distinct, null_placement="at_end").to_numpy()] = np.arange(len(distinct))
    return pc.take(pa.array(rank), index), len(distinct)  # Arrow: pooled memory


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


def write_parquet(table: pa.Table, path: Path) -> None:
    """One release table as Parquet: zstd, 256k-row groups with statistics (DuckDB skips groups by key).

    Dictionary encoding only for the non-float columns: measured values rarely repeat, so trying a dictionary
    on them was wasted work (Parquet gives up on it after the first megabyte anyway).
    """
    dictionary = [f.name for f in table.schema if not pa.types.is_floating(f.type)]
    pq.write_table(
        table, path, compression="zstd", row_group_size=256_000, write_statistics=True, use_dictionary=dictionary
    )


def write_tables(tables: dict[str, pd.DataFrame], folder: Path) -> dict[str, dict]:
    """Write each table as a deterministic Parquet file; return manifest entries."""
    folder.mkdir(parents=True)
    entries = {}
    for name in TABLES:
        table = to_arrow(name, tables.get(name, pd.DataFrame(columns=TABLES[name].names)))
        path = folder / f"{name}.parquet"
        write_parquet(table, path)
        _fsync(path)
        entries[name] = {"file": path.name, "sha256": rel.sha256_file(path), "rows": table.num_rows}
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
