"""Releases on disk: the CURRENT pointer, manifests and their verification (read side only).

Layout of a warehouse folder (written by etl/publish.py, never modified in place):

    CURRENT                      one line: the id of the release readers must use
    releases/<id>/manifest.json  tables with sha256 and row counts, sources, counts, changes
    releases/<id>/<table>.parquet

A release folder is immutable once the pointer names it, so a reader that resolved a path keeps a consistent
view even while a new release is being published (see ../shared/TOOLCHAIN.md section 6.7).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

POINTER = "CURRENT"
MANIFEST = "manifest.json"
RELEASE_ID = re.compile(r"^r\d{8}T\d{6}Z-[0-9a-f]{8}$")


class ReleaseError(Exception):
    """A release is missing, unreadable or does not match its manifest."""


@dataclass(frozen=True)
class Release:
    """One verified release: its id, folder and manifest."""

    id: str
    path: Path
    manifest: dict = field(repr=False, compare=False, hash=False)

    def table_path(self, table: str) -> Path:
        """The Parquet file holding `table` in this release."""
        try:
            return self.path / self.manifest["tables"][table]["file"]
        except KeyError as exc:
            raise ReleaseError(f"release {self.id} has no table {table!r}") from exc

    @property
    def created(self) -> str:
        return self.manifest.get("created", "")


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
