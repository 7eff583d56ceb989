"""The country page's data-gap sentences do not deny a later survey the page itself shows."""

from __future__ import annotations

import pandas as pd
import pytest
from dash import html

from dashboards import _country
from dashboards._pillars import Country
from tests import factories as f
from tests.conftest import find, render, texts


def _made(iso3: str, name: str, rows: list[dict]) -> Country:
    """A country with the 8.7.1 headline indicator `cl`, ILOSTAT's `cl_ilostat` and `cl_b871` (with household chores)
    of the same SDG indicator and unit, and two other measures: WDI's children in employment and ILAB's working
    children."""
    indicators = pd.DataFrame(
        [f.indicator("cl", sdg_indicator="8.7.1", pillar="child-labour", rank=1, standard_age="5-17"),
         f.indicator("cl_ilostat", sdg_indicator="8.7.1", pillar="child-labour", rank=9, standard_age="5-17",
                     short_name="Child labour (ILOSTAT)"),
         f.indicator("cl_b871", sdg_indicator="8.7.1", pillar="child-labour", rank=10, standard_age="5-17",
                     short_name="Child labour 8.7.1 incl. chores (ILOSTAT)"),
         f.indicator("children_in_employment_7_14", pillar="child-labour", rank=3),
         f.indicator("working_children_ilab", pillar="child-labour", rank=4)]
    )  # fmt: skip
    obs = f.mark_frame(f.observations([{"iso3": iso3, **row} for row in rows]), indicators)
    return Country(None, iso3, {"name": name}, obs, indicators.set_index("code", drop=False), {}, {}, 2026)


def _shape(later_code: str, later_age: str = "15-17", years: tuple[int, ...] = (2022,)) -> Country:
    """Brazil's shape: the 8.7.1 headline for ages 5-17 in 2016, and a 2022 survey for ages 15-17 only (India's:
    a 2022 survey for ages 5-17 in another series)."""
    later = [{"indicator": later_code, "year": y, "value": 6.8, "age": later_age} for y in years]
    return _made("BRA", "Brazil", [{"indicator": "cl", "year": 2016, "value": 1.8, "survey": "PNADCCL 2016"}, *later])


def test_a_later_survey_of_another_band_in_another_series_of_the_same_sdg_indicator_is_said(app):
    with app.server.test_request_context("/"):
        gaps = _country.gap_statements(_shape("cl_ilostat"))
        assert (
            "No child labour survey data since 2016 (PNADCCL 2016); a later value (2022) covers only ages 15–17 in "
            "Child labour (ILOSTAT)." in gaps
        )
        other = _country.gap_statements(_shape("children_in_employment_7_14"))  # employment is not child labour
        assert "No child labour survey data since 2016 (PNADCCL 2016)." in other


def test_a_later_survey_of_the_same_band_in_another_series_is_the_latest_data_the_gap_sentence_gives(app):
    with app.server.test_request_context("/"):
        gaps = _country.gap_statements(_shape("cl_ilostat", later_age="5-17"))
        assert "Latest child labour survey data: 2022." in gaps, gaps
        two = _country.gap_statements(_shape("cl_ilostat", later_age="5-17", years=(2020, 2022)))
        assert "Child labour: one data point in its series, so no trend can be shown." not in two, two


def _employment_first(later_age: str, headline: dict | None = None) -> Country:
    """Kenya's shape: no 8.7.1 value, so children in employment (economic activity, not child labour) of 2009 for
    ages 7-14 (or `headline`, a row of ILAB's working children) heads the card; ILOSTAT's child labour series has a
    2022 value for `later_age`."""
    head = headline or {"indicator": "children_in_employment_7_14", "year": 2009, "age": "7-14"}
    rows = [{"value": 34.4, **head}]
    return _made("KEN", "Kenya", [*rows, {"indicator": "cl_ilostat", "year": 2022, "value": 4.4, "age": later_age}])


def test_a_later_child_labour_value_is_said_beside_a_children_in_employment_headline(app):
    with app.server.test_request_context("/"):
        assert _country.gap_statements(_employment_first("5-17"))[0] == "Latest child labour survey data: 2022."
        assert _country.gap_statements(_employment_first("15-17"))[0] == (  # the card's measure, not child labour
            "No survey data on children in employment since 2009; a later value (2022) covers only ages 15–17 in "
            "Child labour (ILOSTAT)."
        )


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fr", "Aucune donnée depuis 2009 (données d'enquête sur les enfants occupés)"),
     ("es", "Sin datos de encuestas sobre niños y niñas ocupados desde 2009")],
)  # fmt: skip
def test_a_children_in_employment_headline_is_named_as_such_in_french_and_spanish(app, lang, said):
    with app.server.test_request_context(f"/?lang={lang}"):
        assert said in texts(html.Li(_country.gap_statements(_employment_first("15-17"))[0]))


def test_a_child_labour_value_after_the_report_of_an_undated_headline_is_said(app):
    undated = {"indicator": "working_children_ilab", "year": None, "year_end": 2016, "age": "5-14",
               "period": "ILAB report 2016; survey year not published"}  # fmt: skip
    with app.server.test_request_context("/"):
        assert _country.gap_statements(_employment_first("15-17", undated))[0] == (
            "Latest survey data on working children: no survey year is published; the value refers to: ILAB report "
            "2016; survey year not published; a later value (2022) covers only ages 15–17 in Child labour (ILOSTAT)."
        )


def _two_bands() -> Country:
    """Egypt's shape: the 8.7.1 headline for ages 5-17 in 2021, and 2023 values for ages 12-14 and 15-17."""
    later = [
        {"indicator": "cl_ilostat", "year": 2023, "value": v, "age": a} for a, v in (("15-17", 22.2), ("12-14", 15.0))
    ]
    return _made("EGY", "Egypt", [{"indicator": "cl", "year": 2021, "value": 3.6, "survey": "EFHS 2021"}, *later])


def _ecuador(standard_year: int = 2025) -> Country:
    """Ecuador's shape: the headline from a series of economic activity only for ages 5-14 in 2016, and ILOSTAT
    values for ages 5-11, 12-14 and 15-17 in 2025 and for the standard band 5-17 in `standard_year`."""
    bands = [("5-11", 2025), ("12-14", 2025), ("15-17", 2025), ("5-17", standard_year)]
    later = [{"indicator": "cl_ilostat", "year": y, "value": 10.3, "age": a} for a, y in bands]
    return _made("ECU", "Ecuador", [{"indicator": "cl", "year": 2016, "value": 3.1, "age": "5-14"}, *later])


def test_a_later_value_for_ages_5_17_is_the_latest_child_labour_survey_data_whatever_band_the_headline_has(app):
    with app.server.test_request_context("/"):
        gaps = _country.gap_statements(_ecuador())
        assert gaps[0] == "Latest child labour survey data: 2025.", gaps


def test_the_only_clause_names_the_partial_bands_not_the_standard_one(app):
    with app.server.test_request_context("/"):
        gaps = _country.gap_statements(_ecuador(standard_year=2020))
        assert (
            gaps[0]
            == "No child labour survey data since 2020; later values (2025) cover only ages 5–11, 12–14, and 15–17 in "
            "Child labour (ILOSTAT)."
        )


def test_the_gap_sentence_names_every_age_band_the_later_values_cover(app):
    with app.server.test_request_context("/"):
        assert (
            "No child labour survey data since 2021 (EFHS 2021); later values (2023) cover only ages 12–14 and 15–17 "
            "in Child labour (ILOSTAT)." in _country.gap_statements(_two_bands())
        )


def _costa_rica(b871_bands: tuple[str, ...] = ("12-14", "15-17")) -> Country:
    """Costa Rica's shape: the 8.7.1 headline for ages 5-17 in 2018, and 2022 values of two ILOSTAT series of
    different definitions: child labour statistics for ages 15-17, SDG 8.7.1 with chores for `b871_bands`."""
    later = [{"indicator": "cl_ilostat", "year": 2022, "value": 0.4, "age": "15-17"}]
    later += [{"indicator": "cl_b871", "year": 2022, "value": 3.7, "age": age} for age in b871_bands]
    return _made("CRI", "Costa Rica", [{"indicator": "cl", "year": 2018, "value": 3.4, "survey": "MICS 2018"}, *later])


def test_later_bands_of_series_of_different_definitions_are_named_per_series(app):
    with app.server.test_request_context("/"):
        assert _country.gap_statements(_costa_rica())[0] == (
            "No child labour survey data since 2018 (MICS 2018); later values (2022) cover only ages 15–17 in "
            "Child labour (ILOSTAT) and ages 12–14 and 15–17 in Child labour 8.7.1 incl. chores (ILOSTAT)."
        )
        assert _country.gap_statements(_costa_rica(("15-17",)))[0] == (  # one band in each: two values, not one
            "No child labour survey data since 2018 (MICS 2018); later values (2022) cover only ages 15–17 in "
            "Child labour (ILOSTAT) and Child labour 8.7.1 incl. chores (ILOSTAT)."
        )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "des valeurs plus récentes (2022) ne couvrent que les âges 15–17 dans Child labour (ILOSTAT) et les "
               "âges 12–14 et 15–17 dans Child labour 8.7.1 incl. chores (ILOSTAT)."),
        ("es", "valores posteriores (2022) solo abarcan las edades 15–17 en Child labour (ILOSTAT) y las edades "
               "12–14 y 15–17 en Child labour 8.7.1 incl. chores (ILOSTAT)."),
    ],
)  # fmt: skip
def test_later_bands_named_per_series_in_french_and_spanish(app, lang, said):
    with app.server.test_request_context(f"/?lang={lang}"):
        assert said in texts(html.Li(_country.gap_statements(_costa_rica())[0]))


def test_a_survey_named_in_a_french_gap_sentence_is_marked_english(app):
    with app.server.test_request_context("/?lang=fr"):
        sentence = _country.gap_statements(_two_bands())[0]
        assert "EFHS 2021" not in [part for part in sentence if isinstance(part, str)]
        assert [(part.children, part.lang) for part in sentence if not isinstance(part, str)] == [("EFHS 2021", "en")]
        assert "12–14 et 15–17" in texts(html.Li(sentence))


@pytest.mark.parametrize(
    ("lang", "several", "one"),
    [
        ("fr", "des valeurs plus récentes (2023) ne couvrent que les âges 12–14 et 15–17 dans Child labour (ILOSTAT).",
         "une valeur plus récente (2022) ne couvre que les âges 15–17 dans Child labour (ILOSTAT)."),
        ("es", "valores posteriores (2023) solo abarcan las edades 12–14 y 15–17 en Child labour (ILOSTAT).",
         "un valor posterior (2022) solo abarca las edades 15–17 en Child labour (ILOSTAT)."),
    ],
)  # fmt: skip
def test_later_values_of_several_age_bands_are_said_in_the_plural_in_french_and_spanish(app, lang, several, one):
    with app.server.test_request_context(f"/?lang={lang}"):
        assert several in texts(html.Li(_country.gap_statements(_two_bands())[0]))
        assert one in texts(html.Li(_country.gap_statements(_shape("cl_ilostat"))[0]))


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("iso3", "said"),
    [  # the card heads with WDI children in employment, ages 7-14 (KEN 2009, ROU 2000, VEN 2013) or ILAB's working
        # children (MDV, report 2016); ILOSTAT's cells (sex_t): KEN 2022 5-17 4.393; ROU 2024 15-17 0.608; VEN 2017
        # 12-14 6.873 and 15-17 2.955; MDV 2019 15-17 cld_xchl 6.579 and sdg_b871 6.033
        ("KEN", "Latest child labour survey data: 2022."),
        ("ROU", "No survey data on children in employment since 2000; a later value (2024) covers only ages 15–17 in "
                "Child labour (ILOSTAT)."),
        ("VEN", "No survey data on children in employment since 2013; later values (2017) cover only ages 12–14 and "
                "15–17 in Child labour (ILOSTAT)."),
        ("MDV", "survey year not published; later values (2019) cover only ages 15–17 in Child labour (ILOSTAT) and "
                "Child labour 8.7.1 incl. chores (ILOSTAT)."),
    ],
)  # fmt: skip
def test_a_later_child_labour_value_is_said_whatever_measure_heads_the_card(real_warehouse, app, iso3, said):
    gaps = texts(find(render(app, "country", iso3=iso3), "country-gap-list"))
    assert said in gaps, gaps


@pytest.mark.realdata
def test_a_later_value_names_its_series_as_the_survey_chart_under_it_does(real_warehouse, app):
    # Angola: the card's 8.7.1 value is of DHS 2015-16; ILOSTAT's cld_xchl has ages 15-17 only (sex_t 2023: 4.448)
    tree = render(app, "country", iso3="AGO")
    gaps = texts(find(tree, "country-gap-list"))
    assert "a later value (2023) covers only ages 15–17 in Child labour (ILOSTAT)." in gaps, gaps
    assert "Child labour (ILOSTAT) · ages 15–17 2023 4.4" in texts(find(tree, "country-survey"))  # its table


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("iso3", "said"),
    [  # GLOTIP, both sexes, all ages: JAM's total of 2013 (5), its single forms later (forced labour 2019: 6);
        # GBR's total of 2020, sexual exploitation 2021; ETH: no victim count, persons prosecuted 2010 (136)
        ("JAM", "No detected-victim count since 2013."),
        ("GBR", "No detected-victim count since 2020."),
        ("ETH", "No count of persons prosecuted since 2010."),
    ],
)
def test_the_trafficking_gap_dates_the_newest_total_count_or_names_the_headlines_own_measure(
    real_warehouse, app, iso3, said
):
    gaps = texts(find(render(app, "country", iso3=iso3), "country-gap-list"))
    assert said in gaps, gaps
