"""The source registry: one YAML file per source in data/registry/, validated by typed pydantic models.

A registry entry names the publisher, licence and every raw file with its sha256 (the owid/etl snapshot
model: the files stay outside the repository, in DELTA87_RAW_DIR), and describes each dataset in the file
declaratively: format, columns, indicator mapping, unit, scale, nature, and the format's `options`
(etl/options.py). Unknown keys and malformed values are refused in plain words naming the dataset and the
fix: pydantic's `datasets.0.options.owid.rnage: Extra inputs are not permitted` becomes `dataset 1 (file
owid/x.csv): options.rnage: unknown option 'rnage' (did you mean 'range'?); allowed: …`. README.md
("Adding a dataset") documents every field; its reference tables are generated from these models
(etl/registry_doc.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from etl.options import OPTION_MODELS, OptionModel, TextMap, Texts, did_you_mean, keyed, option_names, unknown_message
from etl.problems import Problem, SourceError
from warehouse.schema import NATURES, SEXES

FORMATS = ("wdi", "sdmx-csv", "unsd-hub", "owid", "tidy", "excel", "ddf", "wide", "reference", "commitments")
#: Formats whose datasets become observations (the others are read by a `handler`).
DATA_FORMATS = FORMATS[:8]
UNITS = ("percent", "count", "per-1000", "score", "usd", "int-usd", "index", "flag", "years", "category")
AREA_KINDS = ("iso3", "m49", "name", "auto")
#: The observation columns a dataset may take from a file column (`columns: {name: file column}`), each with
#: what it holds. A new mappable column is one line here.
COLUMNS: dict[str, str] = {
    "area": "the country or area: ISO3 code, M49 code or name (see `area_kind`); required",
    "area_alt": "a second spelling of the area (name or M49 code), used when `area` is empty or unknown",
    "area_type": 'the file\'s own "aggregate"/"country" marker: an aggregate unknown to aggregates.csv is dropped',
    "year": "the year as published (2019, 2019-2020, '2018 x'); required unless `year` is set",
    "value": "the value as published (12.5, 1,282, <5, ..); required",
    "indicator": "the file's indicator or series code (mapped with `indicator_map`)",
    "sex": "sex (mapped with `sex_map`; the usual codes such as F, M, _T, BOTHSEX are known)",
    "age": "age band (mapped with `age_map`; codes such as Y5T17 become 5-17)",
    "lower": "lower bound of the value",
    "upper": "upper bound of the value",
    "note": "footnote or comment of the value (kept in the observation's note)",
    "survey": "the survey or data source the publisher names for the value, e.g. `MICS 2014`",
    "unit": "a per-row unit, used where the dataset sets none",
    "scale": "a per-row multiplier, used instead of the dataset's `scale`",
}
#: Columns the `reference` handlers read (etl/country_attributes.py).
REFERENCE_COLUMNS = ("area", "region")
#: Longest short display names: a card's source line must fit in two lines of a quarter-width card at desktop width.
SHORT_NAME, SHORT_EDITION = 48, 56
Code = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
Sex = Literal[SEXES]  # type: ignore[valid-type]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RawFile(_Model):
    """A raw file of a source: its path under the raw-data folder and its expected sha256."""

    path: str = Field(description="the file's path under DELTA87_RAW_DIR")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="`sha256sum` of the file (64 hex digits)")
    role: Literal["data", "metadata", "documentation", "original"] = Field(
        "data",
        description="`data`; `metadata`, `documentation` or `original` (the publisher's own file that a "
        "data file was converted from) for files kept for provenance only",
    )


class ValueColumn(_Model):
    """In a `wide` or `excel` dataset: which indicator, sex and age one value column holds."""

    indicator: Code = Field(description="the indicator code (defined in indicators.yaml)")
    sex: Sex = Field("total", description="`total`, `female` or `male`")
    age: str | None = Field(None, description="age band, e.g. `5-17`, `under 18`, `all ages`")
    unit: Literal[UNITS] | None = Field(None, description="unit of this column (default: the dataset's)")  # type: ignore[valid-type]
    scale: float | None = Field(None, gt=0, description="multiplier of this column (default: the dataset's)")
    note_column: str | None = Field(None, description="the column holding this value's footnote flags")


class Dataset(_Model):
    """How to read one table out of a raw file and map it onto observations."""

    file: str = Field(description="one of the source's `files`")
    format: Literal[FORMATS] = Field(description="how the file is laid out (see Formats)")  # type: ignore[valid-type]
    handler: str | None = Field(None, description="`reference`/`commitments` only: the function reading the file")
    options: Annotated[OptionModel, Field(discriminator="format")] | None = Field(
        None, description="the format's settings (see Options)"
    )
    columns: TextMap = Field(default_factory=dict, description="observation column → the file's column (see Columns)")
    area_kind: Literal[AREA_KINDS] = Field(  # type: ignore[valid-type]
        "auto", description="how `area` is written: `iso3`, `m49`, `name`, or `auto` (codes, then names)"
    )
    indicator: Code | None = Field(None, description="the indicator of every row (a code in indicators.yaml)")
    indicator_map: keyed(Code) = Field(
        default_factory=dict,
        description="the file's indicator code → ours; rows of other codes are dropped; each key must occur",
    )
    value_columns: dict[str, ValueColumn] = Field(
        default_factory=dict, description="`wide`/`excel`: file column → what it holds (see Value columns)"
    )
    filters: keyed(Texts) = Field(
        default_factory=dict, description="file column → the values to keep, e.g. `{Sex: [Total, Female]}`"
    )
    sex: Sex = Field("total", description="the sex of every row when the file has no sex column")
    sex_map: keyed(Literal[SEXES + ("drop",)]) = Field(  # type: ignore[valid-type]
        default_factory=dict, description="the file's sex value → `total`/`female`/`male`, or `drop` to leave out"
    )
    age: str | None = Field(None, description="the age band of every row (also of empty age cells)")
    age_map: TextMap = Field(
        default_factory=dict, description="the file's age value → our age band, e.g. `{Y5T17: 5-17}`"
    )
    year: int | None = Field(None, description="the year of every row, for files without a year column")
    unit: Literal[UNITS] | None = Field(  # type: ignore[valid-type]
        None, description="the unit of the published values: must equal the indicator's unit in indicators.yaml"
    )
    scale: float = Field(1.0, gt=0, description="multiplies every value: 100 for fractions, 1000 for thousands, 0.1 "
                         "for per-1000 into percent")  # fmt: skip
    nature: Literal[NATURES] = Field(
        "measured", description="`measured`, `estimated`, `modelled`, `detected` or `reported`"
    )  # type: ignore[valid-type]
    edition: str | None = Field(None, description="the edition of these figures (default: the source's)")
    short_name: str | None = Field(
        None,
        max_length=SHORT_EDITION,
        description=f"this edition's name in the source line under charts, e.g. `ILO & UNICEF (2021), Child Labour: "
        f"Global estimates 2020` (at most {SHORT_EDITION} characters; default: the source's `short_name`)",
    )
    note: str | None = Field(None, description="a note added to every observation")

    # What the publisher said about time and comparability (read by etl/statement.py).
    period: tuple[int, int] | None = Field(
        None, description="`[start, end]`: the file gives a reporting period, not a year (the year stays empty)"
    )
    period_text: str | None = Field(
        None,
        description="the period in the publisher's words, with {start} and {end}, e.g. \"most recent survey "
        'in {start}-{end}"',
    )
    year_is: Literal["reference", "report"] = Field(
        "reference", description="`report`: the year column is the year of the report, not of the data"
    )
    comparability: str = Field(
        "", description="a label: rows of one series with different labels are never joined in a trend"
    )

    @model_validator(mode="before")
    @classmethod
    def _options_of_format(cls, data: Any) -> Any:
        """The options are validated by the model of the dataset's format (etl/options.py)."""
        if not isinstance(data, dict) or isinstance(data.get("options"), BaseModel):
            return data
        options, fmt = data.get("options"), data.get("format")
        data = dict(data)
        if fmt not in OPTION_MODELS:
            data.pop("options", None)  # the format itself is refused; its options cannot be judged
        elif options is None or isinstance(options, dict):
            if isinstance(options, dict) and "format" in options:
                raise ValueError("`format` belongs to the dataset, not under `options`")
            data["options"] = {**(options or {}), "format": fmt}
        return data

    @field_validator("file")
    @classmethod
    def _relative(cls, value: str) -> str:
        if value.startswith("/") or ".." in Path(value).parts:
            raise ValueError("must be a path relative to the raw-data folder, without '..'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Dataset:
        """Fields that only make sense together, or for some formats."""
        allowed = list(REFERENCE_COLUMNS if self.format == "reference" else COLUMNS)
        for key in self.columns:
            if key not in allowed:
                raise ValueError(f"columns: {unknown_message(key, allowed, 'column')}")
        if self.format in DATA_FORMATS and self.handler is not None:
            raise ValueError(f"`handler` is for the reference and commitments formats, not {self.format}")
        if self.format not in DATA_FORMATS and not self.handler:
            raise ValueError(f"format {self.format} needs a `handler` naming the function that reads the file")
        if self.indicator and self.indicator_map:
            raise ValueError("set either `indicator` (one code for every row) or `indicator_map`, not both")
        if self.value_columns and self.format not in ("wide", "excel"):
            raise ValueError(f"`value_columns` is for the wide and excel formats, not {self.format}")
        if self.options is None and self.format in OPTION_MODELS:
            self.options = OPTION_MODELS[self.format](format=self.format)
        return self


class Source(_Model):
    """A publisher's product: provenance, licence, raw files and the datasets read from them."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="the registry file's name without `.yaml`")
    publisher: str = Field(description="who published the data")
    short_name: str = Field(
        max_length=SHORT_NAME,
        description=f"the source's name in the source line under charts and cards, e.g. `UNICEF Data Warehouse` "
        f"(at most {SHORT_NAME} characters; the full record is on /sources/<id>)",
    )
    title: str = Field(description="the product's title")
    edition: str = Field(description="the edition or vintage")
    url: str = Field(description="the publisher's original location")
    obtained_from: str = Field(description="how and where the snapshot was obtained")
    licence: str = Field(description="the licence, as the publisher states it")
    redistribution: bool = Field(description="`false` keeps the figures out of every download")
    retrieved: str = Field(description="when the snapshot was retrieved")
    citation: str = Field(description="how to cite the source")
    caveats: str = Field("", description="what users must know when reading the figures")
    files: list[RawFile] = Field(description="every raw file, with its sha256")
    datasets: list[Dataset] = Field(default_factory=list, description="the tables read from the files")

    def file(self, path: str) -> RawFile:
        for raw in self.files:
            if raw.path == path:
                return raw
        raise KeyError(path)


def load_source(path: Path) -> Source:
    """Read and validate one registry file; SourceError names the file, the dataset and the fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError([Problem("registry", f"cannot read registry entry: {exc}", str(path))]) from exc
    if not isinstance(data, dict):
        raise SourceError([Problem("registry", "a registry entry is a mapping of field: value", str(path))])
    try:
        source = Source.model_validate(data)
    except ValidationError as exc:
        raise SourceError(plain_problems(exc, data, str(path))) from exc
    if source.id != path.stem:
        message = f"id {source.id!r} must equal the file name ({path.stem!r}): rename the file or fix the id"
        raise SourceError([Problem("registry", message, str(path))])
    known = {f.path for f in source.files}
    missing = [
        Problem("registry", f"dataset {n} (file {d.file}): the file is not listed under `files`; add it with its "
                "sha256 (sha256sum FILE)", str(path), source=source.id, dataset=n)
        for n, d in enumerate(source.datasets, start=1)
        if d.file not in known
    ]  # fmt: skip
    if missing:
        raise SourceError(missing)
    return source


def load_registry(folder: Path, only: list[str] | None = None) -> list[Source]:
    """Every source in the registry folder (or the named ones), sorted by id."""
    paths = sorted(folder.glob("*.yaml"))
    if only:
        unknown = sorted(set(only) - {p.stem for p in paths})
        if unknown:
            known = ", ".join(p.stem for p in paths)
            raise SourceError([Problem("registry", f"unknown source {name!r}; known: {known}", str(folder))
                               for name in unknown])  # fmt: skip
        paths = [p for p in paths if p.stem in only]
    problems, sources = [], []
    for path in paths:
        try:
            sources.append(load_source(path))
        except SourceError as exc:
            problems += exc.problems
    if problems:
        raise SourceError(problems)
    return sources


# ------------------------------------------------------------------------------------- errors in plain words


def plain_problems(exc: ValidationError, data: Any, label: str, root: type[BaseModel] = Source) -> list[Problem]:
    """One Problem per validation error of `data` (a registry entry, or one dataset when `root` is Dataset)."""
    problems = []
    for error in exc.errors():
        loc = error["loc"] if root is Source else ("datasets", 0, *error["loc"])
        shown = loc[:-1] if error["type"] == "extra_forbidden" else loc  # the message names the unknown key
        where, field = _where(shown, data if root is Source else {"datasets": [data]})
        dataset = loc[1] + 1 if len(loc) > 1 and loc[0] == "datasets" and isinstance(loc[1], int) else None
        if root is not Source:  # one dataset given on the command line: the field is the place
            message = f"{field}: {_message(error, loc)}" if field else _message(error, loc)
            problems.append(Problem("registry", message, label, column=field or None))
            continue
        text = "".join(f"{part}: " for part in (where, field) if part)
        problems.append(Problem("registry", text + _message(error, loc), label, dataset=dataset))
    return problems


def _where(loc: tuple, data: Any) -> tuple[str, str]:
    """('dataset 2 (file owid/x.csv)', 'options.range') for a pydantic location."""
    parts, where = list(loc), ""
    if len(parts) >= 2 and parts[0] in ("datasets", "files") and isinstance(parts[1], int):
        kind, index = parts[:2]
        item = _item(data, kind, index)
        name = item.get("file" if kind == "datasets" else "path") if isinstance(item, dict) else None
        where = f"{kind[:-1].replace('datasets', 'dataset')} {index + 1}" + (f" (file {name})" if name else "")
        parts = parts[2:]
    if len(parts) >= 2 and parts[0] == "options" and parts[1] in OPTION_MODELS:
        parts.pop(1)  # the format, which chose the options model
    shown = [p if isinstance(p, str) and p.isidentifier() else repr(p) for p in parts if p != "[key]"]
    return where, ".".join(str(p) for p in shown)


def _item(data: Any, kind: str, index: int) -> Any:
    items = data.get(kind) if isinstance(data, dict) else None
    return items[index] if isinstance(items, list) and index < len(items) else None


def _message(error: dict, loc: tuple) -> str:
    """The error in plain words, with the allowed values and a "did you mean" where one is close."""
    kind, given = error["type"], error.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "missing":
        return "missing: this field is required"
    if kind == "literal_error":
        allowed = [a.strip("'") for a in error["ctx"]["expected"].replace(" or ", ", ").split(", ")]
        return f"{given!r} is not allowed{did_you_mean(str(given), allowed)}; allowed: {', '.join(allowed)}"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        return f"{given!r} is not a code: use lowercase letters, digits and _ only"
    return f"{error['msg'][0].lower()}{error['msg'][1:]} (got {given!r})"


def _unknown_key(loc: tuple) -> str:
    """An unknown key, with the keys its model allows and a hint when it belongs one level up or down."""
    key, parent = loc[-1], loc[:-1]
    if parent[-2:-1] == ("options",) and parent[-1] in OPTION_MODELS:
        allowed = option_names(OPTION_MODELS[parent[-1]])
        message = unknown_message(key, allowed, "option", f" for format {parent[-1]}")
        return message + (
            f". `{key}` is a dataset field: move it out of `options`" if key in Dataset.model_fields else ""
        )
    model = _model_at(parent)
    allowed = [name for name in model.model_fields] if model else []
    message = unknown_message(key, allowed, "field")
    if model is Dataset:
        formats = [fmt for fmt, options in OPTION_MODELS.items() if key in options.model_fields]
        if formats:
            message += f". `{key}` is an option ({', '.join(formats)}): put it under `options:`"
    return message


def _model_at(parent: tuple) -> type[BaseModel] | None:
    """The model whose fields are allowed at `parent` (a location inside a registry entry)."""
    match parent:
        case ():
            return Source
        case ("files", int()):
            return RawFile
        case ("datasets", int()):
            return Dataset
        case ("datasets", int(), "value_columns", str()):
            return ValueColumn
    return None
