"""French and Spanish pages word what the data write in codes: age bands of the progress table, counts with the
locale's digit groups, instruments by their names, French dates ("1er janvier"); the catalogues compile cleanly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import find, texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("lang", "words"), [("en", "under 18"), ("fr", "moins de 18 ans"), ("es", "menores de 18 años")]
)
def test_the_progress_table_words_an_age_band_in_the_readers_language(real_warehouse, app, lang, words):
    from dashboards import _data  # noqa: PLC0415
    from dashboards import _progress as pr  # noqa: PLC0415

    with app.server.test_request_context(f"/progress?lang={lang}"):
        release = _data.release()
        rows = pr.all_progress(release)
        rows = rows[(rows["age"] == "under 18") & rows["baseline_year"].notna()].head(3).assign(name="Country")
        shown = {r["age"] for r in pr.table_records(release, rows, 0)}
    assert shown == {words}


@pytest.mark.realdata
@pytest.mark.parametrize(("lang", "cells"), [("en", r"\d,\d{3} cells have data"), ("fr", "\\d\u202f\\d{3} cellules")])
def test_the_coverage_summary_groups_the_digits_of_its_counts_as_the_locale_does(real_warehouse, app, lang, cells):
    from dashboards import _coverage, _data  # noqa: PLC0415

    with app.server.test_request_context(f"/coverage?lang={lang}"):
        _figure, _table, summary = _coverage.matrix_view(_data.release(), "", "age")
    assert re.search(cells, summary), summary


def test_spanish_counts_take_the_pages_digit_groups_and_the_singular_where_one(app):
    from dashboards import _coverage  # noqa: PLC0415

    with app.server.test_request_context("/coverage?lang=es"):
        small, large = _coverage.counts_text(1, 12, 1, 0), _coverage.counts_text(195, 12, 12345, 1)
    assert (
        small
        == "1 país × 12 indicadores; 1 celda tiene datos; 0 países no tienen datos sobre ninguno de estos indicadores."
    )
    assert "12.345 celdas" in large and large.endswith("; 1 país no tiene datos sobre ninguno de estos indicadores.")


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("lang", "named", "ratified"),
    [
        ("en", "CRC Protocol on children in armed conflict (2000): ratified in 2000, status as of: ", "C182 Worst"),
        (
            "es",
            "Protocolo de la CDN sobre niños en conflictos armados (2000): ratificación en 2000, situación: ",
            "C182 ",
        ),
        (
            "fr",
            "Protocole à la CDE sur les enfants dans les conflits armés (2000)\u00a0: ratification en 2000, ",
            "C182 ",
        ),
    ],
)
def test_the_survey_chart_names_the_instruments_and_nests_no_brackets(real_warehouse, app, lang, named, ratified):
    from dashboards import country  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context(f"/country/BGD?lang={lang}"):
        block = find(country.layout(iso3="BGD"), "country-survey")
    items = [texts(li) for li in block._traverse() if type(li).__name__ == "Li"]
    assert any(item.startswith(named) for item in items) and any(ratified in item for item in items)
    shown = texts(block)
    assert "CRC_OPAC" not in shown and "PALERMO" not in shown
    for item in items:
        depth = 0
        for char in item:
            depth += {"(": 1, ")": -1}.get(char, 0)
            assert depth <= 1, item


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_catalogue_passes_babels_checks_as_pybabel_compile_runs_them(lang):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    errors = [(message.id, str(error)) for message, found in catalogue.check() for error in found]
    assert errors == []


@pytest.mark.parametrize(
    ("lang", "first", "other"),
    [
        ("fr", "1er janvier 2026", "11 janvier 2026"),
        ("es", "1 de enero de 2026", "11 de enero de 2026"),
        ("en", "01 January 2026", "11 January 2026"),
    ],
)
def test_french_dates_write_the_first_of_the_month_as_an_ordinal(app, lang, first, other):
    from web import i18n  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        assert (i18n.day("2026-01-01"), i18n.day("2026-01-11")) == (first, other)
