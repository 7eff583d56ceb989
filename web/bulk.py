"""The whole release as one zip (Parquet + CSV + metadata), built once per release and kept under the data folder.

Release folders are immutable and checksummed, so the zip lives beside them in DATA_DIR/bulk/, never inside
them. Only sources whose licence allows redistribution are included; the README says which were left out.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import config
from warehouse import ObservationFilter, Release, Warehouse
from warehouse import release as rel
from web import downloads

FOLDER = "bulk"
TABLES = ("indicators", "countries", "regions", "sources")
FILES = {
    "observations.parquet": "every observation of the release whose source allows redistribution",
    "observations.csv": "the same rows as CSV",
    **{f"{name}.csv": f"the release's {name} table" for name in TABLES},
    "dictionary.csv": "what each observations column holds",
    "metadata.json": "release id, counts, sources and licence exclusions, machine-readable",
    "load_pandas.py / load.R / load_duckdb.sql": "ready-to-run snippets that load the data",
}


def bulk_dir() -> Path:
    return config.settings().data_dir / FOLDER


def bulk_path(release: Release) -> Path:
    return bulk_dir() / f"delta87-{release.id}.zip"


def bulk_zip(warehouse: Warehouse, release: Release) -> Path:
    """The bulk zip of `release`, building it first if no worker has yet (one builder at a time)."""
    path = bulk_path(release)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path.parent / f".{release.id}.lock"):
        if not path.is_file():  # another worker may have built it while we waited
            _build(warehouse, release, path)
            prune(warehouse)
    return path


@contextmanager
def _lock(path: Path):
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def excluded_sources(warehouse: Warehouse, release: Release) -> list[dict]:
    """Sources of the release left out of the bulk zip (licence), with publisher link and row count."""
    counts = warehouse.count_observations_by_source(ObservationFilter(), release.id)
    frame = warehouse.sources(release.id)
    rows = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        if not row.get("redistribution"):
            keys = ("id", "publisher", "title", "url", "licence")
            rows.append({**{k: row.get(k) or "" for k in keys}, "rows": counts.get(row["id"], 0)})
    return rows


def _build(warehouse: Warehouse, release: Release, path: Path) -> None:
    """Write the zip to a temporary name, then rename it into place (readers never see half a file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".zip")
    os.close(fd)
    try:
        with open(tmp, "wb") as out:
            _write(warehouse, release, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write(warehouse: Warehouse, release: Release, out) -> None:
    where = ObservationFilter(redistributable_only=True)
    meta = _metadata(warehouse, release)
    with tempfile.TemporaryFile() as parquet, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("observations.csv", "w", force_zip64=True) as csv_entry:
            batches = warehouse.observation_batches(where, release_id=release.id)
            rows = 0
            with downloads.parquet_writer(parquet, meta) as writer:
                for chunk, batch in downloads.tee_csv(batches):
                    csv_entry.write(chunk)
                    if batch is not None:
                        writer.write_batch(batch)
                        rows += batch.num_rows
        parquet.seek(0)
        with archive.open("observations.parquet", "w", force_zip64=True) as entry:
            while block := parquet.read(1 << 20):
                entry.write(block)
        for name in TABLES:
            archive.writestr(f"{name}.csv", warehouse.table(name, release.id).to_csv(index=False))
        archive.writestr("dictionary.csv", downloads.dictionary_csv())
        meta["rows"] = rows
        archive.writestr("metadata.json", json.dumps(meta, indent=2, default=str))
        archive.writestr("README.md", downloads.readme(meta, FILES))
        for name, text in downloads.loaders("observations").items():
            archive.writestr(name, text)


def _metadata(warehouse: Warehouse, release: Release) -> dict:
    excluded = excluded_sources(warehouse, release)
    notes = [
        f"{row['rows']:,} rows from {row['publisher']} ({row['title']}) are not included because its licence does "
        f"not allow redistribution; get them from the publisher: {row['url']}"
        for row in excluded
        if row["rows"]
    ]
    sources = warehouse.sources(release.id)
    return {
        "release": release.id,
        "release_created": release.created,
        "query_url": "/api/v1/bulk",
        "pinned_url": f"/api/v1/bulk?release={release.id}",
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": release.manifest.get("counts", {}),
        "excluded_sources": [row for row in excluded if row["rows"]],
        "licence_note": " ".join(notes) or "No rows were left out for licence reasons.",
        "sources": downloads.records(sources[sources["redistribution"].fillna(False).astype(bool)]),
    }


def prune(warehouse: Warehouse) -> list[str]:
    """Delete bulk zips of releases no longer on disk."""
    keep = set(rel.list_release_ids(warehouse.root))
    removed = []
    for path in bulk_dir().glob("delta87-*.zip"):
        if path.name[len("delta87-") : -len(".zip")] not in keep:
            path.unlink(missing_ok=True)
            (path.parent / f".{path.name[8:-4]}.lock").unlink(missing_ok=True)
            removed.append(path.name)
    return removed
