"""Country attributes and region memberships read by the registry's reference handlers (HANDLERS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from etl.countries import NAME_COLUMNS, Resolver, clean_unterm
from etl.problems import Problem, SourceError
from etl.registry import Dataset

#: The staff-edited groupings and display names (data/reference/groupings.yaml).
GROUPINGS = "groupings.yaml"


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
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError([Problem("reference", f"cannot read the groupings: {exc}", str(path))]) from exc


def m49_code(value: str | int | None) -> str | None:
    """'202' → 'M49_202'; blank → None."""
    text = str(value or "").strip()
    return f"M49_{int(text):03d}" if text.isdigit() else None


def country_codes(path: Path, dataset: Dataset, label: str, names: Resolver) -> Part:
    """datasets/country-codes: ISO codes, M49 codes and regions, name variants, LDC/LLDC/SIDS flags."""
    # keep_default_na=False: Namibia's ISO2 code is "NA" (see regions_country_codes/PROVENANCE.md)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    raw = raw[raw["ISO3166-1-Alpha-3"].str.fullmatch(r"[A-Z]{3}")]
    rows, members, short_names = [], [], groupings(names.reference_dir)["short_names"]
    for _, r in raw.iterrows():
        iso3 = r["ISO3166-1-Alpha-3"]
        variants = [_formal(r[c]) for c in NAME_COLUMNS]
        codes = [m49_code(r[c]) for c in ("Region Code", "Sub-region Code", "Intermediate Region Code")]
        members += [(code, iso3) for code in codes if code]
        rows.append(
            {
                "iso3": iso3,
                "iso2": r["ISO3166-1-Alpha-2"] or None,
                "m49": int(r["M49"]) if r["M49"].isdigit() else None,
                "name": short_names.get(iso3, r["official_name_en"]),
                "official_name": _formal(r["UNTERM English Formal"]) or r["official_name_en"],
                "variants": [v for v in variants if v],
                "m49_region": codes[0],
                "m49_subregion": codes[1],
                "ldc": r["Least Developed Countries (LDC)"] == "x",
                "lldc": r["Land Locked Developing Countries (LLDC)"] == "x",
                "sids": r["Small Island Developing States (SIDS)"] == "x",
                "independent": r["is_independent"] == "Yes",
            }
        )
    for flag, code in (("ldc", "M49_199"), ("lldc", "M49_432"), ("sids", "M49_722")):
        members += [(code, row["iso3"]) for row in rows if row[flag]]
    return Part(pd.DataFrame(rows), pd.DataFrame(members, columns=["code", "iso3"]))


def income_groups(path: Path, dataset: Dataset, label: str, names: Resolver) -> Part:
    """World Bank CLASS.xlsx: income group and region per economy, and the members of every WB group."""
    sheet = dataset.options.sheet or "List of economies"
    economies = pd.read_excel(path, sheet_name=sheet, dtype=str).dropna(subset=["Code", "Income group"])
    codes = groupings(names.reference_dir)["income_groups"]
    frame = pd.DataFrame(
        {
            "iso3": economies["Code"].str.strip(),
            "income_group": economies["Income group"].str.strip().map(codes),
            "wb_region": economies["Region"].str.strip(),
        }
    )
    problems = [
        Problem("reference", "income group not recognised", label, column="Income group", value=str(v))
        for v in economies.loc[frame["income_group"].isna(), "Income group"]
    ]
    groups = pd.read_excel(path, sheet_name=dataset.options.groups_sheet or "Groups", dtype=str)
    members = pd.DataFrame({"code": "WB_" + groups["GroupCode"].str.strip(), "iso3": groups["CountryCode"].str.strip()})
    members["code"] = members["code"].replace({"WB_WLD": "WLD"})
    return Part(frame, members.dropna(), problems)


def ilo_regions(path: Path, dataset: Dataset, label: str, names: Resolver) -> Part:
    """GSI 2018 'Region' column: the five ILO / Walk Free regions, by country name."""
    country, region = dataset.columns.get("area", "Country"), dataset.columns.get("region", "Region")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows, problems, codes = [], [], groupings(names.reference_dir)["ilo_regions"]
    for number, (name, value) in enumerate(zip(raw[country], raw[region], strict=True), start=2):
        iso3, code = names.iso3(name), codes.get(value.strip())
        if iso3 is None:
            problems.append(Problem("reference", _unknown_name(name), label, row=number, column=country, value=name))
        elif code is None:
            problems.append(Problem("reference", "unknown ILO region", label, row=number, column=region, value=value))
        else:
            rows.append({"iso3": iso3, "ilo_region": code})
    frame = pd.DataFrame(rows, columns=["iso3", "ilo_region"])
    return Part(frame, frame.rename(columns={"ilo_region": "code"})[["code", "iso3"]], problems)


#: handler name (as written in a registry `handler:` field) → function
HANDLERS: dict[str, Callable[[Path, Dataset, str, Resolver], Part]] = {
    "country_codes": country_codes,
    "income_groups": income_groups,
    "ilo_regions": ilo_regions,
}


def _formal(name: str) -> str:
    """UNTERM formal names start with a lower-case 'the': 'the Republic of Albania' → 'Republic of Albania'."""
    name = clean_unterm(name)
    return name[4:] if name.lower().startswith("the ") else name


def _unknown_name(name: str) -> str:
    return (
        f"country name {name!r} is not known: add it to data/reference/country_aliases.csv "
        "(alias,iso3,source,note), or with an empty iso3 and a note to drop it on purpose"
    )
