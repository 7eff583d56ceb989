"""HTTP status for Dash pages: the first GET of an unknown path or unknown country/indicator/theme gets 404.

Dash answers every path with its index page and status 200, and renders "not found" in the browser. Crawlers,
link checkers and curl deserve a real 404, so a Flask before_request hook answers the same index page with
status 404 when the path names nothing we have. The page itself then explains and suggests (country.py,
not_found_404.py).
"""

from __future__ import annotations

import re

import dash
import flask

from dashboards import _data
from warehouse import ReleaseError

#: Dash's catch-all route endpoint (dash registers "/<path:path>" for its pages).
CATCH_ALL = "/<path:path>"
_SEGMENT = re.compile(r"<([a-zA-Z_]\w*)>")


def _template_regex(template: str) -> re.Pattern:
    return re.compile("^" + _SEGMENT.sub(r"(?P<\1>[^/]+)", re.escape(template)) + "/?$")


def _page_for(path: str) -> tuple[dict | None, dict]:
    """The registered page serving `path` and its path variables (exact paths first, then templates)."""
    for page in dash.page_registry.values():
        if page.get("path") in (path, path.rstrip("/") or "/") and not page.get("path_template"):
            return page, {}
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template:
            match = _template_regex(template).match(path)
            if match:
                return page, match.groupdict()
    return None, {}


def _known(template: str, variables: dict) -> bool:
    """Whether the page's path variable names something in the served release (True when unsure)."""
    try:
        release = _data.release()
        if "iso3" in variables:  # the country page and pages below it (e.g. the brief)
            return str(variables["iso3"]).upper() in _data.countries(release).index
        if template == "/indicator/<code>":
            return variables["code"] in _data.indicators(release).index
    except ReleaseError:
        return True  # no release: the page explains that, with status 200
    if template == "/theme/<slug>":
        from dashboards import _themes  # noqa: PLC0415 - content loads lazily, on first use

        return variables["slug"] in _themes.themes()
    if template == "/learn/<slug>":
        from content.loader import library  # noqa: PLC0415 - content loads lazily, on first use
        from content.models import ContentError  # noqa: PLC0415

        try:
            return variables["slug"] == "glossary" or variables["slug"] in library().explainers
        except ContentError:  # content that cannot load: the page itself explains, with status 200
            return True
    if template == "/forum/<slug>":
        from dashboards import _forum  # noqa: PLC0415 - content loads lazily, on first use

        return _forum.exists(variables["slug"])
    return True


def status_hook(app: dash.Dash):
    """A before_request function answering Dash's index with 404 for paths that name nothing."""

    def check():
        request = flask.request
        if request.method not in ("GET", "HEAD") or request.endpoint != CATCH_ALL:
            return None
        path = "/" + str((request.view_args or {}).get("path", "")).strip("/")
        page, variables = _page_for(path)
        if page is None or not _known(page.get("path_template") or "", variables):
            return app.index(), 404
        return None

    return check


def register(app: dash.Dash) -> None:
    """Install the hook on the app's Flask server (called once from app.create_app)."""
    app.server.before_request(status_hook(app))
