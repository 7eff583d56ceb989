"""Figures worded as the publisher's data say: sexes named for the age band, "as of" dates and periods worded
naturally in English, French and Spanish."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import _commitments, _pathfinders, _phrases, _words
from tests.conftest import components, find, texts


def _page(app, module: str, lang: str, **kwargs):
    page = importlib.import_module(f"dashboards.{module}")
    with app.server.test_request_context(f"/?lang={lang}"):
        return page.layout(**kwargs)


@pytest.mark.parametrize(
    ("lang", "age", "female", "male"),
    [
        ("en", "5-17", "girls", "boys"),
        ("fr", "5-17", "filles", "garçons"),
        ("es", "5-17", "niñas", "niños"),
        ("fr", "under 18", "filles", "garçons"),
        ("en", "18+", "women", "men"),
        ("fr", "18-64", "femmes", "hommes"),
        ("es", "18+", "mujeres", "hombres"),
        ("en", "all ages", "female", "male"),
        ("fr", "15+", "filles et femmes", "garçons et hommes"),
    ],
)
def test_a_sex_is_named_for_its_age_band(app, lang, age, female, male):
    with app.server.test_request_context(f"/?lang={lang}"):
        assert (_words.sex_word("female", age), _words.sex_word("male", age)) == (female, male)
        assert _words.sex_word("total", age) == _words.word("total")


@pytest.mark.parametrize(("lang", "girls", "women"), [("fr", "Filles", "Femmes"), ("es", "Niñas", "Mujeres")])
def test_the_sex_breakdown_of_a_child_band_says_girls_and_boys(synthetic_release, app, lang, girls, women):
    tree = _page(app, "country", lang, iso3="KEN")
    legends = {trace.name for trace in go.Figure(find(tree, "country-child-labour-breakdown").figure).data}
    assert girls in legends and not any(women.casefold() in name.casefold() for name in legends)


@pytest.mark.parametrize(
    ("lang", "raw", "expected"),
    [
        ("en", "2016", "status as of 2016"),
        ("fr", "2016", "situation en 2016"),
        ("es", "2016", "situación en 2016"),
        ("fr", "2020-08-28", "situation au 28 août 2020"),
        ("en", "2020-08-28", "status as of 28 August 2020"),
        ("fr", "not stated", "date de la situation non indiquée"),
        ("es", "not stated", "fecha de la situación no indicada"),
        (
            "fr",
            "not stated; latest date in file 2013-10-17",
            "date de la situation\u00a0: non indiquée\u00a0; dernière date du fichier\u00a0: 17 octobre 2013",
        ),
        ("fr", "ILAB report year 2016 (status Yes/No, no date)", "situation\u00a0: année de rapport ILAB 2016 (situation Oui/Non, sans date)"),
    ],
)  # fmt: skip
def test_an_as_of_is_worded_as_a_phrase_of_the_readers_language(app, lang, raw, expected):
    with app.server.test_request_context(f"/?lang={lang}"):
        assert _phrases.as_of(raw) == expected


@pytest.mark.parametrize(
    ("lang", "years", "expected"),
    [
        ("en", [2013, 2020], "of 7 instruments, by the sources' data dated 2013 to 2020"),
        ("fr", [2013, 2020], "sur 7 instruments, d'après les données des sources datées de 2013 à 2020"),
        ("es", [2013, 2020], "de 7 instrumentos, según los datos de las fuentes fechados de 2013 a 2020"),
        ("fr", [2016], "sur 7 instruments, d'après les données des sources (situation en 2016)"),
    ],
)
def test_the_years_of_the_commitments_data_read_naturally(app, lang, years, expected):
    found = [_commitments.Status("C", "C", "C", "ratified", "–", "–", y, "S", False) for y in years]
    found += [_commitments.Status("C", "C", "C", "", "–", "–", None, "–", False)] * (7 - len(years))
    with app.server.test_request_context(f"/?lang={lang}"):
        assert _commitments.summary(found)[1][0] == expected


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_brief_words_its_commitments_dates_without_a_glued_preposition(synthetic_release, app, lang):
    tree = _page(app, "brief", lang, iso3="UGA")
    said = texts(find(tree, "brief-commitments-count")) + texts(find(tree, "brief-commitments-notes"))
    assert not any(glued in said for glued in (" au 20", " al 20", "au non", "non indiqué ", "no indicado"))
    assert ("Situation au 17 octobre 2013" if lang == "fr" else "Situación al 17 de octubre de 2013") in said


@pytest.mark.parametrize(
    ("lang", "age", "expected"),
    [("en", "5-17", "ages 5–17"), ("fr", "under 18", "moins de 18 ans"), ("es", "all ages", "todas las edades")],
)
def test_an_age_band_is_labelled_in_words(app, lang, age, expected):
    with app.server.test_request_context(f"/?lang={lang}"):
        assert _words.band(age) == expected


@pytest.mark.parametrize(("lang", "label", "marks"), [("en", "1,078", ".,"), ("fr", "1\u202f078", ",\u202f")])
def test_chart_labels_write_numbers_as_the_page_does(app, lang, label, marks):
    import pandas as pd  # noqa: PLC0415

    from dashboards import _figures  # noqa: PLC0415

    frame = pd.DataFrame({"label": ["Nepal", "Region"], "value": [8.5, 1078.0]})
    with app.server.test_request_context(f"/?lang={lang}"):
        bars = _figures.bar_figure(frame, "Peers", "per 1,000")
    assert list(bars.data[0].text) == ["8.5" if lang == "en" else "8,5", label]
    assert bars.layout.separators == marks


def test_a_breakdown_of_detected_cases_is_not_ranked(synthetic_release, app):
    tree = _page(app, "country", "en", iso3="KEN")
    summaries = {c.id: texts(c) for c in components(tree) if str(getattr(c, "id", "")).endswith("-breakdown-summary")}
    trafficking = next(text for key, text in summaries.items() if "trafficking" in key)
    assert "Counts of detected cases are not ranked" in trafficking and "Highest" not in trafficking


def test_sources_kept_out_of_downloads_are_listed_in_the_readers_language_with_their_names_marked_english(app):
    from dashboards import _country  # noqa: PLC0415

    sources = {"walkfree": {"short_name": "Walk Free"}, "gapminder": {"short_name": "Gapminder"}}
    sources["open"] = {"short_name": "Open data", "redistribution": True}
    with app.server.test_request_context("/?lang=en"):
        assert _country.restricted_names(sources) == "Gapminder and Walk Free"
        assert (
            "Figures from Gapminder and Walk Free are shown" in _country.downloads("KEN", "Kenya", sources).children[-1]
        )
    with app.server.test_request_context("/?lang=fr"):
        said = _country.downloads("KEN", "Kenya", sources).children
    marked = [(x.children, x.lang) for x in said if getattr(x, "lang", None)]
    assert marked == [("Gapminder", "en"), ("Walk Free", "en")] and " et " in said


def test_a_gdp_is_not_written_to_the_dollar(app):
    from dashboards import _components as c  # noqa: PLC0415

    with app.server.test_request_context("/?lang=fr"):
        assert c.format_value(2_173_665_655_937.0, "usd") == "2\u202f173,7 milliards $ US"


@pytest.mark.parametrize(
    ("lang", "date", "expected"),
    [
        ("fr", "3 janvier 2002", "ratification le 3 janvier 2002"),
        ("fr", "2007", "ratification en 2007"),
        ("en", "2007", "ratified in 2007"),
    ],
)
def test_the_brief_dates_a_status_with_a_preposition(app, lang, date, expected):
    status = _commitments.Status("C182", "C182", "C182", "ratified", date, "2016", 2016, "S", False)
    with app.server.test_request_context(f"/?lang={lang}"):
        assert status.short_text == expected


def test_the_delta_view_says_the_latest_value_with_the_publishers_qualifier(app):
    import pandas as pd  # noqa: PLC0415

    from dashboards import _delta  # noqa: PLC0415

    obs = pd.DataFrame(
        [{"indicator": "cl", "sex": "total", "age": "5-17", "source": "ge", "year": 2024, "value": 138e6,
          "qualifier": "nearly", "unit": "count"}]
    )  # fmt: skip
    row = {"indicator": "cl", "sex": "total", "age": "5-17", "source": "ge", "latest_year": 2024}
    with app.server.test_request_context("/?lang=fr"):
        said = texts(_delta._as_published(obs, row, {"unit": "count"}))
    assert said == "Chiffre publié\u00a0: près de 138 millions (2024)."


@pytest.mark.parametrize(
    ("lang", "as_of", "expected"),
    [("en", "not stated", "status date not stated"), ("fr", "not stated", "date de la situation non indiquée"),
     ("fr", "2009", "situation en 2009"), ("es", "2009", "situación en 2009")],
)  # fmt: skip
def test_the_pathfinder_table_words_an_old_status_date_as_a_phrase(app, monkeypatch, lang, as_of, expected):
    old = SimpleNamespace(short="C182", short_text="ratified", known=True, stale=True, as_of=as_of)
    monkeypatch.setattr(_commitments, "statuses", lambda country: [old])
    with app.server.test_request_context(f"/?lang={lang}"):
        (line,) = _pathfinders.commitment_lines(None)
    assert line.endswith(", " + expected)


@pytest.mark.parametrize(
    ("lang", "down", "no_change"),
    [("en", "down from 64 million", "no clear change"), ("fr", "en baisse par rapport à 64 millions", "pas de changement net"),
     ("es", "en descenso respecto a 64 millones", "sin cambio claro")],
)  # fmt: skip
def test_the_change_since_the_previous_estimate_is_worded_in_the_readers_language(app, lang, down, no_change):
    from dashboards import _views  # noqa: PLC0415

    now = pd.Series({"value": 60e6, "year": 2020, "precision": 1e6, "unit": "count"})
    before = pd.Series({"value": 64e6, "year": 2016, "precision": 1e6, "unit": "count"})
    with app.server.test_request_context(f"/?lang={lang}"):
        assert down in _views.change_sentence(now, before, "count", 0)
        assert no_change in _views.change_sentence(now.replace(60e6, 63e6), before, "count", 0)


@pytest.mark.parametrize("lang, one", [("en", " and 1 more"), ("fr", " et 1 autre"), ("es", " y 1 más")])
def test_a_source_line_counts_the_sources_it_leaves_out_in_the_readers_language(app, lang, one):
    from dashboards import _cite  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        assert texts(_cite._parts([("a", "A"), ("b", "B"), ("c", "C")], 2, [], False, {})).endswith(one)


@pytest.mark.parametrize(
    ("lang", "lead", "caption"),
    [
        ("fr", "Ouganda\u00a0: où en est le pays", "Ouganda\u00a0: engagements"),
        ("es", "Uganda: dónde está el país", ""),
    ],
)
def test_the_country_page_names_the_country_without_a_missing_article(synthetic_release, app, lang, lead, caption):
    tree = _page(app, "country", lang, iso3="UGA")
    assert texts(find(tree, "country-lead")).startswith(lead)
    assert caption in texts(tree)
    if lang == "fr":  # French puts an article before most country names: sentences name the country after a colon
        bare = re.search(r"\b(pour|de) Ouganda|Ouganda (est|ne) ", texts(tree))
        assert bare is None, texts(tree)[bare.start() - 80 : bare.end() + 40]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("status as of: ILAB report year 2016 (status Yes/No, no date)",
         "ratified; status as of: ILAB report year 2016 (status Yes/No, no date)"),
        ("status as of 2016", "ratified (status as of 2016)"),
    ],
)  # fmt: skip
def test_a_status_whose_as_of_has_its_own_brackets_is_not_wrapped_in_more(app, phrase, expected):
    status = _commitments.Status("C138", "C138", "C138", "ratified", "–", "–", 2016, "S", False, phrase)
    with app.server.test_request_context("/"):
        assert status.text == expected


@pytest.mark.parametrize(
    ("survey", "shown"),
    [
        ("Youth Activity Survey (Encuesta de Actividades de Nino, Ninas y Adolescentes) 2012, UNICEF and ILO calculations",
         "Youth Activity Survey (Encuesta de Actividades de Nino, Ninas y Adolescentes) 2012"),
        ("MICS 2014, UNICEF and ILO calculations", "MICS 2014"),
    ],
)  # fmt: skip
def test_a_survey_name_keeps_its_own_brackets_whole_and_drops_the_compilers_remark(app, survey, shown):
    from dashboards import _components, _series  # noqa: PLC0415

    row = pd.Series({"survey": survey, "year": 2012, "indicator": "cl", "sex": "total", "age": "5-17"})
    with app.server.test_request_context("/"):
        assert _components.survey_text(row) == shown
        assert _series.gap_sentence("child labour survey data", row, 2026) == (
            f"No child labour survey data since 2012 ({shown})."
        )
