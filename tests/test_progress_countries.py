"""Country progress from the ILOSTAT survey series, checked against the raw file by hand (REAL data)."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from etl import progress as pg

pytestmark = pytest.mark.realdata

CLD_FILE = "ilostat_child_labour/ddf--datapoints--cld_xchl_sex_age_rt--by--ref_area--sex--classif1--time.csv"
INDICATOR = "child_labour_ilostat"


def raw_points(raw_dir, area: str) -> list[tuple[int, float]]:
    """The (survey year, value) points of one country, both sexes, ages 5-17, read from the raw file."""
    with open(raw_dir / CLD_FILE, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if (r["ref_area"], r["sex"]) == (area, "sex_t")]
    return sorted((int(r["time"]), float(r["cld_xchl_sex_age_rt"])) for r in rows if r["classif1"].endswith("y5_17"))


def slope_by_hand(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of value on year, written out: sum((x - mx)(y - my)) / sum((x - mx)^2)."""
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def national(progress):
    rows = progress[(progress["indicator"] == INDICATOR) & (progress["sex"] == "total") & (progress["age"] == "5-17")]
    return rows.set_index("iso3")


@pytest.mark.parametrize(
    ("area", "points"),
    [
        ("bgd", [(2013, 14.992), (2019, 5.875), (2022, 7.691)]),  # PROVENANCE.md: 15.0, 5.9, 7.7
        ("eth", [(2001, 49.109), (2015, 42.235), (2021, 22.337)]),  # PROVENANCE.md: 49.1, 42.2, 22.3
        ("nga", [(2017, 28.02), (2022, 29.188)]),
    ],
)
def test_three_country_statuses_match_a_computation_by_hand_from_the_raw_file(
    real_warehouse, real_release, raw_dir, area, points
):
    assert raw_points(raw_dir, area) == points  # the test's own reading of the raw file
    row = national(real_warehouse.progress(real_release)).loc[area.upper()]
    assert (row["points"], row["baseline_year"], row["latest_year"]) == (len(points), points[0][0], points[-1][0])
    assert row["latest_value"] == pytest.approx(points[-1][1])
    slope = slope_by_hand(points)
    assert row["observed_change"] == pytest.approx(slope)
    # Target: zero by 2025 (target 8.7), passed when assessed after 2025: "target year passed" with the trend.
    assert date.today().year > 2025 and row["status"] == pg.TARGET_PASSED == "target year passed"
    assert row["trend"] == ("falling" if slope < 0 else "rising")
    needed = (0 - points[0][1]) / (2025 - points[0][0])  # from the first survey to zero by 2025
    assert f"would have needed a fall of {abs(needed):.2f} percentage points a year" in row["reason"]


def test_at_least_forty_countries_have_a_child_labour_status_from_two_or_more_survey_points(
    real_warehouse, real_release, raw_dir
):
    rows = national(real_warehouse.progress(real_release))
    assessed = rows[~rows["status"].isin([pg.INSUFFICIENT, pg.NOT_ASSESSED])]
    assert len(assessed) >= 40
    assert (assessed["points"] >= 2).all() and (assessed["latest_year"] >= date.today().year - pg.MAX_AGE).all()
    for iso3 in assessed.index[:5]:  # the point counts are the raw file's survey years
        assert len(raw_points(raw_dir, iso3.lower())) == assessed.loc[iso3, "points"]


def test_ilostat_series_are_never_joined_with_the_8_7_1_series_of_other_sources(real_warehouse, real_release):
    progress = real_warehouse.progress(real_release)
    bgd = progress[(progress["iso3"] == "BGD") & (progress["sex"] == "total") & (progress["age"] == "5-17")]
    sources = bgd.groupby("indicator")["source"].agg(set).to_dict()
    assert sources[INDICATOR] == {"ilostat_child_labour"}
    assert sources["child_labour_sdg_b871"] == {"ilostat_child_labour"}
    assert "ilostat_child_labour" not in sources.get("child_labour_5_17", set())
