"""Commitment statuses as the sources give them, with their "as of" date, source and freshness.

One rule for the country page, its header card and the printable brief: each instrument (the `commitments`
section of data/reference/indicators.yaml) shows the status with the latest "as of" year in the sources, its
date, "as of" and source. A status whose "as of" year is more than STALE_AFTER years before the current year is
marked possibly out of date, and a stale "not ratified" is never counted as a current "not ratified" (a country
may have ratified since: Nepal acceded to the Palermo Protocol in 2020, after the 2016 data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from flask_babel import gettext as _

from dashboards import _components as c
from dashboards import _data, _phrases
from dashboards._pillars import Country, section_codes
from dashboards._published import STATUS_WORDS
from web import i18n
from web.i18n import N_

STALE_AFTER = 5
#: Statuses that are not a ratification, accession, acceptance or succession.
NOT_PARTY = ("", "not ratified", "signed")
#: C182 became universally ratified on 4 August 2020, after the dates of the ratification data (about 2013).
C182_UNIVERSAL = N_("every ILO member State has ratified it since 4 August 2020")


@dataclass(frozen=True)
class Status:
    """One instrument's status for a country, as shown everywhere."""

    instrument: str
    label: str
    short: str
    status: str  # as the source gives it; "" when no source has the instrument
    date: str
    as_of: str
    as_of_year: int | None
    source: str
    stale: bool
    as_of_phrase: str = ""  # the "as of" in a sentence ("status as of 2016"), and the date's older source if any

    @property
    def known(self) -> bool:
        return bool(self.status)

    @property
    def ratified(self) -> bool:
        return self.status not in NOT_PARTY

    @property
    def word(self) -> str:
        """The status in the page's language ("ratified", "ratification", "ratificación"): French and Spanish
        word it as a noun, which agrees with a convention (feminine) and a protocol (masculine) alike."""
        return _(self.status) if self.status in STATUS_WORDS else self.status

    @property
    def text(self) -> str:
        """The status in words, with its "as of" and, where it applies, the freshness warning."""
        if not self.known:
            return _("no information in the sources")
        if "(" in self.as_of_phrase:  # its own brackets: no brackets around it
            text = self.word + _("; ") + self.as_of_phrase
        else:
            text = _("%(status)s (%(as_of)s)", status=self.word, as_of=self.as_of_phrase)
        if self.instrument == "C182" and self.status == "not ratified":
            text += _("; ") + _(C182_UNIVERSAL)
        if self.stale:
            text += _(
                "; possibly out of date: the data are more than %(stale_after)s years old", stale_after=STALE_AFTER
            )
        return text

    @property
    def short_text(self) -> str:
        """The status for the printed brief, with its date (its "as of" and source are in a note below)."""
        if not self.known:
            return _("no information")
        text = self.word
        if self.date and self.date != "–":  # a year, or a day as the page writes it
            if len(self.date) == 4:
                text = _("%(status)s in %(year)s", status=text, year=self.date)
            else:
                text = _("%(status)s on %(date)s", status=text, date=self.date)
        text += _(" (possibly out of date)") if self.stale else ""
        if self.instrument == "C182" and self.status == "not ratified":
            text += _("; universal since August 2020")
        return text


def label(name: str) -> str:
    """An instrument's name from its indicator name in the page's language ("Ratified the UN ..." → "UN ...",
    "A ratifié la convention ..." → "Convention ...", "Ha ratificado el Convenio ..." → "Convenio ...")."""
    text = re.sub(r"^(Ratified (the )?|A ratifié (la |le |l')?|Ha ratificado (el |la )?)", "", str(name))
    return text[:1].upper() + text[1:]


def statuses(country: Country, today: int | None = None) -> list[Status]:
    """Every instrument of the commitments section, in rank order, with the country's status."""
    today = today or date.today().year
    rows = _data.commitments(country.release, country.iso3)
    found = []
    for code in section_codes(country.indicators, section="commitments"):
        meta = country.indicator(code)
        instrument = str(meta.get("instrument") or code)
        match = rows[rows["instrument"] == instrument] if not rows.empty else rows
        names = (instrument, label(meta.get("name", code)), str(meta.get("short_name") or instrument))
        if match.empty:
            found.append(Status(*names, "", "–", "–", None, "–", False))
            continue
        first = _latest(match)
        year = None if pd.isna(first.get("as_of_year")) else int(first["as_of_year"])
        stale = year is None or today - year > STALE_AFTER
        source = c.source_short(country.sources, first)
        dated = _full_date(first, match)  # its status word (e.g. accession) and day, with the latest "as of"
        shown = first if dated is None else dated
        phrase = "" if dated is None else _("; date from %(source)s", source=c.source_short(country.sources, dated))
        other = None if dated is not None else _other_year(first, match)
        if other is not None:  # the sources disagree on when: both are said, neither chosen
            phrase = _("; %(source)s gives %(date)s", source=c.source_short(country.sources, other),
                       date=_phrases.localized(other["date"]))  # fmt: skip
        found.append(Status(*names, shown["status"], _phrases.localized(shown["date"]) or "–", _phrases.as_of_value(first["as_of"]), year, source,
                            stale, _phrases.as_of(first["as_of"]) + phrase))  # fmt: skip
    return found


def _latest(match: pd.DataFrame) -> pd.Series:
    """The row with the latest "as of" year (then a dated row, then the latest date)."""
    order = match.assign(
        _y=match["as_of_year"].fillna(0), _d=match["date"].fillna(""), _has=match["date"].fillna("") != ""
    )
    return order.sort_values(["_y", "_has", "_d"], ascending=False).iloc[0]


def _full_date(first: pd.Series, match: pd.DataFrame) -> pd.Series | None:
    """An older row giving the full day of the latest row's year-only date (or of a signature it leaves undated), with
    the same status: a ratification, accession or succession being one (a year-only source does not tell them
    apart). None where the sources disagree on the status or the year: the latest source is then shown alone."""
    date, status = str(first["date"] or ""), first["status"]
    if not (len(date) == 4 or (not date and status == "signed")):
        return None
    same = ~match["status"].isin(NOT_PARTY) if status not in NOT_PARTY else match["status"] == status
    return _older_day(first, match, same & match["date"].fillna("").str.startswith(date))


def _other_year(first: pd.Series, match: pd.DataFrame) -> pd.Series | None:
    """An older row of a party whose full date falls in another year than the latest row's year-only date."""
    date = str(first["date"] or "")
    if len(date) != 4 or first["status"] in NOT_PARTY:
        return None
    return _older_day(first, match, ~match["status"].isin(NOT_PARTY) & ~match["date"].fillna("").str.startswith(date))


def _older_day(first: pd.Series, match: pd.DataFrame, keep: pd.Series) -> pd.Series | None:
    """The newest of the rows `keep` marks that are older than `first` (by "as of" year) and give a full day."""
    older = match["as_of_year"].fillna(0) < (first["as_of_year"] if pd.notna(first["as_of_year"]) else 0)
    found = match[keep & older & match["date"].fillna("").str.fullmatch(r"\d{4}-\d\d-\d\d")]
    return found.sort_values("as_of_year").iloc[-1] if len(found) else None


def summary(found: list[Status]) -> tuple[str, list[str]]:
    """The header card: ratifications counted, current "not ratified" counted apart from stale ones."""
    ratified = sum(s.ratified for s in found)
    current_no = sum(s.known and not s.ratified and not s.stale for s in found)
    stale_no = sum(s.known and not s.ratified and s.stale for s in found)
    years = sorted({s.as_of_year for s in found if s.as_of_year})
    details = [
        _dated(len(found), years),
        i18n.ngettext('%(current_no)s not ratified in current data', '%(current_no)s not ratified in current data', current_no, current_no=current_no)
        + (i18n.ngettext('; %(stale_no)s “not ratified” older than %(stale_after)s years, possibly out of date', '; %(stale_no)s “not ratified” older than %(stale_after)s years, possibly out of date', stale_no, stale_no=stale_no, stale_after=STALE_AFTER) if stale_no else ""),
        _('%(sum)s with no information', sum=sum(not s.known for s in found)),
    ]  # fmt: skip
    return i18n.ngettext("%(ratified)s ratified", "%(ratified)s ratified", ratified, ratified=ratified), details


def _dated(count: int, years: list[int]) -> str:
    """How many instruments, and the years the sources' data refer to ("dated 2013 to 2020")."""
    if not years:
        return _("of %(count)s instruments, by the sources' data (dates unknown)", count=count)
    if len(years) == 1:
        return _("of %(count)s instruments, by the sources' data as of %(year)s", count=count, year=years[0])
    return _(
        "of %(count)s instruments, by the sources' data dated %(first)s to %(last)s",
        count=count,
        first=years[0],
        last=years[-1],
    )
