"""Each format adapter on small synthetic files in the publisher's layout, and on the real raw files.

Fixtures: tests/fixtures/formats/ (synthetic values, see its README.md). Real files: the `raw_dir` fixture
(../shared/data; skipped only where it is absent, never in CI).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.adapters import formats
from etl.adapters.excel import join_headers
from etl.adapters.formats import ADAPTERS
from etl.countries import Resolver
from etl.preview import check_file
from etl.registry import FORMATS as REGISTRY_FORMATS
from etl.registry import Dataset

FORMATS = Path(__file__).parent / "fixtures" / "formats"
ISSUE_FORMATS = {"wdi", "sdmx-csv", "unsd-hub", "owid", "tidy", "excel", "ddf", "wide"}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_files(FORMATS / "raw", FORMATS / "reference")


def read(name: str, fmt: str, **fields):
    """The raw table an adapter reads from a fixture file."""
    return read_path(FORMATS / name, Dataset(file=name, format=fmt, **fields), name)


def read_path(path: Path, dataset: Dataset, label: str):
    """The raw table an adapter reads from any file."""
    return formats.read(duckdb.connect(), path, dataset, label)


def frame(raw) -> pd.DataFrame:
    """The raw table as a pandas frame of strings, in file order."""
    if not raw.name:
        return pd.DataFrame()
    return raw.con.table(raw.name).order("_row, _order").df()


def records(frame, *columns):
    """Rows as tuples, missing values as None."""
    return [tuple(None if isinstance(v, float) and v != v else v for v in r)
            for r in frame[list(columns)].itertuples(index=False)]  # fmt: skip


def test_every_data_format_of_the_registry_has_an_adapter():
    assert set(ADAPTERS) == ISSUE_FORMATS
    assert ISSUE_FORMATS <= set(REGISTRY_FORMATS)


# --------------------------------------------------------------------------------------------------- wdi


def test_wdi_finds_the_header_after_the_preamble_and_melts_years():
    raw = read("wdi_sample.csv", "wdi")
    assert not raw.problems
    assert records(frame(raw), "area", "area_alt", "indicator", "year", "value", "_row")[:3] == [
        ("AFG", "Afghanistan", "SYN.IND.PCT", "2014", "11.1", 6),
        ("AFG", "Afghanistan", "SYN.IND.PCT", "2016", "12.2", 6),
        ("ALB", "Albania", "SYN.IND.PCT", "2016", "1.5", 7),
    ]
    assert "Unnamed: 7" not in set(frame(raw)["_column"])  # the trailing empty column is not a year


def test_wdi_keeps_aggregates_under_region_codes_and_lists_the_others(resolver):
    obs, problems = check_file(FORMATS / "wdi_sample.csv", "wdi", unit="percent", resolver=resolver)
    assert not problems
    assert records(obs, "iso3", "year", "value") == [
        ("AFG", 2014, 11.1), ("AFG", 2016, 12.2), ("ALB", 2016, 1.5), ("SDG_SSA", 2014, 40.5), ("SDG_SSA", 2015, 41.0),
        ("WLD", 2014, 10.25),
    ]  # fmt: skip


def test_wdi_real_file(raw_dir, resolver):
    dataset = Dataset(file="worldbank/API_SI.POV.DDAY_DS2_en_csv_v2.csv", format="wdi", unit="percent")
    raw = read_path(raw_dir / dataset.file, dataset, dataset.file)
    assert not raw.problems
    ago = frame(raw)[(frame(raw)["area"] == "AGO") & (frame(raw)["year"] == "2000")]
    assert records(ago, "value", "_row") == [("32.28", 8)]  # BOM + 4 preamble lines, header on line 5, Angola on 8
    assert frame(raw)["_row"].min() == 8  # Aruba and Afghanistan (lines 6-7) have no value at all
    assert frame(raw)["area"].nunique() == 149  # PROVENANCE.md: 149 of 264 rows have at least one value


# -------------------------------------------------------------------------------------------- sdmx-csv


def test_sdmx_default_columns_and_bounds(resolver):
    raw = read("sdmx_sample.csv", "sdmx-csv")
    assert raw.source_columns["area"] == "REF_AREA" and raw.source_columns["lower"] == "LOWER_BOUND"
    obs, problems = check_file(FORMATS / "sdmx_sample.csv", "sdmx-csv", unit="percent", resolver=resolver)
    assert not [p for p in problems if p.severity == "error"]
    first = obs.iloc[0]
    assert (first.indicator, first.iso3, first.year, first.sex, first.age, first.value, first.lower, first.upper) == (
        "SL_TLF_CHLDEC", "AFG", 2019, "total", "5-17", 21.5, 19.0, 24.0,
    )  # fmt: skip
    nam = obs[obs["iso3"] == "NAM"].iloc[0]
    assert (nam.year, nam.note) == (2014, "survey period; period 2013-2014")
    assert "WLD" in set(obs["iso3"])  # M49 "1" in REF_AREA
    assert "PER" not in set(obs["iso3"])  # sex "_U" (unknown) is dropped with a reason, not guessed
    assert "KEN" not in set(obs["iso3"])  # ".." is no value


def test_sdmx_column_mapping_reads_unicef_extracts(resolver):
    columns = {"area": "iso3", "year": "time.period", "value": "obs.value", "indicator": "MENARO.indicator.code",
               "sex": "sex", "age": "age"}  # fmt: skip
    obs, problems = check_file(
        FORMATS / "sdmx_menaro_style.csv", "sdmx-csv", unit="percent", resolver=resolver, columns=columns,
        indicator_map={"SL_TLF_CHLDEC": "child_labour_5_17"},
    )  # fmt: skip
    assert not [p for p in problems if p.severity == "error"]
    assert records(obs, "indicator", "iso3", "year", "sex", "age", "value") == [
        ("child_labour_5_17", "AFG", 2019, "total", "5-17", 21.5),
        ("child_labour_5_17", "GHA", 2018, "total", "5-14", 17.25),
    ]  # the birth-registration row is "indicator not used"


def test_sdmx_real_unicef_extract(raw_dir, resolver):
    columns = {"area": "iso3", "year": "time.period", "value": "obs.value", "indicator": "MENARO.indicator.code"}
    dataset = Dataset(file="x.csv", format="sdmx-csv", columns=columns)
    path = raw_dir / "sdg_child_indicators_unicef_menaro" / "sdggd_child_indicators_extract.csv"
    raw = read_path(path, dataset, "x.csv")
    assert not raw.problems and len(frame(raw)) == 10165
    afg = frame(raw)[(frame(raw)["area"] == "AFG") & (frame(raw)["indicator"] == "SG_REG_BRTH")]
    assert records(afg, "year", "value", "_row") == [("2023", "47.8", 2)]


def test_sdmx_real_world_bank_long_file(raw_dir):
    columns = {"area": "Country Code", "year": "Year", "value": "Value"}
    raw = read_path(raw_dir / "worldbank" / "population.csv", Dataset(file="p.csv", format="sdmx-csv",
                                                                          columns=columns), "p.csv")  # fmt: skip
    assert len(frame(raw)) == 17195 and frame(raw)["area"].nunique() == 265
    assert records(frame(raw).head(1), "area", "year", "value", "_row") == [("ABW", "1960", "54922", 2)]


# -------------------------------------------------------------------------------------------- unsd-hub


def test_unsd_hub_melts_value_columns_with_bounds(resolver):
    raw = read("unsd_hub_sample.csv", "unsd-hub")
    assert not raw.problems
    assert records(frame(raw), "area", "area_alt", "year", "value", "lower", "upper", "_column")[:2] == [
        ("AFG", "4", "2016", "20", "18.5", "21.5", "value_2016"),
        ("AFG", "4", "2017", "20.5", "", "", "value_2017"),  # no bounds for 2017: empty cells, as written
    ]
    obs, problems = check_file(FORMATS / "unsd_hub_sample.csv", "unsd-hub", unit="percent", resolver=resolver)
    assert not [p for p in problems if p.severity == "error"]
    assert records(obs, "iso3", "year", "sex", "value") == [
        ("AFG", 2016, "total", 20.0), ("AFG", 2017, "total", 20.5), ("KEN", 2016, "female", 8.5),
        ("WLD", 2015, "total", 9.7), ("WLD", 2016, "total", 9.6), ("SDG_SSA", 2016, "total", 24.5),
    ]  # fmt: skip  # regions have no ISO3CD: their M49 code (geoAreaCode) is used


# ------------------------------------------------------------------------------------------------ owid


def test_owid_codes_entities_and_aggregates(resolver):
    obs, problems = check_file(FORMATS / "owid_sample.csv", "owid", unit="percent", resolver=resolver)
    assert not problems
    assert records(obs, "iso3", "year", "value") == [
        ("AFG", 2011, 9.5), ("ALB", 2000, 36.5), ("XKX", 2010, 4.25), ("WLD", 2010, 12.5), ("SDG_SSA", 2010, 25.0),
    ]  # fmt: skip  # "East Asia and Pacific (WB)" has no code: dropped and listed, not an error
    assert set(obs["indicator"]) == {"Synthetic share of children in employment (%)"}  # the value column


def test_owid_header_option_repairs_a_broken_header(resolver):
    header = ["Entity", "Code", "Year", "Children in employment, total (% of children ages 7-14)"]
    raw = read("owid_broken_header.csv", "owid", options={"header": header})
    assert not raw.problems
    assert records(frame(raw), "area", "area_alt", "year", "value", "_row") == [
        ("AFG", "Afghanistan", "2011", "9.5", 2), ("ALB", "Albania", "2000", "36.5", 3),
    ]  # fmt: skip
    assert frame(raw)["indicator"].iloc[0] == header[3]


def test_owid_real_child_labour_file(raw_dir, resolver):
    header = ["Entity", "Code", "Year", "Children in employment, total (% of children ages 7-14)"]
    dataset = Dataset(file="owid/incidence-of-child-labour.csv", format="owid", options={"header": header})
    raw = read_path(raw_dir / dataset.file, dataset, dataset.file)
    assert not raw.problems
    afg = frame(raw)[frame(raw)["area"] == "AFG"]
    assert records(afg, "year", "value") == [("2011", "9.3")]
    alb = frame(raw)[(frame(raw)["area"] == "ALB") & (frame(raw)["year"] == "2000")]
    assert list(alb["value"]) == ["36.58605"]


# ------------------------------------------------------------------------------------------------ tidy


def test_tidy_with_unnamed_index_column_names_and_missing_markers(resolver):
    raw = read("tidy_sample.csv", "tidy")
    assert raw.source_columns["area"] == "country" and "Unnamed: 0" not in frame(raw)
    result_obs, problems = check_file(FORMATS / "tidy_sample.csv", "tidy", unit="percent", scale=100,
                                      resolver=resolver)  # fmt: skip
    assert not [p for p in problems if p.severity == "error"]
    assert records(result_obs, "iso3", "year", "value", "note") == [
        ("AFG", 2016, 7.5, None), ("CIV", 2016, 25.0, "synthetic note"), ("BOL", 2016, 12.5, None),
    ]  # fmt: skip  # "Unavailable" is no value; Atlantis is a documented drop


def test_tidy_real_global_estimates(raw_dir):
    dataset = Dataset(file="global_estimates/global_estimates.csv", format="tidy", columns={"year": "reference_year"})
    raw = read_path(raw_dir / dataset.file, dataset, dataset.file)
    assert not raw.problems and len(frame(raw)) == 154
    first = frame(raw).iloc[0]
    assert (first.area, first.year, first.indicator, first.value) == ("World", "2020", "child_labour_number", "160")


def test_tidy_real_ilab_statistics_with_index_column(raw_dir):
    dataset = Dataset(file="s.csv", format="tidy", columns={"area": "country", "value": "percent_of_working_children"})
    raw = read_path(raw_dir / "usdol_ilab_sweat_and_toil" / "Statistics.csv", dataset, "s.csv")
    assert not raw.problems and len(frame(raw)) == 411
    assert records(frame(raw).head(1), "area", "year", "value") == [("Afghanistan", "2016", "0.075")]


# ------------------------------------------------------------------------------------------------- ddf


def test_ddf_series_column_and_m49_codes(resolver):
    name = "ddf--datapoints--sl_tlf_chldec--by--age--geo_area--nature--sex--units--year.csv"
    raw = read(name, "ddf")
    assert raw.source_columns["value"] == "sl_tlf_chldec" and set(frame(raw)["indicator"]) == {"sl_tlf_chldec"}
    obs, problems = check_file(FORMATS / name, "ddf", unit="percent", resolver=resolver)
    assert not problems
    assert records(obs, "iso3", "sex", "age", "value") == [
        ("AFG", "total", "5-17", 20.5), ("AFG", "female", "5-17", 18.5), ("NAM", "total", "10-17", 9.5),
        ("WLD", "total", "5-17", 9.5), ("SDG_SSA", "total", "5-17", 24.5),
    ]  # fmt: skip


def test_ddf_real_file(raw_dir):
    name = "ddf--datapoints--sl_tlf_chldec--by--age--geo_area--nature--sex--units--year.csv"
    dataset = Dataset(file=name, format="ddf")
    raw = read_path(raw_dir / "unsd_sdg_global_database_ddf" / name, dataset, name)
    assert not raw.problems and len(frame(raw)) == 249
    assert records(frame(raw).head(1), "area", "age", "sex", "year", "value") == [
        ("586", "10_17", "bothsex", "2017", "12.8")
    ]


# ------------------------------------------------------------------------------------------------ wide


def test_wide_sowc_style_with_note_columns_and_row_types(resolver):
    value_columns = {
        "child_labour_5_17_pct_total": {"indicator": "child_labour_5_17", "sex": "total", "age": "5-17",
                                        "note_column": "child_labour_5_17_pct_total_note"},
        "child_labour_5_17_pct_male": {"indicator": "child_labour_5_17", "sex": "male", "age": "5-17"},
    }  # fmt: skip
    obs, problems = check_file(
        FORMATS / "wide_sowc_style.csv", "wide", unit="percent", year=2021, resolver=resolver,
        value_columns=value_columns, options={"flag_notes": {"x": "other years", "y": "non-standard definition"}},
    )  # fmt: skip
    assert not [p for p in problems if p.severity == "error"]
    assert records(obs, "iso3", "sex", "value", "note") == [
        ("AFG", "total", 13.5, None), ("AFG", "male", 14.5, None),
        ("ALB", "total", 3.5, "x: other years; y: non-standard definition"), ("ALB", "male", 3.75, None),
        ("SDG_SSA", "total", 26.5, None), ("SDG_SSA", "male", 26.75, None),
    ]  # fmt: skip  # "-" is no value; the UNICEF region without a code is dropped (row_type = aggregate)


def test_wide_header_spaces_and_padded_thousands(resolver):
    raw = read("wide_gsi2023_style.csv", "wide")
    assert raw.source_columns["area"] == "Country"  # "  Country " in the file
    obs, _ = check_file(FORMATS / "wide_gsi2023_style.csv", "wide", year=2021, resolver=resolver, unit="count")
    population = obs[obs["indicator"] == "Population"]
    assert records(population, "iso3", "value") == [("AFG", 12345000.0), ("ALB", 2500000.0), ("TUR", 80000000.0)]
    assert "Region" not in set(obs["indicator"])  # a text column is not a value column by default


def test_wide_real_sowc_extract(raw_dir):
    dataset = Dataset(file="t.csv", format="wide", year=2021,
                      value_columns={"child_labour_5_17_pct_total": {"indicator": "child_labour_5_17"}})  # fmt: skip
    raw = read_path(raw_dir / "unicef_sowc2023" / "sowc2023_table12_child_labour_birth_registration.csv", dataset,
                        "t.csv")  # fmt: skip
    assert not raw.problems
    assert records(frame(raw).head(2), "area", "value", "_row") == [("Afghanistan", "13.0", 2), ("Albania", "3.3", 3)]
    countries = frame(raw)[frame(raw)["area_type"] == "country"]
    assert countries["area"].nunique() == 96  # PROVENANCE.md: 96 countries have a child-labour value


# ----------------------------------------------------------------------------------------------- excel


def test_excel_long_glotip_layout(resolver):
    columns = {"area": "Iso3_code", "area_alt": "Country", "indicator": "Indicator", "sex": "Sex", "age": "Age",
               "year": "Year", "value": "txtVALUE"}  # fmt: skip
    raw = read(
        "glotip_style.xlsx", "excel", columns=columns, options={"header_row": 3}, filters={"Dimension": ["Total"]}
    )
    assert not raw.problems
    assert records(frame(raw).head(3), "area", "value", "_row") == [
        ("AFG", "<5", 4),
        ("AFG", "12", 5),
        ("NPL", "1,282", 6),
    ]
    obs, problems = check_file(FORMATS / "glotip_style.xlsx", "excel", unit="count", resolver=resolver,
                               columns=columns, options={"header_row": 3, "thousands": ","},
                               filters={"Dimension": ["Total"]})  # fmt: skip
    assert [p.value for p in problems if p.check == "areas"] == ["CAR", "Sark"]  # not ISO: the alias file decides
    censored = obs.iloc[0]
    assert (censored.iso3, censored.value, censored.lower, censored.upper, censored.censored) == (
        "AFG", None, 0.0, 4.0, True) or (censored.iso3, censored.lower, censored.upper, censored.censored) == (
        "AFG", 0.0, 4.0, True)  # fmt: skip
    assert obs["value"].isna().iloc[0]
    assert records(obs.iloc[1:3], "iso3", "sex", "age", "value") == [
        ("AFG", "female", "under 18", 12.0), ("NPL", "total", "all ages", 1282.0),
    ]  # fmt: skip


def test_excel_wide_sowc_layout_multi_row_header_notes_and_summary(resolver):
    value_columns = {
        "C": {"indicator": "child_labour_5_17", "sex": "total", "age": "5-17"},
        "Child labour (%) (H) 2013–2021 (R) | Female": {"indicator": "child_labour_5_17", "sex": "female", "age": "5-17"},
    }  # fmt: skip
    options = {"sheet": "12. Child Protection", "header_row": [4, 5, 6, 7], "stop_at_blank": False,
               "aggregates_after": "SUMMARY", "end_markers": ["NOTES"], "note_flags": "next"}  # fmt: skip
    raw = read("sowc_style.xlsx", "excel", value_columns=value_columns, options=options, year=2021)
    assert not raw.problems
    assert raw.skipped == {"notes below the table": 3}
    obs, problems = check_file(FORMATS / "sowc_style.xlsx", "excel", unit="percent", year=2021, resolver=resolver,
                               value_columns=value_columns, options=options)  # fmt: skip
    assert not [p for p in problems if p.severity == "error"]
    assert records(obs, "iso3", "sex", "value", "note") == [
        ("AFG", "total", 13.5, None), ("AFG", "female", 12.5, None),
        ("ALB", "total", 3.5, "x,y"), ("ALB", "female", 3.25, "x,y"),
        ("SDG_SSA", "total", 26.5, None), ("SDG_SSA", "female", 25.5, None),
    ]  # fmt: skip  # West and Central Africa: an aggregate with no code here, dropped and listed


def test_excel_single_header_row_with_repeated_names():
    raw = read("gsi_style.xlsx", "excel", options={"sheet": "Global prev, vuln, govt table", "header_row": 3}, year=2016,
               value_columns={"%": {"indicator": "support"}, "%.1": {"indicator": "justice"}})  # fmt: skip
    assert not raw.problems
    assert records(frame(raw), "area", "indicator", "value") == [("Afghanistan", "support", "16.5"),
                                                                ("Afghanistan", "justice", "40.5")]  # fmt: skip


def test_join_headers_fills_merged_cells_within_their_parent():
    rows = [["", "Child labour", "", "", "Birth registration", ""], ["", "Total", "", "Male", "Under 5", ""]]
    assert join_headers(rows) == ["", "Child labour | Total", "Child labour | Total", "Child labour | Male",
                                  "Birth registration | Under 5", "Birth registration | Under 5"]  # fmt: skip


def test_excel_real_glotip(raw_dir):
    columns = {
        "area": "Iso3_code",
        "area_alt": "Country",
        "indicator": "Indicator",
        "year": "Year",
        "value": "txtVALUE",
    }
    dataset = Dataset(file="unodc_glotip/data_glotip.xlsx", format="excel", columns=columns,
                      options={"header_row": 3})  # fmt: skip
    raw = read_path(raw_dir / dataset.file, dataset, dataset.file)
    assert not raw.problems and len(frame(raw)) == 46556
    assert (frame(raw)["value"] == "<5").sum() == 23076  # PROVENANCE.md
    assert frame(raw)["value"].str.contains(",").sum() == 462
    assert records(frame(raw).head(1), "area", "year", "value", "_row") == [("ABW", "2010", "<5", 4)]


def test_excel_real_gsi_2018(raw_dir):
    value = "Est. prevalence of population in modern slavery (victims per 1,000 population)"
    dataset = Dataset(file="g.xlsx", format="excel", year=2016, unit="per-1000",
                      options={"sheet": "Global prev, vuln, govt table", "header_row": 3},
                      value_columns={value: {"indicator": "modern_slavery_prevalence_gsi2018"}})  # fmt: skip
    raw = read_path(raw_dir / "walkfree_gsi" / "FINAL-GSI-2018-DATA-G20-AND-FISHING-1597151668.xlsx", dataset, "g")
    assert not raw.problems
    assert len(frame(raw)) == 167  # PROVENANCE.md: 167 countries have a prevalence value
    assert records(frame(raw).head(1), "area", "value", "_row") == [
        ("Korea, Democratic People's Republic of", "104.56105246982418", 4)]  # fmt: skip


def test_excel_real_sowc_table_12(raw_dir):
    options = {
        "sheet": "12. Child Protection",
        "header_row": [4, 5, 6, 7],
        "stop_at_blank": False,
        "aggregates_after": "SUMMARY",
        "end_markers": ["For a complete list", "NOTES"],
        "note_flags": "next",
    }
    dataset = Dataset(file="s.xlsx", format="excel", year=2021, options=options,
                      value_columns={"C": {"indicator": "child_labour_5_17", "age": "5-17"}})  # fmt: skip
    raw = read_path(raw_dir / "unicef_sowc2023" / "SOWC-2023-Statistical-tables-All-EN.xlsx", dataset, "s")
    assert not raw.problems
    albania = frame(raw)[frame(raw)["area"] == "Albania"].iloc[0]
    assert (albania.value, albania.note, albania._row) == ("3.3", "x,y", 10)
    assert frame(raw)["value"].ne("-").sum() == 96 + 5  # 96 countries (PROVENANCE.md) and 5 aggregates with a value
    assert set(frame(raw).loc[frame(raw)["area_type"] == "aggregate", "area"]) >= {"World", "Sub-Saharan Africa"}


def test_excel_sheet_option_of_non_ascii_digits_is_a_sheet_name_not_found():
    raw = read("sowc_style.xlsx", "excel", options={"sheet": "²"})  # '²'.isdigit() is True, int('²') fails
    assert [(p.check, p.column, p.value) for p in raw.problems] == [("sheet", "options.sheet", "²")]
    assert "the workbook has:" in raw.problems[0].message
