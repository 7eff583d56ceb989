"""The architecture's rules, checked by reading the product code with `ast`: import boundaries, no import cycles,
and the size limits of the style guide."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The product code: top-level modules and packages.
PRODUCT = ("app.py", "config.py", "api", "cli", "content", "dashboards", "dataproduct", "etl", "warehouse", "web")
#: Top-level Python that is not product code: it is not served or run by `delta87`.
NOT_PRODUCT = ("benchmarks", "tests", "tools")

#: package -> top-level names it must never import
FORBIDDEN = {
    "etl": {"app", "api", "cli", "content", "dashboards", "dataproduct", "web"},
    "warehouse": {"app", "api", "cli", "content", "dashboards", "dataproduct", "etl", "web"},
    "dashboards": {"app", "api", "cli", "duckdb", "etl"},
    "api": {"app", "cli", "dashboards", "duckdb", "etl"},
    "dataproduct": {"app", "api", "cli", "dashboards", "duckdb", "etl"},
    "web": {"app", "api", "cli", "content", "dashboards", "dataproduct", "duckdb", "etl"},
    "content": {"app", "api", "cli", "dashboards", "dataproduct", "duckdb", "etl", "web"},
}
#: Files allowed to cross a boundary above, and why.
EXCEPTIONS = {
    "etl/__main__.py": "`python -m etl` runs the CLI's etl group",
}

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


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
    path = ROOT / package
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Product module -> the product modules it imports (anywhere in the file; `from p import m` names p.m)."""
    paths = {module_name(p): p for package in PRODUCT for p in modules(package)}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(
                        [*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])]
                    )
                targets |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base for alias in node.names}
        graph[name] = {_known(t, paths) for t in targets} - {None, name}
    return graph


def _known(target: str, paths: dict) -> str | None:
    """The product module `target` names, or its closest product package; None outside the product."""
    while target and target not in paths:
        target = target.rpartition(".")[0]
    return target or None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_import_boundaries(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_names(path) & FORBIDDEN[package])
        for path in modules(package)
        if imported_names(path) & FORBIDDEN[package] and str(path.relative_to(ROOT)) not in EXCEPTIONS
    }
    assert offenders == {}, f"{package} crosses a boundary: {offenders}"


def test_web_never_imports_the_app_and_pages_never_import_the_api_or_the_app():
    assert not imported_names(ROOT / "web" / "__init__.py") & {"app"}
    assert {"app", "api"} <= FORBIDDEN["dashboards"] and "app" in FORBIDDEN["web"]


def test_product_code_has_no_import_cycle():
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_cycle_finder_finds_a_cycle_and_ignores_a_chain():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []


def test_the_import_graph_sees_imports_inside_functions_and_from_packages():
    graph = import_graph()
    assert "cli.warm" in graph["cli"]  # imported inside the `warm` command
    assert "dashboards._data" in graph["dashboards.home"]  # `from dashboards import _data`


def test_the_product_list_names_every_top_level_python_module_and_package():
    found = {
        path.name
        for path in ROOT.iterdir()
        if not path.name.startswith(".") and (path.suffix == ".py" or (path.is_dir() and any(path.rglob("*.py"))))
    }
    assert found - set(NOT_PRODUCT) == set(PRODUCT)


def test_config_imports_only_the_standard_library():
    allowed = {"__future__", "os", "dataclasses", "pathlib"}
    assert imported_names(ROOT / "config.py") <= allowed


def test_pages_api_and_data_product_write_no_sql():
    """SQL lives in warehouse/: pages, the API and the data product call its methods."""
    keywords = ("SELECT ", "read_parquet(", " FROM {")
    offenders = []
    for package in ("dashboards", "api", "web", "content", "dataproduct"):
        for path in modules(package):
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {k!r}" for k in keywords if k in text]
    assert offenders == []


def test_boundary_walker_detects_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from dashboards import home\n", encoding="utf-8")
    assert "dashboards" in imported_names(bad)


def test_only_page_modules_register_global_callbacks():
    """Page modules are executed again by every app and register their callbacks again; helpers must not."""
    offenders = []
    for path in sorted((ROOT / "dashboards").glob("_*.py")):
        text = path.read_text(encoding="utf-8")
        if "@callback" in text or "@dash.callback" in text or "dash.clientside_callback(" in text:
            offenders.append(path.name)
    assert offenders == []


def _function_lengths(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("package", PRODUCT)
def test_modules_and_functions_stay_small(package):
    long_modules, long_functions = [], []
    for path in modules(package):
        where = str(path.relative_to(ROOT))
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules.append(f"{where}: {lines} lines")
        long_functions += [
            f"{where}:{line} {name}: {n} lines" for name, line, n in _function_lengths(path) if n > MAX_FUNCTION_LINES
        ]
    assert long_modules == [], f"modules over {MAX_MODULE_LINES} lines"
    assert long_functions == [], f"functions over {MAX_FUNCTION_LINES} lines"
