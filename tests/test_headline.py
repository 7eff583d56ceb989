"""The headline rule's plausibility flags (etl/headline.py) on a build's observations table."""

from __future__ import annotations

import duckdb
import pandas as pd

from etl import db, headline
from tests import factories as f
from warehouse.schema import OBSERVATIONS


def test_a_jump_is_flagged_once_even_when_its_row_already_carries_the_flag():
    frame = f.observations(
        [{"indicator": "a", "iso3": "NPL", "year": 2015, "value": 100.0},
         {"indicator": "a", "iso3": "NPL", "year": 2016, "value": 900.0}]
    )  # fmt: skip
    con = duckdb.connect()
    con.register("incoming", db.arrow(frame, OBSERVATIONS))
    con.execute("CREATE TABLE observations AS SELECT * FROM incoming")
    rules = headline.Rules(plausibility=[headline.Plausibility(indicator="a", ratio=5, why="test")])
    indicators = pd.DataFrame({"code": ["a"], "standard_age": [""]})
    for _run in range(2):  # a partial run re-reads the rows it carried over from the last release
        problems = headline.mark(con, indicators, rules)
        assert len(problems) == 1 and "9.0 times the value of 2015" in problems[0].message
    notes = [n for (n,) in con.execute("SELECT note FROM observations WHERE year = 2016").fetchall()]
    assert len(notes) == 1 and notes[0].count("flagged by Delta 8.7") == 1, notes
