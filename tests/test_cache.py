"""The shared cache: keys name the release, workers share it, a dead Redis never takes a page down, warming fills it."""

from __future__ import annotations

import json
import logging
import os

import pytest

from tests import dashboard_release
from tests import factories as f
from tests import load as web_load
from tests.servers import Redis
from web import cache as web_cache
from web import warm as web_warm

CALLS: list[tuple] = []


@web_cache.by_release
def _square(release_id: str, n: int) -> dict:
    CALLS.append((release_id, n))
    return {"release": release_id, "square": n * n}


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(web_cache, "outage", web_cache._Outage())
    monkeypatch.setattr(web_cache, "RETRY_AFTER", 0.3)


@pytest.fixture
def make_app(isolated_env):
    """Build apps (each one stands for a gunicorn worker) with a route that calls a cached function."""
    import app as webapp  # noqa: PLC0415 - reads the environment the test set

    def build():
        dash_app = webapp.create_app()

        def square(n: int):
            from warehouse import get_warehouse  # noqa: PLC0415

            return _square(get_warehouse().release_id(), n)

        dash_app.server.add_url_rule("/_test/square/<int:n>", "test_square", square)
        return dash_app

    return build


@pytest.fixture
def redis_server(tmp_path):
    if not Redis.available():
        if os.environ.get("CI"):
            pytest.fail("CI=true but redis-server is missing: run `make system`")
        pytest.skip("redis-server not installed (make system)")
    with Redis(tmp_path / "redis") as server:
        yield server


def _release(isolated_env, value: float) -> str:
    obs = f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": value}])
    return f.make_release(isolated_env / "data" / "warehouse", obs)


def test_keys_name_the_release_and_a_new_release_is_a_miss(make_app, isolated_env):
    first = _release(isolated_env, 1.0)
    client = make_app().server.test_client()
    assert client.get("/_test/square/3").json == {"release": first, "square": 9}
    assert client.get("/_test/square/3").json == {"release": first, "square": 9}
    assert CALLS == [(first, 3)]
    second = _release(isolated_env, 2.0)
    assert client.get("/_test/square/3").json == {"release": second, "square": 9}
    assert CALLS == [(first, 3), (second, 3)]
    key = web_cache.release_key(second, _square.__wrapped__, (3,), {})
    assert key.startswith(f"{second}:{web_cache.CODE_VERSION}:tests.test_cache._square:")


def test_filesystem_cache_is_shared_between_workers(make_app, isolated_env):
    release_id = _release(isolated_env, 1.0)
    one, two = make_app().server.test_client(), make_app().server.test_client()
    assert one.get("/_test/square/4").json["square"] == 16
    assert two.get("/_test/square/4").json["square"] == 16
    assert CALLS == [(release_id, 4)]
    assert any((isolated_env / "data" / "cache").iterdir()), "the filesystem cache lives in DELTA87_CACHE_DIR"


def test_redis_keys_carry_the_release_and_a_stopped_redis_only_costs_speed(
    make_app, isolated_env, redis_server, monkeypatch, caplog
):
    import redis  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_CACHE_URL", redis_server.url)
    release_id = _release(isolated_env, 1.0)
    app = make_app()
    client = app.server.test_client()
    assert client.get("/readyz").json["cache"]["backend"] == "redis"
    assert client.get("/_test/square/5").json["square"] == 25
    assert client.get("/_test/square/5").json["square"] == 25
    assert len(CALLS) == 1
    keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("*")]
    assert any(
        k.startswith(f"delta87:{release_id}:{web_cache.CODE_VERSION}:tests.test_cache._square:") for k in keys
    ), keys

    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="web.cache")
    for _ in range(3):
        response = client.get("/_test/square/5")
        assert (response.status_code, response.json["square"]) == (200, 25)
    assert len(CALLS) == 4, "uncached while Redis is down"
    outage_logs = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(outage_logs) == 1, "one log line per outage, not one per request"
    ready = client.get("/readyz").json
    assert ready["status"] == "ready" and ready["cache"]["available"] is False
    assert "ConnectionError" in ready["cache"]["problem"]
    pages = [client.get(path) for path in ("/", "/_dash-layout", "/api/v1/releases")]
    assert [p.status_code for p in pages] == [200, 200, 200]

    redis_server.start()  # same port: the app reconnects by itself after RETRY_AFTER
    import time  # noqa: PLC0415

    time.sleep(web_cache.RETRY_AFTER + 0.1)
    calls = len(CALLS)
    for _ in range(3):
        assert client.get("/_test/square/5").json["square"] == 25
    assert len(CALLS) == calls + 1, "one miss to refill, then hits"
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert client.get("/readyz").json["cache"]["available"] is True


def test_unreachable_redis_at_start_serves_uncached(make_app, isolated_env, monkeypatch):
    from tests.servers import free_port  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_CACHE_URL", f"redis://127.0.0.1:{free_port()}/0")
    _release(isolated_env, 1.0)
    client = make_app().server.test_client()
    assert [client.get("/_test/square/2").json["square"] for _ in range(2)] == [4, 4]
    assert len(CALLS) == 2
    assert client.get("/").status_code == 200


def test_warm_renders_every_page_into_the_shared_cache(make_app, isolated_env, redis_server, monkeypatch):
    import redis  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_CACHE_URL", redis_server.url)
    release_id = dashboard_release.build(isolated_env / "data" / "warehouse")
    results = web_warm.warm(make_app(), web_warm.page_paths() + ["/country/KEN"])
    assert set(web_warm.page_paths()) <= set(results)
    assert {path: status for path, (status, _) in results.items() if status != 200} == {}
    keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("*")]
    assert keys and all(k.startswith(f"delta87:{release_id}:") for k in keys)
    cached = {k.split(":")[3] for k in keys}
    assert any(name.startswith("dashboards.") for name in cached), cached


def test_callback_responses_are_cached_per_release_and_exact_body(make_app, isolated_env):
    from dash._utils import split_callback_id  # noqa: PLC0415

    first = dashboard_release.build(isolated_env / "data" / "warehouse")
    client = make_app().server.test_client()
    specs = client.get("/_dash-dependencies").json
    router = next(s for s in specs if web_warm.ROUTER in s["output"])
    body = web_warm.router_body(router, "/country/KEN")
    miss = client.post("/_dash-update-component", json=body)
    hit = client.post("/_dash-update-component", json=body)
    assert (miss.headers["X-Delta87-Cache"], hit.headers["X-Delta87-Cache"]) == ("miss", "hit")
    assert hit.get_data() == miss.get_data() and hit.headers["X-Delta87-Release"] == first
    other = client.post("/_dash-update-component", json=web_warm.router_body(router, "/country/UGA"))
    assert other.headers["X-Delta87-Cache"] == "miss"
    forced = client.post("/_dash-update-component", json=body, headers={"Cache-Control": "no-cache"})
    assert forced.headers["X-Delta87-Cache"] == "miss"

    second = dashboard_release.build(isolated_env / "data" / "warehouse")
    fresh = client.post("/_dash-update-component", json=body)
    assert fresh.headers["X-Delta87-Cache"] == "miss" and fresh.headers["X-Delta87-Release"] == second

    bad = {"output": router["output"], "outputs": split_callback_id(router["output"]), "inputs": [], "state": []}
    assert [client.post("/_dash-update-component", json=bad).status_code for _ in range(2)] == [400, 400]


def test_a_cached_callback_answer_is_replayed_before_flask_with_the_same_headers(make_app, isolated_env, monkeypatch):
    first = dashboard_release.build(isolated_env / "data" / "warehouse")
    server = make_app().server
    client = server.test_client()
    specs = client.get("/_dash-dependencies").json
    body = web_warm.router_body(next(s for s in specs if web_warm.ROUTER in s["output"]), "/country/KEN")
    raw = json.dumps(body).encode()
    entered = []
    dispatch = server.full_dispatch_request
    monkeypatch.setattr(server, "full_dispatch_request", lambda: entered.append(1) or dispatch())

    def post(encoding: str, **headers):
        before = len(entered)
        response = client.post(
            "/_dash-update-component", data=raw, content_type="application/json",
            headers={"Accept-Encoding": encoding, **headers},
        )  # fmt: skip
        return response, len(entered) > before  # (response, whether Flask answered it)

    miss, via_flask = post("br")
    assert via_flask and miss.headers["X-Delta87-Cache"] == "miss"
    answer = json.loads(web_load.decoded(miss.get_data(), {"content-encoding": "br"}))
    replayed = {}
    for encoding in ("br", "gzip", ""):  # per encoding: Flask answers from the cache once, then the replay does
        hit, hit_via_flask = post(encoding)
        again, again_via_flask = post(encoding)
        assert (hit_via_flask, again_via_flask) == (True, False), encoding
        assert list(again.headers.items()) == list(hit.headers.items()) and again.get_data() == hit.get_data()
        assert again.headers.get("Content-Encoding", "") == encoding and again.headers["X-Delta87-Release"] == first
        assert json.loads(web_load.decoded(again.get_data(), {"content-encoding": encoding})) == answer
        replayed[encoding] = again
    # the replay carries every header of the first answer (security policy, release, Vary ...), only "hit" differs
    assert {k: v for k, v in miss.headers.items() if k != "X-Delta87-Cache"} == {
        k: v for k, v in replayed["br"].headers.items() if k != "X-Delta87-Cache"
    }
    assert replayed["br"].headers["X-Delta87-Cache"] == "hit"
    assert post("br", **{"Cache-Control": "no-cache"})[1], "no-cache always reaches Flask"

    second = dashboard_release.build(isolated_env / "data" / "warehouse")  # a publish: the old answer is not replayed
    fresh, via_flask = post("br")
    assert via_flask and fresh.headers["X-Delta87-Cache"] == "miss" and fresh.headers["X-Delta87-Release"] == second
    oversized = client.post("/_dash-update-component", data=b"x" * (2 << 20), content_type="application/json")
    assert oversized.status_code == 413


def test_warm_command_renders_the_pages_into_the_cache(isolated_env):
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from tests.servers import ROOT  # noqa: PLC0415

    dashboard_release.build(isolated_env / "data" / "warehouse")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "web.warm", "/country/KEN"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "200" in done.stdout and "/country/KEN" in done.stdout and "warmed" in done.stdout
    assert len(list((isolated_env / "data" / "cache").iterdir())) > 10
