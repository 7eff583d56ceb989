"""French and Spanish pages word what is ours in the page's language and mark what stays English: figure tooltips,
the /data notes, "Cite this chart", our short names of sources, forum articles and search results."""

from __future__ import annotations

import html as html_text
from pathlib import Path

import pandas as pd
import pytest
import yaml
from dash import html

from dashboards import _cite, _embeds, _markdown
from tests import factories as f
from tests import learn_release
from tests.conftest import components, find, texts

#: A value's note as the ETL writes it: our plausibility flag, then a publisher's footnote.
NOTE = (
    "flagged by Delta 8.7: rose to 12.5 times the value of 2016 (1,234); implausible, check with the publisher before use"
    "; Estimates for Kathmandu valley only"
)
FLAG = {
    "fr": "signalé par Delta 8.7\u00a0: hausse à 12,5 fois la valeur de 2016 (1\u202f234)\u00a0; invraisemblable",
    "es": "señalado por Delta 8.7: aumento a 12,5 veces el valor de 2016 (1234); inverosímil",
}
AS_PUBLISHED = {"fr": "(en anglais, tel que publié)", "es": "(en inglés, tal como se publicó)"}


@pytest.fixture
def noted_release(warehouse_root) -> str:
    """The learning-space release, with Nepal's latest child labour value carrying NOTE."""
    rows = learn_release.observations()
    latest = (rows["indicator"] == "child_labour_5_17") & (rows["iso3"] == "NPL") & (rows["year"] == 2019)
    rows.loc[latest, "note"] = NOTE
    return f.make_release(
        warehouse_root,
        rows,
        indicators=learn_release.INDICATORS,
        countries=learn_release.COUNTRIES,
        regions=learn_release.REGIONS,
    )


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_figure_tooltip_words_our_flag_in_the_page_language_and_keeps_the_publishers_words(noted_release, app, lang):
    with app.server.test_request_context(f"/?lang={lang}"):
        tree = html.Div(_markdown.render("{{figure indicator=child_labour_5_17 area=NPL}}", _embeds.Embedder()))
    span = next(c for c in components(tree) if getattr(c, "className", None) == "embed-figure")
    assert FLAG[lang] in span.title and "flagged by" not in span.title
    assert span.title.endswith(f"Estimates for Kathmandu valley only {AS_PUBLISHED[lang]}")
    assert span.lang == lang  # a live figure may stand inside an article shown in English
    assert [texts(c) for c in components(span) if getattr(c, "lang", None) == "en"] == ["Synthetic synthetic"]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_data_page_shows_our_notes_in_the_page_language(noted_release, app, lang):
    from dashboards import data  # noqa: PLC0415 - a page module: registered by create_app

    filters = {"indicator": ["child_labour_5_17"], "country": ["NPL"]}
    with app.server.test_request_context(f"/_dash-update-component?lang={lang}", method="POST"):
        shown = data.results(filters, 0, [], {"id": noted_release, "pinned": False})
    notes = [row["note"] for row in shown["data"] if row["year"] == 2019]
    assert len(notes) == 1 and notes[0].startswith(FLAG[lang]) and AS_PUBLISHED[lang] in notes[0]
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        english = data.results(filters, 0, [], {"id": noted_release, "pinned": False})
    assert [row["note"] for row in english["data"] if row["year"] == 2019] == [NOTE]  # as in the downloads


@pytest.mark.parametrize(
    ("lang", "platform"),
    [
        ("fr", "Compilé dans Delta 8.7, la plateforme de données sur la cible 8.7 des ODD, version "),
        ("es", "Compilado en Delta 8.7, la plataforma de datos sobre la meta 8.7 de los ODS, versión "),
    ],
)
def test_cite_this_chart_is_worded_in_the_page_language(explorer_release, app, lang, platform):
    from dashboards import _components as c  # noqa: PLC0415
    from tests import explorer_data as xd  # noqa: PLC0415

    sources = {xd.OPEN: {**f.source(xd.OPEN), "citation": "Synthetic open data (test)."}}
    frame = pd.DataFrame([{"year": 2010, "source": xd.OPEN, "nature": "measured"}])
    with app.server.test_request_context(f"/?lang={lang}"):
        cite = c.source_note(frame, sources, page="/country/KEN").children[2]
    source, line = (part.strip() for part in texts(cite.children[1]).split("\n"))
    assert line.startswith(platform + explorer_release) and "Compiled in" not in line
    assert "(créée le " in line or "(creada el " in line
    assert line.endswith("/country/KEN?lang=" + lang)
    quoted = next(c for c in components(cite) if getattr(c, "lang", None) == "en")
    assert texts(quoted) == source.strip() == "Synthetic open data (test)."  # the publisher's citation as published


@pytest.mark.parametrize(
    ("lang", "ours"),
    [("fr", "Ratifications compilées par Delta 8.7"), ("es", "Ratificaciones compiladas por Delta 8.7")],
)
def test_our_short_names_of_sources_are_translated_and_publishers_names_marked_english(app, lang, ours):
    records = {
        "ratifications": {**f.source("ratifications"), "short_name": "Ratifications compiled by Delta 8.7"},
        "walkfree_gsi": {**f.source("walkfree_gsi"), "short_name": "Walk Free, Global Slavery Index"},
    }
    frame = pd.DataFrame([{"year": 2016, "source": s} for s in records])
    with app.server.test_request_context(f"/?lang={lang}"):
        parts, _ids = _cite.source_text(frame, records)
    links = {p.children: getattr(p, "lang", None) for p in parts if isinstance(p, html.A)}
    assert links == {ours: None, "Walk Free, Global Slavery Index": "en"}


def test_every_short_name_we_translate_is_a_name_in_the_registry():
    root = Path(__file__).resolve().parents[1] / "data" / "registry"
    names = {yaml.safe_load(p.read_text(encoding="utf-8")).get("short_name") for p in root.glob("*.yaml")}
    names.add("Delta 8.7 staff list of pathfinder countries")  # the pathfinder list's source (etl/reference.py)
    assert set(_cite.OUR_NAMES) <= names


@pytest.mark.parametrize(("lang", "team"), [("fr", "Équipe éditoriale de Delta 8.7"), ("es", "Equipo editorial")])
def test_forum_pages_mark_the_articles_english_text_and_word_ours_in_the_page_language(
    learn_published, app, lang, team
):
    from dashboards import forum, forum_post  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        index = forum.layout()
        article = forum_post.layout(slug="global-child-labour-estimates-2024")
    card = next(c for c in components(index) if getattr(c, "className", None) == "forum-card mb-4")
    title, byline, summary = card.children[:3]
    assert title.lang == "en" and summary.lang == "en" and getattr(byline, "lang", None) is None
    assert team in texts(byline) and "editorial team" not in texts(byline)
    assert "Theme: " not in texts(find(index, "forum-filters"))
    body = find(article, "forum-article")
    assert body.children[1].lang == "en"  # the title, after the notice that the text is not translated
    assert [c for c in body.children if isinstance(c, html.Div) and getattr(c, "lang", None) == "en"], "body marked"
    figures = [c for c in components(body) if getattr(c, "className", None) == "embed-figure"]
    assert figures and all(c.lang == lang for c in figures)


def test_search_results_show_translated_content_and_mark_english_pieces(learn_published, app):
    from dashboards import search  # noqa: PLC0415

    with app.server.test_request_context("/?lang=fr"):
        french = search.layout(q="travail des enfants")
        article = search.layout(q="138 million")
    explainers = find(french, "search-explainer")
    assert explainers is not None and "Comment" in texts(explainers)  # translated explainers, found by French words
    hits = [c for c in components(find(article, "search-article")) if isinstance(c, html.Li)]
    assert hits and all(c.lang == "en" for c in hits)  # forum articles are shown in English, marked so


@pytest.mark.realdata
def test_the_pathfinder_list_is_cited_by_our_name_in_the_page_language(real_warehouse, app):
    import importlib  # noqa: PLC0415

    page = importlib.import_module("dashboards.pathfinders")  # a page module: registered by create_app
    with app.server.test_request_context("/?lang=fr"):
        line = find(page.layout(), "pathfinders-source")
    assert "Liste des pays pionniers tenue par l'équipe de Delta 8.7" in texts(line)
    assert "platform staff" not in texts(line) and "staff-edited" not in texts(line)
    cited = [texts(c) for c in components(line) if getattr(c, "lang", None) == "en"]
    assert cited == ["Alliance 8.7 Global Coordinating Group, report of its second meeting, Geneva, July 2018"]


@pytest.mark.parametrize(
    ("lang", "opening"),
    [("fr", "Le forum publie de courts articles"), ("es", "El foro publica artículos breves")],
)
def test_the_guide_for_authors_is_in_the_page_language(learn_published, app, lang, opening):
    from dashboards import forum_contribute  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        guide = find(forum_contribute.layout(), "forum-guide")
    assert opening in texts(guide) and "The forum publishes" not in texts(guide)
    figures = [c for c in components(guide) if getattr(c, "className", None) == "embed-figure"]
    assert len(figures) == 1 and figures[0].lang == lang  # the guide's one live example


def test_an_untranslated_guide_is_shown_in_english_marked_so(learn_published, app, tmp_path, monkeypatch):
    from content import translations  # noqa: PLC0415
    from dashboards import forum_contribute  # noqa: PLC0415

    monkeypatch.setattr(translations, "I18N_DIR", tmp_path)
    translations.contributing_guide.cache_clear()
    try:
        with app.server.test_request_context("/?lang=fr"):
            guide = find(forum_contribute.layout(), "forum-guide")
    finally:
        translations.contributing_guide.cache_clear()
    assert "n'a pas encore été traduit" in texts(guide)
    english = [c for c in components(guide) if getattr(c, "lang", None) == "en"]
    assert english and "The forum publishes short articles" in texts(english[0])


@pytest.mark.parametrize(
    ("url", "description"),
    [
        ("/forum?lang=fr", "Articles d'experts et de l'équipe éditoriale"),
        ("/forum/contribute?lang=es", "Cómo redactar y enviar"),
        ("/learn/glossary?lang=fr", "Définitions des termes"),
    ],
)
def test_a_pages_description_for_search_engines_and_link_previews_is_in_its_language(client, url, description):
    page = html_text.unescape(client.get(url).get_data(as_text=True))
    assert f'<meta name="description" content="{description}' in page
    assert f'<meta property="og:description" content="{description}' in page


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_indicator_about_tab_marks_each_sources_own_words_english(noted_release, app, lang):
    from dashboards import _data, _indicator  # noqa: PLC0415

    with app.server.test_request_context(f"/?lang={lang}"):
        release = _data.release()
        about = _indicator.about_view(release, _data.indicator_meta(release, "child_labour_5_17"))
        source = _data.sources(release).loc["synthetic"]
    marked = [texts(c) for c in components(about) if getattr(c, "lang", None) == "en"]
    words = [source[k] for k in ("publisher", "title", "edition", "licence") if source[k]]
    assert words and all(w in marked for w in words)
