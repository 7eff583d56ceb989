"""Releases on disk: the CURRENT pointer, manifests, checksum verification and the fallback to a good release.

Layout of a warehouse folder (written by etl/publish.py, never modified in place):

    CURRENT                      one line: the id of the release readers must use
    releases/<id>/manifest.json  tables with sha256 and row counts, sources, counts, changes
    releases/<id>/<table>.parquet

A release folder is immutable once the pointer names it, so a reader holding a `Release` keeps a consistent
view even while a new release is being published (see ../shared/TOOLCHAIN.md section 6.7). `Releases` is the
reader's side: it answers "which release do I serve now?" once per request and verifies what it hands out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger(__name__)

POINTER = "CURRENT"
MANIFEST = "manifest.json"
RELEASE_ID = re.compile(r"^r\d{8}T\d{6}Z-[0-9a-f]{8}$")


class ReleaseError(Exception):
    """A release is missing, unreadable or does not match its manifest."""


class NoRelease(ReleaseError):
    """No release has been published yet (run `delta87 etl run`)."""


@dataclass(frozen=True)
class Release:
    """One verified release: its id, folder and manifest, and why it is served instead of CURRENT (if it is)."""

    id: str
    path: Path
    manifest: dict = field(repr=False, compare=False, hash=False)
    degraded: str | None = field(default=None, compare=False, hash=False)

    def table_path(self, table: str) -> Path:
        """The Parquet file holding `table` in this release."""
        try:
            return self.path / self.manifest["tables"][table]["file"]
        except KeyError as exc:
            raise ReleaseError(f"release {self.id} has no table {table!r}") from exc

    @property
    def created(self) -> str:
        return self.manifest.get("created", "")

    @property
    def counts(self) -> dict:
        return self.manifest.get("counts", {})


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def releases_dir(root: Path) -> Path:
    return root / "releases"


def read_pointer(root: Path) -> str | None:
    """The release id CURRENT names, or None when no release was ever published."""
    try:
        text = (root / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not RELEASE_ID.match(text):
        raise ReleaseError(f"{root / POINTER} does not hold a release id (found {text[:40]!r})")
    return text


def read_manifest(root: Path, release_id: str) -> dict:
    """The manifest of one release, or ReleaseError naming what is wrong."""
    if not RELEASE_ID.match(release_id or ""):
        raise ReleaseError(f"{release_id!r} is not a release id (expected e.g. r20260101T000000Z-0123abcd)")
    path = releases_dir(root) / release_id / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReleaseError(f"release {release_id} not found in {releases_dir(root)}") from exc
    except json.JSONDecodeError as exc:
        raise ReleaseError(f"{path} is not valid JSON: {exc}") from exc


def verify(root: Path, release_id: str) -> Release:
    """Check every table file of a release against the manifest's sha256; return the Release."""
    manifest = read_manifest(root, release_id)
    folder = releases_dir(root) / release_id
    for table, entry in manifest.get("tables", {}).items():
        path = folder / entry["file"]
        if not path.is_file():
            raise ReleaseError(f"release {release_id}: table {table} file {path.name} is missing")
        if sha256_file(path) != entry["sha256"]:
            raise ReleaseError(f"release {release_id}: table {table} file {path.name} does not match its checksum")
    return Release(release_id, folder, manifest)


def list_release_ids(root: Path) -> list[str]:
    """Ids of the complete releases on disk (those with a manifest), oldest first."""
    folder = releases_dir(root)
    if not folder.is_dir():
        return []
    ids = [p.name for p in folder.iterdir() if RELEASE_ID.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(ids)


def _stamps(folder: Path) -> dict[str, tuple[int, int, int]] | None:
    """(size, mtime, inode) of every file in a release folder, or None when the folder is gone."""
    stamps = {}
    try:
        for entry in os.scandir(folder):
            stat = entry.stat()
            stamps[entry.name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except FileNotFoundError:
        return None
    return stamps


class Releases:
    """The releases of one warehouse folder, as a reader sees them.

    A release's files are hashed once per process; afterwards a lookup only compares the files' stat stamps
    (one directory scan), so a file replaced or corrupted on disk is noticed by the next lookup.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._verified: dict[str, tuple[dict, Release]] = {}  # release id -> (file stamps when hashed, release)
        self._logged: str | None = None

    def current(self) -> Release:
        """The release to serve now: CURRENT when it verifies, else the newest release that does (degraded)."""
        try:
            current = read_pointer(self.root)
        except ReleaseError as exc:
            return self._fallback(str(exc))
        if current is None:
            if list_release_ids(self.root):
                return self._fallback(f"the pointer {self.root / POINTER} is missing")
            raise NoRelease(f"no release published in {self.root}: run `delta87 etl run`")
        try:
            release = self.get(current)
        except ReleaseError as exc:
            return self._fallback(str(exc), skip=current)
        self._logged = None
        return release

    def get(self, release_id: str) -> Release:
        """One named release, verified (ReleaseError when it is missing or fails its checksums)."""
        folder = releases_dir(self.root) / release_id
        stamps = _stamps(folder) if RELEASE_ID.match(release_id or "") else None
        with self._lock:
            known = self._verified.get(release_id)
        if known is not None and known[0] == stamps:
            return known[1]
        release = verify(self.root, release_id)  # raises for a missing folder too
        on_disk = set(list_release_ids(self.root))
        with self._lock:  # forget releases that were pruned from disk
            self._verified = {k: v for k, v in self._verified.items() if k in on_disk}
            self._verified[release_id] = (stamps, release)
        return release

    def _fallback(self, problem: str, skip: str | None = None) -> Release:
        for release_id in reversed(list_release_ids(self.root)):
            if release_id == skip:
                continue
            try:
                release = self.get(release_id)
            except ReleaseError:
                continue
            if self._logged != problem:
                log.error("serving last good release %s because %s", release_id, problem)
                self._logged = problem
            return replace(release, degraded=f"{problem}; serving last good release {release_id}")
        raise ReleaseError(f"{problem}, and no other release verifies")

    def listing(self) -> list[dict]:
        """Every release on disk, newest first: id, created, counts, changes, whether CURRENT names it."""
        try:
            current = read_pointer(self.root)
        except ReleaseError:
            current = None
        rows = []
        for release_id in reversed(list_release_ids(self.root)):
            manifest = read_manifest(self.root, release_id)
            counts = manifest.get("counts", {})
            rows.append(
                {
                    "id": release_id,
                    "created": manifest.get("created", ""),
                    "observations": counts.get("observations", 0),
                    "indicators": counts.get("indicators", 0),
                    "countries": counts.get("countries_with_data", 0),
                    "changes": manifest.get("changes", {}).get("summary", ""),
                    "current": release_id == current,
                }
            )
        return rows
