"""The `options:` of a registry dataset: one pydantic model per format, each refusing keys it does not know."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

#: Plausible years when a dataset says nothing (options.year_range widens or narrows it): historical series
#: such as Our World in Data's start in the 18th century; publishers date some estimates a year ahead.
FIRST_YEAR = 1750


def last_year() -> int:
    """The latest plausible year by default: next year."""
    return dt.date.today().year + 1


def did_you_mean(given: str, allowed: list[str]) -> str:
    """' (did you mean 'range'?)' when one or two allowed values are close to `given`; '' otherwise."""
    close = difflib.get_close_matches(given, allowed, n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def unknown_message(key: object, allowed: list[str], what: str = "field", context: str = "") -> str:
    """ "unknown option 'rnage' (did you mean 'range'?); allowed: …" for a key a model does not know."""
    hint = did_you_mean(str(key), allowed)
    return f"unknown {what} {str(key)!r}{context}{hint}; allowed: {', '.join(allowed) or 'none'}"


def _pair(value: Any) -> Any:
    """A [low, high] bound pair, either end null; anything else is refused with the expected syntax."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError(
            f"must be a list of two bounds [low, high] (null for an open end), e.g. [0, 100]; got {value!r}"
        )
    low, high = value
    if all(isinstance(v, (int, float)) for v in value) and low > high:
        raise ValueError(f"the first bound must not exceed the second; got {value!r}")
    return tuple(value)


Bounds = Annotated[tuple[float | None, float | None], BeforeValidator(_pair)]
YearBounds = Annotated[tuple[int | None, int | None], BeforeValidator(_pair)]


def _texts(value: Any) -> Any:
    """A list of texts; a single text or number stands for a list of one, numbers are read as written."""
    items = value if isinstance(value, list) else [value]
    return [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in items]


def _text_keys(value: Any) -> Any:
    """Mapping keys as text: YAML reads `18: 18+` with a number key."""
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value


def keyed(value_type: Any) -> Any:
    """A mapping type whose keys are read as text."""
    return Annotated[dict[str, value_type], BeforeValidator(_text_keys)]


Texts = Annotated[list[str], BeforeValidator(_texts)]
TextMap = keyed(str)


class Options(BaseModel):
    """Base of every options model: unknown keys are refused; `format` is the discriminator, set by the dataset."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: str = Field(exclude=True, repr=False)


class PeriodFlags(BaseModel):
    """Footnote flags about time and definition (etl/statement.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    outside: str | None = None
    nonstandard: str | None = None


class HarmoniseOptions(Options):
    """Options of every format whose cells become observations."""

    range: Bounds | None = None
    year_range: YearBounds | None = None
    thousands: Literal[","] | None = None
    on_duplicate: Literal["error", "drop"] = "error"
    unknown_areas: Literal["error", "drop"] = "error"
    flag_notes: TextMap = Field(default_factory=dict)
    period_flags: PeriodFlags | None = None
    qualifier_from_note: bool = False
    value_map: keyed(float | None) = Field(default_factory=dict)


class CsvOptions(HarmoniseOptions):
    """Options of the delimited-text formats."""

    format: Literal["wdi", "sdmx-csv", "unsd-hub", "owid", "tidy", "ddf", "wide"] = Field(exclude=True, repr=False)
    encoding: str = "utf-8"
    delimiter: Literal[",", ";", "|", "tab"] = ","
    header_row: int | None = Field(None, ge=1)
    header: Texts | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; e.g. utf-8, cp1252, latin-1, utf-16") from None
        return value


class ExcelOptions(HarmoniseOptions):
    format: Literal["excel"] = Field(exclude=True, repr=False)
    sheet: str | int | None = None
    header_row: int | list[int] = 1
    stop_at_blank: bool = True
    end_markers: Texts | None = None
    aggregates_after: str | None = None
    note_flags: Literal["next"] | None = None


class ReferenceOptions(Options):
    format: Literal["reference"] = Field(exclude=True, repr=False)
    sheet: str | int | None = None
    groups_sheet: str | None = None


class CommitmentOptions(Options):
    format: Literal["commitments"] = Field(exclude=True, repr=False)
    instrument: str | None = None
    as_of: Annotated[str | None, BeforeValidator(lambda v: None if v is None else str(v))] = None
    instruments: TextMap = Field(default_factory=dict)
    as_of_text: TextMap = Field(default_factory=dict)
    source_labels: TextMap = Field(default_factory=dict)


_MODELS = (CsvOptions, ExcelOptions, ReferenceOptions, CommitmentOptions)
OptionModel = Union[_MODELS]  # noqa: UP007 - the union of a tuple of models
#: format → its options model
OPTION_MODELS: dict[str, type[Options]] = {
    fmt: model for model in _MODELS for fmt in model.model_fields["format"].annotation.__args__
}


def option_names(model: type[Options]) -> list[str]:
    """The keys a user may write for `model` (its fields, without the discriminator)."""
    return [name for name in model.model_fields if name != "format"]
