"""Search: countries by name and alias, indicators by name, code and SDG code, themes, explainers, glossary."""

from __future__ import annotations

import importlib

import pytest
from dash import dcc

from dashboards import _search
from tests import factories, learn_release


@pytest.fixture(autouse=True)
def published(learn_published) -> str:
    """Every test here searches the synthetic learning-space release (published before the app is built)."""
    return learn_published


@pytest.fixture
def app(learn_app, published):
    """The tests here only read: they share one app over the same synthetic release."""
    return learn_app


def find(app, query: str) -> _search.Results:
    with app.server.test_request_context("/"):
        return _search.search(query)


def hrefs(results: _search.Results, kind: str) -> list[str]:
    return [hit.href for hit in results.groups.get(kind, [])]


@pytest.mark.parametrize("query", ["Viet Nam", "Vietnam", "viet  nam", "VIETNAM", "vnm", "VN"])
def test_a_country_is_found_by_name_alias_and_code(app, query):
    results = find(app, query)
    assert hrefs(results, "country")[0] == "/country/VNM"
    assert results.groups["country"][0].score == 100


def test_accents_and_apostrophes_do_not_matter(app):
    assert hrefs(find(app, "cote d'ivoire"), "country") == ["/country/CIV"]
    assert hrefs(find(app, "Ivory Coast"), "country") == ["/country/CIV"]


def test_an_indicator_is_found_by_sdg_code_name_and_code(app):
    by_sdg = find(app, "8.7.1")
    assert hrefs(by_sdg, "indicator") == ["/indicator/child_labour_5_17"]
    assert "/learn/sdg-target-8-7" in hrefs(by_sdg, "explainer")  # its body discusses 8.7.1
    assert hrefs(find(app, "child_labour_number"), "indicator")[0] == "/indicator/child_labour_number"
    assert "/indicator/child_labour_5_17" in hrefs(find(app, "child labour rate"), "indicator")


def test_an_explainer_is_found_by_a_word_only_in_its_body(app):
    results = find(app, "Tonga")  # named only in the body of one explainer, in no title or summary
    assert hrefs(results, "explainer") == ["/learn/child-labour-definitions"]
    assert "Tonga" in results.groups["explainer"][0].snippet


def test_glossary_terms_and_themes_are_found(app):
    assert hrefs(find(app, "debt bondage"), "glossary")[0] == "/learn/glossary#debt-bondage"
    assert hrefs(find(app, "MSE"), "glossary") == ["/learn/glossary#multiple-systems-estimation"]
    assert hrefs(find(app, "supply chains"), "theme")[0] == "/theme/supply-chains"


def test_results_come_grouped_in_a_fixed_order_and_short_queries_find_nothing(app):
    results = find(app, "trafficking")
    assert list(results.groups) == [k for k in _search.KINDS if k in results.groups]
    assert {"explainer", "glossary", "theme"} <= set(results.groups)
    assert find(app, "a").total == 0 and find(app, "  ").total == 0


def test_a_new_release_is_searched_without_a_restart(app, warehouse_root):
    assert find(app, "Atlantis").total == 0
    extra = [factories.country("ATL", "Atlantis (synthetic)", iso2="AT")]
    learn_release.publish(warehouse_root, extra_countries=extra)
    assert hrefs(find(app, "Atlantis"), "country") == ["/country/ATL"]


def test_without_a_release_indicators_come_from_the_reference_list(app, tmp_path, monkeypatch):
    monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(tmp_path / "empty"))
    results = find(app, "8.7.1")
    assert {"/indicator/child_labour_5_17", "/indicator/child_labour_econ"} <= set(hrefs(results, "indicator"))
    assert "country" not in results.groups
    assert any("Countries become searchable" in note for note in results.notes)


def test_search_page_groups_results_by_kind(app):
    page = importlib.import_module("dashboards.search")
    with app.server.test_request_context("/"):
        tree = page.layout(q="viet nam")
    sections = {tree.id} | {c.id for c in tree._traverse() if str(getattr(c, "id", "")).startswith("search-")}
    assert {"search-page", "search-input", "search-count", "search-country"} <= sections
    links = [c.href for c in tree._traverse() if isinstance(c, dcc.Link)]
    assert links[0] == "/country/VNM"
    assert app.server.test_client().get("/search?q=8.7.1").status_code == 200


@pytest.mark.realdata
def test_real_release_finds_viet_nam_both_ways_and_8_7_1(real_warehouse, app):
    for query in ("Viet Nam", "Vietnam"):
        assert hrefs(find(app, query), "country")[0] == "/country/VNM"
    assert "/indicator/child_labour_5_17" in hrefs(find(app, "8.7.1"), "indicator")


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ["%", "yes / no"]), ("fr", ["%", "oui / non"]), ("es", ["%", "sí / no"])]
)
def test_an_indicator_result_words_its_unit_as_the_indicator_pages_do(app, lang, words):
    shown = []
    for query in ("child_labour_5_17", "ratified_c182"):
        with app.server.test_request_context(f"/?lang={lang}"):
            hit = _search.search(query).groups["indicator"][0]
        shown.append(hit.snippet.split(" · ")[-2])  # "SDG 8.7.1 · % · child_labour_5_17"
    assert shown == words  # never the unit's id ("percent", "flag")
