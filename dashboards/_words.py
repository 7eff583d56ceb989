"""The words the data use for sexes, age bands and the nature of a figure, shown in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _

from web.i18n import N_

#: Words the data use for sexes, age bands and the nature of a figure, marked for the catalogue (shown through
#: `word`; the data keep the English codes).
DATA_WORDS = (
    N_("total"),
    N_("female"),
    N_("male"),
    N_("both sexes"),
    N_("all ages"),
    N_("not stated"),
    N_("measured"),
    N_("estimated"),
    N_("modelled"),
    N_("detected"),
    N_("reported"),
)


def word(value) -> str:
    """A data word (sex, age band, nature) in the page's language; other values unchanged."""
    return _(value) if isinstance(value, str) and value in DATA_WORDS else value
