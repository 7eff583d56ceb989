"""Phrases the release carries from the sources (the commitments' "as of", the pathfinder status), in the reader's
language.

The release keeps them in English, as the sources and data/reference/pathfinders.yaml word them (downloads and the
API give that text). A page recognises each known form, takes its parts (dates, years, counts) and words it
through the catalogue, dates in the locale's form ("17 octobre 2013"); a text of another form is shown as written.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from web import i18n
from web.i18n import N_

_DAY = r"(?P<date>\d{4}-\d{2}-\d{2})"
#: (pattern of the whole English text, its catalogue message; None: the date alone).
PHRASES = (
    (rf"not stated; latest date in file {_DAY}", N_("not stated; latest date in file %(date)s")),
    (rf"not stated; latest visible date {_DAY}", N_("not stated; latest visible date %(date)s")),
    (r"ILAB report year (?P<year>\d{4}) \(status Yes/No, no date\)",
     N_("ILAB report year %(year)s (status Yes/No, no date)")),
    (r"page dates (?P<first>\d{4})-(?P<last>\d{4}) \(see (?P<file>[\w./-]+)\)",
     N_("page dates %(first)s-%(last)s (see %(file)s)")),
    (r"not stated \(page says signed by (?P<signed>\d+), ratified by (?P<ratified>\d+)\)",
     N_("not stated (page says signed by %(signed)s, ratified by %(ratified)s)")),
    (r"not stated", N_("not stated")),
    (rf"{_DAY} \(compiled; status of mid (?P<year>\d{{4}})\)", N_("%(date)s (compiled; status of mid %(year)s)")),
    (_DAY, None),
    (r"requested support \((?P<year>\d{4})\)", N_("requested support (%(year)s)")),
)  # fmt: skip
_COMPILED = tuple((re.compile(pattern), message) for pattern, message in PHRASES)


def known(text: str) -> bool:
    """Whether a text has one of the known forms (or is empty, or a year)."""
    value = str(text or "").strip()
    return not value or value.isdigit() or any(pattern.fullmatch(value) for pattern, _m in _COMPILED)


def localized(text):
    """A phrase of the data in the page's language (English, and texts of other forms, unchanged)."""
    if not isinstance(text, str) or i18n.lang() == i18n.DEFAULT:
        return text
    for pattern, message in _COMPILED:
        match = pattern.fullmatch(text.strip())
        if match:
            parts = match.groupdict()
            if "date" in parts:
                parts["date"] = i18n.day(parts["date"])
            return _(message, **parts) if message else parts["date"]
    return text
