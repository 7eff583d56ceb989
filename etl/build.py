"""Build every table of a release from the registry: read → harmonise → check, per source and dataset.

`build()` never raises for bad content: it returns the tables it could build and every problem it found,
and the pipeline refuses to publish when any problem is an error.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from tqdm import tqdm

from etl import adapters, checks, commitments, harmonise, reference
from etl.countries import Resolver
from etl.problems import Problem
from etl.registry import Dataset, Source
from etl.snapshots import source_file_rows
from warehouse.schema import COMMITMENTS, OBSERVATION_KEY, OBSERVATIONS, TABLES


@dataclass
class SourceStats:
    """What happened to one source in a run (written to the run report)."""

    rows_in: int = 0
    rows_out: int = 0
    dropped: Counter = field(default_factory=Counter)
    warnings: int = 0
    errors: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "dropped": dict(sorted(self.dropped.items())),
            "warnings": self.warnings,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Build:
    """The tables of a release-to-be, the problems found and per-source statistics."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    stats: dict[str, SourceStats]


def build(
    sources: list[Source],
    selected: set[str],
    raw_dir: Path,
    reference_dir: Path,
    previous: dict[str, pd.DataFrame] | None = None,
    progress: bool = True,
) -> Build:
    """Read the selected sources; take the others' observations and commitments from `previous`."""
    ref = reference.load_reference(sources, raw_dir, reference_dir)
    resolver = Resolver.from_files(raw_dir, reference_dir)
    problems = list(ref.problems)
    stats: dict[str, SourceStats] = {}
    observations, commitment_rows = [], []
    bar = tqdm(
        total=sum(len(s.datasets) for s in sources if s.id in selected),
        desc="datasets",
        unit="dataset",
        disable=not progress,
        leave=False,
    )
    for source in sources:
        if source.id not in selected:
            continue
        stat = stats.setdefault(source.id, SourceStats())
        for dataset in source.datasets:
            bar.set_postfix_str(f"{source.id}: {Path(dataset.file).name}")
            started = time.perf_counter()
            obs, comm, found = read_dataset(source, dataset, raw_dir, resolver, stat)
            stat.seconds += time.perf_counter() - started
            observations.append(obs)
            commitment_rows.append(comm)
            problems += found
            bar.update()
    bar.close()
    if previous is not None:
        # flags derived from commitments are re-derived below from the carried-over commitments
        carried = previous.get("observations")
        if carried is not None:
            carried = carried[~carried["indicator"].isin(set(commitments.INDICATORS.values()))]
        observations.append(_kept(carried, selected))
        commitment_rows.append(_kept(previous.get("commitments"), selected))
    obs = _concat(observations, OBSERVATIONS.names)
    comm = _concat(commitment_rows, COMMITMENTS.names)
    files = {s.id: d.file for s in sources for d in s.datasets if d.format == "commitments"}
    if len(comm):
        obs = pd.concat([obs, commitments.commitment_observations(comm, files)], ignore_index=True)
    problems += _cross_file_duplicates(obs) + _check_indicators(obs, ref.indicators)
    for problem in problems:
        source_id = _source_of(problem, sources)
        if source_id in stats:
            stats[source_id].errors += problem.severity == "error"
            stats[source_id].warnings += problem.severity == "warning"
    tables = {
        "observations": obs,
        "indicators": indicator_table(ref.indicators, obs, set(ref.countries["iso3"])),
        "countries": ref.countries,
        "regions": ref.regions,
        "sources": pd.concat([source_table(sources), pathfinder_source(reference_dir)], ignore_index=True),
        "source_files": pd.DataFrame(source_file_rows(sources, raw_dir), columns=TABLES["source_files"].names),
        "commitments": comm,
    }
    return Build(tables, problems, stats)


def read_dataset(source: Source, dataset: Dataset, raw_dir: Path, resolver: Resolver, stat: SourceStats):
    """One dataset → (observations, commitments, problems); reference datasets are read by etl.reference."""
    path = raw_dir / dataset.file
    empty_obs = pd.DataFrame(columns=OBSERVATIONS.names)
    empty_comm = pd.DataFrame(columns=COMMITMENTS.names)
    if dataset.format == "reference":
        return empty_obs, empty_comm, []
    if dataset.format == "commitments":
        handler = getattr(commitments, dataset.handler or "", None)
        if handler is None:
            return (
                empty_obs,
                empty_comm,
                [
                    Problem(
                        "registry", f"unknown commitments handler {dataset.handler!r}", dataset.file, column="handler"
                    )
                ],
            )
        comm, found = handler(path, dataset, source, resolver, dataset.file)
        stat.rows_in += len(comm)
        stat.rows_out += len(comm)
        return empty_obs, comm, found
    raw = adapters.read(path, dataset, dataset.file)
    result = harmonise.harmonise(raw, dataset, source, resolver, dataset.file)
    stat.rows_in += len(raw.frame)
    stat.rows_out += len(result.observations)
    stat.dropped.update(result.dropped)
    column = raw.source_columns.get("value", "value")
    duplicates = checks.check_duplicates(
        result.observations, result.rows, column=column, label=dataset.file, keys=result.keys
    )
    return result.observations, empty_comm, raw.problems + result.problems + duplicates


def indicator_table(defined: pd.DataFrame, obs: pd.DataFrame, countries: set[str]) -> pd.DataFrame:
    """The indicators table: the reference definitions plus what the data say (counts, years, sources)."""
    with_values = obs.dropna(subset=["value"]).assign(country=lambda f: f["iso3"].where(f["iso3"].isin(countries)))
    summary = with_values.groupby("indicator").agg(
        observations=("value", "size"),
        countries=("country", "nunique"),
        first_year=("year", "min"),
        last_year=("year", "max"),
    )
    sources = obs.groupby("indicator")["source"].agg(lambda s: ",".join(sorted(set(s))))
    table = defined.drop(
        columns=[c for c in ("observations", "countries", "first_year", "last_year", "sources") if c in defined.columns]
    )
    table = table.merge(summary, left_on="code", right_index=True, how="left")
    table["sources"] = table["code"].map(sources).fillna("")
    for column in ("observations", "countries"):
        table[column] = table[column].fillna(0).astype("int64")
    return table


def source_table(sources: list[Source]) -> pd.DataFrame:
    """The sources table from the registry entries."""
    names = TABLES["sources"].names
    return pd.DataFrame([{name: getattr(s, name) for name in names} for s in sources], columns=names)


def pathfinder_source(reference_dir: Path) -> pd.DataFrame:
    """A sources row for the staff-edited pathfinder list, so pages can cite it like any other source."""
    path = reference_dir / "pathfinders.yaml"
    if not path.is_file():
        return pd.DataFrame(columns=TABLES["sources"].names)
    note = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("source_note", "")
    row = {
        "id": "pathfinders",
        "publisher": "Delta 8.7 platform staff",
        "title": "Alliance 8.7 pathfinder countries (staff-edited list, data/reference/pathfinders.yaml)",
        "edition": "",
        "url": "",
        "obtained_from": "data/reference/pathfinders.yaml in this repository",
        "licence": "facts compiled by platform staff; cite the documents named per country",
        "redistribution": True,
        "retrieved": "",
        "citation": note,
        "caveats": "Lists only countries a document names; status phrases repeat what the document says.",
    }
    return pd.DataFrame([row], columns=TABLES["sources"].names)


def _cross_file_duplicates(obs: pd.DataFrame) -> list[Problem]:
    """Keys repeated across files (duplicates inside one file were reported with their rows already)."""
    within = obs.duplicated([*OBSERVATION_KEY, "source_file"], keep=False)
    return checks.check_duplicates(obs[~within.to_numpy()])


def _check_indicators(obs: pd.DataFrame, defined: pd.DataFrame) -> list[Problem]:
    known = set(defined["code"])
    problems = []
    for (code, source_file), _rows in obs.groupby(["indicator", "source_file"]):
        if code not in known:
            problems.append(
                Problem(
                    "indicators",
                    f"indicator {code!r} is not defined in data/reference/indicators.yaml",
                    source_file,
                    column="indicator",
                    value=code,
                )
            )
    return problems


def _kept(frame: pd.DataFrame | None, selected: set[str]) -> pd.DataFrame | None:
    if frame is None or frame.empty:
        return None
    return frame[~frame["source"].isin(selected)]


def _concat(frames: list[pd.DataFrame | None], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat([f[columns] for f in frames], ignore_index=True)


def _source_of(problem: Problem, sources: list[Source]) -> str | None:
    for source in sources:
        if any(problem.file == raw.path for raw in source.files):
            return source.id
    return None
