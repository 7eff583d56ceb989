"""benchmarks/RESULTS.md: each benchmark owns one `## ` section and replaces only that one; plus machine info."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results\n"


def write_section(heading: str, body: str, first: bool = False) -> None:
    """Replace the section starting with `## heading` (or add it: at the end, or first), keeping the others."""
    marker = f"## {heading}"
    section = f"{marker}\n\n{body.strip()}\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else TITLE
    if not text.startswith(TITLE):
        text = TITLE + "\n" + text
    sections = _split(text[len(TITLE) :])
    names = [s.split("\n", 1)[0] for s in sections]
    if marker in names:
        sections[names.index(marker)] = section
    elif first:
        sections.insert(0, section)
    else:
        sections.append(section)
    RESULTS.write_text(TITLE + "\n" + "\n".join(s.rstrip("\n") + "\n" for s in sections), encoding="utf-8")


def _split(text: str) -> list[str]:
    """The `## ` sections of a document body (anything before the first is kept as its own chunk)."""
    chunks, current = [], []
    for line in text.strip("\n").splitlines(keepends=True):
        if line.startswith("## ") and current:
            chunks.append("".join(current))
            current = []
        current.append(line)
    if current and "".join(current).strip():
        chunks.append("".join(current))
    return chunks


def machine_info() -> str:
    """One paragraph naming the machine, OS, Python and the versions that matter, and the time."""
    cpu = _cpu_model()
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = _versions(
        "dash", "plotly", "flask", "gunicorn", "duckdb", "pandas", "pyarrow", "flask-compress", "redis"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"{mem_gib:.0f} GiB RAM, {platform.system()} {platform.release()}, Python {sys.version.split()[0]}; "
        f"load average before the run {load} (the machine is shared with other work, so figures vary between runs). "
        f"Versions: {versions}."
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _versions(*names: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    found = []
    for name in names:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    redis_server = _command_version(["redis-server", "--version"])
    return ", ".join(found + ([redis_server] if redis_server else []))


def _command_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    words = out.split()
    return f"redis-server {words[2].removeprefix('v=')}" if len(words) > 2 else ""
