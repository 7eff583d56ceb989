"""English, French and Spanish: complete catalogues, the page language (?lang=, Accept-Language, English), links
that keep it, numbers, dates and names for the locale, caches per language, translated content with a notice
where a translation is missing."""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dataproduct import labels
from tests.conftest import hrefs, texts
from web import i18n

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = (ROOT / "babel.cfg").read_text(encoding="utf-8")
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)s")


def first(msgid):
    """A message's id (the singular of a plural message)."""
    return msgid[0] if isinstance(msgid, tuple) else msgid


def names(text: str) -> list[str]:
    """The %(name)s placeholders of a text; ngettext's count `num` aside, which a singular may write in words."""
    return sorted(name for name in PLACEHOLDER.findall(text) if name != "%(num)s")


def strings(message) -> tuple:
    """A message's translations (each plural form of a plural message)."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


@functools.cache
def code_messages() -> frozenset[str]:
    """Every message the code marks for translation now (the same extraction as `make messages`)."""
    method_map = [
        (line[len("[python: ") : -1], "python") for line in BABEL_CFG.splitlines() if line.startswith("[python: ")
    ]
    keywords = {"_": None, "gettext": None, "N_": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = extract_from_dir(str(ROOT), method_map, keywords=keywords)
    return frozenset(first(m) for _file, _line, m, _comments, _context in found if m)


def test_the_template_holds_exactly_the_messages_of_the_code():
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        template = {first(m.id) for m in read_po(handle) if m.id}
    new, gone = sorted(code_messages() - template), sorted(template - code_messages())
    assert not new and not gone, (
        f"messages.pot is stale (run `make messages`): new {new[:5]}, no longer used {gone[:5]}"
    )


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_interface_message_is_translated_and_none_is_fuzzy(lang):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    entries = {first(m.id): m for m in catalogue if m.id}
    missing = sorted(code_messages() - {i for i, m in entries.items() if all(strings(m))})
    fuzzy = sorted(i for i, m in entries.items() if m.fuzzy)
    assert not missing, f"{len(missing)} message(s) without a {lang} translation (run `make messages`): {missing[:10]}"
    assert not fuzzy, f"fuzzy {lang} entries (review them, then drop the flag): {fuzzy[:10]}"
    wrong = [i for i, m in entries.items() for s in strings(m) if names(s) != names(m.id[-1] if m.pluralizable else i)]
    assert not wrong, f"{lang} translations whose %(name)s placeholders differ from the English: {wrong[:5]}"


def test_french_puts_a_no_break_space_before_high_punctuation_and_percent_and_inside_guillemets():
    with (ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    breakable = re.compile(r" [;:!?]| %(?![(%{])|« | »")  # a plain space there lets the line break before the sign
    assert [s for m in catalogue if m.id for s in strings(m) if breakable.search(s)] == []


def test_key_terms_use_the_agencies_terminology():
    """ILO, UNICEF and UNODC wording for the pillars (the glossary's terms)."""
    expected = {
        "fr": {"Child labour": "Travail des enfants", "Human trafficking": "Traite des personnes"},
        "es": {"Child labour": "Trabajo infantil", "Human trafficking": "Trata de personas"},
    }
    for lang, terms in expected.items():
        with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        for english, translated in terms.items():
            assert catalogue[english].string == translated


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [
        ("?lang=fr", {}, "fr"),
        ("?lang=es", {"Accept-Language": "fr"}, "es"),
        ("", {"Accept-Language": "es"}, "es"),
        ("", {"Accept-Language": "de, fr;q=0.5"}, "fr"),
        ("", {"Accept-Language": "de"}, "en"),
        ("", {}, "en"),
        ("?lang=xx", {"Accept-Language": "es"}, "es"),
    ],
)
def test_page_language_from_the_query_then_accept_language_then_english(client, query, headers, lang):
    response = client.get("/" + query, headers=headers)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/countries", "Countries – Delta 8.7"),
        ("/coverage?lang=fr", "Couverture des données et lacunes – Delta 8.7"),
        ("/search?lang=es", "Búsqueda – Delta 8.7"),
    ],
)
def test_a_page_is_named_in_its_language_before_its_scripts_run(client, path, title):
    """The browser tab and a screen reader name the page from the HTML, not seconds later on a slow link."""
    assert f"<title>{title}</title>" in client.get(path).get_data(as_text=True)


def test_pages_chosen_by_accept_language_say_so_to_caches(client):
    assert "Accept-Language" in client.get("/", headers={"Accept-Language": "es"}).headers.get("Vary", "")


def test_dash_requests_follow_the_language_of_the_page_that_sent_them(client):
    """The shell (`/_dash-layout`) is drawn in the language of the page URL, and its links keep it."""
    french = client.get("/_dash-layout", headers={"Referer": "http://localhost/country/NPL?lang=fr"})
    body = french.get_data(as_text=True)
    assert "Aller au contenu principal" in body and "Skip to main content" not in body
    assert "/countries?lang=fr" in body.replace("\\u002f", "/")
    spanish = client.get("/_dash-layout", headers={"Accept-Language": "es"})
    assert "Ir al contenido principal" in spanish.get_data(as_text=True)
    english = client.get("/_dash-layout").get_data(as_text=True).replace("\\u002f", "/")
    assert "Skip to main content" in english and '"/countries"' in english and "/countries?lang" not in english


def test_the_switcher_names_each_language_in_itself_and_marks_the_current_one(client):
    body = client.get("/_dash-layout", headers={"Referer": "http://localhost/?lang=es"}).get_json()
    found = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if str(props.get("id", "")).startswith("shell-lang-"):
                found[props["lang"]] = (props["children"], props.get("aria-current"))
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body)
    assert found == {"en": ("English", None), "fr": ("Français", None), "es": ("Español", "true")}


def test_internal_links_keep_a_chosen_language(app):
    with app.server.test_request_context("/?lang=es"):
        assert i18n.href("/country/NPL") == "/country/NPL?lang=es"
        assert i18n.href("/data?indicator=x#top") == "/data?indicator=x&lang=es#top"
        assert i18n.href("/assets/app.css") == "/assets/app.css"
        assert i18n.href("/api/v1/docs") == "/api/v1/docs"
        assert i18n.href("https://example.org/") == "https://example.org/"
        assert i18n.query("?indicator=x") == "?indicator=x&lang=es"
    with app.server.test_request_context("/"):
        assert i18n.href("/country/NPL") == "/country/NPL"
        assert i18n.query("") == ""
    with app.server.test_request_context("/?lang=en", headers={"Accept-Language": "fr"}):
        assert i18n.href("/countries") == "/countries?lang=en"


def test_numbers_percentages_and_dates_follow_the_locale(app):
    from dashboards import _components as c

    shown = {}
    for lang in ("en", "fr", "es"):
        with app.server.test_request_context(f"/?lang={lang}"):
            shown[lang] = (
                c.format_value(21.7, "percent"),
                c.format_value(160_000_000, "count"),
                c.number(1234567),
                i18n.day(date(2026, 12, 6)),
            )
    assert shown["en"] == ("21.7%", "160 million", "1,234,567", "06 December 2026")
    assert shown["fr"][0].replace("\u202f", " ").replace("\xa0", " ") == "21,7 %"
    assert shown["es"][0].replace("\u202f", " ").replace("\xa0", " ") == "21,7 %"
    assert shown["fr"][1] == "160 millions" and shown["es"][1] == "160 millones"
    assert shown["fr"][2].replace("\u202f", " ") == "1 234 567" and shown["es"][2] == "1.234.567"
    assert shown["fr"][3] == "6 décembre 2026" and shown["es"][3] == "6 de diciembre de 2026"


@pytest.mark.parametrize(
    ("value", "decimals", "text"), [(2787, 0, "2787"), (1234.5, 1, "1234,5"), (12345, 0, "12.345")]
)
def test_spanish_numbers_group_their_digits_from_five_digits_on_as_cldr_and_the_rae_write_them(
    app, value, decimals, text
):
    from web import i18n  # noqa: PLC0415

    with app.server.test_request_context("/?lang=es"):
        assert i18n.decimal(value, decimals) == text


def test_cache_entries_are_kept_per_language(app, synthetic_release):
    from warehouse import get_warehouse
    from web import cache

    release = get_warehouse().releases.current()
    keys = {}
    for lang in ("en", "fr", "es"):
        with app.server.test_request_context(f"/?lang={lang}"):
            keys[lang] = cache.key(release, test_cache_entries_are_kept_per_language, ())
    assert len(set(keys.values())) == 3 and ":en:" in keys["en"] and ":fr." in keys["fr"]


def test_country_names_come_from_cldr_with_the_platforms_overrides(app):
    from dataproduct import labels as _localized

    with app.server.test_request_context("/?lang=fr"):
        assert _localized.area_name("DEU", "DE", "Germany", "fr") == "Allemagne"
        assert _localized.area_name("WLD", None, "World", "fr") == "Monde"
        assert _localized.area_name("XYZ", None, "Somewhere", "fr") == "Somewhere"
    assert _localized.area_name("DEU", "DE", "Germany", "en") == "Germany"


def test_indicator_texts_are_translated_and_fall_back_to_english():
    import pandas as pd

    from dataproduct import labels as _localized

    frame = pd.DataFrame(
        {"code": ["child_labour_5_17", "no_such_code"], "name": ["Child labour", "Kept"], "short_name": ["", ""]}
    )
    french = _localized.indicators(frame, "fr")
    assert "enfants astreints au travail" in french.loc[0, "name"].lower()
    assert french.loc[1, "name"] == "Kept"


def test_translated_explainers_and_the_notice_on_untranslated_ones(app, tmp_path, monkeypatch):
    import shutil

    import dash

    from content import translations

    # a Spanish translation that has only the glossary so far, and the French one as written
    (tmp_path / "es").mkdir()
    shutil.copy(translations.I18N_DIR / "es" / "glossary.yaml", tmp_path / "es" / "glossary.yaml")
    shutil.copytree(translations.I18N_DIR / "fr", tmp_path / "fr")
    monkeypatch.setattr(translations, "I18N_DIR", tmp_path)
    layout = dash.page_registry["dashboards.learn_explainer"]["layout"]  # as the router calls it
    with app.server.test_request_context("/learn/sdg-target-8-7?lang=fr"):
        page = layout(slug="sdg-target-8-7")
        assert "untranslated-explainer" not in str(page)
        assert "cible 8.7" in texts(page)
        assert all("lang=fr" in h for h in hrefs(page) if h.startswith("/") and not h.startswith("/assets"))
    with app.server.test_request_context("/learn/child-soldiers?lang=es"):
        page = layout(slug="child-soldiers")
        assert "Este texto aún no se ha traducido al español" in texts(page)
        assert "child" in texts(page).lower()  # the English text follows the notice


def test_error_pages_speak_the_readers_language(client):
    response = client.post("/countries?lang=es", headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert response.status_code == 405
    assert '<html lang="es">' in body and "Método no permitido" in body and 'href="/?lang=es"' in body


def test_the_app_speaks_french_without_writing_into_its_checkout_or_leaving_files_in_the_temp_folder(
    isolated_env, monkeypatch
):
    """A read-only install whose workers start again at every deploy: nothing accumulates anywhere."""
    checkout, temp = isolated_env / "translations", isolated_env / "tmp"
    shutil.copytree(ROOT / "translations", checkout, ignore=shutil.ignore_patterns("*.mo", "*.tmp"))
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    before = sorted(checkout.rglob("*"))
    monkeypatch.setattr(i18n, "TRANSLATIONS", checkout)
    import app as webapp  # noqa: PLC0415

    response = webapp.create_app().server.test_client().post("/countries?lang=fr", headers={"Accept": "text/html"})
    assert "Méthode non autorisée" in response.get_data(as_text=True)
    assert sorted(checkout.rglob("*")) == before
    assert list(temp.iterdir()) == []


def test_the_api_keeps_english_fields_and_adds_translated_labels(client, synthetic_release):
    plain = client.get("/api/v1/countries").get_json()
    assert "labels" not in plain["data"][0]
    french = client.get("/api/v1/countries?lang=fr").get_json()
    assert french["data"][0].keys() - plain["data"][0].keys() == {"labels"}
    assert [r["name"] for r in french["data"]] == [r["name"] for r in plain["data"]]  # English names kept
    kenya = next(r for r in french["data"] if r["iso3"] == "KEN")
    assert kenya["labels"] == {"lang": "fr", "name": "Kenya"}
    world = next(r for r in french["aggregates"] if r["code"] == "WLD")
    assert world["labels"]["name"] == "Monde"
    indicators = client.get("/api/v1/indicators?lang=es").get_json()["data"]
    assert all(r["labels"]["lang"] == "es" and r["labels"]["name"] for r in indicators)
    refused = client.get("/api/v1/countries?lang=de")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "lang"


def test_coded_value_labels_are_translated():
    frame = pd.DataFrame(
        {"code": ["tip_tier"], "name": ["TIP"], "value_labels": ['{"1": "Tier 1", "2.5": "Tier 2 Watch List"}']}
    )
    french = json.loads(labels.indicators(frame, "fr")["value_labels"].iloc[0])
    assert {float(k): v for k, v in french.items()}[2.5] == "Liste de surveillance de la catégorie 2"
    assert labels.indicators(frame, "en")["value_labels"].iloc[0] == frame["value_labels"].iloc[0]


def test_a_label_and_its_text_take_the_readers_colon(app, synthetic_release):
    from dashboards import _data, coverage  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context("/coverage?lang=fr"):
        labels = [option["label"] for option in coverage.region_options(_data.release())[1:]]
    assert labels and all("\u00a0: " in label for label in labels)  # French: "Régions ODD : Afrique …"
