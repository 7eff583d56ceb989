"""Read-only access to published releases: the data contract shared by the ETL, pages and API.

The query side (`warehouse.store`, which loads DuckDB) is imported on first use, so that the ETL, which only
writes releases, does not pay for it.
"""

from warehouse.releases import NoRelease, QueryTimeout, Release, ReleaseError, Releases

__all__ = [
    "NoRelease",
    "ObservationFilter",
    "QueryTimeout",
    "Release",
    "ReleaseError",
    "Releases",
    "Warehouse",
    "get_warehouse",
]
_STORE = {"ObservationFilter", "Warehouse", "get_warehouse"}


def __getattr__(name: str):
    if name in _STORE:
        from warehouse import store  # noqa: PLC0415

        return getattr(store, name)
    raise AttributeError(f"module 'warehouse' has no attribute {name!r}")
