"""Health endpoints for load balancers and orchestrators: /healthz (liveness) and /readyz (readiness).

/healthz answers 200 as long as the worker runs Python; it reads nothing, so a hung data folder never makes an
orchestrator kill healthy workers. /readyz answers 200 when a verified release can be served, naming it, and says
`degraded` when the platform serves the last good release because CURRENT is missing or fails its checksums;
it answers 503 when no release at all can be served (take this instance out of the pool).
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
    """Readiness: the release served (pinned for this request), whether it is degraded, the cache state."""
    try:
        release = request_release()
    except ReleaseError as exc:
        body = {"status": "unavailable", "release": None, "degraded": str(exc), "cache": cache.status()}
        return _json(body, 503)
    body = {
        "status": "degraded" if release.degraded else "ready",
        "release": release.id,
        "created": release.created,
        "degraded": release.degraded,
        "cache": cache.status(),
    }
    return _json(body, 200)


def _json(body: dict, status: int) -> Response:
    response = Response(json.dumps(body) + "\n", status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
