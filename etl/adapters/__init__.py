"""Format adapters: read one publisher file into a raw long table, without interpreting values.

Every adapter has the signature `read(path, dataset, label) -> RawTable`. The frame it returns is long, one
row per value, with the standard columns below (strings exactly as read, so that the checks in
etl/checks.py can report the original text), plus `_row`: the 1-based row of the raw file the value came
from (the line number for CSV, the sheet row for Excel), used in every problem message.

    area     country name / ISO3 / M49 code as written (required)
    year     as written, e.g. "2019", "2019-2020", "2018 x" (required unless dataset.year is set)
    value    as written, e.g. "12.5", "1,282", "<5", "-" (required)
    indicator, sex, age, lower, upper, note   (optional)

Adapters add problems for what only they can see (undecodable bytes, a wrong delimiter, a missing required
column, a header row that is not where the registry says) and never raise for bad content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from etl.problems import Problem
from etl.registry import Dataset

STANDARD_COLUMNS = ("area", "year", "value", "indicator", "sex", "age", "lower", "upper", "note")


@dataclass
class RawTable:
    """What an adapter read: a long frame of strings plus the problems it saw."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


class Adapter(Protocol):
    def __call__(self, path: Path, dataset: Dataset, label: str) -> RawTable: ...


def read(path: Path, dataset: Dataset, label: str) -> RawTable:
    """Dispatch to the adapter registered for `dataset.format`."""
    from etl.adapters import registry  # noqa: PLC0415 - filled by the adapter modules

    try:
        adapter = registry.ADAPTERS[dataset.format]
    except KeyError:
        known = ", ".join(sorted(registry.ADAPTERS))
        return RawTable(pd.DataFrame(), [Problem("format", f"unknown format {dataset.format!r}; known: {known}", label)])
    return adapter(path, dataset, label)
