"""Global overview `/`: headline global and regional estimates, a world map, and where the world stands."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, clientside_callback, dcc, html, no_update
from flask_babel import gettext as _

from dashboards import _cite, _data, _delta, _figures, _phrases, _progress, _series, _switcher, _views
from dashboards import _components as c
from warehouse import Release, ReleaseError
from warehouse.progress_text import written
from web import i18n, inputs
from web.i18n import N_

dash.register_page(
    __name__,
    path="/",
    title=N_("Delta 8.7 – progress toward SDG target 8.7"),
    name=N_("Global overview"),
    nav=N_("Overview"),
    order=0,
)

TARGET_TEXT = N_(
    "SDG target 8.7: “Take immediate and effective measures to eradicate forced labour, end modern slavery and human trafficking and secure the prohibition and elimination of the worst forms of child labour, including recruitment and use of child soldiers, and by 2025 end child labour in all its forms.”"
)
HEADLINES = ("child_labour_number", "hazardous_work_number", "modern_slavery_number", "detected_victims_number")
CHILD_LABOUR = ("child_labour_number", "hazardous_work_number")
SLAVERY = ("modern_slavery_number", "forced_labour_number", "forced_marriage_number")
REGIONAL = (("child_labour_number", "SDG_"), ("modern_slavery_per_1000", "ILO_"))
MAP_DEFAULTS = ("child_labour_5_17", "modern_slavery_prevalence_gsi2023", "modern_slavery_prevalence_gsi2018")


def layout(indicator: str | None = None, year: str | None = None, **_query):
    """The overview; `?indicator=&year=` choose the map (a copied link reopens the same map)."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return html.Div(
            [
                html.H1(_("Delta 8.7")),
                c.notice(_("No data release is available: %(exc)s", exc=exc), "warning"),
                map_controls([], None, [], None, None),
            ]
        )
    options = _views.map_indicator_options(release)
    values = [o["value"] for o in options]
    fallback = next((x for x in MAP_DEFAULTS if x in values), values[0] if values else None)
    code = indicator if indicator in values else fallback
    years = _views.year_options(release, code) if code else []
    chosen_year = year if year in [y["value"] for y in years] else "latest"
    estimates, standing = overview(release)
    return html.Div(
        [
            html.H1(_("Delta 8.7: where the world stands on SDG target 8.7"), className="h2"),
            html.P(_(TARGET_TEXT), className="lead fs-6"),
            estimates,
            html.H2(_("World map"), className="h4 mt-4", id="home-map-heading"),
            map_controls(options, code, years, chosen_year, first_map(release, code, chosen_year)),
            html.H2(_("Where the world stands against the targets"), className="h4 mt-4"),
            standing,
        ],
        id="home-page",
    )


@_data.memo
def overview(release: Release) -> tuple[html.Div, html.Div]:
    """The release's headline cards and charts, and the targets section (built once per release)."""
    codes = tuple(sorted({*HEADLINES, *SLAVERY, *(code for code, _skip in REGIONAL)}))
    world = _data.area_observations(release, (_data.WORLD,), codes)
    charts = [child_labour_chart(release, world), slavery_chart(release, world), trafficking_chart(release, world)]
    charts += [regional_chart(release, code_, prefix) for code_, prefix in REGIONAL]
    estimates = html.Div(
        [
            headline_cards(release, world),
            html.H2(_("Global and regional estimates"), className="h4 mt-4"),
            dbc.Row([dbc.Col(chart, lg=6) for chart in charts if chart is not None]),
        ]
    )
    return estimates, html.Div([targets(release, world), _delta.delta_section(_data.WORLD)])


def headline_cards(release: Release, world: pd.DataFrame) -> dbc.Row:
    """One card per headline estimate: latest world value, year, source and nature."""
    inds, sources = _data.indicators(release), _data.sources(release)
    cards = []
    for code in HEADLINES:
        row = _series.headline_row(world, code)
        if row is None:
            continue
        meta = inds.loc[code].to_dict() if code in inds.index else {"name": code}
        details = [
            _("World, %(when)s, %(age_text)s", when=c.when(row), age_text=c.age_text(row, meta.get("standard_age"))),
            _cite.english(c.source_short(sources, row)),
            c.nature_text(row["nature"]).split(" (")[0],
            c.explainer_link(meta.get("explainer")),
        ]
        value = c.value_text(row, row["unit"], meta.get("decimals"))
        cards.append(dbc.Col(c.stat(meta["name"], value, details, f"home-card-{code}"), xs=12, sm=6, lg=3))
    if not cards:
        return c.notice(_("No global headline estimates in this release."))
    return dbc.Row(cards, className="g-3", id="home-headlines")


def _names(release: Release) -> tuple[dict, dict]:
    inds, sources = _data.indicators(release), _data.sources(release)
    short = inds["short_name"].fillna("").where(inds["short_name"].fillna("") != "", inds["name"])
    return dict(zip(inds["code"], short, strict=True)), dict(zip(sources["id"], sources["title"], strict=True))


def child_labour_chart(release: Release, world: pd.DataFrame):
    """Child labour and hazardous work, world, every published year (one line per publication)."""
    names, titles = _names(release)
    frame = _series.labelled_series(world, list(CHILD_LABOUR), names, titles)
    if frame.empty:
        return c.notice(_("No global child labour estimates in this release."))
    unit = frame["unit"].iloc[0]
    figure = _figures.trend_figure(frame, _("Child labour and hazardous work, world"), c.unit_label(unit))
    return _views.figure_block(
        "home-child-labour",
        frame,
        figure,
        unit,
        _data.sources(release),
        _("Each line is one indicator and age band from one source; the table names the publication of each point."),
        page="/",
    )


def slavery_chart(release: Release, world: pd.DataFrame):
    """Modern slavery, forced labour and forced marriage, world, by year of estimate (2016, 2021)."""
    inds = _data.indicators(release)
    names = {code: (inds.loc[code, "short_name"] or inds.loc[code, "name"]) for code in SLAVERY if code in inds.index}
    rows = _series.valued(world[world["indicator"].isin(SLAVERY) & (world["sex"] == "total")])
    rows = rows.sort_values(["indicator", "year", "source"]).groupby(["indicator", "year"]).head(1)
    if rows.empty:
        return c.notice(_("No global modern slavery estimates in this release."))
    order = {code: i for i, code in enumerate(SLAVERY)}
    rows = rows.assign(_o=rows["indicator"].map(order)).sort_values(["year", "_o"])
    frame = pd.DataFrame(
        {
            "category": rows["indicator"].map(names).to_numpy(),
            "group": rows["year"].astype(str).to_numpy(),
            "value": rows["value"].to_numpy(),
            "precision": rows["precision"].to_numpy(),
            "qualifier": rows["qualifier"].to_numpy(),
        }
    )
    unit = rows["unit"].iloc[0]
    figure = _figures.grouped_bar_figure(frame, _("Modern slavery, world, by year of estimate"), c.unit_label(unit))
    series = rows.assign(series=rows["indicator"].map(names))
    summary = " ".join(
        _phrases.labelled(f"{g['category']} {g['group']}", c.value_text(g, unit)) + "."
        for g in frame.to_dict("records")
    )
    return _views.figure_block("home-slavery", series, figure, unit, _data.sources(release), summary=summary, page="/")


def trafficking_chart(release: Release, world: pd.DataFrame):
    """Detected victims of trafficking, world, by year of detection."""
    names, titles = _names(release)
    frame = _series.labelled_series(world, ["detected_victims_number"], names, titles)
    if frame.empty:
        return c.notice(_("No global count of detected trafficking victims in this release."))
    unit = frame["unit"].iloc[0]
    figure = _figures.trend_figure(frame, _("Detected victims of trafficking, world"), c.unit_label(unit))
    # Each point comes from a different edition of the Global Report, with different country coverage, so the
    # points are shown unjoined (a line would suggest a comparable series).
    figure.update_traces(mode="markers", marker={"size": 10})
    return _views.figure_block(
        "home-trafficking",
        frame,
        figure,
        unit,
        _data.sources(release),
        _(
            "Detected victims reflect detection and reporting, not prevalence. Each point comes from a different edition of UNODC's Global Report, covering different countries, so the points are not joined."
        ),
        page="/",
    )


def regional_chart(release: Release, code: str, prefix: str):
    """The regional values of one headline indicator (SDG or ILO regions) for the latest year with every region."""
    rows = _data.aggregate_observations(release, (code,))
    rows = _series.dated(rows[rows["iso3"].str.startswith(prefix) & (rows["sex"] == "total")])
    if rows.empty:
        return None
    counts = rows.groupby("year")["iso3"].nunique()  # a year the source gives only some regions for is not ranked
    year = counts[counts == counts.max()].index.max()
    latest = rows[rows["year"] == year].sort_values("source").groupby("iso3").head(1)
    names, meta = _data.area_names(release), _data.indicator_meta(release, code) or {"name": code}
    frame = latest.assign(label=latest["iso3"].map(names).fillna(latest["iso3"]))
    unit = frame["unit"].iloc[0]
    title = _("%(short_name)s, by region, %(value)s", short_name=c.short_name(meta), value=int(frame["year"].iloc[0]))
    table = c.table(
        frame.assign(
            shown=[c.value_text(r, unit) for _skip, r in frame.iterrows()], edition=frame["edition"].map(_cite.english)
        ),
        [("label", _("Region")), ("shown", _("Value")), ("edition", _("Publication"))],
        title,
    )
    return c.chart(
        f"home-regions-{code.replace('_', '-')}",
        _figures.bar_figure(frame, title, c.unit_label(unit)),
        c.ranking_summary(frame, unit),
        c.source_note(frame, _data.sources(release), page="/"),
        table,
    )


def map_controls(options: list[dict], code: str | None, years: list[dict], year: str | None, drawn) -> html.Section:
    """Indicator and year pickers, the map and its table (`drawn`: the first view, see `_views.map_view`); always
    present so callbacks validate."""
    return html.Section(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Label(_("Indicator"), htmlFor="home-map-indicator", className="form-label"),
                            dbc.Select(id="home-map-indicator", options=options, value=code),
                        ],
                        md=8,
                    ),
                    dbc.Col(
                        [
                            html.Label(_("Year"), htmlFor="home-map-year", className="form-label"),
                            dbc.Select(id="home-map-year", options=years, value=year),
                        ],
                        md=4,
                    ),
                ],
                className="g-2 mb-2",
            ),
            dcc.Location(id="home-url", refresh=False),
            dcc.Location(id="home-nav", refresh="callback-nav"),
            c.live_chart("home-map", is_map=True, filled=drawn, lazy=True),  # below the estimates
            html.Div(id="home-live", className="visually-hidden", **{"aria-live": "polite", "role": "status"}),
        ],
        **{"aria-labelledby": "home-map-heading"},
    )


def first_map(release: Release, code: str | None, year: str) -> tuple | None:
    """The map the page opens on (figure, summary, note, table), drawn with the page rather than by a callback."""
    return _views.map_view(release, code, year, "home-map", page(code, year)) if code else None


def page(code: str, year: str) -> str:
    """The overview's address showing one map (cited under the map)."""
    return f"/?indicator={code}&year={year}"


def targets(release: Release, world: pd.DataFrame) -> html.Div:
    """Plain statements: each headline indicator's target (from its metadata) and its latest comparable change."""
    inds, now = _data.indicators(release), date.today().year
    items = []
    for code in ("child_labour_number", "modern_slavery_number", "forced_labour_number"):
        if code not in inds.index or pd.isna(inds.loc[code, "target_year"]):
            continue
        meta = inds.loc[code]
        row, previous = _views.latest_with_previous(world, code)
        if row is None:
            continue
        caution = _progress.caution(release, [code])
        target = (
            c.format_value(meta["target_value"], row["unit"], meta["decimals"])
            if pd.notna(meta["target_value"])
            else "–"
        )
        goal = {"target": target, "target_year": int(meta["target_year"])}
        items.append(
            html.Li(
                [
                    html.Strong(_("%(name)s: ", name=meta["name"])),
                    _("the target was %(target)s by %(target_year)s. Latest: ", **goal)
                    if goal["target_year"] < now
                    else _("target %(target)s by %(target_year)s. Latest: ", **goal),
                    _views.change_sentence(row, previous, row["unit"], meta["decimals"], caution),
                    ". " + _time_left(int(meta["target_year"]), row, meta, now),
                    " " + caution if caution else "",
                ]
            )
        )
    if not items:
        return c.notice(_("No targets are recorded for the headline indicators in this release."))
    return html.Div(
        [html.Ul(items, id="home-targets"), c.explainer_link("measuring-progress", _("How progress is measured"))]
    )


def _time_left(target_year: int, row: pd.Series, meta, now: int) -> str:
    """From the target year (`now`, the current year, on): how far the latest value is from the target, said of the
    year itself as "this year"; before it, the years left."""
    if target_year <= now:
        args = {"remain": c.value_text(row, row["unit"], meta["decimals"]), "when": c.when(row)}
        if target_year == now:
            return i18n.ngettext("Target year is this year: %(remain)s remain (%(when)s).",
                                 "Target year is this year: %(remain)s remain (%(when)s).", written(row["value"]), **args)  # fmt: skip
        return i18n.ngettext("Target year passed: %(remain)s remain (%(when)s).", "Target year passed: %(remain)s remain (%(when)s).",
                             written(row["value"]), **args)  # fmt: skip
    return i18n.ngettext("%(count)s year left before the target year.", "%(count)s years left before the target year.",
                         target_year - now, count=target_year - now)  # fmt: skip


@callback(
    Output("home-map-year", "options"),
    Output("home-map-year", "value"),
    Input("home-map-indicator", "value"),
    Input("home-map-year", "value"),
    prevent_initial_call=True,  # the layout draws the first view
)
def update_home_map_year(code, year):
    """Years available for the chosen indicator (keep the chosen year when it exists)."""
    release = _data.release()
    code = inputs.choice(code, "indicator", _data.indicators(release).index)
    year = _views.map_year(year)
    if not code:
        return [], None
    options = _views.year_options(release, code)
    return options, year if year in [o["value"] for o in options] else "latest"


@callback(
    Output("home-map", "figure"),
    Output("home-map-note", "children"),
    Output("home-map-summary", "children"),
    Output("home-map-table", "children"),
    Output("home-url", "search"),
    Output("home-live", "children"),
    Input("home-map-indicator", "value"),
    Input("home-map-year", "value"),
    prevent_initial_call=True,  # the layout draws the first view
)
def update_home_map(code, year):
    """Draw the map and its table for the chosen indicator and year; after a user's change, write it into the URL."""
    release = _data.release()
    code = inputs.choice(code, "indicator", _data.indicators(release).index)
    year = _views.map_year(year)
    if not code:
        empty = _figures.empty_figure(_("No indicator has country data in this release."))
        return empty, "", "", "", no_update, ""
    figure, summary, note, table = _views.map_view(release, code, year, "home-map", page(code, year))
    note, table = i18n.localize_links(note), i18n.localize_links(table)
    if not _views.user_triggered():  # first draw: leave the address as the user typed it
        return figure, note, summary, table, no_update, ""
    live = _("Map updated: %(text)s. %(summary)s", text=figure["layout"]["title"]["text"], summary=summary)
    return figure, note, summary, table, i18n.query(page(code, year)[1:]), live


@callback(Output("home-nav", "pathname"), Input("home-map", "clickData"), prevent_initial_call=True)
def update_home_nav(click):
    """A click on a country opens its dashboard."""
    iso3 = inputs.clicked_location(click, "clickData")
    return f"/country/{iso3}" if iso3 else no_update


# The language links keep the view this page wrote into its address.
clientside_callback(*_switcher.following(Input("home-url", "search")), prevent_initial_call=True)
