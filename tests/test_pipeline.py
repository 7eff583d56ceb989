"""The ETL pipeline end to end on the real snapshots: coverage, traceability, idempotence, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import config
from etl.pipeline import run
from warehouse import Warehouse
from warehouse import releases as rel
from warehouse.schema import OBSERVATION_KEY

pytestmark = pytest.mark.realdata

THEMES = {"child-labour", "forced-labour", "trafficking", "commitments", "context"}


def warehouse_bytes(root: Path) -> dict[str, bytes]:
    """Every published file (pointer, manifests, tables) with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and "reports" not in p.parts
    }


def test_real_release_covers_countries_indicators_and_themes(real_warehouse, real_release):
    manifest = real_release.manifest
    assert manifest["counts"]["countries_with_data"] >= 190
    indicators = real_warehouse.indicators(real_release)
    with_data = indicators[indicators["observations"] > 0]
    assert len(with_data) >= 25
    assert THEMES <= set(with_data["theme"])


def test_every_observation_traces_to_a_raw_file_and_licence(real_warehouse, real_release):
    obs = real_warehouse.observations(real_release)
    sources = real_warehouse.sources(real_release).set_index("id")
    files = real_warehouse.source_files(real_release)
    assert set(obs["source"]) <= set(sources.index)
    assert sources["licence"].str.len().min() > 0
    known = set(zip(files["source"], files["path"], strict=True))
    pairs = set(zip(obs["source"], obs["source_file"], strict=True))
    assert pairs <= known, sorted(pairs - known)[:5]
    assert files["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_each_commitment_flag_names_the_file_that_states_its_instrument(real_warehouse, real_release):
    obs = real_warehouse.observations(real_release)
    flags = obs[obs["source"] == "un_hr_treaties_status"]
    assert set(zip(flags["indicator"], flags["source_file"], strict=True)) == {
        ("ratified_crc_opac", "un_hr_treaties_status/hr_status_op_crc_ac.csv"),
        ("ratified_crc_opsc", "un_hr_treaties_status/hr_status_op_crc_sc.csv"),
        ("ratified_icmw", "un_hr_treaties_status/hr_status_icmw.csv"),
        ("ratified_crc", "un_hr_treaties_status/hr_status_crc.csv"),
    }


def test_no_observation_key_is_published_twice(real_warehouse, real_release):
    # publish orders observations by their key alone: the key must identify a row
    obs = real_warehouse.observations(real_release)
    assert not obs.duplicated(OBSERVATION_KEY).any()


def test_sources_with_unconfirmed_licences_are_marked_not_redistributable(real_warehouse, real_release):
    sources = real_warehouse.sources(real_release).set_index("id")
    restricted = ["walkfree_gsi", "gapminder_legal_slavery"]
    assert not sources.loc[restricted, "redistribution"].any()
    assert sources.drop(index=restricted)["redistribution"].all()


def test_known_real_values_land(real_warehouse, real_release):
    from warehouse import ObservationFilter

    def value(indicator, iso3, year, **kw):
        rows = real_warehouse.observations(real_release, ObservationFilter(indicators=(indicator,), areas=(iso3,)))
        rows = rows[(rows["year"] == year)]
        for key, wanted in kw.items():
            rows = rows[rows[key] == wanted]
        return rows["value"].tolist()

    assert value("children_in_employment_7_14", "AFG", 2011, source="owid") == [pytest.approx(9.3)]
    assert value("children_in_employment_7_14", "AFG", 2011, source="worldbank_wdi_series") == [pytest.approx(9.3)]
    assert value("modern_slavery_prevalence_gsi2018", "PRK", 2016) == [pytest.approx(104.561, abs=1e-3)]
    assert value("child_labour_number", "WLD", 2020, sex="total") == [pytest.approx(160e6)]


def test_second_run_on_same_inputs_is_unchanged_and_byte_identical(real_warehouse_dir, tmp_path):
    copy = tmp_path / "wh"
    shutil.copytree(real_warehouse_dir, copy, ignore=shutil.ignore_patterns("reports"))
    before = warehouse_bytes(copy)
    result = run(warehouse_dir=copy, report_dir=tmp_path / "reports", progress=False)
    assert result.status == "unchanged", result.summary()
    assert result.changes["summary"] == "0 added, 0 removed, 0 changed"  # undated rows of several report years too
    assert warehouse_bytes(copy) == before


@pytest.fixture
def sandbox(tmp_path, real_warehouse_dir, raw_dir):
    """Copies of the raw folder, registry and a published warehouse, safe to break."""
    raw = tmp_path / "raw"
    shutil.copytree(raw_dir, raw)
    registry = tmp_path / "registry"
    shutil.copytree(config.settings().registry_dir, registry)
    warehouse = tmp_path / "wh"
    shutil.copytree(real_warehouse_dir, warehouse, ignore=shutil.ignore_patterns("reports"))
    return {"raw_dir": raw, "registry_dir": registry, "warehouse_dir": warehouse, "report_dir": tmp_path / "reports"}


def test_changed_raw_file_is_refused_and_release_untouched(sandbox):
    before = warehouse_bytes(sandbox["warehouse_dir"])
    target = sandbox["raw_dir"] / "owid" / "gdp-per-capita-worldbank.csv"
    target.write_text(target.read_text(encoding="utf-8").replace("1280.4631", "9999.9"), encoding="utf-8")
    result = run(progress=False, **sandbox)
    assert result.status == "refused"
    assert any(p.file == "owid/gdp-per-capita-worldbank.csv" and "sha256" in p.message for p in result.problems)
    assert warehouse_bytes(sandbox["warehouse_dir"]) == before


def test_missing_raw_file_is_refused_naming_the_file(sandbox):
    (sandbox["raw_dir"] / "worldbank" / "gdp.csv").unlink()
    result = run(progress=False, **sandbox)
    assert result.status == "refused"
    assert any(p.file == "worldbank/gdp.csv" and "missing" in p.message for p in result.problems)


def test_partial_run_rereads_one_source_and_keeps_the_others(sandbox):
    result = run(sources=["owid"], force=True, progress=False, **sandbox)
    assert result.status == "published", result.summary()
    assert set(result.sources) == {"owid"}
    warehouse = Warehouse(sandbox["warehouse_dir"])
    assert {"owid", "unodc_glotip", "walkfree_gsi"} <= set(
        warehouse.observations(warehouse.releases.current())["source"]
    )


def test_unknown_source_name_is_refused_listing_known_ones(sandbox):
    result = run(sources=["no_such_source"], progress=False, **sandbox)
    assert result.status == "refused"
    assert "unknown source 'no_such_source'" in result.problems[0].message
    assert "owid" in result.problems[0].message


def test_content_error_in_a_file_is_refused_with_row_and_column(sandbox):
    before = warehouse_bytes(sandbox["warehouse_dir"])
    relpath = "owid/gdp-per-capita-worldbank.csv"
    target = sandbox["raw_dir"] / relpath
    lines = target.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",not-a-number"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entry = sandbox["registry_dir"] / "owid.yaml"
    data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    for raw in data["files"]:
        if raw["path"] == relpath:
            raw["sha256"] = rel.sha256_file(target)
    entry.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run(sources=["owid"], progress=False, **sandbox)
    assert result.status == "refused"
    bad = [p for p in result.problems if p.severity == "error"]
    assert any(p.file == relpath and p.row == 5 and p.value == "not-a-number" and p.column for p in bad), bad[:3]
    assert warehouse_bytes(sandbox["warehouse_dir"]) == before
    report = pd.read_json(sorted(sandbox["report_dir"].glob("run-*.json"))[-1], typ="series")
    assert report["status"] == "refused"


def test_two_partial_runs_started_together_never_lose_an_update(sandbox):
    """The refresh lock covers the whole run: a run started while another is still building fails at once (or,
    if the first has already published, builds on its release), never on the same previous release, which would
    silently drop the first run's update."""
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import time  # noqa: PLC0415

    from tests.servers import ROOT  # noqa: PLC0415

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DELTA87_RAW_DIR": str(sandbox["raw_dir"]),
        "DELTA87_REGISTRY_DIR": str(sandbox["registry_dir"]),
        "DELTA87_WAREHOUSE_DIR": str(sandbox["warehouse_dir"]),
        "DELTA87_REPORT_DIR": str(sandbox["report_dir"]),
    }
    before = rel.read_pointer(sandbox["warehouse_dir"])
    processes = []
    for source in ("owid", "worldbank"):  # the second starts while the first reads, builds and checks
        command = [sys.executable, "-m", "cli", "etl", "run", source, "--force", "--quiet", "--no-warm"]
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        )
        time.sleep(1.5)
    outcomes = [(process.wait(300), process.stdout.read()) for process in processes]
    for process in processes:
        process.stdout.close()
    assert outcomes[0][0] == 0, outcomes[0][1]
    release = rel.read_pointer(sandbox["warehouse_dir"])
    previous = rel.read_manifest(sandbox["warehouse_dir"], release)["previous"]
    if outcomes[1][0] == 0:  # the first had published before the second asked for the lock: build on it
        assert previous != before and rel.read_manifest(sandbox["warehouse_dir"], previous)["previous"] == before
    else:
        assert outcomes[1][0] == 1 and "another refresh is publishing" in outcomes[1][1], outcomes[1][1]
        assert previous == before


def _replace_raw_file(sandbox, relpath: str, registry_entry: str, data: bytes) -> None:
    """Write new bytes to a raw file of the sandbox and record their checksum in its registry entry."""
    target = sandbox["raw_dir"] / relpath
    target.write_bytes(data)
    entry = sandbox["registry_dir"] / registry_entry
    registry = yaml.safe_load(entry.read_text(encoding="utf-8"))
    for raw in registry["files"]:
        if raw["path"] == relpath:
            raw["sha256"] = rel.sha256_file(target)
    entry.write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")


def test_a_country_twice_in_a_commitments_file_is_refused_naming_the_file_and_the_fix(sandbox):
    before = warehouse_bytes(sandbox["warehouse_dir"])
    relpath = "un_treaty_collection/CRC-OP-SC_Ratifications_20200828165211.csv"
    lines = (sandbox["raw_dir"] / relpath).read_bytes().splitlines(keepends=True)
    _replace_raw_file(sandbox, relpath, "un_treaty_crc_opsc.yaml", b"".join([*lines, lines[1]]))  # Afghanistan again
    result = run(sources=["un_treaty_crc_opsc"], progress=False, **sandbox)
    assert result.status == "refused"
    found = [p for p in result.problems if p.check == "duplicates" and p.severity == "error"]
    assert [(p.file, p.source) for p in found] == [(relpath, "un_treaty_crc_opsc")] * 2
    assert "iso3=AFG" in found[0].message and "keep one row per country and instrument" in found[0].message
    assert warehouse_bytes(sandbox["warehouse_dir"]) == before


def test_a_renamed_raw_file_is_refused_naming_its_new_name(sandbox):
    folder = sandbox["raw_dir"] / "owid"
    (folder / "incidence-of-child-labour.csv").rename(folder / "incidence-of-child-labour (1).csv")
    result = run(sources=["owid"], progress=False, **sandbox)
    assert result.status == "refused"
    (problem,) = result.problems
    assert problem.file == "owid/incidence-of-child-labour.csv" and "raw file is missing" in problem.message
    assert "in the folder as 'incidence-of-child-labour (1).csv': rename it back" in problem.message
