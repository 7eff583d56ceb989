"""Memory allocation for the ETL's large Arrow buffers: the system allocator with few arenas.

An ingest allocates and frees buffers of hundreds of megabytes step after step (read, harmonise, sort, write).
With Arrow's default pool (mimalloc) and glibc's one arena per thread, freed memory was rarely reused: each step
faulted in fresh pages, about 1 s of a 4 s ingest of 5 million rows (benchmarks/etl_bench.py). Arrow on the
system allocator with at most two glibc arenas reuses it (peak memory about 0.1 GB higher, under the 1.5 GB
goal). `delta87 serve` sets the same two options for the web workers through the environment
(MALLOC_ARENA_MAX, ARROW_DEFAULT_MEMORY_POOL).
An explicit setting in the environment always wins. The ETL's entry points (`etl.pipeline.run`,
`etl.checks.check_file`) call `use_system_allocator()` first; buffers made before keep their own pool.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

import pyarrow as pa

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
ARENAS = 2


def use_system_allocator() -> None:
    """Arrow on the system allocator, and (on glibc) at most two malloc arenas; idempotent."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())
    if "MALLOC_ARENA_MAX" not in os.environ:
        _limit_arenas(ARENAS)


def _limit_arenas(arenas: int) -> bool:
    """mallopt(M_ARENA_MAX, arenas) when the C library is glibc; False elsewhere (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
