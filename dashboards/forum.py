"""`/forum`: expert articles beside the data, newest first, filtered by theme, country and indicator, paginated.

The filters and the page number live in the address (`/forum?country=NPL&theme=child-labour&page=2`), so a
filtered list is shareable and works without JavaScript; each filter is a row of links.
"""

from __future__ import annotations

import re

import dash
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import ngettext

from content.models import ContentError
from dashboards import _components as c
from dashboards import _forum
from dashboards._content import library
from web.i18n import N_

dash.register_page(
    __name__,
    path="/forum",
    title=N_("Forum – Delta 8.7"),
    name=N_("Forum"),
    nav=N_("Forum"),
    order=7,
    description=N_("Articles by experts and the editorial team that interpret the SDG 8.7 data for policy."),
)

PAGE_SIZE = 10
#: The filters' names as the page shows them.
FILTER_LABELS = {"theme": N_("Theme"), "country": N_("Country"), "indicator": N_("Indicator")}
_FORMS = {
    "theme": re.compile(r"[a-z0-9-]{1,60}"),
    "country": re.compile(r"[A-Z]{3}"),
    "indicator": re.compile(r"[a-z][a-z0-9_]{0,60}"),
}


def layout(theme=None, country=None, indicator=None, page=None, **_query) -> html.Div:
    """The article list for the filters in the query string."""
    try:
        lib = library()
    except ContentError as exc:
        return html.Div([html.H1(_("Forum")), c.notice(_("The forum could not be loaded: %(exc)s", exc=exc), "danger")])
    items = list(lib.articles.values())
    filters, ignored = parse_filters(theme=theme, country=country, indicator=indicator)
    chosen = _forum.tagged(items, **filters)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    number = min(pages, _page_number(page))
    names = _forum.labels()
    children = [header(), filter_nav(items, filters, names)]
    if ignored:
        children.append(c.notice(_("Ignored: %(join)s.", join=_("; ").join(ignored)), "warning"))
    children.append(summary_line(len(chosen), filters, names))
    shown = chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    children.append(html.Div([_forum.card(a, names, "h2") for a in shown], id="forum-list"))
    if pages > 1:
        children.append(pager(number, pages, filters))
    return html.Div(children, id="forum-index")


def header() -> html.Div:
    """Title, what the forum is, and the ways to follow and contribute."""
    return html.Div(
        [
            html.H1(_("Forum")),
            html.P(
                _(
                    "Short articles by researchers, practitioners and the platform's editorial team that read the data for policy. Figures in articles are live: they come from the current data release and name their source, year and age band."
                ),
                className="lead",
            ),
            html.P(
                [
                    dcc.Link(_("How to contribute an article"), href="/forum/contribute"),
                    " · ",
                    html.A(_("Atom feed"), href="/forum/feed.xml", rel="alternate"),
                ],
                className="small",
            ),
        ]
    )


def parse_filters(**values) -> tuple[dict[str, str], list[str]]:
    """The usable filters from the query, and a note for each value that was ignored (malformed or unknown)."""
    filters, ignored = {}, []
    for name, raw in values.items():
        value = raw[0] if isinstance(raw, list) and raw else raw
        if value in (None, ""):
            continue
        value = str(value).strip()
        value = value.upper() if name == "country" else value
        if not _FORMS[name].fullmatch(value):
            ignored.append(_("%(name)s %(value)s is not a valid code", name=name, value=repr(value[:40])))
            continue
        filters[name] = value
    return filters, ignored


def _page_number(page) -> int:
    value = page[0] if isinstance(page, list) and page else page
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 10_000 else 1


def filter_nav(items, filters: dict[str, str], names: dict) -> html.Nav:
    """One row of links per filter: each value with its number of articles; the selected one can be removed."""
    rows = []
    for name, kind in _forum.FILTERS.items():
        counts: dict[str, int] = {}
        for article in items:
            for code in getattr(article.meta.tags, kind):
                counts[code] = counts.get(code, 0) + 1
        links = []
        for code in sorted(counts, key=lambda k: names[kind].get(k, k).casefold()):
            selected = filters.get(name) == code
            target = {**filters, name: None if selected else code}
            label = f"{names[kind].get(code, code)} ({counts[code]})" + (" ×" if selected else "")
            links.append(
                html.Li(
                    dcc.Link(
                        label,
                        href=_forum.forum_href(**target),
                        id=f"forum-filter-{name}-{code}",
                        className="fw-bold" if selected else None,
                        title=_("Remove this filter") if selected else None,
                    ),
                    className="list-inline-item",
                )
            )
        rows.append(
            html.Div(
                [
                    html.Span(_("%(filter)s: ", filter=_(FILTER_LABELS[name])), className="me-1"),
                    html.Ul(links, className="list-inline d-inline mb-0"),
                ],
                className="small mb-1",
            )
        )
    return html.Nav(rows, id="forum-filters", className="mb-3", **{"aria-label": _("Filter articles")})


def summary_line(count: int, filters: dict[str, str], names: dict) -> html.P:
    """How many articles are shown and for which tags, with a link to clear the filters."""
    if not filters:
        return html.P(
            ngettext("%(num)s article, newest first.", "%(num)s articles, newest first.", count),
            id="forum-count",
            className="small",
        )
    tags = ", ".join(names[_forum.FILTERS[n]].get(v, v) for n, v in filters.items())
    text = (
        ngettext("%(num)s article tagged %(tags)s.", "%(num)s articles tagged %(tags)s.", count, tags=tags)
        if count
        else _("No article is tagged %(tags)s.", tags=tags)
    )
    return html.P([text, " ", dcc.Link(_("Show all articles"), href="/forum")], id="forum-count", className="small")


def pager(number: int, pages: int, filters: dict[str, str]) -> html.Nav:
    """Newer / page n of m / older, keeping the filters."""

    def href(n: int) -> str:
        base = _forum.forum_href(**filters)
        return base + ("&" if "?" in base else "?") + f"page={n}" if n > 1 else base

    parts = [
        dcc.Link(_("← Newer"), href=href(number - 1)) if number > 1 else "",
        html.Span(_(" Page %(number)s of %(pages)s ", number=number, pages=pages), className="mx-2"),
        dcc.Link(_("Older →"), href=href(number + 1)) if number < pages else "",
    ]
    return html.Nav(parts, id="forum-pages", className="small", **{"aria-label": _("Pages")})
