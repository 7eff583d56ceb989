"""Country attributes and region memberships read by the registry's reference handlers (HANDLERS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import yaml

from etl.countries import COUNTRY_CODES, NAME_COLUMNS, Resolver, clean_unterm
from etl.problems import Problem, SourceError, whole_number
from etl.registry import Dataset, unreadable

#: The staff-edited groupings and display names (data/reference/groupings.yaml).
GROUPINGS = "groupings.yaml"
M49_COLUMNS = ("M49", "Region Code", "Sub-region Code", "Intermediate Region Code")


@dataclass
class Part:
    """What one reference handler read: country attributes keyed on iso3 and region memberships (code, iso3)."""

    countries: pd.DataFrame
    memberships: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "iso3"]))
    problems: list[Problem] = field(default_factory=list)


def groupings(reference_dir: Path) -> dict:
    """groupings.yaml of the reference folder: SDG, ILO and income groupings, short and non-ISO country names."""
    path = Path(reference_dir) / GROUPINGS
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError([Problem("reference", f"cannot read the groupings: {unreadable(exc)}", str(path))]) from exc


def country_codes(path: Path, dataset: Dataset, label: str, names: Resolver, groups: dict) -> Part:
    """datasets/country-codes: ISO codes, M49 codes and regions, name variants, LDC/LLDC/SIDS flags."""
    if Path(dataset.file) != COUNTRY_CODES:  # the file the resolver has read
        raise ValueError(f"the country_codes handler reads {COUNTRY_CODES.as_posix()}, not {dataset.file}")
    raw = names.codes[names.codes["ISO3166-1-Alpha-3"].str.fullmatch(r"[A-Z]{3}")]
    rows, members, short_names, problems = [], [], groups["short_names"], []
    for index, r in raw.iterrows():
        iso3 = r["ISO3166-1-Alpha-3"]
        variants = [_formal(r[c]) for c in NAME_COLUMNS]
        where = Problem("reference", "an M49 code is digits 0-9 (or empty): correct the cell", label, int(index) + 2)
        m49, *numbers = (whole_number(r[c], replace(where, column=c), problems) for c in M49_COLUMNS)
        codes = [None if n is None else f"M49_{n:03d}" for n in numbers]
        members += [(code, iso3) for code in codes if code]
        rows.append({
            "iso3": iso3, "iso2": r["ISO3166-1-Alpha-2"] or None, "m49": m49,
            "name": short_names.get(iso3, r["official_name_en"]),
            "official_name": _formal(r["UNTERM English Formal"]) or r["official_name_en"],
            "variants": [v for v in variants if v], "m49_region": codes[0], "m49_subregion": codes[1],
            "ldc": r["Least Developed Countries (LDC)"] == "x",
            "lldc": r["Land Locked Developing Countries (LLDC)"] == "x",
            "sids": r["Small Island Developing States (SIDS)"] == "x",
            "independent": r["is_independent"] == "Yes",
        })  # fmt: skip
    for flag, code in (("ldc", "M49_199"), ("lldc", "M49_432"), ("sids", "M49_722")):
        members += [(code, row["iso3"]) for row in rows if row[flag]]
    return Part(pd.DataFrame(rows), pd.DataFrame(members, columns=["code", "iso3"]), problems)


def income_groups(path: Path, dataset: Dataset, label: str, names: Resolver, groups: dict) -> Part:
    """World Bank CLASS.xlsx: income group and region per economy, and the members of every WB group."""
    sheets = {
        "sheet": dataset.options.sheet or "List of economies",
        "groups_sheet": dataset.options.groups_sheet or "Groups",
    }
    with pd.ExcelFile(path) as book:  # one read of the workbook for both sheets
        for option, sheet in sheets.items():
            if sheet not in book.sheet_names:
                found = ", ".join(map(str, book.sheet_names))
                raise ValueError(f"sheet {sheet!r} not found; the workbook has: {found}: correct options.{option}")
        economies = pd.read_excel(book, sheet_name=sheets["sheet"], dtype=str)
        listed = pd.read_excel(book, sheet_name=sheets["groups_sheet"], dtype=str)
    economies = economies.dropna(subset=["Code", "Income group"])
    codes = groups["income_groups"]
    frame = pd.DataFrame({"iso3": economies["Code"].str.strip(),
                          "income_group": economies["Income group"].str.strip().map(codes),
                          "wb_region": economies["Region"].str.strip()})  # fmt: skip
    problems = [
        Problem("reference", "income group not recognised", label, column="Income group", value=str(v))
        for v in economies.loc[frame["income_group"].isna(), "Income group"]
    ]
    members = pd.DataFrame({"code": "WB_" + listed["GroupCode"].str.strip(), "iso3": listed["CountryCode"].str.strip()})
    members["code"] = members["code"].replace({"WB_WLD": "WLD"})
    return Part(frame, members.dropna(), problems)


def ilo_regions(path: Path, dataset: Dataset, label: str, names: Resolver, groups: dict) -> Part:
    """GSI 2018 'Region' column: the five ILO / Walk Free regions, by country name."""
    country, region = dataset.columns.get("area", "Country"), dataset.columns.get("region", "Region")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows, problems, codes = [], [], groups["ilo_regions"]
    for number, (name, value) in enumerate(zip(raw[country], raw[region], strict=True), start=2):
        iso3, code = names.iso3(name), codes.get(value.strip())
        if iso3 is None:
            problems.append(names.unknown("reference", name, label, number, country))
        elif code is None:
            problems.append(Problem("reference", "unknown ILO region", label, row=number, column=region, value=value))
        else:
            rows.append({"iso3": iso3, "ilo_region": code})
    frame = pd.DataFrame(rows, columns=["iso3", "ilo_region"])
    return Part(frame, frame.rename(columns={"ilo_region": "code"})[["code", "iso3"]], problems)


#: handler name (as written in a registry `handler:` field) → function
HANDLERS: dict[str, Callable[[Path, Dataset, str, Resolver, dict], Part]] = {
    "country_codes": country_codes,
    "income_groups": income_groups,
    "ilo_regions": ilo_regions,
}


def _formal(name: str) -> str:
    """UNTERM formal names start with a lower-case 'the': 'the Republic of Albania' → 'Republic of Albania'."""
    name = clean_unterm(name)
    return name[4:] if name.lower().startswith("the ") else name
