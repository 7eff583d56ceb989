"""The one cache: flask-caching, filesystem or Redis (DELTA87_CACHE_URL); an outage costs only speed (README)."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import flask
from flask_caching import Cache

import config
from warehouse import Release
from web import i18n

log = logging.getLogger(__name__)

cache = Cache()

KEY_PREFIX = "delta87:"
#: The key /readyz writes to check that the cache takes writes.
PROBE_KEY = "readyz-probe"
#: Seconds a worker serves uncached after a cache failure before it tries the backend again.
RETRY_AFTER = 10.0
#: Seconds a Redis call may take before it counts as an outage (the default would wait for the OS: minutes).
REDIS_TIMEOUT = 0.5


def code_id() -> str:
    """The name of the code running, in every cache key: DELTA87_CODE_ID, else worked out once per process."""
    return os.environ.get("DELTA87_CODE_ID", "").strip() or _own_code_id()


@functools.cache
def _own_code_id() -> str:
    return code_id_of(config.ROOT)


def code_id_of(root: Path) -> str:
    """The git commit of a checkout (with a digest of uncommitted changes), else the installed package's record."""
    if (root / ".git").exists():
        git = ["git", "-c", "safe.directory=*", "-C", str(root)]
        try:
            commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, check=True, timeout=30).stdout
            changes = subprocess.run([*git, "diff", "HEAD"], capture_output=True, check=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            edited = "+" + hashlib.sha1(changes, usedforsecurity=False).hexdigest()[:8] if changes else ""
            return commit.decode().strip()[:12] + edited
    try:
        installed = metadata.distribution("delta87")
    except metadata.PackageNotFoundError:  # neither a checkout nor installed: a name of this process's own
        return f"unrecorded-{uuid.uuid4().hex[:12]}"
    # a wheel's RECORD lists every installed file with its hash; the time of the record (or of an editable
    # install's PKG-INFO) tells two installs of the same version apart
    record = next((file for file in installed.files or () if file.name in ("RECORD", "PKG-INFO")), None)
    stamp = f"{record.read_text()}{record.locate().stat().st_mtime_ns}" if record else ""
    return f"{installed.version}-{hashlib.sha1(stamp.encode(), usedforsecurity=False).hexdigest()[:8]}"


class _Outage:
    """Per-process memory of a cache outage, so a dead Redis costs one log line and no waiting per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.until = 0.0
        self.since = 0.0
        self.problem: str | None = None

    def active(self) -> bool:
        return self.problem is not None and time.monotonic() < self.until

    def begin(self, exc: Exception) -> None:
        with self._lock:
            if self.problem is None:
                self.since = time.monotonic()
                log.warning("cache unavailable (%s); serving uncached, retrying every %ss", describe(exc), RETRY_AFTER)
            self.problem = describe(exc)
            self.until = time.monotonic() + RETRY_AFTER

    def end(self, asked_at: float) -> None:
        """A cache call that began at `asked_at` succeeded: the outage is over if it began before that call."""
        if self.problem is not None:
            with self._lock:
                if self.problem is not None and asked_at > self.since:
                    log.warning("cache reachable again after: %s", self.problem)
                self.problem = None


outage = _Outage()


def describe(exc: Exception) -> str:
    """An error in a few words, without file paths (it is shown on /readyz)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def cache_config() -> dict:
    """flask-caching settings from the environment."""
    settings = config.settings()
    common = {"CACHE_KEY_PREFIX": KEY_PREFIX, "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout}
    if settings.cache_url:
        timeouts = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_url, "CACHE_OPTIONS": timeouts, **common}
    return {
        "CACHE_TYPE": "web.filecache.BoundedFileCache",
        "CACHE_DIR": str(settings.cache_dir),
        "DELTA87_CACHE_MAX_ENTRIES": settings.cache_max_entries,
        **common,
    }


def init_app(server: flask.Flask) -> None:
    """Bind the cache to the Flask server."""
    settings = cache_config()
    server.config["DELTA87_CACHE_BACKEND"] = "redis" if settings["CACHE_TYPE"] == "RedisCache" else "filesystem"
    cache.init_app(server, config=settings)
    if server.config["DELTA87_CACHE_BACKEND"] == "redis":
        _warn_if_unbounded(server.extensions["cache"][cache])


def _warn_if_unbounded(backend) -> None:
    """One warning when the Redis in use could grow without bound (README "Cache": use deploy/redis.conf)."""
    try:
        found = backend._write_client.config_get("maxmemory*")
    except Exception:  # noqa: BLE001 - unreachable (an outage, noticed on first use) or CONFIG not allowed
        return
    if str(found.get("maxmemory", "0")) == "0" or "lru" not in str(found.get("maxmemory-policy", "")):
        log.warning("the Redis cache has no maxmemory with an LRU policy: start it with deploy/redis.conf")


def status() -> dict:
    """The backend in use and whether this worker can write to it now (for /readyz: one small write)."""
    name = flask.current_app.config.get("DELTA87_CACHE_BACKEND", "none") if flask.has_app_context() else "none"
    backend = _backend()
    if backend is not None:
        asked_at = time.monotonic()
        try:
            backend.set(PROBE_KEY, time.time(), timeout=60)
        except Exception as exc:  # noqa: BLE001 - whatever the backend raises, the cache is not usable
            outage.begin(exc)
        else:
            outage.end(asked_at)
    return {"backend": name, "available": not outage.active(), "problem": outage.problem if outage.active() else None}


def key(release: Release, fn, args: tuple) -> str:
    """The key of one call: release, code and language in clear (so none needs a flush), function, arguments and
    the base URL of the request, which cached pages write in their absolute links (DELTA87_PUBLIC_URL, whatever the
    host, when it is set: web/hosts.py; else the host and port the request named)."""
    base = flask.request.host_url if flask.has_request_context() else ""
    digest = hashlib.sha1(repr((base, args)).encode(), usedforsecurity=False).hexdigest()[:20]
    return f"{release.id}:{code_id()}:{i18n.cache_tag(i18n.lang())}:{fn.__module__}.{fn.__qualname__}:{digest}"


class _Flights:
    """Per-key locks of one worker, so a burst of first visitors after a publish costs one build, not one each."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def one_at_a_time(self, name: str):
        with self._guard:
            lock, waiting = self._locks.get(name, (threading.Lock(), 0))
            self._locks[name] = (lock, waiting + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, waiting = self._locks.pop(name)
                if waiting > 1:
                    self._locks[name] = (lock, waiting - 1)


_flights = _Flights()


def by_release(fn):
    """Memoise `fn(release, *args)` in the shared cache (uncached on an outage); concurrent misses build once."""

    @functools.wraps(fn)
    def wrapper(release: Release, *args):
        backend = _backend()
        if backend is None:
            return fn(release, *args)
        name = key(release, fn, args)
        with _flights.one_at_a_time(name):
            asked_at = time.monotonic()
            try:
                hit = backend.get(name)
            except Exception as exc:  # noqa: BLE001 - any backend failure means "no cache", never "no page"
                outage.begin(exc)
                return fn(release, *args)
            if hit is not None:
                outage.end(asked_at)
                return hit[0]  # values are stored in a 1-tuple so that a cached None is still a hit
            value = fn(release, *args)
            if not _no_cache():
                _store(backend, name, value, asked_at)
            return value

    return wrapper


def _backend():
    """The cache backend of the current app, or None outside an app or during an outage."""
    if not flask.has_app_context() or outage.active():
        return None
    return flask.current_app.extensions.get("cache", {}).get(cache)


def _no_cache() -> bool:
    """Whether the request asked not to be served from caches: it may read them, but it stores nothing."""
    if not flask.has_request_context():
        return False
    headers = flask.request.headers
    return "no-cache" in headers.get("Cache-Control", "").lower() or "no-cache" in headers.get("Pragma", "").lower()


def _store(backend, name: str, value, asked_at: float) -> None:
    try:
        backend.set(name, (value,))
    except Exception as exc:
        if not (isinstance(exc, OSError) or type(exc).__module__.startswith("redis")):
            raise  # e.g. a value that cannot be pickled: a bug in the cached function, not an outage
        outage.begin(exc)
        return
    outage.end(asked_at)
