"""Find a dataset's columns in a file's header: the registry's `columns` first, else each format's defaults."""

from __future__ import annotations

import re

from etl import checks
from etl.adapters.delimited import clean_name
from etl.problems import Problem
from etl.registry import Dataset

#: Default candidates for each standard column, tried in order (case-insensitive) when the registry is silent.
TIDY_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("area", "iso3", "ref_area", "country_code", "country code", "code", "geo", "country", "country_or_area",
             "entity", "country name"),
    "year": ("year", "time_period", "time", "period", "reference_year"),
    "value": ("value", "obs_value"),
    "indicator": ("indicator", "series", "indicator_code"),
    "sex": ("sex",),
    "age": ("age",),
    "lower": ("lower", "lower_bound", "lowerbound"),
    "upper": ("upper", "upper_bound", "upperbound"),
    "note": ("note", "notes", "footnote", "comment_obs"),
}  # fmt: skip
REQUIRED = ("area", "year", "value")


def find_column(columns: list[str], wanted: str, letters: bool = False) -> str | None:
    """The file column called `wanted` (whitespace-collapsed, then case-insensitive; Excel letters if allowed)."""
    target = clean_name(wanted)
    if target in columns:
        return target
    folded = {c.casefold(): c for c in columns}
    if target.casefold() in folded:
        return folded[target.casefold()]
    if letters and re.fullmatch(r"[A-Z]{1,3}", target):
        from openpyxl.utils import column_index_from_string  # noqa: PLC0415 - only Excel columns have letters

        index = column_index_from_string(target) - 1
        return columns[index] if index < len(columns) else None
    return None


def pick(columns: list[str], dataset: Dataset, defaults: dict[str, tuple[str, ...]], label: str, header_row: int | None,
         required=REQUIRED, letters: bool = False, preview: list[tuple[int, list[str]]] | None = None,
         ) -> tuple[dict[str, str], list[Problem]]:  # fmt: skip
    """(standard name → file column: the registry's `columns`, else `defaults`; problems naming missing ones)."""
    picked, missing = {}, {}
    for name, wanted in dataset.columns.items():
        found = find_column(columns, wanted, letters)
        if found is None:
            missing[name] = wanted
        else:
            picked[name] = found
    for name, candidates in defaults.items():
        if name in picked or name in dataset.columns:
            continue
        found = next((c for c in (find_column(columns, w) for w in candidates) if c), None)
        if found:
            picked[name] = found
    for name in required:
        if name == "year" and dataset.year is not None:
            continue
        if name not in picked and name not in missing:
            missing[name] = defaults.get(name, (name,))[0]
    if not missing:
        return picked, []
    suggestion = _header_like(preview or [], list(missing.values()), header_row)
    return picked, checks.check_required_columns(missing, columns, label, header_row, suggestion)


def _header_like(preview: list[tuple[int, list[str]]], wanted: list[str], header_row: int | None) -> int | None:
    """The first previewed row (other than the declared header) holding every wanted column name."""
    targets = {clean_name(w).casefold() for w in wanted}
    for row, cells in preview:
        if row != header_row and targets <= {clean_name(c).casefold() for c in cells}:
            return row
    return None


def filter_columns(columns: list[str], dataset: Dataset, letters: bool = False) -> dict[str, str]:
    """Columns named in `dataset.filters` that exist in the file: filter key → file column."""
    return {key: found for key in dataset.filters if (found := find_column(columns, key, letters)) is not None}
