"""The README and the ready-to-run loader snippets that go into every zip download (bundle and bulk)."""

from __future__ import annotations

from pathlib import Path

from dataproduct import citation

SNIPPETS = Path(__file__).with_name("snippets")


def snippet(name: str, **values: str) -> str:
    """A user-facing snippet template from dataproduct/snippets/ with its placeholders (STEM, URL) filled in."""
    text = (SNIPPETS / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key.upper(), value)
    return text


def loaders(stem: str) -> dict[str, str]:
    """Snippets that load `<stem>.parquet` / `<stem>.csv` with pandas, R and DuckDB."""
    names = {"load_pandas.py": "load_pandas.txt", "load.R": "load.R", "load_duckdb.sql": "load_duckdb.sql"}
    return {name: snippet(template, stem=stem) for name, template in names.items()}


def readme(meta: dict, files: dict[str, str], stem: str) -> str:
    """README.md of a bundle: what it is, which release and query, licences and exclusions, how to cite and load."""
    lines = [
        "# Delta 8.7 data download (SDG target 8.7)",
        "",
        f"- Release: `{meta['release']}` (created {meta.get('release_created') or 'unknown'})",
        f"- Query URL: {meta.get('query_url', '')}",
        f"- Same query pinned to this release: {meta.get('pinned_url', '')}",
        f"- Rows: {meta.get('rows', 0):,}",
        f"- Generated: {meta.get('generated', '')}",
        "",
        "## Files",
        *[f"- `{name}`: {text}" for name, text in files.items()],
        "",
        "## Licences",
        "Data keep their publishers' licences; see `sources.csv`. " + meta.get("licence_note", ""),
        *[
            f"- Not included: {row['publisher']}, {row['title']} ({row['rows']:,} rows; licence: "
            f"{row['licence'] or 'not stated'}). Publisher: {row['url']}"
            for row in meta.get("excluded_sources", [])
        ],
        "",
        "## How to cite",
        "Cite each source you use and the Delta 8.7 release (the same text is in `CITATION.txt`):",
        *[f"- {line}" for line in citation.bundle_citation(meta).splitlines()],
        "",
        "## Load",
    ]
    for name, text in loaders(stem).items():
        language = {"py": "python", "R": "r", "sql": "sql"}[name.rsplit(".", 1)[1]]
        lines += [f"`{name}`:", f"```{language}", text.rstrip(), "```", ""]
    return "\n".join(lines) + "\n"
