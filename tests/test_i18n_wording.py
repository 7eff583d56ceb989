"""The French and Spanish interface read as written by a native reader: the agencies' terms of the README's
glossary in every entry, a country's name never after a preposition (which would need the article some names
take: "el Reino Unido", "los Países Bajos", "les Pays-Bas"), French digit groups as the pages write them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import texts

ROOT = Path(__file__).resolve().parent.parent

#: The glossary of the README ("Languages"): an English term, and the words (regular expressions) every French and
#: Spanish translation of an entry holding it must use.
GLOSSARY = [
    line.split(" | ")
    for line in r"""
child labour | travail des enfants | trabajo infantil
forced labour | travail forcé | trabajo forzoso
modern slavery | esclavage moderne | esclavitud moderna
hazardous work | travaux dangereux | trabajo peligroso
trafficking | traite | trata
detected victims | victimes détectées | víctimas detectadas
\bsurveys?\b | enquêtes? | encuestas?
age bands? | tranches? d'âge | grupos? de edad
income groups? | groupes? de revenu | grupos? de ingresos
progress status | état d'avancement | situación de avance
pathfinder | pionnier | pionero
\bSDG\b | \bODD\b | \bODS\b
explainers? | fiches? explicatives? | notas? explicativas?
key facts? | chiffres? clés? | cifras? clave
\bprogress\b | progr|avancement | avan
""".strip().splitlines()
]
#: Quotations keep the official translation as adopted (the UN's Spanish target 8.7 says "formas contemporáneas
#: de esclavitud").
QUOTED = "“Take immediate and effective measures"


def catalogue(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def pairs(lang: str):
    """(English, translation) of every entry, each plural form with its English form."""
    for m in catalogue(lang):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        for n, text in enumerate(m.string if isinstance(m.string, tuple) else (m.string,)):
            yield ids[min(n, len(ids) - 1)], text


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_entry_uses_the_glossarys_terms(lang):
    stray = [
        (english, translated)
        for english, translated in pairs(lang)
        if QUOTED not in english
        for term, *words in GLOSSARY
        if re.search(term, english, re.IGNORECASE) and not re.search(words[lang == "es"], translated, re.IGNORECASE)
    ]
    assert stray == []


#: The translated content (indicator texts, areas, themes, glossary, explainers) and the forms the glossary
#: replaced in it, which it never writes again; a glossary alias ("aliases: [travail dangereux]") may keep one.
CONTENT = ("data/reference/i18n/{lang}/*.yaml", "content/i18n/{lang}/*.yaml", "content/i18n/{lang}/learn/*.md")
RETIRED = {
    "fr": [
        r"\btravail dangereux",  # travaux dangereux
        r"astreints? au travail des enfants",  # the ILO's "enfants astreints au travail"
        r"\bgroupes? d'âge",  # tranche d'âge
        r"\bstatuts? par pays|\bchaque statut\b",  # état d'avancement (statut names a column only)
        r"\d[ \u00a0]\d{3}(?!\d)",  # 1 000, with a narrow no-break space as Babel writes it
    ],
    "es": [
        r"\btramos? de edad|\brangos? de edad",  # grupo de edad
        r"\bprogresos\b",  # avances
        r"\bestados? de (progreso|avance)|\bcada estado\b",  # situación (de avance)
        r"(?<![\d.,])\d\.\d{3}(?![\d.,])",  # RAE: 1000 without a separator (the catalogue's "por 1000")
    ],
}


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translated_content_files_use_the_glossarys_terms_too(lang):
    stray = []
    for pattern in CONTENT:
        for path in sorted(ROOT.glob(pattern.format(lang=lang))):
            text = re.sub(r"(?m)^\s*aliases: .*$", "", path.read_text(encoding="utf-8"))
            stray += [(path.name, m.group(0)) for retired in RETIRED[lang] for m in re.finditer(retired, text)]
    assert stray == []


def test_french_digit_groups_are_held_together_as_on_the_pages():
    """Babel writes 1 234 with a narrow no-break space: the catalogue's own numbers ("pour 1 000") too."""
    assert [t for _e, t in pairs("fr") if re.search(r"\d[ \u00a0]\d{3}\b", t)] == []


#: Countries whose French or Spanish name takes an article, as CLDR names them on the pages.
WITH_ARTICLE = {"GBR": ("Royaume-Uni", "Reino Unido"), "NLD": ("Pays-Bas", "Países Bajos")}


@pytest.mark.realdata
@pytest.mark.parametrize("iso3", sorted(WITH_ARTICLE))
def test_a_country_page_never_puts_the_countrys_name_after_a_preposition(real_warehouse, app, iso3):
    """'Compromisos de Reino Unido' needs 'del'; 'Reino Unido: compromisos' is right for every country."""
    page = importlib.import_module("dashboards.country")
    for lang, name, prepositions in (
        ("fr", WITH_ARTICLE[iso3][0], "de|du|des|pour|en|à|au|aux|sur"),
        ("es", WITH_ARTICLE[iso3][1], "de|del|para|en|a|al|por|sobre"),
    ):
        with app.server.test_request_context(f"/country/{iso3}?lang={lang}"):
            shown = texts(page.layout(iso3=iso3))
        assert name in shown
        assert re.findall(rf"\b(?:{prepositions}) (?:les |los |el |le )?{name}", shown) == []
