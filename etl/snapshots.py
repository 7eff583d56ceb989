"""Raw snapshots: the publisher files in DELTA87_RAW_DIR (never in the repository), checked against their sha256."""

from __future__ import annotations

from pathlib import Path

from etl.problems import Problem
from etl.registry import Source
from warehouse.releases import sha256_file


def verify_snapshots(registry: list[Source], selected: set[str], raw_dir: Path, registry_dir: Path) -> list[Problem]:
    """One problem per missing or changed raw file of the `selected` sources and of those with reference datasets."""
    if not raw_dir.is_dir():
        message = (
            f"raw-data folder {raw_dir} does not exist: set DELTA87_RAW_DIR to the folder holding the publisher "
            "snapshots (by default ../shared/data beside the checkout)"
        )
        return [Problem("snapshot", message, str(raw_dir))]
    problems = []
    for source in (s for s in registry if s.id in selected or any(d.format == "reference" for d in s.datasets)):
        entry = registry_dir / f"{source.id}.yaml"
        for raw in source.files:
            path = raw_dir / raw.path
            if not path.is_file():
                message = (
                    f"raw file is missing from {raw_dir}: restore the snapshot named in {entry.name} "
                    f"(obtained from: {source.obtained_from}){_renamed(path, raw.sha256, entry.name)}"
                )
                problems.append(Problem("snapshot", message, raw.path))
            elif (actual := sha256_file(path)) != raw.sha256:
                message = (
                    f"raw file changed: sha256 {actual[:12]}… but {entry.name} expects {raw.sha256[:12]}…; if the "
                    f"publisher issued a new version, review it and update sha256 (and edition/retrieved) in {entry}"
                )
                problems.append(Problem("snapshot", message, raw.path, column="sha256", value=actual))
    return problems


def _renamed(path: Path, sha256: str, entry: str) -> str:
    """Where a missing file's bytes are under another name in its folder (a renamed file), as a hint; or ''."""
    if not path.parent.is_dir():
        return ""
    same = [p.name for p in sorted(path.parent.iterdir()) if p.is_file() and sha256_file(p) == sha256]
    return f"; its bytes are in the folder as {same[0]!r}: rename it back, or set that path in {entry}" if same else ""


def source_file_rows(sources: list[Source], raw_dir: Path) -> list[dict]:
    return [
        {"source": s.id, "path": raw.path, "sha256": raw.sha256, "bytes": _size(raw_dir / raw.path)}
        for s in sources
        for raw in s.files
    ]


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0
