"""Documentation that cannot drift: every setting and CLI command is in the README (datasette's test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import config
from cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", sorted(config.ENVIRONMENT))
def test_every_environment_variable_is_documented(variable):
    assert f"`{variable}`" in README


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


def test_registry_reference_in_the_readme_is_generated_from_the_models():
    from etl import registry_doc  # noqa: PLC0415

    generated = registry_doc.markdown()
    assert registry_doc.UNDOCUMENTED not in generated, "give every registry and indicator field a description"
    assert registry_doc.readme_block(README) == generated, "run `python -m etl.registry_doc --write`"


def test_the_registry_examples_in_the_readme_are_valid_entries():
    import re  # noqa: PLC0415

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
