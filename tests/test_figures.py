"""Pure figure builders, formatting and the series rules of the dashboards (no app, no warehouse)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards import _components as c
from dashboards import _figures, _indicator, _series
from tests import factories as f


def obs(rows: list[dict]) -> pd.DataFrame:
    return f.observations(rows)


def test_trend_figure_draws_one_line_per_series_with_integer_years_and_intervals():
    frame = pd.DataFrame(
        {
            "series": ["A", "A", "B", "B"],
            "year": [2000, 2010, 2005, 2015],
            "value": [10.0, 8.0, 3.0, 4.0],
            "lower": [9.0, 7.0, None, None],
            "upper": [11.0, 9.5, None, None],
        }
    )
    fig = _figures.trend_figure(frame, "Title", "%", marker_year=2010)
    assert [t.name for t in fig.data] == ["A", "B"]
    assert list(fig.data[0].x) == [2000, 2010] and list(fig.data[1].y) == [3.0, 4.0]
    assert list(fig.data[0].error_y.array) == [1.0, 1.5] and list(fig.data[0].error_y.arrayminus) == [1.0, 1.0]
    assert fig.data[1].error_y.array is None
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.yaxis.title.text == "%"
    assert fig.data[0].line.color == _figures.OKABE_ITO[0] and fig.data[1].line.color == _figures.OKABE_ITO[1]
    assert fig.layout.shapes[0].x0 == 2010


def test_empty_inputs_give_a_message_instead_of_a_blank_chart():
    fig = _figures.trend_figure(pd.DataFrame(columns=["series", "year", "value"]), "t", "%")
    assert fig.layout.annotations[0].text == "No data for this selection"


def test_map_figure_uses_iso3_locations_and_carries_codes_for_click_through():
    frame = pd.DataFrame(
        {"iso3": ["KEN", "UGA"], "name": ["Kenya", "Uganda"], "value": [1.0, 2.24], "year": [2018, 2019]}
    ).assign(unit="percent", precision=[0.1, 0.01])
    fig = _figures.map_figure(frame, "Map", "%")
    trace = fig.data[0]
    assert trace.locationmode == "ISO-3" and list(trace.locations) == ["KEN", "UGA"] and list(trace.z) == [1.0, 2.24]
    assert list(trace.customdata) == ["KEN", "UGA"]  # the hover writes each value as the map's table does
    assert list(trace.text) == ["Kenya (2018)<br>1.0%", "Uganda (2019)<br>2.2%"]
    assert trace.colorscale[0][1].lower() != "#ffffff"  # viridis, not a white-to-colour ramp
    assert _figures.map_figure(frame, "Map", "%", reverse=True).data[0].reversescale is False


def test_bar_figure_highlights_the_country_against_muted_peers():
    frame = pd.DataFrame({"label": ["Kenya", "Region"], "value": [2.0, 5.0], "highlight": [True, False]})
    bar = _figures.bar_figure(frame, "t", "per 1,000").data[0]
    assert list(bar.y) == ["Kenya", "Region"] and list(bar.marker.color) == [_figures.HIGHLIGHT, _figures.MUTED]
    assert list(bar.text) == ["2", "5"]


def test_bar_names_are_written_above_their_bars_so_the_bars_keep_the_width():
    frame = pd.DataFrame({"label": ["Sub-Saharan Africa: unweighted median of 11 of 13 countries", "Kenya"],
                          "value": [8.7, 3.0]})  # fmt: skip
    fig = _figures.bar_figure(frame, "t", "%")
    assert fig.layout.yaxis.showticklabels is False  # no names beside the bars
    names = {a.y: a.text for a in fig.layout.annotations}
    assert names == {
        "Kenya": "Kenya",
        frame["label"][0]: "Sub-Saharan Africa: unweighted<br>median of 11 of 13 countries",
    }


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (160_000_000.0, "count", 0, "160 million"),
        (27_600_000.0, "count", 0, "27.6 million"),
        (69627.0, "count", 0, "69,627"),
        (22.4, "percent", 1, "22.4%"),
        (5.4, "per-1000", 1, "5.4 per 1,000"),
        (1.0, "flag", 0, "yes"),
        (5200.5, "int-usd", 0, "5,201 international $"),  # a half rounded away from zero, as publishers do
        (float("nan"), "percent", 1, "–"),
    ],
)
def test_format_value(value, unit, decimals, expected):
    assert c.format_value(value, unit, decimals) == expected


def test_source_note_names_source_years_nature_and_attribution_for_restricted_data():
    sources = pd.DataFrame([f.source("open"), f.source("walkfree", redistribution=False)]).set_index("id", drop=False)
    rows = obs(
        [
            {"indicator": "x", "iso3": "KEN", "year": 2016, "value": 1.0, "source": "open"},
            {"indicator": "x", "iso3": "KEN", "year": 2018, "value": 1.0, "source": "walkfree"},
        ]
    )
    line = c.source_note(rows, sources).children[0]
    text = "".join(p if isinstance(p, str) else p.children for p in line.children)
    assert text == (
        "Sources: Synthetic walkfree (not in downloads); Synthetic open. 2016–2018, survey, census or register data."
        " Sources and notes"
    )
    assert [a.href for a in line.children if not isinstance(a, str)] == [
        "/sources/walkfree",
        "/sources/open",
        "/sources",
    ]


def test_trend_frame_keeps_age_bands_and_sources_apart_and_needs_two_points():
    rows = obs(
        [
            {"indicator": "cl", "iso3": "A", "year": 2000, "value": 30.0, "age": "5-17", "source": "s1"},
            {"indicator": "cl", "iso3": "A", "year": 2010, "value": 20.0, "age": "5-17", "source": "s1"},
            {"indicator": "cl", "iso3": "A", "year": 2012, "value": 25.0, "age": "5-14", "source": "s1"},
            {"indicator": "cl", "iso3": "A", "year": 2014, "value": 22.0, "age": "5-14", "source": "s1"},
            {"indicator": "cl", "iso3": "A", "year": 2016, "value": 15.0, "age": "5-17", "source": "s2"},
        ]
    )
    frame = _series.trend_frame(rows, "cl")
    assert sorted(frame["series"].unique()) == ["ages 5–14", "ages 5–17"]  # the single s2 point is left out
    assert frame[frame["series"] == "ages 5–17"]["value"].tolist() == [30.0, 20.0]


def test_a_series_another_source_republishes_unchanged_is_drawn_once_under_the_headline_source():
    wdi = {1999: 47.2, 2008: 40.6, 2014: 42.82749}  # Nepal, WDI SL.TLF.0714.ZS; OWID writes 42.827490
    rows = obs(
        [{"indicator": "cl", "iso3": "A", "year": y, "value": v, "age": "7-14", "source": "wdi", "preferred": y == 2014}
         for y, v in wdi.items()]
        + [{"indicator": "cl", "iso3": "A", "year": y, "value": round(v, 6), "age": "7-14", "source": "owid"}
           for y, v in wdi.items()]
        + [{"indicator": "cl", "iso3": "A", "year": y, "value": v + 1, "age": "7-14", "source": "other"}
           for y, v in wdi.items()]
    )  # fmt: skip
    frame = _series.trend_frame(rows, "cl", names={"wdi": "World Bank", "owid": "OWID", "other": "Other"})
    assert sorted(frame["series"].unique()) == ["ages 7–14 · Other", "ages 7–14 · World Bank"]


def test_headline_row_prefers_total_sex_and_the_sdg_age_band():
    rows = obs(
        [
            {"indicator": "child_labour_5_17", "iso3": "A", "year": 2019, "value": 9.0, "age": "5-14"},
            {"indicator": "child_labour_5_17", "iso3": "A", "year": 2018, "value": 8.0, "age": "5-17", "sex": "female"},
            {"indicator": "child_labour_5_17", "iso3": "A", "year": 2017, "value": 7.0, "age": "5-17"},
        ]
    )
    indicators = pd.DataFrame([f.indicator("child_labour_5_17", standard_age="5-17")])
    row = _series.headline_row(f.mark_frame(rows, indicators), "child_labour_5_17")
    assert (row["year"], row["value"], row["age"], row["sex"]) == (2017, 7.0, "5-17", "total")
    assert _series.headline_row(rows, "child_labour_5_17") is None  # pages never choose: the ETL marks the row


def test_peer_values_use_the_same_year_when_enough_peers_have_it_else_each_latest_nearby():
    row = pd.Series({"indicator": "x", "sex": "total", "age": "5-17", "source": "s", "year": 2016})
    same = obs(
        [
            {"indicator": "x", "iso3": iso3, "year": 2016, "value": v, "source": "s"}
            for iso3, v in zip("BCD", (1.0, 2.0, 3.0), strict=True)
        ]
    )
    assert sorted(_series.peer_values(same, ["B", "C", "D"], row)["value"]) == [1.0, 2.0, 3.0]
    spread = obs(
        [
            {"indicator": "x", "iso3": "B", "year": 2012, "value": 1.0, "source": "s"},
            {"indicator": "x", "iso3": "B", "year": 2014, "value": 4.0, "source": "s"},
            {"indicator": "x", "iso3": "C", "year": 2030, "value": 9.0, "source": "s"},
            {"indicator": "x", "iso3": "D", "year": 2016, "value": 2.0, "source": "other"},
        ]
    )
    assert _series.peer_values(spread, ["B", "C", "D"], row)["value"].tolist() == [4.0]


def test_gap_sentence_states_the_gap_plainly():
    survey = pd.Series({"year": 2012, "survey": "MICS 2012, UNICEF and ILO calculations"})
    assert _series.gap_sentence("child labour survey data", survey, 2026) == (
        "No child labour survey data since 2012 (MICS 2012)."
    )
    recent = pd.Series({"year": 2024, "survey": None})
    assert _series.gap_sentence("child labour survey data", recent, 2026) == "Latest child labour survey data: 2024."
    assert _series.gap_sentence("estimate", None, 2026, "Tuvalu") == "No estimate for Tuvalu in this release."
    report = pd.Series({"year": None, "period": "ILAB report 2016; survey year not published"})
    assert _series.gap_sentence("child labour survey data", report, 2026) == (
        "Latest child labour survey data: no survey year is published; the value refers to: ILAB report 2016; "
        "survey year not published."
    )


def test_cross_section_takes_one_row_per_area_by_source_priority():
    rows = obs(
        [
            {"indicator": "x", "iso3": "A", "year": 2018, "value": 1.0, "source": "low"},
            {"indicator": "x", "iso3": "A", "year": 2018, "value": 2.0, "source": "high"},
            {"indicator": "x", "iso3": "A", "year": 2015, "value": 3.0, "source": "high"},
            {"indicator": "x", "iso3": "B", "year": 2015, "value": 4.0, "source": "low"},
        ]
    )
    latest = _series.cross_section(rows, "latest", "total", "5-17", {"A", "B"}, ["high", "low"])
    assert dict(zip(latest["iso3"], latest["value"], strict=True)) == {"A": 2.0, "B": 4.0}
    in_2015 = _series.cross_section(rows, "2015", "total", "5-17", {"A", "B"}, ["high", "low"])
    assert dict(zip(in_2015["iso3"], in_2015["value"], strict=True)) == {"A": 3.0, "B": 4.0}


def test_indicator_view_from_a_hostile_query_falls_back_to_defaults():
    rows = obs([{"indicator": "x", "iso3": "KEN", "year": 2018, "value": 1.0}])
    choices = _indicator.Choices.of(rows, "x")
    view = _indicator.parse(choices, tab="<script>", year="1' OR 1=1", countries="KEN,,zz,ken", sex="??")
    assert view == _indicator.View(tab="chart", year="latest", areas=("KEN",), sex="total", age="5-17")
    assert view.search("total", "5-17") == "?countries=KEN"
    assert _indicator.View().search("total", "5-17") == ""


def test_indicator_chart_defaults_to_pathfinders_with_a_series_then_the_longest_series():
    rows = obs(
        [{"indicator": "x", "iso3": iso3, "year": year, "value": 1.0}
         for iso3, years in {"AAA": [2000], "BBB": [2000, 2005, 2010], "KEN": [2001, 2002], "UGA": [2003],
                             "ZZZ": [2000, 2004], "WLD": [2000, 2001, 2002, 2003]}.items()
         for year in years]
    )  # fmt: skip
    countries = pd.DataFrame(
        {"pathfinder": [False, False, True, True, False]}, index=["AAA", "BBB", "KEN", "UGA", "ZZZ"]
    )
    assert _indicator.default_areas(rows, countries, limit=4) == ("KEN", "BBB", "ZZZ", "UGA")
    world_only = rows[rows["iso3"] == "WLD"]
    assert _indicator.default_areas(world_only, countries) == ("WLD",)  # no country data: the world and regions


def test_indicator_chart_draws_each_areas_headline_series_only():
    rows = obs(
        [
            {"indicator": "x", "iso3": "NPL", "year": 2008, "value": 30.0, "source": "b"},
            {"indicator": "x", "iso3": "NPL", "year": 2014, "value": 25.0, "source": "b", "preferred": True},
            {"indicator": "x", "iso3": "NPL", "year": 2019, "value": 20.0, "source": "a"},
            {"indicator": "x", "iso3": "ETH", "year": 2015, "value": 40.0, "source": "b"},
            {"indicator": "x", "iso3": "ETH", "year": 2010, "value": 45.0, "source": "a"},
        ]
    )
    lines = _indicator.headline_series(rows, ["a", "b"])
    picked = {iso3: sorted(part["year"]) for iso3, part in lines.groupby("iso3")}
    assert picked == {"NPL": [2008, 2014], "ETH": [2010]}  # NPL: its headline's series; ETH: the rule's first source
