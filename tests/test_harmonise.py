"""Harmonising raw frames: cell conventions (years, values, sexes, ages), areas, indicators, drops, notes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import db
from etl.adapters.cells import normalise_age, parse_value, parse_year, sex_of
from etl.adapters.table import RawTable
from etl.countries import Resolver
from etl.harmonise import harmonise
from etl.registry import Dataset
from warehouse.schema import OBSERVATIONS

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SOURCE = ("syn", "2024")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_files(FORMATS / "raw", FORMATS / "reference")


def raw(rows: list[dict], **source_columns) -> RawTable:
    """A raw table as an adapter returns it: text as written (empty, never missing), 1-based rows from line 2."""
    frame = pd.DataFrame(rows, dtype="str").fillna("")
    frame["_row"] = np.arange(2, len(frame) + 2)
    frame["_order"] = 0
    con = duckdb.connect()
    db.create_table(con, "raw", frame)
    return RawTable(con, "raw", [], {"area": "REF_AREA", "year": "TIME_PERIOD", "value": "OBS_VALUE", **source_columns})


def run(rows, resolver, **fields):
    fields.setdefault("unit", "count")
    dataset = Dataset(file="syn/file.csv", format="sdmx-csv", indicator=fields.pop("indicator", "syn_ind"), **fields)
    return harmonise(raw(rows), dataset, SOURCE, resolver, "syn/file.csv")


@pytest.mark.parametrize(
    ("text", "year", "note"),
    [
        ("2019", 2019, None),
        (" 2019.0 ", 2019, None),
        ("2019-2020", 2020, "period 2019-2020"),
        ("2015-16", 2016, "period 2015-16"),
        ("2012–2021", 2021, "period 2012–2021"),
        ("2018 x", 2018, "year flag x"),
        ("2018*", 2018, "year flag *"),
        ("2019-06-30", 2019, None),
        ("20x9", None, None),
        ("2020-2019", None, None),
        ("", None, None),
    ],
)
def test_parse_year(text, year, note):
    assert parse_year(text) == (year, note)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1,282", "count", (1282.0, None, None, False, None, 3)),
        ("  38,928,000 ", "count", (38928000.0, None, None, False, None, 3)),
        ("1 234 567", "count", (1234567.0, None, None, False, None, 0)),
        ("<5", "count", (None, 0.0, 4.0, True, "<5: suppressed small value", 2)),
        ("<0.1", "percent", (None, 0.0, 0.1, True, "<0.1: suppressed small value", 2)),
        (">95", "percent", (None, 95.0, None, True, ">95: censored value", 2)),
        ("12.5%", "percent", (12.5, None, None, False, None, 0)),
        ("3.3 x", "percent", (3.3, None, None, False, "value flag x", 0)),
        ("-", None, (None, None, None, False, None, 1)),
        ("..", None, (None, None, None, False, None, 1)),
        ("Unavailable", None, (None, None, None, False, None, 1)),
        ("n/a", None, (None, None, None, False, None, 1)),
        ("abc", None, (None, None, None, False, None, 4)),
        ("1,5", None, (None, None, None, False, None, 4)),
    ],
)
def test_parse_value(text, unit, expected):
    assert parse_value(text, unit) == expected


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Y5T17", "5-17"),
        ("5_17", "5-17"),
        ("Y5T17: 5 to 17 years old", "5-17"),
        ("Y0T4: Under 5 years old", "under 5"),
        ("<5Y", "under 5"),
        ("lt18y", "under 18"),
        ("0 to 17 years", "under 18"),
        ("18 years or over", "18+"),
        ("ALLAGE", "all ages"),
        ("Total", "all ages"),
        ("7-14", "7-14"),
        ("Unknown", "Unknown"),
    ],
)
def test_normalise_age(text, age):
    assert normalise_age(text) == age


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("_T", "total"),
        ("_T: Total", "total"),
        ("BOTHSEX", "total"),
        ("F", "female"),
        ("Female", "female"),
        ("male", "male"),
        ("Unknown", None),
        ("Other", None),
    ],  # fmt: skip
)
def test_sex_codes(text, sex):
    assert sex_of(text) == sex


def test_output_has_exactly_the_observation_columns(resolver):
    result = run([{"area": "AFG", "year": "2019", "value": "1.5"}], resolver, unit="percent", scale=10)
    obs = result.frame()
    assert list(obs.columns) == OBSERVATIONS.names
    row = obs.iloc[0].to_dict()
    assert {k: row[k] for k in ("indicator", "iso3", "year", "sex", "value", "unit", "source", "edition")} == {
        "indicator": "syn_ind", "iso3": "AFG", "year": 2019, "sex": "total", "value": 15.0, "unit": "percent",
        "source": "syn", "edition": "2024",
    }  # fmt: skip
    assert row["source_file"] == "syn/file.csv" and row["censored"] is np.False_ or row["censored"] is False
    assert result.con.execute("SELECT _row FROM obs").fetchall() == [(2,)]


def test_indicator_map_keeps_mapped_values_and_drops_the_rest(resolver):
    rows = [{"area": "AFG", "year": "2019", "value": "1", "indicator": "A"},
            {"area": "AFG", "year": "2019", "value": "2", "indicator": "B"},
            {"area": "AFG", "year": "2019", "value": "3", "indicator": "C"}]  # fmt: skip
    result = run(rows, resolver, indicator=None, indicator_map={"A": "ind_a", "B": "ind_b"})
    assert list(result.frame()["indicator"]) == ["ind_a", "ind_b"]
    assert result.dropped == Counter({"indicator not used": 1})


def test_filters_keep_listed_values_of_any_column(resolver):
    rows = [{"area": "AFG", "year": "2019", "value": "1", "Dimension": "Total"},
            {"area": "AFG", "year": "2018", "value": "2", "Dimension": "by form of exploitation"}]  # fmt: skip
    result = run(rows, resolver, filters={"Dimension": ["Total"]})
    assert list(result.frame()["year"]) == [2019]
    assert result.dropped["filtered out by the registry"] == 1
    missing = run(rows, resolver, filters={"Category": ["Total"]})
    assert missing.problems[0].column == "Category" and "not in the file" in missing.problems[0].message


def test_aggregates_are_kept_under_region_codes_or_dropped_and_listed(resolver):
    rows = [{"area": "World", "year": "2019", "value": "1"},
            {"area": "Fragile and conflict affected situations", "year": "2019", "value": "2"},
            {"area": "Atlantis", "year": "2019", "value": "3"}]  # fmt: skip
    result = run(rows, resolver)
    assert list(result.frame()["iso3"]) == ["WLD"]
    assert result.dropped == Counter({
        "aggregate without a region code: Fragile and conflict affected situations": 1,
        "dropped on purpose (country_aliases.csv): Atlantis": 1,
    })  # fmt: skip
    assert not result.problems


def test_unknown_area_is_an_error_naming_file_row_column_value_and_the_alias_file(resolver):
    rows = [{"area": "AFG", "year": "2019", "value": "1"}, {"area": "Narnia", "year": "2019", "value": "2"},
            {"area": "Narnia", "year": "2020", "value": "3"}]  # fmt: skip
    result = run(rows, resolver)
    (problem,) = result.problems
    assert (problem.check, problem.file, problem.row, problem.column, problem.value) == (
        "areas", "syn/file.csv", 3, "REF_AREA", "Narnia")  # fmt: skip
    assert "2 row(s)" in problem.message and str(FORMATS / "reference" / "country_aliases.csv") in problem.message
    assert list(result.frame()["iso3"]) == ["AFG"]


def test_censored_values_keep_bounds_and_a_note(resolver):
    result = run([{"area": "AFG", "year": "2019", "value": "<5"}], resolver, unit="count")
    row = result.frame().iloc[0]
    assert pd.isna(row["value"]) and (row["lower"], row["upper"], row["censored"]) == (0.0, 4.0, True)
    assert row["note"] == "<5: suppressed small value"


def test_missing_markers_are_dropped_as_no_value(resolver):
    rows = [{"area": "AFG", "year": str(y), "value": v} for y, v in zip(range(2015, 2020), ["", "-", "–", "..", "7"],
                                                                        strict=True)]  # fmt: skip
    result = run(rows, resolver)
    assert list(result.frame()["value"]) == [7.0]
    assert result.dropped == Counter({"no value": 4})


def test_year_notes_value_notes_and_row_notes_are_joined(resolver):
    rows = [{"area": "AFG", "year": "2019-2020", "value": "<5", "note": "survey"}]
    result = run(rows, resolver, unit="count", note="synthetic")
    assert result.frame()["note"].iloc[0] == "synthetic; survey; period 2019-2020; <5: suppressed small value"


def test_sex_and_age_maps_come_first_then_the_usual_codes(resolver):
    rows = [{"area": "AFG", "year": "2019", "value": "1", "sex": "G", "age": "Y5T17"},
            {"area": "AFG", "year": "2019", "value": "2", "sex": "_F", "age": "kids"},
            {"area": "AFG", "year": "2019", "value": "3", "sex": "Unknown", "age": "Y5T17"}]  # fmt: skip
    result = run(rows, resolver, sex_map={"G": "female"}, age_map={"kids": "5-14"})
    assert [(r.sex, r.age) for r in result.frame().itertuples()] == [("female", "5-17"), ("female", "5-14")]
    assert result.dropped == Counter({"sex not used: Unknown": 1})


def test_on_duplicate_drop_keeps_exact_repeats_once_and_drops_conflicts(resolver):
    rows = [{"area": "AFG", "year": "2019", "value": "1"}, {"area": "AFG", "year": "2019", "value": "1"},
            {"area": "ALB", "year": "2019", "value": "2"}, {"area": "ALB", "year": "2019", "value": "3"}]  # fmt: skip
    result = run(rows, resolver, options={"on_duplicate": "drop"})
    assert list(result.frame()["iso3"]) == ["AFG"]
    assert result.dropped == Counter({"duplicate row (same key and value)": 1,
                                      "duplicate key with conflicting values": 2})  # fmt: skip
    assert [(p.severity, p.row) for p in result.problems] == [("warning", 4), ("warning", 5)]


def test_no_indicator_anywhere_is_a_registry_error(resolver):
    dataset = Dataset(file="syn/file.csv", format="sdmx-csv")
    result = harmonise(raw([{"area": "AFG", "year": "2019", "value": "1"}]), dataset, SOURCE, resolver, "syn/file.csv")
    assert result.frame().empty
    assert result.problems[0].column == "indicator" and "indicator_map" in result.problems[0].message


def test_fixed_year_for_files_without_a_year_column(resolver):
    rows = [{"area": "AFG", "value": "1"}]
    dataset = Dataset(file="f.csv", format="wide", indicator="x", year=2021, edition="2023")
    result = harmonise(raw(rows), dataset, SOURCE, resolver, "f.csv")
    assert list(result.frame()["year"]) == [2021] and list(result.frame()["edition"]) == ["2023"]


def test_empty_raw_table_gives_an_empty_typed_frame(resolver):
    result = harmonise(RawTable(duckdb.connect()), Dataset(file="f.csv", format="tidy"), SOURCE, resolver, "f.csv")
    assert result.frame().empty and list(result.frame().columns) == OBSERVATIONS.names


def test_no_year_anywhere_is_a_registry_error(resolver):
    dataset = Dataset(file="f.csv", format="wide", indicator="x", unit="count")
    result = harmonise(raw([{"area": "AFG", "value": "1"}]), dataset, SOURCE, resolver, "f.csv")
    assert result.frame().empty
    assert (result.problems[0].check, result.problems[0].column) == ("registry", "year")


@pytest.mark.parametrize(("text", "scale", "value"), [("8.2", 1e6, 8_200_000.0), ("0.272", 100, 27.2),
                                                      ("0.07", 100, 7.0), ("32833.0315", 1000, 32_833_031.5)])  # fmt: skip
def test_a_scaled_value_has_no_more_digits_than_the_publisher_wrote(resolver, text, scale, value):
    result = run([{"area": "AFG", "year": "2019", "value": text}], resolver, unit="percent", scale=scale)
    assert result.frame()["value"].tolist() == [value]
