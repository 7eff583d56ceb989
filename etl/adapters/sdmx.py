"""`sdmx-csv`: long SDMX-CSV and UN SDG database files (REF_AREA, TIME_PERIOD, OBS_VALUE, SEX, AGE, ...).

`dataset.columns` maps standard names to other column names, so the same adapter reads e.g. the UNICEF
MENARO extracts (`iso3`, `time.period`, `obs.value`) and World Bank long files (`Country Code`, `Year`,
`Value`). This is the hot path of large files: pyarrow reads, nothing loops per row.
"""

from __future__ import annotations

from pathlib import Path

from etl.adapters import RawTable
from etl.adapters.tidy import read_long
from etl.registry import Dataset

#: Candidates per standard column, tried in order when the registry does not name one.
SDMX_DEFAULTS: dict[str, tuple[str, ...]] = {
    "area": ("REF_AREA", "GeoAreaCode", "GEO_AREA", "iso3", "Country Code"),
    "area_alt": ("GeoAreaName", "REF_AREA_NAME", "Country Name"),
    "year": ("TIME_PERIOD", "TimePeriod", "time.period", "Year"),
    "value": ("OBS_VALUE", "Value", "obs.value"),
    "indicator": ("INDICATOR", "SERIES", "SeriesCode"),
    "sex": ("SEX", "Sex"),
    "age": ("AGE", "Age"),
    "lower": ("LOWER_BOUND", "LowerBound"),
    "upper": ("UPPER_BOUND", "UpperBound"),
    "note": ("COMMENT_OBS", "FootNote", "OBS_FOOTNOTE"),
}


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Read a long SDMX-CSV / UN SDG database file."""
    return read_long(path, dataset, label, SDMX_DEFAULTS)
