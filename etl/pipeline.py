"""`delta87 etl run`: registry → snapshots → build → progress → checks → publish (all or nothing), with a report."""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import config
from etl import checks
from etl.build import Build, build
from etl.problems import Problem, SourceError, errors
from etl.progress import compute_progress
from etl.publish import PublishBusy, publish, publish_lock
from etl.registry import load_registry
from etl.report import RunResult, now_iso, write_report
from etl.snapshots import verify_snapshots
from warehouse import releases as rel
from warehouse.schema import OBSERVATION_KEY


def run(
    sources: list[str] | None = None, dry_run: bool = False, force: bool = False, progress: bool = True, **folders
) -> RunResult:
    """Refresh the warehouse (all sources, or only `sources`); `folders` (raw_dir, warehouse_dir …) override config."""
    settings = replace(config.settings(), **{name: Path(path) for name, path in folders.items() if path})
    result = RunResult()
    try:
        # A refresh holds the lock from reading the previous release to switching the pointer, so that two runs
        # can never both build on the same previous release (the second one fails at once).
        with nullcontext() if dry_run else publish_lock(settings.warehouse_dir):
            _run(result, sources, dry_run, force, settings, progress)
    except SourceError as exc:
        result.problems += exc.problems
        result.status = "refused"
    except PublishBusy as exc:
        result.problems.append(Problem("publish", str(exc), str(settings.warehouse_dir)))
        result.status = "refused"
    except Exception as exc:  # a bug of ours: recorded for `etl status`, then raised with its traceback
        message = f"internal error, nothing was published ({type(exc).__name__}: {exc}); please report it"
        result.problems.append(Problem("pipeline", message, str(settings.registry_dir)))
        result.status = "failed"
        raise
    finally:
        result.finished, result.release_online = now_iso(), bool(rel.list_release_ids(settings.warehouse_dir))
        write_report(result, settings.report_dir)
    return result


def _run(result: RunResult, only, dry_run: bool, force: bool, settings: config.Settings, progress: bool) -> None:
    clock = time.perf_counter()
    registry = load_registry(settings.registry_dir, selected=only)
    selected = set(only) if only else {s.id for s in registry}
    current = rel.current_release(settings.warehouse_dir)
    if only and current is None:
        message = "no current release to combine a partial run with: run all sources first"
        raise SourceError([Problem("pipeline", message, str(settings.warehouse_dir))])
    result.previous_release = current.id if current else None
    snapshot_problems = verify_snapshots(registry, selected, settings.raw_dir, settings.registry_dir)
    result.timings["snapshots"] = time.perf_counter() - clock
    if errors(snapshot_problems):
        raise SourceError(snapshot_problems)
    clock = time.perf_counter()
    built = build(registry, selected, settings.raw_dir, settings.reference_dir, current if only else None, progress)
    try:
        _finish(result, built, current, dry_run, force, settings, clock)
    finally:
        built.con.close()


def _finish(result, built: Build, current, dry_run, force, settings: config.Settings, clock) -> None:
    """Checks against the previous release, progress, counts and (unless refused or a dry run) the publish."""
    result.timings["build"] = time.perf_counter() - clock
    result.sources = {k: v.to_dict() for k, v in built.stats.items()}
    result.problems += built.problems
    if errors(built.problems):
        result.status = "refused"
        return
    clock, con = time.perf_counter(), built.con
    progress = compute_progress(con.table("observations").df(), built.tables["indicators"])
    tables = {"observations": con.table("observations"), **built.tables, "progress": progress}
    previous = None
    if current is not None:
        con.execute("CREATE TABLE previous AS SELECT * FROM read_parquet(?)", [str(current.table_path("observations"))])
        previous = "previous"
    result.problems += checks.check_jumps(con, "observations", previous)
    result.timings["progress_and_checks"] = time.perf_counter() - clock
    result.counts = _counts(con, tables)
    result.changes = _changes(con, previous)
    if dry_run:
        result.status = "dry-run"
        return
    clock = time.perf_counter()
    meta = {"counts": result.counts, "changes": result.changes, "run_id": result.run_id, "sources": result.sources}
    published = publish(tables, settings.warehouse_dir, meta, keep=settings.keep_releases, force=force)
    result.timings["publish"] = time.perf_counter() - clock
    result.release_id = published.release_id
    result.status = "published" if published.changed else "unchanged"


def _counts(con, tables: dict) -> dict[str, int]:
    """Rows per table, and how many countries and indicators have at least one value."""
    counts = {name: int(t.shape[0]) for name, t in tables.items()}
    with_data, indicators = con.execute(
        "SELECT count(DISTINCT iso3) FILTER (WHERE list_contains(?::VARCHAR[], iso3)), count(DISTINCT indicator) "
        "FROM observations WHERE value IS NOT NULL",
        [list(tables["countries"]["iso3"])],
    ).fetchall()[0]
    counts["countries_with_data"], counts["indicators_with_data"] = int(with_data), int(indicators)
    return counts


def _changes(con, previous: str | None) -> dict:
    """Rows added, removed and changed per indicator against the previous release."""
    if previous is None:
        total = con.execute("SELECT count(*) FROM observations").fetchall()[0][0]
        return {"summary": f"first release: {total:,} observations", "by_indicator": {}}
    match = " AND ".join(f"n.{k} IS NOT DISTINCT FROM o.{k}" for k in OBSERVATION_KEY)
    rows = con.execute(
        "SELECT coalesce(n.indicator, o.indicator) AS indicator, count(*) FILTER (WHERE o._old IS NULL), "
        "count(*) FILTER (WHERE n._new IS NULL), "
        "count(*) FILTER (WHERE n._new AND o._old AND n.value IS DISTINCT FROM o.value) "
        f"FROM (SELECT *, TRUE AS _new FROM observations) n FULL OUTER JOIN (SELECT *, TRUE AS _old FROM {previous}) o "
        f"ON {match} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    added, removed, changed = (sum(r[i] for r in rows) for i in (1, 2, 3))
    per = {code: {"added": a, "removed": r, "changed": c} for code, a, r, c in rows if a or r or c}
    summary = f"{added:,} added, {removed:,} removed, {changed:,} changed"
    return {"summary": summary, "by_indicator": per, "largest": _largest(con, previous, match) if changed else []}


def _largest(con, previous: str, match: str, n: int = 10) -> list[dict]:
    """The changed values that moved most (appearing or vanishing first, then relative to the larger of old, new)."""
    moved = "abs(n.value - o.value) / nullif(greatest(abs(n.value), abs(o.value)), 0)"
    rows = con.execute(
        f"SELECT n.indicator, n.iso3, n.year, n.sex, n.age, o.value, n.value FROM observations n JOIN {previous} o "
        f"ON {match} WHERE n.value IS DISTINCT FROM o.value "
        f"ORDER BY (n.value IS NULL OR o.value IS NULL) DESC, {moved} DESC NULLS LAST, "
        f"n.indicator, n.iso3, n.year, n.sex, n.age LIMIT {n}"
    ).fetchall()
    names = ("indicator", "iso3", "year", "sex", "age", "old", "new")
    return [dict(zip(names, row, strict=True)) for row in rows]
