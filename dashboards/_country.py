"""Country dashboard sections beyond the pillars: summary, commitments, context, gaps, progress, downloads."""

from __future__ import annotations

import difflib

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import _components as c
from dashboards import _data, _delta, _series
from dashboards._pillars import PILLARS, Country, pillar_codes

INSTRUMENTS = (
    ("C029", "Forced Labour Convention, 1930 (ILO No. 29)"),
    ("P029", "Protocol of 2014 to the Forced Labour Convention (ILO P029)"),
    ("C105", "Abolition of Forced Labour Convention, 1957 (ILO No. 105)"),
    ("C138", "Minimum Age Convention, 1973 (ILO No. 138)"),
    ("C182", "Worst Forms of Child Labour Convention, 1999 (ILO No. 182)"),
    ("PALERMO", "Palermo Protocol on trafficking in persons (UN, 2000)"),
    ("CRC_OPSC", "Optional Protocol to the CRC on the sale of children (UN, 2000)"),
)
CONTEXT = (
    "population",
    "population_under18",
    "gdp_per_capita_ppp",
    "gdp_usd",
    "poverty_extreme_190",
    "poverty_national",
    "birth_registration_u5",
    "completion_primary",
    "completion_lower_secondary",
    "completion_upper_secondary",
    "out_of_school_primary",
    "out_of_school_lower_secondary",
    "out_of_school_upper_secondary",
    "social_protection_children",
)
GOVERNMENT_RESPONSE = ("government_response_gsi2018",)
#: What each pillar's gap sentence calls its data.
GAP_WORDS = {
    "child-labour": "child labour survey data",
    "forced-labour": "modern slavery estimate",
    "trafficking": "detected-victim count",
}


def summary_cards(country: Country) -> dbc.Row:
    """One card per pillar (headline value) and one for commitments: the one-screen view."""
    cards = []
    for slug, title, _, preferred in PILLARS:
        codes = pillar_codes(country, slug, preferred)
        if not codes:
            cards.append(c.stat(title, "No data", [f"No {title.lower()} data in this release"], f"country-card-{slug}"))
            continue
        row, meta = country.headline(codes[0]), country.indicator(codes[0])
        value = c.format_value(row["value"], row["unit"], meta.get("decimals"))
        details = [
            meta.get("name", codes[0]),
            f"{int(row['year'])} · {c.source_short(country.sources, row)}",
            c.nature_text(row["nature"]).split(" (")[0],
        ]
        cards.append(c.stat(title, value, details, f"country-card-{slug}"))
    rows = _data.commitments(country.release, country.iso3)
    ratified = rows[rows["ratified"].fillna(False).astype(bool)]["instrument"].nunique() if not rows.empty else 0
    known = rows["instrument"].nunique() if not rows.empty else 0
    cards.append(
        c.stat(
            "Commitments",
            f"{ratified} of {len(INSTRUMENTS)}",
            [f"instruments ratified ({known} with data)"],
            "country-card-commitments",
        )
    )
    return dbc.Row([dbc.Col(card, xs=12, sm=6, lg=3, className="mb-3") for card in cards], className="g-3")


def commitments_section(country: Country) -> html.Section:
    """Ratification status, date and "as of" date per instrument, and the GSI government response rating."""
    rows = _data.commitments(country.release, country.iso3)
    records = []
    for code, label in INSTRUMENTS:
        match = rows[rows["instrument"] == code] if not rows.empty else rows
        if match.empty:
            records.append(
                {
                    "instrument": label,
                    "status": "no information in the sources",
                    "date": "–",
                    "as_of": "–",
                    "source": "–",
                }
            )
            continue
        first = match.sort_values("date", ascending=False).iloc[0]
        records.append(
            {
                "instrument": label,
                "status": commitment_status(code, first["status"], first["as_of"]),
                "date": first["date"] or "–",
                "as_of": first["as_of"] or "–",
                "source": c.source_short(country.sources, first),
            }
        )
    table = c.table(
        pd.DataFrame(records),
        [
            ("instrument", "Instrument"),
            ("status", "Status"),
            ("date", "Date"),
            ("as_of", "As of"),
            ("source", "Source"),
        ],
        f"Commitments of {country.name}",
    )
    return html.Section(
        [
            html.Div(
                [
                    html.H2("Commitments", id="country-commitments", className="h4 mb-0"),
                    c.explainer_link("ilo-conventions-and-ratification"),
                    c.explainer_link("accountability-and-policy-tools", "How commitments are monitored"),
                ],
                className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
            ),
            table,
            _c182_note(records),
            government_response(country),
        ],
        className="mb-5",
    )


#: C182 became universally ratified on 4 August 2020, after the dates of the ratification data (about 2013).
C182_UNIVERSAL = "every ILO member State has ratified it since 4 August 2020"


def commitment_status(code: str, status: str, as_of: str) -> str:
    """The status as the source gives it; a C182 "not ratified" says that it predates universal ratification."""
    if code == "C182" and status == "not ratified":
        return f"not ratified in data as of {as_of or 'an unknown date'}; {C182_UNIVERSAL}"
    return status


def _c182_note(records: list[dict]) -> html.P | None:
    """A note under the table when a source's C182 status predates universal ratification (source: the explainer)."""
    label = dict(INSTRUMENTS)["C182"]
    if not any(r["instrument"] == label and r["status"].endswith(C182_UNIVERSAL) for r in records):
        return None
    return html.P(
        [
            "Convention No. 182: by August 2020 every ILO member State had ratified it. The status above comes "
            "from older data (see “As of”): for an ILO member, “not ratified” predates that. ",
            c.explainer_link("ilo-conventions-and-ratification", "About the ratification data"),
        ],
        id="country-c182-note",
        className="small text-muted mt-2",
    )


def government_response(country: Country):
    """The GSI government response rating, with attribution."""
    for code in GOVERNMENT_RESPONSE:
        row = country.headline(code)
        if row is None:
            continue
        meta = country.indicator(code)
        text = f"{meta.get('name', code)}: {c.format_value(row['value'], row['unit'], meta.get('decimals'))} ({int(row['year'])})."
        return html.Div(
            [
                html.P(text, className="mb-0 mt-3", id="country-government-response"),
                c.source_note(row.to_frame().T, country.sources),
            ]
        )
    return html.P("No government response rating for this country in this release.", className="small mt-3")


def context_section(country: Country) -> html.Section:
    """Risk context: latest poverty, schooling, birth registration, income and population values."""
    records, used = [], []
    for code in CONTEXT:
        row = country.headline(code)
        if row is None:
            continue
        meta = country.indicator(code)
        used.append(row)
        records.append(
            {
                "code": code,
                "indicator": meta.get("name", code),
                "value": c.format_value(row["value"], row["unit"], meta.get("decimals")),
                "year": int(row["year"]),
                "source": c.source_short(country.sources, row),
            }
        )
    heading = html.Div(
        [
            html.H2("Risk context", id="country-context", className="h4 mb-0"),
            c.explainer_link("risk-factors-and-context"),
        ],
        className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
    )
    if not records:
        return html.Section(
            [heading, c.notice("No context indicators for this country in this release.")], className="mb-5"
        )
    table = c.table(
        pd.DataFrame(records),
        [("indicator", "Indicator"), ("value", "Latest value"), ("year", "Year"), ("source", "Source")],
        f"Risk context for {country.name}",
        {"indicator": lambda r: f"/indicator/{r['code']}"},
    )
    return html.Section([heading, table], className="mb-5")


def gap_statements(country: Country) -> list[str]:
    """Data gaps stated plainly, computed from the data (latest year per pillar, single points, no sex split)."""
    lines = []
    for slug, title, _, preferred in PILLARS:
        codes = pillar_codes(country, slug, preferred)
        latest = _series.latest_year(country.obs, codes)
        lines.append(_series.gap_sentence(GAP_WORDS[slug], latest, country.reference_year, country.name))
        if codes and _series.trend_frame(country.rows(codes[0]), codes[0]).empty:
            lines.append(f"{title}: one comparable data point only, so no trend can be shown.")
        natures = set(country.obs[country.obs["indicator"].isin(codes)]["nature"]) if codes else set()
        if natures and natures <= {"modelled", "estimated"}:
            lines.append(f"{title}: the figures are modelled estimates, not measurements in this country.")
    return lines


def gaps_section(country: Country) -> html.Section:
    return html.Section(
        [
            html.Div(
                [
                    html.H2("Data gaps", id="country-gaps", className="h4 mb-0"),
                    c.explainer_link("data-gaps-and-comparability"),
                ],
                className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
            ),
            html.Ul([html.Li(line) for line in gap_statements(country)], id="country-gap-list"),
        ],
        className="mb-5",
    )


def pathfinder_text(country: Country) -> str:
    if bool(country.meta.get("pathfinder")):
        status = country.meta.get("pathfinder_status") or "status not stated"
        return f"{country.name} is an Alliance 8.7 pathfinder country ({status})."
    return f"{country.name} is not listed as an Alliance 8.7 pathfinder country."


def delta_section(country: Country):
    """The delta view of the country's headline series (progress against the SDG 8.7 target)."""
    return _delta.delta_section(country.iso3)


def downloads(iso3: str, name: str) -> html.P:
    return html.P(
        [
            f"Download {name}'s data: ",
            html.A("CSV", href=f"/api/v1/observations?area={iso3}&format=csv", id="country-download-csv"),
            " · ",
            html.A("explore in the data explorer", href=f"/data?area={iso3}"),
            " · ",
            html.A("printable brief", href=f"/country/{iso3}/brief"),
            ". Walk Free (GSI) figures are shown with attribution and are not included in downloads.",
        ],
        className="mb-0",
    )


def suggestions(code: str, countries: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """Countries whose code, name or alias is closest to what was typed."""
    text = str(code or "").strip().lower()
    candidates: dict[str, str] = {}
    for row in countries.itertuples():
        for label in [row.iso3, row.name, *str(row.aliases or "").split("|")]:
            if label:
                candidates.setdefault(label.lower(), row.iso3)
    close = difflib.get_close_matches(text, list(candidates), n=limit * 3, cutoff=0.4)
    close += [k for k in candidates if text and len(text) > 2 and text in k]
    picked = list(dict.fromkeys(candidates[k] for k in close))[:limit]
    return countries.loc[picked] if picked else countries.iloc[0:0]
