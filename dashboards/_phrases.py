"""Phrases the release carries (the commitments' "as of", the pathfinder status, how a progress pace was found), in
the reader's language.

The release keeps them in English, as the sources, data/reference/pathfinders.yaml and etl/progress.py word them
(downloads and the API give that text). A page recognises each known form, takes its parts (dates, years, counts) and words it
through the catalogue, dates in the locale's form ("17 octobre 2013"); a text of another form is shown as written.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from web import i18n
from web.i18n import N_

#: The known forms, as the release words them; each %(part)s stands for digits, or a date or a file where named so.
MESSAGES = (
    N_("not stated; latest date in file %(date)s"),
    N_("not stated; latest visible date %(date)s"),
    N_("ILAB report year %(year)s (status Yes/No, no date)"),
    N_("page dates %(first)s-%(last)s (see %(file)s)"),
    N_("not stated (page says signed by %(signed)s, ratified by %(ratified)s)"),
    N_("not stated"),
    N_("%(date)s (compiled; status of mid %(year)s)"),
    N_("requested support (%(year)s)"),
    # a value's `period` (data/registry period_text, etl/statement.py)
    N_("most recent survey in %(first)s-%(last)s (survey year not published)"),
    N_("outside %(first)s-%(last)s (survey year not published)"),
    N_("ILAB report %(year)s; survey year not published"),
    # etl/progress.py and etl/pace.py: a progress row's `method` and `band_method`
    N_("compound annual rate, least-squares fit on log values (%(n)s points)"),
    N_("compound annual rate, two-point on log values (%(n)s points)"),
    N_(
        "absolute annual change, least-squares fit (%(n)s points): the series contains a zero, so it has no compound "
        "rate"
    ),
    N_("absolute annual change, two-point (%(n)s points): the series contains a zero, so it has no compound rate"),
    N_("absolute annual change, least-squares fit (%(n)s points): no compound rate reaches a zero target"),
    N_("absolute annual change, two-point (%(n)s points): no compound rate reaches a zero target"),
    N_("fit: slope ± t(0.975, %(df)s df) × standard error"),
    N_("extreme paces between the reported intervals"),
    N_("reported interval of the latest value + fit: slope ± t(0.975, %(df)s df) × standard error"),
    N_("reported interval of the latest value + extreme paces between the reported intervals"),
    N_("not estimable: two points without reported intervals at both ends"),
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PARTS = {"date": _DAY.pattern, "file": r"[\w./-]+"}
_DIGITS = r"\d+"
DAY = "%-d %B %Y"  # an English day as the pages write it ("3 January 2002")


def _pattern(message: str) -> re.Pattern:
    pieces = re.split(r"%\((\w+)\)s", message)  # literal, part name, literal, …
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_PARTS.get(p, _DIGITS)})" for i, p in enumerate(pieces))
    )


_COMPILED = tuple((_pattern(message), message) for message in MESSAGES)


def known(text: str) -> bool:
    """Whether a text has one of the known forms (or is empty, or a year)."""
    value = str(text or "").strip()
    return not value or value.isdigit() or bool(_DAY.fullmatch(value)) or any(p.fullmatch(value) for p, _m in _COMPILED)


def localized(text):
    """A phrase of the data in the page's language, its days written as the pages write them ("3 January 2002",
    "3 janvier 2002"); texts of other forms unchanged."""
    if not isinstance(text, str):
        return text
    value = text.strip()
    if _DAY.fullmatch(value):
        return i18n.day(value, english=DAY)
    for pattern, message in _COMPILED:
        match = pattern.fullmatch(value)
        if match:
            parts = match.groupdict()
            if "date" in parts:
                parts["date"] = i18n.day(parts["date"], english=DAY)
            return _(message, **parts)
    return text


def as_of(text) -> str:
    """A commitment's "as of" as a phrase ("status as of 2016", "situation en 2016"): a year, a day or a note."""
    value = str(text or "").strip()
    if value.isdigit():
        return _("status as of %(year)s", year=value)
    if _DAY.fullmatch(value):
        return _("status as of %(date)s", date=i18n.day(value, english=DAY))
    if value in ("", "not stated"):
        return _("status date not stated")
    if value.startswith("not stated"):
        return _("status date: %(as_of)s", as_of=localized(value))
    return _("status as of: %(as_of)s", as_of=localized(value))


def as_of_value(text) -> str:
    """A commitment's "as of" where a heading names it (a column "As of"): the date as the release words it."""
    value = str(text or "").strip()
    return _("date not stated") if value in ("", "not stated") else localized(value)


def labelled(label: str, text: str) -> str:
    """ "label: text" with the reader's punctuation (French puts a no-break space before the colon)."""
    return _("%(label)s: %(text)s", label=label, text=text)


def first_survey(text) -> str:
    """The survey a publisher names, without the compiler's remarks after the first comma outside brackets
    ("MICS 2014, UNICEF and ILO calculations" -> "MICS 2014"; a comma inside the survey's own brackets stays)."""
    return re.split(r",(?![^()]*\))", text)[0].strip() if isinstance(text, str) else ""
