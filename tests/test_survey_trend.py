"""Country pages: child labour survey points labelled with age band and source, ratification markers with dates."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from dash import html

from tests.conftest import components, find, render, texts

pytestmark = pytest.mark.realdata


def test_the_country_chart_labels_survey_points_and_draws_dated_ratifications(real_warehouse, app):
    with app.server.test_request_context("/"):
        tree = render(app, "country", iso3="BGD")
    graph = find(tree, "country-survey-trend")
    assert graph is not None
    figure = go.Figure(graph.figure)
    lines = {t.name: list(zip(t.x, t.y, strict=True)) for t in figure.data}
    cld = lines["Child labour (ILOSTAT) · ages 5–17"]  # the indicator's short name, not ILOSTAT's code CLD_XCHL
    assert [year for year, _ in cld] == [2013, 2019, 2022]  # survey years, as published
    assert all(" · ages " in name and "ILOSTAT" in name for name in lines)  # age band and source on every line
    assert "Child labour 8.7.1 incl. chores (ILOSTAT) · ages 5–17" in lines
    labels = [a.text for a in figure.layout.annotations]
    assert "C182 12 Mar 2001" in labels  # Bangladesh ratified C182 on 12 March 2001 (HTI)
    assert any(shape.x0 == 2001 for shape in figure.layout.shapes)
    words = texts(tree)
    assert "ILO C182 Worst Forms of Child Labour (1999): ratified on 12 March 2001, status " in words
    assert "Progress (ILOSTAT, ages 5–17, target year passed): Target year 2025 passed" in words


@pytest.mark.parametrize(("lang", "series", "day"), [("fr", "Travail des enfants (ILOSTAT) · âges 5–17", "C182 12 mars 2001"),
                                                     ("es", "Trabajo infantil (ILOSTAT) · edades 5–17", "C182 12 mar 2001")])  # fmt: skip
def test_the_survey_chart_names_its_series_and_ratification_days_in_the_readers_language(real_warehouse, app, lang,
                                                                                         series, day):  # fmt: skip
    from dashboards import country  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context(f"/country/BGD?lang={lang}"):
        figure = go.Figure(find(country.layout(iso3="BGD"), "country-survey-trend").figure)
    assert series in {t.name for t in figure.data}
    assert day in [a.text for a in figure.layout.annotations]  # not ISO's 2001-03-12


#: The latest-values table's three child labour rows of Fiji for 2021, ages 5-17, and its Source column for them.
FIJI_SOURCES = ["UNICEF Data Warehouse", "ILOSTAT CLD_XCHL_SEX_AGE_RT (2024/25 vintage)",
                "ILOSTAT SDG_B871_SEX_AGE_RT (2024/25 vintage)"]  # fmt: skip


def test_the_latest_values_table_names_each_series_where_one_source_gives_two(real_warehouse, app):
    table = find(render(app, "country", iso3="FJI"), "country-child-labour-latest")
    rows = [[texts(cell) for cell in row.children] for row in components(table) if isinstance(row, html.Tr)]
    fiji = [(row[1], row[2], row[4], row[5]) for row in rows[1:4]]  # value, year, sex and age, source
    assert fiji == [(value, "2021", "total, ages 5–17", source)
                    for value, source in zip(("16.7%", "24.8%", "25.6%"), FIJI_SOURCES, strict=True)]  # fmt: skip


@pytest.mark.parametrize(
    ("iso3", "said"),
    [  # UNICEF DW SL_TLF_CHLDEC (FJI 2021 16.7 'MICS 2021'; TUV 2020 4.0 'MICS 2019-20'); ILOSTAT sex_t 5-17:
        # cld_xchl FJI 2021 24.754, TUV 2020 22.743; sdg_b871 FJI 2021 25.579, TUV 2020 23.108
        ("FJI", "For 2021 (ages 5–17), UNICEF Data Warehouse gives 16.7%, ILOSTAT CLD_XCHL_SEX_AGE_RT (2024/25 vintage) "
                "24.8%, and ILOSTAT SDG_B871_SEX_AGE_RT (2024/25 vintage) 25.6%: estimates of different sources or "
                "series, which can differ in definition and method; the sources do not explain the difference."),
        ("TUV", "For 2020 (ages 5–17), UNICEF Data Warehouse gives 4.0%, ILOSTAT CLD_XCHL_SEX_AGE_RT (2024/25 vintage) "
                "22.7%, and ILOSTAT SDG_B871_SEX_AGE_RT (2024/25 vintage) 23.1%"),
        # UN SDG SL_TLF_CHLDEA PER 2015 13.3, ILOSTAT sdg_0871 2015 12.2; BGD 2022 cld_xchl 7.7, sdg_b871 8.1
        ("PER", "For 2015 (ages 5–17), UNICEF Data Warehouse gives 14.5%, UN Global SDG Indicators Database 13.3%, and "
                "ILOSTAT SDG_0871_SEX_AGE_RT (2024/25 vintage) 12.2%"),
        ("BGD", "For 2022 (ages 5–17), ILOSTAT CLD_XCHL_SEX_AGE_RT (2024/25 vintage) gives 7.7% and ILOSTAT "
                "SDG_B871_SEX_AGE_RT (2024/25 vintage) 8.1%"),
    ],
)  # fmt: skip
def test_the_latest_values_table_says_where_its_rows_give_different_figures_for_one_year(real_warehouse, app, iso3,
                                                                                        said):  # fmt: skip
    assert said in texts(find(render(app, "country", iso3=iso3), "country-child-labour-differs"))


def test_different_figures_are_said_of_child_labour_estimates_not_of_a_total_beside_single_forms(real_warehouse, app):
    tree = render(app, "country", iso3="ALB")  # 2010, ages 5-17: UN SDG SL_TLF_CHLDEA 2.8, ILOSTAT sdg_0871 6.9
    assert texts(find(tree, "country-child-labour-differs")).startswith("For 2010 (ages 5–17), UN Global SDG")
    # 2021, GLOTIP: 159 detected victims in all, 59 and 16 for single forms of exploitation: not one measure
    assert texts(find(tree, "country-trafficking-differs")).strip() == ""


def test_the_brief_says_where_its_latest_values_give_different_figures(real_warehouse, app):
    said = texts(find(render(app, "brief", iso3="FJI"), "brief-pillar-child-labour"))
    assert "For 2021 (ages 5–17), UNICEF Data Warehouse gives 16.7% and ILOSTAT child labour statistics 24.8%" in said


def test_the_survey_chart_says_only_the_different_figures_the_table_does_not(real_warehouse, app):
    # Bangladesh 2019, ages 5-17: UNICEF 6.8 (the card), ILOSTAT cld_xchl 5.9 (its latest is 2022, in the table)
    said = texts(find(render(app, "country", iso3="BGD"), "country-survey-differs"))
    assert said.startswith("For 2019 (ages 5–17), UNICEF Data Warehouse gives 6.8% and ILOSTAT CLD_XCHL_SEX_AGE_RT")
    # Turkmenistan 2016: UNICEF 0.3, ILOSTAT 0.3 and 0.3 (to one decimal); Fiji: all three in the table, said there
    assert find(render(app, "country", iso3="TKM"), "country-survey-differs") is None
    assert find(render(app, "country", iso3="FJI"), "country-survey-differs") is None


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Pour 2021 (âges 5–17), UNICEF Data Warehouse donne 16,7 %, ILOSTAT CLD_XCHL_SEX_AGE_RT (2024/25 "
               "vintage) 24,8 % et ILOSTAT SDG_B871_SEX_AGE_RT (2024/25 vintage) 25,6 % : estimations de sources ou "
               "de séries différentes"),
        ("es", "Para 2021 (edades 5–17), UNICEF Data Warehouse da 16,7 %, ILOSTAT CLD_XCHL_SEX_AGE_RT (2024/25 "
               "vintage) 24,8 % y ILOSTAT SDG_B871_SEX_AGE_RT (2024/25 vintage) 25,6 %: estimaciones de fuentes o "
               "series distintas"),
    ],
)  # fmt: skip
def test_the_different_figures_line_in_french_and_spanish(real_warehouse, app, lang, said):
    from dashboards import country  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context(f"/country/FJI?lang={lang}"):
        line = find(country.layout(iso3="FJI"), "country-child-labour-differs").children[0]
    assert " ".join(texts(line).replace("\u00a0", " ").replace("\u202f", " ").split()).startswith(said)
    marked = [part.children for part in line.children if not isinstance(part, str) and part.lang == "en"]
    assert marked == FIJI_SOURCES  # the publishers' own names, read as English


#: The ratification labels of the survey chart that overlap another or pass its edges: their texts.
CLASHING = """const g = document.querySelector('#country-survey-trend .js-plotly-plot'), box = g.getBoundingClientRect();
const r = [...g.querySelectorAll('.annotation')].map(a => [a.textContent, a.getBoundingClientRect()]);
return r.filter(([t, a]) => a.left < box.left - 1 || a.right > box.right + 1 || r.some(([u, b]) => u !== t &&
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)).map(([t]) => t)"""


@pytest.mark.parametrize(("width", "lang"), [(390, "en"), (1366, "en"), (390, "fr"), (390, "es")])
def test_ratification_labels_of_close_dates_do_not_overlap(dash_duo, real_warehouse, app, width, lang):
    # Armenia: Palermo 2003, C029 2004, CRC-OPAC 2005, C182 and C138 2006, on one chart
    from tests.test_browser_pages import graphs_drawn, visit  # noqa: PLC0415

    dash_duo.start_server(app)
    dash_duo.driver.set_window_size(width, 900)
    visit(dash_duo, f"/country/ARM?lang={lang}", "#country-survey")
    graphs_drawn(dash_duo, 30)
    assert len(dash_duo.find_elements("#country-survey-trend .annotation")) == 5
    assert dash_duo.driver.execute_script(CLASHING) == []
