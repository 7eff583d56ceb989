"""Facts in the learning space checked against the raw publisher files and against the progress engine.

The explainers, glossary, themes and indicator definitions quote published numbers. These tests read the real
raw files (as the raw-data tests do, through the `raw_dir` fixture) and fail when content quotes a number that
no raw file states, presents an older figure as the latest, or describes the progress rules differently from
what etl/progress.py does.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

import config
from content import translations
from content.loader import load_library, plain_text
from etl import progress as pg
from etl.reference import load_indicators
from tests import factories

MILLION = re.compile(r"(\d+(?:\.\d+)?)\s+million")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
LATEST_WORDS = re.compile(r"\b(latest|most recent|currently|still)\b", re.I)
#: Numbers that are not quoted from a publisher but computed by the platform's own method, each checked
#: against the progress engine by a test below.
DERIVED = {"measuring-progress": {6.9}}


# -- the raw files -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def estimates(raw_dir) -> list[dict]:
    """Every row of the global and regional headline estimates, 2025 file included."""
    rows = []
    for name in ("global_estimates.csv", "global_estimates_2025.csv"):
        with open(raw_dir / "global_estimates" / name, encoding="utf-8", newline="") as handle:
            rows += [dict(row, value=float(row["value"])) for row in csv.DictReader(handle)]
    return rows


def latest_rows(rows: list[dict]) -> list[dict]:
    """For each indicator and area, the rows of its latest reference year (periods such as 2020-2024 count)."""
    last: dict[tuple, str] = {}
    for row in rows:
        key = (row["indicator"], row["area"])
        last[key] = max(last.get(key, ""), row["reference_year"], key=lambda y: y[-4:])
    return [r for r in rows if r["reference_year"] == last[(r["indicator"], r["area"])]]


def world_child_labour(rows: list[dict]) -> dict[int, float]:
    """World number of children in child labour (ages 5-17, millions) by reference year."""
    return {
        int(r["reference_year"]): r["value"]
        for r in rows
        if r["indicator"] == "child_labour_number" and r["area"] == "World" and r["sex"] == "total"
        if r["age"] == "5-17" and r["reference_year"].isdigit()
    }


def millions(rows: list[dict]) -> set[float]:
    """Every number of millions the raw rows state, as values or quoted in their notes."""
    found = {abs(r["value"]) for r in rows if r["unit"] == "million"}
    found |= {float(n) for r in rows for n in MILLION.findall(r["note"])}
    return found


# -- the content -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lib():
    return load_library(strict=True)


def body_text(explainer) -> str:
    """The plain text of an explainer without its Sources section (titles there quote headlines)."""
    return plain_text(explainer.body.split("\n## Sources")[0])


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+", re.sub(r"\s+", " ", text)) if s]


def headed(piece) -> str:
    """An explainer's or article's title, summary and body text, as readers meet them in lists and on its page."""
    return f"{piece.title}. {piece.meta.summary} {body_text(piece)}"


def content_texts(lib) -> list[tuple[str, str]]:
    """(where, plain text) of every explainer and forum article (title, summary and body), glossary definition,
    theme text and indicator text."""
    texts = [(e.slug, headed(e)) for e in lib.explainers.values()]
    texts += [(f"forum:{a.slug}", headed(a)) for a in lib.articles.values()]  # live figures are not text
    texts += [(f"glossary:{t.term}", plain_text(t.definition)) for t in lib.glossary.values()]
    themes = yaml.safe_load((config.ROOT / "content" / "themes.yaml").read_text(encoding="utf-8"))
    for theme in themes:
        texts.append((f"theme:{theme['slug']}", " ".join([theme["summary"], *(f["text"] for f in theme["facts"])])))
    indicators = yaml.safe_load((config.ROOT / "data" / "reference" / "indicators.yaml").read_text(encoding="utf-8"))
    for entry in indicators:
        fields = (entry.get("name", ""), entry.get("definition", ""), entry.get("caveats", ""))
        texts.append((f"indicator:{entry['code']}", " ".join(str(f) for f in fields)))
    return texts


# -- headline numbers ------------------------------------------------------------------------------------
@pytest.mark.realdata
def test_every_million_figure_in_the_content_is_stated_in_the_raw_files(lib, estimates):
    published = millions(estimates)
    for where, text in content_texts(lib):
        allowed = published | DERIVED.get(where, set())
        quoted = {float(n) for n in MILLION.findall(text)}
        assert quoted <= allowed, f"{where}: {sorted(quoted - allowed)} million is in no raw file"


@pytest.mark.realdata
def test_content_quoting_an_older_world_child_labour_total_also_gives_the_latest(lib, estimates):
    world = world_child_labour(estimates)
    year = max(world)
    assert (year, world[year]) == (2024, 138)  # the 2025 report, global_estimates_2025.csv
    older = {value for y, value in world.items() if y < year}
    for where, text in content_texts(lib):
        if {float(n) for n in MILLION.findall(text)} & older:
            assert f"{world[year]:g} million" in text and str(year) in text, f"{where} omits the {year} estimate"


@pytest.mark.realdata
def test_a_figure_presented_as_the_latest_is_the_latest_in_the_raw_files(lib, estimates):
    latest = millions(latest_rows(estimates))
    assert 160 not in latest and {138, 54, 87} <= latest
    checked = 0
    for where, text in content_texts(lib):
        for sentence in sentences(text):
            if LATEST_WORDS.search(sentence) and MILLION.search(sentence):
                checked += 1
                stale = {float(n) for n in MILLION.findall(sentence)} - latest - DERIVED.get(where, set())
                assert not stale, f"{where}: {sorted(stale)} million presented as current in: {sentence}"
    assert checked >= 3


#: How each language says that a number is rounded ("nearly", "around", "over"), before "<n> million".
QUALIFIERS = {
    "en": r"(?:nearly|almost|around|about|over|more than|just over)\s+{n}\s+million",
    "fr": r"(?:près de|presque|environ|plus de|un peu plus de)\s+{n}\s+millions",
    "es": r"(?:casi|alrededor de|unos|más de|cerca de)\s+{n}\s+millones",
}
#: A qualifier the raw file's note quotes for a row's value, e.g. '"nearly 138 million"'.
QUOTED_QUALIFIER = re.compile(
    r'"[^"]*?\b(?:nearly|almost|around|about|over|more than|just over)\s+(\d+(?:\.\d+)?)\s+million'
)
#: A quotation in content text, in the quotation marks of each language.
QUOTATION = re.compile(r'"[^"]*"|«[^»]*»|“[^”]*”')


def translated_texts(lang: str) -> list[tuple[str, str]]:
    """(where, plain text) of every translated explainer body, without its sources section."""
    heading = {"fr": "Sources", "es": "Fuentes"}[lang]
    texts = []
    for path in sorted((config.ROOT / "content" / "i18n" / lang / "learn").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1].split(f"\n## {heading}")[0]
        texts.append((f"{lang}:{path.stem}", plain_text(body)))
    return texts


@pytest.mark.realdata
def test_figures_of_every_year_keep_the_qualifier_their_source_states_in_every_language(lib, estimates):
    qualified = {
        float(n) for r in estimates for n in QUOTED_QUALIFIER.findall(r["note"]) if float(n) == abs(r["value"])
    }
    assert {138, 54, 20} <= qualified  # "nearly 138", "around 54", "over 20 million" fewer: global_estimates_2025.csv
    assert 85 in qualified  # hazardous work in 2012, "just over 85 million" (global_estimates.csv)
    texts = [("en", where, text) for where, text in content_texts(lib)]
    texts += [(lang, where, text) for lang in ("fr", "es") for where, text in translated_texts(lang)]
    unit = {"en": "million", "fr": "millions", "es": "millones"}
    for lang, where, text in texts:
        text = QUOTATION.sub("", re.sub(r"\s+", " ", text))  # a page quoted word for word is not our figure
        for value in qualified:
            n = re.escape(f"{value:g}")
            bare = len(re.findall(rf"(?<![\d.,]){n} {unit[lang]}\b", text))
            kept = len(re.findall(QUALIFIERS[lang].format(n=n), text, re.I))  # "Nearly 138 million" in a title
            assert bare == kept, f"{where}: {value:g} {unit[lang]} without the source's qualifier"


@pytest.mark.realdata
def test_sector_shares_are_published_ones_and_the_latest_share_is_given(lib, estimates):
    sectors = {"agriculture", "services", "industry"}
    shares = {r["value"] for r in estimates if r["indicator"].removeprefix("child_labour_share_") in sectors}
    latest = {
        r["indicator"]: r["value"] for r in latest_rows(estimates) if r["indicator"].startswith("child_labour_share_")
    }
    assert latest["child_labour_share_agriculture"] == 61
    for where, text in content_texts(lib):
        quoted = [float(p) for s in sentences(text) if "agricultur" in s.lower() for p in PERCENT.findall(s)]
        assert set(quoted) <= shares, f"{where}: sector share {set(quoted) - shares} is in no raw file"
        if quoted:
            assert latest["child_labour_share_agriculture"] in quoted, f"{where} omits the latest agriculture share"


@pytest.mark.realdata
def test_every_percentage_in_a_forum_article_is_published_or_in_the_learning_space(lib, estimates):
    per_cent = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per cent)")
    published = {abs(r["value"]) for r in estimates if "percent" in r["unit"]}
    published |= {float(n) for r in estimates for n in per_cent.findall(r["note"])}
    explained = {float(n) for e in lib.explainers.values() for n in per_cent.findall(body_text(e))}
    assert lib.articles
    for article in lib.articles.values():
        quoted = {float(n) for n in per_cent.findall(body_text(article))}
        assert quoted <= published | explained, f"{article.slug}: {sorted(quoted - published - explained)}%"


#: "The latest report" (edition, round, estimates) in each language. A newer edition can appear at any time, so
#: content names the edition ("UNODC's 2024 report") or says by whose knowledge it is the latest ("the latest
#: edition the platform has seen").
LATEST_EDITION = {
    "en": r"\b(?:latest|most recent)\s+(?:[\w-]+\s+){0,2}(?:reports?|editions?|rounds?|estimates?)\b",
    "fr": r"\bderni(?:er|ère)s?\s+(?:[\w-]+\s+){0,2}(?:rapports?|éditions?|estimations?)\b",
    "es": r"\búltim[oa]s?\s+(?:[\w-]+\s+){0,2}(?:informes?|edici(?:ón|ones)|rondas?|estimaci(?:ón|ones))\b",
}
SEEN = re.compile(r"\b(?:has seen|a (?:vue|consultée)|ha visto)\b")


def reader_texts(lang: str) -> list[tuple[str, str]]:
    """(where, plain text) of every explainer and article (title, summary, body), glossary definition and theme
    summary as a reader of `lang` sees them."""
    lib = translations.library(lang).library
    sources = "\n## " + {"en": "Sources", "fr": "Sources", "es": "Fuentes"}[lang]
    pieces = [*lib.explainers.values(), *lib.articles.values()]
    texts = [(p.slug, f"{p.title}. {p.meta.summary} {plain_text(p.body.split(sources)[0])}") for p in pieces]
    texts += [(f"glossary:{t.term}", plain_text(t.definition)) for t in lib.glossary.values()]
    return texts + [(f"theme:{slug}", theme.summary) for slug, theme in lib.themes.items()]


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_no_content_calls_a_report_the_latest_without_naming_its_edition(lang):
    pattern = re.compile(LATEST_EDITION[lang], re.I)
    assert pattern.search({"en": "what UNODC's latest report found", "fr": "le dernier rapport de l'ONUDC",
                           "es": "el último informe de la UNODC"}[lang])  # fmt: skip
    for where, text in reader_texts(lang):
        for sentence in sentences(text):
            assert not pattern.search(sentence) or SEEN.search(sentence), f"{lang} {where}: {sentence}"


@pytest.mark.realdata
def test_every_count_of_countries_in_a_forum_article_is_stated_in_the_learning_space_or_ilostat(lib, raw_dir):
    counts = re.compile(r"(\d[\d,]*)\s+(?:countries|member States)\b")
    stated = {n for e in lib.explainers.values() for n in counts.findall(re.sub(r"\s+", " ", body_text(e)))}
    stated.add(str((ilostat_years(raw_dir, "cld_xchl", "y5_17").str.len() >= 2).sum()))  # data-gaps article
    for article in lib.articles.values():
        quoted = set(counts.findall(re.sub(r"\s+", " ", body_text(article))))
        assert quoted <= stated, f"{article.slug}: {sorted(quoted - stated)} countries, stated nowhere else"


# -- definitions -----------------------------------------------------------------------------------------
NESTING = re.compile(r"children in employment.*\b(always|at least as large|never (smaller|fewer))\b", re.I)


def nesting_claims_without_chores(text: str) -> list[str]:
    """Sentences saying children in employment always outnumber child labour, without the chores exception."""
    return [s for s in sentences(text) if NESTING.search(s) and "chores" not in s.lower()]


def test_no_content_says_children_in_employment_always_outnumber_child_labour(lib):
    old = "So the number of children in employment is always at least as large as the number in child labour."
    assert nesting_claims_without_chores(old)  # the claim the headline 8.7.1 series (with chores) disproves
    for where, text in content_texts(lib):
        assert not nesting_claims_without_chores(text), where
    definitions = body_text(lib.explainers["child-labour-definitions"])
    assert "can be in child labour without being in employment" in re.sub(r"\s+", " ", definitions)


def test_sdg_indicator_tags_name_indicators_not_targets():
    entries = yaml.safe_load((config.ROOT / "data" / "reference" / "indicators.yaml").read_text(encoding="utf-8"))
    for entry in entries:
        tag = str(entry.get("sdg_indicator") or "")
        assert tag == "" or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{1,2}", tag), f"{entry['code']}: {tag!r}"


# -- the progress rules, read from the engine ------------------------------------------------------------
@pytest.fixture(scope="module")
def indicator_table() -> pd.DataFrame:
    table, problems = load_indicators(config.ROOT / "data" / "reference" / "indicators.yaml")
    assert not problems
    return table


def assess(points, code: str, table: pd.DataFrame, as_of: int) -> dict:
    """The engine's row for one world series of a real indicator, assessed in `as_of`."""
    meta = table[table["code"] == code].iloc[0]
    rows = [{"indicator": code, "iso3": "WLD", "year": y, "value": v, "unit": meta["unit"]} for y, v in points]
    frame = pg.compute_progress(factories.observations(rows), table[table["code"] == code], as_of=as_of)
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


@pytest.mark.realdata
def test_measuring_progress_names_the_child_labour_target_the_engine_uses(lib, indicator_table, estimates):
    target = pg.targets(indicator_table)["child_labour_number"]
    text = re.sub(r"\s+", " ", body_text(lib.explainers["measuring-progress"]))
    assert f"zero by {target.year}" in text
    this_year = date.today().year
    world = sorted(world_child_labour(estimates).items())
    row = assess([(y, v * 1e6) for y, v in world], "child_labour_number", indicator_table, this_year)
    if target.year < this_year:
        # The engine gives no required pace and says the year has passed; the explainer says the same.
        assert pd.isna(row["required_change"]) and f"Target year {target.year} passed" in row["reason"]
        assert f"the target year {target.year} has passed" in text
        assert "five years before the deadline" not in text


@pytest.mark.realdata
def test_the_worked_example_in_measuring_progress_is_what_the_engine_computes(lib, indicator_table, estimates):
    text = re.sub(r"\s+", " ", body_text(lib.explainers["measuring-progress"]))
    example = re.search(
        r"assessed in (\d{4}), a series whose latest value is ([\d.]+) million people in forced labour in (\d{4}) "
        r"has (\w+) years left to reach zero by (\d{4}), not (\w+)\. Ending forced labour then needs ([\d.]+) "
        r"million fewer people every year from (\d{4})",
        text,
    )
    assert example, "the worked example of the time-left rule is missing"
    as_of, value, year, left, target_year, not_left, pace, start = example.groups()
    published = {
        r["reference_year"]: r["value"]
        for r in estimates
        if r["indicator"] == "forced_labour_number" and r["area"] == "World" and r["reference_year"].isdigit()
    }
    assert float(value) == published[year] and published[year] == published[max(published)]
    words = {"four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
    target = pg.targets(indicator_table)["forced_labour_number"]
    assert int(target_year) == target.year
    assert words[left] == target.year - int(as_of) == pg.years_left(target.year, int(year), int(as_of))
    assert words[not_left] == target.year - int(year)  # the count the engine no longer uses
    row = assess([(2016, published["2016"] * 1e6), (int(year), float(value) * 1e6)], "forced_labour_number",
                 indicator_table, int(as_of))  # fmt: skip
    assert round(-row["required_change"] / 1e6, 1) == float(pace) and start == as_of
    assert "from the current year, not from the year of the latest data point" in text


# -- figures drawn from other raw files -------------------------------------------------------------------
def squashed(lib, slug: str) -> str:
    return re.sub(r"\s+", " ", body_text(lib.explainers[slug]))


@pytest.mark.realdata
def test_child_soldiers_figures_match_the_treaty_status_file(lib, raw_dir):
    status = pd.read_csv(raw_dir / "un_hr_treaties_status" / "hr_status_op_crc_ac.csv")
    parties = status[status["state party"] == 1]
    years = parties["year ratification or accession"].astype(int)
    counts = status["status"].value_counts()
    text = squashed(lib, "child-soldiers")
    assert f"each of the {len(status)} UN member States" in text
    assert f"{len(parties)} member States were parties, {counts['signatory state']} had signed" in text
    assert f"{counts['no action']} had taken no action" in text
    assert f"{(years <= 2002).sum()} member States had become parties by the end of 2002" in text
    assert f"and {(years <= 2010).sum()} by the end of 2010" in text


@pytest.mark.realdata
def test_tip_tier_figures_match_the_tier_file(lib, raw_dir):
    tiers = pd.read_csv(raw_dir / "tip_report_tiers" / "map_tiers.csv")
    ranked = tiers[tiers["tier"].notna()].groupby("year").size()
    last = tiers[tiers["year"] == ranked.index.max()]["tier"].value_counts(dropna=False)
    text = squashed(lib, "accountability-and-policy-tools")
    assert (
        f"from {ranked.iloc[0]} in the {ranked.index[0]} report to {ranked.iloc[-1]} in the {ranked.index[-1]}" in text
    )
    # map_tiers.csv codes: 1 = Tier 1, 2 = Tier 2, 3 = Tier 2 Watch List, 4 = Tier 3 (its PROVENANCE.md).
    assert (
        f"{last[1.0]} countries were placed in Tier 1, {last[2.0]} in Tier 2, {last[3.0]} on the Tier 2 Watch "
        f"List and {last[4.0]} in Tier 3"
    ) in text


@pytest.mark.realdata
def test_ilab_advancement_figures_match_the_assessments_file(lib, raw_dir):
    table = pd.read_csv(raw_dir / "usdol_ilab_sweat_and_toil" / "Assessments.csv")
    levels = table[table["year"] == 2016]["advancement_level"].str.strip().value_counts()
    text = squashed(lib, "accountability-and-policy-tools")
    assert (
        f"{levels['Significant Advancement']} countries as making significant advancement, "
        f"{levels['Moderate Advancement']} moderate, {levels['Minimal Advancement']} minimal and "
        f"{levels['No Advancement']} no advancement, and did not assess {levels['No Assessment']}"
    ) in text


@pytest.mark.realdata
def test_detected_victim_totals_match_the_raw_files_and_say_the_countries_differ(lib, raw_dir, estimates):
    totals = {r["reference_year"]: r for r in estimates if r["indicator"] == "detected_victims_number"}
    provenance = Path(raw_dir / "global_estimates" / "PROVENANCE.md").read_text(encoding="utf-8")
    countries_2018 = re.search(r"reported by (\d+) countries", totals["2018"]["note"]).group(1)
    countries_2022 = re.search(r"GLOTIP 2024\*\* \(published December 2024; (\d+) countries", provenance).group(1)
    text = squashed(lib, "detected-victims-vs-prevalence")
    assert f"about {totals['2018']['value']:,.0f} detected victims in 2018, reported by {countries_2018}" in text
    assert f"counted {totals['2022']['value']:,.0f} in 2022, reported by {countries_2022} countries" in text
    themes = yaml.safe_load((config.ROOT / "content" / "themes.yaml").read_text(encoding="utf-8"))
    facts = [f["text"] for t in themes for f in t["facts"] if f["indicator"] == "detected_victims_number"]
    assert all(f"{countries_2018} countries" in t or f"{countries_2022} countries" in t for t in facts), facts


@pytest.mark.realdata
def test_text_dating_the_ilo_ratification_dates_also_dates_the_un_treaty_statuses(lib, raw_dir):
    table = pd.read_csv(raw_dir / "ratifications" / "ratifications.csv")
    hti = pd.to_datetime(table[table["instrument"].isin(["C029", "C105"])]["date"], errors="coerce").max().year
    heading = (raw_dir / "un_hr_treaties_status" / "PROVENANCE.md").read_text(encoding="utf-8").splitlines()[0]
    un = re.search(r"as of \w+ (\d{4})", heading).group(1)
    assert (hti, un) == (2013, "2022")
    about = {"en": f"about {hti}", "fr": f"{hti} environ", "es": f"{hti} aproximadamente"}
    texts = [("en", w, text) for w, text in content_texts(lib) if not w.startswith("indicator:")]  # one instrument
    texts += [(lang, where, text) for lang in ("fr", "es") for where, text in translated_texts(lang)]
    checked = 0
    for lang, where, text in texts:
        for passage in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text)):
            if about[lang] in passage and re.search(r"ratif|palerm", passage, re.I):
                checked += 1
                assert un in passage, f"{lang} {where}: dates ratifications to {hti} but not the UN statuses of {un}"
    assert checked >= 4


# -- the new explainers are linked from where readers arrive ---------------------------------------------
NEW = ("measuring-forced-labour-and-trafficking", "accountability-and-policy-tools", "child-soldiers")


def test_the_new_explainers_are_linked_from_themes_glossary_and_indicators(lib, indicator_table):
    themes = yaml.safe_load((config.ROOT / "content" / "themes.yaml").read_text(encoding="utf-8"))
    by_theme = {slug for theme in themes for slug in theme["explainers"]}
    by_term = {slug for term in lib.glossary.values() for slug in term.explainers}
    by_indicator = set(indicator_table["explainer"].dropna())
    assert len(lib.explainers) >= 17
    for slug in NEW:
        assert slug in by_theme and slug in by_term, slug
    assert {"measuring-forced-labour-and-trafficking", "accountability-and-policy-tools"} <= by_indicator


# -- forum articles on trends: what ILOSTAT's raw files hold ------------------------------------------------
def ilostat_years(raw_dir: Path, series: str, ages: str) -> pd.Series:
    """Distinct survey years per country (ISO3) of one ILOSTAT file, both sexes, one age band."""
    path = (
        raw_dir
        / "ilostat_child_labour"
        / f"ddf--datapoints--{series}_sex_age_rt--by--ref_area--sex--classif1--time.csv"
    )
    frame = pd.read_csv(path)
    rows = frame[(frame["sex"] == "sex_t") & (frame["classif1"] == f"age_cldversion_{ages}")]
    return rows.groupby(rows["ref_area"].str.upper())["time"].apply(lambda years: sorted(set(years)))


@pytest.mark.realdata
def test_the_data_gaps_article_counts_the_countries_with_an_ilostat_child_labour_trend(lib, raw_dir):
    years = ilostat_years(raw_dir, "cld_xchl", "y5_17")
    text = re.sub(r"\s+", " ", body_text(lib.articles["data-gaps-that-matter-most"]))
    assert f"for ages 5–17 (both sexes), {(years.str.len() >= 2).sum()} countries have at least two points" in text


@pytest.mark.realdata
def test_the_pathfinder_article_names_the_pathfinders_with_several_points_for_ages_5_17(lib, raw_dir):
    pathfinders = yaml.safe_load((config.ROOT / "data" / "reference" / "pathfinders.yaml").read_text("utf-8"))
    codes = {c["iso3"] for c in pathfinders["countries"]}
    several = {}
    for series, ages in (("cld_xchl", "y5_17"), ("sdg_b871", "y5_17"), ("sdg_0871", "y5t17")):
        for iso3, found in ilostat_years(raw_dir, series, ages).items():
            if iso3 in codes and len(found) >= 2:
                several[iso3] = found
    assert {k: (v[0], v[-1]) for k, v in several.items()} == {"NPL": (2008, 2014), "PER": (2012, 2015)}
    text = re.sub(r"\s+", " ", body_text(lib.articles["pathfinder-countries-in-the-data"]))
    assert "only Nepal (2008 and 2014) and Peru (2012–2015) have more than one point" in text
    assert max(max(v) for v in several.values()) < date.today().year - pg.MAX_AGE  # "too old for a status"


def test_the_pathfinder_article_calls_no_ilostat_points_comparable_and_says_why(lib):
    """ILOSTAT does not name the survey behind each year (its indicators' trend_caution), so the article does not
    call its points comparable."""
    text = re.sub(r"\s+", " ", body_text(lib.articles["pathfinder-countries-in-the-data"]))
    trends = text[text.index("Few trends") : text.index("Forced labour has no country survey")]
    assert "comparable point" not in trends and "second comparable survey" not in trends
    assert "ILOSTAT does not say which survey each year comes from" in trends
