"""Pathfinder countries `/pathfinders`: the staff-edited list compared on what the platform can measure for each."""

from __future__ import annotations

import dash
from dash import html
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _data, _pathfinders
from warehouse import Release, ReleaseError
from web.i18n import N_

dash.register_page(
    __name__, path="/pathfinders", title=N_("Pathfinder countries – Delta 8.7"), name=N_("Pathfinder countries")
)


def source_text(release: Release) -> str:
    """Where the list comes from: the sources-table entry for the pathfinder file, when the release has one."""
    sources = _data.sources(release)
    match = sources[sources["id"].str.contains("pathfinder", case=False, na=False)]
    if match.empty:
        return _("the Alliance 8.7 pathfinder list kept by platform staff (data/reference/pathfinders.yaml)")
    row = match.iloc[0]
    return f"{row['publisher']}, {row['title']}" + (f" ({row['citation']})" if row.get("citation") else "")


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
            html.P(_(_pathfinders.INTRO), className="small"),
            html.Div(body, id="pathfinders-table"),
            html.P(
                _("Source: %(source_text)s.", source_text=source_text(release)),
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
