"""The learning-space content: every explainer and glossary term is valid, cited, and links only to real places."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

import config
from content import links
from content.loader import (
    GLOSSARY_FILE,
    LEARN_DIR,
    indicator_explainer_problems,
    internal_links,
    load_explainer,
    load_files,
    load_glossary,
    load_library,
    load_themes,
)
from content.models import TOPICS, ContentError, slugify

#: The explainer slugs of notes/COMMON.md; measuring-progress is written by the progress helper.
CONTRACT_SLUGS = {
    "sdg-target-8-7",
    "child-labour-definitions",
    "forced-labour-and-modern-slavery",
    "human-trafficking",
    "measuring-child-labour",
    "global-estimates",
    "detected-victims-vs-prevalence",
    "reading-uncertainty",
    "data-gaps-and-comparability",
    "ilo-conventions-and-ratification",
    "alliance-8-7-and-pathfinders",
    "global-slavery-index",
    "risk-factors-and-context",
}
REQUIRED_TERMS = [
    "child labour",
    "hazardous work",
    "children in employment",
    "forced labour",
    "modern slavery",
    "forced marriage",
    "human trafficking",
    "detected victim",
    "prevalence",
    "modelled estimate",
    "confidence interval",
    "ratification",
    "pathfinder country",
    "M49",
]


@pytest.fixture(scope="module")
def lib():
    return load_library(strict=True)


@pytest.fixture(scope="module")
def indicator_codes() -> set[str]:
    entries = yaml.safe_load((config.ROOT / "data" / "reference" / "indicators.yaml").read_text(encoding="utf-8"))
    return {entry["code"] for entry in entries}


@pytest.fixture(scope="module")
def theme_slugs() -> set[str]:
    entries = yaml.safe_load((config.ROOT / "content" / "themes.yaml").read_text(encoding="utf-8"))
    return {entry["slug"] for entry in entries}


def test_every_content_file_loads_with_valid_front_matter(lib):
    files = sorted(LEARN_DIR.glob("*.md"))
    assert len(lib.explainers) == len(files) >= 13
    assert CONTRACT_SLUGS <= set(lib.explainers)
    for explainer in lib.explainers.values():
        assert explainer.meta.slug == explainer.path.stem
        assert set(explainer.meta.topics) <= set(TOPICS)
        assert explainer.words > 300, f"{explainer.slug} is too short to explain anything"


def test_every_topic_of_the_vocabulary_has_an_explainer(lib):
    groups = lib.by_topic()
    assert all(groups[topic] for topic in TOPICS), {t: len(e) for t, e in groups.items()}


def test_every_explainer_an_indicator_names_exists(lib, monkeypatch, tmp_path):
    assert indicator_explainer_problems(lib.explainers) == []
    reference = tmp_path / "reference"
    shutil.copytree(config.settings().reference_dir, reference)
    text = (reference / "indicators.yaml").read_text(encoding="utf-8")
    (reference / "indicators.yaml").write_text(
        text.replace("explainer: measuring-child-labour", "explainer: no-such-explainer", 1), encoding="utf-8"
    )
    monkeypatch.setenv("DELTA87_REFERENCE_DIR", str(reference))
    assert indicator_explainer_problems(lib.explainers) == [
        "indicators.yaml: child_labour_5_17.explainer: no explainer 'no-such-explainer' in content/learn"
    ]


def test_every_related_indicator_is_defined_in_the_reference_list(lib, indicator_codes):
    for explainer in lib.explainers.values():
        missing = set(explainer.meta.related_indicators) - indicator_codes
        assert not missing, f"{explainer.path.name}: related_indicators not in indicators.yaml: {missing}"


@pytest.mark.realdata
def test_every_related_indicator_has_data_in_the_real_warehouse(lib, real_warehouse, real_release):
    with_data = set(real_warehouse.indicators(real_release)["code"])
    for explainer in lib.explainers.values():
        missing = set(explainer.meta.related_indicators) - with_data
        assert not missing, f"{explainer.path.name}: related_indicators missing from the warehouse: {missing}"


def test_every_internal_link_resolves(lib, indicator_codes, theme_slugs):
    texts = [(e.path.name, e.body) for e in lib.explainers.values()]
    texts += [(f"glossary: {t.term}", t.definition) for t in lib.glossary.values()]
    routes = [(e.path.name, route) for e in lib.explainers.values() for route in e.meta.dashboards]
    hrefs = routes + [(name, href) for name, text in texts for href in internal_links(text)]
    assert len(hrefs) > 100
    for name, href in hrefs:
        path, _, anchor = href.partition("#")
        assert links.check_content_link(href, lib.explainers, lib.glossary) is None, f"{name}: {href}"
        if path.startswith("/indicator/"):
            assert path.removeprefix("/indicator/") in indicator_codes, f"{name}: {href}"
        if path.startswith("/theme/"):
            assert path.removeprefix("/theme/") in theme_slugs, f"{name}: {href}"
        if path == links.GLOSSARY_ROUTE:
            assert anchor in lib.glossary, f"{name}: {href}"


def test_every_route_linked_from_content_is_served_by_a_page(lib, app):
    import dash  # noqa: PLC0415
    from dash._pages import _path_to_page  # noqa: PLC0415

    served = {page["module"] for page in dash.page_registry.values()}
    hrefs = {href for e in lib.explainers.values() for href in [*internal_links(e.body), *e.meta.dashboards]}
    for href in sorted(h for h in hrefs if h.startswith("/")):
        page, _ = _path_to_page(href.split("#")[0].split("?")[0].strip("/"))
        assert page.get("module") in served, f"no page serves {href}"
        assert page["module"] != "dashboards.not_found_404", href


def test_glossary_links_in_explainers_point_at_anchored_terms(lib):
    glossary_links = [h for e in lib.explainers.values() for h in internal_links(e.body) if "/learn/glossary#" in h]
    assert len(glossary_links) >= 30
    assert {h.split("#")[1] for h in glossary_links} <= set(lib.glossary)


def test_every_source_is_cited_in_the_sources_section(lib):
    for explainer in lib.explainers.values():
        raw = explainer.path.read_text(encoding="utf-8")
        section = re.split(r"^## Sources\s*$", raw, flags=re.M)
        assert len(section) == 2, f"{explainer.path.name} needs exactly one '## Sources' section, at the end"
        cited = re.sub(r"\s+", " ", section[1].replace("*", ""))
        for source in explainer.meta.sources:
            for part in (source.publisher, source.title, source.date):
                assert part in cited, f"{explainer.path.name}: {part!r} not cited"


def test_glossary_has_the_contract_terms_anchored_by_slug(lib):
    slugs = {slugify(term) for term in REQUIRED_TERMS}
    assert slugs <= set(lib.glossary)
    assert all(slug == slugify(term.term) for slug, term in lib.glossary.items())
    assert lib.glossary["forced-labour"].term == "Forced labour"


# -- the loader refuses bad files, naming the file and the field ---------------------------------------------
GOOD = """---
title: A test explainer
slug: {slug}
summary: A synthetic explainer written by the test suite to exercise the loader.
topics: [measurement]
related_indicators: [child_labour_5_17]
sources:
  - publisher: Test Publisher
    title: A Test Title
    year: 2020
last_reviewed: 2024-01-01
reading_time: 1
---

Some text about [[forced labour]] and [a page](/learn/glossary#prevalence).

## Sources

- Test Publisher (2020). *A Test Title*.
"""

BAD_CASES = [
    ("year: 2020", "year: 1800", "sources.0.year"),
    ("topics: [measurement]", "topics: [cooking]", "topics.0"),
    ("reading_time: 1", "reading_time: 1\ncolour: blue", "colour"),
    ("title: A test explainer\n", "", "title"),
    ("slug: {slug}", "slug: another-slug", "slug"),
    ("last_reviewed: 2024-01-01", "last_reviewed: 2999-01-01", "last_reviewed"),
    ("reading_time: 1", "reading_time: 30", "reading_time"),
    ("related_indicators: [child_labour_5_17]", "related_indicators: [Child Labour]", "related_indicators"),
    ("[[forced labour]]", "[[forced labor camps]]", "body"),
    ("(/learn/glossary#prevalence)", "(javascript:alert(1))", "body"),
    ("(/learn/glossary#prevalence)", "(data:text/html;base64,PHNjcmlwdD4=)", "body"),
    ("(/learn/glossary#prevalence)", "(vbscript:msgbox)", "body"),
    ("Some text", "<script>alert(1)</script> Some text", "body"),
    ("Some text", '<a href="https://x.org">x</a> Some text', "body"),
    ("(/learn/glossary#prevalence)", "(/learn/glossary#no-such-term)", "body"),
    ("(/learn/glossary#prevalence)", "(/learn/no-such-explainer)", "body"),
    ("## Sources", "## References", "body"),
    ("- Test Publisher (2020). *A Test Title*.", "- Someone else (2021).", "sources.0"),
    ("    year: 2020", "    year: null", "sources.0"),
    ("---\ntitle", "title", "front matter"),
]


def content_copy(tmp_path: Path) -> Path:
    """A copy of the real explainers, so cross-links from the glossary still resolve."""
    return Path(shutil.copytree(LEARN_DIR, tmp_path / "learn"))


@pytest.mark.parametrize(("old", "new", "field"), BAD_CASES, ids=[case[2] + ":" + case[1][:20] for case in BAD_CASES])
def test_loader_rejects_a_bad_file_naming_file_and_field(tmp_path, old, new, field):
    learn = content_copy(tmp_path)
    name = "bad-explainer"
    text = GOOD.replace(old, new).replace("{slug}", name)
    assert text != GOOD.replace("{slug}", name), "the case must change the file"
    (learn / f"{name}.md").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(learn, GLOSSARY_FILE, strict=True)
    message = str(caught.value)
    assert message.startswith(f"{name}.md: "), message
    assert field in message, message


def test_a_good_file_loads_and_expands_glossary_links(tmp_path):
    learn = content_copy(tmp_path)
    (learn / "good-one.md").write_text(GOOD.replace("{slug}", "good-one"), encoding="utf-8")
    lib = load_library(learn, GLOSSARY_FILE, strict=True)
    body = lib.explainers["good-one"].body
    assert "[forced labour](/learn/glossary#forced-labour)" in body


def test_lenient_loading_skips_a_bad_file_and_reports_it(tmp_path):
    learn = content_copy(tmp_path)
    (learn / "broken.md").write_text("no front matter here", encoding="utf-8")
    lib = load_library(learn, GLOSSARY_FILE, strict=False)
    assert "broken" not in lib.explainers and len(lib.explainers) >= 13
    assert any(p.startswith("broken.md: front matter") for p in lib.problems)


def test_glossary_rejects_unknown_see_also_and_duplicate_terms(tmp_path):
    path = tmp_path / "glossary.yaml"
    entry = {"term": "Thing", "definition": "A synthetic definition for the loader test."}
    path.write_text(yaml.safe_dump({"terms": [{**entry, "see_also": ["nothing"]}]}), encoding="utf-8")
    with pytest.raises(ContentError, match=r"glossary.yaml: terms.0.see_also"):
        load_glossary(path)
    path.write_text(yaml.safe_dump({"terms": [entry, entry]}), encoding="utf-8")
    with pytest.raises(ContentError, match=r"glossary.yaml: terms.1.term: duplicate"):
        load_glossary(path)
    path.write_text(yaml.safe_dump({"terms": [{**entry, "definition": "see [x](javascript:alert(1)) now ok"}]}))
    with pytest.raises(ContentError, match=r"terms.0.definition: unsafe"):
        load_glossary(path)


@pytest.mark.parametrize("load", [load_glossary, load_themes])
def test_a_content_file_saved_in_another_encoding_than_utf8_is_a_content_error_naming_it(tmp_path, load):
    path = tmp_path / "file.yaml"
    path.write_bytes("terms:\n- term: Caf\u00e9\n".encode("latin-1"))
    expected = "file.yaml: file: it is not UTF-8 text (byte 0xe9 on line 2); save it as UTF-8"
    with pytest.raises(ContentError, match=f"^{re.escape(expected)}$"):
        load(path)


def test_a_markdown_page_saved_in_another_encoding_names_the_byte_line_and_fix_as_the_etl_does(tmp_path):
    (tmp_path / "page.md").write_bytes("---\ntitle: x\n---\n\nCaf\u00e9\n".encode("latin-1"))
    expected = "page.md: file: it is not UTF-8 text (byte 0xe9 on line 5); save it as UTF-8"
    assert load_files(tmp_path, load_explainer, {}, strict=False) == ({}, [expected])
    with pytest.raises(ContentError, match=f"^{re.escape(expected)}$"):
        load_files(tmp_path, load_explainer, {}, strict=True)


@pytest.mark.parametrize(
    ("href", "safe"),
    [
        ("https://www.ilo.org/x", True),
        ("http://example.org", True),
        ("mailto:someone@example.org", True),
        ("/learn/glossary#prevalence", True),
        ("#sources", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" java\tscript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:msgbox", False),
        ("file:///etc/passwd", False),
        ("//evil.example.org", False),
        ("/\\evil.example.org", False),
        ("relative/page", False),
        ("", False),
    ],
)
def test_safe_href_allows_only_web_mail_site_and_anchor_links(href, safe):
    assert (links.safe_href(href) is not None) is safe


def test_content_folder_has_no_stray_files():
    allowed = {".md"}
    stray = [p.name for p in Path(LEARN_DIR).iterdir() if p.suffix not in allowed]
    assert not stray
