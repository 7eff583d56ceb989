"""Citation text, one wording everywhere: "Cite this chart", the /sources pages and the bundle's CITATION.txt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PLATFORM = "Delta 8.7, the SDG target 8.7 data platform"


def source_citation(record: Mapping) -> str:
    """How to cite one source: its registry citation, else "Publisher, Title, edition."."""
    text = str(record.get("citation") or "").strip()
    if text:
        return text
    parts = [str(record.get(key) or "").strip() for key in ("publisher", "title", "edition")]
    return ", ".join(p for p in parts if p) + "."


def citation_text(records: Iterable[Mapping], release_id: str, created: str = "", url: str = "") -> str:
    """The text to copy: each source's citation on its own line, then the platform release (and where, given a URL)."""
    lines = list(dict.fromkeys(source_citation(r) for r in records))
    date = f" (created {created[:10]})" if created else ""
    platform = f"Compiled in {PLATFORM}, release {release_id}{date}" + (f": {url}" if url else ".")
    return "\n".join([*lines, platform])


def bundle_citation(meta: Mapping) -> str:
    """CITATION.txt of a download: the sources in it and the release, with the query pinned to that release."""
    url = meta.get("pinned_url") or meta.get("query_url") or ""
    return citation_text(meta.get("sources", []), meta["release"], meta.get("release_created") or "", url) + "\n"
