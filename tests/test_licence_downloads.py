"""The licence rule on the real release: nothing from gapminder_legal_slavery (licence unconfirmed) leaves the
platform as data, through any download path (API JSON, CSV, Parquet, Excel, zip bundle, bulk zip, explorer links),
while the redistributable TIP tiers of the same countries do."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from dataproduct.params import catalog
from tests.explorer_data import read_csv

pytestmark = pytest.mark.realdata

RESTRICTED, INDICATOR = "gapminder_legal_slavery", "legal_slavery_status"
#: Countries Gapminder and the TIP report both cover; the unfiltered query is the one a user would make.
QUERIES = ("country=AFG,UZB,NPL", f"indicator={INDICATOR},tip_tier&country=AFG,UZB", f"source={RESTRICTED}")


def frame_of(fmt: str, body: bytes) -> pd.DataFrame:
    """The observation rows of a download, whatever its format."""
    if fmt == "csv":
        return read_csv(body)
    if fmt == "parquet":
        return pd.read_parquet(io.BytesIO(body))
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        return pd.DataFrame(rows[1:], columns=rows[0])
    archive = zipfile.ZipFile(io.BytesIO(body))
    data = [n for n in archive.namelist() if n.endswith((".parquet",))]
    return pd.concat([pd.read_parquet(io.BytesIO(archive.read(n))) for n in data] or [pd.DataFrame()])


def assert_clean(frame: pd.DataFrame, where: str) -> None:
    assert RESTRICTED not in set(frame.get("source", [])), where
    assert INDICATOR not in set(frame.get("indicator", [])), where


@pytest.fixture
def real_client(real_warehouse, client):
    """A test client of the app serving the real release."""
    return client


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("fmt", ["json", "csv", "parquet", "xlsx", "zip"])
def test_nothing_from_gapminder_legal_slavery_appears_in_any_download(real_client, real_release, query, fmt):
    with real_client.get(f"/api/v1/observations?{query}&format={fmt}") as response:
        assert response.status_code == 200, response.get_data()[:300]
        body, headers = response.get_data(), response.headers
    if fmt == "json":
        payload = pd.read_json(io.BytesIO(body), typ="series")
        frame = pd.DataFrame(payload["data"])
        assert RESTRICTED in {s["id"] for s in payload["excluded_sources"]}
    else:
        frame = frame_of(fmt, body)
        assert RESTRICTED in headers.get("X-Delta87-Excluded-Sources", "")
    assert_clean(frame, f"{fmt} {query}")
    if query.startswith("country=") and fmt != "json":  # JSON is paged: its first page holds other rows
        assert "tip_tier" in set(frame["indicator"])  # the same countries' redistributable rows do come out


def test_nothing_from_gapminder_legal_slavery_appears_in_the_bulk_zip(real_client, real_release):
    with real_client.get("/api/v1/bulk") as response:
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    parquet = pd.read_parquet(io.BytesIO(archive.read("observations.parquet")))
    assert_clean(parquet, "bulk observations.parquet")
    assert_clean(read_csv(archive.read("observations.csv")), "bulk observations.csv")
    assert {"tip_tier", "child_labour_ilostat"} <= set(parquet["indicator"])
    assert "https://gapm.io/dslavery" in archive.read("README.md").decode()  # named as left out, with its link
    members, countries = (pd.read_csv(archive.open(f"{t}.csv")) for t in ("region_members", "countries"))
    assert "walkfree_gsi" not in set(members["source"]) and "ilo_region" not in countries  # Walk Free's ILO regions


def test_a_group_only_walk_free_lists_filters_no_download_and_the_answer_says_what_to_use(real_client, real_release):
    refused = real_client.get("/api/v1/observations?group=ILO_AFR&format=csv")
    assert refused.status_code == 400 and "(walkfree_gsi)" in refused.json["message"], refused.json
    assert "country=ILO_AFR" in refused.json["message"] and "M49_002" in refused.json["allowed"]
    assert not any("ilo_region" in row for row in real_client.get("/api/v1/countries").json["data"])


def test_the_explorer_previews_nothing_of_it_and_links_only_to_the_api(real_warehouse, real_release):
    from dashboards import _explorer  # noqa: PLC0415 - the page helpers, after the environment is set

    cat = catalog(real_release)
    args = {"indicator": [INDICATOR, "tip_tier"], "country": ["AFG"]}
    piece, _messages = _explorer.preview(real_warehouse, real_release, cat, args, (), 0)
    assert_clean(piece.frame(), "explorer preview")
    assert piece.total > 0  # the TIP rows of the same filter are previewed
    assert RESTRICTED in {row["id"] for row in piece.excluded()}
    hrefs = [link.href for link in _explorer.download_links(piece, 1000) if link.href]
    assert hrefs and all(h.startswith("/api/v1/observations?") for h in hrefs)
