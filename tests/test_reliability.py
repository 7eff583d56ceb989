"""Reliability under load and faults, against a real `delta87 serve` (gunicorn, 2 workers) on loopback.

- refresh under load: 5 publishes while users request pages, layouts, callbacks, the API and /readyz, and
  Redis is stopped half-way: zero 5xx, every response names one release and its content is that release's;
- faults while serving: a corrupted Parquet file, a missing pointer, a refresh killed mid-publish, two refreshes
  at once, no servable release: the server keeps serving the last good release and /readyz says so.
The synthetic releases mark themselves: release k names Kenya "Kenya vk" and holds base + k observations.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main, warm
from etl.publish import PublishBusy
from tests import dashboard_release
from tests import factories as f
from tests.load import Load, Request
from tests.servers import ROOT, Gunicorn, Redis, get
from warehouse import releases as rel

RELEASE_ID = re.compile(r"r\d{8}T\d{6}Z-[0-9a-f]{8}")
KENYA = re.compile(r"Kenya v(\d+)")
SLOW_ONLY = pytest.mark.skipif(not os.environ.get("DELTA87_SLOW_TESTS"), reason="long variant: DELTA87_SLOW_TESTS=1")


def publish_variant(root: Path, k: int) -> tuple[str, int]:
    """Publish synthetic release number k; return (release id, observation count)."""
    rows = dashboard_release._rows() + [  # k extra synthetic rows make the count name the release
        {"indicator": "population", "iso3": "TUV", "year": 1990 + i, "value": 10_000.0 + i, "unit": "count",
         "age": "all ages", "source": dashboard_release.CONTEXT} for i in range(k)
    ]  # fmt: skip
    tables = dashboard_release._tables()
    countries = tables["countries"]
    countries.loc[countries["iso3"] == "KEN", "name"] = f"Kenya v{k}"
    return f.make_release(root, f.observations(rows), **tables), len(rows)


def serve_env(tmp_path: Path, cache_url: str = "") -> dict[str, str]:
    data = tmp_path / "data"
    return {
        "DELTA87_DATA_DIR": str(data),
        "DELTA87_WAREHOUSE_DIR": str(data / "warehouse"),
        "DELTA87_REPORT_DIR": str(data / "reports"),
        "DELTA87_CACHE_DIR": str(data / "cache"),
        "DELTA87_CACHE_URL": cache_url,
        # these users are robots without think time: the per-client rate limits are not what is tested here
        "DELTA87_RATE_CALLBACKS": "1000",
        "DELTA87_RATE_API": "1000",
        "DELTA87_RATE_PAGES": "1000",
    }


def request_mix(port: int) -> list[Request]:
    """Pages, layouts, the callbacks a browser fires on the overview and a country page, the API, readiness."""
    specs = json.loads(get(port, "/_dash-dependencies")[2])
    shell = json.loads(get(port, "/_dash-layout")[2])
    router = next(s for s in specs if warm.ROUTER in s["output"])
    mix = [
        Request("page", "GET", "/"),
        Request("page", "GET", "/country/KEN"),
        Request("layout", "GET", "/_dash-layout", weight=2),
        Request("health", "GET", "/readyz"),
        Request("api", "GET", "/api/v1/countries"),
        Request("api-releases", "GET", "/api/v1/releases", weight=0.5),
    ]
    for path, weight in (("/", 1), ("/country/KEN", 2), ("/coverage", 1)):
        body = warm.router_body(router, path)
        mix.append(Request("callback", "POST", "/_dash-update-component", body, weight))
        status, _, data = _post(port, body)
        assert status == 200, f"router for {path}: {status}"
        on_page = warm.components([shell, warm.page_layout(json.loads(data))])
        mix += [
            Request("callback", "POST", "/_dash-update-component", b, 0.5) for b in warm.initial_bodies(specs, on_page)
        ]
    return mix


def _post(port: int, body: dict):
    import http.client  # noqa: PLC0415

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/_dash-update-component", json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def inspect(request: Request, status: int, headers: dict, body: bytes) -> dict:
    """What a response says about its release: release ids, Kenya markers, the footer's observation count."""
    text = body.decode("utf-8", "replace")
    count = re.search(r"Data release \S+ \\u00b7 ([\d,]+) observations", text)
    return {
        "ids": sorted(set(RELEASE_ID.findall(text))),
        "kenya": sorted({int(k) for k in KENYA.findall(text)}),
        "count": int(count.group(1).replace(",", "")) if count else None,
        "readyz": json.loads(text).get("release") if request.path == "/readyz" and status == 200 else None,
        "said": text[:300] if status != 200 else None,  # an error's own words, for the failure message
    }


def consistency_problems(samples, published: dict[str, tuple[int, int]]) -> list[str]:
    """Every way a response failed to name exactly one published release and match its content."""
    problems = []
    for s in samples:
        where = f"{s.kind} {s.path} at {s.started:.1f}s"
        if s.error or s.status != 200:
            said = (s.facts or {}).get("said") or ""
            problems.append(f"{where}: status {s.status} {s.error or ''} {said}")
            continue
        if s.release not in published:
            problems.append(f"{where}: header names {s.release!r}, not a published release")
            continue
        k, count = published[s.release]
        facts = s.facts
        if s.kind != "api-releases" and set(facts["ids"]) - {s.release}:
            problems.append(f"{where}: header {k} but the body names {facts['ids']}")
        if s.kind == "api-releases" and s.release not in facts["ids"]:
            problems.append(f"{where}: release list lacks the release it was answered from")
        if set(facts["kenya"]) - {k}:
            problems.append(f"{where}: header is release {k}, body shows Kenya v{facts['kenya']}")
        if facts["count"] is not None and facts["count"] != count:
            problems.append(f"{where}: header is release {k} ({count} obs), footer says {facts['count']}")
        if facts["readyz"] not in (None, s.release):
            problems.append(f"{where}: /readyz body names {facts['readyz']}, header {s.release}")
    return problems


def _publisher(root: Path, published: dict, times: list[float], load: Load, at: list[float], redis, stop_redis_at):
    for k, when in enumerate(at, start=1):
        while load.elapsed() < when:
            time.sleep(0.05)
        release_id, count = publish_variant(root, k)
        published[release_id] = (k, count)
        times.append(load.elapsed())
        if redis is not None and stop_redis_at is not None and load.elapsed() >= stop_redis_at:
            redis.stop()  # Redis dies mid-run: the workers must carry on uncached
            stop_redis_at = None
            times.append(-load.elapsed())


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.parametrize("seconds", [pytest.param(22.0, id="22s"), pytest.param(60.0, id="60s", marks=SLOW_ONLY)])
def test_refresh_under_load_serves_one_consistent_release(tmp_path, seconds):
    if not Redis.available() and os.environ.get("CI"):
        pytest.fail("CI=true but redis-server is missing: run `make system`")
    root = tmp_path / "data" / "warehouse"
    first, count = publish_variant(root, 0)
    published = {first: (0, count)}
    redis = Redis(tmp_path / "redis") if Redis.available() else None
    try:
        if redis:
            redis.start()
        env = serve_env(tmp_path, redis.url if redis else "")
        with Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log") as server:
            load = Load(server.port, request_mix(server.port), users=6, duration=seconds, inspect=inspect)
            step = (seconds - 6) / 4
            at = [2 + i * step for i in range(5)]  # 5 publishes; the last leaves time to serve it
            times: list[float] = []
            publisher = threading.Thread(
                target=_publisher, args=(root, published, times, load, at, redis, seconds / 2), daemon=True
            )
            publisher.start()
            samples = load.run()
            publisher.join(30)
            log = server.log_tail(chars=10**8)
    finally:
        if redis:
            redis.stop()

    assert len([t for t in times if t >= 0]) == 5, f"publishes done at {times}"
    assert len(samples) >= 60, f"only {len(samples)} requests in {seconds} s"
    server_errors = [f"{s.kind} {s.path}: {s.status}" for s in samples if s.status >= 500]
    assert server_errors == [], f"{len(server_errors)} 5xx of {len(samples)}:\n" + "\n".join(server_errors[:20])
    problems = consistency_problems(samples, published)
    assert problems == [], (
        f"{len(problems)} bad responses of {len(samples)}:\n" + "\n".join(problems[:20]) + _warnings(log)
    )
    for user in {s.user for s in samples}:  # a user never goes back to an older release
        seen = [published[s.release][0] for s in sorted(samples, key=lambda s: s.started) if s.user == user]
        assert seen == sorted(seen), f"user {user} went back in time: {seen}"
    assert {published[s.release][0] for s in samples} == set(range(6)), "every release was served"
    if redis:
        stopped = -min(t for t in times if t < 0)
        after = [s for s in samples if s.started > stopped + 0.5]
        assert len(after) > 20 and all(s.status == 200 for s in after)
        assert "cache unavailable" in log, "the workers logged the Redis outage"
        assert "cache reachable again" not in log, "Redis never came back: no worker may claim it did"
    assert "Traceback" not in log, log


def _warnings(log: str) -> str:
    """The server log from its first traceback on (a failure message's evidence), at most 8000 characters."""
    at = log.find("Traceback")
    return "\nserver log:\n" + (log[max(0, at - 500) : at + 8000] if at >= 0 else log[-3000:])


class Served:
    """A running `delta87 serve` over a warehouse, with the two questions the fault tests ask it."""

    def __init__(self, server: Gunicorn, root: Path):
        self.server, self.root, self.port = server, root, server.port

    def ready(self) -> tuple[int, dict, str | None]:
        status, headers, body = get(self.port, "/readyz")
        return status, json.loads(body), headers.get("x-delta87-release")

    def kenya(self) -> set[str]:
        """The release markers the country page shows, through a real callback, asked of both workers."""
        specs = json.loads(get(self.port, "/_dash-dependencies")[2])
        router = next(s for s in specs if warm.ROUTER in s["output"])
        answers = {_post(self.port, warm.router_body(router, "/country/KEN"))[2] for _ in range(4)}
        return {m for a in answers for m in KENYA.findall(a.decode())}


@pytest.fixture
def served(tmp_path):
    """Releases 1 and 2 published (2 current), served by gunicorn with 2 workers; no traceback in its log."""
    root = tmp_path / "data" / "warehouse"
    publish_variant(root, 1)
    publish_variant(root, 2)
    with Gunicorn(serve_env(tmp_path), workers=2, log_path=tmp_path / "gunicorn.log") as server:
        yield Served(server, root)
        log = server.log_tail(chars=10**8)
    assert "Traceback" not in log, log


@pytest.mark.slow
def test_broken_release_files_keep_the_last_good_release_served_and_readyz_says_so(served):
    one, two = rel.list_release_ids(served.root)
    assert served.ready()[:2] == (200, {**served.ready()[1], "status": "ready", "release": two})
    assert served.kenya() == {"2"}

    # a corrupted Parquet file in the current release: fall back to the last good one, and say so
    parquet = rel.releases_dir(served.root) / two / "countries.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-8] + b"rotten!!")
    for _ in range(4):  # both workers notice
        status, body, header = served.ready()
        assert (status, body["status"], body["release"], header) == (200, "degraded", one, one)
        assert "checksum" in body["degraded"]
    assert served.kenya() == {"1"}

    # the pointer disappears: serve the newest release that verifies
    (served.root / rel.POINTER).unlink()
    status, body, header = served.ready()
    assert (status, body["status"], body["release"], header) == (200, "degraded", one, one)
    assert "pointer" in body["degraded"]

    # nothing servable: /readyz 503 (leave the pool), /healthz 200 (do not restart), pages and API still answer
    for release_id in rel.list_release_ids(served.root):
        (rel.releases_dir(served.root) / release_id / "observations.parquet").write_bytes(b"gone")
    assert served.ready()[0] == 503
    assert get(served.port, "/healthz")[0] == 200
    assert get(served.port, "/")[0] == 200
    assert get(served.port, "/api/v1/countries")[0] == 503
    fixed, _ = publish_variant(served.root, 3)
    assert served.ready()[:2] == (200, {**served.ready()[1], "status": "ready", "release": fixed})
    assert served.kenya() == {"3"}


@pytest.mark.slow
def test_killed_and_concurrent_refreshes_never_disturb_readers(served):
    current = rel.read_pointer(served.root)
    # a refresh killed just before switching the pointer: nothing changes for readers
    killed = _paused_publish(served.root, "before_pointer")
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    assert served.ready()[1]["release"] == current and served.kenya() == {"2"}

    # two refreshes at once: the second fails at once, clearly; readers never notice
    holder = _paused_publish(served.root, "after_tables")
    try:
        with pytest.raises(PublishBusy, match="another refresh is publishing"):
            publish_variant(served.root, 4)
        assert served.ready()[1]["release"] == current and served.kenya() == {"2"}
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    newer, _ = publish_variant(served.root, 5)  # the next refresh cleans up and goes through
    assert served.ready()[1]["release"] == newer and served.kenya() == {"5"}
    assert not list(served.root.glob(".staging-*"))


def test_a_broken_pointer_is_repaired_with_the_rollback_that_etl_status_names(warehouse_root):
    publish_variant(warehouse_root, 1)
    last_good, _ = publish_variant(warehouse_root, 2)
    (warehouse_root / rel.POINTER).write_text("half-written\n", encoding="utf-8")
    status = CliRunner().invoke(main, ["etl", "status"]).output
    assert "DEGRADED" in status and f"`delta87 etl rollback {last_good}` makes it the one served" in status, status
    repaired = CliRunner().invoke(main, ["etl", "rollback", last_good])
    assert repaired.exit_code == 0 and rel.read_pointer(warehouse_root) == last_good, repaired.output
    assert "DEGRADED" not in CliRunner().invoke(main, ["etl", "status"]).output


def _paused_publish(root: Path, stage: str) -> subprocess.Popen:
    """A publish in another process, paused at `stage` (holding the lock) until killed."""
    script = (
        "import sys, time; from pathlib import Path; from etl import publish as pub; "
        "from tests.test_publish_faults import inject; from tests.test_reliability import publish_variant; "
        "inject(lambda name, step: setattr(pub, name, step), sys.argv[2], "
        "lambda: (print('PAUSED AT', sys.argv[2], file=sys.stderr, flush=True), time.sleep(120))); "
        "publish_variant(Path(sys.argv[1]), 9)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(root), stage], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    line, deadline = "", time.monotonic() + 60
    while "PAUSED AT" not in line and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
    assert f"PAUSED AT {stage}" in line, f"publish never reached {stage}"
    proc.stderr.close()
    return proc


def test_one_request_reads_one_release_even_if_a_publish_lands_mid_request(app, warehouse_root):
    from warehouse import get_warehouse  # noqa: PLC0415
    from web.release import request_release  # noqa: PLC0415

    before, _ = publish_variant(warehouse_root, 1)

    def name_of_ken() -> str:
        return get_warehouse().countries(request_release()).set_index("iso3").loc["KEN", "name"]

    def publish_mid_request():
        first = name_of_ken()
        publish_variant(warehouse_root, 2)  # CURRENT switches while this request is still running
        second = name_of_ken()
        return {"first": first, "second": second, "id": request_release().id}

    app.server.add_url_rule("/_test/mid", "test_mid", publish_mid_request)
    client = app.server.test_client()
    response = client.get("/_test/mid")
    assert response.json == {"first": "Kenya v1", "second": "Kenya v1", "id": before}
    assert response.headers["X-Delta87-Release"] == before
    after = client.get("/_test/mid")
    assert after.json["first"] == "Kenya v2" and after.headers["X-Delta87-Release"] != before
