"""Languages: the gettext catalogues, the reader's language (`?lang=`, Accept-Language), links that keep it, formats.

Dash's own requests carry no query of the page, so for them the `?lang=` of the page that sent them (Referer) decides.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import flask
from babel import Locale, dates, numbers, support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import Babel, Domain, get_locale, get_translations

import config
from warehouse.progress_text import N_, rounded  # noqa: F401 - N_ re-exported for the pages

#: The page languages, English first (the default), with each one's name in itself (the switcher's labels).
LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT = "en"
TRANSLATIONS = config.ROOT / "translations"

babel = Babel()


def install(server: flask.Flask) -> None:
    """Use the catalogues, pick each request's language, and say that pages vary with Accept-Language."""
    babel.init_app(server, locale_selector=select)
    babel.domain_instance = Catalogues(TRANSLATIONS)
    server.after_request(_vary)


class Catalogues(Domain):
    """flask-babel's translations, compiled from the `.po` files of `folder` in memory when a worker starts: nothing
    is written (the checkout may be read-only), so nothing is left behind and no other user can plant a file."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.compiled = _compile(folder)

    def get_translations(self) -> support.NullTranslations:
        return self.compiled.get(lang()) or support.NullTranslations()


#: Files whose text a page in each language shows (catalogue, content and reference translations).
TRANSLATED_FILES = ("translations/{lang}/LC_MESSAGES/*.po", "content/i18n/{lang}/**/*", "data/reference/i18n/{lang}/*")


@functools.lru_cache(maxsize=8)
def cache_tag(language: str) -> str:
    """The language as cache keys name it: English, or the language and a digest of its translation files."""
    if language == DEFAULT:
        return language
    digest = hashlib.sha1(usedforsecurity=False)
    for pattern in TRANSLATED_FILES:
        for path in sorted(config.ROOT.glob(pattern.format(lang=language))):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    return f"{language}.{digest.hexdigest()[:10]}"


@functools.lru_cache(maxsize=2)
def _compile(folder: Path) -> dict[str, support.Translations]:
    compiled = {}
    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        mo = io.BytesIO()
        write_mo(mo, catalogue)
        mo.seek(0)
        compiled[po.parent.parent.name] = support.Translations(mo)
    return compiled


def chosen() -> str | None:
    """The language the reader chose with `?lang=` (on this request, or on the page that made a Dash request)."""
    if not flask.has_request_context():
        return None
    request = flask.request
    value = request.args.get("lang")
    if value is None and request.path.startswith("/_dash-") and request.referrer:
        value = dict(parse_qsl(urlsplit(request.referrer).query)).get("lang")
    return value if value in LANGUAGES else None


def select() -> str:
    """flask-babel's locale selector: `?lang=`, else Accept-Language, else English."""
    return chosen() or flask.request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def lang() -> str:
    """The language of the current request ('en' outside one)."""
    if not flask.has_request_context():
        return DEFAULT
    return str(get_locale() or DEFAULT)


def _vary(response: flask.Response) -> flask.Response:
    if response.mimetype == "text/html" and "lang" not in flask.request.args:
        response.vary.add("Accept-Language")
    return response


def href(path: str) -> str:
    """An internal link that keeps the page's language (`lang=` added when chosen or not English)."""
    language = chosen() or (lang() if lang() != DEFAULT else None)
    parts = urlsplit(path)
    query = parse_qsl(parts.query, keep_blank_values=True)
    internal = path.startswith("/") and not path.startswith(("//", "/assets/", "/api/"))  # the API is in English
    if not internal or language is None or any(key == "lang" for key, _ in query):
        return path
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", language)])))


def query(search: str) -> str:
    """A page's query string ("?a=1" or "") with the page's language kept (for URL state written by callbacks)."""
    linked = href("/" + (search if search.startswith("?") or not search else "?" + search))
    return linked[1:]


def localize_links(component):
    """Give every internal `href` in a component tree the page's language (returns the tree)."""
    if component is None or not hasattr(component, "_traverse"):
        return component
    for node in [component, *component._traverse()]:
        link = getattr(node, "href", None)
        if isinstance(link, str):
            node.href = href(link)
    return component


def locale() -> Locale:
    return Locale.parse(lang())


def ngettext(singular: str, plural: str, n, /, **values) -> str:
    """ngettext by the number as written (`n`: 1.3 for "1.3 million"): its plural category in the page's
    language (CLDR: French "1,3 million", Spanish "1,3 millones", English "1 value") picks the catalogue's form,
    since gettext's own rule reads whole numbers only."""
    form = {"one": 1, "many": 1_000_000}.get(locale().plural_form(n), 2)
    return get_translations().ungettext(singular, plural, form) % {"num": n, **values}  # num: n, not the form


def decimal(value: float, decimals: int) -> str:
    """A number with `decimals` places, a half rounded away from zero as publishers round it (2.25 -> "2.3"), and
    the locale's separators ("1,234.5", "1 234,5", "1234,5")."""
    text = f"{rounded(value, decimals):,.{decimals}f}"
    if lang() == DEFAULT:
        return text  # exactly what the English pages always showed
    plain = Decimal(text.replace(",", ""))
    grouped = "#,##0" if abs(plain) >= 10_000 or lang() != "es" else "0"  # CLDR: Spanish groups 5+ digits only
    pattern = grouped + ("." + "0" * decimals if decimals else "")
    return numbers.format_decimal(plain, format=pattern, locale=locale())


def percent(value: float, decimals: int) -> str:
    """A percentage (value 21.7 -> "21.7%", "21,7 %"), with the locale's own sign and spacing."""
    return percent_text(decimal(value, decimals))


def percent_text(number: str) -> str:
    """An already formatted number as a percentage in the locale's way ("21.7%", "21,7 %")."""
    if lang() == DEFAULT:
        return f"{number}%"
    pattern = locale().percent_formats[None].pattern
    before, _, after = pattern.partition("#,##0")
    return before + number + after  # the pattern's "%" is the sign fr and es use


def day(value: date | datetime | str, english: str = "%d %B %Y", skeleton: str = "yMMMMd") -> str:
    """A date: English as the `english` strftime pattern; other languages in CLDR's `skeleton` ("6 décembre 2026",
    and French's ordinal first of the month, "1er janvier 2026")."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    if lang() == DEFAULT:
        return value.strftime(english)
    text = dates.format_skeleton(skeleton, value, locale=locale())
    return re.sub(r"^1(?=\s)", "1er", text) if lang() == "fr" and value.day == 1 else text  # "1er janvier"


def territory(iso2: str | None) -> str | None:
    """The CLDR name of a territory in the page's language, or None when CLDR has none."""
    if not iso2 or not isinstance(iso2, str):
        return None
    return locale().territories.get(iso2.upper())
