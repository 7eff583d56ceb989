"""Load and validate everything the pages read from files: explainers, forum articles, the glossary, themes,
indicator definitions.

An explainer (content/learn/*.md) is Markdown with YAML front matter validated by a pydantic model (the
snehilvj/dmc-docs pattern); the glossary (content/glossary.yaml) and the themes (content/themes.yaml) are YAML
validated the same way (content/models.py). Every problem raises ContentError with a message
"<file>: <field>: <what is wrong>". The body may write `[[forced labour]]` or `[[detected victim|detected
victims]]` to link a glossary term; an unknown term is an error. Links must use http(s), mailto, "/..." or
"#..."; raw HTML is refused (the renderer would show it as text). A forum article (content/forum/*.md) is
loaded the same way, with its own front matter (content.models.ArticleMeta); its `{{figure ...}}` and
`{{chart ...}}` shortcodes (content/shortcodes.py) are left for the renderer, which shows a notice for a bad
one, and for `delta87 content check` (content/check.py), which reports it. Files are read once per process
(`library()`), at the first page that needs them, never at import.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from pydantic import ValidationError

import config
from content import links, shortcodes
from content.models import (
    Article,
    ArticleMeta,
    ContentError,
    Explainer,
    FrontMatter,
    GlossaryTerm,
    Library,
    Theme,
    slugify,
)

log = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent
LEARN_DIR = CONTENT_DIR / "learn"
GLOSSARY_FILE = CONTENT_DIR / "glossary.yaml"
THEMES_FILE = CONTENT_DIR / "themes.yaml"
FORUM_DIR = CONTENT_DIR / "forum"
CONTRIBUTING_FILE = CONTENT_DIR / "contributing.md"

WORDS_PER_MINUTE = 200
#: The last section's heading of an explainer or article: "Sources" (English, French) or "Fuentes" (Spanish).
SOURCES_HEADINGS = ("sources", "fuentes")
_INLINE_TEXT = {"softbreak": " ", "hardbreak": " "}
GLOSSARY_LINK = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")
_AUDIT = MarkdownIt("commonmark", {"html": True}).enable("table").use(shortcodes.plugin)
_AUDIT.validateLink = lambda url: True  # the audit must see every link, even those markdown-it would drop


# -- loading -------------------------------------------------------------------------------------------
def load_glossary(path: Path = GLOSSARY_FILE) -> dict[str, GlossaryTerm]:
    """Read and validate the glossary; definitions keep their [[links]] expanded into Markdown links."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContentError(f"{name}: file: {config.unreadable(exc)}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise ContentError(f"{name}: terms: expected a top-level 'terms:' list")
    terms: dict[str, GlossaryTerm] = {}
    for index, raw in enumerate(data["terms"]):
        try:
            term = GlossaryTerm.model_validate(raw)
        except ValidationError as exc:
            raise ContentError(_validation_message(name, exc, prefix=f"terms.{index}.")) from exc
        if term.slug in terms:
            raise ContentError(f"{name}: terms.{index}.term: duplicate term {term.term!r}")
        terms[term.slug] = term
    lookup = term_lookup(terms)
    for index, term in enumerate(terms.values()):
        where = f"{name}: terms.{index}"
        for other in term.see_also:
            if other not in terms:
                raise ContentError(f"{where}.see_also: unknown glossary term {other!r}")
        definition = expand_glossary_links(term.definition, lookup, f"{where}.definition")
        audit_markdown(definition, f"{where}.definition")
        terms[term.slug] = term.model_copy(update={"definition": definition})
    return dict(sorted(terms.items(), key=lambda item: item[1].term.casefold()))


def term_lookup(terms: dict[str, GlossaryTerm]) -> dict[str, str]:
    """Every spelling a body may use in [[...]] (slugified term or alias) -> the term's slug."""
    lookup: dict[str, str] = {}
    for slug, term in terms.items():
        for spelling in (term.term, *term.aliases):
            lookup.setdefault(slugify(spelling), slug)
    return lookup


def _read_document(path: Path, model, lookup: dict[str, str]):
    """Front matter validated by `model`, body with glossary links expanded and audited, its plain text and words."""
    name = path.name
    header, body = split_front_matter(path.read_text(encoding="utf-8"), name)
    try:
        meta = model.model_validate(header)
    except ValidationError as exc:
        raise ContentError(_validation_message(name, exc)) from exc
    if meta.slug != path.stem:
        raise ContentError(f"{name}: slug: {meta.slug!r} must equal the file name without .md ({path.stem!r})")
    body = expand_glossary_links(body, lookup, f"{name}: body")
    audit_markdown(body, f"{name}: body")
    text = plain_text(body)
    return meta, body, text, len(re.findall(r"\w+", text))


def load_explainer(path: Path, lookup: dict[str, str]) -> Explainer:
    """Read one explainer file; raise ContentError naming the file and field at fault."""
    meta, body, text, words = _read_document(path, FrontMatter, lookup)
    expected = max(1, round(words / WORDS_PER_MINUTE))
    if abs(meta.reading_time - expected) > max(1, expected // 3):
        raise ContentError(
            f"{path.name}: reading_time: {meta.reading_time} min does not fit {words} words (about {expected} min)"
        )
    check_sources_cited(meta, body, path.name)
    return Explainer(meta=meta, body=body, path=path, words=words, text=text)


def load_article(path: Path, lookup: dict[str, str]) -> Article:
    """Read one forum article; raise ContentError naming the file and field at fault."""
    meta, body, text, words = _read_document(path, ArticleMeta, lookup)
    check_sources_cited(meta, body, path.name)
    return Article(meta=meta, body=body, path=path, words=words, text=text)


def load_files(folder: Path, load, lookup: dict[str, str], strict: bool) -> tuple[dict, list[str]]:
    """Every *.md file of a folder read with `load`, by slug; strict: raise on the first problem, else list it."""
    loaded, problems = {}, []
    for path in sorted(folder.glob("*.md")):
        try:
            item = load(path, lookup)
        except (ContentError, OSError, UnicodeDecodeError) as exc:
            message = str(exc) if isinstance(exc, ContentError) else f"{path.name}: file: {config.unreadable(exc)}"
            if strict:
                raise ContentError(message) from exc
            problems.append(message)
            continue
        loaded[item.slug] = item
    return loaded, problems


def split_front_matter(text: str, name: str) -> tuple[dict, str]:
    """Split '---\\n<yaml>\\n---\\n<markdown>' into the parsed header and the body."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.DOTALL)
    if not match:
        raise ContentError(f"{name}: front matter: the file must start with a YAML block between '---' lines")
    try:
        header = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: front matter: invalid YAML: {exc}") from exc
    if not isinstance(header, dict):
        raise ContentError(f"{name}: front matter: expected 'field: value' lines")
    return header, match.group(2)


def load_themes(path: Path = THEMES_FILE) -> dict[str, Theme]:
    """Read and validate the themes file; raise ContentError naming the theme and field at fault."""
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: file: {config.unreadable(exc)}") from exc
    if not isinstance(entries, list):
        raise ContentError(f"{path.name}: themes: expected a list of themes")
    themes: dict[str, Theme] = {}
    for index, entry in enumerate(entries):
        where = entry.get("slug", f"entry {index + 1}") if isinstance(entry, dict) else f"entry {index + 1}"
        try:
            theme = Theme.model_validate(entry)
        except ValidationError as exc:
            raise ContentError(_validation_message(path.name, exc, prefix=f"theme {where}: ")) from exc
        if theme.slug in themes:
            raise ContentError(f"{path.name}: theme {theme.slug}: defined twice")
        themes[theme.slug] = theme
    return themes


def load_library(
    learn_dir: Path = LEARN_DIR,
    glossary_file: Path = GLOSSARY_FILE,
    themes_file: Path = THEMES_FILE,
    strict=True,
    forum_dir: Path = FORUM_DIR,
) -> Library:
    """Load every explainer, forum article, the glossary and the themes. strict: raise on the first problem; else
    skip bad files and list them."""
    glossary = load_glossary(glossary_file)
    lookup = term_lookup(glossary)
    explainers, problems = load_files(learn_dir, load_explainer, lookup, strict)
    articles, more = load_files(forum_dir, load_article, lookup, strict)
    problems += more
    try:
        themes = load_themes(themes_file)
    except ContentError as exc:
        if strict:
            raise
        themes, problems = {}, [*problems, str(exc)]
    problems += cross_check(explainers, glossary, glossary_file.name, articles)
    problems += check_articles(articles, themes)
    if strict and problems:
        raise ContentError(problems[0])
    for problem in problems:
        log.error("content problem: %s", problem)
    ordered = dict(sorted(explainers.items(), key=lambda item: item[1].title.casefold()))
    newest = dict(sorted(articles.items(), key=lambda item: (item[1].meta.date, item[0]), reverse=True))
    return Library(explainers=ordered, glossary=glossary, themes=themes, problems=tuple(problems), articles=newest)


@functools.lru_cache(maxsize=4)
def library(
    learn_dir: Path = LEARN_DIR,
    glossary_file: Path = GLOSSARY_FILE,
    themes_file: Path = THEMES_FILE,
    forum_dir: Path = FORUM_DIR,
) -> Library:
    """The content, read once per process; a bad file is skipped and reported rather than taking pages down."""
    return load_library(learn_dir, glossary_file, themes_file, strict=False, forum_dir=forum_dir)


@functools.lru_cache(maxsize=2)
def contributing_guide(path: Path = CONTRIBUTING_FILE) -> str:
    """The forum's guide for authors (Markdown, no front matter), audited like every content file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path.name}: file: {config.unreadable(exc)}") from exc
    audit_markdown(text, f"{path.name}: body")
    return text


def indicator_definitions() -> list[dict]:
    """The entries of the staff reference file data/reference/indicators.yaml ([] when it cannot be read).

    Pages take indicators from the release; this is what they name when no release can be served yet.
    """
    path = config.settings().reference_dir / "indicators.yaml"
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return []
    return [e for e in entries if isinstance(e, dict) and e.get("code")]


# -- checks --------------------------------------------------------------------------------------------
def expand_glossary_links(markdown: str, lookup: dict[str, str], where: str) -> str:
    """Turn [[term]] / [[term|text]] into [text](/learn/glossary#slug); an unknown term is a ContentError."""

    def replace(match: re.Match) -> str:
        term, text = match.group(1).strip(), (match.group(2) or match.group(1)).strip()
        slug = lookup.get(slugify(term))
        if slug is None:
            raise ContentError(f"{where}: unknown glossary term [[{term}]] (add it to glossary.yaml)")
        return f"[{text}]({links.GLOSSARY_ROUTE}#{slug})"

    return GLOSSARY_LINK.sub(replace, markdown)


def audit_markdown(markdown: str, where: str) -> None:
    """Refuse raw HTML and any link or image whose address is not http(s), mailto, '/...' or '#...'."""
    for token in _walk(_AUDIT.parse(markdown)):
        if token.type in ("html_block", "html_inline"):
            snippet = token.content.strip().splitlines()[0][:60]
            raise ContentError(f"{where}: raw HTML is not allowed ({snippet!r}); write Markdown instead")
        address = token.attrGet("href") if token.type == "link_open" else None
        if token.type == "image":
            address = token.attrGet("src")
        if address is not None and links.safe_href(str(address)) is None:
            raise ContentError(
                f"{where}: unsafe or unsupported link {str(address)[:80]!r} (use http(s), mailto, / or #)"
            )


def check_sources_cited(meta: FrontMatter | ArticleMeta, body: str, name: str) -> None:
    """The body must end with a '## Sources' section citing every source's publisher, title and year."""
    tokens = _AUDIT.parse(body)
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    if not headings or tokens[headings[-1] + 1].content.strip().casefold() not in SOURCES_HEADINGS:
        raise ContentError(f"{name}: body: the last section must be '## Sources'")
    section = _squash(" ".join(t.content for t in tokens[headings[-1] + 2 :] if t.type == "inline"))
    for index, source in enumerate(meta.sources):
        for part in (source.publisher, source.title, source.date):
            if _squash(part) not in section:
                raise ContentError(f"{name}: sources.{index}: {part!r} is not cited in the body's Sources section")


def cross_check(
    explainers: dict[str, Explainer], glossary: dict[str, GlossaryTerm], glossary_name: str, articles: dict
) -> list[str]:
    """Links between content files must resolve: /learn/<slug>, /forum/<slug>, glossary anchors, glossary ->
    explainers."""
    problems = []
    for item in [*explainers.values(), *articles.values()]:
        for href in internal_links(item.body):
            problem = links.check_content_link(href, explainers, glossary, articles)
            if problem:
                problems.append(f"{item.path.name}: body: {problem}")
    for term in glossary.values():
        for slug in term.explainers:
            if slug not in explainers:
                problems.append(f"{glossary_name}: terms[{term.term!r}].explainers: no explainer {slug!r}")
    return problems


def indicator_explainer_problems(explainers: dict[str, Explainer]) -> list[str]:
    """Every explainer an indicator of data/reference/indicators.yaml names must exist (the ETL checks only the
    slug's form: it does not read content)."""
    return [
        f"indicators.yaml: {entry['code']}.explainer: no explainer {entry['explainer']!r} in content/learn"
        for entry in indicator_definitions()
        if entry.get("explainer") and entry["explainer"] not in explainers
    ]


def check_articles(articles: dict[str, Article], themes: dict[str, Theme]) -> list[str]:
    """An article's theme tags must name themes, and the article it responds to must exist (and not be itself)."""
    problems = []
    for article in articles.values():
        name, meta = article.path.name, article.meta
        for index, slug in enumerate(meta.tags.themes):
            if themes and slug not in themes:
                problems.append(f"{name}: tags.themes.{index}: unknown theme {slug!r} (themes: {', '.join(themes)})")
        answered = articles.get(meta.responds_to or "")
        if meta.responds_to is not None and (answered is None or answered is article):
            problems.append(f"{name}: responds_to: no other forum article {meta.responds_to!r}")
        elif answered is not None and answered.meta.date > meta.date:
            problems.append(f"{name}: responds_to: {meta.responds_to!r} is dated after this article")
    return problems


def internal_links(markdown: str) -> list[str]:
    """Every '/...' or '#...' link address in a Markdown text."""
    found = []
    for token in _walk(_AUDIT.parse(markdown)):
        if token.type == "link_open":
            href = str(token.attrGet("href"))
            if href.startswith(("/", "#")):
                found.append(href)
    return found


def markdown_tokens(markdown: str) -> list:
    """The parsed token stream of a Markdown text (shortcodes as `shortcode` tokens), for checks."""
    return _AUDIT.parse(markdown)


def plain_text(markdown: str) -> str:
    """The words of a Markdown text without its syntax (for search and word counts), one block per sentence run."""
    blocks = []
    for token in _AUDIT.parse(markdown):
        if token.type == "inline":
            pieces = [
                _INLINE_TEXT.get(c.type, c.content if c.type in ("text", "code_inline") else "")
                for c in token.children or []
            ]
            blocks.append("".join(pieces))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
    return " ".join(block.strip() for block in blocks if block.strip())


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_`]", "", text)).strip().casefold()


def _validation_message(name: str, exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for error in exc.errors():
        loc = prefix + ".".join(str(p) for p in error["loc"]) if error["loc"] else prefix.rstrip(". ") or "front matter"
        parts.append(f"{name}: {loc}: {error['msg']}")
    return "; ".join(parts)
