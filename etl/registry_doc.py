"""The registry reference of README.md ("Adding a dataset"), generated from the models that validate the registry.

`python -m etl.registry_doc` prints it; `--write` replaces the block between the README's markers. A test
fails when the README and the models differ, or when a field has no description.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from etl import checks
from etl.adapters import columns as column_defaults
from etl.adapters import formats, wide
from etl.options import FIRST_YEAR, OPTION_MODELS, option_names
from etl.reference import PILLARS, SECTIONS, THEMES, IndicatorEntry
from etl.registry import COLUMNS, DATA_FORMATS, UNITS, Dataset, RawFile, Source, ValueColumn
from etl.registry import FORMATS as FORMAT_NAMES

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- registry-reference:start -->", "<!-- registry-reference:end -->"
UNDOCUMENTED = "**undocumented**"

#: What each format reads, and the columns it finds by itself (each standard name: the file names tried).
FORMATS: dict[str, tuple[str, dict]] = {
    "wdi": ("World Bank WDI bulk-download CSV (`API_….csv`): preamble lines, then one column per year",
            {**formats.WDI_DEFAULTS, "year": ("the 4-digit year columns",)}),
    "sdmx-csv": ("long SDMX-CSV and UN SDG database files, one value per row", formats.SDMX_DEFAULTS),
    "unsd-hub": ("UN SDG open-data-hub CSV: `value_2015`, `lower_2015`, `upper_2015` … columns per year",
                 {**formats.HUB_DEFAULTS, "year": ("the `value_YYYY` columns",)}),
    "owid": ("Our World in Data grapher CSV: Entity, Code, Year, value; an empty Code marks an aggregate",
             {**formats.OWID_DEFAULTS, "value": ("the column after Entity, Code, Year",)}),
    "tidy": ("a plain long CSV, one value per row", column_defaults.TIDY_DEFAULTS),
    "excel": ("a sheet of an .xlsx workbook, long (a value column) or wide (`value_columns`)",
              column_defaults.TIDY_DEFAULTS),
    "ddf": ("open-numbers DDF datapoints (`ddf--datapoints--<series>--by--….csv`); the series is the indicator",
            {**formats.DDF_DEFAULTS, "value": ("the series column",)}),
    "wide": ("one row per area, several value columns (`value_columns`; without it every mostly-numeric column)",
             wide.WIDE_DEFAULTS),
    "reference": ("country attributes read by a `handler` of etl/country_attributes.py", {}),
    "commitments": ("ratification status read by a `handler` of etl/commitments.py", {}),
}  # fmt: skip
#: indicators.yaml fields (etl.reference.IndicatorEntry), documented here so the reference stays one table.
INDICATOR_FIELDS = {
    "code": "the code registry entries use (lowercase letters, digits, _)",
    "name": "the full name",
    "short_name": "the name on charts and in menus",
    "unit": "the unit of every observation of the indicator; a registry `unit` must equal it",
    "sdg_indicator": "the SDG indicator number (e.g. `8.7.1`), or empty",
    "theme": ", ".join(f"`{t}`" for t in THEMES),
    "higher_is_better": "`true`, `false`, or empty where the direction is ambiguous",
    "definition": "the publisher's definition, quoted from its metadata",
    "caveats": "what readers must know (age bands, comparability …)",
    "explainer": "the content/learn page explaining the indicator, or empty",
    "nature": "`measured`, `estimated`, `modelled`, `detected` or `reported`",
    "target_value": "the SDG target value (with `target_year`), or empty",
    "target_year": "the year of the target",
    "decimals": "decimals shown",
    "pillar": "the country-page pillar showing it: " + ", ".join(f"`{p}`" for p in PILLARS) + "; or empty",
    "section": "the country-page section showing it instead: " + ", ".join(f"`{s}`" for s in SECTIONS) + "; or empty",
    "rank": "its order within the pillar or section (required with either)",
    "instrument": "`commitments` section: the instrument code of the commitments table",
    "standard_age": "the age band of the definition (e.g. `5-17`); values of other bands are flagged",
    "value_labels": "unit `category` (required there, nowhere else): each published number → its label, e.g. "
    "`{1: Tier 1, 2.5: Tier 2 Watch List}`",
}


def _default(info) -> str:
    """A field's default as it would be written in YAML ('' when there is none)."""
    if info.is_required():
        return "required"
    value = info.default_factory() if info.default_factory else info.default
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, bool):
        value = str(value).lower()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`" if value != "" else "`''`"


def _cell(text: str | None) -> str:
    """Text for a Markdown table cell ('|' escaped)."""
    return (text or UNDOCUMENTED).replace("|", "\\|")


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    rows = ["| field | meaning | default |", "|---|---|---|"]
    for name, info in model.model_fields.items():
        if name not in skip:
            rows.append(f"| `{name}` | {_cell(info.description)} | {_default(info)} |")
    return rows


def _options() -> list[str]:
    """One row per option: the formats taking it, its meaning and default."""
    rows, seen = ["| option | formats | meaning | default |", "|---|---|---|---|"], {}
    for fmt, model in OPTION_MODELS.items():
        for name in option_names(model):
            seen.setdefault((name, model.model_fields[name].description), (model, []))[1].append(fmt)
    for (name, description), (model, fmts) in seen.items():
        shown = "all data formats" if set(fmts) == set(DATA_FORMATS) else ", ".join(fmts)
        rows.append(f"| `{name}` | {shown} | {_cell(description)} | {_default(model.model_fields[name])} |")
    return rows


def _formats() -> list[str]:
    rows = ["| format | reads | columns found without `columns:` (names tried, in order) |", "|---|---|---|"]
    for fmt in FORMAT_NAMES:
        what, defaults = FORMATS.get(fmt, (UNDOCUMENTED, {}))
        found = "; ".join(f"{name}: {', '.join(names)}" for name, names in defaults.items()) or "—"
        rows.append(f"| `{fmt}` | {what} | {found} |")
    return rows


def _units() -> list[str]:
    rows = ["| unit | plausible values (checked) |", "|---|---|"]
    for unit in UNITS:
        low, high = checks.RANGES.get(unit, (None, None))
        shown = "not checked" if low is None else f"{low:g} to {high:g}" if high is not None else f"≥ {low:g}"
        shown = (
            "0 or 1"
            if unit == "flag"
            else "the numbers of the indicator's `value_labels`"
            if unit == "category"
            else shown
        )
        rows.append(f"| `{unit}` | {shown} |")
    return rows


def markdown() -> str:
    """The whole reference, as it stands in README.md between the markers."""
    parts = [
        "#### Formats", *_formats(), "",
        "#### Dataset fields", *_fields(Dataset), "",
        "#### Columns (`columns: {name: file column}`)", "| name | holds |", "|---|---|",
        *[f"| `{name}` | {meaning} |" for name, meaning in COLUMNS.items()], "",
        f"#### Options (`options:`; years default to {FIRST_YEAR} to next year)", *_options(), "",
        "#### Value columns (`value_columns: {file column: {…}}`)", *_fields(ValueColumn), "",
        "#### Units", *_units(), "",
        "#### Source fields", *_fields(Source, skip=("datasets",)), "",
        "#### Files (`files:`)", *_fields(RawFile), "",
        "#### Indicators (`data/reference/indicators.yaml`, a list of)", "| field | meaning |", "|---|---|",
        *[f"| `{name}` | {_cell(INDICATOR_FIELDS.get(name))} |" for name in IndicatorEntry.model_fields],
    ]  # fmt: skip
    return "\n".join(parts)


def readme_block(text: str) -> str:
    """The reference block of a README text (between the markers)."""
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") if START in text and END in text else ""


def main(argv: list[str]) -> int:
    """Print the reference; `--write` puts it into README.md between the markers."""
    generated = markdown()
    if "--write" not in argv:
        print(generated)
        return 0
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md has no {START} … {END} block", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    README.write_text(f"{head}{START}\n{generated}\n{END}{rest.split(END, 1)[1]}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
