"""Shortcodes: live figures and charts from the served release, written inside Markdown content.

Two forms, both between double braces (the Markdown parser has raw HTML off, so this is the only way to embed):

    The latest rate is {{figure indicator=child_labour_5_17 area=ETH}}.      (inline, inside a sentence)
    {{chart indicator=child_labour_5_17 areas=NPL,BGD}}                      (a line of its own)

Parameters are `key=value` pairs separated by spaces; a value with spaces is quoted (`age="all ages"`).

- figure: `indicator` and `area` (required); `year`, `sex` (total, female, male) and `age` (optional). Shows one
  value with its year, age band and source.
- chart: `indicator` and `areas` (required, up to six codes separated by commas); `sex` and `age` (optional).
  Draws the trend of each area's comparable series.

This module only parses and checks the syntax; whether the indicator and areas exist is a question for the
release (dashboards/_embeds.py renders a notice; `delta87 content check` reports it). A markdown-it plugin
turns `{{...}}` into `shortcode` tokens, so links and emphasis never reach inside one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from warehouse.schema import SEXES

#: name -> (required parameters, optional parameters)
NAMES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "figure": (frozenset({"indicator", "area"}), frozenset({"year", "sex", "age"})),
    "chart": (frozenset({"indicator", "areas"}), frozenset({"sex", "age"})),
}
#: Shortcodes that must stand on a line of their own.
BLOCK_NAMES = frozenset({"chart"})
MAX_AREAS = 6
TOKEN = "shortcode"

_PARAM = re.compile(r'\s*([a-z_]+)=(?:"([^"]*)"|([^\s"]+))')
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_AREA = re.compile(r"[A-Z][A-Z0-9_]{1,15}")
_AGE = re.compile(r"[\w .,+\-–]{1,30}")
_BLOCK_LINE = re.compile(r"\{\{\s*(" + "|".join(sorted(BLOCK_NAMES)) + r")\b[^{}]*\}\}")


class ShortcodeError(ValueError):
    """A shortcode that cannot be used; the message says what is wrong and how to write it."""


@dataclass(frozen=True)
class Shortcode:
    """One parsed shortcode: its name and checked parameters."""

    name: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def indicator(self) -> str:
        """The indicator code."""
        return self.params["indicator"]

    @property
    def areas(self) -> tuple[str, ...]:
        """The area codes (one for a figure)."""
        return tuple(self.params.get("areas", self.params.get("area", "")).split(","))

    @property
    def year(self) -> int | None:
        """The year asked for, or None for the latest."""
        return int(self.params["year"]) if "year" in self.params else None

    @property
    def sex(self) -> str | None:
        return self.params.get("sex")

    @property
    def age(self) -> str | None:
        return self.params.get("age")


def parse(text: str) -> Shortcode:
    """The shortcode written between the braces; ShortcodeError naming the problem and the fix."""
    name, _, rest = text.strip().partition(" ")
    if name not in NAMES:
        raise ShortcodeError(f"unknown shortcode {name[:30]!r}: write {{{{figure ...}}}} or {{{{chart ...}}}}")
    params: dict[str, str] = {}
    position = 0
    while rest[position:].strip():
        match = _PARAM.match(rest, position)
        if match is None:
            raise ShortcodeError(f"{name}: cannot read {rest[position:].strip()[:40]!r}; write key=value pairs")
        key, value = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
        if key in params:
            raise ShortcodeError(f"{name}: parameter {key!r} is given twice")
        params[key] = value.strip()
        position = match.end()
    check(name, params)
    return Shortcode(name, params)


def check(name: str, params: dict[str, str]) -> None:
    """Refuse missing, unknown or malformed parameters of one shortcode."""
    required, optional = NAMES[name]
    missing = sorted(required - set(params))
    if missing:
        raise ShortcodeError(f"{name}: missing {', '.join(missing)} (required: {', '.join(sorted(required))})")
    unknown = sorted(set(params) - required - optional)
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        raise ShortcodeError(f"{name}: unknown parameter {', '.join(unknown)} (allowed: {allowed})")
    if not _CODE.fullmatch(params["indicator"]):
        raise ShortcodeError(f"{name}: indicator {params['indicator'][:40]!r} is not an indicator code")
    areas = params.get("areas", params.get("area", "")).split(",")
    if len(areas) > MAX_AREAS:
        raise ShortcodeError(f"{name}: at most {MAX_AREAS} areas, got {len(areas)}")
    for area in areas:
        if not _AREA.fullmatch(area):
            raise ShortcodeError(f"{name}: area {area[:20]!r} is not a code such as ETH or WLD (upper case)")
    if "year" in params and not (params["year"].isdigit() and 1900 <= int(params["year"]) <= 2100):
        raise ShortcodeError(f"{name}: year {params['year'][:10]!r} is not a year such as 2019")
    if "sex" in params and params["sex"] not in SEXES:
        raise ShortcodeError(f"{name}: sex {params['sex'][:10]!r} must be one of {', '.join(SEXES)}")
    if "age" in params and not _AGE.fullmatch(params["age"]):
        raise ShortcodeError(f"{name}: age {params['age'][:30]!r} is not an age band such as 5-17")


# -- the markdown-it plugin ------------------------------------------------------------------------------
def plugin(md) -> None:
    """Teach a MarkdownIt parser the shortcodes: `{{...}}` inline, and a block chart on a line of its own."""
    md.inline.ruler.before("emphasis", TOKEN, _inline_rule)
    md.block.ruler.before("paragraph", TOKEN, _block_rule, {"alt": ["paragraph"]})


def _inline_rule(state, silent: bool) -> bool:
    if not state.src.startswith("{{", state.pos):
        return False
    end = state.src.find("}}", state.pos + 2)
    if end < 0:
        return False
    if not silent:
        token = state.push(TOKEN, "", 0)
        token.content = state.src[state.pos + 2 : end]
    state.pos = end + 2
    return True


def _block_rule(state, start: int, _end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:  # indented: a code block, not a shortcode
        return False
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]].strip()
    if not _BLOCK_LINE.fullmatch(line):
        return False
    if not silent:
        token = state.push(TOKEN, "", 0)
        token.content = line[2:-2]
        token.block = True
        token.map = [start, start + 1]
    state.line = start + 1
    return True


def find(markdown_tokens) -> list[str]:
    """The text of every shortcode in a parsed token stream (blocks and inline), in reading order."""
    found = []
    for token in markdown_tokens:
        if token.type == TOKEN:
            found.append(token.content)
        elif token.children:
            found += find(token.children)
    return found
