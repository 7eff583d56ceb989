"""`unsd-hub`: UNSD SDG open-data-hub wide CSV.

One row per series × area × disaggregation, the years as `value_2000`, `value_2001`, ... columns, the area
as a UN M49 numeric code (`geoAreaCode`) and an ISO3 code (`ISO3CD`, empty for regions), and optional
bounds as `lower_2000` / `upper_2000`. Other columns (`latest_year`, `latest_value`, `last_5_years_mean`)
are derived by the publisher and ignored. Prefixes can be changed with options.value_prefix,
options.lower_prefix and options.upper_prefix.
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

HUB_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("ISO3CD", "ISO3", "iso3"),
    "area_alt": ("geoAreaCode", "GeoArea_Code", "m49"),
    "indicator": ("series_code", "seriesCode", "SeriesCode", "series"),
    "sex": ("sex_code", "sex", "Sex"),
    "age": ("age_code", "age", "Age"),
}


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read a UNSD hub wide CSV: each non-empty `value_YYYY` cell becomes a row."""
    options = dataset.options
    table = read_csv(path, label, options)
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    columns = list(table.frame.columns)
    if not columns:
        return RawTable(pd.DataFrame(), problems)
    picked = pick(columns, dataset, HUB_DEFAULTS, label, table.header_row, required=("area",), preview=table.preview)
    prefix = {k: options.get(f"{k}_prefix", f"{k}_") for k in ("value", "lower", "upper")}
    years = {m.group(1): c for c in columns if (m := re.fullmatch(re.escape(prefix["value"]) + r"(\d{4})", c))}
    if not years:
        problems += checks.check_required_columns({"value": f"{prefix['value']}YYYY"}, columns, label, table.header_row)
    if picked.problems or not years:  # a wrong header makes rows look ragged: report the header only
        problems = [p for p in problems if p.check != "ragged-rows"]
        return RawTable(pd.DataFrame(), problems + picked.problems, picked.columns)
    value_columns = {
        column: {
            "year": year,
            "lower_column": find_column(columns, f"{prefix['lower']}{year}"),
            "upper_column": find_column(columns, f"{prefix['upper']}{year}"),
        }
        for year, column in years.items()
    }
    extras = {k: find_column(columns, k) for k in dataset.filters if find_column(columns, k)}
    out = wide_frame(table.frame, table.rows, picked.columns, value_columns, extras)
    return RawTable(out, problems, {**picked.columns, "value": f"{prefix['value']}YYYY", "year": "<header>"})
