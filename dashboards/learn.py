"""`/learn`: the learning space's index, explainers grouped by topic, with a topic filter kept in the URL.

The filter is a row of links (`/learn?topic=child-labour,measurement`): each toggles one topic, so the state
lives in the address, works without JavaScript, and is shareable.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask_babel import gettext as _

from content.models import TOPICS, ContentError, Explainer
from dashboards import _components as c
from dashboards import _content, _phrases
from dashboards._content import library
from web import i18n
from web.i18n import N_

dash.register_page(
    __name__,
    path="/learn",
    title=N_("Learn – Delta 8.7"),
    name=N_("Learning space"),
    nav=N_("Learn"),
    order=6,
    description=N_(
        "Plain-language explainers on child labour, forced labour, modern slavery, trafficking and their data."
    ),
)


def layout(topic: str | list | None = None, **_query) -> html.Div:
    """The index; `topic` is a comma-separated list of topic slugs from the query string."""
    try:
        lib = library()
    except ContentError as exc:
        return html.Div(
            [html.H1(_("Learn")), c.notice(_("The learning space could not be loaded: %(exc)s", exc=exc), "danger")]
        )
    selected, unknown = parse_topics(topic)
    groups = lib.by_topic()
    shown = [t for t in TOPICS if t in selected] if selected else list(TOPICS)
    children = [
        html.H1(_("Learn")),
        html.P(
            [
                _(
                    "What the numbers on this platform mean, how they were measured and how far to trust them. Each explainer links to the live data it discusses. See also the "
                ),
                dcc.Link(_("glossary"), href="/learn/glossary"),
                ".",
            ],
            className="lead",
        ),
        topic_filter(selected, {t: len(groups[t]) for t in TOPICS}),
    ]
    if unknown:
        children.append(c.notice(i18n.ngettext("Unknown topic ignored: %(join)s.", "Unknown topics ignored: %(join)s.",
                                               len(unknown), join=", ".join(unknown)), "warning"))  # fmt: skip
    children += [topic_section(t, groups[t]) for t in shown if groups[t]]
    count = len(lib.explainers)
    children.append(html.P(i18n.ngettext("%(count)s explainer in all.", "%(count)s explainers in all.", count,
                                         count=count), id="learn-count", className="small"))  # fmt: skip
    if lib.problems:
        children.append(problems_note(lib.problems))
    return html.Div(children, id="learn-index")


def parse_topics(topic: str | list | None) -> tuple[list[str], list[str]]:
    """Known and unknown topic slugs from the query value (comma-separated, or repeated ?topic=)."""
    values = topic if isinstance(topic, list) else [topic or ""]
    slugs = [s.strip() for value in values for s in str(value).split(",") if s.strip()]
    known = [s for s in dict.fromkeys(slugs) if s in TOPICS]
    return known, [s for s in dict.fromkeys(slugs) if s not in TOPICS]


def topic_filter(selected: list[str], counts: dict[str, int]) -> html.Nav:
    """Toggle links, one per topic, plus "All topics"; the current choice is marked for screen readers too."""
    items = [_pill(_("All topics"), "/learn", not selected, "learn-topic-all")]
    for slug, label in TOPICS.items():
        toggled = [t for t in selected if t != slug] if slug in selected else [*selected, slug]
        href = "/learn?topic=" + ",".join(toggled) if toggled else "/learn"
        items.append(_pill(f"{_(label)} ({counts.get(slug, 0)})", href, slug in selected, f"learn-topic-{slug}"))
    return html.Nav(
        [html.H2(_("Filter by topic"), className="h6"), html.Ul(items, className="nav nav-pills gap-2 flex-wrap")],
        **{"aria-label": _("Filter explainers by topic")},
        className="mb-4",
        id="learn-filter",
    )


def _pill(label: str, href: str, active: bool, pill_id: str) -> html.Li:
    # dcc.Link takes no aria-* props, so the selected state is also spelled out for screen readers.
    children = [label, html.Span(_(" (selected)"), className="visually-hidden")] if active else label
    link = dcc.Link(children, href=href, id=pill_id, className="nav-link" + (" active" if active else ""))
    return html.Li(link, className="nav-item")


def topic_section(topic: str, explainers: list[Explainer]) -> html.Section:
    """One topic's heading and its explainer cards."""
    cards = [dbc.Col(explainer_card(e), md=6, lg=4, className="mb-3") for e in explainers]
    return html.Section(
        [html.H2(_content.topic_label(topic), id=f"learn-topic-section-{topic}", className="h4"), dbc.Row(cards)],
        className="mb-4",
    )


def explainer_card(explainer: Explainer) -> dbc.Card:
    """Title link, summary and reading time of one explainer."""
    meta = explainer.meta
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(dcc.Link(meta.title, href=f"/learn/{meta.slug}"), className="h6 card-title"),
                html.P(meta.summary, className="small mb-2"),
                html.P(
                    _(
                        "%(reading_time)s min read · reviewed %(last_reviewed)s",
                        reading_time=meta.reading_time,
                        last_reviewed=i18n.day(meta.last_reviewed, english=_phrases.DAY),
                    ),
                    className="small text-body-secondary mb-0",
                ),
            ]
        ),
        className="h-100 learn-card",
    )


def problems_note(problems: tuple[str, ...]) -> html.Details:
    """Content files that failed validation (for staff; the rest of the space still works)."""
    summary = i18n.ngettext("%(count)s content problem", "%(count)s content problems", len(problems),
                            count=len(problems))  # fmt: skip
    return html.Details([html.Summary(summary), html.Ul([html.Li(p) for p in problems])],
                        className="small text-danger", id="learn-problems")  # fmt: skip
