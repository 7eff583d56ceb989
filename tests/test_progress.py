"""The progress engine (etl/progress.py): hand-computed cases and property-based tests (SYNTHETIC data)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import progress as pg
from etl.db import arrow
from tests import factories
from warehouse.schema import PROGRESS


def run(points, target=None, code="x", unit="percent", as_of=None, **indicator):
    """compute_progress on one synthetic series given as (year, value[, lower, upper]) tuples.

    Assessed in `as_of`; by default in the year of the latest point, so that the hand-computed cases count
    the years left from there."""
    rows = []
    for point in points:
        year, value, *bounds = point
        row = {"indicator": code, "iso3": "AAA", "year": year, "value": value, "unit": unit}
        if bounds:
            row.update(lower=bounds[0], upper=bounds[1])
        rows.append(row)
    if target is not None:
        indicator.update(target_value=target[0], target_year=target[1])
    table = pd.DataFrame([factories.indicator(code, unit=unit, **indicator)])
    year = max(point[0] for point in points) if as_of is None else as_of
    return pg.compute_progress(factories.observations(rows), table, as_of=year)


def only(frame) -> dict:
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


# -- hand-computed cases ---------------------------------------------------------------------------------
def test_two_points_use_the_two_point_compound_rate_and_compare_it_with_the_required_rate():
    row = only(run([(2010, 20.0), (2020, 10.0)], target=(4.0, 2030)))
    assert row["basis"] == "relative"
    assert row["observed_rate"] == pytest.approx(0.5**0.1 - 1)  # -6.70 % a year
    assert row["required_rate"] == pytest.approx(0.4**0.1 - 1)  # -8.76 % a year
    assert row["projected_value"] == pytest.approx(5.0)  # 10 halved again over ten years
    assert row["status"] == pg.TOO_SLOW
    assert row["reason"] == (
        "Falling 6.7% a year (2010–2020), but reaching 4% by 2030 needs a fall of 8.8% a year from 2020."
    )
    assert math.isnan(row["projected_lower"]) and row["band_method"].startswith("not estimable")


def test_two_points_fast_enough_are_on_track():
    row = only(run([(2010, 20.0), (2020, 10.0)], target=(6.0, 2030)))
    assert row["status"] == pg.ON_TRACK
    assert row["projected_value"] <= 6.0


def test_three_points_use_a_log_linear_least_squares_fit():
    row = only(run([(2010, 100.0), (2014, 60.0), (2020, 40.0)], target=(20.0, 2030)))
    # By hand: x = year - 2014.667; Sxx = 50.667; Sxy over ln(value) = -4.54634; slope = -0.089730.
    assert row["observed_rate"] == pytest.approx(math.expm1(-0.089730), abs=1e-6)  # -8.58 % a year
    assert row["observed_rate"] != pytest.approx(0.4**0.1 - 1)  # not the two end points' rate
    slope, _ = np.polyfit([2010, 2014, 2020], np.log([100.0, 60.0, 40.0]), 1)
    assert row["observed_rate"] == pytest.approx(math.expm1(slope))
    assert row["projected_value"] == pytest.approx(40 * math.exp(-0.089730 * 10), rel=1e-5)  # 16.31
    # Residual standard error 0.11705 on 1 df -> slope SE 0.016444; t(0.975, 1) = 12.706.
    assert row["projected_lower"] == pytest.approx(40 * math.exp((-0.089730 - 12.706 * 0.016444) * 10), rel=1e-4)
    assert row["projected_upper"] == pytest.approx(40 * math.exp((-0.089730 + 12.706 * 0.016444) * 10), rel=1e-4)
    assert row["status"] == pg.ON_TRACK and row["points"] == 3
    assert row["method"] == "compound annual rate, least-squares fit on log values (3 points)"


def test_a_series_break_is_never_bridged():
    obs = factories.observations(
        [
            {"indicator": "modern_slavery_prevalence_gsi2018", "iso3": "AAA", "year": 2016, "value": 5.0},
            {"indicator": "modern_slavery_prevalence_gsi2023", "iso3": "AAA", "year": 2021, "value": 3.0},
            {"indicator": "child_labour_5_17", "iso3": "AAA", "year": 2010, "value": 30.0, "age": "5-17"},
            {"indicator": "child_labour_5_17", "iso3": "AAA", "year": 2018, "value": 20.0, "age": "5-14"},
            {"indicator": "child_labour_5_17", "iso3": "BBB", "year": 2010, "value": 30.0, "source": "survey_a"},
            {"indicator": "child_labour_5_17", "iso3": "BBB", "year": 2018, "value": 20.0, "source": "survey_b"},
        ]
    )
    codes = ["child_labour_5_17", "modern_slavery_prevalence_gsi2018", "modern_slavery_prevalence_gsi2023"]
    table = pd.DataFrame([factories.indicator(c, target_value=0.0, target_year=2030) for c in codes])
    frame = pg.compute_progress(obs, table, as_of=2020)
    assert len(frame) == 6  # two editions, two age bands, two sources: six one-point series
    assert set(frame["status"]) == {pg.INSUFFICIENT}
    assert frame["observed_rate"].isna().all()


def test_a_target_already_met_needs_only_the_latest_value():
    assert only(run([(2012, 4.0), (2019, 0.0)], target=(0.0, 2025)))["status"] == pg.TARGET_MET
    assert only(run([(2019, 0.0)], target=(0.0, 2025)))["status"] == pg.TARGET_MET
    row = only(run([(2012, 60.0), (2019, 85.0)], target=(80.0, 2030), higher_is_better=True))
    assert row["status"] == pg.TARGET_MET
    assert row["reason"] == "The latest value (85% in 2019) is already at or beyond the target of 80%."


def test_a_rising_series_is_moving_away():
    row = only(run([(2016, 40.3e6), (2021, 49.6e6)], target=(0.0, 2030), unit="count"))
    assert row["status"] == pg.MOVING_AWAY
    assert row["observed_change"] == pytest.approx(1.86e6)
    assert row["reason"] == "Rising 1.9 million a year (2016–2021), away from the target of zero by 2030."


def test_a_single_point_is_insufficient_data():
    row = only(run([(2018, 20.0)], target=(0.0, 2025)))
    assert row["status"] == pg.INSUFFICIENT
    assert row["reason"] == "Only one data point in this series: the latest value is 20% (2018); no trend."
    assert row["required_change"] == pytest.approx(-20.0 / 7)  # still says what pace is needed
    assert math.isnan(row["projected_value"])


def test_the_reason_keeps_the_publishers_qualifier_of_each_value_it_states():
    said = [(2016, 64e6, "about"), (2020, 63e6, "nearly")]  # both rounded to the million: no clear change
    obs = factories.observations([{"indicator": "x", "iso3": "AAA", "year": year, "value": value, "unit": "count",
                                   "qualifier": word, "precision": 1e6} for year, value, word in said])  # fmt: skip
    table = pd.DataFrame([factories.indicator("x", unit="count", target_value=0, target_year=2030)])
    row = only(pg.compute_progress(obs, table, as_of=2024))
    assert row["reason"].startswith("No clear change: about 64 million in 2016 and nearly 63 million in 2020 differ")
    assert (row["baseline_qualifier"], row["latest_qualifier"]) == ("about", "nearly")
    passed = only(pg.compute_progress(obs, table.assign(target_year=2022), as_of=2024))
    assert passed["reason"].startswith("Target year 2022 passed: nearly 63 million remain (2020).")


def test_reported_intervals_at_both_ends_give_the_band_of_a_two_point_series():
    row = only(run([(2010, 20.0, 18.0, 22.0), (2020, 10.0, 9.0, 11.0)], target=(4.0, 2030)))
    # Slowest pace: 22 -> 9 over ten years; fastest: 18 -> 11; carried from the latest interval [9, 11].
    assert row["projected_lower"] == pytest.approx(9.0 * 9.0 / 22.0)  # 3.68
    assert row["projected_upper"] == pytest.approx(11.0 * 11.0 / 18.0)  # 6.72
    assert row["projected_value"] == pytest.approx(5.0)
    assert row["projected_lower"] < row["projected_value"] < row["projected_upper"]
    assert row["band_method"] == "reported interval of the latest value + extreme paces between the reported intervals"


def test_reported_intervals_widen_the_band_of_a_fitted_series():
    points = [(2010, 100.0), (2014, 60.0), (2020, 40.0)]
    plain = only(run(points, target=(20.0, 2030)))
    wide = only(run(points[:2] + [(2020, 40.0, 30.0, 50.0)], target=(20.0, 2030)))
    assert wide["projected_value"] == pytest.approx(plain["projected_value"])
    assert wide["projected_lower"] == pytest.approx(plain["projected_lower"] * 30 / 40)
    assert wide["projected_upper"] == pytest.approx(plain["projected_upper"] * 50 / 40)


def test_a_zero_target_compares_absolute_changes():
    row = only(run([(2010, 30.0, 27.0, 33.0), (2018, 20.0, 18.0, 22.0)], target=(0.0, 2025)))
    assert row["basis"] == "absolute"
    assert row["observed_change"] == pytest.approx(-1.25)  # percentage points a year
    assert row["required_change"] == pytest.approx(-20.0 / 7)
    assert math.isnan(row["required_rate"])  # no compound rate reaches zero
    assert row["observed_rate"] == pytest.approx((20 / 30) ** (1 / 8) - 1)  # still reported
    assert (row["projected_value"], row["projected_lower"], row["projected_upper"]) == pytest.approx(
        (20 - 1.25 * 7, 18 - 15 / 8 * 7, 22 - 5 / 8 * 7)
    )
    assert row["status"] == pg.TOO_SLOW
    assert row["reason"] == (
        "Falling 1.3 percentage points a year (2010–2018), but reaching zero by 2025 needs"
        " a fall of 2.9 percentage points a year from 2018."
    )  # 1.25 rounded as publishers round it (half away from zero)


def test_a_zero_target_reached_in_time_is_on_track_and_the_projection_stops_at_zero():
    row = only(run([(2015, 12.0), (2020, 6.0)], target=(0.0, 2030)))
    assert row["status"] == pg.ON_TRACK and row["projected_value"] == 0.0


def test_a_zero_in_the_series_switches_to_absolute_change_and_says_so():
    row = only(run([(2010, 4.0), (2015, 0.0), (2020, 2.0)], target=(1.0, 2030)))
    assert row["basis"] == "absolute" and math.isnan(row["observed_rate"])
    assert "contains a zero" in row["method"]
    assert row["observed_change"] == pytest.approx(-0.2)  # least squares on 4, 0, 2 five years apart
    assert row["required_change"] == pytest.approx(-0.1)  # 2 -> 1 in ten years
    assert row["status"] == pg.ON_TRACK and row["projected_value"] == pytest.approx(0.0)


def test_a_passed_target_year_is_missed_with_what_remains_the_trend_and_the_pace_that_was_needed():
    row = only(run([(2020, 10.0), (2026, 8.0)], target=(0.0, 2025)))
    assert row["status"] == pg.TARGET_PASSED == "target year passed"
    assert row["trend"] == "falling"
    assert row["reason"] == (
        "Target year 2025 passed: the latest value is 8% (2026). Falling 0.3 percentage points a year"
        " (2020–2026). Reaching zero by 2025 from 2020 would have needed a fall of 2.0 percentage points a year."
    )  # 10 -> 8 over six years; 10 -> 0 over the five years 2020-2025
    assert math.isnan(row["required_rate"]) and math.isnan(row["projected_value"])


def test_a_passed_target_year_with_one_point_is_insufficient_data_not_missed():
    row = only(run([(2019, 5.9)], target=(0.0, 2025), as_of=2026))
    assert row["status"] == pg.INSUFFICIENT and row["trend"] == ""


def test_a_latest_point_more_than_ten_years_old_gives_no_status():
    points = [(2005, 20.0), (2015, 10.0)]
    assert only(run(points, target=(0.0, 2030), as_of=2025))["status"] == pg.TOO_SLOW  # ten years old: assessed
    old = only(run(points, target=(0.0, 2030), as_of=2026))
    assert old["status"] == pg.INSUFFICIENT and old["trend"] == "falling"
    assert old["reason"] == (
        "The latest data point of this series (10% in 2015) is more than ten years old; a status needs a recent one."
    )


def test_a_rise_after_the_target_year_is_reported_as_rising():
    row = only(run([(2016, 5.0), (2022, 6.5)], target=(0.0, 2025), as_of=2026))
    assert (row["status"], row["trend"]) == (pg.TARGET_PASSED, "rising")
    assert "Rising 0.25 percentage points a year (2016–2022)" in row["reason"]


def test_a_pace_between_whole_numbers_is_written_to_one_decimal_not_two():
    row = only(run([(2012, 21.0), (2020, 24.0)], target=(0.0, 2025), as_of=2026))  # "more than 21%", "almost 24%"
    assert row["observed_change"] == pytest.approx(0.375)
    assert "Rising 0.4 percentage points a year (2012–2020)" in row["reason"]
    assert "would have needed a fall of 1.6 percentage points a year" in row["reason"]  # 21 -> 0 in 13 years


def test_editions_labelled_not_comparable_are_never_joined():
    rows = [
        {"indicator": "x", "iso3": "AAA", "year": 2016, "value": 2.8, "comparability": "GSI 2018 regional findings"},
        {"indicator": "x", "iso3": "AAA", "year": 2021, "value": 2.9, "comparability": "GSI 2023 regional findings"},
    ]
    table = pd.DataFrame([factories.indicator("x", target_value=0.0, target_year=2030)])
    frame = pg.compute_progress(factories.observations(rows), table, as_of=2026)
    assert len(frame) == 2 and set(frame["points"]) == {1} and set(frame["status"]) == {pg.INSUFFICIENT}


def test_a_change_within_the_published_rounding_is_no_clear_change():
    """64 and 63 million girls, each rounded to the million (ILO 2017, ILO-UNICEF 2021): no direction."""
    rows = [
        {"indicator": "x", "iso3": "WLD", "year": 2016, "value": 64e6, "precision": 1e6, "unit": "count"},
        {"indicator": "x", "iso3": "WLD", "year": 2020, "value": 63e6, "precision": 1e6, "unit": "count"},
    ]
    table = pd.DataFrame([factories.indicator("x", unit="count", target_value=0.0, target_year=2030)])
    row = only(pg.compute_progress(factories.observations(rows), table, as_of=2026))
    assert row["status"] == pg.NO_CLEAR_CHANGE
    assert row["reason"].startswith("No clear change: 64 million in 2016 and 63 million in 2020 differ by less")
    rows[1]["value"], rows[1]["precision"] = 60e6, 1e6
    assert only(pg.compute_progress(factories.observations(rows), table, as_of=2026))["status"] == pg.TOO_SLOW


def test_overlapping_stated_intervals_are_no_clear_change():
    row = only(run([(2016, 5.0, 4.0, 6.0), (2021, 4.6, 3.5, 5.5)], target=(0.0, 2030), as_of=2026))
    assert row["status"] == pg.NO_CLEAR_CHANGE
    assert only(run([(2016, 5.0, 4.8, 5.2), (2021, 4.0, 3.8, 4.2)], target=(0.0, 2030), as_of=2026))["status"] in (
        pg.TOO_SLOW,
        pg.ON_TRACK,
    )


def test_values_known_only_by_their_period_are_left_out():
    rows = [
        {"indicator": "x", "iso3": "AAA", "year": 2014, "value": 21.7},
        {"indicator": "x", "iso3": "AAA", "year": None, "year_start": 2013, "year_end": 2021, "value": 21.7},
    ]
    table = pd.DataFrame([factories.indicator("x", target_value=0.0, target_year=2030)])
    row = only(pg.compute_progress(factories.observations(rows), table, as_of=2026))
    assert (row["points"], row["latest_year"]) == (1, 2014)


def test_time_left_is_counted_from_the_assessment_year_not_from_the_latest_data():
    points = [(2016, 40.3e6), (2021, 27.6e6)]
    then = only(run(points, target=(0.0, 2030), unit="count", as_of=2021))
    now = only(run(points, target=(0.0, 2030), unit="count", as_of=2026))
    assert then["required_change"] == pytest.approx(-27.6e6 / 9)  # nine years left when the data were new
    assert now["required_change"] == pytest.approx(-27.6e6 / 4)  # four years left in 2026: 6.9 million a year
    assert now["reason"].endswith("needs a fall of 6.9 million a year from 2026.")
    # The projection still starts at the latest point: the observed trend carried from 2021 to 2030.
    assert now["projected_value"] == then["projected_value"]


def test_a_series_ending_in_2020_assessed_after_2025_is_not_told_it_has_five_years_left():
    row = only(run([(2000, 246e6), (2016, 152e6), (2020, 160e6)], target=(0.0, 2025), unit="count", as_of=2026))
    assert row["status"] == pg.TARGET_PASSED
    assert math.isnan(row["required_change"]) and math.isnan(row["required_rate"])
    assert row["reason"] == (
        "Target year 2025 passed: 160 million remain (2020). Falling 4.8 million a year (2000–2020)."
        " Reaching zero by 2025 from 2000 would have needed a fall of 9.8 million a year."
    )  # 246 million over the 25 years 2000-2025
    this_year = only(run([(2016, 152e6), (2020, 60e6)], target=(0.0, 2030), unit="count", as_of=2030))
    assert this_year["status"] == pg.TARGET_PASSED and this_year["reason"].startswith("Target year 2030 is this year")


def test_a_fast_enough_old_trend_is_no_longer_on_track_once_its_time_has_gone():
    points = [(2012, 12.0), (2016, 8.0)]  # falling 1 point a year
    assert only(run(points, target=(0.0, 2026), as_of=2016))["status"] == pg.ON_TRACK  # 8 points in 10 years
    assert only(run(points, target=(0.0, 2026), as_of=2020))["status"] == pg.TOO_SLOW  # 8 points in 6 years


def test_the_assessment_year_defaults_to_the_current_year():
    obs = factories.observations(
        [{"indicator": "x", "iso3": "AAA", "year": y, "value": v} for y, v in ((2010, 30.0), (2020, 20.0))]
    )
    table = pd.DataFrame([factories.indicator("x", target_value=0.0, target_year=2100)])
    default = pg.compute_progress(obs, table)
    explicit = pg.compute_progress(obs, table, as_of=date.today().year)
    pd.testing.assert_frame_equal(default, explicit)
    assert default.loc[0, "required_change"] == pytest.approx(-20.0 / (2100 - date.today().year))


def test_detected_victims_and_indicators_without_a_target_are_not_assessed():
    points = [(2018, 100.0), (2019, 150.0)]
    detected = only(run(points, unit="count", nature="detected", theme="trafficking"))
    assert detected["status"] == pg.NOT_ASSESSED
    assert "better detection" in detected["reason"]
    assert detected["observed_change"] == pytest.approx(50.0) and math.isnan(detected["target_value"])
    no_target = only(run(points, theme="child-labour", code="children_in_employment_7_14"))
    assert no_target["reason"] == "Not assessed: no quantitative target is set for this indicator."
    assert run(points, theme="context", code="population").empty


def test_targets_come_from_the_indicators_table():
    found = pg.targets(
        pd.DataFrame(
            [
                factories.indicator("child_labour_5_17"),  # an assessed theme without a target: not assessed
                factories.indicator("child_labour_econ", target_value=5.0, target_year=2030),
                factories.indicator("ratified_c138", theme="commitments", nature="reported", unit="flag"),
            ]
        )
    )
    assert (found["child_labour_5_17"].value, found["child_labour_5_17"].year) == (None, None)
    assert (found["child_labour_econ"].value, found["child_labour_econ"].year) == (5.0, 2030)
    assert "ratified_c138" not in found


def test_missing_and_censored_values_are_not_points():
    obs = factories.observations(
        [
            {"indicator": "x", "iso3": "AAA", "year": 2010, "value": 9.0},
            {"indicator": "x", "iso3": "AAA", "year": 2012, "value": None},
            {"indicator": "x", "iso3": "AAA", "year": 2014, "value": 5.0, "censored": True},
        ]
    )
    table = pd.DataFrame([factories.indicator("x", target_value=0.0, target_year=2025)])
    assert only(pg.compute_progress(obs, table))["points"] == 1


def test_the_progress_table_fits_the_warehouse_schema_and_is_sorted():
    frame = run([(2010, 20.0), (2020, 10.0)], target=(4.0, 2030))
    assert list(frame.columns) == PROGRESS.names
    assert arrow(frame, PROGRESS).schema == PROGRESS


def test_an_empty_input_gives_an_empty_table_with_the_schema():
    empty = factories.observations([{"indicator": "x", "iso3": "AAA", "year": 2010, "value": 1.0}]).iloc[:0]
    frame = pg.compute_progress(empty, pd.DataFrame([factories.indicator("x")]))
    assert frame.empty and list(frame.columns) == PROGRESS.names
    assert arrow(frame, PROGRESS).num_rows == 0


# -- properties ------------------------------------------------------------------------------------------
@st.composite
def series(draw, min_points=1, zero_target=None):
    """A synthetic series: distinct years, values >= 0 (sometimes zero), optional intervals, and a target."""
    years = sorted(draw(st.sets(st.integers(1990, 2024), min_size=min_points, max_size=7)))
    values = [draw(st.one_of(st.just(0.0), st.floats(0.01, 1000.0))) for _ in years]
    with_bounds = draw(st.booleans())
    points = []
    for year, value in zip(years, values, strict=True):
        spread = draw(st.floats(0.0, 0.5)) * value if with_bounds else None
        points.append((year, value, value - spread, value + spread) if with_bounds else (year, value))
    zero = draw(st.booleans()) if zero_target is None else zero_target
    target = (0.0 if zero else draw(st.floats(0.01, 1000.0)), draw(st.sampled_from([2025, 2030])))
    return points, target, draw(st.booleans())


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(series(), st.randoms(use_true_random=False))
def test_status_is_invariant_to_row_order(case, random):
    points, target, higher = case
    shuffled = list(points)
    random.shuffle(shuffled)
    first = run(points, target=target, higher_is_better=higher)
    second = run(shuffled, target=target, higher_is_better=higher)
    pd.testing.assert_frame_equal(first, second)  # not only the status: every number, byte for byte


@FAST
@given(series(zero_target=True), st.floats(1e-3, 1e3))
def test_scaling_a_series_does_not_change_the_status_of_a_zero_target(case, factor):
    points, target, higher = case
    scaled = [(p[0], *(v * factor for v in p[1:])) for p in points]
    assert only(run(scaled, target=target))["status"] == only(run(points, target=target))["status"]


@FAST
@given(series(zero_target=False), st.floats(1e-3, 1e3))
def test_scaling_a_series_and_its_target_together_does_not_change_the_status(case, factor):
    points, target, higher = case
    scaled = [(p[0], *(v * factor for v in p[1:])) for p in points]
    before = only(run(points, target=target, higher_is_better=higher))["status"]
    after = only(run(scaled, target=(target[0] * factor, target[1]), higher_is_better=higher))["status"]
    assert before == after


@FAST
@given(series(min_points=2))
def test_the_band_always_contains_the_central_projection(case):
    points, target, higher = case
    row = only(run(points, target=target, higher_is_better=higher))
    assert row["status"] in pg.STATUSES
    if row["latest_year"] >= target[1]:
        return  # no projection once the target year has passed
    assert row["projected_value"] >= 0
    if not math.isnan(row["projected_lower"]):
        assert row["projected_lower"] <= row["projected_value"] <= row["projected_upper"]


# -- the real warehouse ----------------------------------------------------------------------------------
@pytest.mark.realdata
def test_the_world_child_labour_series_shows_the_passed_target_and_what_remains(real_warehouse, real_release):
    rows = real_warehouse.progress(real_release, "child_labour_number", "WLD")
    row = only(rows[(rows["sex"] == "total") & (rows["age"] == "5-17")])
    # ILO/UNICEF global estimates: 246 (2000), 215 (2008), 168 (2012), 152 (2016), 160 (2020), 138 million (2024).
    assert (row["points"], row["baseline_year"], row["latest_year"]) == (6, 2000, 2024)
    # Assessed now, after 2025: no year is left, so no required pace and no projection: what remains.
    assert row["status"] == pg.TARGET_PASSED
    assert math.isnan(row["required_change"]) and math.isnan(row["projected_value"])
    assert row["reason"].startswith("Target year 2025 passed: nearly 138 million remain (2024). Falling")


@pytest.mark.realdata
def test_girls_in_child_labour_64_to_63_million_is_no_clear_change(real_warehouse, real_release):
    rows = real_warehouse.progress(real_release, "child_labour_number", "WLD")
    girls = only(rows[rows["sex"] == "female"])
    assert (girls["baseline_value"], girls["latest_value"]) == (64e6, 63e6)
    series = pg.split_series(real_warehouse.observations(real_release), ["child_labour_number"])
    (found,) = [x for x in series if x.key[1] == "WLD" and x.key[2] == "female"]
    assert pg.within_rounding(found)  # each rounded to the million: no direction can be claimed
    assert girls["status"] != pg.TOO_SLOW  # the target year has passed: the reason says what remains


@pytest.mark.realdata
def test_gsi_2018_and_2023_regional_findings_are_never_joined(real_warehouse, real_release):
    rows = real_warehouse.progress(real_release, "forced_labour_per_1000", "ILO_AFR")
    assert len(rows) == 2 and set(rows["points"]) == {1}  # 2.8 (2016) and 2.9 (2021) per 1,000: two series
    assert set(rows["status"]) == {pg.INSUFFICIENT}


@pytest.mark.realdata
def test_regional_figures_are_joined_only_where_a_publisher_compares_the_rounds(real_warehouse, real_release):
    # The 2025 report says Latin America and the Caribbean "held steady at around 7 million" (the 2021 report: 8.2
    # million in 2020) and restates 2020 for Asia and the Pacific: its own 2020-2024 pair is the only trend it supports.
    lac = real_warehouse.progress(real_release, "child_labour_number", "SDG_LAC")
    assert set(lac["points"]) == {1}  # 8.2 million (2020) and around 7 million (2024) stand apart
    asia = real_warehouse.progress(real_release, "child_labour_number", "ILO_ASP")
    pairs = {(r["baseline_value"], r["latest_value"]) for r in asia.to_dict("records")}
    assert pairs == {(78e6, 78e6), (62.1e6, 62.1e6), (49e6, 28e6)}  # the 2013 report's region is not the ILO one
    # The 2021 report charts sub-Saharan Africa from 2012 (21.4%) to 2020 (23.9%) as one series, rising.
    ssa = real_warehouse.progress(real_release, "child_labour_rate", "SDG_SSA").set_index("baseline_year")
    assert (ssa.loc[2012, "latest_year"], ssa.loc[2012, "trend"], ssa.loc[2024, "points"]) == (2020, "rising", 1)


@pytest.mark.realdata
def test_every_source_view_of_a_region_draws_rounds_that_are_not_comparable_as_separate_lines(real_warehouse, app):
    import plotly.graph_objects as go  # noqa: PLC0415

    from dashboards import indicator  # noqa: PLC0415
    from tests.conftest import find  # noqa: PLC0415

    def lines(code, areas, age):
        with app.server.test_request_context("/"):
            content, *_ = indicator.update_indicator_content("chart", "latest", areas, "total", age, True, code)
        return sorted(tuple(t.x) for t in go.Figure(find(content, "indicator-chart").figure).data)

    # GSI 2018 and GSI 2023 (Walk Free: not comparable) apart
    assert lines("modern_slavery_per_1000", ["ILO_AFR"], "all ages") == [(2016,), (2021,)]
    # the 2021 report restates 2012 and 2020 in one SDG-region series; the 2025 report's 2024 share stands apart
    assert lines("child_labour_rate", ["SDG_SSA"], "5-17") == [(2012, 2020), (2024,)]


@pytest.mark.realdata
def test_real_series_breaks_are_not_bridged_and_detected_counts_are_not_assessed(real_warehouse, real_release):
    progress = real_warehouse.progress(real_release)
    gsi = progress[progress["indicator"].str.startswith("modern_slavery_prevalence_gsi")]
    assert len(gsi) > 100 and set(gsi["points"]) == {1}  # one edition each: 2018 and 2023 are never joined
    assert set(gsi["status"]) == {pg.INSUFFICIENT}
    detected = progress[progress["indicator"] == "trafficking_victims_detected"]
    assert len(detected) > 100 and set(detected["status"]) == {pg.NOT_ASSESSED}
    assert set(progress["status"]) <= set(pg.STATUSES)


@pytest.mark.realdata
def test_real_progress_is_deterministic(real_warehouse, real_release):
    obs = real_warehouse.observations(real_release)
    indicators = real_warehouse.indicators(real_release)
    first = pg.compute_progress(obs, indicators)
    again = pg.compute_progress(obs.sample(frac=1.0, random_state=7), indicators)
    pd.testing.assert_frame_equal(first, again)
    published = real_warehouse.progress(real_release).sort_values(
        ["indicator", "iso3", "sex", "age", "source"], ignore_index=True
    )
    pd.testing.assert_frame_equal(arrow(first, PROGRESS).to_pandas(), arrow(published, PROGRESS).to_pandas())
