"""A small SYNTHETIC release for the learning-space tests, published through the real publish step.

All values are made up (tests/factories.py labels them "synthetic"); the country names are real only so that
search can be tested on real spellings ("Viet Nam" / "Vietnam").
"""

from __future__ import annotations

from pathlib import Path

from tests import factories as f

REGIONS = [
    {"code": "WLD", "name": "World", "grouping": "world", "members": 3},
    {"code": "ILO_AFR", "name": "Africa (ILO)", "grouping": "ilo", "members": 1},
    {"code": "ILO_ASP", "name": "Asia and the Pacific (ILO)", "grouping": "ilo", "members": 2},
]
COUNTRIES = [
    f.country("VNM", "Viet Nam", iso2="VN", aliases="Viet Nam|Vietnam", ilo_region="ILO_ASP"),
    f.country("CIV", "Côte d'Ivoire", iso2="CI", aliases="Côte d'Ivoire|Ivory Coast"),
    f.country("NPL", "Nepal", iso2="NP", ilo_region="ILO_ASP"),
]
INDICATORS = [
    f.indicator("child_labour_number", name="Children in child labour (synthetic)", unit="million",
                explainer="global-estimates", nature="estimated"),
    f.indicator("child_labour_5_17", name="Child labour rate (synthetic)", sdg_indicator="8.7.1",
                explainer="measuring-child-labour"),
    f.indicator("modern_slavery_per_1000", name="Modern slavery per 1,000 (synthetic)", unit="per 1,000",
                explainer="global-estimates"),
    f.indicator("hazardous_work_number", name="Children in hazardous work (synthetic, no rows)", unit="million",
                explainer="global-estimates"),
    f.indicator("ratified_c182", name="Ratified C182 (synthetic)", unit="flag", decimals=0,
                explainer="ilo-conventions-and-ratification"),
]  # fmt: skip


def observations():
    rows = [
        {"indicator": "child_labour_number", "iso3": "WLD", "year": y, "value": v, "unit": "million"}
        for y, v in ((2000, 30.0), (2008, 25.0), (2016, 20.0), (2020, 21.0))
    ]
    rows += [
        {"indicator": "child_labour_5_17", "iso3": iso3, "year": y, "value": v}
        for iso3, y, v in (("VNM", 2014, 5.0), ("CIV", 2016, 12.0), ("NPL", 2019, 8.0), ("NPL", 2014, 9.0))
    ]
    rows += [
        {"indicator": "modern_slavery_per_1000", "iso3": area, "year": y, "value": v, "unit": "per 1,000", "age": "all ages"}
        for area, y, v in (("ILO_AFR", 2016, 1.0), ("ILO_AFR", 2021, 1.5), ("ILO_ASP", 2016, 2.0), ("ILO_ASP", 2021, 2.5))
    ]  # fmt: skip
    rows += [
        {"indicator": "ratified_c182", "iso3": iso3, "year": 2013, "value": v, "unit": "flag", "age": "all ages"}
        for iso3, v in (("VNM", 1.0), ("CIV", 1.0), ("NPL", 0.0))
    ]
    return f.observations(rows)


def publish(warehouse_dir: Path, extra_countries: list[dict] | None = None) -> str:
    """Publish the synthetic release into `warehouse_dir` and return its id."""
    return f.make_release(
        warehouse_dir,
        observations(),
        indicators=INDICATORS,
        countries=COUNTRIES + (extra_countries or []),
        regions=REGIONS,
    )
