"""Which link addresses the learning space accepts, and which platform routes a content link may point to.

Shared by the loader (which refuses a bad link with an error) and the Markdown renderer (which makes one
inert if it ever gets that far), so both apply exactly the same rule.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
GLOSSARY_ROUTE = "/learn/glossary"
FORUM_ROUTE = "/forum"

#: Routes of the platform (notes/COMMON.md "Routes"); content may link to these and to the patterns below.
STATIC_ROUTES = frozenset(
    {
        "/",
        "/countries",
        "/indicators",
        "/themes",
        "/pathfinders",
        "/coverage",
        "/progress",
        "/data",
        "/learn",
        GLOSSARY_ROUTE,
        "/search",
        "/api/v1/docs",
        FORUM_ROUTE,
        FORUM_ROUTE + "/contribute",
        FORUM_ROUTE + "/feed.xml",
    }
)
ROUTE_PATTERNS = (
    re.compile(r"/country/[A-Z]{3}"),
    re.compile(r"/country/[A-Z]{3}/brief"),
    re.compile(r"/indicator/[a-z][a-z0-9_]*"),
    re.compile(r"/theme/[a-z0-9]+(-[a-z0-9]+)*"),
    re.compile(r"/learn/[a-z0-9]+(-[a-z0-9]+)*"),
    re.compile(r"/forum/[a-z0-9]+(-[a-z0-9]+)*"),
)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _probe(href: str) -> str:
    # Browsers ignore tabs, newlines and control characters inside a URL ("java\tscript:" runs), so do we.
    return "".join(ch for ch in href if ch.isprintable() and not ch.isspace())


def scheme(href: str) -> str | None:
    """The lower-cased scheme of an address ('javascript' for 'JavaScript:...'), or None if it has none."""
    match = _SCHEME.match(_probe(href))
    return match.group(1).lower() if match else None


def safe_href(href: str) -> str | None:
    """The address if it is http(s), mailto, a site path '/...' or an anchor '#...'; otherwise None."""
    probe = _probe(href)
    if not probe:
        return None
    if probe.startswith("#"):
        return href.strip()
    if probe.startswith("/"):
        # "//host" and "/\host" are other sites to a browser, not paths on this one.
        return href.strip() if len(probe) == 1 or probe[1] not in "/\\" else None
    return href.strip() if scheme(probe) in SAFE_SCHEMES else None


def is_internal_route(route: str) -> bool:
    """True for a path (query and anchor ignored) that is one of the platform's routes."""
    path = route.split("#", 1)[0].split("?", 1)[0]
    if path in STATIC_ROUTES:
        return True
    return any(pattern.fullmatch(path) for pattern in ROUTE_PATTERNS)


def check_content_link(href: str, explainers, glossary, articles=None) -> str | None:
    """Why an internal link in content does not resolve, or None when it does (articles: None = not checked)."""
    path, _, anchor = href.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        return None  # an anchor on the same page
    if path == GLOSSARY_ROUTE:
        return f"link {href}: no glossary term #{anchor}" if anchor and anchor not in glossary else None
    if path.startswith("/learn/") and path.removeprefix("/learn/") not in explainers:
        return f"link {href}: no explainer {path.removeprefix('/learn/')!r}"
    if not is_internal_route(path):
        return f"link {href}: not a platform route"
    slug = path.removeprefix(FORUM_ROUTE + "/")
    if (
        articles is not None
        and path.startswith(FORUM_ROUTE + "/")
        and path not in STATIC_ROUTES
        and slug not in articles
    ):
        return f"link {href}: no forum article {slug!r}"
    return None
