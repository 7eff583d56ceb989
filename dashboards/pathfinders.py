"""Pathfinder countries `/pathfinders`: the staff-edited list compared on what the platform can measure for each."""

from __future__ import annotations

import dash
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _data, _pathfinders, _progress, _published
from dashboards import _components as c
from warehouse import Release, ReleaseError
from web import i18n
from web.i18n import N_

dash.register_page(
    __name__, path="/pathfinders", title=N_("Pathfinder countries – Delta 8.7"), name=N_("Pathfinder countries")
)


def source_record(release: Release) -> dict | None:
    """The sources-table entry for the pathfinder file, when the release has one."""
    sources = _data.sources(release)
    match = sources[sources["id"].str.contains("pathfinder", case=False, na=False)]
    return None if match.empty else match.iloc[0].to_dict()


def source_text(release: Release) -> str:
    """Where the list comes from, in English: the entry's publisher, title and the document it cites."""
    row = source_record(release)
    if row is None:
        return _("the Alliance 8.7 pathfinder list kept by platform staff (data/reference/pathfinders.yaml)")
    return f"{row['publisher']}, {row['title']}" + (f" ({row['citation']})" if row.get("citation") else "")


def source_line(release: Release) -> list:
    """The "Source: …" line; on a page in another language our list by its translated name, the document it
    cites as published (marked English)."""
    row = source_record(release)
    if i18n.lang() == i18n.DEFAULT or row is None:
        return [_("Source: %(source_text)s.", source_text=source_text(release))]
    cited = [" (", html.Span(row["citation"], lang="en"), ")"] if row.get("citation") else []
    named = html.Span([_cite.display_name(row, row["id"]), *cited])
    return _published.around(_("Source: %(source_text)s.", source_text="{}"), named)


def layout(**_query):
    """The pathfinder countries side by side: progress, latest survey, commitments and what the data cover."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div(
            [
                html.H1(_("Pathfinder countries")),
                c.notice(_("No data release is available: %(exc)s", exc=exc), "warning"),
            ]
        )
    found = _pathfinders.records(release)
    body = (
        _pathfinders.comparison_table(found)
        if found
        else c.notice(_("No pathfinder countries are listed in this release."))
    )
    return html.Div(
        [
            html.H1(_("Pathfinder countries")),
            html.P(
                _(
                    "Pathfinder countries commit to go further and faster toward target 8.7 and work with the Alliance 8.7 partners. This list shows the countries the platform's reference file names, with what the cited document says."
                ),
                className="lead fs-6",
            ),
            html.P(
                [_(_pathfinders.INTRO), " ", _progress.caution(release, [_progress.DEFAULT_INDICATOR])],
                className="small",
            ),
            html.Div(body, id="pathfinders-table"),
            html.P(
                source_line(release),
                className="small text-body-secondary",
                id="pathfinders-source",
            ),
            html.P(
                [
                    c.explainer_link("alliance-8-7-and-pathfinders", _("What is a pathfinder country?")),
                    " · ",
                    c.explainer_link("measuring-progress", _("How the platform measures progress")),
                ]
            ),
        ],
        id="pathfinders-page",
    )
