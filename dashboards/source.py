"""`/sources/<id>`: the full record of one source, for readers: provenance, licence, citation, files, coverage.

This is the one page that shows how a snapshot was obtained (repositories, commits) and the files' checksums;
the line under a chart names the source by its short name and links here.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import _components as c
from dashboards import _data, _sources
from dataproduct import citation
from warehouse import Release, ReleaseError


def title(source_id: str | None = None, **_) -> str:
    try:
        row = _sources.record(_data.release(), str(source_id or ""))
    except ReleaseError:
        row = None
    return f"{row.get('short_name') or row['id'] if row else 'Source'} – Delta 8.7"


dash.register_page(__name__, path_template="/sources/<source_id>", title=title, name="Source")


def layout(source_id: str | None = None, **_query):
    """The record of one source, or a "not found" message (the HTTP status is set in _status.py)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div([html.H1("Source"), c.notice(f"No data release is available: {exc}", "warning")])
    row = _sources.record(release, str(source_id or ""))
    if row is None:
        return html.Div(
            [
                html.H1("Source not found"),
                html.P(
                    ["There is no source with this id in the release served. ", html.A("All sources", href="/sources")]
                ),
            ],
            id="source-not-found",
        )
    return html.Div(
        [
            html.P(html.A("← All sources", href="/sources"), className="small mb-1"),
            html.H1(row.get("short_name") or row["id"], id="source-name", className="h2"),
            html.P(row.get("title") or "", className="lead"),
            record_list(row),
            cite_section(release, row),
            fed_section(release, row["id"]),
            files_section(release, row["id"]),
            history_section(release, row["id"]),
        ],
        id="source-page",
    )


def _link(url: str) -> list:
    """The publisher's location(s): each http(s) address as a link, the rest as text."""
    parts: list = []
    for i, piece in enumerate(str(url or "").split(" ; ")):
        parts += ["; "] if i else []
        parts.append(html.A(piece, href=piece, rel="noopener") if piece.startswith(("http://", "https://")) else piece)
    return parts or ["not stated"]


def record_list(row: dict) -> html.Dl:
    """Publisher, title, edition, location, snapshot, retrieval, licence and what it allows, caveats."""
    facts = [
        ("Publisher", row.get("publisher")),
        ("Title", row.get("title")),
        ("Edition", row.get("edition")),
        ("Original location", _link(row.get("url"))),
        ("How the copy used here was obtained", row.get("obtained_from")),
        ("Retrieved", row.get("retrieved")),
        ("Licence", row.get("licence") or "not stated"),
        ("What the licence allows", _sources.allows(row)),
        ("Caveats", row.get("caveats")),
    ]
    return html.Dl(
        [part for key, value in facts for part in (html.Dt(key), html.Dd(value or "not stated"))],
        className="about-list",
        id="source-record",
    )


def cite_section(release: Release, row: dict) -> html.Section:
    """The citation to copy: the source's, then the release (the wording of the downloads' CITATION.txt)."""
    text = citation.citation_text([row], release.id, release.created)
    return html.Section(
        [
            html.H2("How to cite", className="h4 mt-4"),
            html.Div(
                [
                    html.Pre(text, id="source-citation", className="cite-text"),
                    dcc.Clipboard(target_id="source-citation"),
                ],
                className="d-flex gap-2 align-items-start",
            ),
        ]
    )


def fed_section(release: Release, source_id: str) -> html.Section:
    """The indicators this source feeds, with links, and its coverage."""
    fed = _sources.indicators_fed(release, source_id)
    table = c.table(
        fed,
        [
            ("name", "Indicator"),
            ("values", "Values"),
            ("countries", "Countries"),
            ("areas", "Aggregates"),
            ("years", "Years"),
        ],  # fmt: skip
        "Indicators fed by this source",
        links={"name": lambda r: f"/indicator/{r['indicator']}"},
    )
    return html.Section(
        [
            html.H2("Indicators and coverage", className="h4 mt-4"),
            html.P(_sources.coverage(release, source_id), id="source-coverage"),
            table if not fed.empty else "",
        ]
    )


def files_section(release: Release, source_id: str) -> html.Section:
    """The publisher's files read for this release, with their sha256 checksums."""
    files = _sources.files(release, source_id).assign(size=lambda f: f["bytes"].map(lambda b: f"{int(b):,} bytes"))
    return html.Section(
        [
            html.H2("Files", className="h4 mt-4"),
            html.P("The snapshot files the release was built from; the checksum identifies each file exactly."),
            c.table(files, [("path", "File"), ("sha256", "SHA-256"), ("size", "Size")], "Files of this source"),
        ],
        id="source-files",
    )


def history_section(release: Release, source_id: str) -> html.Section:
    """The releases in which the source was added or its files or edition changed."""
    changes = _sources.history(release, source_id)
    items = [html.Li(f"{c_['release']} ({c_['created']}): {c_['change']}") for c_ in changes]
    return html.Section(
        [
            html.H2("Changes by release", className="h4 mt-4"),
            html.Ul(items, id="source-history") if items else html.P("No earlier release on this server holds it."),
        ]
    )
