"""The forum pages: the list with its filters and pages, an article with its tags, responses and related articles,
"From the forum" on country, indicator and theme pages, search, the Atom feed, and 404 for an unknown slug."""

from __future__ import annotations

import importlib

import feedparser
import pytest

from content.loader import library
from dashboards import _search
from tests.conftest import components, find, hrefs, render, texts


@pytest.fixture
def published(learn_published) -> str:
    """The synthetic learning-space release (VNM, CIV, NPL), published (request it before `app`)."""
    return learn_published


def article_links(tree) -> list[str]:
    """The article addresses a list links, in order, once each."""
    found = [h for h in hrefs(tree) if h.startswith("/forum/") and h != "/forum/contribute"]
    return list(dict.fromkeys(found))


# -- /forum ---------------------------------------------------------------------------------------------------
def test_forum_lists_every_article_newest_first(app):
    tree = render(app, "forum")
    expected = [f"/forum/{slug}" for slug in library().articles]
    assert len(expected) >= 6 and article_links(find(tree, "forum-list")) == expected
    assert "/forum/contribute" in hrefs(tree) and "/forum/feed.xml" in hrefs(tree)


@pytest.mark.parametrize(
    ("query", "tag"), [({"theme": "trafficking"}, "themes"), ({"country": "npl"}, "countries"),
                       ({"indicator": "child_labour_5_17"}, "indicators")]
)  # fmt: skip
def test_a_filter_keeps_the_tagged_articles_and_lives_in_the_url(app, query, tag):
    tree = render(app, "forum", **query)
    value = next(iter(query.values())).upper() if "country" in query else next(iter(query.values()))
    expected = [f"/forum/{a.slug}" for a in library().articles.values() if value in getattr(a.meta.tags, tag)]
    assert expected and article_links(find(tree, "forum-list")) == expected
    assert len(expected) < len(library().articles)
    name = next(iter(query))
    selected = find(tree, f"forum-filter-{name}-{value}")
    assert selected.href == "/forum" and "×" in selected.children  # clicking the selected value removes it


def test_filters_combine_in_a_shareable_address(app):
    tree = render(app, "forum", country="NPL", theme="child-labour")
    link = find(tree, "forum-filter-indicator-child_labour_5_17")
    assert link.href == "/forum?theme=child-labour&country=NPL&indicator=child_labour_5_17"
    for href in article_links(find(tree, "forum-list")):
        tags = library().articles[href.removeprefix("/forum/")].meta.tags
        assert "NPL" in tags.countries and "child-labour" in tags.themes


def test_malformed_and_unmatched_filters_are_named_not_fatal(app):
    tree = render(app, "forum", indicator="<script>", country="XYZ")
    text = texts(tree)
    assert "indicator '<script>' is not a valid code" in text
    assert "No article is tagged XYZ." in text and not article_links(find(tree, "forum-list"))


def test_long_lists_are_paginated_keeping_the_filters(app, monkeypatch):
    monkeypatch.setattr(importlib.import_module("dashboards.forum"), "PAGE_SIZE", 2)  # a page module needs the app
    slugs = [f"/forum/{slug}" for slug in library().articles]
    first = render(app, "forum")
    assert article_links(find(first, "forum-list")) == slugs[:2]
    assert "/forum?page=2" in hrefs(find(first, "forum-pages"))
    second = render(app, "forum", page="2")
    assert article_links(find(second, "forum-list")) == slugs[2:4]
    assert {"/forum", "/forum?page=3"} <= set(hrefs(find(second, "forum-pages")))
    filtered = render(app, "forum", theme="child-labour", page="2")
    assert "/forum?theme=child-labour" in hrefs(find(filtered, "forum-pages"))
    assert article_links(find(render(app, "forum", page="999"), "forum-list")) == slugs[-(len(slugs) % 2 or 2) :]
    for junk in ("x", "0", "-1", "²"):  # not a page number: the first page
        assert article_links(find(render(app, "forum", page=junk), "forum-list")) == slugs[:2], junk


# -- /forum/<slug> --------------------------------------------------------------------------------------------
def test_an_article_page_shows_authors_date_tags_responses_and_related(published, app):
    lib = library()
    original = lib.articles["global-child-labour-estimates-2024"]
    tree = render(app, "forum_post", slug=original.slug)
    assert find(tree, "forum-article").children[0].children == original.title
    assert "Delta 8.7 editorial team (Delta 8.7 data platform)" in find(tree, "forum-byline").children
    assert "1 December 2026" in find(tree, "forum-byline").children
    tags = hrefs(find(tree, "forum-tags"))
    assert {"/country/NPL", "/indicator/child_labour_5_17", "/theme/child-labour"} <= set(tags)
    assert "Nepal" in texts(find(tree, "forum-tags"))  # names from the served release
    assert "/forum/measuring-progress-with-two-surveys" in hrefs(find(tree, "forum-responses"))
    related = article_links(find(tree, "forum-related"))
    assert related and original.slug not in related and "/forum/measuring-progress-with-two-surveys" not in related
    response = render(app, "forum_post", slug="measuring-progress-with-two-surveys")
    assert hrefs(find(response, "forum-responds-to")) == [f"/forum/{original.slug}"]
    assert f"/forum/{original.slug}" not in article_links(find(response, "forum-related"))


def test_every_article_page_answers_and_an_unknown_slug_is_a_404(published, client):
    for slug in library().articles:
        assert client.get(f"/forum/{slug}").status_code == 200, slug
    for path in ("/forum", "/forum?country=NPL&page=2", "/forum/contribute"):
        assert client.get(path).status_code == 200, path
    for path in ("/forum/no-such-article", "/forum/feed", "/forum/a/b"):
        assert client.get(path).status_code == 404, path


def test_an_unknown_slug_renders_the_404_page(app):
    tree = render(app, "forum_post", slug="no-such-article")
    assert find(tree, "not-found-page") is not None and "/forum" in hrefs(tree)


def test_the_contribute_page_explains_format_checklist_and_licence(published, app):
    tree = render(app, "forum_contribute")
    text = texts(tree)
    for words in ("content/forum/<slug>.md", "review checklist", "A source for every claim",
                  "Figures through shortcodes", "CC BY 4.0", "delta87 content check"):  # fmt: skip
        assert words in text, words
    assert "is  8%  (Nepal, 2019, ages 5–17; source: " in text  # the live example, from the synthetic release


# -- tags both ways -------------------------------------------------------------------------------------------
def test_country_indicator_and_theme_pages_list_their_articles(published, app):
    pages = {("country", "iso3", "NPL"): "countries", ("indicator", "code", "child_labour_5_17"): "indicators",
             ("theme", "slug", "child-labour"): "themes"}  # fmt: skip
    for (module, arg, value), tag in pages.items():
        section = find(render(app, module, **{arg: value}), "forum-section")
        assert section is not None, module
        expected = [f"/forum/{a.slug}" for a in library().articles.values() if value in getattr(a.meta.tags, tag)]
        assert article_links(section) == expected[:3], module
        assert f"?{module}={value}" in hrefs(section)[-1]  # "All N forum articles on this topic"


def test_pages_without_tagged_articles_have_no_forum_section(published, app):
    assert find(render(app, "country", iso3="CIV"), "forum-section") is None


# -- search and feed ------------------------------------------------------------------------------------------
def test_site_search_finds_articles(published, app):
    with app.server.test_request_context("/"):
        results = _search.search("ratification is not implementation")
    assert results.groups["article"][0].href == "/forum/ratification-is-not-implementation"
    with app.server.test_request_context("/"):
        body = _search.search("Dutch rapporteur")
    assert [h.href for h in body.groups["article"]] == ["/forum/reading-detected-victim-counts"]


def test_the_feed_is_valid_atom_with_one_entry_per_article(published, client):
    response = client.get("/forum/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.title == "Delta 8.7 forum"
    articles = list(library().articles.values())
    assert [e.link for e in parsed.entries] == [f"http://localhost/forum/{a.slug}" for a in articles]
    assert [e.title for e in parsed.entries] == [a.title for a in articles]
    first = parsed.entries[0]
    assert first.summary == articles[0].meta.summary and first.published.startswith(str(articles[0].meta.date))
    assert first.author == "Delta 8.7 editorial team (Delta 8.7 data platform)"
    assert {"NPL", "child-labour"} <= {t.term for t in first.tags}


def test_the_navigation_has_a_forum_entry(app):
    with app.server.test_request_context("/"):
        shell = app.layout()
    assert any(getattr(c, "href", None) == "/forum" and c.children == "Forum" for c in components(shell))
