"""The country page's data-gap sentences do not deny a later survey the page itself shows."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboards import _country
from dashboards._pillars import Country
from tests import factories as f
from tests.conftest import texts


def _shape(later_code: str, later_age: str = "15-17", years: tuple[int, ...] = (2022,)) -> Country:
    """Brazil's shape: the 8.7.1 headline for ages 5-17 in 2016, and a 2022 survey for ages 15-17 only (India's:
    a 2022 survey for ages 5-17 in another series)."""
    indicators = pd.DataFrame(
        [f.indicator("cl", sdg_indicator="8.7.1", pillar="child-labour", rank=1, standard_age="5-17"),
         f.indicator("cl_ilostat", sdg_indicator="8.7.1", pillar="child-labour", rank=9, standard_age="5-17"),
         f.indicator("employment", pillar="child-labour", rank=3)]
    )  # fmt: skip
    later = [{"indicator": later_code, "iso3": "BRA", "year": y, "value": 6.8, "age": later_age} for y in years]
    rows = f.observations(
        [{"indicator": "cl", "iso3": "BRA", "year": 2016, "value": 1.8, "survey": "PNADCCL 2016"}, *later]
    )
    obs = f.mark_frame(rows, indicators)
    return Country(None, "BRA", {"name": "Brazil"}, obs, indicators.set_index("code", drop=False), {}, {}, 2026)


def test_a_later_survey_of_another_band_in_another_series_of_the_same_sdg_indicator_is_said(app):
    with app.server.test_request_context("/"):
        gaps = _country.gap_statements(_shape("cl_ilostat"))
        assert (
            "No child labour survey data since 2016 (PNADCCL 2016); a later value (2022) covers ages 15–17 only."
            in gaps
        )
        other = _country.gap_statements(_shape("employment"))  # children in employment is not child labour
        assert "No child labour survey data since 2016 (PNADCCL 2016)." in other


def test_a_later_survey_of_the_same_band_in_another_series_is_the_latest_data_the_gap_sentence_gives(app):
    with app.server.test_request_context("/"):
        gaps = _country.gap_statements(_shape("cl_ilostat", later_age="5-17"))
        assert "Latest child labour survey data: 2022." in gaps, gaps
        two = _country.gap_statements(_shape("cl_ilostat", later_age="5-17", years=(2020, 2022)))
        assert "Child labour: one data point in its series, so no trend can be shown." not in two, two


def _two_bands() -> Country:
    """Egypt's shape: the 8.7.1 headline for ages 5-17 in 2021, and 2023 values for ages 12-14 and 15-17."""
    indicators = pd.DataFrame(
        [f.indicator("cl", sdg_indicator="8.7.1", pillar="child-labour", rank=1, standard_age="5-17"),
         f.indicator("cl_ilostat", sdg_indicator="8.7.1", pillar="child-labour", rank=9, standard_age="5-17")]
    )  # fmt: skip
    later = [{"indicator": "cl_ilostat", "iso3": "EGY", "year": 2023, "value": v, "age": a} for a, v in
             (("15-17", 22.2), ("12-14", 15.0))]  # fmt: skip
    rows = f.observations(
        [{"indicator": "cl", "iso3": "EGY", "year": 2021, "value": 3.6, "survey": "EFHS 2021"}, *later]
    )
    return Country(None, "EGY", {"name": "Egypt"}, f.mark_frame(rows, indicators),
                   indicators.set_index("code", drop=False), {}, {}, 2026)  # fmt: skip


def test_the_gap_sentence_names_every_age_band_the_later_values_cover(app):
    with app.server.test_request_context("/"):
        assert (
            "No child labour survey data since 2021 (EFHS 2021); a later value (2023) covers ages 12–14 and 15–17 only."
            in _country.gap_statements(_two_bands())
        )


def test_a_survey_named_in_a_french_gap_sentence_is_marked_english(app):
    with app.server.test_request_context("/?lang=fr"):
        sentence = _country.gap_statements(_two_bands())[0]
        assert "EFHS 2021" not in [part for part in sentence if isinstance(part, str)]
        assert [(part.children, part.lang) for part in sentence if not isinstance(part, str)] == [("EFHS 2021", "en")]
        assert "12–14 et 15–17" in texts(html.Li(sentence))
