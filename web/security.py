"""Secure response headers, a Content-Security-Policy Dash works under, and a request size limit.

The policy is what Dash's pages need, checked by loading them in headless Chromium (tests/test_security.py):
- scripts: only our own origin plus the SHA-256 of each inline script Dash writes into its index page (the
  renderer bootstrap and clientside callbacks, from `Dash.csp_hashes()`); no 'unsafe-inline', no 'unsafe-eval'.
- styles: 'unsafe-inline' is required, because Dash components and plotly.js inject <style> elements and
  style attributes at run time (plotly's modebar and hover rules, dcc's component CSS); no hash can cover
  rules built at run time. Styles cannot run code, so this weakens the policy far less than scripts would.
- images: 'self' plus data: (Bootstrap's form and navbar icons and plotly's modebar are data: SVGs) and blob:
  (plotly.js draws a chart exported as PNG from a blob: URL of its SVG; assets/chart_export.js).
- no 'unsafe-eval': Dash 4's renderer, dcc, dash_table and plotly.js (SVG, geo and WebGL traces) never call
  eval or new Function; no workers (plotly's maplibre "map" traces would need `worker-src blob:`; we use geo).
- frame-ancestors 'none' and X-Frame-Options DENY: no page may be framed (click-jacking), except the chart-only
  pages under /embed/ (dashboards/embed.py), which exist to be framed by other sites and hold no controls.
"""

from __future__ import annotations

import dash
from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

#: Largest request body accepted. Dash callback bodies on our pages are a few kB; 1 MiB leaves room for a
#: large dcc.Store sent back as State while refusing uploads the platform never asks for.
MAX_REQUEST_BYTES = 1 << 20

BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "worker-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


class CappedBody:
    """WSGI middleware: a body without a declared length (chunked) is cut off with 413 past the size limit.

    Werkzeug applies MAX_CONTENT_LENGTH to declared lengths only; a chunked body would be read whole.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (chunked or not environ.get("CONTENT_LENGTH")) and environ.get("wsgi.input_terminated"):
            environ["wsgi.input"] = _CappedStream(environ["wsgi.input"], MAX_REQUEST_BYTES)
        return self.wsgi_app(environ, start_response)


class _CappedStream:
    """A request body stream that raises 413 instead of delivering more than `limit` bytes."""

    def __init__(self, stream, limit: int) -> None:
        self._stream, self._left = stream, limit

    def _take(self, data: bytes) -> bytes:
        self._left -= len(data)
        # Werkzeug itself stops reading at the limit (silently truncating): look one byte beyond it.
        if self._left < 0 or self._left == 0 and data and self._stream.read(1):
            raise RequestEntityTooLarge(f"the request body is over the limit of {MAX_REQUEST_BYTES:,} bytes")
        return data

    def read(self, size: int | None = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        return self._take(self._stream.read(want))

    def readline(self, size: int | None = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        return self._take(self._stream.readline(want))


#: Chart-only pages that other sites may frame (dashboards/embed.py).
EMBED_PREFIX = "/embed/"
FRAME_NONE, FRAME_ANY = "frame-ancestors 'none'", "frame-ancestors *"


def install(server: Flask, app: dash.Dash) -> None:
    """Limit request sizes and add the security headers (with the CSP of `app`'s inline scripts) to every response."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    server.wsgi_app = CappedBody(server.wsgi_app)
    server.before_request(refuse_oversized)
    fixed = [(name.lower(), name, value) for name, value in HEADERS.items()]
    policy: list[str] = []  # computed on the first response, once Dash has registered every inline script

    def secure_headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        embed = request.path.startswith(EMBED_PREFIX)
        for lower, name, value in fixed:
            if lower not in present and not (embed and lower == "x-frame-options"):
                headers.add(name, value)
        if "content-security-policy" not in present:
            if not policy:
                policy.append(content_security_policy(app.csp_hashes()))
            headers.add("Content-Security-Policy", policy[0].replace(FRAME_NONE, FRAME_ANY) if embed else policy[0])
        return response

    server.after_request(secure_headers)


def content_security_policy(script_hashes: list[str] = ()) -> str:
    """The CSP header value, allowing the given inline-script hashes ("'sha256-...'")."""
    directives = {**BASE_POLICY, "script-src": BASE_POLICY["script-src"] + sorted(set(script_hashes))}
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def refuse_oversized() -> None:
    """Answer 413 before reading a body whose declared length is over the limit."""
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge(
            f"the request body is {request.content_length:,} bytes; the limit is {MAX_REQUEST_BYTES:,} bytes"
        )
