"""Readable sources: short display names, the one-line source under charts, /sources pages, citation text.

Data: small SYNTHETIC releases published here (values made up), and the real warehouse where a test says so.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboards import _cite
from dashboards import _components as c
from etl.problems import SourceError
from etl.registry import SHORT_NAME, load_registry, load_source
from tests import factories as f
from tests.conftest import components, find, render, serialised, texts

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "data" / "registry"
SHA = "ab" * 32


def line_text(note) -> str:
    """The text of the source line (the first child of a source note), as a reader sees it."""
    return "".join(p if isinstance(p, str) else p.children for p in note.children[0].children)


def rows(specs: list[dict]) -> pd.DataFrame:
    return f.observations([{"indicator": "x", "iso3": "KEN", "value": 1.0, **s} for s in specs])


# -- short display names in the registry -----------------------------------------------------------------
def test_every_source_has_a_short_distinct_display_name():
    sources = load_registry(REGISTRY)
    names = [s.short_name for s in sources]
    assert all(0 < len(n) <= SHORT_NAME for n in names)
    assert len(set(names)) == len(names), "two sources would read the same under a chart"


def test_an_entry_without_a_short_name_is_refused_with_the_field_named(tmp_path):
    text = (REGISTRY / "owid.yaml").read_text(encoding="utf-8")
    entry = tmp_path / "owid.yaml"
    entry.write_text(re.sub(r"^short_name: .*\n", "", text, flags=re.M), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_source(entry)
    assert "short_name" in str(caught.value.problems[0])


# -- the line under a chart ------------------------------------------------------------------------------
def test_the_source_line_names_short_names_survey_years_and_nature_within_the_limit():
    records = {"dw": {**f.source("dw"), "short_name": "UNICEF Data Warehouse"}}
    data = rows([{"year": 2014, "source": "dw", "survey": "MICS 2014, UNICEF and ILO calculations"}])
    note = c.source_note(data, records, "Peers: same age band.")
    assert line_text(note) == (
        "Source: UNICEF Data Warehouse; MICS 2014. 2014, survey, census or register data. Sources and notes"
    )
    assert texts(note.children[1]) == "Peers: same age band."  # the chart's own note is not part of the source line
    assert note.children[0].children[1].href == "/sources/dw"


def test_many_long_sources_collapse_to_fit_two_lines_and_link_to_the_list():
    records = {f"s{i}": {**f.source(f"s{i}"), "short_name": f"Publisher number {i} with a long name, Report"}
               for i in range(6)}  # fmt: skip
    data = rows([{"year": 2000 + i, "source": f"s{i}"} for i in range(6)])
    text = line_text(c.source_note(data, records))
    assert len(text) <= _cite.LIMIT
    assert "and 4 more" in text or "and 5 more" in text
    assert text.startswith("Sources: Publisher number 5")  # the most recent data first


def test_edition_short_names_from_the_registry_name_each_publication():
    record = {**f.source("ge"), "short_name": "Global estimates", "edition_names": '{"ILO (2017) long": "ILO (2017)"}'}
    data = rows([{"year": 2016, "source": "ge", "edition": "ILO (2017) long"}, {"year": 2020, "source": "ge"}])
    assert line_text(c.source_note(data, {"ge": record})).startswith("Sources: Global estimates; ILO (2017). 2016–2020")
    assert c.source_short({"ge": record}, {"source": "ge", "edition": "ILO (2017) long"}) == "ILO (2017)"


# -- /sources and /sources/<id> ----------------------------------------------------------------------------
@pytest.fixture
def two_releases(warehouse_root) -> list[str]:
    """Two releases of one synthetic source: the second changes a file."""
    obs = f.observations([{"indicator": "syn", "iso3": "KEN", "year": y, "value": 1.0} for y in (2010, 2015)])
    extra = {"countries": [f.country("KEN", "Kenya")]}
    ids = []
    for checksum in (SHA, "cd" * 32):
        files = [{"source": f.SYNTHETIC, "path": "syn/data.csv", "sha256": checksum, "bytes": 1234}]
        ids.append(f.make_release(warehouse_root, obs, source_files=files, **extra))
    return ids


def test_sources_lists_every_source_with_a_link(two_releases, app, client):
    page = render(app, "sources")
    assert find(page, "sources-table") is not None
    assert '"/sources/synthetic"' in serialised(page)
    assert client.get("/sources").status_code == 200


def test_a_source_page_renders_the_full_record(two_releases, app, client):
    page = render(app, "source", source_id=f.SYNTHETIC)
    text, record = texts(page), f.source()
    for field in ("publisher", "title", "edition", "url", "obtained_from", "licence", "retrieved", "citation"):
        assert record[field] in text, field
    assert "you may re-use them" in text  # what the licence allows
    assert SHA not in text and "cd" * 32 in text and "1,234 bytes" in text  # the served release's files
    assert '"/indicator/syn"' in serialised(page)
    assert texts(find(page, "source-coverage")) == "2 values for 1 country, years 2010–2015."
    changes = [texts(item) for item in find(page, "source-history").children]
    assert [item.split(": ", 1)[1] for item in changes] == ["new or changed files: syn/data.csv", "added"]
    assert changes[0].startswith(two_releases[1]) and changes[1].startswith(two_releases[0])
    assert client.get(f"/sources/{f.SYNTHETIC}").status_code == 200


@pytest.mark.parametrize(("lang", "added"), [("fr", "ajoutée"), ("es", "añadida")])
def test_a_french_or_spanish_source_history_says_added_in_its_language(two_releases, app, lang, added):
    page = importlib.import_module("dashboards.source")
    with app.server.test_request_context(f"/?lang={lang}"):
        history = find(page.layout(source_id=f.SYNTHETIC), "source-history")
    assert texts(history.children[-1]).endswith(f": {added}")  # the first release holding the source


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_new_edition_in_the_source_history_names_the_publishers_editions_marked_english(warehouse_root, app, lang):
    obs = f.observations([{"indicator": "syn", "iso3": "KEN", "year": 2010, "value": 1.0}])
    for edition in ("2018", "2023 edition"):
        sources = [{**f.source(), "edition": edition}]
        f.make_release(warehouse_root, obs, sources=sources, countries=[f.country("KEN", "Kenya")])
    page = importlib.import_module("dashboards.source")
    with app.server.test_request_context(f"/?lang={lang}"):
        newest = find(page.layout(source_id=f.SYNTHETIC), "source-history").children[0]
    marked = [(x.children, x.lang) for x in newest.children if getattr(x, "lang", None)] if lang == "fr" else []
    if lang == "en":
        assert newest.children.split(": ", 1)[1] == "edition: 2018 → 2023 edition"
    else:
        assert marked == [("2018", "en"), ("2023 edition", "en")] and "édition" in texts(newest)


def test_an_unknown_source_is_a_404_page(two_releases, app, client):
    assert client.get("/sources/nope").status_code == 404
    assert find(render(app, "source", source_id="nope"), "source-not-found") is not None


# -- citation text ---------------------------------------------------------------------------------------
def test_cite_this_chart_says_what_the_download_citation_file_says(explorer_release, app, client):
    from tests import explorer_data as xd  # noqa: PLC0415

    with client.get("/api/v1/observations?indicator=syn_rate&format=zip") as response:
        cited = zipfile.ZipFile(io.BytesIO(response.get_data())).read("CITATION.txt").decode().splitlines()
    sources = {xd.OPEN: {**f.source(xd.OPEN), "citation": "Synthetic open data (test)."}}
    with app.server.test_request_context("/"):
        cite = c.source_note(rows([{"year": 2010, "source": xd.OPEN}]), sources).children[2]
    assert texts(cite.children[0]) == "Cite this chart"
    text = cite.children[1].children.splitlines()
    assert text[0] == cited[0] == "Synthetic open data (test)."
    assert explorer_release in text[1] and cited[1].startswith(text[1].rstrip("."))  # the file adds the query URL


def test_cite_this_chart_names_the_page_with_the_query_that_shows_the_view(explorer_release, app, monkeypatch):
    from tests import explorer_data as xd  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_PUBLIC_URL", "https://data.example.org")
    sources = {xd.OPEN: f.source(xd.OPEN)}

    def platform_line(page: str, url: str = "/_dash-update-component") -> str:
        # in a callback's request the page is the caller's to say, whatever URL the request itself has
        with app.server.test_request_context(url, method="POST"):
            note = c.source_note(rows([{"year": 2010, "source": xd.OPEN}]), sources, page=page)
        return texts(note.children[2].children[1]).splitlines()[-1]

    assert f"release {explorer_release} (created " in platform_line("/country/KEN")
    assert platform_line("/country/KEN").endswith("): https://data.example.org/country/KEN")
    assert platform_line("/indicator/x?tab=chart").endswith(": https://data.example.org/indicator/x?tab=chart")
    french = platform_line("/indicator/x?tab=chart", "/indicator/x?lang=fr")
    assert french.endswith(": https://data.example.org/indicator/x?tab=chart&lang=fr")  # the page as its reader sees it
    assert platform_line("").endswith(")."), "no page given: the release alone, as before"


def test_every_chart_on_a_country_page_cites_that_page(synthetic_release, app):
    cites = [
        p.children
        for p in components(render(app, "country", iso3="KEN"))
        if getattr(p, "className", "") == "cite-text small mb-1"
    ]
    assert cites and all(text.endswith(": http://localhost/country/KEN") for text in cites)


# -- internal notes stay on source pages -------------------------------------------------------------------
HASH = re.compile(r"\b[0-9a-f]{40}\b")


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("module", "kwargs"),
    [("home", {}), ("country", {"iso3": "NPL"}), ("indicator", {"code": "child_labour_5_17"}),
     ("theme", {"slug": "child-labour"}), ("data", {}), ("brief", {"iso3": "NPL"}), ("sources", {})],
)  # fmt: skip
def test_no_repository_commit_or_snapshot_note_outside_source_pages(real_warehouse, real_release, app, module, kwargs):
    page = serialised(render(app, module, **kwargs))
    from dashboards import _indicator  # noqa: PLC0415

    if module == "indicator":  # the About tab is filled by a callback
        meta = real_warehouse.indicators(real_release).set_index("code").loc["child_labour_5_17"].to_dict()
        page += serialised(_indicator.about_view(real_release, {**meta, "code": "child_labour_5_17"}))
    assert "repositor" not in page.lower() and not HASH.search(page)
    for obtained in real_warehouse.sources(real_release)["obtained_from"]:
        assert obtained not in page


@pytest.mark.realdata
def test_the_source_page_is_where_snapshot_notes_are_shown(real_warehouse, app):
    text = texts(render(app, "source", source_id="sdg_menaro"))
    assert "35052082f7de88e10e245cc5aefba758f284fcfb" in text and "How the copy used here was obtained" in text
