"""`delta87 content check`: every explainer, glossary term, theme and forum article validated before it is served.

On top of what the loader refuses (front matter, raw HTML, unsafe links, uncited sources, links between content
files), this checks what needs the platform's codes: tags and shortcodes naming an indicator that is not in
data/reference/indicators.yaml (or the served release), a country or area that is not in the served release,
internal links to indicator, country and theme pages that do not exist, and shortcodes for which the served
release holds no value (they would show a notice instead of a number). An article whose front matter is
invalid is still read for its tags, links and shortcodes, so one run lists every problem of a file. Each
problem is one line "<file>: <where>: <what is wrong>".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import config
from content import links, shortcodes
from content.loader import (
    FORUM_DIR,
    GLOSSARY_FILE,
    LEARN_DIR,
    THEMES_FILE,
    contributing_guide,
    indicator_definitions,
    internal_links,
    load_library,
    markdown_tokens,
    split_front_matter,
)
from content.models import ContentError, Library
from warehouse import ObservationFilter, Release, ReleaseError, Warehouse, get_warehouse
from warehouse.releases import list_release_ids

_PAGES = (
    (re.compile(r"/indicator/([a-z][a-z0-9_]*)"), "indicators", "indicator"),
    (re.compile(r"/country/([A-Z]{3})(/brief)?"), "countries", "country"),
    (re.compile(r"/theme/([a-z0-9-]+)"), "themes", "theme"),
)


@dataclass(frozen=True)
class Known:
    """The codes content may name. countries/areas None: no release to check them against (form only);
    has_value: whether the served release holds a value a shortcode can show (None: not checked)."""

    indicators: frozenset[str]
    themes: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    areas: frozenset[str] | None = None
    has_value: Callable[[shortcodes.Shortcode], bool] | None = None


@dataclass
class Report:
    """What a check found: problems (one line each), notes on what could not be checked, and what was read."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as printed by `delta87 content check`: problems, notes, then a one-line summary."""
        read = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        verdict = f"{len(self.problems)} problem(s)" if self.problems else "no problems"
        return [
            *(f"ERROR {p}" for p in self.problems),
            *(f"note: {n}" for n in self.notes),
            f"checked {read}: {verdict}",
        ]


def check_all(
    learn_dir: Path = LEARN_DIR,
    forum_dir: Path = FORUM_DIR,
    glossary_file: Path = GLOSSARY_FILE,
    themes_file: Path = THEMES_FILE,
    known: Known | None = None,
) -> Report:
    """Check every content file; the report lists each problem with its file."""
    report = Report()
    loader_log = logging.getLogger("content.loader")
    level = loader_log.level
    loader_log.setLevel(logging.CRITICAL)  # the report lists the problems the loader would also log
    try:
        lib = load_library(learn_dir, glossary_file, themes_file, strict=False, forum_dir=forum_dir)
    except ContentError as exc:  # the glossary itself is unreadable: nothing else can be checked
        report.problems.append(str(exc))
        return report
    finally:
        loader_log.setLevel(level)
    if known is None:
        known, note = known_codes(lib)
        report.notes += [note] if note else pinned_releases(lib)
    found = list(lib.problems)
    try:
        contributing_guide()
    except ContentError as exc:
        found.append(str(exc))
    for path in sorted(learn_dir.glob("*.md")) + sorted(forum_dir.glob("*.md")):
        found += check_file(path, lib, known)
    report.problems = list(dict.fromkeys(found))
    report.counts = {
        "explainers": len(list(learn_dir.glob("*.md"))),
        "articles": len(list(forum_dir.glob("*.md"))),
        "glossary terms": len(lib.glossary),
        "themes": len(lib.themes),
    }
    return report


def pinned_releases(lib: Library) -> list[str]:
    """Notes for articles whose `release:` this server does not hold (not by id, nor by content hash): their
    readers see "no longer available" instead of what changed since the article was written."""
    warehouse = get_warehouse()
    try:
        current = warehouse.releases.current().id
    except ReleaseError:
        return []
    on_disk = list_release_ids(warehouse.root)
    hashes = {r.rsplit("-", 1)[-1] for r in on_disk}
    return [
        f"{a.path.name}: release: {a.meta.release} is not on this server, so readers are told its figures cannot be "
        f"checked for changes; once the article's figures are checked against the served release, set "
        f"`release: {current}`"
        for _, a in sorted(lib.articles.items())
        if a.meta.release not in on_disk and a.meta.release.rsplit("-", 1)[-1] not in hashes
    ]


def known_codes(lib: Library) -> tuple[Known, str]:
    """Indicators from the reference file and the served release; countries and areas from the release."""
    indicators = {str(entry["code"]) for entry in indicator_definitions()}
    themes = frozenset(lib.themes) or None
    try:
        warehouse = get_warehouse()
        release = warehouse.releases.current()
        countries = set(warehouse.countries(release)["iso3"])
        areas = countries | set(warehouse.regions(release)["code"])
        indicators |= set(warehouse.indicators(release)["code"])
    except (ReleaseError, OSError) as exc:
        note = f"no data release to check country and area codes against ({exc}); their form only was checked"
        return Known(frozenset(indicators), themes), note
    return Known(frozenset(indicators), themes, frozenset(countries), frozenset(areas), values(warehouse, release)), ""


def values(warehouse: Warehouse, release: Release) -> Callable[[shortcodes.Shortcode], bool]:
    """A test of whether the release holds a value for a shortcode's indicator, areas, and year, sex and age."""
    read: dict = {}

    def has_value(code: shortcodes.Shortcode) -> bool:
        if code.indicator not in read:
            frame = warehouse.observations(release, ObservationFilter(indicators=(code.indicator,)))
            read[code.indicator] = frame[frame["value"].notna()]
        rows = read[code.indicator]
        rows = rows[rows["iso3"].isin(code.areas)]
        for column, wanted in (("year", code.year), ("sex", code.sex), ("age", code.age)):
            rows = rows if wanted is None else rows[rows[column] == wanted]
        return not rows.empty

    return has_value


def check_file(path: Path, lib: Library, known: Known) -> list[str]:
    """Tags, internal links and shortcodes of one explainer or article."""
    name = path.name
    try:
        header, body = split_front_matter(path.read_text(encoding="utf-8"), name)
    except (ContentError, OSError, UnicodeDecodeError) as exc:
        return [str(exc) if isinstance(exc, ContentError) else f"{name}: file: {config.unreadable(exc)}"]
    problems = check_tags(name, header, known)
    for href in internal_links(body):
        problem = links.check_content_link(href, lib.explainers, lib.glossary, lib.articles)
        problem = problem or check_page_link(href, known)
        if problem:
            problems.append(f"{name}: body: {problem}")
    for text in shortcodes.find(markdown_tokens(body)):
        problem = check_shortcode(text, known)
        if problem:
            problems.append(f"{name}: body: shortcode {{{{{text.strip()[:80]}}}}}: {problem}")
    return problems


def check_tags(name: str, header: dict, known: Known) -> list[str]:
    """Tags (articles) and related indicators (explainers) must name known codes."""
    tags = header.get("tags") if isinstance(header.get("tags"), dict) else {}
    lists = {
        "tags.countries": (tags.get("countries"), known.countries, "country"),
        "tags.indicators": (tags.get("indicators"), known.indicators, "indicator"),
        "tags.themes": (tags.get("themes"), known.themes, "theme"),
        "related_indicators": (header.get("related_indicators"), known.indicators, "indicator"),
    }
    problems = []
    for where, (values, allowed, kind) in lists.items():
        if not isinstance(values, list) or allowed is None:
            continue
        for index, value in enumerate(values):
            if str(value) not in allowed:
                problems.append(f"{name}: {where}.{index}: unknown {kind} {str(value)[:40]!r}")
    return problems


def check_page_link(href: str, known: Known) -> str | None:
    """Why a link to an indicator, country or theme page does not resolve, or None."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    for pattern, attribute, kind in _PAGES:
        match = pattern.fullmatch(path)
        allowed = getattr(known, attribute)
        if match and allowed is not None and match.group(1) not in allowed:
            return f"link {href}: no {kind} {match.group(1)!r}"
    return None


def check_shortcode(text: str, known: Known) -> str | None:
    """Why a shortcode cannot be rendered (syntax, unknown indicator or area), or None."""
    try:
        code = shortcodes.parse(text)
    except shortcodes.ShortcodeError as exc:
        return str(exc)
    if code.indicator not in known.indicators:
        return f"unknown indicator {code.indicator!r}"
    unknown = [a for a in code.areas if known.areas is not None and a not in known.areas]
    if unknown:
        return f"unknown area {', '.join(unknown)}"
    if known.has_value is not None and not known.has_value(code):
        return "the served release holds no value for these parameters"
    return None
