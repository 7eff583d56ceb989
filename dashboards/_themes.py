"""Thematic areas (content/themes.yaml, loaded by content.loader): their facts resolved against the release."""

from __future__ import annotations

import pandas as pd

from content.models import Fact, Theme
from dashboards._content import library


def themes() -> dict[str, Theme]:
    """The themes of the running app, by slug (empty, and logged, when the file is invalid)."""
    return library().themes


def fact_rows(facts: list[Fact], obs: pd.DataFrame) -> list[tuple[Fact, pd.Series]]:
    """Each fact with its observation row; facts without one in the release are left out."""
    found = []
    for fact in facts:
        rows = obs[
            (obs["indicator"] == fact.indicator)
            & (obs["iso3"] == fact.area)
            & (obs["year"] == fact.year)
            & (obs["sex"] == fact.sex)
            & (obs["age"] == fact.age)
            & obs["value"].notna()
        ]
        if not rows.empty:
            found.append((fact, rows.iloc[0]))
    return found
