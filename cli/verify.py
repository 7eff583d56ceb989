"""`delta87 etl verify`: re-hash release files against their manifests, whatever their stat stamps say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warehouse import releases as rel


def verify_releases(root: Path, release_id: str | None, every: bool, echo: Callable[[str], None]) -> int:
    """Verify one release (default: CURRENT's) or all of them, printing one line per file; the exit status."""
    try:
        ids = rel.list_release_ids(root) if every else [release_id or rel.read_pointer(root)]
    except rel.ReleaseError as exc:
        echo(f"FAILED: {exc}")
        return 1
    if not ids or ids == [None]:
        echo(f"no release published in {root}")
        return 1
    failures = sum(_verify_one(root, release_id, echo) for release_id in ids)
    return 1 if failures else 0


def _verify_one(root: Path, release_id: str, echo: Callable[[str], None]) -> int:
    """Print each file's outcome; the number of problems found."""
    try:
        manifest = rel.read_manifest(root, release_id)
    except rel.ReleaseError as exc:
        echo(f"FAILED {release_id}: {exc}")
        return 1
    checked = rel.file_problems(root, release_id, manifest)
    for name, problem in checked:
        echo(
            f"  {'ok      ' if problem is None else 'MISMATCH'} {release_id}/{name}"
            + (f": {problem}" if problem else "")
        )
    problems = sum(problem is not None for _, problem in checked)
    echo(f"{release_id}: {len(checked)} file(s), {'all match' if not problems else f'{problems} FAILED'}")
    return problems
