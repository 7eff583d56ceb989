"""Read-only access to published releases: the data contract shared by the ETL, pages and API."""

from warehouse.releases import NoRelease, OutdatedRelease, QueryTimeout, Release, ReleaseError, Releases
from warehouse.store import ObservationFilter, Warehouse, get_warehouse

__all__ = [
    "NoRelease",
    "ObservationFilter",
    "OutdatedRelease",
    "QueryTimeout",
    "Release",
    "ReleaseError",
    "Releases",
    "Warehouse",
    "get_warehouse",
]
