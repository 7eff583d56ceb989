"""A zip download names every source in it: licence, retrieval date and the checksum of each publisher file."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from tests import factories

FILES = [
    {"source": "syn_a", "path": "syn_a/data.csv", "sha256": "a" * 64, "bytes": 1234},
    {"source": "syn_a", "path": "syn_a/notes.json", "sha256": "b" * 64, "bytes": 56},
    {"source": "syn_b", "path": "syn_b/table.xlsx", "sha256": "c" * 64, "bytes": 789},
    {"source": "syn_closed", "path": "syn_closed/index.csv", "sha256": "d" * 64, "bytes": 10},
]


@pytest.fixture
def release(warehouse_root) -> str:
    rows = [
        {"indicator": "syn", "iso3": "AAA", "year": 2010, "source": s, "value": 1.0}
        for s in ("syn_a", "syn_b", "syn_closed")
    ]
    sources = [
        {**factories.source("syn_a"), "licence": "synthetic licence A", "retrieved": "2025-01-02"},
        {**factories.source("syn_b"), "licence": "synthetic licence B", "retrieved": "2024-03-04"},
        {**factories.source("syn_closed", redistribution=False), "licence": "synthetic: closed"},
    ]
    obs = factories.observations(rows)
    return factories.make_release(warehouse_root, obs, sources=sources, source_files=FILES)


def test_the_bundle_names_each_source_with_licence_retrieval_date_and_file_checksums(client, release):
    body = client.get("/api/v1/observations?source=syn_a,syn_closed&format=zip").get_data()
    archive = zipfile.ZipFile(io.BytesIO(body))
    readme = archive.read("README.md").decode()
    for text in ("synthetic licence A", "2025-01-02", "syn_a/data.csv", "a" * 64, "syn_a/notes.json", "b" * 64):
        assert text in readme
    assert "syn_b" not in readme and "c" * 64 not in readme  # not in this slice
    assert "d" * 64 not in readme  # left out for its licence: named with its publisher link, not as a source
    meta = json.loads(archive.read("metadata.json"))
    assert [(s["id"], s["licence"], s["retrieved"]) for s in meta["sources"]] == [
        ("syn_a", "synthetic licence A", "2025-01-02")
    ]
    assert meta["sources"][0]["files"] == [{k: v for k, v in f.items() if k != "source"} for f in FILES[:2]]
    files = pd.read_csv(io.BytesIO(archive.read("source_files.csv")))
    assert files.to_dict("records") == FILES[:2]
    assert "source_files.csv" in readme


def test_the_bulk_zip_carries_every_file_checksum_of_the_release(client, release):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/bulk").get_data()))
    assert pd.read_csv(io.BytesIO(archive.read("source_files.csv")))["sha256"].tolist() == [f["sha256"] for f in FILES]
    assert "a" * 64 in archive.read("README.md").decode()


def test_the_sources_endpoint_gives_each_source_its_file_checksums(client, release):
    sources = {row["id"]: row for row in client.get("/api/v1/sources").get_json()["data"]}
    assert sources["syn_b"]["files"] == [{"path": "syn_b/table.xlsx", "sha256": "c" * 64, "bytes": 789}]
    assert sources["syn_closed"]["files"][0]["sha256"] == "d" * 64  # metadata, not data: shown for every source


def test_the_bulk_zip_cites_the_public_address(client, release, monkeypatch):
    monkeypatch.setenv("DELTA87_PUBLIC_URL", "https://data.example.org")
    response = client.get("/api/v1/bulk")  # built for every client: links name the public address
    assert response.status_code == 200, response.get_data()[:300]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    meta = json.loads(archive.read("metadata.json"))
    assert meta["pinned_url"] == f"https://data.example.org/api/v1/bulk?release={release}"
    assert meta["pinned_url"] in archive.read("CITATION.txt").decode()
