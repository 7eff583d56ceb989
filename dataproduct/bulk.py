"""The whole release as one zip download, built once per release and code into DATA_DIR/bulk/<code id>/ (release folders
are immutable)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

import config
from dataproduct import downloads
from dataproduct.params import API_PREFIX, Query, catalog
from warehouse import ObservationFilter, Release, Warehouse
from warehouse import releases as rel
from web.cache import code_id
from web.limits import Busy, heavy_slot

FOLDER = "bulk"
TABLES = ("indicators", "countries", "regions", "region_members", "sources", "source_files")
FILES = {
    "observations.parquet": "every observation of the release whose source allows redistribution",
    "observations.csv": "the same rows as CSV",
    **{f"{name}.csv": f"the release's {name} table" for name in TABLES},
    "countries.csv": "the release's countries table, without the columns naming groups whose members are listed by a "
    "source that may not be redistributed or that the release does not name (e.g. ilo_region, from Walk Free's GSI)",
    "region_members.csv": "the release's region_members table (each membership with the source listing it), without "
    "the memberships listed by a source that may not be redistributed or that the release does not name (their counts "
    "are empty in regions.csv)",
    "dictionary.csv": "what each observations column holds",
    "metadata.json": "release id, counts, sources and licence exclusions, machine-readable",
    "CITATION.txt": "how to cite the data: each source's citation and the release",
    "load_pandas.py / load.R / load_duckdb.sql": "ready-to-run snippets that load the data",
}


def bulk_dir() -> Path:
    return config.settings().data_dir / FOLDER


def bulk_path(release: Release) -> Path:
    """Where the running code keeps the release's zip: one that other code built (say, under an earlier licence rule)
    is never served."""
    return bulk_dir() / code_id() / f"delta87-{release.id}.zip"


def whole_release(warehouse: Warehouse, release: Release) -> downloads.Slice:
    """Every observation of the release that may be redistributed, as a download slice (written like any other)."""
    cat = catalog(release)
    query = Query(filter=ObservationFilter(licensed=cat.licensed()), format="zip")
    # Built once for every client, so its links use the public URL (when set) rather than one request's Host.
    url = f"{config.settings().public_url}{API_PREFIX}/bulk"
    return downloads.Slice.build(warehouse, release, cat, query, url)


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
    with open(path, "a+") as handle:  # closing it releases the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy("the bulk file of this release is being built right now; try again in a minute") from exc
        yield


def _build(piece: downloads.Slice, path: Path) -> None:
    """Write the zip to a temporary name (under the release's lock), then rename it into place."""
    tmp = path.with_name(f".building-{path.name}")  # readers never see half a file
    # The release's counts, but observations are those in the zip (excluded_sources lists the rows left out).
    meta = {**piece.metadata(), "counts": {**piece.release.counts, "observations": piece.rows}}
    tables = {
        name: downloads.shareable(piece.catalog, name, piece.warehouse.table(piece.release, name)) for name in TABLES
    }
    try:
        with open(tmp, "wb") as out:
            downloads.write_zip(out, piece, "observations", tables, FILES, meta)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def prune(warehouse_root: Path) -> list[str]:
    """Delete bulk zips of releases no longer on disk, and those other code built."""
    keep, ours = set(rel.list_release_ids(warehouse_root)), bulk_dir() / code_id()
    removed = []
    for path in bulk_dir().rglob("delta87-*.zip"):
        release_id = path.name[len("delta87-") : -len(".zip")]
        if release_id not in keep or path.parent != ours:
            path.unlink(missing_ok=True)
            (path.parent / f".{release_id}.lock").unlink(missing_ok=True)
            removed.append(path.name)
    return removed
