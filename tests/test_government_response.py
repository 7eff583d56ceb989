"""TIP tiers on the country page (government-response section) and Gapminder's legal status as context, on the
real release: tiers by report year as the raw file codes them, labelled, with the caveat and the source; never
coloured or ranked like prevalence."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from dashboards import _coded, _views
from tests.conftest import figure, find, render, serialised, texts

pytestmark = pytest.mark.realdata
#: map_tiers.csv codes (tip_report_tiers/PROVENANCE.md): 1 Tier 1, 2 Tier 2, 3 Tier 2 Watch List, 4 Tier 3.
CODE_LABELS = {1: "Tier 1", 2: "Tier 2", 3: "Tier 2 Watch List", 4: "Tier 3"}


@pytest.fixture
def tiers(raw_dir) -> pd.DataFrame:
    return pd.read_csv(raw_dir / "tip_report_tiers" / "map_tiers.csv").dropna(subset=["tier"])


@pytest.mark.parametrize("iso3", ["THA", "UZB", "NPL"])
def test_tier_chart_shows_every_ranked_report_year_as_the_raw_file_codes_it(real_warehouse, app, tiers, iso3):
    page = render(app, "country", iso3=iso3)
    chart = figure(page, "country-tip_tier")
    trace = chart.data[0]
    shown = dict(zip(trace.x, trace.text, strict=True))
    raw = tiers[tiers["iso"] == iso3]
    assert shown == {int(y): CODE_LABELS[int(t)] for y, t in zip(raw["year"], raw["tier"], strict=True)}
    labels = dict(zip(chart.layout.yaxis.tickvals, chart.layout.yaxis.ticktext, strict=True))
    assert labels == {1: "Tier 1", 2: "Tier 2", 2.5: "Tier 2 Watch List", 3: "Tier 3"}
    assert {trace.line.color, trace.marker.color} == {_coded.NEUTRAL}  # one neutral colour, no ramp


def test_provenance_spot_checks_and_the_caveat_and_source_are_shown(real_warehouse, app):
    tha = render(app, "country", iso3="THA")
    trace = figure(tha, "country-tip_tier").data[0]
    assert dict(zip(trace.x, trace.text, strict=True))[2014] == "Tier 3"
    uzb = figure(render(app, "country", iso3="UZB"), "country-tip_tier").data[0]
    shown = dict(zip(uzb.x, uzb.text, strict=True))
    assert [shown[y] for y in (2013, 2014, 2015)] == ["Tier 3", "Tier 3", "Tier 2 Watch List"]
    caption = texts(find(tha, "country-tip_tier-summary"))
    assert "not a measure of how much trafficking" in caption
    assert "/sources/tip_report_tiers" in serialised(tha)


def test_legal_status_is_context_with_its_source_and_label(real_warehouse, real_release, app, raw_dir):
    raw = pd.read_csv(raw_dir / "gapminder_legal_slavery" / "ddf--datapoints--legslav_status--by--country--time.csv")
    tha = raw[raw["country"] == "tha"].sort_values("time")
    latest = tha.iloc[-1]["legslav_status"]
    begun = tha[tha["legslav_status"] != latest]["time"].max() + 1
    page = serialised(render(app, "country", iso3="THA"))
    assert f"{latest} since {begun}" in page
    assert "Gapminder, Legal slavery" in page


def test_coded_indicators_are_mapped_as_presence_and_never_ranked(real_warehouse, real_release):
    for code in ("tip_tier", "legal_slavery_status"):
        meta = real_warehouse.indicators(real_release).set_index("code").loc[code].to_dict()
        assert _views.map_scale(meta) == "presence"
        _figure, summary, _note = _views.map_block(real_release, code, None, f"t-{code}")
        assert "Highest" not in summary and "lowest" not in summary


def test_the_gsi_2018_government_response_is_shown_as_the_percentage_the_workbook_gives(real_warehouse, app, raw_dir):
    book = openpyxl.load_workbook(raw_dir / "walkfree_gsi" / "FINAL-GSI-2018-DATA-G20-AND-FISHING-1597151668.xlsx",
                                  read_only=True)  # fmt: skip
    sheet = book["Global prev, vuln, govt table"]
    header = [str(v or "").strip() for v in next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, max_row=189, values_only=True)}  # before the sheet's extLst
    total = rows["Uganda"][header.index("TOTAL")]  # 42.02…, under the "GOVERNMENT RESPONSE" heading beside "%" columns
    shown = texts(find(render(app, "country", iso3="UGA"), "country-government-response"))
    letter = header.index("Credit rating")  # B for Uganda; BBB* for the United Kingdom, the '*' left unexplained
    assert f": {total:.1f}% (2018). Walk Free's letter rating: {rows['Uganda'][letter]} (its data file" in shown
    britain = texts(find(render(app, "country", iso3="GBR"), "country-government-response"))
    assert f"letter rating: {rows['United Kingdom'][letter]} (its data file does not say" in britain


def test_the_brief_gives_the_gsi_2018_response_and_letter_rating_as_the_country_page_does(real_warehouse, app):
    page = texts(find(render(app, "country", iso3="UGA"), "country-government-response"))
    brief = render(app, "brief", iso3="UGA")
    shown = texts(find(brief, "brief-government-response"))
    assert "Walk Free's letter rating: B (its data file does not say" in shown
    assert shown == page
    assert "Walk Free" in texts(find(brief, "brief-sources"))
