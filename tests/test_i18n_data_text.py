"""Text the data carry, in the reader's language: progress reasons (stored in English, re-worded at render time),
and the cache warmed in every language."""

from __future__ import annotations

import importlib
import re

import flask
import pandas as pd
import pytest
from dash import html

from tests.conftest import components, find, texts
from web import i18n

#: Phrases of the English progress reasons (warehouse/progress_text.py) that no French or Spanish page may show.
ENGLISH_REASON = re.compile(
    r"Not assessed|data point|percentage points a year|\ba year\b|\bFalling\b|\bRising\b|Target year|"
    r"would have needed|at this pace|No clear change|latest value|is needed|needs a fall|per 1,000"
)


def reasons_in(lang: str, app, release, rows) -> list[str]:
    from dashboards import _reason  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context(f"/?lang={lang}"):
        return [_reason.reworded(release, r) for r in rows.to_dict("records")]


@pytest.mark.realdata
def test_every_reason_is_reworded_from_its_row_as_stored_in_english_and_translated(real_warehouse, real_release, app):
    rows = real_warehouse.progress(real_release)
    statuses = set(rows["status"])
    assert {"target year passed", "insufficient data", "not assessed"} <= statuses
    english = reasons_in("en", app, real_release, rows)
    assert [i for i, (a, b) in enumerate(zip(english, rows["reason"], strict=True)) if a != b] == []
    for lang, word in (("fr", "cible"), ("es", "meta")):
        worded = reasons_in(lang, app, real_release, rows)
        leaked = [text for text in worded if ENGLISH_REASON.search(text)]
        assert leaked == [], f"{lang}: {leaked[:3]}"
        assert sum(word in text for text in worded) > len(worded) / 10
        assert any(re.search(r"\d,\d\s?%", text) for text in worded)  # 12,4 % as both write it


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_status_sentence_is_translated(app, lang):
    """Statuses the real release lacks today (on track, too slow, no clear change, target met), from engine rows."""
    from dashboards import _reason  # noqa: PLC0415
    from etl.progress import Series, Target, assess  # noqa: PLC0415
    from warehouse import progress_text as words  # noqa: PLC0415

    target, nan = Target(0.0, 2030, unit="percent"), float("nan")
    cases = {
        (2016, 2020, 2024): (30.0, 20.0, 10.0),  # falling fast: on track
        (2016, 2020, 2025): (30.0, 29.0, 28.0),  # falling slowly: too slow
        (2018, 2024): (10.0, 12.0),  # rising: moving away
        (2020, 2025): (64.0, 63.5),  # within rounding: no clear change
        (2021,): (0.0,),  # target met
    }
    rows = []
    for years, values in cases.items():
        series = Series(("x", "NPL", "total", "5-17", "s", ""), years, values, (nan,) * len(years),
                        (nan,) * len(years), (1.0,) * len(years))  # fmt: skip
        rows.append(assess(series, target, 2026))
    assert {r["status"] for r in rows} == {words.ON_TRACK, words.TOO_SLOW, words.MOVING_AWAY, words.NO_CLEAR_CHANGE,
                                           words.TARGET_MET}  # fmt: skip
    with app.server.test_request_context(f"/?lang={lang}"):
        worded = [words.reason(r, target, 2026, _reason.phrasing()) for r in rows]
    assert [w for w in worded if ENGLISH_REASON.search(w) or "%(" in w or " by 2030" in w] == []
    assert all("2030" in w for w in worded[:4])


def test_a_pace_below_two_percentage_points_is_singular_in_french_and_plural_in_spanish(app):
    from dashboards import _reason  # noqa: PLC0415
    from warehouse import progress_text as words  # noqa: PLC0415

    paces = {}
    for lang in ("fr", "es"):
        with app.server.test_request_context(f"/?lang={lang}"):
            paces[lang] = [words.format_change(v, "percent", _reason.phrasing()) for v in (-0.75, 1.5, 1.996, 2.5)]
    assert [p.replace("\u202f", " ") for p in paces["fr"]] == [
        "0,75 point de pourcentage par an",
        "1,50 point de pourcentage par an",
        "2,00 points de pourcentage par an",  # the number as written, rounded
        "2,50 points de pourcentage par an",
    ]
    assert paces["es"][0] == "0,75 puntos porcentuales al año" and paces["es"][1] == "1,50 puntos porcentuales al año"
    assert words.format_change(1.5, "percent") == "1.50 percentage points a year"


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_reason_states_the_latest_value_as_the_card_beside_it_does_qualifier_included(app, lang):
    from dashboards import _components as c  # noqa: PLC0415
    from dashboards import _reason  # noqa: PLC0415
    from etl.progress import compute_progress, targets  # noqa: PLC0415
    from tests import factories  # noqa: PLC0415
    from warehouse import progress_text as words  # noqa: PLC0415

    shown = []
    for unit, value, word in (("percent", 21.7, "about"), ("percent", 22.0, "more than"), ("count", 138e6, "nearly")):
        table = pd.DataFrame([factories.indicator("x", unit=unit, target_value=0, target_year=2030)])
        obs = factories.observations([{"indicator": "x", "iso3": "NPL", "year": 2024, "value": value, "unit": unit,
                                       "qualifier": word}])  # fmt: skip
        row = compute_progress(obs, table, as_of=2026).iloc[0].to_dict()
        with app.server.test_request_context(f"/?lang={lang}"):
            reason = words.reason(_reason.plain(row), targets(table)["x"], 2026, _reason.phrasing())
            card = c.value_text({"value": value, "qualifier": word}, unit, 0 if unit == "count" else 1)
        shown.append((card, reason))
    assert [(card, reason) for card, reason in shown if f"{card} (2024)" not in reason] == []


@pytest.mark.realdata
def test_the_french_progress_table_gives_its_reasons_in_french(real_warehouse, app):
    from dashboards import progress  # noqa: PLC0415

    with app.server.test_request_context("/?lang=fr"):
        *_, rows, _summary, _search = progress.update_view("child_labour_ilostat", "", "", "")
    reasons = [r["reason"] for r in rows]
    assert reasons and [r for r in reasons if ENGLISH_REASON.search(r)] == []
    assert any("Année cible 2025 dépassée" in r for r in reasons)
    assert any(re.search(r"\d,\d+ points? de pourcentage par an", r) for r in reasons)
    assert {r["trend"] for r in rows} & {"en baisse", "en hausse", "stable", "pas de changement net"}


@pytest.mark.realdata
def test_the_spanish_country_page_states_progress_in_spanish(real_warehouse, app):
    page = importlib.import_module("dashboards.country")
    with app.server.test_request_context("/country/BGD?lang=es"):
        tree = page.layout(iso3="BGD")
    shown = texts(find(tree, "country-survey")) + " " + texts(find(tree, "delta-bgd"))
    assert "Avances (ILOSTAT, 5 a 17 años, plazo vencido)" in shown
    assert ENGLISH_REASON.search(shown) is None, shown
    assert "Año meta 2025 superado" in shown
    assert not re.search(r"annual (rate|change)|least-squares|two-point|standard error|reported intervals", shown)


def test_warm_renders_the_pages_in_every_language(synthetic_release, isolated_env):
    import app as webapp  # noqa: PLC0415 - built over the test's data folder
    from cli import warm  # noqa: PLC0415

    dash_app, seen = webapp.create_app(), set()
    dash_app.server.before_request(lambda: seen.add((flask.request.path, i18n.lang())))
    results = warm.warm(dash_app, ["/progress"])
    assert set(results) == {"/progress", "/progress?lang=fr", "/progress?lang=es"}
    assert all(status == 200 for status, _seconds in results.values())
    assert {lang for path, lang in seen if path == "/_dash-update-component"} == {"en", "fr", "es"}


@pytest.mark.parametrize(
    ("english", "lang", "expected"),
    [
        (
            "not stated; latest date in file 2013-10-17",
            "fr",
            "non indiquée\u00a0; dernière date du fichier\u00a0: 17 octobre 2013",
        ),
        (
            "not stated; latest date in file 2013-10-17",
            "es",
            "no indicada; última fecha del archivo: 17 de octubre de 2013",
        ),
        (
            "ILAB report year 2016 (status Yes/No, no date)",
            "es",
            "año del informe ILAB 2016 (situación Sí/No, sin fecha)",
        ),
        ("requested support (2018)", "es", "solicitó apoyo (2018)"),
        ("2020-08-28", "fr", "28 août 2020"),
        ("requested support (2018)", "en", "requested support (2018)"),
        ("a phrase of another form", "es", "a phrase of another form"),
        (
            "fit: slope ± t(0.975, 3 df) × standard error",
            "fr",
            "ajustement\u00a0: pente ± t(0,975\u00a0; 3 ddl) × erreur type",
        ),
    ],
)
def test_phrases_of_the_data_are_worded_in_the_readers_language(app, english, lang, expected):
    from dashboards import _phrases  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        assert _phrases.localized(english) == expected


@pytest.mark.realdata
def test_every_as_of_pathfinder_status_and_pace_method_of_the_release_has_a_known_form(
    real_warehouse, real_release, app
):
    from dashboards import _phrases  # noqa: PLC0415

    texts_ = set(real_warehouse.commitments(real_release)["as_of"].dropna())
    texts_ |= set(real_warehouse.countries(real_release)["pathfinder_status"].dropna())
    progress = real_warehouse.progress(real_release)
    texts_ |= set(progress["method"].dropna()) | set(progress["band_method"].dropna())
    assert len(texts_) > 5 and [t for t in texts_ if not _phrases.known(t)] == []
    page = importlib.import_module("dashboards.country")
    with app.server.test_request_context("/country/NPL?lang=es"):
        shown = texts(page.layout(iso3="NPL"))
    assert "no indicada; última fecha del archivo: 17 de octubre de 2013" in shown
    assert "solicitó apoyo (2018)" in shown
    assert not re.search(r"latest date in file|report year|requested support|status Yes/No", shown)


@pytest.mark.parametrize(
    ("lang", "note", "expected"),
    [
        (
            "fr",
            "ratified 2002-09-13; UN Treaty Collection: ratified on 2002-09-13; signed 2002-04-22",
            "ratification le 13 septembre 2002\u00a0; Collection des traités des Nations Unies\u00a0: ratification le 13"
            " septembre 2002"
            "\u00a0; signature le 22 avril 2002",
        ),
        (
            "es",
            "not ratified; status from HTI (R. Frank) (as of: not stated; latest date in file 2013-10-17); HTI cell"
            " blank: not ratified by about 2013, or a gap in HTI; check NORMLEX before relying on it",
            "sin ratificar; situación según HTI (R. Frank) (a la fecha: no indicada; última fecha del archivo: 17 de"
            " octubre de 2013); celda HTI vacía: sin ratificar hacia 2013, o un vacío en HTI; verificar en NORMLEX"
            " antes de basarse en ello",
        ),
        ("fr", "<5: suppressed small value", "<5\u00a0: petite valeur masquée"),
        (
            "fr",
            "flagged by Delta 8.7: rose to 3.2 times the value in the 2015 report (2,097,163); implausible, check with"
            " the publisher before use",
            "signalé par Delta 8.7\u00a0: hausse à 3,2 fois la valeur du rapport 2015 (2\u202f097\u202f163)\u00a0;"
            " invraisemblable, à vérifier auprès de l'éditeur avant utilisation",
        ),
        (
            "es",
            "flagged by Delta 8.7: fell to less than a fifth of the value of 2014 (14.9); may reflect a change of survey"
            " design or definition, check the publisher's notes",
            "señalado por Delta 8.7: descenso a menos de un quinto del valor de 2014 (14,9); puede deberse a un cambio"
            " de diseño de la encuesta o de definición, consultar las notas del editor",
        ),
        (
            "fr",
            "flagged by Delta 8.7: fell to less than half of the value of 2015 (54,850); implausible, check with the"
            " publisher before use",
            "signalé par Delta 8.7\u00a0: baisse à moins de la moitié de la valeur de 2015 (54\u202f850)\u00a0;"
            " invraisemblable, à vérifier auprès de l'éditeur avant utilisation",
        ),
        ("en", "<5: suppressed small value", "<5: suppressed small value"),
    ],
)
def test_our_own_note_wording_is_worded_in_the_readers_language(app, lang, note, expected):
    from dashboards import _published  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        assert _published.footnote(note) == expected


def test_publishers_footnotes_are_shown_as_published_marked_english(app):
    from dashboards import _published  # noqa: PLC0415

    note = "Births registered; flagged by Delta 8.7: 0.4 times the value of 2015 (54,850); implausible, check with"
    with app.server.test_request_context("/?lang=es"):
        shown = _published.footnote(note + " the publisher before use")
        names = [_published.publisher(n) for n in ("International Labour Organization (ILOSTAT)", "Gapminder")]
    english = [s for s in shown.children if getattr(s, "lang", None) == "en"]
    assert [s.children for s in english] == ["Births registered"]
    assert "señalado por Delta 8.7: 0,4 veces el valor de 2015 (54.850); inverosímil" in texts(shown)
    assert texts(shown).endswith("(en inglés, tal como se publicó)")
    assert names[0] == "Organización Internacional del Trabajo"
    assert (names[1].children, names[1].lang) == ("Gapminder", "en")


#: The ETL's own note wording (etl/adapters/cells.py, etl/commitments.py, etl/headline.py).
OURS = re.compile(
    r"flagged by Delta 8.7|suppressed small value|censored value|status from|Treaty Collection|ILAB report"
)


@pytest.mark.realdata
def test_every_note_period_and_publisher_we_word_in_the_release_has_a_known_form(real_warehouse, real_release, app):
    from dashboards import _phrases, _published  # noqa: PLC0415

    notes = real_warehouse.query(real_release, "SELECT DISTINCT note, unit FROM {observations}").dropna()
    periods = real_warehouse.query(real_release, "SELECT DISTINCT period FROM {observations}")["period"].dropna()
    sources = real_warehouse.sources(real_release).set_index("id")["publisher"]
    with app.server.test_request_context("/?lang=fr"):
        shown = {n: _published.footnote(n) for n in notes["note"]}
        names = [_published.publisher(sources[s]) for s in real_warehouse.progress(real_release)["source"].unique()]
    kept = [s.children for f in shown.values() if not isinstance(f, str) for s in f.children if hasattr(s, "lang")]
    assert len(kept) > 50 and [k for k in kept if OURS.search(k)] == []
    assert [n for n in notes.loc[notes["unit"] == "flag", "note"] if not isinstance(shown[n], str)] == []
    assert [p for p in periods if not _phrases.known(p)] == []
    assert [n for n in names if not isinstance(n, str)] == []


@pytest.mark.realdata
def test_a_french_country_page_shows_the_publishers_footnote_as_published_marked_english(real_warehouse, app):
    page = importlib.import_module("dashboards.country")
    with app.server.test_request_context("/country/EGY?lang=fr"):
        tree = page.layout(iso3="EGY")
    marked = [t for t in components(tree) if getattr(t, "lang", None) == "en" and "North Sinai" in str(t.children)]
    assert marked and all(str(t.children).startswith("North Sinai was excluded from the survey") for t in marked)
    assert "(en anglais, tel que publié)" in texts(tree)


@pytest.mark.realdata
@pytest.mark.parametrize("lang, palermo", [("fr", "Protocole des Nations Unies"), ("es", "Protocolo de las Naciones")])
def test_the_commitments_table_names_each_instrument_not_a_ratification(real_warehouse, app, lang, palermo):
    page = importlib.import_module("dashboards.country")
    with app.server.test_request_context(f"/country/NPL?lang={lang}"):
        tree = page.layout(iso3="NPL")
    table = next(t for t in components(tree) if isinstance(t, html.Table) and "(P029)" in texts(t))
    rows = [texts(r) for r in components(table) if isinstance(r, html.Tr)][1:]
    assert len(rows) == 7 and any(r.startswith(palermo) for r in rows)  # not "A ratifié le Protocole… non ratifié"
    assert not any(r.startswith(("A ratifié", "Ha ratificado")) for r in rows)
    card = texts(find(tree, "country-card-commitments"))
    assert lang == "es" or "actuelles\u00a0; 1 «\u00a0pas de ratification\u00a0»" in card  # no-break space before ";"
