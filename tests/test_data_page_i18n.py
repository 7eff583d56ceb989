"""/data in the reader's language: every problem a shared link can cause, the row count, the controls' words and
long links, while the API keeps its English messages."""

from __future__ import annotations

import pytest
from dash import html
from dash._utils import split_callback_id

from tests.conftest import components, find, texts

#: Every test here reads the synthetic explorer release (published before the app is built).
pytestmark = pytest.mark.usefixtures("explorer_release")

FRENCH = {"decimal": ",", "group": "\u202f"}  # 5,3 and 138 000 000
TOO_MANY = ",".join(f"Z{i:03d}" for i in range(301))
#: (a link's query, words of the API's English message, words of the French page's notice)
LINKS = [
    ({"country": "ZZZ"}, "unknown country 'ZZZ'", "valeur inconnue pour country"),
    ({"year_from": "1800"}, "must be a four-digit year", "année à quatre chiffres"),
    (
        {"year_from": "2015", "year_to": "2010"},
        "is before year_from",
        "est antérieure à l'année de début (year_from = 2015)",
    ),
    ({"preferred": "maybe"}, "must be true or false", "doit valoir true ou false"),
    ({"country": TOO_MANY}, "country has 301 values; at most 300", "country a 301 valeurs\u00a0; 300 au plus"),
    ({"group": "ILO_AMS"}, "group ILO_AMS cannot filter downloads", "ILO_AMS ne peut pas filtrer les téléchargements"),
    (
        {"group": "WLD"},
        "this release does not list its member countries",
        "cette version ne liste pas ses pays membres",
    ),
    ({"sort": "year,-year"}, "sort names year twice", "le tri nomme year deux fois"),
    ({"sort": "indicator,iso3,year,sex,age,value"}, "sort takes at most 5 columns", "le tri prend au plus 5 colonnes"),
    ({"sort": "nope"}, "cannot sort by 'nope'", "impossible de trier par 'nope'"),
    ({"release": "bad"}, "is not a release id", "n'est pas un identifiant de version"),
    ({"format": "xml"}, "unknown format 'xml'", "'format' est un paramètre de l'API"),
]


@pytest.fixture
def app(explorer_app, explorer_release):
    """The tests here only read: they share one app over the same synthetic release."""
    return explorer_app


def _page(app, lang: str, **query):
    from dashboards import data  # noqa: PLC0415 - page modules import after the app registered them

    with app.server.test_request_context(f"/data?lang={lang}"):
        return data.layout(**query, lang=lang)


@pytest.mark.parametrize(("query", "english", "french"), LINKS)
def test_each_kind_of_bad_value_in_a_shared_link_is_said_in_french_on_the_page_and_in_english_by_the_api(
    app, client, query, english, french
):
    notice = texts(find(_page(app, "fr", **query), "data-url-notice"))
    assert french in notice and english not in notice
    problem = client.get("/api/v1/observations", query_string=query).json
    assert english in problem["message"] and french not in problem["message"]


def test_the_row_count_agrees_in_number_and_uses_the_readers_words(app):
    from dashboards import data  # noqa: PLC0415

    one = {"indicator": ["syn_count"], "country": ["AAA"], "sex": ["total"], "year_from": 2000, "year_to": 2000}
    every = {"indicator": ["syn_rate", "syn_count"]}
    said = {}
    for lang in ("fr", "es", "en"):
        with app.server.test_request_context(f"/data?lang={lang}"):
            said[lang] = [texts(data.results(filters, 0, [], {"id": "x"})["count"]) for filters in (one, every)]
    assert said["fr"] == ["1  ligne correspond à ces filtres.", "945  lignes correspondent à ces filtres."]
    assert said["es"] == ["1  fila coincide con estos filtros.", "945  filas coinciden con estos filtros."]
    assert said["en"] == ["1  row matches these filters.", "945  rows match these filters."]


def test_a_french_page_words_age_bands_dropdowns_and_download_titles_in_french(app):
    from dashboards import _explorer as ex  # noqa: PLC0415
    from dashboards import data  # noqa: PLC0415

    page = _page(app, "fr", country="AAA,BBB")
    assert find(page, "data-country").labels["selected_count"] == "{num_selected} sélectionnés"
    with app.server.test_request_context("/data?lang=fr"):
        ages = [ex.age_word(age) for age in ("under 5", "6-59 months", "5-17", "all ages")]
        links = data.results({}, 0, [], {"id": "x"})["downloads"]
    assert ages == ["moins de 5 ans", "6-59 mois", "5-17", "tous âges"]
    assert {link.title for link in links} >= {
        "Télécharger au format JSON (paginé)",
        "Télécharger au format Archive zip",
    }


def test_a_shared_link_longer_than_a_text_input_renders_the_data_page(client):
    spec = next(s for s in client.get("/_dash-dependencies").json if "_pages_content.children" in s["output"])
    search = "?country=AAA,BBB,CCC,WLD,SDG_SSA&indicator=syn_rate,syn_count&group=SDG_SSA,WB_LIC,WB_LMC,WB_UMC"
    search += "&sex=female,male&age=5-17,5-11"
    search += "&nature=measured,estimated,modelled,detected&year_from=2001&year_to=2019&preferred=false&sort=-year"
    assert len(search) > 200
    location = {"pathname": "/data", "search": search}
    body = {
        "output": spec["output"],
        "outputs": split_callback_id(spec["output"]),
        "inputs": [{**d, "value": location.get(d["property"])} for d in spec["inputs"]],
        "state": [{**d, "value": None} for d in spec.get("state", [])],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200 and "data-page" in response.get_data(as_text=True)


def test_the_preview_writes_figures_with_the_separators_of_the_readers_language(app):
    def marks(lang: str) -> dict:
        table = find(_page(app, lang), "data-table")
        return {c["id"]: c.get("format", {}).get("locale") for c in table.columns if c["type"] == "numeric"}

    assert marks("fr") == {"year": None, **dict.fromkeys(("value", "lower", "upper", "precision"), FRENCH)}
    assert marks("es")["value"] == {"decimal": ",", "group": "."} and marks("en")["value"] == {
        "decimal": ".",
        "group": ",",
    }


def test_each_problem_of_a_link_is_a_line_of_its_own_though_its_wording_holds_a_semicolon(app):
    page = _page(app, "en", group="ILO_AMS", sort="year,year")
    lines = [texts(item) for item in components(find(page, "data-url-notice")) if isinstance(item, html.Li)]
    assert len(lines) == 2 and lines[0].startswith("group ILO_AMS cannot filter downloads")
    assert lines[1] == "sort names year twice; give each column once"
