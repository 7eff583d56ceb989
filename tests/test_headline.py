"""The headline rule's plausibility flags (etl/headline.py) on a build's observations table."""

from __future__ import annotations

import duckdb
import pandas as pd

from etl import db, headline
from tests import factories as f
from warehouse.schema import OBSERVATIONS


def _nepal(before: float, after: float, ratio: float) -> tuple[duckdb.DuckDBPyConnection, headline.Rules]:
    """An observations table of indicator "a" for Nepal in 2015 and 2016, and a plausibility rule for it."""
    frame = f.observations(
        [{"indicator": "a", "iso3": "NPL", "year": 2015, "value": before},
         {"indicator": "a", "iso3": "NPL", "year": 2016, "value": after}]
    )  # fmt: skip
    con = duckdb.connect()
    con.register("incoming", db.arrow(frame, OBSERVATIONS))
    con.execute("CREATE TABLE observations AS SELECT * FROM incoming")
    return con, headline.Rules(plausibility=[headline.Plausibility(indicator="a", ratio=ratio, why="test")])


INDICATORS = pd.DataFrame({"code": ["a"], "standard_age": [""]})


def test_a_jump_is_flagged_once_even_when_its_row_already_carries_the_flag():
    con, rules = _nepal(100.0, 900.0, ratio=5)
    for _run in range(2):  # a partial run re-reads the rows it carried over from the last release
        problems = headline.mark(con, INDICATORS, rules)
        assert len(problems) == 1 and "9.0 times the value of 2015" in problems[0].message
    notes = [n for (n,) in con.execute("SELECT note FROM observations WHERE year = 2016").fetchall()]
    assert len(notes) == 1 and notes[0].count("flagged by Delta 8.7") == 1, notes


def test_a_flag_note_rounds_its_ratio_and_value_half_up_as_the_pages_round_numbers():
    con, rules = _nepal(2.5, 5.625, ratio=2)
    problems = headline.mark(con, INDICATORS, rules)
    (note,) = con.execute("SELECT note FROM observations WHERE year = 2016").fetchone()
    assert "2.3 times the value of 2015 (3)" in note, note  # 2.25 and 2.5: Python's format wrote 2.2 and 2
    assert "NPL, 2016: 6 is 2.3 times" in problems[0].message
