"""Printable one-page country brief `/country/<ISO3>/brief`: pillars, progress, commitments, gaps, sources, release.

Made to print on one A4 page (assets/print.css); "Save as PDF" in the browser's print dialog gives the PDF.
"""

from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboards import _components as c
from dashboards import _country, _data, _delta, _pillars
from warehouse import ReleaseError
from warehouse.schema import redistributable

ISO3 = re.compile(r"^[A-Za-z]{3}$")
PER_PILLAR = 2  # indicators shown per pillar: the brief must stay on one page
#: Short names of the instruments (the country page spells them out in full).
INSTRUMENTS = {
    "C029": "ILO C029 Forced Labour (1930)",
    "P029": "ILO P029 Protocol to C029 (2014)",
    "C105": "ILO C105 Abolition of Forced Labour (1957)",
    "C138": "ILO C138 Minimum Age (1973)",
    "C182": "ILO C182 Worst Forms of Child Labour (1999)",
    "PALERMO": "Palermo Protocol on trafficking (2000)",
    "CRC_OPSC": "CRC Protocol on the sale of children (2000)",
}


def short(text: str, limit: int = 70, cuts: tuple[str, ...] = (" (", ";", " - ")) -> str:
    """The head of a long publisher, title or licence string: up to its first qualifier, at most `limit` characters."""
    text = str(text or "")
    for cut in cuts:
        text = text.split(cut)[0]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def publisher(country: _pillars.Country, source_id: str) -> str:
    """A source's publisher, shortened (e.g. 'United Nations Statistics Division')."""
    record = _data.sources(country.release)
    return short(record.loc[source_id, "publisher"], 60) if source_id in record.index else source_id


def title(iso3: str | None = None, **_) -> str:
    """The browser (and PDF) title: the country's name when known."""
    try:
        meta = _data.country_meta(_data.release(), str(iso3 or "").upper())
    except ReleaseError:
        meta = None
    return f"{meta['name'] if meta else 'Country'} – SDG 8.7 brief – Delta 8.7"


dash.register_page(__name__, path_template="/country/<iso3>/brief", title=title, name="Country brief")


def layout(iso3: str | None = None, **_query):
    """The brief of one country, or a short message for an unknown code."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(f"No data release is available: {exc}", "warning")
    code = str(iso3 or "").strip().upper()
    meta = _data.country_meta(release, code) if ISO3.match(code) else None
    if meta is None:
        text = f"There is no country with the code “{str(iso3)[:40]}” in this data release. "
        return html.Div(
            [html.H1("Country not found"), html.P([text, html.A("Browse all countries", href="/countries"), "."])],
            id="brief-not-found",
        )
    return brief(_pillars.load(release, code, meta))


def brief(country: _pillars.Country) -> html.Article:
    """The one-page brief: header, pillars, progress, commitments and gaps side by side, sources, release."""
    gaps = html.Ul([html.Li(line) for line in _country.gap_statements(country)], id="brief-gaps")
    return html.Article(
        [
            header(country),
            section("Where things stand", pillars(country)),
            section("Progress toward the target", _delta.delta_section(country.iso3, compact=True)),
            dbc.Row(
                [
                    dbc.Col(section("Commitments", commitments(country)), xs=6),
                    dbc.Col(section("Data gaps", gaps), xs=6),
                ],
                className="g-3",
            ),
            section("Sources", sources(country)),
            html.P(
                f"Delta 8.7 · data release {country.release.id} · every figure comes from the publisher's file named above, "
                "through the platform's ETL.",
                id="brief-release",
                className="brief-footer",
            ),
        ],
        className="brief",
        id="brief-page",
    )


def section(title_text: str, body) -> html.Section:
    """A titled block of the brief."""
    return html.Section([html.H2(title_text, className="brief-h2"), body])


def header(country: _pillars.Country) -> html.Header:
    """Title, release date, link to the full dashboard, and how to get a PDF (not printed)."""
    created = country.release.created[:10]
    meta = [
        f"Child labour, forced labour and modern slavery, human trafficking · data release built {created} · ",
        html.A("full dashboard", href=f"/country/{country.iso3}"),
    ]
    return html.Header(
        [
            html.H1(f"{country.name}: SDG target 8.7 brief", id="brief-title", className="brief-h1"),
            html.P(meta, className="brief-meta"),
            html.P(
                "To save a PDF, print this page (Ctrl+P or ⌘P) and choose “Save as PDF”: it fits one A4 page.",
                id="brief-print-hint",
                className="small text-body-secondary brief-no-print mb-1",
            ),
        ]
    )


def pillars(country: _pillars.Country) -> dbc.Row:
    """Three columns, one per pillar: the latest value of up to PER_PILLAR indicators each."""
    columns = []
    for slug, pillar_title, _, preferred in _pillars.PILLARS:
        codes = _pillars.pillar_codes(country, slug, preferred)[:PER_PILLAR]  # same rule as shown_codes
        items = [_latest_line(country, code) for code in codes] or [html.Li("No data in this release.")]
        columns.append(
            dbc.Col(
                [html.H3(pillar_title, className="brief-h3"), html.Ul(items, className="brief-list")],
                xs=4,
                id=f"brief-pillar-{slug}",
            )
        )
    return dbc.Row(columns, className="g-2")


def _latest_line(country: _pillars.Country, code: str) -> html.Li:
    row, meta = country.headline(code), country.indicator(code)
    value = c.format_value(row["value"], row["unit"], meta.get("decimals"))
    source = publisher(country, row["source"])
    return html.Li(
        [
            html.Strong(value),
            f" {meta.get('short_name') or meta.get('name') or code}",
            html.Span(
                f" ({int(row['year'])}, {c.nature_text(row['nature']).split(' (')[0]}; {source})",
                className="text-body-secondary",
            ),
        ]
    )


def commitments(country: _pillars.Country) -> html.Table:
    """Instrument and its status with date, one line each."""
    rows = _data.commitments(country.release, country.iso3)
    body = []
    for code, _ in _country.INSTRUMENTS:
        match = rows[rows["instrument"] == code] if not rows.empty else rows
        status = "no information"
        if not match.empty:
            first = match.sort_values("date", ascending=False).iloc[0]
            status = f"{first['status']} {first['date'] or ''}".strip()
        body.append(html.Tr([html.Td(INSTRUMENTS.get(code, code)), html.Td(status, className="text-nowrap")]))
    head = html.Thead(html.Tr([html.Th("Instrument", scope="col"), html.Th("Status", scope="col")]))
    return html.Table([head, html.Tbody(body)], className="table table-sm brief-table mb-0", id="brief-commitments")


def shown_codes(country: _pillars.Country) -> list[str]:
    """The indicators whose latest values the brief shows."""
    return [
        code
        for slug, _, _, preferred in _pillars.PILLARS
        for code in _pillars.pillar_codes(country, slug, preferred)[:PER_PILLAR]
    ]


def sources(country: _pillars.Country) -> html.P:
    """The sources of the figures on the brief (latest values, progress series, commitments), with licences."""
    used = {str(country.headline(code)["source"]) for code in shown_codes(country)}
    progress = _data.progress(country.release, country.iso3)
    row = _delta.headline(progress) if not progress.empty else None
    used |= {str(row["source"])} if row else set()
    commitments_rows = _data.commitments(country.release, country.iso3)
    used |= set(commitments_rows["source"].dropna().astype(str)) if not commitments_rows.empty else set()
    parts, table = [], _data.sources(country.release)
    for source_id in sorted(used):
        if source_id not in table.index:
            parts.append(source_id)
            continue
        meta = table.loc[source_id]
        rights = short(meta["licence"], 40) if redistributable(meta) else "not redistributable"
        parts.append(f"{publisher(country, source_id)}, {short(meta['title'])} ({rights})")
    text = "; ".join(parts) + "." if parts else "No sources: no data."
    return html.P(text, className="brief-sources", id="brief-sources")
