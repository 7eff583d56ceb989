"""Secure response headers, a Content-Security-Policy that Dash works under (test_security.py), a body size limit."""

from __future__ import annotations

import dash
from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

#: Largest request body accepted: room for a large dcc.Store sent back as State, none for uploads.
MAX_REQUEST_BYTES = 1 << 20

BASE_POLICY = {
    "default-src": ["'self'"],
    # Our origin plus the hash of each inline script Dash writes (`Dash.csp_hashes()`); never eval.
    "script-src": ["'self'"],
    # Dash components and plotly.js inject styles at run time, which no hash can cover; styles cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    # Bootstrap's and plotly's icons are data: SVGs; a chart exported as PNG is drawn from a blob: URL.
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

#: Chart-only pages that exist to be framed by other sites and hold no controls (dashboards/embed.py).
EMBED_PREFIX = "/embed/"
FRAME_NONE, FRAME_ANY = "frame-ancestors 'none'", "frame-ancestors *"


def install(server: Flask, app: dash.Dash) -> None:
    """Limit request sizes and add the security headers (with the CSP of `app`'s inline scripts) to every response."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    server.before_request(refuse_oversized)
    policy: list[str] = []  # computed on the first response, once Dash has registered every inline script

    def secure_headers(response: Response) -> Response:
        embed = request.path.startswith(EMBED_PREFIX)
        for name, value in HEADERS.items():
            if not (embed and name == "X-Frame-Options"):
                response.headers.setdefault(name, value)
        if not policy:
            policy.append(content_security_policy(app.csp_hashes()))
        response.headers.setdefault(
            "Content-Security-Policy", policy[0].replace(FRAME_NONE, FRAME_ANY) if embed else policy[0]
        )
        return response

    server.after_request(secure_headers)


def content_security_policy(script_hashes: list[str] = ()) -> str:
    """The CSP header value, allowing the given inline-script hashes ("'sha256-...'")."""
    directives = {**BASE_POLICY, "script-src": BASE_POLICY["script-src"] + sorted(set(script_hashes))}
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def refuse_oversized() -> None:
    """Answer 413 before anything reads a body over the limit, whether its length is declared or it is chunked."""
    length = request.content_length
    if length is None and request.environ.get("wsgi.input_terminated"):
        # Werkzeug stops reading a chunked body at its limit without a word: read one byte beyond it.
        request.max_content_length = MAX_REQUEST_BYTES + 1
        length = len(request.get_data(cache=True))
    if length is not None and length > MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge(f"the request body is too large: the limit is {MAX_REQUEST_BYTES:,} bytes")
