"""The words the data use for sexes, age bands and the nature of a figure, and those of Dash's dropdowns, shown in
the page's language."""

from __future__ import annotations

import re

from dash import dcc
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
    # the publishers' qualifiers of a value ("nearly 138 million")
    N_("nearly"),
    N_("almost"),
    N_("about"),
    N_("around"),
    N_("more than"),
    N_("just over"),
)
#: A sex in words for a band wholly under 18 (girls, boys) and for one wholly 18 or over (women, men).
CHILD_WORDS = {"female": N_("girls"), "male": N_("boys")}
ADULT_WORDS = {"female": N_("women"), "male": N_("men")}
#: The words of a dropdown (Dash writes them in English: "2 selected", "Select all", "No options found", ...).
DROPDOWN_WORDS = {
    "select_all": N_("Select all"),
    "deselect_all": N_("Deselect all"),
    "selected_count": N_("{num_selected} selected"),
    "search": N_("Search"),
    "clear_search": N_("Clear search"),
    "clear_selection": N_("Clear selection"),
    "no_options_found": N_("No options found"),
}


def dropdown(**props) -> dcc.Dropdown:
    """A dcc.Dropdown whose own words are in the page's language (every page builds its dropdowns here)."""
    return dcc.Dropdown(labels={key: _(text) for key, text in DROPDOWN_WORDS.items()}, **props)


def word(value) -> str:
    """A data word (sex, age band, nature) in the page's language; other values unchanged."""
    return _(value) if isinstance(value, str) and value in DATA_WORDS else value


def band(age) -> str:
    """An age band as a label: "ages 5–17", "under 18", "all ages" (the data write '5-17', 'under 18', ...)."""
    text = str(age or "")
    if text[:1].isdigit():
        return _("ages %(replace)s", replace=text.replace("-", "–"))
    return age_word(text)


def age_word(age) -> str:
    """An age band as the data write it ('5-17', 'under 5', '6-59 months'), in the page's language."""
    if match := re.fullmatch(r"under (\d+)|(\d+-\d+) months", str(age or "")):
        return _("under %(age)s", age=match[1]) if match[1] else _("%(span)s months", span=match[2])
    return word(age)


def sex_word(sex, age) -> str:
    """A sex in words for an age band: girls/boys wholly under 18, women/men wholly 18 or over, else female/male."""
    first, last = _bounds(str(age or ""))
    if sex in CHILD_WORDS and last is not None and last < 18:
        return _(CHILD_WORDS[sex])
    if sex in ADULT_WORDS and first is not None and first >= 18:
        return _(ADULT_WORDS[sex])
    return word(sex)


def sex_word_of(sex, ages) -> str:
    """A sex in words for several age bands: the word they share (girls when all are child bands), else female."""
    said = {sex_word(sex, age) for age in ages}
    return said.pop() if len(said) == 1 else word(sex)


def _bounds(age: str) -> tuple[int | None, int | None]:
    """First and last year of a band as the data write it ('5-17', 'under 18', '18+'); None when open or unknown."""
    if match := re.fullmatch(r"(\d+)-(\d+)", age):
        return int(match.group(1)), int(match.group(2))
    if match := re.fullmatch(r"under (\d+)", age):
        return 0, int(match.group(1)) - 1
    if match := re.fullmatch(r"(\d+)\+", age):
        return int(match.group(1)), None
    return None, None
