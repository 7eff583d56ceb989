"""French and Spanish pages down to the widgets: every dropdown words its own controls in the page's language, the
publishers' English (source names, editions, licences, surveys) is marked English for screen readers, and the
delta view's sentences name the indicator and say why a change is not clear."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
from dash import dcc, html

from tests.conftest import components, find, texts

#: Every test here reads the synthetic dashboard release (published before the app is built).
pytestmark = pytest.mark.usefixtures("synthetic_release")

FRENCH_WORDS = {"select_all": "Tout sélectionner", "no_options_found": "Aucune option trouvée"}


def _layout(app, module: str, lang: str, **kwargs):
    page = importlib.import_module(f"dashboards.{module}")
    with app.server.test_request_context(f"/?lang={lang}"):
        return page.layout(**kwargs)


def _english_parts(tree) -> list[str]:
    return [texts(c) for c in components(tree) if getattr(c, "lang", None) == "en"]


@pytest.mark.parametrize(
    ("module", "kwargs"),
    [("indicator", {"code": "child_labour_5_17"}), ("countries", {}), ("coverage", {}), ("progress", {})],
)
def test_the_dropdowns_of_french_pages_other_than_data_speak_french(app, module, kwargs):
    dropdowns = [c for c in components(_layout(app, module, "fr", **kwargs)) if isinstance(c, dcc.Dropdown)]
    assert dropdowns, f"no dropdown on {module}"
    for dropdown in dropdowns:
        labels = getattr(dropdown, "labels", None) or {}
        assert {key: labels.get(key) for key in FRENCH_WORDS} == FRENCH_WORDS, dropdown.id
        assert labels["selected_count"] == "{num_selected} sélectionnés"


def test_a_french_source_page_marks_the_publishers_name_english_and_an_english_page_adds_no_mark(app):
    french = find(_layout(app, "source", "fr", source_id="syn_survey"), "source-name")
    english = find(_layout(app, "source", "en", source_id="syn_survey"), "source-name")
    assert _english_parts(french) == ["Synthetic syn_survey"]
    assert english.children == "Synthetic syn_survey"


def test_the_licences_in_the_sources_table_of_french_data_page_are_marked_english(app):
    with app.server.test_request_context("/data?lang=fr"):
        from dashboards import data  # noqa: PLC0415 - page modules import after the app registered them

        marked = _english_parts(data.layout(lang="fr"))
    assert marked.count("synthetic") == 5  # one licence per source


def test_a_french_country_page_marks_the_source_names_of_its_cards_and_tables_english(app):
    tree = _layout(app, "country", "fr", iso3="KEN")
    cards = [c for c in components(tree) if str(getattr(c, "id", "")).startswith("country-card-")]
    cells = [c for c in components(tree) if isinstance(c, html.Td)]
    assert "Synthetic syn_survey" in [part for card in cards for part in _english_parts(card)]
    assert "Synthetic syn_survey" in [part for cell in cells for part in _english_parts(cell)]


def test_the_delta_view_names_an_indicator_without_a_series_by_its_name_not_its_code(app):
    from dashboards import _delta  # noqa: PLC0415

    with app.server.test_request_context("/?lang=fr"):
        said = texts(_delta.delta_section("KEN", "child_labour_5_17"))
    assert said.startswith("Aucune série pour Enfants astreints au travail (") and "child_labour" not in said


NOW = pd.Series({"value": 63e6, "year": 2020, "unit": "count"})
BEFORE = pd.Series({"value": 64e6, "year": 2016, "unit": "count"})
ROUNDED = {"precision": 1e6}
INTERVALS = ({"lower": 58e6, "upper": 68e6}, {"lower": 60e6, "upper": 69e6})


@pytest.mark.parametrize(
    ("lang", "rounding", "overlap"),
    [
        ("en", "no clear change (the difference is within the rounding", "no clear change (the published intervals"),
        ("fr", "pas de changement net (l'écart reste dans l'arrondi", "(les intervalles publiés des deux chiffres"),
        ("es", "sin cambio claro (la diferencia está dentro del redondeo", "(los intervalos publicados de las dos"),
    ],
)
def test_no_clear_change_says_whether_the_rounding_or_the_overlapping_intervals_make_it_so(
    app, lang, rounding, overlap
):
    from dashboards import _views  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        by_rounding = _views.change_sentence(
            pd.concat([NOW, pd.Series(ROUNDED)]), pd.concat([BEFORE, pd.Series(ROUNDED)]), "count", 0
        )
        by_intervals = _views.change_sentence(
            pd.concat([NOW, pd.Series(INTERVALS[0])]), pd.concat([BEFORE, pd.Series(INTERVALS[1])]), "count", 0
        )
    assert rounding in by_rounding and overlap not in by_rounding
    assert overlap in by_intervals and rounding not in by_intervals


def test_a_french_brief_marks_the_titles_and_licences_of_its_sources_english(app):
    sources = find(_layout(app, "brief", "fr", iso3="KEN"), "brief-sources")
    english = find(_layout(app, "brief", "en", iso3="KEN"), "brief-sources")
    assert {"Synthetic test data", "synthetic"} <= set(_english_parts(sources))
    assert isinstance(english.children, str) and "Test suite, Synthetic test data (synthetic)" in english.children
