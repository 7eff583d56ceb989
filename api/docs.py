"""The human documentation of the API at /api/v1/docs: plain server-rendered HTML built from the OpenAPI document.

Everything interpolated is escaped; the page uses only the vendored Bootstrap CSS and no script.
"""

from __future__ import annotations

from flask import Response, request
from markupsafe import Markup, escape

import config
from api.openapi import document
from api.responses import PREFIX, bp, release_only
from dataproduct.params import Catalog, catalog
from dataproduct.readme import snippet

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Delta 8.7 data API</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
</head>
<body>
<a class="visually-hidden-focusable" href="#main">Skip to main content</a>
<nav class="navbar navbar-dark bg-dark mb-3"><div class="container-lg">
<a class="navbar-brand fw-bold" href="/">Delta 8.7</a>
<a class="nav-link text-light" href="/data">Data explorer</a></div></nav>
<main id="main" class="container-lg">
{body}
</main>
</body>
</html>
"""
SHOWN_VALUES = 40  # longer code lists link to their endpoint instead


def _example_codes(cat: Catalog) -> tuple[str, str]:
    indicator = "child_labour_5_17" if "child_labour_5_17" in cat.indicators else next(iter(sorted(cat.indicators)), "")
    country = next((c for c in ("NPL", "IND", "BRA") if c in cat.areas), next(iter(sorted(cat.areas)), ""))
    return indicator, country


def _code(text: str) -> Markup:
    return Markup("<code>{}</code>").format(text)


def _examples(base: str, cat: Catalog) -> Markup:
    indicator, country = _example_codes(cat)
    query = f"{base}/observations?indicator={indicator}&country={country}"
    rows = [
        ("JSON, first page", f"{query}&year_from=2010"),
        ("CSV (streamed)", f"{query}&format=csv"),
        ("Pinned to this release", f"{query}&format=csv&release={cat.release_id}"),
        ("Zip bundle (data, dictionary, sources, snippets)", f"{query}&format=zip"),
        ("Low-income countries, by sex", f"{base}/observations?indicator={indicator}&group=WB_LIC&sex=female,male"),
        ("Whole release", f"{base}/bulk"),
    ]
    items = Markup("").join(Markup('<li>{}: <a href="{}">{}</a></li>').format(label, url, url) for label, url in rows)
    snippets = (
        f'import pandas as pd\ndf = pd.read_csv("{query}&format=csv")\n\n'
        f'# R\ndf <- read.csv("{query}&format=csv", encoding = "UTF-8")\n\n'
        + snippet("api_duckdb.sql", url=f"{query}&format=csv")
    )
    return Markup("<h2>Examples</h2><ul>{}</ul><pre class='bg-light p-3'><code>{}</code></pre>").format(items, snippets)


def _allowed(schema: dict, name: str) -> Markup:
    items = schema.get("items", schema)
    values = items.get("enum")
    if values:
        if len(values) > SHOWN_VALUES:
            where = {"country": "countries", "area": "countries", "group": "countries", "indicator": "indicators"}
            link = f"{PREFIX}/{where.get(name, 'openapi.json')}"
            return Markup('{} values; see <a href="{}">{}</a>').format(len(values), link, link)
        return Markup(", ").join(_code(str(v)) for v in values)
    bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum") if k in schema]
    if "pattern" in schema:
        bounds.append(f"pattern {schema['pattern']}")
    return escape(", ".join(bounds) or schema.get("type", ""))


def _operation(path: str, operation: dict) -> Markup:
    rows = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            _code(p["name"]), p.get("description", ""), _allowed(p["schema"], p["name"])
        )
        for p in operation.get("parameters", [])
    )
    table = Markup(
        "<table class='table table-sm'><caption class='visually-hidden'>Parameters</caption><thead><tr>"
        "<th scope='col'>Parameter</th><th scope='col'>Meaning</th><th scope='col'>Allowed values</th></tr>"
        "</thead><tbody>{}</tbody></table>"
    ).format(rows)
    codes = ", ".join(sorted(operation.get("responses", {})))
    return Markup(
        "<section class='mb-4'><h3>GET {}</h3><p>{}</p><p>{}</p>{}<p class='small'>Status codes: {}</p></section>"
    ).format(_code(PREFIX + path), operation.get("summary", ""), operation.get("description", ""), table, codes)


def _excluded(cat: Catalog) -> Markup:
    items = Markup("").join(
        Markup('<li>{} ({}): <a href="{}">{}</a></li>').format(
            cat.sources[s].get("publisher") or s,
            cat.sources[s].get("title") or "",
            cat.sources[s].get("url") or "",
            cat.sources[s].get("url") or "",
        )
        for s in cat.excluded_sources()
    )
    if not items:
        return Markup("<p>Every source of this release may be redistributed.</p>")
    groups = Markup(", ").join(_code(code) for code in sorted(cat.withheld))
    return Markup(
        "<p>These sources are shown on the dashboards with attribution but left out of every download and of the observations endpoint, because their licence does not allow redistribution. Get their data from the publisher:</p><ul>{}</ul>"
        "{}"
    ).format(
        items,
        groups
        and Markup(
            "<p>So are the member lists they alone give, or whose source this release does not name: <code>group=</code> refuses {} (400), and /countries and the bulk zip leave those memberships out.</p>"
        ).format(groups),
    )


INTRO = Markup(
    "<p>Every response names the release it was answered from, in the <code>X-Delta87-Release</code> header and the "
    "<code>ETag</code>; send the ETag back in <code>If-None-Match</code> to get a 304. Add <code>release=&lt;id&gt;</code> "
    "(see <a href='{p}/releases'>releases</a>) to pin a release, so the same URL gives the same rows after later publishes.</p>"
    "<p>Filters combine with AND; the values of one filter with OR (repeat the parameter or separate values with commas). "
    "Formats: <code>json</code> (paged with <code>limit</code>/<code>offset</code> and <code>links</code>), <code>csv</code> "
    "(streamed, no row cap), <code>parquet</code>, <code>xlsx</code> (data, metadata, dictionary and sources sheets; row cap "
    "{cap:,}) and <code>zip</code> (data as CSV and Parquet, data dictionary, sources with edition, licence and citation, the "
    "release id, the exact query URL and pandas, R and DuckDB snippets).</p>"
    "<p>Rows come in one order in every format and page: the <code>sort</code> asked for, then the release's key "
    "(indicator, iso3, year, year_end, sex, age, source, edition); <code>sort=area_name</code> follows the English names "
    "the files carry. CSV is UTF-8 without a byte-order mark; to open it in "
    "Excel use Data &gt; From Text/CSV, or ask for <code>xlsx</code>.</p>"
    '<p>Errors are JSON: <code>{{"error", "parameter", "message", "allowed"}}</code> with status 400 (bad parameter), '
    "404 (unknown release or endpoint), 405 (a method other than GET), 410 (a pinned release this version of the "
    "platform can no longer read; <code>allowed</code> lists those it serves), 429 (too many requests; see "
    "<code>Retry-After</code>) or 503 (no release yet, a query over its time limit, or busy; see "
    "<code>Retry-After</code>). Machine-readable: <a href='{p}/openapi.json'>openapi.json</a>.</p>"
)


@bp.get("/docs")
def docs() -> Response:
    """The documentation page, rendered from the OpenAPI document of the release being served."""
    warehouse, release, etag, cached = release_only(request.host_url)
    if cached is not None:
        return cached
    cat = catalog(release)
    spec = document(cat, config.settings().page_size_max)
    base = request.host_url.rstrip("/") + PREFIX
    body = Markup("").join(
        [
            Markup("<h1>Delta 8.7 data API</h1><p>Base URL {} · release {}</p>").format(_code(base), _code(release.id)),
            Markup(INTRO.format(p=PREFIX, cap=config.settings().max_rows_xlsx)),
            Markup("<h2>Licences</h2>") + _excluded(cat),
            _examples(base, cat),
            Markup("<h2>Endpoints</h2>"),
            *[_operation(path, item["get"]) for path, item in spec["paths"].items()],
        ]
    )
    response = Response(PAGE.format(body=body), mimetype="text/html")
    response.set_etag(etag)
    return response
