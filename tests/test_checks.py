"""Every check on a folder of deliberately broken files: each problem names the file, row and column.

The files in tests/fixtures/broken/ are small and synthetic (see its README.md); each one breaks one rule.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import checks, db, statement
from etl.checks import check_jumps, check_ranges
from etl.countries import Resolver
from etl.preview import check_file
from warehouse.schema import OBSERVATIONS

HERE = Path(__file__).parent
BROKEN = HERE / "fixtures" / "broken"
FORMATS = HERE / "fixtures" / "formats"
SDMX = ("sdmx-csv", {})

#: file, format, extra dataset fields, expected check, severity, row, column (None = not applicable)
CASES = [
    ("bad_encoding.csv", *SDMX, "encoding", "error", 3, None),
    ("utf16.csv", *SDMX, "encoding", "error", 1, None),
    ("semicolons.csv", *SDMX, "delimiter", "error", 1, None),
    ("tab_separated.csv", *SDMX, "delimiter", "error", 1, None),
    ("missing_column.csv", *SDMX, "columns", "error", 1, "OBS_VALUE"),
    ("preamble_shifted.csv", *SDMX, "columns", "error", 1, "REF_AREA"),
    ("unknown_country.csv", *SDMX, "areas", "error", 3, "REF_AREA"),
    ("empty_area.csv", *SDMX, "required", "error", 3, "REF_AREA"),
    ("year_20x9.csv", *SDMX, "years", "error", 3, "TIME_PERIOD"),
    ("year_implausible.csv", *SDMX, "years", "error", 2, "TIME_PERIOD"),
    ("value_abc.csv", *SDMX, "values", "error", 3, "OBS_VALUE"),
    ("decimal_comma.csv", *SDMX, "values", "error", 3, "OBS_VALUE"),
    ("percent_140.csv", "sdmx-csv", {"unit": "percent"}, "ranges", "error", 3, "OBS_VALUE"),
    ("negative_count.csv", "sdmx-csv", {"unit": "count"}, "ranges", "error", 3, "OBS_VALUE"),
    ("per_1000_over.csv", "sdmx-csv", {"unit": "per-1000"}, "ranges", "error", 3, "OBS_VALUE"),
    ("flag_not_binary.csv", "sdmx-csv", {"unit": "flag"}, "ranges", "error", 3, "OBS_VALUE"),
    ("duplicate_key.csv", *SDMX, "duplicates", "error", 2, "OBS_VALUE"),
    ("empty.csv", *SDMX, "file", "error", None, None),
    ("only_header.csv", *SDMX, "rows", "error", 1, None),
    ("ragged_rows.csv", *SDMX, "ragged-rows", "error", 3, None),
    ("footnote_middle.csv", *SDMX, "footnote-rows", "warning", 3, "REF_AREA"),
    ("blank_rows.csv", *SDMX, "blank-rows", "warning", 3, None),
    ("thousands_ambiguous.csv", *SDMX, "thousands", "warning", 2, "OBS_VALUE"),
    ("owid_broken_header.csv", "owid", {}, "header", "error", 1, None),
    ("wdi_no_header.csv", "wdi", {}, "header", "error", 1, None),
    ("unsd_hub_no_years.csv", "unsd-hub", {}, "columns", "error", 1, "value_YYYY"),
    ("not_a_workbook.xlsx", "excel", {}, "file", "error", None, None),
    ("excel_missing_sheet.xlsx", "excel", {"options": {"sheet": "data"}}, "sheet", "error", None, "options.sheet"),
    (
        "excel_header_wrong_row.xlsx",
        "excel",
        {"columns": {"area": "Iso3_code", "year": "Year", "value": "txtVALUE"}},
        "columns",
        "error",
        1,
        "Iso3_code",
    ),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    """Countries from a small extract of the real country-codes file, plus test-owned alias/aggregate files."""
    return Resolver.from_files(FORMATS / "raw", FORMATS / "reference")


def test_broken_folder_has_at_least_twenty_distinct_cases():
    files = sorted(p.name for p in BROKEN.iterdir() if p.suffix in (".csv", ".xlsx"))
    assert len(files) >= 20
    assert {case[0] for case in CASES} <= set(files)


@pytest.mark.parametrize(
    ("name", "fmt", "fields", "check", "severity", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_broken_file_is_reported_with_file_row_and_column(resolver, name, fmt, fields, check, severity, row, column):
    path = BROKEN / name
    _obs, problems = check_file(path, fmt, resolver=resolver, **fields)
    found = [p for p in problems if p.check == check]
    assert found, f"no {check!r} problem for {name}: {[str(p) for p in problems]}"
    first = found[0]
    assert first.severity == severity
    assert first.file == str(path)
    assert first.row == row
    assert first.column == column
    text = str(first)
    assert str(path) in text
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert repr(column) in text


def test_unknown_country_names_the_alias_file_and_every_value(resolver):
    _obs, problems = check_file(BROKEN / "unknown_country.csv", "sdmx-csv", resolver=resolver)
    areas = {p.value: p for p in problems if p.check == "areas"}
    assert set(areas) == {"XYZ", "Narnia"}
    assert areas["Narnia"].row == 4
    assert str(FORMATS / "reference" / "country_aliases.csv") in areas["XYZ"].message  # the folder really used


def test_encoding_problem_names_the_byte_offset(resolver):
    _obs, problems = check_file(BROKEN / "bad_encoding.csv", "sdmx-csv", resolver=resolver)
    (problem,) = [p for p in problems if p.check == "encoding"]
    offset = (BROKEN / "bad_encoding.csv").read_bytes().index(b"\xf4")
    assert f"byte {offset} " in problem.message
    assert "C\u00f4te" in problem.value  # the rest was read as Windows-1252 so that other checks still ran


def test_declared_encoding_reads_the_same_file_cleanly(resolver):
    obs, problems = check_file(
        BROKEN / "bad_encoding.csv", "sdmx-csv", resolver=resolver, options={"encoding": "cp1252"}
    )
    assert not [p for p in problems if p.check == "encoding"]
    assert sorted(obs["iso3"]) == ["AFG", "CIV"]


def test_semicolon_file_is_still_checked_after_the_delimiter_error(resolver):
    _obs, problems = check_file(BROKEN / "semicolons.csv", "sdmx-csv", resolver=resolver)
    assert [p.check for p in problems].count("delimiter") == 1
    assert {p.row for p in problems if p.check == "values"} == {2, 3}  # "21,5" is a decimal comma


def test_implausible_years_are_both_reported(resolver):
    _obs, problems = check_file(BROKEN / "year_implausible.csv", "sdmx-csv", resolver=resolver)
    assert [(p.row, p.value) for p in problems if p.check == "years"] == [(2, "1690"), (4, "2099")]


def test_ragged_rows_are_each_reported_and_skipped(resolver):
    obs, problems = check_file(BROKEN / "ragged_rows.csv", "sdmx-csv", resolver=resolver)
    assert [p.row for p in problems if p.check == "ragged-rows"] == [3, 4]
    assert list(obs["iso3"]) == ["AFG"]


def test_duplicates_name_every_row_of_the_key(resolver):
    _obs, problems = check_file(BROKEN / "duplicate_key.csv", "sdmx-csv", resolver=resolver)
    assert [p.row for p in problems if p.check == "duplicates"] == [2, 4]


def test_a_repeated_key_says_how_to_fix_it(resolver):
    _obs, problems = check_file(BROKEN / "duplicate_key.csv", "sdmx-csv", resolver=resolver)
    found = [p.message for p in problems if p.check == "duplicates"]
    assert len(found) == 2 and all("options.on_duplicate: drop" in message for message in found)


def test_footnote_and_blank_rows_are_skipped_not_read(resolver):
    obs, _ = check_file(BROKEN / "footnote_middle.csv", "sdmx-csv", resolver=resolver)
    assert list(obs["iso3"]) == ["AFG", "ALB"]
    obs, _ = check_file(BROKEN / "blank_rows.csv", "sdmx-csv", resolver=resolver)
    assert list(obs["iso3"]) == ["AFG", "ALB"]


def test_header_on_the_wrong_row_is_pointed_at(resolver):
    _obs, problems = check_file(BROKEN / "preamble_shifted.csv", "sdmx-csv", resolver=resolver)
    assert "row 3 looks like the header" in problems[0].message
    obs, problems = check_file(
        BROKEN / "preamble_shifted.csv", "sdmx-csv", resolver=resolver, options={"header_row": 3}
    )
    assert not [p for p in problems if p.severity == "error"] and list(obs["value"]) == [21.5]


def test_excel_header_on_the_wrong_row_is_pointed_at(resolver):
    fields = {"columns": {"area": "Iso3_code", "year": "Year", "value": "txtVALUE"}, "indicator": "x"}
    _obs, problems = check_file(BROKEN / "excel_header_wrong_row.xlsx", "excel", resolver=resolver, **fields)
    assert "row 3 looks like the header" in problems[0].message
    obs, problems = check_file(
        BROKEN / "excel_header_wrong_row.xlsx", "excel", resolver=resolver, options={"header_row": 3}, **fields
    )
    assert not [p for p in problems if p.severity == "error"] and list(obs["value"]) == [12.0]


def test_check_file_without_registry_uses_format_defaults(resolver):
    obs, problems = check_file(FORMATS / "sdmx_sample.csv", "sdmx-csv", unit="percent", resolver=resolver)
    assert list(obs.columns) == OBSERVATIONS.names
    assert set(obs["indicator"]) == {"SL_TLF_CHLDEC", "SL_TLF_CHLDEA"}
    assert not [p for p in problems if p.severity == "error"]


def test_invalid_dataset_fields_are_problems_not_exceptions(resolver):
    obs, problems = check_file(BROKEN / "percent_140.csv", "sdmx-csv", unit="percentage", resolver=resolver)
    assert obs.empty
    assert problems[0].check == "registry" and problems[0].column == "unit"


def _obs(values: list[float], unit: str = "percent", **extra) -> pd.DataFrame:
    n = len(values)
    base = {
        "indicator": ["x"] * n, "iso3": [f"C{i:02d}" for i in range(n)], "year": [2020] * n,
        "sex": ["total"] * n, "age": [None] * n, "value": values, "lower": [np.nan] * n, "upper": [np.nan] * n,
        "unit": [unit] * n, "nature": ["measured"] * n, "censored": [False] * n, "source": ["s"] * n,
        "edition": ["1"] * n, "source_file": ["s/file.csv"] * n, "note": [None] * n,
    }  # fmt: skip
    base.update(extra)
    return statement.with_defaults(pd.DataFrame(base))


def _loaded(**frames: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding each frame as a table of the OBSERVATIONS schema."""
    con = duckdb.connect()
    for name, frame in frames.items():
        db.create_table(con, name, db.arrow(frame, OBSERVATIONS))
    return con


def ranges(frame: pd.DataFrame, **kwargs) -> list:
    return check_ranges(_loaded(obs=frame), "obs", **kwargs)


def test_range_limits_per_unit():
    assert [p.value for p in ranges(_obs([0, 100, 100.5, -0.1]))] == ["100.5", "-0.1"]
    assert [p.value for p in ranges(_obs([0, 1000, 1001], unit="per-1000"))] == ["1001"]
    assert [p.value for p in ranges(_obs([0, 1, 0.5], unit="flag"))] == ["0.5"]
    assert ranges(_obs([-5.6, 250], unit="score")) == []  # GSI government response can be negative
    assert [p.value for p in ranges(_obs([106.4]), limits=(0, None))] == []  # options.range


def test_range_checks_the_bounds_too():
    problems = ranges(_obs([50.0], lower=[-1.0], upper=[101.0]))
    assert [(p.column, p.value) for p in problems] == [("lower", "-1"), ("upper", "101")]


def test_every_out_of_range_value_is_a_problem_of_its_own():
    problems = ranges(_obs([150.0] * 53))
    assert len(problems) == 53 and not any("more" in p.message for p in problems)


def test_values_are_quoted_as_written_in_the_file(tmp_path, resolver):
    path = tmp_path / "negative.csv"  # SYNTHETIC
    path.write_text("REF_AREA,TIME_PERIOD,OBS_VALUE\nAFG,2019,-1092462\nALB,2019,-1.50\n", encoding="utf-8")
    _obs, problems = check_file(path, "sdmx-csv", resolver=resolver, indicator="x", unit="count")
    assert [p.value for p in problems if p.check == "ranges"] == ["-1092462", "-1.50"]
    assert "value -1092462 is out of range" in problems[0].message


def test_duplicates_in_a_whole_release_name_the_source_file():
    obs = _obs([1.0, 2.0])
    obs["iso3"] = "AFG"
    (first, second) = checks.check_duplicates(_loaded(obs=obs), "obs")
    assert first.file == "s/file.csv" and first.row is None
    assert "iso3=AFG" in first.message
    assert checks.check_duplicates(_loaded(obs=_obs([1.0, 2.0])), "obs") == []


def test_jumps_warn_when_a_value_moves_more_than_the_factor():
    con = _loaded(old=_obs([10.0, 10.0, 10.0, 0.0]), new=_obs([10.5, 60.0, 2.5, 5.0]))
    problems = check_jumps(con, "new", "old", factor=5)
    assert [p.value for p in problems] == ["60"]  # ×6 is flagged; ×0.25 is within ×5; from 0 is not a ratio
    assert problems[0].severity == "warning" and "from 10 to 60" in problems[0].message
    assert check_jumps(con, "new", None) == []
    assert [p.value for p in check_jumps(con, "new", "old", factor=3)] == ["60", "2.5"]


def test_a_line_break_inside_a_quoted_value_keeps_the_line_numbers_of_later_rows(tmp_path, resolver):
    path = tmp_path / "quoted.csv"  # SYNTHETIC
    path.write_text(
        'REF_AREA,TIME_PERIOD,OBS_VALUE,COMMENT_OBS\nAFG,2019,1.5,"a note\nover two lines"\nALB,2019,abc,\n',
        encoding="utf-8",
    )
    obs, problems = check_file(path, "sdmx-csv", resolver=resolver, indicator="x", unit="percent")
    assert [(p.check, p.row, p.value) for p in problems] == [("values", 4, "abc")]
    assert obs["note"].tolist() == ["a note\nover two lines"]


def test_problems_of_a_checked_file_name_their_source():
    _obs, problems = check_file(BROKEN / "value_abc.csv", "sdmx-csv", resolver=Resolver.from_files(FORMATS / "raw",
                                                                                                   FORMATS / "reference"))  # fmt: skip
    assert problems and {p.source for p in problems} == {"check"}


def test_a_semicolon_file_whose_header_has_a_comma_in_a_name_is_named_semicolon_separated(tmp_path, resolver):
    path = tmp_path / "semicolons.csv"
    path.write_text("REF_AREA;TIME_PERIOD;OBS_VALUE;COMMENT_OBS (source: ILO, 2019)\nAFG;2019;21,5;x\n")
    _obs, problems = check_file(path, "sdmx-csv", resolver=resolver)
    (problem,) = [p for p in problems if p.check == "delimiter"]
    assert problem.row == 1 and problem.message.startswith(
        "the header has 1 comma(s) but 3 semicolon(s): the file looks semicolon-separated; re-save it comma-separated"
    )


def test_a_value_with_a_percent_sign_is_refused_under_another_unit_and_read_under_percent(tmp_path, resolver):
    path = tmp_path / "percent_sign.csv"
    path.write_text("REF_AREA,TIME_PERIOD,OBS_VALUE\nAFG,2019,12.5%\n")
    obs, problems = check_file(path, "sdmx-csv", unit="per-1000", resolver=resolver)
    assert [(p.check, p.row, p.column, p.value) for p in problems] == [("values", 2, "OBS_VALUE", "12.5%")]
    assert "a value with '%' needs unit percent" in problems[0].message
    obs, problems = check_file(path, "sdmx-csv", unit="percent", resolver=resolver)
    assert problems == [] and list(obs["value"]) == [12.5]


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "an Excel 97-2003 (.xls) workbook, which the ETL",
        ),
        ("page.xls", b"<!DOCTYPE HTML PUBLIC><html><table></table></html>", "not a workbook (it starts '<!DOCTYP')"),
        ("renamed.xls", (FORMATS / "gsi_style.xlsx").read_bytes(), "an .xlsx workbook named 'renamed.xls': rename it"),
    ],
)
def test_a_workbook_saved_as_xls_or_as_a_web_page_is_refused_with_the_fix_not_a_traceback(
    tmp_path, resolver, name, head, expected
):
    (tmp_path / name).write_bytes(head)
    _obs, problems = check_file(tmp_path / name, "excel", resolver=resolver)
    assert [p.check for p in problems] == ["file"] and problems[0].message.startswith(expected)
