"""Sentences say no more than the data: "same source and definition" only for two points of one series whose source
says which survey each year comes from; the delta view's table of every series names each series' source; French
and Spanish sentences never put a bare preposition before a name that needs an article (Inde, Travail des enfants)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from dash import html
from flask_babel import gettext as _

from dashboards import _embeds, _markdown, _views
from tests.conftest import find, texts

SAME = "(same source and definition)"
NOW = pd.Series({"value": 138e6, "year": 2024, "unit": "count", "source": "global_estimates", "comparability": None})
BEFORE = NOW.replace({138e6: 160e6, 2024: 2020})
CAUTION = "The source does not say which survey each year comes from, so a change between years may reflect …"


@pytest.mark.parametrize(
    ("column", "other"), [("source", "ilostat_child_labour"), ("comparability", "GSI 2018 regional findings")]
)
def test_only_a_change_within_one_series_is_said_to_share_its_source_and_definition(app, column, other):
    elsewhere = BEFORE.copy()
    elsewhere[column] = other
    with app.server.test_request_context("/"):
        same, mixed = (_views.change_sentence(NOW, before, "count", 0) for before in (BEFORE, elsewhere))
    assert same == f"138 million in 2024, down from 160 million in 2020 {SAME}"
    assert mixed == "138 million in 2024, down from 160 million in 2020"


def test_a_change_in_a_series_with_a_trend_caution_is_not_said_to_share_its_definition(app):
    with app.server.test_request_context("/?lang=fr"):
        said = _views.change_sentence(NOW, BEFORE, "count", 0, caution=CAUTION)
    assert said == "138 millions en 2024, en baisse par rapport à 160 millions en 2020"


@pytest.mark.realdata
@pytest.mark.parametrize("iso3", ["NPL", "PER", "UGA", "KHM"])
def test_the_delta_views_table_of_every_series_names_the_source_so_no_two_rows_read_alike(real_warehouse, app, iso3):
    from dashboards import _delta  # noqa: PLC0415

    with app.server.test_request_context("/"):
        table = _delta.delta_section(iso3).children[-1]
    rows = [texts(r) for r in table._traverse() if isinstance(r, html.Tr)]
    assert "Source" in rows[0] and len(rows) == len(set(rows)), [r for r in rows if rows.count(r) > 1]
    employment = [r for r in rows if r.startswith("Children in employment, total")]
    assert len(employment) == 2
    assert "Our World in Data" in employment[0] + employment[1]
    assert "World Bank, World Development Indicators" in employment[0] + employment[1]


#: Messages that receive a display name at run time, with the hardest names for French and Spanish (Inde and Ouganda
#: take an article and elision; an indicator name begins with a capital).
NAMED = [
    ("no value of %(name)s for %(where)s in the current data release", {"name": "INDICATOR", "where": "COUNTRY"}),
    ("no values of %(name)s for %(join)s to draw", {"name": "INDICATOR", "join": "IND, UGA"}),
    ("No data on %(lower)s for %(name)s in this release.", {"lower": "PILLAR", "name": "COUNTRY"}),
    ("%(pillar)s data", {"pillar": "PILLAR"}),
    (". Figures from %(names)s are shown with attribution and are not included in downloads.", {"names": "SOURCE"}),
    ("Risk context for %(name)s", {"name": "COUNTRY"}),
    ("Commitments of %(name)s", {"name": "COUNTRY"}),
    ("Download %(name)s's data: ", {"name": "COUNTRY"}),
]
NAMES = {
    "fr": {"COUNTRY": "Ouganda", "INDICATOR": "Travail des enfants", "PILLAR": "travail forcé", "SOURCE": "Walk Free"},
    "es": {"COUNTRY": "Uganda", "INDICATOR": "Trabajo infantil", "PILLAR": "trabajo forzoso", "SOURCE": "Walk Free"},
}
#: A preposition or contraction right before the name: French "de Ouganda", "pour Ouganda", "sur travail forcé";
#: Spanish "de Trabajo infantil" and "de el" (Spanish "de Uganda", "sobre trabajo forzoso", "de Walk Free" read right).
BEFORE_NAME = {
    "fr": r"\b(de|du|des|pour|sur|en|à|au|d'|l')\s*(Ouganda|Travail des|travail forcé|Walk)",
    "es": r"\b(de|del|para|sobre|en)\s+Trabajo infantil|\b(de|a) el\b",
}


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_sentences_never_put_a_bare_preposition_before_a_country_indicator_or_source_name(app, lang):
    wrong = {}
    with app.server.test_request_context(f"/?lang={lang}"):
        for msgid, values in NAMED:
            said = _(msgid, **{k: NAMES[lang].get(v, v) for k, v in values.items()})
            if re.search(BEFORE_NAME[lang], said):
                wrong[msgid] = said
    assert not wrong


def test_a_french_figure_without_a_value_names_the_indicator_and_the_place_without_a_bare_de(learn_published, app):
    with app.server.test_request_context("/?lang=fr"):
        shown = texts(
            html.Div(_markdown.render("{{figure indicator=child_labour_5_17 area=NPL year=1990}}", _embeds.Embedder()))
        )
    assert "aucune valeur de l'indicateur «\u00a0" in shown and "données\u00a0: Népal (year 1990)" in shown


@pytest.mark.realdata
def test_the_french_home_targets_keep_their_true_claim_and_put_a_no_break_space_before_each_colon(real_warehouse, app):
    from dashboards import home  # noqa: PLC0415

    with app.server.test_request_context("/?lang=fr"):
        targets = texts(find(home.layout(), "home-targets"))
    assert targets.count("(estimations mondiales et régionales)\u00a0: ") == 3
    assert "en baisse par rapport à 160 millions en 2020 (même source et même définition)" in targets
