"""The content types: explainer and forum article front matter, glossary terms, themes, and the loaded Library.

Every model refuses unknown fields, so a typo in a content file is an error naming the field, not a value
silently ignored. content/loader.py reads the files into these.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from content import links
from warehouse.releases import RELEASE_ID

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
        return indicator_codes(codes)

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


class Fact(Strict):
    """A key fact: one observation named by its key; the number comes from the warehouse."""

    indicator: str
    area: str = "WLD"
    year: int
    sex: str = "total"
    age: str
    text: str = Field(min_length=3)


class Chart(Strict):
    """The chart of a theme page: some indicators for one area."""

    indicators: list[str] = Field(min_length=1)
    area: str = "WLD"


class Theme(Strict):
    """One thematic area (content/themes.yaml)."""

    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    pillar: bool = False
    summary: str = Field(min_length=20)
    indicators: list[str] = Field(min_length=1)
    explainers: list[str] = []
    chart: Chart | None = None
    facts: list[Fact] = []


#: Platform licence of forum articles' text (the contributing page explains it).
ARTICLE_LICENCE = "CC BY 4.0"
#: Slugs the forum's own pages use under /forum/.
RESERVED_SLUGS = frozenset({"contribute", "feed"})


class Author(Strict):
    """An author of a forum article: a person or a team, with the organisation they write for."""

    name: str = Field(min_length=2, max_length=120)
    affiliation: str = Field(min_length=2, max_length=200)


class Tags(Strict):
    """What an article is about: countries by ISO3, indicators by code, themes by slug (at least one tag)."""

    countries: list[str] = Field(default_factory=list)
    indicators: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)

    @field_validator("countries")
    @classmethod
    def _iso3(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise ValueError(f"{code!r} is not an ISO3 country code (three upper-case letters)")
        return codes

    @field_validator("indicators")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        return indicator_codes(codes)

    @model_validator(mode="after")
    def _some(self) -> Tags:
        if not (self.countries or self.indicators or self.themes):
            raise ValueError("give at least one country, indicator or theme")
        return self


class ArticleMeta(Strict):
    """The validated header of a forum article (content/forum/<slug>.md)."""

    title: str = Field(min_length=3, max_length=140)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    date: dt.date
    summary: str = Field(min_length=20, max_length=400)
    authors: list[Author] = Field(min_length=1)
    tags: Tags
    responds_to: str | None = Field(default=None, description="slug of the article this one answers")
    release: str = Field(pattern=RELEASE_ID.pattern, description="the data release the article was written against")
    sources: list[Source] = Field(min_length=1)
    licence: Literal["CC BY 4.0"] = ARTICLE_LICENCE

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise ValueError(f"{slug!r} is the address of a forum page; choose another slug")
        return slug

    @field_validator("date")
    @classmethod
    def _not_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise ValueError("cannot be in the future")
        return value


@dataclass(frozen=True)
class Article:
    """A loaded forum article: validated front matter and its Markdown body (shortcodes still in place)."""

    meta: ArticleMeta
    body: str
    path: Path
    words: int
    text: str  # plain text of the body, for search

    @property
    def slug(self) -> str:
        """The article's address part: /forum/<slug>."""
        return self.meta.slug

    @property
    def title(self) -> str:
        """The article's title."""
        return self.meta.title

    @property
    def reading_time(self) -> int:
        """Minutes, at 200 words a minute."""
        return max(1, round(self.words / 200))


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
    """Every explainer (by slug, ordered by title), glossary term (by slug, ordered by term), theme (by slug) and
    forum article (by slug, newest first)."""

    explainers: dict[str, Explainer]
    glossary: dict[str, GlossaryTerm]
    themes: dict[str, Theme] = field(default_factory=dict)
    problems: tuple[str, ...] = field(default=())
    articles: dict[str, Article] = field(default_factory=dict)  # newest first

    def by_topic(self) -> dict[str, list[Explainer]]:
        """Explainers grouped under each topic of the vocabulary (an explainer may sit under several)."""
        groups: dict[str, list[Explainer]] = {topic: [] for topic in TOPICS}
        for explainer in self.explainers.values():
            for topic in explainer.meta.topics:
                groups[topic].append(explainer)
        return groups


def indicator_codes(codes: list[str]) -> list[str]:
    """The codes, if each is written like an indicator code; else ValueError naming the first that is not."""
    for code in codes:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise ValueError(f"{code!r} is not an indicator code (lowercase letters, digits, underscores)")
    return codes


def slugify(text: str) -> str:
    """'Forced labour' -> 'forced-labour' (accents folded, anything else becomes a hyphen)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
