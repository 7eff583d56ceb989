"""Health endpoints: /healthz (liveness; reads nothing, so a hung data folder never gets a worker killed), /readyz.

/readyz names the code answering (the cache keys' code id: a commit and a digest of uncommitted changes, or the
operator's DELTA87_CODE_ID), so that an operator can tell which deploy answered.
"""

from __future__ import annotations

import json

from flask import Flask, Response

from warehouse import ReleaseError
from web import cache
from web.release import request_release


def install(server: Flask) -> None:
    """Register /healthz and /readyz (they take precedence over Dash's catch-all page route)."""
    server.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    server.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])


def healthz() -> Response:
    """Liveness: the worker is up."""
    return _json({"status": "ok"}, 200)


def readyz() -> Response:
    """Readiness: the release served, whether it is degraded (the last good one), the cache, the code; 503: none."""
    code = cache.code_id()
    try:
        release = request_release()
    except ReleaseError as exc:
        body = {"status": "unavailable", "release": None, "degraded": str(exc), "cache": cache.status(), "code": code}
        return _json(body, 503)
    body = {
        "status": "degraded" if release.degraded else "ready",
        "release": release.id,
        "created": release.created,
        "degraded": release.degraded,
        "cache": cache.status(),
        "code": code,
    }
    return _json(body, 200)


def _json(body: dict, status: int) -> Response:
    response = Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
