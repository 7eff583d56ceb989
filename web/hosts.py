"""Which Host a request may name (400 for any other), and the base of every absolute URL the platform writes.

Flask's own TRUSTED_HOSTS is checked before routing; /healthz and /readyz, probed by address, answer any Host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.sansio.utils import host_is_trusted

import config

LOCAL_NAMES = ("localhost", "127.0.0.1")
#: Probed by load balancers by address; they write no URL.
ANY_HOST = frozenset({"/healthz", "/readyz"})
#: Where the Host header the client sent is kept when the public URL replaces it.
SENT_HOST = "delta87.sent_host"


def public_parts(public_url: str):
    """DELTA87_PUBLIC_URL split into its parts, or a ValueError saying what it must look like."""
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"DELTA87_PUBLIC_URL must look like https://example.org[:port], got {public_url!r}")
    return parts


def answer_as(public_url: str, wsgi_app):
    """WSGI middleware: answer every request as if it had come to the public URL (scheme, host and port)."""
    parts = public_parts(public_url)
    port = str(parts.port or (443 if parts.scheme == "https" else 80))

    def public(environ, start_response):
        environ[SENT_HOST] = environ.get("HTTP_HOST", "")
        environ.update(HTTP_HOST=parts.netloc, SERVER_NAME=parts.hostname, SERVER_PORT=port)
        environ["wsgi.url_scheme"] = parts.scheme
        return wsgi_app(environ, start_response)

    return public


def trusted_hosts(settings: config.Settings) -> list[str]:
    """The host names this server answers to (a leading dot admits subdomains, as in Flask's TRUSTED_HOSTS)."""
    names = [*LOCAL_NAMES, *settings.trusted_hosts]
    if settings.host not in ("", "0.0.0.0", "::"):
        names.append(settings.host)
    if settings.public_url:
        names.append(urlsplit(settings.public_url).hostname or "")
    return names


def public_root() -> str:
    """The base of the absolute URLs of this request: DELTA87_PUBLIC_URL, else the trusted host it came to."""
    return config.settings().public_url or request.url_root.rstrip("/")


def install(server: Flask) -> None:
    """Trust only the configured hosts; with a public URL, build every absolute URL from it."""
    settings = config.settings()
    trusted = trusted_hosts(settings)
    if settings.public_url:
        server.wsgi_app = answer_as(settings.public_url, server.wsgi_app)

    def check_host() -> None:
        sent = request.environ.get(SENT_HOST, request.environ.get("HTTP_HOST", ""))
        if request.path not in ANY_HOST and not host_is_trusted(sent, trusted):
            raise BadRequest("this server does not answer to the host name in the request's Host header")

    server.before_request(check_host)
