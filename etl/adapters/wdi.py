"""`wdi`: World Bank WDI bulk-download wide CSV.

A UTF-8 BOM, preamble lines ("Data Source", "Last Updated Date"), then the header `Country Name, Country
Code, Indicator Name, Indicator Code, 1960, ..., 2016,` with a trailing empty column, CRLF line ends. The
header line is found by its content, not at a fixed offset; year columns become rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl import checks
from etl.adapters import RawTable
from etl.adapters.delimited import read_csv
from etl.adapters.frames import find_column, pick, wide_frame
from etl.registry import Dataset

WDI_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("Country Code",),
    "area_alt": ("Country Name",),
    "indicator": ("Indicator Code",),
}


def find_header(lines: list[str]) -> int | None:
    """The line that starts with "Country Name" (quoted or not), within the first lines."""
    for i, line in enumerate(lines[:60]):
        if re.match(r'^\ufeff?"?Country Name"?\s*,', line):
            return i + 1
    return None


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read a WDI wide CSV: one row per country and indicator, one column per year."""
    table = read_csv(path, label, dataset.options, find_header)
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    columns = list(table.frame.columns)
    if not columns:
        return RawTable(pd.DataFrame(), problems)
    picked = pick(columns, dataset, WDI_DEFAULTS, label, table.header_row, required=("area",), preview=table.preview)
    years = [c for c in columns if re.fullmatch(r"\d{4}", c)]
    if not years:
        problems.append(checks.check_required_columns({"year": "1960 ... 2020"}, columns, label, table.header_row)[0])
    if picked.problems or not years:  # a wrong header makes rows look ragged: report the header only
        problems = [p for p in problems if p.check != "ragged-rows"]
        return RawTable(pd.DataFrame(), problems + picked.problems, picked.columns)
    extras = {k: find_column(columns, k) for k in dataset.filters if find_column(columns, k)}
    out = wide_frame(table.frame, table.rows, picked.columns, {y: {"year": y} for y in years}, extras)
    return RawTable(out, problems, {**picked.columns, "value": "<year columns>", "year": "<header>"})
