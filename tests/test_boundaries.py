"""The architecture's import rules, checked by walking every module's imports with `ast`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package -> top-level names it must never import
FORBIDDEN = {
    "etl": {"app", "dashboards", "api", "web", "content"},
    "warehouse": {"etl", "app", "dashboards", "api", "web", "content"},
    "dashboards": {"etl", "duckdb"},
    "api": {"etl", "duckdb", "dashboards"},
    "web": {"etl", "duckdb"},
    "content": {"etl", "duckdb"},
}


def imported_names(path: Path) -> set[str]:
    """Top-level module names imported anywhere in a file (including inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_import_boundaries(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_names(path) & FORBIDDEN[package])
        for path in modules(package)
        if imported_names(path) & FORBIDDEN[package]
    }
    assert offenders == {}, f"{package} crosses a boundary: {offenders}"


def test_config_imports_only_the_standard_library():
    allowed = {"__future__", "os", "dataclasses", "pathlib"}
    assert imported_names(ROOT / "config.py") <= allowed


def test_pages_and_api_write_no_sql():
    """SQL lives in warehouse/: pages and the API call its methods."""
    keywords = ("SELECT ", "read_parquet(", " FROM {")
    offenders = []
    for package in ("dashboards", "api", "web", "content"):
        for path in modules(package):
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {k!r}" for k in keywords if k in text]
    assert offenders == []


def test_boundary_walker_detects_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from dashboards import home\n", encoding="utf-8")
    assert "dashboards" in imported_names(bad)


def test_only_page_modules_register_global_callbacks():
    """create_app() clears Dash's global callback registry; only page modules (re-run per app) may fill it."""
    offenders = []
    for path in sorted((ROOT / "dashboards").glob("_*.py")):
        text = path.read_text(encoding="utf-8")
        if "@callback" in text or "@dash.callback" in text or "dash.clientside_callback(" in text:
            offenders.append(path.name)
    assert offenders == []
