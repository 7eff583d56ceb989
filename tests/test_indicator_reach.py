"""Every indicator of the real release reaches users: a definition, a theme page, search (by its code), the API's
indicator list, the explorer's choices, and the downloads when its sources may be redistributed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dashboards import _explorer, _search
from dataproduct.params import catalog

pytestmark = pytest.mark.realdata
REPO_ROOT = Path(__file__).resolve().parents[1]

#: Denominators and economic size, shown in the country page's risk context; no action-group theme is about them.
WITHOUT_THEME = {"population", "population_under18", "population_under5", "gdp_usd", "gdp_per_capita_ppp"}
#: The indicators issue 13 added: each must be in the release with data.
NEW = {"child_labour_ilostat", "child_labour_sdg_b871", "child_labour_sdg_0871", "children_in_employment_7_14",
       "birth_registration_u5", "social_protection_aspire", "tip_tier", "ratified_crc_opac", "ratified_icmw",
       "ratified_crc", "legal_slavery_status"}  # fmt: skip


@pytest.fixture
def with_data(real_warehouse, real_release):
    table = real_warehouse.indicators(real_release)
    return table[table["observations"] > 0].set_index("code")


def test_every_indicator_with_data_has_a_definition_and_a_theme_page(with_data):
    assert NEW <= set(with_data.index)
    assert (with_data["definition"].fillna("").str.len() > 20).all()
    themes = yaml.safe_load((REPO_ROOT / "content" / "themes.yaml").read_text(encoding="utf-8"))
    listed = {code for theme in themes for code in theme.get("indicators", [])}
    missing = set(with_data.index) - listed - WITHOUT_THEME
    assert not missing, f"in no content/themes.yaml `indicators` list: {sorted(missing)}"


def test_every_indicator_with_data_is_found_by_search_api_and_explorer(real_warehouse, real_release, client, with_data):
    listed = {row["code"] for row in client.get("/api/v1/indicators").get_json()["data"]}
    assert set(with_data.index) <= listed
    cat = catalog(real_release)
    choices = {o["value"] for o in _explorer.options(cat, real_release)["indicator"]}
    assert set(with_data.index) <= choices
    for code in NEW:
        hits = _search.search(code).groups.get("indicator", [])
        assert f"/indicator/{code}" in [h.href for h in hits], code


def test_redistributable_new_indicators_are_in_the_bulk_download(real_release, client, with_data):
    sources = {row["id"]: row for row in client.get("/api/v1/sources").get_json()["data"]}
    with client.get("/api/v1/bulk") as response:
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    in_bulk = set(pd.read_parquet(io.BytesIO(archive.read("observations.parquet")))["indicator"])
    for code in NEW:
        owners = [s.strip() for s in str(with_data.loc[code, "sources"]).split(",")]
        allowed = any(sources[s]["downloadable"] for s in owners)
        assert (code in in_bulk) == allowed, (code, owners)
