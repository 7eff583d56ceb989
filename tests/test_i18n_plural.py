"""Numbers in words take the form their language gives the number as written: French "1,3 million" and
"2 millions", Spanish "1 millón" and "1,3 millones", English "1 value" and "2 values"."""

from __future__ import annotations

import pandas as pd
import pytest


def shown(app, lang: str, write) -> str:
    with app.server.test_request_context(f"/?lang={lang}"):
        return write().replace("\u202f", " ")


@pytest.mark.parametrize(
    ("lang", "value", "text"),
    [
        ("fr", 1.3e6, "1,3 million"),
        ("fr", 1_000_000, "1 million"),
        ("fr", 1_960_000, "2 millions"),  # the number as written, rounded
        ("fr", 49.6e6, "49,6 millions"),
        ("es", 1_000_000, "1 millón"),
        ("es", 1.3e6, "1,3 millones"),
        ("es", 160e6, "160 millones"),
        ("en", 1.3e6, "1.3 million"),
    ],
)
def test_a_value_below_two_million_is_singular_in_french_and_only_one_million_in_spanish(app, lang, value, text):
    from dashboards import _components as c  # noqa: PLC0415

    assert shown(app, lang, lambda: c.format_value(value, "count")) == text


def test_a_gdp_below_two_billion_dollars_is_one_milliard_in_french(app):
    from dashboards import _components as c  # noqa: PLC0415

    assert shown(app, "fr", lambda: c.format_value(1.3e9, "usd")) == "1,3 milliard $ US"
    assert shown(app, "fr", lambda: c.format_value(24e9, "usd")) == "24 milliards $ US"
    assert shown(app, "es", lambda: c.format_value(1.3e9, "usd")) == "1,3 mil millones de US$"


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "1 value: 1 yes, 0 no."), ("fr", "1 valeur\u00a0: 1 oui, 0 non."), ("es", "1 valor: 1 sí, 0 no.")],
)
def test_a_summary_of_one_yes_no_value_says_one_value_not_values(app, lang, text):
    from dashboards import _components as c  # noqa: PLC0415

    one = pd.DataFrame({"value": [1.0], "label": ["Nepal"]})
    assert shown(app, lang, lambda: c.ranking_summary(one, "flag")) == text
    two = pd.concat([one, one.assign(value=0.0)])
    assert shown(app, lang, lambda: c.ranking_summary(two, "flag")).startswith("2 val")


def test_a_summary_of_one_detected_or_coded_value_is_singular(app):
    from dashboards import _components as c  # noqa: PLC0415

    one = pd.DataFrame({"value": [5.0], "label": ["Nepal"]})
    assert shown(app, "en", lambda: c.ranking_summary(one, "count", nature="detected")).startswith("1 value. Counts")
    assert shown(app, "fr", lambda: c.ranking_summary(one, "category")).startswith("1 valeur\u00a0: les notations")
    assert shown(app, "es", lambda: c.ranking_summary(one, "category")).startswith("1 valor: las calificaciones")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "latest 2025 (1 year ago) · estimate · 1 year with data"),
        ("fr", "dernière donnée 2025 (il y a 1 an) · estimate · 1 année avec des données"),
        ("es", "último dato 2025 (hace 1 año) · estimate · 1 año con datos"),
    ],
)
def test_a_coverage_cell_of_one_year_says_one_year_not_years(app, lang, text):
    from dashboards import _coverage  # noqa: PLC0415

    grid = pd.DataFrame({"latest_year": [2025.0], "period": [None], "nature": ["estimate"], "since": [1], "years": [1]})
    assert shown(app, lang, lambda: _coverage._cell_text(grid)[0]) == text


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("fr", " ligne correspond à ces filtres.", " lignes correspondent à ces filtres."),
        ("es", " fila coincide con estos filtros.", " filas coinciden con estos filtros."),
        ("en", " row matches these filters.", " rows match these filters."),
    ],
)
def test_the_data_count_agrees_its_verb_with_one_row(app, lang, one, many):
    from types import SimpleNamespace  # noqa: PLC0415

    from dashboards import _explorer  # noqa: PLC0415

    def count(total: int) -> str:
        return shown(app, lang, lambda: _explorer.count_text(SimpleNamespace(total=total, excluded=list))[1])

    assert (count(1), count(12)) == (one, many)


@pytest.mark.parametrize(
    ("lang", "n", "text"), [("en", 17, "17 years with data"), ("fr", 1.5, "1.5 année avec des données")]
)
def test_a_plural_string_with_num_shows_the_number_not_the_plural_form_it_picked(app, lang, n, text):
    from web import i18n  # noqa: PLC0415

    assert shown(app, lang, lambda: i18n.ngettext("%(num)s year with data", "%(num)s years with data", n)) == text
