"""Secure headers and CSP, request size limits, and web attacks: every hostile input gets a 4xx or is handled, no 500."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from dash._utils import split_callback_id
from dash.testing.wait import until

from web import security

#: Hostile values sent in every input: SQL-ish, script, javascript: URL, unknown codes, paths, wrong types.
ATTACKS = [
    "' OR 1=1 --",
    '"; DROP TABLE observations; --',
    "<script>alert(1)</script>",
    "javascript:alert(document.cookie)",
    "ZZZ",
    "not_an_indicator_code",
    "../../../../etc/passwd",
    "\x00%00",
    "9" * 400,
    -1e308,
    {"$where": "1=1"},
    ["' OR 1=1 --", "<img src=x onerror=alert(1)>", "ZZZ"],
    None,
    True,
]
STRING_ATTACKS = [a for a in ATTACKS if isinstance(a, str)]
JS_HREF = re.compile(r'"href"\s*:\s*"\s*javascript:', re.IGNORECASE)


#: Every test here reads the synthetic dashboard release (published before the app is built).
pytestmark = pytest.mark.usefixtures("synthetic_release")


@pytest.fixture
def app(dashboard_app, synthetic_release):
    """The tests here only read: they share one app over the same synthetic release (`fresh_app` where not)."""
    return dashboard_app


def _assert_handled(response, what: str) -> None:
    """Not a server error, no traceback, and a JSON error names what was wrong."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{what}: {response.status_code} {body[:300]}"
    assert "Traceback" not in body, what
    assert not JS_HREF.search(body), f"{what}: a javascript: link reached the page"
    if response.status_code >= 400 and response.is_json:
        assert response.json.get("message"), what


# -- headers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/_dash-layout", "/readyz", "/api/v1/releases", "/assets/vendor/bootstrap.min.css"]
)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:  # static files are streamed: close them
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_csp_allows_exactly_the_inline_scripts_dash_writes_and_no_eval(client):
    response = client.get("/")
    policy = dict(d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    script_src = policy["script-src"].split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", response.get_data(as_text=True), re.S)
    executable = [code for attrs, code in inline if "application/json" not in attrs]
    assert executable, "Dash writes at least its renderer bootstrap inline"
    for code in executable:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src, f"inline script not allowed by the CSP: {code[:80]!r}"


def test_responses_are_compressed_with_brotli_or_gzip(client):
    page = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    bundle = next(
        p for p in re.findall(r'src="([^"]+)"', client.get("/").get_data(as_text=True)) if "dash_renderer" in p
    )
    gz = client.get(bundle, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    import gzip  # noqa: PLC0415

    assert gzip.decompress(gz.data) == client.get(bundle).data
    assert "Accept-Encoding" in gz.headers["Vary"]


# -- size limits --------------------------------------------------------------------------------------------


def test_oversized_callback_body_gets_413_with_a_message(client):
    body = json.dumps({"output": "x", "inputs": [{"id": "a", "property": "value", "value": "x" * (2 << 20)}]})
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "limit is 1,048,576 bytes" in response.json["message"]


def test_oversized_form_post_gets_a_413_page(client):
    response = client.post("/search", data={"q": "x" * (security.MAX_REQUEST_BYTES + 1)})
    assert response.status_code == 413
    assert "Request too large" in response.get_data(as_text=True)


# -- forged Dash callback requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"inputs": []}', "unknown callback output"),
        ('{"output": "nothing.children", "inputs": []}', "unknown callback output"),
        ('{"output": "_pages_dummy.children", "inputs": []}', "runs in the browser"),
    ],
)
def test_malformed_callback_requests_get_400_naming_the_problem(client, body, message):
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json["message"]


def _callback_body(spec: dict, value) -> dict:
    def deps(items):
        return [{**d, "value": value} if isinstance(d["id"], str) else [] for d in items]

    return {
        "output": spec["output"],
        "outputs": split_callback_id(spec["output"]),
        "inputs": deps(spec["inputs"]),
        "state": deps(spec.get("state", [])),
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec["inputs"] if isinstance(d["id"], str)][:1],
    }


def test_every_callback_survives_forged_values_in_every_input(client):
    specs = [s for s in client.get("/_dash-dependencies").json if not s.get("clientside_function")]
    assert len(specs) >= 2
    for spec in specs:
        for value in ATTACKS:
            response = client.post("/_dash-update-component", json=_callback_body(spec, value))
            _assert_handled(response, f"{spec['output'][:60]} <- {str(value)[:40]!r}")


def _router(client, pathname: str, search: str = ""):
    spec = next(s for s in client.get("/_dash-dependencies").json if "_pages_content.children" in s["output"])
    body = _callback_body(spec, None)
    body["inputs"] = [
        {"id": "_pages_location", "property": "pathname", "value": pathname},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    return client.post("/_dash-update-component", json=body)


def test_pages_handle_hostile_paths_and_query_strings(client):
    import dash  # noqa: PLC0415

    pages = [p.get("path_template") or p["path"] for p in dash.page_registry.values()]
    for template in (p for p in pages if "<" in p):  # every path variable gets every hostile string
        for attack in STRING_ATTACKS:
            path = re.sub(r"<\w+>", attack.replace("/", "%2F"), template)
            _assert_handled(client.get(path), f"GET {path!r}")
            _assert_handled(_router(client, path), f"page {path!r}")
    for path in pages:  # every page gets hostile query strings, as keys and as values
        for attack in STRING_ATTACKS[:4]:
            _assert_handled(
                _router(client, re.sub(r"<\w+>", "KEN", path), f"?q={attack}&{attack}=1"), f"{path}?{attack}"
            )


def test_javascript_urls_never_become_links(client):
    for pathname, search in [
        ("javascript:alert(1)", ""),
        ("/search", "?q=javascript:alert(1)"),
        ("/", "?next=javascript:alert(1)"),
    ]:
        response = _router(client, pathname, search)
        _assert_handled(response, f"{pathname}{search}")


def test_api_refuses_hostile_parameters_with_json_4xx(client):
    from dataproduct.params import OBSERVATION_PARAMS  # noqa: PLC0415

    for param in OBSERVATION_PARAMS:
        for attack in STRING_ATTACKS:
            response = client.get("/api/v1/observations", query_string={param: attack})
            _assert_handled(response, f"api {param}={attack[:30]!r}")
            assert response.is_json or response.status_code == 200, f"{param}: {response.content_type}"
    for path in ("/api/v1/countries", "/api/v1/indicators", "/api/v1/sources", "/api/v1/releases"):
        _assert_handled(client.get(path, query_string={"x": STRING_ATTACKS[0]}), path)
    _assert_handled(client.get("/api/v1/" + STRING_ATTACKS[2]), "unknown API path")


def test_error_pages_are_friendly_html_or_json_never_a_traceback(client):
    page = client.post("/")
    assert page.status_code == 405 and page.content_type.startswith("text/html")
    assert "Method not allowed" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.is_json and "no such endpoint" in api.json["message"]
    missing = client.get("/_dash-component-suites/dash/nope.js")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


# -- the CSP in a real browser --------------------------------------------------------------------------------


#: True once every chart on the page has drawn (plotly.js loaded and ran under the policy).
CHARTS_DRAWN = "return [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))"


def _csp_errors(logs: list[dict]) -> list[str]:
    return [e["message"] for e in logs if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


def _probe_app():
    """Every kind of component and chart the pages use, plus WebGL and a clientside callback, under web.install."""
    import warnings  # noqa: PLC0415

    import dash  # noqa: PLC0415
    import dash_bootstrap_components as dbc  # noqa: PLC0415
    import plotly.graph_objects as go  # noqa: PLC0415
    from dash import Input, Output, dash_table, dcc, html  # noqa: PLC0415

    import config  # noqa: PLC0415
    import web  # noqa: PLC0415

    app = dash.Dash(__name__, assets_folder=str(config.ROOT / "assets"), serve_locally=True)
    with warnings.catch_warnings():  # DataTable warns that it is deprecated in favour of AG Grid
        warnings.simplefilter("ignore", DeprecationWarning)
        table = dash_table.DataTable(data=[{"a": 1}], columns=[{"name": "a", "id": "a"}], sort_action="native")
    figures = [
        go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])),
        go.Figure(go.Bar(x=["a", "b"], y=[1, 2])),
        go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])),
        go.Figure(go.Scattergl(x=[1, 2], y=[2, 1])),
    ]
    app.layout = html.Div(
        [
            dbc.Navbar(dbc.Container([dbc.NavbarBrand("probe"), dbc.NavbarToggler(id="probe-toggler")])),
            dcc.Dropdown(id="probe-dd", options=["A", "B"], value="A"),
            dcc.Slider(0, 10, 1, value=3),
            dcc.Tabs([dcc.Tab(label="one", children="x"), dcc.Tab(label="two", children="y")]),
            dcc.Markdown("**bold**"),
            dcc.Loading(html.Div(id="probe-server")),
            dcc.RadioItems(["a", "b"], "a"),
            dcc.Checklist(["a", "b"], ["a"]),
            dbc.Alert("alert"),
            table,
            html.Div(id="probe-client"),
            *[dcc.Graph(figure=fig) for fig in figures],
            dcc.Graph(
                id="probe-map",
                figure=go.Figure(go.Choropleth(locations=["FRA", "KEN"], z=[1, 2], locationmode="ISO-3")),
                config={"topojsonURL": "/assets/topojson/"},
            ),
        ]
    )
    app.clientside_callback(
        "function(v) { return 'client ' + v; }", Output("probe-client", "children"), Input("probe-dd", "value")
    )

    @app.callback(Output("probe-server", "children"), Input("probe-dd", "value"))
    def update_probe_server(value):
        return f"server {value}"

    web.install(app)
    return app


def test_dash_components_and_charts_run_under_the_csp(dash_duo, isolated_env):
    dash_duo.start_server(_probe_app())
    dash_duo.wait_for_text_to_equal("#probe-client", "client A", timeout=15)
    dash_duo.wait_for_text_to_equal("#probe-server", "server A", timeout=15)
    dash_duo.wait_for_element("#probe-map .choroplethlocation", timeout=15)  # the map's shapes loaded and drew
    assert _csp_errors(dash_duo.get_logs()) == []
    assert dash_duo.get_logs() == []


def test_real_pages_show_no_csp_violation(dash_duo, fresh_app):
    dash_duo.start_server(fresh_app)
    violations = {}
    pages = ("/", "/country/KEN", "/country/KEN/brief", "/indicator/child_labour_5_17", "/coverage", "/data", "/learn")
    for path in (*pages, "/api/v1/docs"):
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element("#_pages_content > *" if path in pages else "h1", timeout=15)
        until(lambda: dash_duo.driver.execute_script(CHARTS_DRAWN), timeout=15)  # plotly.js loads asynchronously
        violations[path] = _csp_errors(dash_duo.get_logs())
    assert violations == {path: [] for path in violations}
