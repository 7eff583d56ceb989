"""/pathfinders on the real release: one comparative row per pathfinder country, each saying what the pages say
(progress status of /progress, latest survey with year, age band and source, dated commitments, data coverage)."""

from __future__ import annotations

import importlib
import re

import pytest

from dashboards import _pathfinders
from tests.conftest import find, render, texts
from warehouse import ObservationFilter

pytestmark = pytest.mark.realdata
PATHFINDERS = ["ALB", "CHL", "LKA", "NPL", "PER", "UZB"]


@pytest.fixture
def page(real_warehouse, app):
    return render(app, "pathfinders")


def test_one_row_per_pathfinder_country_with_every_column(page):
    table = find(page, "pathfinders-table")
    for iso3 in PATHFINDERS:
        row = find(table, f"pathfinders-row-{iso3}")
        assert row is not None, iso3
        cells = row.children
        assert len(cells) == len(_pathfinders.COLUMNS)
        assert all(texts(cell).strip() for cell in cells), iso3
    assert f"/country/{PATHFINDERS[0]}" in str(table.to_plotly_json())


def test_progress_and_latest_survey_match_the_release(real_warehouse, real_release, app, page):
    progress = real_warehouse.progress(real_release)
    progress = progress[(progress["indicator"] == "child_labour_ilostat") & (progress["sex"] == "total")]
    obs = real_warehouse.observations(
        real_release, ObservationFilter(indicators=("child_labour_ilostat", "child_labour_sdg_b871"), areas=("NPL",))
    )
    obs = obs[(obs["sex"] == "total") & obs["year"].notna()]
    latest = obs[obs["year"] == obs["year"].max()]
    last = latest[latest["age"] == "5-17"].iloc[0] if (latest["age"] == "5-17").any() else latest.iloc[-1]
    row = texts(find(page, "pathfinders-row-NPL"))
    short = real_warehouse.indicators(real_release).set_index("code").loc[last["indicator"], "short_name"]
    ages = "ages " + last["age"].replace("-", "–")  # the band in words, as every label writes it
    assert f"{short}: {int(last['year'])} · {ages} · {last['value']:.1f}%" in row
    for r in progress[progress["iso3"] == "NPL"].to_dict("records"):
        assert f"ages {r['age'].replace('-', '–')}: {r['status']}" in row
        assert f"({int(r['baseline_year'])}) → {r['latest_value']:.1f}% ({int(r['latest_year'])})" in row
    assert progress[progress["iso3"] == "NPL"]["points"].min() >= 2  # so the comparison points are shown


def test_commitments_carry_their_dates_and_coverage_names_every_pillar(page):
    row = texts(find(page, "pathfinders-row-PER"))
    assert "ILO C138" in row or "C138" in row
    assert any(char.isdigit() for char in row.split("C138", 1)[1][:40])  # a ratification date follows
    for pillar in ("Child labour", "Forced labour", "Human trafficking"):
        assert pillar in row


def test_the_comparison_speaks_the_readers_language(real_warehouse, app):
    page = importlib.import_module("dashboards.pathfinders")
    with app.server.test_request_context("/?lang=fr"):
        table = texts(find(page.layout(), "pathfinders-table"))
    assert "Dernière enquête" in table and "âges 12–14" in table and "12-14" not in table
    assert (
        "Travail des enfants 8.7.1, tâches ménagères comprises (ILOSTAT)\u00a0: 2017 · âges" in table
    )  # Nepal, SDG_B871
    assert "a demandé un appui (2018)" in table and "requested support" not in table
    assert "Latest survey" not in table and "ages 12–14" not in table
    assert re.search(r"\d,\d\s%", table)  # 21,7 % as French writes it


def test_commitment_dates_are_written_as_days_in_english_too(page):
    table = texts(find(page, "pathfinders-table"))
    assert "ILO C029 Forced Labour (1930): ratified on 25 June 1957" in table
    assert not re.search(r" on \d{4}-\d{2}-\d{2}", table)  # was "ratified on 1957-06-25"


def test_a_status_without_a_date_still_says_when_its_source_saw_it(page):
    chile = texts(find(page, "pathfinders-row-CHL"))  # P029: named by campaign pages, undated, not yet stale
    assert "ILO P029 Protocol to C029 (2014): ratified, status as of: page dates 2015-2023" in chile
