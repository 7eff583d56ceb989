"""The machine-readable description of the API (OpenAPI 3.0), built from the code's own constants.

The allowed values of each filter are those of the release being served, so the document is itself a
codebook; the documentation page (api/docs.py) and the fuzz test (tests/test_api_fuzz.py) both read it.
"""

from __future__ import annotations

import pyarrow as pa
from flask import Response

import config
from api.responses import PREFIX, bp, json_response, release_only
from dataproduct import params
from dataproduct.downloads import MEDIA_TYPES, dictionary
from warehouse.schema import DOWNLOAD, TABLES

RELEASE_PATTERN = r"^r[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$"
SORT_PATTERN = "^-?({c})(,-?({c})){{0,{n}}}$".format(c="|".join(params.SORTABLE), n=params.MAX_SORT_KEYS - 1)

INDICATORS_SUMMARY = (
    "Indicators; observations, countries, first_year and last_year count the rows downloads hold "
    "(0 and null for a source that is not redistributable, whose figures are shown on the pages only)"
)
COUNTRIES_SUMMARY = "Countries and aggregates, without the memberships only a non-redistributable source lists"
FILTER_DOCS = {
    "indicator": "Indicator code(s); see /indicators.",
    "country": "ISO3 country code(s) or aggregate code(s) (WLD, SDG_SSA, WB_LIC, M49_002, ...) as stored in `iso3`; see /countries.",
    "group": "Region or income-group code(s): keep the countries that belong to any of them (e.g. WB_LIC, SDG_SSA). "
    "A group whose members only a non-redistributable source lists (the ILO regions: Walk Free) answers 400 "
    "not_redistributable; its own figures are country=<code>.",
    "sex": "total, female or male.",
    "age": "Age band(s) as published (e.g. 5-17).",
    "source": "Source id(s); see /sources.",
    "nature": "How figures came about: measured, estimated, modelled, detected, reported.",
}


def _column(field: pa.Field) -> dict:
    kind = (
        "integer"
        if pa.types.is_integer(field.type)
        else "number"
        if pa.types.is_floating(field.type)
        else "boolean"
        if pa.types.is_boolean(field.type)
        else "string"
    )
    schema = {"type": kind, "nullable": True}
    if field.name in dictionary() and DOWNLOAD.get_field_index(field.name) >= 0:
        schema["description"] = dictionary()[field.name]
    return schema


def _table_schema(name: str, extra: dict | None = None) -> dict:
    # observations leave the platform with the area's name (schema.DOWNLOAD)
    properties = {f.name: _column(f) for f in (DOWNLOAD if name == "observations" else TABLES[name])}
    return {"type": "object", "properties": {**properties, **(extra or {})}}


def _param(name: str, description: str, schema: dict, **more) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **more}


def _list_param(name: str, values: list[str]) -> dict:
    items = {"type": "string", "enum": values} if values else {"type": "string"}
    schema = {"type": "array", "items": items, "maxItems": params.MAX_VALUES}
    text = FILTER_DOCS[name] + " Repeat the parameter or separate values with commas."
    return _param(name, text, schema, style="form", explode=True)


def _synonym(name: str, canonical: str, catalog: params.Catalog) -> dict:
    return {
        **_list_param(canonical, catalog.allowed(canonical)),
        "name": name,
        "description": f"Synonym of `{canonical}`.",
    }


PERIOD_NOTE = (
    "A row without a single year (only a period) is kept when the known part of its period lies inside the range."
)


def observation_parameters(catalog: params.Catalog, page_size_max: int) -> list[dict]:
    """The query parameters of /observations, with the release's codes as allowed values."""
    year = {"type": "integer", "minimum": params.YEAR_MIN, "maximum": params.YEAR_MAX}
    return [
        *[_list_param(name, catalog.allowed(name)) for name in params.LIST_FILTERS],
        *[_synonym(name, canonical, catalog) for name, canonical in params.SYNONYMS.items()],
        _param("year_from", f"First year to include. {PERIOD_NOTE}", year, example=2010),
        _param("year_to", f"Last year to include. {PERIOD_NOTE}", year, example=2020),
        _param(
            "preferred",
            "true: only the headline row of each indicator and area (the value the pages show; rule in "
            "data/reference/headline.yaml); false: only the other rows.",
            {"type": "boolean"},
        ),
        _param(
            "sort",
            "Sort columns, comma-separated; prefix `-` for descending. Rows tied on them, and every request without "
            "`sort`, follow the release's key (indicator, iso3, year, year_end, sex, age, source, edition): the same "
            "order in every format and page.",
            {"type": "string", "pattern": SORT_PATTERN},
        ),
        _param(
            "limit",
            f"Rows per page (JSON: default {params.DEFAULT_LIMIT}, at most {page_size_max}; other formats: all rows by "
            f"default, at most {params.OFFSET_MAX}).",
            {"type": "integer", "minimum": 1, "maximum": page_size_max},
        ),
        _param("offset", "Rows to skip.", {"type": "integer", "minimum": 0, "maximum": params.OFFSET_MAX}),
        _param("format", "Response format.", {"type": "string", "enum": list(params.FORMATS), "default": "json"}),
        RELEASE_PARAM,
    ]


LANG_PARAM = _param(
    "lang",
    "Add `labels` to each record: its names in this language (fields and codes stay English).",
    {"type": "string", "enum": ["en", "fr", "es"]},
)
LABELS = {"labels": {"type": "object", "description": "Names in the `lang` asked for (with `lang=` only)."}}
RELEASE_PARAM = _param(
    "release",
    "Pin a release id (see /releases) so the same URL returns the same rows after later publishes.",
    {"type": "string", "pattern": RELEASE_PATTERN},
)
ERROR = {"$ref": "#/components/responses/Error"}
FILE_PROPERTIES = {"path": {"type": "string"}, "sha256": {"type": "string"}, "bytes": {"type": "integer"}}
HEADERS = {
    "X-Delta87-Release": {
        "description": "Id of the release that answered.",
        "schema": {"type": "string"},
        "required": True,
    },
    "ETag": {
        "description": "Release id and a digest of the request; send it back in If-None-Match.",
        "schema": {"type": "string"},
    },
}


def _ok(description: str, content: dict, headers: dict | None = None) -> dict:
    return {"description": description, "headers": {**HEADERS, **(headers or {})}, "content": content}


def _json_ok(summary: str, properties: dict, required: list[str], parameters: list[dict]) -> dict:
    schema = {"type": "object", "required": required, "properties": {"release": {"type": "string"}, **properties}}
    return _get(summary, {"200": _ok(summary, {"application/json": {"schema": schema}})}, parameters)


def _json_table(
    summary: str, table: str, extra: dict | None = None, item_extra: dict | None = None, parameters=(RELEASE_PARAM,)
) -> dict:
    data = {"type": "array", "items": _table_schema(table, item_extra)}
    properties = {"count": {"type": "integer"}, "data": data, **(extra or {})}
    return _json_ok(summary, properties, ["release", "count", "data"], list(parameters))


def _binary(summary: str, media_type: str) -> dict:
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return _get(summary, {"200": _ok(summary, content)}, [RELEASE_PARAM])


def _get(summary: str, responses: dict, parameters: list[dict], description: str = "") -> dict:
    codes = {
        "304": {"description": "Not modified (If-None-Match matched the ETag)."},
        "400": ERROR,
        "404": ERROR,
        "410": ERROR,
        "503": ERROR,
    }
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {**responses, **codes},
        }
    }


def _observations(catalog: params.Catalog, page_size_max: int) -> dict:
    page = {
        "type": "object",
        "required": ["release", "total", "count", "data", "links", "excluded_sources"],
        "properties": {
            "release": {"type": "string"},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "count": {"type": "integer"},
            "links": {"type": "object", "additionalProperties": {"type": "string"}},
            "excluded_sources": {"type": "array", "items": {"type": "object"}},
            "licence_note": {"type": "string"},
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Observation"}},
        },
    }
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = {
        "application/json": {"schema": page},
        **{MEDIA_TYPES[f].split(";")[0]: binary for f in ("csv", "parquet", "xlsx", "zip")},
    }
    total = {"X-Total-Count": {"description": "Matching rows (licence applied).", "schema": {"type": "integer"}}}
    description = (
        "Filters combine with AND; values of one filter combine with OR. Sources whose licence does not allow "
        "redistribution are left out and named in the X-Delta87-Excluded-Sources header and `excluded_sources`. "
        "CSV is streamed; Excel carries at most the configured row cap (a larger request is a 400 that says so)."
    )
    return _get(
        "Observations",
        {"200": _ok("Observations", content, total)},
        observation_parameters(catalog, page_size_max),
        description,
    )


RELEASE_ROW = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "created": {"type": "string"},
        "observations": {"type": "integer"},
        "indicators": {"type": "integer"},
        "countries": {"type": "integer"},
        "changes": {"type": "string"},
        "current": {"type": "boolean"},
        "servable": {"type": "boolean", "description": "false: built by an older schema or failing its checksums"},
        "problem": {"type": "string", "nullable": True, "description": "why it cannot be served, and the fix"},
        "observations_url": {"type": "string"},
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "parameter", "message", "allowed"],
    "properties": {
        "error": {"type": "string"},
        "parameter": {"type": "string", "nullable": True},
        "message": {"type": "string"},
        "allowed": {"nullable": True},
    },
}


def paths(catalog: params.Catalog, page_size_max: int) -> dict:
    """Every operation of the API (GET only)."""
    aggregates = {"aggregates": {"type": "array", "items": _table_schema("regions", LABELS)}}
    links = {"links": {"type": "object", "additionalProperties": {"type": "string"}}}
    releases = {
        "current": {"type": "string"},
        "count": {"type": "integer"},
        "data": {"type": "array", "items": RELEASE_ROW},
    }
    files = {"type": "array", "items": {"type": "object", "properties": FILE_PROPERTIES}}
    downloadable = {
        "downloadable": {"type": "boolean"},
        "files": {**files, "description": "The publisher files read, with their SHA-256 checksums."},
    }
    spec = {
        "/": _json_ok("Index of endpoints", links, ["release", "links"], [RELEASE_PARAM]),
        "/indicators": _json_table(INDICATORS_SUMMARY, "indicators", None, LABELS, (LANG_PARAM, RELEASE_PARAM)),
        "/countries": _json_table(COUNTRIES_SUMMARY, "countries", aggregates, LABELS, (LANG_PARAM, RELEASE_PARAM)),
        "/sources": _json_table("Sources, licences and citations", "sources", item_extra=downloadable),
        "/releases": _json_ok(
            "Releases on disk, newest first", releases, ["release", "current", "data"], [RELEASE_PARAM]
        ),
        "/observations": _observations(catalog, page_size_max),
        "/bulk": _binary("The whole release as one zip (redistributable sources only)", "application/zip"),
        "/openapi.json": _json_ok("This document", {}, [], [RELEASE_PARAM]),
        "/docs": _get(
            "Documentation page", {"200": _ok("HTML", {"text/html": {"schema": {"type": "string"}}})}, [RELEASE_PARAM]
        ),
    }
    spec["/openapi.json"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {"type": "object"}
    return spec


def document(catalog: params.Catalog, page_size_max: int) -> dict:
    """The OpenAPI document for the release described by `catalog`."""
    error = {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Delta 8.7 data API",
            "version": "1",
            "description": "Data on SDG target 8.7 (child labour, forced labour, modern slavery, human trafficking), "
            f"release {catalog.release_id}. Every figure names its source; data keep their publishers' licences.",
        },
        "servers": [{"url": PREFIX}],
        "paths": paths(catalog, page_size_max),
        "components": {
            "schemas": {"Observation": _table_schema("observations"), "Error": ERROR_SCHEMA},
            "responses": {"Error": error},
        },
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document of the release being served."""
    warehouse, release, etag, cached = release_only()
    if cached is not None:
        return cached
    response = json_response(document(params.catalog(release), config.settings().page_size_max))
    response.set_etag(etag)
    return response
