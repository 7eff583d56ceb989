"""`owid`: Our World in Data grapher CSV: `Entity, Code, Year, <value column>`.

`Code` is ISO3 for countries, `OWID_*` for OWID entities (OWID_WRL = World) and empty for regional
aggregates, whose `Entity` is then the area and which are flagged as aggregates. `options.header` replaces a
broken header line (the real incidence-of-child-labour.csv has 5 names for 4 columns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.adapters import RawTable
from etl.adapters.tidy import read_long
from etl.registry import Dataset

OWID_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("Code",),
    "area_alt": ("Entity",),
    "year": ("Year",),
}


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read an OWID grapher CSV; the value column is the one after Entity, Code and Year (or options.value_column)."""

    def value_column(names: list[str]) -> str | None:
        others = (c for c in names if c not in ("Entity", "Code", "Year") and not c.startswith("Unnamed"))
        return dataset.options.get("value_column") or next(others, None)

    raw = read_long(
        path, dataset, label, lambda names: {**OWID_DEFAULTS, "value": tuple(filter(None, [value_column(names)]))}
    )
    frame, value = raw.frame, raw.source_columns.get("value")
    if len(frame) and "area" in frame:
        no_code = (frame["area"].str.strip() == "").to_numpy()
        frame["area_type"] = np.where(no_code, "aggregate", "")  # OWID leaves Code empty for regions
        frame["area_type"] = frame["area_type"].astype("str")
        if "indicator" not in frame and value:
            frame["indicator"] = value
    return raw
