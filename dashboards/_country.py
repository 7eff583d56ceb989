"""Country dashboard sections beyond the pillars: summary, commitments, context, gaps, progress, downloads."""

from __future__ import annotations

import difflib

import dash_bootstrap_components as dbc
import pandas as pd
from babel import lists
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _coded, _commitments, _delta, _phrases, _series
from dashboards import _components as c
from dashboards._pillars import Country, pillar_codes, pillars, section_codes
from warehouse.schema import redistributable
from web import i18n
from web.i18n import N_

#: What each pillar's gap sentence calls its data, or the measure of a headline that is not the pillar's (by code).
GAP_WORDS = {
    "child-labour": N_("child labour survey data"),
    "forced-labour": N_("modern slavery estimate"),
    "trafficking": N_("detected-victim count"),
    "children_in_employment_7_14": N_("survey data on children in employment"),
    "working_children_ilab": N_("survey data on working children"),
    "trafficking_persons_prosecuted": N_("count of persons prosecuted"),
    "trafficking_persons_convicted": N_("count of persons convicted"),
}
#: The SDG indicator whose values a pillar's gap sentence counts as its data when the card's headline has none
#: (children in employment is not child labour, but a later child labour value must not be denied beside it).
GAP_SDG = {"child-labour": "8.7.1"}
#: The only series of its SDG indicator a pillar's gap sentence counts beside the headline, where not all are: a
#: count of one form of exploitation is no newer detected-victim count than the total's.
GAP_ONLY = {"trafficking": {"trafficking_victims_detected", "detected_victims_16_2_2"}}


def summary_cards(country: Country) -> dbc.Row:
    """One card per pillar (headline value, as published) and one for commitments: the one-screen view."""
    cards = []
    for pillar in pillars():
        codes = pillar_codes(country, pillar.slug)
        card_id = f"country-card-{pillar.slug}"
        if not codes:
            cards.append(
                c.stat(
                    pillar.title,
                    _("No data"),
                    [_("No %(lower)s data in this release", lower=pillar.title.lower())],
                    card_id,
                )
            )
            continue
        row, meta = country.headline(codes[0]), country.indicator(codes[0])
        when = [
            x for x in (c.when(row), _cite.english(c.survey_text(row)), c.age_text(row, meta.get("standard_age"))) if x
        ]
        details = [
            meta.get("name", codes[0]),
            " · ".join(when) if all(isinstance(x, str) for x in when) else [y for x in when for y in (" · ", x)][1:],
            _cite.english(c.source_short(country.sources, row)),
            c.nature_text(row["nature"]).split(" (")[0],
            c.footnote(row),
        ]
        cards.append(c.stat(pillar.title, c.value_text(row, row["unit"], meta.get("decimals")), details, card_id))
    value, details = _commitments.summary(_commitments.statuses(country))
    cards.append(c.stat(_("Commitments"), value, details, "country-card-commitments"))
    return dbc.Row([dbc.Col(card, xs=12, sm=6, lg=3, className="mb-3") for card in cards], className="g-3")


def commitments_section(country: Country) -> html.Section:
    """Status, date, "as of" date, freshness and source per instrument, and the GSI government response rating."""
    found = _commitments.statuses(country)
    records = [{"instrument": s.label, "status": s.text, "date": s.date, "as_of": s.as_of,
                "source": _cite.english(s.source) if s.known else s.source} for s in found]  # fmt: skip
    table = c.table(
        pd.DataFrame(records),
        [
            ("instrument", _("Instrument")),
            ("status", _("Status")),
            ("date", _("Date")),
            ("as_of", _("As of")),
            ("source", _("Source")),
        ],
        _("Commitments of %(name)s", name=country.name),
    )
    stale = any(s.stale and s.known for s in found)
    note = html.P(
        [
            _(
                "Statuses whose data are more than %(stale_after)s years old are marked “possibly out of date”: a country may have ratified since, so such a “not ratified” is not counted as current. ",
                stale_after=_commitments.STALE_AFTER,
            ),
            c.explainer_link("ilo-conventions-and-ratification", _("About the ratification data")),
        ],
        id="country-commitments-freshness",
        className="small text-muted mt-2",
    )
    return html.Section(
        [
            html.Div(
                [
                    html.H2(_("Commitments"), id="country-commitments", className="h4 mb-0"),
                    c.explainer_link("ilo-conventions-and-ratification"),
                    c.explainer_link("accountability-and-policy-tools", _("How commitments are monitored")),
                ],
                className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
            ),
            table,
            note if stale else None,
            government_response(country),
        ],
        className="mb-5",
    )


def government_response(country: Country):
    """The government response ratings, with attribution: scores as a sentence, coded ratings (TIP tiers) by year."""
    blocks = []
    for code in section_codes(country.indicators, section="government-response"):
        row, meta = country.headline(code), country.indicator(code)
        if row is None:
            continue
        if c.value_labels(meta):
            blocks.append(
                _coded.rating_block(code, country.rows(code), meta, country.sources, f"country-{code}", country.page)
            )
            continue
        blocks.append(
            html.Div(
                [
                    html.P(response_text(row, meta), className="mb-0 mt-3", id="country-government-response"),
                    c.source_note(row.to_frame().T, country.sources, page=country.page),
                ]
            )
        )
    if any(blocks):
        return html.Div([b for b in blocks if b is not None], className="mt-3")
    return html.P(_("No government response rating for this country in this release."), className="small mt-3")


def response_text(row: pd.Series, meta: dict) -> str:
    """A government response score as a sentence, with Walk Free's letter rating where the note gives it (GSI 2018)."""
    value = c.value_text(row, row["unit"], meta.get("decimals"))
    text = _("%(name)s: %(value)s (%(when)s).", name=meta.get("name", row["indicator"]), value=value, when=c.when(row))
    if isinstance(letter := row.get("note"), str):  # GSI 2018: the letter beside TOTAL
        text += " " + _("Walk Free's letter rating: %(letter)s (its data file does not say what the letters mean).", letter=letter)  # fmt: skip
    return text


def context_section(country: Country) -> html.Section:
    """Risk context: headline poverty, schooling, birth registration, income and population values."""
    records = []
    for code in section_codes(country.indicators, section="context"):
        row = country.headline(code)
        if row is None:
            continue
        meta = country.indicator(code)
        records.append(
            {
                "code": code,
                "indicator": meta.get("name", code),
                "value": _coded.status_since(country.rows(code), meta)
                if c.value_labels(meta)
                else c.value_text(row, row["unit"], meta.get("decimals")),
                "year": c.when(row),
                "source": _cite.english(c.source_short(country.sources, row)),
            }
        )
    heading = html.Div(
        [
            html.H2(_("Risk context"), id="country-context", className="h4 mb-0"),
            c.explainer_link("risk-factors-and-context"),
        ],
        className="d-flex flex-wrap align-items-baseline gap-3 mb-2",
    )
    if not records:
        return html.Section(
            [heading, c.notice(_("No context indicators for this country in this release."))], className="mb-5"
        )
    table = c.table(
        pd.DataFrame(records),
        [
            ("indicator", _("Indicator")),
            ("value", _("Latest value")),
            ("year", _("Year or period")),
            ("source", _("Source")),
        ],
        _("Risk context for %(name)s", name=country.name),
        {"indicator": lambda r: f"/indicator/{r['code']}"},
    )
    return html.Section([heading, table], className="mb-5")


def _gap_rows(country: Country, codes: list[str], slug: str) -> tuple[pd.Series | None, pd.Series | None]:
    """The rows a pillar's gap sentence states: the newest in the headline's sex and band or a standard band, and
    later ones of other bands (each with its series' name), among the headline indicator and the pillar's others of
    its unit and SDG indicator, or of GAP_SDG's when it has none (an ILOSTAT series for ages 5-17 of 2025 beside an
    8.7.1 value of 2016, or beside children in employment of 2009, is newer child labour data, which the sentence
    must not deny)."""
    row = country.headline(codes[0]) if codes else None
    after = _series.known_until(row)
    if after is None:
        return row, None
    head = country.indicator(codes[0])
    sdg = head.get("sdg_indicator") or GAP_SDG.get(slug)
    same = [codes[0], *(k for k in codes[1:] if sdg and k in GAP_ONLY.get(slug, {k}) and (country.indicator(k).get(
        "sdg_indicator"), country.indicator(k).get("unit")) == (sdg, head.get("unit")))]  # fmt: skip
    rows = _series.dated(pd.concat([country.rows(k) for k in same], ignore_index=True))
    bands = [row["age"], *(country.indicator(k).get("standard_age") for k in same)]
    band = rows[(rows["sex"] == row["sex"]) & rows["age"].isin(bands) & (rows["year"] > after)]
    row = band[band["year"] == band["year"].max()].iloc[0] if not band.empty else row  # the first by rank
    others = rows[rows["age"] != row["age"]]
    series = others["indicator"].map(lambda k: c.short_name(country.indicator(k)))
    return row, _series.later_rows(others.assign(series=series, indicator=row["indicator"]), row)


def gap_statements(country: Country) -> list[str]:
    """Data gaps stated plainly from each pillar's headline value (its survey year, not a report year)."""
    lines = []
    for pillar in pillars():
        codes = pillar_codes(country, pillar.slug)
        row, later = _gap_rows(country, codes, pillar.slug)
        said = GAP_WORDS.get(row["indicator"] if row is not None else "") or GAP_WORDS.get(pillar.slug)
        words = _(said) if said else _("%(pillar)s data", pillar=pillar.title.lower())
        lines.append(_series.gap_sentence(words, row, country.reference_year, country.name, later))
        stated = row["indicator"] if row is not None else codes[0] if codes else None  # the series the gap names
        if stated and _series.trend_frame(country.rows(stated), stated).empty:
            lines.append(_("%(title)s: one data point in its series, so no trend can be shown.", title=pillar.title))
        natures = set(country.obs[country.obs["indicator"].isin(codes)]["nature"]) if codes else set()
        if natures and natures <= {"modelled", "estimated"}:
            lines.append(
                _(
                    "%(title)s: the figures are modelled estimates, not measurements in this country.",
                    title=pillar.title,
                )
            )
    return lines


def gaps_section(country: Country) -> html.Section:
    return html.Section(
        [
            html.Div(
                [
                    html.H2(_("Data gaps"), id="country-gaps", className="h4 mb-0"),
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
        status = _phrases.localized(country.meta.get("pathfinder_status")) or _("status not stated")
        return _("%(name)s is an Alliance 8.7 pathfinder country (%(status)s).", name=country.name, status=status)
    return _("%(name)s is not listed as an Alliance 8.7 pathfinder country.", name=country.name)


def delta_section(country: Country):
    """The delta view of the country's headline series (progress against the SDG 8.7 target)."""
    return _delta.delta_section(country.iso3)


def restricted_names(sources: dict) -> str | list:
    """ "Walk Free, Global Slavery Index and Gapminder, Legal slavery": the sources kept out of downloads (on a page
    in another language, parts with the publishers' names marked English)."""
    names = sorted(_cite.display_name(r, s) for s, r in sources.items() if not redistributable(r))
    pieces = lists.format_list(["{}"] * len(names), locale=i18n.locale()).split("{}") if names else [""]
    return _series.joined([x for name, piece in zip(names, pieces, strict=False) for x in (piece, _cite.english(name))]
                          + pieces[-1:])  # fmt: skip


def downloads(iso3: str, name: str, sources: dict | None = None) -> html.P:
    names = restricted_names(sources or {}) or _cite.english("Walk Free (GSI)")
    before, _skip, after = _(
        ". Figures from %(names)s are shown with attribution and are not included in downloads.", names="{}"
    ).partition("{}")
    said = _series.joined([before, *(names if isinstance(names, list) else [names]), after])
    return html.P(
        [
            _("Download %(name)s's data: ", name=name),
            html.A("CSV", href=f"/api/v1/observations?area={iso3}&format=csv", id="country-download-csv"),
            " · ",
            html.A(_("explore in the data explorer"), href=f"/data?area={iso3}"),
            " · ",
            html.A(_("printable brief"), href=f"/country/{iso3}/brief"),
            *([said] if isinstance(said, str) else said),
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
