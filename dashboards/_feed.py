"""`/forum/feed.xml`: the forum as an Atom feed (RFC 4287), one entry per article, newest first.

Built with the standard library's ElementTree, so every title and summary is escaped. Addresses are absolute,
under DELTA87_PUBLIC_URL (or the trusted host the request came to: see web/hosts.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import flask
from flask_babel import gettext as _

from dashboards import _forum
from web import hosts

ATOM = "http://www.w3.org/2005/Atom"
PATH = "/forum/feed.xml"
TEAM = "Delta 8.7 editorial team"


def register(server: flask.Flask) -> None:
    """Serve the feed on the app's Flask server."""
    server.add_url_rule(PATH, "forum_feed", feed)


def feed() -> flask.Response:
    """The Atom document of every article."""
    root = hosts.public_root()
    xml = atom(list(_forum.articles().values()), root, _forum.labels())
    return flask.Response(xml, mimetype="application/atom+xml")


def atom(articles: list, root: str, names: dict) -> bytes:
    """The feed of `articles` (newest first) with addresses under `root` (e.g. https://example.org)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", _("Delta 8.7 forum"))
    _text(feed, "subtitle", _("Articles by experts and the editorial team that interpret the SDG 8.7 data."))
    _text(feed, "id", f"{root}/forum")
    _link(feed, f"{root}{PATH}", "self", "application/atom+xml")
    _link(feed, f"{root}/forum", "alternate", "text/html")
    _text(feed, "updated", _stamp(max((a.meta.date for a in articles), default=date(2026, 1, 1))))
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", TEAM)
    for article in articles:
        entry(feed, article, root, names)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def entry(feed: ET.Element, article, root: str, names: dict) -> None:
    """One <entry>: title, address, dates, authors, summary and a category per tag."""
    item = ET.SubElement(feed, f"{{{ATOM}}}entry")
    href = f"{root}/forum/{article.slug}"
    _text(item, "title", article.title)
    _text(item, "id", href)
    _link(item, href, "alternate", "text/html")
    _text(item, "published", _stamp(article.meta.date))
    _text(item, "updated", _stamp(article.meta.date))
    for author in article.meta.authors:
        person = ET.SubElement(item, f"{{{ATOM}}}author")
        _text(person, "name", f"{author.name} ({author.affiliation})")
    _text(item, "summary", article.meta.summary)
    _text(item, "rights", _("Text: %(licence)s", licence=article.meta.licence))
    for kind, label, page in _forum.tag_items(article, names):
        ET.SubElement(
            item, f"{{{ATOM}}}category", term=page.rsplit("/", 1)[-1], scheme=f"{root}/forum?{kind}=", label=label
        )


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", href=href, rel=rel, type=kind)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
