"""Progress reasons in the reader's language, worded at render time from the progress row's fields.

The release stores each reason in English (`progress.reason`, what downloads and the API give); English pages
show that text, other languages re-word it with the same sentences (warehouse/progress_text.py) through the
catalogue and the locale's numbers ("21,7 %", "1,8 million").
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from babel import numbers
from flask_babel import gettext

from dashboards import _components as c
from dashboards import _data
from warehouse import Release
from warehouse import progress_text as words
from web import i18n


def phrasing() -> words.Phrasing:
    """The wording of the page's language: English as the ETL writes it, else the catalogue and CLDR numbers."""
    if i18n.lang() == i18n.DEFAULT:
        return words.ENGLISH
    return words.Phrasing(
        gettext=gettext,
        ngettext=i18n.ngettext,
        number=i18n.decimal,
        percent=i18n.percent,
        significant=lambda value, digits: numbers.format_decimal(
            words.to_significant(value, digits), format="@" * digits, locale=i18n.locale()
        ),
        millions=lambda value: numbers.format_compact_decimal(  # rounded first: Babel rounds a half to even
            float(words.rounded(value, -8 if abs(value) >= 1e9 else -5)),
            format_type="long",
            fraction_digits=1,
            locale=i18n.locale(),
        ),
    )


def assessed_in(release: Release) -> int:
    """The year the release's progress was assessed in (the ETL assesses in the year it publishes)."""
    created = str(release.created or "")
    return int(created[:4]) if created[:4].isdigit() else date.today().year


def goal(release: Release, row: dict) -> words.Goal:
    """A row's target as the wording needs it: value and year from the row, unit, nature and decimals from indicators."""
    meta = _data.indicator_meta(release, row["indicator"]) or {}
    unit = meta.get("unit") if isinstance(meta.get("unit"), str) else ""
    value, year = row.get("target_value"), row.get("target_year")
    return words.Goal(
        None if value is None else float(value),
        None if year is None else int(year),
        unit,
        meta.get("nature") == "detected",
        decimals=c.digits(meta.get("decimals")),
    )


def plain(row) -> dict:
    """A progress row (dict or Series) with missing values as None, as the wording functions expect."""
    items = row.items() if isinstance(row, dict) else row.to_dict().items()
    return {key: None if not isinstance(value, str) and pd.isna(value) else value for key, value in items}


def reworded(release: Release, row) -> str:
    """A progress row's reason worded in the page's language from its fields (English: the stored sentence)."""
    row = plain(row)
    return words.reason(row, goal(release, row), assessed_in(release), phrasing())


def reason(release: Release, row) -> str:
    """The reason a page shows: the stored English text on English pages, else worded in the page's language."""
    if i18n.lang() == i18n.DEFAULT and isinstance(row.get("reason"), str):
        return row["reason"]
    return reworded(release, row)
