"""`/sources`: every source of the release served, with its short name, publisher, edition and licence class."""

from __future__ import annotations

import dash
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _data
from dashboards import _components as c
from warehouse import ReleaseError
from warehouse.schema import redistributable
from web.i18n import N_

dash.register_page(__name__, path="/sources", title=N_("Sources – Delta 8.7"), name=N_("Sources"))


def layout(**_query):
    """The list of sources, each linked to its page."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div(
            [html.H1(_("Sources")), c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")]
        )
    named = [(_cite.display_name(row, row["id"]), row) for row in _data.source_records(release).values()]
    rows = [row for _name, row in sorted(named, key=lambda pair: pair[0].lower())]
    items = [
        html.Tr(
            [
                html.Td(_cite.name_link(row["id"], _cite.display_name(row, row["id"]))),
                html.Td(row.get("publisher") or "", lang="en"),  # the publishers' own words
                html.Td(row.get("edition") or "–", lang="en"),
                html.Td(_("yes") if redistributable(row) else _("no (shown with attribution)")),
            ]
        )
        for row in rows
    ]
    head = html.Thead(
        html.Tr([html.Th(h, scope="col") for h in (_("Source"), _("Publisher"), _("Edition"), _("In downloads"))])
    )
    return html.Div(
        [
            html.H1(_("Sources")),
            html.P(
                _(
                    "Every figure on the platform comes from one of these publishers' files. Each source's page gives the full record: where the data come from, the licence and what it allows, how to cite it, the files with their checksums, the indicators it feeds and the releases in which it changed."
                ),
            ),
            html.Div(
                html.Table(
                    [
                        html.Caption(_("%(count)s sources in release %(id)s", count=len(rows), id=release.id)),
                        head,
                        html.Tbody(items),
                    ],
                    className="table table-sm small",
                    id="sources-table",
                ),
                className="table-responsive",
            ),
        ],
        id="sources-page",
    )
