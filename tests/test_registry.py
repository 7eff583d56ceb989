"""The typed registry models: per-format options, unknown keys refused in plain words, the year window."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

import config
from cli import main
from etl import registry
from etl.countries import Resolver
from etl.options import FIRST_YEAR, OPTION_MODELS, CsvOptions, ExcelOptions, last_year
from etl.preview import check_file
from etl.problems import SourceError
from etl.registry import Dataset, load_registry, load_source

FORMATS = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_files(FORMATS / "raw", FORMATS / "reference")


def test_every_registry_entry_of_the_repository_validates():
    sources = load_registry(config.settings().registry_dir)
    assert {"owid", "worldbank", "unodc_glotip"} <= {s.id for s in sources}


def test_options_are_read_by_the_model_of_the_dataset_format():
    excel = Dataset(file="x.xlsx", format="excel", options={"sheet": "data", "header_row": [2, 3]})
    assert isinstance(excel.options, ExcelOptions) and excel.options.header_row == [2, 3]
    owid = Dataset(file="x.csv", format="owid")
    assert isinstance(owid.options, CsvOptions) and owid.options.delimiter == ","
    with pytest.raises(ValidationError):
        Dataset(file="x.csv", format="owid", options={"sheet": "data"})  # an excel option
    assert set(OPTION_MODELS) == set(registry.FORMATS)


def _problems(tmp_path: Path, dataset: dict) -> list[str]:
    entry = {"id": "x", "publisher": "p", "short_name": "s", "title": "t", "edition": "e", "url": "u", "obtained_from": "o",
             "licence": "l", "redistribution": True, "retrieved": "r", "citation": "c",
             "files": [{"path": "a/x.csv", "sha256": "0" * 64}], "datasets": [{"file": "a/x.csv", **dataset}]}  # fmt: skip
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        load_source(path)
    return [p.message for p in refused.value.problems]


def test_unknown_keys_are_refused_with_the_allowed_ones_and_the_closest(tmp_path):
    (message,) = _problems(tmp_path, {"format": "tidy", "indicator": "x", "columns": {"yeer": "Year"}})
    assert message.startswith("dataset 1 (file a/x.csv): columns: unknown column 'yeer' (did you mean 'year'?)")
    assert "allowed: area, area_alt" in message
    (message,) = _problems(tmp_path, {"format": "tidy", "indicator": "x", "scael": 2})
    assert "unknown field 'scael' (did you mean 'scale'?)" in message


def test_a_new_mappable_column_is_one_entry_in_COLUMNS(tmp_path, monkeypatch):
    with pytest.raises(ValidationError):
        Dataset(file="x.csv", format="tidy", columns={"year_start": "from"})
    monkeypatch.setattr(registry, "COLUMNS", (*registry.COLUMNS, "year_start"))
    assert Dataset(file="x.csv", format="tidy", columns={"year_start": "from"}).columns == {"year_start": "from"}


def test_yaml_numbers_are_read_as_the_text_they_stand_for():
    dataset = Dataset(file="x.csv", format="tidy", filters={"year": [2016]}, age_map={18: "18+"})
    assert dataset.filters == {"year": ["2016"]} and dataset.age_map == {"18": "18+"}


def test_the_default_year_window_takes_historical_series_and_a_dataset_can_narrow_it(tmp_path, resolver):
    assert FIRST_YEAR <= 1751 and last_year() >= 2026
    path = tmp_path / "years.csv"  # SYNTHETIC
    path.write_text("REF_AREA,TIME_PERIOD,OBS_VALUE\nAFG,1751,1\nALB,1990,2\nNPL,2019,3\n", encoding="utf-8")
    obs, problems = check_file(path, "sdmx-csv", unit="count", indicator="x", resolver=resolver)
    assert sorted(obs["year"]) == [1751, 1990, 2019] and not problems
    _obs, problems = check_file(path, "sdmx-csv", unit="count", indicator="x", resolver=resolver,
                                options={"year_range": [2000, None]})  # fmt: skip
    assert [(p.row, p.value) for p in problems if p.check == "years"] == [(2, "1751"), (3, "1990")]
    assert "options.year_range" in problems[0].message


def test_publisher_footnotes_are_kept_by_default(tmp_path, resolver):
    path = tmp_path / "sdmx.csv"  # SYNTHETIC
    path.write_text("REF_AREA,TIME_PERIOD,OBS_VALUE,COMMENT\nAFG,2019,1.5,survey round 3\n", encoding="utf-8")
    obs, _problems = check_file(path, "sdmx-csv", unit="percent", indicator="x", resolver=resolver)
    assert obs["note"].tolist() == ["survey round 3"]


COMMANDS = [["etl", "check", "--source", "owid"], ["etl", "run", "--dry-run", "--quiet"]]


def _run_with_owid_line(tmp_path, monkeypatch, command, key: str, line: str, encoding: str = "utf-8"):
    """Run `command` over a registry whose owid.yaml has its `key:` line replaced by `line` (saved in `encoding`):
    the command's ERROR line and output, and the replaced line's number."""
    registry_dir = tmp_path / "registry"
    registry_dir.mkdir()
    lines = (config.settings().registry_dir / "owid.yaml").read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(lines) if text.startswith(f"{key}:")) + 1
    lines[number - 1] = line
    (registry_dir / "owid.yaml").write_bytes(("\n".join(lines) + "\n").encode(encoding))
    monkeypatch.setenv("DELTA87_REGISTRY_DIR", str(registry_dir))
    monkeypatch.setenv("DELTA87_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    (shown,) = [text for text in result.output.splitlines() if "ERROR" in text]
    assert "Traceback" not in result.output and "internal error" not in result.output
    return shown, result.output, number


@pytest.mark.parametrize("command", COMMANDS)
def test_a_yaml_syntax_error_in_an_entry_is_one_line_with_its_place_and_the_fix(tmp_path, monkeypatch, command):
    line = "short_name: Our World in Data: grapher"
    shown, output, number = _run_with_owid_line(tmp_path, monkeypatch, command, "short_name", line)
    assert shown.endswith(
        f"owid.yaml: cannot read registry entry: YAML syntax error at line {number}, column 30: ': ' inside an "
        "unquoted value; put the value in double quotes"
    )
    assert "<unicode string>" not in output


@pytest.mark.parametrize("command", COMMANDS)
def test_an_entry_saved_in_another_encoding_than_utf8_names_the_file_the_line_and_the_fix(
    tmp_path, monkeypatch, command
):
    line = 'publisher: "Caf\u00e9 data"'
    shown, _output, number = _run_with_owid_line(tmp_path, monkeypatch, command, "publisher", line, "latin-1")
    assert shown.endswith(
        f"owid.yaml: cannot read registry entry: it is not UTF-8 text (byte 0xe9 on line {number}); save it as UTF-8"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_key_given_twice_in_an_entry_is_refused_with_its_line_instead_of_the_last_one_winning(
    tmp_path, monkeypatch, command
):
    line = 'short_name: "Our World in Data"\npublisher: "Our World in Data, again"'
    shown, _output, number = _run_with_owid_line(tmp_path, monkeypatch, command, "short_name", line)
    assert shown.endswith(
        f"owid.yaml: cannot read registry entry: YAML syntax error at line {number + 1}, column 1: this key is given "
        "twice in the same block; keep one: YAML would use only the last"
    )


def test_a_sha256_pasted_in_capitals_or_cut_short_is_named_a_sha256_with_how_to_take_it(tmp_path):
    text = (config.settings().registry_dir / "owid.yaml").read_text(encoding="utf-8")
    digest = text.split("sha256: ", 1)[1][:64]
    for wrong in (digest.upper(), digest[:12]):
        (tmp_path / "owid.yaml").write_text(text.replace(digest, wrong, 1), encoding="utf-8")
        with pytest.raises(SourceError) as caught:
            load_source(tmp_path / "owid.yaml")
        assert [p.message for p in caught.value.problems] == [
            f"file 1 (file owid/gdp-per-capita-worldbank.csv): sha256: {wrong!r} is not a sha256: 64 characters "
            "0-9 and a-f (lowercase), as `sha256sum FILE` prints it"
        ]
