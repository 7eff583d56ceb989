"""The Host header is never the client's to choose (issue 18, "Why" 8), and the minor HTTP points of "Why" 9.

Absolute URLs appear in the `/api/v1` redirect, API bodies and their `Link` header, the API docs, downloads'
`query_url` and Dash's meta tags. They come from DELTA87_PUBLIC_URL when it is set, else from a trusted Host;
any other Host gets 400.
"""

from __future__ import annotations

import io
import re

import pytest

import app as webapp

pytestmark = pytest.mark.usefixtures("explorer_release")


@pytest.fixture
def app(explorer_app, explorer_release):
    """The tests here only read: they share one app over the same synthetic release (`fresh_app` where not)."""
    return explorer_app


EVIL = "evil.example"
#: Every place an absolute URL is written.
PATHS = ["/api/v1", "/api/v1/observations?format=json&limit=1", "/api/v1/docs", "/", "/country/AAA", "/forum/feed.xml"]


def _everything(response) -> str:
    return response.get_data(as_text=True) + " ".join(f"{k}: {v}" for k, v in response.headers.items())


@pytest.mark.parametrize("path", PATHS)
def test_an_untrusted_host_gets_400_and_is_never_reflected(client, path):
    response = client.get(path, headers={"Host": EVIL})
    assert response.status_code == 400
    assert EVIL not in _everything(response)


def test_probes_answer_any_host(client):
    for path in ("/healthz", "/readyz"):
        assert client.get(path, headers={"Host": "10.0.0.7:8050"}).status_code == 200


def test_trusted_hosts_are_configurable(isolated_env, explorer_release, monkeypatch):
    monkeypatch.setenv("DELTA87_TRUSTED_HOSTS", "data.example.org, .mirror.example.net")
    client = webapp.create_app().server.test_client()
    for host in ("data.example.org", "a.mirror.example.net:8443", "localhost:8050"):
        response = client.get("/api/v1/observations?format=json&limit=1", headers={"Host": host})
        assert response.status_code == 200
        assert response.json["links"]["self"].startswith(f"http://{host}/api/v1/observations")
    assert client.get("/api/v1/countries", headers={"Host": EVIL}).status_code == 400


def test_the_public_url_writes_every_absolute_url_whatever_the_host(isolated_env, explorer_release, monkeypatch):
    monkeypatch.setenv("DELTA87_PUBLIC_URL", "https://delta87.example.org")
    client = webapp.create_app().server.test_client()
    redirect = client.get("/api/v1", headers={"Host": "localhost:8050"})
    assert redirect.headers["Location"] in ("/api/v1/", "https://delta87.example.org/api/v1/")
    page = client.get("/api/v1/observations?format=json&limit=1&offset=1", headers={"Host": "127.0.0.1:8050"})
    assert page.json["links"]["self"].startswith("https://delta87.example.org/api/v1/observations?")
    assert "<https://delta87.example.org/api/v1/observations?" in page.headers["Link"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "https://delta87.example.org/api/v1" in docs and "localhost" not in docs
    index = client.get("/country/AAA").get_data(as_text=True)
    assert 'content="https://delta87.example.org/country/AAA"' in index
    feed = client.get("/forum/feed.xml", headers={"Host": "localhost:8050"}).get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]+)"', feed)
    assert hrefs and all(href.startswith("https://delta87.example.org/forum") for href in hrefs), hrefs
    assert client.get("/", headers={"Host": "delta87.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": EVIL}).status_code == 400


def test_etags_vary_with_the_base_url_the_body_names(isolated_env, explorer_release, monkeypatch):
    monkeypatch.setenv("DELTA87_TRUSTED_HOSTS", "a.example,b.example")
    client = webapp.create_app().server.test_client()
    for path in ("/api/v1/observations?format=json&limit=1", "/api/v1/docs"):
        a = client.get(path, headers={"Host": "a.example"})
        b = client.get(path, headers={"Host": "b.example"})
        assert a.headers["ETag"] != b.headers["ETag"], path
        stale = client.get(path, headers={"Host": "b.example", "If-None-Match": a.headers["ETag"]})
        assert stale.status_code == 200, f"{path}: an ETag of another base URL must not revalidate"


# -- "Why" 9: the minor points ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/countries", "/api/v1/observations", "/api/v1/nowhere"])
def test_options_and_trace_name_the_methods_an_api_path_allows(client, path):
    options = client.open(path, method="OPTIONS")
    assert options.headers["Allow"] == "GET, HEAD, OPTIONS"
    trace = client.open(path, method="TRACE")
    assert trace.status_code in (404, 405)
    if trace.status_code == 405:
        assert trace.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_an_unknown_explainer_is_a_404(client):
    assert client.get("/learn/no-such-explainer-at-all").status_code == 404
    assert client.get("/learn/glossary").status_code == 200


def test_a_chunked_body_over_1_mib_gets_413(client):
    response = client.post(
        "/_dash-update-component",
        input_stream=io.BytesIO(b"[" * (2 << 20)),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},  # what gunicorn and nginx say of a chunked body
    )
    assert response.status_code == 413
    assert "1,048,576 bytes" in response.json["message"]
