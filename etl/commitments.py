"""Commitments: ratification status of the SDG 8.7 instruments, per country, with dates and "as of".

Handlers (named in a registry dataset's `handler:` with `format: commitments`) read one publisher file each
into rows of the `commitments` table (warehouse.schema.COMMITMENTS); `commitment_observations` turns those
rows into flag observations (`ratified_<instrument>`, 1 = ratified, 0 = not) so that commitments can be
filtered and downloaded like any indicator.

Handler signature (called by etl/build.py): `handler(path, dataset, source, resolver, label)` →
`(commitments frame, problems)`. `resolver` turns a country name or code into ISO3 (etl.countries.Resolver).
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl import statement
from etl.countries import Resolver
from etl.problems import Problem
from etl.registry import Dataset, Source
from warehouse.schema import COMMITMENTS, OBSERVATIONS

RATIFIED = ("ratified", "accession", "acceptance", "succession")
STATUSES = (*RATIFIED, "signed", "not ratified")
#: UN Treaty Collection markers after a date: "(a)" accession, "(A)" acceptance, "(d)" succession.
_UN_MARKERS = {"a": "accession", "A": "acceptance", "d": "succession"}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


# ------------------------------------------------------------------------------------------------ helpers


def resolve_name(resolver: Resolver, name: str) -> str | None:
    """ISO3 for a country name or code through the resolver (None: unknown or deliberately dropped)."""
    text = str(name or "").strip()
    return resolver.iso3(text) if text else None


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
    return {
        "iso3": iso3,
        "instrument": instrument,
        "status": status,
        "ratified": status in RATIFIED,
        "date": date or "",
        "as_of": as_of,
        "minimum_age": age,
        "source": source,
        "note": note,
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COMMITMENTS.names)
    frame["minimum_age"] = frame["minimum_age"].astype("Int32")
    return frame.sort_values(["iso3", "instrument"], ignore_index=True)


def _unknown(label: str, row: int, column: str, value: str) -> Problem:
    return Problem(
        "countries",
        "country not recognised: add it to data/reference/country_aliases.csv (or with an empty iso3 and a "
        "note to drop it on purpose)",
        label,
        row=row,
        column=column,
        value=value,
    )


# ----------------------------------------------------------------------------------------------- handlers


def _guarded(handler):
    """A file without the expected columns is a problem naming the file and column, not a traceback."""

    @functools.wraps(handler)
    def wrapper(path: Path, dataset: Dataset, source: Source, resolver: Resolver, label: str):
        try:
            return handler(path, dataset, source, resolver, label)
        except KeyError as exc:
            message = f"expected column {exc.args[0]!r} is missing"
            return _frame([]), [Problem("commitments", message, label, row=1, column=str(exc.args[0]))]
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            return _frame([]), [Problem("commitments", f"cannot read the file: {exc}", label)]

    return wrapper


@_guarded
def ratifications(path: Path, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """ratifications/ratifications.csv: one row per country × instrument, preferring the latest status.

    The file holds several rows per country and instrument (one per source or status). The status comes
    from the row with the latest as-of year, then the latest date; a ratification without a date (ILAB
    Yes/No) takes the date of an earlier dated ratification row of the same instrument.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    as_of_text = dataset.options.as_of_text  # rewrites of vague as_of texts, documented in YAML
    labels = dataset.options.source_labels  # short names of the compiled sources, by prefix
    problems, candidates = [], []
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        iso3 = rec["iso3"].strip() or resolve_name(resolver, rec["country_name"])
        if not iso3:
            problems.append(_unknown(label, number, "country_name", rec["country_name"]))
            continue
        status = rec["status"].strip()
        if status not in STATUSES:
            problems.append(
                Problem(
                    "commitments",
                    f"unknown status; expected one of {', '.join(STATUSES)}",
                    label,
                    row=number,
                    column="status",
                    value=status,
                )
            )
            continue
        as_of = as_of_text.get(rec["as_of"], rec["as_of"])
        origin = next(
            (v for k, v in labels.items() if rec["source_url_or_repo"].startswith(k)), rec["source_url_or_repo"]
        )
        age = int(rec["minimum_age_specified"]) if rec["minimum_age_specified"].strip().isdigit() else None
        candidates.append((iso3, rec["instrument"], status, rec["date"].strip(), as_of, origin, age))
    rows = [_prefer(group, source.id) for _, group in _group(candidates).items()]
    return _frame(rows), problems


def _group(candidates: list[tuple]) -> dict[tuple[str, str], list[tuple]]:
    groups: dict[tuple[str, str], list[tuple]] = {}
    for cand in candidates:
        groups.setdefault((cand[0], cand[1]), []).append(cand)
    return groups


def _prefer(group: list[tuple], source_id: str) -> dict:
    """The current status of one country × instrument among its candidate rows (see `ratifications`)."""
    rank = {s: i for i, s in enumerate(reversed(STATUSES))}  # ratified > ... > signed > not ratified
    ordered = sorted(group, key=lambda c: (as_of_year(c[4], c[3]) or 0, c[3], rank[c[2]]))
    iso3, instrument, status, date, as_of, origin, age = ordered[-1]
    notes = [f"status from {origin} (as of: {as_of})"]
    # An undated Yes/No (ILAB) confirms a dated row; the dated row says how and when (e.g. accession).
    earlier = [c for c in ordered[:-1] if c[3] and (c[2] in RATIFIED if status in RATIFIED else c[2] == "signed")]
    if not date and earlier and status in (*RATIFIED, "not ratified"):
        status, date = earlier[-1][2], earlier[-1][3]
        notes.append(f"{status} date from {earlier[-1][5]}")
    if status == "not ratified" and origin.startswith("HTI"):
        notes.append("HTI cell blank: not ratified by about 2013, or a gap in HTI; check NORMLEX before relying on it")
    others = {c[2] for c in group} - {status} - set(RATIFIED if status in RATIFIED else ()) - {"signed"}
    if others:
        notes.append(f"older rows say: {', '.join(sorted(others))}")
    age = age or next((c[6] for c in ordered if c[6]), None)
    return _row(iso3, instrument, status, date, as_of, source_id, "; ".join(notes), age)


@_guarded
def treaty_collection(path: Path, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """UN Treaty Collection status export (CSV): signature and ratification/accession/succession dates."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    opts = dataset.options
    instrument, as_of = opts.instrument or "CRC_OPSC", opts.as_of or ""
    name_col, sign_col = opts.country_column, opts.signature_column
    rat_col, treaty_col = opts.ratification_column, opts.treaty_column
    rows, problems = [], []
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        if not rec[treaty_col].strip():  # footer cells of the HTML export ("Command item", "|")
            continue
        iso3 = resolve_name(resolver, rec[name_col])
        if iso3 is None:
            if not _deliberately_dropped(resolver, rec[name_col]):
                problems.append(_unknown(label, number, name_col, rec[name_col]))
            continue
        try:
            if rec[rat_col].strip():
                date, status = un_date(rec[rat_col])
                note = f"{status} on {date}" + (
                    f"; signed {un_date(rec[sign_col])[0]}" if rec[sign_col].strip() else ""
                )
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


@_guarded
def ilab_conventions(path: Path, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """US DOL ILAB Conventions.csv: Yes/No per instrument and report year (no dates); latest year kept."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    columns: dict[str, str] = dataset.options.instruments
    raw = raw.sort_values("year", kind="stable").drop_duplicates("country", keep="last")  # latest report year
    rows, problems = [], []
    for number, rec in zip(raw.index + 2, raw.to_dict("records"), strict=True):
        year = rec["year"]
        iso3 = resolve_name(resolver, rec["country"])
        if iso3 is None:
            if not _deliberately_dropped(resolver, rec["country"]):
                problems.append(_unknown(label, int(number), "country", rec["country"]))
            continue
        for column, instrument in columns.items():
            answer = rec[column].strip()
            if answer in ("N/A", ""):  # not applicable (e.g. not an ILO member: Bhutan, Kosovo) or not reported
                continue
            if answer not in ("Yes", "No"):
                problems.append(
                    Problem(
                        "commitments", "expected Yes, No or N/A", label, row=int(number), column=column, value=answer
                    )
                )
                continue
            status = "ratified" if answer == "Yes" else "not ratified"
            note = f"ILAB report year {year}: {answer} (no date published)"
            rows.append(_row(iso3, instrument, status, "", year, source.id, note))
    return _frame(rows), problems


@_guarded
def treaty_status_years(path: Path, dataset: Dataset, source: Source, resolver: Resolver, label: str):
    """One row per UN member State: state party (1/0), year of ratification or accession, signatory (1/0); the
    date is the year only (the source gives no day or month)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    instrument, as_of = dataset.options.instrument, str(dataset.options.as_of or "")
    rows, problems = [], []
    for number, rec in enumerate(raw.to_dict("records"), start=2):
        iso3 = resolve_name(resolver, rec["iso2"]) or resolve_name(resolver, rec["member"])
        if iso3 is None:
            problems.append(_unknown(label, number, "iso2", rec["iso2"]))
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


def _deliberately_dropped(resolver: Resolver, name: str) -> bool:
    """True when the alias file lists `name` with an empty iso3 (a documented drop)."""
    return resolver.is_dropped(str(name).strip())


# --------------------------------------------------------------------------------------------- observations


def commitment_observations(commitments: pd.DataFrame, files: dict[str, str], flags: dict[str, str]) -> pd.DataFrame:
    """Flag observations (1/0) for the year the status refers to (its as-of year); `files` maps each source id to
    the raw file of its commitments (for `source_file`), `flags` each instrument to its indicator code."""
    if commitments is None or commitments.empty:
        return pd.DataFrame(columns=OBSERVATIONS.names)
    frame = commitments[commitments["instrument"].isin(list(flags))].copy()
    years = [as_of_year(a, d) for a, d in zip(frame["as_of"], frame["date"], strict=True)]
    obs = pd.DataFrame(
        {
            "indicator": frame["instrument"].map(flags),
            "iso3": frame["iso3"],
            "year": pd.array(years, dtype="Int32"),
            "sex": "total",
            "age": None,
            "value": frame["ratified"].astype(float),
            "lower": None,
            "upper": None,
            "unit": "flag",
            "nature": "reported",
            "censored": False,
            "source": frame["source"],
            "edition": frame["as_of"],
            "source_file": frame["source"].map(files).fillna(""),
            "note": [
                _flag_note(s, d, n) for s, d, n in zip(frame["status"], frame["date"], frame["note"], strict=True)
            ],
        }
    )
    return statement.with_defaults(obs.dropna(subset=["year"]).reset_index(drop=True))[OBSERVATIONS.names]


def _flag_note(status: str, date: str, note: str) -> str:
    head = f"{status} {date}".strip() if date else status
    return f"{head}; {note}" if note else head
