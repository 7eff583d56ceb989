"""The HTTP API for researchers: a Flask blueprint mounted at /api/v1 on the Dash server.

Endpoints: indicators, countries, sources, releases, observations (csv | json | parquet | xlsx | zip), bulk,
openapi.json and a documentation page at /api/v1/docs. Every response names the release it was answered
from (header `X-Delta87-Release` and the ETag); `release=<id>` pins one.
"""

from __future__ import annotations

from flask import Flask

from api import catalog, docs, observations, openapi  # each attaches its views to the blueprint on import
from api.responses import PREFIX, bp

__all__ = ["PREFIX", "bp", "catalog", "docs", "init_app", "observations", "openapi"]


def init_app(server: Flask) -> None:
    """Mount the API on the Flask server behind Dash."""
    server.register_blueprint(bp)
