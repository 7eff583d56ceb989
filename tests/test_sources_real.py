"""The source registry against the REAL raw snapshots in DELTA87_RAW_DIR (skipped where they are absent).

Checks that every registry entry names its files with the right sha256, that the registry and
data/reference/indicators.yaml agree, that the reference and commitments readers accept the real files, and,
through the session's real warehouse, that known published values land where they should.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from etl import commitments, reference
from etl.countries import Resolver
from etl.registry import load_registry
from warehouse.schema import redistributable
from warehouse.store import ObservationFilter

pytestmark = pytest.mark.realdata
ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "data" / "registry"
REFERENCE = ROOT / "data" / "reference"


@pytest.fixture(scope="module")
def sources():
    return load_registry(REGISTRY)


def _used_indicators(sources) -> set[str]:
    codes = set()
    for source in sources:
        for dataset in source.datasets:
            codes |= {dataset.indicator} if dataset.indicator else set()
            codes |= set(dataset.indicator_map.values())
            codes |= {column.indicator for column in dataset.value_columns.values()}
    defined, _problems = reference.load_indicators(REFERENCE / "indicators.yaml")
    return codes | set(defined.loc[defined["instrument"] != "", "code"])  # the flags derived from commitments


def test_every_registry_file_matches_its_raw_snapshot(sources, raw_dir):
    wrong = []
    for source in sources:
        for raw in source.files:
            path = raw_dir / raw.path
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
            if digest != raw.sha256:
                wrong.append((source.id, raw.path, digest[:12]))
    assert wrong == []


def test_every_raw_folder_is_covered_by_the_registry(sources, raw_dir):
    folders = {p.name for p in raw_dir.iterdir() if p.is_dir()}
    covered = {Path(raw.path).parts[0] for source in sources for raw in source.files}
    assert folders == covered


def test_registry_and_indicator_definitions_agree(sources):
    defined, problems = reference.load_indicators(REFERENCE / "indicators.yaml")
    assert problems == []
    assert _used_indicators(sources) == set(defined["code"])


def test_every_handler_named_in_the_registry_exists(sources):
    for source in sources:
        for dataset in source.datasets:
            if dataset.format == "reference":
                assert dataset.handler in reference.HANDLERS, (source.id, dataset.handler)
            if dataset.format == "commitments":
                assert callable(getattr(commitments, dataset.handler or "", None)), (source.id, dataset.handler)


def test_only_sources_with_unconfirmed_licences_are_kept_out_of_downloads(sources):
    assert {s.id for s in sources if not s.redistribution} == {"walkfree_gsi", "gapminder_legal_slavery"}


def test_reference_tables_from_the_real_files(sources, raw_dir):
    ref = reference.load_reference(sources, raw_dir, REFERENCE)
    assert [str(p) for p in ref.problems] == []
    countries = ref.countries.set_index("iso3")
    assert len(countries) >= 249
    assert countries["ilo_region"].notna().sum() == 186  # every GSI 2018 country
    assert countries.loc["PRK", "ilo_region"] == "ILO_ASP"
    assert countries.loc["NGA", "sdg_region"] == "SDG_SSA" and countries.loc["NGA", "income_group"] == "WB_LMC"
    assert countries.loc["XKX", "income_group"] == "WB_UMC"
    assert sorted(countries.index[countries["pathfinder"]]) == ["ALB", "CHL", "LKA", "NPL", "PER", "UZB"]
    assert set(countries.loc[countries["pathfinder"], "pathfinder_status"]) == {"requested support (2018)"}
    used = set()
    for column in ("m49_region", "m49_subregion", "sdg_region", "ilo_region", "income_group"):
        used |= set(countries[column].dropna())
    assert used <= set(ref.regions["code"])
    assert ref.regions.set_index("code").loc["SDG_SSA", "members"] == 53


def _handler_output(sources, raw_dir, source_id):
    resolver = Resolver.from_files(raw_dir, REFERENCE)
    source = next(s for s in sources if s.id == source_id)
    dataset = next(d for d in source.datasets if d.format == "commitments")
    return getattr(commitments, dataset.handler)(raw_dir / dataset.file, dataset, source, resolver, dataset.file)


def test_real_ratifications(sources, raw_dir):
    frame, problems = _handler_output(sources, raw_dir, "ratifications")
    assert problems == []
    rows = frame.set_index(["iso3", "instrument"])
    assert not rows.index.duplicated().any()
    assert (rows.loc[("IND", "C138"), "date"], rows.loc[("IND", "C138"), "status"]) == ("2017-06-13", "ratified")
    assert rows.loc[("AFG", "C105"), "date"] == "1963-05-16"
    assert "HTI cell blank" in rows.loc[("AFG", "C029"), "note"]
    assert rows.loc[("XKX", "C029"), "status"] == "not ratified"  # Kosovo: blank iso3 in the file
    assert (frame["instrument"] == "P029").sum() == 32


def test_real_treaty_collection_and_ilab(sources, raw_dir):
    untc, problems = _handler_output(sources, raw_dir, "un_treaty_crc_opsc")
    assert problems == [] and len(untc) == 197
    afg = untc.set_index("iso3").loc["AFG"]
    assert (afg["status"], afg["date"], afg["as_of"]) == ("accession", "2002-09-19", "2020-08-28")
    ilab, problems = _handler_output(sources, raw_dir, "usdol_ilab")
    assert problems == []
    assert ilab.set_index(["iso3", "instrument"]).loc[("MMR", "C138"), "as_of"] == "2016"  # "Burma"


# ----------------------------------------------------------------------------- through the real ETL run


def _values(warehouse, indicator: str, iso3: str, **where) -> pd.DataFrame:
    where_ = ObservationFilter(indicators=(indicator,), areas=(iso3,))
    frame = warehouse.observations(warehouse.releases.current(), where_)
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame


def test_known_published_values_land(real_warehouse, raw_dir):
    gsi = _values(real_warehouse, "modern_slavery_prevalence_gsi2018", "PRK")
    assert gsi["year"].tolist() == [2016] and gsi["value"].round(2).tolist() == [104.56]
    # OWID and the WDI series copy both publish it: two sources, kept apart (never merged into one row)
    afg = _values(real_warehouse, "children_in_employment_7_14", "AFG", year=2011)
    assert dict(zip(afg["source"], afg["value"], strict=True)) == {"owid": 9.3, "worldbank_wdi_series": 9.3}
    population = pd.read_csv(raw_dir / "worldbank" / "population.csv")
    expected = population[(population["Country Code"] == "AFG") & (population["Year"] == 2020)]["Value"].iloc[0]
    got = _values(real_warehouse, "population", "AFG", year=2020, source="worldbank")["value"].tolist()
    assert got == [float(expected)]
    # ILAB gives the report year, not the survey year: the value carries no year, only the report (year_end).
    working = _values(real_warehouse, "working_children_ilab", "AFG", year_end=2016)
    assert working["value"].round(3).tolist() == [7.5]  # published as the fraction 0.075
    assert working["year"].isna().all() and working["period"].tolist() == [
        "ILAB report 2016; survey year not published"
    ]


def test_release_has_enough_countries_and_indicators(real_warehouse, real_release):
    counts = real_release.manifest["counts"]
    assert counts["countries_with_data"] >= 190
    assert counts["indicators_with_data"] >= 25
    themes = set(real_warehouse.indicators(real_release).query("observations > 0")["theme"])
    assert {"child-labour", "forced-labour", "trafficking", "commitments", "context"} <= themes


def test_walk_free_figures_are_marked_not_redistributable(real_warehouse, real_release):
    sources = real_warehouse.sources(real_release).set_index("id")
    assert not sources.loc["walkfree_gsi", "redistribution"]
    licensed = tuple(s for s, row in sources.iterrows() if redistributable(row))
    kept = real_warehouse.observations(
        real_release, ObservationFilter(indicators=("modern_slavery_prevalence_gsi2018",), licensed=licensed)
    )
    assert kept.empty


def test_every_observation_area_is_a_country_or_a_region(real_warehouse, real_release):
    areas = set(real_warehouse.query(real_release, "SELECT DISTINCT iso3 FROM {observations}")["iso3"])
    known = set(real_warehouse.countries(real_release)["iso3"]) | set(real_warehouse.regions(real_release)["code"])
    assert areas - known == set()
    assert {"WLD", "SDG_SSA", "ILO_AFR", "WB_LIC", "M49_002"} <= areas
