"""The platform cache: flask-caching, filesystem by default, Redis when DELTA87_CACHE_URL is set.

Every cached function takes the release id as its first argument (see `by_release`) and the key names that
release in clear (`delta87:<release>:<module.function>:<args digest>`), so a new release never serves stale
figures and needs no flush: old keys simply expire. Both backends are shared by all workers of a host; Redis
is also shared between hosts (the scale path, see the README's deployment section).

A cache outage never takes a page down: when the backend fails (Redis stopped, unreachable or out of memory),
the worker logs it once, serves uncached, and tries the backend again after `RETRY_AFTER` seconds.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import logging
import threading
import time

import flask
from flask_caching import Cache

import config

log = logging.getLogger(__name__)

cache = Cache()

KEY_PREFIX = "delta87:"
#: Seconds a worker serves uncached after a cache failure before it tries the backend again.
RETRY_AFTER = 10.0
#: Seconds a Redis call may take before it counts as an outage (the default would wait for the OS: minutes).
REDIS_TIMEOUT = 0.5


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
                log.warning(
                    "cache unavailable (%s: %s); serving uncached, retrying every %ss",
                    type(exc).__name__,
                    exc,
                    RETRY_AFTER,
                )
            self.problem = f"{type(exc).__name__}: {exc}"
            self.until = time.monotonic() + RETRY_AFTER

    def end(self, asked_at: float) -> None:
        """A cache call that began at `asked_at` succeeded; it ends the outage only if it began after it."""
        if self.problem is not None:
            with self._lock:
                if self.problem is not None and asked_at > self.since:
                    log.warning("cache reachable again after: %s", self.problem)
                self.problem = None


outage = _Outage()


def cache_config() -> dict:
    """flask-caching settings from the environment."""
    settings = config.settings()
    if settings.cache_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.cache_url,
            "CACHE_KEY_PREFIX": KEY_PREFIX,
            "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
            "CACHE_OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(settings.cache_dir),
        "CACHE_KEY_PREFIX": KEY_PREFIX,
        "CACHE_THRESHOLD": 2000,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
    }


def init_app(server: flask.Flask) -> None:
    """Bind the cache to the Flask server."""
    settings = cache_config()
    server.config["DELTA87_CACHE_BACKEND"] = "redis" if settings["CACHE_TYPE"] == "RedisCache" else "filesystem"
    cache.init_app(server, config=settings)


def status() -> dict:
    """The backend in use and whether this worker currently reaches it (for /readyz)."""
    backend = flask.current_app.config.get("DELTA87_CACHE_BACKEND", "none") if flask.has_app_context() else "none"
    return {
        "backend": backend,
        "available": not outage.active(),
        "problem": outage.problem if outage.active() else None,
    }


def _code_version() -> str:
    """A digest of the code and content that shape cached answers, so a deploy never serves old renderings."""
    digest = hashlib.sha1(usedforsecurity=False)
    for folder in ("dashboards", "web", "warehouse", "api", "content"):
        for path in sorted((config.ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".md", ".yaml") and path.is_file():
                digest.update(path.relative_to(config.ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:8]


CODE_VERSION = _code_version()


def release_key(release_id: str, fn, args: tuple, kwargs: dict) -> str:
    """The cache key of one call: the release in clear, the code version, the function, a digest of the arguments."""
    digest = hashlib.sha1(repr((args, sorted(kwargs.items()))).encode(), usedforsecurity=False).hexdigest()[:20]
    return f"{release_id}:{CODE_VERSION}:{fn.__module__}.{fn.__qualname__}:{digest}"


def by_release(fn):
    """Memoise `fn(release_id, *args)` (scalars only) in the shared cache; on a cache outage compute uncached."""

    @functools.wraps(fn)
    def wrapper(release_id: str, *args, **kwargs):
        backend = _backend()
        if backend is None:
            return fn(release_id, *args, **kwargs)
        key = release_key(release_id, fn, args, kwargs)
        asked_at = time.monotonic()
        try:
            hit = backend.get(key)
        except Exception as exc:  # noqa: BLE001 - any backend failure means "no cache", never "no page"
            outage.begin(exc)
            return fn(release_id, *args, **kwargs)
        if hit is not None:
            outage.end(asked_at)
            return hit[0]  # values are stored in a 1-tuple so that a cached None is still a hit
        value = fn(release_id, *args, **kwargs)
        _store(backend, key, value, asked_at)
        return value

    wrapper.uncached = fn
    return wrapper


def _backend():
    """The cache backend of the current app, or None outside an app or during an outage."""
    if not flask.has_app_context() or outage.active():
        return None
    return flask.current_app.extensions.get("cache", {}).get(cache)


def _store(backend, key: str, value, asked_at: float) -> None:
    try:
        backend.set(key, (value,))
    except Exception as exc:  # noqa: BLE001
        if type(exc).__module__.startswith("redis"):
            outage.begin(exc)
        else:  # e.g. a value that cannot be pickled: a bug in the caller, but not worth a failed page
            log.warning("could not cache %s: %s", key, exc)
        return
    outage.end(asked_at)


# -- whole callback responses ---------------------------------------------------------------------------------

CALLBACK_PATH = "/_dash-update-component"
#: Largest callback response kept (bytes); bigger ones are rare and cheap to rebuild relative to their size.
MAX_CACHED_RESPONSE = 2 << 20
#: Bytes of callback responses each worker also keeps in memory (see `Hot`); small next to a worker's ~280 MB.
HOT_BYTES = 2 << 20


def install_response_cache(server: flask.Flask) -> None:
    """Cache whole Dash callback responses per release, keyed on the exact request body.

    A callback's answer depends only on its inputs, state and trigger (all in the body) and on the release
    (pinned per request, see web/release.py): the same body in the same release always gives the same answer,
    so every visitor after the first gets the stored bytes (a few ms) instead of queries and figure building.
    `Cache-Control: no-cache` on the request skips the lookup (to measure the uncached cost). Register this
    after the compression hooks, so the bytes stored are the uncompressed JSON; the lookup itself runs right
    after the release pin (see `_lookup_after_pinning`).
    """
    server.before_request(_cached_callback)
    server.after_request(_store_callback)
    _lookup_after_pinning(server)


def _lookup_after_pinning(server: flask.Flask) -> None:
    """Move the lookup to just after the release pin, before the callback body check (web/errors.py).

    Only a 200 answer to a body that passed that check is ever stored, and the key is the body's digest, so a
    hit is a body already checked: checking it again (parsing its JSON) would only add time to every hit.
    """
    from web import release  # noqa: PLC0415 - web.release imports the warehouse; keep this module light

    hooks = server.before_request_funcs.setdefault(None, [])
    if release._pin in hooks:
        hooks.remove(_cached_callback)
        hooks.insert(hooks.index(release._pin) + 1, _cached_callback)


def _callback_key() -> str | None:
    release = flask.g.get("web_release")
    if flask.request.path != CALLBACK_PATH or flask.request.method != "POST" or release is None:
        return None
    digest = hashlib.sha256(flask.request.get_data(cache=True)).hexdigest()[:32]
    return f"{release.id}:{CODE_VERSION}:callback:{digest}"


class Hot:
    """The most recently used entries of one worker, in memory, bounded by the bytes of their bodies.

    Used for callback answers (below) and for final callback responses (web/replay.py). A key names the release,
    the code version and the exact request, so its value never changes: a copy here can never go stale, and it
    spares a hit the shared backend's file read or network round trip. `size(value)` is a value's byte count.
    """

    def __init__(self, max_bytes: int = HOT_BYTES, size=len) -> None:
        self._data: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()
        self._size = size
        self.max_bytes, self.size = max_bytes, 0

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        nbytes = self._size(value)
        if nbytes > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._data:
                return
            self._data[key] = value
            self.size += nbytes
            while self.size > self.max_bytes:
                self.size -= self._size(self._data.popitem(last=False)[1])


def _hot() -> Hot:
    return flask.current_app.extensions.setdefault("delta87_hot_callbacks", Hot())


def _cached_callback():
    key = _callback_key()
    if key is None or "no-cache" in flask.request.headers.get("Cache-Control", ""):
        flask.g.callback_key = key if key and _backend() is not None else None
        return None
    data = _hot().get(key)
    if data is None:
        data = _shared_hit(key)
        if data is None:
            return None
        _hot().put(key, data)
    flask.g.callback_hit = True
    response = flask.Response(data, mimetype="application/json")
    response.headers["X-Delta87-Cache"] = "hit"
    return response


def _shared_hit(key: str) -> bytes | None:
    """The stored response from the shared backend; remembers the key for `_store_callback` on a miss."""
    backend = _backend()
    if backend is None:
        return None
    flask.g.callback_key = key
    asked_at = time.monotonic()
    try:
        hit = backend.get(key)
    except Exception as exc:  # noqa: BLE001
        outage.begin(exc)
        return None
    if hit is None:
        return None
    outage.end(asked_at)
    return hit[0]


def _store_callback(response: flask.Response) -> flask.Response:
    key = flask.g.get("callback_key")
    if key is None or flask.g.get("callback_hit"):
        return response
    response.headers["X-Delta87-Cache"] = "miss"
    if response.status_code == 200 and not response.is_streamed and "Set-Cookie" not in response.headers:
        data = response.get_data()
        backend = _backend()
        if backend is not None and len(data) <= MAX_CACHED_RESPONSE:
            _store(backend, key, data, time.monotonic())
            _hot().put(key, data)
    return response
