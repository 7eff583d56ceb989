"""Harmonise a raw long frame into observations (warehouse.schema.OBSERVATIONS), reporting every problem.

Steps, each on the rows the previous ones kept: the registry's `filters`; the indicator (`indicator_map`:
other values are dropped as "indicator not used"); the area (etl.countries.Resolver; aggregates are kept
under their region code, a known aggregate without one is dropped and listed, an unknown name is an error
naming the file to edit); sex and age (the registry's maps, then the usual codes: "_T", "BOTHSEX", "F",
"Y5T17", "5_17", "<5Y"...); years ("2019", "2019.0", "2019-2020" → 2020 with the period in the note,
"2018 x" → 2018 with the flag in the note); values (thousand separators, "<5" → censored with bounds 0–4,
missing markers "", "-", "..", "n/a", "Unavailable" → dropped as "no value"); scale, unit and ranges.

Everything that touches every row is vectorised (pyarrow compute); Python sees only distinct values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import checks
from etl.adapters import RawTable
from etl.adapters.cells import (
    arrow_strings,
    constant,
    map_distinct,
    normalise_age,
    note_text,
    parse_numbers,
    parse_year,
    plain,
    sex_of,
)
from etl.countries import Resolver
from etl.problems import Problem
from warehouse.schema import OBSERVATION_KEY, OBSERVATIONS, SEXES


@dataclass
class Harmonised:
    """Observations in OBSERVATIONS order, the problems found, dropped rows by reason, and each row's raw row."""

    observations: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    keys: np.ndarray | None = None  # int64 per observation, equal exactly when the keys are (fast duplicate check)


def harmonise(raw: RawTable, dataset, source, resolver: Resolver, label: str) -> Harmonised:
    """Turn an adapter's raw frame into observations; see the module docstring for the steps."""
    frame, dropped = raw.frame, Counter(raw.skipped)
    if not len(frame) or "area" not in frame or "value" not in frame:
        return Harmonised(_empty(), [], dropped)
    state = _State(frame, raw.source_columns, label, np.ones(len(frame), dtype=bool), [], dropped)
    obs = _table(_columns(state, dataset, source, resolver), state.keep)
    rows, keys = (state.rows if state.keep.all() else state.rows[state.keep]), state.keys()
    names = {c: state.column(c) for c in ("value", "lower", "upper")}
    names = {c: n[state.keep] if isinstance(n, np.ndarray) else n for c, n in names.items()}
    if dataset.options.get("on_duplicate") == "drop":
        kept = _drop_duplicates(obs, rows, state)
        obs, rows, keys = obs[kept].reset_index(drop=True), rows[kept], None if keys is None else keys[kept]
        names = {c: n[kept] if isinstance(n, np.ndarray) else n for c, n in names.items()}
    limits = dataset.options.get("range")
    state.problems += checks.check_ranges(obs, rows, label, tuple(limits) if limits else None, names)
    return Harmonised(obs, state.problems, state.dropped, rows, keys)


def _columns(state: _State, dataset, source, resolver: Resolver) -> dict:
    """Every observation column, step by step; each step drops the rows it cannot use."""
    state.drop(_filters(state, dataset), "filtered out by the registry")
    indicator = _indicators(state, dataset)
    iso3 = _areas(state, dataset, resolver)
    sex, age = _sexes(state, dataset), _ages(state, dataset)
    year, year_note = _years(state, dataset)
    value, lower, upper, censored, value_note = _values(state, dataset)
    return {
        "indicator": indicator, "iso3": iso3, "year": year, "sex": sex, "age": age,
        "value": value, "lower": lower, "upper": upper, "unit": _units(state, dataset),
        "nature": dataset.nature, "censored": censored, "source": source.id,
        "edition": dataset.edition or source.edition, "source_file": dataset.file,
        "note": _notes(state, dataset, year_note, value_note),
    }  # fmt: skip


def _drop_duplicates(obs: pd.DataFrame, rows: np.ndarray, state: _State) -> np.ndarray:
    """options.on_duplicate: drop — a repeated row is kept once; keys with conflicting values are dropped, warned."""
    exact = obs.duplicated([*OBSERVATION_KEY, "value"], keep="first").to_numpy()
    clash = np.zeros(len(obs), dtype=bool)
    clash[np.flatnonzero(~exact)] = obs[~exact].duplicated(OBSERVATION_KEY, keep=False).to_numpy()
    state.dropped["duplicate row (same key and value)"] += int(exact.sum())
    if clash.any():
        column = state.source_columns.get("value", "value")
        state.problems += checks.check_duplicates(obs[clash], rows[clash], severity="warning", column=column)
        state.dropped["duplicate key with conflicting values"] += int(clash.sum())
    return ~(exact | clash)


def _empty() -> pd.DataFrame:
    return OBSERVATIONS.empty_table().to_pandas(types_mapper={pa.int32(): pd.Int32Dtype()}.get)


@dataclass
class _State:
    frame: pd.DataFrame
    source_columns: dict[str, str]
    label: str
    keep: np.ndarray
    problems: list[Problem]
    dropped: Counter
    key: np.ndarray | None = None  # running int64 key over the mapped key columns (None: too many combinations)
    radix: int = 1
    _scratch: np.ndarray | None = None  # one reused buffer: a fresh array per column costs a page fault per 4 KB

    def mapped(self, name: str, mapped):
        """Fold a mapped key column's codes into the running key (in place); return its values for every row."""
        n = len(mapped.distinct[0])  # an upper bound of the distinct outputs: decides before any gather
        if self.radix * max(n, 1) >= 2**62:
            self.radix = 0  # too many combinations for one int64: check_duplicates hashes the columns instead
        elif self.radix:
            codes, n = mapped.dense(0)
            if self.key is None:
                self.key = np.zeros(len(mapped.positions), dtype=np.int64)
            if self._scratch is None:
                self._scratch = np.empty_like(self.key)
            if n == len(codes):  # every distinct value its own output: the positions are the codes, no gather
                self._scratch[:] = mapped.positions
                self._scratch *= self.radix
            else:
                np.take(codes * self.radix, mapped.positions, out=self._scratch)
            self.key += self._scratch
            self.radix *= n
        return mapped.full(0)

    def keys(self) -> np.ndarray | None:
        """One int64 per kept row, equal exactly when the observation keys are equal (None when unavailable)."""
        self._scratch = None
        if not self.radix:
            return None
        if self.key is None:
            return np.zeros(int(self.keep.sum()), dtype=np.int64)
        return self.key if self.keep.all() else self.key[self.keep]

    @property
    def rows(self) -> np.ndarray:
        return self.frame["_row"].to_numpy(dtype=np.int64)

    def column(self, name: str):
        """The file's name for a standard column (per row for values of wide files)."""
        if name == "value" and "_column" in self.frame:
            return self.frame["_column"].to_numpy(dtype=object)
        return self.source_columns.get(name, name)

    def drop(self, mask: np.ndarray, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool) & self.keep
        if mask.any():
            self.dropped[reason] += int(mask.sum())
            self.keep &= ~mask

    def strings(self, name: str) -> pa.ChunkedArray:
        return arrow_strings(self.frame[name])


# ------------------------------------------------------------------------------------ filters, indicators


def _filters(state: _State, dataset) -> np.ndarray:
    out = np.zeros(len(state.frame), dtype=bool)
    for key, allowed in dataset.filters.items():
        name = key if key in state.frame else next((k for k, v in state.source_columns.items() if v == key), None)
        if name is None or name not in state.frame:
            state.problems.append(
                Problem("registry", f"filter column {key!r} is not in the file", state.label, column=key)
            )
            continue
        values = pc.utf8_trim_whitespace(plain(state.strings(name)))
        out |= ~pc.is_in(values, value_set=pa.array([str(a) for a in allowed], pa.large_string())).to_numpy(
            zero_copy_only=False
        )
    return out


def _indicators(state: _State, dataset) -> pa.ChunkedArray | str | None:
    if dataset.indicator_map:
        if "indicator" not in state.frame:
            state.problems.append(
                Problem(
                    "registry",
                    "indicator_map is set but the file has no indicator column (columns.indicator)",
                    state.label,
                    column="indicator_map",
                )
            )
            state.keep[:] = False
            return None
        mapping = {str(k): v for k, v in dataset.indicator_map.items()}

        def indicator(text: str | None) -> tuple:
            code = mapping.get((text or "").strip())
            return code, code is None

        mapped = map_distinct(state.strings("indicator"), indicator, [pa.large_string(), pa.bool_()])
        state.drop(mapped.numpy(1), "indicator not used")
        return state.mapped("indicator", mapped)
    if dataset.indicator:
        return dataset.indicator
    if "indicator" in state.frame:
        trimmed = map_distinct(state.strings("indicator"), lambda v: ((v or "").strip(),), [pa.large_string()])
        return state.mapped("indicator", trimmed)
    state.problems.append(
        Problem(
            "registry",
            "no indicator: set `indicator` or `indicator_map` in the registry entry",
            state.label,
            column="indicator",
        )
    )
    state.keep[:] = False
    return None


# ------------------------------------------------------------------------------------------------ areas


def _areas(state: _State, dataset, resolver: Resolver) -> pa.ChunkedArray | None:
    frame, kind = state.frame, dataset.area_kind
    parts = [name for name in ("area", "area_alt", "area_type") if name in frame]
    key = (
        state.strings("area")
        if len(parts) == 1
        else pc.binary_join_element_wise(
            *[pc.fill_null(plain(state.strings(p)), "") for p in parts], pa.scalar("\x1f", pa.large_string())
        )
    )

    def resolve(text: str | None) -> tuple:
        values = dict(zip(parts, (text or "").split("\x1f"), strict=False))
        return resolver.locate(values.get("area", ""), values.get("area_alt", ""), values.get("area_type", ""), kind)

    mapped = map_distinct(key, resolve, [pa.large_string(), pa.int8(), pa.large_string()])
    status = mapped.numpy(1)
    rows, column = state.rows, state.column("area")
    flagged = np.flatnonzero((status != 0) & state.keep)
    names = pd.Series(mapped.at(2, flagged), dtype=object)  # names only for the rows that need a message
    flags = status[flagged]
    state.problems += checks.check_empty(flags == 4, rows[flagged], state.label, column, "area (country or region)")
    if (flags == 1).any():
        found = pd.DataFrame({"value": names[flags == 1], "row": rows[flagged][flags == 1]})
        summary = found.groupby("value", sort=False)["row"].agg(["min", "size"]).reset_index()
        state.problems += checks.check_areas(
            summary.rename(columns={"min": "row", "size": "rows"}), state.label, column
        )
    for code, reason in ((2, "aggregate without a region code"), (3, "dropped on purpose (country_aliases.csv)")):
        for name, count in Counter(names[flags == code]).items():
            state.dropped[f"{reason}: {name}"] += count
    state.keep &= status == 0
    return state.mapped("iso3", mapped)


# ---------------------------------------------------------------------------------------------- sex, age


def _sexes(state: _State, dataset) -> pa.ChunkedArray | str:
    if "sex" not in state.frame:
        return dataset.sex
    mapping = {str(k).strip(): v for k, v in dataset.sex_map.items()}

    def sex(text: str | None) -> tuple:
        text = (text or "").strip()
        if not text:
            return dataset.sex, ""
        if text in mapping:
            return (mapping[text] if mapping[text] in SEXES else None), text
        return sex_of(text), text

    mapped = map_distinct(state.strings("sex"), sex, [pa.large_string(), pa.large_string()])
    unused = pc.is_null(mapped.distinct[0]).to_numpy(zero_copy_only=False)[mapped.positions]
    positions = np.flatnonzero(unused & state.keep)
    for text, count in Counter(mapped.at(1, positions)).items():
        state.dropped[f"sex not used: {text}"] += count
    state.keep &= ~unused
    return state.mapped("sex", mapped)


def _ages(state: _State, dataset) -> pa.ChunkedArray | str | None:
    if "age" not in state.frame:
        return dataset.age
    mapping = {str(k).strip(): v for k, v in dataset.age_map.items()}

    def age(text: str | None) -> tuple:
        text = (text or "").strip()
        if not text:
            return (dataset.age,)
        return (mapping[text] if text in mapping else normalise_age(text),)

    return state.mapped("age", map_distinct(state.strings("age"), age, [pa.large_string()]))


# ----------------------------------------------------------------------------------------- years, values


def _years(state: _State, dataset):
    if "year" not in state.frame:
        if dataset.year is None:
            message = "no year: map columns.year to the file's year column, or set `year` in the registry entry"
            state.problems.append(Problem("registry", message, state.label, column="year"))
            state.keep[:] = False
        return dataset.year, None
    raw = state.strings("year")
    mapped = map_distinct(raw, lambda v: parse_year(v), [pa.int32(), pa.large_string()])
    year, note = state.mapped("year", mapped), mapped.full(1)
    numbers = mapped.distinct[0].to_numpy(zero_copy_only=False).astype("float64")  # per distinct; null: NaN
    bad = (np.isnan(numbers) | (numbers < checks.YEAR_MIN) | (numbers > checks.year_max()))[mapped.positions]
    index = np.flatnonzero(bad & state.keep)
    if len(index):  # the raw text is fetched for the flagged rows only
        text = pd.Series(raw.take(pa.array(index)).to_pylist(), dtype="str")
        found = pd.Series(numbers[mapped.positions[index]]).astype("Int32")
        column = state.column("year")
        state.problems += checks.check_years(text, found, state.rows[index], state.label, column)
    state.keep &= ~bad
    return year, note


def _values(state: _State, dataset):
    raw = state.strings("value")
    value, lower, upper, censored, note, status = parse_numbers(raw, dataset.unit)
    kept, rows, column = state.keep, state.rows, state.column("value")
    state.problems += _flagged(checks.check_values, raw, (status == 4) & kept, rows, state.label, column)
    if dataset.options.get("thousands") != ",":  # declared in the registry: no need to warn
        state.problems += _flagged(
            checks.check_thousand_separators, raw, (status == 3) & kept, rows, state.label, column
        )
    state.keep &= status != 4
    state.drop((status == 1) & pc.is_null(value).to_numpy(zero_copy_only=False), "no value")
    for name, bound in (("lower", lower), ("upper", upper)):
        if name in state.frame:
            cells = state.strings(name)
            parsed, *_rest, flags = parse_numbers(cells, dataset.unit)
            state.problems += _flagged(
                checks.check_values, cells, (flags == 4) & state.keep, rows, state.label, state.column(name)
            )
            state.keep &= flags != 4
            bound = pc.coalesce(parsed, bound)
        if name == "lower":
            lower = bound
        else:
            upper = bound
    scale = _scale(state, dataset)
    if scale is not None:
        value, lower, upper = (pc.multiply(a, scale) for a in (value, lower, upper))
    return value, lower, upper, pc.fill_null(censored, False), note


def _flagged(check, raw: pa.ChunkedArray, mask: np.ndarray, rows: np.ndarray, label: str, column) -> list[Problem]:
    """Run a row-level check on the flagged rows only (the raw text is fetched for those rows alone)."""
    index = np.flatnonzero(mask)
    if not len(index):
        return []
    cells = np.asarray(raw.take(pa.array(index)).to_pylist(), dtype=object)
    columns = column[index] if isinstance(column, np.ndarray) else column
    return check(cells, np.ones(len(index), dtype=bool), rows[index], label, columns)


def _scale(state: _State, dataset):
    if "scale" in state.frame:
        per_row = pd.to_numeric(state.frame["scale"], errors="coerce").fillna(dataset.scale).to_numpy(dtype="float64")
        return None if (per_row == 1.0).all() else pa.array(per_row)
    return None if dataset.scale == 1.0 else dataset.scale


def _units(state: _State, dataset):
    if "unit" in state.frame:
        units = pa.array(state.frame["unit"], type=pa.large_string(), from_pandas=True)
        units = pc.fill_null(units, dataset.unit) if dataset.unit else units
    else:
        units = dataset.unit
    if units is None or (not isinstance(units, str) and units.null_count == len(units)):
        state.problems.append(
            Problem(
                "units",
                "no unit given (dataset.unit or value_columns.*.unit): range checks were skipped",
                state.label,
                column="unit",
                severity="warning",
            )
        )
    return units


def _notes(state: _State, dataset, year_note, value_note):
    parts = []
    if "note" in state.frame:
        legend = {str(k).strip(): str(v) for k, v in dataset.options.get("flag_notes", {}).items()}
        parts.append(
            map_distinct(state.strings("note"), lambda v: (note_text(v, legend),), [pa.large_string()]).full(0)
        )
    parts += [a for a in (year_note, value_note) if a is not None and not isinstance(a, str)]
    parts = [p for p in parts if p.null_count < len(p)]
    if not parts:
        return dataset.note
    arrays = [p.to_numpy(zero_copy_only=False) for p in parts]
    present = np.zeros(len(state.frame), dtype=bool)
    for array in arrays:
        present |= pd.notna(array)
    out = np.full(len(state.frame), dataset.note, dtype=object)
    for i in np.flatnonzero(present & state.keep):
        out[i] = "; ".join([*([dataset.note] if dataset.note else []), *(str(a[i]) for a in arrays if pd.notna(a[i]))])
    return pa.array(out, type=pa.large_string())


def _table(columns: dict, keep: np.ndarray) -> pd.DataFrame:
    """Keep the selected rows of every column and build the observations frame in schema order.

    Strings stay large_string (pandas' str storage), so the frame shares Arrow's buffers; the publish step
    casts to the schema's types.
    """
    mask, n, everything = pa.array(keep), int(keep.sum()), bool(keep.all())
    arrays = []
    for spec in OBSERVATIONS:
        value = columns[spec.name]
        kind = pa.large_string() if spec.type == pa.string() else spec.type
        if value is None or isinstance(value, (str, int, float, bool)):
            arrays.append(constant(value, kind, n))
        elif value.null_count == len(value):
            arrays.append(constant(None, kind, n))
        else:
            arrays.append(pc.cast(value if everything else value.filter(mask), kind))
    table = pa.Table.from_arrays(
        [pa.chunked_array([a]) if isinstance(a, pa.Array) else a for a in arrays], names=OBSERVATIONS.names
    )
    # split_blocks: one block per column, so the float columns are not copied into one consolidated 2-D block
    return table.to_pandas(types_mapper={pa.int32(): pd.Int32Dtype()}.get, split_blocks=True)
