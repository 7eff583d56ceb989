"""Compressed bundles: brotli at its highest level, made once and shared by every worker through the cache folder."""

from __future__ import annotations

import time
from pathlib import Path

import brotli
import dash

from web import compression

BUNDLE = (Path(dash.__file__).parent / "dcc" / "async-graph.js").read_bytes()
KEY = "br;/_dash-component-suites/dash/dcc/async-graph.js"


def densest(cache: compression.BundleCache, quick: bytes) -> bytes:
    """What the cache serves once its background compression is done."""
    deadline = time.monotonic() + 10
    while cache.get(KEY) == quick and time.monotonic() < deadline:
        time.sleep(0.01)
    return cache.get(KEY)


def test_a_bundle_is_kept_at_brotlis_highest_level(tmp_path):
    cache = compression.BundleCache(folder=tmp_path)
    quick = brotli.compress(BUNDLE, quality=5)
    cache.set(KEY, quick)
    assert cache.get(KEY) == quick  # served at once, made smaller in the background
    kept = densest(cache, quick)
    assert brotli.decompress(kept) == BUNDLE
    assert len(kept) < len(quick)


def test_another_worker_reuses_the_bundle_one_worker_compressed(tmp_path):
    first, quick = compression.BundleCache(folder=tmp_path), brotli.compress(BUNDLE, quality=5)
    first.set(KEY, quick)
    densest(first, quick)
    (kept,) = tmp_path.iterdir()
    kept.write_bytes(b"made by the first worker")  # what the second worker serves comes from the shared folder
    second = compression.BundleCache(folder=tmp_path)
    second.set(KEY, brotli.compress(BUNDLE, quality=5))
    assert second.get(KEY) == b"made by the first worker"


def test_an_unwritable_cache_folder_only_costs_the_compression_again(tmp_path):
    blocked = tmp_path / "bundles"
    blocked.write_text("a file where the folder should be")
    cache, quick = compression.BundleCache(folder=blocked), brotli.compress(BUNDLE, quality=5)
    cache.set(KEY, quick)
    assert brotli.decompress(densest(cache, quick)) == BUNDLE


def test_responses_that_are_not_bundles_are_not_kept(tmp_path):
    cache = compression.BundleCache(folder=tmp_path)
    cache.set("br;-", b"x")
    assert cache.get("br;-") is None and not list(tmp_path.iterdir())
