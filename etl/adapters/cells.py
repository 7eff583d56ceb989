"""How publishers write cells, and what they mean: years, numbers, missing markers, sexes, age bands, notes."""

from __future__ import annotations

import re

#: Cells that mean "no value" (compared case-insensitively, after trimming).
MISSING = frozenset(["", "-", "–", "—", "..", "...", "…", "n/a", "na", "n.a.", "nan", "null", "none", "unavailable",
                     "not available", "no data"])  # fmt: skip

#: How sexes are written (SDMX codes, UN SDG database words, plain English), casefolded.
SEX_CODES = {
    "total": ("total", "_t", "t", "bothsex", "both sexes", "both", "all", "btsx", "both sex", "persons"),
    "female": ("female", "_f", "f", "females", "women", "girls", "fem"),
    "male": ("male", "_m", "m", "males", "men", "boys"),
}

SEX = {code: sex for sex, codes in SEX_CODES.items() for code in codes}

#: A plain number; SQL casts cells that match it (with surrounding whitespace) without calling parse_value.
NUMBER = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"

_PLAIN = re.compile(NUMBER, re.ASCII)

#: A number with thousand separators: "1,282", "38,928,000", "1 234 567" (also non-breaking spaces).
GROUPED = re.compile(r"^[-+]?\d{1,3}(?:([,\u00a0\u202f ])\d{3})(?:\1\d{3})*(\.\d+)?$")

#: An area cell starting with one of these marks a footnote / notes row, not data.
NOTE_MARKERS = tuple("Note NOTE Source SOURCE Footnote FOOTNOTE Definition DEFINITION * † ‡ ¹ ² ³".split())


def parse_year(text: str | None) -> tuple[int | None, str | None]:
    """'2019' → 2019; '2019-2020' / '2019-20' → 2020 (period in the note); '2018 x' → 2018 (flag in the note)."""
    text = (text or "").strip()
    if match := re.fullmatch(r"(\d{4})(?:\.0+)?", text):
        return int(match.group(1)), None
    if match := re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4}|\d{2})", text):
        start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        return (end_year, f"period {text}") if end_year >= start else (None, None)
    if match := re.fullmatch(r"(\d{4})\s*([A-Za-z]{1,2}|\*{1,3}|[†‡§¹²³]+|\([A-Za-z0-9]{1,3}\))", text):
        return int(match.group(1)), f"year flag {match.group(2)}"
    if match := re.fullmatch(r"(\d{4})-\d{2}-\d{2}(?:[T ][\d:.]+)?", text):
        return int(match.group(1)), None
    return None, None


def parse_value(text: str | None, unit: str | None) -> tuple:
    """(value, lower, upper, censored, note, status); status 1 missing, 2 censored, 3 thousands, 4 not a number."""
    text = (text or "").strip()
    if _PLAIN.fullmatch(text):
        return float(text), None, None, False, None, 0
    if text.casefold() in MISSING:
        return None, None, None, False, None, 1
    if match := re.fullmatch(r"([<>])\s*(\d[\d,]*(?:\.\d+)?)", text):
        bound = float(match.group(2).replace(",", ""))
        whole = bound.is_integer() and unit in ("count", None)
        if match.group(1) == "<":
            return None, 0.0, bound - 1 if whole else bound, True, f"{text}: suppressed small value", 2
        return None, bound + 1 if whole else bound, None, True, f"{text}: censored value", 2
    if match := GROUPED.fullmatch(text):
        return float(re.sub(r"[,\u00a0\u202f ]", "", text)), None, None, False, None, 3 if match.group(1) == "," else 0
    if unit in ("percent", None) and (match := re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*%", text)):
        return float(match.group(1)), None, None, False, None, 0
    if match := re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]{1,2}|\*{1,3}|[†‡§])", text):
        return float(match.group(1)), None, None, False, f"value flag {match.group(2)}", 0
    return None, None, None, False, None, 4


def normalise_age(text: str) -> str:
    """Age bands as the platform writes them: 'Y5T17', '5_17', '5 to 17 years' → '5-17'; 'lt18y' → 'under 18'."""
    text = text.split(":")[0].strip() if re.match(r"^[YZ_]", text.strip()) else text.strip()
    low = text.casefold()
    if low in ("_t", "allage", "all ages", "total", "all", "_z"):
        return "all ages"
    if match := re.fullmatch(r"y?(\d+)\s*(?:t|to|_|-|–)\s*(\d+)(?:\s*years?(?: old)?)?", low):
        first, last = int(match.group(1)), int(match.group(2))
        return f"under {last + 1}" if first == 0 else f"{first}-{last}"
    if match := re.fullmatch(r"(?:<|lt|y_lt|under )\s*(\d+)\s*(?:y|years?)?", low):
        return f"under {match.group(1)}"
    if match := re.fullmatch(r"(?:y_ge|ge|>=)\s*(\d+)|(\d+)\s*(?:\+|years? or over|years? and over)", low):
        return f"{match.group(1) or match.group(2)}+"
    return text


def note_text(text: str | None, legend: dict[str, str]) -> str | None:
    """A note cell as published; footnote flags ('x,y') are spelled out with options.flag_notes."""
    text = (text or "").strip()
    if not text:
        return None
    flags = [f.strip() for f in text.split(",")]
    if legend and all(f in legend for f in flags):
        return "; ".join(f"{f}: {legend[f]}" for f in flags)
    return text


def sex_of(text: str) -> str | None:
    """'F', 'Female', '_T: Total', 'BOTHSEX' → female / total; None for other values ('Unknown', 'Other')."""
    code = text.split(":")[0].strip().casefold()  # SDMX "code: label"
    return SEX.get(code) or SEX.get(text.strip().casefold())


def is_footnote(area: str) -> bool:
    """An area cell of a footnote row: it starts with a note marker, or is long text."""
    text = (area or "").strip()
    return text.startswith(NOTE_MARKERS) or len(text) > 80
