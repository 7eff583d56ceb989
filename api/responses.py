"""What every API response shares: the release it was answered from, ETags and 304s, JSON errors, CORS."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, datetime

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from dataproduct.params import API_PREFIX as PREFIX
from dataproduct.params import ParamError, arguments, check_names, release_param
from warehouse import NoRelease, OutdatedRelease, QueryTimeout, Release, ReleaseError, Warehouse, get_warehouse
from warehouse import releases as rel
from web.cache import code_id
from web.inputs import BadInput
from web.limits import Busy
from web.release import RELEASE_HEADER, request_release

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix=PREFIX)

#: Every path the API answers (the catch-all below answers the rest with a JSON 404).
PATHS = ("/", "/indicators", "/countries", "/sources", "/releases", "/observations", "/bulk", "/openapi.json", "/docs")
EXCLUDED_HEADER = "X-Delta87-Excluded-Sources"
EXPOSED = f"{RELEASE_HEADER}, {EXCLUDED_HEADER}, ETag, Link, X-Total-Count, Content-Disposition"
ALLOW = "GET, HEAD, OPTIONS"


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def json_response(payload, status: int = 200) -> Response:
    """A JSON response (NaN never reaches the wire: callers pass clean records)."""
    body = json.dumps(payload, default=_default, ensure_ascii=False, allow_nan=False)
    # Echoed user text can never read as markup, even to a browser that sniffs (as Flask's htmlsafe_json).
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(body + "\n", status=status, mimetype="application/json")


def error_response(problem: BadInput) -> Response:
    """The JSON error body with the problem's status."""
    return json_response(problem.to_dict(), problem.status)


def resolve(args: dict[str, list[str]]) -> tuple[Warehouse, Release]:
    """The warehouse and the release this request reads: pinned by `release=`, else the request's release."""
    warehouse = get_warehouse()
    pinned = release_param(args)
    try:
        release = warehouse.releases.get(pinned) if pinned else request_release()
    except NoRelease as exc:
        raise ParamError(None, str(exc), status=503, error="no_release") from exc
    except OutdatedRelease as exc:  # a pinned one (the release served falls back to one that verifies, or is none)
        message = f"{exc} (`allowed` lists those this version serves)"
        servable = [row["id"] for row in warehouse.releases.listing() if row["servable"]]  # newest first
        raise ParamError("release", message, servable, 410, "release_outdated") from exc
    except ReleaseError as exc:
        if pinned:
            known = list(reversed(rel.list_release_ids(warehouse.root)))
            raise ParamError("release", f"release {pinned} is not available", known, 404, "release_not_found") from exc
        raise ParamError(None, f"no usable release: {exc}", status=503, error="no_release") from exc
    g.api_release = release
    return warehouse, release


def request_args() -> dict[str, list[str]]:
    """The query string as {name: [values]}."""
    return arguments(request.args)


def etag_for(release: Release, *parts: str) -> str:
    """An ETag naming the release and what else the body depends on: the code (its licence rule), the base URL of its
    links, path and query."""
    query = sorted((k, v) for k, vs in request_args().items() for v in vs)
    digest = hashlib.sha256(repr((code_id(), request.host_url, request.path, query, parts)).encode()).hexdigest()[:16]
    return f"{release.id}-{digest}"


def release_only(*etag_parts: str, names=("release",)) -> tuple[Warehouse, Release, str, Response | None]:
    """For endpoints that take only `release=` (or `names`): check the query, resolve the release, its ETag, and a
    304 if held."""
    args = request_args()
    check_names(args, list(names))
    warehouse, release = resolve(args)
    etag = etag_for(release, *etag_parts)
    return warehouse, release, etag, not_modified(etag)


def not_modified(etag: str) -> Response | None:
    """A 304 when the client already holds this exact response."""
    # flask-compress appends ":br" / ":gzip" to the ETag of a compressed body; the same content matches.
    held = {tag.rsplit(":", 1)[0] for tag in request.if_none_match.as_set(include_weak=True)}
    if etag in held or request.if_none_match.star_tag:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    return None


@bp.after_request
def name_the_release(response: Response) -> Response:
    """Every response names its release. Caches revalidate every answer after a minute, pinned ones too: a pinned
    release's rows never change, but its bodies follow the code (the licence rule), which the ETag names."""
    release = g.get("api_release")
    if release is not None:
        response.headers[RELEASE_HEADER] = release.id
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = "public, max-age=60, must-revalidate"
    if response.status_code >= 400:  # a 404 or 410 is cacheable by default; the next release or deploy may answer
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: callable from any researcher's notebook
    if request.method == "OPTIONS" or response.status_code == 405:  # every endpoint answers GET only
        response.headers["Allow"] = ALLOW
    if request.method == "OPTIONS":  # CORS preflight (If-None-Match is not a "simple" header)
        response.headers["Access-Control-Allow-Methods"] = ALLOW
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.errorhandler(BadInput)
def param_error(exc: BadInput) -> Response:
    """400/404/503 JSON for a parameter (or release) the API cannot use."""
    return error_response(exc)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    """Werkzeug's HTML error pages become JSON inside the API."""
    problem = ParamError(
        None, exc.description or exc.name, status=exc.code or 500, error=exc.name.lower().replace(" ", "_")
    )
    response = error_response(problem)
    return response


@bp.errorhandler(ReleaseError)
def release_error(exc: ReleaseError) -> Response:
    """503: the release vanished or broke while answering (retryable; warehouse.releases logs the change)."""
    problem = ParamError(None, f"the data release is unavailable: {exc}", status=503, error="no_release")
    return _retry(error_response(problem), 1)


@bp.errorhandler(QueryTimeout)
def query_timeout(exc: QueryTimeout) -> Response:
    """503: the query hit its time limit."""
    return _retry(error_response(ParamError(None, str(exc), status=503, error="query_timeout")), 5)


@bp.errorhandler(Busy)
def busy(exc: Busy) -> Response:
    """503: every slot for heavy downloads is taken."""
    return _retry(error_response(ParamError(None, str(exc), status=503, error="busy")), exc.retry_after)


def _retry(response: Response, seconds: int) -> Response:
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.errorhandler(Exception)
def unexpected(exc: Exception) -> Response:
    """Last resort: a bug must still answer JSON, never a traceback page (and it is logged in full)."""
    log.exception("unexpected error answering %s", request.full_path)
    return error_response(ParamError(None, "internal error; it has been logged", status=500, error="internal_error"))


# Routing errors under /api/v1 never reach blueprint handlers, so a catch-all route answers them in JSON.
@bp.route("/<path:rest>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def unknown_path(rest: str) -> Response:
    """JSON 404 for unknown endpoints, 405 for other methods on known ones."""
    path = "/" + rest.rstrip("/")
    allowed = [PREFIX + p for p in PATHS]
    if path in PATHS and request.method not in ("GET", "HEAD"):
        problem = ParamError(
            None, f"{request.method} is not allowed on {PREFIX}{path}; use GET", ["GET"], 405, "method_not_allowed"
        )
        return error_response(problem)
    hint = f" (did you mean {PREFIX}{path}?)" if path in PATHS else ""
    return error_response(ParamError(None, f"no such endpoint: {PREFIX}/{rest}{hint}", allowed, 404, "not_found"))
