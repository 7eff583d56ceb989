"""Country pages: child labour survey points labelled with age band and source, ratification markers with dates."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from tests.conftest import find, render, texts

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


@pytest.mark.parametrize(
    ("iso3", "said"),
    [  # UNICEF DW SL_TLF_CHLDEC (FJI 2021 16.7 'MICS 2021'; TUV 2020 4.0 'MICS 2019-20'); ILOSTAT sex_t 5-17:
        # cld_xchl FJI 2021 24.754, TUV 2020 22.743; sdg_b871 FJI 2021 25.579, TUV 2020 23.108
        ("FJI", "For 2021 (ages 5–17), UNICEF Data Warehouse gives 16.7% and ILOSTAT child labour statistics 24.8% "
                "and 25.6%: estimates of different sources, which can differ in definition and method; the sources "
                "do not explain the difference."),
        ("TUV", "For 2020 (ages 5–17), UNICEF Data Warehouse gives 4.0% and ILOSTAT child labour statistics 22.7% "
                "and 23.1%"),
    ],
)  # fmt: skip
def test_the_survey_chart_names_both_sources_of_different_figures_for_one_year(real_warehouse, app, iso3, said):
    assert said in texts(find(render(app, "country", iso3=iso3), "country-survey"))


def test_no_line_where_the_card_and_the_chart_agree(real_warehouse, app):
    # Turkmenistan 2016, ages 5-17: UNICEF 0.3, ILOSTAT cld_xchl 0.3 and sdg_b871 0.3 (to one decimal)
    assert find(render(app, "country", iso3="TKM"), "country-survey-differs") is None
    assert find(render(app, "country", iso3="FJI"), "country-survey-differs") is not None


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Pour 2021 (âges 5–17), UNICEF Data Warehouse donne 16,7"),
        ("es", "Para 2021 (edades 5–17), UNICEF Data Warehouse da 16,7"),
    ],
)
def test_the_different_figures_line_in_french_and_spanish(real_warehouse, app, lang, said):
    from dashboards import country  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context(f"/country/FJI?lang={lang}"):
        line = find(country.layout(iso3="FJI"), "country-survey-differs")
    assert " ".join(texts(line).split()).startswith(said)
    marked = [(part.children, part.lang) for part in line.children if not isinstance(part, str)]
    assert ("UNICEF Data Warehouse", "en") in marked  # the publisher's own name; ILOSTAT's is ours, translated


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
