"""The explainer "How the platform measures progress" quotes the engine's thresholds, and they are the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from content.loader import load_library
from etl import progress as pg
from etl.reference import load_indicators
from tests import factories

SLUG = "measuring-progress"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def body() -> str:
    return re.sub(r"[ \t]+", " ", load_library(strict=True).explainers[SLUG].body)


def status_table(body: str) -> dict[str, str]:
    """The explainer's status table: status name (lower case) → its rule."""
    rows = re.findall(r"^\| ([A-Z][a-z ]+) \| (.+) \|$", body, flags=re.M)
    return {name.strip().lower(): rule for name, rule in rows if name != "Status"}


def one(points, as_of, target=(0.0, 2030), unit="percent") -> dict:
    rows = [{"indicator": "x", "iso3": "AAA", "year": y, "value": v, "unit": unit} for y, v, *_ in points]
    for row, point in zip(rows, points, strict=True):
        row["precision"] = point[2] if len(point) > 2 else None
    table = pd.DataFrame([factories.indicator("x", unit=unit, target_value=target[0], target_year=target[1])])
    (row,) = pg.compute_progress(factories.observations(rows), table, as_of=as_of).to_dict("records")
    return row


def test_the_explainer_has_the_title_the_issue_names_and_every_status_of_the_engine(body):
    assert load_library(strict=True).explainers[SLUG].title == "How the platform measures progress"
    assert set(status_table(body)) == set(pg.STATUSES)


def test_the_minimum_number_of_points_it_quotes_is_the_engines(body):
    rule = status_table(body)["insufficient data"]
    quoted = int(re.search(r"Fewer than (\d+) points in one series", rule).group(1))
    assert "points in one series (same indicator, sex, age band and source)" in rule
    assert quoted == 2
    assert one([(2020, 10.0)], as_of=2022)["status"] == pg.INSUFFICIENT
    assert one([(2018, 10.0), (2020, 8.0)], as_of=2022)["status"] != pg.INSUFFICIENT


def test_the_age_limit_of_the_latest_point_it_quotes_is_the_engines(body):
    quoted = int(re.search(r"more than (\d+) years older", status_table(body)["insufficient data"]).group(1))
    assert quoted == pg.MAX_AGE
    points = [(2000, 20.0), (2010, 10.0)]
    assert one(points, as_of=2010 + quoted)["status"] != pg.INSUFFICIENT
    assert one(points, as_of=2010 + quoted + 1)["status"] == pg.INSUFFICIENT


def test_the_rounding_rule_it_quotes_is_the_engines(body):
    assert "half a rounding step of each published figure" in status_table(body)["no clear change"]
    # 7.7 and 7.2, each rounded to 1: half a step each allows a difference of 1.0 at most.
    assert one([(2016, 7.7, 1.0), (2021, 7.2, 1.0)], as_of=2026)["status"] == pg.NO_CLEAR_CHANGE
    assert one([(2016, 7.7, 0.1), (2021, 7.2, 0.1)], as_of=2026)["status"] != pg.NO_CLEAR_CHANGE


def test_the_target_years_it_quotes_are_the_engines(body):
    text = re.sub(r"\s+", " ", body)
    indicators, _ = load_indicators(ROOT / "data" / "reference" / "indicators.yaml")  # the targets the engine reads
    found = pg.targets(indicators)
    child, slavery = (found[code] for code in ("child_labour_ilostat", "forced_labour_number"))
    assert (child.value, slavery.value) == (0.0, 0.0)
    assert f"**zero by {child.year}**" in text and f"zero by {slavery.year}" in text
    assert f"(child labour: {child.year})" in status_table(body)["target year passed"]
    row = one([(2013, 15.0), (2022, 7.7)], as_of=child.year + 1, target=(child.value, child.year))
    assert row["status"] == pg.TARGET_PASSED and "would have needed" in row["reason"]
