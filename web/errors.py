"""Errors as JSON (API, Dash) or a plain page: 400 only for validated bad input, else a logged 500, no traceback."""

from __future__ import annotations

import html
import json
import logging

import dash
from dash.exceptions import DependencyException, UnsupportedRelativePath
from flask import Flask, Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from warehouse import QueryTimeout, ReleaseError
from web import i18n
from web.callbacks import check_callback_request, merge_repeated_parameters
from web.i18n import N_
from web.inputs import BadInput
from web.limits import Busy

log = logging.getLogger(__name__)

TITLES = {
    400: N_("Bad request"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    413: N_("Request too large"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Service unavailable"),
}
#: The error pages' only styles, inline: nginx answers with them when the app or the client's rate would refuse a
#: stylesheet, and its Content-Security-Policy allows exactly this text by its hash (cli/server.py).
STYLE = "body{font:1.125rem/1.5 system-ui,sans-serif;color:#212529;max-width:45rem;margin:3rem auto;padding:0 1rem}h1{font-size:1.5rem}"

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Delta 8.7</title>
<style>{style}</style></head>
<body><main id="main">
<h1>{title}</h1><p>{message}</p>
<p><a href="{home}">{go_home}</a> · <a href="{search}">{search_label}</a></p>
</main></body></html>
"""


def install(server: Flask, app: dash.Dash) -> None:
    """Register the error handlers and the check of Dash callback request bodies."""
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(BadInput, _bad_input)
    for unavailable in (ReleaseError, QueryTimeout, Busy):
        server.register_error_handler(unavailable, _unavailable)
    # Dash raises these for requests its own front end never makes: a bundle that does not exist, a pathname
    # that is not a path (e.g. "javascript:..."). Without handlers they would be 500s.
    server.register_error_handler(DependencyException, _unknown_bundle)
    server.register_error_handler(UnsupportedRelativePath, _not_a_path)
    server.register_error_handler(Exception, _unexpected)
    server.before_request(lambda: check_callback_request(app))
    server.before_request(merge_repeated_parameters)


def error_response(status: int, error: str, message: str, body: dict | None = None) -> Response:
    """A JSON body for machine paths (/api, /_dash-*), an HTML page for everything else."""
    if _wants_json():
        body = body or {"error": error, "parameter": None, "message": message, "allowed": None}
        return Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    return Response(_page(status, message), status=status, mimetype="text/html")


def proxy_answers() -> dict[int, tuple[str, str]]:
    """nginx's own answers in the request's language (`delta87 serve` writes them per language), each as a page for
    a page view and as JSON for a Dash callback, whose message assets/callback_errors.js shows (Dash's renderer alone
    shows a failed callback only in its debug tools): 429 to a client over its rate, 503 when the app failed or did
    not answer (a worker died or timed out, or the workers are restarting)."""
    reload = _(
        "Your address sent more requests than this site answers at once. Wait a few seconds, then reload the page."
    )
    not_updated = _("Too many requests from your address: this part of the page was not updated. Wait a few seconds "
                    "and try again.")  # fmt: skip
    restarting = _("The site is restarting or overloaded. Wait a moment, then reload the page.")
    failed = _("The site is restarting or overloaded: this part of the page was not updated. Try again in a moment.")
    return {
        429: _proxy_answer(429, "rate_limited", reload, not_updated),
        503: _proxy_answer(503, "unavailable", restarting, failed),
    }


def _proxy_answer(status: int, error: str, page: str, callback: str) -> tuple[str, str]:
    return _page(status, page), json.dumps({"error": error, "parameter": None, "message": callback, "allowed": None})


def _page(status: int, message: str) -> str:
    title = _(TITLES.get(status, TITLES[500]))
    return PAGE.format(
        lang=i18n.lang(),
        style=STYLE,
        title=html.escape(title),
        message=html.escape(message),
        home=html.escape(i18n.href("/")),
        go_home=html.escape(_("Go to the Delta 8.7 overview")),
        search=html.escape(i18n.href("/search")),
        search_label=html.escape(_("Search")),
    )


def _wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path.startswith("/_dash-") or request.accept_mimetypes.best == "application/json"


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 404 and not _wants_json():
        message = _("There is no page at %(path)s.", path=request.path[:200])
    response = error_response(status, exc.name.lower().replace(" ", "_"), message)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _bad_input(exc: BadInput) -> Response:
    log.info("refused input for %s: %s", request.path, exc.message)
    return error_response(exc.status, exc.error, exc.message, exc.to_dict())


def _unavailable(exc: ReleaseError | QueryTimeout | Busy) -> Response:
    """503 with Retry-After: no release can be served, a query reached its time limit, or heavy work is at its bound.
    The API says what happened in its own (English) terms; pages and callbacks say it in the reader's language."""
    if isinstance(exc, ReleaseError):  # warehouse.releases logs each change of what is served, once
        error, message, seconds = "no_release", f"The data release is unavailable right now: {exc}", 1
        said = _("The data are being updated or are unavailable right now. Try again in a minute.")
    elif isinstance(exc, QueryTimeout):
        log.warning("query time limit reached for %s", request.full_path[:300])
        error, message, seconds = "query_timeout", str(exc), 5
        said = _("This took too long to answer. Choose a smaller selection, or try again in a few seconds.")
    else:
        error, message, seconds = "busy", str(exc), exc.retry_after
        said = _("The site is busy. Try again in a few seconds.")
    response = error_response(503, error, message if request.path.startswith("/api/") else said)
    response.headers["Retry-After"] = str(seconds)
    return response


def _unknown_bundle(_exc: DependencyException) -> Response:
    return error_response(404, "not_found", f"no such script bundle: {request.path[:200]}")


def _not_a_path(_exc: UnsupportedRelativePath) -> Response:
    return error_response(400, "bad_input", "the page location must be a path starting with '/'")


def _unexpected(exc: Exception) -> Response:
    log.error("unexpected error answering %s %s", request.method, request.full_path[:300], exc_info=exc)
    return error_response(500, "internal_error", _("Something went wrong on our side; the error has been logged."))
