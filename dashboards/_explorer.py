"""Helpers of the /data explorer: filter controls, URL <-> filter state, the preview slice and download links.

The page speaks the API's query language (dataproduct/params.py): its URL query is the API's filters and sort plus
`page` (the preview page) and `lang`, which only the page takes; each download link is the API URL of the same filters
and sort, so it returns exactly the rows the page shows.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import ngettext

from dashboards import _data
from dashboards._words import age_word, dropdown, word
from dataproduct import labels
from dataproduct.downloads import Slice
from dataproduct.downloads import records as json_records
from dataproduct.params import (
    API_PREFIX,
    DEFAULT_LIMIT,
    FILTER_PARAMS,
    LIST_FILTERS,
    SYNONYMS,
    YEAR_FILTERS,
    YEAR_MAX,
    YEAR_MIN,
    Catalog,
    ParamError,
    Query,
    arguments,
    canonical,
    page_number,
    parse_filter,
    parse_sort,
    query_string,
)
from warehouse import ObservationFilter, Release, Warehouse
from warehouse.schema import DOWNLOAD, redistributable
from web import i18n
from web.i18n import N_

PAGE_SIZE = 25
#: Columns of the preview table: a download's (source_file is in every download, but too long to preview).
COLUMNS = [c for c in DOWNLOAD.names if c != "source_file"]
#: The preview's headings in the reader's language; downloads keep the column ids (described in dictionary.csv).
HEADINGS = {
    "indicator": N_("Indicator"),
    "iso3": N_("Code"),
    "area_name": N_("Country or area"),
    "year": N_("Year"),
    "year_start": N_("First year"),
    "year_end": N_("Last year"),
    "period": N_("Period"),
    "sex": N_("Sex"),
    "age": N_("Age"),
    "age_nonstandard": N_("Non-standard age"),
    "value": N_("Value"),
    "lower": N_("Lower bound"),
    "upper": N_("Upper bound"),
    "precision": N_("Rounding step"),
    "qualifier": N_("Qualifier"),
    "unit": N_("Unit"),
    "nature": N_("Nature"),
    "censored": N_("Suppressed small value"),
    "source": N_("Source"),
    "edition": N_("Edition"),
    "survey": N_("Survey"),
    "note": N_("Note"),
    "comparability": N_("Comparability"),
    "preferred": N_("Headline row"),
}
#: Parameters of the page's URL that are not filters: sort, the preview page, the pinned release and the language.
PAGE_PARAMS = ("sort", "page", "release", "lang")
#: Parameters of the API's URL that the page has no use for: it shows every row and links every format.
API_ONLY = ("format", "limit", "offset")
CHECKLISTS = ("sex", "nature")  # short fixed lists: checkboxes are easier than a dropdown
LABELS = {
    "indicator": N_("Indicators"),
    "country": N_("Countries or aggregates"),
    "group": N_("Member countries of a region or income group"),
    "age": N_("Age band"),
    "source": N_("Source"),
    "sex": N_("Sex"),
    "nature": N_("Nature of the figure"),
    "year_from": N_("From year"),
    "year_to": N_("To year"),
    "preferred": N_("Headline rows"),
}
#: The `preferred` filter's choices: every row, only the row each page shows per indicator and area, the others.
PREFERRED = {
    "": N_("All rows"),
    "true": N_("Only the headline row of each indicator and place (the figure the pages show)"),
    "false": N_("Only the other rows"),
}
FORMATS = [
    ("csv", "CSV"),
    ("xlsx", N_("Excel")),
    ("parquet", N_("Parquet")),
    ("json", N_("JSON (paged)")),
    ("zip", N_("Zip bundle")),
]


def control_id(name: str) -> str:
    return f"data-{name.replace('_', '-')}"


# -- options ---------------------------------------------------------------------------------------------
def _restricted_indicators(cat: Catalog, release: Release) -> set[str]:
    """Indicators all of whose sources forbid redistribution (listed, but never downloadable)."""
    frame = _data.indicators(release)
    blocked = set(cat.excluded_sources())
    return {
        code
        for code, sources in zip(frame["code"], frame["sources"].fillna(""), strict=True)
        if sources and set(s.strip() for s in sources.split(",") if s.strip()) <= blocked
    }


def options(cat: Catalog, release: Release) -> dict[str, list[dict]]:
    """Dropdown / checklist options per filter parameter."""
    restricted = _restricted_indicators(cat, release)
    names = _data.indicators(release)["name"].to_dict()  # in the page's language
    areas = _data.area_names(release)
    indicator = [
        {
            "label": f"{name} ({code})" + (_(" – not downloadable (licence)") if code in restricted else ""),
            "value": code,
        }
        for code, name in sorted(
            ((code, names.get(code, name)) for code, name in cat.indicators.items()), key=lambda kv: str(kv[1]).lower()
        )
    ]
    regions = {**cat.aggregates, **cat.groups}
    countries = sorted((areas.get(c, n), c) for c, n in cat.areas.items() if c not in regions)
    aggregates = sorted((areas.get(c, n), c) for c, n in regions.items())
    return {
        "indicator": indicator,
        "country": [{"label": f"{n} ({c})", "value": c} for n, c in countries + aggregates],
        "group": [{"label": f"{n} ({c})", "value": c} for n, c in aggregates if c in cat.groups],
        "age": [{"label": age_word(a), "value": a} for a in cat.ages],
        "source": [
            {
                "label": f"{row.get('title') or s} ({s})" + ("" if redistributable(row) else _(" – not downloadable")),
                "value": s,
            }
            for s, row in sorted(cat.sources.items())
        ],
        "sex": [{"label": word(s), "value": s} for s in cat.sexes],
        "nature": [{"label": word(n), "value": n} for n in cat.natures],
    }


def controls(cat: Catalog, release: Release, values: dict) -> dbc.Row:
    """The filter controls, each labelled, pre-set from the URL."""
    opts = options(cat, release)
    cols = []
    for name in LIST_FILTERS:
        width = 12 if name in ("indicator", "country") else 6
        control = (
            _checklist(name, opts[name], values[name])
            if name in CHECKLISTS
            else _dropdown(name, opts[name], values[name])
        )
        cols.append(dbc.Col(control, md=width, lg=width if width == 12 else 4, className="mb-3"))
    lo, hi = cat.years or (YEAR_MIN, YEAR_MAX)
    lo, hi = max(lo, YEAR_MIN), min(hi, YEAR_MAX)  # the years a filter accepts
    for name in YEAR_FILTERS:
        cols.append(dbc.Col(_year(name, values[name], lo, hi), xs=6, lg=2, className="mb-3"))
    preferred = [{"label": _(label), "value": value} for value, label in PREFERRED.items()]
    cols.append(dbc.Col(_checklist("preferred", preferred, values["preferred"], dcc.RadioItems), className="mb-3"))
    return dbc.Row(cols, id="data-filters")


def _checklist(name: str, options: list[dict], value, kind=dcc.Checklist) -> html.Fieldset:
    # A fieldset + legend names the group of checkboxes (or radio buttons) for screen readers.
    checklist = kind(
        id=control_id(name), options=options, value=value, inline=True, inputClassName="me-1", labelClassName="me-3"
    )
    return html.Fieldset([html.Legend(_(LABELS[name]), className="form-label fs-6 mb-2"), checklist])


def _dropdown(name: str, options: list[dict], value: list) -> list:
    label = html.Label(_(LABELS[name]), htmlFor=control_id(name), className="form-label")
    return [label, dropdown(id=control_id(name), options=options, value=value, multi=True, placeholder=_("Any"))]


def _year(name: str, value: int | None, lo: int, hi: int) -> list:
    placeholder = str(lo if name == "year_from" else hi)
    field = dcc.Input(
        id=control_id(name),
        type="number",
        min=lo,
        max=hi,
        step=1,
        value=value,
        debounce=True,
        className="form-control",
        placeholder=placeholder,
    )
    return [html.Label(_(LABELS[name]), htmlFor=control_id(name), className="form-label"), field]


# -- URL <-> state -----------------------------------------------------------------------------------------
def state_from_query(query: dict, cat: Catalog) -> tuple[dict, list[dict], int, list[str]]:
    """Control values, table sort_by, preview page (0 first) and readable problems from the page's URL query (bad
    values dropped)."""
    args = canonical(arguments({k: v for k, v in query.items() if k in (*FILTER_PARAMS, *SYNONYMS, "sort", "page")}))
    where, problems = parse_filter(args, cat, strict=False)
    messages = [said(p) for p in problems]
    messages += [
        _("%(k)s is a parameter of the API and downloads, not of this page: ignored", k=repr(k))
        if k in API_ONLY
        else _("ignored unknown parameter %(k)s", k=repr(k))
        for k in query
        if k not in (*FILTER_PARAMS, *SYNONYMS, *PAGE_PARAMS)
    ]
    sort, page = (), 1
    try:
        sort = parse_sort(",".join(args.get("sort", [])))
    except ParamError as exc:
        messages.append(said(exc))
    try:
        page = page_number(args)
    except ParamError as exc:
        messages.append(said(exc))
    values = {name: list(getattr(where, attr)) for name, attr in LIST_FILTERS.items()}
    values.update({name: getattr(where, name) for name in YEAR_FILTERS})
    values["preferred"] = "" if where.preferred is None else str(where.preferred).lower()
    return values, sort_by_from(sort), page - 1, messages


def args_from_values(values: dict) -> dict[str, list[str]]:
    """Raw API arguments from control values (anything a browser could send is accepted here)."""
    args: dict[str, list[str]] = {}
    for name in LIST_FILTERS:
        raw = values.get(name)
        raw = raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]
        args[name] = [str(v) for v in raw if isinstance(v, str | int | float)]
    for name in YEAR_FILTERS:
        raw = values.get(name)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
            args[name] = [str(int(raw))]
        elif isinstance(raw, str) and raw.strip():
            args[name] = [raw.strip()]
    if values.get("preferred") in ("true", "false"):
        args["preferred"] = [values["preferred"]]
    return args


def sort_from(sort_by) -> tuple[tuple[str, bool], ...]:
    """DataTable sort_by -> warehouse sort keys (unknown columns dropped)."""
    keys = []
    for item in sort_by or []:
        if isinstance(item, dict) and item.get("column_id") in COLUMNS:
            keys.append((item["column_id"], item.get("direction") != "desc"))
    return tuple(dict(keys).items())[:5]


def sort_by_from(sort) -> list[dict]:
    return [{"column_id": c, "direction": "asc" if asc else "desc"} for c, asc in sort]


# -- the slice and what the page says about it --------------------------------------------------------------
def preview(
    warehouse: Warehouse, release: Release, cat: Catalog, args: dict, sort, page: int
) -> tuple[Slice, list[str]]:
    """The page of rows to preview, with messages for values that were dropped."""
    where, problems = parse_filter(args, cat, strict=False)
    offset = max(0, page) * PAGE_SIZE
    query = Query(where, sort, PAGE_SIZE, offset, "json", area_order=_area_order(release, sort))
    return Slice.build(warehouse, release, cat, query, ""), [said(p) for p in problems]


def said(problem: ParamError) -> str:
    """A parameter's problem in the page's language (the API's English where the message has no translation)."""
    return _(problem.template, **problem.values)


def _area_order(release: Release, sort) -> tuple[str, ...]:
    """Area codes in the alphabetical order of the page's language, when the preview is sorted by area name."""
    if i18n.lang() == i18n.DEFAULT or "area_name" not in dict(sort):
        return ()  # the warehouse sorts by the English names
    return tuple(pd.Series(_data.area_names(release)).sort_values(key=labels.sort_key).index)


def search(piece: Slice) -> str:
    """The page's URL query for the slice: filters, sort and the preview page (`page=2`: the second)."""
    page = piece.query.offset // PAGE_SIZE
    text = query_string(piece.query.filter, piece.query.sort, page=page + 1 if page else None)
    return f"?{text}" if text else ""


def count_text(piece: Slice) -> list:
    """'N rows match' plus what the licence filter left out, with publisher links."""
    parts: list = [
        html.Strong(i18n.decimal(piece.total, 0)),
        ngettext(" row matches these filters.", " rows match these filters.", piece.total),
    ]
    for row in piece.excluded():
        parts += [
            _(
                " %(rows)s more rows from %(publisher)s (%(title)s) are not shown here or in downloads because the licence does not allow redistribution; the dashboards show them with attribution. Publisher: ",
                rows=i18n.decimal(row["rows"], 0),
                publisher=row["publisher"],
                title=row["title"],
            ),
            html.A(row["url"], href=row["url"], rel="noopener"),
            ".",
        ]
    return parts


def download_links(piece: Slice, max_rows_xlsx: int) -> list:
    """One link per format to the API URL with the same filters, pinned to the release shown."""
    text = query_string(piece.query.filter, piece.query.sort)
    links = []
    for fmt, label in FORMATS:
        extra = {"format": fmt, "release": piece.release.id, "limit": DEFAULT_LIMIT if fmt == "json" else None}
        href = f"{API_PREFIX}/observations?" + "&".join(
            p for p in (text, query_string(ObservationFilter(), **extra)) if p
        )
        too_big = fmt == "xlsx" and piece.total > max_rows_xlsx
        links.append(
            html.A(
                _(label),
                href=None if too_big else href,
                id=f"data-download-{fmt}",
                className="btn btn-sm me-2 mb-2 "
                + ("btn-outline-secondary disabled" if too_big else "btn-outline-primary"),
                title=_(
                    "Excel holds at most %(max_rows_xlsx)s rows: use CSV or Parquet",
                    max_rows_xlsx=i18n.decimal(max_rows_xlsx, 0),
                )
                if too_big
                else _("Download as %(label)s", label=_(label)),
                **({"aria-disabled": "true"} if too_big else {}),
            )
        )
    if piece.query.area_order:  # the preview sorts by the names in the page's language
        note = _("Downloads sort by the English area names they carry: their rows may come in another order.")
        links.append(html.Small(note, className="d-block text-body-secondary", id="data-download-order"))
    return links


def records(piece: Slice) -> list[dict]:
    """Preview rows for the DataTable (JSON-safe)."""
    return json_records(piece.frame()[COLUMNS])


def page_count(piece: Slice) -> int:
    return max(1, -(-piece.total // PAGE_SIZE))
