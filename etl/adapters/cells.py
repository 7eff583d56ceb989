"""How publishers write cells, and what they mean: years, numbers, missing markers, sexes, age bands.

Also the vectorised helpers harmonise uses: `map_distinct` applies a Python function once per distinct value
of an Arrow column and spreads the results back over the rows, so no step loops over rows in Python.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Cells that mean "no value" (compared case-insensitively, after trimming).
MISSING = frozenset(["", "-", "–", "—", "..", "...", "…", "n/a", "na", "n.a.", "nan", "null", "none", "unavailable",
                     "not available", "no data"])  # fmt: skip

#: How sexes are written (SDMX codes, UN SDG database words, plain English), casefolded.
SEX_CODES = {
    "total": ("total", "_t", "t", "bothsex", "both sexes", "both", "all", "btsx", "both sex", "persons"),
    "female": ("female", "_f", "f", "females", "women", "girls", "fem"),
    "male": ("male", "_m", "m", "males", "men", "boys"),
}

SEX = {code: sex for sex, codes in SEX_CODES.items() for code in codes}

NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"

#: A number with thousand separators: "1,282", "38,928,000", "1 234 567" (also non-breaking spaces).
GROUPED = re.compile(r"^[-+]?\d{1,3}(?:([,\u00a0\u202f ])\d{3})(?:\1\d{3})*(\.\d+)?$")

BLOCK = 1 << 16  # rows per shared block of a constant column


def blank(array) -> np.ndarray:
    """Cells that are empty or ASCII whitespace only (as regex `^\\s*$`), as a numpy mask; no regex, no copies.

    A dictionary-encoded column is tested once per distinct value.
    """
    if pa.types.is_dictionary(array.type):
        distinct, index = encode(array)
        return _blank(distinct)[index.to_numpy(zero_copy_only=False)]
    return _blank(array)


def _blank(array) -> np.ndarray:
    return pc.or_(pc.ascii_is_space(array), pc.equal(pc.binary_length(array), 0)).to_numpy(zero_copy_only=False)


def arrow_strings(series: pd.Series) -> pa.ChunkedArray:
    """A pandas string column as Arrow large_string (no copy for pandas' Arrow-backed str dtype).

    A categorical column (the fast CSV path reads low-cardinality columns so) stays dictionary-encoded: the
    steps that map values do so once per distinct value; `plain` decodes it for the few that need every cell.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return pa.chunked_array([pa.array(series, from_pandas=True)])
    array = pa.array(series, type=pa.large_string(), from_pandas=True)
    return pa.chunked_array([array]) if isinstance(array, pa.Array) else array


def plain(array):
    """The column with its dictionary decoded (large_string); other columns unchanged."""
    return pc.cast(array, pa.large_string()) if pa.types.is_dictionary(array.type) else array


def constant(value, kind: pa.DataType, n: int) -> pa.ChunkedArray:
    """`value` n times, as one shared block repeated (a constant column costs kilobytes, not n cells)."""
    return repeated(pa.array([value] * min(n, BLOCK), type=kind), n)


def repeated(block: pa.Array, n: int) -> pa.ChunkedArray:
    """`n` rows made of `block` (at least min(n, BLOCK) long) repeated: the same buffers, never copied."""
    chunks = [block] * (n // BLOCK) + ([block.slice(0, n % BLOCK)] if n % BLOCK else [])
    return pa.chunked_array(chunks, type=block.type)


@dataclass
class Mapped:
    """Per-distinct results of a function and where each row's distinct value is; spread on demand."""

    index: pa.ChunkedArray
    distinct: list[pa.Array]
    source: pa.ChunkedArray | None = None  # the mapped column itself ...
    inputs: pa.Array | None = None  # ... and its distinct values, in `distinct` order

    def full(self, i: int):
        """Output `i` for every row: a constant when all results agree, the input itself when nothing changed."""
        values = self.distinct[i]
        if len(values) and pc.count_distinct(values, mode="all").as_py() == 1:
            return constant(values[0].as_py(), values.type, len(self.index))
        if self.source is not None and self.inputs is not None and self.inputs.equals(values):
            return self.source  # e.g. ISO3 codes that resolve to themselves: no copy of 5 million strings
        return pc.take(values, self.index)

    @functools.cached_property
    def positions(self) -> np.ndarray:
        """Each row's index into the distinct values, as numpy (computed once)."""
        return self.index.to_numpy(zero_copy_only=False)

    def numpy(self, i: int) -> np.ndarray:
        """Output `i` for every row as numpy (numeric outputs)."""
        return self.distinct[i].to_numpy(zero_copy_only=False)[self.positions]

    def dense(self, i: int) -> tuple[np.ndarray, int]:
        """Output `i` per distinct value as dense integer codes (equal outputs, equal codes), and how many."""
        dense: dict = {}
        per_distinct = np.array([dense.setdefault(v, len(dense)) for v in self.distinct[i].to_pylist()], np.int64)
        return per_distinct, max(len(dense), 1)

    def at(self, i: int, positions: np.ndarray) -> np.ndarray:
        """Output `i` for the given rows only, as Python objects."""
        return np.asarray(self.distinct[i].to_pylist(), dtype=object)[self.positions[positions]]


def encode(array) -> tuple[pa.Array, pa.ChunkedArray | pa.Array]:
    """(distinct values in order of first appearance, a null included; each row's index into them).

    One hashing pass (dictionary_encode), about twice as fast as unique + index_in on strings; none for a column
    that is dictionary-encoded already (its dictionary may hold values no row uses: harmless to the callers).
    """
    if pa.types.is_dictionary(array.type):
        return _decoded_index(array)
    if array.null_count or (isinstance(array, pa.ChunkedArray) and array.num_chunks == 0):
        distinct = pc.unique(array)  # (Arrow cannot yet unify dictionaries holding a null)
        return distinct, pc.index_in(array, value_set=distinct)
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.DictionaryArray):
        return encoded.dictionary, encoded.indices
    encoded = encoded.unify_dictionaries()
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=encoded.type.index_type)
    return encoded.chunk(0).dictionary, indices


def _decoded_index(array) -> tuple[pa.Array, pa.Array]:
    """(the dictionary, a null appended when some row is null; each row's index) of a dictionary column."""
    if isinstance(array, pa.ChunkedArray):
        array = array.unify_dictionaries()
        chunks = array.chunks
        dictionary = chunks[0].dictionary if chunks else pa.array([], array.type.value_type)
        index = pa.chunked_array([c.indices for c in chunks], type=array.type.index_type)
    else:
        dictionary, index = array.dictionary, array.indices
    if index.null_count:
        dictionary = pa.concat_arrays([dictionary, pa.nulls(1, dictionary.type)])
        index = pc.fill_null(index, pa.scalar(len(dictionary) - 1, index.type))
    return dictionary, index


def map_distinct(array, fn, types: list[pa.DataType]) -> Mapped:
    """Apply `fn` (→ a tuple) once per distinct value of `array`."""
    distinct, index = encode(array)
    results = [fn(v) for v in distinct.to_pylist()]
    outputs = [pa.array([r[i] for r in results], type=t) for i, t in enumerate(types)]
    return Mapped(index, outputs, array, distinct)


def parse_year(text: str | None) -> tuple[int | None, str | None]:
    """'2019' → 2019; '2019-2020' / '2019-20' → 2020 (period in the note); '2018 x' → 2018 (flag in the note)."""
    text = (text or "").strip()
    if match := re.fullmatch(r"(\d{4})(?:\.0+)?", text):
        return int(match.group(1)), None
    if match := re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4}|\d{2})", text):
        start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        return (end_year, f"period {text}") if end_year >= start else (None, None)
    if match := re.fullmatch(r"(\d{4})\s*([A-Za-z]{1,2}|\*{1,3}|[†‡§¹²³]+|\([A-Za-z0-9]{1,3}\))", text):
        return int(match.group(1)), f"year flag {match.group(2)}"
    if match := re.fullmatch(r"(\d{4})-\d{2}-\d{2}(?:[T ][\d:.]+)?", text):
        return int(match.group(1)), None
    return None, None


def parse_value(text: str | None, unit: str | None) -> tuple:
    """(value, lower, upper, censored, note, status) for a cell that is not a plain number.

    status: 1 missing marker, 2 censored, 3 thousand separators, 4 not a number, 0 other accepted forms.
    """
    text = (text or "").strip()
    if text.casefold() in MISSING:
        return None, None, None, False, None, 1
    if match := re.fullmatch(r"([<>])\s*(\d[\d,]*(?:\.\d+)?)", text):
        bound = float(match.group(2).replace(",", ""))
        whole = bound.is_integer() and unit in ("count", None)
        if match.group(1) == "<":
            return None, 0.0, bound - 1 if whole else bound, True, f"{text}: suppressed small value", 2
        return None, bound + 1 if whole else bound, None, True, f"{text}: censored value", 2
    if match := GROUPED.fullmatch(text):
        return float(re.sub(r"[,\u00a0\u202f ]", "", text)), None, None, False, None, 3 if match.group(1) == "," else 0
    if match := re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*%", text):
        return float(match.group(1)), None, None, False, None, 0
    if match := re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]{1,2}|\*{1,3}|[†‡§])", text):
        return float(match.group(1)), None, None, False, f"value flag {match.group(2)}", 0
    return None, None, None, False, None, 4


def parse_numbers(raw: pa.ChunkedArray, unit: str | None) -> list:
    """Vectorised parse: a plain cast when every cell is a number, else regex + per-distinct parse_value."""
    try:
        value = pc.cast(raw, pa.float64())
        if not pc.any(pc.is_nan(value)).as_py() and not pc.any(pc.is_inf(value)).as_py():
            n = len(raw)
            return [
                value,
                constant(None, pa.float64(), n),
                constant(None, pa.float64(), n),
                constant(None, pa.bool_(), n),
                constant(None, pa.large_string(), n),
                np.zeros(n, dtype=np.int8),
            ]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    trimmed = pc.utf8_trim_whitespace(raw)
    plain = pc.match_substring_regex(trimmed, NUMBER)
    numbers = pc.cast(pc.if_else(plain, trimmed, pa.scalar(None, pa.large_string())), pa.float64())
    others = pc.if_else(plain, pa.scalar(None, pa.large_string()), trimmed)
    mapped = map_distinct(
        others,
        lambda v: parse_value(v, unit) if v is not None else (None,) * 5 + (0,),
        [pa.float64(), pa.float64(), pa.float64(), pa.bool_(), pa.large_string(), pa.int8()],
    )
    value, lower, upper, censored, note = (mapped.full(i) for i in range(5))
    return [pc.coalesce(numbers, value), lower, upper, censored, note, mapped.numpy(5)]


def normalise_age(text: str) -> str:
    """Age bands as the platform writes them: 'Y5T17', '5_17', '5 to 17 years' → '5-17'; 'lt18y' → 'under 18'."""
    text = text.split(":")[0].strip() if re.match(r"^[YZ_]", text.strip()) else text.strip()
    low = text.casefold()
    if low in ("_t", "allage", "all ages", "total", "all", "_z"):
        return "all ages"
    if match := re.fullmatch(r"y?(\d+)\s*(?:t|to|_|-|–)\s*(\d+)(?:\s*years?(?: old)?)?", low):
        first, last = int(match.group(1)), int(match.group(2))
        return f"under {last + 1}" if first == 0 else f"{first}-{last}"
    if match := re.fullmatch(r"(?:<|lt|y_lt|under )\s*(\d+)\s*(?:y|years?)?", low):
        return f"under {match.group(1)}"
    if match := re.fullmatch(r"(?:y_ge|ge|>=)\s*(\d+)|(\d+)\s*(?:\+|years? or over|years? and over)", low):
        return f"{match.group(1) or match.group(2)}+"
    return text


def note_text(text: str | None, legend: dict[str, str]) -> str | None:
    """A note cell as published; footnote flags ('x,y') are spelled out with options.flag_notes."""
    text = (text or "").strip()
    if not text:
        return None
    flags = [f.strip() for f in text.split(",")]
    if legend and all(f in legend for f in flags):
        return "; ".join(f"{f}: {legend[f]}" for f in flags)
    return text


def sex_of(text: str) -> str | None:
    """'F', 'Female', '_T: Total', 'BOTHSEX' → female / total; None for other values ('Unknown', 'Other')."""
    code = text.split(":")[0].strip().casefold()  # SDMX "code: label"
    return SEX.get(code) or SEX.get(text.strip().casefold())
