"""The area resolver: codes, names, aliases, aggregates, the name library as a guarded last resort."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.countries import Area, Resolver, normalise

FORMATS = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    """A small extract of the real country-codes file plus test-owned alias and aggregate files."""
    return Resolver.from_files(FORMATS / "raw", FORMATS / "reference")


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("AFG", "iso3", "AFG"),
        ("afg", "auto", "AFG"),
        ("4", "m49", "AFG"),
        ("004", "auto", "AFG"),
        ("516", "m49", "NAM"),
        ("Namibia", "name", "NAM"),  # ISO2 "NA" must not have been read as a missing value
        ("Bolivia (Plurinational State of)", "name", "BOL"),
        ("Côte d’Ivoire", "auto", "CIV"),
        ("COTE D'IVOIRE", "auto", "CIV"),
        ("Cote d Ivoire", "auto", "CIV"),
        ("Trinidad & Tobago", "auto", "TTO"),
        ("Republic of Korea", "auto", "KOR"),
        ("Türkiye", "auto", "TUR"),
        ("Ivory Coast", "auto", "CIV"),  # alias file
        ("Kosovo", "auto", "XKX"),  # alias file: a country ISO 3166 does not list
        ("XKX", "iso3", "XKX"),  # alias targets are valid codes
    ],
)
def test_countries_resolve_by_code_name_and_alias(resolver, text, kind, code):
    assert resolver.resolve(text, kind) == Area(code, "country", resolver.resolve(text, kind).name)


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [("World", "name", "WLD"), ("OWID_WRL", "auto", "WLD"), ("1", "m49", "WLD"), ("SSF", "iso3", "SDG_SSA")],
)
def test_aggregates_resolve_to_region_codes(resolver, text, kind, code):
    area = resolver.resolve(text, kind)
    assert (area.code, area.kind) == (code, "aggregate")


def test_known_aggregate_without_a_code_is_recognised_not_unknown(resolver):
    area = resolver.resolve("Fragile and conflict affected situations", "name")
    assert (area.code, area.kind) == (None, "aggregate")


def test_m49_region_codes_become_m49_region_codes(resolver):
    assert resolver.resolve("202", "m49") == Area("SDG_SSA", "aggregate", "Sub-Saharan Africa")  # aggregates.csv wins
    area = resolver.resolve("34", "m49")  # Southern Asia, derived from country-codes' sub-region column
    assert (area.code, area.kind, area.name) == ("M49_034", "aggregate", "Southern Asia")


def test_the_name_library_is_used_for_spellings_we_do_not_list(resolver):
    assert resolver.resolve("Korea, Dem. People's Rep.", "auto").code == "PRK"
    assert resolver.resolve("United States", "name").code == "USA"


def test_the_name_library_never_turns_a_region_into_a_country(resolver):
    assert resolver.resolve("Eastern and Southern Africa", "auto") is None  # the library alone says ZAF
    assert resolver.resolve("Southern Asia", "auto") is None  # an M49 region name


def test_unknown_areas_are_none(resolver):
    assert resolver.resolve("Narnia", "auto") is None
    assert resolver.resolve("XYZ", "iso3") is None
    assert resolver.resolve("999", "m49") is None
    assert resolver.resolve("", "auto") is None


def test_aliases_with_an_empty_iso3_are_deliberate_drops(resolver):
    area = resolver.resolve("Atlantis", "auto")
    assert (area.code, area.kind) == (None, "dropped") and "on purpose" in area.note
    assert resolver.is_dropped("atlantis") and not resolver.is_dropped("Afghanistan")
    assert resolver.iso3("Atlantis") is None and resolver.iso3("Ivory Coast") == "CIV"


def test_locate_uses_the_second_spelling_and_the_area_type(resolver):
    assert resolver.locate("", "Afghanistan") == ("AFG", 0, "Afghanistan")
    assert resolver.locate("AFG: Afghanistan", kind="iso3") == ("AFG", 0, "AFG: Afghanistan")
    assert resolver.locate("", "East Asia and Pacific (WB)", "aggregate") == (None, 2, "East Asia and Pacific (WB)")
    assert resolver.locate("Narnia") == (None, 1, "Narnia")
    assert resolver.locate("", "") == (None, 4, "")


def test_normalise_ignores_case_accents_punctuation_and_the():
    assert normalise("  The Bahamas ") == normalise("Bahamas (the)") == "bahamas"
    assert normalise("Côte d’Ivoire") == normalise("COTE D'IVOIRE")
    assert normalise("Bosnia & Herzegovina") == normalise("Bosnia and Herzegovina")


def test_a_missing_reference_file_is_a_clear_error_and_nothing_is_written(tmp_path):
    from etl.problems import SourceError  # noqa: PLC0415

    (tmp_path / "regions_country_codes").mkdir()
    (tmp_path / "regions_country_codes" / "country-codes.csv").write_text("ISO3166-1-Alpha-3\nFRA\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        Resolver.from_files(tmp_path, tmp_path / "reference")
    assert {str(p.file) for p in raised.value.problems} == {
        str(tmp_path / "reference" / "country_aliases.csv"),
        str(tmp_path / "reference" / "aggregates.csv"),
    }
    assert all("reference file is missing" in p.message for p in raised.value.problems)
    assert not (tmp_path / "reference").exists()


def test_a_missing_country_codes_file_is_a_clear_error(tmp_path):
    from etl.problems import SourceError  # noqa: PLC0415

    with pytest.raises(SourceError, match="country-codes file is missing"):
        Resolver.from_files(tmp_path, tmp_path)


def test_real_country_codes_resolve_every_un_member_name(raw_dir):
    resolver = Resolver.from_files(raw_dir, FORMATS / "reference")
    codes = pd.read_csv(raw_dir / "regions_country_codes" / "country-codes.csv", dtype=str, keep_default_na=False)
    codes = codes[codes["ISO3166-1-Alpha-3"] != ""]
    for iso3, name, m49 in zip(codes["ISO3166-1-Alpha-3"], codes["official_name_en"], codes["M49"], strict=True):
        assert resolver.resolve(iso3, "iso3").code == iso3
        assert resolver.resolve(m49, "m49").code == iso3
        if name:
            assert resolver.resolve(name, "name").code == iso3, name
    assert len(codes) == 249
