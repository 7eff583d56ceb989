"""The progress overview `/progress` on the real release: statuses per country, filters, URL state, browser."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from etl import progress as pg
from tests.conftest import find, hrefs, render, texts
from tests.test_browser_pages import graphs_drawn, serious_violations, visit

pytestmark = pytest.mark.realdata


def test_the_default_view_maps_and_lists_every_country_with_a_child_labour_status(real_warehouse, app):
    from dashboards import progress  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context("/"):
        tree = render(app, "progress")
        assert find(tree, "progress-indicator").value == "child_labour_ilostat"
        figure, _note, _summary, _pointer, rows, summary, search = progress.update_view(
            "child_labour_ilostat", "", "", ""
        )
    assessed = [r for r in rows if r["status"] not in (pg.INSUFFICIENT, pg.NOT_ASSESSED)]
    assert len(assessed) >= 40 and all(r["points"] >= 2 for r in assessed)
    bgd = next(r for r in rows if r["iso3"] == "BGD")
    assert (bgd["baseline_year"], bgd["latest_year"], bgd["latest_value"]) == (2013, 2022, 7.7)
    mapped = {loc for trace in go.Figure(figure).data for loc in trace.locations}
    assert mapped == {r["iso3"] for r in rows}
    assert f"{len(assessed)} {pg.TARGET_PASSED}" in summary and search == "?indicator=child_labour_ilostat"


def test_the_status_map_names_its_source_and_age_band_as_a_reader_would(real_warehouse, app):
    from dashboards import progress  # noqa: PLC0415

    with app.server.test_request_context("/"):
        _figure, note, *_rest = progress.update_view("child_labour_ilostat", "", "", "")
    line = texts(note)
    assert "ilostat_child_labour" not in line and "ILOSTAT child labour statistics" in line
    assert "ages 5–17" in line and "5-17" not in line
    assert "/sources/ilostat_child_labour" in hrefs(note) and "Cite this chart" in line


def test_once_the_target_year_has_passed_the_map_tells_falling_from_rising_countries(real_warehouse, app):
    from dashboards import progress  # noqa: PLC0415

    with app.server.test_request_context("/"):
        figure, *_, rows, _summary, _search = progress.update_view("child_labour_ilostat", "", "", "")
    legend = {trace.name: set(trace.locations) for trace in go.Figure(figure).data}
    passed = [r for r in rows if r["status"] == pg.TARGET_PASSED]
    for trend in ("falling", "rising"):
        named = {r["iso3"] for r in passed if r["trend"] == trend}
        assert legend[f"{pg.TARGET_PASSED}, {trend} ({len(named)})"] == named and named


def test_the_table_writes_values_with_the_indicators_decimals_in_the_readers_language(real_warehouse, app):
    from dashboards import progress  # noqa: PLC0415

    with app.server.test_request_context("/progress?lang=fr"):
        table = find(progress.layout(), "progress-table")
        counts = {c["id"]: c.get("format") for c in progress.update_columns("child_labour_number")}
    formats = {c["id"]: c.get("format") for c in table.columns}
    assert formats["latest_value"].to_plotly_json()["specifier"] == ",.1f"  # 15.0, not 15 (ILOSTAT: 1 decimal)
    assert counts["latest_value"].to_plotly_json()["specifier"] == ",.0f"
    assert table.locale_format["decimal"] == ","
    assert {r["age"] for r in table.data} == {"5–17"}


def test_filters_narrow_the_countries_and_go_into_the_url(real_warehouse, app):
    from dashboards import _data, progress  # noqa: PLC0415

    with app.server.test_request_context("/"):
        countries = _data.countries(_data.release())
        *_, everyone, _s, _q = progress.update_view("child_labour_ilostat", "", "", "")
        low = countries.loc["ETH", "income_group"]
        *_, rows, _s, search = progress.update_view("child_labour_ilostat", "", low, "")
        restored = render(app, "progress", indicator="child_labour_ilostat", income=low)
    assert 0 < len(rows) < len(everyone)
    assert {countries.loc[r["iso3"], "income_group"] for r in rows} == {low}
    assert search == f"?indicator=child_labour_ilostat&income={low}"
    assert find(restored, "progress-income").value == low


def test_unknown_url_values_fall_back_to_the_defaults(real_warehouse, app):
    with app.server.test_request_context("/"):
        tree = render(app, "progress", indicator="<script>", region="nowhere")
    assert find(tree, "progress-indicator").value == "child_labour_ilostat"
    assert find(tree, "progress-region").value == ""


@pytest.mark.browser
def test_progress_page_renders_map_and_table_in_chromium_and_its_url_restores_filters(dash_duo, real_warehouse, app):
    from dashboards import _data  # noqa: PLC0415

    dash_duo.start_server(app)
    visit(dash_duo, "/progress", "#progress-map .geo")
    assert graphs_drawn(dash_duo) >= 1
    dash_duo.wait_for_element("#progress-table td", timeout=20)
    assert "target year passed" in dash_duo.find_element("#progress-table").text
    assert "indicator=child_labour_ilostat" in dash_duo.driver.current_url
    with app.server.test_request_context("/"):
        low = _data.countries(_data.release()).loc["ETH", "income_group"]
    dash_duo.driver.get(f"{dash_duo.server_url}/progress?indicator=child_labour_ilostat&income={low}")
    dash_duo.wait_for_element("#progress-table td", timeout=20)
    dash_duo.wait_for_contains_text("#progress-table", "Ethiopia", 20)
    assert "Bangladesh" not in dash_duo.find_element("#progress-table").text  # lower-middle income, filtered out
    assert f"income={low}" in dash_duo.driver.current_url
    assert serious_violations(dash_duo) == []
    assert dash_duo.get_logs() == []
