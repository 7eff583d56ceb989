"""The language switcher in the navigation bar, and pages whose links and titles follow the reader's language."""

from __future__ import annotations

import json
import re

import dash
from dash import Input, Output, html
from flask_babel import gettext as _

from web import i18n
from web.i18n import N_

#: Rewrite the switcher's links for the page shown (client-side navigation changes it): same path and query,
#: another `lang`. The links reload the page, so the whole shell is drawn in the new language.
_HREFS_JS = """
function(pathname, search) {
    return %s.map(function(code) {
        const params = new URLSearchParams(search || "");
        params.set("lang", code);
        return (pathname || "/") + "?" + params.toString();
    });
}
"""


def _id(code: str) -> str:
    return f"shell-lang-{code}"


def switcher() -> html.Nav:
    """One link per language, named in its own language; the current one is marked for screen readers."""
    current = i18n.lang()
    links = []
    for code, name in i18n.LANGUAGES.items():
        attrs = {"aria-current": "true"} if code == current else {}
        links.append(
            html.Li(
                html.A(
                    name, href=f"?lang={code}", id=_id(code), lang=code, hrefLang=code, className="nav-link", **attrs
                ),
                className="nav-item",
            )
        )
    return html.Nav(
        html.Ul(links, className="navbar-nav flex-row gap-2 lang-switcher"),
        className="ms-lg-3",
        **{"aria-label": _("Language")},
    )


def register(app: dash.Dash) -> None:
    """Keep the switcher's links on the page shown; `<html lang>` names the page's language."""
    _localize_index(app)
    codes = list(i18n.LANGUAGES)
    app.clientside_callback(
        _HREFS_JS % str(codes).replace("'", '"'),
        [Output(_id(code), "href") for code in codes],
        Input("_pages_location", "pathname"),
        Input("_pages_location", "search"),
    )


def following(search: Input) -> tuple:
    """The arguments of the clientside callback (registered by a page module) that keeps the switcher's links on the
    query of a page rewriting its address without navigating (the `_pages_location` they follow does not see it),
    so that switching language keeps the reader's choices."""
    codes = list(i18n.LANGUAGES)
    script = f"function(search) {{ return ({_HREFS_JS % json.dumps(codes)})(window.location.pathname, search); }}"
    return script, [Output(_id(code), "href", allow_duplicate=True) for code in codes], search


def localize_pages() -> None:
    """Wrap every registered page once: its title and description (the page's meta tags) are translated, and
    every internal link in its layout keeps the page's language."""
    for page in dash.page_registry.values():
        if getattr(page["layout"], "localized", False):
            continue
        page["layout"] = _localized_layout(page["layout"])
        page["title"] = _localized_title(page["title"])
        page["description"] = _localized_title(page.get("description") or "")


def _localized_layout(layout):
    def wrapper(**kwargs):
        return i18n.localize_links(layout(**kwargs) if callable(layout) else layout)

    wrapper.localized = True
    return wrapper


def _localized_title(title):
    def wrapper(**kwargs):
        text = title(**kwargs) if callable(title) else title
        return _(text) if isinstance(text, str) and text else text

    return wrapper


#: Words the scripts in assets/ write into pages (chart tools, table pager names), given to them translated.
SCRIPT_WORDS = (
    N_("Download PNG"),
    N_("Download SVG"),
    N_("Share or embed"),
    N_("Share this chart"),
    N_("Link"),
    N_("Embed code"),
    N_("Close"),
    N_("First page"),
    N_("Previous page"),
    N_("Next page"),
    N_("Last page"),
    N_("Page number"),
    N_("Decrease value"),
    N_("Increase value"),
)


def _localize_index(app: dash.Dash) -> None:
    """`<html lang>` of the page's language, the scripts' words in it (a JSON data block, not a script), and the
    page's own title in `<title>`, which Dash writes only in the meta tags: the browser tab and a screen reader
    name the page before the scripts have run (on a slow link, seconds later)."""
    index = app.interpolate_index

    def interpolate_index(**kwargs) -> str:
        own = re.search(r'property="og:title" content="([^"]+)"', kwargs["metas"])
        kwargs["title"] = own.group(1) if own else kwargs["title"]
        words = json.dumps({word: _(word) for word in SCRIPT_WORDS}, ensure_ascii=False).replace("</", "<\\/")
        block = f'<script type="application/json" id="delta87-text">{words}</script>\n</head>'
        page = index(**kwargs).replace('<html lang="en">', f'<html lang="{i18n.lang()}">', 1)
        return page.replace("</head>", block, 1)

    app.interpolate_index = interpolate_index
