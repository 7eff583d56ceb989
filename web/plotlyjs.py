"""Serve the partial plotly.js bundle (tools/plotly_bundle/build.sh) at the URL Dash loads the full one from.

`DELTA87_PLOTLY_BUNDLE=full` serves Dash's full bundle instead (benchmarks compare the two).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import dash
from flask import Response, request

import config

BUNDLE = config.ROOT / "assets" / "vendor" / "plotly" / "plotly.min.js"
BUNDLE_BR = BUNDLE.with_name(BUNDLE.name + ".br")
#: Where dash-renderer points dcc.Graph for plotly.js when the app serves its scripts locally.
DASH_PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"


def install(app: dash.Dash) -> None:
    """Answer Dash's plotly.js URL with the partial bundle (unless the full one is configured)."""
    if config.settings().plotly_bundle == "full":
        return
    url = app.config.routes_pathname_prefix + DASH_PLOTLY_PATH

    def partial_bundle() -> Response | None:
        if request.path != url:
            return None
        brotli = "br" in request.accept_encodings and BUNDLE_BR.is_file()
        data, etag = _bundle(BUNDLE_BR if brotli else BUNDLE)
        if request.if_none_match.contains(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"', "Vary": "Accept-Encoding"})
        response = Response(data, mimetype="text/javascript", headers={"Vary": "Accept-Encoding"})
        if brotli:  # compressed at build time at brotli's highest level; flask-compress leaves it as it is
            response.headers["Content-Encoding"] = "br"
        response.set_etag(etag)
        return response

    app.server.before_request(partial_bundle)


@cache
def _bundle(path: Path) -> tuple[bytes, str]:
    """The bundle's bytes and an ETag naming its content."""
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:20]
