"""Search across countries, indicators, themes, explainers and glossary terms, with results grouped by kind.

Countries and indicators come from the served release (memoised per release id, so a new release is searched
at once); when there is no release, indicators fall back to data/reference/indicators.yaml. Explainers, the
glossary and themes come from the content files. Matching folds case and accents and ignores spaces, so
"Viet Nam", "vietnam" and "VNM" all find the same country, and keeps dotted codes whole ("8.7.1").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from content import translations
from content.loader import indicator_definitions, plain_text
from content.models import ContentError
from dashboards import _components as c
from dashboards import _data
from warehouse import Release, ReleaseError
from web import i18n
from web.i18n import N_

KINDS = {
    "country": N_("Countries"),
    "indicator": N_("Indicators"),
    "theme": N_("Themes"),
    "explainer": N_("Explainers"),
    "glossary": N_("Glossary terms"),
    "article": N_("Forum articles"),
}
STOPWORDS = frozenset(
    "a an and are as at by for from how in is it of on or the to what when which who why with".split()
)
MIN_QUERY = 2


@dataclass(frozen=True)
class Entry:
    """Something a search can find: names match strongly, body text weakly."""

    kind: str
    title: str
    href: str
    names: tuple[str, ...]  # normalised names, aliases and codes
    words: frozenset[str] = frozenset()  # normalised words of the body text
    snippet: str = ""
    text: str = ""  # the body text as written, for excerpts
    lang: str = ""  # "en" for a piece shown untranslated on a page in another language


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    title: str
    href: str
    snippet: str
    score: int
    lang: str = ""


@dataclass
class Results:
    """The answer to one query: hits per kind (best first), and notes on what could not be searched."""

    query: str
    groups: dict[str, list[Hit]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many hits in all groups."""
        return sum(len(hits) for hits in self.groups.values())


# -- text --------------------------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """Lower case, accents folded, punctuation to spaces (dots inside codes kept): 'Côte d'Ivoire' -> 'cote d ivoire'."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    return " ".join(tokens_of(folded))


def tokens_of(folded: str) -> list[str]:
    """Words and dotted codes of an already folded text."""
    return re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*", folded)


def tokens(text: str) -> list[str]:
    """The words of a text after normalising."""
    return normalise(text).split()


# -- scoring -----------------------------------------------------------------------------------------------
def score(entry: Entry, query: str) -> int:
    """0 (no match) to 100 (a name equals the query, spaces ignored)."""
    q = normalise(query)
    compact = q.replace(" ", "")
    if not q:
        return 0
    best = 0
    for name in entry.names:
        if name == q or name.replace(" ", "") == compact:
            return 100
        if name.startswith(q):
            best = max(best, 80)
        elif len(q) >= 3 and f" {q}" in f" {name}":
            best = max(best, 60)
    wanted = [t for t in q.split() if t not in STOPWORDS] or q.split()
    name_words = {w for name in entry.names for w in name.split()}
    if all(any(w.startswith(t) for w in name_words) for t in wanted):
        best = max(best, 50)
    if best == 0 and entry.words and all(_in_words(t, entry.words) for t in wanted if t not in STOPWORDS):
        if any(t not in STOPWORDS for t in wanted):
            best = 20
    return best


def _in_words(token: str, words: frozenset[str]) -> bool:
    # Whole words for short tokens; a prefix for longer ones ("traffick" finds "trafficking").
    return token in words or (len(token) >= 4 and any(w.startswith(token) for w in words))


def excerpt(text: str, query: str, width: int = 90) -> str:
    """The part of a text around the first query word, for a result line."""
    wanted = [t for t in tokens(query) if t not in STOPWORDS]
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    positions = [folded.find(t) for t in wanted if folded.find(t) >= 0]
    if not positions:
        return text[: 2 * width].strip() + ("…" if len(text) > 2 * width else "")
    start = max(0, min(positions) - width)
    end = min(len(text), min(positions) + width)
    piece = text[start:end]
    if start:  # cut at word boundaries, not in the middle of a word
        piece = piece.split(" ", 1)[-1]
    if end < len(text):
        piece = piece.rsplit(" ", 1)[0]
    return ("…" if start else "") + piece.strip() + ("…" if end < len(text) else "")


# -- the index ---------------------------------------------------------------------------------------------
@_data.memo
def warehouse_entries(release: Release) -> list[Entry]:
    """Countries (names, official names, aliases, ISO codes) and indicators (names, codes, SDG codes)."""
    entries = []
    for row in _data.countries(release).to_dict("records"):
        aliases = _str(row.get("aliases")).split("|")
        names = [row["name"], row.get("official_name"), *aliases, row["iso3"], row.get("iso2")]
        entries.append(
            Entry("country", str(row["name"]), f"/country/{row['iso3']}", _names(names), snippet=row["iso3"])
        )
    entries += [_indicator_entry(row) for row in _data.indicators(release).to_dict("records")]
    return entries


def reference_indicator_entries() -> list[Entry]:
    """Indicators from the staff reference file, used when no release is available."""
    return [_indicator_entry(row) for row in indicator_definitions()]


def _indicator_entry(row: dict) -> Entry:
    sdg = _str(row.get("sdg_indicator"))
    names = [row.get("name"), row.get("short_name"), row["code"], sdg]
    unit = c.unit_label(_str(row.get("unit")))  # "%", "nombre": as the indicator page words it
    snippet = " · ".join(p for p in (_("SDG %(sdg)s", sdg=sdg) if sdg else "", unit, row["code"]) if p)
    definition = _str(row.get("definition"))
    return Entry(
        "indicator",
        _str(row.get("name")) or row["code"],
        f"/indicator/{row['code']}",
        _names(names),
        frozenset(tokens(definition)),
        snippet,
        definition,
    )


def content_entries() -> tuple[Entry, ...]:
    """Explainers (title, summary and body), glossary terms, themes and articles in the page's language."""
    return _content_entries(i18n.lang())


@functools.lru_cache(maxsize=4)
def _content_entries(lang: str) -> tuple[Entry, ...]:
    """The content entries of one language, read from the content files once (English where not translated)."""
    translated = translations.library(lang)
    lib, missing = translated.library, translated.missing

    def english(kind: str, slug: str) -> str:
        return "en" if f"{kind}:{slug}" in missing else ""

    entries = [
        Entry("explainer", e.title, f"/learn/{e.slug}", _names([e.title, e.slug]),
              frozenset(tokens(f"{e.meta.summary} {e.text}")), e.meta.summary, e.text, english("explainer", e.slug))
        for e in lib.explainers.values()
    ]  # fmt: skip
    entries += [
        Entry("glossary", t.term, f"/learn/glossary#{t.slug}", _names([t.term, *t.aliases]),
              frozenset(tokens(plain_text(t.definition))), _shorten(plain_text(t.definition)), plain_text(t.definition),
              english("glossary", t.slug))
        for t in lib.glossary.values()
    ]  # fmt: skip
    entries += [
        Entry("theme", t.title, f"/theme/{t.slug}", _names([t.title, t.slug]), frozenset(tokens(t.summary)), t.summary,
              lang=english("theme", t.slug))
        for t in lib.themes.values()
    ]  # fmt: skip
    entries += [
        Entry("article", a.title, f"/forum/{a.slug}", _names([a.title, a.slug]),
              frozenset(tokens(f"{a.meta.summary} {a.text}")), a.meta.summary, a.text, english("article", a.slug))
        for a in lib.articles.values()
    ]  # fmt: skip
    return tuple(entries)


def _shorten(text: str, limit: int = 200) -> str:
    """At most `limit` characters, cut at a word boundary."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _names(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (normalise(v) for v in map(_str, values) if v) if n))


def _str(value) -> str:
    """A table cell as text: missing values (None, NaN) become ''."""
    return value.strip() if isinstance(value, str) else ""


def all_entries() -> tuple[list[Entry], list[str]]:
    """Every searchable entry, and notes on sources that could not be searched."""
    notes: list[str] = []
    try:
        entries = list(content_entries())
    except ContentError as exc:
        entries, notes = [], [_("Explainers and glossary are unavailable: %(exc)s", exc=exc)]
    try:
        entries += warehouse_entries(_data.release())
    except ReleaseError:
        entries += reference_indicator_entries()
        notes.append(
            _("Countries become searchable once a data release is published; indicators come from the reference list.")
        )
    return entries, notes


def search(query: str, limit: int = 10) -> Results:
    """Hits grouped by kind in KINDS order, best first, at most `limit` per kind."""
    results = Results(query=(query or "").strip())
    if len(normalise(results.query).replace(" ", "")) < MIN_QUERY:
        return results
    entries, results.notes = all_entries()
    for kind in KINDS:
        hits = []
        for entry in entries:
            if entry.kind != kind:
                continue
            points = score(entry, results.query)
            if points:
                snippet = excerpt(entry.text, results.query) if points == 20 and entry.text else entry.snippet
                hits.append(Hit(kind, entry.title, entry.href, snippet, points, entry.lang))
        hits.sort(key=lambda h: (-h.score, h.title.casefold()))
        if hits:
            results.groups[kind] = hits[:limit]
    return results
