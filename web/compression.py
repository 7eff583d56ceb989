"""Response compression (brotli, then gzip) with flask-compress, keeping the compressed bundles of Dash.

Dash's bundles and our fingerprinted assets are the same for every visitor: each is compressed once per worker and
encoding (`BundleCache`), keyed on the file, never the query string or fingerprint, so junk URLs cannot make a
bundle be compressed again. Everything else is compressed per response.
brotli is a dependency of flask-compress itself on CPython, so it needs no line of its own in pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import brotli
from dash.fingerprint import check_fingerprint
from flask import Flask, Request, Response, request
from flask_compress import Compress

import config

#: Dash serves its bundles under this prefix with a version fingerprint in the name (cached for a year), and
#: our assets under /assets/ with `?m=<mtime>` appended: both are the same bytes for every visitor.
BUNDLES = "/_dash-component-suites/"
ASSETS = "/assets/"
#: Asset files up to this size are read into memory before compression (see `buffer_assets`).
MAX_BUFFERED_ASSET = 4 << 20
_NOT_CACHED = "-"


class BundleCache:
    """A per-worker store of compressed bundles; ignores every key that is not a bundle.

    A bundle's brotli bytes are replaced by the same at brotli's highest level (a tenth smaller, too slow to make
    while a visitor waits): made once in the background from the first response's bytes and kept in `folder`,
    named by the content's hash, so every worker and every restart of the same code reuses them.
    """

    def __init__(self, max_entries: int = 256, folder: Path | None = None) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.folder = folder

    def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";" + _NOT_CACHED) or key in self._data or len(self._data) >= self.max_entries:
            return
        if key.startswith("br;") and self.folder is not None:
            data = brotli.decompress(value)
            path = self._path(data)
            kept = _read(path)
            if kept is None:
                threading.Thread(target=self._densify, args=(key, data, path), daemon=True).start()
            value = kept or value
        with self._lock:
            if key not in self._data and len(self._data) < self.max_entries:
                self._data[key] = value

    def _path(self, data: bytes) -> Path:
        return self.folder / f"{hashlib.sha256(data).hexdigest()[:40]}.br"

    def _densify(self, key: str, data: bytes, path: Path) -> None:
        """Compress at the highest level, keep the result at `path` for the other workers, serve it from now on."""
        _idle_priority()
        compressed = brotli.compress(data, quality=11)
        try:  # written whole, then renamed: a worker reading it meanwhile never sees half a file
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
                tmp.write(compressed)
            os.replace(tmp.name, path)
        except OSError:
            pass  # an unwritable cache folder costs this compression again in the next worker, nothing more
        with self._lock:
            self._data[key] = compressed


def _idle_priority() -> None:
    """Give the calling thread only the CPU time requests leave idle (Linux sets the nice value per thread)."""
    # brotli releases the GIL while it compresses, so at nice 19 this thread no longer delays any request.
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass  # elsewhere it runs at normal priority


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def bundle_key(request: Request) -> str:
    """Cache key for flask-compress: the file a bundle URL serves, or a marker meaning "do not cache"."""
    if request.method != "GET":
        return _NOT_CACHED
    if request.path.startswith(BUNDLES):
        return BUNDLES + check_fingerprint(request.path[len(BUNDLES) :])[0]
    if request.path.startswith(ASSETS) and "m" in request.args:
        return request.path  # our assets change only with a deploy, which restarts the workers
    return _NOT_CACHED


def buffer_assets(response: Response) -> Response:
    """Read a small static file into memory, so that it is compressed once and cached like a bundle.

    Flask streams static files; flask-compress would then compress them chunk by chunk on every request and,
    by replacing the stream, lose the file's close() (a ResourceWarning per asset). `make_sequence` keeps the
    close for the end of the response.
    """
    if (
        request.path.startswith(ASSETS)
        and response.is_streamed
        and response.status_code == 200
        and (response.content_length or 0) <= MAX_BUFFERED_ASSET
    ):
        response.direct_passthrough = False
        response.make_sequence()
    return response


def immutable(response: Response) -> Response:
    """Fingerprinted files (Dash's bundles, our assets with `?m=`) never change under their URL: browsers keep
    them for a year without asking again, so a returning visitor on a slow link spends no round trip on them."""
    fingerprinted = (request.path.startswith(BUNDLES) and check_fingerprint(request.path[len(BUNDLES) :])[1]) or (
        request.path.startswith(ASSETS) and "m" in request.args
    )
    if request.method == "GET" and response.status_code == 200 and fingerprinted:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def install(server: Flask) -> None:
    """Compress text responses (HTML, JSON, JS, CSS, SVG, CSV) with brotli or gzip."""
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    server.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    server.config.setdefault("COMPRESS_BR_LEVEL", 5)
    server.config.setdefault("COMPRESS_LEVEL", 6)
    server.config.setdefault("COMPRESS_MIN_SIZE", 500)
    folder = config.settings().cache_dir / "bundles"
    server.config.setdefault("COMPRESS_CACHE_BACKEND", lambda: BundleCache(folder=folder))
    server.config.setdefault("COMPRESS_CACHE_KEY", bundle_key)
    compress = Compress(server)  # one per server: its settings and bundle cache belong to that app
    compress.compress_mimetypes_set |= {"text/csv", "application/geo+json"}  # downloads and map shapes
    server.extensions["delta87_compress"] = compress
    server.after_request(buffer_assets)  # registered after Compress, so it runs before it
    server.after_request(immutable)
