"""The filesystem cache backend: bounded, least recently used entries evicted first, junk ignored and cleaned.

cachelib's FileSystemCache evicts the oldest written, keeps junk, logs per file and reads every file to prune.
Here a hit touches its file (mtime = last use); every few writes the folder is listed (names only) and pruned.
Problems of the folder itself raise OSError, which web/cache.py treats as an outage.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import re
import shutil
import struct
import tempfile
import time
from pathlib import Path

from flask_caching.backends.base import BaseCache

ENTRY = re.compile(r"^[0-9a-f]{64}\.entry$")
TEMPORARY = ".tmp-"
#: Expiry time (Unix seconds, 0 = never) ahead of each pickled value.
HEADER = struct.Struct("<d")
#: A temporary file younger than this may still be being written by another worker.
TEMPORARY_GRACE = 60.0


class BoundedFileCache(BaseCache):
    """flask-caching's backend interface over one folder, holding at most about `max_entries` entries."""

    def __init__(self, cache_dir: str, max_entries: int = 2000, default_timeout: int = 300, **_options) -> None:
        super().__init__(default_timeout)
        self.folder = Path(cache_dir)
        self.max_entries = max_entries
        self.check_every = max(1, min(64, max_entries // 10))  # the bound is overshot by at most this per worker
        self._writes = itertools.count(1)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.prune()
        except OSError:
            pass  # reported as an outage on first use, not a reason to refuse to start

    @classmethod
    def factory(cls, app, config, args, kwargs) -> BoundedFileCache:
        """flask-caching's constructor hook (CACHE_TYPE = "web.filecache.BoundedFileCache")."""
        return cls(config["CACHE_DIR"], config.get("DELTA87_CACHE_MAX_ENTRIES", 2000), kwargs["default_timeout"])

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest() + ".entry")

    def get(self, key: str):
        path = self._path(key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None
        try:
            (expires,) = HEADER.unpack_from(data)
            value = pickle.loads(data[HEADER.size :])
        except Exception:  # noqa: BLE001 - a damaged or foreign file is a miss, and goes away
            self._discard(path)
            return None
        if expires and expires < time.time():
            return None
        try:
            os.utime(path)  # the last use, for eviction
        except OSError:
            pass
        return value

    def set(self, key: str, value, timeout: int | None = None) -> bool:
        timeout = self._normalize_timeout(timeout)
        data = HEADER.pack(time.time() + timeout if timeout else 0) + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=TEMPORARY)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, self._path(key))
        except BaseException:
            self._discard(Path(temporary))
            raise
        if next(self._writes) % self.check_every == 0:
            self.prune()
        return True

    def add(self, key: str, value, timeout: int | None = None) -> bool:
        return False if self._path(key).exists() else self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        return self._discard(self._path(key))

    def clear(self) -> bool:
        for entry in os.scandir(self.folder):
            self._discard(Path(entry.path))
        return True

    def prune(self) -> None:
        """Delete junk, and the least recently used entries when there are more than `max_entries`."""
        entries, junk = [], []
        now = time.time()
        with os.scandir(self.folder) as listing:
            for item in listing:
                if ENTRY.match(item.name):
                    entries.append(item)
                elif not item.name.startswith(TEMPORARY) or now - _mtime(item) > TEMPORARY_GRACE:
                    junk.append(item)
        if len(entries) > self.max_entries:
            used = sorted(entries, key=_mtime)
            junk += used[: len(entries) - int(self.max_entries * 0.9)]
        for item in junk:
            self._discard(Path(item.path))

    @staticmethod
    def _discard(path: Path) -> bool:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            return False
        return True


def _mtime(item: os.DirEntry) -> float:
    try:
        return item.stat().st_mtime
    except FileNotFoundError:
        return 0.0
