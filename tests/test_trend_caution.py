"""A series whose points the source does not show to be one series (indicators.yaml `trend_caution`: ILOSTAT's child
labour series and children in employment name no survey per year; the two world totals of detected victims come from
different reports) is shown with that caution, once, wherever its progress status is shown; other series are not."""

from __future__ import annotations

import pytest

from dashboards import _progress
from tests.conftest import find, render, texts

pytestmark = pytest.mark.realdata
CAUTION = "The source does not say which survey each year comes from"
FRENCH = "La source ne dit pas de quelle enquête provient chaque année"
EMPLOYMENT = "The source does not name the survey behind each year"


def test_the_progress_map_caption_cautions_ilostat_statuses_in_the_readers_language_and_not_others(real_warehouse, app):
    from dashboards import progress  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context("/"):
        ilostat = texts(progress.update_view("child_labour_ilostat", "", "", "")[1])
        sdg = texts(progress.update_view("child_labour_5_17", "", "", "")[1])
    with app.server.test_request_context("/progress?lang=fr"):
        french = texts(progress.update_view("child_labour_ilostat", "", "", "")[1])
    assert ilostat.count(CAUTION) == 1 and "comparable" not in ilostat
    assert CAUTION not in sdg and FRENCH in french


def test_the_country_delta_view_cautions_once_where_it_shows_an_ilostat_status(real_warehouse, app):
    from dashboards import _delta  # noqa: PLC0415

    with app.server.test_request_context("/"):
        full = texts(_delta.delta_section("PER"))  # its table of every series holds the ILOSTAT ones
        ilostat = texts(_delta.delta_section("PER", "child_labour_ilostat", compact=True))
        gsi = texts(_delta.delta_section("PER", "modern_slavery_prevalence_gsi2018", compact=True))
    assert full.count(CAUTION) == 1 and ilostat.count(CAUTION) == 1 and CAUTION not in gsi
    assert f"Child labour (ILOSTAT): {CAUTION}" in ilostat  # named: the view may head with another series


def test_the_country_delta_view_cautions_the_trend_of_children_in_employment_whose_surveys_are_unnamed(
    real_warehouse, app
):
    from dashboards import _delta  # noqa: PLC0415

    with app.server.test_request_context("/"):
        english = texts(_delta.delta_section("PER"))  # its table of every series gives the WDI and OWID trends
    with app.server.test_request_context("/?lang=fr"):
        french = texts(_delta.delta_section("PER"))
    assert english.count(f"Children in employment 7-14: {EMPLOYMENT}") == 1
    assert "La source ne nomme pas l'enquête de chaque année" in french and EMPLOYMENT not in french


def test_the_world_delta_view_says_the_two_detected_victim_totals_of_different_reports_are_not_a_trend(
    real_warehouse, app
):
    from dashboards import _delta  # noqa: PLC0415

    with app.server.test_request_context("/"):
        english = texts(_delta.delta_section("WLD"))  # the overview's view: every world series, 2018 and 2022 too
    with app.server.test_request_context("/?lang=es"):
        spanish = texts(_delta.delta_section("WLD"))
    assert english.count("Detected victims worldwide: The two world totals come from different UNODC reports") == 1
    assert "Los dos totales mundiales proceden de informes distintos de la UNODC" in spanish


def test_a_caution_about_other_series_sits_with_their_table_not_under_the_headline_status(real_warehouse, app):
    from dashboards import _delta  # noqa: PLC0415

    with app.server.test_request_context("/"):
        world = texts(_delta.delta_section("WLD"))  # headed by children in child labour
        peru = texts(_delta.delta_section("PER"))  # headed by the SDG 8.7.1 series, which needs no caution
    table = world.index("Every assessed series for this area")
    assert world.index("Detected victims worldwide: The two world totals") > table  # was under the child labour badge
    assert peru.index("Child labour (ILOSTAT), Child labour 8.7.1, earlier series (ILOSTAT), ") > peru.index(
        "Every assessed series for this area"
    )


def test_pathfinders_caution_the_ilostat_statuses_once_and_no_other_series(real_warehouse, app, monkeypatch):
    assert texts(render(app, "pathfinders")).count(CAUTION) == 1
    monkeypatch.setattr(_progress, "DEFAULT_INDICATOR", "child_labour_5_17")  # a series without the caution
    page = render(app, "pathfinders")
    assert "5–17" in texts(find(page, "pathfinders-row-NPL")) and CAUTION not in texts(page)


def test_the_country_and_home_pages_never_call_the_points_of_a_series_comparable(real_warehouse, app):
    peru, home = texts(render(app, "country", iso3="PER")), texts(render(app, "home"))
    assert "Each line is one series;" in peru and "comparable" not in peru
    assert "comparable" not in home
