"""Which Host a request may name, and the base of every absolute URL the platform writes.

Links in API bodies and the `Link` header, the API docs, Dash's meta tags, downloads' `query_url` and
redirects are all built from the request's URL, so the Host header must not be the client's to choose. With
DELTA87_PUBLIC_URL set, every request is answered as if it had come to that URL (scheme, host and port),
whatever its Host header said. Either way only trusted hosts are answered: localhost, the address
`delta87 serve` binds to, the public URL's host and DELTA87_TRUSTED_HOSTS (matched like Flask's TRUSTED_HOSTS: a
leading dot admits subdomains); any other Host gets 400. /healthz and /readyz write no URL and are probed by
address, so they answer any Host (which is why Flask's own check, applied before routing, is not used).
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


class PublicURL:
    """WSGI middleware: answer every request as if it had come to the public URL."""

    def __init__(self, wsgi_app, public_url: str) -> None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"DELTA87_PUBLIC_URL must look like https://example.org[:port], got {public_url!r}")
        self.wsgi_app = wsgi_app
        self.scheme, self.netloc, self.hostname = parts.scheme, parts.netloc, parts.hostname
        self.port = str(parts.port or (443 if parts.scheme == "https" else 80))

    def __call__(self, environ, start_response):
        environ[SENT_HOST] = environ.get("HTTP_HOST", "")
        environ.update(
            {"HTTP_HOST": self.netloc, "wsgi.url_scheme": self.scheme, "SERVER_NAME": self.hostname},
            SERVER_PORT=self.port,
        )
        return self.wsgi_app(environ, start_response)


def trusted_hosts(settings: config.Settings) -> list[str]:
    """The host names this server answers to."""
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
        server.wsgi_app = PublicURL(server.wsgi_app, settings.public_url)

    def check_host() -> None:
        if request.path in ANY_HOST:
            return
        sent = request.environ.get(SENT_HOST, request.environ.get("HTTP_HOST", ""))
        if not host_is_trusted(sent, trusted):
            raise BadRequest("this server does not answer to the host name in the request's Host header")

    server.before_request(check_host)
