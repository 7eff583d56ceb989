"""Read-only access to published releases: the data contract shared by the ETL, pages and API."""

from warehouse.release import Release, ReleaseError
from warehouse.store import NoRelease, ObservationFilter, Warehouse, get_warehouse

__all__ = ["NoRelease", "ObservationFilter", "Release", "ReleaseError", "Warehouse", "get_warehouse"]
