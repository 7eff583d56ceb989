"""The run report: what a refresh did, as JSON for machines and a short text for people."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from etl.checks import number
from etl.problems import Problem


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunResult:
    """The outcome of `etl.pipeline.run`: published, unchanged, dry-run, refused, or failed (a bug of ours)."""

    run_id: str = field(default_factory=lambda: datetime.now(UTC).strftime("run-%Y%m%dT%H%M%S%fZ"))
    status: str = "running"
    release_id: str | None = None
    previous_release: str | None = None
    started: str = field(default_factory=now_iso)
    finished: str = ""
    sources: dict[str, dict] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    report_paths: list[str] = field(default_factory=list)
    #: whether any release was on disk (so one is served) when the run ended
    release_online: bool = True

    @property
    def ok(self) -> bool:
        return self.status in ("published", "unchanged", "dry-run")

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["report_paths"]
        return data | {"timings": {k: round(v, 3) for k, v in self.timings.items()}}

    def summary(self, max_problems: int = 50) -> str:
        """A readable summary (printed by the CLI and saved beside the JSON report)."""
        lines = [f"ETL run {self.run_id}: {self.status.upper()}"]
        if self.release_id:
            previous = f" (previous {self.previous_release})" if self.previous_release else ""
            lines.append(f"release: {self.release_id}{previous}")
        if self.counts:
            lines.append("counts: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.counts.items())))
        lines += _change_lines(self.changes)
        for source_id, stat in sorted(self.sources.items()):
            dropped = ", ".join(f"{n:,} {why}" for why, n in stat.get("dropped", {}).items()) or "none"
            lines.append(
                f"  {source_id:<22} in {stat.get('rows_in', 0):>8,}  out {stat.get('rows_out', 0):>8,}  "
                f"{stat.get('seconds', 0):6.2f}s  dropped: {dropped}"
            )
        lines += problem_lines(self.problems, max_problems, "in the JSON report")
        if self.status in ("refused", "failed") and self.release_online:
            lines.append("Nothing was published: the current release is unchanged and still online.")
        elif self.status in ("refused", "failed"):
            lines.append("No release was published; none is online yet: fix the errors above, then run "
                         "`delta87 etl run` again.")  # fmt: skip
        if self.timings:
            lines.append("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items()))
        return "\n".join(lines)


def _change_lines(changes: dict) -> list[str]:
    """The change summary, then the values that moved most (indicator, country, year: old → new)."""
    if not changes.get("summary"):
        return []
    lines = [f"changes: {changes['summary']}"]
    for c in changes.get("largest", [])[:5]:
        who = ", ".join(str(c[k]) for k in ("sex", "age") if c.get(k) and c[k] != "total")
        old, new = ("no value" if c[k] is None else number(c[k]) for k in ("old", "new"))
        lines.append(f"  {c['indicator']} {c['iso3']} {c['year']}{f' ({who})' if who else ''}: {old} → {new}")
    return lines


def problem_lines(problems: list[Problem], shown: int, more: str) -> list[str]:
    """Counts per severity and check, the first `shown` problems (errors first), and how many more (`more`)."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    lines = [f"problems: {len(errors)} error(s), {len(warnings)} warning(s)"]
    counts = Counter((p.check, p.severity) for p in problems)
    if len(counts) > 1 or len(problems) > shown:
        lines.append("  by check: " + ", ".join(f"{check} {n:,} {severity}(s)" for (check, severity), n in
                                               sorted(counts.items())))  # fmt: skip
    lines += [f"  {problem}" for problem in (errors + warnings)[:shown]]
    if len(problems) > shown:
        lines.append(f"  … {len(problems) - shown:,} more {more}")
    return lines


def write_report(result: RunResult, folder: Path) -> None:
    """Write <run>.json, <run>.txt and latest.json into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, text_path = folder / f"{result.run_id}.json", folder / f"{result.run_id}.txt"
    result.report_paths = [str(json_path), str(text_path)]
    payload = json.dumps(result.to_dict(), indent=2, default=str)
    json_path.write_text(payload, encoding="utf-8")
    text_path.write_text(result.summary(max_problems=10_000) + "\n", encoding="utf-8")
    tmp = folder / "latest.json.tmp"
    tmp.write_text(payload, encoding="utf-8")
    os.replace(tmp, folder / "latest.json")
