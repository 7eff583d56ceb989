"""Indicator page `/indicator/<code>`: chart, map, table and about tabs over one filtered query.

The view (tab, year, compared countries, sex, age band) lives in the URL query, so a copied link reopens it:
the layout reads the query, and a callback writes it back with a dcc.Location that does not reload the page.
"""

from __future__ import annotations

import difflib
import json

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _components as c
from dashboards import _data, _forum, _indicator, _series, _switcher, _views
from dashboards._words import dropdown
from warehouse import Release, ReleaseError
from web import i18n, inputs
from web.i18n import N_


def title(code: str | None = None, **_skip) -> str:
    try:
        meta = _data.indicator_meta(_data.release(), str(code or ""))
    except ReleaseError:
        meta = None
    return _("%(value)s – Delta 8.7", value=meta["name"] if meta else "Indicator")


dash.register_page(__name__, path_template="/indicator/<code>", title=title, name=N_("Indicator"))

TAB_LABELS = (N_("Chart"), N_("Map"), N_("Table"), N_("About the data"))


def layout(code: str | None = None, **query):
    """The page for one indicator, in the view the query describes."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div([c.notice(_("No data release is available: %(exc)s", exc=exc), "warning"), controls(None)])
    meta = _data.indicator_meta(release, str(code or "")) if code else None
    if code and meta is None:
        return not_found(release, str(code))
    if meta is None:
        return html.Div(
            [html.H1(_("Indicator")), html.P(html.A(_("Choose an indicator"), href="/indicators")), controls(None)]
        )
    obs = _data.indicator_observations(release, meta["code"])
    names = _data.area_names(release)
    choices = _indicator.choices(release, meta["code"])
    view = _indicator.parse(choices, **query)
    return html.Div(
        [
            html.P(html.A(_("← All indicators"), href="/indicators"), className="small mb-1"),
            html.H1(meta["name"], id="indicator-name", className="h2"),
            html.P(
                [
                    _("SDG %(sdg_indicator)s · ", sdg_indicator=meta["sdg_indicator"])
                    if meta.get("sdg_indicator")
                    else "",
                    _("Unit: %(unit_label)s · ", unit_label=c.unit_label(meta.get("unit"))),
                    c.explainer_link(meta.get("explainer")),
                ],
                className="small",
            ),
            controls(meta["code"], obs, view, names, choices.tabs, _indicator.content(release, meta["code"], view)),
            _forum.from_the_forum(indicator=meta["code"]),
        ],
        id="indicator-page",
    )


def controls(code: str | None, obs=None, view: _indicator.View | None = None, names: dict | None = None,
             tabs: tuple[str, ...] = _indicator.TABS, content=None) -> html.Div:  # fmt: skip
    """The year, countries, sex and age pickers, the tabs and the first view's `content` (drawn with the page,
    not by a callback); present even without data so callbacks validate."""
    view = view or _indicator.View()
    years, areas, sexes, ages = [], [], [], []
    if obs is not None and not obs.empty:
        valued = _series.valued(obs)
        years = [{"label": _("Latest available"), "value": "latest"}] + [
            {"label": str(y), "value": str(y)} for y in sorted({int(y) for y in valued["year"].dropna()}, reverse=True)
        ]
        areas = sorted(
            ({"label": (names or {}).get(a, a), "value": a} for a in valued["iso3"].unique()),
            key=lambda o: (o["value"] != _data.WORLD, o["label"]),
        )
        bands = list(valued["age"].unique())
        sexes = [{"label": c.sex_word_of(s, bands).capitalize(), "value": s} for s in sorted(valued["sex"].unique())]
        ages = [{"label": c.band(a), "value": a} for a in sorted(valued[valued["sex"] == view.sex]["age"].unique())]
    picker = [
        ("indicator-year", _("Year (map and table)"), years, view.year, False, 3),
        ("indicator-countries", _("Compare countries or regions"), areas, list(view.areas), True, 5),
        ("indicator-sex", _("Sex"), sexes, view.sex, False, 2),
        ("indicator-age", _("Age band"), ages, view.age, False, 2),
    ]
    row = dbc.Row(
        [
            dbc.Col(
                [
                    html.Label(label, htmlFor=pid, className="form-label small fw-semibold"),
                    # native <select> for single choices (best keyboard and screen-reader support); the
                    # searchable multi-select for the compared areas
                    dropdown(id=pid, options=opts, value=value, multi=True, placeholder=_("Add countries…"))
                    if multi
                    else dbc.Select(id=pid, options=opts, value=value),
                ],
                md=width,
            )
            for pid, label, opts, value, multi, width in picker
        ],
        className="g-2 mb-3",
    )
    return html.Div(
        [
            dcc.Store(id="indicator-code", data=code),
            dcc.Store(id="indicator-tab", data=view.tab),
            dcc.Location(id="indicator-url", refresh=False),
            row,
            every_source(view),
            tablist(view.tab, tabs),
            dcc.Loading(
                html.Div(content, id="indicator-content", role="tabpanel", tabIndex="0", **{"aria-label": _("View")}),
                type="default",
                delay_show=300,
            ),
            html.Div(id="indicator-live", className="visually-hidden", **{"aria-live": "polite", "role": "status"}),
        ]
    )


def every_source(view: _indicator.View) -> dbc.Checkbox:
    """The request for every source's series on the chart (by default each area's headline series only)."""
    return dbc.Checkbox(
        id="indicator-sources",
        label=_indicator.EVERY_SOURCE_LABEL,
        value=view.sources == _indicator.EVERY_SOURCE,
        className="small mb-2",
    )


def tablist(active: str, shown: tuple[str, ...] = _indicator.TABS) -> html.Div:
    """Chart / Map / Table / About as an ARIA tab list of buttons (each a tab stop; the panel is the content);
    tabs with nothing to show are hidden (their buttons stay for the tab callback)."""
    buttons = [
        html.Button(
            _(label),
            id=f"indicator-tab-{tab}",
            n_clicks=0,
            type="button",
            role="tab",
            hidden=tab not in shown,
            className="nav-link" + (" active" if tab == active else ""),
            **{"aria-selected": "true" if tab == active else "false", "aria-controls": "indicator-content"},
        )
        for tab, label in zip(_indicator.TABS, TAB_LABELS, strict=True)
    ]
    return html.Div(buttons, id="indicator-tabs", role="tablist", className="nav nav-tabs mb-3",
                    **{"aria-label": _('Views of this indicator')})  # fmt: skip


# Switching tabs happens in the browser (no round trip): the store then drives the content callback.
TAB_JS = """
function() {
    const tabs = __TABS__;
    const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
    const hit = tabs.find(t => trigger.startsWith("indicator-tab-" + t + "."));
    if (!hit) { return window.dash_clientside.no_update; }
    return [hit, ...tabs.map(t => "nav-link" + (t === hit ? " active" : "")), ...tabs.map(t => String(t === hit))];
}
"""
dash.clientside_callback(
    TAB_JS.replace("__TABS__", json.dumps(list(_indicator.TABS))),
    Output("indicator-tab", "data"),
    *[Output(f"indicator-tab-{tab}", "className") for tab in _indicator.TABS],
    *[Output(f"indicator-tab-{tab}", "aria-selected") for tab in _indicator.TABS],
    *[Input(f"indicator-tab-{tab}", "n_clicks") for tab in _indicator.TABS],
    prevent_initial_call=True,
)


@callback(
    Output("indicator-age", "options"),
    Output("indicator-age", "value"),
    Input("indicator-sex", "value"),
    State("indicator-age", "value"),
    State("indicator-code", "data"),
    prevent_initial_call=True,
)
def update_indicator_age(sex, age, code):
    """Age bands available for the chosen sex (keep the chosen one when it exists)."""
    release = _data.release()
    code = inputs.choice(code, "indicator", _data.indicators(release).index)
    sex, age = inputs.text(sex, "sex"), inputs.text(age, "age")
    if not code:
        return [], None
    obs = _series.valued(_data.indicator_observations(release, code))
    ages = sorted(obs[obs["sex"] == sex]["age"].unique())
    return [{"label": c.band(a), "value": a} for a in ages], age if age in ages else (ages[0] if ages else None)


@callback(
    Output("indicator-content", "children"),
    Output("indicator-url", "search"),
    Output("indicator-live", "children"),
    Input("indicator-tab", "data"),
    Input("indicator-year", "value"),
    Input("indicator-countries", "value"),
    Input("indicator-sex", "value"),
    Input("indicator-age", "value"),
    Input("indicator-sources", "value"),
    State("indicator-code", "data"),
    prevent_initial_call=True,  # the layout draws the first view
)
def update_indicator_content(tab, year, areas, sex, age, every, code):
    """Render the active tab for the chosen filters and write the view into the URL."""
    release = _data.release()
    code = inputs.choice(code, "indicator", _data.indicators(release).index)
    if not code:
        return c.notice(_("Choose an indicator from the list.")), no_update, ""
    choices = _indicator.choices(release, code)
    tab, year, sex, age = (inputs.text(v, n) for v, n in ((tab, "tab"), (year, "year"), (sex, "sex"), (age, "age")))
    areas = inputs.choices(areas, "countries")
    query = {"tab": tab, "year": year, "countries": ",".join(areas), "sex": sex, "age": age,
             "sources": _indicator.EVERY_SOURCE if every is True else ""}  # fmt: skip
    view = _indicator.parse(choices, **query)
    content = i18n.localize_links(_indicator.content(release, code, view))
    if not _views.user_triggered():  # first draw: the address already says what is shown
        return content, no_update, ""
    live = ngettext(
        "Showing the %(tab)s tab: %(sex)s, age %(age)s, year %(year)s, %(count)s compared area.",
        "Showing the %(tab)s tab: %(sex)s, age %(age)s, year %(year)s, %(count)s compared areas.",
        len(view.areas),
        tab=view.tab,
        sex=view.sex,
        age=view.age,
        year=view.year,
        count=len(view.areas),
    )
    return content, i18n.query(view.search(choices.default_sex, choices.default_age, choices.default_tab)), live


clientside_callback(*_switcher.following(Input("indicator-url", "search")), prevent_initial_call=True)


def not_found(release: Release, code: str) -> html.Div:
    """Unknown indicator code: the closest codes and names, and the full list."""
    inds = _data.indicators(release)
    labels = {**{k: k for k in inds["code"]}, **dict(zip(inds["name"].str.lower(), inds["code"], strict=True))}
    close = difflib.get_close_matches(code.lower(), list(labels), n=5, cutoff=0.4)
    picks = list(dict.fromkeys(labels[k] for k in close))
    items = [html.Li(html.A(inds.loc[p, "name"], href=f"/indicator/{p}")) for p in picks]
    return html.Div(
        [
            html.H1(_("Indicator not found")),
            html.P(_("There is no indicator with the code “%(value)s” in this data release.", value=code[:60])),
            html.Div([html.P(_("Did you mean:")), html.Ul(items)]) if items else None,
            html.P(html.A(_("All indicators"), href="/indicators")),
        ],
        id="indicator-not-found",
    )
