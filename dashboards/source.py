"""`/sources/<id>`: the full record of one source, for readers: provenance, licence, citation, files, coverage.

This is the one page that shows how a snapshot was obtained (repositories, commits) and the files' checksums;
the line under a chart names the source by its short name and links here.
"""

from __future__ import annotations

import dash
from dash import dcc, html
from flask_babel import gettext as _

from dashboards import _cite, _data, _series, _sources
from dashboards import _components as c
from warehouse import Release, ReleaseError
from web import i18n
from web.i18n import N_


def title(source_id: str | None = None, **_skip) -> str:
    try:
        row = _sources.record(_data.release(), str(source_id or ""))
    except ReleaseError:
        row = None
    return _("%(value)s – Delta 8.7", value=_cite.display_name(row, row["id"]) if row else _("Source"))


dash.register_page(__name__, path_template="/sources/<source_id>", title=title, name=N_("Source"))


def layout(source_id: str | None = None, **_query):
    """The record of one source, or a "not found" message (the HTTP status is set in _status.py)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div(
            [html.H1(_("Source")), c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")]
        )
    row = _sources.record(release, str(source_id or ""))
    if row is None:
        return html.Div(
            [
                html.H1(_("Source not found")),
                html.P(
                    [
                        _("There is no source with this id in the release served. "),
                        html.A(_("All sources"), href="/sources"),
                    ]
                ),
            ],
            id="source-not-found",
        )
    return html.Div(
        [
            html.P(html.A(_("← All sources"), href="/sources"), className="small mb-1"),
            html.H1(_cite.english(_cite.display_name(row, row["id"])), id="source-name", className="h2"),
            html.P(row.get("title") or "", className="lead", lang="en"),
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
        parts += [_("; ")] if i else []
        parts.append(html.A(piece, href=piece, rel="noopener") if piece.startswith(("http://", "https://")) else piece)
    return parts or [_("not stated")]


def record_list(row: dict) -> html.Dl:
    """Publisher, title, edition, location, snapshot, retrieval, licence and what it allows, caveats."""
    english = {"lang": "en"}  # the registry's own text: publishers' names and titles, notes on the snapshot
    facts = [
        (_("Publisher"), row.get("publisher"), english),
        (_("Title"), row.get("title"), english),
        (_("Edition"), row.get("edition"), english),
        (_("Original location"), _link(row.get("url")), english),
        (_("How the copy used here was obtained"), row.get("obtained_from"), english),
        (_("Retrieved"), row.get("retrieved"), {}),
        (_("Licence"), row.get("licence"), english),
        (_("What the licence allows"), _sources.allows(row), {}),
        (_("Caveats"), row.get("caveats"), english),
    ]
    return html.Dl(
        [
            part
            for key, value, lang in facts
            for part in (html.Dt(key), html.Dd(value, **lang) if value else html.Dd(_("not stated")))
        ],
        className="about-list",
        id="source-record",
    )


def cite_section(release: Release, row: dict) -> html.Section:
    """The citation to copy: the source's, then the release (the wording of the downloads' CITATION.txt)."""
    text = _cite.cite_text([row], release.id, release.created)
    return html.Section(
        [
            html.H2(_("How to cite"), className="h4 mt-4"),
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
            ("name", _("Indicator")),
            ("values", _("Values")),
            ("countries", _("Countries")),
            ("areas", _("Aggregates")),
            ("years", _("Years")),
        ],  # fmt: skip
        _("Indicators fed by this source"),
        links={"name": lambda r: f"/indicator/{r['indicator']}"},
    )
    return html.Section(
        [
            html.H2(_("Indicators and coverage"), className="h4 mt-4"),
            html.P(_sources.coverage(release, source_id), id="source-coverage"),
            table if not fed.empty else "",
        ]
    )


def files_section(release: Release, source_id: str) -> html.Section:
    """The publisher's files read for this release, with their sha256 checksums."""
    files = _sources.files(release, source_id).assign(
        size=lambda f: f["bytes"].map(lambda b: _("%(b)s bytes", b=i18n.decimal(int(b), 0)))
    )
    return html.Section(
        [
            html.H2(_("Files"), className="h4 mt-4"),
            html.P(_("The snapshot files the release was built from; the checksum identifies each file exactly.")),
            c.table(
                files, [("path", _("File")), ("sha256", _("SHA-256")), ("size", _("Size"))], _("Files of this source")
            ),
        ],
        id="source-files",
    )


def history_section(release: Release, source_id: str) -> html.Section:
    """The releases in which the source was added or its files or edition changed."""
    changes = _sources.history(release, source_id)
    items = [
        html.Li(
            _series.joined(
                [
                    f"{c_['release']} ({c_['created']}): ",
                    *(_cite.english(t) if published else t for t, published in c_["change"]),
                ]
            )
        )
        for c_ in changes
    ]
    return html.Section(
        [
            html.H2(_("Changes by release"), className="h4 mt-4"),
            html.Ul(items, id="source-history") if items else html.P(_("No earlier release on this server holds it.")),
        ]
    )
