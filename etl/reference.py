"""Reference tables of a release (countries, regions, indicators): registry `reference` datasets and data/reference/."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

import config
from etl.countries import AGGREGATES, ALIASES, Resolver
from etl.country_attributes import HANDLERS, Part, groupings
from etl.options import keyed
from etl.problems import Problem, SourceError
from etl.registry import UNITS, Code, Dataset, Source, StrictModel, unreadable
from warehouse.schema import COUNTRIES, INDICATORS, NATURES, REGIONS

#: Staff-edited files of the reference folder (DELTA87_REFERENCE_DIR); the country files are etl/countries.py's.
INDICATORS_FILE = "indicators.yaml"
PATHFINDERS_FILE = "pathfinders.yaml"
THEMES = ("child-labour", "forced-labour", "trafficking", "commitments", "context")
PILLARS = ("child-labour", "forced-labour", "trafficking")
SECTIONS = ("context", "commitments", "government-response")


@dataclass
class Reference:
    """The reference tables of a release, and every problem met while building them."""

    countries: pd.DataFrame
    regions: pd.DataFrame
    indicators: pd.DataFrame
    problems: list[Problem]
    names: Resolver
    pathfinders: Pathfinders | None  # pathfinders.yaml as read (None when missing or unreadable)
    members: pd.DataFrame  # (code, iso3, source): the countries of each region or group, as the reference files state


def load_reference(sources: list[Source], raw_dir: Path | None = None, reference_dir: Path | None = None) -> Reference:
    """Countries, regions and indicators tables (folders default to DELTA87_RAW_DIR, DELTA87_REFERENCE_DIR)."""
    settings = config.settings()
    raw_dir, reference_dir = Path(raw_dir or settings.raw_dir), Path(reference_dir or settings.reference_dir)
    names, groups = Resolver.from_files(raw_dir, reference_dir), groupings(reference_dir)
    problems = alias_problems(names.aliases, reference_dir / ALIASES)
    problems += aggregate_problems(names.aggregates, reference_dir / AGGREGATES)
    parts: list[Part] = []
    found = [(s, d) for s in sources for d in s.datasets if d.format == "reference"]
    # country_codes first: the other parts are merged onto its rows
    for source, dataset in sorted(found, key=lambda sd: sd[1].handler != "country_codes"):
        part, more = _read_part(source, dataset, raw_dir, names, groups)
        problems += more
        if part is None and dataset.handler == "country_codes":  # every other table is matched on its countries
            raise SourceError(problems)
        if part is not None:
            parts.append(replace(part, memberships=part.memberships.assign(source=source.id)))
    if not any("variants" in part.countries for part in parts):  # nothing to build the countries table on
        message = "no country-code table was read: the registry needs a `reference` dataset with handler country_codes"
        raise SourceError(problems + [Problem("reference", message, str(raw_dir / "regions_country_codes"))])
    path = reference_dir / PATHFINDERS_FILE
    pathfinders, more = read_pathfinders(path)
    statuses = {e.iso3: e.status for e in pathfinders.countries} if pathfinders else {}
    countries = build_countries(parts, names.aliases, statuses, groups)
    unknown = sorted(set(statuses) - set(countries["iso3"]))
    problems += more + [Problem("reference", "pathfinder iso3 is not a country", str(path), column="iso3",
                                value=code) for code in unknown]  # fmt: skip
    base = next(s.id for s, d in found if d.handler == "country_codes")
    members = _memberships(parts, countries, base)
    regions = build_regions(names.aggregates, members, countries, groups)
    indicators, more = load_indicators(reference_dir / INDICATORS_FILE)
    if indicators.empty:  # every dataset would echo its indicators as undefined
        raise SourceError(problems + more)
    return Reference(countries, regions, indicators, problems + more, names, pathfinders, members)


def _read_part(source: Source, dataset: Dataset, raw_dir: Path, names: Resolver, groups: dict):
    """One reference dataset read by its handler: (the part or None, problems)."""
    label = dataset.file
    if dataset.handler not in HANDLERS:
        message = f"unknown reference handler in {source.id}.yaml; known: {', '.join(sorted(HANDLERS))}"
        return None, [Problem("registry", message, label, column="handler", value=dataset.handler)]
    try:
        part = HANDLERS[dataset.handler](raw_dir / dataset.file, dataset, label, names, groups)
    except KeyError as exc:
        message = f"expected column {exc.args[0]!r} is missing: the header must name it (handler {dataset.handler})"
        return None, [Problem("reference", message, label, row=1, column=str(exc.args[0]))]
    except (ValueError, OSError) as exc:  # e.g. a missing sheet or a damaged workbook: name it, don't crash
        return None, [Problem("reference", f"cannot read with handler {dataset.handler}: {exc}", label)]
    return part, part.problems


def build_countries(
    parts: list[Part], aliases: pd.DataFrame, pathfinders: dict[str, str], groups: dict
) -> pd.DataFrame:
    """One row per country or territory in COUNTRIES order, attributes merged from every reference part."""
    base = next(p.countries for p in parts if "variants" in p.countries)  # load_reference stops without it
    extra = [{"iso3": k, "name": v, "official_name": v, "variants": []} for k, v in groups["non_iso_countries"].items()]
    frame = pd.concat([base, pd.DataFrame(extra)], ignore_index=True).drop_duplicates("iso3")
    for part in parts:
        if "variants" in part.countries:
            continue
        attrs = part.countries.drop_duplicates("iso3").set_index("iso3")
        for column in attrs.columns:
            frame[column] = frame["iso3"].map(attrs[column])
    sdg = groups["sdg_regions"]
    frame["sdg_region"] = [
        _sdg_region(r, s, sdg) for r, s in zip(frame["m49_region"], frame["m49_subregion"], strict=True)
    ]
    named = aliases[(aliases["iso3"] != "") & ~aliases["alias"].str.fullmatch(r"[A-Z0-9_]+")]  # names, not codes
    alias_names = named.groupby("iso3")["alias"].apply(list)
    frame["aliases"] = [
        "|".join(sorted({n for n in [off, *var, *alias_names.get(iso3, [])] if n and n != name}))
        for iso3, name, off, var in zip(
            frame["iso3"], frame["name"], frame["official_name"], frame["variants"], strict=True
        )
    ]
    frame["pathfinder"] = frame["iso3"].isin(list(pathfinders))
    frame["pathfinder_status"] = [pathfinders.get(iso3, "") for iso3 in frame["iso3"]]
    frame = frame.reindex(columns=COUNTRIES.names)
    frame["m49"] = frame["m49"].astype("Int32")
    for flag in ("ldc", "lldc", "sids"):  # a country missing from country-codes (Kosovo) is on none of the UN lists
        frame[flag] = frame[flag].fillna(False).astype(bool)
    return frame.sort_values("iso3", ignore_index=True)


def _sdg_region(region: str | None, subregion: str | None, sdg_regions: dict) -> str | None:
    # SDG regions are unions of M49 regions and sub-regions (UNSD's SDG regional grouping)
    codes = {int(c[4:]) for c in (region, subregion) if isinstance(c, str) and c}
    return next((code for code, group in sdg_regions.items() if codes & set(group["m49"])), None)


def _memberships(parts: list[Part], countries: pd.DataFrame, base: str) -> pd.DataFrame:
    """(code, iso3, source) for every region code with known members, each row naming the source that lists it. The
    SDG regions are built from the M49 regions of the country-code file (source `base`); the World is every country
    row, listed by that file, else by a source's own World (CLASS.xlsx lists Kosovo), else by any source naming it."""
    listed = pd.DataFrame(
        {"iso3": next(p.countries["iso3"] for p in parts if "variants" in p.countries), "source": base}
    )
    rows = pd.concat([p.memberships for p in parts], ignore_index=True)
    named = pd.concat([listed, rows[rows["code"] == "WLD"], rows])[["iso3", "source"]].drop_duplicates("iso3")
    world = countries[["iso3"]].merge(named, how="left").assign(code="WLD")
    sdg = countries[["sdg_region", "iso3"]].rename(columns={"sdg_region": "code"}).assign(source=base)
    frame = (
        pd.concat([rows, sdg, world], ignore_index=True)
        .dropna(subset=["code", "iso3"])
        .drop_duplicates(["code", "iso3"], keep="last")
    )
    frame = frame[frame["iso3"].isin(set(countries["iso3"]))]  # e.g. WB's Channel Islands is not a country row
    return frame.sort_values(["code", "iso3"], ignore_index=True)


def build_regions(
    aggregates: pd.DataFrame, memberships: pd.DataFrame, countries: pd.DataFrame, groups: dict
) -> pd.DataFrame:
    """The regions table: every code of aggregates.csv, of the SDG/ILO/income groupings and of the M49 tree."""
    rows = {row.code: (row.name, row.grouping) for row in aggregates.itertuples() if row.code}
    for code, group in groups["sdg_regions"].items():
        rows.setdefault(code, (group["name"], "sdg"))
    for name, code in {**groups["ilo_regions"], **groups["income_groups"]}.items():
        rows.setdefault(code, (name, "ilo" if code.startswith("ILO") else "income"))
    rows.setdefault("WLD", ("World", "world"))
    for column, grouping in (("m49_region", "m49-region"), ("m49_subregion", "m49-subregion")):
        for code in countries[column].dropna().unique():
            rows.setdefault(code, (code, grouping))  # named in aggregates.csv; the code is a last resort
    counts = memberships.groupby("code")["iso3"].nunique()
    frame = pd.DataFrame(
        [{"code": c, "name": n, "grouping": g, "members": counts.get(c)} for c, (n, g) in sorted(rows.items())]
    )
    frame["members"] = frame["members"].astype("Int32")
    return frame[REGIONS.names]


def alias_problems(frame: pd.DataFrame, path: Path) -> list[Problem]:
    """The bad cells of country_aliases.csv: an iso3 that is not 3 capitals, or a drop (empty iso3) without a note."""
    bad = frame.loc[(frame["iso3"] != "") & ~frame["iso3"].str.fullmatch(r"[A-Z]{3}"), "iso3"]
    silent = frame.loc[(frame["iso3"] == "") & (frame["note"] == ""), "alias"]
    problems = _cell_problems(bad, path, "iso3", "iso3 must be 3 capital letters or empty")
    return problems + _cell_problems(silent, path, "note", "an alias without iso3 must say why in `note`")


def _cell_problems(cells: pd.Series, path: Path, column: str, message: str) -> list[Problem]:
    """One problem per cell; the frame index + 2 is the CSV line (header on line 1)."""
    return [Problem("reference", message, str(path), row=int(i) + 2, column=column, value=v) for i, v in cells.items()]


def aggregate_problems(frame: pd.DataFrame, path: Path) -> list[Problem]:
    """The aliases of aggregates.csv that map to more than one code."""
    clash = frame.loc[frame.duplicated("alias", keep=False) & ~frame.duplicated(["alias", "code"], keep=False), "alias"]
    return _cell_problems(clash, path, "alias", "alias maps to more than one code")


def read_pathfinders(path: Path) -> tuple[Pathfinders | None, list[Problem]]:
    """pathfinders.yaml, validated; None and the problem when it is missing or cannot be read."""
    if not path.is_file():
        return None, [Problem("reference", "reference file is missing", str(path))]
    try:
        return Pathfinders.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {}), []
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as exc:
        message = (
            f"cannot read pathfinders: {unreadable(exc)}; correct the file (its header says how an entry is written)"
        )
        return None, [Problem("reference", message, str(path))]


class _Pathfinder(StrictModel):
    iso3: str
    name: str
    status: str
    source: str


class Pathfinders(StrictModel):
    """pathfinders.yaml: the countries, and how /sources cites the list (`source` fields, `source_note`)."""

    source: dict[str, str] = Field(default_factory=dict)
    source_note: str = ""
    countries: list[_Pathfinder] = Field(default_factory=list)


class IndicatorEntry(StrictModel):
    """One entry of indicators.yaml: every column of the indicators table that is not computed."""

    code: Code
    name: str
    short_name: str
    unit: Literal[UNITS]  # type: ignore[valid-type]
    sdg_indicator: str = ""
    theme: Literal[THEMES]  # type: ignore[valid-type]
    higher_is_better: bool | None = None
    definition: str
    caveats: str = ""
    # an explainer's slug: content/loader.py checks that the explainer exists (the content has one loader)
    explainer: str = Field("", pattern=r"^([a-z0-9]+(-[a-z0-9]+)*)?$")
    nature: Literal[NATURES]  # type: ignore[valid-type]
    target_value: float | None = None
    target_year: int | None = None
    decimals: int = 1
    pillar: Literal[PILLARS + ("",)] = ""  # type: ignore[valid-type]
    section: Literal[SECTIONS + ("",)] = ""  # type: ignore[valid-type]
    rank: int | None = None
    instrument: str = ""
    standard_age: str = ""
    value_labels: keyed(str) = Field(default_factory=dict)
    trend_caution: str = ""

    @field_validator("value_labels")
    @classmethod
    def _numeric_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            try:
                float(key)
            except ValueError:
                raise ValueError(f"value_labels: {key!r} is not a number (keys are the published values)") from None
        return value

    @model_validator(mode="after")
    def _target_pair(self) -> IndicatorEntry:
        if (self.target_value is None) != (self.target_year is None):
            raise ValueError("give both target_value and target_year, or neither")
        if self.pillar and self.section:
            raise ValueError("an indicator is shown in one place: give `pillar` or `section`, not both")
        if (self.pillar or self.section) and self.rank is None:
            raise ValueError("give `rank` (its order in the pillar or section)")
        if (self.unit == "category") != bool(self.value_labels):
            raise ValueError("unit `category` needs `value_labels` (number → label), and only it has them")
        if self.section == "commitments" and not self.instrument:
            raise ValueError("a commitments indicator names its `instrument` (the code in the commitments table)")
        return self


def labels_text(labels: dict[str, str]) -> str:
    """value_labels as the indicators table stores them: JSON, keys in numeric order ('' when none)."""
    ordered = {f"{float(k):g}": v for k, v in sorted(labels.items(), key=lambda item: float(item[0]))}
    return json.dumps(ordered, ensure_ascii=False) if ordered else ""


def load_indicators(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """indicators.yaml → indicators table (computed columns left empty for the pipeline to fill)."""
    reason = "the file must be a list of entries, each starting '- code:'; correct it"
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        items, reason = None, f"cannot read indicators: {unreadable(exc)}"
    if not isinstance(items, list):
        return pd.DataFrame(columns=INDICATORS.names), [Problem("reference", reason, str(path))]
    entries, problems = [], []
    for number, item in enumerate(items, start=1):
        code = item.get("code", f"entry {number}") if isinstance(item, dict) else f"entry {number}"
        try:
            entry = IndicatorEntry.model_validate(item)
        except ValidationError as exc:
            problems += [
                Problem("reference", err["msg"], str(path), column=".".join([code, *map(str, err["loc"])]),
                        value=None if isinstance(err["input"], dict) else str(err["input"]))
                for err in exc.errors()
            ]  # fmt: skip
            continue
        if entry.code in {e.code for e in entries}:
            problems.append(Problem("reference", "indicator defined twice", str(path), column="code", value=entry.code))
            continue
        entries.append(entry)
    dumped = [{**e.model_dump(), "value_labels": labels_text(e.value_labels)} for e in entries]
    return pd.DataFrame(dumped, columns=list(IndicatorEntry.model_fields)).reindex(columns=INDICATORS.names), problems
