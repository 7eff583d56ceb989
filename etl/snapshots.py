"""Raw snapshots: the publisher files in DELTA87_RAW_DIR, checked against the sha256 in the registry.

The repository never holds publisher files (the owid/etl snapshot model); it holds their checksums. A missing
or changed file is refused with a message that says which file and what to do.
"""

from __future__ import annotations

from pathlib import Path

from etl.problems import Problem
from etl.registry import Source
from warehouse.releases import sha256_file


def verify_snapshots(sources: list[Source], raw_dir: Path, registry_dir: Path) -> list[Problem]:
    """One problem per raw file that is missing or whose sha256 differs from its registry entry."""
    problems: list[Problem] = []
    if not raw_dir.is_dir():
        return [
            Problem(
                "snapshot",
                f"raw-data folder {raw_dir} does not exist: set DELTA87_RAW_DIR to the folder holding the "
                "publisher snapshots (by default ../shared/data beside the checkout)",
                str(raw_dir),
            )
        ]
    for source in sources:
        entry = registry_dir / f"{source.id}.yaml"
        for raw in source.files:
            path = raw_dir / raw.path
            if not path.is_file():
                problems.append(
                    Problem(
                        "snapshot",
                        f"raw file is missing from {raw_dir}: restore the snapshot named in {entry.name} "
                        f"(obtained from: {source.obtained_from})",
                        raw.path,
                    )
                )
                continue
            actual = sha256_file(path)
            if actual != raw.sha256:
                problems.append(
                    Problem(
                        "snapshot",
                        f"raw file changed: sha256 {actual[:12]}… but {entry.name} expects {raw.sha256[:12]}…; if the "
                        f"publisher issued a new version, review it and update sha256 (and edition/retrieved) in {entry}",
                        raw.path,
                        column="sha256",
                        value=actual,
                    )
                )
    return problems


def source_file_rows(sources: list[Source], raw_dir: Path) -> list[dict]:
    """Rows of the `source_files` table for the verified snapshots."""
    rows = []
    for source in sources:
        for raw in source.files:
            path = raw_dir / raw.path
            rows.append(
                {
                    "source": source.id,
                    "path": raw.path,
                    "sha256": raw.sha256,
                    "bytes": path.stat().st_size if path.is_file() else 0,
                }
            )
    return rows
