"""ETL benchmarks: a full refresh of every shipped source, and a large SDMX-CSV ingest against a bare DuckDB COPY.

Each variant runs in a fresh process, so that its wall time and peak memory (RSS) are its own:
  refresh   etl.pipeline.run on the raw snapshots in DELTA87_RAW_DIR, into an empty warehouse folder
  ours      etl.build.read_dataset(format="sdmx-csv") on a SYNTHETIC 5M-row SDMX-CSV (random values, real ISO3
            codes: read → harmonise → checks), then publish's write_table (sorted zstd Parquet), as a release
            writes its observations
  baseline  DuckDB alone: COPY (SELECT * FROM read_csv(file)) TO 'x.parquet' (FORMAT parquet, COMPRESSION zstd)
Goals (issue 10): refresh ≤ 15 s; ingest ≤ 1.5x the baseline, peak RSS ≤ 1 GB.
Usage: python -m benchmarks.etl_bench [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.results import write_section
from warehouse.schema import OBSERVATIONS

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / "_work"
ISO3 = "AFG ALB DZA AGO ARG BGD BRA BFA KHM CMR TCD COL COD EGY ETH GHA IND IDN KEN MDG MLI MEX MOZ NPL NER NGA PAK PER PHL SEN"
GOALS = {"refresh_s": 15.0, "ratio": 1.5, "ingest_rss_mb": 1024}


def make_csv(path: Path, rows: int) -> None:
    """Write a synthetic SDMX-CSV with `rows` observations, each (indicator, area, sex, year) key once."""
    rng, areas, chunk = np.random.default_rng(87), np.array(ISO3.split()), 500_000
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("DATAFLOW,REF_AREA,INDICATOR,SEX,AGE,TIME_PERIOD,OBS_VALUE\n")
        for start in range(0, rows, chunk):
            i = np.arange(start, min(start + chunk, rows))
            frame = pd.DataFrame(
                {
                    "DATAFLOW": "SYNTHETIC:BENCH(1.0)",
                    "REF_AREA": areas[i % len(areas)],
                    "INDICATOR": "SYN_" + (i // (len(areas) * 3 * 70)).astype(str),
                    "SEX": np.array(["_T", "F", "M"])[(i // len(areas)) % 3],
                    "AGE": "Y5T17",
                    "TIME_PERIOD": 1950 + (i // (len(areas) * 3)) % 70,
                    "OBS_VALUE": rng.uniform(0, 100, len(i)).round(3),
                }
            )
            frame.to_csv(handle, header=False, index=False)


OURS = """
import json, resource, sys, time
begun = time.perf_counter()
from pathlib import Path
import config
from etl.build import read_dataset
from etl.countries import Resolver
from etl.publish import write_table
from etl.registry import Dataset
from warehouse.schema import OBSERVATIONS
settings, path = config.settings(), Path(sys.argv[1])
resolver = Resolver.from_files(settings.raw_dir, settings.reference_dir)
started = time.perf_counter()
read = read_dataset(Dataset(file=path.name, format="sdmx-csv", unit="percent"), path, str(path), resolver)
errors = [p for p in read.problems if p.severity == "error"]
written = time.perf_counter()
rows = write_table("observations", read.con.sql(f"SELECT {', '.join(OBSERVATIONS.names)} FROM {read.name}"), Path(sys.argv[2]))
print(json.dumps({"rows": rows, "errors": len(errors), "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "setup_s": started - begun, "read_s": written - started, "write_s": time.perf_counter() - written}))
"""

BASELINE = """
import json, resource, sys, duckdb
con = duckdb.connect()
copy = f"COPY (SELECT * FROM read_csv(?)) TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION zstd)"
rows = con.execute(copy, [sys.argv[1]]).fetchall()[0][0]
print(json.dumps({"rows": rows, "errors": 0, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

REFRESH = """
import json, resource, sys
from pathlib import Path
from etl.pipeline import run
result = run(warehouse_dir=Path(sys.argv[1]), report_dir=Path(sys.argv[1]) / "reports", progress=False)
errors = [p for p in result.problems if p.severity == "error"]
print(json.dumps({"rows": result.counts.get("observations", 0), "errors": len(errors),
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def timed(script: str, *args: str) -> dict:
    """Run a script in a fresh interpreter: wall time, the rows and errors it reports, its peak RSS."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {"seconds": seconds, "peak_rss_mb": found.pop("peak_kb") / 1024, **found}


def best(results: list[dict]) -> dict:
    """The fastest run's figures, with the highest peak RSS of all runs."""
    return {**min(results, key=lambda r: r["seconds"]), "peak_rss_mb": max(r["peak_rss_mb"] for r in results)}


def measure(rows: int, repeat: int) -> dict:
    """Refreshes and ingests, alternated `repeat` times (the machine is shared: one sample can be off by seconds)."""
    WORK.mkdir(exist_ok=True)
    csv = WORK / f"synthetic_sdmx_{rows}.csv"
    if not csv.exists():
        make_csv(csv, rows)
    runs = {"refresh": [], "baseline": [], "ours": []}
    for _ in range(max(1, repeat)):
        with tempfile.TemporaryDirectory(dir=WORK) as folder:
            runs["refresh"].append(timed(REFRESH, folder))
        runs["baseline"].append(timed(BASELINE, str(csv), str(WORK / "baseline.parquet")))
        runs["ours"].append(timed(OURS, str(csv), str(WORK / "ours.parquet")))
    found = {name: best(values) for name, values in runs.items()}
    return {
        "rows": rows,
        "repeat": max(1, repeat),
        "csv_mb": round(csv.stat().st_size / 1e6, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **{f"{name}_s": round(r["seconds"], 2) for name, r in found.items()},
        **{f"{name}_peak_rss_mb": round(r["peak_rss_mb"]) for name, r in found.items()},
        "ratio": round(found["ours"]["seconds"] / found["baseline"]["seconds"], 2),
        "refresh_observations": found["refresh"]["rows"],
        "ours_rows_out": found["ours"]["rows"],
        "ours_imports_countries_s": round(found["ours"]["setup_s"], 2),
        "ours_read_harmonise_check_s": round(found["ours"]["read_s"], 2),
        "ours_sorted_write_s": round(found["ours"]["write_s"], 2),
    }


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant (the best time is reported)")
    args = parser.parse_args()
    result = measure(args.rows, args.repeat)
    print(json.dumps(result, indent=2))
    write_section("ETL ingest (benchmarks/etl_bench.py)", markdown(result))
    return result


def markdown(result: dict) -> str:
    """The RESULTS.md section: figures against the goals."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    refresh_ok = result["refresh_s"] <= GOALS["refresh_s"]
    ratio_ok, rss_ok = result["ratio"] <= GOALS["ratio"], result["ours_peak_rss_mb"] <= GOALS["ingest_rss_mb"]
    return (
        f"Each variant in a fresh process, alternated {result['repeat']} times: best time, highest peak RSS "
        f"(1-minute load average at the end: {result['load_average_1min']} on {os.cpu_count()} cores; the machine is "
        "shared, so figures move between runs).\n\n"
        "| | time | peak RSS | goal |\n|---|---:|---:|---|\n"
        f"| full refresh of every shipped source (`etl.pipeline.run`, {result['refresh_observations']:,} observations) "
        f"| {result['refresh_s']} s | {result['refresh_peak_rss_mb']} MB | ≤ {GOALS['refresh_s']:g} s: "
        f"{verdict(refresh_ok)} |\n"
        f"| bare DuckDB `COPY (SELECT * FROM read_csv(...)) TO parquet`, synthetic SDMX-CSV of {result['rows']:,} rows "
        f"({result['csv_mb']} MB) | {result['baseline_s']} s | {result['baseline_peak_rss_mb']} MB | baseline |\n"
        f"| ours on the same file: read → harmonise → checks → sorted Parquet | {result['ours_s']} s | "
        f"{result['ours_peak_rss_mb']} MB | ≤ {GOALS['ratio']}x ({result['ratio']}x: {verdict(ratio_ok)}); "
        f"RSS ≤ {GOALS['ingest_rss_mb']} MB ({verdict(rss_ok)}) |\n\n"
        f"Of ours (fastest run): imports and the country tables {result['ours_imports_countries_s']} s, read → "
        f"harmonise → checks {result['ours_read_harmonise_check_s']} s, sorted Parquet write "
        f"{result['ours_sorted_write_s']} s; the rest is the interpreter's start.\n\n"
        "Both ingest variants read the file with DuckDB's `read_csv`. Ours then does what a release needs and the "
        "baseline does not: it keeps the cells as text and maps the distinct values of each column in Python "
        "(areas, sexes, ages, years, values that are not plain numbers), joins those mapping tables, counts the "
        "distinct hashes of the observation key to find repeated keys (grouping by the key to name their rows only "
        "when a hash repeats), checks each unit's range, and writes the release's "
        f"{len(OBSERVATIONS)} columns sorted by the observation key where the baseline writes the file's 7 columns "
        "as they come (DuckDB's Parquet writer "
        "builds a dictionary for every text column, constant ones included). DuckDB works within "
        "etl.db.MEMORY_LIMIT and spills to disk beyond it, which bounds the peak RSS and costs some time.\n"
    )


if __name__ == "__main__":
    main()
