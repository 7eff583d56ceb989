"""Thematic areas from content/themes.yaml: validated on load, facts resolved against the served release."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import config

THEMES_FILE = config.ROOT / "content" / "themes.yaml"


class Fact(BaseModel):
    """A key fact: one observation named by its key; the number comes from the warehouse."""

    model_config = ConfigDict(extra="forbid")
    indicator: str
    area: str = "WLD"
    year: int
    sex: str = "total"
    age: str
    text: str = Field(min_length=3)


class Chart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicators: list[str] = Field(min_length=1)
    area: str = "WLD"


class Theme(BaseModel):
    """One thematic area."""

    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    pillar: bool = False
    summary: str = Field(min_length=20)
    indicators: list[str] = Field(min_length=1)
    explainers: list[str] = []
    chart: Chart | None = None
    facts: list[Fact] = []


class ThemeFileError(ValueError):
    """content/themes.yaml is missing or invalid (the message names the file, theme and field)."""


def load(path: Path = THEMES_FILE) -> dict[str, Theme]:
    """Read and validate the themes file; raise ThemeFileError naming the theme and field at fault."""
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ThemeFileError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(entries, list):
        raise ThemeFileError(f"{path}: expected a list of themes")
    themes: dict[str, Theme] = {}
    for i, entry in enumerate(entries):
        try:
            theme = Theme.model_validate(entry)
        except ValidationError as exc:
            where = entry.get("slug", f"entry {i + 1}") if isinstance(entry, dict) else f"entry {i + 1}"
            fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ThemeFileError(f"{path}: theme {where}: {fields}") from exc
        if theme.slug in themes:
            raise ThemeFileError(f"{path}: theme {theme.slug} is defined twice")
        themes[theme.slug] = theme
    return themes


@functools.cache
def themes() -> dict[str, Theme]:
    """The themes of the running app (the file ships with the code, so it is read once)."""
    return load()


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
