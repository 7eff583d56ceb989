"""Forum pieces shared by the forum pages and the country, indicator and theme pages: articles by tag, article
cards, tag links, related articles and responses, and the "From the forum" section.

Articles come from the content files (content/forum/*.md, read once per process); tag labels (country and
indicator names) from the served release, falling back to the codes when no release can be read.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import ngettext

from content.loader import indicator_definitions
from content.models import Article, ContentError
from dashboards import _data
from dashboards._content import library, untranslated
from warehouse import ReleaseError
from web import i18n
from web.i18n import N_

#: Filter parameters of /forum, in the order they appear in a URL, and the tag list each one reads.
FILTERS = {"theme": "themes", "country": "countries", "indicator": "indicators"}
#: Articles listed in a "From the forum" section before the link to all of them.
SECTION_SIZE = 3
#: Authors' names and affiliations that are ours (the platform's team), shown in the page's language.
OUR_NAMES = (N_("Delta 8.7 editorial team"), N_("Delta 8.7 data platform"))


def articles() -> dict[str, Article]:
    """Every article, newest first ({} when the content cannot be read: the pages say so)."""
    try:
        return library().articles
    except ContentError:
        return {}


def exists(slug: str) -> bool:
    """Whether /forum/<slug> names an article."""
    return slug in articles()


def tagged(items, **filters: str | None) -> list[Article]:
    """The articles carrying every given tag, e.g. tagged(items, country="NPL", theme="child-labour")."""
    chosen = list(items)
    for name, value in filters.items():
        if value:
            chosen = [a for a in chosen if value in getattr(a.meta.tags, FILTERS[name])]
    return chosen


def forum_href(**filters: str | None) -> str:
    """The /forum address showing the articles with these tags (shareable)."""
    query = {name: filters[name] for name in FILTERS if filters.get(name)}
    return "/forum" + (f"?{urlencode(query)}" if query else "")


# -- labels ------------------------------------------------------------------------------------------------
def labels() -> dict[str, dict[str, str]]:
    """Display names per tag kind: {"countries": {"NPL": "Nepal"}, "indicators": {...}, "themes": {...}}."""
    try:
        release = _data.release()
        areas = _data.area_names(release)
        indicators = dict(zip(_data.indicators(release)["code"], _data.indicators(release)["name"], strict=True))
    except ReleaseError:
        areas = {}
        indicators = {str(e["code"]): str(e.get("name") or e["code"]) for e in indicator_definitions()}
    try:
        themes = {slug: theme.title for slug, theme in library().themes.items()}
    except ContentError:
        themes = {}
    return {"countries": areas, "indicators": indicators, "themes": themes}


def tag_items(article: Article, names: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    """(kind, label, page address) for every tag of an article: country, indicator and theme pages."""
    tags = article.meta.tags
    return (
        [("country", names["countries"].get(code, code), f"/country/{code}") for code in tags.countries]
        + [("indicator", names["indicators"].get(code, code), f"/indicator/{code}") for code in tags.indicators]
        + [("theme", names["themes"].get(slug, slug), f"/theme/{slug}") for slug in tags.themes]
    )


def tag_links(article: Article, names: dict[str, dict[str, str]], link_id: str | None = None) -> html.Ul:
    """The article's tags as links to the country, indicator and theme pages."""
    items = [
        html.Li(dcc.Link(label, href=href, className=f"forum-tag forum-tag-{kind}"), className="list-inline-item")
        for kind, label, href in tag_items(article, names)
    ]
    return html.Ul(items, className="list-inline small mb-1", id=link_id or f"forum-tags-{article.slug}")


# -- cards and lists ---------------------------------------------------------------------------------------
def byline(article: Article) -> str:
    """'7 December 2026 · Delta 8.7 editorial team (Delta 8.7 data platform) · 4 min read'."""
    authors = ", ".join(f"{ours(a.name)} ({ours(a.affiliation)})" for a in article.meta.authors)
    return _(
        "%(day)s · %(authors)s · %(reading_time)s min read",
        day=i18n.day(article.meta.date, "%-d %B %Y"),
        authors=authors,
        reading_time=article.reading_time,
    )


def ours(name: str) -> str:
    """An author's name or affiliation: the platform's own in the page's language, others as written."""
    return _(name) if name in OUR_NAMES else name


def english(article: Article) -> dict:
    """lang="en" for the article's own text when the page shows it untranslated in another language."""
    return {"lang": "en"} if untranslated("article", article.slug) else {}


def card(article: Article, names: dict[str, dict[str, str]], heading: str = "h3") -> html.Article:
    """Title (link), byline, summary and tags of one article."""
    link = dcc.Link(article.title, href=f"/forum/{article.slug}")
    title = getattr(html, heading.upper())(link, className="h5", **english(article))
    return html.Article(
        [
            title,
            html.P(byline(article), className="small text-body-secondary mb-1"),
            html.P(article.meta.summary, className="mb-1", **english(article)),
            tag_links(article, names),
        ],
        className="forum-card mb-4",
        **{"data-slug": article.slug},
    )


def related(article: Article, items, limit: int = 3) -> list[Article]:
    """Other articles sharing the most tags with this one (newest first among equals); not those it answers or
    that answer it, which the article page lists on their own."""
    mine = set(tag_keys(article))
    scored = [
        (len(mine & set(tag_keys(other))), other)
        for other in items
        if other.slug not in (article.slug, article.meta.responds_to) and other.meta.responds_to != article.slug
    ]
    scored = [(score, other) for score, other in scored if score]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].meta.date.toordinal(), pair[1].slug))
    return [other for _skip, other in scored[:limit]]


def tag_keys(article: Article) -> list[tuple[str, str]]:
    """Every tag of an article as (kind, code)."""
    return [(kind, code) for kind in FILTERS.values() for code in getattr(article.meta.tags, kind)]


def responses(article: Article, items) -> list[Article]:
    """The articles written in response to this one, oldest first (a conversation reads forwards)."""
    return sorted((a for a in items if a.meta.responds_to == article.slug), key=lambda a: (a.meta.date, a.slug))


def from_the_forum(country: str | None = None, indicator: str | None = None, theme: str | None = None):
    """The "From the forum" section of a country, indicator or theme page; None when no article is tagged."""
    found = tagged(articles().values(), country=country, indicator=indicator, theme=theme)
    if not found:
        return None
    names = labels()
    items = [html.Li(card(article, names, "h3"), className="list-unstyled") for article in found[:SECTION_SIZE]]
    more = dcc.Link(
        ngettext("The forum article on this topic", "All %(num)s forum articles on this topic", len(found)),
        href=forum_href(country=country, indicator=indicator, theme=theme),
    )
    return html.Section(
        [
            html.H2(_("From the forum"), className="h4", id="forum-section-title"),
            html.P(
                _("Articles by experts and the platform's editorial team that discuss these data."),
                className="small text-body-secondary",
            ),
            html.Ul(items, className="ps-0", id="forum-section-list"),
            html.P(more, className="small"),
        ],
        className="mb-5",
        id="forum-section",
    )
