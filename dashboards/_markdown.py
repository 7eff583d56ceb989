"""Safe Markdown -> Dash components: markdown-it tokens turned into html.* components, never raw HTML.

Raw HTML is switched off in the parser, so `<script>` arrives as text and React escapes it. Every link goes
through content.links.safe_href: http(s), mailto, '/...' and '#...' survive; anything else (javascript:,
data:, vbscript:, ...) is rendered as inert text. Site links become dcc.Link (no page reload). Shortcodes
(`{{figure ...}}`, `{{chart ...}}`, content/shortcodes.py) become live figures from the served release
(dashboards/_embeds.py), or a visible notice when they cannot be drawn.
"""

from __future__ import annotations

from dash import dcc, html
from flask_babel import gettext as _
from markdown_it import MarkdownIt

from content import shortcodes
from content.links import GLOSSARY_ROUTE, safe_href
from content.models import slugify
from dashboards import _embeds

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table").use(shortcodes.plugin)

# Block and inline tags we render; h1 is demoted so the page keeps a single <h1> (its title).
_TAGS = {
    "p": html.P,
    "h1": html.H2,
    "h2": html.H2,
    "h3": html.H3,
    "h4": html.H4,
    "h5": html.H5,
    "h6": html.H6,
    "ul": html.Ul,
    "ol": html.Ol,
    "li": html.Li,
    "blockquote": html.Blockquote,
    "em": html.Em,
    "strong": html.Strong,
    "s": html.S,
    "table": html.Table,
    "thead": html.Thead,
    "tbody": html.Tbody,
    "tr": html.Tr,
    "th": html.Th,
    "td": html.Td,
}
_CLASSES = {"table": "table table-sm table-bordered w-auto", "blockquote": "blockquote border-start ps-3"}


class _Context:
    """What one rendering shares: heading ids already used, and the renderer of the text's shortcodes."""

    def __init__(self, embed):
        self.ids: set[str] = set()
        self.embed = embed


def render(markdown: str, embed: _embeds.Embedder | None = None) -> list:
    """Dash components for a Markdown text (headings get ids from their text, for '#anchor' links); `embed`
    draws the shortcodes (default: from the served release, with no baseline to compare against)."""
    return _build(_PARSER.parse(markdown), _Context(embed or _embeds.Embedder()))


def _build(tokens, ctx: _Context) -> list:
    root: list = []
    stack: list[tuple[object, list]] = []  # (opening token, children collected so far)
    for token in tokens:
        target = stack[-1][1] if stack else root
        if token.nesting == 1:
            stack.append((token, []))
        elif token.nesting == -1:
            opening, children = stack.pop()
            parent = stack[-1][1] if stack else root
            parent.extend(_close(opening, children, ctx))
        else:
            target.extend(_leaf(token, ctx))
    return root


def _close(opening, children: list, ctx: _Context) -> list:
    """The component for an open/close pair, given its rendered children."""
    if opening.type == "link_open":
        return [link(str(opening.attrGet("href") or ""), children)]
    if opening.tag == "p" and opening.hidden:  # paragraphs inside tight list items
        return children
    make = _TAGS.get(opening.tag)
    if make is None:  # a construct we do not render as such: keep its content as plain children
        return children
    props = {"className": _CLASSES[opening.tag]} if opening.tag in _CLASSES else {}
    if opening.tag in ("h1", "h2", "h3", "h4"):
        props["id"] = _unique("sec-" + (slugify(_text(children)) or "section"), ctx.ids)
    if opening.tag == "ol" and opening.attrGet("start"):
        props["start"] = int(opening.attrGet("start"))
    return [make(children, **props)]


def _leaf(token, ctx: _Context) -> list:
    """Components for a token without children of its own (text, code, breaks, inline groups, shortcodes)."""
    if token.type == "inline":
        return _build(token.children or [], ctx)
    if token.type == shortcodes.TOKEN:
        return ctx.embed(token.content, bool(token.block))
    if token.type == "text":
        return [token.content]
    if token.type == "code_inline":
        return [html.Code(token.content)]
    if token.type in ("fence", "code_block"):
        return [html.Pre(html.Code(token.content))]
    if token.type == "softbreak":
        return [" "]
    if token.type == "hardbreak":
        return [html.Br()]
    if token.type == "hr":
        return [html.Hr()]
    if token.type == "image":  # no images in content: keep the alt text only
        return [token.content]
    # html_block / html_inline cannot occur with html=False; if they ever do, they stay text.
    return [token.content] if token.content else []


def link(href: str, children) -> object:
    """A safe link component: dcc.Link inside the site, <a> outside, inert text for a refused address."""
    safe = safe_href(href)
    if safe is None:
        return html.Span(children, className="unsafe-link", title=_("link removed: unsupported address"))
    if safe.startswith("/"):
        glossary = safe.startswith(GLOSSARY_ROUTE + "#")
        return dcc.Link(children, href=safe, className="glossary-term" if glossary else None)
    if safe.startswith("#") or safe.startswith("mailto:"):
        return html.A(children, href=safe)
    return html.A(children, href=safe, rel="noopener noreferrer", className="external-link")


def _text(children) -> str:
    """The plain text of rendered children (used to build heading ids)."""
    parts = []
    for child in children if isinstance(children, list) else [children]:
        if isinstance(child, str):
            parts.append(child)
        elif getattr(child, "children", None) is not None:
            parts.append(_text(child.children))
    return "".join(parts)


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate
