"""A bound on the heavy work that runs at once on this host: Excel workbooks, zip bundles, bulk builds.

Each of these takes a core (or much memory) for seconds; without a bound, a handful of concurrent requests
would starve every other visitor. A slot is an exclusive `flock` on one of DELTA87_EXPORT_SLOTS files in the
data folder, so the bound holds across all workers of the host and a killed worker frees its slot at once.
When every slot is taken the request gets 503 with Retry-After straight away: there is no queue to grow.
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
