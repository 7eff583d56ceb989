"""Source lines under charts and cards: who published it, which edition or survey, which years, what kind of data.

The full provenance record (title, how the snapshot was obtained, licence, files) lives on /sources/<id>; the
line under a chart only names the source by the short display name of its registry entry and links there.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
from dash import html
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _phrases
from dataproduct import citation
from warehouse import ReleaseError
from warehouse.schema import redistributable
from web import hosts, i18n
from web.i18n import N_

#: Longest source line, in characters: two lines of a half-width chart column at desktop width (the browser test
#: tests/test_browser_sources.py measures the lines).
LIMIT = 130
#: The nature of the data in a few words (the chart's own notes and the source page say more).
NATURE_WORDS = {
    "measured": N_("survey, census or register data"),
    "estimated": N_("estimates"),
    "modelled": N_("modelled estimates"),
    "detected": N_("detected cases, not prevalence"),
    "reported": N_("status as reported"),
}
#: Surveys named in a line before the rest are left to the source page.
MAX_SURVEYS = 2
#: Registry short names worded by us (not a publisher's or a publication's own name): shown in the page's language.
OUR_NAMES = (
    N_("Country codes (ISO 3166, UN M49)"),
    N_("ILO, UNICEF, Walk Free, IOM, UNODC estimates"),
    N_("ILOSTAT child labour statistics"),
    N_("Delta 8.7 staff list of pathfinder countries"),
    N_("Ratifications compiled by Delta 8.7"),
    N_("UN Treaty Collection, CRC, protocols, CMW status"),
    N_("UN Treaty Collection, OPSC status"),
    N_("World Bank, WDI and income groups"),
)
#: How the platform names itself in a citation (dataproduct/citation.py words it for downloads, in English).
PLATFORM = N_("Delta 8.7, the SDG target 8.7 data platform")


@lru_cache(maxsize=256)
def _edition_names(text: str | None) -> dict[str, str]:
    try:
        names = json.loads(text or "{}")
    except ValueError:
        return {}
    return names if isinstance(names, dict) else {}


def display_name(record: dict | None, source_id: str, edition: str | None = None) -> str:
    """The short name of a source (or of one of its editions) in source lines, in the page's language where the
    name is ours; the id when the release lacks one."""
    if record is None:
        return str(source_id)
    named = _edition_names(record.get("edition_names")).get(edition or "")
    name = str(named or record.get("short_name") or record.get("publisher") or source_id)
    return _(name) if name in OUR_NAMES else name


def name_link(source_id: str, name: str, **props) -> html.A:
    """A source's display name linking to its page; a publisher's own name is marked English (WCAG 3.1.2)."""
    ours = name in {_(n) for n in OUR_NAMES}
    return html.A(name, href=f"/sources/{source_id}", **({} if ours else {"lang": "en"}), **props)


def english(text):
    """Text wholly as its publisher wrote it (a source's name, title, edition, licence, citation, survey): on a page
    in another language, in a span marked English so that screen readers read it so (WCAG 3.1.2); our own names of
    sources, shown translated, stay as they are."""
    if not isinstance(text, str) or not text or i18n.lang() == i18n.DEFAULT or text in {_(n) for n in OUR_NAMES}:
        return text
    return html.Span(text, lang="en")


def _labels(rows: pd.DataFrame, records: dict) -> list[tuple[str, str]]:
    """(source id, display name) of every source and edition behind `rows`, the most recent data first."""
    editions = rows["edition"] if "edition" in rows.columns else pd.Series(None, index=rows.index, dtype=object)
    latest = rows["year"].fillna(rows["year_end"] if "year_end" in rows.columns else -1).fillna(-1)
    keys = pd.DataFrame({"source": rows["source"], "edition": editions.where(editions.notna(), None), "at": latest})
    keys = keys[keys["source"].map(lambda s: isinstance(s, str))]
    order = keys.groupby(["source", "edition"], dropna=False, sort=False)["at"].max().sort_values(ascending=False)
    labels = [(str(s), display_name(records.get(s), s, e if isinstance(e, str) else None)) for s, e in order.index]
    return list(dict.fromkeys(labels))


def _surveys(rows: pd.DataFrame) -> list[str]:
    """The surveys the publisher names ("MICS 2014"), without the compiler's remarks after the first comma."""
    if "survey" not in rows.columns:
        return []
    named = (_phrases.first_survey(str(s)) for s in rows["survey"].dropna())
    return [s for s in dict.fromkeys(named) if s]


def _restricted(source_id: str, records: dict) -> bool:
    record = records.get(source_id)
    return record is not None and not redistributable(record)


def natures(rows: pd.DataFrame) -> str:
    """ "survey, census or register data, modelled estimates" for the natures of `rows`."""
    if rows.empty or "nature" not in rows.columns:
        return ""
    return ", ".join(
        _(NATURE_WORDS[n]) if n in NATURE_WORDS else str(n) for n in dict.fromkeys(rows["nature"].dropna())
    )


def source_text(rows: pd.DataFrame, records: dict) -> tuple[list, list[str]]:
    """The parts of the line (strings and links) within LIMIT characters, and the ids of the sources named."""
    labels = _labels(rows, records) if not rows.empty else []
    kinds = natures(rows)
    surveys = _surveys(rows)
    years = _years(rows)
    for shown, survey_count in ((len(labels), MAX_SURVEYS), (len(labels), 0), (2, 0), (1, 0)):
        parts = _parts(labels, shown, surveys[:survey_count], len(surveys) > survey_count, records)
        tail = f". {years}" + (f", {kinds}" if kinds else "") + "."
        text = "".join(p if isinstance(p, str) else p.children for p in parts) + tail
        if len(text) + len(_(" Sources and notes")) <= LIMIT:
            break
    return [*parts, tail], list(dict.fromkeys(s for s, _skip in labels))


def _parts(labels: list, shown: int, surveys: list[str], more_surveys: bool, records: dict) -> list:
    """ "Source: A (not in downloads); B; MICS 2014 and other surveys" with each name linking to its source page."""
    if not labels:
        return [_("Source: none (no data)")]
    parts: list = [_("Sources: ") if len(labels) > 1 else _("Source: ")]
    for i, (source_id, name) in enumerate(labels[:shown]):
        parts += [_("; ")] if i else []
        parts.append(name_link(source_id, name, className="source-name"))
        parts += [_(" (not in downloads)")] if _restricted(source_id, records) else []
    if shown < len(labels):
        parts.append(ngettext(" and %(num)s more", " and %(num)s more", len(labels) - shown))
    if surveys:
        parts += [_("; "), english(", ".join(surveys)), _(" and other surveys") if more_surveys else ""]
    return parts


def _years(rows: pd.DataFrame) -> str:
    """ "2016", "2000–2020", and the publisher's period of rows that have no year."""
    undated = rows.loc[rows["year"].isna(), "period"] if "period" in rows.columns else pd.Series(dtype=str)
    periods = [_phrases.localized(str(p)).replace("-", "–") for p in undated.dropna().unique() if str(p)]
    years = sorted({int(y) for y in rows["year"].dropna()})
    if not years:
        return _("Period: %(value)s", value=periods[0]) if periods else _("Year not stated")
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return _("; ").join([span, *(_("period %(p)s", p=p) for p in periods)])


def source_line(rows: pd.DataFrame, records: dict, extra: str = "", page: str = "") -> html.Div:
    """The line under a chart or card with a "Sources and notes" link; the chart's own note; "Cite this chart"."""
    parts, ids = source_text(rows, records)
    notes = f"/sources/{ids[0]}" if len(ids) == 1 else "/sources"
    line = html.P(
        [*parts, " ", html.A(_("Sources and notes"), href=notes, className="sources-link")],
        className="chart-source small text-body-secondary mb-0",
    )
    note = html.P(extra, className="chart-note small text-body-secondary mb-0") if extra else ""
    cite = cite_block([records[s] for s in ids if s in records], page)
    return html.Div([line, note, cite], className="chart-source-block mb-1")


def page_url(page: str) -> str:
    """The absolute address of `page` (path and query, given by the caller: layouts and callbacks are cached)."""
    if not page:
        return ""
    return hosts.public_root() + i18n.href(page)


def cite_block(records: list[dict], page: str = "") -> html.Details | str:
    """ "Cite this chart": its sources, the release and the page, the same wording as CITATION.txt."""
    if not records:
        return ""
    from dashboards import _data  # noqa: PLC0415 - the release of the request, resolved only when citing

    try:
        release = _data.release()
        text = cite_text(records, release.id, release.created, page_url(page))
    except (ReleaseError, RuntimeError):  # no release (or no app): cite the sources alone
        text = cite_text(records)
    return html.Details(
        [html.Summary(_("Cite this chart")), html.Pre(text, className="cite-text small mb-1")],
        className="chart-cite small",
    )


def cite_text(records: list[dict], release_id: str = "", created: str = "", url: str = "") -> str | list:
    """The citation to copy: in English the text of CITATION.txt; in another language the sources' citations as
    published (marked English) and our line naming the platform and release in the page's language."""
    if i18n.lang() == i18n.DEFAULT:
        if not release_id:
            return "\n".join(dict.fromkeys(citation.source_citation(r) for r in records))
        return citation.citation_text(records, release_id, created, url)
    sources = html.Span("\n".join(dict.fromkeys(citation.source_citation(r) for r in records)), lang="en")
    if not release_id:
        return [sources]
    line = _("Compiled in %(platform)s, release %(release)s", platform=_(PLATFORM), release=release_id)
    line += _(" (created %(date)s)", date=i18n.day(created)) if created else ""
    return [sources, "\n", _("%(text)s: %(url)s", text=line, url=url) if url else line + "."]
