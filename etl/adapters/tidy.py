"""`tidy`: a plain long CSV, one value per row, columns mapped by `dataset.columns` (or found by name).

Also the shared long-file path used by `sdmx-csv`, `ddf` and the long mode of `excel`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from etl import checks
from etl.adapters import RawTable
from etl.adapters.cells import arrow_strings, blank
from etl.adapters.delimited import Table, read_csv
from etl.adapters.frames import REQUIRED, TIDY_DEFAULTS, filter_columns, long_frame, pick
from etl.registry import Dataset

#: Standard columns with few distinct values, read as categoricals (harmonise maps them per distinct value).
CODED = ("area", "area_alt", "area_type", "indicator", "sex", "age", "year", "note")


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read a tidy CSV (e.g. global_estimates.csv, ILAB Statistics.csv with its unnamed index column)."""
    return read_long(path, dataset, label, TIDY_DEFAULTS)


def read_long(path: Path, dataset: Dataset, label: str, defaults) -> RawTable:
    """Read a long CSV, converting only the columns the dataset uses; `defaults` may depend on the header."""

    def picked(names: list[str]):
        return pick(names, dataset, defaults(names) if callable(defaults) else defaults, label, None)

    def wanted(names: list[str]) -> list[str] | None:
        found = picked(names)
        return None if found.problems else [*found.columns.values(), *filter_columns(names, dataset).values()]

    def coded(names: list[str]) -> list[str]:
        columns = picked(names).columns
        return [columns[name] for name in CODED if name in columns]

    table = read_csv(path, label, dataset.options, wanted=wanted, coded=coded)
    found = defaults(table.header) if callable(defaults) else defaults
    return long_from_table(table, dataset, label, found)


def long_from_table(
    table: Table,
    dataset: Dataset,
    label: str,
    defaults: dict,
    letters: bool = False,
    required=REQUIRED,
    fixed: dict | None = None,
) -> RawTable:
    """Pick the standard columns of a long table, drop footnote rows; `fixed` adds constant columns."""
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    if not len(table.frame.columns):
        return RawTable(pd.DataFrame(), problems)
    columns = table.header or list(table.frame.columns)  # every header name, also those not read
    picked = pick(columns, dataset, defaults, label, table.header_row, required, letters, table.preview)
    if picked.problems:  # a wrong header makes every row look ragged: report the header, not the rows
        problems = [p for p in problems if p.check != "ragged-rows"]
        return RawTable(pd.DataFrame(), problems + picked.problems, picked.columns)
    out = long_frame(table.frame, table.rows, picked, dataset, letters)
    for name, value in (fixed or {}).items():
        out[name] = value
    out, found = drop_footnotes(out, label, picked.columns.get("area", "area"), dataset.options)
    return RawTable(out, problems + found, picked.columns)


def drop_footnotes(out: pd.DataFrame, label: str, area_column: str, options: dict) -> tuple[pd.DataFrame, list]:
    """Remove footnote rows (a note marker in the area cell and no value), with a warning for each."""
    if "area" not in out or "value" not in out or not len(out):
        return out, []
    empty = blank(arrow_strings(out["value"]))  # cheap first: footnote rows carry no value
    if "year" in out and empty.any():
        empty &= blank(arrow_strings(out["year"]))
    if not empty.any():
        return out, []
    index = np.flatnonzero(empty)
    sub = out.iloc[index]
    markers = tuple(options.get("note_markers") or checks.NOTE_MARKERS)
    mask = checks.footnote_mask(sub["area"], np.ones(len(sub), dtype=bool), markers)
    if not mask.any():
        return out, []
    problems = checks.check_footnote_rows(sub["area"], mask, sub["_row"].to_numpy(), label, area_column)
    keep = np.ones(len(out), dtype=bool)
    keep[index[mask]] = False
    return out[keep].reset_index(drop=True), problems
