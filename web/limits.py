"""A bound on the heavy work (Excel, zip bundles, bulk builds) running at once on this host; no queue: 503 at once.

A slot is an exclusive `flock` on one of DELTA87_EXPORT_SLOTS files: the bound holds across workers, and a killed
worker frees its slot.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager

import config

#: Seconds a client is told to wait before retrying heavy work.
RETRY_AFTER = 10


class Busy(Exception):
    """Heavy work cannot start now (every slot is taken, or the same file is being built); retry later."""

    retry_after = RETRY_AFTER


@contextmanager
def heavy_slot():
    """Hold one of the host's slots for heavy work while the block runs (Busy when none is free)."""
    settings = config.settings()
    folder = settings.data_dir / "slots"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(settings.export_slots):
        handle = open(folder / f"slot-{number}.lock", "a+")  # noqa: SIM115 - closed below, after the work
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    raise Busy(
        f"the server is already preparing {settings.export_slots} large downloads (Excel, zip or bulk), the most it "
        f"runs at once; try again in {RETRY_AFTER} s, or use format=csv, which streams"
    )
