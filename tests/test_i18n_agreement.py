"""Every count agrees with its noun and verb in English, French and Spanish ("1 value for 1 country", "queda 1 año"),
and the publishers' English put into a French or Spanish sentence (source and publisher names, surveys) is marked
English for screen readers."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from dash import html

from tests.conftest import components, find, texts
from tests.test_i18n_widgets import _english_parts
from tests.test_i18n_widgets import _layout as _page


def shown(app, lang: str, write):
    with app.server.test_request_context(f"/?lang={lang}"):
        said = write()
    return (said if isinstance(said, str) else texts(said)).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "2 values for 1 country and 1 regional or global aggregate, year 2016; 1 treaty record for 1 country."),
        ("fr", "2 valeurs pour 1 pays et 1 agrégat régional ou mondial, année 2016 ; 1 enregistrement de traité pour 1 pays."),
        ("es", "2 valores para 1 país y 1 agregado regional o mundial, año 2016; 1 registro de tratado para 1 país."),
    ],
)  # fmt: skip
def test_a_source_page_counts_one_country_one_aggregate_and_one_year_in_the_singular(app, monkeypatch, lang, text):
    from dashboards import _data, _sources  # noqa: PLC0415

    obs = pd.DataFrame({"iso3": ["NPL", "WLD"], "year": [2016, 2016], "value": [1.0, 2.0], "source": "s"})
    treaty = pd.DataFrame({"iso3": ["NPL"], "source": ["s"]})
    store = SimpleNamespace(observations=lambda *_a: obs, commitments=lambda *_a: treaty)
    monkeypatch.setattr(_sources, "get_warehouse", lambda: store)
    monkeypatch.setattr(_data, "countries", lambda *_a: pd.DataFrame({"iso3": ["NPL"]}))
    assert shown(app, lang, lambda: _sources.coverage.__wrapped__(SimpleNamespace(id="r"), "s")) == text


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "1 content problem", "2 content problems"),
        ("fr", "1 problème de contenu", "2 problèmes de contenu"),
        ("es", "1 problema de contenido", "2 problemas de contenido"),
    ],
)
def test_the_learning_space_counts_one_content_problem_in_the_singular(app, lang, one, two):
    learn = importlib.import_module("dashboards.learn")
    assert shown(app, lang, lambda: learn.problems_note(("a.md: no title",)).children[0]) == one
    assert shown(app, lang, lambda: learn.problems_note(("a.md", "b.md")).children[0]) == two


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Unknown topic ignored: nowhere."), ("fr", "Thème inconnu ignoré : nowhere."),
     ("es", "Tema desconocido ignorado: nowhere.")],
)  # fmt: skip
def test_one_unknown_learning_topic_is_named_in_the_singular(app, lang, text):
    learn = importlib.import_module("dashboards.learn")
    assert text in shown(app, lang, lambda: learn.layout(topic="nowhere"))


@pytest.mark.parametrize(
    ("lang", "one_year", "one_million", "more"),
    [
        ("en", "1 year left before the target year.", "1 million remain (2024)", "2.3 million remain (2024)"),
        ("fr", "1 an avant l'année cible.", "il reste 1 million (2024)", "il reste 2,3 millions (2024)"),
        ("es", "Queda 1 año para el año meta.", "queda 1 millón (2024)", "quedan 2,3 millones (2024)"),
    ],
)
def test_the_overview_targets_agree_with_one_year_and_one_million_left(app, lang, one_year, one_million, more):
    home = importlib.import_module("dashboards.home")
    meta = {"decimals": 1}

    def left(target_year: int, value: float) -> str:
        row = pd.Series({"value": value, "unit": "count", "year": 2024})
        return shown(app, lang, lambda: home._time_left(target_year, row, meta, now=2026))

    assert left(2027, 1e6) == one_year
    assert one_million in left(2020, 1e6) and more in left(2020, 2.3e6)


@pytest.mark.parametrize(
    ("lang", "this_year", "passed"),
    [
        ("en", "Target year is this year: 1 million remain (2024).", "Target year passed: 1 million remain (2024)."),
        ("fr", "L'année cible est l'année en cours : il reste 1 million (2024).",
         "Année cible dépassée : il reste 1 million (2024)."),
        ("es", "El año meta es este año: queda 1 millón (2024).", "Año meta superado: queda 1 millón (2024)."),
    ],
)  # fmt: skip
def test_the_overview_says_the_target_year_is_this_year_in_that_year_and_passed_after_it(app, lang, this_year, passed):
    home = importlib.import_module("dashboards.home")
    row = pd.Series({"value": 1e6, "unit": "count", "year": 2024})
    assert shown(app, lang, lambda: home._time_left(2025, row, {"decimals": 1}, now=2025)) == this_year
    assert shown(app, lang, lambda: home._time_left(2025, row, {"decimals": 1}, now=2026)) == passed


@pytest.mark.usefixtures("synthetic_release")
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_french_or_spanish_brief_marks_its_publishers_and_commitment_sources_english(app, lang):
    tree = _page(app, "brief", lang, iso3="UGA")
    assert "Test suite" in _english_parts(find(tree, "brief-sources"))  # the publisher before each title
    assert "Test suite" in _english_parts(find(tree, "brief-pillar-child-labour"))  # after each latest value
    separator = {"fr": "\u00a0; ", "es": "; "}[lang]  # details joined as every other list in that language
    assert separator in texts(find(tree, "brief-pillar-child-labour"))
    assert "syn_ratifications" in _english_parts(find(tree, "brief-commitments-notes"))
    tree = _page(app, "brief", "en", iso3="UGA")  # the English brief: plain text, worded as before
    assert texts(find(tree, "brief-commitments-notes")).startswith("[1] Status as of 17 October 2013. Source: syn_")
    assert "; Test suite)" in texts(find(tree, "brief-pillar-child-labour"))
    assert not _english_parts(tree)


@pytest.mark.usefixtures("synthetic_release")
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_country_commitments_table_marks_each_source_english(app, lang):
    tree = _page(app, "country", lang, iso3="KEN")
    table = next(t for t in components(tree) if isinstance(t, html.Table) and "Instrument" in texts(t))
    sources = [texts(row.children[-1]) for row in table.children[-1].children]
    assert "syn_ratifications" in sources and "–" in sources  # an instrument no source has: a dash
    assert _english_parts(table) == ["syn_ratifications"] * sources.count("syn_ratifications")


def test_the_pathfinder_survey_line_marks_a_publishers_source_name_english(app, monkeypatch):
    from dashboards import _pathfinders, _survey_trend  # noqa: PLC0415

    point = pd.DataFrame({"indicator": ["cl"], "year": [2019], "age": ["5-17"], "value": [21.7], "source": ["u"]})
    monkeypatch.setattr(_survey_trend, "survey_points", lambda *_a: point)
    source = {"id": "u", "short_name": "UNICEF, SDG child indicators", "edition_names": "{}"}
    country = SimpleNamespace(obs=None, release=None, indicator=lambda _c: {"name": "Cl"}, sources={"u": source})
    for lang, marked in (
        ("fr", ["UNICEF, SDG child indicators"]),
        ("es", ["UNICEF, SDG child indicators"]),
        ("en", []),
    ):
        with app.server.test_request_context(f"/?lang={lang}"):
            assert _english_parts(html.Div(_pathfinders.latest_survey(country))) == marked, lang


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "1 region; year 2020."), ("fr", "1 région ; année 2020."), ("es", "1 región; año 2020.")]
)
def test_a_learning_chart_of_one_region_in_one_year_is_summarised_in_the_singular(app, monkeypatch, lang, text):
    from dashboards import _data, _learn  # noqa: PLC0415

    frame = pd.DataFrame({"category": ["Africa"], "group": ["2020"], "value": [5.0]})
    monkeypatch.setattr(_learn, "chart_frame", lambda *_a: ("regions", frame))
    monkeypatch.setattr(_data, "area_names", lambda *_a: {})
    monkeypatch.setattr(_data, "regions", lambda *_a: pd.DataFrame())
    monkeypatch.setattr(_data, "sources", lambda *_a: pd.DataFrame())
    monkeypatch.setattr(_learn.c, "source_note", lambda *_a: html.P())
    obs = pd.DataFrame({"value": [5.0]})
    chart = lambda: find(_learn._chart(None, "x", {"name": "X", "unit": "percent"}, obs, "g"), "g-summary")  # noqa: E731
    assert shown(app, lang, chart) == text


@pytest.mark.parametrize(
    ("lang", "ratified", "counted"),
    [
        ("fr", "1 ratifié", "1 non ratifié dans les données actuelles ; 1 « pas de ratification » datant de plus de 5 ans, peut-être obsolète"),
        ("es", "1 ratificado", "1 no ratificado en los datos actuales; 1 «sin ratificar» de hace más de 5 años, posiblemente desactualizado"),
    ],
)  # fmt: skip
def test_a_french_or_spanish_country_card_counts_one_ratified_and_one_not_ratified_singular(
    app, lang, ratified, counted
):
    from dashboards import _commitments  # noqa: PLC0415

    def status(word: str, stale: bool):
        return _commitments.Status("C", "C", "C", word, "–", "–", 2020, "S", stale)

    found = [status("ratified", False), status("not ratified", False), status("not ratified", True)]
    assert shown(app, lang, lambda: _commitments.summary(found)[0]) == ratified
    assert shown(app, lang, lambda: _commitments.summary(found)[1][1]) == counted
    found.append(status("ratified", False))
    assert shown(app, lang, lambda: _commitments.summary(found)[0]) == f"2 {ratified.split()[1]}s"


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_french_or_spanish_source_line_marks_the_publishers_survey_names_english(app, lang):
    from dashboards import _cite  # noqa: PLC0415
    from tests import factories  # noqa: PLC0415

    records = {"dw": {**factories.source("dw"), "short_name": "UNICEF Data Warehouse"}}
    survey = {
        "indicator": "x",
        "iso3": "KEN",
        "value": 1.0,
        "year": 2014,
        "source": "dw",
        "survey": "MICS 2014, UNICEF",
    }
    with app.server.test_request_context(f"/?lang={lang}"):
        parts, _ids = _cite.source_text(factories.observations([survey]), records)
    assert _english_parts(html.P(parts)) == ["UNICEF Data Warehouse", "MICS 2014"]


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_french_or_spanish_country_card_marks_the_publishers_survey_name_english(real_warehouse, app, lang):
    card = find(_page(app, "country", lang, iso3="BRA"), "country-card-child-labour")
    assert "PNADCCL 2016" in _english_parts(card)


def test_a_spanish_progress_reason_after_the_target_year_agrees_with_one_million_left(app):
    from dashboards import _reason  # noqa: PLC0415
    from warehouse import progress_text  # noqa: PLC0415

    def left(value: float) -> str:
        row = {"latest_value": value, "latest_year": 2024, "decimals": 1}
        return shown(app, "es", lambda: progress_text.remaining_text(row, "count", _reason.phrasing()))

    assert (left(1e6), left(1.3e6)) == ("queda 1 millón (2024).", "quedan 1,3 millones (2024).")


#: A status word that agrees with only one gender: French "ratifié(e)", "signé(e)"; Spanish "ratificado/a", "firmado/a".
MASCULINE = r"\b(ratifié|signé|ratificado|firmado|desactualizado)\b"
FEMININE = r"\b(ratifiée|signée|ratificada|firmada|desactualizada)\b"


@pytest.mark.parametrize(
    ("lang", "instrument", "status", "brief", "table"),
    [
        ("fr", "Convention (n° 138) sur l'âge minimum, 1973, de l'OIT", "ratified",
         "ratification en 2002 (peut-être obsolète)",
         "ratification (situation en 2016) ; peut-être obsolète : les données ont plus de 5 ans"),
        ("fr", "Protocole de 2014 relatif à la convention sur le travail forcé (P029)", "signed",
         "signature en 2002 (peut-être obsolète)",
         "signature (situation en 2016) ; peut-être obsolète : les données ont plus de 5 ans"),
        ("fr", "Convention (n° 105) sur l'abolition du travail forcé, 1957, de l'OIT", "not ratified",
         "pas de ratification (peut-être obsolète)",
         "pas de ratification (situation en 2016) ; peut-être obsolète : les données ont plus de 5 ans"),
        ("es", "Convención sobre los Derechos del Niño", "ratified",
         "ratificación en 2002 (datos posiblemente desactualizados)",
         "ratificación (situación en 2016); datos posiblemente desactualizados: tienen más de 5 años"),
        ("es", "Convención sobre los Derechos del Niño", "not ratified",
         "sin ratificar (datos posiblemente desactualizados)",
         "sin ratificar (situación en 2016); datos posiblemente desactualizados: tienen más de 5 años"),
        ("es", "Protocolo de Palermo sobre la trata (2000)", "signed",
         "firma en 2002 (datos posiblemente desactualizados)",
         "firma (situación en 2016); datos posiblemente desactualizados: tienen más de 5 años"),
    ],
)  # fmt: skip
def test_a_french_or_spanish_status_agrees_with_a_feminine_convention_and_a_masculine_protocol(
    app, lang, instrument, status, brief, table
):
    """The status is worded as a noun ("ratification", "ratificación"), which agrees with any instrument."""
    from dashboards import _commitments  # noqa: PLC0415

    as_of = {"fr": "situation en 2016", "es": "situación en 2016"}[lang]
    dated = "–" if status == "not ratified" else "2002"
    found = _commitments.Status("C", instrument, "C", status, dated, "2016", 2016, "S", True, as_of)
    assert shown(app, lang, lambda: found.short_text) == brief
    assert shown(app, lang, lambda: found.text) == table


@pytest.mark.realdata
def test_the_french_commitments_table_and_brief_say_no_masculine_status_of_a_convention(real_warehouse, app):
    """Haiti's instruments on the country page ("Convention (n° 29) …") and the brief ("OIT C029 …"): a convention
    (feminine) is never "ratifié", a protocol (masculine) never "ratifiée"."""
    rows = []
    for name in ("country", "brief"):
        page = importlib.import_module(f"dashboards.{name}")
        with app.server.test_request_context(f"/{name}/HTI?lang=fr"):
            rows += [texts(r) for r in components(page.layout(iso3="HTI")) if isinstance(r, html.Tr)]
    conventions = [r for r in rows if r.startswith(("Convention", "OIT C"))]
    protocols = [r for r in rows if r.startswith(("Protocole", "OIT P"))]
    assert len(conventions) == 8 and len(protocols) == 6
    assert [r for r in conventions if re.search(MASCULINE, r)] == []
    assert [r for r in protocols if re.search(FEMININE, r)] == []


@pytest.mark.usefixtures("synthetic_release")
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_learn_link_on_a_french_or_spanish_country_page_is_in_the_readers_language(app, lang):
    def links(tree) -> list[str]:
        return [texts(a) for a in components(tree) if getattr(a, "className", None) == "explainer-link small"]

    english, translated = links(_page(app, "country", "en", iso3="KEN")), links(_page(app, "country", lang, iso3="KEN"))
    assert len(english) == len(translated) > 3
    assert not [text for text in translated if text in english]
