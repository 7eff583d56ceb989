"""Printable one-page country brief `/country/<ISO3>/brief`: pillars, progress, commitments, gaps, sources, release.

Made to print on one A4 page (assets/print.css); "Save as PDF" in the browser's print dialog gives the PDF.
"""

from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_babel import gettext as _

from dashboards import _cite, _commitments, _country, _data, _delta, _phrases, _pillars, _published, _series
from dashboards import _components as c
from warehouse import ReleaseError
from warehouse.schema import redistributable
from web import i18n
from web.i18n import N_

ISO3 = re.compile(r"^[A-Za-z]{3}$")
PER_PILLAR = 2  # indicators shown per pillar: the brief must stay on one page


def short(text: str, limit: int = 70, cuts: tuple[str, ...] = (" (", ";", " - ")) -> str:
    """The head of a long publisher, title or licence string: up to its first qualifier, at most `limit` characters."""
    text = str(text or "")
    for cut in cuts:
        text = text.split(cut)[0]
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(",") + "…"  # whole words


def publisher(country: _pillars.Country, source_id: str):
    """A source's publisher, shortened (e.g. 'United Nations Statistics Division'), marked English where it is."""
    record = _data.sources(country.release)
    if source_id not in record.index:
        return source_id
    name = _published.publisher(record.loc[source_id, "publisher"])
    return html.Span(short(name.children, 60), lang="en") if isinstance(name, html.Span) else short(name, 60)


def title(iso3: str | None = None, **_skip) -> str:
    """The browser (and PDF) title: the country's name when known."""
    try:
        meta = _data.country_meta(_data.release(), str(iso3 or "").upper())
    except ReleaseError:
        meta = None
    return _("%(value)s – SDG 8.7 brief – Delta 8.7", value=meta["name"] if meta else "Country")


dash.register_page(__name__, path_template="/country/<iso3>/brief", title=title, name=N_("Country brief"))


def layout(iso3: str | None = None, **_query):
    """The brief of one country, or a short message for an unknown code."""
    try:
        release = _data.release()
    except ReleaseError as exc:
        return c.notice(_("No data release is available: %(exc)s", exc=exc), "warning")
    code = str(iso3 or "").strip().upper()
    meta = _data.country_meta(release, code) if ISO3.match(code) else None
    if meta is None:
        text = _("There is no country with the code “%(value)s” in this data release. ", value=str(iso3)[:40])
        return html.Div(
            [
                html.H1(_("Country not found")),
                html.P([text, html.A(_("Browse all countries"), href="/countries"), "."]),
            ],
            id="brief-not-found",
        )
    return brief(_pillars.load(release, code, meta))


def brief(country: _pillars.Country) -> html.Article:
    """The one-page brief: header, pillars, progress, commitments and gaps side by side, sources, release."""
    gaps = html.Ul([html.Li(line) for line in _country.gap_statements(country)], id="brief-gaps")
    return html.Article(
        [
            header(country),
            section(_("Where things stand"), pillars(country)),
            section(_("Progress toward the target"), _delta.delta_section(country.iso3, compact=True)),
            dbc.Row(
                [
                    dbc.Col(section(_("Commitments"), commitments(country)), xs=6),
                    dbc.Col(section(_("Data gaps"), gaps), xs=6),
                ],
                className="g-3",
            ),
            section(_("Sources"), sources(country)),
            html.P(
                _(
                    "Delta 8.7 · data release %(id)s · every figure comes from the publisher's file named above, through the platform's ETL.",
                    id=country.release.id,
                ),
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
    created = i18n.day(country.release.created, english=_phrases.DAY)
    meta = [
        _(
            "Child labour, forced labour and modern slavery, human trafficking · data release built %(created)s · ",
            created=created,
        ),
        html.A(_("full dashboard"), href=f"/country/{country.iso3}"),
    ]
    return html.Header(
        [
            html.H1(_("%(name)s: SDG target 8.7 brief", name=country.name), id="brief-title", className="brief-h1"),
            html.P(meta, className="brief-meta", id="brief-meta"),
            html.P(
                _("To save a PDF, print this page (Ctrl+P or ⌘P) and choose “Save as PDF”: it fits one A4 page."),
                id="brief-print-hint",
                className="small text-body-secondary brief-no-print mb-1",
            ),
        ]
    )


def pillars(country: _pillars.Country) -> dbc.Row:
    """Three columns, one per pillar: the headline value of up to PER_PILLAR indicators each, as published."""
    columns = []
    for pillar in _pillars.pillars():
        codes = _pillars.pillar_codes(country, pillar.slug)[:PER_PILLAR]  # same rule as shown_codes
        items = [_latest_line(country, code) for code in codes] or [html.Li(_("No data in this release."))]
        differ = _pillars.differences(country, _pillars.headlines(country, codes)) if codes else []
        columns.append(
            dbc.Col(
                [html.H3(pillar.title, className="brief-h3"), html.Ul(items, className="brief-list"), *differ],
                xs=4,
                id=f"brief-pillar-{pillar.slug}",
            )
        )
    return dbc.Row(columns, className="g-2")


def _latest_line(country: _pillars.Country, code: str) -> html.Li:
    row, meta = country.headline(code), country.indicator(code)
    details = [c.when(row), _cite.english(c.survey_text(row)), c.age_text(row, meta.get("standard_age")),
               c.nature_text(row["nature"]).split(" (")[0], publisher(country, row["source"])]  # fmt: skip
    details = [x for d in details if d for x in (_("; "), d)][1:]
    note = c.footnote(row)
    return html.Li(
        [
            html.Strong(c.value_text(row, row["unit"], meta.get("decimals"))),
            f" {meta.get('short_name') or meta.get('name') or code}",
            html.Span(_joined([" (", *details, ")"]), className="text-body-secondary"),
            html.Span(_published.around(_(" Note: %(note)s", note="{}"), note), className="text-body-secondary")
            if note
            else None,
        ]
    )


def commitments(country: _pillars.Country) -> html.Div:
    """Each instrument's status with its date, "as of" date and source; stale statuses marked (same rule as the
    country page and its header card)."""
    found = _commitments.statuses(country)
    # statuses from one file share their "as of" and source: each is said once, under the table, by number
    notes = list(dict.fromkeys(_note(s) for s in found if s.known))
    body = [
        html.Tr([html.Td(s.short), html.Td(s.short_text + (f" [{notes.index(_note(s)) + 1}]"
                                                                          if s.known else ""))])
        for s in found
    ]  # fmt: skip
    head = html.Thead(html.Tr([html.Th(t, scope="col") for t in (_("Instrument"), _("Status [as of, source]"))]))
    value, details = _commitments.summary(found)
    scores = responses(country)
    return html.Div(
        [
            html.P(f"{value} {details[0]}; {details[1]}.", className="small mb-1", id="brief-commitments-count"),
            html.Table([head, html.Tbody(body)], className="table table-sm brief-table mb-0", id="brief-commitments"),
            html.P(_joined([x for i, n in enumerate(notes, start=1) for x in (f"[{i}] ", *_note_text(*n), " ")][:-1]),
                   className="brief-sources mb-0", id="brief-commitments-notes"),
            html.P(" ".join(_country.response_text(row, meta) for row, meta in scores),
                   className="small mb-0 mt-1", id="brief-government-response") if scores else None,
        ]
    )  # fmt: skip


def responses(country: _pillars.Country) -> list[tuple]:
    """The government response scores the country page states as a sentence (headline row, indicator), not tiers."""
    found = []
    for code in _pillars.section_codes(country.indicators, section="government-response"):
        row, meta = country.headline(code), country.indicator(code)
        if row is not None and not c.value_labels(meta):
            found.append((row, meta))
    return found


def _note(status) -> tuple[str, str]:
    """A status's "as of" (a sentence's start) and source."""
    return status.as_of_phrase[:1].upper() + status.as_of_phrase[1:], status.source


def _note_text(as_of: str, source: str) -> list:
    """ "As of 2016. Source: US DOL ILAB.", the source's name marked English where it is the publisher's."""
    return _published.around(_("%(as_of)s. Source: %(source)s.", as_of=as_of, source="{}"), _cite.english(source))


def shown_codes(country: _pillars.Country) -> list[str]:
    """The indicators whose headline values the brief shows."""
    return [code for pillar in _pillars.pillars() for code in _pillars.pillar_codes(country, pillar.slug)[:PER_PILLAR]]


def sources(country: _pillars.Country) -> html.P:
    """The sources of the figures on the brief (latest values, progress series, commitments), with licences."""
    used = {str(country.headline(code)["source"]) for code in shown_codes(country)}
    progress = _data.progress(country.release, country.iso3)
    row = _delta.headline(progress, None, _series.preferred(country.obs)) if not progress.empty else None
    used |= {str(row["source"])} if row else set()
    used |= {str(row["source"]) for row, _meta in responses(country)}
    commitments_rows = _data.commitments(country.release, country.iso3)
    if not commitments_rows.empty:  # only the instruments the brief lists
        shown = {s.instrument for s in _commitments.statuses(country)}
        used |= set(commitments_rows[commitments_rows["instrument"].isin(shown)]["source"].dropna().astype(str))
    parts, table = [], _data.sources(country.release)
    for source_id in sorted(used):
        if source_id not in table.index:
            parts.append([source_id])
            continue
        meta = table.loc[source_id]
        rights = _cite.english(short(meta["licence"], 40)) if redistributable(meta) else _("not redistributable")
        parts.append([publisher(country, source_id), ", ", _cite.english(short(meta["title"])), " (", rights, ")"])
    text = [x for part in parts for x in (_("; "), *part)][1:] + ["."] if parts else [_("No sources: no data.")]
    return html.P(_joined(text), className="brief-sources", id="brief-sources")


def _joined(parts: list) -> str | list:
    """Parts of a text as one string, unless some are marked English (a page in another language)."""
    return "".join(parts) if all(isinstance(x, str) for x in parts) else parts
