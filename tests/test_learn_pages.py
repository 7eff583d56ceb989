"""The learning-space pages: index and topic filter, explainer pages with live charts, glossary, safe rendering."""

from __future__ import annotations

import dataclasses
import importlib
import shutil
from datetime import date

import plotly.graph_objects as go
import pytest
from dash import dcc, html

from content import loader, models
from dashboards import _markdown
from tests.conftest import components, hrefs, render, serialised, texts


# -- /learn ------------------------------------------------------------------------------------------------
def test_index_lists_every_explainer_grouped_by_topic(app):
    tree = render(app, "learn")
    links = hrefs(tree)
    lib = loader.library()
    for slug in lib.explainers:
        assert f"/learn/{slug}" in links
    headings = [c.children for c in components(tree) if isinstance(c, html.H2)]
    assert [h for h in headings if h in models.TOPICS.values()] == list(models.TOPICS.values())


def test_topic_filter_keeps_only_that_topic_and_toggles_in_the_url(app):
    tree = render(app, "learn", topic="trafficking")
    shown = {h.removeprefix("/learn/") for h in hrefs(tree) if h.startswith("/learn/") and "glossary" not in h}
    lib = loader.library()
    expected = {e.slug for e in lib.by_topic()["trafficking"]}
    assert shown == expected and "human-trafficking" in shown and "child-labour-definitions" not in shown
    pills = {
        c.id: c.href
        for c in components(tree)
        if isinstance(c, dcc.Link) and str(getattr(c, "id", "")).startswith("learn-topic")
    }
    assert pills["learn-topic-trafficking"] == "/learn"  # clicking the selected topic clears it
    assert pills["learn-topic-measurement"] == "/learn?topic=trafficking,measurement"


def test_unknown_topic_is_named_and_ignored(app):
    tree = render(app, "learn", topic="cooking,child-labour")
    assert "Unknown topic ignored: cooking" in serialised(tree)
    assert "/learn/child-labour-definitions" in hrefs(tree)


def test_index_lists_measuring_progress_when_the_progress_helper_adds_it(app, tmp_path, monkeypatch):
    learn = shutil.copytree(loader.LEARN_DIR, tmp_path / "learn")
    text = (learn / "reading-uncertainty.md").read_text(encoding="utf-8")
    text = text.replace("slug: reading-uncertainty", "slug: measuring-progress")
    text = text.replace("title: Reading uncertainty and confidence intervals", "title: How progress is computed")
    (learn / "measuring-progress.md").write_text(text, encoding="utf-8")
    lib = loader.load_library(learn, loader.GLOSSARY_FILE, strict=True)
    import importlib  # noqa: PLC0415

    monkeypatch.setattr(importlib.import_module("dashboards.learn"), "library", lambda: lib)
    assert "/learn/measuring-progress" in hrefs(render(app, "learn"))


# -- /learn/<slug> -----------------------------------------------------------------------------------------
def test_every_explainer_page_renders_its_text_sources_and_links(app):
    for explainer in loader.library().explainers.values():
        tree = render(app, "learn_explainer", slug=explainer.slug)
        h1 = [c for c in components(tree) if isinstance(c, html.H1)]
        assert [h.children for h in h1] == [explainer.title]
        assert any(isinstance(c, html.H2) and c.children in ("Sources", ["Sources"]) for c in components(tree))
        for code in explainer.meta.related_indicators:
            assert f"/indicator/{code}" in hrefs(tree)


def test_english_review_dates_are_written_as_the_forum_writes_them_without_a_leading_zero(app, monkeypatch):
    lib = loader.library()
    explainer = lib.explainers["human-trafficking"]
    explainer = dataclasses.replace(
        explainer, meta=explainer.meta.model_copy(update={"last_reviewed": date(2026, 12, 6)})
    )
    lib = dataclasses.replace(lib, explainers={**lib.explainers, explainer.slug: explainer})
    for module in ("learn", "learn_explainer"):  # page modules, importable once the app exists
        monkeypatch.setattr(importlib.import_module(f"dashboards.{module}"), "library", lambda: lib)
    for tree in (render(app, "learn"), render(app, "learn_explainer", slug=explainer.slug)):
        text = texts(tree)
        assert "reviewed 6 December 2026" in text and "06 December" not in text


def test_without_a_release_the_charts_say_so_instead_of_failing(app):
    tree = render(app, "learn_explainer", slug="global-estimates")
    assert "The live charts need a data release" in serialised(tree)
    assert not [c for c in components(tree) if isinstance(c, dcc.Graph)]


def test_live_charts_draw_world_trend_regions_countries_and_flags(learn_published, app):
    world = render(app, "learn_explainer", slug="global-estimates")
    graphs = {c.id: go.Figure(c.figure) for c in components(world) if isinstance(c, dcc.Graph)}
    trend = graphs["learn-chart-0"]
    assert list(trend.data[0].x) == [2000, 2008, 2016, 2020] and list(trend.data[0].y) == [30.0, 25.0, 20.0, 21.0]
    assert "No data for this indicator in the current release." in serialised(world)  # hazardous_work_number
    assert "not in the current data release" in serialised(world)  # modern_slavery_number: no such indicator

    bars = next(f for f in graphs.values() if f.data and f.data[0].type == "bar")  # modern_slavery_per_1000
    assert [t.name for t in bars.data] == ["2016", "2021"]
    assert list(bars.data[1].x) == ["Africa (ILO)", "Asia and the Pacific (ILO)"] and list(bars.data[1].y) == [1.5, 2.5]

    survey = render(app, "learn_explainer", slug="measuring-child-labour")
    histogram = next(go.Figure(c.figure) for c in components(survey) if isinstance(c, dcc.Graph))
    assert sorted(histogram.data[0].x) == [5.0, 8.0, 12.0]  # latest value per country: NPL 2019, not 2014
    assert "3 countries, latest values from 2014–2019" in serialised(survey)

    flags = render(app, "learn_explainer", slug="ilo-conventions-and-ratification")
    bars = [go.Figure(c.figure) for c in components(flags) if isinstance(c, dcc.Graph)]
    assert any(dict(zip(b.data[0].y, b.data[0].x, strict=True)).get("Ratified") == 2 for b in bars)


def test_explainer_lists_the_dashboards_that_use_it(learn_published, app):
    tree = render(app, "learn_explainer", slug="global-estimates")
    used = next(c for c in components(tree) if getattr(c, "id", None) == "learn-used-by")
    links = hrefs(used)
    assert "/indicator/child_labour_number" in links  # its `explainer` field names this slug
    assert "/theme/child-labour" in links  # content/themes.yaml lists it
    assert "/" in links  # front matter `dashboards`


def test_unknown_explainer_gets_a_friendly_page_with_suggestions(app):
    tree = render(app, "learn_explainer", slug="trafficking")
    assert "Explainer not found" in serialised(tree)
    suggestions = next(c for c in components(tree) if getattr(c, "id", None) == "learn-suggestions")
    assert "/learn/human-trafficking" in hrefs(suggestions)


def test_glossary_page_anchors_every_term_by_slug(app):
    tree = render(app, "glossary")
    ids = {c.id for c in components(tree) if isinstance(c, html.Section)}
    assert set(loader.library().glossary) <= ids
    assert "forced-labour" in ids and "m49" in ids


def test_routes_answer_without_server_errors(app):
    client = app.server.test_client()
    for path in ("/learn", "/learn?topic=measurement", "/learn/sdg-target-8-7", "/learn/glossary", "/learn/nope"):
        assert client.get(path).status_code == 200, path


# -- safe rendering ----------------------------------------------------------------------------------------
HOSTILE = """## Hello

<script>alert("owned")</script>

Click [here](javascript:alert(1)) or [there](JAVASCRIPT:alert(2)) or <javascript:alert(3)>,
[data](data:text/html;base64,PHNjcmlwdD4=) and <img src=x onerror=alert(4)>.
A [good link](https://www.ilo.org) and a [term](/learn/glossary#forced-labour).
"""


def test_script_and_javascript_links_are_rendered_inert():
    tree = html.Div(_markdown.render(HOSTILE))
    every = components(tree)
    assert not [c for c in every if type(c).__name__ in ("Script", "Iframe", "Img", "ObjectEl", "Embed")]
    links = [c.href for c in every if getattr(c, "href", None)]
    assert links == ["https://www.ilo.org", "/learn/glossary#forced-labour"]
    assert not any(getattr(c, "dangerously_allow_html", False) for c in every)
    text = serialised(tree)
    assert '<script>alert(\\"owned\\")</script>' in text  # shown as text, escaped by React
    assert "javascript:alert(1)" in text  # the refused link stays visible as plain text


def test_a_link_that_bypassed_the_parser_check_is_still_inert():
    inert = _markdown.link("  jaVa\nscript:alert(1)", ["x"])
    assert isinstance(inert, html.Span) and "unsafe-link" in inert.className
    assert isinstance(_markdown.link("/learn/glossary#prevalence", ["p"]), dcc.Link)
    external = _markdown.link("https://example.org", ["e"])
    assert isinstance(external, html.A) and external.rel == "noopener noreferrer"


def test_other_pages_can_link_a_glossary_term_by_any_of_its_names():
    from dashboards import _learn  # noqa: PLC0415

    link = _learn.glossary_link("detected victims", "detected")
    assert isinstance(link, dcc.Link) and link.href == "/learn/glossary#detected-victim" and link.children == "detected"
    assert _learn.glossary_link("Trafficking in persons").href == "/learn/glossary#human-trafficking"
    assert _learn.glossary_link("no such thing") == "no such thing"


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_ratified_bar_of_a_learn_chart_stands_out_in_every_language(app, lang):
    import pandas as pd  # noqa: PLC0415
    from flask_babel import gettext as _  # noqa: PLC0415

    from dashboards import _figures, _learn  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        frame = pd.DataFrame({"label": [_("Ratified"), _("Not ratified (in these data)")], "value": [150, 40]})
        bars = _learn.flag_figure(frame, "C182").data[0]
        ratified = _("Ratified")
    labels = bars.y if isinstance(bars.y[0], str) else bars.x
    assert dict(zip(labels, bars.marker.color, strict=True))[ratified] == _figures.HIGHLIGHT
    assert list(bars.marker.color).count(_figures.HIGHLIGHT) == 1
