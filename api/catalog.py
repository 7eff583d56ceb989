"""Catalogue endpoints: the API index, indicators, countries (and aggregates), sources and releases."""

from __future__ import annotations

from flask import Response, url_for

from api.responses import PREFIX, bp, json_response, release_only, request_args
from dataproduct import labels
from dataproduct.downloads import records, shareable
from dataproduct.params import ParamError, catalog, single
from warehouse.schema import redistributable
from web import i18n
from web.inputs import echo


def _table_response(build, *names: str) -> Response:
    """Resolve the release, check parameters (`release`, and `names`), answer 304 or the JSON `build(warehouse,
    release)` returns."""
    warehouse, release, etag, cached = release_only(names=("release", *names))
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
    """Every indicator of the release: code, name, unit, definition, caveats, and its coverage in downloads."""

    def build(warehouse, release):
        data = records(shareable(catalog(release), "indicators", warehouse.indicators(release)))
        if lang := language():
            labels.api_labels(lang, data, [], [])
        return {"count": len(data), "data": data}

    return _table_response(build, "lang")


@bp.get("/countries")
def countries() -> Response:
    """Countries with their region and income-group codes, and the aggregates (regions, income groups); memberships
    listed only by a source that may not be redistributed are left out."""

    def build(warehouse, release):
        cat = catalog(release)
        data = records(shareable(cat, "countries", warehouse.countries(release)))
        aggregates = records(shareable(cat, "regions", warehouse.regions(release)))
        if lang := language():
            labels.api_labels(lang, [], data, aggregates)
        return {"count": len(data), "data": data, "aggregates": aggregates}

    return _table_response(build, "lang")


def language() -> str | None:
    """`lang=` (en, fr or es): the language of the `labels` added to each record; None without it."""
    value = single(request_args(), "lang")
    if value is not None and value not in i18n.LANGUAGES:
        raise ParamError("lang", f"unknown lang {echo(value)}", allowed=list(i18n.LANGUAGES), error="unknown_value")
    return value


@bp.get("/sources")
def sources() -> Response:
    """Every source: publisher, edition, licence, citation, its files' checksums, and whether it may be downloaded."""

    def build(warehouse, release):
        data, files = records(warehouse.sources(release)), catalog(release).files
        for row in data:
            row["downloadable"] = redistributable(row)
            row["files"] = files.get(row["id"], [])
        return {"count": len(data), "data": data}

    return _table_response(build)


@bp.get("/releases")
def releases() -> Response:
    """Every release on disk, newest first; any of them can be pinned with `release=<id>`."""

    def build(warehouse, release):
        data = warehouse.releases.listing()
        for row in data:
            row["observations_url"] = f"{PREFIX}/observations?release={row['id']}"
        return {"current": release.id, "count": len(data), "data": data}

    return _table_response(build)
