"""`excel`: one sheet of a publisher workbook (.xlsx, read with openpyxl), long (a value column) or wide."""

from __future__ import annotations

import datetime as dt
import functools
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from etl.adapters.cells import NOTE_MARKERS
from etl.adapters.columns import TIDY_DEFAULTS, find_column, pick
from etl.adapters.delimited import clean_name, unique_names
from etl.adapters.long import long_raw
from etl.adapters.table import FileTable, RawTable, cells_from_frame
from etl.adapters.wide import WIDE_DEFAULTS, wide_raw
from etl.options import ExcelOptions
from etl.problems import Problem, whole_number
from etl.registry import Dataset


def read(con, path: Path, dataset: Dataset, label: str) -> RawTable:
    cells, problems = _sheet(path, dataset.options, label)
    if cells is None:
        return RawTable(con, None, problems)
    header_rows = dataset.options.header_row
    header_rows = header_rows if isinstance(header_rows, list) else [header_rows]
    last = max(header_rows)
    if last > len(cells):
        message = f"header row {last} is past the end of the sheet ({len(cells)} rows)"
        problems.append(Problem("header", message, label, row=last, column="options.header_row"))
        return RawTable(con, None, problems)
    names = unique_names(join_headers([cells[r - 1] for r in header_rows]))
    wide = bool(dataset.value_columns) or ("value" not in dataset.columns and not find_column(names, "value"))
    area = _area_index(names, dataset, wide)
    frame, skipped = _table(cells, names, last, area, dataset.options)
    preview = [(i + 1, cells[i]) for i in range(min(30, len(cells)))]
    header = [c for c in frame.columns if c != "_row"]
    table = cells_from_frame(FileTable(con, header, last, problems, preview=preview), frame)
    if wide:
        raw = wide_raw(table, dataset, label, letters=True, warn_footnotes=False)
    else:
        raw = long_raw(table, dataset, label, TIDY_DEFAULTS, letters=True)
    raw.skipped = {**skipped, **raw.skipped}
    return raw


def _sheet(path: Path, options: ExcelOptions, label: str) -> tuple[list[list[str]] | None, list[Problem]]:
    """Every row of the sheet as strings (1-based row r is cells[r - 1])."""
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415 - openpyxl is imported when needed

    try:
        stat = Path(path).stat()
        return _cells(str(path), stat.st_mtime_ns, stat.st_size, options.sheet), []
    except FileNotFoundError:
        return None, [Problem("file", "file not found", label)]
    except _MissingSheet as exc:
        sheet, names = exc.args
        message = f"sheet {sheet!r} not found; the workbook has: {', '.join(names)}: correct options.sheet"
        return None, [Problem("sheet", message, label, column="options.sheet", value=str(sheet))]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, InvalidFileException) as exc:
        return None, [Problem("file", _unreadable(Path(path), exc), label)]


def _unreadable(path: Path, exc: Exception) -> str:
    """Why a workbook cannot be read, and the fix: an .xls workbook or a web page is saved as .xlsx first."""
    if isinstance(exc, OSError):
        head = b"PK"
    else:
        with path.open("rb") as file:
            head = file.read(8)  # the signature only, not a whole workbook
    if head.startswith(b"PK") and path.suffix.lower() not in (".xlsx", ".xlsm"):
        return f"an .xlsx workbook named {path.name!r}: rename it to .xlsx, in the folder and in the registry entry"
    if head.startswith(b"PK") or not head:
        return f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}): restore the publisher's .xlsx file"
    xls = head.startswith(b"\xd0\xcf\x11\xe0")
    what = "an Excel 97-2003 (.xls) workbook" if xls else f"not a workbook (it starts {head.decode('latin-1')!r})"
    return (
        f"{what}, which the ETL cannot read: open it in Excel or LibreOffice, save it as an .xlsx workbook, "
        "and list that file with its sha256 in the registry entry"
    )


class _MissingSheet(LookupError):
    """The sheet named in the registry is not in the workbook: args = (sheet, sheet names)."""


@functools.lru_cache(maxsize=2)
def _cells(path: str, mtime_ns: int, size: int, sheet) -> list[list[str]]:
    """Read a sheet once per run although several datasets use it (keyed on the file's mtime and size)."""
    import openpyxl  # noqa: PLC0415 - only the excel adapter needs it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Unknown extension is not supported" and similar workbook chatter
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names = book.sheetnames
            number = 1 if sheet is None else whole_number(sheet)  # a position (1 = the first sheet), else a name
            sheet = names[number - 1] if number and number <= len(names) else str(sheet)
            if sheet not in names:
                raise _MissingSheet(sheet, names)
            rows = [[_text(v) for v in row] for row in book[sheet].iter_rows(min_row=1, values_only=True)]
        finally:
            book.close()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _text(value) -> str:
    """A cell as the text a reader sees: 13 → "13", 2010.0 → "2010", 104.561... → full precision."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def join_headers(rows: list[list[str]]) -> list[str]:
    """Multi-row header cells → one name per column: merged cells filled rightwards within their parent span."""
    width = max((len(r) for r in rows), default=0)
    starts = [False] * width  # columns where a higher header row starts a new group
    levels = []
    for row in rows:
        cells = [clean_name(c) for c in row] + [""] * (width - len(row))
        filled, last = [], ""
        for i, cell in enumerate(cells):
            last = cell or ("" if starts[i] else last)
            filled.append(last)
        starts = [s or bool(c) for s, c in zip(starts, cells, strict=True)]
        levels.append(filled)
    return [" | ".join(dict.fromkeys(p for p in parts if p)) for parts in zip(*levels, strict=True)] if levels else []


def _area_index(names: list[str], dataset: Dataset, wide: bool) -> int | None:
    """The position of the area column, found as the adapters find it (notes below the table are judged on it)."""
    defaults = {"area": (WIDE_DEFAULTS if wide else TIDY_DEFAULTS)["area"]}
    picked, _problems = pick(names, dataset, defaults, "", None, required=(), letters=True)
    return names.index(picked["area"]) if "area" in picked else None


def _table(cells: list[list[str]], names: list[str], header: int, area: int | None, options: ExcelOptions):
    """The data rows under the header, up to the end of the table, as a frame with `_row`; skipped rows by reason."""
    stop_at_blank = options.stop_at_blank
    markers = tuple(options.end_markers or NOTE_MARKERS)
    marker = str(options.aggregates_after or "").strip().casefold()
    records, rows, types, skipped, in_aggregates = [], [], [], {}, False
    for number in range(header + 1, len(cells) + 1):
        row = cells[number - 1]
        if not any(c.strip() for c in row):
            if stop_at_blank:
                break
            continue  # blank rows in the middle of a sheet are layout, not data
        text = row[area].strip() if area is not None else ""
        if text.startswith(markers):
            skipped["notes below the table"] = len(cells) - number + 1
            break
        if marker and text.casefold() == marker:
            in_aggregates = True
            continue
        records.append(row)
        rows.append(number)
        types.append("aggregate" if in_aggregates else "")
    frame = pd.DataFrame(records, columns=names, dtype="str")
    if marker:
        frame["area_type"] = pd.array(types, dtype="str")
    frame["_row"] = np.asarray(rows, dtype=np.int64)
    return frame, skipped
