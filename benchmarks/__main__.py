"""`python -m benchmarks [NAME ...]`: run every benchmark script (benchmarks/*_bench.py), then update RESULTS.md.

Each script runs as `python -m benchmarks.<name>` in its own process (so memory figures never mix) with its own
defaults, and writes its own `## ` section of benchmarks/RESULTS.md (see benchmarks/results.py). A script that
writes no section gets one holding the tail of its output, so no figure is lost. This command adds the
machine description first and a summary of the run (status and wall time of each script) last.
`make bench` runs it. NAME (e.g. `load_bench`) limits the run to those scripts.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks import results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TAIL_LINES = 40


def scripts(names: list[str]) -> list[str]:
    """Module names of the benchmark scripts present (all, or the requested ones, in file-name order)."""
    found = sorted(p.stem for p in HERE.glob("*_bench.py"))
    unknown = [n for n in names if n not in found]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; present: {', '.join(found)}")
    return [n for n in found if not names or n in names]


def run_one(name: str) -> tuple[int, float]:
    """Run one script, echoing its output; add a raw-output section if it wrote none. (exit status, seconds)"""
    before = results.RESULTS.read_text(encoding="utf-8") if results.RESULTS.exists() else ""
    print(f"\n=== {name} ===", flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", f"benchmarks.{name}"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    status = proc.wait()
    seconds = time.perf_counter() - started
    after = results.RESULTS.read_text(encoding="utf-8") if results.RESULTS.exists() else ""
    if after == before:
        body = (
            f"`python -m benchmarks.{name}` wrote no section of its own; the last lines of its output "
            f"(exit status {status}):\n\n```\n" + "\n".join(lines[-TAIL_LINES:]) + "\n```"
        )
        results.write_section(f"{name} (raw output)", body)
    return status, seconds


def main(argv: list[str]) -> int:
    """Run the scripts, then record the machine and the run summary; exit 1 if any script failed."""
    names = scripts(argv)
    machine = results.machine_info()
    summary = []
    for name in names:
        status, seconds = run_one(name)
        summary.append(f"| `{name}` | {'ok' if status == 0 else f'FAILED (exit {status})'} | {seconds:.0f} s |")
    results.write_section("Machine", machine, first=True)
    table = "| script | outcome | wall time |\n|---|---|---:|\n" + "\n".join(summary)
    results.write_section("Last run of `python -m benchmarks`", f"{machine}\n\n{table}")
    print(f"\nwrote {results.RESULTS}")
    return 0 if all("ok" in row for row in summary) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
