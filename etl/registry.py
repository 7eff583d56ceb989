"""The source registry: one YAML file per source in data/registry/, validated by pydantic models.

A registry entry names the publisher, licence and every raw file with its sha256 (the owid/etl snapshot
model: the files stay outside the repository, in DELTA87_RAW_DIR), and describes each dataset in the file
declaratively: format, columns, indicator mapping, unit, scale, nature. Adding a dataset in a supported format
is a YAML edit, no code. README.md ("Adding a dataset") documents the fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from etl.problems import Problem, SourceError

FORMATS = ("wdi", "sdmx-csv", "unsd-hub", "owid", "tidy", "excel", "ddf", "wide", "reference", "commitments")
UNITS = ("percent", "count", "per-1000", "score", "usd", "int-usd", "index", "flag", "years")
AREA_KINDS = ("iso3", "m49", "name", "auto")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RawFile(_Model):
    """A raw file of a source: its path under the raw-data folder and its expected sha256."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: str = "data"


class ValueColumn(_Model):
    """In a `wide` (or per-column) dataset: which indicator, sex and age one value column holds."""

    indicator: str
    sex: str = "total"
    age: str | None = None
    unit: str | None = None
    scale: float | None = None
    note_column: str | None = None  # a column holding footnote flags for this value


class Dataset(_Model):
    """How to read one table out of a raw file and map it onto observations."""

    file: str
    format: Literal[FORMATS]  # type: ignore[valid-type]
    handler: str | None = None  # for reference/commitments: the function that reads it
    options: dict[str, Any] = Field(default_factory=dict)  # format-specific: sheet, header_row, header...
    columns: dict[str, str] = Field(default_factory=dict)  # standard name -> source column
    area_kind: Literal[AREA_KINDS] = "auto"  # type: ignore[valid-type]
    indicator: str | None = None  # fixed indicator code, or ...
    indicator_map: dict[str, str] = Field(default_factory=dict)  # ... source value -> code (others dropped)
    value_columns: dict[str, ValueColumn] = Field(default_factory=dict)
    sex_map: dict[str, str] = Field(default_factory=dict)
    age_map: dict[str, str] = Field(default_factory=dict)
    filters: dict[str, list[str]] = Field(default_factory=dict)  # keep rows whose column is in the list
    sex: str = "total"
    age: str | None = None
    year: int | None = None  # for files that carry no year column
    unit: Literal[UNITS] | None = None  # type: ignore[valid-type]
    scale: float = 1.0
    nature: Literal["measured", "estimated", "modelled", "detected", "reported"] = "measured"
    edition: str | None = None
    note: str | None = None
    # -- What the publisher said about time and comparability (fields used by etl/statement.py) ------------
    # `columns` may also name `survey` (the survey or data source of each value). options.period_flags
    # ({outside: x, nonstandard: y}) names the footnote flags that move a value out of `period` or mark a
    # non-standard age band or definition; options.qualifier_from_note picks "about", "nearly" ... out of
    # the note's quotation.
    period: tuple[int, int] | None = None  # [start, end]: the file gives a reporting period, not a year
    period_text: str | None = None  # its wording, with {start} and {end}, e.g. "most recent survey in {start}-{end}"
    year_is: Literal["reference", "report"] = "reference"  # "report": the year column is a report year
    comparability: str = ""  # rows of one series with different labels are never joined in a trend

    @field_validator("file")
    @classmethod
    def _relative(cls, value: str) -> str:
        if value.startswith("/") or ".." in Path(value).parts:
            raise ValueError("must be a path relative to the raw-data folder, without '..'")
        return value


class Source(_Model):
    """A publisher's product: provenance, licence, raw files and the datasets read from them."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    publisher: str
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

    def file(self, path: str) -> RawFile:
        for raw in self.files:
            if raw.path == path:
                return raw
        raise KeyError(path)


def load_source(path: Path) -> Source:
    """Read and validate one registry file; SourceError names the file and the field at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError([Problem("registry", f"cannot read registry entry: {exc}", str(path))]) from exc
    try:
        source = Source.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem("registry", err["msg"], str(path), column=".".join(str(p) for p in err["loc"]))
            for err in exc.errors()
        ]
        raise SourceError(problems) from exc
    if source.id != path.stem:
        raise SourceError([Problem("registry", f"id {source.id!r} must equal the file name", str(path), column="id")])
    known = {f.path for f in source.files}
    missing = [
        Problem("registry", "dataset file is not listed under files", str(path), column="datasets.file", value=d.file)
        for d in source.datasets
        if d.file not in known
    ]
    if missing:
        raise SourceError(missing)
    return source


def load_registry(folder: Path, only: list[str] | None = None) -> list[Source]:
    """Every source in the registry folder (or the named ones), sorted by id."""
    paths = sorted(folder.glob("*.yaml"))
    if only:
        unknown = sorted(set(only) - {p.stem for p in paths})
        if unknown:
            raise SourceError(
                [
                    Problem(
                        "registry", f"unknown source {name!r}; known: {', '.join(p.stem for p in paths)}", str(folder)
                    )
                    for name in unknown
                ]
            )
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
