"""Delimited text files: encoding, delimiter and header detection, then DuckDB's reader or Python's."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl import checks, db
from etl.adapters.table import FileTable, cells_from_frame, skip_blank_rows
from etl.options import CsvOptions
from etl.problems import Problem

SNIFF_BYTES = 1 << 18
_READ_CSV = (
    "CREATE TEMP TABLE cells_read AS SELECT {columns} FROM read_csv(?, columns = ?, header = false, skip = ?, "
    "delim = ?, quote = '\"', escape = '\"', nullstr = chr(0), auto_detect = false)"
)


@dataclass
class _Layout:
    """Where the records of a delimited file are and which columns to load."""

    path: Path
    names: list[str]
    header_row: int
    delimiter: str
    encoding: str
    keep: list[str]


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, label: str, options: CsvOptions,
             find_header: Callable[[list[str]], int | None] | None = None,
             wanted: Callable[[list[str]], list[str] | None] | None = None) -> FileTable:  # fmt: skip
    """Read a delimited file into `cells`; `wanted(header names)` may name the only columns to load."""
    head, problems = _head(path, label)
    if head is None:
        return FileTable(con, problems=problems)
    layout, lines, found = _sniff(Path(path), head, options, find_header, label)
    if layout is None:
        return FileTable(con, problems=problems + found)
    if wanted:
        layout.keep = [n for n in layout.names if n in set(wanted(layout.names) or layout.names)]
    table = FileTable(con, layout.names, layout.header_row, problems + found, preview=_preview(lines, layout.delimiter))
    # DuckDB's reader is fast but gives no line numbers: Python's reads files it refuses (other encodings, ragged
    # rows) or whose records are not one per line, and names the line of each problem.
    table = _with_duckdb(table, layout) or _with_python(table, layout, label)
    if not con.execute("SELECT count(*) FROM cells").fetchall()[0][0] and not table.problems:
        table.problems.append(Problem("rows", "the file has a header but no data rows", label, row=layout.header_row))
    return table


def _sniff(path: Path, head: bytes, options: CsvOptions, find_header, label: str):
    """(layout or None when unreadable, the first lines, problems): encoding, header row, delimiter, names."""
    encoding = options.encoding.lower().replace("_", "-")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not encoding.startswith("utf-16"):
        message = "the file is UTF-16 encoded: re-save it as UTF-8 (or set options.encoding: utf-16)"
        return None, [], [Problem("encoding", message, label, row=1)]
    lines = head.decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="replace").splitlines()
    first = next((i + 1 for i, line in enumerate(lines) if line.strip()), None)
    header_row = options.header_row or (find_header(lines) if find_header else first)
    if header_row is None:
        return None, [], [Problem("header", "no header line found in the first lines of the file", label, 1)]
    header = lines[header_row - 1] if header_row <= len(lines) else ""
    expected = "\t" if options.delimiter == "tab" else options.delimiter
    delimiter, problems = checks.check_delimiter(header, expected, label, header_row)
    names = unique_names(options.header or next(csv.reader([header], delimiter=delimiter), []))
    widths = _widths(lines, header_row, delimiter, len(names))
    problems += checks.check_header_width(names, widths, label, header_row, declared=bool(options.header))
    if any(p.check == "header" for p in problems):
        return None, lines, problems
    return _Layout(path, names, header_row, delimiter, encoding, names), lines, problems


def _head(path: Path, label: str) -> tuple[bytes | None, list[Problem]]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        return None, [Problem("file", "file not found", label)]
    except OSError as exc:
        return None, [Problem("file", f"cannot read the file: {exc.strerror}", label)]
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        return None, [Problem("file", "the file is empty", label)]
    return head, []


def _widths(lines: list[str], header_row: int, delimiter: str, width: int) -> list[int]:
    """Field counts of the first data records after the header (empty fields past the header's width ignored)."""
    text = "\n".join(lines[header_row : header_row + 6])
    widths = []
    for record in list(csv.reader(io.StringIO(text), delimiter=delimiter))[:5]:
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            record = record[:width]
        if any(cell.strip() for cell in record):
            widths.append(len(record))
    return widths


def _preview(lines: list[str], delimiter: str, n: int = 30) -> list[tuple[int, list[str]]]:
    """The first lines as records with their line numbers (for 'the header looks like row N' hints)."""
    return [(i + 1, next(csv.reader([line], delimiter=delimiter), [])) for i, line in enumerate(lines[:n])]


def clean_name(name: object) -> str:
    """A column name with whitespace (also newlines) collapsed: '  Country ' → 'Country'."""
    return " ".join(str(name if name is not None else "").split())


def unique_names(names: list[object]) -> list[str]:
    """Cleaned, unique column names (case-insensitively, as SQL compares them): 'Unnamed: i', repeats '.1', '.2'."""
    out, seen = [], Counter()
    for i, name in enumerate(names):
        name = clean_name(name) or f"Unnamed: {i}"
        repeats = seen[name.casefold()]
        seen[name.casefold()] += 1
        out.append(f"{name}.{repeats}" if repeats else name)
    return out


def _with_duckdb(table: FileTable, layout: _Layout) -> FileTable | None:
    """DuckDB's reader, every column as text; None when the file needs Python's reader."""
    if layout.encoding not in ("utf-8", "utf8"):
        return None
    con, columns = table.con, ", ".join(db.ident(n) for n in layout.keep)
    types = {name: "VARCHAR" for name in layout.names}
    try:
        con.execute(_READ_CSV.format(columns=columns), [str(layout.path), types, layout.header_row, layout.delimiter])
    except duckdb.Error:
        con.execute("DROP TABLE IF EXISTS cells_read")
        return None
    records = con.execute("SELECT count(*) FROM cells_read").fetchall()[0][0]
    if _lines(layout.path) != layout.header_row + records:
        con.execute("DROP TABLE cells_read")
        return None
    con.execute(f"CREATE TEMP VIEW cells_all AS SELECT *, rowid + {layout.header_row + 1} AS _row FROM cells_read")
    return skip_blank_rows(table)


def _lines(path: Path, block: int = 1 << 22) -> int:
    """Lines up to the last one holding any character; -1 when the last block holds only line breaks."""
    newlines, last = 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            newlines += chunk.count(b"\n")
            last = chunk
    end = last.rstrip(b"\r\n")
    return newlines - last[len(end) :].count(b"\n") + 1 if end else -1


def _with_python(table: FileTable, layout: _Layout, label: str) -> FileTable:
    """Python's csv module: exact line numbers, ragged rows and undecodable bytes reported one by one."""
    data = layout.path.read_bytes()
    problems = checks.check_encoding(data, layout.encoding, label)  # then read as Windows-1252
    codec = "utf-8-sig" if layout.encoding in ("utf-8", "utf8") else layout.encoding
    text = data.decode("cp1252", errors="replace") if problems else data.decode(codec)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    width, records, rows, ragged, line = len(layout.names), [], [], [], 0
    for record in reader:
        start, line = line + 1, reader.line_num
        if start <= layout.header_row:
            continue
        if not any(cell.strip() for cell in record):
            record = [""] * width  # a blank row: reported as such once loaded
        while len(record) > width and not record[-1].strip():
            record = record[:-1]  # trailing delimiters
        if len(record) != width:
            ragged.append((start, len(record)))
            continue
        records.append(record)
        rows.append(start)
    table.problems += problems + checks.check_ragged_rows(ragged, width, layout.header_row, label)
    frame = pd.DataFrame(records, columns=layout.names, dtype="str")[layout.keep]
    return cells_from_frame(table, frame.assign(_row=np.asarray(rows, dtype=np.int64)))
