"""Country pages: child labour survey points labelled with age band and source, ratification markers with dates."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from tests.conftest import find, render, texts

pytestmark = pytest.mark.realdata


def test_the_country_chart_labels_survey_points_and_draws_dated_ratifications(real_warehouse, app):
    with app.server.test_request_context("/"):
        tree = render(app, "country", iso3="BGD")
    graph = find(tree, "country-survey-trend")
    assert graph is not None
    figure = go.Figure(graph.figure)
    lines = {t.name: list(zip(t.x, t.y, strict=True)) for t in figure.data}
    cld = lines["Child labour (ILOSTAT) · ages 5–17"]  # the indicator's short name, not ILOSTAT's code CLD_XCHL
    assert [year for year, _ in cld] == [2013, 2019, 2022]  # survey years, as published
    assert all(" · ages " in name and "ILOSTAT" in name for name in lines)  # age band and source on every line
    assert "Child labour 8.7.1 incl. chores (ILOSTAT) · ages 5–17" in lines
    labels = [a.text for a in figure.layout.annotations]
    assert "C182 2001-03-12" in labels  # Bangladesh ratified C182 on 12 March 2001 (HTI)
    assert any(shape.x0 == 2001 for shape in figure.layout.shapes)
    words = texts(tree)
    assert "ILO C182 Worst Forms of Child Labour (1999): ratified on 12 March 2001, status " in words
    assert "Progress (ILOSTAT, ages 5–17, target year passed): Target year 2025 passed" in words


def test_the_survey_chart_names_its_series_in_the_readers_language(real_warehouse, app):
    from dashboards import country  # noqa: PLC0415 - registered by create_app

    with app.server.test_request_context("/country/BGD?lang=fr"):
        figure = go.Figure(find(country.layout(iso3="BGD"), "country-survey-trend").figure)
    assert "Travail des enfants (ILOSTAT) · âges 5–17" in {t.name for t in figure.data}
