"""`delta87 etl check`: what one file, or one source's registry entry, would publish, without publishing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

import config
from etl import reference
from etl.build import Entry, build, read_dataset
from etl.countries import Resolver
from etl.problems import Problem, SourceError, errors
from etl.registry import Dataset, load_registry, plain_problems
from etl.report import problem_lines
from etl.snapshots import verify_snapshots
from warehouse.schema import OBSERVATIONS

#: Problems printed by the CLI before "… N more" (the run report always holds all of them).
SHOWN = 50


def check_file(path, format: str, unit: str | None = None, resolver=None, **fields):
    """Read and check a file without a registry entry (its format's default columns; any Dataset field as keyword)."""
    path, label = Path(path), str(path)
    values = {k: v for k, v in {"file": path.name, "format": format, "unit": unit, **fields}.items() if v is not None}
    try:
        dataset = Dataset.model_validate(values)
    except ValidationError as exc:
        return pd.DataFrame(columns=OBSERVATIONS.names), plain_problems(exc, values, label, root=Dataset)
    settings = config.settings()
    resolver = resolver or Resolver.from_files(settings.raw_dir, settings.reference_dir)
    read = read_dataset(dataset, path, label, resolver, _units(settings.reference_dir), default_indicator=path.stem)
    try:
        return read.frame(), read.problems
    finally:
        read.close()


def _units(reference_dir: Path) -> Entry:
    """The indicators' units, so that `--unit` is checked against indicators.yaml as a run would."""
    path = Path(reference_dir) / reference.INDICATORS_FILE
    defined, _problems = reference.load_indicators(path)
    return Entry(units=dict(zip(defined["code"], defined["unit"], strict=True)), indicators=path, strict=False)


@dataclass
class Preview:
    """What `etl run` would publish for one source: per-dataset summaries, totals and every problem."""

    source: str
    registry_file: Path
    datasets: list[dict] = field(default_factory=list)
    totals: tuple = ()  # observations, areas, first and last year, indicators
    problems: list[Problem] = field(default_factory=list)


def check_source(source_id: str, number: int | None = None, raw_dir=None, registry_dir=None, reference_dir=None):
    """Run the build of `etl run` for the registry entry `source_id` (only its dataset `number`, if given)."""
    settings = config.settings()
    raw_dir, registry_dir = Path(raw_dir or settings.raw_dir), Path(registry_dir or settings.registry_dir)
    reference_dir = Path(reference_dir or settings.reference_dir)
    preview = Preview(source_id, registry_dir / f"{source_id}.yaml")
    try:
        registry = load_registry(registry_dir, selected=[source_id])
    except SourceError as exc:
        preview.problems = exc.problems
        return preview
    source = next(s for s in registry if s.id == source_id)
    if number is not None and not 1 <= number <= len(source.datasets):
        count = len(source.datasets)
        message = f"source {source_id} has {count} dataset(s): choose --dataset 1 to {count}"
        preview.problems = [Problem("registry", message, str(preview.registry_file))]
        return preview
    preview.problems = verify_snapshots(registry, {source_id}, raw_dir, registry_dir)
    if errors(preview.problems):
        return preview
    try:
        built = build(registry, {source_id}, raw_dir, reference_dir, progress=False, only={number} if number else None)
    except SourceError as exc:  # the reference tables cannot be built
        preview.problems += exc.problems
        return preview
    try:
        preview.problems += built.problems
        preview.datasets = built.stats[source_id].datasets
        preview.totals = built.con.execute(
            "SELECT count(*), count(DISTINCT iso3), min(year), max(year), count(DISTINCT indicator) "
            "FROM observations WHERE source = ?",
            [source_id],
        ).fetchall()[0]
    finally:
        built.con.close()
    return preview


def lines(preview: Preview) -> list[str]:
    """The preview as the CLI prints it."""
    out = [f"source {preview.source} ({preview.registry_file})"]
    for found in preview.datasets:
        out += _dataset_lines(found)
    bad = errors(preview.problems)
    if preview.totals:
        rows, areas, first, last, indicators = preview.totals
        verb = "would NOT be published (errors below)" if bad else "would be published"
        years = f"{first}–{last}" if first is not None else "none"
        out.append(f"{rows:,} observations {verb}: {areas} areas, years {years}, {indicators} indicator(s)")
    more = f"(`delta87 etl run {preview.source} --dry-run` writes all of them to its report)"
    return out + problem_lines(preview.problems, SHOWN, more)


def _dataset_lines(found: dict) -> list[str]:
    years = "–".join(str(y) for y in found.get("years") or []) or "none"
    head = f"  dataset {found['dataset']}: {found['file']} ({found['format']})"
    if "areas" not in found:  # commitments: rows only
        return [head, f"    {found['rows_out']:,} commitment rows"]
    dropped = ", ".join(f"{n:,} {why}" for why, n in found["dropped"].items()) or "none"
    return [
        head,
        f"    {found['rows_in']:,} values read → {found['rows_out']:,} observations: {found['areas']} areas, "
        f"years {years}, unit {', '.join(found['units']) or 'none'}",
        f"    indicators: {', '.join(found['indicators']) or 'none'}",
        f"    dropped: {dropped}",
    ]
