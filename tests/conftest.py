"""Shared fixtures: headless Debian Chromium for dash_duo, and warehouses built by the real ETL or factories."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

import config

CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def pytest_setup_options():
    """dash.testing takes the FIRST result of this hook as its base Options (see TOOLCHAIN.md section 3)."""
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1366,900",
    ):
        options.add_argument(arg)
    return options


def pytest_configure(config):
    """dash.testing numbers its test servers' ports from a fixed base (58050): two test runs on one machine (two
    checkouts, or a benchmark beside the suite) would collide, so each run takes its own block of 200 ports
    below the kernel's ephemeral range, chosen by process id."""
    from dash.testing.application_runners import BaseDashRunner  # noqa: PLC0415 - only when tests run

    BaseDashRunner._next_port = 20000 + (os.getpid() % 60) * 200


def _browser_available() -> bool:
    return bool(shutil.which("chromedriver")) and os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    """Browser tests skip on a laptop without Chromium, but under CI a missing browser is a failure."""
    for item in items:
        if {"dash_duo", "dash_br"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    if _browser_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI=true but chromium/chromedriver are missing: run `make system`")
    skip = pytest.mark.skip(reason="chromium/chromedriver not installed (make system)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The real raw snapshots (always present in CI: ../shared/data)."""
    path = config.settings().raw_dir
    if not path.is_dir():
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI=true but the raw-data folder {path} is missing")
        pytest.skip(f"raw data folder {path} not present")
    return path


@pytest.fixture(scope="session")
def real_warehouse_dir(tmp_path_factory, raw_dir) -> Path:
    """A warehouse built once per test session by the real ETL from the real raw snapshots."""
    from etl.pipeline import run  # noqa: PLC0415 - keep ETL imports out of collection

    root = tmp_path_factory.mktemp("real-warehouse")
    result = run(raw_dir=raw_dir, warehouse_dir=root, report_dir=root / "reports", progress=False)
    assert result.status in ("published", "unchanged"), result.summary()
    return root


@pytest.fixture
def real_warehouse(real_warehouse_dir, monkeypatch):
    """Point the platform at the session's real warehouse; yields a Warehouse."""
    from warehouse import Warehouse  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(real_warehouse_dir))
    return Warehouse(real_warehouse_dir)


@pytest.fixture
def isolated_env(tmp_path, monkeypatch):
    """Every generated path of the platform inside tmp_path (raw data still read from the real folder)."""
    monkeypatch.setenv("DELTA87_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(tmp_path / "data" / "warehouse"))
    monkeypatch.setenv("DELTA87_REPORT_DIR", str(tmp_path / "data" / "reports"))
    monkeypatch.setenv("DELTA87_CACHE_DIR", str(tmp_path / "data" / "cache"))
    return tmp_path


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests save screenshots for reviewers (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
