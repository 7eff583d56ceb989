"""The partial plotly.js bundle: it holds every trace type the pages draw, matches its recipe, and is served."""

from __future__ import annotations

import ast
import json
import re

import brotli
import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType

import config
from web import plotlyjs

RECIPE = config.ROOT / "tools" / "plotly_bundle"
#: Code that builds figures for the pages (page modules, their helpers, forum/learn content, shortcodes).
FIGURE_CODE = ("dashboards", "content", "web", "api")
TRACE_CLASSES = {
    name: getattr(go, name)().type
    for name in dir(go)
    if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
}


def bundled_traces() -> set[str]:
    """The trace types named in the committed bundle's banner (written by tools/plotly_bundle/build.sh)."""
    head = plotlyjs.BUNDLE.read_text(encoding="utf-8")[:400]
    return set(re.search(r"traces: ([a-z0-9,]+)", head).group(1).split(","))


def traces_in(source: str) -> set[str]:
    """Trace types a module builds: `go.<Trace>` (plotly.graph_objects as go) and `{"type": "<trace>"}` literals."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in TRACE_CLASSES and ast.unparse(node.value) == "go":
            found.add(TRACE_CLASSES[node.attr])
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                is_type = isinstance(key, ast.Constant) and key.value == "type"
                if is_type and isinstance(value, ast.Constant) and value.value in TRACE_CLASSES.values():
                    found.add(value.value)
    return found


def test_every_trace_type_the_pages_build_is_in_the_bundle():
    used = {}
    for folder in FIGURE_CODE:
        for path in sorted((config.ROOT / folder).rglob("*.py")):
            for trace in traces_in(path.read_text(encoding="utf-8")):
                used.setdefault(trace, []).append(str(path.relative_to(config.ROOT)))
    assert {"scatter", "bar", "choropleth", "heatmap"} <= set(used)  # the scan sees the figure builders
    missing = {trace: where for trace, where in used.items() if trace not in bundled_traces()}
    assert missing == {}, f"add these to tools/plotly_bundle/entry.js and run `make plotly-bundle`: {missing}"


def test_the_scan_sees_graph_objects_and_dict_traces():
    assert traces_in("fig = go.Figure(go.Pie(values=[1])); t = html.Table()") == {"pie"}
    assert traces_in('fig = {"data": [{"type": "sankey"}], "layout": {"geo": {"type": "natural earth"}}}') == {"sankey"}


def test_committed_bundle_is_built_from_the_pinned_recipe():
    entry = (RECIPE / "entry.js").read_text(encoding="utf-8")
    registered = set(re.findall(r"require\('plotly\.js/lib/([a-z0-9]+)'\)", entry)) - {"core"}
    assert bundled_traces() == registered | {"scatter"}
    pinned = json.loads((RECIPE / "package.json").read_text(encoding="utf-8"))["dependencies"]["plotly.js"]
    locked = json.loads((RECIPE / "package-lock.json").read_text(encoding="utf-8"))
    assert locked["packages"]["node_modules/plotly.js"]["version"] == pinned
    assert plotlyjs.BUNDLE.read_text(encoding="utf-8").startswith(f"/*! plotly.js v{pinned} ")
    assert brotli.decompress(plotlyjs.BUNDLE_BR.read_bytes()) == plotlyjs.BUNDLE.read_bytes()  # built together


@pytest.mark.parametrize("choice", ["partial", "full"])
def test_graphs_load_the_configured_bundle(choice, isolated_env, monkeypatch):
    import app as app_module  # noqa: PLC0415 - the app reads the setting when it is built

    monkeypatch.setenv("DELTA87_PLOTLY_BUNDLE", choice)
    client = app_module.create_app().server.test_client()
    response = client.get("/" + plotlyjs.DASH_PLOTLY_PATH)
    assert response.status_code == 200
    is_partial = response.get_data().startswith(b"/*! plotly.js v") and b"partial bundle" in response.data[:400]
    assert is_partial == (choice == "partial")
    assert "plotly/plotly.min.js" not in client.get("/").get_data(as_text=True)  # never a page script
    compressed = client.get("/" + plotlyjs.DASH_PLOTLY_PATH, headers={"Accept-Encoding": "gzip, br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.get_data()) == response.get_data()
    again = client.get("/" + plotlyjs.DASH_PLOTLY_PATH, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
