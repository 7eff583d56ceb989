"""Replay a cached callback answer byte for byte, before Flask and Dash see the request.

A Dash callback answer is cached per release and exact request body (web/cache.py), so every visitor after the
first gets stored bytes; yet on a hit Flask still built a request context and ran a dozen hooks (release pin,
body checks, security headers, compression), which cost several times what the lookup itself does (see
benchmarks/page_bench.py). This WSGI middleware keeps, per worker, the complete final response (status,
headers, body) of a callback that Flask answered from the cache, keyed on the release, the code version, the
exact body and the Accept-Encoding header: the same request in the same release gets those same bytes again
without entering Flask. Nothing is stored but what the Flask path produced for a hit, so the headers (security
policy, release, compression, Vary) are the ones it would produce.

Misses, `Cache-Control: no-cache`, unreadable or oversized bodies, and any moment no release can be resolved
all go through Flask as before; a response is kept only if it names the release this middleware resolved.
"""

from __future__ import annotations

import hashlib
import io

from flask import Flask

from warehouse import get_warehouse
from web.cache import CALLBACK_PATH, CODE_VERSION, Hot
from web.release import RELEASE_HEADER
from web.security import MAX_REQUEST_BYTES

#: Bytes of final responses each worker keeps (compressed answers are a few kB: thousands of them).
MAX_BYTES = 2 << 20


def install(server: Flask) -> Hot:
    """Put the replay in front of `server`'s WSGI app; returns its store of (status, headers, body)."""
    replays = Hot(MAX_BYTES, size=lambda response: len(response[2]))
    server.wsgi_app = _middleware(server.wsgi_app, replays)
    server.extensions["delta87_replays"] = replays
    return replays


def _middleware(wsgi_app, replays: Hot):
    def replay(environ, start_response):
        if (
            environ.get("PATH_INFO") != CALLBACK_PATH
            or environ.get("REQUEST_METHOD") != "POST"
            or "no-cache" in environ.get("HTTP_CACHE_CONTROL", "")
        ):
            return wsgi_app(environ, start_response)
        body = _body(environ)
        if body is None:
            return wsgi_app(environ, start_response)
        try:
            release_id = get_warehouse().resolve().id
        except Exception:  # noqa: BLE001 - Flask's path answers every failure with its proper message
            return wsgi_app(environ, start_response)
        key = (release_id, CODE_VERSION, hashlib.sha256(body).digest(), environ.get("HTTP_ACCEPT_ENCODING", ""))
        found = replays.get(key)
        if found is not None:
            status, headers, data = found
            start_response(status, list(headers))
            return [data]
        return _answer_and_keep(wsgi_app, environ, start_response, replays, key)

    return replay


def _body(environ) -> bytes | None:
    """The request body (left readable again for Flask), or None when it has no usable Content-Length."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_REQUEST_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _answer_and_keep(wsgi_app, environ, start_response, replays: Hot, key: tuple):
    """Let Flask answer; keep the final response when it was a cache hit for this very release."""
    seen: dict = {}

    def capture(status, headers, exc_info=None):
        seen.update(status=status, headers=headers)
        return start_response(status, headers, exc_info)

    result = wsgi_app(environ, capture)
    try:
        data = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    headers = {name.lower(): value for name, value in seen.get("headers", [])}
    if (
        seen.get("status", "").startswith("200")
        and headers.get("x-delta87-cache") == "hit"
        and headers.get(RELEASE_HEADER.lower()) == key[0]
        and "set-cookie" not in headers
    ):
        replays.put(key, (seen["status"], list(seen["headers"]), data))
    return [data]
