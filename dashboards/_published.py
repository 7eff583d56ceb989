"""Notes and publisher names of the release in the reader's language: our own wording through the catalogue, the
publishers' own words as published, marked as English.

The ETL joins a value's notes with "; " (etl/mapping.py, etl/commitments.py, etl/headline.py) and keeps them in
English (downloads and the API give that text). A page rewords each part of a known form below; any other part is
the publisher's footnote, never machine-translated: shown as written, with lang="en" and a short label.
"""

from __future__ import annotations

import itertools
import re

from dash import html
from flask_babel import gettext as _

from dashboards import _phrases
from warehouse import progress_text
from web import i18n
from web.i18n import N_

#: The statuses the commitments table holds, marked for the catalogue (the data keep the English words).
STATUS_WORDS = (N_("ratified"), N_("not ratified"), N_("accession"), N_("signed"), N_("acceptance"), N_("succession"))

#: The ETL's own note forms; a %(part)s is any text unless PARTS says otherwise.
FORMS = (
    N_("%(cell)s: suppressed small value"),
    N_("%(cell)s: censored value"),
    N_("period %(cell)s"),
    N_("year flag %(cell)s"),
    N_("value flag %(cell)s"),
    N_("flagged by Delta 8.7: %(change)s; implausible, check with the publisher before use"),
    N_(
        "flagged by Delta 8.7: %(change)s; may reflect a change of survey design or definition, check the"
        " publisher's notes"
    ),
    N_("rose to %(ratio)s times the value of %(year)s (%(value)s)"),
    N_("rose to %(ratio)s times the value in the %(year)s report (%(value)s)"),
    N_("fell to %(fall)s of the value of %(year)s (%(value)s)"),
    N_("fell to %(fall)s of the value in the %(year)s report (%(value)s)"),
    N_(  # the flag as releases built before the forms above word it
        "flagged by Delta 8.7: %(ratio)s times the value of %(year)s (%(value)s); implausible, check with the"
        " publisher before use"
    ),
    N_("ILAB report year %(year)s: Yes (no date published)"),
    N_("ILAB report year %(year)s: No (no date published)"),
    N_("UN Treaty Collection: %(note)s"),
    N_("ratified or acceded in %(year)s (year only in the source)"),
    N_("signed, not ratified as of %(as_of)s"),
    N_("no action as of %(as_of)s"),
    N_("signed on %(date)s, not ratified as of %(as_of)s"),
    N_("no signature or ratification listed as of %(as_of)s"),
    N_("%(status)s on %(date)s"),
    N_("%(status)s in %(year)s"),
    N_("status from %(origin)s (as of: %(as_of)s)"),
    N_("US DOL ILAB report year %(year)s"),
    N_("%(status)s date from %(origin)s"),
    N_("HTI cell blank: not ratified by about 2013, or a gap in HTI; check NORMLEX before relying on it"),
    N_("older rows say: %(statuses)s"),
)
_STATUS = "|".join(sorted((re.escape(s) for s in STATUS_WORDS), key=len, reverse=True))
PARTS = {"year": r"\d{4}", "date": r"\d{4}-\d{2}-\d{2}", "ratio": r"[\d.]+", "value": r"[\d,]+(?:\.\d+)?",
         "status": _STATUS, "statuses": r"[a-z, ]+", "cell": r"[^;]+?", "origin": r"[^;]+?", "change": r"[^;]+",
         "fall": "|".join(progress_text.FALLS)}  # fmt: skip
#: The publishers' names as delta views show them (the registry's `publisher` before its first "(" or ";").
PUBLISHERS = (
    N_("International Labour Organization"),
    N_("United Nations Statistics Division"),
    N_("United Nations Office on Drugs and Crime"),
    N_("UNSD Global SDG Indicators Database and UNICEF Data Warehouse"),
    N_("ILO, UNICEF, Walk Free, IOM and UNODC"),
    N_("World Bank"),
    N_("Walk Free"),
    N_("Our World in Data"),
)
_STATUS_HEAD = re.compile(rf"(?P<status>{_STATUS})(?: (?P<date>\d{{4}}(?:-\d{{2}}-\d{{2}})?))?")


def _pattern(message: str) -> re.Pattern:
    pieces = re.split(r"%\((\w+)\)s", message)  # literal, part name, literal, …
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{PARTS.get(p, '.+?')})" for i, p in enumerate(pieces))
    )


_COMPILED = tuple((_pattern(message), message) for message in FORMS)


def _part(name: str, text: str) -> str | None:
    """One filled-in part in the page's language (dates, numbers, status words); None for an unknown phrase."""
    if name == "date":
        return i18n.day(text)
    if name in ("status", "statuses"):
        return ", ".join(_(s) if s in STATUS_WORDS else s for s in text.split(", "))
    if name in ("ratio", "value"):
        return i18n.decimal(float(text.replace(",", "")), len(text.partition(".")[2]))
    if name == "fall":
        return _(text)
    if name in ("note", "change"):
        return worded(text)
    if name == "as_of":
        return _phrases.localized(text) if _phrases.known(text) else None
    if name == "origin":
        return worded(text) or text  # a publication of ours, else a name or an address as the data give it
    return text


def worded(text: str) -> str | None:
    """One note part of a known form in the page's language; None for any other text (a publisher's words)."""
    head = _STATUS_HEAD.fullmatch(text)
    if head:
        status, date = _part("status", head["status"]), head["date"]
        if not date:
            return status
        if len(date) == 4:
            return _("%(status)s in %(year)s", status=status, year=date)
        return _("%(status)s on %(date)s", status=status, date=_part("date", date))
    for pattern, message in _COMPILED:
        match = pattern.fullmatch(text)
        parts = {name: _part(name, value) for name, value in match.groupdict().items()} if match else {}
        if match and None not in parts.values():
            return _(message, **parts)
    return None


def _split(note: str) -> list[str]:
    """The note's parts: split at "; " outside brackets (an "as of" in brackets may hold its own "; ")."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(note):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and note.startswith("; ", i):
            parts.append(note[start:i])
            start = i + 2
    return [*parts, note[start:]]


def _parts(note: str) -> list[tuple[str, str | None]]:
    """Each part of a note with its wording in the page's language (None: the publisher's own words)."""
    parts, found, i = _split(note), [], 0
    while i < len(parts):
        pair = worded("; ".join(parts[i : i + 2])) if i + 1 < len(parts) else None  # a form holding "; "
        found.append(("; ".join(parts[i : i + 2]), pair) if pair else (parts[i], worded(parts[i])))
        i += 2 if pair else 1
    return found


def footnote(note: str):
    """A value's note in the page's language: a string, or a Span when it holds the publisher's English words."""
    if not note or i18n.lang() == i18n.DEFAULT:
        return note
    shown = []
    for ours, group in itertools.groupby(_parts(note), key=lambda part: part[1] is not None):
        texts = list(group)
        shown += [w for _p, w in texts] if ours else [html.Span("; ".join(p for p, _w in texts), lang="en")]
    if all(isinstance(s, str) for s in shown):
        return _("; ").join(shown)
    joined = [x for s in shown for x in (_("; "), s)][1:]
    return html.Span([*joined, " ", html.Small(_("(in English, as published)"), className="text-body-secondary")])


def around(text: str, part) -> list:
    """A translated text with one "{}" in place of `part`, which may be a component (e.g. words marked English)."""
    before, _skip, after = text.partition("{}")
    return [before, part, after]


def publisher(name: str, marked: bool = True):
    """A publisher's name without its qualifiers, in the page's language (else as published, `marked` English)."""
    name = name.split(" (")[0].split(";")[0]
    if name in PUBLISHERS or i18n.lang() == i18n.DEFAULT:
        return _(name)
    return html.Span(name, lang="en") if marked else name
