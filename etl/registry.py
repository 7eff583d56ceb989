"""The source registry: one YAML file per source in data/registry/, validated by typed pydantic models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from config import unreadable
from etl.options import OPTION_MODELS, OptionModel, TextMap, Texts, did_you_mean, keyed, option_names, unknown_message
from etl.problems import Problem, SourceError
from warehouse.schema import NATURES, SEXES

FORMATS = ("wdi", "sdmx-csv", "unsd-hub", "owid", "tidy", "excel", "ddf", "wide", "reference", "commitments")
#: Formats whose datasets become observations (the others are read by a `handler`).
DATA_FORMATS = FORMATS[:8]
UNITS = ("percent", "count", "per-1000", "score", "usd", "int-usd", "index", "flag", "years", "category")
AREA_KINDS = ("iso3", "m49", "name", "auto")
#: The observation columns a dataset may take from a file column (`columns: {name: file column}`).
COLUMNS = tuple("area area_alt area_type year value indicator sex age lower upper note survey unit scale".split())
#: Columns the `reference` handlers read (etl/country_attributes.py).
REFERENCE_COLUMNS = ("area", "region")
#: Longest short display names: a card's source line must fit in two lines of a quarter-width card at desktop width.
SHORT_NAME, SHORT_EDITION = 48, 56
Code = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
Sex = Literal[SEXES]  # type: ignore[valid-type]


class StrictModel(BaseModel):
    """A model of a staff-edited YAML file: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class RawFile(StrictModel):
    """A raw file of a source: its path under the raw-data folder and its expected sha256."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: Literal["data", "metadata", "documentation", "original"] = "data"


class ValueColumn(StrictModel):
    """In a `wide` or `excel` dataset: which indicator, sex and age one value column holds."""

    indicator: Code
    sex: Sex = "total"
    age: str | None = None
    unit: Literal[UNITS] | None = None  # type: ignore[valid-type]
    scale: float | None = Field(None, gt=0)
    note_column: str | None = None


class Dataset(StrictModel):
    """How to read one table out of a raw file and map it onto observations."""

    file: str
    format: Literal[FORMATS]  # type: ignore[valid-type]
    handler: str | None = None
    options: Annotated[OptionModel, Field(discriminator="format")] | None = None
    columns: TextMap = Field(default_factory=dict)
    area_kind: Literal[AREA_KINDS] = "auto"  # type: ignore[valid-type]
    indicator: Code | None = None
    indicator_map: keyed(Code) = Field(default_factory=dict)
    value_columns: dict[str, ValueColumn] = Field(default_factory=dict)
    filters: keyed(Texts) = Field(default_factory=dict)
    sex: Sex = "total"
    sex_map: keyed(Literal[SEXES + ("drop",)]) = Field(default_factory=dict)  # type: ignore[valid-type]
    age: str | None = None
    age_map: TextMap = Field(default_factory=dict)
    year: int | None = None
    unit: Literal[UNITS] | None = None  # type: ignore[valid-type]
    scale: float = Field(1.0, gt=0)
    nature: Literal[NATURES] = "measured"  # type: ignore[valid-type]
    edition: str | None = None
    short_name: str | None = Field(None, max_length=SHORT_EDITION)
    note: str | None = None
    # What the publisher said about time and comparability (read by etl/statement.py).
    period: tuple[int, int] | None = None
    period_text: str | None = None
    year_is: Literal["reference", "report"] = "reference"
    comparability: str = ""

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
        return self


class Source(StrictModel):
    """A publisher's product: provenance, licence, raw files and the datasets read from them."""

    id: Code
    publisher: str
    short_name: str = Field(max_length=SHORT_NAME)
    title: str
    edition: str
    url: str
    obtained_from: str
    licence: str
    redistribution: bool
    retrieved: str
    citation: str
    caveats: str = ""
    files: list[RawFile]
    datasets: list[Dataset] = Field(default_factory=list)


class _UniqueKeys(yaml.SafeLoader):
    """YAML that refuses a key given twice in one block, which plain YAML lets the last one win silently."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(None, None, "duplicate key", key.start_mark)
                seen.add(key.value)
        return super().construct_mapping(node, deep)


def load_source(path: Path) -> Source:
    """Read and validate one registry file; SourceError names the file, the dataset and the fix."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeys)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError([Problem("registry", f"cannot read registry entry: {unreadable(exc)}", str(path))]) from exc
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


def load_registry(folder: Path, selected: list[str] | None = None) -> list[Source]:
    """Every source in the registry folder, sorted by id; a `selected` id that is none of them is refused."""
    paths = sorted(folder.glob("*.yaml"))
    known = ", ".join(p.stem for p in paths)
    unknown = sorted(set(selected or ()) - {p.stem for p in paths})
    if unknown:
        raise SourceError([Problem("registry", f"unknown source {name!r}; known: {known}", str(folder))
                           for name in unknown])  # fmt: skip
    problems, sources = [], []
    for path in paths:
        try:
            sources.append(load_source(path))
        except SourceError as exc:
            problems += exc.problems
    if problems:
        raise SourceError(problems)
    return sources


def plain_problems(exc: ValidationError, data: Any, label: str, root: type[BaseModel] = Source) -> list[Problem]:
    """One Problem per validation error of `data` (a registry entry, or one dataset when `root` is Dataset)."""
    problems = []
    for error in exc.errors():
        loc = error["loc"] if root is Source else ("datasets", 0, *error["loc"])
        shown = loc[:-1] if error["type"] == "extra_forbidden" else loc  # the message names the unknown key
        where, field = _where(shown, data if root is Source else {"datasets": [data]})
        if root is Source:
            dataset = loc[1] + 1 if len(loc) > 1 and loc[0] == "datasets" and isinstance(loc[1], int) else None
            text = "".join(f"{part}: " for part in (where, field) if part)
            problems.append(Problem("registry", text + _message(error, loc), label, dataset=dataset))
        else:  # one dataset given on the command line: the field is the place
            text = f"{field}: " if field else ""
            problems.append(Problem("registry", text + _message(error, loc), label, column=field or None))
    return problems


def _where(loc: tuple, data: Any) -> tuple[str, str]:
    """('dataset 2 (file owid/x.csv)', 'options.range') for a pydantic location."""
    parts, where = list(loc), ""
    if len(parts) >= 2 and parts[0] in ("datasets", "files") and isinstance(parts[1], int):
        kind, index = parts[:2]
        items = data.get(kind) if isinstance(data, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        name = item.get("file" if kind == "datasets" else "path") if isinstance(item, dict) else None
        where = f"{kind[:-1]} {index + 1}" + (f" (file {name})" if name else "")
        parts = parts[2:]
    if len(parts) >= 2 and parts[0] == "options" and parts[1] in OPTION_MODELS:
        parts.pop(1)  # the format, which chose the options model
    shown = [p if isinstance(p, str) and p.isidentifier() else repr(p) for p in parts if p != "[key]"]
    return where, ".".join(str(p) for p in shown)


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
    if kind == "string_pattern_mismatch" and loc[-1] == "sha256":
        return f"{given!r} is not a sha256: 64 characters 0-9 and a-f (lowercase), as `sha256sum FILE` prints it"
    if kind == "string_pattern_mismatch":
        return f"{given!r} is not a code: use lowercase letters, digits and _ only"
    return f"{error['msg'][0].lower()}{error['msg'][1:]} (got {given!r})"


def _unknown_key(loc: tuple) -> str:
    """An unknown key, with the keys its model allows and a hint when it belongs one level up or down."""
    key, parent = loc[-1], loc[:-1]
    if parent[-2:-1] == ("options",) and parent[-1] in OPTION_MODELS:
        allowed = option_names(OPTION_MODELS[parent[-1]])
        hint = f". `{key}` is a dataset field: move it out of `options`" if key in Dataset.model_fields else ""
        return unknown_message(key, allowed, "option", f" for format {parent[-1]}") + hint
    model = _model_at(parent)
    allowed = list(model.model_fields) if model else []
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
