"""The steps of harmonise: each maps the distinct values of a raw column in Python and joins the result in SQL."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from etl import checks, db
from etl.adapters.cells import NUMBER, normalise_age, note_text, parse_value, parse_year, sex_of
from etl.adapters.table import FILTER, RAW, RawTable
from etl.options import FIRST_YEAR, last_year
from etl.problems import Problem
from etl.registry import Dataset
from warehouse.schema import SEXES

_TEXT, _INT, _FLOAT, _BOOL = pa.string(), pa.int32(), pa.float64(), pa.bool_()
_PLAIN = rf"\s*{NUMBER}\s*"


class Plan:
    """What the steps found so far: joins, output columns, drop conditions, problems."""

    def __init__(self, con, raw: RawTable, dataset: Dataset, label: str):
        self.con, self.raw, self.dataset, self.label = con, raw, dataset, label
        self.columns = set(raw.columns)
        self.joins: list[str] = []
        self.outputs: dict[str, str] = {}  # OBSERVATIONS column -> SQL
        self.extras: dict[str, str] = {}  # helper columns of `stage` for messages and counts
        self.conditions: list[tuple[int, str]] = []  # (stage, condition that drops the row there)
        self.problems: list[Problem] = []
        self.fatal = False  # the registry entry cannot work for this file: no row is kept
        self.stages: dict[int, int] = {}  # rows dropped per stage (filled by harmonise)
        self.thousands: list[str] = []  # distinct values written with thousand separators
        self.more_drops: Counter = Counter()

    def column(self, name: str) -> str:
        """The file's name for a standard column."""
        return self.raw.source_columns.get(name, name)

    def distinct(self, *names: str) -> list[tuple]:
        return self.con.execute(f"SELECT DISTINCT {', '.join(db.ident(n) for n in names)} FROM {RAW}").fetchall()

    def mapping(self, name: str, keys: list[str], rows: list[tuple], schema: list[tuple[str, pa.DataType]]) -> str:
        """Load a mapping table (its first columns are the raw `keys`) and join it; returns its alias."""
        types = pa.schema([(f"k_{k}", _TEXT) for k in keys] + schema)
        db.values_table(self.con, f"m_{name}", rows, types)
        match = " AND ".join(f"r.{db.ident(k)} = m_{name}.k_{k}" for k in keys)
        self.joins.append(f"LEFT JOIN m_{name} ON {match}")
        return f"m_{name}"

    def drop_when(self, stage: int, condition: str, possible: bool = True) -> None:
        """Rows meeting `condition` are dropped at `stage` (only added when some distinct value can meet it)."""
        if possible:
            self.conditions.append((stage, condition))

    def registry_problem(self, message: str, column: str) -> None:
        """The registry entry cannot work for this file: nothing is kept."""
        self.problems.append(Problem("registry", message, self.label, column=column))
        self.fatal = True

    def define_stage(self) -> None:
        """The view `stage`: raw position, outputs, helper columns, and `_stage` (the first step dropping the row)."""
        stage = " ".join(f"WHEN {condition} THEN {number}" for number, condition in self.conditions)
        columns = {**self.outputs, **self.extras, "_stage": f"CASE {stage} END" if stage else "NULL::INTEGER"}
        listed = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
        position = "r._row, r._order" + (", r._column" if "_column" in self.columns else "")
        self.con.execute(f"CREATE TEMP VIEW stage AS SELECT {position}, {listed} FROM {RAW} r {' '.join(self.joins)}")

    def flagged(self, condition: str, name: str, text: str) -> checks.Flagged:
        """The rows of `stage` meeting `condition` as (row, file column, text as written), in file order."""
        column = "_column" if name == "value" and "_column" in self.columns else db.literal(self.column(name))
        sql = f"SELECT _row, {column}, {text} FROM stage WHERE {condition} ORDER BY _row, _order"
        return self.con.execute(sql).fetchall()


def filters(plan: Plan, wanted: dict[str, list]) -> None:
    """The registry's `filters`: keep rows whose column holds one of the listed values."""
    kept, possible = [], False
    for key, allowed in wanted.items():
        named = (k for k, v in plan.raw.source_columns.items() if v == key)
        name = next((n for n in (FILTER + key, key, *named) if n in plan.columns), None)
        if name is None:
            message = f"filter column {key!r} is not in the file"
            plan.problems.append(Problem("registry", message, plan.label, column=key))
            continue
        allowed, found = set(allowed), plan.distinct(name)
        values = [text for (text,) in found if text.strip() in allowed]
        kept.append(f"r.{db.ident(name)} IN ({', '.join(db.literal(v) for v in values)})" if values else "FALSE")
        possible = possible or len(values) < len(found)
    plan.drop_when(1, f"NOT ({' AND '.join(kept)})", possible)


def indicator(plan: Plan, dataset: Dataset, default: str | None) -> None:
    """The indicator: mapped (`indicator_map`, others dropped), fixed, or the file's own codes."""
    if dataset.indicator_map:
        if "indicator" not in plan.columns:
            message = "indicator_map is set but the file has no indicator column (columns.indicator)"
            return plan.registry_problem(message, "indicator_map")
        codes = dataset.indicator_map
        rows = [(text, codes.get(text.strip())) for (text,) in plan.distinct("indicator")]
        _check_map_keys(plan, codes, {text.strip() for text, _code in rows})
        alias = plan.mapping("indicator", ["indicator"], rows, [("code", _TEXT)])
        plan.outputs["indicator"] = f"{alias}.code"
        plan.drop_when(2, f"{alias}.code IS NULL", any(code is None for _text, code in rows))
    elif dataset.indicator or ("indicator" not in plan.columns and default):
        plan.outputs["indicator"] = db.literal(dataset.indicator or default)
    elif "indicator" in plan.columns:
        rows = [(text, text.strip()) for (text,) in plan.distinct("indicator")]
        plan.outputs["indicator"] = f"{plan.mapping('indicator', ['indicator'], rows, [('code', _TEXT)])}.code"
    else:
        plan.registry_problem("no indicator: set `indicator` or `indicator_map` in the registry entry", "indicator")


def _check_map_keys(plan: Plan, codes: dict[str, str], found: set[str]) -> None:
    """Every indicator_map key must occur in a row that the filters keep."""
    kept = found
    if plan.conditions and set(codes) - found != set(codes):
        (_stage, removed) = plan.conditions[0]  # the filters, the only step before this one
        sql = f"SELECT DISTINCT trim(r.indicator) FROM {RAW} r WHERE NOT ({removed})"
        kept = {text for (text,) in plan.con.execute(sql).fetchall()}
    problems = checks.check_map_keys(codes, found, kept, plan.label, plan.column("indicator"))
    if problems:
        plan.problems += problems
        plan.fatal = True


def area(plan: Plan, resolver, kind: str) -> None:
    """The area: an ISO3 or region code (status 0); unknown 1, aggregate without a code 2, dropped 3, empty 4."""
    parts = [name for name in ("area", "area_alt", "area_type") if name in plan.columns]
    rows = []
    for values in plan.distinct(*parts):
        cells = dict(zip(parts, values, strict=True))
        code, status, name = resolver.locate(cells["area"], cells.get("area_alt", ""), cells.get("area_type", ""), kind)
        rows.append((*values, code, status, name))
    alias = plan.mapping("area", parts, rows, [("code", _TEXT), ("status", _INT), ("name", _TEXT)])
    plan.outputs["iso3"] = f"{alias}.code"
    plan.extras.update({"_area_status": f"{alias}.status", "_area_name": f"{alias}.name"})
    plan.drop_when(3, f"{alias}.status <> 0", any(row[-2] != 0 for row in rows))


def sex(plan: Plan, dataset: Dataset) -> None:
    """Sex: the registry's `sex_map`, then the usual codes; other values ('Unknown') are dropped."""
    if "sex" not in plan.columns:
        plan.outputs["sex"], plan.extras["_sex_text"] = db.literal(dataset.sex), "NULL"
        return
    codes = {str(k).strip(): v for k, v in dataset.sex_map.items()}
    rows = [(text, _sex(text.strip(), codes, dataset.sex), text.strip()) for (text,) in plan.distinct("sex")]
    alias = plan.mapping("sex", ["sex"], rows, [("code", _TEXT), ("text", _TEXT)])
    plan.outputs["sex"], plan.extras["_sex_text"] = f"{alias}.code", f"{alias}.text"
    plan.drop_when(4, f"{alias}.code IS NULL", any(code is None for _text, code, _cell in rows))


def _sex(cell: str, codes: dict[str, str], default: str) -> str | None:
    if not cell:
        return default
    if cell in codes:
        return codes[cell] if codes[cell] in SEXES else None
    return sex_of(cell)


def age(plan: Plan, dataset: Dataset) -> None:
    """Age bands: the registry's `age_map`, then the usual codes ('Y5T17' → '5-17'); empty cells the default."""
    if "age" not in plan.columns:
        plan.outputs["age"] = db.literal(dataset.age)
        return
    codes = {str(k).strip(): v for k, v in dataset.age_map.items()}
    rows = []
    for (text,) in plan.distinct("age"):
        cell = text.strip()
        rows.append((text, (codes[cell] if cell in codes else normalise_age(cell)) if cell else dataset.age))
    plan.outputs["age"] = f"{plan.mapping('age', ['age'], rows, [('code', _TEXT)])}.code"


def year_window(dataset: Dataset) -> tuple[int, int]:
    """The plausible years of a dataset: options.year_range, each end defaulting to etl.options' window."""
    first, last = dataset.options.year_range or (None, None)
    return (FIRST_YEAR if first is None else first, last_year() if last is None else last)


def year(plan: Plan, fixed: int | None) -> None:
    """The year as published: status 0 a year, 1 empty, 2 not a year, 3 implausible; period and flags in notes."""
    if "year" not in plan.columns:
        if fixed is None:
            message = "no year: map columns.year to the file's year column, or set `year` in the registry entry"
            return plan.registry_problem(message, "year")
        plan.outputs["year"] = str(int(fixed))
        plan.extras.update({"_year_note": "NULL", "_year_status": "0", "_year_text": "''"})
        return
    rows, (first, last) = [], year_window(plan.dataset)
    for (text,) in plan.distinct("year"):
        found, note = parse_year(text)
        status = 1 if not text.strip() else 2 if found is None else 0
        status = 3 if status == 0 and not first <= found <= last else status
        rows.append((text, found if status == 0 else None, note, status))
    alias = plan.mapping("year", ["year"], rows, [("year", _INT), ("note", _TEXT), ("status", _INT)])
    plan.outputs["year"] = f"{alias}.year"
    plan.extras.update({"_year_note": f"{alias}.note", "_year_status": f"{alias}.status", "_year_text": "r.year"})
    plan.drop_when(5, f"{alias}.status = 1", any(row[-1] == 1 for row in rows))
    plan.drop_when(6, f"{alias}.status > 1", any(row[-1] > 1 for row in rows))


#: The parse status of a value cell that `options.value_map` does not list (parse_value uses 0 to 4).
UNMAPPED = 5


def values(plan: Plan, unit: str | None) -> None:
    """Value and bounds: plain numbers cast in SQL, every other distinct text parsed by parse_value."""
    codes = plan.dataset.options.value_map
    if codes:
        return coded_values(plan, codes)
    rows = [(t, *parse_value(t, unit)) for (t,) in plan.con.execute(_odd("value")).fetchall()]
    plan.thousands = [row[0] for row in rows if row[6] == 3]
    schema = [("value", _FLOAT), ("lower", _FLOAT), ("upper", _FLOAT), ("censored", _BOOL), ("note", _TEXT),
              ("status", _INT)]  # fmt: skip
    m = plan.mapping("value", ["value"], rows, schema)
    plan.outputs["value"] = f"CASE WHEN {m}.k_value IS NULL THEN {_cast('r.value')} ELSE {m}.value END"
    plan.outputs["censored"] = f"coalesce({m}.censored, FALSE)"
    plan.extras.update(_value_note=f"{m}.note", _value_status=f"coalesce({m}.status, 0)", _value_text="r.value")
    plan.drop_when(7, f"{m}.status = 4", any(row[6] == 4 for row in rows))
    plan.drop_when(8, f"{m}.status = 1 AND {m}.value IS NULL", any(row[6] == 1 and row[1] is None for row in rows))
    failed, possible = [], False
    for bound in ("lower", "upper"):
        plan.outputs[bound], status, odd = _bound(plan, bound, unit, f"{m}.{bound}")
        plan.extras[f"_{bound}_status"] = status
        plan.extras[f"_{bound}_text"] = f"r.{bound}" if bound in plan.columns else "''"
        failed.append(f"{status} = 4")
        possible = possible or odd
    plan.drop_when(9, " OR ".join(failed), possible)


def coded_values(plan: Plan, codes: dict[str, float | None]) -> None:
    """`options.value_map`: each value cell is a code; `null` or empty is "no value", an unlisted code an error."""
    rows = []
    for (text,) in plan.distinct("value"):
        code = (text or "").strip()
        if code in codes:
            rows.append((text, codes[code], 0 if codes[code] is not None else 1))
        else:
            rows.append((text, None, 1 if code == "" else UNMAPPED))
    m = plan.mapping("value", ["value"], rows, [("value", _FLOAT), ("status", _INT)])
    plan.outputs["value"] = f"{m}.value"
    plan.outputs["censored"] = "FALSE"
    plan.extras.update({"_value_note": "NULL", "_value_status": f"coalesce({m}.status, 1)", "_value_text": "r.value"})
    plan.drop_when(7, f"{m}.status = {UNMAPPED}", any(r[2] == UNMAPPED for r in rows))
    plan.drop_when(8, f"{m}.k_value IS NULL OR {m}.status = 1")
    for bound in ("lower", "upper"):
        plan.outputs[bound] = "NULL::DOUBLE"
        plan.extras.update({f"_{bound}_status": "0", f"_{bound}_text": "''"})


def check_codes(flagged: checks.Flagged, codes: dict[str, float | None], label: str) -> list[Problem]:
    """Coded values that `options.value_map` does not list: one problem per code, naming its first row."""
    first: dict[str, tuple] = {}
    counts: Counter = Counter()
    for row, column, text in flagged:
        code = str(text).strip()
        first.setdefault(code, (row, column, text))
        counts[code] += 1
    listed = ", ".join(repr(k) for k in codes)
    message = (
        "code {code!r} ({n} row(s)) is not in options.value_map ({listed}): add it to the map with the number it "
        "stands for, or `null` for no value"
    )
    return [
        Problem("values", message.format(code=code, n=counts[code], listed=listed), label, row, column, text)
        for code, (row, column, text) in first.items()
    ]


def _cast(column: str) -> str:
    return f"TRY_CAST({column} AS DOUBLE)"  # the cast ignores surrounding whitespace


def _odd(name: str) -> str:
    """SQL selecting the distinct texts of a column that are not plain numbers."""
    return f"SELECT DISTINCT {name} FROM {RAW} WHERE NOT regexp_full_match({name}, {db.literal(_PLAIN)})"


def _bound(plan: Plan, name: str, unit: str | None, from_value: str) -> tuple[str, str, bool]:
    """(SQL of a bound, of its parse status, whether a cell is not a number) from its column, else the value's."""
    if name not in plan.columns:
        return from_value, "0", False
    rows = [(t, *parse_value(t, unit)[::5]) for (t,) in plan.con.execute(_odd(name)).fetchall()]
    m = plan.mapping(name, [name], rows, [("parsed", _FLOAT), ("status", _INT)])
    parsed = f"CASE WHEN {m}.k_{name} IS NULL THEN {_cast('r.' + name)} ELSE {m}.parsed END"
    return f"coalesce({parsed}, {from_value})", f"coalesce({m}.status, 0)", any(r[2] == 4 for r in rows)


def _significant(product: str) -> str:
    """A scaled number rounded to 15 significant digits: binary floating point makes 8.2 × 1e6 8199999.999999999,
    more digits than any publisher wrote."""
    digits = f"14 - CAST(floor(log10(abs({product}))) AS INTEGER)"
    return f"CASE WHEN isfinite({product}) AND {product} <> 0 THEN round({product}, {digits}) ELSE {product} END"


def scale_unit_note(plan: Plan, dataset: Dataset) -> None:
    """Scale the numbers, fill the unit, join the notes."""
    scale = db.literal(dataset.scale)
    if "scale" in plan.columns:
        scale = f"coalesce(TRY_CAST(nullif(r.scale, '') AS DOUBLE), {scale})"
    if "scale" in plan.columns or dataset.scale != 1.0:
        for name in ("value", "lower", "upper", "precision"):
            if name in plan.outputs:
                plan.outputs[name] = _significant(f"({plan.outputs[name]}) * {scale}")
    plan.outputs["unit"] = db.literal(dataset.unit)
    if "unit" in plan.columns:
        plan.outputs["unit"] = f"coalesce(nullif(r.unit, ''), {db.literal(dataset.unit)})"
    parts = [db.literal(dataset.note)]
    if "note" in plan.columns:
        legend = {str(k).strip(): str(v) for k, v in dataset.options.flag_notes.items()}
        rows = [(text, note_text(text, legend)) for (text,) in plan.distinct("note")]
        parts.append(f"{plan.mapping('note', ['note'], rows, [('code', _TEXT)])}.code")
    parts += [plan.extras.pop("_year_note", "NULL"), plan.extras.pop("_value_note")]
    plan.outputs["note"] = f"nullif(concat_ws('; ', {', '.join(parts)}), '')"
