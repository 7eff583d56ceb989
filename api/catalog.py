"""Catalogue endpoints: the API index, indicators, countries (and aggregates), sources and releases."""

from __future__ import annotations

import pandas as pd
from flask import Response, url_for

from api import PREFIX, bp
from api.responses import json_response, release_only
from web.downloads import records


def _table_response(build) -> Response:
    """Resolve the release, check parameters, answer 304 or the JSON `build(warehouse, release)` returns."""
    warehouse, release, etag, cached = release_only()
    if cached is not None:
        return cached
    response = json_response({"release": release.id, **build(warehouse, release)})
    response.set_etag(etag)
    return response


@bp.get("/")
def index() -> Response:
    """Where everything is."""
    names = ["indicators", "countries", "sources", "releases", "observations", "bulk", "openapi", "docs"]
    links = {name: url_for(f"api.{name}", _external=True) for name in names}
    return _table_response(lambda warehouse, release: {"links": links})


@bp.get("/indicators")
def indicators() -> Response:
    """Every indicator of the release: code, name, unit, definition, caveats, coverage."""

    def build(warehouse, release):
        data = records(warehouse.indicators(release.id))
        return {"count": len(data), "data": data}

    return _table_response(build)


@bp.get("/countries")
def countries() -> Response:
    """Countries with their region and income-group codes, and the aggregates (regions, income groups)."""

    def build(warehouse, release):
        data = records(warehouse.countries(release.id))
        return {"count": len(data), "data": data, "aggregates": records(warehouse.regions(release.id))}

    return _table_response(build)


@bp.get("/sources")
def sources() -> Response:
    """Every source: publisher, edition, licence, citation, and whether its data may be downloaded."""

    def build(warehouse, release):
        frame = warehouse.sources(release.id)
        data = records(frame)
        for row in data:
            row["downloadable"] = bool(row.get("redistribution"))
        return {"count": len(data), "data": data}

    return _table_response(build)


@bp.get("/releases")
def releases() -> Response:
    """Every release on disk, newest first; any of them can be pinned with `release=<id>`."""

    def build(warehouse, release):
        frame = warehouse.releases()
        frame = frame.astype({"current": bool}) if len(frame) else pd.DataFrame(columns=frame.columns)
        data = records(frame)
        for row in data:
            row["observations_url"] = f"{PREFIX}/observations?release={row['id']}"
        return {"current": release.id, "count": len(data), "data": data}

    return _table_response(build)
