"""Load and validate the learning space: explainers (content/learn/*.md) and the glossary (content/glossary.yaml).

An explainer is Markdown with YAML front matter validated by a pydantic model (the snehilvj/dmc-docs pattern).
Every problem raises ContentError with a message "<file>: <field>: <what is wrong>". The body may write
`[[forced labour]]` or `[[detected victim|detected victims]]` to link a glossary term; an unknown term is an
error. Links must use http(s), mailto, "/..." or "#..."; raw HTML is refused (the renderer would show it as text).
Files are read once per process (`library()`), at the first page that needs them, never at import.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from content import links

log = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent
LEARN_DIR = CONTENT_DIR / "learn"
GLOSSARY_FILE = CONTENT_DIR / "glossary.yaml"

#: The fixed topic vocabulary of explainers: slug -> label shown on /learn.
TOPICS: dict[str, str] = {
    "sdg-framework": "SDG target 8.7",
    "child-labour": "Child labour",
    "forced-labour": "Forced labour and modern slavery",
    "trafficking": "Human trafficking",
    "measurement": "Measurement and data",
    "law-and-policy": "Law, policy and commitments",
}
Topic = Literal[tuple(TOPICS)]  # type: ignore[valid-type]

WORDS_PER_MINUTE = 200
_INLINE_TEXT = {"softbreak": " ", "hardbreak": " "}
GLOSSARY_LINK = re.compile(r"\[\[([^\[\]|]+?)(?:\|([^\[\]]+?))?\]\]")
_AUDIT = MarkdownIt("commonmark", {"html": True}).enable("table")
_AUDIT.validateLink = lambda url: True  # the audit must see every link, even those markdown-it would drop


class ContentError(ValueError):
    """A content file is invalid; the message names the file and the field at fault."""


class Strict(BaseModel):
    """A model that refuses unknown fields (a typo in front matter is an error, not silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(Strict):
    """A publication an explainer relies on; cited again in the body's Sources section."""

    publisher: str = Field(min_length=2)
    title: str = Field(min_length=3)
    year: int | None = Field(ge=1900, le=2100, description="None only for an undated web page, cited 'n.d.'")
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and links.scheme(value) not in ("http", "https"):
            raise ValueError("must be an http(s) address")
        return value

    @model_validator(mode="after")
    def _traceable(self) -> Source:
        if self.year is None and self.url is None:
            raise ValueError("an undated source (year: null) needs a url")
        return self

    @property
    def date(self) -> str:
        """The year as cited: '2021', or 'n.d.' for an undated page."""
        return str(self.year) if self.year is not None else "n.d."


class FrontMatter(Strict):
    """The validated header of an explainer file."""

    title: str = Field(min_length=3, max_length=120)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    summary: str = Field(min_length=20, max_length=400)
    topics: list[Topic] = Field(min_length=1)
    related_indicators: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    last_reviewed: date
    reading_time: int = Field(ge=1, le=60, description="minutes")
    dashboards: list[str] = Field(default_factory=list, description="internal routes that use this explainer")

    @field_validator("related_indicators")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
                raise ValueError(f"{code!r} is not an indicator code (lowercase letters, digits, underscores)")
        return codes

    @field_validator("dashboards")
    @classmethod
    def _routes(cls, routes: list[str]) -> list[str]:
        for route in routes:
            if not links.is_internal_route(route):
                raise ValueError(f"{route!r} is not a platform route such as /coverage or /indicator/<code>")
        return routes

    @field_validator("last_reviewed")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("cannot be in the future")
        return value


class GlossaryTerm(Strict):
    """One glossary entry, anchored on /learn/glossary#<slug>."""

    term: str = Field(min_length=2)
    definition: str = Field(min_length=20)
    aliases: list[str] = Field(default_factory=list)
    see_also: list[str] = Field(default_factory=list, description="slugs of other glossary terms")
    explainers: list[str] = Field(default_factory=list, description="slugs of explainers to read next")

    @property
    def slug(self) -> str:
        """The anchor of the term on the glossary page."""
        return slugify(self.term)


@dataclass(frozen=True)
class Explainer:
    """A loaded explainer: validated front matter and a body whose glossary links are expanded."""

    meta: FrontMatter
    body: str
    path: Path
    words: int
    text: str  # plain text of the body, for search

    @property
    def slug(self) -> str:
        """The explainer's address part: /learn/<slug>."""
        return self.meta.slug

    @property
    def title(self) -> str:
        """The explainer's title."""
        return self.meta.title


@dataclass(frozen=True)
class Library:
    """Every explainer (by slug, ordered by title) and glossary term (by slug, ordered by term)."""

    explainers: dict[str, Explainer]
    glossary: dict[str, GlossaryTerm]
    problems: tuple[str, ...] = field(default=())

    def by_topic(self) -> dict[str, list[Explainer]]:
        """Explainers grouped under each topic of the vocabulary (an explainer may sit under several)."""
        groups: dict[str, list[Explainer]] = {topic: [] for topic in TOPICS}
        for explainer in self.explainers.values():
            for topic in explainer.meta.topics:
                groups[topic].append(explainer)
        return groups


def slugify(text: str) -> str:
    """'Forced labour' -> 'forced-labour' (accents folded, anything else becomes a hyphen)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


# -- loading -------------------------------------------------------------------------------------------
def load_glossary(path: Path = GLOSSARY_FILE) -> dict[str, GlossaryTerm]:
    """Read and validate the glossary; definitions keep their [[links]] expanded into Markdown links."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{name}: file: cannot read YAML: {exc}") from exc
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


def load_explainer(path: Path, lookup: dict[str, str]) -> Explainer:
    """Read one explainer file; raise ContentError naming the file and field at fault."""
    name = path.name
    header, body = split_front_matter(path.read_text(encoding="utf-8"), name)
    try:
        meta = FrontMatter.model_validate(header)
    except ValidationError as exc:
        raise ContentError(_validation_message(name, exc)) from exc
    if meta.slug != path.stem:
        raise ContentError(f"{name}: slug: {meta.slug!r} must equal the file name without .md ({path.stem!r})")
    body = expand_glossary_links(body, lookup, f"{name}: body")
    audit_markdown(body, f"{name}: body")
    text = plain_text(body)
    words = len(re.findall(r"\w+", text))
    expected = max(1, round(words / WORDS_PER_MINUTE))
    if abs(meta.reading_time - expected) > max(1, expected // 3):
        raise ContentError(
            f"{name}: reading_time: {meta.reading_time} min does not fit {words} words (about {expected} min)"
        )
    check_sources_cited(meta, body, name)
    return Explainer(meta=meta, body=body, path=path, words=words, text=text)


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


def load_library(learn_dir: Path = LEARN_DIR, glossary_file: Path = GLOSSARY_FILE, strict: bool = True) -> Library:
    """Load every explainer and the glossary. strict: raise on the first problem; else skip bad files and list them."""
    glossary = load_glossary(glossary_file)
    lookup = term_lookup(glossary)
    explainers: dict[str, Explainer] = {}
    problems: list[str] = []
    for path in sorted(learn_dir.glob("*.md")):
        try:
            explainer = load_explainer(path, lookup)
        except (ContentError, OSError, UnicodeDecodeError) as exc:
            if strict:
                raise ContentError(str(exc)) from exc
            problems.append(str(exc))
            continue
        explainers[explainer.slug] = explainer
    problems += cross_check(explainers, glossary, glossary_file.name)
    if strict and problems:
        raise ContentError(problems[0])
    for problem in problems:
        log.error("learning-space content problem: %s", problem)
    ordered = dict(sorted(explainers.items(), key=lambda item: item[1].title.casefold()))
    return Library(explainers=ordered, glossary=glossary, problems=tuple(problems))


@functools.lru_cache(maxsize=4)
def library(learn_dir: Path = LEARN_DIR, glossary_file: Path = GLOSSARY_FILE) -> Library:
    """The content, read once per process; a bad file is skipped and reported rather than taking pages down."""
    return load_library(learn_dir, glossary_file, strict=False)


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


def check_sources_cited(meta: FrontMatter, body: str, name: str) -> None:
    """The body must end with a '## Sources' section citing every source's publisher, title and year."""
    tokens = _AUDIT.parse(body)
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    if not headings or tokens[headings[-1] + 1].content.strip().casefold() != "sources":
        raise ContentError(f"{name}: body: the last section must be '## Sources'")
    section = _squash(" ".join(t.content for t in tokens[headings[-1] + 2 :] if t.type == "inline"))
    for index, source in enumerate(meta.sources):
        for part in (source.publisher, source.title, source.date):
            if _squash(part) not in section:
                raise ContentError(f"{name}: sources.{index}: {part!r} is not cited in the body's Sources section")


def cross_check(explainers: dict[str, Explainer], glossary: dict[str, GlossaryTerm], glossary_name: str) -> list[str]:
    """Links between content files must resolve: /learn/<slug>, glossary anchors, glossary -> explainers."""
    problems = []
    for explainer in explainers.values():
        for href in internal_links(explainer.body):
            problem = links.check_content_link(href, explainers, glossary)
            if problem:
                problems.append(f"{explainer.path.name}: body: {problem}")
    for term in glossary.values():
        for slug in term.explainers:
            if slug not in explainers:
                problems.append(f"{glossary_name}: terms[{term.term!r}].explainers: no explainer {slug!r}")
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
        loc = prefix + ".".join(str(p) for p in error["loc"]) if error["loc"] else prefix.rstrip(".") or "front matter"
        parts.append(f"{name}: {loc}: {error['msg']}")
    return "; ".join(parts)
