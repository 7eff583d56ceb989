"""Forum articles as content: the real articles load, bad front matter is refused naming file and field, the
shortcode syntax is parsed and checked, and `delta87 content check` names every problem of a broken article."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from cli import main
from content import shortcodes
from content.check import Known, check_all
from content.loader import FORUM_DIR, LEARN_DIR, load_library
from content.models import ContentError

FIXTURES = Path(__file__).parent / "fixtures"
EDITORIAL = "Delta 8.7 editorial team"


@pytest.fixture(scope="module")
def lib():
    return load_library(strict=True)


# -- the articles shipped with the platform ------------------------------------------------------------------
def test_at_least_six_articles_load_newest_first_by_the_editorial_team(lib):
    articles = list(lib.articles.values())
    assert len(articles) >= 6
    assert [a.meta.date for a in articles] == sorted((a.meta.date for a in articles), reverse=True)
    for article in articles:
        assert [a.name for a in article.meta.authors] == [EDITORIAL], article.slug


def test_every_article_uses_live_figures_and_valid_shortcodes(lib):
    known = Known(indicators=frozenset(_reference_codes()), themes=frozenset(lib.themes))
    for article in lib.articles.values():
        found = shortcodes.find(MarkdownIt("commonmark").use(shortcodes.plugin).parse(article.body))
        assert found, f"{article.slug} has no live figure"
        for text in found:
            assert shortcodes.parse(text).indicator in known.indicators, f"{article.slug}: {text}"


def test_responses_point_back_to_an_earlier_article(lib):
    responses = [a for a in lib.articles.values() if a.meta.responds_to]
    assert responses
    for article in responses:
        assert lib.articles[article.meta.responds_to].meta.date <= article.meta.date


def test_forum_folder_has_no_stray_files():
    assert not [p.name for p in FORUM_DIR.iterdir() if p.suffix != ".md"]


def _reference_codes() -> set[str]:
    from content.loader import indicator_definitions  # noqa: PLC0415

    return {str(e["code"]) for e in indicator_definitions()}


# -- the loader refuses a bad article --------------------------------------------------------------------------
GOOD = """---
title: A test article
slug: {slug}
date: 2026-01-02
summary: A synthetic article written by the test suite to exercise the loader.
authors:
  - name: Test author
    affiliation: Test organisation
tags:
  countries: [NPL]
  indicators: [child_labour_5_17]
  themes: [child-labour]
release: r20260101T000000Z-0123abcd
sources:
  - publisher: Test Publisher
    title: A Test Title
    year: 2020
---

Nepal: {{figure indicator=child_labour_5_17 area=NPL}}, and [[forced labour]].

## Sources

- Test Publisher (2020). *A Test Title*.
"""

BAD_CASES = [
    ("date: 2026-01-02", "date: 2999-01-02", "date"),
    ("  - name: Test author\n    affiliation: Test organisation\n", "  - name: Test author\n", "authors.0.affiliation"),
    ("countries: [NPL]", "countries: [Nepal]", "tags.countries"),
    ("  countries: [NPL]\n  indicators: [child_labour_5_17]\n  themes: [child-labour]\n", "  countries: []\n", "tags"),
    ("release: r20260101T000000Z-0123abcd", "release: latest", "release"),
    ("slug: {slug}", "slug: contribute", "slug"),
    ("release: r2026", "licence: all rights reserved\nrelease: r2026", "licence"),
    ("release: r2026", "colour: blue\nrelease: r2026", "colour"),
    ("## Sources", "## References", "body"),
    ("[[forced labour]]", "<b>raw</b>", "body"),
    ("themes: [child-labour]", "themes: [cooking]", "tags.themes.0"),
    ("release: r2026", "responds_to: no-such-article\nrelease: r2026", "responds_to"),
]


def write_article(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text.replace("{slug}", name), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "field"), BAD_CASES, ids=[case[2] for case in BAD_CASES])
def test_loader_rejects_a_bad_article_naming_file_and_field(tmp_path, old, new, field):
    assert old in GOOD, old
    write_article(tmp_path / "forum", "bad-article", GOOD.replace(old, new))
    with pytest.raises(ContentError) as caught:
        load_library(LEARN_DIR, strict=True, forum_dir=tmp_path / "forum")
    message = str(caught.value)
    assert message.startswith("bad-article.md: "), message
    assert field in message, message


def test_a_good_article_loads_with_its_shortcode_untouched(tmp_path):
    write_article(tmp_path / "forum", "good-article", GOOD)
    lib = load_library(LEARN_DIR, strict=True, forum_dir=tmp_path / "forum")
    article = lib.articles["good-article"]
    assert "{{figure indicator=child_labour_5_17 area=NPL}}" in article.body
    assert "[forced labour](/learn/glossary#forced-labour)" in article.body
    assert article.meta.licence == "CC BY 4.0" and article.reading_time == 1


def test_a_response_dated_before_the_article_it_answers_is_refused(tmp_path):
    write_article(tmp_path / "forum", "first", GOOD.replace("2026-01-02", "2026-02-01"))
    write_article(tmp_path / "forum", "reply", GOOD.replace("release:", "responds_to: first\nrelease:"))
    with pytest.raises(ContentError, match=r"reply.md: responds_to: 'first' is dated after this article"):
        load_library(LEARN_DIR, strict=True, forum_dir=tmp_path / "forum")


# -- shortcodes -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("figure indicator=child_labour_5_17 area=ETH", {"indicator": "child_labour_5_17", "area": "ETH"}),
        (' figure  indicator=x area=WLD age="all ages" sex=female year=2020 ', {"age": "all ages", "year": "2020"}),
        ("chart indicator=child_labour_5_17 areas=NPL,BGD", {"areas": "NPL,BGD"}),
    ],
)
def test_shortcodes_parse_their_parameters(text, expected):
    code = shortcodes.parse(text)
    assert expected.items() <= code.params.items()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("figur indicator=x area=ETH", "unknown shortcode 'figur'"),
        ("figure indicator=x", "missing area"),
        ("figure indicator=x area=ETH colour=red", "unknown parameter colour"),
        ("figure indicator=X-1 area=ETH", "is not an indicator code"),
        ("figure indicator=x area=eth", "area 'eth' is not a code"),
        ("figure indicator=x area=ETH year=20x0", "year '20x0'"),
        ("figure indicator=x area=ETH sex=both", "sex 'both' must be one of"),
        ("figure indicator=x area=ETH area=NPL", "given twice"),
        ('figure indicator=x area=ETH "oops', "cannot read"),
        ("chart indicator=x areas=A1,B2,C3,D4,E5,F6,G7", "at most 6 areas"),
    ],
)
def test_a_bad_shortcode_is_refused_with_a_message_naming_the_problem(text, problem):
    with pytest.raises(shortcodes.ShortcodeError, match=re.escape(problem)):
        shortcodes.parse(text)


def test_the_parser_finds_inline_figures_and_block_charts_but_not_code():
    md = MarkdownIt("commonmark", {"html": False}).use(shortcodes.plugin)
    text = (
        "A *rate* of {{figure indicator=a area=ETH}} here.\n"
        "{{chart indicator=a areas=NPL}}\n\n"
        "`{{figure indicator=b area=ETH}}`\n\n    {{chart indicator=c areas=NPL}}\n"
    )
    tokens = md.parse(text)
    blocks = [t for t in tokens if t.type == shortcodes.TOKEN]
    assert [t.content for t in blocks] == ["chart indicator=a areas=NPL"] and blocks[0].block
    assert shortcodes.find(tokens) == ["figure indicator=a area=ETH", "chart indicator=a areas=NPL"]


# -- delta87 content check --------------------------------------------------------------------------------------
def test_content_check_names_every_problem_of_a_broken_article(isolated_env):
    result = CliRunner().invoke(main, ["content", "check", "--forum-dir", str(FIXTURES / "forum_bad")])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("ERROR broken-article.md: ")]
    expected = [
        "date: Value error, cannot be in the future",  # bad front matter
        "tags.indicators.0: unknown indicator 'no_such_indicator'",  # unknown tags
        "tags.themes.0: unknown theme 'no-such-theme'",
        "body: link /learn/no-such-explainer: no explainer 'no-such-explainer'",  # broken link
        "body: shortcode {{figure indicator=not_an_indicator area=NPL}}: unknown indicator 'not_an_indicator'",
    ]
    for problem in expected:
        assert any(problem in line for line in lines), (problem, result.output)
    assert "no data release to check country and area codes against" in result.output


def test_content_check_checks_countries_and_areas_against_the_served_release(tmp_path, warehouse_root):
    from tests import learn_release  # noqa: PLC0415

    served = learn_release.publish(warehouse_root)
    text = GOOD.replace("r20260101T000000Z-0123abcd", served).replace("countries: [NPL]", "countries: [NPL, XYZ]")
    text = text.replace(
        "and [[forced labour]].",
        "{{chart indicator=child_labour_5_17 areas=NPL,QQQ}} and [Mars](/country/MRS)."
        " In 1990: {{figure indicator=child_labour_5_17 area=NPL year=1990}}; by sex: "
        "{{figure indicator=child_labour_5_17 area=NPL sex=female}}.",
    )
    write_article(tmp_path / "forum", "areas", text)
    report = check_all(forum_dir=tmp_path / "forum")
    assert not report.ok and not report.notes
    assert "areas.md: tags.countries.1: unknown country 'XYZ'" in report.problems
    assert any("areas.md: body: shortcode {{chart" in p and "unknown area QQQ" in p for p in report.problems)
    assert "areas.md: body: link /country/MRS: no country 'MRS'" in report.problems
    no_value = "the served release holds no value for these parameters"
    assert f"areas.md: body: shortcode {{{{figure indicator=child_labour_5_17 area=NPL year=1990}}}}: {no_value}" in (
        report.problems
    )
    assert f"sex=female}}}}: {no_value}" in report.problems[-1]  # the synthetic release has totals only
    assert len(report.problems) == 5, report.problems


def test_content_check_names_the_release_to_pin_when_an_article_pins_one_the_server_lacks(tmp_path, warehouse_root):
    from tests import learn_release  # noqa: PLC0415

    served = learn_release.publish(warehouse_root)
    write_article(tmp_path / "forum", "pinned", GOOD)  # pins r20260101T000000Z-0123abcd, which is not on disk
    write_article(tmp_path / "forum", "current", GOOD.replace("r20260101T000000Z-0123abcd", served))
    report = check_all(forum_dir=tmp_path / "forum")
    assert report.notes == [
        "pinned.md: release: r20260101T000000Z-0123abcd is not on this server, so readers are told its figures cannot"
        f" be checked for changes; once the article's figures are checked against the served release, set `release: {served}`"
    ]


def test_content_check_is_documented_and_has_help():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "delta87 content check" in readme
    result = CliRunner().invoke(main, ["content", "check", "--help"])
    assert result.exit_code == 0 and "--forum-dir" in result.output


def test_content_check_passes_on_the_platform_content(isolated_env):
    result = CliRunner().invoke(main, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert re.search(r"checked 1\d explainers, [6-9] articles, .*: no problems", result.output)


@pytest.mark.realdata
def test_content_check_passes_against_the_real_release(real_warehouse):
    report = check_all()
    assert report.ok and not report.notes, report.lines()


def test_content_check_reports_an_unreadable_glossary(tmp_path):
    shutil.copy(FIXTURES / "forum_bad" / "broken-article.md", tmp_path / "glossary.yaml")
    report = check_all(glossary_file=tmp_path / "glossary.yaml")
    assert not report.ok and report.problems[0].startswith("glossary.yaml: ")
