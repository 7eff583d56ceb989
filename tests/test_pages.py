"""The dashboard pages without a browser: layouts build, numbers come from the release, callbacks, HTTP status.

Data: the SYNTHETIC release of tests/dashboard_release.py (values made up so they can be asserted exactly), and
the real warehouse built by the ETL where a test says so.
"""

from __future__ import annotations

import importlib
import threading
import time
from pathlib import Path

import dash
import plotly.graph_objects as go
import pytest

import app as app_module
from cli import warm
from tests.conftest import components, figure, find, render, texts

MY_PAGES = {  # module -> sample path/query arguments (the no-argument call is Dash's validation layout)
    "home": [{}, {"indicator": "child_labour_5_17", "year": "2018"}, {"indicator": "<script>", "year": "x"}],
    "countries": [{}],
    "country": [{}, {"iso3": "KEN"}, {"iso3": "ken"}, {"iso3": "TUV"}, {"iso3": "KEM"}, {"iso3": "x<1>'"}],
    "indicators": [{}],
    "indicator": [
        {},
        {"code": "child_labour_5_17"},
        {"code": "child_labour_5_17", "tab": "map", "year": "2018", "countries": "KEN,UGA,NOPE", "sex": "female"},
        {"code": "nope"},
    ],
    "themes": [{}],
    "theme": [{}, {"slug": "child-labour"}, {"slug": "rural-development"}, {"slug": "nope"}],
    "pathfinders": [{}],
    "not_found_404": [{}],
}


#: Every test here reads the synthetic dashboard release (published before the app is built), unless it says so.
pytestmark = pytest.mark.usefixtures("synthetic_release")


@pytest.fixture
def app(dashboard_app, synthetic_release):
    """The tests here only read: they share one app over the same synthetic release (`fresh_app` where not)."""
    return dashboard_app


@pytest.mark.parametrize(("module", "kwargs"), [(m, k) for m, ks in MY_PAGES.items() for k in ks])
def test_every_page_layout_builds_for_sample_arguments(app, module, kwargs):
    tree = render(app, module, **kwargs)
    assert texts(tree).strip()


def test_every_registered_page_builds_its_validation_layout(app):
    # Dash calls every page's layout() with no arguments on the first request (its validation layout), so a
    # page that fails here breaks the whole app; this covers the other helpers' pages too.
    failures = {}
    for registered in dash.page_registry.values():
        try:
            render(app, registered["module"].split(".")[-1])
        except Exception as exc:  # noqa: BLE001 - collect every failing page, then report them together
            failures[registered["module"]] = repr(exc)
    assert failures == {}


def test_country_dashboard_shows_latest_values_with_source_and_never_joins_age_bands(app):
    tree = render(app, "country", iso3="KEN")
    card = texts(find(tree, "country-card-child-labour"))
    assert "22.4%" in card and "2012" in card and "Synthetic syn_survey" in card and "measured" in card
    trend = figure(tree, "country-child-labour-trend")
    assert [t.name for t in trend.data] == ["ages 5–17"]  # the 2015 value for ages 5-14 is not joined
    assert list(trend.data[0].x) == [2000, 2009, 2012] and list(trend.data[0].y) == [32.5, 26.0, 22.4]
    assert trend.layout.xaxis.tickformat == "d"
    split = figure(tree, "country-child-labour-breakdown")
    assert {t.name for t in split.data} == {"Girls", "Boys"}  # ages 5-17: children
    assert list(next(t for t in split.data if t.name == "Girls").y) == [30.1, 24.0, 20.0]


@pytest.mark.parametrize(("lang", "by_sex"), [("en", " by sex, "), ("fr", " par sexe, "), ("es", " por sexo, ")])
def test_the_breakdown_title_names_what_it_splits_by_in_the_readers_language(app, lang, by_sex):
    page = importlib.import_module("dashboards.country")
    with app.server.test_request_context(f"/country/KEN?lang={lang}"):
        title = figure(page.layout(iso3="KEN"), "country-child-labour-breakdown").layout.title.text
    assert by_sex in title


def test_country_dashboard_compares_with_region_and_income_group_peers(app):
    tree = render(app, "country", iso3="KEN")
    peers = figure(tree, "country-forced-labour-peers").data[0]
    bars = dict(zip(peers.y, peers.x, strict=True))
    assert bars["Kenya"] == 2.7
    # app-computed: said to be an unweighted median, of how many of the group's countries
    assert bars["Sub-Saharan Africa: unweighted median of 3 of 3 countries"] == 5.9  # UGA 7.6, TZA 5.7, ETH 5.9
    assert bars["Lower-middle income: unweighted median of 2 of 2 countries"] == pytest.approx(5.9)  # TZA, IND


def test_country_dashboard_states_commitments_gaps_and_downloads(app):
    tree = render(app, "country", iso3="KEN")
    text = texts(tree)
    stale = "possibly out of date: the data are more than 5 years old"  # as of 2020, read in 2026 or later
    assert (
        f"ILO Forced Labour Convention, 1930 (No. 29) ratified (status as of 1 January 2020); {stale} 13 January 1964"
        in text
    )
    assert "ILO Abolition of Forced Labour Convention, 1957 (No. 105) no information in the sources" in text
    card = texts(find(tree, "country-card-commitments"))
    assert "4 ratified" in card and "1 “not ratified” older than 5 years, possibly out of date" in card
    assert "0 not ratified in current data" in card
    assert "Government response rating (GSI 2018): 42.5% (2018)." in text
    gaps = texts(find(tree, "country-gap-list"))
    # the headline (2012, ages 5-17) and the later survey of another band (2015, ages 5-14), said as such
    assert "No child labour survey data since 2012; a later value (2015) covers only ages 5–14 in Children aged" in gaps
    assert "No detected-victim count since 2020." in gaps
    assert "Kenya is an Alliance 8.7 pathfinder country (synthetic pathfinder)." in text
    assert find(tree, "country-download-csv").href == "/api/v1/observations?area=KEN&format=csv"
    assert find(tree, "country-commitments-freshness") is not None
    assert find(tree, "country-commitments") is not None
    assert "/learn/accountability-and-policy-tools" in str(tree.to_plotly_json())
    uganda = render(app, "country", iso3="UGA")
    # The status cell itself never says a bare "not ratified" for C182: ratification is universal since 2020.
    c182 = "ILO Worst Forms of Child Labour Convention, 1999 (No. 182) not ratified (status as of 17 October 2013);"
    assert f"{c182} every ILO member State has ratified it since 4 August 2020; {stale}" in texts(uganda)
    assert "0 not ratified in current data" in texts(find(uganda, "country-card-commitments"))


def test_country_chart_tables_come_with_the_page_unrendered_and_every_chart_keeps_its_source_line(app):
    from dash import html  # noqa: PLC0415

    tree = render(app, "country", iso3="KEN")
    charts = [n for n in components(tree) if isinstance(n, html.Figure) and "chart-block" in (n.className or "")]
    assert len(charts) >= 4
    for chart in charts:
        details = next(n for n in components(chart) if isinstance(n, html.Details) and "small" == n.className)
        summary, rows = details.children
        assert texts(summary) == "Show the data as a table"  # a <summary>: reachable by keyboard, opens the rows
        sent = rows.to_plotly_json()["props"]  # one string the browser renders when opened or printed
        assert "children" not in sent and "<table" not in str(sent) and '"Table"' in sent["data-deferred"]
        assert any(isinstance(n, html.Table) for n in components(rows))  # the page code still sees the table
        assert "Sources and notes" in texts(chart) and "Cite this chart" in texts(chart)
    trend = next(c for c in charts if find(c, "country-child-labour-trend") is not None)
    assert "ages 5–17 2012 22.4%" in texts(trend)


def test_sparse_country_says_what_is_missing(app):
    text = texts(render(app, "country", iso3="TUV"))
    assert "No data on child labour for Tuvalu in this release." in text
    assert "No modern slavery estimate for Tuvalu in this release." in text
    assert "Population" in text


def test_unknown_country_code_suggests_the_closest_names(app):
    tree = render(app, "country", iso3="KEM")
    assert "Country not found" in texts(tree)
    assert "Kenya (KEN)" in texts(find(tree, "country-suggestions"))
    assert "Tanzania (TZA)" in texts(find(render(app, "country", iso3="tanzan"), "country-suggestions"))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/country/KEN", 200),
        ("/country/ken", 200),
        ("/country/KEM", 404),
        ("/country/%3Cscript%3E", 404),
        ("/indicator/child_labour_5_17", 200),
        ("/indicator/nope", 404),
        ("/theme/trafficking", 200),
        ("/theme/nope", 404),
        ("/pathfinders", 200),
        ("/no/such/page", 404),
    ],
)
def test_first_get_has_the_right_http_status(fresh_app, path, status):
    response = fresh_app.server.test_client().get(path)
    assert response.status_code == status
    assert b"react-entry-point" in response.data  # the app still renders its friendly page


def test_concurrent_first_requests_all_wait_for_the_app_to_finish_setting_up(app, monkeypatch):
    """A worker's first requests arrive together (after a gunicorn recycle under load): none may reach a
    half-built callback map (it answered 400 "unknown callback" once in the reliability test)."""
    specs = app.server.test_client().get("/_dash-dependencies").get_json()
    body = warm.router_body(next(s for s in specs if warm.ROUTER in s["output"]), "/country/KEN")
    register = dash.Dash.callback

    def slow_register(self, *args, **kwargs):  # Dash's pages router sets its "done" flag, then registers itself
        time.sleep(0.3)
        return register(self, *args, **kwargs)

    monkeypatch.setattr(dash.Dash, "callback", slow_register)  # widen that window, should it still exist
    fresh = app_module.create_app()  # nothing served yet
    start = threading.Barrier(8)
    statuses = []

    def first_request():
        client = fresh.server.test_client()
        start.wait()
        statuses.append(client.post("/_dash-update-component", json=body).status_code)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 8


def test_overview_headlines_and_charts_come_from_the_release(app):
    tree = render(app, "home")
    card = texts(find(tree, "home-card-child_labour_number"))
    assert "160 million" in card and "World, 2020" in card
    trend = figure(tree, "home-child-labour")
    assert [t.name for t in trend.data] == ["Children in child labour", "Children in hazardous work"]  # short names
    assert list(trend.data[0].y) == [250e6, 210e6, 170e6, 150e6, 160e6]
    slavery = figure(tree, "home-slavery")
    assert [t.name for t in slavery.data] == ["2016", "2021"] and list(slavery.data[1].y) == [50e6, 28e6, 22e6]
    targets = texts(find(tree, "home-targets"))
    assert "160 million in 2020, up from 150 million in 2016 (same source and definition)" in targets


def test_map_callback_draws_the_chosen_year_and_the_latest_values(app):
    from dashboards import home  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context("/"):
        figure, _note, summary, _table, search, _live = home.update_home_map("child_labour_5_17", "2018")
        figure = go.Figure(figure)
        values = dict(zip(figure.data[0].locations, figure.data[0].z, strict=True))
        assert values == {"BRA": 5.0, "ETH": 41.0, "IND": 6.0, "TZA": 25.0, "UGA": 18.0}
        assert summary.startswith("5 countries with data. 5 values. Highest: Ethiopia (41%)")
        assert search is dash.no_update  # a direct call is not a user's change
        latest, *_ = home.update_home_map("child_labour_5_17", "latest")
        latest = go.Figure(latest)
        assert dict(zip(latest.data[0].locations, latest.data[0].z, strict=True))["KEN"] == 22.4
        assert home.update_home_nav({"points": [{"location": "KEN"}]}) == "/country/KEN"
        assert home.update_home_nav(None) is dash.no_update


def test_overview_map_table_comes_with_the_map_unrendered_and_both_cite_the_page(app):
    from dashboards import home  # noqa: PLC0415 - registered by create_app

    tree = render(app, "home", indicator="population", year="2022")
    assert texts(find(tree, "home-map-table-open")) == "Show the data as a table"  # a <summary>: keyboard-reachable
    rows = find(tree, "home-map-table-rows")
    sent = rows.to_plotly_json()["props"]  # one string the browser renders when the table is opened or printed
    assert "children" not in sent and "Ethiopia" in sent["data-deferred"]
    assert "Ethiopia 12 million 2022 all ages – Synthetic syn_context" in texts(rows)  # the source by its name
    assert {"/country/ETH", "/sources/syn_context"} <= {c.href for c in components(rows) if getattr(c, "href", None)}
    assert cites(find(tree, "home-map-note")) == ["http://localhost/?indicator=population&year=2022"]
    with app.server.test_request_context("/?lang=fr"):
        _figure, note, _summary, table, _search, _live = home.update_home_map("child_labour_5_17", "2018")
    assert cites(note) == ["http://localhost/?indicator=child_labour_5_17&year=2018&lang=fr"]
    assert "Éthiopie 41 % 2018" in texts(table).replace("\u202f", " ").replace("\xa0", " ")
    assert "/country/ETH?lang=fr" in [c.href for c in components(table.children) if getattr(c, "href", None)]


def cites(tree) -> list[str]:
    """The page address each "Cite this chart" under `tree` names (its text's last word)."""
    found = [c for c in components(tree) if getattr(c, "className", "") == "cite-text small mb-1"]
    return [texts(c).split()[-1] for c in found]


def test_indicator_callback_compares_chosen_countries_and_keeps_the_view_in_the_query(app):
    from dashboards import _indicator, indicator  # noqa: PLC0415

    with app.server.test_request_context("/"):
        content, _search, _live = indicator.update_indicator_content(
            "chart", "latest", ["KEN", "UGA"], "total", "5-17", False, "child_labour_5_17"
        )
        chart = figure(content, "indicator-chart")
        assert {t.name: list(t.y) for t in chart.data} == {"Kenya": [32.5, 26.0, 22.4], "Uganda": [18.0]}
        table, *_ = indicator.update_indicator_content("table", "2018", [], "total", "5-17", False, "child_labour_5_17")
        assert "Ethiopia 2018 41%" in texts(table)
    view = _indicator.View(tab="chart", year="2018", areas=("KEN", "UGA"), sex="female", age="5-17", sources="all")
    assert view.search("total", "5-17", "map") == "?tab=chart&year=2018&countries=KEN,UGA&sex=female&sources=all"


def test_the_indicator_map_cites_the_page_that_shows_it(app):
    from dashboards import indicator  # noqa: PLC0415

    with app.server.test_request_context("/?lang=fr"):
        content, *_ = indicator.update_indicator_content("map", "2018", [], "total", "5-17", False, "child_labour_5_17")
    assert cites(content) == ["http://localhost/indicator/child_labour_5_17?year=2018&lang=fr"]


def test_indicator_page_opens_on_a_map_for_country_data_and_offers_no_map_for_global_only_data(app):
    from dashboards import indicator  # noqa: PLC0415

    national = render(app, "indicator", code="child_labour_5_17")
    assert find(national, "indicator-tab").data == "map" and not find(national, "indicator-tab-map").hidden
    world = render(app, "indicator", code="child_labour_number")
    assert find(world, "indicator-tab").data == "chart" and find(world, "indicator-tab-map").hidden
    with app.server.test_request_context("/"):
        chart, *_ = indicator.update_indicator_content("chart", "latest", [], "total", "5-17", False,
                                                       "child_labour_5_17")  # fmt: skip
        names = [t.name for t in figure(chart, "indicator-chart").data]
        assert {"Kenya", "Uganda"} <= set(names) and len(names) == len(set(names)) == 5  # pathfinders, one line each
        table, *_ = indicator.update_indicator_content("table", "latest", [], "total", "5-17", False,
                                                       "child_labour_number")  # fmt: skip
        assert "World" in texts(table)  # a global-only indicator's table lists the world and regions


def test_theme_facts_read_their_numbers_from_the_release(app):
    tree = render(app, "theme", slug="forced-labour")
    facts = texts(find(tree, "theme-facts"))
    assert "People in modern slavery worldwide, 2021 50 million" in facts  # label from the file, number from data
    assert figure(tree, "theme-chart").layout.title.text == "Forced labour and modern slavery: World"


def test_theme_chart_never_joins_world_detected_counts_from_different_report_editions(app):
    tree = render(app, "theme", slug="trafficking")
    assert {trace.mode for trace in figure(tree, "theme-chart").data} == {"markers"}  # 2018 and 2022: no line
    assert "so the points are not joined" in texts(tree)


def test_pathfinders_page_lists_flagged_countries_with_status_and_source(app):
    tree = render(app, "pathfinders")
    table = texts(find(tree, "pathfinders-table"))
    assert "Kenya synthetic pathfinder Sub-Saharan Africa" in table and "Uganda" in table and "Tanzania" not in table
    assert "Source:" in texts(find(tree, "pathfinders-source"))


# -- the real warehouse (built once per session by the ETL from ../shared/data) ----------------------------
@pytest.mark.realdata
def test_real_overview_shows_the_published_global_estimates(real_warehouse, app):
    tree = render(app, "home")
    card = texts(find(tree, "home-card-child_labour_number"))  # ILO & UNICEF (2025), for 2024: "nearly 138 million"
    assert "nearly 138 million" in card and "2024" in card and "ages 5–17" in card
    assert "49.6 million" in texts(find(tree, "home-card-modern_slavery_number"))  # ILO, Walk Free, IOM (2022)
    assert "69,627" in texts(find(tree, "home-card-detected_victims_number"))  # UNODC GLOTIP 2024, for 2022
    trend = figure(tree, "home-child-labour")
    first = next(t for t in trend.data if t.name.startswith("Children in child labour"))
    assert dict(zip(first.x, first.y, strict=True))[2000] == 246e6


@pytest.mark.realdata
def test_the_regional_chart_ranks_only_a_year_with_every_region(real_warehouse, app):
    chart = figure(render(app, "home"), "home-regions-child-labour-number")  # 2024: press gives 2 regions of 6
    assert chart.layout.title.text == "Children in child labour, by region, 2020" and len(chart.data[0].y) == 6


@pytest.mark.realdata
@pytest.mark.parametrize("iso3", ["NPL", "KEN", "BRA", "IND", "TUV", "XKX", "USA"])
def test_real_country_dashboards_build_with_sources_under_every_chart(real_warehouse, app, iso3):
    tree = render(app, "country", iso3=iso3)
    text = texts(tree)
    assert "Country not found" not in text and "Data gaps" in text
    graphs = [g for g in (find(tree, f"country-{p}-{k}") for p in ("child-labour", "forced-labour", "trafficking")
                          for k in ("trend", "peers", "breakdown")) if g is not None]  # fmt: skip
    assert text.count("Source:") >= len(graphs)
    assert all(go.Figure(g.figure).layout.title.text for g in graphs)


@pytest.mark.realdata
def test_real_theme_facts_all_resolve_in_the_release(real_warehouse, app):
    from dashboards import _data, _themes  # noqa: PLC0415

    with app.server.test_request_context("/"):
        release = _data.release()
        for theme in _themes.themes().values():
            obs = _data.area_observations(
                release, tuple({f.area for f in theme.facts}), tuple({f.indicator for f in theme.facts})
            )
            missing = [
                f.indicator for f in theme.facts if f not in [found for found, _ in _themes.fact_rows(theme.facts, obs)]
            ]
            assert missing == [], f"theme {theme.slug}: facts without an observation: {missing}"


def test_every_explainer_the_dashboards_link_to_exists():
    from dashboards import _pillars, _themes  # noqa: PLC0415

    learn = {path.stem for path in (Path(__file__).parent.parent / "content" / "learn").glob("*.md")}
    linked = {slug for theme in _themes.themes().values() for slug in theme.explainers}
    linked |= {pillar.explainer for pillar in _pillars.pillars()}
    linked |= {"ilo-conventions-and-ratification", "risk-factors-and-context", "data-gaps-and-comparability"}
    linked |= {"alliance-8-7-and-pathfinders", "measuring-progress"}
    assert sorted(linked - learn) == []


def test_a_broken_themes_file_is_rejected_naming_the_theme_and_field(tmp_path):
    from content import loader  # noqa: PLC0415

    bad = tmp_path / "themes.yaml"
    bad.write_text("- slug: child-labour\n  title: Child labour\n  summary: too short\n  indicators: []\n")
    with pytest.raises(loader.ContentError, match=r"theme child-labour: .*summary.*indicators"):
        loader.load_themes(bad)


def test_the_indicator_chart_of_detected_cases_says_a_higher_line_is_not_more_trafficking(app):
    from dashboards import indicator  # noqa: PLC0415

    with app.server.test_request_context("/"):
        chosen, *_ = indicator.update_indicator_content(
            "chart", "latest", ["KEN"], "total", "all ages", False, "trafficking_victims_detected"
        )
        default, *_ = indicator.update_indicator_content(
            "chart", "latest", [], "total", "all ages", False, "trafficking_victims_detected"
        )
        survey, *_ = indicator.update_indicator_content(
            "chart", "latest", [], "total", "5-17", False, "child_labour_5_17"
        )
    for detected in (texts(chosen), texts(default)):
        assert "a higher line does not mean more trafficking" in detected and "to compare" not in detected
    assert "add countries to see their series" in texts(default)
    assert "add countries to compare" in texts(survey) and "higher line" not in texts(survey)
