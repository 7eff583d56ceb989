"""`wide`: one row per area, several value columns, each mapped by `dataset.value_columns`.

`value_columns` = {file column: {indicator, sex, age, unit, scale, note_column}}. Without it every column
that is not the area (or year / row type) becomes a value column named after itself, and `<column>_note`
is its footnote-flag column when present. Used for CSV extracts (SOWC table 12, Walk Free GSI) and the wide
mode of the `excel` adapter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from etl import checks
from etl.adapters import RawTable
from etl.adapters.delimited import Table, read_csv
from etl.adapters.frames import find_column, pick, wide_frame
from etl.registry import Dataset

WIDE_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("country_or_area", "Country", "country", "area", "Entity", "Country Name", "Countries and areas"),
    "area_type": ("area_type", "row_type"),
}


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read a wide CSV (one row per area)."""
    return wide_from_table(read_csv(path, label, dataset.options), dataset, label)


def wide_from_table(
    table: Table, dataset: Dataset, label: str, letters: bool = False, warn_footnotes: bool = True
) -> RawTable:
    """Melt the value columns of a one-row-per-area table; footnote rows are skipped (with warnings in CSV)."""
    problems = table.problems + checks.check_blank_rows(table.blank_rows, label)
    columns = list(table.frame.columns)
    if not columns:
        return RawTable(pd.DataFrame(), problems)
    picked = pick(columns, dataset, WIDE_DEFAULTS, label, table.header_row, ("area",), letters, table.preview)
    specs, missing = value_specs(columns, dataset, picked.columns, letters, table.frame)
    if missing:
        picked.problems += checks.check_required_columns(missing, columns, label, table.header_row)
    if picked.problems:  # a wrong header makes rows look ragged: report the header only
        problems = [p for p in problems if p.check != "ragged-rows"]
        return RawTable(pd.DataFrame(), problems + picked.problems, picked.columns)
    frame, rows, skipped = table.frame, table.rows, {}
    footnotes = _footnote_rows(frame, picked.columns["area"], list(specs), dataset.options)
    if footnotes.any():
        if warn_footnotes:
            problems += checks.check_footnote_rows(
                frame[picked.columns["area"]], footnotes, rows, label, picked.columns["area"]
            )
        skipped["footnote or notes row"] = int(footnotes.sum())
        frame, rows = frame[~footnotes].reset_index(drop=True), rows[~footnotes]
    extras = {k: find_column(columns, k, letters) for k in dataset.filters if find_column(columns, k, letters)}
    out = wide_frame(frame, rows, picked.columns, specs, extras)
    return RawTable(out, problems, {**picked.columns, "value": "<value columns>"}, skipped)


def value_specs(
    columns: list[str], dataset: Dataset, ids: dict[str, str], letters: bool = False, frame: pd.DataFrame | None = None
):
    """{file column: fixed values} for every value column, and the registry's columns not found in the file.

    Without `value_columns`, the value columns are those (other than the ids and note columns) whose
    non-empty cells are mostly numbers.
    """
    specs, missing = {}, {}
    if not dataset.value_columns:
        used = set(ids.values())
        for column in columns:
            if column in used or column.startswith("Unnamed") or column.lower().endswith(("_note", " note", "note")):
                continue
            if frame is not None and not _mostly_numbers(frame[column]):
                continue
            note = find_column(columns, f"{column}_note")
            specs[column] = {"indicator": column, "note_column": note}
        return specs, missing
    for wanted, spec in dataset.value_columns.items():
        column = find_column(columns, wanted, letters)
        if column is None:
            missing[f"value_columns.{wanted}"] = wanted
            continue
        note = find_column(columns, spec.note_column, letters) if spec.note_column else None
        if spec.note_column and note is None:
            missing[f"value_columns.{wanted}.note_column"] = spec.note_column
        if note is None and dataset.options.get("note_flags") == "next":
            position = columns.index(column) + 1
            note = columns[position] if position < len(columns) else None
        specs[column] = {
            "indicator": spec.indicator,
            "sex": spec.sex,
            "age": spec.age,
            "unit": spec.unit,
            "scale": spec.scale,
            "note_column": note,
        }
    return specs, missing


def _footnote_rows(frame: pd.DataFrame, area: str, values: list[str], options: dict) -> np.ndarray:
    empty = np.ones(len(frame), dtype=bool)
    for column in values:
        empty &= (frame[column].str.strip() == "").to_numpy()
    if not empty.any():
        return empty
    markers = tuple(options.get("note_markers") or checks.NOTE_MARKERS)
    return checks.footnote_mask(frame[area], empty, markers)


def _mostly_numbers(cells: pd.Series) -> bool:
    text = cells.str.strip()
    text = text[text != ""]
    return bool(len(text)) and text.str.fullmatch(r"[-+<]?[\d,. ]*\d[\d,. ]*%?").mean() >= 0.5
