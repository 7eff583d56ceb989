"""Static files: fingerprinted bundles and assets are kept by browsers for a year; the rest is revalidated."""

from __future__ import annotations

import re

IMMUTABLE = "public, max-age=31536000, immutable"


def cache_control(client, url: str) -> str | None:
    with client.get(url) as response:  # closes the streamed file
        assert response.status_code == 200, url
        return response.headers.get("Cache-Control")


def test_fingerprinted_scripts_are_immutable_and_unversioned_urls_are_not(client):
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any("/_dash-component-suites/" in s for s in scripts) and any("/assets/" in s for s in scripts)
    for src in scripts:
        assert cache_control(client, src) == IMMUTABLE, src
    # the same files without their fingerprint could change under the URL: never kept unasked
    assert cache_control(client, "/assets/app.css") != IMMUTABLE
    assert cache_control(client, "/_dash-component-suites/plotly/package_data/plotly.min.js") != IMMUTABLE
