"""A SYNTHETIC release shaped like the real one, for the dashboard tests and benchmarks.

Every value is made up (labelled "synthetic" in the source ids and notes) and is never shown to users; it exists
so that the page tests can assert exact numbers. Country codes are real ISO3 codes so that maps draw.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests import factories as f

SURVEY, GSI, UNODC, GLOBAL, CONTEXT = "syn_survey", "syn_gsi", "syn_unodc", "syn_global", "syn_context"

PEERS = {  # iso3: (name, sdg region, income group, child labour %, GSI prevalence)
    "KEN": ("Kenya", "SDG_SSA", "WB_LMC", None, 2.7),
    "UGA": ("Uganda", "SDG_SSA", "WB_LIC", 18.0, 7.6),
    "TZA": ("Tanzania", "SDG_SSA", "WB_LMC", 25.0, 5.7),
    "ETH": ("Ethiopia", "SDG_SSA", "WB_LIC", 41.0, 5.9),
    "IND": ("India", "SDG_CSA", "WB_LMC", 6.0, 6.1),
    "BRA": ("Brazil", "SDG_LAC", "WB_UMC", 5.0, 1.8),
    "TUV": ("Tuvalu", "SDG_OCE", "WB_UMC", None, None),
}


def _rows() -> list[dict]:
    rows = []
    for iso3, (_, _, _, cl, gsi) in PEERS.items():
        if cl is not None:
            rows.append({"indicator": "child_labour_5_17", "iso3": iso3, "year": 2018, "value": cl, "source": SURVEY})
        if gsi is not None:
            rows.append(
                {
                    "indicator": "modern_slavery_prevalence_gsi2018",
                    "iso3": iso3,
                    "year": 2016,
                    "value": gsi,
                    "unit": "per-1000",
                    "age": "all ages",
                    "nature": "modelled",
                    "source": GSI,
                }
            )
        rows.append(_ctx("population", iso3, 2022, 1_000_000.0 * (len(iso3) + ord(iso3[0]) - 60), "count"))
    rows += _kenya()
    rows += _global()
    return rows


def _ctx(code: str, iso3: str, year: int, value: float, unit: str) -> dict:
    return {
        "indicator": code,
        "iso3": iso3,
        "year": year,
        "value": value,
        "unit": unit,
        "age": "all ages",
        "source": CONTEXT,
    }


def _kenya() -> list[dict]:
    """Kenya is the rich country: a child labour trend with sex split, trafficking by sex, context."""
    rows = []
    for year, total, girls, boys in ((2000, 32.5, 30.1, 34.9), (2009, 26.0, 24.0, 28.0), (2012, 22.4, 20.0, 24.8)):
        for sex, value in (("total", total), ("female", girls), ("male", boys)):
            rows.append(
                {
                    "indicator": "child_labour_5_17",
                    "iso3": "KEN",
                    "year": year,
                    "sex": sex,
                    "value": value,
                    "lower": value - 1.5,
                    "upper": value + 1.5,
                    "source": SURVEY,
                }
            )
    rows.append(
        {"indicator": "child_labour_5_17", "iso3": "KEN", "year": 2015, "age": "5-14", "value": 19.0, "source": SURVEY}
    )
    for year, female, male in ((2017, 120.0, 80.0), (2018, 150.0, 90.0), (2020, 130.0, 110.0)):
        for sex, value in (("female", female), ("male", male), ("total", female + male)):
            rows.append(
                {
                    "indicator": "trafficking_victims_detected",
                    "iso3": "KEN",
                    "year": year,
                    "sex": sex,
                    "age": "all ages",
                    "value": value,
                    "unit": "count",
                    "nature": "detected",
                    "source": UNODC,
                }
            )
    rows.append(
        {
            "indicator": "government_response_gsi2018",
            "iso3": "KEN",
            "year": 2018,
            "value": 42.5,
            "unit": "percent",
            "age": "all ages",
            "nature": "reported",
            "source": GSI,
        }
    )
    rows.append(_ctx("gdp_per_capita_ppp", "KEN", 2022, 5200.0, "int-usd"))
    rows.append(_ctx("poverty_extreme_190", "KEN", 2015, 36.8, "percent"))
    rows.append(_ctx("birth_registration_u5", "KEN", 2014, 67.0, "percent"))
    rows.append(_ctx("completion_primary", "KEN", 2014, 84.0, "percent"))
    return rows


def _global() -> list[dict]:
    """World and regional headline estimates (numbers in millions)."""
    rows = []
    for year, cl, hz in (
        (2000, 250.0, 170.0),
        (2008, 210.0, 110.0),
        (2012, 170.0, 85.0),
        (2016, 150.0, 70.0),
        (2020, 160.0, 80.0),
    ):
        rows.append(_global_row("child_labour_number", "WLD", year, cl))
        rows.append(_global_row("hazardous_work_number", "WLD", year, hz))
    for year, ms, fl, fm in ((2016, 40.0, 25.0, 15.0), (2021, 50.0, 28.0, 22.0)):
        rows.append(_global_row("modern_slavery_number", "WLD", year, ms, "all ages", "estimated"))
        rows.append(_global_row("forced_labour_number", "WLD", year, fl, "all ages", "estimated"))
        rows.append(_global_row("forced_marriage_number", "WLD", year, fm, "all ages", "estimated"))
    for region, value in (("SDG_SSA", 87.0), ("SDG_CSA", 26.0), ("SDG_LAC", 8.0)):
        rows.append(_global_row("child_labour_number", region, 2020, value))
    for year, value in ((2018, 50000.0), (2022, 70000.0)):
        rows.append(_global_row("detected_victims_number", "WLD", year, value / 1e6, "all ages", "detected"))
    return rows


def _global_row(code, area, year, value, age="5-17", nature="estimated") -> dict:
    return {
        "indicator": code,
        "iso3": area,
        "year": year,
        "value": value * 1e6,
        "unit": "count",
        "age": age,
        "nature": nature,
        "source": GLOBAL,
    }


INDICATORS = {  # code: (name, unit, theme, explainer, target year)
    "child_labour_5_17": (
        "Children aged 5-17 in child labour",
        "percent",
        "child-labour",
        "child-labour-definitions",
        2025,
    ),
    "child_labour_number": (
        "Children in child labour (global estimate)",
        "count",
        "child-labour",
        "global-estimates",
        2025,
    ),
    "hazardous_work_number": (
        "Children in hazardous work (global estimate)",
        "count",
        "child-labour",
        "global-estimates",
        2025,
    ),
    "modern_slavery_number": (
        "People in modern slavery (global estimate)",
        "count",
        "forced-labour",
        "global-estimates",
        2030,
    ),
    "forced_labour_number": (
        "People in forced labour (global estimate)",
        "count",
        "forced-labour",
        "global-estimates",
        2030,
    ),
    "forced_marriage_number": (
        "People in forced marriage (global estimate)",
        "count",
        "forced-labour",
        "global-estimates",
        2030,
    ),
    "detected_victims_number": (
        "Detected victims of trafficking (global)",
        "count",
        "trafficking",
        "detected-victims-vs-prevalence",
        None,
    ),
    "modern_slavery_prevalence_gsi2018": (
        "Modern slavery prevalence (GSI 2018)",
        "per-1000",
        "forced-labour",
        "global-slavery-index",
        None,
    ),
    "government_response_gsi2018": (
        "Government response rating (GSI 2018)",
        "percent",
        "forced-labour",
        "global-slavery-index",
        None,
    ),
    "trafficking_victims_detected": (
        "Detected victims of trafficking",
        "count",
        "trafficking",
        "human-trafficking",
        None,
    ),
    "population": ("Population", "count", "context", "risk-factors-and-context", None),
    "gdp_per_capita_ppp": ("GDP per capita (PPP)", "int-usd", "context", "risk-factors-and-context", None),
    "poverty_extreme_190": ("Extreme poverty ($1.90 a day)", "percent", "context", "risk-factors-and-context", None),
    "birth_registration_u5": (
        "Birth registration, children under 5",
        "percent",
        "context",
        "risk-factors-and-context",
        None,
    ),
    "completion_primary": ("Primary completion rate", "percent", "context", "risk-factors-and-context", None),
}

REGIONS = [
    ("WLD", "World", "world"),
    ("SDG_SSA", "Sub-Saharan Africa", "sdg"),
    ("SDG_CSA", "Central and Southern Asia", "sdg"),
    ("SDG_LAC", "Latin America and the Caribbean", "sdg"),
    ("SDG_OCE", "Oceania", "sdg"),
    ("ILO_AFR", "Africa (ILO)", "ilo"),
    ("WB_LIC", "Low income", "income"),
    ("WB_LMC", "Lower-middle income", "income"),
    ("WB_UMC", "Upper-middle income", "income"),
]


#: The commitment instruments (indicators of the commitments section): (code, instrument, name).
INSTRUMENTS = [
    ("ratified_c029", "C029", "Ratified ILO Forced Labour Convention, 1930 (No. 29)"),
    ("ratified_p029", "P029", "Ratified the Protocol of 2014 to the Forced Labour Convention (P029)"),
    ("ratified_c105", "C105", "Ratified ILO Abolition of Forced Labour Convention, 1957 (No. 105)"),
    ("ratified_c138", "C138", "Ratified ILO Minimum Age Convention, 1973 (No. 138)"),
    ("ratified_c182", "C182", "Ratified ILO Worst Forms of Child Labour Convention, 1999 (No. 182)"),
    ("ratified_palermo", "PALERMO", "Ratified the UN Trafficking in Persons Protocol (Palermo Protocol, 2000)"),
    ("ratified_crc_opsc", "CRC_OPSC", "Ratified the CRC Optional Protocol on the sale of children"),
]


def _placement(code: str, theme: str, rank: int) -> dict:
    """Where the country page shows an indicator (the pillar/section/rank fields of indicators.yaml)."""
    if code.startswith("government_response"):
        return {"section": "government-response", "rank": 1}
    if theme == "context":
        return {"section": "context", "rank": rank}
    return {"pillar": theme, "rank": rank}


def _tables() -> dict:
    inds = []
    for rank, (code, (name, unit, theme, explainer, target_year)) in enumerate(INDICATORS.items(), start=1):
        inds.append(
            f.indicator(
                code,
                name=name,
                short_name=name.split(" (")[0],
                unit=unit,
                theme=theme,
                explainer=explainer,
                target_value=0.0 if target_year else None,
                target_year=target_year,
                sdg_indicator="8.7.1" if code == "child_labour_5_17" else "",
                standard_age="5-17" if code == "child_labour_5_17" else "",
                **_placement(code, theme, rank),
            )
        )
    inds += [
        f.indicator(code, name=name, short_name=instrument, unit="flag", theme="commitments", nature="reported",
                    section="commitments", rank=rank, instrument=instrument)
        for rank, (code, instrument, name) in enumerate(INSTRUMENTS, start=1)
    ]  # fmt: skip
    countries = [
        f.country(
            iso3,
            name,
            sdg_region=sdg,
            income_group=inc,
            ilo_region="ILO_AFR" if sdg == "SDG_SSA" else "ILO_ASP",
            pathfinder=iso3 in ("KEN", "UGA"),
            pathfinder_status="synthetic pathfinder" if iso3 in ("KEN", "UGA") else "",
        )
        for iso3, (name, sdg, inc, _, _) in PEERS.items()
    ]
    sources = [
        f.source(SURVEY),
        f.source(GSI, redistribution=False),
        f.source(UNODC),
        f.source(GLOBAL),
        f.source(CONTEXT),
    ]
    commitments = [
        {
            "iso3": "KEN",
            "instrument": inst,
            "status": status,
            "ratified": status == "ratified",
            "date": date,
            "as_of": "2020-01-01",
            "minimum_age": None,
            "source": "syn_ratifications",
            "note": "synthetic",
        }
        for inst, status, date in (
            ("C029", "ratified", "1964-01-13"),
            ("C138", "ratified", "1979-04-09"),
            ("C182", "ratified", "2001-05-07"),
            ("P029", "not ratified", ""),
            ("PALERMO", "accession", "2005-01-05"),
        )
    ] + [{"iso3": "UGA", "instrument": "C182", "status": "not ratified", "ratified": False, "date": "",
          "as_of": "2013-10-17", "minimum_age": None, "source": "syn_ratifications", "note": "synthetic"}]  # fmt: skip
    return {
        "indicators": pd.DataFrame(inds),
        "countries": pd.DataFrame(countries),
        "regions": pd.DataFrame([{"code": c, "name": n, "grouping": g, "members": 0} for c, n, g in REGIONS]),
        "sources": pd.DataFrame(sources),
        "commitments": pd.DataFrame(commitments),
    }


EDITIONS = {SURVEY: "Synthetic survey rounds", GSI: "Synthetic index 2018", UNODC: "Synthetic export",
            GLOBAL: "Synthetic global report", CONTEXT: "Synthetic context tables"}  # fmt: skip


def synthetic_observations() -> pd.DataFrame:
    """The release's observations (before the ETL's headline marks, which make_release adds)."""
    obs = f.observations(_rows())
    obs["edition"] = obs["source"].map(EDITIONS)
    return obs


def tables() -> dict:
    """Every other table of the release."""
    return _tables()


def build(root: Path) -> str:
    """Publish the synthetic dashboard release into `root`; return its id."""
    return f.make_release(Path(root), synthetic_observations(), **_tables())
