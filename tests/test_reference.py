"""etl/reference.py: countries, regions and indicators built from small SYNTHETIC fixtures written by code.

Every name, code and value below is made up for the tests (in the shape of the real publisher files).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from etl.build import build
from etl.countries import AGGREGATE_COLUMNS, ALIAS_COLUMNS, read_reference_csv
from etl.problems import SourceError
from etl.reference import aggregate_problems, alias_problems, load_indicators, load_reference
from etl.registry import Dataset, Source
from warehouse.schema import COUNTRIES, INDICATORS, REGIONS

ROOT = Path(__file__).resolve().parent.parent

CODES_HEADER = [
    "ISO3166-1-Alpha-3", "ISO3166-1-Alpha-2", "M49", "official_name_en", "UNTERM English Short",
    "UNTERM English Formal", "CLDR display name", "Region Code", "Region Name", "Sub-region Code",
    "Sub-region Name", "Intermediate Region Code", "Intermediate Region Name", "Least Developed Countries (LDC)",
    "Land Locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)", "is_independent",
]  # fmt: skip
CODES = [
    ["NGA", "NG", "566", "Nigeria", "Nigeria", "the Federal Republic of Nigeria", "Nigeria", "2", "Africa",
     "202", "Sub-Saharan Africa", "11", "Western Africa", "", "", "", "Yes"],
    ["SDN", "SD", "729", "Sudan", "Sudan (the)", "the Republic of the Sudan", "Sudan", "2", "Africa",
     "15", "Northern Africa", "", "", "x", "", "", "Yes"],
    ["KAZ", "KZ", "398", "Kazakhstan", "Kazakhstan", "the Republic of Kazakhstan", "Kazakhstan", "142", "Asia",
     "143", "Central Asia", "", "", "", "x", "", "Yes"],
    ["NAM", "NA", "516", "Namibia", "Namibia", "the Republic of Namibia", "Namibia", "2", "Africa",
     "202", "Sub-Saharan Africa", "18", "Southern Africa", "", "", "", "Yes"],
    ["ABW", "AW", "533", "Aruba", "", "", "Aruba", "19", "Americas", "419", "Latin America and the Caribbean",
     "29", "Caribbean", "", "", "x", "Part of NL"],
]  # fmt: skip


SHARED_CODES = set(
    """child_labour_5_17 child_labour_econ children_in_employment_7_14 working_children_ilab child_labour_number
    hazardous_work_number child_labour_rate modern_slavery_prevalence_gsi2018 modern_slavery_number_gsi2018
    vulnerability_gsi2018 government_response_gsi2018 modern_slavery_prevalence_gsi2023 modern_slavery_number_gsi2023
    modern_slavery_number modern_slavery_per_1000 forced_labour_number forced_labour_per_1000 forced_marriage_number
    forced_marriage_per_1000 trafficking_victims_detected trafficking_victims_sexual_exploitation
    trafficking_victims_forced_labour trafficking_victims_other_forms trafficking_persons_prosecuted
    trafficking_persons_convicted detected_victims_16_2_2 detected_victims_number ratified_c029 ratified_p029
    ratified_c105 ratified_c138 ratified_c182 ratified_palermo ratified_crc_opsc population population_under18 gdp_usd
    gdp_per_capita_ppp poverty_extreme_190 poverty_national birth_registration_u5 completion_primary
    completion_lower_secondary completion_upper_secondary out_of_school_primary out_of_school_lower_secondary
    out_of_school_upper_secondary social_protection_children""".split()
)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _indicator(code: str, **fields) -> dict:
    entry = {"code": code, "name": f"Synthetic {code}", "short_name": code, "unit": "percent", "theme": "context",
             "definition": "Synthetic test indicator.", "nature": "measured"}  # fmt: skip
    return {**entry, **fields}


@pytest.fixture
def fixture_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A raw folder (country codes, CLASS.xlsx, GSI regions) and a reference folder, all synthetic."""
    raw, ref = tmp_path / "raw", tmp_path / "reference"
    _write_csv(raw / "regions_country_codes" / "country-codes.csv", CODES_HEADER, CODES)
    (raw / "worldbank").mkdir(parents=True)
    with pd.ExcelWriter(raw / "worldbank" / "CLASS.xlsx") as writer:
        pd.DataFrame(
            {
                "Economy": ["Nigeria", "Sudan", "Kazakhstan", "Kosovo", "Low income"],
                "Code": ["NGA", "SDN", "KAZ", "XKX", "LIC"],
                "Region": ["Sub-Saharan Africa", "Middle East & North Africa", "Europe & Central Asia",
                           "Europe & Central Asia", None],
                "Income group": ["Lower middle income", "Low income", "Upper middle income", "Upper middle income",
                                 None],
            }
        ).to_excel(writer, sheet_name="List of economies", index=False)  # fmt: skip
        pd.DataFrame({"GroupCode": ["LIC", "WLD", "WLD"], "GroupName": ["Low income", "World", "World"],
                      "CountryCode": ["SDN", "NGA", "CHI"], "CountryName": ["Sudan", "Nigeria", "Channel Islands"]}
                     ).to_excel(writer, sheet_name="Groups", index=False)  # fmt: skip
    _write_csv(raw / "gsi" / "gsi.csv", ["Country", "Region"],
               [["Nigeria", "Africa"], ["Sudan, Republic of the", "Arab States"], ["Kosovo", "Europe and Central Asia"]])  # fmt: skip
    _write_csv(ref / "country_aliases.csv", ["alias", "iso3", "source", "note"],
               [["Sudan, Republic of the", "SDN", "gsi", "synthetic spelling"], ["Kosovo", "XKX", "gsi", "not ISO"],
                ["ZZZ", "", "test", "dropped: unidentified code"]])  # fmt: skip
    _write_csv(ref / "aggregates.csv", ["alias", "code", "name", "grouping"],
               [["World", "WLD", "World", "world"], ["202", "SDG_SSA", "Sub-Saharan Africa", "sdg"],
                ["Africa", "ILO_AFR", "Africa", "ilo"], ["2", "M49_002", "Africa", "m49-region"]])  # fmt: skip
    (ref / "indicators.yaml").write_text(yaml.safe_dump([_indicator("population", unit="count")]), encoding="utf-8")
    pathfinders = {"countries": [{"iso3": "NGA", "name": "Nigeria", "status": "requested support (2099)",
                                  "source": "synthetic test document"}]}  # fmt: skip
    (ref / "pathfinders.yaml").write_text(yaml.safe_dump(pathfinders), encoding="utf-8")
    shutil.copy(ROOT / "data" / "reference" / "groupings.yaml", ref / "groupings.yaml")
    return raw, ref


def _sources() -> list[Source]:
    datasets = [
        Dataset(file="gsi/gsi.csv", format="reference", handler="ilo_regions", columns={"area": "Country"}),
        Dataset(file="worldbank/CLASS.xlsx", format="reference", handler="income_groups"),
        Dataset(file="regions_country_codes/country-codes.csv", format="reference", handler="country_codes"),
    ]
    files = [{"path": d.file, "sha256": "0" * 64} for d in datasets]
    return [
        Source(id="synthetic", publisher="test", short_name="test", title="synthetic", edition="test", url="http://127.0.0.1",
               obtained_from="tests", licence="synthetic", redistribution=True, retrieved="2026-01-01",
               citation="synthetic", files=files, datasets=datasets)
    ]  # fmt: skip


def test_countries_table_has_the_warehouse_columns_and_one_row_per_country(fixture_dirs):
    ref = load_reference(_sources(), *fixture_dirs)
    assert list(ref.countries.columns) == COUNTRIES.names
    assert sorted(ref.countries["iso3"]) == ["ABW", "KAZ", "NAM", "NGA", "SDN", "XKX"]
    assert ref.problems == []


def test_a_missing_groupings_file_is_a_clear_error(fixture_dirs):
    from etl.problems import SourceError  # noqa: PLC0415

    (fixture_dirs[1] / "groupings.yaml").unlink()
    with pytest.raises(SourceError, match="cannot read the groupings") as raised:
        load_reference(_sources(), *fixture_dirs)
    assert raised.value.problems[0].file == str(fixture_dirs[1] / "groupings.yaml")


def test_sdg_regions_follow_m49_membership(fixture_dirs):
    countries = load_reference(_sources(), *fixture_dirs).countries.set_index("iso3")
    assert countries.loc["NGA", "sdg_region"] == "SDG_SSA"  # sub-region 202
    assert countries.loc["SDN", "sdg_region"] == "SDG_NAWA"  # Northern Africa 015
    assert countries.loc["KAZ", "sdg_region"] == "SDG_CSA"  # Central Asia 143
    assert countries.loc["ABW", "sdg_region"] == "SDG_LAC"
    assert countries.loc["NGA", "m49_region"] == "M49_002"
    assert countries.loc["NGA", "m49_subregion"] == "M49_202"


def test_income_ilo_region_and_flags_come_from_their_sources(fixture_dirs):
    countries = load_reference(_sources(), *fixture_dirs).countries.set_index("iso3")
    assert countries.loc["SDN", "income_group"] == "WB_LIC"
    assert countries.loc["SDN", "wb_region"] == "Middle East & North Africa"
    assert countries.loc["SDN", "ilo_region"] == "ILO_ARB"  # GSI name resolved through the alias file
    assert countries.loc["KAZ", "lldc"] and countries.loc["SDN", "ldc"] and countries.loc["ABW", "sids"]
    assert not countries.loc["ABW", "independent"]
    assert countries.loc["NAM", "iso2"] == "NA"  # not read as a missing value


def test_each_region_membership_names_the_source_whose_file_lists_it(fixture_dirs):
    members = load_reference(_sources(), *fixture_dirs).members.set_index(["code", "iso3"])["source"]
    assert members["ILO_ARB", "SDN"] == members["WB_LIC", "SDN"] == members["M49_002", "NGA"] == "synthetic"
    # the SDG regions and the World are built from the country-code file's list and M49 regions: it is their source
    assert members["WLD", "NGA"] == members["SDG_SSA", "NGA"] == members["WLD", "XKX"] == "synthetic"
    assert members.notna().all(), members[members.isna()]


def test_kosovo_is_a_country_row_with_attributes_from_real_sources_only(fixture_dirs):
    kosovo = load_reference(_sources(), *fixture_dirs).countries.set_index("iso3").loc["XKX"]
    assert kosovo["name"] == "Kosovo"
    assert kosovo["income_group"] == "WB_UMC" and kosovo["ilo_region"] == "ILO_ECA"
    assert pd.isna(kosovo["m49"]) and pd.isna(kosovo["m49_region"]) and pd.isna(kosovo["iso2"])


def test_pathfinders_and_aliases(fixture_dirs):
    countries = load_reference(_sources(), *fixture_dirs).countries.set_index("iso3")
    assert (
        countries.loc["NGA", "pathfinder"] and countries.loc["NGA", "pathfinder_status"] == "requested support (2099)"
    )
    assert not countries.loc["KAZ", "pathfinder"] and countries.loc["KAZ", "pathfinder_status"] == ""
    assert "Sudan, Republic of the" in countries.loc["SDN", "aliases"].split("|")
    assert "Republic of the Sudan" in countries.loc["SDN", "aliases"].split("|")  # UNTERM formal, "the" dropped
    assert countries.loc["SDN", "official_name"] == "Republic of the Sudan"


def test_regions_cover_every_code_used_with_member_counts(fixture_dirs):
    ref = load_reference(_sources(), *fixture_dirs)
    assert list(ref.regions.columns) == REGIONS.names
    regions = ref.regions.set_index("code")
    used = set()
    for column in ("m49_region", "m49_subregion", "sdg_region", "ilo_region", "income_group"):
        used |= set(ref.countries[column].dropna())
    assert used <= set(regions.index)
    assert regions.loc["SDG_SSA", "members"] == 2  # Nigeria, Namibia
    assert regions.loc["WLD", "members"] == 6  # country rows only (the WB group's Channel Islands is not one)
    assert regions.loc["WB_LIC", "grouping"] == "income" and regions.loc["WB_LIC", "members"] == 1
    assert regions.loc["M49_002", "name"] == "Africa"


def test_unknown_gsi_name_is_reported_with_file_row_and_the_file_to_edit(fixture_dirs):
    raw, ref = fixture_dirs
    _write_csv(raw / "gsi" / "gsi.csv", ["Country", "Region"], [["Nigeria", "Africa"], ["Atlantis", "Africa"]])
    problems = load_reference(_sources(), raw, ref).problems
    assert len(problems) == 1
    assert (problems[0].file, problems[0].row, problems[0].column, problems[0].value) == (
        "gsi/gsi.csv", 3, "Country", "Atlantis")  # fmt: skip
    assert "country_aliases.csv" in problems[0].message


def test_unknown_handler_is_a_registry_problem(fixture_dirs):
    sources = _sources()
    sources[0].datasets[0].handler = "no_such_reader"
    problems = load_reference(sources, *fixture_dirs).problems
    assert [(p.check, p.column, p.value) for p in problems] == [("registry", "handler", "no_such_reader")]


def test_reference_folder_comes_from_the_settings(fixture_dirs, monkeypatch):
    raw, ref = fixture_dirs
    monkeypatch.setenv("DELTA87_RAW_DIR", str(raw))
    monkeypatch.setenv("DELTA87_REFERENCE_DIR", str(ref))
    assert load_reference(_sources()).countries.set_index("iso3").loc["NGA", "pathfinder"]


def test_indicators_file_is_validated_entry_by_entry(tmp_path):
    path = tmp_path / "indicators.yaml"
    entries = [
        _indicator("good", target_value=0, target_year=2030),
        _indicator("bad_theme", theme="weather"),
        _indicator("half_target", target_value=0),
        _indicator("good"),
        _indicator("odd", colour="red"),
    ]
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    table, problems = load_indicators(path)
    assert list(table.columns) == INDICATORS.names
    assert table["code"].tolist() == ["good"]
    assert table.loc[0, "target_year"] == 2030
    assert [(p.column, p.value) for p in problems] == [
        ("bad_theme.theme", "weather"),
        ("half_target", None),
        ("code", "good"),
        ("odd.colour", "red"),
    ]
    assert all(p.file == str(path) for p in problems)


def test_every_shared_indicator_code_is_defined():
    """The codes every helper uses (notes/COMMON.md) must all be in data/reference/indicators.yaml."""
    table, problems = load_indicators(Path(__file__).resolve().parent.parent / "data" / "reference" / "indicators.yaml")
    assert problems == []
    assert SHARED_CODES <= set(table["code"])
    assert table["code"].is_unique


def test_alias_file_problems_name_row_and_column(tmp_path):
    path = tmp_path / "country_aliases.csv"
    _write_csv(path, ["alias", "iso3", "source", "note"], [["Good", "AAA", "", ""], ["Bad", "aa1", "", ""],
                                                           ["Silent drop", "", "", ""]])  # fmt: skip
    problems = alias_problems(read_reference_csv(path, ALIAS_COLUMNS)[0], path)
    assert [(p.row, p.column, p.value) for p in problems] == [(3, "iso3", "aa1"), (4, "note", "Silent drop")]


def test_aggregate_alias_mapped_to_two_codes_is_a_problem(tmp_path):
    path = tmp_path / "aggregates.csv"
    _write_csv(path, ["alias", "code", "name", "grouping"], [["Africa", "ILO_AFR", "Africa", "ilo"],
                                                             ["Africa", "M49_002", "Africa", "m49-region"]])  # fmt: skip
    problems = aggregate_problems(read_reference_csv(path, AGGREGATE_COLUMNS)[0], path)
    assert [(p.row, p.value) for p in problems] == [(2, "Africa"), (3, "Africa")]


def test_missing_column_and_unknown_pathfinder_are_problems(fixture_dirs):
    raw, ref = fixture_dirs
    _write_csv(raw / "gsi" / "gsi.csv", ["Country", "Zone"], [["Nigeria", "Africa"]])
    pathfinders = {"countries": [{"iso3": "QQQ", "name": "Nowhere", "status": "x", "source": "synthetic"}]}
    (ref / "pathfinders.yaml").write_text(yaml.safe_dump(pathfinders), encoding="utf-8")
    result = load_reference(_sources(), raw, ref)
    assert [(p.file.endswith(("gsi.csv", "pathfinders.yaml")), p.value) for p in result.problems] == [
        (True, None),
        (True, "QQQ"),
    ]
    assert "Region" in result.problems[0].message
    assert result.countries["ilo_region"].isna().all()  # the other tables are still built


def test_an_m49_cell_that_is_not_ascii_digits_is_a_problem_naming_the_cell(fixture_dirs):
    raw, ref = fixture_dirs
    rows = [row.copy() for row in CODES]
    rows[1][2], rows[2][9] = "²", "1 4 3"  # str.isdigit() passes '²', which int() refuses
    _write_csv(raw / "regions_country_codes" / "country-codes.csv", CODES_HEADER, rows)
    result = load_reference(_sources(), raw, ref)
    found = [(p.file, p.row, p.column, p.value) for p in result.problems]
    assert found == [("regions_country_codes/country-codes.csv", 3, "M49", "²"),
                     ("regions_country_codes/country-codes.csv", 4, "Sub-region Code", "1 4 3")]  # fmt: skip
    assert all("digits 0-9" in p.message and "correct the cell" in p.message for p in result.problems)
    assert set(result.countries["iso3"]) >= {"NGA", "SDN", "KAZ"}  # the other cells are still read


@pytest.mark.parametrize(
    "text",
    ["countries:\n  - iso3: NGA\n   name: Nigeria\n", "countries: null\n", "countrys: []\n", "[NGA]\n"],
    ids=["bad-indent", "null", "misspelt-key", "a-list"],
)
def test_an_unreadable_pathfinders_file_is_one_problem_naming_it_and_the_build_goes_on(fixture_dirs, text):
    raw, ref = fixture_dirs
    (ref / "pathfinders.yaml").write_text(text, encoding="utf-8")
    built = build(_sources(), set(), raw, ref, progress=False)
    found = [p for p in built.problems if p.file == str(ref / "pathfinders.yaml")]
    assert len(found) == 1 and "correct the file" in found[0].message and "\n" not in found[0].message
    assert not built.tables["countries"]["pathfinder"].any()
    assert "pathfinders" not in set(built.tables["sources"]["id"])


def test_the_pathfinder_list_is_cited_as_its_file_says(fixture_dirs):
    raw, ref = fixture_dirs
    data = yaml.safe_load((ref / "pathfinders.yaml").read_text(encoding="utf-8"))
    data |= {"source": {"publisher": "Synthetic staff", "title": "Synthetic list"}, "source_note": "Synthetic note"}
    (ref / "pathfinders.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    built = build(_sources(), set(), raw, ref, progress=False)
    row = built.tables["sources"].set_index("id").loc["pathfinders"]
    assert (row["publisher"], row["title"], row["citation"]) == ("Synthetic staff", "Synthetic list", "Synthetic note")
    assert built.tables["countries"].set_index("iso3").loc["NGA", "pathfinder"]


def test_a_country_code_table_without_a_column_stops_at_that_one_problem(fixture_dirs):
    raw, ref = fixture_dirs
    header = [c if c != "is_independent" else "independent" for c in CODES_HEADER]
    _write_csv(raw / "regions_country_codes" / "country-codes.csv", header, CODES)
    with pytest.raises(SourceError) as raised:
        load_reference(_sources(), raw, ref)
    found = [(p.file, p.row, p.column) for p in raised.value.problems]
    assert found == [("regions_country_codes/country-codes.csv", 1, "is_independent")]  # no unknown-country echoes
    assert "is missing" in raised.value.problems[0].message


@pytest.mark.parametrize("data", [b"", "ISO3166-1-Alpha-3,official_name_en\nCIV,C\u00f4te\n".encode("cp1252")])
def test_an_unreadable_country_code_table_is_a_clear_error(fixture_dirs, data):
    raw, ref = fixture_dirs
    (raw / "regions_country_codes" / "country-codes.csv").write_bytes(data)
    with pytest.raises(SourceError, match="cannot read the country-codes file") as raised:
        load_reference(_sources(), raw, ref)
    assert raised.value.problems[0].file == str(raw / "regions_country_codes" / "country-codes.csv")
    assert "restore" in raised.value.problems[0].message


@pytest.mark.parametrize(("option", "wrong"), [("sheet", "List of economy"), ("groups_sheet", "Group")])
def test_a_wrong_sheet_name_for_the_income_groups_lists_the_sheets(fixture_dirs, option, wrong):
    sources = _sources()
    sources[0].datasets[1] = Dataset(file="worldbank/CLASS.xlsx", format="reference", handler="income_groups",
                                     options={option: wrong})  # fmt: skip
    problems = load_reference(sources, *fixture_dirs).problems
    assert [p.file for p in problems] == ["worldbank/CLASS.xlsx"]
    assert f"sheet {wrong!r} not found; the workbook has: List of economies, Groups: correct options.{option}" in (
        problems[0].message
    )


@pytest.mark.parametrize("data", [b"", "alias,iso3,source,note\nKosov\u00eb,XKX,gsi,x\n".encode("cp1252")])
def test_an_unreadable_alias_file_is_a_clear_error(fixture_dirs, data):
    raw, ref = fixture_dirs
    (ref / "country_aliases.csv").write_bytes(data)
    with pytest.raises(SourceError) as raised:
        load_reference(_sources(), raw, ref)
    assert [p.file for p in raised.value.problems] == [str(ref / "country_aliases.csv")]
    assert "save it as UTF-8 CSV with the header alias,iso3,source,note" in raised.value.problems[0].message


@pytest.mark.parametrize("text", ["", "- code: [\n", "code: population\n"], ids=["empty", "yaml-error", "not-a-list"])
def test_an_unreadable_indicators_file_is_one_problem_not_one_per_indicator(fixture_dirs, text):
    raw, ref = fixture_dirs
    (ref / "indicators.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_reference(_sources(), raw, ref)
    assert [p.file for p in raised.value.problems] == [str(ref / "indicators.yaml")]
    assert "\n" not in raised.value.problems[0].message


def test_a_yaml_syntax_error_in_a_reference_file_names_its_line_column_and_the_fix(fixture_dirs):
    raw, ref = fixture_dirs
    (ref / "indicators.yaml").write_text("- code: population\n  name: [Population\n  unit: count\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_reference(_sources(), raw, ref)
    assert raised.value.problems[0].message == (
        "cannot read indicators: YAML syntax error at line 2, column 9: a '[' opened here is not closed; close it, "
        "or quote a value starting with '['"
    )
