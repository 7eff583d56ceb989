"""Forged Dash callback requests get 400 with a plain message, never a 500 (issue 18, "Why" 7).

Each body here is one the Dash renderer could never send: outputs that do not match the callback, JSON nested
deeper than any page state, numbers no browser holds exactly, values of the wrong kind for their property,
a callback that runs in the browser, a query string naming a parameter twice.
"""

from __future__ import annotations

import json
import logging

import pytest
from dash._utils import split_callback_id

from cli import warm

pytestmark = pytest.mark.usefixtures("synthetic_release")


@pytest.fixture
def app(dashboard_app, synthetic_release):
    """The tests here only read: they share one app over the same synthetic release (`fresh_app` where not)."""
    return dashboard_app


#: Words that would mean Python internals reached the client.
INTERNALS = ("Traceback", "object has no attribute", "Error", "<class", "NoneType", "KeyError")


def _specs(client) -> list[dict]:
    return client.get("/_dash-dependencies").json


def _server_callbacks(client, app) -> list[dict]:
    return [s for s in _specs(client) if "callback" in app.callback_map[s["output"]]]


def _body(spec: dict, values: dict | None = None, default=None) -> dict:
    values = values or {}

    def deps(items):
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}", default)} for d in items]

    return {
        "output": spec["output"],
        "outputs": split_callback_id(spec["output"]),
        "inputs": deps(spec["inputs"]),
        "state": deps(spec.get("state", [])),
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec["inputs"]][:1],
    }


def _post(client, body) -> tuple[int, str]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/_dash-update-component", data=data, content_type="application/json")
    return response.status_code, response.get_data(as_text=True)


def _assert_plain_400(status: int, text: str, what: str) -> None:
    assert status == 400, f"{what}: {status} {text[:300]}"
    message = json.loads(text)["message"]
    assert message and not any(word in message for word in INTERNALS), f"{what}: {message}"


def _router(client) -> dict:
    return next(s for s in _specs(client) if warm.ROUTER in s["output"])


def test_outputs_that_do_not_match_the_callback_get_400(client):
    body = warm.router_body(_router(client), "/")
    for outputs in ([{"id": "x", "property": "children"}], [], {"id": 1}, "x", body["outputs"][:1]):
        _assert_plain_400(*_post(client, {**body, "outputs": outputs}), f"outputs={outputs!r}")


def test_inputs_and_state_must_be_the_declared_ones_in_order(client):
    body = warm.router_body(_router(client), "/")
    swapped = list(reversed(body["inputs"]))
    for inputs in (
        "x",
        [{"id": 1}],
        body["inputs"][:1],
        swapped,
        [{**body["inputs"][0], "id": "other"}, body["inputs"][1]],
    ):
        _assert_plain_400(*_post(client, {**body, "inputs": inputs}), f"inputs={inputs!r}")
    _assert_plain_400(*_post(client, {**body, "changedPropIds": ["elsewhere.value"]}), "changedPropIds")


def test_json_nested_deeply_but_under_the_size_limit_gets_400(client):
    body = json.dumps(warm.router_body(_router(client), "/"))
    nested = "[" * 100_000 + "]" * 100_000  # 200 kB: deeper than Python's JSON parser recurses
    _assert_plain_400(*_post(client, body[:-1] + f', "junk": {nested}}}'), "nesting 100,000 deep")
    deep_state = warm.router_body(_router(client), "/")
    deep_state["inputs"][1]["value"] = json.loads("[" * 30 + "]" * 30)
    _assert_plain_400(*_post(client, deep_state), "a value nested 30 deep")


@pytest.mark.parametrize("value", [1e30, -(10**30), 10**16, [1e300], {"a": 1e30}, 1.5, "1e30", True, [[["x"]]], "²"])
def test_numbers_and_types_no_browser_sends_get_400_or_are_handled_in_every_input(client, app, value):
    for spec in _server_callbacks(client, app):
        for target in spec["inputs"] + spec.get("state", []):
            name = f"{target['id']}.{target['property']}"
            status, text = _post(client, _body(spec, {name: value}))
            assert status < 500, f"{spec['output'][:60]} <- {name}={value!r}: {status} {text[:300]}"
            if status == 400:
                _assert_plain_400(status, text, f"{name}={value!r}")


def test_a_callback_that_runs_in_the_browser_is_not_a_server_error(client, app):
    clientside = [s for s in _specs(client) if "callback" not in app.callback_map[s["output"]]]
    assert clientside, "the app has clientside callbacks"
    for spec in clientside:
        _assert_plain_400(*_post(client, _body(spec)), spec["output"][:60])


def test_a_parameter_named_twice_is_merged_for_pages_and_refused_by_the_router(client):
    response = client.get("/indicator/x?sex=female&sex=male&year=2020")
    assert response.status_code == 308
    assert response.headers["Location"] == "/indicator/x?sex=female,male&year=2020"
    status, text = _post(client, warm.router_body(_router(client), "/indicator/x", "?sex=a&sex=b"))
    _assert_plain_400(status, text, "router with sex twice")
    assert "'sex' is given more than once" in json.loads(text)["message"]


def test_a_bug_is_a_500_logged_once_with_its_traceback(fresh_app, caplog):
    def broken():
        raise ZeroDivisionError("a bug in our code")

    fresh_app.server.add_url_rule("/_test/broken", "test_broken", broken)
    with caplog.at_level(logging.INFO):
        response = fresh_app.server.test_client().get("/_test/broken")
    assert response.status_code == 500
    assert "a bug in our code" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1 and logged[0].exc_info[0] is ZeroDivisionError


def test_a_callback_that_finds_no_data_release_is_told_so_in_the_readers_language(fresh_app):
    from warehouse import ReleaseError  # noqa: PLC0415

    def unavailable():
        raise ReleaseError("no release has been published yet")

    fresh_app.server.add_url_rule("/_dash-test-unavailable", "test_unavailable", unavailable, methods=["POST"])
    client = fresh_app.server.test_client()
    response = client.post("/_dash-test-unavailable", headers={"Referer": "http://localhost/country/NPL?lang=fr"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json["message"].startswith("Les données sont en cours de mise à jour")
