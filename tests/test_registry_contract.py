"""The registry contract end to end, through the `delta87` command on a sandbox of SYNTHETIC files.

Three files in real publisher layouts (a WDI bulk CSV, an SDG open-data-hub CSV, an OWID grapher CSV back to
1751; tests/fixtures/new_sources/) are added by registry entries only and found in the API. Every way the
registry used to publish wrong data silently, or to crash, is refused: non-zero exit, a message naming the fix,
the release being served byte-identical, the refusal recorded for `delta87 etl status`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from tests.test_pipeline import warehouse_bytes
from warehouse import releases as rel

HERE = Path(__file__).parent
NEW = HERE / "fixtures" / "new_sources"
FORMATS = HERE / "fixtures" / "formats"
ROOT = HERE.parent


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Path:
    """Raw folder, registry, reference folder and data folder of the three new sources; the DELTA87_* variables
    point at them."""
    shutil.copytree(NEW / "raw", tmp_path / "raw")
    shutil.copytree(NEW / "registry", tmp_path / "registry")
    reference = tmp_path / "reference"
    reference.mkdir()
    for name in ("country_aliases.csv", "aggregates.csv"):
        shutil.copy(FORMATS / "reference" / name, reference / name)
    shutil.copy(NEW / "reference" / "pathfinders.yaml", reference / "pathfinders.yaml")
    shutil.copy(ROOT / "data" / "reference" / "groupings.yaml", reference / "groupings.yaml")
    defined = (ROOT / "data" / "reference" / "indicators.yaml").read_text(encoding="utf-8")
    added = (NEW / "reference" / "indicators_added.yaml").read_text(encoding="utf-8")
    (reference / "indicators.yaml").write_text(defined + "\n" + added, encoding="utf-8")
    for name, folder in (("RAW", "raw"), ("REGISTRY", "registry"), ("REFERENCE", "reference"), ("DATA", "data"),
                         ("WAREHOUSE", "data/warehouse"), ("REPORT", "data/reports"), ("CACHE", "data/cache")):  # fmt: skip
        monkeypatch.setenv(f"DELTA87_{name}_DIR", str(tmp_path / folder))
    monkeypatch.delenv("DELTA87_CACHE_URL", raising=False)
    return tmp_path


def delta87(*args: str):
    """Run `delta87 ARGS` in-process; the click result (exit_code, output, exception)."""
    return CliRunner().invoke(main, list(args))


def edit(sandbox: Path, source: str, change) -> None:
    """Apply `change` to the parsed registry entry `source` and write it back."""
    path = sandbox / "registry" / f"{source}.yaml"
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(entry)
    path.write_text(yaml.safe_dump(entry, sort_keys=False), encoding="utf-8")


def rewrite_raw(sandbox: Path, source: str, relpath: str, text: str) -> None:
    """Replace a raw file and record its new checksum in the registry entry (as staff would)."""
    target = sandbox / "raw" / relpath
    target.write_text(text, encoding="utf-8")
    edit(sandbox, source, lambda e: e["files"][0].update(sha256=rel.sha256_file(target)))


@pytest.fixture
def published(sandbox) -> Path:
    """The sandbox with its first release published."""
    result = delta87("etl", "run", "--no-warm", "--quiet")
    assert result.exit_code == 0, result.output
    return sandbox


def api_rows(indicator: str, area: str) -> list[dict]:
    import app as webapp  # noqa: PLC0415 - built after the environment points at the sandbox

    client = webapp.create_app().server.test_client()
    body = client.get(f"/api/v1/observations?indicator={indicator}&area={area}&limit=100").get_json()
    return body["data"]


def test_three_new_files_in_known_formats_are_added_by_configuration_only(sandbox):
    for source in ("wdi_children", "sdg_hub_child_labour", "owid_child_mortality"):
        checked = delta87("etl", "check", "--source", source)
        assert checked.exit_code == 0 and "0 error(s), 0 warning(s)" in checked.output, checked.output
    assert delta87("etl", "run", "--dry-run", "--no-warm", "--quiet").exit_code == 0
    run = delta87("etl", "run", "--no-warm", "--quiet")
    assert run.exit_code == 0 and "PUBLISHED" in run.output, run.output
    wdi = {(r["year"], r["value"]) for r in api_rows("children_in_employment_7_14", "AFG")}
    assert wdi == {(2011, 21.5)}  # the male series in the same file is not mapped, so not published
    hub = {(r["year"], r["sex"], r["value"], r["note"]) for r in api_rows("child_labour_5_17", "GHA")}
    assert hub == {
        (2018, "total", 20.5, "Synthetic survey 2017-2018"),
        (2018, "female", 19.5, "Synthetic survey 2017-2018"),
    }
    owid = {(r["year"], r["value"]) for r in api_rows("child_mortality_u5", "FRA")}
    assert (1751, 46.5) in owid and len(owid) == 6


def test_check_accepts_an_owid_grapher_file_back_to_1751(sandbox):
    path = NEW / "raw" / "owid_mortality" / "child-mortality-synthetic.csv"
    result = delta87("etl", "check", str(path), "--format", "owid", "--unit", "percent")
    assert result.exit_code == 0, result.output
    assert "11 rows, 3 areas, years 1751–2000" in result.output and "0 error(s)" in result.output


def _typo_in_map_key(entry):
    entry["datasets"][0]["indicator_map"] = {"SL.TLF.0714.Z5": "children_in_employment_7_14"}


def _unit_differs(entry):
    entry["datasets"][0]["unit"] = "per-1000"


def _unknown_option(entry):
    entry["datasets"][0]["options"] = {"rnage": [0, 100]}


def _option_at_dataset_level(entry):
    entry["datasets"][0]["year_range"] = [1700, None]


def _no_unit(entry):
    del entry["datasets"][0]["unit"]


def _nothing_kept(entry):
    entry["datasets"][0]["filters"] = {"Entity": ["Atlantis"]}


def _key_only_in_filtered_rows(entry):
    entry["datasets"][0]["filters"] = {"sex_code": ["FEMALE"]}
    entry["datasets"][0]["indicator_map"]["SL_TLF_CHLDEA"] = "child_labour_econ"


def _range_of_three(entry):
    entry["datasets"][0]["options"] = {"range": [1, 2, 3]}


def _range_number(entry):
    entry["datasets"][0]["options"] = {"range": 5}


def _unknown_format(entry):
    entry["datasets"][0]["format"] = "owdi"


#: (source, change, words the message must hold: what is wrong and the fix)
REFUSALS = {
    "indicator_map key typo": ("wdi_children", _typo_in_map_key, "did you mean 'SL.TLF.0714.ZS'?"),
    "unit differs from indicators.yaml": ("sdg_hub_child_labour", _unit_differs, "`scale: 0.1` for per-1000 → percent"),
    "unknown key in options": ("sdg_hub_child_labour", _unknown_option, "unknown option 'rnage' for format unsd-hub (did you mean 'range'?)"),
    "option given as a dataset field": ("owid_child_mortality", _option_at_dataset_level, "`year_range` is an option"),
    "missing unit": ("owid_child_mortality", _no_unit, "set `unit: percent` (the unit of 'child_mortality_u5'"),
    "dataset yields no rows": ("owid_child_mortality", _nothing_kept, "the dataset yields no observations"),
    "map key only in filtered-out rows": ("sdg_hub_child_labour", _key_only_in_filtered_rows, "occurs only in rows that the registry's filters remove"),
    "range of three numbers": ("owid_child_mortality", _range_of_three, "options.range: must be a list of two bounds [low, high]"),
    "range as a number": ("owid_child_mortality", _range_number, "options.range: must be a list of two bounds [low, high]"),
    "unknown format, in plain words": ("owid_child_mortality", _unknown_format, "dataset 1 (file owid_mortality/child-mortality-synthetic.csv): format: 'owdi' is not allowed (did you mean 'wdi' or 'owid'?)"),
}  # fmt: skip


@pytest.mark.parametrize(("source", "change", "fix"), REFUSALS.values(), ids=REFUSALS.keys())
def test_what_once_passed_silently_or_crashed_is_refused_naming_the_fix(published, source, change, fix):
    before = warehouse_bytes(published / "data" / "warehouse")
    edit(published, source, change)
    checked = delta87("etl", "check", "--source", source)
    assert checked.exit_code == 1 and fix in checked.output, checked.output
    run = delta87("etl", "run", "--no-warm", "--quiet")
    assert run.exit_code == 1 and isinstance(run.exception, SystemExit), run.output  # no traceback
    assert fix in run.output and "Traceback" not in run.output and "datasets.0" not in run.output
    assert "the current release is unchanged and still online" in run.output
    assert warehouse_bytes(published / "data" / "warehouse") == before
    status = delta87("etl", "status").output
    assert "REFUSED" in status and "nothing was published by that run" in status


def test_a_refused_first_build_says_no_release_is_online_yet_and_the_fix(sandbox):
    edit(sandbox, "owid_child_mortality", _no_unit)
    run = delta87("etl", "run", "--no-warm", "--quiet")
    assert run.exit_code == 1 and "still online" not in run.output, run.output
    said = "No release was published; none is online yet: fix the errors above, then run `delta87 etl run` again."
    assert said in run.output


def test_an_unknown_indicator_names_the_reference_folder_in_use(published):
    edit(published, "owid_child_mortality", lambda e: e["datasets"][0].update(indicator="child_mortality_u6"))
    run = delta87("etl", "run", "owid_child_mortality", "--no-warm", "--quiet")
    assert run.exit_code == 1
    assert f"not defined in {published / 'reference' / 'indicators.yaml'}" in run.output


def test_a_bug_of_ours_is_recorded_as_a_failed_run(published, monkeypatch):
    from etl import build  # noqa: PLC0415

    def broken(*args, **kwargs):
        raise RuntimeError("synthetic bug")

    monkeypatch.setattr(build, "read_dataset", broken)
    run = delta87("etl", "run", "--no-warm", "--quiet")
    assert run.exit_code != 0 and isinstance(run.exception, RuntimeError)
    report = json.loads((published / "data" / "reports" / "latest.json").read_text(encoding="utf-8"))
    assert report["status"] == "failed" and "synthetic bug" in report["problems"][0]["message"]
    assert "FAILED" in delta87("etl", "status").output


def test_every_problem_is_in_the_report_and_the_summary_counts_the_rest(published):
    relpath = "owid_mortality/child-mortality-synthetic.csv"
    rows = "".join(f"France,FRA,{year},n/k\n" for year in range(1900, 1960))
    rewrite_raw(
        published, "owid_child_mortality", relpath, "Entity,Code,Year,Child mortality rate (synthetic)\n" + rows
    )
    run = delta87("etl", "run", "owid_child_mortality", "--no-warm", "--quiet")
    assert run.exit_code == 1
    assert "problems: 60 error(s)" in run.output and "… 10 more in the JSON report" in run.output
    report = json.loads((published / "data" / "reports" / "latest.json").read_text(encoding="utf-8"))
    values = [p for p in report["problems"] if p["check"] == "values"]
    assert len(values) == 60 and {p["value"] for p in values} == {"n/k"}
    assert not any("more" in p["message"] for p in report["problems"])


def test_the_change_summary_names_the_largest_changes(published):
    relpath = "owid_mortality/child-mortality-synthetic.csv"
    text = (published / "raw" / relpath).read_text(encoding="utf-8")
    rewrite_raw(
        published, "owid_child_mortality", relpath, text.replace("France,FRA,1751,46.5", "France,FRA,1751,44.5")
    )
    run = delta87("etl", "run", "owid_child_mortality", "--no-warm", "--quiet")
    assert run.exit_code == 0, run.output
    assert "0 added, 0 removed, 1 changed" in run.output
    assert "child_mortality_u5 FRA 1751 (under 5): 46.5 → 44.5" in run.output


def test_status_says_when_the_served_release_is_not_the_newest(published):
    newest = delta87("etl", "run", "--force", "--no-warm", "--quiet")
    assert newest.exit_code == 0
    assert "NOT NEWEST" not in delta87("etl", "status").output
    assert delta87("etl", "rollback").exit_code == 0
    status = delta87("etl", "status").output
    assert "NOT NEWEST" in status and "delta87 etl rollback" in status


def test_status_never_suggests_rolling_forward_to_a_release_that_fails_its_checksums(published):
    warehouse = published / "data" / "warehouse"
    good = rel.read_pointer(warehouse)
    assert delta87("etl", "run", "--force", "--no-warm", "--quiet").exit_code == 0
    broken = rel.read_pointer(warehouse)
    with rel.verify(warehouse, broken).table_path("observations").open("ab") as table:
        table.write(b"damaged")
    status = delta87("etl", "status").output
    assert f"serving:   {good}" in status and "DEGRADED" in status, status
    assert f"rollback {broken}" not in status and "NOT NEWEST" not in status, status


CODES = "regions_country_codes/country-codes.csv"


def _codes_without_independence(sandbox):
    text = (sandbox / "raw" / CODES).read_text(encoding="utf-8").replace(",is_independent", ",independent", 1)
    rewrite_raw(sandbox, "country_codes", CODES, text)


def _header_option_out_of_date(sandbox):
    header = ["Entity", "Code", "Year", "Rate", "Extra"]
    edit(sandbox, "owid_child_mortality", lambda e: e["datasets"][0].update(options={"header": header}))


#: (broken copy, words the message must hold: what is wrong and the fix)
BROKEN_FILES = {
    "country-code table without a column": (_codes_without_independence, "expected column 'is_independent' is missing"),
    "empty country-code table": (lambda s: rewrite_raw(s, "country_codes", CODES, ""), "cannot read the country-codes file"),
    "options.header out of date": (_header_option_out_of_date, "options.header in the registry names 5 columns but the data rows have 4 fields"),
}  # fmt: skip


@pytest.mark.parametrize(("change", "fix"), BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_a_broken_file_is_one_clear_problem_in_check_and_run_and_nothing_is_published(published, change, fix):
    before = warehouse_bytes(published / "data" / "warehouse")
    change(published)
    checked = delta87("etl", "check", "--source", "owid_child_mortality")
    assert checked.exit_code == 1 and isinstance(checked.exception, SystemExit), checked.output  # no traceback
    assert fix in checked.output and "0 warning(s)" in checked.output and "1 error(s)" in checked.output
    run = delta87("etl", "run", "--no-warm", "--quiet", "owid_child_mortality")
    assert run.exit_code == 1 and isinstance(run.exception, SystemExit) and fix in run.output, run.output
    assert warehouse_bytes(published / "data" / "warehouse") == before
