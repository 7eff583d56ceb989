"""The query parameters of the HTTP API and the /data explorer, each value checked against one release's codes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from warehouse import ObservationFilter, Release, get_warehouse
from warehouse.releases import RELEASE_ID
from warehouse.schema import NATURES, SEXES, SORT_KEYS, redistributable
from warehouse.store import SORTABLE
from web.cache import by_release
from web.i18n import N_
from web.inputs import MAX_VALUES, BadInput, echo

#: Where the HTTP API lives; the /data page links to it with the same query string.
API_PREFIX = "/api/v1"

#: filter parameter -> ObservationFilter field, which is also the Catalog field of the codes it accepts
LIST_FILTERS = {
    "indicator": "indicators",
    "country": "areas",
    "group": "groups",
    "sex": "sexes",
    "age": "ages",
    "source": "sources",
    "nature": "natures",
}
YEAR_FILTERS = ("year_from", "year_to")
FILTER_PARAMS = (*LIST_FILTERS, *YEAR_FILTERS, "preferred")
#: Other names accepted for a parameter (the country dashboards link with `area=`, the warehouse's word).
SYNONYMS = {"area": "country"}
FORMATS = ("json", "csv", "parquet", "xlsx", "zip")
OBSERVATION_PARAMS = (*FILTER_PARAMS, *SYNONYMS, "sort", "limit", "offset", "format", "release")
YEAR_MIN, YEAR_MAX = 1900, 2100
MAX_SORT_KEYS = 5
DEFAULT_LIMIT = 100
OFFSET_MAX = 10**12 - 1
#: Where a user finds the codes of a list parameter (named in the message about an unknown one).
CODE_LISTS = {
    "country": f"{API_PREFIX}/countries",
    "group": f"{API_PREFIX}/countries",
    "indicator": f"{API_PREFIX}/indicators",
}


class ParamError(BadInput):
    """A query parameter the platform cannot accept; carries what to tell the caller and the HTTP status. A message
    marked N_ with %(…)s placeholders is filled from `values`: the API says it in English, /data in the reader's."""

    def __init__(self, parameter: str | None, message: str, allowed=None, status: int = 400, error: str = "", **values):
        super().__init__(parameter, message % values if values else message, allowed)
        self.status, self.template, self.values = status, message, values
        self.error = error or "invalid_parameter"


@dataclass(frozen=True)
class Catalog:
    """The codes one release knows: what each filter parameter may take."""

    release_id: str
    indicators: dict[str, str]  # code -> name
    areas: dict[str, str]  # ISO3 or aggregate code -> name
    groups: dict[str, str]  # region / income-group code -> name
    sources: dict[str, dict]  # id -> sources-table row
    ages: tuple[str, ...] = ()
    sexes: tuple[str, ...] = SEXES
    natures: tuple[str, ...] = NATURES
    years: tuple[int, int] | None = None  # first and last year of the values downloads carry (licence applied)
    aggregates: dict[str, str] = field(default_factory=dict)  # every region / aggregate code -> name
    files: dict[str, list[dict]] = field(default_factory=dict)  # source id -> its files {path, sha256, bytes}
    withheld: dict[str, str] = field(default_factory=dict)  # group code -> the unredistributable source of its members
    #: indicator -> what downloads hold of it (licence applied): observations, countries, first_year, last_year
    coverage: dict[str, dict] = field(default_factory=dict)

    def allowed(self, parameter: str) -> list[str]:
        """The values a list parameter accepts."""
        return sorted(getattr(self, LIST_FILTERS[parameter]))

    def licensed(self) -> tuple[str, ...]:
        """Ids of the sources whose licence allows redistribution (the only ones downloads carry)."""
        return tuple(sorted(s for s, row in self.sources.items() if redistributable(row)))

    def excluded_sources(self) -> list[str]:
        """Ids of the sources whose licence does not allow redistribution."""
        return sorted(s for s, row in self.sources.items() if not redistributable(row))


@dataclass(frozen=True)
class Query:
    """A validated observations request."""

    filter: ObservationFilter
    sort: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    offset: int = 0
    format: str = "json"
    release: str | None = None
    area_order: tuple[str, ...] = ()  # a sort by area_name follows these codes (a reader's language), else English

    def order_by(self) -> tuple[tuple[str, bool], ...]:
        """The requested sort, then the release's key: one order for every format and page, with no ties."""
        chosen = {column for column, _ in self.sort}
        return (*self.sort, *((column, True) for column in SORT_KEYS["observations"] if column not in chosen))


@by_release
def catalog(release: Release) -> Catalog:
    """The catalog of one release (cached: a release never changes once published)."""
    warehouse = get_warehouse()
    countries, regions, members, sources, files = (
        warehouse.table(release, t) for t in ("countries", "regions", "region_members", "sources", "source_files")
    )
    indicators = warehouse.indicators(release)
    aggregates = dict(zip(regions["code"], regions["name"], strict=True))
    areas = {**dict(zip(countries["iso3"], countries["name"], strict=True)), **aggregates}
    rows = {row["id"]: row for row in sources.astype(object).where(sources.notna(), None).to_dict("records")}
    # Members listed by a source that may not be redistributed stay on the pages, out of downloads and the API; so do
    # those whose source the release does not name (fail closed): "" where an older release names none (no source
    # column; no region_members table, where the countries columns are the only list), or null.
    listed = (members if "source" in members else members.assign(source=""))[["code", "source"]]
    shared = {s for s, row in rows.items() if redistributable(row)}
    withheld = {c: s for c, s in listed.fillna("").itertuples(index=False) if s not in shared}
    withheld |= dict.fromkeys(set(countries.to_numpy().ravel()) & set(aggregates) - set(members["code"]), "")
    # Only groups the filter can resolve: one whose members the release does not list would silently match nothing.
    groups = {code: name for code, name in aggregates.items() if code in set(members["code"]) - set(withheld)}
    for code in warehouse.observation_values(release, "iso3"):
        areas.setdefault(code, code)
    sexes = warehouse.observation_values(release, "sex")
    coverage = warehouse.indicator_coverage(release, ObservationFilter(licensed=tuple(sorted(shared))))
    return Catalog(
        release_id=release.id,
        indicators=dict(zip(indicators["code"], indicators["name"], strict=True)),
        areas=areas,
        groups=groups,
        sources=rows,
        ages=tuple(warehouse.observation_values(release, "age")),
        sexes=tuple(dict.fromkeys([*SEXES, *sexes])),
        years=(int(coverage["first_year"].min()), int(coverage["last_year"].max())) if len(coverage) else None,
        aggregates=aggregates,
        files=_files(files),
        withheld=withheld,
        coverage={row.pop("code"): row for row in coverage.astype(object).to_dict("records")},
    )


def _files(table) -> dict[str, list[dict]]:
    """The source_files table as {source id: [{path, sha256, bytes}]} (plain Python values, for JSON)."""
    files: dict[str, list[dict]] = {}
    for source, path, sha256, size in table[["source", "path", "sha256", "bytes"]].itertuples(index=False):
        files.setdefault(str(source), []).append({"path": str(path), "sha256": str(sha256), "bytes": int(size)})
    return files


def arguments(source: Mapping) -> dict[str, list[str]]:
    """Normalise a werkzeug MultiDict or a Dash `**query` dict into {name: [raw values]}."""
    if hasattr(source, "lists"):
        return {k: [str(v) for v in vs] for k, vs in source.lists()}
    listed = {str(k): v if isinstance(v, list | tuple) else [v] for k, v in source.items()}
    return {k: ["" if v is None else str(v) for v in vs] for k, vs in listed.items()}


def canonical(args: dict[str, list[str]]) -> dict[str, list[str]]:
    """The arguments with synonyms folded into their canonical parameter (`area` -> `country`)."""
    out = {name: list(values) for name, values in args.items() if name not in SYNONYMS}
    for synonym, name in SYNONYMS.items():
        if synonym in args:
            out[name] = out.get(name, []) + list(args[synonym])
    return out


def single(args: dict[str, list[str]], name: str) -> str | None:
    """The one value of a scalar parameter (None when absent)."""
    values = [v.strip() for v in args.get(name, []) if v.strip()]
    if len(values) > 1:
        raise ParamError(name, N_("%(name)s was given %(count)s times; give it once"), name=name, count=len(values))
    return values[0] if values else None


def release_param(args: dict[str, list[str]]) -> str | None:
    """The pinned release id, checked for shape only (whether it exists is the warehouse's answer)."""
    value = single(args, "release")
    if value is not None and not RELEASE_ID.match(value):
        raise ParamError(
            "release", N_("%(value)s is not a release id (e.g. r20260101T000000Z-0123abcd)"), value=echo(value)
        )
    return value


def check_names(args: dict[str, list[str]], allowed: Iterable[str]) -> None:
    """Reject parameters this endpoint does not understand (usually a typo that would silently be ignored)."""
    allowed = list(allowed)
    for name in args:
        if name not in allowed:
            raise ParamError(name, f"unknown parameter {echo(name)}", allowed=allowed, error="unknown_parameter")


def _number(args: dict[str, list[str]], name: str, low: int, high: int, digits: int = 12, message="") -> int | None:
    """A whole-number parameter from `low` to `high` (None when absent)."""
    value = single(args, name)
    if value is None:
        return None
    if not re.fullmatch(f"[0-9]{{1,{digits}}}", value) or not low <= int(value) <= high:
        message = message or N_("%(name)s must be a whole number from %(low)s to %(high)s, got %(value)s")
        raise ParamError(name, message, allowed=f"{low}-{high}", name=name, low=low, high=high, value=echo(value))
    return int(value)


def page_number(args: dict[str, list[str]]) -> int:
    """The /data preview page a link asks for (`page=`, 1 for the first; absent: 1)."""
    return _number(args, "page", 1, 10**9) or 1


def _year(args: dict[str, list[str]], name: str) -> int | None:
    message = N_("%(name)s must be a four-digit year between %(low)s and %(high)s, got %(value)s")
    return _number(args, name, YEAR_MIN, YEAR_MAX, 4, message)


def _flag(args: dict[str, list[str]], name: str) -> bool | None:
    """A true/false parameter (None when absent)."""
    value = single(args, name)
    if value is not None and value.lower() not in ("true", "false"):
        message = N_("%(name)s must be true or false, got %(value)s")
        raise ParamError(name, message, allowed=["true", "false"], name=name, value=echo(value))
    return None if value is None else value.lower() == "true"


def _codes(args: dict[str, list[str]], name: str, catalog: Catalog) -> tuple[tuple[str, ...], ParamError | None]:
    """The known codes a list parameter asks for, and the problem with the rest (None when there is none)."""
    allowed = catalog.allowed(name)
    known = set(allowed)
    values = []
    for item in args.get(name, []):
        # A whole value that is a known code stays whole (an age band may hold a comma); else it is split on commas.
        for part in [item.strip()] if item.strip() in known else item.split(","):
            part = part.strip()
            if name in ("country", "group") and part.upper() in known:
                part = part.upper()
            if part:
                values.append(part)
    values = list(dict.fromkeys(values))
    codes = tuple(v for v in values if v in known)[:MAX_VALUES]
    unknown = [v for v in values if v not in known]
    if len(values) > MAX_VALUES:
        message = N_("%(name)s has %(count)s values; at most %(most)s are accepted")
        return codes, ParamError(name, message, error="too_many_values", name=name, count=len(values), most=MAX_VALUES)
    if unknown and name == "group" and (code := unknown[0].upper()) in catalog.withheld:
        source = catalog.withheld[code]
        publisher = (catalog.sources[source].get("publisher") or source) if source in catalog.sources else None
        message = (
            N_(
                "group %(code)s cannot filter downloads: its member countries are listed by %(publisher)s "
                "(%(source)s), whose licence does not allow redistribution; use country=%(code)s for its own "
                "aggregate figures, or one of the groups in `allowed`"
            )
            if publisher
            else N_(
                "group %(code)s cannot filter downloads: its member countries are listed by a source this release "
                "does not name, so they count as not redistributable; use country=%(code)s for its own aggregate "
                "figures, or one of the groups in `allowed`"
            )
        )
        where = {"code": code, "publisher": publisher, "source": source}
        return codes, ParamError(name, message, allowed=allowed, error="not_redistributable", **where)
    if unknown and name == "group" and unknown[0].upper() in catalog.areas:
        code = unknown[0].upper()
        message = N_(
            "group %(value)s cannot filter countries: this release does not list its member countries; use "
            "country=%(code)s for its own aggregate figures, or one of the groups in `allowed`"
        )
        return codes, ParamError(name, message, allowed=allowed, error="unknown_value", value=echo(code), code=code)
    if unknown:
        message = (
            N_("unknown %(name)s %(value)s (see %(codes)s)") if name in CODE_LISTS else N_("unknown %(name)s %(value)s")
        )
        where = {"name": name, "value": echo(unknown[0]), "codes": CODE_LISTS.get(name)}
        return codes, ParamError(name, message, allowed=allowed, error="unknown_value", **where)
    return codes, None


def parse_filter(args: dict[str, list[str]], catalog: Catalog, strict: bool = True) -> tuple[ObservationFilter, list]:
    """The ObservationFilter the arguments ask for, and the problems found (strict: raise the first)."""
    args = canonical(args)
    values: dict = {}
    problems: list[ParamError] = []
    for name, attribute in LIST_FILTERS.items():
        values[attribute], problem = _codes(args, name, catalog)
        if problem:
            problems.append(problem)
    for name, parse in {"year_from": _year, "year_to": _year, "preferred": _flag}.items():
        try:
            values[name] = parse(args, name)
        except ParamError as exc:
            problems.append(exc)
    if values.get("year_from") and values.get("year_to") and values["year_from"] > values["year_to"]:
        message = N_("year_to (%(year_to)s) is before year_from (%(year_from)s)")
        problems.append(ParamError("year_to", message, year_to=values["year_to"], year_from=values["year_from"]))
        values["year_to"] = None
    if strict and problems:
        raise problems[0]
    # Downloads and the API carry only the sources whose licence allows redistribution.
    return ObservationFilter(**values, licensed=catalog.licensed()), problems


def parse_sort(value: str | None) -> tuple[tuple[str, bool], ...]:
    """`sort=-year,iso3` -> (("year", False), ("iso3", True)); columns must be observation columns."""
    if not value:
        return ()
    keys = []
    for part in value.split(","):
        part = part.strip()
        column = part.lstrip("-+")
        if column not in SORTABLE:
            raise ParamError("sort", N_("cannot sort by %(value)s"), allowed=list(SORTABLE), value=echo(column))
        if column in dict(keys):
            message = N_("sort names %(value)s twice; give each column once")
            raise ParamError("sort", message, allowed=list(SORTABLE), value=column)
        keys.append((column, not part.startswith("-")))
    if len(keys) > MAX_SORT_KEYS:
        message = N_("sort takes at most %(most)s columns, got %(count)s")
        raise ParamError("sort", message, allowed=list(SORTABLE), most=MAX_SORT_KEYS, count=len(keys))
    return tuple(keys)


def parse_query(args: dict[str, list[str]], catalog: Catalog, page_size_max: int) -> Query:
    """A strict, validated observations request (raises ParamError on the first problem)."""
    check_names(args, OBSERVATION_PARAMS)
    fmt = (single(args, "format") or "json").lower()
    if fmt not in FORMATS:
        raise ParamError("format", N_("unknown format %(value)s"), allowed=list(FORMATS), value=echo(fmt))
    where, _ = parse_filter(args, catalog, strict=True)
    limit = _number(args, "limit", 1, page_size_max if fmt == "json" else OFFSET_MAX)
    offset = _number(args, "offset", 0, OFFSET_MAX) or 0
    if fmt == "json" and limit is None:
        limit = min(DEFAULT_LIMIT, page_size_max)
    return Query(
        filter=where,
        sort=parse_sort(single(args, "sort")),
        limit=limit,
        offset=offset,
        format=fmt,
        release=release_param(args),
    )


def query_string(where: ObservationFilter, sort=(), **extra) -> str:
    """The canonical query string of a filter (comma-joined lists), shared by the page URL and download links."""
    pairs = [(name, ",".join(getattr(where, field))) for name, field in LIST_FILTERS.items() if getattr(where, field)]
    pairs += [(name, str(getattr(where, name))) for name in YEAR_FILTERS if getattr(where, name) is not None]
    if where.preferred is not None:
        pairs.append(("preferred", str(where.preferred).lower()))
    if sort:
        pairs.append(("sort", ",".join(("" if asc else "-") + column for column, asc in sort)))
    pairs += [(k, str(v)) for k, v in extra.items() if v not in (None, "")]
    return urlencode(pairs, safe=",")
