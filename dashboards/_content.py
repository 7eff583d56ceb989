"""The content (explainers, glossary, themes, forum) in the page's language, and the notice shown on a piece that
has no translation yet (the English text follows it)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from flask_babel import gettext as _

from content import Library, translations
from content.models import TOPICS
from web import i18n
from web.i18n import N_


def library() -> Library:
    """The content library in the page's language (English pieces where no translation exists)."""
    return translations.library(i18n.lang()).library


def untranslated(kind: str, slug: str) -> bool:
    """Whether a piece ("explainer", "glossary", "theme", "article") is shown in English on a translated page."""
    return f"{kind}:{slug}" in translations.library(i18n.lang()).missing


def notices(kind: str, slug: str) -> list[dbc.Alert]:
    """The notice as a list (empty on English pages and translated pieces), to splice into a list of children."""
    found = notice(kind, slug)
    return [found] if found is not None else []


def notice(kind: str, slug: str) -> dbc.Alert | None:
    """'Not yet translated' in the reader's language, above the English text, when that is the case."""
    if not untranslated(kind, slug):
        return None
    return dbc.Alert(
        _("This text has not been translated into your language yet; it is shown in English."),
        color="info",
        className="small py-2",
        id=f"untranslated-{kind}",
    )


#: The learning space's topics (content/models.py TOPICS), marked for the catalogue.
TOPIC_WORDS = (
    N_("SDG target 8.7"),
    N_("Child labour"),
    N_("Forced labour and modern slavery"),
    N_("Human trafficking"),
    N_("Measurement and data"),
    N_("Law, policy and commitments"),
)


def topic_label(slug: str) -> str:
    """A learning-space topic's name in the page's language."""
    return _(TOPICS[slug]) if slug in TOPICS else slug
