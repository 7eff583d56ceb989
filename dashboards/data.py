"""Data explorer `/data`: filter the observations, preview them page by page, download exactly what you see."""

from __future__ import annotations

import warnings

import dash
import dash_bootstrap_components as dbc
from babel import numbers
from dash import Input, Output, State, callback, clientside_callback, ctx, dash_table, dcc, html
from flask_babel import gettext as _

import config
from dashboards import _cite, _data, _phrases, _plain, _switcher
from dashboards import _components as c
from dashboards import _explorer as ex
from dashboards._words import age_word, word
from dataproduct.params import FILTER_PARAMS, Catalog, ParamError, arguments, catalog, release_param
from warehouse import OutdatedRelease, ReleaseError, get_warehouse
from warehouse.schema import redistributable
from web import i18n, inputs
from web.i18n import N_
from web.release import request_release

dash.register_page(
    __name__,
    path="/data",
    title=N_("Data explorer – Delta 8.7"),
    name=N_("Data explorer and downloads"),
    nav=N_("Data"),
    order=5,
)


def _release(pinned: str | None):
    """The warehouse and release to show: the pinned one when it exists, else the current one (+ a notice)."""
    warehouse = get_warehouse()
    if pinned:
        try:
            return warehouse, warehouse.releases.get(pinned), []
        except OutdatedRelease:
            older = N_("release %(pinned)s was built by an older version of the platform; showing the current release")
            note = _(older, pinned=pinned)
        except ReleaseError:
            note = _("release %(pinned)s is not available; showing the current release", pinned=pinned)
        return warehouse, request_release(), [note]
    return warehouse, request_release(), []


def _table(sort_by: list[dict], page: int) -> dash_table.DataTable:
    # Figures with the separators of the page's language (5,3 and 138 000 000 in French); years stay plain.
    marks = {"decimal": numbers.get_decimal_symbol(i18n.locale()), "group": numbers.get_group_symbol(i18n.locale())}
    figure = {"type": "numeric", "format": {"locale": marks, "specifier": ","}}
    kinds = {"year": {"type": "numeric"}, **dict.fromkeys(("value", "lower", "upper", "precision"), figure)}
    columns = [{"name": _(ex.HEADINGS[c]), "id": c, "type": "text", **kinds.get(c, {})} for c in ex.COLUMNS]
    with warnings.catch_warnings():
        # Dash 4 announces DataTable's move out of the core bundle in a future major version; it is still the
        # core table with server-side paging and sorting, so we keep it rather than add dash-ag-grid.
        warnings.filterwarnings(
            "ignore", message=r"\s*The dash_table.DataTable will be removed", category=DeprecationWarning
        )
        return _data_table(columns, sort_by, page)


def _data_table(columns: list[dict], sort_by: list[dict], page: int) -> dash_table.DataTable:
    return dash_table.DataTable(
        id="data-table",
        columns=columns,
        data=[],
        page_action="custom",
        page_current=page,  # from the link; the first callback moves a page past the end back to the first
        page_size=ex.PAGE_SIZE,
        page_count=page + 1,  # until the first callback counts the rows (a smaller count moves the table to page 1)
        sort_action="custom",
        sort_mode="multi",
        sort_by=sort_by,
        tooltip_header={c: c for c in ex.COLUMNS},  # the column's id in downloads
        style_table={"overflowX": "auto"},
        style_cell={"fontSize": "0.85rem", "textAlign": "left", "maxWidth": "18rem", "whiteSpace": "normal"},
        style_header={"fontWeight": "bold"},
        style_cell_conditional=[{"if": {"column_id": "note"}, "minWidth": "22rem"}],  # long notes wrap less
    )


def _intro() -> html.Div:
    return html.Div(
        [
            html.H1(_("Data explorer")),
            html.P(
                [
                    _(
                        "Choose indicators, places, years and breakdowns. Filters combine with AND; several values in one filter combine with OR. The preview and every download carry exactly the same rows, with the release id, the query URL, the sources and their licences. The same query works from code: see the "
                    ),
                    html.A(_("API documentation"), href="/api/v1/docs"),
                    ".",
                ],
                className="lead fs-6",
            ),
        ]
    )


def layout(**query):
    """The explorer, with every control pre-set from the URL query (so a reload or a shared link restores it)."""
    try:
        pinned = release_param(arguments({"release": query.get("release", "")}))
        url_notes: list[str] = []
    except ParamError as exc:
        pinned, url_notes = None, [ex.said(exc)]
    try:
        warehouse, release, notes = _release(pinned)
    except ReleaseError as exc:
        alert = dbc.Alert(_("No data release is available yet: %(exc)s", exc=exc), color="warning")
        return html.Div([_intro(), alert], id="data-page")
    cat = catalog(release)
    values, sort_by, page, problems = ex.state_from_query(query, cat)
    store = dcc.Store(id="data-release", data={"id": release.id, "pinned": bool(pinned) and release.id == pinned})
    return html.Div(
        [
            _intro(),
            store,
            dcc.Store(id="data-search"),
            dcc.Store(id="data-search-applied"),
            _url_notice(url_notes + notes + problems),
            html.Section([html.H2(_("Filters"), className="visually-hidden"), ex.controls(cat, release, values)]),
            html.P(id="data-count", className="mt-2", **{"aria-live": "polite"}),
            html.Div(id="data-notice"),
            html.Div(
                [html.Span(_("Download what you see: "), className="me-2"), html.Span(id="data-downloads")],
                className="mb-3",
            ),
            html.Section([html.H2(_("Preview"), className="h4"), _columns_note(), _table(sort_by, page)]),
            html.Section([html.H2(_("Sources and licences"), className="h4 mt-4"), _sources_table(cat)], id="sources"),
            html.P(_("Release %(id)s", id=release.id), className="small text-body-secondary", id="data-release-id"),
        ],
        id="data-page",
    )


def _sources_table(cat: Catalog) -> html.Div:
    """Every source with edition, licence, citation and whether its data may be downloaded."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(h, scope="col")
                for h in (_("Source"), _("Edition"), _("Licence"), _("Downloadable"), _("Citation"))
            ]
        )
    )
    rows = []
    for source_id, row in sorted(cat.sources.items()):
        name = [
            html.A(row.get("title") or source_id, href=row.get("url") or None, rel="noopener"),
            html.Br(),
            html.Small(row.get("publisher") or ""),
        ]
        rows.append(
            html.Tr(
                [
                    html.Td(name, lang="en"),  # publishers' own words (WCAG 3.1.2: language of parts)
                    html.Td(row.get("edition") or "", lang="en"),
                    html.Td(_cite.english(row.get("licence")) or _("not stated")),
                    html.Td(_("yes") if redistributable(row) else _("no – shown with attribution, not downloadable")),
                    html.Td(row.get("citation") or "", lang="en"),
                ]
            )
        )
    table = html.Table(
        [html.Caption(_("Sources of this release"), className="visually-hidden"), header, html.Tbody(rows)],
        className="table table-sm small",
    )
    return html.Div(table, className="table-responsive")


def _columns_note() -> html.P:
    text = _(
        "Downloads name the columns by ids that are the same in every language (such as area_name and value; point at a heading to see its id), described in the dictionary.csv of each download."
    )
    return html.P(text, className="small text-body-secondary")


def _url_notice(notices: list[str]):
    if not notices:
        return html.Div(id="data-url-notice")
    return _problems(
        _("Some of the link's filters were not understood and were left out: "), notices, "data-url-notice"
    )


def _problems(lead: str, notices: list[str], component_id: str | None = None) -> dbc.Alert:
    """The problems one per line (a problem's own wording may hold a semicolon)."""
    items = html.Ul([html.Li(notice) for notice in notices], className="mb-0")
    return dbc.Alert([lead, items], color="warning", **({"id": component_id} if component_id else {}))


FILTER_INPUTS = {name: Input(ex.control_id(name), "value") for name in FILTER_PARAMS}


@callback(
    output={
        "data": Output("data-table", "data"),
        "page_count": Output("data-table", "page_count"),
        "page_current": Output("data-table", "page_current"),
        "count": Output("data-count", "children"),
        "downloads": Output("data-downloads", "children"),
        "search": Output("data-search", "data"),
        "notice": Output("data-notice", "children"),
    },
    inputs={
        "filters": FILTER_INPUTS,
        "page": Input("data-table", "page_current"),
        "sort_by": Input("data-table", "sort_by"),
        "release": State("data-release", "data"),
    },
)
def update_results(filters, page, sort_by, release):
    """Count, preview page, download links and URL query for the current filters (a filter change goes to page 1;
    the first call keeps the page the link asked for)."""
    filters, release = inputs.mapping(filters, "filters"), inputs.mapping(release, "data-release")
    page = inputs.whole_number(page, "page_current", 0, 10**9, default=0)
    sort_by = inputs.objects(sort_by, "sort_by")
    return results(filters, page if ctx.triggered_id in ("data-table", None) else 0, sort_by, release)


def results(filters: dict, page: int, sort_by: list[dict], release: dict) -> dict:
    """The callback's outputs for the controls' values: filter values this release does not know are dropped
    and named (a shared link may be older than the release)."""
    pinned = inputs.text(release.get("id"), "release") if release.get("pinned") else None
    try:
        warehouse, resolved, notes = _release(pinned)
    except ReleaseError as exc:
        empty = {"data": [], "page_count": 1, "page_current": 0, "count": "", "downloads": [], "search": dash.no_update}
        return {**empty, "notice": dbc.Alert(_("No data release is available: %(exc)s", exc=exc), color="warning")}
    cat = catalog(resolved)
    args, sort = ex.args_from_values(filters), ex.sort_from(sort_by)
    piece, problems = ex.preview(warehouse, resolved, cat, args, sort, page)
    if page and page * ex.PAGE_SIZE >= piece.total:  # a stale page number after the data changed
        page = 0
        piece, problems = ex.preview(warehouse, resolved, cat, args, sort, 0)
    search = ex.search(piece)
    if pinned:
        search += ("&" if search else "?") + f"release={resolved.id}"
    notices = notes + problems
    search = i18n.query(search)
    return {
        "data": shown_records(piece),
        "page_count": ex.page_count(piece),
        "page_current": page,
        "count": ex.count_text(piece),
        "downloads": ex.download_links(piece, config.settings().max_rows_xlsx),
        "search": search,
        "notice": _problems(_("Left out: "), notices) if notices else None,
    }


FLAGS = ("age_nonstandard", "censored", "preferred")  # true/false columns, yes/no in the preview


def shown_records(piece) -> list[dict]:
    """The preview rows, with the units in words, and the area names, notes, periods and data words in the page's
    language (downloads keep the codes and the English)."""
    rows = ex.records(piece)
    for row in rows:
        row["unit"] = c.unit_label(row.get("unit"))
    if i18n.lang() != i18n.DEFAULT:
        names = _data.area_names(piece.release)
        for row in rows:
            row["area_name"] = names.get(row["iso3"], row["area_name"])
            row["note"] = _plain.note_text(row.get("note")) or row.get("note")
            row["period"] = _phrases.localized(row.get("period"))
            row.update({key: word(row.get(key)) for key in ("sex", "nature", "qualifier")})
            row["age"] = age_word(row.get("age"))
            row.update({key: _("yes") if row[key] else _("no") for key in FLAGS if row.get(key) is not None})
    return rows


# Write the query into the address bar without a navigation: dcc.Location would make Dash's page router
# re-render the whole page (and lose the focus) on every filter change. A reload restores it via layout().
clientside_callback(
    """function (search) {
        if (typeof search === "string" && search !== window.location.search) {
            window.history.replaceState(window.history.state, "", window.location.pathname + search + window.location.hash);
        }
        return search;
    }""",
    Output("data-search-applied", "data"),
    Input("data-search", "data"),
)
clientside_callback(*_switcher.following(Input("data-search", "data")), prevent_initial_call=True)
