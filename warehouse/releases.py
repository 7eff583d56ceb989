"""Releases on disk: the CURRENT pointer, manifests, checksum verification and the fallback to a good release.

A release folder (releases/<id>/manifest.json and <table>.parquet, written by etl/publish.py) is immutable once
CURRENT names it, so a reader holding a `Release` keeps a consistent view while a new one is published.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow.parquet as pq

from warehouse.schema import LATER_COLUMNS, TABLES

log = logging.getLogger(__name__)

POINTER = "CURRENT"
MANIFEST = "manifest.json"
RELEASE_ID = re.compile(r"^r\d{8}T\d{6}Z-[0-9a-f]{8}$")
#: A read error re-hashes a release at most this often (seconds), however many requests fail meanwhile.
SUSPECT_EVERY = 5.0


class ReleaseError(Exception):
    """A release is missing, unreadable or does not match its manifest."""


class QueryTimeout(Exception):
    """A query ran past its time limit (DELTA87_QUERY_TIMEOUT, or DELTA87_EXPORT_TIMEOUT for downloads)."""


class NoRelease(ReleaseError):
    """No release has been published yet (run `delta87 etl run`)."""


class OutdatedRelease(ReleaseError):
    """A release built by an older schema: its files verify, but its tables lack columns this code reads."""


@dataclass(frozen=True)
class Release:
    """One verified release: its id, folder and manifest, and why it is served instead of CURRENT (if it is)."""

    id: str
    path: Path
    manifest: dict = field(repr=False, compare=False, hash=False)
    degraded: str | None = field(default=None, compare=False, hash=False)

    def table_path(self, table: str) -> Path:
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


def sha256_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def releases_dir(root: Path) -> Path:
    return root / "releases"


def read_pointer(root: Path) -> str | None:
    """The release id CURRENT names, or None when no release was ever published (ReleaseError if unreadable)."""
    try:
        raw = (root / POINTER).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:  # a directory, no permission, an I/O error
        raise ReleaseError(f"the {POINTER} pointer cannot be read ({exc.strerror or type(exc).__name__})") from exc
    text = raw.decode("utf-8", "replace").strip()
    if not RELEASE_ID.match(text):
        raise ReleaseError(f"the {POINTER} pointer does not hold a release id (found {text[:40]!r})")
    return text


def read_manifest(root: Path, release_id: str) -> dict:
    """The manifest of one release, or ReleaseError naming what is wrong (never an absolute path)."""
    if not RELEASE_ID.match(release_id or ""):
        raise ReleaseError(f"{release_id!r} is not a release id (expected e.g. r20260101T000000Z-0123abcd)")
    path = releases_dir(root) / release_id / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReleaseError(f"release {release_id} not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReleaseError(f"release {release_id}: {MANIFEST} cannot be read ({exc})") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise ReleaseError(f"release {release_id}: {MANIFEST} lists no tables")
    return manifest


def file_problems(root: Path, release_id: str, manifest: dict) -> list[tuple[str, str | None]]:
    """Re-hash every table file of a release: (file name, None when it matches its sha256, else what is wrong)."""
    folder = releases_dir(root) / release_id
    checked = []
    for table, entry in manifest["tables"].items():
        name = str(entry.get("file", ""))
        try:
            problem = None if sha256_file(folder / name) == entry.get("sha256") else "does not match its checksum"
        except FileNotFoundError:
            problem = "is missing"
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror or type(exc).__name__})"
        checked.append((name, problem and f"table {table} file {name} {problem}"))
    return checked


def checksummed(root: Path, release_id: str) -> Release:
    """Check every table file of a release against the manifest's sha256; return the Release."""
    manifest = read_manifest(root, release_id)
    for _name, problem in file_problems(root, release_id, manifest):
        if problem:
            raise ReleaseError(f"release {release_id}: {problem}")
    return Release(release_id, releases_dir(root) / release_id, manifest)


def verify(root: Path, release_id: str) -> Release:
    """A release this code can serve: its files match their checksums and its tables hold every column of the
    contract (warehouse/schema.py) but the LATER_COLUMNS, so that no query meets a column it lacks."""
    release = checksummed(root, release_id)
    missing = [
        f"{table}.{column}"
        for table, entry in release.manifest["tables"].items()
        if table in TABLES
        for column in sorted(set(TABLES[table].names) - set(pq.read_schema(release.path / entry["file"]).names))
        if column not in LATER_COLUMNS.get(table, ())
    ]
    if missing:
        named = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        raise OutdatedRelease(
            f"release {release_id} was built by an older schema of the platform (it lacks {named}) and cannot be "
            "served by this version: publish a new release with `delta87 etl run`, or choose a newer release"
        )
    return release


def current_release(root: Path) -> Release | None:
    """The release CURRENT names, checked against its checksums (the ETL compares with it, even with one of an
    older schema); None when there is none (or it fails its checksums)."""
    try:
        current = read_pointer(root)
        return checksummed(root, current) if current else None
    except ReleaseError:
        return None


def list_release_ids(root: Path) -> list[str]:
    """Ids of the complete releases on disk (those with a manifest), oldest first."""
    folder = releases_dir(root)
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:  # no releases folder yet (or not a folder)
        return []
    return sorted(n for n in names if RELEASE_ID.match(n) and (folder / n / MANIFEST).is_file())


def _stamps(folder: Path) -> dict[str, tuple[int, int, int]] | None:
    """(size, mtime, inode) of every file in a release folder, or None when the folder cannot be listed."""
    stamps = {}
    try:
        for entry in os.scandir(folder):
            stat = entry.stat()
            stamps[entry.name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError:
        return None
    return stamps


class Releases:
    """The releases of one warehouse folder as a reader sees them: verified once, re-hashed when their files change.

    A full hash runs when a release is first served, on the server's schedule (`recheck`) and after a failed
    read (`suspect`); otherwise a lookup compares the files' stat stamps, so a file replaced on disk is re-hashed.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        #: release id -> (file stamps when hashed, the Release if it verified, else the problem)
        self._known: dict[str, tuple[dict | None, Release | None, ReleaseError | None]] = {}
        self._suspected: dict[str, float] = {}
        self._state: str | None = None

    def current(self) -> Release:
        """The release to serve now: CURRENT when it verifies, else the newest release that does (degraded)."""
        try:
            current = read_pointer(self.root)
        except ReleaseError as exc:
            return self._fallback(str(exc))
        if current is None:
            if list_release_ids(self.root):
                return self._fallback(f"the {POINTER} pointer is missing")
            self._note("no release published yet", logging.WARNING)
            raise NoRelease("no release has been published yet: run `delta87 etl run`")
        try:
            release = self.get(current)
        except ReleaseError as exc:
            return self._fallback(str(exc), skip=current)
        self._note(f"serving release {current}", logging.INFO)
        return release

    def get(self, release_id: str) -> Release:
        """One named release, verified (ReleaseError when it is missing or fails its checksums)."""
        if not RELEASE_ID.match(release_id or ""):
            raise ReleaseError(f"{release_id!r} is not a release id (expected e.g. r20260101T000000Z-0123abcd)")
        stamps = _stamps(releases_dir(self.root) / release_id)
        with self._lock:
            known = self._known.get(release_id)
        if known is None or known[0] != stamps:
            return self._hash(release_id, stamps)
        if known[1] is None:
            raise type(known[2])(*known[2].args)  # a new instance of the same kind (outdated, or not verified)
        return known[1]

    def recheck(self) -> None:
        """Re-hash every release this process has verified (the server's schedule); log those that now fail."""
        with self._lock:
            ids = [release_id for release_id, (_, release, _) in self._known.items() if release is not None]
        for release_id in ids:
            try:
                self._hash(release_id, _stamps(releases_dir(self.root) / release_id))
            except ReleaseError as exc:
                log.error("re-verification failed: %s", exc)

    def suspect(self, release: Release) -> bool:
        """A query could not read `release`: re-hash it now (at most every SUSPECT_EVERY s); True if it fails."""
        now = time.monotonic()
        with self._lock:
            recent = now - self._suspected.get(release.id, -SUSPECT_EVERY) < SUSPECT_EVERY
            if not recent:
                self._suspected[release.id] = now
            known = self._known.get(release.id)
        if recent:
            return known is not None and known[1] is None
        try:
            self._hash(release.id, _stamps(release.path))
        except ReleaseError as exc:
            log.error("a read error led to re-verification, which failed: %s", exc)
            return True
        return False

    def _hash(self, release_id: str, stamps: dict | None) -> Release:
        try:
            release = verify(self.root, release_id)
        except ReleaseError as exc:
            self._remember(release_id, (stamps, None, exc))
            raise
        self._remember(release_id, (stamps, release, None))
        return release

    def _remember(self, release_id: str, entry: tuple) -> None:
        on_disk = set(list_release_ids(self.root))
        with self._lock:  # forget releases that were pruned from disk
            self._known = {k: v for k, v in self._known.items() if k in on_disk}
            self._known[release_id] = entry

    def _fallback(self, problem: str, skip: str | None = None) -> Release:
        for release_id in reversed(list_release_ids(self.root)):
            if release_id == skip:
                continue
            try:
                release = self.get(release_id)
            except ReleaseError:
                continue
            self._note(f"serving last good release {release_id} because {problem}", logging.ERROR)
            return replace(release, degraded=f"{problem}; serving last good release {release_id}")
        self._note(f"no release can be served: {problem}, and no other release verifies", logging.ERROR)
        raise ReleaseError(f"{problem}, and no other release verifies")

    def _note(self, state: str, level: int) -> None:
        """Log what is served when it changes (one line per change, whatever the number of requests)."""
        with self._lock:
            changed, self._state = state != self._state, state
        if changed:
            log.log(level, "%s", state)

    def listing(self) -> list[dict]:
        """Every release on disk, newest first: id, created, counts, changes, whether CURRENT names it, whether
        this code can serve it (its files verify and its tables hold the columns the code reads), and if not why."""
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
                    **self._servable(release_id),
                }
            )
        return rows

    def _servable(self, release_id: str) -> dict:
        try:
            self.get(release_id)
        except ReleaseError as exc:
            return {"servable": False, "problem": str(exc)}
        return {"servable": True, "problem": None}
