"""Validation as small named checks, each returning every problem it finds (file, row, column, value).

The checks never print and never stop at the first problem (an improvement on open-sdg/sdg-build's
print-and-return-bool checks). Adapters run the file-level ones (encoding, delimiter, header, required
columns, blank and footnote rows), etl/harmonise.py the cell-level ones (areas, years, values, thousand
separators, units and ranges), the build the table-level ones (duplicates on the key, jumps against the
previous release). `check_file` runs them all on one file without a registry entry (`delta87 etl check`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from etl.problems import Problem
from warehouse.schema import OBSERVATION_KEY, OBSERVATIONS

MAX_PER_CHECK = 50  # row-level problems listed per check and column; the rest are counted in one line
YEAR_MIN = 1950
JUMP_FACTOR = 5.0  # a value that grew or shrank more than this factor since the previous release is flagged
#: Plausible ranges per unit (inclusive); units not listed (score, index, usd ...) have none.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 100.0),
    "per-1000": (0.0, 1000.0),
    "count": (0.0, None),
    "flag": (0.0, 1.0),
    "years": (0.0, None),
}
#: An area cell starting with one of these marks a footnote / notes row, not data.
NOTE_MARKERS = tuple("Note NOTE Source SOURCE Footnote FOOTNOTE Definition DEFINITION * † ‡ ¹ ² ³".split())
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def year_max() -> int:
    """The latest plausible year: next year (publishers date some estimates ahead)."""
    return dt.date.today().year + 1


def _rows_problems(check: str, message, mask, raw, rows, label: str, column, severity: str = "error") -> list[Problem]:
    """One problem per flagged row (up to MAX_PER_CHECK), then one line counting the others."""
    index = np.flatnonzero(np.asarray(mask, dtype=bool))
    columns = column if isinstance(column, (np.ndarray, pd.Series, list)) else None
    raw = np.asarray(raw, dtype=object)
    out = []
    for i in index[:MAX_PER_CHECK]:
        text = message(raw[i]) if callable(message) else message
        col = str(np.asarray(columns)[i]) if columns is not None else column
        out.append(Problem(check, text, label, int(rows[i]), col, str(raw[i]), severity))
    return out + _more(check, len(index), "rows with the same problem", label, None if columns is not None else column,
                       severity)  # fmt: skip


def _more(check: str, found: int, what: str, label: str, column=None, severity: str = "error") -> list[Problem]:
    """The one line that counts the problems beyond the first MAX_PER_CHECK listed."""
    if found <= MAX_PER_CHECK:
        return []
    return [Problem(check, f"{found - MAX_PER_CHECK} more {what}", label, column=column, severity=severity)]


# ------------------------------------------------------------------------------------------- file level


def check_encoding(data: bytes, encoding: str, label: str) -> list[Problem]:
    """Undecodable bytes: an error naming the byte offset and line (the first one; the rest follow from it)."""
    codec = "utf-8-sig" if encoding in ("utf-8", "utf8") else encoding
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        context = data[max(0, exc.start - 20) : exc.end + 20].decode("cp1252", errors="replace")
        return [
            Problem(
                "encoding",
                f"not valid {encoding.upper()}: byte {exc.start} (0x{data[exc.start]:02x}) on line {line}; the file "
                "seems to use another encoding (e.g. Windows-1252): re-save it as UTF-8, or declare "
                "options.encoding in the registry",
                label,
                row=line,
                value=context,
            )
        ]
    except LookupError:
        return [Problem("encoding", f"unknown encoding {encoding!r}", label, column="options.encoding")]
    return []


def detect_delimiter(header: str, expected: str) -> str:
    """The delimiter the header line really uses: the expected one if present, else the most frequent other."""
    outside = re.sub(r'"[^"]*"', "", header)  # delimiters inside quoted names do not count
    if outside.count(expected):
        return expected
    counts = {d: outside.count(d) for d in DELIMITER_NAMES if d != expected}
    used, n = max(counts.items(), key=lambda kv: kv[1])
    return used if n else expected


def check_delimiter(header: str, expected: str, label: str, row: int) -> list[Problem]:
    """A file separated by another delimiter than declared (';' or tab instead of ',')."""
    used = detect_delimiter(header, expected)
    if used == expected:
        return []
    n = re.sub(r'"[^"]*"', "", header).count(used)
    message = (
        f"the header has no {DELIMITER_NAMES.get(expected, repr(expected))} but {n} {DELIMITER_NAMES[used]}(s): "
        f"the file looks {DELIMITER_NAMES[used]}-separated; re-save it comma-separated, or declare "
        f"options.delimiter: {used!r} in the registry"
    )
    return [Problem("delimiter", message, label, row=row, value=header[:80])]


def check_header_width(names: list[str], widths: list[int], label: str, row: int) -> list[Problem]:
    """A header with more or fewer names than the data rows have fields (e.g. an unquoted comma in a name)."""
    if not widths or len(set(widths)) != 1 or widths[0] == len(names):
        return []
    return [
        Problem(
            "header",
            f"the header (row {row}) has {len(names)} names but the data rows have {widths[0]} fields: an unquoted "
            f"delimiter inside a column name? Quote it in the file, or set options.header to the {widths[0]} column "
            "names in the registry",
            label,
            row=row,
            value=", ".join(names)[:120],
        )
    ]


def check_required_columns(
    missing: dict[str, str], columns: list[str], label: str, header_row: int | None, suggestion: int | None = None
) -> list[Problem]:
    """Required columns (standard name → the file column expected) absent from the header."""
    shown = ", ".join(repr(c) for c in columns[:12]) + (" ..." if len(columns) > 12 else "")
    hint = f"; row {suggestion} looks like the header: set options.header_row: {suggestion}" if suggestion else ""
    return [
        Problem(
            "columns",
            f"required column {name!r} ({wanted!r}) is not in the header (row {header_row}); the header has: "
            f"{shown}{hint}. Check options.header_row or columns.{name} in the registry",
            label,
            row=header_row,
            column=wanted,
        )
        for name, wanted in missing.items()
    ]


def check_blank_rows(rows: list[int], label: str) -> list[Problem]:
    """Blank rows inside the data are skipped; one warning names them."""
    if not rows:
        return []
    shown = ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
    return [
        Problem(
            "blank-rows",
            f"{len(rows)} blank row(s) skipped (rows {shown})",
            label,
            row=int(rows[0]),
            severity="warning",
        )
    ]


def footnote_mask(area: pd.Series, empty_rest: np.ndarray, markers=NOTE_MARKERS) -> np.ndarray:
    """Rows that are footnotes: an area cell starting with a note marker, or long text, and no data."""
    text = area.astype("str").str.strip()
    marked = (
        text.str.startswith(tuple(markers)).fillna(False).to_numpy() | (text.str.len() > 80).fillna(False).to_numpy()
    )
    return marked & np.asarray(empty_rest, dtype=bool)


def check_footnote_rows(area: pd.Series, mask: np.ndarray, rows: np.ndarray, label: str, column: str) -> list[Problem]:
    """Footnote rows among the data are skipped, each with a warning naming its row."""
    return _rows_problems(
        "footnote-rows", "footnote row skipped (not data)", mask, area.to_numpy(), rows, label, column, "warning"
    )


# ------------------------------------------------------------------------------------------- cell level


def check_areas(unknown: pd.DataFrame, label: str, column: str) -> list[Problem]:
    """Unknown countries or areas: one error per distinct value, naming its first row and the file to edit.

    `unknown` has one row per distinct value: `value`, `row` (first row), `rows` (count).
    """
    return [
        Problem(
            "areas",
            f"unknown country or area {r.value!r} ({r.rows} row(s)): add it to data/reference/country_aliases.csv "
            "(alias,iso3,source,note; an empty iso3 with a note drops it on purpose), or to "
            "data/reference/aggregates.csv if it is a region or group",
            label,
            int(r.row),
            column,
            str(r.value),
        )
        for r in unknown.itertuples(index=False)
    ]


def check_empty(mask, rows, label: str, column: str, what: str) -> list[Problem]:
    """Rows missing a required cell (area or year)."""
    return _rows_problems("required", f"empty {what}", mask, np.full(len(rows), ""), rows, label, column)


def check_years(raw: pd.Series, years: pd.Series, rows: np.ndarray, label: str, column) -> list[Problem]:
    """Years that are not years ('20x9') or are implausible (before 1950 or after next year)."""
    text = raw.astype("str").str.strip().to_numpy(dtype=object)
    parsed = years.to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(parsed) & (text != "")
    wild = ~np.isnan(parsed) & ((parsed < YEAR_MIN) | (parsed > year_max()))
    return _rows_problems(
        "years", "not a year: expected e.g. 2019, 2019-2020 or '2019 x'", bad, text, rows, label, column
    ) + _rows_problems("years", f"implausible year (expected {YEAR_MIN}–{year_max()})", wild, text, rows, label, column)


def check_values(raw: np.ndarray, bad: np.ndarray, rows: np.ndarray, label: str, column) -> list[Problem]:
    """Values that are not numbers ('abc', '1,5'), nor a known missing marker or a censored '<5'."""
    return _rows_problems(
        "values", "not a number (nor a missing-value marker such as '..' or '-')", bad, raw, rows, label, column
    )


def check_thousand_separators(
    raw: np.ndarray, commas: np.ndarray, rows: np.ndarray, label: str, column
) -> list[Problem]:
    """Values written with thousand separators: a warning when '1,282' could also be a decimal comma."""
    index = np.flatnonzero(commas)
    if not len(index):
        return []
    texts = pd.Series(np.asarray(raw, dtype=object)[index], dtype="str").str.strip()
    ambiguous = texts.str.fullmatch(r"[-+]?\d{1,3},\d{3}").fillna(False).to_numpy()
    if not ambiguous.all():  # "38,928,000" or "1,282.5" elsewhere in the file settle it
        return []
    i = index[0]
    col = str(np.asarray(column)[i]) if isinstance(column, (np.ndarray, pd.Series, list)) else column
    return [
        Problem(
            "thousands",
            f"{len(index)} value(s) such as {texts.iloc[0]!r} were read with ',' as a thousands "
            "separator (1,282 → 1282); check that the file does not use decimal commas",
            label,
            int(rows[i]),
            col,
            texts.iloc[0],
            "warning",
        )
    ]


def check_ranges(
    obs: pd.DataFrame,
    rows: np.ndarray | None = None,
    label: str | None = None,
    limits: tuple[float | None, float | None] | None = None,
    names: dict | None = None,
) -> list[Problem]:
    """Values outside their unit's range: percent 0–100, per-1000 0–1000, count ≥ 0, flag 0/1 (or `limits`).

    `names` gives the file's column for value / lower / upper (a string, or one name per row for wide files).
    """
    problems = []
    if not len(obs):
        return problems
    rows = np.asarray(rows) if rows is not None else np.full(len(obs), -1)
    units = obs["unit"]
    present = set(units.dropna().unique())
    for unit in present & set(RANGES):
        low, high = limits if limits is not None else RANGES[unit]
        is_unit = (
            np.ones(len(obs), dtype=bool)
            if len(present) == 1 and not units.isna().any()
            else (units == unit).to_numpy(dtype=bool, na_value=False)
        )
        for column in ("value", "lower", "upper"):
            values = obs[column].to_numpy(dtype="float64", na_value=np.nan)
            if unit == "flag" and limits is None:
                out = ~np.isnan(values) & (values != 0.0) & (values != 1.0)
            else:
                out = np.zeros(len(values), dtype=bool)
                if low is not None:
                    out |= values < low
                if high is not None:
                    out |= values > high
            name = (names or {}).get(column, column)
            problems += _range_problems(obs, out & is_unit, values, rows, label, (column, name), unit, low, high)
    return problems


def _range_problems(obs, mask, values, rows, label, columns, unit, low, high) -> list[Problem]:
    index = np.flatnonzero(mask)
    if not len(index):
        return []
    column, name = columns
    bounds = f"{'' if low is None else f'{low:g}'}–{'' if high is None else f'{high:g}'}"
    expected = "0 or 1" if unit == "flag" else (f"≥ {low:g}" if high is None else bounds)
    files = obs["source_file"].iloc[index[:MAX_PER_CHECK]].tolist()
    out = [
        Problem(
            "ranges",
            f"{column} {values[i]:g} is out of range for unit {unit!r} (expected {expected})",
            label or str(file),
            int(rows[i]) if rows[i] >= 0 else None,
            str(name[i]) if isinstance(name, np.ndarray) else name,
            f"{values[i]:g}",
        )
        for i, file in zip(index[:MAX_PER_CHECK], files, strict=True)
    ]
    where = None if isinstance(name, np.ndarray) else name
    return out + _more("ranges", len(index), f"{column} values out of range for {unit!r}", label or files[0], where)


# ------------------------------------------------------------------------------------------ table level


def check_duplicates(
    obs: pd.DataFrame,
    rows: np.ndarray | None = None,
    severity: str = "error",
    column: str = "value",
    label: str | None = None,
    keys: np.ndarray | None = None,
) -> list[Problem]:
    """Observations sharing the key (indicator, iso3, year, sex, age, source): one problem per duplicate row.

    Without `rows` (the whole release) the problem names the source file and the key; `label` replaces the
    file name in messages (e.g. the path given to `delta87 etl check`); `keys` (Harmonised.keys) saves
    recomputing the key.
    """
    if obs is None or len(obs) < 2:
        return []
    dup = _duplicated_keys(keys) if keys is not None else _duplicated(obs)
    if not dup.any():
        return []
    index = np.flatnonzero(dup)
    problems = []
    for i in index[:MAX_PER_CHECK]:
        r = obs.iloc[i]
        key = ", ".join(f"{k}={r[k]}" for k in OBSERVATION_KEY if k != "source")
        row = int(rows[i]) if rows is not None else None
        value = None if pd.isna(r["value"]) else f"{r['value']:g}"
        message = f"duplicate observation for {key} (source {r['source']})"
        problems.append(Problem("duplicates", message, label or str(r["source_file"]), row, column, value, severity))
    where = label or str(obs["source_file"].iloc[index[0]])
    return problems + _more("duplicates", len(index), "duplicate rows", where, severity=severity)


def _duplicated_keys(keys: np.ndarray) -> np.ndarray:
    """Rows whose int64 key occurs more than once: counted in a table when the keys are dense, else hashed."""
    low, high = (int(keys.min()), int(keys.max())) if len(keys) else (0, 0)
    if low >= 0 and high < 4 * len(keys) + (1 << 20):  # dense codes (Harmonised.keys): counting beats hashing
        counts = np.bincount(keys, minlength=high + 1)
        return np.zeros(len(keys), dtype=bool) if counts.max() <= 1 else (counts > 1)[keys]
    return pd.Series(keys).duplicated(keep=False).to_numpy()


def _duplicated(obs: pd.DataFrame) -> np.ndarray:
    """Rows whose key occurs more than once: each key column coded to ints once, then one int64 key."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    key, radix = np.zeros(len(obs), dtype=np.int64), 1
    for column in OBSERVATION_KEY:
        values = pa.array(obs[column], from_pandas=True)
        distinct = pc.unique(values)
        if len(distinct) == 1:
            continue
        codes = pc.index_in(values, value_set=distinct).to_numpy(zero_copy_only=False).astype(np.int64)
        if radix * len(distinct) >= 2**62:  # too many combinations for one int64: let pandas hash the columns
            return obs.duplicated(OBSERVATION_KEY, keep=False).to_numpy()
        key += codes * radix
        radix *= len(distinct)
    return pd.Series(key).duplicated(keep=False).to_numpy()


def check_jumps(new_obs: pd.DataFrame, previous_obs: pd.DataFrame | None, factor: float = JUMP_FACTOR) -> list[Problem]:
    """Warnings for values that moved by more than `factor` (either way) since the previous release."""
    if previous_obs is None or len(previous_obs) == 0 or new_obs is None or len(new_obs) == 0:
        return []
    keys = [*OBSERVATION_KEY]
    old = previous_obs[[*keys, "value"]].dropna(subset=["value"]).drop_duplicates(keys)
    new = new_obs[[*keys, "value", "source_file"]].dropna(subset=["value"]).drop_duplicates(keys)
    both = new.merge(old, on=keys, suffixes=("", "_old"))
    a, b = both["value"].to_numpy(dtype=float), both["value_old"].to_numpy(dtype=float)
    valid = (a > 0) & (b > 0)
    ratio = np.where(valid, a / np.where(valid, b, 1.0), 1.0)
    moved = (ratio > factor) | (ratio < 1 / factor)
    problems, limit = [], MAX_PER_CHECK * 4
    for i in np.flatnonzero(moved)[:limit]:
        r = both.iloc[i]
        key = ", ".join(f"{k}={r[k]}" for k in keys)
        message = f"value moved from {b[i]:g} to {a[i]:g} (×{ratio[i]:.3g}) since the previous release for {key}"
        problems.append(Problem("jumps", message, str(r["source_file"]), None, "value", f"{a[i]:g}", "warning"))
    if moved.sum() > limit:
        problems.append(Problem("jumps", f"{int(moved.sum()) - limit} more values moved by more than ×{factor:g}",
                                "", severity="warning"))  # fmt: skip
    return problems


# ------------------------------------------------------------------------------------------- one file


def check_file(path, format: str, unit: str | None = None, resolver=None, **dataset_fields):
    """Read, harmonise and check one file without a registry entry → (observations, problems).

    Sensible defaults per format stand in for the registry (e.g. REF_AREA / TIME_PERIOD / OBS_VALUE for
    sdmx-csv); any Dataset field (columns, options, indicator, sex_map ...) may be passed as a keyword.
    """
    from pydantic import ValidationError  # noqa: PLC0415

    import config  # noqa: PLC0415
    from etl import adapters, harmonise  # noqa: PLC0415 - checks is imported by both
    from etl.countries import Resolver  # noqa: PLC0415
    from etl.memory import use_system_allocator  # noqa: PLC0415
    from etl.registry import Dataset  # noqa: PLC0415

    use_system_allocator()
    path = Path(path)
    label = str(path)
    fields = {
        k: v for k, v in {"file": path.name, "format": format, "unit": unit, **dataset_fields}.items() if v is not None
    }
    try:
        dataset = Dataset(**fields)
    except ValidationError as exc:
        problems = [
            Problem("registry", e["msg"], label, column=".".join(str(p) for p in e["loc"])) for e in exc.errors()
        ]
        return pd.DataFrame(columns=OBSERVATIONS.names), problems
    if resolver is None:
        settings = config.settings()
        resolver = Resolver.from_files(settings.raw_dir, settings.reference_dir)
    raw = adapters.read(path, dataset, label)
    if "indicator" not in raw.frame and dataset.indicator is None and not dataset.indicator_map:
        dataset = dataset.model_copy(update={"indicator": path.stem})  # no indicator anywhere: name it after the file
    source = SimpleNamespace(id="check", edition="")
    result = harmonise.harmonise(raw, dataset, source, resolver, label)
    column = raw.source_columns.get("value", "value")
    duplicates = check_duplicates(result.observations, result.rows, column=column, label=label, keys=result.keys)
    problems = raw.problems + result.problems + duplicates
    return result.observations, problems
