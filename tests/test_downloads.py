"""Every download format round-trips (pandas / pyarrow / openpyxl / zip) and carries what is needed to cite it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataproduct import bulk, downloads
from dataproduct.params import catalog
from tests import explorer_data as xd
from tests.explorer_data import expected, normalise, read_csv
from warehouse import Warehouse
from warehouse import releases as rel
from warehouse.schema import DOWNLOAD
from web.cache import code_id

#: Every test here reads the synthetic explorer release (published before the app is built).
pytestmark = pytest.mark.usefixtures("explorer_release")


QUERY = "indicator=syn_rate,syn_restricted&country=AAA,CCC&year_from=2015"
WHERE = "indicator = 'syn_rate' AND iso3 IN ('AAA', 'CCC') AND year >= 2015"


def fetch(client, query: str = QUERY, fmt: str = "csv") -> tuple[bytes, dict]:
    with client.get(f"/api/v1/observations?{query}&format={fmt}") as response:
        assert response.status_code == 200, response.get_data()[:300]
        return response.get_data(), dict(response.headers)


def test_csv_keeps_awkward_text_exactly(client, warehouse_root, explorer_release):
    body, headers = fetch(client)
    assert body.startswith((",".join(DOWNLOAD.names) + "\n").encode())
    assert headers["Content-Disposition"] == f'attachment; filename="delta87-observations-{explorer_release}.csv"'
    frame = read_csv(body)
    assert normalise(frame) == expected(warehouse_root, explorer_release, WHERE)
    assert set(frame["note"]) == set(xd.NOTES)  # commas, quotes, unicode and a leading "=" survive


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "zip"])
def test_a_download_of_one_indicator_and_place_is_named_after_them(client, explorer_release, fmt):
    _body, headers = fetch(client, "indicator=syn_rate&country=AAA", fmt)
    assert headers["Content-Disposition"] == f'attachment; filename="delta87-syn_rate-AAA-{explorer_release}.{fmt}"'
    _body, headers = fetch(client, "indicator=syn_rate", fmt)
    assert headers["Content-Disposition"] == f'attachment; filename="delta87-syn_rate-{explorer_release}.{fmt}"'


def test_csv_is_written_batch_by_batch(explorer_release, warehouse_root):
    warehouse = Warehouse(warehouse_root)
    batches = warehouse.observation_batches(warehouse.releases.current(), batch_rows=100, named=True)
    chunks = list(downloads.csv_stream(batches))
    assert len(chunks) > 5  # header + one chunk per batch: never the whole result in one piece
    assert len(read_csv(b"".join(chunks))) == len(warehouse.observations(warehouse.releases.current()))


def test_observations_can_be_read_as_a_few_columns(explorer_release, warehouse_root):
    warehouse = Warehouse(warehouse_root)
    release = warehouse.releases.current()
    few = warehouse.observations(release, columns=("indicator", "iso3", "value"))
    pd.testing.assert_frame_equal(few, warehouse.observations(release)[["indicator", "iso3", "value"]])
    with pytest.raises(ValueError, match="unknown observations column"):
        warehouse.observations(release, columns=("value FROM x; --",))


def test_abandoned_csv_stream_releases_the_warehouse(client):
    response = client.get("/api/v1/observations?format=csv")
    next(response.response)  # read the first chunk, then hang up
    response.close()
    assert client.get("/api/v1/observations?format=csv&indicator=syn_count").status_code == 200


def test_parquet_round_trips_with_its_metadata(client, warehouse_root, explorer_release):
    body, _ = fetch(client, fmt="parquet")
    table = pq.read_table(io.BytesIO(body))
    assert table.schema.remove_metadata() == DOWNLOAD
    assert normalise(table.to_pandas()) == expected(warehouse_root, explorer_release, WHERE)
    meta = json.loads(table.schema.metadata[b"delta87"])
    assert meta["release"] == explorer_release and meta["query_url"].endswith(f"{QUERY}&format=parquet")
    assert [s["id"] for s in meta["excluded_sources"]] == [xd.RESTRICTED]


def test_json_records_match_parquet(client):
    data = json.loads(fetch(client, QUERY + "&limit=5000", "json")[0])["data"]
    parquet = pd.read_parquet(io.BytesIO(fetch(client, fmt="parquet")[0]))
    assert normalise(pd.DataFrame(data)) == normalise(parquet)


def test_xlsx_has_data_metadata_dictionary_and_sources(client, warehouse_root, explorer_release):
    body, _ = fetch(client, fmt="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["data", "metadata", "dictionary", "sources", "source_files", "indicators"]
    rows = list(book["data"].iter_rows(values_only=True))
    assert list(rows[0]) == DOWNLOAD.names
    assert normalise(pd.DataFrame(rows[1:], columns=rows[0])) == expected(warehouse_root, explorer_release, WHERE)
    note = openpyxl.utils.get_column_letter(DOWNLOAD.names.index("note") + 1)
    formula_like = [c for c in book["data"][note] if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)  # text, never a formula
    meta = dict(book["metadata"].iter_rows(min_row=2, values_only=True))
    assert meta["release"] == explorer_release and meta["query_url"].endswith(f"{QUERY}&format=xlsx")
    assert xd.RESTRICTED_URL in meta["licence_note"] and meta[f"excluded_source:{xd.RESTRICTED}"].endswith(
        xd.RESTRICTED_URL
    )
    assert [r[0] for r in book["dictionary"].iter_rows(min_row=2, values_only=True)] == DOWNLOAD.names
    assert [r[0] for r in book["sources"].iter_rows(min_row=2, values_only=True)] == [xd.OPEN]


def test_zip_bundle_carries_data_dictionary_sources_and_snippets(client, warehouse_root, explorer_release, tmp_path):
    body, headers = fetch(client, fmt="zip")
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = {
        "data.csv",
        "data.parquet",
        "dictionary.csv",
        "indicators.csv",
        "sources.csv",
        "source_files.csv",
        "metadata.json",
        "README.md",
        "CITATION.txt",
    }
    assert set(archive.namelist()) == names | {"load_pandas.py", "load.R", "load_duckdb.sql"}
    want = expected(warehouse_root, explorer_release, WHERE)
    assert normalise(read_csv(archive.read("data.csv"))) == want
    assert normalise(pd.read_parquet(io.BytesIO(archive.read("data.parquet")))) == want
    sources = pd.read_csv(io.BytesIO(archive.read("sources.csv")))
    assert sources["id"].tolist() == [xd.OPEN] and {"edition", "licence", "citation"} <= set(sources.columns)
    assert pd.read_csv(io.BytesIO(archive.read("dictionary.csv")))["column"].tolist() == DOWNLOAD.names
    readme = archive.read("README.md").decode()
    assert explorer_release in readme and f"{QUERY}&format=zip" in readme and xd.RESTRICTED_URL in readme
    meta = json.loads(archive.read("metadata.json"))
    assert meta["rows"] == len(want) and meta["pinned_url"].endswith(f"release={explorer_release}")
    assert headers["X-Delta87-Excluded-Sources"].startswith(xd.RESTRICTED)
    cite = archive.read("CITATION.txt").decode().splitlines()
    assert cite[0] == "Synthetic open data (test)." and explorer_release in cite[1] and meta["pinned_url"] in cite[1]
    assert "\n".join(f"- {line}" for line in cite) in readme  # README's "How to cite" says the same


def test_bundle_snippets_load_the_data(client, tmp_path):
    zipfile.ZipFile(io.BytesIO(fetch(client, fmt="zip")[0])).extractall(tmp_path)
    rows = len(pd.read_parquet(tmp_path / "data.parquet"))
    run = subprocess.run([sys.executable, "load_pandas.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"({rows}, {len(DOWNLOAD.names)})")
    con = duckdb.connect()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        statements = [s for s in (tmp_path / "load_duckdb.sql").read_text().split(";") if s.strip(" \n-")]
        for statement in statements[:-1]:
            con.execute(statement)
        counts = con.execute(statements[-1]).fetchall()
    assert sum(n for _, n, _, _ in counts) == rows


def test_bulk_is_built_once_outside_the_release_folder(
    client, warehouse_root, explorer_release, isolated_env, monkeypatch
):
    folder = rel.releases_dir(warehouse_root) / explorer_release
    before = sorted(p.name for p in folder.iterdir())
    with client.get("/api/v1/bulk") as first:
        body = first.get_data()
    path = isolated_env / "data" / "bulk" / code_id() / f"delta87-{explorer_release}.zip"
    assert path.is_file() and path.read_bytes() == body
    assert sorted(p.name for p in folder.iterdir()) == before and rel.verify(warehouse_root, explorer_release)
    monkeypatch.setattr(bulk, "_build", lambda *a: pytest.fail("rebuilt a bulk zip that exists"))
    with client.get("/api/v1/bulk") as second:
        assert second.get_data() == body and second.headers["X-Delta87-Excluded-Sources"].startswith(xd.RESTRICTED)


def test_bulk_holds_every_redistributable_row_and_says_what_is_left_out(client, warehouse_root, explorer_release):
    with client.get("/api/v1/bulk") as response:
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    want = expected(warehouse_root, explorer_release, "TRUE")
    assert normalise(pd.read_parquet(io.BytesIO(archive.read("observations.parquet")))) == want
    assert normalise(read_csv(archive.read("observations.csv"))) == want
    assert {"countries.csv", "regions.csv", "region_members.csv", "sources.csv", "README.md", "metadata.json"} <= set(
        archive.namelist()
    )
    readme = archive.read("README.md").decode()
    assert explorer_release in readme and xd.RESTRICTED_URL in readme and "observations.parquet" in readme


def test_each_indicators_coverage_in_the_api_and_the_bulk_zip_is_that_of_the_rows_downloads_hold(client):
    """Observations, countries and first and last year of each indicator: a restricted source's rows, on the pages
    only, are not counted where a reader would expect to download them."""
    held = read_csv(fetch(client, "")[0]).dropna(subset=["value"])
    with client.get("/api/v1/bulk") as response:
        listed = pd.read_csv(zipfile.ZipFile(io.BytesIO(response.get_data())).open("indicators.csv"))
    api = client.get("/api/v1/indicators").json["data"]
    for code in xd.INDICATORS:
        rows = held[held["indicator"] == code]
        years = [int(rows["year"].min()), int(rows["year"].max())] if len(rows) else [None, None]
        want = [len(rows), rows.loc[rows["iso3"].isin(xd.COUNTRIES), "iso3"].nunique(), *years]
        columns = ["observations", "countries", "first_year", "last_year"]
        assert [next(r for r in api if r["code"] == code)[c] for c in columns] == want, code
        bulk_row = listed.set_index("code").loc[code, columns]
        assert [None if pd.isna(v) else int(v) for v in bulk_row] == want, code
    assert next(r for r in api if r["code"] == "syn_restricted")["observations"] == 0


def test_region_memberships_listed_by_a_restricted_source_are_in_no_download(client):
    refused = client.get("/api/v1/observations?group=ILO_AMS&format=csv")
    assert refused.status_code == 400 and refused.json["error"] == "not_redistributable", refused.json
    assert xd.RESTRICTED in refused.json["message"] and "country=ILO_AMS" in refused.json["message"]
    assert "ILO_AMS" not in refused.json["allowed"] and "SDG_LAC" in refused.json["allowed"]
    with client.get("/api/v1/bulk") as response:
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    members, countries, regions = (
        pd.read_csv(archive.open(f"{t}.csv")) for t in ("region_members", "countries", "regions")
    )
    assert "ILO_AMS" not in set(members["code"]) and {"SDG_LAC", "WB_UMC"} <= set(members["code"])
    assert "ilo_region" not in countries and "sdg_region" in countries
    assert regions.set_index("code")["members"].isna().to_dict() == {c: c == "ILO_AMS" for c in regions["code"]}
    listed = client.get("/api/v1/countries").json
    assert not any("ilo_region" in row for row in listed["data"])
    assert {row["code"]: row["members"] for row in listed["aggregates"]}["ILO_AMS"] is None


def test_a_download_states_its_row_order(client):
    archive = zipfile.ZipFile(io.BytesIO(fetch(client, f"{QUERY}&sort=-area_name", "zip")[0]))
    meta = json.loads(archive.read("metadata.json"))
    assert meta["order"] == "area_name (descending), indicator, iso3, year, year_end, sex, age, source, edition"
    assert (
        f"ordered by {meta['order']} (`area_name` by the English names it holds)" in archive.read("README.md").decode()
    )


def test_an_excel_download_cites_with_the_words_of_citation_txt(client):
    book = openpyxl.load_workbook(io.BytesIO(fetch(client, QUERY, "xlsx")[0]), read_only=True)
    about = dict(book["metadata"].iter_rows(values_only=True))
    text = zipfile.ZipFile(io.BytesIO(fetch(client, QUERY, "zip")[0])).read("CITATION.txt").decode()
    assert about["how_to_cite"] == text.replace("format=zip", "format=xlsx") and "Synthetic open data (test)." in text


def test_bulk_metadata_counts_the_observations_in_the_zip(client, warehouse_root, explorer_release):
    with client.get("/api/v1/bulk") as response:
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    meta = json.loads(archive.read("metadata.json"))
    in_zip = len(expected(warehouse_root, explorer_release, "TRUE"))
    left_out = sum(row["rows"] for row in meta["excluded_sources"])
    assert meta["counts"]["observations"] == meta["rows"] == in_zip and left_out > 0
    warehouse = Warehouse(warehouse_root)
    assert len(warehouse.observations(warehouse.releases.current())) == in_zip + left_out


def test_head_of_a_zip_download_answers_the_get_headers_without_building_the_zip(client, isolated_env):
    bundle_url, bulk_url = f"/api/v1/observations?{QUERY}&format=zip", "/api/v1/bulk"
    with client.get(bundle_url) as get_bundle:
        want = {k: v for k, v in get_bundle.headers.items() if k != "Content-Length"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(downloads, "bundle", lambda piece: pytest.fail("HEAD built a zip bundle"))
        mp.setattr(bulk, "_build", lambda *a: pytest.fail("HEAD built the bulk zip"))
        head = client.head(bundle_url)
        assert head.status_code == 200 and dict(head.headers) == want
        assert client.head(bulk_url).status_code == 200 and not (isolated_env / "data" / "bulk").exists()
        for bad in ("/api/v1/observations?format=zip&country=XXX", "/api/v1/bulk?country=AAA"):
            assert client.head(bad).status_code == client.get(bad).status_code == 400
    with client.get(bulk_url) as get_bulk:
        want = dict(get_bulk.headers)
    assert dict(client.head(bulk_url).headers) == want  # once built, its size too


def test_bulk_zips_follow_releases(client, warehouse_root, explorer_release, isolated_env, monkeypatch):
    with client.get("/api/v1/bulk"):
        pass
    monkeypatch.setenv("DELTA87_KEEP_RELEASES", "1")
    newer = xd.sample_release(warehouse_root, scale=3.0)
    from etl.publish import prune  # noqa: PLC0415

    prune(warehouse_root, keep=1)
    with client.get("/api/v1/bulk") as response:
        assert response.headers["X-Delta87-Release"] == newer
    zips = sorted(p.name for p in (isolated_env / "data" / "bulk").rglob("*.zip"))
    assert zips == [f"delta87-{newer}.zip"]  # the pruned release's zip went with it


def test_a_bulk_zip_that_other_code_built_is_never_served_and_is_removed(client, isolated_env, explorer_release):
    folder = isolated_env / "data" / "bulk"
    stale = [folder / f"delta87-{explorer_release}.zip", folder / "earlier-code" / f"delta87-{explorer_release}.zip"]
    for path in stale:  # e.g. built before the licence rule withheld some memberships
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"a zip the running code did not build")
    with client.get("/api/v1/bulk") as response:
        assert "region_members.csv" in zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert not any(path.exists() for path in stale)


def test_a_copy_revalidated_after_a_deploy_is_answered_anew_under_the_running_licence_rule(client, monkeypatch):
    monkeypatch.setenv("DELTA87_CODE_ID", "earlier-code")
    held = {url: client.get(url).headers["ETag"] for url in ("/api/v1/countries", f"/api/v1/observations?{QUERY}")}
    monkeypatch.setenv("DELTA87_CODE_ID", "deployed-code")
    for url, etag in held.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200, url


def test_unsorted_stream_comes_in_release_order_across_row_groups(tmp_path):
    """CSV without `sort` skips the sort (flat memory) and relies on publish order: check it over several row groups."""
    import numpy as np  # noqa: PLC0415

    from tests import factories  # noqa: PLC0415

    n = 600_000  # publish writes row groups of 256k rows: three groups, scanned by two threads
    i = np.arange(n)
    obs = factories.observations([{}]).iloc[np.zeros(n, dtype=int)].reset_index(drop=True)  # synthetic defaults
    obs["indicator"] = np.char.add("syn_", (i % 3).astype(str))
    obs["iso3"] = np.char.add("A", (i % 97).astype(str))
    obs["year"] = 1900 + (i // 291) % 200
    obs["age"] = (i // 58_200).astype(str)
    obs["value"] = i.astype(float)
    root = tmp_path / "warehouse"
    release = factories.make_release(root, obs)
    assert pq.ParquetFile(root / "releases" / release / "observations.parquet").num_row_groups >= 3
    warehouse = Warehouse(root)
    streamed = pd.concat(
        b.to_pandas() for b in warehouse.observation_batches(warehouse.releases.current(), batch_rows=10_000)
    )
    keys = ["indicator", "iso3", "year", "sex", "age", "source"]
    assert len(streamed) == n
    assert streamed[keys].reset_index(drop=True).equals(streamed.sort_values(keys)[keys].reset_index(drop=True))


def older_release(warehouse_root, release_id: str, shape: str) -> None:
    """Serve a copy of the synthetic release as published before region_members named each membership's source
    ("no source"), with a null source ("null source") or before the table existed ("no table"): what `etl rollback`
    may bring back."""
    older_id = "r20200101T000000Z-0000abcd"  # a release of its own: nothing cached for it yet
    folder = rel.releases_dir(warehouse_root) / older_id
    shutil.copytree(rel.releases_dir(warehouse_root) / release_id, folder)
    manifest = json.loads((folder / rel.MANIFEST).read_text())
    if shape == "no table":
        del manifest["tables"]["region_members"]
    else:
        path = folder / manifest["tables"]["region_members"]["file"]
        table = pq.read_table(path)
        nulls = pa.nulls(table.num_rows, pa.string())  # "null source": a membership row that names no source
        table = table.drop_columns(["source"]) if shape == "no source" else table.set_column(2, "source", nulls)
        pq.write_table(table, path)
        manifest["tables"]["region_members"]["sha256"] = rel.sha256_file(path)
    (folder / rel.MANIFEST).write_text(json.dumps({**manifest, "id": older_id}))
    (warehouse_root / rel.POINTER).write_text(older_id)


@pytest.mark.parametrize("shape", ["no source", "null source", "no table"])
def test_an_older_release_that_names_no_source_for_its_region_memberships_gives_none_of_them_out(
    fresh_app, warehouse_root, explorer_release, shape
):
    older_release(warehouse_root, explorer_release, shape)
    client = fresh_app.server.test_client()
    assert client.get("/api/v1/observations?format=csv").status_code == 200
    for group in ("ILO_AMS", "SDG_SSA"):  # fail closed: no membership's source is known
        refused = client.get(f"/api/v1/observations?group={group}&format=csv")
        assert refused.status_code == 400 and refused.json["error"] == "not_redistributable", refused.json
        assert f"country={group}" in refused.json["message"] and "does not name" in refused.json["message"]
    with zipfile.ZipFile(io.BytesIO(client.get("/api/v1/bulk").get_data())) as bulk_zip:
        members, countries, regions = (
            pd.read_csv(bulk_zip.open(f"{t}.csv")) for t in ("region_members", "countries", "regions")
        )
    assert members.empty and not {"ilo_region", "sdg_region", "income_group"} & set(countries)
    assert regions.set_index("code")["members"].isna()[["ILO_AMS", "SDG_SSA"]].all()
    listed = client.get("/api/v1/countries").json
    assert not any({"ilo_region", "sdg_region"} & set(row) for row in listed["data"])
    assert {row["code"]: row["members"] for row in listed["aggregates"]}["ILO_AMS"] is None
    from dashboards import _explorer  # noqa: PLC0415 - the page helpers, after the app is built

    warehouse = Warehouse(warehouse_root)
    release = warehouse.releases.current()
    piece, messages = _explorer.preview(warehouse, release, catalog(release), {"group": ["ILO_AMS"]}, (), 0)
    links = [link.href for link in _explorer.download_links(piece, 1000) if link.href]
    assert "ILO_AMS" in " ".join(messages) and links and not any("group=" in href for href in links)


def test_a_download_mentions_the_english_name_order_only_when_it_is_sorted_by_area_name(client):
    def readme(query: str) -> str:
        return zipfile.ZipFile(io.BytesIO(fetch(client, query, "zip")[0])).read("README.md").decode()

    assert "English names it holds" in readme(f"{QUERY}&sort=area_name")
    plain = readme(QUERY)
    assert "ordered by indicator, iso3, year, year_end, sex, age, source, edition\n" in plain
    assert "English names" not in plain


def test_a_download_from_a_pinned_link_gives_its_query_url_once(client, explorer_release):
    def readme(query: str) -> str:
        return zipfile.ZipFile(io.BytesIO(fetch(client, query, "zip")[0])).read("README.md").decode()

    assert "Same query pinned to this release" not in readme(f"{QUERY}&release={explorer_release}")
    assert f"Same query pinned to this release: http://localhost/api/v1/observations?{QUERY}" in readme(QUERY)
