"""Build every table of a release from the registry: read → harmonise → check, per source and dataset."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from etl import checks, commitments, db, headline, reference
from etl.adapters import formats
from etl.countries import Resolver
from etl.harmonise import Harmonised, harmonise
from etl.problems import Problem, errors, of_source
from etl.registry import Dataset, Source
from etl.snapshots import source_file_rows
from warehouse.releases import Release
from warehouse.schema import COMMITMENTS, OBSERVATION_KEY, OBSERVATIONS, TABLES

#: How often a row's observation key occurs in its own file.
_WITHIN_FILE = f"count(*) OVER (PARTITION BY {', '.join(OBSERVATION_KEY)}, source_file)"


@dataclass
class SourceStats:
    """What happened to one source in a run (written to the run report)."""

    rows_in: int = 0
    rows_out: int = 0
    dropped: Counter = field(default_factory=Counter)
    warnings: int = 0
    errors: int = 0
    seconds: float = 0.0
    datasets: list[dict] = field(default_factory=list)  # summary() of each dataset read

    def to_dict(self) -> dict:
        return asdict(self) | {"dropped": dict(sorted(self.dropped.items())), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class Entry:
    """A dataset's source, position in its entry, indicator units to match; not `strict` for `etl check FILE`."""

    source: str = "check"
    edition: str = ""
    number: int | None = None
    units: dict[str, str] = field(default_factory=dict)
    indicators: Path = Path("data/reference/indicators.yaml")
    strict: bool = True


def read_dataset(dataset: Dataset, path: Path, label: str, resolver: Resolver, entry: Entry = Entry(),
                 default_indicator=None, con=None) -> Harmonised:  # fmt: skip
    """Read, harmonise and check one data file (`etl run` and `etl check`), in a cursor of `con`; close the result."""
    con = db.connect(con)
    raw = formats.read(con, Path(path), dataset, label)
    rows_in = raw.count()
    result = harmonise(raw, dataset, (entry.source, entry.edition), resolver, label, default_indicator)
    problems, used = raw.problems + result.problems, []
    if result.name:
        column = raw.source_columns.get("value", "value")
        problems += checks.check_duplicates(con, result.name, label, column, fix=checks.FIX_DUPLICATE)
        used = con.execute(f"SELECT DISTINCT indicator, unit FROM {result.name} ORDER BY ALL").fetchall()
        problems += checks.check_units(used, entry.units, label, entry.indicators, entry.strict)
    if not errors(problems) and not used:  # every row has an (indicator, unit) pair: none means no rows
        problems += checks.check_no_rows(rows_in, result.dropped, label)
    result.problems, result.rows_in = of_source(problems, entry.source, entry.number), rows_in
    return result


def summary(read: Harmonised, number: int | None, dataset: Dataset) -> dict:
    """What one dataset yields: rows, areas, years, indicators, units, dropped rows and problems."""
    found = (0, 0, None, None, [], [])
    if read.name:
        found = read.con.execute(
            "SELECT count(*), count(DISTINCT iso3), min(year), max(year), "
            "list(DISTINCT indicator ORDER BY indicator), "
            f"list(DISTINCT unit ORDER BY unit) FILTER (WHERE unit IS NOT NULL) FROM {read.name}"
        ).fetchall()[0]
    rows, areas, first, last, indicators, units = found
    problems = errors(read.problems)
    return {
        "dataset": number, "file": dataset.file, "format": dataset.format, "rows_in": read.rows_in, "rows_out": rows,
        "areas": areas, "years": [first, last] if first is not None else [], "indicators": indicators or [],
        "units": units or [], "dropped": dict(sorted(read.dropped.items())),
        "errors": len(problems), "warnings": len(read.problems) - len(problems),
    }  # fmt: skip


@dataclass
class Build:
    """A release-to-be: observations in `con`, the other tables as frames, the problems and per-source stats."""

    con: duckdb.DuckDBPyConnection
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    stats: dict[str, SourceStats]


def build(sources: list[Source], selected: set[str], raw_dir: Path, reference_dir: Path,
          previous: Release | None = None, progress: bool = True, only: set[int] | None = None) -> Build:  # fmt: skip
    """Read the selected sources (datasets numbered in `only`); carry the others' rows over from `previous`."""
    ref = reference.load_reference(sources, raw_dir, reference_dir)
    con = db.connect()
    con.execute(f"CREATE TABLE observations ({', '.join(f'{f.name} {db.SQL_TYPES[f.type]}' for f in OBSERVATIONS)})")
    units = dict(zip(ref.indicators["code"], ref.indicators["unit"], strict=True))
    checking = Entry(units=units, indicators=Path(reference_dir) / reference.INDICATORS_FILE)
    stats, found = {s.id: SourceStats() for s in sources if s.id in selected}, []
    datasets = [(s, n, d) for s in sources if s.id in selected for n, d in enumerate(s.datasets, start=1)
                if d.format != "reference" and (only is None or n in only)]  # fmt: skip
    problems = list(ref.problems)
    for source, number, dataset in tqdm(datasets, desc="datasets", unit="dataset", disable=not progress, leave=False):
        entry = replace(checking, source=source.id, edition=source.edition, number=number)
        started = time.perf_counter()
        if dataset.format == "commitments":
            problems += _commitments(dataset, raw_dir, ref.names, stats[source.id], found, source, entry)
        else:
            problems += _observations(con, dataset, raw_dir, ref.names, stats[source.id], entry)
        stats[source.id].seconds += time.perf_counter() - started
    flags = {i: code for i, code in zip(ref.indicators["instrument"], ref.indicators["code"], strict=True) if i}
    if previous is not None:
        found.append(_carry_over(con, previous, selected, list(flags.values())))
    found = [f.reindex(columns=COMMITMENTS.names) for f in found if len(f)]
    comm = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=COMMITMENTS.names)
    years = [commitments.as_of_year(a, d) for a, d in zip(comm["as_of"], comm["date"], strict=True)]
    comm["as_of_year"] = pd.array(years, dtype="Int32")
    problems += _add_commitment_flags(con, comm, sources, flags)
    rules, more = headline.load_rules(reference_dir)
    label = str(Path(reference_dir) / headline.FILE)
    more += headline.check_rules(rules, set(ref.indicators["code"]), {s.id for s in sources}, label)
    more += headline.mark(con, ref.indicators, rules)
    problems = _with_sources(problems + more + _release_problems(con, ref.indicators, checking.indicators), sources)
    for problem in (p for p in problems if p.source in stats):
        stats[problem.source].errors += problem.severity == "error"
        stats[problem.source].warnings += problem.severity == "warning"
    tables = {
        "indicators": indicator_table(con, ref.indicators, set(ref.countries["iso3"]), rules),
        "countries": ref.countries,
        "regions": ref.regions,
        "region_members": ref.members,
        "sources": pd.concat([source_table(sources), pathfinder_source(ref.pathfinders)], ignore_index=True),
        "source_files": pd.DataFrame(source_file_rows(sources, raw_dir), columns=TABLES["source_files"].names),
        "commitments": comm,
    }
    return Build(con, tables, problems, stats)


def _observations(con, dataset: Dataset, raw_dir: Path, resolver, stat: SourceStats, entry: Entry) -> list:
    read = read_dataset(dataset, raw_dir / dataset.file, dataset.file, resolver, entry, None, con)
    try:
        if read.name:
            read.con.execute(f"INSERT INTO observations SELECT {', '.join(OBSERVATIONS.names)} FROM {read.name}")
        stat.datasets.append(summary(read, entry.number, dataset))
        stat.rows_in += read.rows_in
        stat.rows_out += stat.datasets[-1]["rows_out"]
        stat.dropped.update(read.dropped)
        return read.problems
    finally:
        read.close()


def _commitments(dataset: Dataset, raw_dir: Path, resolver, stat: SourceStats, found: list, source, entry) -> list:
    """Read a commitments dataset with its handler (etl/commitments.py), adding its rows to `found`; its problems."""
    handler = getattr(commitments, dataset.handler, None)
    if handler is None:
        message = f"unknown commitments handler {dataset.handler!r}"
        return of_source([Problem("registry", message, dataset.file, column="handler")], source.id, entry.number)
    frame, problems = handler(raw_dir / dataset.file, dataset, source, resolver, dataset.file)
    stat.rows_in += len(frame)
    stat.rows_out += len(frame)
    problems = of_source(problems, source.id, entry.number)
    stat.datasets.append({"dataset": entry.number, "file": dataset.file, "format": dataset.format,
                          "rows_in": len(frame), "rows_out": len(frame), "errors": len(errors(problems))})  # fmt: skip
    found.append(frame)
    return problems


def _carry_over(con, previous: Release, selected: set[str], flags: list[str]) -> pd.DataFrame:
    """Add the observations of the sources not read again (but the commitment `flags`); return their commitments."""
    others = ", ".join(db.literal(s) for s in sorted(selected))
    path = str(previous.table_path("observations"))
    con.execute(f"INSERT INTO observations SELECT * FROM read_parquet(?) WHERE source NOT IN ({others}) "
                "AND NOT list_contains(?::VARCHAR[], indicator)", [path, flags])  # fmt: skip
    path = str(previous.table_path("commitments"))
    return con.execute(f"SELECT * FROM read_parquet(?) WHERE source NOT IN ({others})", [path]).df()


def _add_commitment_flags(con, comm: pd.DataFrame, sources: list[Source], flags: dict[str, str]) -> list[Problem]:
    """Flag observations derived from the commitments (`flags`: instrument → indicator code, indicators.yaml); the
    keys repeated within one commitments file (across files, the release check finds them)."""
    if not len(comm):
        return []
    files = {}  # (source id, instrument) → the file stating it; (source id, "") → the source's first such file
    for source, dataset in ((s, d) for s in sources for d in s.datasets if d.format == "commitments"):
        for instrument in ("", dataset.options.instrument or "", *dataset.options.instruments.values()):
            files.setdefault((source.id, instrument), dataset.file)
    rows = commitments.commitment_observations(comm, files, flags)
    db.create_table(con, "flags", db.arrow(rows, OBSERVATIONS))
    con.execute("INSERT INTO observations SELECT * FROM flags")
    con.execute(f"CREATE VIEW repeated_flags AS SELECT * FROM flags QUALIFY {_WITHIN_FILE} > 1")
    return checks.check_duplicates(con, "repeated_flags", column=None, fix=commitments.FIX_DUPLICATE)


def _release_problems(con, defined: pd.DataFrame, path: Path) -> list[Problem]:
    """Keys repeated across files (not within one: reported with their rows) and indicators `path` does not define."""
    con.execute(f"CREATE OR REPLACE VIEW across_files AS SELECT * FROM observations QUALIFY {_WITHIN_FILE} = 1")
    used = con.execute("SELECT DISTINCT indicator, source_file FROM observations ORDER BY ALL").fetchall()
    repeated = checks.check_duplicates(con, "across_files", fix=checks.FIX_ACROSS_FILES)
    return repeated + checks.check_indicators(used, set(defined["code"]), path)


def _with_sources(problems: list[Problem], sources: list[Source]) -> list[Problem]:
    """Each problem with the id of the source whose file it names (when it has none yet)."""
    owners = {raw.path: s.id for s in sources for raw in s.files}
    return [p if p.source or p.file not in owners else of_source([p], owners[p.file])[0] for p in problems]


def indicator_table(con, defined: pd.DataFrame, countries: set[str], rules: headline.Rules) -> pd.DataFrame:
    """The indicators table: the reference definitions, with counts, years and sources (headline rule's order)."""
    summary = con.execute(
        "SELECT indicator AS code, count(value) AS observations, "
        "count(DISTINCT iso3) FILTER (WHERE value IS NOT NULL AND list_contains(?::VARCHAR[], iso3)) AS countries, "
        "min(coalesce(year, year_start, year_end)) FILTER (WHERE value IS NOT NULL) AS first_year, "
        "max(coalesce(year, year_end, year_start)) FILTER (WHERE value IS NOT NULL) AS last_year, "
        "string_agg(DISTINCT source, ',' ORDER BY source) AS sources FROM observations GROUP BY indicator",
        [sorted(countries)],
    ).df()
    derived = ("observations", "countries", "first_year", "last_year", "sources")
    table = defined.drop(columns=[c for c in derived if c in defined.columns]).merge(summary, on="code", how="left")
    table["sources"] = [
        ",".join(headline.source_order(code, found.split(",") if isinstance(found, str) and found else [], rules))
        for code, found in zip(table["code"], table["sources"], strict=True)
    ]
    for column in ("observations", "countries"):
        table[column] = table[column].fillna(0).astype("int64")
    return table


def source_table(sources: list[Source]) -> pd.DataFrame:
    names, rows = TABLES["sources"].names, []
    for source in sources:  # edition_names: JSON {dataset edition: its short display name}
        editions = {d.edition: d.short_name for d in source.datasets if d.edition and d.short_name}
        edition_names = json.dumps(editions, sort_keys=True, ensure_ascii=False)
        rows.append({name: getattr(source, name, None) for name in names} | {"edition_names": edition_names})
    return pd.DataFrame(rows, columns=names)


def pathfinder_source(pathfinders: reference.Pathfinders | None) -> pd.DataFrame:
    """A sources row for the staff-edited pathfinder list (its `source:`), so pages can cite it like any other."""
    if pathfinders is None:
        return pd.DataFrame(columns=TABLES["sources"].names)
    fixed = {"id": "pathfinders", "edition_names": "{}", "edition": "", "url": "", "retrieved": ""}
    row = {**fixed, "redistribution": True, "citation": pathfinders.source_note, **pathfinders.source}
    return pd.DataFrame([row], columns=TABLES["sources"].names)
