"""`/learn/glossary`: every glossary term, each anchored at `#<term slug>` so explainers and charts link to it."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask_babel import gettext as _

from content.models import ContentError, GlossaryTerm
from dashboards import _components as c
from dashboards import _content, _markdown
from dashboards._content import library
from web.i18n import N_

dash.register_page(
    __name__,
    path="/learn/glossary",
    title=N_("Glossary – Learn – Delta 8.7"),
    name=N_("Glossary"),
    description=N_("Definitions of the terms used on the Delta 8.7 platform."),
)


def layout(**_query) -> html.Div:
    """All terms in alphabetical order, with an index of initial letters."""
    try:
        lib = library()
    except ContentError as exc:
        return html.Div(
            [html.H1(_("Glossary")), c.notice(_("The glossary could not be loaded: %(exc)s", exc=exc), "danger")]
        )
    terms = list(lib.glossary.values())
    titles = {e.slug: e.title for e in lib.explainers.values()}
    return html.Div(
        [
            html.Nav(
                html.Ol(
                    [
                        html.Li(dcc.Link(_("Learn"), href="/learn"), className="breadcrumb-item"),
                        html.Li(_("Glossary"), className="breadcrumb-item active"),
                    ],
                    className="breadcrumb small",
                ),
                **{"aria-label": _("Breadcrumb")},
            ),
            html.H1(_("Glossary")),
            _content.notice("glossary", next((t.slug for t in terms if _content.untranslated("glossary", t.slug)), "")),
            html.P(_("%(count)s terms used on this platform, in plain language.", count=len(terms)), className="lead"),
            letter_index(terms),
            html.Div([term_entry(t, lib.glossary, titles) for t in terms], id="glossary-terms"),
        ],
        id="glossary",
    )


def letter_index(terms: list[GlossaryTerm]) -> html.Nav:
    """Jump links to the first term of each initial letter."""
    firsts: dict[str, str] = {}
    for term in terms:
        firsts.setdefault(term.term[0].upper(), term.slug)
    links = [html.Li(html.A(letter, href=f"#{slug}"), className="list-inline-item") for letter, slug in firsts.items()]
    return html.Nav(html.Ul(links, className="list-inline letter-index"), **{"aria-label": _("Glossary letters")})


def term_entry(term: GlossaryTerm, glossary: dict[str, GlossaryTerm], titles: dict[str, str]) -> html.Section:
    """One term: heading (the anchor), definition, other names, related terms and explainers."""
    body = [html.H2(term.term, className="h5"), *_markdown.render(term.definition)]
    if term.aliases:
        body.append(
            html.P(_("Also: %(join)s.", join=", ".join(term.aliases)), className="small text-body-secondary mb-1")
        )
    related = [html.A(glossary[s].term, href=f"#{s}") for s in term.see_also if s in glossary]
    if related:
        body.append(html.P([_("See also: "), *_join(related)], className="small mb-1"))
    reads = [dcc.Link(titles[s], href=f"/learn/{s}") for s in term.explainers if s in titles]
    if reads:
        body.append(html.P([_("Read more: "), *_join(reads)], className="small mb-1"))
    return html.Section(body, id=term.slug, className="glossary-term-entry border-bottom py-3")


def _join(items: list) -> list:
    out: list = []
    for i, item in enumerate(items):
        out += [", " if i else "", item]
    return out
