"""The publish step: atomic pointer switch, idempotence, pruning, rollback, lock."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from etl import publish as pub
from etl.publish import to_arrow
from tests import factories as f
from warehouse import Warehouse
from warehouse import releases as rel
from warehouse.schema import SORT_KEYS


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
    with pub.publish_lock(tmp_path):
        with pytest.raises(pub.PublishBusy, match="another refresh"):
            f.make_release(tmp_path, _obs(1.0))


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


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_published_tables_are_sorted_exactly_as_arrow_sorts_them(seed):
    """The integer-key sort of to_arrow (ranked strings, offset years, nulls last) agrees with Arrow's own sort."""
    rng = np.random.default_rng(seed)
    n = 5000
    years = rng.integers(1990, 2025, n).astype(float)
    years[rng.random(n) < 0.05] = np.nan  # some missing years: they sort last
    frame = f.observations(
        [
            {
                "indicator": rng.choice(["b", "a", "c", "ä"]),
                "iso3": rng.choice(["KEN", "AFG", "ZWE", "BRA"]),
                "year": 2000,
                "sex": rng.choice(["total", "female", "male"]),
                "value": float(i),
            }
            for i in range(n)
        ]  # fmt: skip
    )
    frame["year"] = pd.array(years, dtype="Int32")
    table = to_arrow("observations", frame)
    keys = SORT_KEYS["observations"]
    expected = frame.assign(_i=range(n)).sort_values(keys, kind="stable", na_position="last")["value"].tolist()
    assert table.column("value").to_pylist() == expected
    assert pc.sort_indices(table, [(k, "ascending", "at_end") for k in keys]).to_pylist() == list(range(n))


@pytest.mark.parametrize(("env", "backend"), [({}, "system"), ({"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}, "mimalloc")])
def test_the_etl_puts_arrow_on_the_system_allocator_unless_told_otherwise(tmp_path, env, backend):
    csv = tmp_path / "tiny.csv"  # SYNTHETIC
    csv.write_text("iso3,year,value\nKEN,2020,1.5\n", encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "MALLOC_ARENA_MAX")}
    script = (
        "import sys, pyarrow as pa; from etl.checks import check_file; "
        "check_file(sys.argv[1], 'tidy', unit='percent', indicator='x'); print(pa.default_memory_pool().backend_name)"
    )
    done = subprocess.run(  # from another folder: the package is found the way an installed command finds it
        [sys.executable, "-c", script, str(csv)], env={**clean, **env}, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.stdout.strip().splitlines()[-1:] == [backend], done.stderr


def test_a_written_table_reads_back_exactly_as_to_arrow_builds_it(tmp_path):
    """Sort keys and constant text are written as dictionaries (no re-hashing); readers see plain types."""
    rng = np.random.default_rng(7)
    frame = f.observations(
        [
            {
                "indicator": rng.choice(["b", "a"]),
                "iso3": rng.choice(["KEN", "AFG", "ZWE"]),
                "year": int(y),
                "sex": rng.choice(["total", "female"]),
                "value": float(i),
                "note": rng.choice([None, "n1"]),
            }
            for i, y in enumerate(rng.integers(1990, 2025, 3000))
        ]  # fmt: skip
    )
    path = tmp_path / "observations.parquet"
    assert pub.write_table("observations", frame, path) == len(frame)
    written = pq.read_table(path)
    expected = to_arrow("observations", frame)
    assert written.schema == expected.schema  # string, int32, double, bool: no dictionary type, no large_string
    assert written.equals(expected)
    con = duckdb.connect()
    assert con.execute("SELECT count(DISTINCT iso3), min(indicator) FROM read_parquet(?)", [str(path)]).fetchone() == (
        3,
        "a",
    )
