"""Documentation that cannot drift: every setting and CLI command is in the README (datasette's test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import config
from cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


PRODUCT = ("app.py", "api", "cli", "content", "dashboards", "dataproduct", "etl", "warehouse", "web")


def environment_variables() -> set[str]:
    """Every DELTA87_* variable the platform reads: each one config.py names, and any other read from os.environ."""
    names = set(re.findall(r'"(DELTA87_\w+)"', (config.ROOT / "config.py").read_text(encoding="utf-8")))
    for top in PRODUCT:
        place = config.ROOT / top
        for path in place.rglob("*.py") if place.is_dir() else [place]:
            names |= set(re.findall(r'environ(?:\.get\(|\[)"(DELTA87_\w+)"', path.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("variable", sorted(environment_variables()))
def test_every_environment_variable_is_documented(variable):
    assert f"| `{variable}` |" in README


@pytest.mark.parametrize(
    "command", ["etl run", "etl check", "etl status", "etl releases", "etl rollback", "serve", "warm"]
)
def test_every_cli_command_is_documented_and_has_help(command):
    assert f"delta87 {command}" in README
    result = CliRunner().invoke(main, command.split() + ["--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_readme_gives_exactly_the_two_setup_commands():
    assert "make run" in README and "make test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"


def _rows(heading: str) -> list[list[str]]:
    """The cells of the table under the registry reference's `#### heading`."""
    section = README.split("<!-- registry-reference:start -->", 1)[1].split(f"#### {heading}", 1)[1]
    table = [line for line in section.split("\n\n", 1)[0].splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in table]


def _names(heading: str) -> list[str]:
    return [row[0].strip("`") for row in _rows(heading)]


def _registry_fields() -> dict:
    from etl.options import OPTION_MODELS, option_names  # noqa: PLC0415
    from etl.reference import IndicatorEntry  # noqa: PLC0415
    from etl.registry import COLUMNS, FORMATS, UNITS, Dataset, RawFile, Source, ValueColumn  # noqa: PLC0415

    return {
        "Formats": list(FORMATS),
        "Dataset fields": list(Dataset.model_fields),
        "Columns": list(COLUMNS),
        "Options": sorted({name for model in OPTION_MODELS.values() for name in option_names(model)}),
        "Value columns": list(ValueColumn.model_fields),
        "Units": list(UNITS),
        "Source fields": [name for name in Source.model_fields if name != "datasets"],
        "Files": list(RawFile.model_fields),
        "Indicators": list(IndicatorEntry.model_fields),
    }


@pytest.mark.parametrize("heading", list(_registry_fields()))
def test_every_registry_field_is_documented_in_the_readme_reference(heading):
    expected = _registry_fields()[heading]
    found = _names(heading)
    assert (sorted(set(found)) if heading == "Options" else found) == expected, f"README.md: #### {heading}"
    assert all(row[1] for row in _rows(heading)), "every row says what the field means"


def test_the_readme_names_the_formats_taking_each_option_and_the_columns_each_format_finds():
    from etl.adapters import columns, formats, wide  # noqa: PLC0415
    from etl.options import OPTION_MODELS, option_names  # noqa: PLC0415
    from etl.registry import DATA_FORMATS  # noqa: PLC0415

    documented: dict[str, set] = {}
    for name, shown, *_ in _rows("Options"):
        taking = DATA_FORMATS if shown == "all data formats" else shown.split(", ")
        documented.setdefault(name.strip("`"), set()).update(taking)
    assert documented == {
        name: {fmt for fmt, model in OPTION_MODELS.items() if name in option_names(model)} for name in documented
    }
    defaults = {"wdi": formats.WDI_DEFAULTS, "sdmx-csv": formats.SDMX_DEFAULTS, "unsd-hub": formats.HUB_DEFAULTS,
                "owid": formats.OWID_DEFAULTS, "tidy": columns.TIDY_DEFAULTS, "excel": columns.TIDY_DEFAULTS,
                "ddf": formats.DDF_DEFAULTS, "wide": wide.WIDE_DEFAULTS}  # fmt: skip
    found = {row[0].strip("`"): row[2] for row in _rows("Formats")}
    for fmt, names in defaults.items():
        for column, candidates in names.items():
            assert f"{column}: {', '.join(candidates)}" in found[fmt], f"README.md: #### Formats, {fmt}"


def test_the_registry_examples_in_the_readme_are_valid_entries():
    import yaml  # noqa: PLC0415

    from etl.registry import Dataset, Source  # noqa: PLC0415

    section = README.split("### Adding a dataset", 1)[1].split("<!-- registry-reference:start -->", 1)[0]
    examples = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)]
    assert len(examples) >= 3
    for example in examples:
        if "id" in example:
            Source.model_validate(example)
        for dataset in example["datasets"]:
            Dataset.model_validate(dataset)
