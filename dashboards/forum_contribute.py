"""`/forum/contribute`: how experts submit an article (file format, live figures, review checklist, licence).

The guide is content/contributing.md, rendered by the same safe Markdown pipeline as the articles, so its one
live example is a real figure from the served release.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from content.loader import contributing_guide
from content.models import ContentError
from dashboards import _components as c
from dashboards import _embeds, _markdown

dash.register_page(
    __name__,
    path="/forum/contribute",
    title="Contribute an article – Forum – Delta 8.7",
    name="Contribute to the forum",
    description="How to write and submit an article for the Delta 8.7 forum.",
)


def layout(**_query) -> html.Div:
    """The guide for authors."""
    try:
        body = _markdown.render(contributing_guide(), _embeds.Embedder(prefix="contribute"))
    except ContentError as exc:
        body = [c.notice(f"The guide could not be loaded: {exc}", "danger")]
    return html.Div(
        [
            html.P(dcc.Link("← Forum", href="/forum"), className="small mb-1"),
            html.Article([html.H1("Contribute an article"), *body], className="learn-article", id="forum-guide"),
        ],
        id="forum-contribute",
    )
