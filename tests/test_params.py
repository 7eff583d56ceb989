"""Query-parameter parsing shared by the API and /data: every bad input names its parameter and what is allowed."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from dataproduct import params as p

CATALOG = p.Catalog(
    release_id="r20260101T000000Z-0123abcd",
    indicators={"syn_rate": "Rate", "syn_count": "Count"},
    areas={"AAA": "Aland", "BBB": "Bora", "WLD": "World", "WB_LIC": "Low income"},
    groups={"WLD": "World", "WB_LIC": "Low income"},
    sources={"open": {"redistribution": True}, "closed": {"redistribution": False}},
    ages=("5-17", "15-17, hazardous"),
    years=(2000, 2020),
)


def parse(query: str, page_size_max: int = 500) -> p.Query:
    pairs = [tuple(part.split("=", 1)) for part in query.split("&") if part]
    return p.parse_query(p.arguments(MultiDict(pairs)), CATALOG, page_size_max)


def error(query: str) -> p.ParamError:
    with pytest.raises(p.ParamError) as caught:
        parse(query)
    return caught.value


def test_repeated_and_comma_separated_values_combine():
    query = parse("indicator=syn_rate&indicator=syn_count&country=AAA,bbb,WLD")
    assert query.filter.indicators == ("syn_rate", "syn_count")
    assert query.filter.areas == ("AAA", "BBB", "WLD")  # codes are matched case-insensitively


def test_a_known_value_containing_a_comma_stays_whole():
    assert parse("age=15-17, hazardous").filter.ages == ("15-17, hazardous",)
    assert parse("age=5-17&age=15-17, hazardous").filter.ages == ("5-17", "15-17, hazardous")


def test_every_filter_keeps_only_the_sources_whose_licence_allows_redistribution():
    assert parse("").filter.licensed == ("open",)
    assert parse("source=closed").filter.licensed == ("open",)


def test_unknown_indicator_names_parameter_and_allowed_values():
    problem = error("indicator=syn_rate,nope")
    assert (problem.parameter, problem.error, problem.status) == ("indicator", "unknown_value", 400)
    assert problem.allowed == ["syn_count", "syn_rate"]
    assert "'nope'" in problem.message


def test_unknown_country_lists_codes_and_points_to_the_catalogue():
    problem = error("country=ZZZ")
    assert problem.parameter == "country" and "AAA" in problem.allowed and "/api/v1/countries" in problem.message


@pytest.mark.parametrize(
    ("query", "parameter", "fragment"),
    [
        ("year_from=20x0", "year_from", "four-digit year"),
        ("year_to=1850", "year_to", "between 1900 and 2100"),
        ("year_from=2015&year_to=2010", "year_to", "before year_from"),
        ("year_from=2010&year_from=2011", "year_from", "given 2 times"),
        ("limit=0", "limit", "from 1 to 500"),
        ("limit=501", "limit", "from 1 to 500"),
        ("offset=-1", "offset", "whole number"),
        ("format=html", "format", "unknown format"),
        ("sort=password", "sort", "cannot sort by"),
        ("sort=year,-year", "sort", "names year twice"),
        ("sort=year,iso3,sex,age,source,value", "sort", "at most 5 columns, got 6"),
        ("contry=AAA", "contry", "unknown parameter"),
        ("release=latest", "release", "not a release id"),
    ],
)
def test_malformed_parameters_are_rejected_with_their_name(query, parameter, fragment):
    problem = error(query)
    assert problem.parameter == parameter
    assert fragment in problem.message
    assert problem.to_dict()["parameter"] == parameter


def test_too_many_values_is_an_error_not_a_slow_query():
    problem = error("indicator=" + ",".join(["syn_rate"] * 2 + [f"x{i}" for i in range(p.MAX_VALUES + 1)]))
    assert problem.error == "too_many_values" and problem.parameter == "indicator"


def test_json_pages_by_default_and_other_formats_do_not():
    assert (parse("").limit, parse("").offset) == (p.DEFAULT_LIMIT, 0)
    assert parse("format=csv").limit is None
    assert parse("format=csv&limit=100000").limit == 100000  # the page-size cap is for JSON only


def test_sort_parses_directions():
    assert parse("sort=-year,iso3").sort == (("year", False), ("iso3", True))
    key = ["indicator", "iso3", "year", "year_end", "sex", "age", "source", "edition"]
    assert parse("").order_by() == tuple((column, True) for column in key)  # the release's key: no ties
    assert parse("sort=-year").order_by() == (("year", False), *((c, True) for c in key if c != "year"))


def test_lenient_parse_keeps_good_values_and_reports_bad_ones():
    args = p.arguments({"indicator": ["syn_rate", "bogus"], "year_from": "abc", "country": "AAA"})
    where, problems = p.parse_filter(args, CATALOG, strict=False)
    assert where.indicators == ("syn_rate",) and where.areas == ("AAA",) and where.year_from is None
    assert [problem.parameter for problem in problems] == ["indicator", "year_from"]


@pytest.mark.parametrize(
    "value",
    [
        "'; DROP TABLE observations; --",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "ünï©ødé",
        "x" * 5000,
        "%00",
        "1 OR 1=1",
    ],
)
def test_injection_strings_are_unknown_values(value):
    for name in ("indicator", "country", "group", "sex", "age", "source", "nature"):
        problem = error(f"{name}={value}")
        assert problem.parameter == name and problem.status == 400
        assert len(problem.message) < 200  # long input is not echoed back in full


def test_query_string_round_trips_through_the_parser():
    query = parse("indicator=syn_rate&country=AAA,BBB&year_from=2005&sort=-value")
    text = p.query_string(query.filter, query.sort, format="csv")
    assert text == "indicator=syn_rate&country=AAA,BBB&year_from=2005&sort=-value&format=csv"
    again = parse(text)
    assert again.filter == query.filter and again.sort == query.sort


def test_excluded_sources_are_the_non_redistributable_ones():
    assert CATALOG.excluded_sources() == ["closed"]


def test_area_is_a_synonym_of_country():
    assert parse("area=aaa&country=BBB").filter.areas == ("BBB", "AAA")
    assert error("area=ZZZ").parameter == "country"
