"""`/search?q=`: results across countries, indicators, themes, explainers and glossary terms, grouped by kind.

A plain GET form, so the page works without JavaScript and every search has a shareable address; the shell's
search box (press "/" to focus it, see assets/search.js) submits to the same address.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _components as c
from dashboards import _search
from web.i18n import N_

dash.register_page(
    __name__,
    path="/search",
    title=N_("Search – Delta 8.7"),
    name=N_("Search"),
    description=N_("Search countries, indicators, themes, explainers and glossary terms."),
)


def layout(q: str | list | None = None, **_query) -> html.Div:
    """The search form and, when a query is given, its results."""
    query = (q[0] if isinstance(q, list) else q or "").strip()[:200]
    children = [html.H1(_("Search")), search_form(query)]
    if query:
        children.append(results_view(_search.search(query)))
    else:
        children.append(
            html.P(_("Type a country, an indicator, an SDG code such as 8.7.1, or any word."), className="small")
        )
    return html.Div(children, id="search-page")


def search_form(query: str) -> html.Form:
    """A GET form to /search, pre-filled with the current query."""
    return html.Form(
        [
            html.Label(_("Search the platform"), htmlFor="search-input", className="form-label"),
            dbc.InputGroup(
                [
                    dcc.Input(id="search-input", name="q", type="search", value=query, className="form-control"),
                    html.Button(_("Search"), type="submit", className="btn btn-primary"),
                ]
            ),
        ],
        action="/search",
        method="get",
        role="search",
        className="mb-4",
    )


def results_view(results: _search.Results) -> html.Div:
    """A count line, then one section per kind with hits."""
    if len(results.query.replace(" ", "")) < _search.MIN_QUERY:
        return c.notice(_("Type at least two letters or digits."))
    count = ngettext(
        "%(total)s result for “%(query)s”.",
        "%(total)s results for “%(query)s”.",
        results.total,
        total=results.total,
        query=results.query,
    )
    children = [html.P(count, id="search-count", role="status")]
    children += [c.notice(note) for note in results.notes]
    for kind, hits in results.groups.items():
        children.append(
            html.Section(
                [
                    html.H2(f"{_(_search.KINDS[kind])} ({len(hits)})", className="h5"),
                    html.Ul([hit_item(hit) for hit in hits], className="list-unstyled"),
                ],
                id=f"search-{kind}",
                className="mb-4",
            )
        )
    if not results.groups:
        children.append(
            html.P(
                [
                    _("Nothing matched. Check the spelling, try fewer words, or browse the "),
                    dcc.Link(_("explainers"), href="/learn"),
                    _(" and the "),
                    dcc.Link(_("glossary"), href="/learn/glossary"),
                    ".",
                ]
            )
        )
    return html.Div(children, id="search-results")


def hit_item(hit: _search.Hit) -> html.Li:
    """One result: its title as a link, and a line of context."""
    return html.Li(
        [
            dcc.Link(hit.title, href=hit.href, className="fw-semibold"),
            html.Br(),
            html.Span(hit.snippet, className="small"),
        ],
        className="mb-2",
        **({"lang": hit.lang} if hit.lang else {}),  # a piece shown untranslated (WCAG 3.1.2)
    )
