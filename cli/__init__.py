"""The `delta87` command (also `python -m cli`; `python -m etl` runs its `etl` group); its help is its documentation."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

import config
from etl.problems import SourceError, errors
from etl.registry import FORMATS, UNITS
from etl.report import problem_lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Delta 8.7 data platform: ETL and web server.

    Paths come from environment variables (DELTA87_RAW_DIR, DELTA87_WAREHOUSE_DIR, ...; see README.md).
    """


@main.group()
def etl() -> None:
    """Refresh and inspect the data warehouse."""


@etl.command("run")
@click.argument("sources", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Read, harmonise and check everything, but publish nothing.")
@click.option("--force", is_flag=True, help="Publish a new release even when the content did not change.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--no-warm", is_flag=True, help="After publishing, do not pre-render the pages into the shared cache.")
def etl_run(sources: tuple[str, ...], dry_run: bool, force: bool, quiet: bool, no_warm: bool) -> None:
    """Validate the raw snapshots and publish a new release atomically.

    With SOURCE ids (data/registry/SOURCE.yaml), only those are re-read; the others are carried over. On any error
    nothing is published and the report (data/reports/) lists every problem. Exit status: 0 published or unchanged,
    1 refused.
    """
    from etl.pipeline import run  # noqa: PLC0415 - keep `delta87 --help` fast

    result = run(
        sources=list(sources) or None, dry_run=dry_run, force=force, progress=not quiet and sys.stderr.isatty()
    )
    click.echo(result.summary())
    click.echo(f"report: {result.report_paths[0] if result.report_paths else '-'}")
    if result.status == "published" and not no_warm:
        _warm_cache()
    sys.exit(0 if result.ok else 1)


def _warm_cache() -> None:
    """Run `delta87 warm` in its own process (the refresh's memory is not kept); a failure only costs speed."""
    import subprocess  # noqa: PLC0415

    click.echo("warming the page cache for the new release…")
    try:
        done = subprocess.run([sys.executable, "-m", "cli", "warm"], cwd=config.ROOT, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        click.echo(f"cache not warmed ({exc}); pages will be cached on first view", err=True)
        return
    if done.returncode != 0:
        click.echo("cache warming reported problems (see above); the release is published", err=True)


@etl.command("check")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--source", "source_id", default=None, help="Apply the registry entry SOURCE (data/registry/SOURCE.yaml)."
)
@click.option("--dataset", "number", type=int, default=None, help="With --source: only its dataset N (1-based).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f for f in FORMATS if f not in ("reference", "commitments")]),
    help="The publisher format of FILE.",
)
@click.option("--unit", type=click.Choice(UNITS), default=None, help="Unit of the values, for range checks.")
@click.option("--sheet", default=None, help="Excel: the sheet to read.")
@click.option("--header-row", type=int, default=None, help="Excel: the 1-based header row.")
def etl_check(file, source_id, number, fmt, unit, sheet, header_row) -> None:
    """Validate without publishing: a registry entry (--source), or one FILE in a format (--format).

    --source applies the entry to its raw files exactly as `etl run` would and shows each dataset's rows, areas,
    years, indicators, dropped rows and problems. Exit status: 0 when no errors were found, 1 otherwise.
    """
    if (file is None) == (source_id is None):
        raise click.UsageError("give either FILE with --format, or --source SOURCE")
    if source_id:
        from etl.preview import check_source, lines  # noqa: PLC0415 - keep `delta87 --help` fast

        preview = check_source(source_id, number)
        click.echo("\n".join(lines(preview)))
        sys.exit(1 if any(p.severity == "error" for p in preview.problems) else 0)
    if fmt is None:
        raise click.UsageError("FILE needs --format (one of: " + ", ".join(FORMATS[:8]) + ")")
    sys.exit(_check_file(file, fmt, unit, sheet, header_row))


def _check_file(file: Path, fmt: str, unit: str | None, sheet: str | None, header_row: int | None) -> int:
    """`etl check FILE --format F`: print what the file holds and its problems; the exit status."""
    from etl.preview import SHOWN, check_file  # noqa: PLC0415

    options = {k: v for k, v in (("sheet", sheet), ("header_row", header_row)) if v is not None}
    try:
        observations, problems = check_file(file, fmt, unit=unit, options=options)
    except SourceError as exc:
        observations, problems = None, exc.problems
    if observations is not None and len(observations):
        years = observations["year"].dropna()
        click.echo(
            f"{file}: {len(observations):,} rows, {observations['iso3'].nunique()} areas, "
            f"years {int(years.min())}–{int(years.max())}, {observations['indicator'].nunique()} indicator(s)"
        )
    else:
        click.echo(f"{file}: no usable rows")
    click.echo("\n".join(problem_lines(problems, SHOWN, "not shown")))
    return 1 if errors(problems) else 0


@etl.command("status")
def etl_status() -> None:
    """Show the release being served, whether it verifies, whether it is the newest, and the last run."""
    from warehouse import ReleaseError, Releases  # noqa: PLC0415

    settings = config.settings()
    click.echo(f"warehouse: {settings.warehouse_dir}")
    click.echo(f"raw data:  {settings.raw_dir}")
    releases = Releases(settings.warehouse_dir)
    try:
        release = releases.current()
        click.echo(f"serving:   {release.id} (created {release.created})")
        click.echo("counts:    " + ", ".join(f"{k} {v:,}" for k, v in sorted(release.counts.items())))
        if release.degraded:
            click.echo(f"DEGRADED:  {release.degraded}; `delta87 etl rollback {release.id}` makes it the one served")
        for newest in (r for r in releases.listing() if r["id"] > release.id and r["servable"]):
            click.echo(f"NOT NEWEST: {newest['id']} (created {newest['created']}) is newer than the release served "
                       f"(after a rollback?); `delta87 etl rollback {newest['id']}` serves it again")  # fmt: skip
            break
    except ReleaseError as exc:
        click.echo(f"serving:   nothing ({exc})")
    _last_run(settings.report_dir)


def _last_run(folder: Path) -> None:
    """The outcome of the last `etl run`, and where its report is."""
    latest = folder / "latest.json"
    if not latest.is_file():
        click.echo("last run:  none recorded")
        return
    report = json.loads(latest.read_text(encoding="utf-8"))
    problems = report.get("problems", [])
    errors = sum(p.get("severity") == "error" for p in problems)
    click.echo(f"last run:  {report['run_id']} {report['status'].upper()} at {report.get('finished', '?')} "
               f"({errors} error(s), {len(problems) - errors} warning(s))")  # fmt: skip
    if report["status"] in ("refused", "failed"):
        first = next((p for p in problems if p.get("severity") == "error"), None)
        if first:
            click.echo(f"  first error: {first.get('file') or '?'}: {first['message']}")
        click.echo("  nothing was published by that run; the release above is still served")
    click.echo(f"report:    {folder / (report['run_id'] + '.txt')}")


@etl.command("verify")
@click.argument("release", required=False)
@click.option("--all", "every", is_flag=True, help="Verify every release on disk.")
def etl_verify(release: str | None, every: bool) -> None:
    """Re-hash every file of RELEASE (default: the one CURRENT names) against its manifest.

    Exit status: 0 when every file matches, 1 when a file is missing or differs, or the release cannot be read.
    """
    from warehouse import releases as rel  # noqa: PLC0415

    root = config.settings().warehouse_dir
    try:
        ids = rel.list_release_ids(root) if every else [release or rel.read_pointer(root)]
    except rel.ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc
    if not ids or ids == [None]:
        raise click.ClickException(f"no release published in {root}")
    failures = 0
    for release_id in ids:
        try:
            checked = rel.file_problems(root, release_id, rel.read_manifest(root, release_id))
        except rel.ReleaseError as exc:
            click.echo(f"FAILED {release_id}: {exc}")
            failures += 1
            continue
        for name, problem in checked:
            click.echo(f"  MISMATCH {release_id}/{name}: {problem}" if problem else f"  ok       {release_id}/{name}")
        problems = sum(problem is not None for _, problem in checked)
        click.echo(f"{release_id}: {len(checked)} file(s), {f'{problems} FAILED' if problems else 'all match'}")
        failures += problems
    sys.exit(1 if failures else 0)


@etl.command("releases")
def etl_releases() -> None:
    """List the releases on disk, newest first (* = current)."""
    from warehouse import Releases  # noqa: PLC0415

    rows = Releases(config.settings().warehouse_dir).listing()
    if not rows:
        click.echo("no releases yet: run `delta87 etl run`")
        return
    for row in rows:
        mark = "*" if row["current"] else " "
        click.echo(f"{mark} {row['id']}  {row['created']}  {row['observations']:>9,} obs  {row['changes']}")
        if row["problem"]:
            click.echo(f"    cannot be served: {row['problem']}")


@etl.command("rollback")
@click.argument("release", required=False)
def etl_rollback(release: str | None) -> None:
    """Point the platform at RELEASE (default: the one before the current), after verifying it."""
    from etl.publish import PublishBusy, rollback  # noqa: PLC0415
    from warehouse import ReleaseError  # noqa: PLC0415

    try:
        release_id = rollback(config.settings().warehouse_dir, release)
    except (ReleaseError, PublishBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"now serving {release_id}")


@main.command("serve")
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1, or DELTA87_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default 8050, or DELTA87_PORT).")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="gunicorn workers (default 2, or DELTA87_WORKERS)."
)
@click.option("--dev", is_flag=True, help="Use Dash's development server instead of gunicorn (never in production).")
def serve(host: str | None, port: int | None, workers: int | None, dev: bool) -> None:
    """Run the web platform (nginx in front of gunicorn); builds the data first if no release exists yet.

    Keeps the cache (its keys name the release and the code), so a restart, or another instance sharing it, stays
    warm. See README "Deployment".
    """
    try:
        settings = config.settings()
    except ValueError as exc:  # a setting that cannot be read names itself and what it must be
        raise click.ClickException(str(exc)) from exc
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    _ensure_release()
    os.chdir(config.ROOT)
    from web.cache import code_id  # noqa: PLC0415

    os.environ["DELTA87_CODE_ID"] = code_id()  # worked out once, here, for every worker's cache keys
    if dev:
        os.execv(sys.executable, [sys.executable, str(config.ROOT / "app.py")])
    from cli import server  # noqa: PLC0415

    for warning in server.start_warnings(settings):
        click.echo(f"WARNING: {warning}", err=True)

    # Worker memory: fewer malloc arenas, blocks over 128 KiB (a page build's frames) mapped apart so that freeing
    # them returns them, and Arrow on the system allocator hand freed memory back instead of keeping it.
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", "131072")
    os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", "131072")
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    try:
        sys.exit(server.serve(host, port, workers))
    except (RuntimeError, ValueError) as exc:  # missing programs, refused settings: the message says which
        raise click.ClickException(str(exc)) from exc


@main.command("warm")
@click.argument("paths", nargs=-1)
def warm_pages(paths: tuple[str, ...]) -> None:
    """Render every page (and PATHS, e.g. /country/NPL) into the shared cache in English, French and Spanish.

    Run it where it reaches the site's cache (the web host for the filesystem cache). Exit status: 1 on any 5xx.
    """
    from cli import warm  # noqa: PLC0415 - building the app is the slow part; only when run

    sys.exit(warm.main(list(paths)))


@main.group("content")
def content_group() -> None:
    """Check the learning space and the forum."""


@content_group.command("check")
@click.option("--learn-dir", type=click.Path(file_okay=False, path_type=Path), help="Explainers (content/learn).")
@click.option("--forum-dir", type=click.Path(file_okay=False, path_type=Path), help="Articles (content/forum).")
def content_check(learn_dir: Path | None, forum_dir: Path | None) -> None:
    """Validate every explainer, forum article, glossary term and theme: front matter, tags, internal links and
    shortcodes (indicators and areas checked against the reference list and the served release).
    Exit status: 0 when everything is valid, 1 with one line per problem naming the file."""
    from content.check import FORUM_DIR, LEARN_DIR, check_all  # noqa: PLC0415

    report = check_all(learn_dir=learn_dir or LEARN_DIR, forum_dir=forum_dir or FORUM_DIR)
    click.echo("\n".join(report.lines()))
    sys.exit(0 if report.ok else 1)


def _ensure_release() -> None:
    """`serve` on a fresh install: build the first release, or stop with the problems that refused it."""
    from etl.pipeline import run  # noqa: PLC0415
    from warehouse import releases as rel  # noqa: PLC0415

    settings = config.settings()
    if rel.list_release_ids(settings.warehouse_dir):
        return
    click.echo(f"No data release in {settings.warehouse_dir} yet: building it from {settings.raw_dir} (first run)…")
    result = run(progress=sys.stderr.isatty())
    click.echo(result.summary(max_problems=20))
    if not result.ok:
        raise click.ClickException(
            "the first data build failed; fix the problems above, then run `delta87 serve` (or `make run`) again"
        )
