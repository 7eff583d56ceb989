"""The /api/v1 blueprint on the real app: exact rows vs DuckDB, release pinning, ETags, licence exclusion, errors."""

from __future__ import annotations

import io
import json
import re
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from cli import main
from dataproduct import params
from tests import explorer_data as xd
from tests.conftest import texts
from tests.explorer_data import expected, normalise, read_csv
from warehouse import releases as rel
from warehouse.schema import OBSERVATIONS

#: Every test here reads the synthetic explorer release (published before the app is built).
pytestmark = pytest.mark.usefixtures("explorer_release")


@pytest.fixture
def app(explorer_app, explorer_release):
    """The tests here only read: they share one app over the same synthetic release (`fresh_app` where not)."""
    return explorer_app


INJECTIONS = [
    "'; DROP TABLE observations; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "ünï©ødé ☃ 𝔘",
    "x" * 4000,
    "1 OR 1=1",
    "%00",
]

#: (API query, the same slice written as SQL by hand over the release's own Parquet files)
CASES = [
    ("", "TRUE"),
    ("indicator=syn_rate&country=AAA", "indicator = 'syn_rate' AND iso3 = 'AAA'"),
    ("group=SDG_SSA&year_from=2010&year_to=2012", "iso3 IN ('AAA', 'BBB') AND year BETWEEN 2010 AND 2012"),
    ("group=WB_LIC,WB_UMC&sex=female", "iso3 IN ('AAA', 'CCC') AND sex = 'female'"),
    (
        "country=WLD&country=SDG_SSA&nature=estimated,modelled",
        "iso3 IN ('WLD', 'SDG_SSA') AND nature IN ('estimated', 'modelled')",
    ),
    ("indicator=syn_rate,syn_count&age=5-11", "indicator IN ('syn_rate', 'syn_count') AND age = '5-11'"),
    (
        "indicator=syn_count&sex=male&year_to=2001&source=synthetic_open",
        "indicator = 'syn_count' AND sex = 'male' AND year <= 2001",
    ),
    ("country=aaa&group=SDG_LAC", "FALSE"),  # filters combine with AND
    ("source=synthetic_restricted", "FALSE"),  # licence: never downloadable
    ("indicator=syn_restricted&country=CCC", "FALSE"),
]


def all_json_rows(client, query: str) -> tuple[list[dict], int]:
    rows, url, pages = [], f"/api/v1/observations?{query}&limit=50", 0
    while url:
        body = client.get(url).get_json()
        rows += body["data"]
        url = body["links"].get("next")
        pages += 1
    return rows, pages


@pytest.mark.parametrize(("query", "where"), CASES)
def test_api_returns_exactly_the_rows_duckdb_returns(client, warehouse_root, explorer_release, query, where):
    want = expected(warehouse_root, explorer_release, where)
    csv = client.get(f"/api/v1/observations?{query}&format=csv")
    assert csv.status_code == 200 and csv.is_streamed
    assert normalise(read_csv(csv.get_data())) == want
    assert int(csv.headers["X-Total-Count"]) == len(want)
    parquet = client.get(f"/api/v1/observations?{query}&format=parquet")
    assert normalise(pd.read_parquet(io.BytesIO(parquet.get_data()))) == want
    rows, pages = all_json_rows(client, query)
    assert normalise(pd.DataFrame(rows, columns=OBSERVATIONS.names)) == want
    assert pages == max(1, -(-len(want) // 50))


def test_country_dashboard_link_with_area_returns_the_country(client):
    """The country pages link to ?area=<ISO3>&format=csv (area is accepted as a synonym of country)."""
    by_area = client.get("/api/v1/observations?area=AAA&format=csv").get_data()
    assert by_area == client.get("/api/v1/observations?country=AAA&format=csv").get_data()
    assert set(read_csv(by_area)["iso3"]) == {"AAA"}


def test_every_response_names_the_release(client, explorer_release):
    for path in (
        "/",
        "/indicators",
        "/countries",
        "/sources",
        "/releases",
        "/observations",
        "/openapi.json",
        "/docs",
        "/bulk",
    ):
        with client.get("/api/v1" + path) as response:  # closing releases the bulk file handle
            assert response.status_code == 200, path
            assert response.headers["X-Delta87-Release"] == explorer_release
            assert response.headers["ETag"].strip('"').startswith(explorer_release)


def test_etag_gives_304_until_a_new_release(client, warehouse_root, explorer_release):
    url = "/api/v1/observations?indicator=syn_rate&format=csv"
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["X-Delta87-Release"] == explorer_release
    assert client.get(url.replace("syn_rate", "syn_count"), headers={"If-None-Match": etag}).status_code == 200
    newer = xd.sample_release(warehouse_root, scale=2.0)
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["X-Delta87-Release"] == newer


def test_pinned_release_keeps_its_rows_after_a_newer_publish(client, warehouse_root, explorer_release):
    newer = xd.sample_release(warehouse_root, scale=2.0)
    assert newer != explorer_release
    current = client.get("/api/v1/observations?indicator=syn_count&country=AAA&format=csv")
    pinned = client.get(f"/api/v1/observations?indicator=syn_count&country=AAA&format=csv&release={explorer_release}")
    assert current.headers["X-Delta87-Release"] == newer and pinned.headers["X-Delta87-Release"] == explorer_release
    where = "indicator = 'syn_count' AND iso3 = 'AAA'"
    assert normalise(read_csv(pinned.get_data())) == expected(warehouse_root, explorer_release, where)
    assert normalise(read_csv(current.get_data())) == expected(warehouse_root, newer, where)
    assert normalise(read_csv(pinned.get_data())) != normalise(read_csv(current.get_data()))
    listed = client.get("/api/v1/releases").get_json()
    assert [r["id"] for r in listed["data"]] == [newer, explorer_release] and listed["current"] == newer


def test_caches_revalidate_a_pinned_answer_so_a_new_version_of_the_code_reaches_them(client, explorer_release):
    """A shared cache may keep a pinned answer, but not past a minute without asking: a pinned release's rows never
    change, its body does with the code (e.g. the licence rule), and the ETag names the code."""
    url = f"/api/v1/observations?indicator=syn_count&format=csv&release={explorer_release}"
    first = client.get(url)
    control = first.headers["Cache-Control"]
    assert "immutable" not in control and "must-revalidate" in control and "public" in control
    assert int(re.search(r"max-age=(\d+)", control).group(1)) <= 60
    held = {"If-None-Match": first.headers["ETag"]}
    again = client.get(url, headers=held)
    assert again.status_code == 304 and again.headers["Cache-Control"] == control
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DELTA87_CODE_ID", "a-later-deploy")
        assert client.get(url, headers=held).status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/observations?release=r20000101T000000Z-00000000", "/api/v1/nothing", "/api/v1/observations?x=1"]
)
def test_no_cache_keeps_an_error_answer_that_the_next_release_or_deploy_may_answer(client, explorer_release, url):
    response = client.get(url)
    assert response.status_code >= 400 and response.headers["Cache-Control"] == "no-store"


def test_unknown_release_is_a_404_listing_the_releases(client, explorer_release):
    response = client.get("/api/v1/observations?release=r20000101T000000Z-00000000")
    assert response.status_code == 404
    body = response.get_json()
    assert (
        body["error"] == "release_not_found"
        and body["parameter"] == "release"
        and body["allowed"] == [explorer_release]
    )
    assert client.get("/api/v1/indicators?release=latest").get_json()["parameter"] == "release"


OUTDATED = "r20200101T000000Z-0000abcd"


def outdated_release(warehouse_root, release_id: str) -> None:
    """A copy of `release_id` as a release published before observations had `preferred` and `comparability`
    (what `etl rollback` or `release=` may bring back), beside it on disk."""
    folder = rel.releases_dir(warehouse_root) / OUTDATED
    shutil.copytree(rel.releases_dir(warehouse_root) / release_id, folder)
    manifest = json.loads((folder / rel.MANIFEST).read_text())
    path = folder / manifest["tables"]["observations"]["file"]
    pq.write_table(pq.read_table(path).drop_columns(["preferred", "comparability"]), path)
    manifest["tables"]["observations"]["sha256"] = rel.sha256_file(path)
    (folder / rel.MANIFEST).write_text(json.dumps({**manifest, "id": OUTDATED}))


def said_outdated(body: dict) -> bool:
    """The message names the release, says an older schema built it, and gives the fix."""
    message = body["message"]
    return OUTDATED in message and "older schema" in message and "delta87 etl run" in message


@pytest.mark.parametrize("query", ["format=csv", "preferred=true", "sort=comparability&format=json"])
def test_a_pinned_release_of_an_older_schema_is_a_410_naming_it_and_the_fix(
    client, warehouse_root, explorer_release, query
):
    outdated_release(warehouse_root, explorer_release)
    response = client.get(f"/api/v1/observations?{query}&release={OUTDATED}")
    assert response.status_code == 410, response.get_data()[:300]
    body = response.get_json()
    assert body["error"] == "release_outdated" and body["allowed"] == [explorer_release] and said_outdated(body)
    assert client.get(f"/api/v1/countries?release={OUTDATED}").status_code == 410
    listed = {row["id"]: row for row in client.get("/api/v1/releases").get_json()["data"]}
    assert not listed[OUTDATED]["servable"] and said_outdated({"message": listed[OUTDATED]["problem"]})
    assert listed[explorer_release]["servable"] and listed[explorer_release]["problem"] is None


def test_the_docs_page_explains_every_error_status_the_api_document_lists(client):
    operations = client.get("/api/v1/openapi.json").get_json()["paths"].values()
    codes = {code for item in operations for code in item["get"]["responses"] if code >= "400"}
    intro = client.get("/api/v1/docs").get_data(as_text=True).split("<h2>")[0]
    assert codes and [code for code in sorted(codes) if f"{code} (" not in intro] == []


def test_a_served_release_of_an_older_schema_gives_way_to_one_that_verifies_or_a_503_naming_it(
    fresh_app, warehouse_root, explorer_release
):
    from dashboards import data  # noqa: PLC0415 - page modules import after the app registered them

    outdated_release(warehouse_root, explorer_release)
    with fresh_app.server.test_request_context("/data"):  # a /data link pinned to it shows the current release
        assert f"release {OUTDATED} was built by an older version" in texts(data.layout(release=OUTDATED))
    (warehouse_root / rel.POINTER).write_text(OUTDATED)
    client = fresh_app.server.test_client()
    served = client.get("/api/v1/observations?preferred=true")
    assert served.status_code == 200 and served.headers["X-Delta87-Release"] == explorer_release
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "degraded" and OUTDATED in ready["degraded"] and "older schema" in ready["degraded"]
    shutil.rmtree(rel.releases_dir(warehouse_root) / explorer_release)
    for path in ("/api/v1/observations?format=csv", "/api/v1/indicators"):
        refused = client.get(path)
        assert refused.status_code == 503 and said_outdated(refused.get_json()), refused.get_data()[:300]
    with fresh_app.server.test_request_context("/data"):
        assert "older schema" in texts(data.layout())  # the page says so too, with no traceback


def test_rollback_to_a_release_of_an_older_schema_is_refused_and_names_the_fix(warehouse_root, explorer_release):
    outdated_release(warehouse_root, explorer_release)
    result = CliRunner().invoke(main, ["etl", "rollback", OUTDATED])
    assert result.exit_code == 1 and "older schema" in result.output and "delta87 etl run" in result.output
    assert rel.read_pointer(warehouse_root) == explorer_release
    assert "Traceback" not in result.output
    listed = CliRunner().invoke(main, ["etl", "releases"]).output
    assert f"{OUTDATED}" in listed and "cannot be served: release r20200101T000000Z-0000abcd was built" in listed


def test_licence_restricted_source_is_excluded_and_named(client):
    response = client.get("/api/v1/observations?limit=5000")
    body = response.get_json()
    assert {row["source"] for row in body["data"]} == {xd.OPEN}
    assert [s["id"] for s in body["excluded_sources"]] == [xd.RESTRICTED]
    assert body["excluded_sources"][0]["url"] == xd.RESTRICTED_URL and body["excluded_sources"][0]["rows"] > 0
    assert xd.RESTRICTED_URL in body["licence_note"]
    assert response.headers["X-Delta87-Excluded-Sources"] == f"{xd.RESTRICTED} <{xd.RESTRICTED_URL}>"
    csv = client.get("/api/v1/observations?format=csv")
    assert xd.RESTRICTED not in read_csv(csv.get_data())["source"].tolist()
    assert csv.headers["X-Delta87-Excluded-Sources"].startswith(xd.RESTRICTED)
    # A slice that matched no restricted rows does not claim any were left out.
    clean = client.get("/api/v1/observations?indicator=syn_rate")
    assert "X-Delta87-Excluded-Sources" not in clean.headers and clean.get_json()["excluded_sources"] == []
    sources = {s["id"]: s["downloadable"] for s in client.get("/api/v1/sources").get_json()["data"]}
    assert sources == {xd.OPEN: True, xd.RESTRICTED: False}


def test_json_pages_link_to_each_other(client):
    first = client.get("/api/v1/observations?indicator=syn_count&country=AAA&limit=20").get_json()
    assert (first["total"], first["count"], first["offset"]) == (63, 20, 0)
    assert "prev" not in first["links"] and first["links"]["next"].endswith("offset=20")
    last = client.get("/api/v1/observations?indicator=syn_count&country=AAA&limit=20&offset=60").get_json()
    assert last["count"] == 3 and "next" not in last["links"] and last["links"]["prev"].endswith("offset=40")
    beyond = client.get("/api/v1/observations?indicator=syn_count&country=AAA&limit=20&offset=5000").get_json()
    assert beyond["count"] == 0 and beyond["links"]["prev"].endswith("offset=60")  # the last page with rows


def test_sort_applies_to_every_format(client):
    json_years = [
        r["year"]
        for r in client.get("/api/v1/observations?indicator=syn_count&sort=-year,iso3&limit=10").get_json()["data"]
    ]
    assert json_years == [2020] * 10
    csv = read_csv(client.get("/api/v1/observations?indicator=syn_count&sort=-year,iso3&format=csv").get_data())
    assert csv["year"].tolist() == sorted(csv["year"].tolist(), reverse=True)


def test_errors_are_json_naming_the_parameter_and_allowed_values(client):
    body = client.get("/api/v1/observations?indicator=nope").get_json()
    assert body == {
        "error": "unknown_value",
        "parameter": "indicator",
        "message": "unknown indicator 'nope' (see /api/v1/indicators)",
        "allowed": sorted(xd.INDICATORS),
    }
    assert client.get("/api/v1/observations?limit=999999").get_json()["allowed"] == "1-5000"
    assert client.get("/api/v1/countries?foo=1").get_json()["error"] == "unknown_parameter"
    twice = client.get("/api/v1/countries?lang=fr&lang=fr").get_json()  # a known value given twice is not unknown
    assert twice["parameter"] == "lang" and "given 2 times" in twice["message"]


def test_a_group_without_a_member_list_is_refused_not_answered_empty(client):
    response = client.get(
        "/api/v1/observations?group=WLD"
    )  # World: an aggregate whose members this release does not list
    body = response.get_json()
    assert response.status_code == 400 and body["parameter"] == "group"
    assert "country=WLD" in body["message"] and "WLD" not in body["allowed"] and "SDG_SSA" in body["allowed"]
    assert client.get("/api/v1/observations?country=WLD").get_json()["total"] > 0


def test_excel_row_cap_is_explained(client, monkeypatch):
    monkeypatch.setenv("DELTA87_MAX_ROWS_XLSX", "10")
    response = client.get("/api/v1/observations?indicator=syn_count&format=xlsx")
    body = response.get_json()
    assert response.status_code == 400 and body["error"] == "too_many_rows" and body["parameter"] == "format"
    assert "at most 10 rows" in body["message"] and "format=csv" in body["message"]
    assert client.get("/api/v1/observations?indicator=syn_count&format=xlsx&limit=10").status_code == 200


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_every_parameter_are_rejected(client, value):
    for name in params.OBSERVATION_PARAMS:
        response = client.get("/api/v1/observations", query_string={name: value})
        assert response.status_code == 400, (name, value)
        body = response.get_json()
        assert body["parameter"] == params.SYNONYMS.get(name, name) and len(body["message"]) < 300
        assert "<script>" not in response.get_data(as_text=True)  # echoed text is escaped even in JSON
    for path in ("/indicators", "/countries", "/sources", "/releases", "/bulk", "/openapi.json", "/docs"):
        assert client.get("/api/v1" + path, query_string={"release": value}).status_code == 400
        assert client.get("/api/v1" + path, query_string={value: "1"}).status_code == 400


def test_injection_strings_reach_the_warehouse_only_as_literals(warehouse_root, explorer_release):
    """Even past the API's validation, the warehouse binds values as parameters: they match nothing, run nothing."""
    from warehouse import ObservationFilter, Warehouse  # noqa: PLC0415

    warehouse = Warehouse(warehouse_root)
    release = warehouse.releases.current()
    total = len(warehouse.observations(release))
    for value in INJECTIONS:
        where = ObservationFilter(indicators=(value,), areas=(value,), groups=(value,), ages=(value,), sources=(value,))
        assert warehouse.observations(release, where).empty
        assert warehouse.observations(release, ObservationFilter(sexes=(value,), natures=(value,))).empty
    assert len(warehouse.observations(release)) == total == 1260  # nothing was dropped or altered


def test_unknown_paths_and_methods_answer_json(client):
    for path in ("/api/v1/../../etc/passwd", "/api/v1/..%2f..%2fetc%2fpasswd", "/api/v1/observations/"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
        assert "root:" not in missing.get_data(as_text=True)
    nothing = client.get("/api/v1/nothing/here")
    assert nothing.status_code == 404 and nothing.get_json()["error"] == "not_found"
    post = client.post("/api/v1/observations", data={"indicator": "syn_rate"})
    assert post.status_code == 405 and post.get_json()["allowed"] == ["GET"]
    preflight = client.options("/api/v1/observations")
    assert preflight.status_code == 200 and "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_catalogue_endpoints(client):
    indicators = client.get("/api/v1/indicators").get_json()
    assert sorted(i["code"] for i in indicators["data"]) == sorted(xd.INDICATORS)
    countries = client.get("/api/v1/countries").get_json()
    assert [c["iso3"] for c in countries["data"]] == list(xd.COUNTRIES)
    assert sorted(a["code"] for a in countries["aggregates"]) == sorted(xd.REGIONS)
    index = client.get("/api/v1/").get_json()
    assert index["links"]["observations"].endswith("/api/v1/observations")


def test_no_release_is_a_503_with_a_message(client, tmp_path, monkeypatch):
    monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(tmp_path / "empty"))
    response = client.get("/api/v1/observations")
    assert response.status_code == 503 and response.get_json()["error"] == "no_release"
    assert "delta87 etl run" in response.get_json()["message"]


def test_compressed_csv_still_streams_and_revalidates(client, warehouse_root, explorer_release):
    import gzip  # noqa: PLC0415

    url = "/api/v1/observations?indicator=syn_rate&format=csv"
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip" and response.is_streamed
        body = gzip.decompress(response.get_data())
        etag = response.headers["ETag"]
    assert normalise(read_csv(body)) == expected(warehouse_root, explorer_release, "indicator = 'syn_rate'")
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


# -- the real warehouse (a session-scoped run of the real ETL on ../shared/data) -----------------------------
REAL_CASES = [
    (
        "indicator=child_labour_5_17&country=NPL,IND,BGD",
        "indicator = 'child_labour_5_17' AND iso3 IN ('NPL', 'IND', 'BGD')",
    ),
    (
        "indicator=child_labour_5_17&group=WB_LIC&sex=female,male&year_from=2010",
        "indicator = 'child_labour_5_17' AND "
        + xd.members("WB_LIC")
        # a row known only by its period (SOWC 2013-2021) is in the range when its known span is
        + " AND sex IN ('female', 'male') AND coalesce(year, year_start, year_end) >= 2010",
    ),
    (
        "indicator=trafficking_victims_detected&group=SDG_LAC&age=under 18",
        "indicator = 'trafficking_victims_detected' AND " + xd.members("SDG_LAC") + " AND age = 'under 18'",
    ),
    ("country=WLD", "iso3 = 'WLD'"),
    (
        "source=unodc_glotip&nature=detected&year_to=2015",
        "source = 'unodc_glotip' AND nature = 'detected' AND year <= 2015",
    ),
    (
        "indicator=modern_slavery_prevalence_gsi2018,child_labour_5_17&country=NPL",
        "indicator = 'child_labour_5_17' AND iso3 = 'NPL'",
    ),
    ("", "TRUE"),
]


@pytest.mark.realdata
def test_real_release_group_keeps_the_members_the_publishers_files_list(real_warehouse, client, raw_dir):
    codes = pd.read_csv(raw_dir / "regions_country_codes" / "country-codes.csv", dtype=str, keep_default_na=False)
    wb = pd.read_excel(raw_dir / "worldbank" / "CLASS.xlsx", sheet_name="Groups", dtype=str)
    listed = {  # groups the filter refused before: neither region, sub-region, SDG, ILO nor income group
        "M49_014": codes.loc[codes["Intermediate Region Code"] == "14", "ISO3166-1-Alpha-3"],  # Eastern Africa
        "M49_199": codes.loc[codes["Least Developed Countries (LDC)"] == "x", "ISO3166-1-Alpha-3"],
        "WB_EUU": wb.loc[wb["GroupCode"].str.strip() == "EUU", "CountryCode"].str.strip(),  # European Union
    }
    with_data = set(read_csv(client.get("/api/v1/observations?indicator=population&format=csv").get_data())["iso3"])
    for code, members in listed.items():
        response = client.get(f"/api/v1/observations?group={code}&indicator=population&format=csv")
        assert response.status_code == 200, response.get_data()[:300]
        assert set(read_csv(response.get_data())["iso3"]) == set(members) & with_data and len(members) > 20, code
    allowed = client.get("/api/v1/observations?group=M49_515").get_json()["allowed"]  # no file lists its members
    assert {"M49_014", "M49_722", "WB_FCS", "SDG_SSA"} <= set(allowed) and not {"M49_515", "ILO_ARB"} & set(allowed)


@pytest.mark.realdata
@pytest.mark.parametrize(("query", "where"), REAL_CASES)
def test_real_release_rows_match_duckdb(real_warehouse, client, real_warehouse_dir, query, where):
    csv = client.get(f"/api/v1/observations?{query}&format=csv")
    release = csv.headers["X-Delta87-Release"]
    want = expected(real_warehouse_dir, release, where)
    assert want or query.startswith("indicator=modern")  # the cases select real rows
    assert normalise(read_csv(csv.get_data())) == want
    parquet = client.get(f"/api/v1/observations?{query}&format=parquet")
    assert normalise(pd.read_parquet(io.BytesIO(parquet.get_data()))) == want
    if len(want) <= 2000:
        body = client.get(f"/api/v1/observations?{query}&limit=2000").get_json()
        assert normalise(pd.DataFrame(body["data"], columns=OBSERVATIONS.names)) == want


@pytest.mark.realdata
def test_real_walk_free_data_is_never_downloadable(real_warehouse, client):
    sources = {s["id"]: s for s in client.get("/api/v1/sources").get_json()["data"]}
    restricted = sorted(s for s, row in sources.items() if not row["downloadable"])
    assert "walkfree_gsi" in restricted
    response = client.get("/api/v1/observations?indicator=modern_slavery_prevalence_gsi2018&format=csv")
    assert len(read_csv(response.get_data())) == 0
    assert response.headers["X-Delta87-Excluded-Sources"] == f"walkfree_gsi <{sources['walkfree_gsi']['url']}>"
    everything = read_csv(client.get("/api/v1/observations?format=csv").get_data())
    assert not set(everything["source"]) & set(restricted) and len(everything) > 50_000
    body = client.get("/api/v1/observations?indicator=vulnerability_gsi2018").get_json()
    assert (
        body["excluded_sources"][0]["publisher"].startswith("Walk Free") and body["excluded_sources"][0]["rows"] > 100
    )
