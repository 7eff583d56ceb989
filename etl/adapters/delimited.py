"""Reading delimited text files: encoding, delimiter and header detection, a fast path and a careful one.

`read_csv(path, label, options)` returns every cell as the string written in the file, the 1-based line of
each row, and the problems seen. The fast path is pyarrow's multi-threaded CSV reader (no Python loop per
row); any file it refuses (undecodable bytes, ragged rows) is read again by the careful path, Python's csv
module, which knows the line of every record and reports each problem where it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from etl import checks
from etl.adapters.cells import blank, plain
from etl.problems import Problem

SNIFF_BYTES = 1 << 18
BLOCK_BYTES = 8 << 20  # bytes per parsed block: fewer, larger chunks (measured faster than 1, 4 or 16 MB)
#: How the fast path reads a column with few distinct values (pandas: a categorical of str).
CODED = pa.dictionary(pa.int32(), pa.string())
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Table:
    """The cells of a delimited file as strings, with the line each row started on."""

    frame: pd.DataFrame
    rows: np.ndarray
    header_row: int | None = None
    problems: list[Problem] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)
    preview: list[tuple[int, list[str]]] = field(default_factory=list)  # the first rows, for header hints
    header: list[str] = field(default_factory=list)  # every column name, also those not read


def read_csv(
    path: Path,
    label: str,
    options: dict,
    find_header: Callable[[list[str]], int | None] | None = None,
    wanted: Callable[[list[str]], list[str] | None] | None = None,
    coded: Callable[[list[str]], list[str]] | None = None,
) -> Table:
    """Read a delimited file into strings; see the module docstring.

    `wanted(header names)` may name the only columns to keep (the others are never converted: a large file's
    unused columns cost neither time nor memory); `Table.header` still lists every name. `coded(header names)`
    may name columns with few distinct values (codes, years, sexes): the fast path reads those as categoricals
    (each distinct string stored once: a fraction of the memory, and no hashing later).
    """
    head, problems = _head(path, label)
    if head is None:
        return Table(_empty(), np.zeros(0, np.int64), None, problems)
    encoding = str(options.get("encoding") or "utf-8").lower().replace("_", "-")
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if bom == "utf-16" and not encoding.startswith("utf-16"):
        problems.append(
            Problem(
                "encoding",
                "the file is UTF-16 encoded: re-save it as UTF-8 (or set options.encoding: utf-16)",
                label,
                row=1,
            )
        )
        return Table(_empty(), np.zeros(0, np.int64), None, problems)
    lines = head.decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="replace").splitlines()
    header_row = _header_row(lines, options, find_header)
    if header_row is None:
        problems.append(Problem("header", "no header line found in the first lines of the file", label, row=1))
        return Table(_empty(), np.zeros(0, np.int64), None, problems)
    header_text = lines[header_row - 1] if header_row <= len(lines) else ""
    delimiter, found = _delimiter(header_text, options, label, header_row)
    problems += found
    names = _header_names(header_text, delimiter, options)
    if not options.get("header"):
        width_problems = checks.check_header_width(
            names, _widths(lines, header_row, delimiter, len(names)), label, header_row
        )
        if width_problems:
            return Table(_empty(), np.zeros(0, np.int64), header_row, problems + width_problems)
    keep = wanted(names) if wanted else None
    keep = [n for n in names if n in set(keep)] if keep else None
    table = _fast(path, names, header_row, delimiter, encoding, keep, set(coded(names)) if coded else set())
    if table is None:
        table = _careful(path, names, header_row, delimiter, encoding, label, keep)
    table.header = names
    table.problems = problems + table.problems
    table.preview = _preview(lines, delimiter)
    if not len(table.frame) and not table.problems:
        table.problems.append(Problem("rows", "the file has a header but no data rows", label, row=header_row))
    return table


def _empty() -> pd.DataFrame:
    return pd.DataFrame()


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


def _header_row(lines: list[str], options: dict, find_header) -> int | None:
    if options.get("header_row"):
        return int(options["header_row"])
    if find_header is not None:
        return find_header(lines)
    return next((i + 1 for i, line in enumerate(lines) if line.strip()), None)


def _delimiter(header: str, options: dict, label: str, row: int) -> tuple[str, list[Problem]]:
    """The declared delimiter, or the one the header really uses (reported as an error) when they differ."""
    expected = options.get("delimiter") or ","
    expected = "\t" if expected in ("tab", "\\t") else expected
    return checks.detect_delimiter(header, expected), checks.check_delimiter(header, expected, label, row)


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


def _header_names(header: str, delimiter: str, options: dict) -> list[str]:
    override = options.get("header")
    if override:
        return unique_names([str(n) for n in override])
    fields = next(csv.reader([header], delimiter=delimiter), [])
    return unique_names(fields)


def clean_name(name: object) -> str:
    """A column name with whitespace (also newlines) collapsed: '  Country ' → 'Country'."""
    return " ".join(str(name if name is not None else "").split())


def unique_names(names: list[object]) -> list[str]:
    """Cleaned, unique column names: empty ones become 'Unnamed: i', repeats get '.1', '.2' (as pandas does)."""
    out, seen = [], {}
    for i, name in enumerate(names):
        name = clean_name(name) or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


# ------------------------------------------------------------------------------------------- fast path


def _fast(
    path: Path, names: list[str], header_row: int, delimiter: str, encoding: str, keep, coded: set[str]
) -> Table | None:
    """pyarrow's reader: every column as a string (`coded` ones dictionary-encoded); None when the file needs the
    careful path."""
    quoted = _quoted(path)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                skip_rows=header_row,
                column_names=names,
                encoding="utf8" if encoding in ("utf-8", "utf8") else encoding,
                block_size=BLOCK_BYTES,
            ),
            # without a quote in the file no value can hold a line break: the reader may split the file
            # anywhere, which is ~3x faster than tracking quotes across blocks
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={  # large_string: pandas' str storage, no copy
                    name: CODED if name in coded else pa.large_string() for name in names
                },
                include_columns=keep or names,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError, LookupError):
        return None
    blank = _blank_mask(table)
    frame = table.to_pandas()
    rows = np.arange(header_row + 1, header_row + 1 + len(frame), dtype=np.int64)  # one array, not three
    if quoted and _newlines_in_values(path, header_row, len(frame)):
        if keep and len(keep) < len(names):
            return None  # line breaks may hide in columns not read: the careful path counts lines exactly
        rows = rows + _line_offsets(table)
    if not blank.any():
        return Table(frame, rows, header_row)
    last = np.flatnonzero(~blank).max(initial=-1)
    blank_rows = rows[: last + 1][blank[: last + 1]].tolist()  # blank lines at the very end are not reported
    return Table(frame[~blank].reset_index(drop=True), rows[~blank], header_row, [], blank_rows)


def _quoted(path: Path) -> bool:
    """Whether any quote occurs in the file (a byte search over the mapped file: nothing is copied)."""
    with open(path, "rb") as handle:
        if not os.fstat(handle.fileno()).st_size:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return mapped.find(b'"') >= 0


def _newlines_in_values(path: Path, header_row: int, nrows: int) -> bool:
    """True when the file has more line breaks than rows: some quoted value spans lines."""
    count, last = 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    lines = count + (last not in (b"\n", b""))
    return lines > header_row + nrows


def _line_offsets(table: pa.Table) -> np.ndarray:
    """Cumulative count of line breaks inside the values of the rows before each row."""
    import pyarrow.compute as pc  # noqa: PLC0415

    per_row = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        per_row += pc.count_substring(plain(column), "\n").to_numpy(zero_copy_only=False).astype(np.int64)
    return np.concatenate([[0], np.cumsum(per_row)[:-1]]) if len(per_row) else per_row


def _blank_mask(table: pa.Table) -> np.ndarray:
    """Rows whose every cell is empty or whitespace (a blank line reads as a row of empty strings)."""
    if not table.num_rows or not table.num_columns:
        return np.zeros(table.num_rows, dtype=bool)
    mask = blank(table.column(table.num_columns - 1))  # one column first: usually nothing is blank
    for column in table.columns[:-1]:
        if not mask.any():
            break
        mask &= blank(column)
    return mask


# ---------------------------------------------------------------------------------------- careful path


def _careful(path, names, header_row, delimiter, encoding, label, keep=None) -> Table:
    """Python's csv module: exact line numbers, ragged rows and undecodable bytes reported one by one."""
    text, problems = decode(path.read_bytes(), encoding, label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, rows, blank_rows, ragged = [], [], [], []
    line = 0
    for record in reader:
        start, line = line + 1, reader.line_num
        if start <= header_row:
            continue
        if not any(cell.strip() for cell in record):
            blank_rows.append((start, len(records)))
            continue
        while len(record) > len(names) and not record[-1].strip():
            record = record[:-1]  # trailing delimiters
        if len(record) != len(names):
            ragged.append((start, len(record)))
            continue
        records.append(record)
        rows.append(start)
    blank_rows = [row for row, before in blank_rows if before < len(records)]  # not the trailing ones
    problems += _ragged_problems(ragged, len(names), header_row, label)
    frame = pd.DataFrame(records, columns=names, dtype="str") if records else pd.DataFrame(columns=names, dtype="str")
    return Table(frame[keep] if keep else frame, np.asarray(rows, dtype=np.int64), header_row, problems, blank_rows)


def _ragged_problems(ragged: list[tuple[int, int]], width: int, header_row: int, label: str) -> list[Problem]:
    problems = [
        Problem(
            "ragged-rows",
            f"row has {n} field(s) but the header (row {header_row}) has {width}: the row is skipped; "
            "an unquoted delimiter inside a value, or a missing one?",
            label,
            row=row,
        )
        for row, n in ragged[:50]
    ]
    if len(ragged) > 50:
        problems.append(Problem("ragged-rows", f"{len(ragged) - 50} more rows with the wrong number of fields", label))
    return problems


def decode(data: bytes, encoding: str, label: str) -> tuple[str, list[Problem]]:
    """Decode the file; undecodable bytes are an error (checks.check_encoding), then read as Windows-1252."""
    codec = "utf-8-sig" if encoding in ("utf-8", "utf8") else encoding
    problems = checks.check_encoding(data, encoding, label)
    if not problems:
        return data.decode(codec), []
    try:
        return data.decode("cp1252", errors="replace"), problems
    except LookupError:  # pragma: no cover - cp1252 always exists
        return data.decode("utf-8", errors="replace"), problems
