"""options.value_map: coded values (the TIP tier index, Gapminder's legal-status words) read into published
numbers; an unmapped code refuses the run with a message naming it; indicators of unit `category` label them."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import reference
from etl.countries import Resolver
from etl.preview import check_file
from etl.registry import load_source

FORMATS = Path(__file__).parent / "fixtures" / "formats"
REPO = Path(__file__).resolve().parents[1]
TIERS = {"1": 1, "2": 2, "3": 2.5, "4": 3, "NA": None}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_files(FORMATS / "raw", FORMATS / "reference")


def coded_file(tmp_path: Path, *tiers: str) -> Path:
    path = tmp_path / "tiers.csv"
    lines = [
        "iso,year,tier",
        *(f"{iso},2014,{tier}" for iso, tier in zip(("AFG", "ALB", "BOL", "FRA"), tiers, strict=False)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(path: Path, resolver: Resolver, value_map: dict):
    columns = {"area": "iso", "year": "year", "value": "tier"}
    return check_file(path, "tidy", unit="category", resolver=resolver, columns=columns, indicator="tip_tier",
                      area_kind="iso3", options={"value_map": value_map})  # fmt: skip


def test_codes_become_the_mapped_numbers_and_null_means_no_value(tmp_path, resolver):
    obs, problems = check(coded_file(tmp_path, "1", "3", "NA", "4"), resolver, TIERS)
    assert [p for p in problems if p.severity == "error"] == []
    assert dict(zip(obs["iso3"], obs["value"], strict=True)) == {"AFG": 1.0, "ALB": 2.5, "FRA": 3.0}


def test_a_code_missing_from_the_map_is_an_error_naming_the_code_and_the_fix(tmp_path, resolver):
    obs, problems = check(coded_file(tmp_path, "1", "5", "5", "2"), resolver, TIERS)
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, errors
    text = str(errors[0])
    assert "'5'" in text and "2 row(s)" in text and "options.value_map" in text and "null" in text
    assert errors[0].row is not None


def test_value_map_values_must_be_numbers_or_null(tmp_path, resolver):
    _obs, problems = check(coded_file(tmp_path, "1"), resolver, {"1": "Tier 1"})
    assert problems and "value_map" in str(problems[0])


def test_category_indicators_need_value_labels_and_store_them_in_numeric_order(tmp_path):
    base = {"code": "x_tier", "name": "X", "short_name": "X", "theme": "trafficking", "definition": "d",
            "nature": "reported"}  # fmt: skip
    with pytest.raises(ValueError, match="value_labels"):
        reference.IndicatorEntry.model_validate({**base, "unit": "category"})
    with pytest.raises(ValueError, match="value_labels"):
        reference.IndicatorEntry.model_validate({**base, "unit": "score", "value_labels": {1: "a"}})
    assert reference.labels_text({"2.5": "Watch", "10": "b", "1": "a"}) == '{"1": "a", "2.5": "Watch", "10": "b"}'


def test_every_code_of_the_real_entries_has_a_label_on_its_indicator():
    defined, problems = reference.load_indicators(REPO / "data" / "reference" / "indicators.yaml")
    assert problems == []
    labels = dict(zip(defined["code"], defined["value_labels"], strict=True))
    for source_id in ("tip_report_tiers", "gapminder_legal_slavery"):
        source = load_source(REPO / "data" / "registry" / f"{source_id}.yaml")
        for dataset in source.datasets:
            numbers = {f"{v:g}" for v in dataset.options.value_map.values() if v is not None}
            assert numbers == set(reference.json.loads(labels[dataset.indicator])), dataset.indicator
