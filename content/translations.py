"""Translated content: the English library with each piece that has a translation under `content/i18n/<lang>/`
replaced by it, and the names of the pieces that are still in English.

The files (written by the team; English files stay untouched): `glossary.yaml` (English term slug -> term,
definition, aliases), `themes.yaml` (slug -> title, summary, facts: the text of each key fact in the English
order), `learn/<slug>.md` (an explainer with the English front matter keys and a translated body), `contributing.md`
(the forum's guide for authors). A translated
body's `[[...]]` links name a translated term or alias (English spellings still work). A translation that
cannot be read is logged and the English piece is shown instead, so pages never go down over it.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from pathlib import Path

import yaml

from content import loader
from content.models import ContentError, Library

log = logging.getLogger(__name__)

I18N_DIR = loader.CONTENT_DIR / "i18n"


@dataclasses.dataclass(frozen=True)
class Translated:
    """A language's library and the pieces of it still in English ("explainer:<slug>", "glossary:<slug>",
    "theme:<slug>", "article:<slug>")."""

    library: Library
    missing: frozenset[str]


def library(lang: str) -> Translated:
    """The content in `lang` (read once per process and language); English is the library itself."""
    return _library(lang, I18N_DIR)


@functools.lru_cache(maxsize=4)
def _library(lang: str, folder: Path) -> Translated:
    english = loader.library()
    if lang == "en":
        return Translated(english, frozenset())
    base = folder / lang
    glossary, missing = _glossary(english, mapping(base / "glossary.yaml"))
    lookup = {**loader.term_lookup(english.glossary), **loader.term_lookup(glossary)}
    explainers = {}
    for slug, explainer in english.explainers.items():
        path = base / "learn" / f"{slug}.md"
        explainers[slug] = _explainer(path, lookup) or explainer
        if explainers[slug] is explainer:
            missing.add(f"explainer:{slug}")
    themes = {}
    for slug, theme in english.themes.items():
        text = mapping(base / "themes.yaml").get(slug)
        themes[slug] = _theme(theme, text) if isinstance(text, dict) else theme
        if not isinstance(text, dict):
            missing.add(f"theme:{slug}")
    missing |= {f"article:{slug}" for slug in english.articles}
    translated = dataclasses.replace(english, explainers=explainers, glossary=glossary, themes=themes)
    return Translated(translated, frozenset(missing))


@functools.lru_cache(maxsize=16)
def mapping(path: Path) -> dict:
    """A translation's YAML mapping file ({} when it is absent or unreadable, which is logged): also the
    reader of the reference translations (dataproduct/labels.py)."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        log.error("translation %s unreadable, English shown: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _glossary(english: Library, texts: dict) -> tuple[dict, set[str]]:
    """The glossary with translated terms, aliases and definitions; the slugs without a translation."""
    terms, missing = {}, set()
    for slug, term in english.glossary.items():
        text = texts.get(slug)
        if not isinstance(text, dict) or not text.get("term") or not text.get("definition"):
            terms[slug], missing = term, missing | {f"glossary:{slug}"}
            continue
        aliases = [str(a) for a in text.get("aliases") or []]
        terms[slug] = term.model_copy(update={"term": str(text["term"]), "aliases": aliases, "definition": ""})
    lookup = {**loader.term_lookup(english.glossary), **loader.term_lookup(terms)}
    for slug, term in terms.items():
        if term.definition:
            continue
        try:
            definition = loader.expand_glossary_links(str(texts[slug]["definition"]), lookup, f"glossary {slug}")
        except ContentError as exc:
            log.error("translated glossary term %s: %s; English shown", slug, exc)
            terms[slug], missing = english.glossary[slug], missing | {f"glossary:{slug}"}
            continue
        terms[slug] = term.model_copy(update={"definition": definition})
    return dict(sorted(terms.items(), key=lambda item: item[1].term.casefold())), missing


def _explainer(path: Path, lookup: dict[str, str]):
    if not path.exists():
        return None
    try:
        return loader.load_explainer(path, lookup)
    except (ContentError, OSError) as exc:
        log.error("translated explainer %s: %s; English shown", path, exc)
        return None


def _theme(theme, text: dict):
    """A theme with its translated title, summary and key-fact texts (figures and codes stay the English file's)."""
    facts = list(theme.facts)
    for index, fact_text in enumerate(text.get("facts") or []):
        if index < len(facts) and isinstance(fact_text, str) and fact_text:
            facts[index] = facts[index].model_copy(update={"text": fact_text})
    return theme.model_copy(
        update={
            "title": str(text.get("title") or theme.title),
            "summary": str(text.get("summary") or theme.summary),
            "facts": facts,
        }
    )


@functools.lru_cache(maxsize=4)
def contributing_guide(lang: str) -> tuple[str, bool]:
    """The forum's guide for authors in `lang` and whether it is translated (else the English text, False)."""
    path = I18N_DIR / lang / "contributing.md"
    if lang != "en" and path.exists():
        try:
            return loader.contributing_guide(path), True
        except ContentError as exc:
            log.error("translated guide %s: %s; English shown", path, exc)
    return loader.contributing_guide(), lang == "en"
