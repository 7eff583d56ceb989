"""The publisher formats a registry entry may name, each an adapter `read(con, path, dataset, label) -> RawTable`."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from etl import checks, db
from etl.adapters import excel
from etl.adapters.columns import TIDY_DEFAULTS, filter_columns, find_column, pick
from etl.adapters.delimited import read_csv
from etl.adapters.long import read_long
from etl.adapters.table import RawTable, refused
from etl.adapters.wide import melt, wide_raw
from etl.registry import Dataset

SDMX_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("REF_AREA", "GeoAreaCode", "GEO_AREA", "iso3", "Country Code"),
    "area_alt": ("GeoAreaName", "REF_AREA_NAME", "Country Name"),
    "year": ("TIME_PERIOD", "TimePeriod", "time.period", "Year"),
    "value": ("OBS_VALUE", "Value", "obs.value"),
    "indicator": ("INDICATOR", "SERIES", "SeriesCode"),
    "sex": ("SEX", "Sex"),
    "age": ("AGE", "Age"),
    "lower": ("LOWER_BOUND", "LowerBound"),
    "upper": ("UPPER_BOUND", "UpperBound"),
    "note": ("COMMENT_OBS", "OBS_FOOTNOTE", "COMMENT", "FootNote", "Footnote"),  # publisher footnotes, kept
}
OWID_DEFAULTS: dict[str, tuple[str, ...]] = {"area": ("Code",), "area_alt": ("Entity",), "year": ("Year",)}
DDF_KEYS = ("geo_area", "geo", "year", "time", "age", "sex", "nature", "units", "unit")
DDF_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("geo_area", "geo", "country"),
    "year": ("year", "time"),
    "sex": ("sex",),
    "age": ("age",),
}
WDI_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("Country Code",),
    "area_alt": ("Country Name",),
    "indicator": ("Indicator Code",),
}
HUB_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("ISO3CD", "ISO3", "iso3"),
    "area_alt": ("geoAreaCode", "GeoArea_Code", "m49"),
    "indicator": ("series_code", "seriesCode", "SeriesCode", "series"),
    "sex": ("sex_code", "sex", "Sex"),
    "age": ("age_code", "age", "Age"),
    "note": ("footnotes", "footnote", "FootNote"),  # publisher footnotes, kept
}


def owid(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    """An OWID grapher CSV; the value column is the one after Entity, Code and Year (or columns.value)."""

    def defaults(names: list[str]) -> dict:
        others = (c for c in names if c not in ("Entity", "Code", "Year") and not c.startswith("Unnamed"))
        return {**OWID_DEFAULTS, "value": tuple(filter(None, [next(others, None)]))}

    def fixed(picked: dict[str, str]) -> dict[str, str]:
        area = f"CASE WHEN {db.blank(db.ident(picked['area']))} THEN 'aggregate' ELSE '' END"
        return {"area_type": area, **({} if "indicator" in picked else {"indicator": db.literal(picked["value"])})}

    return read_long(con, path, dataset, label, defaults, fixed)


def ddf(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    """A DDF datapoints file; the series column is found from the file name or as the one non-key column."""

    def defaults(names: list[str]) -> dict:
        match = re.match(r"ddf--datapoints--(.+?)--by--", Path(path).name)
        others = [c for c in names if c not in DDF_KEYS]
        series = match.group(1) if match and match.group(1) in names else (others[0] if len(others) == 1 else None)
        return {**DDF_DEFAULTS, "value": tuple(filter(None, [series]))}

    def fixed(picked: dict[str, str]) -> dict[str, str]:
        return {} if "indicator" in picked else {"indicator": db.literal(picked["value"])}

    return read_long(con, path, dataset, label, defaults, fixed)


def wide(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    """A wide CSV (one row per area)."""
    return wide_raw(read_csv(con, path, label, dataset.options), dataset, label)


def wdi(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    """A WDI wide CSV: one row per country and indicator, one column per year; the header is found by content."""
    table = read_csv(con, path, label, dataset.options, _wdi_header)
    columns = {column: {"year": column} for column in table.header if re.fullmatch(r"\d{4}", column)}
    missing = {} if columns else {"year": "1960 ... 2020"}
    return _years_as_columns(table, dataset, label, WDI_DEFAULTS, columns, missing, "<year columns>")


def _wdi_header(lines: list[str]) -> int | None:
    """The line that starts with "Country Name" (quoted or not), within the first lines."""
    return next((i + 1 for i, line in enumerate(lines[:60]) if re.match(r'^\ufeff?"?Country Name"?\s*,', line)), None)


def unsd_hub(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    """A UNSD hub wide CSV: each non-empty `value_YYYY` cell becomes a row, with `lower_YYYY` / `upper_YYYY`."""
    table = read_csv(con, path, label, dataset.options)
    columns = {}
    for column in table.header:
        if match := re.fullmatch(r"value_(\d{4})", column):
            year = match.group(1)
            bounds = {f"{k}_column": find_column(table.header, f"{k}_{year}") for k in ("lower", "upper")}
            columns[column] = {"year": year, **bounds}
    missing = {} if columns else {"value": "value_YYYY"}
    return _years_as_columns(table, dataset, label, HUB_DEFAULTS, columns, missing, "value_YYYY")


def _years_as_columns(table, dataset: Dataset, label: str, defaults, columns: dict, missing: dict, shown: str):
    """Melt a file whose years are columns; a missing area or year column is reported with the header."""
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    if not table.columns:
        return RawTable(table.con, None, problems)
    picked, bad = pick(table.header, dataset, defaults, label, table.header_row, ("area",), preview=table.preview)
    found = checks.check_required_columns(missing, table.header, label, table.header_row)
    if bad or found:
        return refused(table, problems, found + bad, picked)
    name = melt(table.con, picked, columns, filter_columns(table.header, dataset))
    return RawTable(table.con, name, problems, {**picked, "value": shown, "year": "<header>"})


ADAPTERS = {
    "wdi": wdi,
    "sdmx-csv": functools.partial(read_long, defaults=SDMX_DEFAULTS),
    "unsd-hub": unsd_hub,
    "owid": owid,
    "tidy": functools.partial(read_long, defaults=TIDY_DEFAULTS),
    "excel": excel.read,
    "ddf": ddf,
    "wide": wide,
}


def read(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    """The raw table of a data format (registry.DATA_FORMATS: the registry refuses any other for a data file)."""
    return ADAPTERS[dataset.format](con, path, dataset, label)
