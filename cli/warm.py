"""`delta87 warm`: render every page once per language into the shared cache, as a first visitor would.

In-process, through Flask's test client: each page's layout from Dash's router, then the callbacks a browser fires
on load. Every `by_release` function they touch lands in the cache the site reads (this host's folder, or Redis).
"""

from __future__ import annotations

import functools
import logging
import time

import dash
from dash._utils import split_callback_id

from web import i18n

log = logging.getLogger(__name__)

ROUTER = "_pages_content.children"


def page_paths() -> list[str]:
    """The paths of every registered page without path variables (the heavy overview pages)."""
    return sorted({p["path"] for p in dash.page_registry.values() if not p.get("path_template")})


def warm(app: dash.Dash, paths: list[str]) -> dict[str, tuple[int, float]]:
    """Render each path and its initial callbacks in each language; return {url: (status, seconds)}, the url being
    the path with `?lang=` for languages other than English."""
    client = app.server.test_client()
    shell = client.get("/_dash-layout").get_json(silent=True) or {}
    specs = client.get("/_dash-dependencies").get_json(silent=True) or []
    router = next(s for s in specs if ROUTER in s["output"])
    results = {}
    for language in i18n.LANGUAGES:
        search = "" if language == i18n.DEFAULT else f"?lang={language}"
        for path in paths:
            started = time.perf_counter()
            # Dash's requests take the language of the page that sent them (its address, the Referer).
            post = functools.partial(client.post, "/_dash-update-component", headers={"Referer": path + search})
            response = post(json=router_body(router, path, search))
            status, page = response.status_code, page_layout(response.get_json(silent=True))
            for body in initial_bodies(specs, components([shell, page])):
                status = max(status, post(json=body).status_code)
            results[path + search] = (status, time.perf_counter() - started)
    return results


def callback_body(output: str, inputs: list[dict], state: list[dict], changed: list[str]) -> dict:
    """A request to Dash's callback endpoint, as the browser sends it."""
    return {"output": output, "outputs": split_callback_id(output), "inputs": inputs, "state": state,
            "changedPropIds": changed}  # fmt: skip


def router_body(router: dict, path: str, search: str = "") -> dict:
    """The request Dash's page router receives when the browser opens `path`."""
    location = [{"id": "_pages_location", "property": "pathname", "value": path},
                {"id": "_pages_location", "property": "search", "value": search}]  # fmt: skip
    return callback_body(router["output"], location, [], ["_pages_location.pathname"])


def page_layout(router_response: dict | None) -> dict:
    """The page layout inside the page router's JSON answer."""
    return ((router_response or {}).get("response") or {}).get("_pages_content", {}).get("children") or {}


def components(trees: list) -> dict[str, dict]:
    """id -> props of every component with a string id in the given layout trees."""
    found, stack = {}, list(trees)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and isinstance(node.get("props"), dict):
            props = node["props"]
            if isinstance(props.get("id"), str):
                found[props["id"]] = props
            stack.extend(v for v in props.values() if isinstance(v, list | dict))
    return found


def initial_bodies(specs: list[dict], on_page: dict[str, dict]) -> list[dict]:
    """The callback requests a browser sends when a page with these components loads (first round only)."""

    def values(deps: list[dict]) -> list[dict]:
        return [{**d, "value": on_page[d["id"]].get(d["property"])} for d in deps]

    bodies = []
    for spec in specs:
        inputs, state = spec.get("inputs", []), spec.get("state", [])
        if ROUTER in spec["output"] or spec.get("prevent_initial_call") or spec.get("clientside_function"):
            continue
        if inputs and all(isinstance(d["id"], str) and d["id"] in on_page for d in inputs + state):
            bodies.append(callback_body(spec["output"], values(inputs), values(state), []))
    return bodies


def main(argv: list[str]) -> int:
    """`delta87 warm [PATH ...]`: warm the static pages plus the given paths; 1 if any answered 5xx, else 0."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    import app as web_app  # noqa: PLC0415 - building the app is the slow part; only when run

    dash_app = web_app.create_app()
    paths = list(dict.fromkeys(page_paths() + argv))
    started = time.perf_counter()
    results = warm(dash_app, paths)
    for path, (status, seconds) in results.items():
        print(f"{status}  {seconds * 1000:7.0f} ms  {path}")
    failed = [p for p, (status, _) in results.items() if status >= 500]
    print(
        f"warmed {len(results)} page(s) in {time.perf_counter() - started:.1f} s"
        + (f"; 5xx: {failed}" if failed else "")
    )
    return 1 if failed else 0
