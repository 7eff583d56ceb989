"""Integrity that holds: bytes that rot in place, read errors, broken pointers, `etl verify` (issue 18, "Why" 2 and 6).

Release files are damaged the way a disk or a careless hand does it: bytes flipped inside a Parquet file with
its size and modification time kept, so that no stat stamp changes; a pointer holding bytes that are not
UTF-8, or replaced by a folder.
"""

from __future__ import annotations

import logging
import os
import time

import pytest
from click.testing import CliRunner

from cli import main
from tests import factories as f
from warehouse import releases as rel


def _obs(value: float, rows: int = 200):
    return f.observations([{"indicator": "x", "iso3": "AAA", "year": 1800 + i, "value": value} for i in range(rows)])


def rot_in_place(path) -> None:
    """Zero the data pages of a Parquet file between its magic number and its footer; keep size and mtime."""
    data = bytearray(path.read_bytes())
    stat = path.stat()
    footer = int.from_bytes(data[-8:-4], "little")
    assert len(data) - 12 - footer > 100, "the file holds data pages"
    data[4 : len(data) - 8 - footer] = bytes(len(data) - 12 - footer)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _values(client) -> set[float]:
    response = client.get("/api/v1/observations?format=json&limit=5")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["value"] for row in response.json["data"]}


def test_bytes_rotting_in_place_are_caught_by_the_background_reverification(client, warehouse_root, monkeypatch):
    good = f.make_release(warehouse_root, _obs(1.0))
    current = f.make_release(warehouse_root, _obs(2.0))
    assert client.get("/readyz").json["release"] == current
    monkeypatch.setenv("DELTA87_VERIFY_INTERVAL", "1")
    rot_in_place(rel.releases_dir(warehouse_root) / current / "observations.parquet")

    deadline = time.monotonic() + 15
    while client.get("/readyz").json["status"] != "degraded" and time.monotonic() < deadline:
        time.sleep(0.2)
    body = client.get("/readyz").json
    assert (body["status"], body["release"]) == ("degraded", good)
    assert "does not match its checksum" in body["degraded"]
    assert _values(client) == {1.0}


def test_a_parquet_read_error_at_query_time_falls_back_to_the_last_good_release(client, warehouse_root):
    good = f.make_release(warehouse_root, _obs(1.0))
    current = f.make_release(warehouse_root, _obs(2.0))
    assert _values(client) == {2.0}
    rot_in_place(rel.releases_dir(warehouse_root) / current / "observations.parquet")

    found = client.get("/api/v1/observations?format=json&limit=5")
    assert found.status_code == 503, "the request that met the damage is told to retry, not served wrong values"
    assert found.headers["Retry-After"] == "1"
    assert _values(client) == {1.0}
    body = client.get("/readyz").json
    assert (body["status"], body["release"]) == ("degraded", good)


@pytest.mark.parametrize("damage", ["not utf-8", "a folder"])
def test_a_broken_pointer_means_degraded_mode_logged_once_and_hashed_once(
    client, warehouse_root, damage, caplog, monkeypatch
):
    good = f.make_release(warehouse_root, _obs(1.0))
    pointer = warehouse_root / rel.POINTER
    pointer.unlink()
    if damage == "a folder":
        pointer.mkdir()
    else:
        pointer.write_bytes(b"\xff\xfe\x80 r2026\x00")
    hashed = []
    real_hash = rel.sha256_file
    monkeypatch.setattr(rel, "sha256_file", lambda path: hashed.append(path) or real_hash(path))

    with caplog.at_level(logging.INFO, logger="warehouse.releases"):
        responses = [client.get(path) for path in ["/readyz", "/", "/api/v1/countries", "/readyz"] * 5]
    assert [r.status_code for r in responses] == [200] * 20
    assert responses[0].json["status"] == "degraded" and responses[0].json["release"] == good
    assert "pointer" in responses[0].json["degraded"]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1, caplog.text
    assert len(hashed) == len(rel.read_manifest(warehouse_root, good)["tables"]), "hashed once, not per request"


def test_readyz_and_503_messages_name_no_absolute_path(client, warehouse_root):
    missing = client.get("/readyz")
    api = client.get("/api/v1/countries")
    only = f.make_release(warehouse_root, _obs(1.0))
    (rel.releases_dir(warehouse_root) / only / "observations.parquet").write_bytes(b"gone")
    broken = client.get("/readyz")
    for response in (missing, api, broken):
        assert response.status_code == 503
        assert str(warehouse_root.parent.parent) not in response.get_data(as_text=True)
    assert "delta87 etl run" in missing.json["degraded"]


def test_etl_verify_rehashes_every_file_whatever_its_stamps_say(warehouse_root, isolated_env):
    older = f.make_release(warehouse_root, _obs(1.0))
    current = f.make_release(warehouse_root, _obs(2.0))
    runner = CliRunner()
    ok = runner.invoke(main, ["etl", "verify"])
    assert ok.exit_code == 0, ok.output
    assert f"{current}: " in ok.output and "all match" in ok.output

    rot_in_place(rel.releases_dir(warehouse_root) / current / "observations.parquet")
    bad = runner.invoke(main, ["etl", "verify"])
    assert bad.exit_code == 1
    assert f"MISMATCH {current}/observations.parquet" in bad.output
    assert runner.invoke(main, ["etl", "verify", older]).exit_code == 0
    every = runner.invoke(main, ["etl", "verify", "--all"])
    assert every.exit_code == 1 and older in every.output and current in every.output
    assert runner.invoke(main, ["etl", "verify", "r20990101T000000Z-00000000"]).exit_code == 1
