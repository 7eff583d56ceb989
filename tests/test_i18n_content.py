"""The French and Spanish content translations cover the English content and say the same numbers."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from content.loader import WORDS_PER_MINUTE, audit_markdown, expand_glossary_links, plain_text, split_front_matter
from content.models import FrontMatter, slugify
from etl.country_attributes import groupings

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("fr", "es")
CORE_EXPLAINERS = (
    "sdg-target-8-7",
    "child-labour-definitions",
    "forced-labour-and-modern-slavery",
    "human-trafficking",
    "measuring-progress",
)
#: Front matter values that are words for readers; every other key is copied from the English file.
TEXT_KEYS = {"title", "summary"}
#: The explainers' last section, citing every source of the front matter (English: "Sources").
SOURCES_HEADING = {"fr": "Sources", "es": "Fuentes"}
INDICATOR_TEXT_KEYS = ("name", "short_name", "definition", "caveats", "trend_caution")
THEME_TEXT_KEYS = ("title", "summary")


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def numbers(text: str) -> Counter:
    """The numbers of a text, counted: '1,000', '1 000' and Spanish '1000' (RAE: no separator in four digits) alike."""
    return Counter(re.findall(r"\d+", re.sub(r"(?<=\d)[,. \u00a0\u202f](?=\d{3}\b)", "", text)))


#: Markdown blocks and spans a translation keeps one for one (headings, tables and cells, lists, links, emphasis).
STRUCTURE = {"heading_open", "table_open", "th_open", "td_open", "list_item_open", "blockquote_open", "link_open"}
STRUCTURE |= {"strong_open", "em_open", "code_inline"}
_MARKDOWN = MarkdownIt("commonmark").enable("table")


def structure(markdown: str) -> Counter:
    """How many of each structural Markdown token a text has."""
    return Counter(token.type for token in _MARKDOWN.parse(markdown) if token.type in STRUCTURE)


def _translated(lang: str, relative: str):
    return _yaml(ROOT / relative.format(lang=lang))


ENGLISH_INDICATORS = {e["code"]: e for e in _yaml(ROOT / "data/reference/indicators.yaml")}
ENGLISH_THEMES = {t["slug"]: t for t in _yaml(ROOT / "content/themes.yaml")}
ENGLISH_GLOSSARY = {slugify(t["term"]): t for t in _yaml(ROOT / "content/glossary.yaml")["terms"]}


@pytest.mark.parametrize("lang", LANGS)
def test_every_indicator_has_its_text_fields_with_the_same_numbers(lang):
    translated = _translated(lang, "data/reference/i18n/{lang}/indicators.yaml")
    assert set(ENGLISH_INDICATORS) <= set(translated), (
        f"{lang}: untranslated {set(ENGLISH_INDICATORS) - set(translated)}"
    )
    for code, english in ENGLISH_INDICATORS.items():
        if english.get("value_labels"):
            assert set(translated[code].get("value_labels", {})) == set(english["value_labels"]), f"{lang} {code}"
        for key in (k for k in INDICATOR_TEXT_KEYS if english.get(k)):
            assert translated[code].get(key), f"{lang} {code}: no {key}"
            assert numbers(translated[code][key]) == numbers(english[key]), f"{lang} {code}.{key}: numbers differ"


@pytest.mark.parametrize("lang", LANGS)
def test_every_theme_has_its_text_fields_and_facts(lang):
    translated = _translated(lang, "content/i18n/{lang}/themes.yaml")
    assert set(translated) == set(ENGLISH_THEMES)
    for slug, english in ENGLISH_THEMES.items():
        for key in THEME_TEXT_KEYS:
            assert numbers(translated[slug][key]) == numbers(english[key]), f"{lang} {slug}.{key}: numbers differ"
        facts = [fact["text"] for fact in english.get("facts", [])]
        assert len(translated[slug].get("facts", [])) == len(facts), f"{lang} {slug}: one text per fact"
        for english_text, text in zip(facts, translated[slug].get("facts", []), strict=True):
            assert numbers(text) == numbers(english_text), f"{lang} {slug} fact {english_text!r}: numbers differ"


def _glossary_lookup(translated: dict) -> dict[str, str]:
    lookup = {}
    for slug, entry in translated.items():
        for spelling in (entry["term"], *entry.get("aliases", [])):
            lookup.setdefault(slugify(spelling), slug)
    return lookup


@pytest.mark.parametrize("lang", LANGS)
def test_every_glossary_term_is_translated_and_its_links_resolve(lang):
    translated = _translated(lang, "content/i18n/{lang}/glossary.yaml")
    assert set(translated) == set(ENGLISH_GLOSSARY)
    lookup = _glossary_lookup(translated)
    for slug, english in ENGLISH_GLOSSARY.items():
        entry = translated[slug]
        assert entry["term"] and entry["definition"] and isinstance(entry.get("aliases", []), list)
        assert numbers(entry["definition"]) == numbers(english["definition"]), f"{lang} {slug}: numbers differ"
        expanded = expand_glossary_links(entry["definition"], lookup, f"{lang} glossary {slug}")
        audit_markdown(expanded, f"{lang} glossary {slug}")
        english_links = re.findall(r"\[\[", english["definition"])
        assert len(re.findall(r"\]\(/learn/glossary#", expanded)) == len(english_links), f"{lang} {slug}: links"


@pytest.mark.parametrize("lang", LANGS)
def test_the_core_explainers_are_translated(lang):
    assert all((ROOT / f"content/i18n/{lang}/learn/{slug}.md").is_file() for slug in CORE_EXPLAINERS)


TRANSLATED = sorted((p.parent.parent.name, p.stem) for p in ROOT.glob("content/i18n/*/learn/*.md"))


@pytest.mark.parametrize(("lang", "slug"), TRANSLATED)
def test_translated_explainer_keeps_front_matter_numbers_and_links(lang, slug):
    english_meta, english_body = split_front_matter((ROOT / f"content/learn/{slug}.md").read_text("utf-8"), slug)
    path = ROOT / f"content/i18n/{lang}/learn/{slug}.md"
    meta, body = split_front_matter(path.read_text("utf-8"), path.name)
    assert list(meta) == list(english_meta)
    FrontMatter.model_validate(meta)
    for key in english_meta:
        if key not in TEXT_KEYS:
            assert meta[key] == english_meta[key], f"{lang} {slug}: {key} must be copied from the English file"
    assert numbers(body) == numbers(english_body), f"{lang} {slug}: numbers in the body differ"
    assert structure(body) == structure(english_body), f"{lang} {slug}: Markdown structure differs"
    assert numbers(meta["summary"]) == numbers(english_meta["summary"])
    glossary = _translated(lang, "content/i18n/{lang}/glossary.yaml")
    audit_markdown(expand_glossary_links(body, _glossary_lookup(glossary), f"{lang} {slug}"), f"{lang} {slug}")
    shortcodes = re.compile(r"\{\{[^}]*\}\}|\{%[^%]*%\}")
    assert shortcodes.findall(body) == shortcodes.findall(english_body), f"{lang} {slug}: shortcodes changed"
    links = re.compile(r"\]\((/[^)\s]*|https?://[^)\s]*)")
    assert sorted(links.findall(body)) == sorted(links.findall(english_body)), f"{lang} {slug}: links changed"
    heading, sources = body.rsplit("\n## ", 1)[-1].split("\n", 1)
    assert heading.strip() == SOURCES_HEADING[lang], (
        f"{lang} {slug}: the last section must be '## {SOURCES_HEADING[lang]}'"
    )
    cited = " ".join(sources.split())
    for source in FrontMatter.model_validate(meta).sources:
        for part in (source.publisher, source.title, source.date):
            assert " ".join(part.split()) in cited, f"{lang} {slug}: {part!r} is not cited under the sources heading"
    expected = max(1, round(len(re.findall(r"\w+", plain_text(body))) / WORDS_PER_MINUTE))
    assert abs(meta["reading_time"] - expected) <= max(1, expected // 3), (
        f"{lang} {slug}: reading_time (English) no longer fits"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_region_and_group_has_a_name(lang):
    names = _translated(lang, "data/reference/i18n/{lang}/areas.yaml")
    with (ROOT / "data/reference/aggregates.csv").open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    groups = groupings(ROOT / "data/reference")
    codes |= {"WLD", *groups["sdg_regions"], *groups["ilo_regions"].values(), *groups["income_groups"].values()}
    codes |= set(groups["short_names"])
    missing = sorted(code for code in codes - {""} if not names.get(code))
    assert not missing, f"{lang}: no name for {missing}"
