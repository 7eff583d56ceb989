"""Where a web worker's memory goes: `delta87 serve` (2 workers) over the built release, each page once, then per
worker RSS (what the load benchmark reports), PSS (shared pages divided among the processes that map them) and
USS (pages only this worker holds), each also split into file-backed (libraries) and anonymous (Python and
DuckDB's heap).
Usage: python -m benchmarks.memory_profile [--rounds 2]   (DELTA87_WAREHOUSE_DIR: the release to serve)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import config
from benchmarks.load_bench import visits
from tests.load import Request, fetch
from tests.servers import Gunicorn

#: What the load mix lacks: whole pages in French and Spanish; then the release's whole CSV and its bulk zip.
PAGES = ("/country/NPL?lang=fr", "/data?lang=es", "/?lang=fr")
DOWNLOADS = ("/api/v1/observations?format=csv", "/api/v1/bulk")


def smaps(pid: int) -> dict[str, float]:
    """MB of /proc/<pid>/smaps_rollup's fields."""
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        found[name.rstrip(":")] = int(value) / 1024
    found["Uss"] = found["Private_Clean"] + found["Private_Dirty"]
    return found


def row(label: str, pid: int) -> str:
    m = smaps(pid)
    return (
        f"{label:<10} RSS {m['Rss']:5.0f}  PSS {m['Pss']:5.0f} (file {m['Pss_File']:4.0f}, anon {m['Pss_Anon']:4.0f})"
        f"  USS {m['Uss']:5.0f}  anonymous {m['Anonymous']:4.0f} MB"
    )


def report(server: Gunicorn, when: str) -> None:
    print(f"-- {when}", flush=True)
    master = Path(f"/proc/{server.worker_pids()[0]}/stat").read_text().split()[3]
    print(row("master", int(master)))
    for pid in server.worker_pids():
        print(row(f"worker {pid}", pid))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="times each page is viewed")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="delta87-memory-"))
    env = {"DELTA87_WAREHOUSE_DIR": str(config.settings().warehouse_dir), "DELTA87_CACHE_DIR": str(work / "cache"),
           "DELTA87_REPORT_DIR": str(work), "DELTA87_CACHE_URL": ""}  # fmt: skip
    try:
        with Gunicorn(env, workers=2, log_path=work / "gunicorn.log") as server:
            profile(server, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def profile(server: Gunicorn, rounds: int) -> None:
    report(server, "started")
    pages = [r for visit in visits(server.port) for r in visit.requests]
    pages += [Request("page", "GET", p) for p in PAGES]
    for what, requests in (
        ("the load mix's pages", pages),
        ("downloads", [Request("api", "GET", p) for p in DOWNLOADS]),
    ):
        statuses = {fetch(server.port, r)[0].status for _ in range(rounds) for r in requests}
        report(server, f"after {what}: {len(requests)} requests x {rounds}, statuses {sorted(statuses)}")


if __name__ == "__main__":
    main()
