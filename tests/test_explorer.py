"""The /data explorer: URL <-> filters, preview pages, and download links that return exactly the previewed slice."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from dash import html

from tests import explorer_data as xd
from tests import factories as f
from tests.conftest import find, texts
from tests.explorer_data import expected, normalise, read_csv

#: Every test here reads the synthetic explorer release (published before the app is built).
pytestmark = pytest.mark.usefixtures("explorer_release")


@pytest.fixture
def app(explorer_app, explorer_release):
    """The tests here only read: they share one app over the same synthetic release (`fresh_app` where not)."""
    return explorer_app


EMPTY = {
    "indicator": [],
    "country": [],
    "group": [],
    "sex": [],
    "age": [],
    "source": [],
    "nature": [],
    "year_from": None,
    "year_to": None,
    "preferred": "",
}

#: (control values as the browser sends them, the same slice as SQL over the release's Parquet)
CASES = [
    ({}, "TRUE"),
    ({"indicator": ["syn_rate"], "country": ["AAA"]}, "indicator = 'syn_rate' AND iso3 = 'AAA'"),
    (
        {"group": ["SDG_SSA"], "year_from": 2010, "year_to": 2012},
        "iso3 IN ('AAA', 'BBB') AND year BETWEEN 2010 AND 2012",
    ),
    ({"group": ["WB_LIC", "WB_UMC"], "sex": ["female"]}, "iso3 IN ('AAA', 'CCC') AND sex = 'female'"),
    (
        {"country": ["WLD", "SDG_SSA"], "nature": ["estimated", "modelled"]},
        "iso3 IN ('WLD', 'SDG_SSA') AND nature IN ('estimated', 'modelled')",
    ),
    (
        {"indicator": ["syn_rate", "syn_count"], "age": ["5-11"]},
        "indicator IN ('syn_rate', 'syn_count') AND age = '5-11'",
    ),
    ({"indicator": ["syn_restricted"]}, "FALSE"),
]


def results(filters: dict, page: int = 0, sort_by=None) -> dict:
    from dashboards import data  # noqa: PLC0415 - page modules import after the app registered them

    return data.results({**EMPTY, **filters}, page, sort_by or [], {"id": "ignored", "pinned": False})


def href(out: dict, fmt: str) -> str:
    return next(link.href for link in out["downloads"] if link.id == f"data-download-{fmt}")


@pytest.mark.parametrize(("filters", "where"), CASES)
def test_download_link_returns_exactly_the_previewed_slice(client, warehouse_root, explorer_release, filters, where):
    want = expected(warehouse_root, explorer_release, where)
    out = results(filters)
    assert out["count"][0].children == f"{len(want):,}"  # the live row count
    assert out["page_count"] == max(1, -(-len(want) // 25)) and len(out["data"]) == min(25, len(want))
    for fmt in ("csv", "parquet"):
        with client.get(href(out, fmt)) as response:
            assert response.status_code == 200 and response.headers["X-Delta87-Release"] == explorer_release
            body = response.get_data()
        rows = read_csv(body) if fmt == "csv" else pd.read_parquet(io.BytesIO(body))
        assert normalise(rows) == want


def test_preview_pages_follow_the_sort_and_match_the_api(client):
    sort_by = [{"column_id": "value", "direction": "desc"}, {"column_id": "iso3", "direction": "asc"}]
    out = results({"indicator": ["syn_count"]}, page=2, sort_by=sort_by)
    assert out["page_current"] == 2 and "sort=-value,iso3" in out["search"]
    api = client.get("/api/v1/observations?indicator=syn_count&sort=-value,iso3&limit=25&offset=50").get_json()["data"]
    assert [(r["iso3"], r["year"], r["sex"], r["value"]) for r in out["data"]] == [
        (r["iso3"], r["year"], r["sex"], r["value"]) for r in api
    ]


def test_url_query_restores_the_controls(client, explorer_release):
    from dashboards import data  # noqa: PLC0415

    page = data.layout(indicator="syn_rate,bogus", country="aaa", year_from="2010", sex="female", sort="-year", utm="x")
    assert find(page, "data-indicator").value == ["syn_rate"]
    assert find(page, "data-country").value == ["AAA"]
    assert find(page, "data-year-from").value == 2010 and find(page, "data-year-to").value is None
    assert find(page, "data-sex").value == ["female"]
    assert find(page, "data-table").sort_by == [{"column_id": "year", "direction": "desc"}]
    notice = str(find(page, "data-url-notice").children)
    assert "unknown indicator 'bogus'" in notice and "'utm'" in notice
    assert find(page, "sources") is not None  # the footer links to /data#sources


def test_search_round_trips_through_the_layout(explorer_release):
    from dashboards import data  # noqa: PLC0415

    out = results({"indicator": ["syn_rate"], "group": ["WB_LIC"], "year_to": 2015})
    query = dict(part.split("=") for part in out["search"].lstrip("?").split("&"))
    assert query == {"indicator": "syn_rate", "group": "WB_LIC", "year_to": "2015"}
    page = data.layout(**query)
    assert find(page, "data-group").value == ["WB_LIC"] and find(page, "data-year-to").value == 2015


def test_a_link_in_another_language_restores_the_filters_without_a_warning(explorer_release):
    from dashboards import data  # noqa: PLC0415

    page = data.layout(indicator="syn_rate", sex="female", lang="fr")  # the URL a French page writes
    assert find(page, "data-indicator").value == ["syn_rate"] and find(page, "data-sex").value == ["female"]
    assert find(page, "data-url-notice").children is None


BY_NAME = [{"column_id": "area_name", "direction": "asc"}]
#: One row per area: syn_count, all sexes together, 2020 (AAA, BBB, CCC, WLD and SDG_SSA).
ONE_PER_AREA = {"indicator": ["syn_count"], "sex": ["total"], "year_from": 2020}


def test_preview_names_each_area_and_sorts_by_name_like_the_download(client):
    out = results(ONE_PER_AREA, sort_by=BY_NAME)
    shown = [row["area_name"] for row in out["data"]]
    assert shown == [
        "Aland Synthetica",
        "Bora Synthetica",
        "Côte Synthétique",
        "Sub-Saharan Africa (synthetic)",
        "World",
    ]
    assert "sort=area_name" in out["search"] and "sort=area_name" in href(out, "csv")
    with client.get(href(out, "csv")) as response:
        assert list(read_csv(response.get_data())["area_name"]) == shown


def test_a_french_preview_names_areas_in_french_and_sorts_them_as_a_french_reader_would(app):
    from dataproduct.labels import sort_key  # noqa: PLC0415

    with app.server.test_request_context("/data?lang=fr"):
        shown = [row["area_name"] for row in results(ONE_PER_AREA, sort_by=BY_NAME)["data"]]
    assert "Monde" in shown and "World" not in shown
    assert shown == sorted(shown, key=lambda name: sort_key(pd.Series([name]))[0])


def test_a_french_preview_has_french_headings_and_words_and_says_downloads_sort_by_english_names(app):
    from dashboards import data  # noqa: PLC0415

    with app.server.test_request_context("/data?lang=fr"):
        headings = {c["id"]: c["name"] for c in find(data.layout(), "data-table").columns}
        out = results({"indicator": ["syn_count"], "nature": ["measured"]}, sort_by=BY_NAME)
    assert headings["area_name"] == "Pays ou zone" and headings["value"] == "Valeur"
    assert {row["nature"] for row in out["data"]} == {"mesurée"} and {row["censored"] for row in out["data"]} == {
        "oui",
        "non",
    }
    assert "noms anglais" in texts(find(html.Div(out["downloads"]), "data-download-order"))
    assert find(html.Div(results(ONE_PER_AREA, sort_by=BY_NAME)["downloads"]), "data-download-order") is None


def test_the_preview_gives_units_in_words_in_the_readers_language_and_downloads_keep_the_codes(app, client):
    with app.server.test_request_context("/data?lang=fr"):
        out, rates = results({"indicator": ["syn_count"]}), results({"indicator": ["syn_rate"]})
    assert {row["unit"] for row in out["data"]} == {"nombre"} and {row["unit"] for row in rates["data"]} == {"%"}
    with client.get(href(out, "csv")) as response:
        assert set(read_csv(response.get_data())["unit"]) == {"count"}


def test_a_french_page_words_a_links_bad_values_in_french_and_echoes_them(app):
    from dashboards import data  # noqa: PLC0415

    with app.server.test_request_context("/data?lang=fr"):
        page = data.layout(country="ZZZ", year_from="1800", preferred="maybe", lang="fr")
    notice = texts(find(page, "data-url-notice"))
    assert "valeur inconnue pour country\u00a0: 'ZZZ'" in notice and "'1800'" in notice and "'maybe'" in notice
    assert "unknown" not in notice and " must be " not in notice


def test_the_headline_rows_filter_survives_a_shared_link_and_reaches_the_downloads(
    client, warehouse_root, explorer_release
):
    from dashboards import data  # noqa: PLC0415

    page = data.layout(indicator="syn_rate", preferred="true")
    assert find(page, "data-preferred").value == "true" and find(page, "data-url-notice").children is None
    out = results({"indicator": ["syn_rate"], "preferred": "true"})
    assert out["search"] == "?indicator=syn_rate&preferred=true"
    want = expected(warehouse_root, explorer_release, "indicator = 'syn_rate' AND preferred")
    assert 0 < len(want) < len(expected(warehouse_root, explorer_release, "indicator = 'syn_rate'"))
    assert out["count"][0].children == f"{len(want):,}"
    with client.get(href(out, "csv")) as response:
        assert normalise(read_csv(response.get_data())) == want


def test_a_shared_link_opens_the_preview_page_it_names(client):
    from dashboards import data  # noqa: PLC0415

    out = results({"indicator": ["syn_count"]}, page=2)
    assert out["search"] == "?indicator=syn_count&page=3"
    assert find(data.layout(indicator="syn_count", page="3"), "data-table").page_current == 2
    first_call = _callback(client, {"data-indicator.value": ["syn_count"], "data-table.page_current": 2}, [])
    assert first_call["data-table"]["page_current"] == 2  # the page load keeps it; a filter change goes to page 1
    changed = _callback(
        client, {"data-indicator.value": ["syn_count"], "data-table.page_current": 2}, ["data-indicator.value"]
    )
    assert changed["data-table"]["page_current"] == 0
    bad = data.layout(indicator="syn_count", page="0")
    assert find(bad, "data-table").page_current == 0 and "page" in str(find(bad, "data-url-notice").children)


def _callback(client, values: dict, changed: list[str]) -> dict:
    """The /data callback's answer through Dash's endpoint, for these input values (others empty)."""
    spec = next(d for d in client.get("/_dash-dependencies").get_json() if "data-table.data" in d["output"])
    outputs = [
        dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
        for part in spec["output"].strip(".").split("...")
    ]
    inputs = [
        {**i, "value": values.get(f"{i['id']}.{i['property']}", [] if i["property"] != "page_current" else 0)}
        for i in spec["inputs"]
    ]
    state = [{"id": "data-release", "property": "data", "value": {"id": "x", "pinned": False}}]
    payload = {"output": spec["output"], "outputs": outputs, "inputs": inputs, "changedPropIds": changed}
    response = client.post("/_dash-update-component", json={**payload, "state": state})
    assert response.status_code == 200, response.get_data()[:500]
    return response.get_json()["response"]


def test_the_group_filter_offers_only_groups_with_member_countries(explorer_release):
    from dashboards import _explorer  # noqa: PLC0415
    from dataproduct.params import catalog  # noqa: PLC0415
    from warehouse import get_warehouse  # noqa: PLC0415

    release = get_warehouse().releases.current()
    options = _explorer.options(catalog(release), release)
    assert "WLD" not in {o["value"] for o in options["group"]}  # World: an aggregate, no member list
    assert {"WLD", "SDG_SSA", "AAA"} <= {o["value"] for o in options["country"]}


def test_the_year_fields_suggest_only_years_that_downloads_hold(client, warehouse_root):
    """A source that may not be redistributed (its rows on pages only) does not widen the years /data suggests."""
    from dashboards import data  # noqa: PLC0415

    rows = [
        {"indicator": "syn_rate", "iso3": "AAA", "year": year, "value": 1.0, "source": source}
        for year, source in ((1850, xd.RESTRICTED), (1990, xd.OPEN), (2012, xd.OPEN), (2019, xd.RESTRICTED))
    ]
    sources = [f.source(xd.OPEN), f.source(xd.RESTRICTED, redistribution=False)]
    f.make_release(warehouse_root, f.observations(rows), sources=sources, countries=[f.country("AAA", "Aland")])
    page = data.layout()
    fields = [find(page, f"data-year-{end}") for end in ("from", "to")]
    assert [(field.placeholder, field.min, field.max) for field in fields] == [
        ("1990", 1990, 2012),
        ("2012", 1990, 2012),
    ]
    csv = read_csv(client.get("/api/v1/observations?format=csv").get_data())
    assert (csv["year"].min(), csv["year"].max()) == (1990, 2012)


def test_forged_callback_values_are_dropped_and_named(client):
    forged = {
        "indicator": ["'; DROP TABLE observations; --", "syn_rate"],
        "year_from": "20x0",
        "sex": "female",
        "age": [{"x": 1}],
    }
    out = results(forged, page=0, sort_by=[{"column_id": "password"}])
    clean = results({"indicator": ["syn_rate"], "sex": ["female"]})
    assert out["count"][0].children == clean["count"][0].children and out["data"] == clean["data"]
    notice = str(out["notice"].children)
    assert "unknown indicator" in notice and "year_from" in notice
    assert out["page_current"] == 0 and "DROP" not in out["search"]


def test_licence_exclusion_is_explained_with_the_publisher_link(client):
    out = results({"indicator": ["syn_rate", "syn_restricted"]})
    text = " ".join(str(part) for part in out["count"])
    assert "Restricted Publisher (synthetic)" in text and xd.RESTRICTED_URL in text
    assert {row["source"] for row in out["data"]} == {xd.OPEN}


def test_excel_link_is_disabled_over_the_row_cap(client, monkeypatch):
    monkeypatch.setenv("DELTA87_MAX_ROWS_XLSX", "10")
    link = next(a for a in results({"indicator": ["syn_count"]})["downloads"] if a.id == "data-download-xlsx")
    assert link.href is None and "disabled" in link.className and "10" in link.title


def test_forged_values_sent_to_the_dash_callback_endpoint_are_dropped_or_refused_by_name(client):
    spec = next(d for d in client.get("/_dash-dependencies").get_json() if "data-table.data" in d["output"])
    outputs = [
        dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
        for part in spec["output"].strip(".").split("...")
    ]
    inputs = [{"id": i["id"], "property": i["property"], "value": "<script>x</script>"} for i in spec["inputs"]]
    inputs = [{**i, "value": 0} if i["property"] == "page_current" else i for i in inputs]
    inputs = [{**i, "value": []} if i["property"] == "sort_by" else i for i in inputs]
    state = [{"id": "data-release", "property": "data", "value": {"id": "junk", "pinned": False}}]
    payload = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": ["data-indicator.value"],
        "state": state,
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data()[:500]
    body = response.get_json()["response"]
    assert "<script>x</script>" not in body["data-search"]["data"]
    payload["state"] = [{"id": "data-release", "property": "data", "value": "junk"}]
    refused = client.post("/_dash-update-component", json=payload)
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "data-release"


@pytest.mark.realdata
def test_real_release_explorer_download_matches_duckdb(real_warehouse, client, real_warehouse_dir):
    from dashboards import data  # noqa: PLC0415

    page = data.layout(indicator="child_labour_5_17", group="SDG_SSA", year_from="2010")
    labels = {o["value"]: o["label"] for o in find(page, "data-indicator").options}
    assert labels["modern_slavery_prevalence_gsi2018"].endswith("not downloadable (licence)")
    assert "not downloadable" not in labels["child_labour_5_17"]
    out = results({"indicator": ["child_labour_5_17"], "group": ["SDG_SSA"], "year_from": 2010})
    release = find(page, "data-release").data["id"]
    want = expected(
        real_warehouse_dir,
        release,
        "indicator = 'child_labour_5_17' AND coalesce(year, year_start, year_end) >= 2010 AND " + xd.members("SDG_SSA"),
    )
    assert len(want) > 20 and out["count"][0].children == f"{len(want):,}"
    with client.get(href(out, "csv")) as response:
        assert normalise(read_csv(response.get_data())) == want
