"""`/forum/contribute`: how experts submit an article (file format, live figures, review checklist, licence).

The guide is content/contributing.md (translated: content/i18n/<lang>/contributing.md), rendered by the same safe Markdown pipeline as the articles, so its one
live example is a real figure from the served release.
"""

from __future__ import annotations

import dash
from dash import dcc, html
from flask_babel import gettext as _

from content import translations
from content.models import ContentError
from dashboards import _components as c
from dashboards import _embeds, _markdown
from web import i18n
from web.i18n import N_

dash.register_page(
    __name__,
    path="/forum/contribute",
    title=N_("Contribute an article – Forum – Delta 8.7"),
    name=N_("Contribute to the forum"),
    description=N_("How to write and submit an article for the Delta 8.7 forum."),
)


def layout(**_query) -> html.Div:
    """The guide for authors."""
    try:
        text, translated = translations.contributing_guide(i18n.lang())
        body = _markdown.render(text, _embeds.Embedder(prefix="contribute"))
        if not translated and i18n.lang() != i18n.DEFAULT:  # in English, under a notice in the reader's language
            notice = _("This text has not been translated into your language yet; it is shown in English.")
            body = [c.notice(notice, "info"), html.Div(body, lang="en")]
    except ContentError as exc:
        body = [c.notice(_("The guide could not be loaded: %(exc)s", exc=exc), "danger")]
    return html.Div(
        [
            html.P(dcc.Link(_("← Forum"), href="/forum"), className="small mb-1"),
            html.Article([html.H1(_("Contribute an article")), *body], className="learn-article", id="forum-guide"),
        ],
        id="forum-contribute",
    )
