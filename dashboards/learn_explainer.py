"""`/learn/<slug>`: one explainer, its live charts and the dashboards that use it; a friendly page if unknown.

The module name sorts after `glossary`, so Dash's router matches the fixed `/learn/glossary` page before this
path template (dash._pages._path_to_page walks the registry in module order when no `order` is given).
"""

from __future__ import annotations

import difflib
from urllib.parse import urlencode

import dash
from dash import dcc, html
from flask_babel import gettext as _

from content.models import ContentError, Explainer, Library
from dashboards import _components as c
from dashboards import _content, _learn, _markdown, _phrases
from dashboards._content import library
from web import i18n
from web.i18n import N_

dash.register_page(
    __name__,
    path_template="/learn/<slug>",
    title=lambda slug=None, **_skip: page_title(slug),
    name=N_("Explainer"),
    description=N_("An explainer from the Delta 8.7 learning space."),
)


def page_title(slug: str | None) -> str:
    """The browser title: the explainer's title when it exists."""
    try:
        explainer = library().explainers.get(slug or "")
    except ContentError:
        explainer = None
    return _("%(title)s – Learn – Delta 8.7", title=explainer.title) if explainer else _("Learn – Delta 8.7")


def layout(slug: str | None = None, **_query) -> html.Div:
    """The explainer named by the URL, or a not-found page with suggestions."""
    if slug == "glossary":  # defensive: the glossary page normally wins the route (see module docstring)
        from dashboards import glossary  # noqa: PLC0415

        return glossary.layout()
    try:
        lib = library()
    except ContentError as exc:
        return html.Div(
            [html.H1(_("Learn")), c.notice(_("The learning space could not be loaded: %(exc)s", exc=exc), "danger")]
        )
    explainer = lib.explainers.get(slug or "")
    if explainer is None:
        return not_found(slug or "", lib)
    return html.Div(
        [
            breadcrumb(explainer.title),
            html.Article(
                [
                    *_content.notices("explainer", explainer.slug),
                    html.H1(explainer.title),
                    header(explainer),
                    *_markdown.render(explainer.body),
                ],
                id="learn-article",
                className="learn-article",
            ),
            live_data(explainer),
            used_by(explainer),
            key_terms(explainer, lib),
        ],
        id="learn-explainer",
    )


def breadcrumb(title: str) -> html.Nav:
    """Learn › this explainer."""
    return html.Nav(
        html.Ol(
            [
                html.Li(dcc.Link(_("Learn"), href="/learn"), className="breadcrumb-item"),
                html.Li(title, className="breadcrumb-item active"),
            ],
            className="breadcrumb small",
        ),
        **{"aria-label": _("Breadcrumb")},
    )


def header(explainer: Explainer) -> html.Div:
    """Summary, topics (links to the filtered index), reading time and review date."""
    meta = explainer.meta
    topics = []
    for i, topic in enumerate(meta.topics):
        topics += [", " if i else "", dcc.Link(_content.topic_label(topic), href=f"/learn?topic={topic}")]
    return html.Div(
        [
            html.P(meta.summary, className="lead"),
            html.P(
                [
                    _("Topics: "),
                    *topics,
                    _(
                        " · %(reading_time)s min read · last reviewed %(last_reviewed)s",
                        reading_time=meta.reading_time,
                        last_reviewed=i18n.day(meta.last_reviewed, english=_phrases.DAY),
                    ),
                ],
                className="small text-body-secondary",
            ),
        ]
    )


def live_data(explainer: Explainer) -> html.Section | None:
    """Charts of the related indicators, drawn from the served release."""
    codes = explainer.meta.related_indicators
    if not codes:
        return None
    return html.Section(
        [
            html.H2(_("The data behind this explainer"), id="learn-live-data"),
            html.P(_("Live charts from the platform's current data release."), className="small"),
            *_learn.related_charts(codes),
        ],
        className="mt-5",
        id="learn-charts",
    )


def used_by(explainer: Explainer) -> html.Section:
    """Links to every dashboard that uses this explainer."""
    links = _learn.used_by(explainer.slug, explainer.meta.dashboards)
    groups = {N_("Themes"): "/theme/", N_("Indicators"): "/indicator/", N_("Pages"): ""}
    body = []
    for heading, prefix in groups.items():
        items = [
            html.Li(dcc.Link(label, href=href))
            for label, href in links
            if href.startswith(prefix) and (prefix or not href.startswith(("/theme/", "/indicator/")))
        ]
        if items:
            body += [html.H3(_(heading), className="h6 mb-1"), html.Ul(items)]
    if not body:
        body = [html.P(_("No dashboard links to this explainer yet."), className="small")]
    return html.Section([html.H2(_("Where this is used"), className="h4"), *body], className="mt-4", id="learn-used-by")


def key_terms(explainer: Explainer, lib: Library) -> html.Section | None:
    """Glossary terms that point readers to this explainer."""
    terms = [t for t in lib.glossary.values() if explainer.slug in t.explainers]
    if not terms:
        return None
    items = [html.Li(dcc.Link(t.term, href=f"/learn/glossary#{t.slug}")) for t in terms]
    return html.Section([html.H2(_("Key terms"), className="h4"), html.Ul(items)], className="mt-4")


def not_found(slug: str, lib: Library) -> html.Div:
    """A friendly page for an unknown explainer, with the closest matches and the full list."""
    titles = {e.slug: e.title for e in lib.explainers.values()}
    guesses = difflib.get_close_matches(slug, list(titles), n=3, cutoff=0.4)
    words = {w for w in slug.split("-") if len(w) > 3}
    guesses += [s for s in titles if s not in guesses and words & set(s.split("-"))][: 5 - len(guesses)]
    suggestions = guesses or list(titles)[:5]
    return html.Div(
        [
            html.H1(_("Explainer not found")),
            html.P(_("There is no explainer called “%(slug)s”.", slug=slug) if slug else _("No explainer was named.")),
            html.H2(_("Perhaps you were looking for"), className="h5"),
            html.Ul([html.Li(dcc.Link(titles[s], href=f"/learn/{s}")) for s in suggestions], id="learn-suggestions"),
            html.P(
                [
                    dcc.Link(_("See all explainers"), href="/learn"),
                    _(" or "),
                    dcc.Link(
                        _("search the platform"), href="/search?" + urlencode({"q": " ".join(sorted(words)) or slug})
                    ),
                    ".",
                ]
            ),
        ],
        id="learn-not-found",
    )
