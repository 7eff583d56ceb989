"""The whole release as one zip (Parquet + CSV + metadata), built once per release and kept under the data folder.

Release folders are immutable and checksummed, so the zip lives beside them in DATA_DIR/bulk/, never inside
them. It is the slice "every observation" written like any download (dataproduct/downloads.py), so only sources
whose licence allows redistribution are included and the README says which were left out.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import config
from dataproduct import downloads, readme
from dataproduct.params import API_PREFIX, Query, catalog
from warehouse import ObservationFilter, Release, Warehouse
from warehouse import releases as rel
from web.limits import Busy, heavy_slot

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


def whole_release(warehouse: Warehouse, release: Release) -> downloads.Slice:
    """Every observation of the release that may be redistributed, as a download slice."""
    cat = catalog(release)
    query = Query(filter=ObservationFilter(licensed=cat.licensed()), format="zip")
    return downloads.Slice.build(warehouse, release, cat, query, f"{API_PREFIX}/bulk")


def bulk_zip(warehouse: Warehouse, release: Release) -> Path:
    """The bulk zip of `release`, building it first if no worker has yet (Busy while another one builds it)."""
    path = bulk_path(release)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path.parent / f".{release.id}.lock"), heavy_slot():
        if not path.is_file():  # another worker may have built it meanwhile
            _build(whole_release(warehouse, release), path)
            prune(warehouse.root)
    return path


@contextmanager
def _lock(path: Path):
    """One builder per release; the others answer "try again" instead of holding a thread while they wait."""
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy("the bulk file of this release is being built right now; try again in a minute") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(piece: downloads.Slice, path: Path) -> None:
    """Write the zip to a temporary name, then rename it into place (readers never see half a file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".zip")
    os.close(fd)
    try:
        with open(tmp, "wb") as out:
            _write(piece, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write(piece: downloads.Slice, out) -> None:
    meta = {**piece.metadata(), "counts": piece.release.counts}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        downloads.write_rows(archive, "observations", piece, meta)
        for name in TABLES:
            archive.writestr(f"{name}.csv", piece.warehouse.table(piece.release, name).to_csv(index=False))
        archive.writestr("dictionary.csv", downloads.dictionary_csv())
        archive.writestr("metadata.json", json.dumps(meta, indent=2, default=str))
        archive.writestr("README.md", readme.readme(meta, FILES))
        for name, text in readme.loaders("observations").items():
            archive.writestr(name, text)


def prune(warehouse_root: Path) -> list[str]:
    """Delete bulk zips of releases no longer on disk."""
    keep = set(rel.list_release_ids(warehouse_root))
    removed = []
    for path in bulk_dir().glob("delta87-*.zip"):
        release_id = path.name[len("delta87-") : -len(".zip")]
        if release_id not in keep:
            path.unlink(missing_ok=True)
            (path.parent / f".{release_id}.lock").unlink(missing_ok=True)
            removed.append(path.name)
    return removed
