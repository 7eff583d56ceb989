"""The shared cache: keys name the release and the code running, workers share it, a dead Redis never takes a
page down, warming fills it."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import time
from importlib import metadata

import pytest

from cli import warm as web_warm
from tests import factories as f
from tests.servers import Redis
from web import cache as web_cache
from web.release import request_release

CALLS: list[tuple] = []


@web_cache.by_release
def _square(release, n: int) -> dict:
    CALLS.append((release.id, n))
    return {"release": release.id, "square": n * n}


def _square_route():
    from flask import request  # noqa: PLC0415

    return _square(request_release(), int(request.args["n"]))


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(web_cache, "outage", web_cache._Outage())
    monkeypatch.setattr(web_cache, "RETRY_AFTER", 0.3)


def serving_squares(app):
    """`app` with a route that calls a cached function of the request's release; returns a test client."""
    app.server.add_url_rule("/_test/square", "test_square", _square_route)
    return app.server.test_client()


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.fixture
def redis_server(tmp_path):
    if not Redis.available():
        if os.environ.get("CI"):
            pytest.fail("CI=true but redis-server is missing: run `make system`")
        pytest.skip("redis-server not installed (make system)")
    with Redis(tmp_path / "redis") as server:
        yield server


def _release(root, value: float) -> str:
    obs = f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": value}])
    return f.make_release(root, obs)


def test_answers_are_cached_per_release_and_a_new_release_is_a_miss(app, warehouse_root):
    first = _release(warehouse_root, 1.0)
    client = serving_squares(app)
    assert client.get("/_test/square?n=3").json == {"release": first, "square": 9}
    assert client.get("/_test/square?n=3").json == {"release": first, "square": 9}
    assert CALLS == [(first, 3)]
    second = _release(warehouse_root, 2.0)
    assert client.get("/_test/square?n=3").json == {"release": second, "square": 9}
    assert CALLS == [(first, 3), (second, 3)]


def test_filesystem_cache_is_shared_between_workers(app, warehouse_root):
    import app as webapp  # noqa: PLC0415

    release_id = _release(warehouse_root, 1.0)
    one, two = serving_squares(app), serving_squares(webapp.create_app())  # two workers of one host
    assert one.get("/_test/square?n=4").json["square"] == 16
    assert two.get("/_test/square?n=4").json["square"] == 16
    assert CALLS == [(release_id, 4)]


def test_two_code_ids_never_share_an_entry(app, warehouse_root, monkeypatch):
    """New code deployed onto a running shared cache never reads what the old code stored (nor the other way)."""
    release_id = _release(warehouse_root, 1.0)
    client = serving_squares(app)
    for code in ("old-code", "new-code", "old-code", "new-code"):
        monkeypatch.setenv("DELTA87_CODE_ID", code)
        assert client.get("/_test/square?n=6").json["square"] == 36
    assert CALLS == [(release_id, 6)] * 2, "one build per code id, then hits"


def test_the_code_id_names_the_commit_and_any_uncommitted_change(tmp_path):
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True)

    git("init", "-q")
    (tmp_path / "a.py").write_text("x = 1\n")
    git("add", "a.py")
    git("commit", "-qm", "one")
    first = web_cache.code_id_of(tmp_path)
    (tmp_path / "a.py").write_text("x = 2\n")
    edited = web_cache.code_id_of(tmp_path)
    git("commit", "-qam", "two")
    second = web_cache.code_id_of(tmp_path)
    assert len({first, edited, second}) == 3, (first, edited, second)
    assert web_cache.code_id_of(tmp_path) == second, "the same code, the same id"
    assert web_cache.code_id_of(tmp_path / "unpacked").startswith(metadata.version("delta87")), (
        "no checkout: the install"
    )


def test_redis_keys_carry_the_release_and_code_and_a_stopped_redis_only_costs_speed(
    app, warehouse_root, redis_server, monkeypatch, caplog
):
    import redis  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_CACHE_URL", redis_server.url)
    release_id = _release(warehouse_root, 1.0)
    import app as webapp  # noqa: PLC0415 - the cache backend is chosen when the app is built

    client = serving_squares(webapp.create_app())
    assert client.get("/readyz").json["cache"]["backend"] == "redis"
    assert client.get("/_test/square?n=5").json["square"] == 25
    assert client.get("/_test/square?n=5").json["square"] == 25
    assert len(CALLS) == 1
    keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("*")]
    prefix = f"delta87:{release_id}:{web_cache.code_id()}:en:tests.test_cache._square:"
    assert any(k.startswith(prefix) for k in keys), keys

    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="web.cache")
    for _ in range(3):
        response = client.get("/_test/square?n=5")
        assert (response.status_code, response.json["square"]) == (200, 25)
    assert len(CALLS) == 4, "uncached while Redis is down"
    outage_logs = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(outage_logs) == 1, "one log line per outage, not one per request"
    ready = client.get("/readyz").json
    assert ready["status"] == "ready" and ready["cache"]["available"] is False
    assert "ConnectionError" in ready["cache"]["problem"]
    pages = [client.get(path) for path in ("/", "/_dash-layout", "/api/v1/releases")]
    assert [p.status_code for p in pages] == [200, 200, 200]

    redis_server.start()  # same port: the app reconnects by itself once the retry time has passed
    wait_until(lambda: not web_cache.outage.active())
    calls = len(CALLS)
    for _ in range(3):
        assert client.get("/_test/square?n=5").json["square"] == 25
    assert len(CALLS) == calls + 1, "one miss to refill, then hits"
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert client.get("/readyz").json["cache"]["available"] is True


def test_unreachable_redis_at_start_serves_uncached(warehouse_root, monkeypatch):
    import app as webapp  # noqa: PLC0415 - the cache backend is chosen when the app is built
    from tests.servers import free_port  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_CACHE_URL", f"redis://127.0.0.1:{free_port()}/0")
    _release(warehouse_root, 1.0)
    client = serving_squares(webapp.create_app())
    assert [client.get("/_test/square?n=2").json["square"] for _ in range(2)] == [4, 4]
    assert len(CALLS) == 2
    assert client.get("/").status_code == 200


def test_warm_renders_every_page_into_the_shared_cache(synthetic_release, redis_server, monkeypatch):
    import redis  # noqa: PLC0415

    import app as webapp  # noqa: PLC0415 - the cache backend is chosen when the app is built

    monkeypatch.setenv("DELTA87_CACHE_URL", redis_server.url)
    results = web_warm.warm(webapp.create_app(), web_warm.page_paths() + ["/country/KEN"])
    assert set(web_warm.page_paths()) <= set(results)
    assert {path: status for path, (status, _) in results.items() if status != 200} == {}
    keys = [k.decode() for k in redis.Redis.from_url(redis_server.url).keys("*")]
    assert keys and all(k.startswith(f"delta87:{synthetic_release}:{web_cache.code_id()}:") for k in keys)
    cached = {k.split(":")[4] for k in keys}  # delta87:<release>:<version>:<lang>:<function>:<digest>
    assert any(name.startswith("dashboards.") for name in cached), cached


def test_instances_sharing_the_page_cache_each_write_their_own_address_into_cached_pages(synthetic_release):
    """Without DELTA87_PUBLIC_URL, two instances on other ports share one cache folder (which outlives them): the
    country page the first cached must not cite the first's address on the second."""
    import app as webapp  # noqa: PLC0415 - built after the environment points at the test's folder

    cited = {}
    for port in (8201, 8202):
        client = webapp.create_app().server.test_client()
        router = next(s for s in client.get("/_dash-dependencies").get_json() if web_warm.ROUTER in s["output"])
        body = web_warm.router_body(router, "/country/KEN")
        answer = client.post("/_dash-update-component", json=body, headers={"Host": f"localhost:{port}"})
        cited[port] = set(re.findall(r"http://localhost[^\s\"\\]*", json.dumps(answer.get_json())))
    assert cited[8201] == {"http://localhost:8201/country/KEN"}, cited
    assert cited[8202] == {"http://localhost:8202/country/KEN"}, cited


def test_warm_command_renders_the_pages_into_the_cache(synthetic_release, isolated_env):
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from tests.servers import ROOT  # noqa: PLC0415

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "cli", "warm", "/country/KEN"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "200" in done.stdout and "/country/KEN" in done.stdout and "warmed" in done.stdout
    assert len(list((isolated_env / "data" / "cache").iterdir())) > 10


# -- caches that cannot be flooded (issue 18, "Why" 5) ------------------------------------------------------


def _entries(cache_dir) -> list:
    """Every file the cache keeps in its folder."""
    return [p for p in cache_dir.iterdir() if p.is_file()]


def test_callback_bodies_that_differ_only_in_junk_add_no_cache_entry(app, synthetic_release, isolated_env):
    import json  # noqa: PLC0415

    client = app.server.test_client()
    specs = client.get("/_dash-dependencies").json
    body = web_warm.router_body(next(s for s in specs if web_warm.ROUTER in s["output"]), "/country/KEN")
    assert client.post("/_dash-update-component", json=body).status_code == 200
    cache_dir = isolated_env / "data" / "cache"
    before = len(_entries(cache_dir))
    for i in range(30):
        junk = json.dumps({**body, f"junk{i}": "x" * i}, indent=i % 4, sort_keys=bool(i % 2)) + " " * i
        response = client.post("/_dash-update-component", data=junk, content_type="application/json")
        assert response.status_code == 200
    assert len(_entries(cache_dir)) == before


def test_a_no_cache_request_reads_the_cache_but_stores_nothing(app, warehouse_root):
    _release(warehouse_root, 1.0)
    client = serving_squares(app)
    for headers in ({"Cache-Control": "no-cache"}, {"Pragma": "no-cache"}):
        assert client.get("/_test/square?n=7", headers=headers).json["square"] == 49
    assert len(CALLS) == 2, "nothing was stored"
    client.get("/_test/square?n=7")
    assert client.get("/_test/square?n=7", headers={"Cache-Control": "no-cache"}).json["square"] == 49
    assert len(CALLS) == 3, "a stored answer is still read"


def test_the_filesystem_cache_stays_within_its_bound_keeping_the_recently_used(
    isolated_env, warehouse_root, monkeypatch
):
    import app as webapp  # noqa: PLC0415 - the cache is configured when the app is built

    monkeypatch.setenv("DELTA87_CACHE_MAX_ENTRIES", "20")
    _release(warehouse_root, 1.0)
    client = serving_squares(webapp.create_app())
    for n in range(1, 201):
        client.get("/_test/square?n=0")  # the entry everybody uses
        client.get(f"/_test/square?n={n}")  # a flood of entries nobody asks for again
    entries = _entries(isolated_env / "data" / "cache")
    assert len(entries) <= 20 + 2, f"{len(entries)} entries"
    assert [c for c in CALLS if c[1] == 0] == [CALLS[0]], "the recently used entry was never evicted"


def test_junk_in_the_cache_folder_is_ignored_quietly_and_cleaned(app, warehouse_root, isolated_env, caplog):
    _release(warehouse_root, 1.0)
    cache_dir = isolated_env / "data" / "cache"
    for i in range(300):
        (cache_dir / f"junk-{i}.bin").write_bytes(b"\x00garbage" * i)
    (cache_dir / ("0" * 64 + ".entry")).write_bytes(b"not a cache entry")
    (cache_dir / "a-folder").mkdir()
    client = serving_squares(app)
    with caplog.at_level(logging.DEBUG):
        squares = [client.get(f"/_test/square?n={n}").json["square"] for n in range(300)]
    assert squares == [n * n for n in range(300)]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert sorted(p.name for p in cache_dir.iterdir() if not p.name.endswith(".entry")) == []


def test_readyz_reports_a_cache_folder_that_cannot_be_written(app, warehouse_root, isolated_env, caplog):
    import shutil  # noqa: PLC0415

    _release(warehouse_root, 1.0)
    client = serving_squares(app)
    assert client.get("/readyz").json["cache"]["available"] is True
    cache_dir = isolated_env / "data" / "cache"
    shutil.rmtree(cache_dir)
    cache_dir.write_text("a file where the cache folder was")
    caplog.set_level(logging.WARNING)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["cache"]["available"] is False
    assert "Error" in ready.json["cache"]["problem"] and str(isolated_env) not in ready.get_data(as_text=True)
    assert [client.get(f"/_test/square?n={n}").json["square"] for n in range(5)] == [0, 1, 4, 9, 16]
    assert client.get("/").status_code == 200
    assert len([r for r in caplog.records if "cache unavailable" in r.getMessage()]) == 1


def test_bundle_compression_is_keyed_on_the_file_not_the_url(app, synthetic_release):
    import re  # noqa: PLC0415

    client = app.server.test_client()
    pattern = r'src="(/_dash-component-suites/dash/dash-renderer/build/dash_renderer\.v\w+m\d+\.min\.js)"'
    script = re.search(pattern, client.get("/").get_data(as_text=True))
    assert script, "the index page loads Dash's renderer bundle"
    path = script.group(1)
    urls = [f"{path}?junk={i}" for i in range(20)] + [re.sub(r"\.v\w+m\d+\.", f".v9_9_{i}m1.", path) for i in range(5)]
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "br", url
    cached = app.server.extensions["delta87_compress"].cache._data
    assert len([key for key in cached if "dash_renderer" in key]) == 1, sorted(cached)


def test_redis_is_bounded_by_the_projects_configuration(redis_server, tmp_path, warehouse_root, monkeypatch, caplog):
    import redis  # noqa: PLC0415

    import app as webapp  # noqa: PLC0415

    settings = redis.Redis.from_url(redis_server.url).config_get("maxmemory*")
    assert int(settings["maxmemory"]) > 0 and settings["maxmemory-policy"] == "allkeys-lru"
    with Redis(tmp_path / "unbounded", options=("--maxmemory", "0")) as unbounded:
        monkeypatch.setenv("DELTA87_CACHE_URL", unbounded.url)
        caplog.set_level(logging.WARNING, logger="web.cache")
        webapp.create_app()
    assert any("no maxmemory" in r.getMessage() for r in caplog.records)
