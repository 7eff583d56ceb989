"""Chart-only embed pages: the full page's own layout in an embed wrapper, and the only pages other sites may frame."""

from __future__ import annotations

import dash

from tests.conftest import components, render


def embed_layout(name: str):
    return next(p["layout"] for p in dash.page_registry.values() if p["module"] == f"dashboards.embed.{name}")


def ids(tree) -> set[str]:
    return {str(c.id) for c in components(tree) if getattr(c, "id", None)}


def test_an_embed_page_is_the_full_page_with_the_same_parameters(synthetic_release, app):
    with app.server.test_request_context("/"):
        embedded = embed_layout("coverage")(chart="coverage-matrix", region="", colour="nature")
    full = render(app, "coverage", region="", colour="nature")
    assert embedded.className == "embed-page" and embedded.to_plotly_json()["props"]["data-chart"] == "coverage-matrix"
    assert ids(embedded) == ids(full)  # the same components, so the same callbacks fill it
    assert "coverage-matrix" in ids(embedded)


def test_only_embed_pages_may_be_framed(synthetic_release, client):
    for path in ("/embed/coverage", "/embed/indicator/child_labour_5_17", "/embed/country/KEN"):
        response = client.get(path)
        assert response.status_code == 200
        assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in response.headers
    page = client.get("/coverage")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
