"""Country and region resolution: any publisher's way of writing an area → an ISO3 or a region code."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.problems import Problem, SourceError

COUNTRY_CODES = Path("regions_country_codes") / "country-codes.csv"
ALIASES = "country_aliases.csv"
AGGREGATES = "aggregates.csv"
ALIAS_COLUMNS = ["alias", "iso3", "source", "note"]
AGGREGATE_COLUMNS = ["alias", "code", "name", "grouping"]
NAME_COLUMNS = ("official_name_en", "UNTERM English Short", "UNTERM English Formal", "CLDR display name")
M49_REGION_COLUMNS = (("Region Code", "Region Name"), ("Sub-region Code", "Sub-region Name"),
                      ("Intermediate Region Code", "Intermediate Region Name"))  # fmt: skip


@dataclass(frozen=True)
class Area:
    """A resolved area: `code` is an ISO3 or region code (None for a known aggregate without one / a drop)."""

    code: str | None
    kind: str  # "country" | "aggregate" | "dropped"
    name: str = ""
    note: str = ""


def normalise(name: str) -> str:
    """A matching key for a name: no accents, case, punctuation, 'the' or '&' differences."""
    text = re.sub(r"['\u2019`]", "", str(name))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(w for w in text.split() if w != "the")


def clean_unterm(name: str) -> str:
    """'Bahamas (the)' → 'Bahamas'; 'State of Palestine (the) *' → 'State of Palestine'."""
    return re.sub(r"\s*\(the\)\s*|\s*\*\s*$", " ", name or "").strip()


def _m49_key(text: str) -> str | None:
    """'004', '4', '4.0' → '4'; None when the text is not a numeric code."""
    match = re.fullmatch(r"\s*0*(\d{1,3})(?:\.0+)?\s*", str(text))
    return str(int(match.group(1))) if match else None


class Resolver:
    """Resolve area names and codes: codes first, then the staff files (so staff can override any match), then names."""

    def __init__(
        self, codes: pd.DataFrame, aliases: pd.DataFrame, aggregates: pd.DataFrame, reference_dir: Path | None = None
    ):
        self.reference_dir = Path(reference_dir or "data/reference")  # named in messages: the files to edit
        self.codes = codes  # also the rows of the countries table (etl.country_attributes.country_codes)
        self.aliases, self.aggregates = aliases, aggregates  # read once: etl.reference checks and tabulates them
        self._countries: dict[str, str] = {}  # ISO3 -> display name
        self._m49: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._regions: dict[str, tuple[str, str]] = {}  # M49 region key -> (M49_xxx, name)
        self._region_names: set[str] = set()
        self._load_codes(codes)
        self._aliases: dict[str, Area] = {}
        for row in aliases.itertuples(index=False):
            code = row.iso3.strip().upper()
            area = Area(code, "country", row.alias) if code else Area(None, "dropped", row.alias, row.note)
            self._aliases.setdefault(normalise(row.alias), area)
            if code and code not in self._countries:
                self._countries[code] = row.alias  # e.g. XKX (Kosovo): a country ISO 3166 does not list
        self._aggregates: dict[str, Area] = {}
        for row in aggregates.itertuples(index=False):
            code = row.code.strip()
            self._aggregates.setdefault(normalise(row.alias), Area(code or None, "aggregate", row.name or row.alias))
        self._converted: dict[str, str | None] = {}

    @classmethod
    def from_files(cls, raw_dir: Path, reference_dir: Path) -> Resolver:
        path = Path(raw_dir) / COUNTRY_CODES
        if not path.is_file():
            raise SourceError([Problem("countries", "country-codes file is missing: check DELTA87_RAW_DIR", str(path))])
        # keep_default_na=False: Namibia's ISO2 code is "NA" (see regions_country_codes/PROVENANCE.md)
        try:
            codes = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except (UnicodeDecodeError, pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
            found = " ".join(str(exc).split())
            message = (
                f"cannot read the country-codes file ({found}): restore the UTF-8 CSV snapshot country_codes.yaml names"
            )
            raise SourceError([Problem("countries", message, str(path))]) from None
        aliases, problems = read_reference_csv(Path(reference_dir) / ALIASES, ALIAS_COLUMNS)
        aggregates, more = read_reference_csv(Path(reference_dir) / AGGREGATES, AGGREGATE_COLUMNS)
        if problems or more:
            raise SourceError(problems + more)
        return cls(codes, aliases, aggregates, Path(reference_dir))

    def resolve(self, text: str, kind: str = "auto") -> Area | None:
        """The area `text` names (an ISO3 / M49 code or a name, per `kind`), or None when unknown."""
        # Codes of country-codes.csv, then the staff files (country_aliases.csv: an empty iso3 drops a name on purpose;
        # aggregates.csv: an empty code is an aggregate without one), then names, M49 regions, last country_converter.
        raw = str(text if text is not None else "").strip()
        if not raw:
            return None
        if kind == "m49" or (kind == "auto" and _m49_key(raw)):
            return self._by_m49(raw)
        code = raw.upper()
        if kind in ("iso3", "auto") and code in self._countries:
            return Area(code, "country", self._countries[code])
        explicit = self._explicit(raw)
        if explicit or kind == "iso3":
            return explicit
        return self._by_name(raw)

    def locate(self, area: str, alt: str = "", area_type: str = "", kind: str = "auto") -> tuple:
        """One row's area (else `alt`) → (code, status, name): 0 found, 1 unknown, 2 aggregate, 3 dropped, 4 empty."""
        area, alt = area.strip(), alt.strip()
        if not area and not alt:
            return None, 4, ""
        found = self.resolve(area, kind) if area else None
        if found is None and area and (match := re.fullmatch(r"([^:\s]+):\s*(.+)", area)):  # SDMX "AFG: Afghanistan"
            found = self.resolve(match.group(1), kind) or self.resolve(match.group(2), "name")
        if found is None and alt:
            found = self.resolve(alt, "auto")
        name = area or alt
        if found is None:
            is_aggregate = area_type.strip().casefold() in ("aggregate", "region", "regional", "group")
            return (None, 2, alt or area) if is_aggregate else (None, 1, name)
        if found.kind == "dropped":
            return None, 3, name
        if found.code is None:
            return None, 2, found.name or name
        return found.code, 0, name

    def iso3(self, text: str) -> str | None:
        """ISO3 of a country name or code; None for unknown names, aggregates and deliberate drops."""
        area = self.resolve(text, "auto")
        return area.code if area and area.kind == "country" else None

    def is_dropped(self, text: str) -> bool:
        """True when the alias file lists `text` with an empty iso3 (a documented, deliberate drop)."""
        area = self._aliases.get(normalise(text))
        return bool(area and area.kind == "dropped")

    def unknown(self, check: str, name: str, label: str, row: int, column: str) -> Problem:
        """The problem for a country name not known here, naming the alias file to add it to."""
        message = (
            f"country {name!r} not recognised: add it to {self.reference_dir / ALIASES} (alias,iso3,source,note), "
            "or with an empty iso3 and a note to drop it on purpose"
        )
        return Problem(check, message, label, row=row, column=column, value=name)

    def _explicit(self, raw: str) -> Area | None:
        key = normalise(raw)
        return self._aliases.get(key) or self._aggregates.get(key)

    def _by_m49(self, raw: str) -> Area | None:
        key = _m49_key(raw)
        if key is None:
            return self._explicit(raw)
        if key in self._m49:
            iso3 = self._m49[key]
            return Area(iso3, "country", self._countries.get(iso3, iso3))
        explicit = self._explicit(raw) or self._explicit(key)
        if explicit:
            return explicit
        if key in self._regions:
            code, name = self._regions[key]
            return Area(code, "aggregate", name)
        return None

    def _by_name(self, raw: str) -> Area | None:
        key = normalise(raw)
        if key in self._names:
            iso3 = self._names[key]
            return Area(iso3, "country", self._countries.get(iso3, iso3))
        if key in self._region_names:  # an M49 region name: never let a name library turn it into a country
            return None
        iso3 = self._convert(raw)
        return Area(iso3, "country", self._countries.get(iso3, iso3)) if iso3 else None

    def _convert(self, raw: str) -> str | None:
        """country_converter's match for a name, cached; rejected when it is not a single known country."""
        if raw not in self._converted:
            result = _converter().convert(raw, to="ISO3", not_found=_NOT_FOUND)
            ok = isinstance(result, str) and result in self._countries
            # "Eastern and Southern Africa" must not become ZAF: a name with "and" only matches a country
            # whose own name has "and" (Trinidad and Tobago, Bosnia and Herzegovina, ...)
            if ok and " and " in f" {normalise(raw)} " and " and " not in f" {normalise(self._countries[result])} ":
                ok = False
            self._converted[raw] = result if ok else None
        return self._converted[raw]

    def _load_codes(self, codes: pd.DataFrame) -> None:
        for row in codes.to_dict("records"):
            iso3 = row.get("ISO3166-1-Alpha-3", "").strip()
            if not iso3:
                continue
            self._countries[iso3] = row.get("official_name_en") or row.get("CLDR display name") or iso3
            key = _m49_key(row.get("M49", ""))
            if key:
                self._m49[key] = iso3
            for column in NAME_COLUMNS:
                for name in (row.get(column, ""), clean_unterm(row.get(column, ""))):
                    if name.strip():
                        self._names.setdefault(normalise(name), iso3)
            for code_col, name_col in M49_REGION_COLUMNS:
                key = _m49_key(row.get(code_col, ""))
                if key:
                    self._regions.setdefault(key, (f"M49_{int(key):03d}", row.get(name_col, "")))
                    self._region_names.add(normalise(row.get(name_col, "")))
        self._region_names.discard("")


_NOT_FOUND = "\x00not found"


@functools.cache
def _converter():
    """A country_converter instance on its own table, read without NA detection."""
    # country_converter 1.3.2 reads it with `converters=str`, which pandas 3 follows with NA detection: Namibia's
    # ISO2 "NA" becomes NaN and CountryConverter() fails.
    import country_converter as coco  # noqa: PLC0415 - only needed when a name is not in our tables
    from country_converter.country_converter import COUNTRY_DATA_FILE  # noqa: PLC0415

    logging.getLogger("country_converter").setLevel(logging.CRITICAL)  # "not found" is our answer, not a log
    table = pd.read_csv(COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str, keep_default_na=False)
    text_columns = set("name_short name_official regex ISO2 ISO3 continent UNregion EXIO1 EXIO2 EXIO3 WIOD".split())
    for column in table.columns:
        if column not in text_columns:
            table[column] = table[column].replace("", None)
    for column in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember", "obsolete", "GEOnumeric"):
        if column in table:
            table[column] = pd.to_numeric(table[column]).astype("Int64")
    return coco.CountryConverter(country_data=table)


def read_reference_csv(path: Path, columns: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """A staff-edited reference CSV, its cells stripped (empty, with a problem, when missing or incomplete)."""
    if not path.is_file():
        return pd.DataFrame(columns=columns), [Problem("reference", "reference file is missing", str(path))]
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", comment=None)
    except (UnicodeDecodeError, pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        message = f"cannot read the file ({' '.join(str(exc).split())}): save it as UTF-8 CSV with the header "
        return pd.DataFrame(columns=columns), [Problem("reference", message + ",".join(columns), str(path))]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        message = f"missing columns {missing} (expected {','.join(columns)})"
        return pd.DataFrame(columns=columns), [Problem("reference", message, str(path), row=1)]
    return frame[columns].apply(lambda s: s.str.strip()), []
