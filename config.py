"""Every path and tunable of the platform, each overridable by an environment variable (README "Configuration").

Standard library only, and imports nothing from the project, so that every layer (ETL, warehouse,
dashboards, API, tests, benchmarks) can depend on it without creating cycles. Values are read from the
environment each time `settings()` is called, so a test can point the platform at a temporary folder with
`monkeypatch.setenv` and no reload.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _value(name: str, default, kind, what: str):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be {what}, got {value!r}") from exc


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def _int(name: str, default: int) -> int:
    return _value(name, default, int, "a whole number")


def _port(name: str, default: int) -> int:
    port = _int(name, default)
    if not 1 <= port <= 65535:
        raise ValueError(f"{name} must be a port number from 1 to 65535, got {port}")
    return port


def _number(name: str, default: float) -> float:
    return _value(name, default, float, "a number of seconds")


@dataclass(frozen=True)
class Settings:
    """A snapshot of the configuration; build one with `settings()`."""

    raw_dir: Path
    data_dir: Path
    warehouse_dir: Path
    report_dir: Path
    registry_dir: Path
    reference_dir: Path
    keep_releases: int
    cache_url: str
    cache_dir: Path
    cache_timeout: int
    host: str
    port: int
    workers: int
    max_rows_xlsx: int
    page_size_max: int
    public_url: str
    trusted_hosts: tuple[str, ...]
    query_timeout: float
    export_timeout: float
    export_slots: int
    verify_interval: float
    cache_max_entries: int
    header_timeout: int
    body_timeout: int
    rate_callbacks: int
    rate_api: int
    rate_pages: int
    connections_per_client: int
    trusted_proxies: tuple[str, ...]
    plotly_bundle: str


def settings() -> Settings:
    """Read the configuration from the environment, falling back to the defaults."""
    data_dir = _path("DELTA87_DATA_DIR", ROOT / "data")
    return Settings(
        raw_dir=_path("DELTA87_RAW_DIR", ROOT.parent / "shared" / "data"),
        data_dir=data_dir,
        warehouse_dir=_path("DELTA87_WAREHOUSE_DIR", data_dir / "warehouse"),
        report_dir=_path("DELTA87_REPORT_DIR", data_dir / "reports"),
        registry_dir=_path("DELTA87_REGISTRY_DIR", ROOT / "data" / "registry"),
        reference_dir=_path("DELTA87_REFERENCE_DIR", ROOT / "data" / "reference"),
        keep_releases=max(1, _int("DELTA87_KEEP_RELEASES", 5)),
        cache_url=os.environ.get("DELTA87_CACHE_URL", "").strip(),
        cache_dir=_path("DELTA87_CACHE_DIR", data_dir / "cache"),
        cache_timeout=_int("DELTA87_CACHE_TIMEOUT", 3600),
        host=os.environ.get("DELTA87_HOST", "127.0.0.1"),
        port=_port("DELTA87_PORT", 8050),
        workers=max(1, _int("DELTA87_WORKERS", 2)),
        max_rows_xlsx=_int("DELTA87_MAX_ROWS_XLSX", 50_000),
        page_size_max=_int("DELTA87_PAGE_SIZE_MAX", 5000),
        public_url=os.environ.get("DELTA87_PUBLIC_URL", "").strip().rstrip("/"),
        trusted_hosts=_list("DELTA87_TRUSTED_HOSTS"),
        query_timeout=max(0.1, _number("DELTA87_QUERY_TIMEOUT", 10.0)),
        export_timeout=max(0.1, _number("DELTA87_EXPORT_TIMEOUT", 120.0)),
        export_slots=max(1, _int("DELTA87_EXPORT_SLOTS", 2)),
        verify_interval=max(1.0, _number("DELTA87_VERIFY_INTERVAL", 600.0)),
        cache_max_entries=max(10, _int("DELTA87_CACHE_MAX_ENTRIES", 2000)),
        header_timeout=max(1, _int("DELTA87_HEADER_TIMEOUT", 10)),
        body_timeout=max(1, _int("DELTA87_BODY_TIMEOUT", 10)),
        rate_callbacks=max(1, _int("DELTA87_RATE_CALLBACKS", 5)),
        rate_api=max(1, _int("DELTA87_RATE_API", 10)),
        rate_pages=max(1, _int("DELTA87_RATE_PAGES", 20)),
        connections_per_client=max(1, _int("DELTA87_CONNECTIONS_PER_CLIENT", 32)),
        trusted_proxies=_list("DELTA87_TRUSTED_PROXIES"),
        plotly_bundle=os.environ.get("DELTA87_PLOTLY_BUNDLE", "partial").strip().lower(),  # or "full"
    )


# -- why a staff-edited file (registry, reference, content) cannot be read: shared by the ETL and content
#: pyyaml's problem (a part of its text) → whether to point where the broken part began, what is wrong, the fix.
YAML_MISTAKES = (
    ("end of stream", True, "a quote opened here is never closed", "close it with the same quote mark"),
    ("expected ':'", True, "this line has no ': ' after its key", "add ': ' after the key, or quote the value"),
    ("expected ',' or ']'", True, "a '[' opened here is not closed", "close it, or quote a value starting with '['"),
    ("expected ',' or '}'", True, "a '{' opened here is not closed", "close it, or quote a value starting with '{'"),
    ("mapping values are not allowed", False, "': ' inside an unquoted value", "put the value in double quotes"),
    ("'\\t'", False, "a tab", "indent with spaces only"),
    ("duplicate key", False, "this key is given twice in the same block", "keep one: YAML would use only the last"),
    ("cannot start any token", False, "a value starts with a character YAML reserves", "put it in double quotes"),
    ("expected <block end>", False, "unexpected text (the indentation, or a quote left open above)",
     "indent the line like the keys next to it, and close any quote left open on the lines above"),
)  # fmt: skip


def unreadable(exc: Exception) -> str:
    """Why a staff-edited file cannot be read, in one line; a YAML syntax error as its line, column, what and fix."""
    if isinstance(exc, UnicodeDecodeError):
        line = exc.object[: exc.start].count(b"\n") + 1
        return f"it is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line}); save it as UTF-8"
    problem = str(getattr(exc, "problem", None) or "")
    if not problem or getattr(exc, "problem_mark", None) is None:
        return " ".join(str(exc).split())
    at_start, what, fix = next(
        ((start, what, fix) for part, start, what, fix in YAML_MISTAKES if part in problem),
        (False, f"YAML cannot read it ({problem})", "check the quotes and the indentation (spaces, not tabs)"),
    )
    mark = exc.context_mark if at_start and exc.context_mark else exc.problem_mark
    return f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {what}; {fix}"
