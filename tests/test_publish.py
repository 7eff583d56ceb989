"""The publish step: atomic pointer switch, idempotence, pruning, rollback, lock."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from etl import db
from etl import publish as pub
from tests import factories as f
from warehouse import Warehouse
from warehouse import releases as rel
from warehouse.schema import OBSERVATIONS, SORT_KEYS


def _obs(value: float):
    return f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": value}])


def test_publish_switches_pointer_and_reader_sees_new_release(tmp_path):
    first = f.make_release(tmp_path, _obs(1.0))
    warehouse = Warehouse(tmp_path)
    assert warehouse.releases.current().id == first
    second = f.make_release(tmp_path, _obs(2.0))
    assert second != first
    assert warehouse.releases.current().id == second
    assert warehouse.observations(warehouse.releases.current())["value"].tolist() == [2.0]
    assert warehouse.observations(warehouse.releases.get(first))["value"].tolist() == [1.0]


def test_same_content_gives_same_checksums_and_no_new_release(tmp_path):
    frames = {"observations": _obs(1.0)}
    one = pub.publish(frames, tmp_path / "a", {}, force=False)
    two = pub.publish(frames, tmp_path / "b", {}, force=False)
    assert one.manifest["content_hash"] == two.manifest["content_hash"]
    again = pub.publish(frames, tmp_path / "a", {}, force=False)
    assert again.changed is False and again.release_id == one.release_id


def test_prune_keeps_newest_and_current(tmp_path):
    ids = [f.make_release(tmp_path, _obs(float(i))) for i in range(4)]
    removed = pub.prune(tmp_path, keep=2)
    assert removed == ids[:2]
    assert rel.list_release_ids(tmp_path) == ids[2:]


def test_rollback_goes_to_previous_release(tmp_path):
    first = f.make_release(tmp_path, _obs(1.0))
    f.make_release(tmp_path, _obs(2.0))
    assert pub.rollback(tmp_path) == first
    assert rel.read_pointer(tmp_path) == first


def test_second_publish_while_locked_fails_clearly(tmp_path):
    held, done = threading.Event(), threading.Event()

    def refresh_in_progress():  # another refresh (the lock is re-entrant only within one thread)
        with pub.publish_lock(tmp_path):
            held.set()
            done.wait(10)

    other = threading.Thread(target=refresh_in_progress)
    other.start()
    assert held.wait(10)
    try:
        with pytest.raises(pub.PublishBusy, match="another refresh"):
            f.make_release(tmp_path, _obs(1.0))
    finally:
        done.set()
        other.join(10)


def test_corrupted_current_release_falls_back_to_last_good(tmp_path):
    good = f.make_release(tmp_path, _obs(1.0))
    bad = f.make_release(tmp_path, _obs(2.0))
    parquet = rel.releases_dir(tmp_path) / bad / "observations.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-20] + b"corrupted!corrupted!")
    served = Warehouse(tmp_path).releases.current()
    assert served.id == good
    assert "does not match its checksum" in served.degraded


def test_missing_pointer_serves_newest_release(tmp_path):
    newest = f.make_release(tmp_path, _obs(1.0))
    (tmp_path / rel.POINTER).unlink()
    served = Warehouse(tmp_path).releases.current()
    assert served.id == newest
    assert "pointer" in served.degraded


def _random_observations(seed: int, n: int = 3000):
    """SYNTHETIC observations with unique keys in random order, some notes and bounds missing."""
    rng = np.random.default_rng(seed)
    keys = [(i, a, y) for i in ("b", "a", "ä") for a in ("KEN", "AFG", "ZWE") for y in range(1900, 1900 + n // 9 + 1)]
    picked = [keys[k] for k in rng.permutation(len(keys))[:n]]
    return f.observations(
        [
            {
                "indicator": i,
                "iso3": a,
                "year": y,
                "value": float(rng.normal()),
                "note": rng.choice([None, "n1"]),
                "lower": rng.choice([None, 0.5]),
                "age": rng.choice([None, "5-17"]),
            }
            for i, a, y in picked
        ]  # fmt: skip
    )


def test_a_written_table_reads_back_exactly_in_key_order_with_the_warehouse_types(tmp_path):
    frame = _random_observations(7)
    path = tmp_path / "observations.parquet"
    assert pub.write_table("observations", frame, path) == len(frame)
    written = pq.read_table(path)
    assert [(f.name, f.type) for f in written.schema] == [(f.name, f.type) for f in OBSERVATIONS]
    expected = db.arrow(frame.sort_values(SORT_KEYS["observations"], kind="stable", ignore_index=True), OBSERVATIONS)
    for column in OBSERVATIONS.names:
        assert written.column(column).equals(expected.column(column)), column
    con = duckdb.connect()
    query = "SELECT count(DISTINCT iso3), min(indicator), max(indicator) FROM read_parquet(?)"
    assert con.execute(query, [str(path)]).fetchall() == [(3, "a", "ä")]  # byte order, as the warehouse sorts


def test_the_same_rows_in_any_order_give_byte_identical_files(tmp_path):
    frame = _random_observations(3)
    shuffled = frame.sample(frac=1.0, random_state=11).reset_index(drop=True)
    pub.write_table("observations", frame, tmp_path / "a.parquet")
    pub.write_table("observations", shuffled, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    con = duckdb.connect()  # the build's observations are a DuckDB table
    con.execute("CREATE TABLE t AS SELECT * FROM read_parquet(?) ORDER BY random()", [str(tmp_path / "a.parquet")])
    pub.write_table("observations", con.table("t"), tmp_path / "c.parquet")
    con.execute("CREATE TABLE u AS SELECT * FROM t ORDER BY random()")
    pub.write_table("observations", con.table("u"), tmp_path / "d.parquet")
    assert (tmp_path / "c.parquet").read_bytes() == (tmp_path / "d.parquet").read_bytes()
    assert pq.read_table(tmp_path / "c.parquet").to_pylist() == pq.read_table(tmp_path / "a.parquet").to_pylist()


def test_a_table_missing_a_column_is_refused_naming_it(tmp_path):
    frame = _random_observations(1).drop(columns=["note"])
    with pytest.raises(ValueError, match="note"):
        pub.write_table("observations", frame, tmp_path / "x.parquet")
