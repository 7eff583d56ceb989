"""HTTP concerns shared by the pages and the API; `install(app)` wires them into the Dash app's Flask server."""

from __future__ import annotations

import logging

import dash


def install(app: dash.Dash, threads: bool = True) -> None:
    """Add the cache, trusted hosts, one-release-per-request pinning, health, errors, security headers and compression
    (`threads`: start the release re-verifier now, else at the process's first answer)."""
    from web import cache, compression, errors, health, hosts, i18n, release, security  # noqa: PLC0415 - keep `import web` light

    server = app.server
    _log_through_gunicorn()
    cache.init_app(server)
    i18n.install(server)  # the request's language, before anything renders
    security.install(server, app)  # first: an oversized body is refused before anything reads it
    hosts.install(server)  # then an untrusted Host, before any work
    release.install(server, start=threads)
    errors.install(server, app)
    health.install(server)
    compression.install(server)


def _log_through_gunicorn() -> None:
    """Under gunicorn, send the platform's own log lines to gunicorn's error log; elsewhere leave logging alone."""
    gunicorn = logging.getLogger("gunicorn.error")
    root = logging.getLogger()
    if gunicorn.handlers and not root.handlers:
        root.handlers = list(gunicorn.handlers)
        root.setLevel(logging.INFO)
