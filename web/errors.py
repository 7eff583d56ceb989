"""Error handling: JSON for the API and Dash's endpoints, a friendly HTML page otherwise, never a traceback.

Dash callbacks only ever receive what the browser sends, so a request the page could never have made (a
forged dropdown value, a missing field, broken JSON, an unknown callback) is the client's error: it gets a 400
naming what was wrong, not a 500. The request body is checked before Dash sees it, and exceptions that mean
"I cannot use this input" (ValueError, LookupError, TypeError, AttributeError) raised inside a callback become
400s too; they are still logged with their traceback, so a real bug stays visible to the operators.
"""

from __future__ import annotations

import html
import json
import logging

import dash
from dash.exceptions import DependencyException, UnsupportedRelativePath
from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest, HTTPException

from warehouse import ReleaseError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
#: Exceptions a callback raises when the input it was given makes no sense (values the page never offers).
INPUT_ERRORS = (ValueError, LookupError, TypeError, AttributeError)
_ECHO = 200  # characters of an exception message quoted back to the client

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Delta 8.7</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"></head>
<body><main class="container py-5" id="main">
<h1 class="h3">{title}</h1><p class="lead">{message}</p>
<p><a href="/">Go to the Delta 8.7 overview</a> · <a href="/search">Search</a></p>
</main></body></html>
"""


def install(server: Flask, app: dash.Dash | None = None) -> None:
    """Register the error handlers, and the check of Dash callback requests when `app` is given."""
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(ReleaseError, _release_error)
    # Dash raises these for requests its own front end never makes: a bundle that does not exist, a pathname
    # that is not a path (e.g. "javascript:..."). Without handlers they would be 500s.
    server.register_error_handler(DependencyException, _unknown_bundle)
    server.register_error_handler(UnsupportedRelativePath, _not_a_path)
    server.register_error_handler(Exception, _unexpected)
    if app is not None:

        def check_callback() -> None:
            check_callback_request(app)

        server.before_request(check_callback)


def error_response(status: int, error: str, message: str) -> Response:
    """A JSON body for machine paths (/api, /_dash-*), an HTML page for everything else."""
    if _wants_json():
        body = {"error": error, "parameter": None, "message": message, "allowed": None}
        return Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    title = {400: "Bad request", 404: "Page not found", 405: "Method not allowed", 413: "Request too large"}.get(
        status, "Service unavailable" if status == 503 else "Something went wrong"
    )
    page = PAGE.format(title=html.escape(title), message=html.escape(message))
    return Response(page, status=status, mimetype="text/html")


def check_callback_request(app: dash.Dash) -> None:
    """Refuse a /_dash-update-component body the Dash renderer would never send, before Dash parses it."""
    if request.path != CALLBACK_PATH or request.method != "POST":
        return
    body = request.get_json(silent=True)  # also raises 413 for an oversized body
    if not isinstance(body, dict):
        raise BadRequest("the callback request body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        raise BadRequest(f"unknown callback output {str(output)[:80]!r}")
    spec = app.callback_map[output]
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or not all(_is_dependency(item) for item in items):
            raise BadRequest(f"callback {key!r} must be a list of {{id, property, value}} objects")
        if len(items) != len(spec.get(key, [])):
            raise BadRequest(f"callback {output[:80]!r} takes {len(spec.get(key, []))} {key}, got {len(items)}")
    outputs = body.get("outputs", [])
    if not (_is_dependency(outputs) or isinstance(outputs, list) and all(map(_is_dependency, outputs))):
        raise BadRequest("callback 'outputs' must be {id, property} objects")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadRequest("callback 'changedPropIds' must be a list of strings")


def _is_dependency(item) -> bool:
    """One {id, property, value} entry, or a list of them (pattern-matching ALL/ALLSMALLER inputs)."""
    if isinstance(item, list):
        return all(_is_entry(i) for i in item)
    return _is_entry(item)


def _is_entry(item) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str | dict) and isinstance(item.get("property"), str)


def _wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path.startswith("/_dash-") or request.accept_mimetypes.best == "application/json"


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 404 and not _wants_json():
        message = f"There is no page at {request.path[:200]}."
    response = error_response(status, exc.name.lower().replace(" ", "_"), message)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _release_error(exc: ReleaseError) -> Response:
    # No release can be served (none published, or none verifies): retryable, and /readyz says the same.
    log.error("no release can be served for %s: %s", request.path, exc)
    return error_response(503, "no_release", f"The data release is unavailable right now: {exc}")


def _unknown_bundle(_exc: DependencyException) -> Response:
    return error_response(404, "not_found", f"no such script bundle: {request.path[:200]}")


def _not_a_path(_exc: UnsupportedRelativePath) -> Response:
    return error_response(400, "bad_callback_input", "the page location must be a path starting with '/'")


def _unexpected(exc: Exception) -> Response:
    if request.path == CALLBACK_PATH and isinstance(exc, INPUT_ERRORS):
        log.warning("callback refused its input (%s): %s", request.path, exc, exc_info=exc)
        message = f"this page could not use the values sent: {type(exc).__name__}: {str(exc)[:_ECHO]}"
        return error_response(400, "bad_callback_input", message)
    log.error("unexpected error answering %s %s", request.method, request.full_path[:300], exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side; the error has been logged.")
