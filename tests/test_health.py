"""/healthz and /readyz: the release served, degraded states detected by the manifest checksums, 503 when none."""

from __future__ import annotations

import config
from tests import factories as f
from warehouse import releases as rel
from web import cache as web_cache


def _obs(value: float):
    return f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": value}])


def test_readyz_names_the_release_served(client, warehouse_root):
    release_id = f.make_release(warehouse_root, _obs(1.0))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["release"] == release_id
    assert response.json["degraded"] is None
    assert response.json["cache"] == {"backend": "filesystem", "available": True, "problem": None}
    assert response.headers["X-Delta87-Release"] == release_id
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_degraded_when_current_release_fails_its_checksum(client, warehouse_root):
    good = f.make_release(warehouse_root, _obs(1.0))
    bad = f.make_release(warehouse_root, _obs(2.0))
    assert client.get("/readyz").json["release"] == bad
    parquet = rel.releases_dir(warehouse_root) / bad / "observations.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-16] + b"corrupted bytes!")

    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["release"] == good
    assert "does not match its checksum" in response.json["degraded"]
    assert good in response.json["degraded"]
    assert client.get("/_dash-layout").headers["X-Delta87-Release"] == good


def test_readyz_degraded_when_pointer_is_missing(client, warehouse_root):
    newest = [f.make_release(warehouse_root, _obs(v)) for v in (1.0, 2.0)][-1]
    (warehouse_root / rel.POINTER).unlink()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["release"] == newest
    assert "pointer" in response.json["degraded"] and "missing" in response.json["degraded"]


def test_readyz_recovers_when_a_good_release_is_published(client, warehouse_root):
    f.make_release(warehouse_root, _obs(1.0))
    (warehouse_root / rel.POINTER).write_text("garbage\n")
    assert client.get("/readyz").json["status"] == "degraded"
    fixed = f.make_release(warehouse_root, _obs(3.0))
    response = client.get("/readyz")
    assert (response.json["status"], response.json["release"], response.json["degraded"]) == ("ready", fixed, None)


def test_readyz_503_when_no_release_can_be_served_but_healthz_stays_up(client, warehouse_root):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["release"] is None
    assert "delta87 etl run" in response.json["degraded"]
    assert "X-Delta87-Release" not in response.headers

    only = f.make_release(warehouse_root, _obs(1.0))
    parquet = rel.releases_dir(warehouse_root) / only / "observations.parquet"
    parquet.write_bytes(b"not parquet at all")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "no other release verifies" in response.json["degraded"]

    live = client.get("/healthz")
    assert (live.status_code, live.json) == (200, {"status": "ok"})


def test_healthz_never_reads_the_warehouse(client, warehouse_root, monkeypatch):
    f.make_release(warehouse_root, _obs(1.0))

    def broken(self, release_id=None):
        raise AssertionError("liveness must not touch the data folder")

    monkeypatch.setattr(rel.Releases, "current", broken)
    monkeypatch.setattr(rel.Releases, "get", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "X-Delta87-Release" not in response.headers


def test_readyz_names_the_code_that_answered(client, warehouse_root, monkeypatch):
    monkeypatch.setenv("DELTA87_CODE_ID", "4da5eda1c2b3+0a1b2c3d")
    assert client.get("/readyz").json["code"] == "4da5eda1c2b3+0a1b2c3d", "no release yet: still named"
    f.make_release(warehouse_root, _obs(1.0))
    assert client.get("/readyz").json["code"] == "4da5eda1c2b3+0a1b2c3d"
    monkeypatch.delenv("DELTA87_CODE_ID")
    assert client.get("/readyz").json["code"] == web_cache.code_id_of(config.ROOT), "the commit of this checkout"
