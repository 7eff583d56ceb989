"""Live figures in content: shortcodes rendered from the served release with their source line, a visible notice
(never an error) for a shortcode that cannot be drawn, and a flag on a figure that changed since the release an
article was written against."""

from __future__ import annotations

import pytest
from dash import dcc, html

from cli import warm
from content.loader import load_article, load_library
from dashboards import _embeds, _markdown
from tests import factories as f
from tests import learn_release
from tests.conftest import components, texts
from tests.test_api import OUTDATED, outdated_release
from tests.test_forum_content import GOOD, write_article


@pytest.fixture
def published(learn_published) -> str:
    """The synthetic learning-space release: child_labour_5_17 for NPL 9.0 (2014) and 8.0 (2019), VNM, CIV."""
    return learn_published


def rendered(app, markdown: str, baseline: str | None = None):
    with app.server.test_request_context("/"):
        return html.Div(_markdown.render(markdown, _embeds.Embedder(baseline, prefix="t")))


def test_a_figure_shows_the_latest_value_with_its_source_line(published, app):
    tree = rendered(app, "Nepal: {{figure indicator=child_labour_5_17 area=NPL}}.")
    span = next(c for c in components(tree) if getattr(c, "className", None) == "embed-figure")
    assert texts(span) == "8%  (Nepal, 2019, ages 5–17; source: Synthetic synthetic)"  # the short name of the source
    older = rendered(app, "{{figure indicator=child_labour_5_17 area=NPL year=2014}}")
    assert "9%  (Nepal, 2014, ages 5–17" in texts(older)


def test_a_chart_draws_one_line_per_area_with_its_source_note(published, app):
    tree = rendered(app, "Text.\n\n{{chart indicator=child_labour_5_17 areas=NPL,VNM}}\n")
    graph = next(c for c in components(tree) if isinstance(c, dcc.Graph))
    assert graph.id == "t-chart-0"
    assert [(t["name"], t["x"]) for t in graph.figure["data"]] == [("Nepal", [2014, 2019]), ("Viet Nam", [2014])]
    assert "Source: " in texts(tree) and "Nepal: 9% in 2014, 8% in 2019" in texts(tree)
    assert not [c for c in components(tree) if isinstance(c, html.P) and isinstance(c.children, html.Div)]


@pytest.mark.parametrize(
    ("markdown", "notice"),
    [
        ("{{figure indicator=child_labour_5_17}}", "figure: missing area"),
        ("{{figure indicator=child_labour_5_17 area=NPL year=19x9}}", "year '19x9' is not a year"),
        ("{{figure indicator=no_such_code area=NPL}}", "the indicator 'no_such_code' is not in the current data"),
        ("{{figure indicator=child_labour_5_17 area=XYZ}}", "no country or region XYZ"),
        ("{{figure indicator=child_labour_5_17 area=NPL year=1990}}", "no value of Child labour rate (synthetic)"),
        ('{{figure indicator=child_labour_5_17 area=NPL age="all ages"}}', "for Nepal (age all ages)"),
        ("A {{chart indicator=child_labour_5_17 areas=NPL}} inside text", "must stand on a line of its own"),
        ("{{chart indicator=hazardous_work_number areas=WLD}}", "no values of Children in hazardous work"),
        ("{{table indicator=x}}", "unknown shortcode 'table'"),
    ],
)
def test_a_shortcode_that_cannot_be_drawn_shows_a_visible_notice(published, app, markdown, notice):
    text = texts(rendered(app, markdown))
    assert "not shown: " in text and notice in text, text


def test_without_a_release_a_shortcode_says_so(app):
    text = texts(rendered(app, "{{figure indicator=child_labour_5_17 area=NPL}}"))
    assert "this live figure needs a data release, and none is available" in text


def test_an_article_with_a_bad_shortcode_is_served_with_a_notice_not_an_error(published, app, tmp_path, monkeypatch):
    text = GOOD.replace("area=NPL}}", "area=NPL year=nineteen}}").replace("{slug}", "bad-code")
    lib = load_library(strict=True, forum_dir=write_article(tmp_path / "forum", "bad-code", text).parent)
    monkeypatch.setattr("dashboards._forum.articles", lambda: lib.articles)
    client = app.server.test_client()
    specs = client.get("/_dash-dependencies").get_json()
    body = warm.router_body(next(s for s in specs if warm.ROUTER in s["output"]), "/forum/bad-code")
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert "[live figure not shown: figure: year 'nineteen' is not a year such as 2019]" in response.get_data(True)


# -- changes since the release an article was written against ----------------------------------------------
def republish(root, value: float) -> str:
    """A second release in which Nepal's 2019 child labour rate is `value` (everything else as before)."""
    obs = learn_release.observations()
    obs.loc[(obs["iso3"] == "NPL") & (obs["year"] == 2019), "value"] = value
    return f.make_release(root, obs, indicators=learn_release.INDICATORS, countries=learn_release.COUNTRIES,
                          regions=learn_release.REGIONS)  # fmt: skip


def test_a_figure_that_changed_since_the_articles_release_is_flagged(published, warehouse_root, app):
    republish(warehouse_root, 7.0)
    text = "{{figure indicator=child_labour_5_17 area=NPL}} {{figure indicator=child_labour_5_17 area=VNM}}"
    tree = rendered(app, text + "\n\n{{chart indicator=child_labour_5_17 areas=NPL}}\n", baseline=published)
    flags = [texts(c) for c in components(tree) if isinstance(c, html.Mark)]
    assert flags == [
        f"changed since this was written against release {published}: was 8% (2019)",
        f"The data in this chart changed since it was written against release {published}.",
    ]
    assert "7%" in texts(tree)


def test_an_unchanged_figure_is_not_flagged_and_a_release_with_the_same_content_counts(published, app):
    suffix = published.rsplit("-", 1)[1]
    for baseline in (published, f"r20200101T000000Z-{suffix}"):  # the same data, published elsewhere
        tree = rendered(app, "{{figure indicator=child_labour_5_17 area=NPL}}", baseline=baseline)
        assert not [c for c in components(tree) if isinstance(c, html.Mark)]
        with app.server.test_request_context("/"):
            assert _embeds.baseline_note(baseline) is None


def test_a_release_no_longer_on_disk_is_named_in_a_note(published, app):
    with app.server.test_request_context("/"):
        note = _embeds.baseline_note("r20200101T000000Z-00000000")
    assert note.startswith("Written against data release r20200101T000000Z-00000000, which is no longer available")


def test_a_release_an_older_version_built_is_named_as_unreadable_not_gone(published, warehouse_root, app):
    outdated_release(warehouse_root, published)
    with app.server.test_request_context("/"):
        note = _embeds.baseline_note(OUTDATED)
    assert note.startswith(f"Written against data release {OUTDATED}, which an older version of the platform built")


def test_a_loaded_article_renders_its_figures_and_glossary_links(published, app, tmp_path):
    path = write_article(tmp_path, "article", GOOD.replace("{slug}", "article"))
    article = load_article(path, {"forced-labour": "forced-labour"})
    tree = rendered(app, article.body)
    assert "8%" in texts(tree) and "forced labour" in texts(tree)
