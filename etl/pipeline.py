"""`delta87 etl run`: registry → snapshots → build → progress → checks → publish, with a run report.

A run either publishes a complete, verified release or publishes nothing: any error-severity problem, a
missing or changed raw file, or another refresh holding the lock refuses the run, and the current release
stays online byte for byte.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

import config
from etl import checks
from etl.build import build
from etl.memory import use_system_allocator
from etl.problems import Problem, SourceError, errors
from etl.publish import PublishBusy, publish
from etl.registry import load_registry
from etl.report import RunResult, new_run_id, now_iso, write_report
from etl.snapshots import verify_snapshots
from warehouse import releases as rel


def run(
    sources: list[str] | None = None,
    dry_run: bool = False,
    force: bool = False,
    raw_dir: Path | None = None,
    warehouse_dir: Path | None = None,
    report_dir: Path | None = None,
    registry_dir: Path | None = None,
    reference_dir: Path | None = None,
    progress: bool = True,
) -> RunResult:
    """Refresh the warehouse from the raw snapshots (all sources, or only `sources`)."""
    use_system_allocator()
    settings = config.settings()
    raw_dir = Path(raw_dir or settings.raw_dir)
    warehouse_dir = Path(warehouse_dir or settings.warehouse_dir)
    registry_dir = Path(registry_dir or settings.registry_dir)
    reference_dir = Path(reference_dir or settings.reference_dir)
    result = RunResult(run_id=new_run_id(), started=now_iso())
    try:
        _run(result, sources, dry_run, force, raw_dir, warehouse_dir, registry_dir, reference_dir, progress, settings)
    except SourceError as exc:
        result.problems += exc.problems
        result.status = "refused"
    except PublishBusy as exc:
        result.problems.append(Problem("publish", str(exc), str(warehouse_dir)))
        result.status = "refused"
    result.finished = now_iso()
    write_report(result, Path(report_dir or settings.report_dir))
    return result


def _run(result, only, dry_run, force, raw_dir, warehouse_dir, registry_dir, reference_dir, progress, settings):
    clock = time.perf_counter()
    registry = load_registry(registry_dir)
    if only:
        load_registry(registry_dir, only=list(only))  # refuses unknown source names, listing the known ones
        selected = set(only)
    else:
        selected = {s.id for s in registry}
    previous = _previous_tables(warehouse_dir) if only else None
    if only and previous is None:
        raise SourceError(
            [
                Problem(
                    "pipeline",
                    "no current release to combine a partial run with: run all sources first",
                    str(warehouse_dir),
                )
            ]
        )
    result.previous_release = _current_id(warehouse_dir)
    needed = [s for s in registry if s.id in selected or any(d.format == "reference" for d in s.datasets)]
    snapshot_problems = verify_snapshots(needed, raw_dir, registry_dir)
    result.timings["snapshots"] = time.perf_counter() - clock
    if errors(snapshot_problems):
        raise SourceError(snapshot_problems)
    clock = time.perf_counter()
    built = build(registry, selected, raw_dir, reference_dir, previous, progress)
    result.timings["build"] = time.perf_counter() - clock
    result.sources = {k: v.to_dict() for k, v in built.stats.items()}
    result.problems += built.problems
    if errors(built.problems):
        result.status = "refused"
        return
    clock = time.perf_counter()
    built.tables["progress"] = _progress(built.tables)
    # a partial run already read the current release's observations: reuse them instead of reading them again
    old = previous["observations"] if previous is not None else _previous_observations(warehouse_dir)
    result.problems += checks.check_jumps(built.tables["observations"], old)
    result.timings["progress_and_checks"] = time.perf_counter() - clock
    result.counts = _counts(built.tables)
    result.changes = _changes(built.tables["observations"], old)
    if dry_run:
        result.status = "dry-run"
        return
    clock = time.perf_counter()
    meta = {
        "counts": result.counts,
        "changes": result.changes,
        "run_id": result.run_id,
        "sources": {sid: stat for sid, stat in result.sources.items()},
    }
    published = publish(built.tables, warehouse_dir, meta, keep=settings.keep_releases, force=force)
    result.timings["publish"] = time.perf_counter() - clock
    result.release_id = published.release_id
    result.status = "published" if published.changed else "unchanged"


def _progress(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    from etl.progress import compute_progress  # noqa: PLC0415 - the progress engine is optional until it lands

    return compute_progress(tables["observations"], tables["indicators"])


def _counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    obs = tables["observations"]
    countries = set(tables["countries"]["iso3"]) if len(tables["countries"]) else set()
    with_data = obs.loc[obs["value"].notna() & obs["iso3"].isin(countries), "iso3"].nunique()
    counts = {name: int(len(frame)) for name, frame in tables.items()}
    counts["countries_with_data"] = int(with_data)
    counts["indicators_with_data"] = int(obs.loc[obs["value"].notna(), "indicator"].nunique())
    return counts


def _changes(new: pd.DataFrame, old: pd.DataFrame | None) -> dict:
    """Rows added, removed and changed per indicator against the previous release."""
    if old is None:
        return {"summary": f"first release: {len(new):,} observations", "by_indicator": {}}
    key = ["indicator", "iso3", "year", "sex", "age", "source"]
    merged = new[key + ["value"]].merge(
        old[key + ["value"]], on=key, how="outer", suffixes=("", "_old"), indicator=True
    )
    added = merged["_merge"] == "left_only"
    removed = merged["_merge"] == "right_only"
    both = merged["_merge"] == "both"
    changed = both & ~((merged["value"] == merged["value_old"]) | (merged["value"].isna() & merged["value_old"].isna()))
    frame = pd.DataFrame({"indicator": merged["indicator"], "added": added, "removed": removed, "changed": changed})
    per = frame.groupby("indicator")[["added", "removed", "changed"]].sum()
    per = per[(per > 0).any(axis=1)]
    summary = f"{int(added.sum()):,} added, {int(removed.sum()):,} removed, {int(changed.sum()):,} changed"
    return {"summary": summary, "by_indicator": {k: {c: int(v) for c, v in row.items()} for k, row in per.iterrows()}}


def _current_id(root: Path) -> str | None:
    try:
        return rel.read_pointer(root)
    except rel.ReleaseError:
        return None


def _previous_tables(root: Path) -> dict[str, pd.DataFrame] | None:
    current = _current_id(root)
    if not current:
        return None
    release = rel.verify(root, current)
    return {name: pd.read_parquet(release.table_path(name)) for name in ("observations", "commitments")}


def _previous_observations(root: Path) -> pd.DataFrame | None:
    current = _current_id(root)
    if not current:
        return None
    try:
        return pd.read_parquet(rel.verify(root, current).table_path("observations"))
    except rel.ReleaseError:
        return None
