"""A small SYNTHETIC release for the progress views (delta view, coverage matrix, brief): made-up values only.

Three made-up countries (AAA, BBB, CCC), a world series for the fan chart, SDG 8.7 and context indicators,
commitments, and the progress table computed by the real engine; published through the real publish step.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.progress import compute_progress
from tests import factories

REFERENCE_YEAR = 2026  # the synthetic release's build year is "now"; tests use fixed years relative to it
CHILD_LABOUR, SLAVERY = {"target_value": 0.0, "target_year": 2025}, {"target_value": 0.0, "target_year": 2030}


def _indicators() -> pd.DataFrame:
    def ind(code, unit, theme="child-labour", nature="measured", short=None, **target):
        return factories.indicator(code, unit=unit, theme=theme, nature=nature, short_name=short or code, **target)

    return pd.DataFrame(
        [
            # A target not yet passed in REFERENCE_YEAR, so the brief has a required pace to show.
            ind(
                "child_labour_5_17",
                "percent",
                short="Child labour 5-17 (synthetic)",
                target_value=0.0,
                target_year=2030,
            ),
            # the targets data/reference/indicators.yaml gives these indicators
            ind("child_labour_number", "count", short="Child labour number (synthetic)", **CHILD_LABOUR),
            ind(
                "modern_slavery_prevalence_gsi2018",
                "per-1000",
                "forced-labour",
                "modelled",
                "GSI 2018 (synthetic)",
                **SLAVERY,
            ),  # fmt: skip
            ind("trafficking_victims_detected", "count", "trafficking", "detected", "Detected victims (synthetic)"),
            ind("ratified_c138", "flag", "commitments", "reported"),
            ind("population", "count", "context", "estimated"),
            ind("population_under18", "count", "context", "estimated"),
            ind("population_under5", "count", "context", "estimated"),
        ]
    )


def _observations() -> pd.DataFrame:
    def row(code, iso3, year, value, unit="percent", age="5-17", nature="measured", bounds=(None, None)):
        return {"indicator": code, "iso3": iso3, "year": year, "value": value, "unit": unit, "age": age,
                "nature": nature, "lower": bounds[0], "upper": bounds[1]}  # fmt: skip

    rows = [
        row("child_labour_5_17", "AAA", 2010, 30.0, bounds=(27.0, 33.0)),
        row("child_labour_5_17", "AAA", 2014, 26.0, bounds=(23.5, 28.5)),
        row("child_labour_5_17", "AAA", 2019, 21.0, bounds=(19.0, 23.0)),
        row("child_labour_5_17", "BBB", 2012, 8.0),
        row("modern_slavery_prevalence_gsi2018", "AAA", 2016, 7.5, "per-1000", "all ages", "modelled"),
        row("modern_slavery_prevalence_gsi2018", "CCC", 2016, 2.5, "per-1000", "all ages", "modelled"),
        row("trafficking_victims_detected", "AAA", 2020, 120.0, "count", "all ages", "detected"),
        row("trafficking_victims_detected", "AAA", 2021, 150.0, "count", "all ages", "detected"),
        row("population", "AAA", 2021, 50_000_000.0, "count", "all ages", "estimated"),
        row("population_under18", "AAA", 2021, 24_000_000.0, "count", "under 18", "estimated"),
        row("population_under5", "AAA", 2021, 7_000_000.0, "count", "under 5", "estimated"),
    ]
    world = ((2000, 250.0), (2008, 210.0), (2012, 170.0), (2016, 150.0), (2020, 155.0))
    rows += [
        row("child_labour_number", "WLD", year, millions * 1e6, "count", nature="estimated") for year, millions in world
    ]
    return factories.observations(rows)


def _reference() -> dict:
    def region(code, name, grouping, members):
        return {"code": code, "name": name, "grouping": grouping, "members": members}

    def commitment(instrument, status, date, minimum_age=None):
        return {"iso3": "AAA", "instrument": instrument, "status": status, "ratified": status == "ratified",
                "date": date, "as_of": "2016", "minimum_age": minimum_age, "source": factories.SYNTHETIC,
                "note": "synthetic"}  # fmt: skip

    lac = {"sdg_region": "SDG_LAC", "ilo_region": "ILO_AMS"}
    return {
        "countries": [
            factories.country("AAA", "Synthetic Alpha"),
            factories.country("BBB", "Synthetic Beta", income_group="WB_UMC", **lac),
            factories.country("CCC", "Synthetic Gamma", **lac),
            factories.country("DDD", "Synthetic Territory", independent=False, **lac),  # no data: not in the matrix
        ],
        "regions": [
            region("WLD", "World", "world", 3),
            region("SDG_SSA", "Sub-Saharan Africa", "sdg", 1),
            region("SDG_LAC", "Latin America and the Caribbean", "sdg", 2),
            region("ILO_AFR", "Africa", "ilo", 1),
            region("ILO_AMS", "Americas", "ilo", 2),
            region("WB_LIC", "Low income", "income", 2),
            region("WB_UMC", "Upper middle income", "income", 1),
        ],
        "commitments": [commitment("C138", "ratified", "2000-05-01", 14), commitment("C182", "not ratified", "")],
    }


def synthetic_tables() -> tuple[pd.DataFrame, dict]:
    """The synthetic observations, and every other table of the release (progress computed by the real engine)."""
    obs, indicators = _observations(), _indicators()
    obs = factories.mark_frame(obs, indicators)  # the ETL's headline (preferred) marks, as in a release
    return obs, {
        "indicators": indicators,
        **_reference(),
        "progress": compute_progress(obs, indicators, as_of=REFERENCE_YEAR),
    }


def build_synthetic_release(root: Path) -> str:
    """Publish the synthetic release into `root` through the real publish step; return its id."""
    obs, tables = synthetic_tables()
    return factories.make_release(root, obs, **tables)
