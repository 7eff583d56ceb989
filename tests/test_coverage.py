"""The data-gap matrix behind /coverage: pure builders, and the view on a SYNTHETIC release (no app needed)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import no_update

from dashboards import _coverage as coverage
from tests.conftest import find, render
from tests.delta_release import REFERENCE_YEAR, synthetic_tables


def countries(tables: dict) -> pd.DataFrame:
    """The three synthetic countries with data (the pure builders take whichever countries they are given)."""
    return pd.DataFrame(tables["countries"]).query("iso3 in ['AAA', 'BBB', 'CCC']")


# -- pure builders -----------------------------------------------------------------------------------------
def test_latest_cells_keep_the_latest_year_and_count_years_with_data():
    obs, _ = synthetic_tables()
    cells = coverage.latest_cells(obs).set_index(["iso3", "indicator"])
    assert cells.loc[("AAA", "child_labour_5_17"), "latest_year"] == 2019
    assert cells.loc[("AAA", "child_labour_5_17"), "years"] == 3
    assert cells.loc[("CCC", "modern_slavery_prevalence_gsi2018"), "nature"] == "modelled"
    assert cells.loc[("AAA", "trafficking_victims_detected"), "nature"] == "detected"


def test_age_bins_follow_the_legend():
    assert [coverage.age_bin(s) for s in (0, 3, 4, 6, 7, 10, 11, 40)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_matrix_has_every_country_and_indicator_and_marks_gaps():
    obs, tables = synthetic_tables()
    codes = coverage.coverage_codes(tables["indicators"])
    assert codes == [
        "child_labour_5_17",
        "child_labour_number",
        "modern_slavery_prevalence_gsi2018",
        "trafficking_victims_detected",
    ]  # SDG 8.7 themes only: no population, no ratification flag
    grid = coverage.matrix(coverage.latest_cells(obs), countries(tables), codes, REFERENCE_YEAR)
    assert len(grid) == 3 * 4
    beta = grid.set_index(["iso3", "indicator"]).loc[("BBB", "child_labour_5_17")]
    assert beta["since"] == REFERENCE_YEAR - 2012
    assert grid.set_index(["iso3", "indicator"]).loc[("CCC", "child_labour_5_17")].isna()["latest_year"]


def test_matrix_figure_colours_by_age_or_nature_and_carries_the_iso3_for_click_through():
    obs, tables = synthetic_tables()
    codes = coverage.coverage_codes(tables["indicators"])
    grid = coverage.matrix(coverage.latest_cells(obs), countries(tables), codes, REFERENCE_YEAR)
    by_age = coverage.matrix_figure(grid, {}, "age").data[0]
    assert list(by_age.y) == ["Synthetic Alpha", "Synthetic Beta", "Synthetic Gamma"]
    assert by_age.z[0][0] == 2  # Alpha's child labour: 2019, seven years before 2026 -> "7–10 years"
    assert by_age.z[1][0] == 3  # Beta's: 2012, fourteen years -> "over 10 years"
    assert pd.isna(by_age.z[2][0])  # Gamma has none: a grey gap
    by_nature = coverage.matrix_figure(grid, {}, "nature").data[0]
    assert by_nature.z[2][2] == 2  # Gamma's GSI prevalence is modelled
    assert by_nature.customdata[1][0] == "BBB"
    assert list(by_nature.colorbar.ticktext) == ["measured", "estimated", "modelled", "detected", "reported"]


def test_matrix_names_each_row_beside_it_in_one_text_and_escapes_nothing_into_markup():
    obs, tables = synthetic_tables()
    codes = coverage.coverage_codes(tables["indicators"])
    found = countries(tables).assign(name=["Synthetic Alpha", "Bosnia & <Beta>", "Synthetic Gamma"])
    grid = coverage.matrix(coverage.latest_cells(obs), found, codes, REFERENCE_YEAR)
    figure = coverage.matrix_figure(grid, {}, "age")
    names = figure.layout.annotations[0]
    assert names.text.split("<br>") == ["Bosnia &amp; &lt;Beta&gt;", "Synthetic Alpha", "Synthetic Gamma"]
    assert list(figure.data[0].y) == ["Bosnia & <Beta>", "Synthetic Alpha", "Synthetic Gamma"]  # hover names
    margin = figure.layout.margin
    rows = figure.layout.height - margin.t - margin.b  # one line of the names per row, as tall as the row
    assert rows == pytest.approx(3 * 1.3 * figure.layout.font.size)
    assert figure.layout.yaxis.showticklabels is False


def test_table_alternative_has_one_row_per_country_with_text_cells():
    obs, tables = synthetic_tables()
    codes = coverage.coverage_codes(tables["indicators"])
    grid = coverage.matrix(coverage.latest_cells(obs), countries(tables), codes, REFERENCE_YEAR)
    rows = coverage.table_rows(grid)
    assert rows.set_index("iso3").loc["AAA", "child_labour_5_17"] == "2019 · measured"
    assert rows.set_index("iso3").loc["CCC", "child_labour_5_17"] == "–"
    markdown = coverage.table_markdown(rows, [("name", "Country"), ("child_labour_5_17", "Child labour 5-17")])
    assert markdown.splitlines() == [
        "| Country | Child labour 5-17 |",
        "|---|---|",
        "| [Synthetic Alpha](/country/AAA) | 2019 · measured |",
        "| [Synthetic Beta](/country/BBB) | 2012 · measured |",
        "| [Synthetic Gamma](/country/CCC) | – |",
    ]


def test_names_in_the_table_are_text_not_markdown():
    rows = pd.DataFrame([{"iso3": "XXX", "name": "A|B [x](javascript:y) *z*", "c": "<b>"}])
    line = coverage.table_markdown(rows, [("name", "Country"), ("c", "C")]).splitlines()[-1]
    assert line == r"| [A\|B \[x\](javascript:y) \*z\*](/country/XXX) | \<b\> |"


# -- the page on a synthetic release -----------------------------------------------------------------------
def test_matrix_view_filters_by_region(delta_release, warehouse_root):
    from warehouse import Releases  # noqa: PLC0415

    release = Releases(warehouse_root).current()
    figure, _table, summary = coverage.matrix_view(release, "SDG_LAC", "age")
    figure = go.Figure(figure)
    assert list(figure.data[0].y) == ["Synthetic Beta", "Synthetic Gamma"]
    # The world-only child labour number is no column, and the territory without data is no row.
    assert (
        summary == "2 countries × 3 indicators; 2 cells have data; 0 countries have no data on any of these indicators."
    )
    _figure, _table, everyone = coverage.matrix_view(release, "", "nature")
    assert everyone.startswith("3 countries × 3 indicators; 5 cells have data")


def test_a_clicked_cell_opens_its_country():
    assert coverage.country_href({"points": [{"customdata": "BBB"}]}) == "/country/BBB"
    assert coverage.country_href({"points": [{}]}) is None
    assert coverage.country_href({"points": [{"customdata": None}]}) is None
    assert coverage.country_href(None) is None


# -- the view in the URL -------------------------------------------------------------------------------------
def test_a_coverage_link_opens_the_region_and_colouring_it_names(delta_release, app):
    from dashboards import coverage as page  # noqa: PLC0415 - registered by the app

    tree = render(app, "coverage", region="SDG_LAC", colour="nature")
    assert (find(tree, "coverage-region").value, find(tree, "coverage-colour").value) == ("SDG_LAC", "nature")
    unknown = render(app, "coverage", region="<script>", colour="loud")
    assert (find(unknown, "coverage-region").value, find(unknown, "coverage-colour").value) == ("", "age")
    assert page.update_url("SDG_LAC", "nature", "") == "?region=SDG_LAC&colour=nature"
    assert page.update_url("", "age", "?region=SDG_LAC") == ""
    assert page.update_url("SDG_LAC", "age", "?region=SDG_LAC") is no_update
