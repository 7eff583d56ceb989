"""etl/commitments.py on small SYNTHETIC files in the publishers' formats (names and dates made up for tests)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from etl.commitments import (
    as_of_year,
    commitment_observations,
    ilab_conventions,
    ratifications,
    treaty_collection,
    un_date,
)
from etl.countries import Resolver
from etl.registry import Dataset, Source
from warehouse.schema import COMMITMENTS, OBSERVATIONS

HTI = "github:SioKCronin/libertas@abc:HTI.csv (synthetic)"
ILAB = "github:joan-wang/data-viz-project@abc:Conventions.csv (synthetic)"
HTI_AS_OF = "not stated; latest date in file 2013-10-17"
ILAB_AS_OF = "ILAB report year 2016 (status Yes/No, no date)"


@pytest.fixture
def resolver() -> Resolver:
    """The real resolver over a synthetic country table and alias file."""
    codes = pd.DataFrame(
        {
            "ISO3166-1-Alpha-3": ["AAA", "BBB", "CCC"],
            "M49": ["901", "902", "903"],
            "official_name_en": ["Aland", "Borduria", "Carpania"],
            "UNTERM English Short": ["", "", ""],
            "UNTERM English Formal": ["", "", ""],
            "CLDR display name": ["", "", ""],
        }
    )
    aliases = pd.DataFrame(
        {
            "alias": ["Kosovo", "Bordurie, Republic of", "C"],
            "iso3": ["XKX", "BBB", ""],
            "source": ["test"] * 3,
            "note": ["not ISO", "", "dropped: truncated name"],
        }
    )
    return Resolver(codes, aliases, pd.DataFrame(columns=["alias", "code", "name", "grouping"]))


def _source(source_id: str = "synthetic") -> Source:
    return Source(id=source_id, publisher="test", short_name="test", title="synthetic", edition="test", url="http://127.0.0.1",
                  obtained_from="tests", licence="synthetic", redistribution=True, retrieved="2026-01-01",
                  citation="synthetic", files=[])  # fmt: skip


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


RATIFICATION_HEADER = ["country_name", "iso3", "instrument", "status", "date", "minimum_age_specified",
                       "source_url_or_repo", "as_of"]  # fmt: skip


def _ratifications(tmp_path: Path, rows: list[list[str]], resolver: Resolver, **options) -> tuple:
    path = _write(tmp_path / "ratifications.csv", RATIFICATION_HEADER, rows)
    dataset = Dataset(file="ratifications/ratifications.csv", format="commitments", handler="ratifications",
                      options={"source_labels": {"github:SioKCronin": "HTI", "github:joan-wang": "ILAB"}, **options})  # fmt: skip
    frame, problems = ratifications(path, dataset, _source("ratifications"), resolver, dataset.file)
    return frame.set_index(["iso3", "instrument"]), problems


def test_latest_as_of_wins_and_keeps_the_dated_row_kind(tmp_path, resolver):
    frame, problems = _ratifications(
        tmp_path,
        [
            ["Aland", "AAA", "C182", "not ratified", "", "", HTI, HTI_AS_OF],
            ["Aland", "AAA", "C182", "ratified", "", "", ILAB, ILAB_AS_OF],
            ["Aland", "AAA", "PALERMO", "signed", "2000-12-12", "", HTI, HTI_AS_OF],
            ["Aland", "AAA", "PALERMO", "accession", "2004-06-07", "", HTI, HTI_AS_OF],
            ["Aland", "AAA", "PALERMO", "ratified", "", "", ILAB, ILAB_AS_OF],
        ],
        resolver,
    )
    assert problems == []
    c182, palermo = frame.loc[("AAA", "C182")], frame.loc[("AAA", "PALERMO")]
    assert (c182["status"], c182["ratified"], c182["date"], c182["as_of"]) == ("ratified", True, "", ILAB_AS_OF)
    assert "older rows say: not ratified" in c182["note"]
    assert (palermo["status"], palermo["date"], palermo["as_of"]) == ("accession", "2004-06-07", ILAB_AS_OF)
    assert "accession date from HTI" in palermo["note"]


def test_blank_hti_cell_is_not_ratified_and_a_newer_no_is_not_shown_as_an_older_signature(tmp_path, resolver):
    frame, _ = _ratifications(
        tmp_path,
        [
            ["Borduria", "BBB", "C029", "not ratified", "", "", HTI, HTI_AS_OF],
            ["Borduria", "BBB", "PALERMO", "signed", "2000-12-13", "", HTI, HTI_AS_OF],
            ["Borduria", "BBB", "PALERMO", "not ratified", "", "", ILAB, ILAB_AS_OF],
        ],
        resolver,
    )
    c029, palermo = frame.loc[("BBB", "C029")], frame.loc[("BBB", "PALERMO")]
    assert c029["status"] == "not ratified" and not c029["ratified"]
    assert "HTI cell blank" in c029["note"]
    # ILAB's "No" is the status as of its year; HTI's signature (about 2013) is named with its source, not relabelled
    assert (palermo["status"], palermo["date"], palermo["as_of"]) == ("not ratified", "", ILAB_AS_OF)
    assert "signed 2000-12-13; signed date from HTI" in palermo["note"]


def test_blank_iso3_is_resolved_and_vague_as_of_is_rewritten(tmp_path, resolver):
    frame, problems = _ratifications(
        tmp_path,
        [
            ["Kosovo", "", "C105", "not ratified", "", "", HTI, HTI_AS_OF],
            [
                "Carpania",
                "CCC",
                "P029",
                "ratified",
                "",
                "",
                "https://example.invalid/page",
                "page date; see PROVENANCE",
            ],
            ["Carpania", "CCC", "C138", "ratified", "2001-02-03", "15", "http://wiki", "not stated"],
            ["Nowhere", "", "C105", "ratified", "", "", HTI, HTI_AS_OF],
        ],
        resolver,
        as_of_text={"page date; see PROVENANCE": "page dates 2015-2023"},
    )
    assert frame.loc[("XKX", "C105"), "status"] == "not ratified"
    assert frame.loc[("CCC", "P029"), "as_of"] == "page dates 2015-2023"
    assert frame.loc[("CCC", "C138"), "minimum_age"] == 15
    assert [(p.row, p.column, p.value) for p in problems] == [(5, "country_name", "Nowhere")]


def test_unknown_status_is_reported(tmp_path, resolver):
    _, problems = _ratifications(tmp_path, [["Aland", "AAA", "C029", "maybe", "", "", HTI, HTI_AS_OF]], resolver)
    assert (problems[0].row, problems[0].column, problems[0].value) == (2, "status", "maybe")


def test_un_dates_and_markers():
    assert un_date("19 Sep 2002 (a)") == ("2002-09-19", "accession")
    assert un_date("30 Apr 2001") == ("2001-04-30", "ratified")
    assert un_date("05 Feb 2008 (d)") == ("2008-02-05", "succession")
    assert un_date("1 Jan 2010 (A)") == ("2010-01-01", "acceptance")
    with pytest.raises(ValueError, match="not a UN Treaty Collection date"):
        un_date("2002-09-19")


def test_as_of_year_prefers_the_as_of_text_then_the_date():
    assert as_of_year(HTI_AS_OF, "1954-11-30") == 2013
    assert as_of_year("page dates 2015-2023", "") == 2023
    assert as_of_year("not stated", "2017-06-13") == 2017
    assert as_of_year("not stated", "") is None


def test_treaty_collection_export(tmp_path, resolver):
    header = ["COUNTRY", "Treaty Description", "Treaty Name", "Signature Date",
              "Ratification Date, Accession(a), Succession(d) Date"]  # fmt: skip
    path = _write(
        tmp_path / "untc.csv",
        header,
        [
            ["Aland", "Optional Protocol", "CRC-OP-SC", "", "19 Sep 2002 (a)"],
            ["Borduria", "Optional Protocol", "CRC-OP-SC", "07 Sep 2000", "30 Apr 2001"],
            ["Carpania", "Optional Protocol", "CRC-OP-SC", "29 Sep 2008", ""],
            ["Atlantis", "Optional Protocol", "CRC-OP-SC", "", "bad date"],
            ["", "|", "", "", ""],
            ["Command item", "", "", "", ""],
        ],
    )
    dataset = Dataset(
        file="untc.csv",
        format="commitments",
        handler="treaty_collection",
        options={"instrument": "CRC_OPSC", "as_of": "2020-08-28"},
    )
    frame, problems = treaty_collection(path, dataset, _source(), resolver, "untc.csv")
    rows = frame.set_index("iso3")
    assert list(frame.columns) == COMMITMENTS.names
    assert (rows.loc["AAA", "status"], rows.loc["AAA", "date"]) == ("accession", "2002-09-19")
    assert (rows.loc["BBB", "status"], rows.loc["BBB", "date"]) == ("ratified", "2001-04-30")
    assert "signed 2000-09-07" in rows.loc["BBB", "note"]
    assert (rows.loc["CCC", "status"], rows.loc["CCC", "ratified"]) == ("signed", False)
    assert set(rows["as_of"]) == {"2020-08-28"}
    assert [(p.row, p.value) for p in problems] == [(5, "Atlantis")]  # footer rows skipped silently


def test_ilab_conventions_keep_the_latest_report_year(tmp_path, resolver):
    header = ["", "assessment_id", "c_138_ratified", "c_182_ratified", "country", "country_id", "palermo_ratified",
              "year"]  # fmt: skip
    path = _write(
        tmp_path / "Conventions.csv",
        header,
        [
            ["0", "1", "No", "Yes", "Aland", "1", "No", "2015"],
            ["1", "2", "Yes", "Yes", "Aland", "1", "No", "2016"],
            ["2", "3", "N/A", "N/A", "Kosovo", "2", "N/A", "2016"],
            ["3", "4", "Yes", "Yes", "C", "3", "Yes", "2016"],
            ["4", "5", "Perhaps", "Yes", "Bordurie, Republic of", "4", "", "2014"],
        ],
    )
    dataset = Dataset(file="Conventions.csv", format="commitments", handler="ilab_conventions",
                      options={"instruments": {"c_138_ratified": "C138", "c_182_ratified": "C182",
                                               "palermo_ratified": "PALERMO"}})  # fmt: skip
    frame, problems = ilab_conventions(path, dataset, _source("usdol_ilab"), resolver, "Conventions.csv")
    rows = frame.set_index(["iso3", "instrument"])
    assert rows.loc[("AAA", "C138"), "status"] == "ratified" and rows.loc[("AAA", "C138"), "as_of"] == "2016"
    assert rows.loc[("AAA", "PALERMO"), "status"] == "not ratified"
    assert rows.loc[("BBB", "C182"), "as_of"] == "2014"
    assert "XKX" not in set(frame["iso3"])  # N/A: no row; "C": a documented drop, no problem
    assert [(p.row, p.column, p.value) for p in problems] == [(6, "c_138_ratified", "Perhaps")]


def test_commitment_observations_are_flags_dated_by_as_of():
    commitments = pd.DataFrame(
        [
            {"iso3": "AAA", "instrument": "CRC_OPSC", "status": "accession", "ratified": True, "date": "2002-09-19",
             "as_of": "2020-08-28", "minimum_age": None, "source": "untc", "note": "synthetic"},
            {"iso3": "BBB", "instrument": "C029", "status": "signed", "ratified": False, "date": "1999-01-01",
             "as_of": "not stated; latest date in file 2013-10-17", "minimum_age": None, "source": "hti", "note": ""},
            {"iso3": "CCC", "instrument": "C029", "status": "ratified", "ratified": True, "date": "",
             "as_of": "not stated", "minimum_age": None, "source": "hti", "note": "no year anywhere"},
        ]
    )  # fmt: skip
    commitments["as_of_year"] = [
        as_of_year(a, d) for a, d in zip(commitments["as_of"], commitments["date"], strict=True)
    ]
    flags = {"CRC_OPSC": "ratified_crc_opsc", "C029": "ratified_c029"}
    obs = commitment_observations(commitments, {("untc", ""): "untc.csv", ("hti", "C029"): "hti.csv"}, flags)
    assert list(obs.columns) == OBSERVATIONS.names
    rows = obs.set_index("iso3")
    assert rows.loc["AAA", "indicator"] == "ratified_crc_opsc" and rows.loc["AAA", "value"] == 1.0
    assert rows.loc["AAA", "year"] == 2020 and rows.loc["AAA", "source_file"] == "untc.csv"
    assert rows.loc["BBB", "source_file"] == "hti.csv"
    assert rows.loc["AAA", "note"].startswith("accession 2002-09-19")
    assert (rows.loc["BBB", "value"], rows.loc["BBB", "year"]) == (0.0, 2013)
    assert set(obs["nature"]) == {"reported"} and set(obs["unit"]) == {"flag"}
    assert "CCC" not in rows.index  # no as-of year: kept in the commitments table, no observation


def test_commitment_observations_of_nothing_is_an_empty_table():
    assert list(commitment_observations(pd.DataFrame(columns=COMMITMENTS.names), {}, {}).columns) == OBSERVATIONS.names


def test_file_without_the_expected_columns_is_a_problem_not_a_crash(tmp_path, resolver):
    path = _write(tmp_path / "untc.csv", ["Country", "Dates"], [["Aland", "19 Sep 2002 (a)"]])
    dataset = Dataset(
        file="untc.csv", format="commitments", handler="treaty_collection", options={"as_of": "2020-08-28"}
    )
    frame, problems = treaty_collection(path, dataset, _source(), resolver, "untc.csv")
    assert frame.empty and list(frame.columns) == COMMITMENTS.names
    assert [(p.file, p.row, p.column) for p in problems] == [("untc.csv", 1, "Treaty Name")]


def test_a_minimum_age_that_is_not_ascii_digits_is_a_problem_naming_the_cell(tmp_path, resolver):
    rows = [["Aland", "AAA", "C138", "ratified", "2001-02-03", "²", HTI, HTI_AS_OF],  # '²'.isdigit() is True
            ["Borduria", "BBB", "C138", "ratified", "2001-02-03", "14", HTI, HTI_AS_OF]]  # fmt: skip
    frame, problems = _ratifications(tmp_path, rows, resolver)
    assert [(p.file, p.row, p.column, p.value) for p in problems] == [
        ("ratifications/ratifications.csv", 2, "minimum_age_specified", "²")
    ]
    assert "digits 0-9" in problems[0].message and "correct the cell" in problems[0].message
    assert frame.loc[("BBB", "C138"), "minimum_age"] == 14


def test_a_date_that_is_not_a_calendar_date_is_refused_naming_the_cell(tmp_path, resolver):
    frame, problems = _ratifications(
        tmp_path,
        [
            ["Aland", "AAA", "C182", "ratified", "2001-13-45", "", HTI, HTI_AS_OF],
            ["Borduria", "BBB", "C182", "ratified", "12/03/2001", "", HTI, HTI_AS_OF],
            ["Carpania", "CCC", "C182", "ratified", "2001-03-12", "", HTI, HTI_AS_OF],
        ],
        resolver,
    )
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "date", "2001-13-45"), (3, "date", "12/03/2001")]
    assert all(p.severity == "error" and "YYYY-MM-DD" in p.message for p in problems)
    assert list(frame.index) == [("CCC", "C182")]


@pytest.mark.parametrize(
    ("data", "check", "says"),
    [
        (b"", "file", "the file is empty"),
        ("country_name,iso3\nAland\u00e8,AAA\n".encode("cp1252"), "encoding", "line 2; the file seems to use"),
    ],
    ids=["empty", "windows-1252"],
)
def test_an_unreadable_commitments_file_is_one_problem_saying_how_to_fix_it(tmp_path, resolver, data, check, says):
    (tmp_path / "ratifications.csv").write_bytes(data)
    dataset = Dataset(file="ratifications/ratifications.csv", format="commitments", handler="ratifications")
    frame, problems = ratifications(tmp_path / "ratifications.csv", dataset, _source(), resolver, dataset.file)
    assert frame.empty and [p.check for p in problems] == [check]
    assert says in problems[0].message and "options.encoding" not in problems[0].message  # commitments have none
