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
    """README.md of a zip download: which release and query, its files, licences and exclusions, how to cite and load."""
    excluded = [
        f"\n- Not included: {row['publisher']}, {row['title']} ({row['rows']:,} rows; licence: "
        f"{row['licence'] or 'not stated'}). Publisher: {row['url']}"
        for row in meta["excluded_sources"]
    ]
    fences = {"py": "python", "R": "r", "sql": "sql"}
    pinned = f"release={meta['release']}" in meta["query_url"]  # the query names its release: one URL says it all
    return snippet("download_README.md").format_map(
        {
            **meta,
            "release_created": meta["release_created"] or "unknown",
            "pinned": "" if pinned else f"\n- Same query pinned to this release: {meta['pinned_url']}",
            "order_note": " (`area_name` by the English names it holds)" if "area_name" in meta["order"] else "",
            "files": "\n".join(f"- `{name}`: {text}" for name, text in files.items()),
            "sources": "\n".join(_source(row) for row in meta["sources"]) or "- none: no rows matched",
            "excluded": "".join(excluded),
            "citation": "\n".join(f"- {line}" for line in citation.bundle_citation(meta).splitlines()),
            "loaders": "\n".join(
                f"`{name}`:\n```{fences[name.rsplit('.', 1)[1]]}\n{text.rstrip()}\n```\n"
                for name, text in loaders(stem).items()
            ),
        }
    )


def _source(row: dict) -> str:
    """One source of a download as a Markdown list item: what, licence, retrieval date, files with checksums."""
    files = "".join(f"\n  - `{f['path']}` ({f['bytes']:,} bytes), SHA-256 `{f['sha256']}`" for f in row["files"])
    return (
        f"- {row['publisher']}, {row['title']} (`{row['id']}`; rows in this download: {row['rows']:,}). Edition: {row['edition'] or 'not stated'}. "
        f"Licence: {row['licence'] or 'not stated'}. Retrieved: {row['retrieved'] or 'not stated'}. "
        f"Publisher: {row['url'] or 'not stated'}.{files}"
    )
