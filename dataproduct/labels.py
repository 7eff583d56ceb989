"""Reference names in a reader's language: data/reference/i18n/<lang>/ first, then CLDR (Babel), then English."""

from __future__ import annotations

import json
import unicodedata

import pandas as pd

import config
from content import translations
from web import i18n

REFERENCE_I18N = config.ROOT / "data" / "reference" / "i18n"
#: The indicator fields a translation may give (the others are codes and numbers).
INDICATOR_TEXTS = ("name", "short_name", "definition", "caveats", "trend_caution")


def _translations(lang: str, name: str) -> dict:
    """A translation file of data/reference/i18n/<lang>/ (empty for the default language)."""
    return translations.mapping(REFERENCE_I18N / lang / name) if lang != i18n.DEFAULT else {}


def _indicator_text(texts: dict, code: str, field: str) -> str | None:
    value = (texts.get(code) or {}).get(field)
    if field == "value_labels":  # the release keeps them as JSON text: {"1": "Tier 1", ...}
        labels = value if isinstance(value, dict) else {}
        return json.dumps({str(k): str(v) for k, v in labels.items()}, ensure_ascii=False) if labels else None
    return value


def indicators(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The indicators table with its names and definitions in `lang` where a translation gives them."""
    texts = _translations(lang, "indicators.yaml")
    if not texts or frame.empty:
        return frame
    frame = frame.copy()
    for field in (*INDICATOR_TEXTS, "value_labels"):
        if field in frame.columns:
            given = frame["code"].map(lambda code, f=field: _indicator_text(texts, code, f))
            frame[field] = given.where(given.notna() & (given != ""), frame[field])
    return frame


def area_name(code: str, iso2: str | None, english: str, lang: str) -> str:
    """One area's name in `lang`: the platform's own, else CLDR's, else the English name."""
    if lang == i18n.DEFAULT:
        return english
    own = _translations(lang, "areas.yaml").get(code)
    return str(own) if own else i18n.territory(iso2) or english


def areas(frame: pd.DataFrame, lang: str, code: str, iso2: str | None = None) -> pd.DataFrame:
    """A countries or regions table with its `name` column in `lang` (`name_en` keeps the English name)."""
    if lang == i18n.DEFAULT or frame.empty:
        return frame
    iso2s = frame[iso2] if iso2 else [None] * len(frame)
    names = [area_name(c, i, n, lang) for c, i, n in zip(frame[code], iso2s, frame["name"], strict=True)]
    return frame.assign(name_en=frame["name"], name=names)


def sort_key(names: pd.Series) -> pd.Series:
    """Names in alphabetical order for a reader: accents and case ignored ("Éthiopie" between "Espagne" and "Fidji")."""
    return names.map(lambda n: unicodedata.normalize("NFKD", str(n)).encode("ascii", "ignore").decode().casefold())


def api_labels(lang: str, indicators: list[dict], countries: list[dict], aggregates: list[dict]) -> None:
    """Add `labels` ({lang, name, ...} in `lang`) to API records that carry names; fields and codes stay English."""
    texts = _translations(lang, "indicators.yaml")
    for row in indicators:
        given = texts.get(row.get("code")) or {}
        row["labels"] = {"lang": lang, **{f: given.get(f) or row.get(f) for f in INDICATOR_TEXTS if f in row}}
    for row in countries:
        row["labels"] = {"lang": lang, "name": area_name(row["iso3"], row.get("iso2"), row["name"], lang)}
    for row in aggregates:
        row["labels"] = {"lang": lang, "name": area_name(row["code"], None, row["name"], lang)}
