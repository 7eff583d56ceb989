"""`ddf`: open-numbers DDF datapoints (`ddf--datapoints--<series>--by--<keys>.csv`).

The value column is named after the series (e.g. `sl_tlf_chldec`); the keys are `geo_area` (UN M49
numeric), `year`, and any of `age`, `sex`, `nature`, `units`. The series name becomes the raw indicator.
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.adapters import RawTable
from etl.adapters.tidy import read_long
from etl.registry import Dataset

KEYS = ("geo_area", "geo", "year", "time", "age", "sex", "nature", "units", "unit")
DDF_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("geo_area", "geo", "country"),
    "year": ("year", "time"),
    "sex": ("sex",),
    "age": ("age",),
}


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read a DDF datapoints file; the series column is found from the file name or as the non-key column."""

    def series(names: list[str]) -> str | None:
        return dataset.options.get("value_column") or _series(Path(path).name, names)

    raw = read_long(path, dataset, label, lambda names: {**DDF_DEFAULTS, "value": tuple(filter(None, [series(names)]))})
    name = raw.source_columns.get("value")
    if len(raw.frame) and name and "indicator" not in raw.frame:
        raw.frame["indicator"] = name  # the series is the raw indicator
    return raw


def _series(name: str, columns: list[str]) -> str | None:
    match = re.match(r"ddf--datapoints--(.+?)--by--", name)
    if match and match.group(1) in columns:
        return match.group(1)
    others = [c for c in columns if c not in KEYS]
    return others[0] if len(others) == 1 else None
