"""Dash callback request bodies checked against the callback the app declared, before Dash reads them (400 if not).

Dash trusts the body it is given, so forged outputs, deep JSON or 1e30 as a click count would fail inside it as
a 500. The callbacks then validate the values they use (web/inputs.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import dash
from dash._utils import split_callback_id
from flask import Response, redirect, request
from werkzeug.exceptions import BadRequest

from web.inputs import BadInput, text

CALLBACK_PATH = "/_dash-update-component"
#: Flask endpoints of Dash's page routes.
PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})
#: Deepest nesting of lists and objects a value may have (Dash's own stores of ours are a few levels deep).
MAX_DEPTH = 20
#: Largest magnitude of a number: the largest integer a browser holds exactly.
MAX_NUMBER = 2**53
#: Longest page query the router takes: nginx's longest request line (deploy/nginx.conf), so every link it lets
#: through renders (a /data link to 30 countries is longer than a text input's limit).
MAX_SEARCH = 8192


def _scalar(value) -> bool:
    return value is None or isinstance(value, str | int | float)


#: What each component property our callbacks read can hold (None always can); others: any JSON within limits.
VALUE_KINDS = {
    **dict.fromkeys(("pathname", "search", "hash", "href", "active_tab"), ("a text", lambda v: isinstance(v, str))),
    "n_clicks": ("a click count", lambda v: type(v) is int and 0 <= v <= MAX_NUMBER),
    "page_current": ("a page number", lambda v: type(v) is int and 0 <= v <= MAX_NUMBER),
    "is_open": ("true or false", lambda v: isinstance(v, bool)),
    "value": ("a value or a list of values", lambda v: _scalar(v) or isinstance(v, list) and all(map(_scalar, v))),
    "clickData": ("an object", lambda v: isinstance(v, dict)),
    "sort_by": ("a list of objects", lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v)),
}


def check_callback_request(app: dash.Dash) -> None:
    """Refuse a /_dash-update-component request the Dash renderer would never send, before Dash parses it."""
    if request.path != CALLBACK_PATH or request.method != "POST":
        return
    body = _body()
    output = body.get("output")
    if not isinstance(output, str) or output not in app.callback_map:
        raise BadRequest(f"unknown callback output {str(output)[:80]!r}")
    spec = app.callback_map[output]
    if "callback" not in spec:
        raise BadRequest(f"the callback {output[:80]!r} runs in the browser, not on the server")
    _check_outputs(body.get("outputs"), output)
    for key in ("inputs", "state"):
        _check_dependencies(body.get(key, []), spec.get(key, []), key)
    _check_changed(body.get("changedPropIds", []), spec.get("inputs", []))
    for item in body.get("inputs", []):  # pattern-matching inputs arrive as lists
        if isinstance(item, dict) and item.get("id") == "_pages_location":  # Dash's router reads it as text
            _check_location(item.get("property"), item.get("value"))


def _body() -> dict:
    """The request's JSON object (Flask keeps it for Dash), or 400 when it is not one; 413 when too large."""
    if not request.is_json:
        raise BadRequest("the callback request body must be a JSON object sent as application/json")
    request.get_data(cache=True)  # reads at most the size limit (413 beyond), before any parsing
    try:
        body = request.get_json()
    except RecursionError as exc:
        raise BadRequest("the callback request body is nested too deeply") from exc
    except BadRequest as exc:
        raise BadRequest("the callback request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise BadRequest("the callback request body must be a JSON object")
    return body


def _pairs(items) -> list:
    return [(item.get("id"), item.get("property")) if isinstance(item, dict) else None for item in items]


def _check_outputs(outputs, output: str) -> None:
    declared = split_callback_id(output)
    single = isinstance(declared, dict)
    sent = [outputs] if single and isinstance(outputs, dict) else outputs
    expected = [declared] if single else declared
    if not isinstance(sent, list) or _pairs(sent) != _pairs(expected):
        raise BadRequest(f"callback 'outputs' must be exactly the outputs of {output[:80]!r}")


def _check_dependencies(items, declared: list[dict], key: str) -> None:
    """Inputs or state: the declared ids and properties in order, each value of the property's kind."""
    if not isinstance(items, list) or len(items) != len(declared):
        raise BadRequest(f"callback {key!r} must be a list of the {len(declared)} declared {key}")
    for item, spec in zip(items, declared, strict=True):
        pattern = isinstance(spec.get("id"), dict)  # pattern-matching ids arrive as lists of concrete ids
        entries = item if pattern and isinstance(item, list) else [item]
        for entry in entries:
            same_id = pattern or isinstance(entry, dict) and entry.get("id") == spec.get("id")
            if not isinstance(entry, dict) or entry.get("property") != spec.get("property") or not same_id:
                raise BadRequest(f"callback {key!r} do not match the callback's declared {key}")
            _check_value(entry, key)


def _check_value(entry: dict, key: str) -> None:
    name = f"{entry.get('id')}.{entry.get('property')}" if isinstance(entry.get("id"), str) else key
    problem = _json_problem(entry.get("value"))
    if problem:
        raise BadInput(name, f"the value of {name[:80]} {problem}")
    kind, valid = VALUE_KINDS.get(entry.get("property"), ("", None))
    if valid is not None and entry.get("value") is not None and not valid(entry.get("value")):
        raise BadInput(name, f"the value of {name[:80]} must be {kind}")


def _json_problem(value) -> str | None:
    """What makes a JSON value unusable (nested too deeply, a number out of range), or None."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, int | float) and not isinstance(item, bool) and not abs(item) <= MAX_NUMBER:
            return f"holds a number beyond ±{MAX_NUMBER:,}"
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return None


def _check_changed(changed, declared: list[dict]) -> None:
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadRequest("callback 'changedPropIds' must be a list of strings")
    if any(isinstance(spec.get("id"), dict) for spec in declared):
        return  # pattern-matching ids are named by their JSON text: shape checked above is enough
    known = {f"{spec.get('id')}.{spec.get('property')}" for spec in declared}
    if not set(changed) <= known:
        raise BadRequest("callback 'changedPropIds' may only name the callback's inputs")


def _check_location(prop, value) -> None:
    """The page router's pathname must be a path; a query string must name each parameter once."""
    name = f"_pages_location.{prop}"
    if prop == "pathname" and text(value, name) is None:
        raise BadInput(name, "the page location must be a path starting with '/'")
    if prop == "search" and value and len(value) > MAX_SEARCH:
        raise BadInput(name, f"the page address's query must be at most {MAX_SEARCH} characters")
    if prop == "search" and value:
        names = [key for key, _ in parse_qsl(value.lstrip("?"), keep_blank_values=True)]
        repeated = sorted({key for key in names if names.count(key) > 1})
        if repeated:
            raise BadInput(
                "search", f"the parameter {repeated[0][:40]!r} is given more than once; give it once, "
                "with several values separated by commas",
            )  # fmt: skip


def merge_repeated_parameters() -> Response | None:
    """Redirect a page address naming a parameter twice to one naming it once, its values comma-separated."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in PAGE_ENDPOINTS:
        return None
    pairs = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
    merged: dict[str, list[str]] = {}
    for key, value in pairs:
        merged.setdefault(key, []).append(value)
    if len(merged) == len(pairs):
        return None
    query = urlencode({key: ",".join(v for v in values if v) for key, values in merged.items()}, safe=",")
    return redirect(f"{request.path}?{query}", 308)
