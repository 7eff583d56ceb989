"""The headline rule's plausibility flags (etl/headline.py) on a build's observations table."""

from __future__ import annotations

import duckdb
import pandas as pd

from etl import db, headline
from tests import factories as f
from warehouse.schema import OBSERVATIONS


def _table(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """An observations table of the given rows (indicator "a" for Nepal unless they say otherwise)."""
    con = duckdb.connect()
    con.register(
        "incoming",
        db.arrow(f.observations([{"indicator": "a", "iso3": "NPL", "note": None, **r} for r in rows]), OBSERVATIONS),
    )
    con.execute("CREATE TABLE observations AS SELECT * FROM incoming")
    return con


def _nepal(before: float, after: float, ratio: float) -> tuple[duckdb.DuckDBPyConnection, headline.Rules]:
    """An observations table of indicator "a" for Nepal in 2015 and 2016, and a plausibility rule for it."""
    con = _table([{"year": 2015, "value": before}, {"year": 2016, "value": after}])
    return con, headline.Rules(plausibility=[headline.Plausibility(indicator="a", ratio=ratio, why="test")])


def _notes(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [n for (n,) in con.execute("SELECT note FROM observations WHERE note IS NOT NULL ORDER BY rowid").fetchall()]


INDICATORS = pd.DataFrame({"code": ["a"], "standard_age": [""]})


def test_a_jump_is_flagged_once_even_when_its_row_already_carries_the_flag():
    con, rules = _nepal(100.0, 900.0, ratio=5)
    for _run in range(2):  # a partial run re-reads the rows it carried over from the last release
        problems = headline.mark(con, INDICATORS, rules)
        assert len(problems) == 1 and "rose to 9.0 times the value of 2015" in problems[0].message
    notes = [n for (n,) in con.execute("SELECT note FROM observations WHERE year = 2016").fetchall()]
    assert len(notes) == 1 and notes[0].count("flagged by Delta 8.7") == 1, notes


def test_a_flag_note_rounds_its_ratio_and_value_half_up_as_the_pages_round_numbers():
    con, rules = _nepal(2.25, 5.0625, ratio=2)
    problems = headline.mark(con, INDICATORS, rules)
    (note,) = con.execute("SELECT note FROM observations WHERE year = 2016").fetchone()
    assert "rose to 2.3 times the value of 2015 (2.3)" in note, note  # 2.25: Python's format wrote 2.2
    assert "NPL, total, ages 5-17, 2016: 5.1 rose to 2.3 times" in problems[0].message


def test_a_jump_between_ilab_report_years_names_the_report_not_a_year_of_measurement():
    report = {"year": None, "year_start": None, "period": "ILAB report; survey year not published", "unit": "count"}
    con = _table([{**report, "year_end": 2015, "value": 2097163.0}, {**report, "year_end": 2016, "value": 6755852.0}])
    headline.mark(
        con, INDICATORS, headline.Rules(plausibility=[headline.Plausibility(indicator="a", ratio=2, why="t")])
    )
    assert _notes(con) == [
        "flagged by Delta 8.7: rose to 3.2 times the value in the 2015 report (2,097,163); implausible, check with"
        " the publisher before use"
    ]


def test_a_fall_is_worded_as_a_fraction_of_the_earlier_value():
    con, rules = _nepal(54850.0, 21968.0, ratio=2)
    headline.mark(con, INDICATORS, rules)
    assert _notes(con) == [
        "flagged by Delta 8.7: fell to less than half of the value of 2015 (54,850); implausible, check with the"
        " publisher before use"
    ]


def test_a_survey_rate_that_jumps_may_reflect_a_survey_change_and_small_rates_are_not_flagged():
    con = _table(
        [{"age": "12-14", "year": 2019, "value": 1.608}, {"age": "12-14", "year": 2023, "value": 15.004},
         {"age": "5-11", "year": 2019, "value": 0.3}, {"age": "5-11", "year": 2023, "value": 1.1},
         {"age": "15-17", "year": 2010, "value": 40.525}, {"age": "15-17", "year": 2014, "value": 0.469}]
    )  # fmt: skip
    check = headline.Plausibility(indicator="a", ratio=3, min_change=5, reading="survey change", why="survey series")
    problems = headline.mark(con, INDICATORS, headline.Rules(plausibility=[check]))
    survey = "may reflect a change of survey design or definition, check the publisher's notes"
    assert _notes(con) == [
        f"flagged by Delta 8.7: rose to 9.3 times the value of 2019 (1.6); {survey}",
        f"flagged by Delta 8.7: fell to less than a tenth of the value of 2010 (40.5); {survey}",
    ]
    assert [p.message.split(":")[0] for p in problems] == [
        "a, NPL, total, ages 12-14, 2023",
        "a, NPL, total, ages 15-17, 2014",
    ]
