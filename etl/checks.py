"""Validation as small named checks, each returning every problem it finds (file, row, column, value as written)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import duckdb

from etl import db
from etl.problems import Problem
from warehouse.schema import OBSERVATION_KEY

JUMP_FACTOR = 5.0  # a value that grew or shrank more than this factor since the previous release is flagged
#: Plausible ranges per unit (inclusive); units not listed (score, index, usd ...) have none.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 100.0), "per-1000": (0.0, 1000.0), "count": (0.0, None), "flag": (0.0, 1.0), "years": (0.0, None)
}  # fmt: skip
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
FIX_DUPLICATE = (
    "correct the file so that each observation appears once, or set options.on_duplicate: drop in the registry entry "
    "(a repeated row is kept once, a key with conflicting values is dropped with a warning)"
)
FIX_ACROSS_FILES = "two files give this observation: keep it in one (a filter or indicator_map in the other's entry)"
#: Factors between units that measure the same thing, for the hint of check_units.
CONVERSIONS = {("per-1000", "percent"): 0.1, ("percent", "per-1000"): 10}
#: Cells flagged by a step: (row, file column, text as written), in file order.
Flagged = list[tuple[int | None, str | None, str | None]]


def rows_problems(check: str, message: str, flagged: Flagged, label: str, severity="error") -> list:
    return [Problem(check, message, label, row, column, value, severity) for row, column, value in flagged]


def check_encoding(data: bytes, encoding: str, label: str, declarable: bool = True) -> list[Problem]:
    """Undecodable bytes: an error naming the byte offset and line (the first one; the rest follow from it);
    `declarable`: the format has options.encoding."""
    codec = "utf-8-sig" if encoding in ("utf-8", "utf8") else encoding
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        context = data[max(0, exc.start - 20) : exc.end + 20].decode("cp1252", errors="replace")
        message = (
            f"not valid {encoding.upper()}: byte {exc.start} (0x{data[exc.start]:02x}) on line {line}; the file "
            "seems to use another encoding (e.g. Windows-1252): re-save it as UTF-8"
            + (", or declare options.encoding in the registry" if declarable else "")
        )
        return [Problem("encoding", message, label, row=line, value=context)]
    return []


def check_delimiter(header: str, expected: str, label: str, row: int) -> tuple[str, list[Problem]]:
    """The delimiter the header really uses (the declared one if present, else the most frequent other; those inside
    quoted names do not count), and a problem when it is not the declared one (';' or tab instead of ',')."""
    outside = re.sub(r'"[^"]*"', "", header)
    used, n = max(((d, outside.count(d)) for d in DELIMITER_NAMES if d != expected), key=lambda kv: kv[1])
    if outside.count(expected) >= n:
        return expected, []
    message = (
        f"the header has {outside.count(expected)} {DELIMITER_NAMES.get(expected, repr(expected))}(s) but {n} "
        f"{DELIMITER_NAMES[used]}(s): "
        f"the file looks {DELIMITER_NAMES[used]}-separated; re-save it comma-separated, or declare "
        f"options.delimiter: {used!r} in the registry"
    )
    return used, [Problem("delimiter", message, label, row=row, value=header[:80])]


def check_header_width(names: list[str], widths: list[int], label: str, row: int, declared=False) -> list[Problem]:
    """A header (`declared`: options.header) with more or fewer names than the data rows have fields."""
    if not widths or len(set(widths)) != 1 or widths[0] == len(names):
        return []
    message = (
        f"the header (row {row}) has {len(names)} names but the data rows have {widths[0]} fields: an unquoted "
        f"delimiter inside a column name? Quote it in the file, or set options.header to the {widths[0]} column "
        "names in the registry"
    )
    if declared:
        message = (
            f"options.header in the registry names {len(names)} columns but the data rows have {widths[0]} fields: "
            f"did the file's columns change? Set options.header to its {widths[0]} column names"
        )
    return [Problem("header", message, label, row=row, value=", ".join(names)[:120])]


def check_required_columns(
    missing: dict[str, str], columns: list[str], label: str, header_row: int | None, suggestion: int | None = None
) -> list[Problem]:
    """Required columns (standard name → the file column expected) absent from the header."""
    shown = ", ".join(repr(c) for c in columns[:12]) + (" ..." if len(columns) > 12 else "")
    hint = f"; row {suggestion} looks like the header: set options.header_row: {suggestion}" if suggestion else ""
    message = (
        "required column {0!r} ({1!r}) is not in the header (row {2}); the header has: {3}{4}. Check "
        "options.header_row or columns.{0} in the registry"
    )
    return [
        Problem("columns", message.format(name, wanted, header_row, shown, hint), label, header_row, wanted)
        for name, wanted in missing.items()
    ]


def check_ragged_rows(ragged: list[tuple[int, int]], width: int, header_row: int, label: str) -> list[Problem]:
    """Rows with another number of fields than the header: each one skipped and named."""
    message = (
        "row has {} field(s) but the header (row {}) has {}: the row is skipped; an unquoted delimiter inside a "
        "value, or a missing one?"
    )
    return [Problem("ragged-rows", message.format(n, header_row, width), label, row=row) for row, n in ragged]


def check_blank_rows(rows: list[int], label: str) -> list[Problem]:
    """Blank rows inside the data are skipped; one warning names them."""
    if not rows:
        return []
    shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
    message = f"{len(rows)} blank row(s) skipped (rows {shown})"
    return [Problem("blank-rows", message, label, row=int(rows[0]), severity="warning")]


def check_footnote_rows(rows: list[tuple[int, str]], label: str, column: str) -> list[Problem]:
    """Footnote rows among the data are skipped, each with a warning naming its row."""
    flagged = [(row, column, text) for row, text in rows]
    return rows_problems("footnote-rows", "footnote row skipped (not data)", flagged, label, "warning")


def check_areas(
    unknown: list[tuple[str, int, int]], label: str, column: str, reference_dir: Path, dropped: bool = False
) -> list[Problem]:
    """Unknown areas, one problem per (value, first row, rows) naming the file to edit (a warning when dropped)."""
    fix = (
        f"add it to {reference_dir / 'country_aliases.csv'} (alias,iso3,source,note; an empty iso3 with a note "
        f"drops it on purpose), or to {reference_dir / 'aggregates.csv'} if it is a region or group"
    )
    what, severity = ("dropped (options.unknown_areas: drop); to keep it, ", "warning") if dropped else ("", "error")
    message = "unknown country or area {!r} ({} row(s)): {}{}"
    return [
        Problem("areas", message.format(value, rows, what, fix), label, int(row), column, str(value), severity)
        for value, row, rows in unknown
    ]


def check_years(not_years: Flagged, implausible: Flagged, window: tuple[int, int], label: str) -> list[Problem]:
    """Years that are not years ('20x9') or are outside the dataset's plausible window."""
    first, last = window
    message = (
        f"implausible year (expected {first}–{last}): if the series really has it, widen the window in the "
        f"registry entry, e.g. options.year_range: [{min(first, 1500)}, null]"
    )
    not_a_year = rows_problems("years", "not a year: expected e.g. 2019, 2019-2020 or '2019 x'", not_years, label)
    return not_a_year + rows_problems("years", message, implausible, label)


def check_values(flagged: Flagged, label: str) -> list[Problem]:
    """Values that are not numbers ('abc', '1,5'), nor a known missing marker or a censored '<5'."""
    message = "not a number (nor a missing-value marker such as '..' or '-'; a value with '%' needs unit percent)"
    return rows_problems("values", message, flagged, label)


def check_thousand_separators(texts: list[str], first: Flagged, label: str) -> list[Problem]:
    """Values written with thousand separators: a warning when each of them could also be a decimal comma."""
    if not texts or not all(re.fullmatch(r"[-+]?\d{1,3},\d{3}", t.strip()) for t in texts):
        return []  # "38,928,000" or "1,282.5" elsewhere in the file settle it
    row, column, text = first[0]
    message = (
        f"{len(first)} value(s) such as {text.strip()!r} were read with ',' as a thousands separator (1,282 → 1282); "
        "check that the file does not use decimal commas"
    )
    return [Problem("thousands", message, label, row, column, text.strip(), "warning")]


def check_map_keys(keys: dict[str, str], found: set[str], kept: set[str], label: str, column: str) -> list[Problem]:
    """indicator_map keys found in no row of the file (a typo would drop the dataset), or only in filtered rows."""
    problems = []
    for key, code in keys.items():
        if key in kept:
            continue
        if key in found:
            message = f"indicator_map key {key!r} (→ {code}) occurs only in rows that the registry's filters remove"
            fix = ": widen `filters`, or remove the key"
        else:
            close = difflib.get_close_matches(key, sorted(found), n=1, cutoff=0.6)
            message = f"indicator_map key {key!r} (→ {code}) is found in no row of the file"
            more = f" … ({len(found)} in all)" if len(found) > 8 else ""
            shown = ", ".join(repr(v) for v in sorted(found)[:8]) + more
            fix = f" (did you mean {close[0]!r}?)" if close else f"; the file has: {shown}"
            fix += ": correct the key to the code as the file writes it, or remove it"
        problems.append(Problem("registry", message + fix, label, column=column, value=key))
    return problems


def check_no_rows(rows_in: int, dropped: dict[str, int], label: str) -> list[Problem]:
    """A dataset that yields no observation at all: never a silent empty publication."""
    why = ", ".join(f"{n:,} {reason}" for reason, n in sorted(dropped.items())) or "none"
    message = (
        f"the dataset yields no observations ({rows_in:,} values read; dropped: {why}): check its `filters`, "
        "`indicator_map`, `columns` and `sex_map` against the file (`delta87 etl check --source`)"
    )
    return [Problem("rows", message, label)]


def check_units(used: list[tuple[str, str | None]], defined: dict[str, str], label: str, path: Path,
                strict: bool = True) -> list[Problem]:  # fmt: skip
    """Units against indicators.yaml (`path`): another unit is an error; none is too (a warning unless `strict`)."""
    problems = []
    for indicator, unit in used:
        wanted = defined.get(indicator)
        if unit is None:
            fix = f"set `unit: {wanted}` (the unit of {indicator!r} in {path})" if wanted else "set `unit`"
            fix = fix if strict else "give --unit (a registry entry must set `unit`)"
            message = f"no unit for indicator {indicator!r}: {fix}; range checks were skipped"
            problems.append(Problem("units", message, label, column="unit", severity="error" if strict else "warning"))
        elif wanted and unit != wanted:
            factor = CONVERSIONS.get((unit, wanted))
            hint = f" (`scale: {factor:g}` for {unit} → {wanted})" if factor else ""
            message = (
                f"unit {unit!r} differs from the unit of indicator {indicator!r} ({wanted!r} in {path}): the values "
                f"would be published in {unit} under an indicator defined in {wanted}. If the file holds {unit}, "
                f"set `unit: {wanted}` and a `scale` that converts them{hint}; otherwise map "
                f"them to an indicator defined in {unit}"
            )
            problems.append(Problem("units", message, label, column="unit", value=unit))
    return problems


def check_ranges(con: duckdb.DuckDBPyConnection, table: str, label=None, limits=None, names=None) -> list[Problem]:
    """Values, bounds outside their unit's range (or `limits`); `names`: their file columns (`_column` wins)."""
    ranges = {unit: (limits if limits is not None else bounds) for unit, bounds in RANGES.items()}
    columns = ("value", "lower", "upper")
    outside = {c: _outside(c, ranges, flag=limits is None) for c in columns}
    counts = ", ".join(f"count(*) FILTER (WHERE {where})" for where in outside.values())
    units = ", ".join(db.literal(u) for u in ranges)
    found = con.execute(f"SELECT unit, {counts} FROM {db.ident(table)} WHERE unit IN ({units}) GROUP BY ALL ORDER BY 1")
    problems = []
    for unit, *totals in found.fetchall():
        for column, total in zip(columns, totals, strict=True):
            if total:
                name = (names or {}).get(column, column)
                where = f"unit = {db.literal(unit)} AND {outside[column]}"
                problems += _range_problems(con, table, where, (column, name), unit, ranges[unit], label)
    return problems


def _outside(column: str, ranges: dict, flag: bool) -> str:
    """SQL that is true where `column` is outside its unit's range (a flag, with `flag`: neither 0 nor 1); an open
    end compares with NULL, which is never true."""
    tests = {u: f"{column} < {db.literal(lo)} OR {column} > {db.literal(hi)}" for u, (lo, hi) in ranges.items()}
    if flag:
        tests["flag"] = f"{column} NOT IN (0, 1)"
    cases = " ".join(f"WHEN {db.literal(unit)} THEN {test}" for unit, test in tests.items())
    return f"(CASE unit {cases} ELSE FALSE END)"


def _range_problems(con, table: str, where: str, columns: tuple[str, str], unit, bounds, label) -> list:
    column, name = columns
    found = _rows(con, db.ident(table), where, column, "_column" if column == "value" else None, f"_{column}_text")
    low, high = bounds
    text = f"{'' if low is None else number(low)}–{'' if high is None else number(high)}"
    expected = "0 or 1" if unit == "flag" else (f"≥ {number(low)}" if high is None else text)
    return [
        Problem("ranges", f"{column} {number(value)} is out of range for unit {unit!r} (expected {expected})",
                label or file, row, per_row or name, written or number(value))
        for value, row, per_row, written, file in found
    ]  # fmt: skip


def check_duplicates(
    con: duckdb.DuckDBPyConnection, table: str, label=None, column="value", severity: str = "error", fix: str = ""
) -> list[Problem]:
    """One problem per row sharing its observation key with another (naming the raw row where `table` has it)."""
    keys = ", ".join(OBSERVATION_KEY)
    # equal keys hash equally: no repeated hash, no repeated key (a cheaper pass than grouping by the key)
    if not con.execute(f"SELECT count(*) - count(DISTINCT hash({keys})) FROM {db.ident(table)}").fetchall()[0][0]:
        return []
    repeated = f"SELECT {keys} FROM {db.ident(table)} GROUP BY ALL HAVING count(*) > 1"
    match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in OBSERVATION_KEY)
    where = f"EXISTS (SELECT 1 FROM ({repeated}) d WHERE {match})"
    problems = []
    for *key, value, row, _per_row, written, file in _rows(con, f"{db.ident(table)} t", where, f"{keys}, value",
                                                            None, "_value_text"):  # fmt: skip
        # year_end repeats the year where there is one; it is named only for rows dated by a period
        named = ", ".join(
            f"{k}={v}" for k, v in zip(OBSERVATION_KEY[:-1], key[:-1], strict=True) if k != "year_end" or key[2] is None
        )
        message = f"duplicate observation for {named} (source {key[-1]})" + (f": {fix}" if fix else "")
        shown = written or (None if value is None else number(value))
        problems.append(Problem("duplicates", message, label or file, row, column, shown, severity))
    return problems


def check_jumps(con: duckdb.DuckDBPyConnection, new: str, old: str | None, factor: float = JUMP_FACTOR) -> list:
    """Warnings for values that moved by more than `factor` (either way) since the previous release."""
    if old is None:
        return []
    # a release of an older schema lacks newer key columns: compare on the ones both have
    present = {name for name, *_ in con.execute(f"DESCRIBE SELECT * FROM {db.ident(old)}").fetchall()}
    keys = [k for k in OBSERVATION_KEY if k in present]
    match = " AND ".join(f"n.{k} IS NOT DISTINCT FROM o.{k}" for k in keys)
    moved = (
        f"SELECT {', '.join('n.' + k for k in keys)}, n.value, o.value AS old, n.source_file "
        f"FROM {db.ident(new)} n JOIN {db.ident(old)} o ON {match} WHERE n.value > 0 AND o.value > 0 "
        f"AND (n.value / o.value > {factor!r} OR n.value / o.value < {1 / factor!r})"
    )
    problems = []
    for *key, value, old_value, file in con.execute(f"SELECT * FROM ({moved}) ORDER BY ALL").fetchall():
        named = ", ".join(f"{k}={v}" for k, v in zip(keys, key, strict=True))
        message = (
            f"value moved from {number(old_value)} to {number(value)} (×{value / old_value:.3g}) since the previous "
            f"release for {named}"
        )
        problems.append(Problem("jumps", message, file, None, "value", number(value), "warning"))
    return problems


def check_indicators(used: list[tuple[str, str]], defined: set[str], path: Path) -> list[Problem]:
    """Indicator codes (with the file using them) that the indicators file at `path` does not define."""
    return [
        Problem("indicators", f"indicator {code!r} is not defined in {path}: add its definition there, or map "
                "the file's code to a defined one (indicator_map)", file, column="indicator", value=code)
        for code, file in used
        if code not in defined
    ]  # fmt: skip


def number(value: float) -> str:
    """A number as short as it is exact: 1092462.0 → '1092462', 104.561 → '104.561' (never '1.09246e+06')."""
    return format(value, ".15g")


def _rows(con, source: str, where: str, selected: str, per_row: str | None, text: str) -> list[tuple]:
    """Rows matching `where` in file order: `selected`, raw row, file column, cell as written (`text`), source file."""
    columns = {name for name, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    row = "_row" if "_row" in columns else "NULL"
    column = per_row if per_row and per_row in columns else "NULL"
    written = f"trim({text})" if text in columns else "NULL"
    order = "_row, _order" if "_order" in columns else ", ".join(OBSERVATION_KEY)
    sql = f"SELECT {selected}, {row}, {column}, {written}, source_file FROM {source} WHERE {where} ORDER BY {order}"
    return con.execute(sql).fetchall()
