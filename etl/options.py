"""The `options:` of a registry dataset: one pydantic model per format, each refusing keys it does not know.

`OPTION_MODELS` maps every format to its model. The descriptions are the documentation: README.md's option
reference is generated from them (`python -m etl.registry_doc`), and a test fails when the two differ.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
from typing import Annotated, Any, Literal

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
    numbers = all(isinstance(v, (int, float)) for v in value)
    if numbers and low > high:
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
    outside: str | None = Field(None, description="the flag of a value from outside the reporting period")
    nonstandard: str | None = Field(None, description="the flag of a non-standard age band or definition")


class HarmoniseOptions(Options):
    """Options of every format whose cells become observations."""

    range: Bounds | None = Field(
        None,
        description="`[low, high]`: plausible values, replacing the unit's range (percent 0–100, per-1000 "
        "0–1000, count and years ≥ 0, flag 0 or 1); `null` leaves an end open, e.g. `[-100, 100]`, `[0, null]`",
    )
    year_range: YearBounds | None = Field(
        None,
        description=f"`[first, last]`: plausible years, replacing the default {FIRST_YEAR} to next year; `null` "
        "keeps the default end, e.g. `[1990, null]` (narrower) or `[1500, null]` (older series)",
    )
    thousands: Literal[","] | None = Field(
        None, description='`","`: the file writes thousand separators (1,282 = 1282); silences the ambiguity warning'
    )
    on_duplicate: Literal["error", "drop"] = Field(
        "error",
        description="`drop`: a repeated row is kept once and keys with conflicting values are dropped, each with "
        "a warning; `error` (default): any repeated key refuses the run",
    )
    unknown_areas: Literal["error", "drop"] = Field(
        "error",
        description="`drop`: an area code the country tables do not know (e.g. a publisher's own `gbm`) is dropped "
        "with a warning naming it; `error` (default): it refuses the run until it is added to the alias file",
    )
    flag_notes: TextMap = Field(
        default_factory=dict,
        description='footnote flag → its meaning, e.g. `{x: "data refer to other years"}`: notes spell the flags out',
    )
    period_flags: PeriodFlags | None = Field(
        None,
        description="the footnote flags that say a value lies outside the dataset's `period` (`outside`) or has a "
        "non-standard age band or definition (`nonstandard`), e.g. `{outside: x, nonstandard: y}`",
    )
    qualifier_from_note: bool = Field(
        False, description='`true`: keep the "about", "nearly", "over" … of a figure quoted in the note'
    )
    value_map: keyed(float | None) = Field(
        default_factory=dict,
        description="the file's coded values → the published numbers, `null` for no value, e.g. "
        '`{"1": 1, "3": 2.5, NA: null}`: every value cell must be a key (a code not in the map refuses the run); '
        "the indicator's `value_labels` in indicators.yaml name the numbers",
    )


class CsvOptions(HarmoniseOptions):
    """Options of the delimited-text formats."""

    encoding: str = Field("utf-8", description="the file's text encoding, e.g. `cp1252`, `utf-16` (a BOM is skipped)")
    delimiter: Literal[",", ";", "|", "tab"] = Field(",", description="`,` `;` `|` or `tab`")
    header_row: int | None = Field(
        None,
        ge=1,
        description="1-based line of the header (default: the first non-blank line; `wdi`: found by content)",
    )
    header: Texts | None = Field(None, description="a list of column names replacing a broken header line")
    note_markers: Texts | None = Field(
        None, description="texts that start the area cell of a footnote row (default: Note, Source, *, † …)"
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; e.g. utf-8, cp1252, latin-1, utf-16") from None
        return value


class SeriesOptions(CsvOptions):
    """`owid` and `ddf`: one value column named after the series."""

    format: Literal["owid", "ddf"] = Field(exclude=True, repr=False)
    value_column: str | None = Field(
        None, description="the value column (default: `owid` the column after Entity, Code, Year; `ddf` the series)"
    )


class PlainOptions(CsvOptions):
    format: Literal["wdi", "sdmx-csv", "tidy"] = Field(exclude=True, repr=False)


class WideOptions(CsvOptions):
    """`wide`: one row per area, several value columns."""

    format: Literal["wide"] = Field(exclude=True, repr=False)
    note_flags: Literal["next"] | None = Field(
        None, description="`next`: each value column is followed by its footnote-flag column"
    )


class HubOptions(CsvOptions):
    """`unsd-hub`: the prefixes of the per-year columns."""

    format: Literal["unsd-hub"] = Field(exclude=True, repr=False)
    value_prefix: str = Field("value_", description="prefix of the per-year value columns (`value_2015`)")
    lower_prefix: str = Field("lower_", description="prefix of the per-year lower-bound columns")
    upper_prefix: str = Field("upper_", description="prefix of the per-year upper-bound columns")


class ExcelOptions(HarmoniseOptions):
    """`excel`: where the table is in the workbook."""

    format: Literal["excel"] = Field(exclude=True, repr=False)
    sheet: str | int | None = Field(None, description="sheet name, or 1-based position (default: the first)")
    header_row: int | list[int] = Field(
        1, description="1-based header row, or a list of rows for a multi-row header (merged cells filled right, "
        'parts joined with " | ")',
    )  # fmt: skip
    stop_at_blank: bool = Field(True, description="the table ends at the first blank row (`false`: blank rows skipped)")
    end_markers: Texts | None = Field(
        None, description="texts that end the table when an area cell starts with them (default: Note, Source …)"
    )
    note_markers: Texts | None = Field(None, description="texts that start the area cell of a footnote row")
    aggregates_after: str | None = Field(
        None, description='a marker row (e.g. `"SUMMARY"`) after which rows are regional aggregates'
    )
    note_flags: Literal["next"] | None = Field(
        None, description="`next`: each value column is followed by its footnote-flag column (UNICEF SOWC tables)"
    )


class ReferenceOptions(Options):
    """`reference`: read by a handler of etl/country_attributes.py."""

    format: Literal["reference"] = Field(exclude=True, repr=False)
    sheet: str | int | None = Field(
        None, description="`income_groups`: the economies sheet (default List of economies)"
    )
    groups_sheet: str | None = Field(None, description="`income_groups`: the group membership sheet (default Groups)")


class CommitmentOptions(Options):
    """`commitments`: read by a handler of etl/commitments.py."""

    format: Literal["commitments"] = Field(exclude=True, repr=False)
    instrument: str | None = Field(
        None, description="`treaty_collection`, `treaty_status_years`: the instrument code, e.g. `CRC_OPSC`"
    )
    as_of: Annotated[str | None, BeforeValidator(lambda v: None if v is None else str(v))] = Field(
        None, description="`treaty_collection`, `treaty_status_years`: the date of the export or compilation"
    )
    instruments: TextMap = Field(default_factory=dict, description="`ilab_conventions`: file column → instrument code")
    as_of_text: TextMap = Field(default_factory=dict, description="`ratifications`: as-of texts rewritten")
    source_labels: TextMap = Field(default_factory=dict, description="`ratifications`: source prefix → short label")
    country_column: str = Field("COUNTRY", description="`treaty_collection`: the country column")
    signature_column: str = Field("Signature Date", description="`treaty_collection`: the signature date column")
    ratification_column: str = Field(
        "Ratification Date, Accession(a), Succession(d) Date",
        description="`treaty_collection`: the ratification date column",
    )
    treaty_column: str = Field("Treaty Name", description="`treaty_collection`: the treaty name column")


OptionModel = (
    SeriesOptions | PlainOptions | WideOptions | HubOptions | ExcelOptions | ReferenceOptions | CommitmentOptions
)
#: format → its options model
OPTION_MODELS: dict[str, type[Options]] = {
    fmt: model
    for model in (
        PlainOptions,
        WideOptions,
        HubOptions,
        SeriesOptions,
        ExcelOptions,
        ReferenceOptions,
        CommitmentOptions,
    )
    for fmt in model.model_fields["format"].annotation.__args__
}


def option_names(model: type[Options]) -> list[str]:
    """The keys a user may write for `model` (its fields, without the discriminator)."""
    return [name for name in model.model_fields if name != "format"]
