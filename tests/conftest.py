"""Shared fixtures and helpers: headless Chromium for dash_duo, the data folders, the app, and layout-tree helpers.

The app: `app` builds the real app (one per test) over the test's own data folder; publish a release into
`warehouse_root` (e.g. with `synthetic_release`) before or after, since every request resolves its release.
Synthetic releases are built once per session (`release_cache`) and copied into each test's warehouse.
`real_warehouse` points the same folder settings at the release the real ETL built from ../shared/data, once per
test run (shared by pytest-xdist workers).
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import dash
import plotly
import plotly.graph_objects as go
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

    BaseDashRunner._next_port = 20000 + _port_block() * 200


def _port_block() -> int:
    """This process's block number (0-59): a pytest-xdist worker takes the block after its run's (the controller
    is the workers' parent), so the workers of one run never share a block."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return os.getpid() % 60
    return (os.getppid() % 30 * 2 + int(worker[2:]) + 1) % 60


def _browser_available() -> bool:
    return bool(shutil.which("chromedriver")) and os.path.exists(CHROMIUM)


@pytest.hookimpl(tryfirst=True)  # marked before `-m "not browser"` selects
def pytest_collection_modifyitems(config, items):
    """Browser tests skip on a laptop without Chromium, but under CI a missing browser is a failure.

    dash.testing stops its test server by raising SystemExit in every thread started since the server began (the
    app's own background threads too, e.g. the bundle compression in web/compression.py); pytest would report
    those as unhandled thread exceptions of whichever test is being torn down, so browser tests ignore them."""
    shutdown = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
    for item in items:
        if {"dash_duo", "dash_br"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
            item.add_marker(shutdown)
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
    """A warehouse built once per test run by the real ETL from the real raw snapshots (read-only for tests).

    pytest-xdist workers share one base folder: the first to get here builds, the others wait for it."""
    from etl.pipeline import run  # noqa: PLC0415 - keep ETL imports out of collection

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root, done = shared / "real-warehouse", shared / "real-warehouse.built"
    with open(shared / "real-warehouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            result = run(raw_dir=raw_dir, warehouse_dir=root, report_dir=root / "reports", progress=False)
            assert result.status in ("published", "unchanged"), result.summary()
            done.touch()
    return root


def _builder(name: str) -> Callable[[Path], str]:
    """The function that publishes the SYNTHETIC release `name` into a warehouse folder."""
    from tests import dashboard_release, delta_release, explorer_data, learn_release  # noqa: PLC0415

    return {
        "dashboard": dashboard_release.build,
        "explorer": explorer_data.sample_release,
        "learn": learn_release.publish,
        "delta": delta_release.build_synthetic_release,
    }[name]


@pytest.fixture(scope="session")
def release_cache(tmp_path_factory) -> Callable[[Path, str], str]:
    """`publish(root, name)`: the SYNTHETIC release `name` (see `_builder`), built once per session, copied into `root`.

    A copy only into a warehouse that holds nothing yet (where the build would have been the first publish);
    otherwise the release is published for real, after the releases already there."""
    folder = tmp_path_factory.mktemp("release-cache")
    built: dict[str, str] = {}

    def publish(root: Path, name: str) -> str:
        if root.exists() and any(root.iterdir()):
            return _builder(name)(root)
        if name not in built:
            built[name] = _builder(name)(folder / name)
        shutil.copytree(folder / name, root, dirs_exist_ok=True)
        return built[name]

    return publish


def _isolate(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Point every generated path of the platform inside `root` (raw data still read from the real folder)."""
    monkeypatch.setenv("DELTA87_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(root / "data" / "warehouse"))
    monkeypatch.setenv("DELTA87_REPORT_DIR", str(root / "data" / "reports"))
    monkeypatch.setenv("DELTA87_CACHE_DIR", str(root / "data" / "cache"))
    monkeypatch.delenv("DELTA87_CACHE_URL", raising=False)


@pytest.fixture
def isolated_env(tmp_path, monkeypatch):
    """Every generated path of the platform inside tmp_path (raw data still read from the real folder)."""
    _isolate(monkeypatch, tmp_path)
    return tmp_path


@pytest.fixture
def warehouse_root(isolated_env) -> Path:
    """The test's own warehouse folder (empty until a test publishes into it)."""
    return isolated_env / "data" / "warehouse"


@pytest.fixture
def real_warehouse(isolated_env, real_warehouse_dir, monkeypatch):
    """Point the platform at the session's real warehouse (everything else stays in tmp_path); yields a Warehouse."""
    from warehouse import Warehouse  # noqa: PLC0415

    monkeypatch.setenv("DELTA87_WAREHOUSE_DIR", str(real_warehouse_dir))
    return Warehouse(real_warehouse_dir)


@pytest.fixture
def real_release(real_warehouse):
    """The Release the real warehouse serves."""
    return real_warehouse.releases.current()


@pytest.fixture
def synthetic_release(warehouse_root, release_cache) -> str:
    """The SYNTHETIC dashboard release of tests/dashboard_release.py, published; its id."""
    return release_cache(warehouse_root, "dashboard")


@pytest.fixture
def explorer_release(warehouse_root, release_cache) -> str:
    """The SYNTHETIC release of tests/explorer_data.py (API, downloads, /data), published; its id."""
    return release_cache(warehouse_root, "explorer")


@pytest.fixture
def learn_published(warehouse_root, release_cache) -> str:
    """The SYNTHETIC learning-space release of tests/learn_release.py (VNM, CIV, NPL), published; its id."""
    return release_cache(warehouse_root, "learn")


@pytest.fixture
def delta_release(warehouse_root, release_cache) -> str:
    """The SYNTHETIC release of tests/delta_release.py (progress computed by the real engine), published; its id."""
    return release_cache(warehouse_root, "delta")


@pytest.fixture
def fresh_app(isolated_env):
    """The real app, built for this test over the test's data folder."""
    import app as webapp  # noqa: PLC0415 - built after the environment points at tmp_path

    return webapp.create_app()


@pytest.fixture
def app(fresh_app):
    """The app a test uses: its own (`fresh_app`), unless its module shares one (see `_module_app`)."""
    return fresh_app


@pytest.fixture
def client(app):
    """A Flask test client of `app`."""
    return app.server.test_client()


def _module_app(tmp_path_factory, release_cache, name: str):
    """One app for a module's tests that only read, over its own data folder holding the SYNTHETIC release `name`.

    While the module runs, the platform's paths point at that folder unless a test points them at its own
    (`isolated_env`, e.g. through the `*_release` fixture that publishes the same release there)."""
    root = tmp_path_factory.mktemp(f"app-{name}")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(monkeypatch, root)
        release_cache(root / "data" / "warehouse", name)
        import app as webapp  # noqa: PLC0415 - built after the environment points at the module's folder

        yield webapp.create_app()


@pytest.fixture(scope="module")
def dashboard_app(tmp_path_factory, release_cache) -> dash.Dash:
    """The module's one app over the dashboard release (`synthetic_release`); see `_module_app`."""
    yield from _module_app(tmp_path_factory, release_cache, "dashboard")


@pytest.fixture(scope="module")
def explorer_app(tmp_path_factory, release_cache) -> dash.Dash:
    """The module's one app over the explorer release (`explorer_release`); see `_module_app`."""
    yield from _module_app(tmp_path_factory, release_cache, "explorer")


@pytest.fixture(scope="module")
def learn_app(tmp_path_factory, release_cache) -> dash.Dash:
    """The module's one app over the learning-space release (`learn_published`); see `_module_app`."""
    yield from _module_app(tmp_path_factory, release_cache, "learn")


# -- layout trees ---------------------------------------------------------------------------------------
def render(app: dash.Dash, module: str, **kwargs):
    """A page's layout as the Dash router builds it for a request (`module`: the name under dashboards/)."""
    page = importlib.import_module(f"dashboards.{module}")
    with app.server.test_request_context("/"):
        return page.layout(**kwargs)


def components(tree) -> list:
    """Every component in a layout tree, the root first."""
    return [tree, *(c for c in tree._traverse() if hasattr(c, "to_plotly_json"))]


def find(tree, component_id: str):
    """The component with `component_id` in a layout tree, or None."""
    return next((c for c in components(tree) if getattr(c, "id", None) == component_id), None)


def texts(tree) -> str:
    """All text in a layout tree, space-joined."""
    out = []

    def walk(node):
        if isinstance(node, str | int | float):
            out.append(str(node))
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif node is not None and hasattr(node, "children"):
            walk(node.children)

    walk(tree)
    return " ".join(out)


def serialised(tree) -> str:
    """A layout tree as the JSON the browser receives (every prop, including figures)."""
    return json.dumps(tree.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def hrefs(tree) -> list[str]:
    """The href of every link in a layout tree."""
    return [c.href for c in components(tree) if getattr(c, "href", None)]


def figure(tree, graph_id: str) -> go.Figure:
    """The figure of the dcc.Graph with `graph_id` (pages store plain dicts; this reads them as a Figure)."""
    return go.Figure(find(tree, graph_id).figure)


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests save screenshots for reviewers (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
