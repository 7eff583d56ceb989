"""Progress overview `/progress`: countries by progress status for one indicator, as a map and a sortable table."""

from __future__ import annotations

import warnings
from urllib.parse import urlencode

import dash
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol
from dash import Input, Output, callback, clientside_callback, dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _components as c
from dashboards import _data, _figures, _switcher
from dashboards import _progress as pr
from dashboards._words import dropdown
from warehouse import ReleaseError
from web import i18n, inputs
from web.i18n import N_

dash.register_page(
    __name__,
    path="/progress",
    title=N_("Progress toward target 8.7 – Delta 8.7"),
    name=N_("Progress"),
    nav=N_("Progress"),
    order=4,
)

COLUMNS = [
    ("name", N_("Country"), "text"),
    ("status", N_("Status"), "text"),
    ("trend", N_("Trend"), "text"),
    ("baseline_year", N_("From"), "numeric"),
    ("baseline_value", N_("Value then"), "numeric"),
    ("latest_year", N_("To"), "numeric"),
    ("latest_value", N_("Latest value"), "numeric"),
    ("points", N_("Points"), "numeric"),
    ("age", N_("Age"), "text"),
    ("reason", N_("Why"), "text"),
]


def layout(indicator=None, region=None, income=None, pathfinder=None, **_query):
    """The page: filters (restored from the URL), summary, status map and the table (filled by update_view)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    choices = pr.indicator_choices(release)
    codes = [o["value"] for o in choices]
    picked = indicator if indicator in codes else (codes[0] if codes else None)
    selects = {key: pr.filter_choices(release, key) for key in pr.FILTERS}
    given = {"region": region, "income": income, "pathfinder": pathfinder}
    values = {k: v if v in {o["value"] for o in selects[k]} else "" for k, v in given.items()}
    intro = [
        _(
            "Is each country moving toward target 8.7 fast enough? Each country's status compares the observed annual change between its latest survey points of one series with the change the target needs. "
        ),
        html.A(_("How the platform measures progress"), href="/learn/measuring-progress"),
        _(". Countries without two recent points are listed as insufficient data; see also the "),
        html.A(_("data gaps"), href="/coverage"),
        ".",
    ]
    # the first view is drawn with the page (no callback round trip); update_view redraws it on a change
    figure, note, text, pointer, records, summary, search = view_outputs(picked, *values.values())
    return html.Div(
        [
            html.H1(_("Progress toward target 8.7")),
            html.P(intro, className="lead fs-6"),
            controls(choices, picked, selects, values),
            html.P(summary, id="progress-summary", className="small", **{"aria-live": "polite"}),
            c.live_chart("progress-map", is_map=True, filled=(figure, text, note, pointer)),
            html.H2(_("Countries"), className="h5"),
            status_table(records, table_columns(_data.indicators(release).loc[picked, "decimals"] if picked else None)),
            dcc.Store(id="progress-search", data=search),
            dcc.Store(id="progress-search-applied"),
        ],
        id="progress-page",
    )


def controls(choices, picked, selects, values) -> html.Div:
    labels = {"region": _("Region (SDG)"), "income": _("Income group"), "pathfinder": _("Pathfinder status")}
    fields = [_field("progress-indicator", _("Indicator"), choices, picked, 5)]
    fields += [_field(f"progress-{key}", labels[key], selects[key], values[key], 2) for key in pr.FILTERS]
    return html.Div(fields, className="row g-2 mb-2")


def _field(field_id: str, label: str, options, value, width: int) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="form-label small mb-0"),
            dropdown(id=field_id, options=options, value=value, clearable=False),
        ],  # fmt: skip
        className=f"col-md-{width}",
    )


def table_columns(decimals) -> list[dict]:
    """The table's columns, values written with the indicator's decimals ("15.0", not "15")."""
    fixed = Format(precision=c.digits(decimals), scheme=Scheme.fixed, group=Group.yes)
    return [{"name": _(label), "id": key, "type": kind, **({"format": fixed} if key.endswith("_value") else {})}
            for key, label, kind in COLUMNS]  # fmt: skip


def status_table(records: list[dict], columns: list[dict]) -> dash_table.DataTable:
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"\s*The dash_table.DataTable will be removed", category=DeprecationWarning
        )
        return dash_table.DataTable(
            id="progress-table",
            columns=columns,
            # numbers as the page's language writes them ("19,3" in French)
            locale_format={"decimal": get_decimal_symbol(i18n.locale()), "group": get_group_symbol(i18n.locale())},
            data=records,
            sort_action="native",
            sort_mode="single",
            page_size=50,
            style_table={"overflowX": "auto"},
            style_cell={"fontSize": "0.875rem", "textAlign": "left", "maxWidth": "28rem", "whiteSpace": "normal"},
            # on a phone the table scrolls sideways rather than squeezing the reason into a column of one word a line
            style_cell_conditional=[{"if": {"column_id": "reason"}, "minWidth": "18rem"}],
            style_header={"fontWeight": "bold"},
        )


@callback(
    Output("progress-map", "figure"),
    Output("progress-map-note", "children"),
    Output("progress-map-summary", "children"),
    Output("progress-map-table", "children"),
    Output("progress-table", "data"),
    Output("progress-summary", "children"),
    Output("progress-search", "data"),
    Input("progress-indicator", "value"),
    Input("progress-region", "value"),
    Input("progress-income", "value"),
    Input("progress-pathfinder", "value"),
    prevent_initial_call=True,  # the layout draws the first view
)
def update_view(indicator, region, income, pathfinder):
    """Map, table, summary and the shareable query for the chosen indicator and filters."""
    return view_outputs(indicator, region, income, pathfinder)


@callback(Output("progress-table", "columns"), Input("progress-indicator", "value"), prevent_initial_call=True)
def update_columns(indicator):
    """The table's columns for another indicator (its decimals)."""
    meta = _data.indicators(_data.release())
    code = inputs.choice(indicator, "indicator", set(meta.index))
    return table_columns(meta.loc[code, "decimals"] if code is not None else None)


def view_outputs(indicator, region, income, pathfinder) -> tuple:
    """Every output of update_view for an indicator and filters (untrusted values are checked)."""
    release = _data.release()
    meta = _data.indicators(release)
    code = inputs.choice(indicator, "indicator", set(meta.index))
    if code is None:  # a release without any country status (e.g. the progress engine has not run)
        return empty_view()
    filters = {k: inputs.text(v, k, "") for k, v in zip(pr.FILTERS, (region, income, pathfinder), strict=True)}
    rows = pr.country_rows(release, code, filters)
    info = meta.loc[code]
    figure = pr.status_map_figure(rows, _("%(name)s: progress status by country", name=info["name"]))
    counts = rows["status"].value_counts()
    summary = _("; ").join(f"{counts[s]} {pr.status_label(s)}" for s in pr.words.STATUSES if s in counts) or _(
        "no country"
    )
    query = {k: v for k, v in {"indicator": code, **filters}.items() if v}
    used = pd.concat([rows[["source"]].assign(year=rows[k]) for k in ("baseline_year", "latest_year")])
    series = _("Series: both sexes, %(age)s. A status needs two points of one series, the latest within ten years.",
               age=c.age_text({"age": info["standard_age"]}))  # fmt: skip
    if (rows["status"] == pr.words.TARGET_PASSED).any():
        series += " " + _("Where the target year has passed, the colour tells the direction the country's survey "
                          "points measured: falling, rising or no clear change.")  # fmt: skip
    series = " ".join(filter(None, [series, pr.caution(release, [code])]))
    note = c.source_note(used, _data.sources(release), series, "/progress?" + urlencode(query))
    text = ngettext(
        "%(count)s country with %(value)s data: %(summary)s.",
        "%(count)s countries with %(value)s data: %(summary)s.",
        len(rows),
        count=len(rows),
        value=info["short_name"] or info["name"],
        summary=summary,
    )
    pointer = html.P(_("Every country of the map is a row of the sortable table below."), className="mb-0")
    records = pr.table_records(release, rows, info["decimals"])
    return c.plain(figure), note, text, pointer, records, text, "?" + urlencode(query)


def empty_view() -> tuple:
    """Every output of update_view when the release has no country status to show."""
    text = _("No country has a progress status in this release.")
    return c.plain(_figures.empty_figure(text)), "", text, "", [], text, ""


# Write the query into the address bar without a navigation (as on /data); a reload restores it via layout().
clientside_callback(
    """function (search) {
        if (typeof search === "string" && search !== window.location.search) {
            window.history.replaceState(window.history.state, "", window.location.pathname + search + window.location.hash);
        }
        return search;
    }""",
    Output("progress-search-applied", "data"),
    Input("progress-search", "data"),
)
clientside_callback(*_switcher.following(Input("progress-search", "data")), prevent_initial_call=True)
