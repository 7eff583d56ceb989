"""The platform cache: flask-caching, filesystem by default, Redis when DELTA87_CACHE_URL is set.

Every cached function takes the release id as its first argument (see `by_release`), so a new release
never serves stale figures and needs no cache flush.
"""

from __future__ import annotations

import functools
import logging

from flask_caching import Cache

import config

log = logging.getLogger(__name__)

cache = Cache()


def cache_config() -> dict:
    """flask-caching settings from the environment."""
    settings = config.settings()
    if settings.cache_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.cache_url,
            "CACHE_KEY_PREFIX": "delta87:",
            "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(settings.cache_dir),
        "CACHE_THRESHOLD": 2000,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
    }


def init_app(server) -> None:
    """Bind the cache to the Flask server."""
    cache.init_app(server, config=cache_config())


def by_release(fn):
    """Memoise `fn(release_id, *args)`; if the cache backend is down, compute uncached and log it."""
    memoized = cache.memoize()(fn)

    @functools.wraps(fn)
    def wrapper(release_id: str, *args, **kwargs):
        try:
            return memoized(release_id, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a cache outage must never take a page down
            if _is_cache_outage(exc):
                log.warning("cache unavailable (%s); serving uncached", exc)
                return fn(release_id, *args, **kwargs)
            raise

    wrapper.uncached = fn
    return wrapper


def _is_cache_outage(exc: Exception) -> bool:
    name = type(exc).__module__ + "." + type(exc).__name__
    return name.startswith("redis.") or isinstance(exc, (ConnectionError, TimeoutError, OSError))
