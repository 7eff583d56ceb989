"""ADAPTERS: format name (as written in a registry entry) → the adapter's read function."""

from __future__ import annotations

from etl.adapters import ddf, excel, owid, sdmx, tidy, unsdhub, wdi, wide

ADAPTERS = {
    "wdi": wdi.read,
    "sdmx-csv": sdmx.read,
    "unsd-hub": unsdhub.read,
    "owid": owid.read,
    "tidy": tidy.read,
    "excel": excel.read,
    "ddf": ddf.read,
    "wide": wide.read,
}
