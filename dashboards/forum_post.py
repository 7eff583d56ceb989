"""`/forum/<slug>`: one article with its live figures, authors, date, tags, related articles and responses.

An unknown slug gets the 404 page (and HTTP 404 on the first GET, see _status.py). The module name sorts after
`forum_contribute`, so Dash's router matches the fixed `/forum/contribute` page before this path template.
"""

from __future__ import annotations

import dash
from dash import dcc, html
from flask_babel import gettext as _

from content.models import Article
from dashboards import _components as c
from dashboards import _content, _embeds, _forum, _markdown, not_found_404
from web.i18n import N_


def page_title(slug: str | None = None, **_skip) -> str:
    """The browser title: the article's title when it exists."""
    article = _forum.articles().get(str(slug or ""))
    return _("%(title)s – Forum – Delta 8.7", title=article.title) if article else _("Page not found – Delta 8.7")


dash.register_page(
    __name__,
    path_template="/forum/<slug>",
    title=page_title,
    name=N_("Forum article"),
    description=N_("An article from the Delta 8.7 forum."),
)


def layout(slug: str | None = None, **_query) -> html.Div:
    """The article named by the URL, or the 404 page."""
    items = _forum.articles()
    article = items.get(str(slug or ""))
    if article is None:
        return html.Div(
            [not_found_404.layout(), html.P(dcc.Link(_("See all forum articles"), href="/forum"))], id="forum-not-found"
        )
    names = _forum.labels()
    note = _embeds.baseline_note(article.meta.release)
    body = _markdown.render(article.body, _embeds.Embedder(article.meta.release, prefix="forum"))
    return html.Div(
        [
            breadcrumb(article),
            html.Article(
                [
                    *_content.notices("article", article.slug),
                    html.H1(article.title, **_forum.english(article)),
                    header(article, items, names),
                    c.notice(note, "info") if note else None,
                    html.Div(body, **_forum.english(article)),
                ],
                id="forum-article",
                className="learn-article",
            ),
            footer(article),
            listing(_("Responses"), _forum.responses(article, items.values()), names, "forum-responses"),
            listing(_("Related articles"), _forum.related(article, items.values()), names, "forum-related"),
        ],
        id="forum-post",
    )


def breadcrumb(article: Article) -> html.Nav:
    """Forum › this article."""
    return html.Nav(
        html.Ol(
            [
                html.Li(dcc.Link(_("Forum"), href="/forum"), className="breadcrumb-item"),
                html.Li(article.title, className="breadcrumb-item active", **_forum.english(article)),
            ],
            className="breadcrumb small",
        ),
        **{"aria-label": _("Breadcrumb")},
    )


def header(article: Article, items: dict[str, Article], names: dict) -> html.Div:
    """Summary, authors with affiliation, date, tags, and the article this one responds to."""
    meta = article.meta
    parts = [
        html.P(meta.summary, className="lead", **_forum.english(article)),
        html.P(_forum.byline(article), className="small text-body-secondary mb-1", id="forum-byline"),
        _forum.tag_links(article, names, "forum-tags"),
    ]
    answered = items.get(meta.responds_to or "")
    if answered is not None:
        link = html.Span(dcc.Link(answered.title, href=f"/forum/{answered.slug}"), **_forum.english(answered))
        parts.append(html.P([_("In response to: "), link], className="small", id="forum-responds-to"))
    return html.Div(parts, className="mb-4")


def footer(article: Article) -> html.P:
    """Which release the article was written against, and the licence of its text."""
    return html.P(
        [
            _(
                "Written against data release %(release)s. Live figures come from the release being served and are flagged when they changed since. Text licensed %(licence)s; data keep their publishers' licences. ",
                release=article.meta.release,
                licence=article.meta.licence,
            ),
            dcc.Link(_("How to contribute"), href="/forum/contribute"),
            ".",
        ],
        className="small text-body-secondary mt-4",
        id="forum-article-footer",
    )


def listing(title: str, found: list[Article], names: dict, section_id: str) -> html.Section | None:
    """A titled list of article cards (None when empty)."""
    if not found:
        return None
    return html.Section(
        [html.H2(title, className="h4"), *[_forum.card(a, names, "h3") for a in found]],
        className="mt-4",
        id=section_id,
    )
