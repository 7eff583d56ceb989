"""Resource limits inside the app (issue 18, "Why" 4): the Excel row cap, the bound on heavy downloads, query
time limits. The limits at the door (slow clients, rates, sizes) are tested against nginx in test_serving.py."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from tests import factories as f
from web.limits import heavy_slot

ROWS = 50_001


@pytest.fixture
def big_release(warehouse_root) -> str:
    """A SYNTHETIC release one row over the default Excel cap."""
    rows = [
        {"indicator": "x", "iso3": f"A{i % 26:02d}", "year": 1000 + i // 26, "value": float(i)} for i in range(ROWS)
    ]
    return f.make_release(warehouse_root, f.observations(rows))


def test_the_excel_cap_applies_to_a_release_larger_than_it(client, big_release):
    started = time.perf_counter()
    refused = client.get("/api/v1/observations?format=xlsx")
    assert refused.status_code == 400 and refused.json["error"] == "too_many_rows"
    assert "at most 50,000 rows" in refused.json["message"] and "format=csv" in refused.json["message"]
    assert time.perf_counter() - started < 5, "refused before any workbook is built"
    with client.get("/api/v1/observations?format=csv") as csv:
        assert csv.status_code == 200 and csv.get_data().count(b"\n") == ROWS + 1
    workbook = client.get("/api/v1/observations?format=xlsx&limit=100")
    assert workbook.status_code == 200 and zipfile.is_zipfile(io.BytesIO(workbook.get_data()))


def test_heavy_downloads_beyond_the_slots_get_503_with_retry_after(client, explorer_release, monkeypatch):
    monkeypatch.setenv("DELTA87_EXPORT_SLOTS", "1")
    with heavy_slot():  # another request is building a workbook
        for fmt in ("xlsx", "zip"):
            busy = client.get(f"/api/v1/observations?format={fmt}")
            assert busy.status_code == 503, fmt
            assert busy.headers["Retry-After"] == "10" and busy.json["error"] == "busy"
            assert "format=csv" in busy.json["message"]
        assert client.get("/api/v1/bulk").status_code == 503
        with client.get("/api/v1/observations?format=csv") as csv:
            assert csv.status_code == 200, "a streamed CSV is not heavy work"
    assert client.get("/api/v1/observations?format=xlsx").status_code == 200


def test_a_query_past_its_time_limit_is_stopped_and_answered_503(app, client, explorer_release, monkeypatch):
    from warehouse import QueryTimeout, get_warehouse  # noqa: PLC0415
    from web.release import request_release  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_QUERY_TIMEOUT", "0.3")
    slow = "SELECT count(*) AS n FROM range(100000000000) a, {observations} o"
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="longer than 0.3 s"):
        get_warehouse().query(get_warehouse().releases.current(), slow)
    assert time.perf_counter() - started < 3

    app.server.add_url_rule("/_test/slow", "test_slow", lambda: str(get_warehouse().query(request_release(), slow)))
    response = client.get("/_test/slow")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Choose a smaller selection" in response.get_data(as_text=True)


def test_a_download_query_is_stopped_at_the_export_time_limit(big_release, isolated_env, monkeypatch):
    from warehouse import QueryTimeout, get_warehouse  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_EXPORT_TIMEOUT", "0.5")
    warehouse = get_warehouse()
    batches = warehouse.observation_batches(warehouse.releases.current(), batch_rows=500)
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match="longer than 0.5 s"):
        for _ in batches:
            time.sleep(0.05)  # a slow consumer: 100 batches would take 5 s
    assert time.perf_counter() - started < 3
