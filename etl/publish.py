"""Publish a complete release atomically: under an exclusive lock, write the sorted tables into a staging folder
(equal content, equal bytes), stop if nothing changed, else write the manifest, rename the folder into
`releases/`, verify it and replace CURRENT with an fsynced rename; then prune old releases. A run killed at any
point leaves CURRENT and the old release untouched; the next run removes its staging folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from etl import db
from warehouse import releases as rel
from warehouse.schema import SORT_KEYS, TABLES

LOCK = ".publish.lock"
#: Tables whose sort key the build refuses to repeat (etl/build.py checks every observation key): the key orders them.
UNIQUE_KEYS = {"observations"}
#: A release table: a pandas frame, or a DuckDB relation (the build's observations).
Table = pd.DataFrame | duckdb.DuckDBPyRelation


class PublishBusy(Exception):
    """Another publish holds the lock."""


@dataclass(frozen=True)
class Published:
    """Outcome of a publish: the release id now current, and whether anything changed."""

    release_id: str
    changed: bool
    manifest: dict


#: Warehouse folders whose lock this thread holds: a refresh holds it for its whole run, and its publish re-enters.
_held = threading.local()


@contextmanager
def publish_lock(root: Path):
    """Hold an exclusive, non-blocking lock on the warehouse folder (re-entrant within one thread)."""
    root.mkdir(parents=True, exist_ok=True)
    key = str(root.resolve())
    held = _held.__dict__.setdefault("roots", set())
    if key in held:
        yield
        return
    handle = open(root / LOCK, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise PublishBusy(f"another refresh is publishing to {root} right now; try again when it has finished") from exc
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def write_table(name: str, table: Table, path: Path) -> int:
    """Write one release table as zstd Parquet, cast to its warehouse schema and sorted by its key (then by
    every other column, but where the key is unique), so equal content gives equal bytes; the rows written."""
    schema = TABLES[name]
    with db.connect() as con:  # frames are read through it; the build's relation keeps its own connection
        if not isinstance(table, duckdb.DuckDBPyRelation):
            table = con.from_arrow(db.arrow(table, schema))
        missing = [c for c in schema.names if c not in table.columns]
        if missing:
            raise ValueError(f"table {name} lacks columns {missing}")
        keys = list(SORT_KEYS[name])
        if name not in UNIQUE_KEYS:  # rows with equal keys are ordered by their other columns
            keys += [c for c in schema.names if c not in keys]
        order = ", ".join(f"{db.ident(c)} NULLS LAST" for c in keys)
        select = f"SELECT {db.casts(schema)} FROM source ORDER BY {order}"
        copy = f"COPY ({select}) TO {db.literal(str(path))} (FORMAT parquet, COMPRESSION zstd)"
        return table.query("source", copy).fetchall()[0][0]


def write_tables(tables: dict[str, Table], folder: Path) -> dict[str, dict]:
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


def publish(tables: dict[str, Table], root: Path, meta: dict, keep: int = 5, force: bool = False) -> Published:
    """Publish `tables` as a new release in `root` (see the module docstring for the steps)."""
    with publish_lock(root):
        for killed in root.glob(".staging-*"):  # left by killed runs
            shutil.rmtree(killed, ignore_errors=True)
        staging = root / f".staging-{os.getpid()}"
        entries = write_tables(tables, staging)
        digest = content_hash(entries)
        current = rel.current_release(root)
        if current and current.manifest.get("content_hash") == digest and not force:
            shutil.rmtree(staging)
            return Published(current.id, False, current.manifest)
        created = _monotonic_now(root)
        release_id = f"r{created:%Y%m%dT%H%M%SZ}-{digest[:8]}"
        manifest = {"id": release_id, "created": created.isoformat(timespec="seconds"), "content_hash": digest,
                    "previous": current.id if current else None, "tables": entries, **meta}  # fmt: skip
        write_manifest(staging, manifest)
        rel.releases_dir(root).mkdir(exist_ok=True)
        final = rel.releases_dir(root) / release_id
        os.replace(staging, final)
        _fsync(rel.releases_dir(root))
        rel.verify(root, release_id)
        switch_pointer(root, release_id)
        prune(root, keep)
        return Published(release_id, True, manifest)


def switch_pointer(root: Path, release_id: str) -> None:
    """Atomically make `release_id` the current release."""
    tmp = root / (rel.POINTER + ".tmp")
    _write_synced(tmp, release_id + "\n")
    os.replace(tmp, root / rel.POINTER)
    _fsync(root)


def rollback(root: Path, release_id: str | None = None) -> str:
    """Point CURRENT at `release_id` (default: the release before the current one) after verifying it."""
    with publish_lock(root):
        if release_id is None:  # the pointer is read only then: a named release repairs a broken one
            current = rel.read_pointer(root)
            older = [i for i in rel.list_release_ids(root) if current is None or i < current]
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


def write_manifest(folder: Path, manifest: dict) -> None:
    _write_synced(folder / rel.MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, default=str))


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
