"""Commitments: ratification status of the SDG 8.7 instruments per country (registry `handler`s), and 1/0 flags."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl import checks, statement
from etl.countries import Resolver
from etl.problems import Problem, whole_number
from etl.registry import Dataset, Source
from warehouse.schema import COMMITMENTS, OBSERVATIONS

RATIFIED = ("ratified", "accession", "acceptance", "succession")
STATUSES = (*RATIFIED, "signed", "not ratified")
#: UN Treaty Collection markers after a date: "(a)" accession, "(A)" acceptance, "(d)" succession.
_UN_MARKERS = {"a": "accession", "A": "acceptance", "d": "succession"}
AGE_MESSAGE = "a minimum age is a whole number in digits 0-9 (or empty): correct the cell"
FIX_DUPLICATE = (
    "the commitments file gives this country's status for the instrument twice (a repeated row, or two names that "
    "resolve to one country; country_aliases.csv says which): keep one row per country and instrument"
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def as_of_year(as_of: str, date: str = "") -> int | None:
    """The year a status refers to: the latest year named in `as_of`, else the year of the date."""
    years = [int(y) for y in _YEAR.findall(str(as_of or ""))] or [int(y) for y in _YEAR.findall(str(date or ""))]
    return max(years) if years else None


def un_date(text: str) -> tuple[str, str]:
    """'19 Sep 2002 (a)' → ('2002-09-19', 'accession'); '30 Apr 2001' → ('2001-04-30', 'ratified')."""
    text = str(text or "").strip()
    match = re.fullmatch(r"(\d{1,2} [A-Za-z]{3} \d{4})\s*(?:\(([aAd])\))?", text)
    if not match:
        raise ValueError(f"not a UN Treaty Collection date: {text!r}")
    date = datetime.strptime(match.group(1), "%d %b %Y").strftime("%Y-%m-%d")
    return date, _UN_MARKERS.get(match.group(2) or "", "ratified")


def _row(iso3: str, instrument: str, status: str, date: str, as_of: str, source: str, note: str, age=None) -> dict:
    return {"iso3": iso3, "instrument": instrument, "status": status, "ratified": status in RATIFIED,
            "date": date or "", "as_of": as_of, "minimum_age": age, "source": source, "note": note}  # fmt: skip


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COMMITMENTS.names)
    frame["minimum_age"] = frame["minimum_age"].astype("Int32")
    return frame.sort_values(["iso3", "instrument"], ignore_index=True)


def _country(resolver: Resolver, name: str, where: tuple, problems: list[Problem]) -> str | None:
    """ISO3 of a country name or code; an unknown name (not dropped on purpose in the alias file) is a problem."""
    iso3 = resolver.iso3(name)
    if iso3 is None and not resolver.is_dropped(str(name).strip()):
        problems.append(resolver.unknown("countries", name, *where))
    return iso3


def _handler(read):
    """A handler on the file's records (numbered from row 2); missing columns or an unreadable file: a problem."""

    @functools.wraps(read)
    def handler(path: Path, dataset: Dataset, source: Source, resolver: Resolver, label: str):
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            return read(raw, dataset, source, resolver, label)
        except KeyError as exc:
            message = f"expected column {exc.args[0]!r} is missing: the header must name it (handler {dataset.handler})"
            return _frame([]), [Problem("commitments", message, label, row=1, column=str(exc.args[0]))]
        except UnicodeDecodeError:
            return _frame([]), checks.check_encoding(path.read_bytes(), "utf-8", label, declarable=False)
        except pd.errors.EmptyDataError:
            return _frame([]), [Problem("file", "the file is empty: restore the snapshot the registry names", label)]
        except (ValueError, OSError) as exc:
            return _frame([]), [Problem("commitments", f"cannot read the file: {exc}; correct or restore it", label)]

    return handler


@_handler
def ratifications(raw: pd.DataFrame, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """ratifications/ratifications.csv: one row per country × instrument, from its rows' latest status (`_prefer`)."""
    as_of_text = dataset.options.as_of_text  # rewrites of vague as_of texts, documented in YAML
    labels = dataset.options.source_labels  # short names of the compiled sources, by prefix
    problems, groups = [], {}
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        iso3 = rec["iso3"].strip() or _country(resolver, rec["country_name"], (label, number, "country_name"), problems)
        status = rec["status"].strip()
        if not iso3:
            continue
        if status not in STATUSES:
            message = f"unknown status; expected one of {', '.join(STATUSES)}"
            problems.append(Problem("commitments", message, label, row=number, column="status", value=status))
            continue
        as_of = as_of_text.get(rec["as_of"], rec["as_of"])
        url = rec["source_url_or_repo"]
        origin = next((v for k, v in labels.items() if url.startswith(k)), url)
        if not _is_date(rec["date"].strip()):
            message = "not a date: expected YYYY-MM-DD (e.g. 1963-05-16) or an empty cell: correct the cell"
            problems.append(Problem("commitments", message, label, row=number, column="date", value=rec["date"]))
            continue
        where = Problem("commitments", AGE_MESSAGE, label, row=number, column="minimum_age_specified")
        age = whole_number(rec["minimum_age_specified"], where, problems)
        candidate = (iso3, rec["instrument"], status, rec["date"].strip(), as_of, origin, age)
        groups.setdefault((iso3, rec["instrument"]), []).append(candidate)
    return _frame([_prefer(group, source.id) for group in groups.values()]), problems


def _is_date(text: str) -> bool:
    """An empty cell, or a calendar date written YYYY-MM-DD."""
    if not text:
        return True
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return len(text) == 10  # strptime also takes 1963-5-16


def _prefer(group: list[tuple], source_id: str) -> dict:
    """The status of the latest as-of year, then date; an undated ratification (ILAB Yes) takes an earlier date."""
    rank = {s: i for i, s in enumerate(reversed(STATUSES))}  # ratified > ... > signed > not ratified
    ordered = sorted(group, key=lambda c: (as_of_year(c[4], c[3]) or 0, c[3], rank[c[2]]))
    iso3, instrument, status, date, as_of, origin, age = ordered[-1]
    notes = [f"status from {origin} (as of: {as_of})"]
    # An undated Yes (ILAB) confirms a dated ratification, which says how and when (e.g. accession). An undated No
    # stays "not ratified" as of its own date: an older signature is named in the note, with its source.
    earlier = [c for c in ordered[:-1] if c[3] and c[2] in (RATIFIED if status in RATIFIED else ("signed",))]
    if not date and earlier and status in RATIFIED:
        status, date = earlier[-1][2], earlier[-1][3]
        notes.append(f"{status} date from {earlier[-1][5]}")
    elif not date and earlier and status == "not ratified":
        notes += [f"signed {earlier[-1][3]}", f"signed date from {earlier[-1][5]}"]
    if status == "not ratified" and origin.startswith("HTI"):
        notes.append("HTI cell blank: not ratified by about 2013, or a gap in HTI; check NORMLEX before relying on it")
    others = {c[2] for c in group} - {status} - set(RATIFIED if status in RATIFIED else ()) - {"signed"}
    if others:
        notes.append(f"older rows say: {', '.join(sorted(others))}")
    age = age or next((c[6] for c in ordered if c[6]), None)
    return _row(iso3, instrument, status, date, as_of, source_id, "; ".join(notes), age)


@_handler
def treaty_collection(raw: pd.DataFrame, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """UN Treaty Collection status export (CSV): signature and ratification/accession/succession dates."""
    instrument, as_of = dataset.options.instrument or "CRC_OPSC", dataset.options.as_of or ""
    name_col, sign_col, rat_col = "COUNTRY", "Signature Date", "Ratification Date, Accession(a), Succession(d) Date"
    rows, problems = [], []
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        if not rec["Treaty Name"].strip():  # footer cells of the HTML export ("Command item", "|")
            continue
        iso3 = _country(resolver, rec[name_col], (label, number, name_col), problems)
        if iso3 is None:
            continue
        try:
            if rec[rat_col].strip():
                date, status = un_date(rec[rat_col])
                signed = f"; signed {un_date(rec[sign_col])[0]}" if rec[sign_col].strip() else ""
                note = f"{status} on {date}{signed}"
            elif rec[sign_col].strip():
                (date, _), status = un_date(rec[sign_col]), "signed"
                note = f"signed on {date}, not ratified as of {as_of}"
            else:
                date, status, note = "", "not ratified", f"no signature or ratification listed as of {as_of}"
        except ValueError as exc:
            problems.append(Problem("commitments", str(exc), label, row=number, column=rat_col, value=rec[rat_col]))
            continue
        rows.append(_row(iso3, instrument, status, date, as_of, source.id, f"UN Treaty Collection: {note}"))
    return _frame(rows), problems


@_handler
def ilab_conventions(raw: pd.DataFrame, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """US DOL ILAB Conventions.csv: Yes/No per instrument and report year (no dates); latest year kept."""
    raw = raw.sort_values("year", kind="stable").drop_duplicates("country", keep="last")  # latest report year
    rows, problems = [], []
    for number, rec in zip(raw.index + 2, raw.to_dict("records"), strict=True):
        iso3 = _country(resolver, rec["country"], (label, int(number), "country"), problems)
        if iso3 is None:
            continue
        for column, instrument in dataset.options.instruments.items():
            answer = rec[column].strip()
            if answer in ("N/A", ""):  # not applicable (e.g. not an ILO member: Bhutan, Kosovo) or not reported
                continue
            if answer not in ("Yes", "No"):
                message = "expected Yes, No or N/A"
                problems.append(Problem("commitments", message, label, row=int(number), column=column, value=answer))
                continue
            status = "ratified" if answer == "Yes" else "not ratified"
            note = f"ILAB report year {rec['year']}: {answer} (no date published)"
            rows.append(_row(iso3, instrument, status, "", rec["year"], source.id, note))
    return _frame(rows), problems


@_handler
def treaty_status_years(raw: pd.DataFrame, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """One row per UN member State: state party and signatory (1/0), the year of ratification (no day or month)."""
    instrument, as_of = dataset.options.instrument, str(dataset.options.as_of or "")
    rows, problems = [], []
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        iso3 = resolver.iso3(rec["iso2"]) or _country(resolver, rec["member"], (label, number, "member"), problems)
        if iso3 is None:
            continue
        year = rec["year ratification or accession"].strip()
        if rec["state party"].strip() == "1" and re.fullmatch(r"\d{4}", year):
            status, date, note = "ratified", year, f"ratified or acceded in {year} (year only in the source)"
        elif rec["signatory"].strip() == "1":
            status, date, note = "signed", "", f"signed, not ratified as of {as_of}"
        else:
            status, date, note = "not ratified", "", f"no action as of {as_of}"
        rows.append(_row(iso3, instrument, status, date, as_of, source.id, f"UN Treaty Collection: {note}"))
    return _frame(rows), problems


def commitment_observations(commitments: pd.DataFrame, files: dict, flags: dict[str, str]) -> pd.DataFrame:
    """1/0 observations in the as-of year; `files`: (source, instrument or "") → file; `flags`: instrument → code."""
    if commitments is None or commitments.empty:
        return pd.DataFrame(columns=OBSERVATIONS.names)
    frame = commitments[commitments["instrument"].isin(list(flags))]
    keys = zip(frame["source"], frame["instrument"], strict=True)
    obs = pd.DataFrame(
        {
            "indicator": frame["instrument"].map(flags),
            "iso3": frame["iso3"],
            "year": frame["as_of_year"].astype("Int32"),
            "value": frame["ratified"].astype(float),
            "source": frame["source"],
            "edition": frame["as_of"],
            "source_file": [files.get(key, files.get((key[0], ""), "")) for key in keys],
            "note": [_flag_note(*row) for row in zip(frame["status"], frame["date"], frame["note"], strict=True)],
        }
    ).assign(sex="total", age=None, lower=None, upper=None, unit="flag", nature="reported", censored=False)
    return statement.with_defaults(obs.dropna(subset=["year"]).reset_index(drop=True))[OBSERVATIONS.names]


def _flag_note(status: str, date: str, note: str) -> str:
    head = f"{status} {date}".strip() if date else status
    return f"{head}; {note}" if note else head
