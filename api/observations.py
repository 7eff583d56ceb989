"""The observations endpoint (csv streamed, json paged, parquet, xlsx, zip bundle) and the bulk release download."""

from __future__ import annotations

import tempfile

from flask import Response, request

import config
from api.responses import (
    EXCLUDED_HEADER,
    bp,
    error_response,
    etag_for,
    json_response,
    not_modified,
    release_only,
    request_args,
    resolve,
)
from dataproduct import bulk as bulk_files
from dataproduct import downloads
from dataproduct.params import ParamError, catalog, parse_query
from web.limits import heavy_slot


@bp.get("/observations")
def observations() -> Response:
    """Observations matching the filters, in the requested format, licence-restricted sources left out."""
    args = request_args()
    warehouse, release = resolve(args)
    cat = catalog(release)
    query = parse_query(args, cat, config.settings().page_size_max)
    etag = etag_for(release)
    cached = not_modified(etag)
    if cached is not None:
        return cached
    piece = downloads.Slice.build(warehouse, release, cat, query, request.url)
    head = request.method == "HEAD" and query.format in BUILT
    try:
        response = (_unbuilt if head else _FORMATS[query.format])(piece)
    except downloads.TooManyRows as exc:
        return error_response(ParamError("format", str(exc), ["csv", "parquet", "zip"], error="too_many_rows"))
    response.set_etag(etag)
    response.headers["X-Total-Count"] = str(piece.total)
    _name_excluded(response, piece)
    return response


def _name_excluded(response: Response, piece: downloads.Slice) -> None:
    """`id <publisher url>` for each left-out source (ASCII only: HTTP headers are latin-1)."""
    text = ", ".join(f"{row['id']} <{row['url']}>" for row in piece.excluded())
    if text:
        response.headers[EXCLUDED_HEADER] = text.encode("ascii", "ignore").decode()


def _json(piece: downloads.Slice) -> Response:
    query = piece.query
    data = downloads.records(piece.frame())
    links = {"self": piece.url, "first": downloads.with_params(piece.url, offset="0")}
    if query.offset + len(data) < piece.total:
        links["next"] = downloads.with_params(piece.url, offset=str(query.offset + query.limit))
    if query.offset > 0:  # past the end, "prev" is the last page that holds rows
        last = max(0, (piece.total - 1) // query.limit * query.limit)
        links["prev"] = downloads.with_params(piece.url, offset=str(max(0, min(query.offset - query.limit, last))))
    payload = {
        "release": piece.release.id,
        "total": piece.total,
        "limit": query.limit,
        "offset": query.offset,
        "count": len(data),
        "links": links,
        "excluded_sources": piece.excluded(),
        "licence_note": piece.licence_note(),
        "data": data,
    }
    response = json_response(payload)
    response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if rel != "self")
    return response


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(piece: downloads.Slice) -> Response:
    # Small batches keep the worker's memory flat.
    body = _primed(downloads.csv_stream(piece.batches(downloads.CSV_BATCH_ROWS)))  # no request context needed
    return _attachment(Response(body, mimetype="text/csv"), piece.filename("csv"))


def _primed(chunks):
    """Run the query before the status line goes out, so a failure still answers as JSON, not a cut stream."""
    header = next(chunks)
    first = next(chunks, None)  # executes the query

    def stream():
        try:
            yield header
            if first is not None:
                yield first
            yield from chunks
        finally:
            chunks.close()  # releases the DuckDB cursor even when the client hangs up

    return stream()


def _parquet(piece: downloads.Slice) -> Response:
    sink = tempfile.SpooledTemporaryFile(max_size=32 << 20)
    downloads.write_parquet(piece.batches(), sink, piece.metadata())
    sink.seek(0)
    return _file(sink, downloads.MEDIA_TYPES["parquet"], piece.filename("parquet"))


def _xlsx(piece: downloads.Slice) -> Response:
    max_rows = config.settings().max_rows_xlsx
    downloads.check_excel_rows(piece, max_rows)  # a query too large for Excel is told so even when busy
    with heavy_slot():
        workbook = downloads.xlsx_file(piece, max_rows)
    return _file(workbook, downloads.MEDIA_TYPES["xlsx"], piece.filename("xlsx"))


def _zip(piece: downloads.Slice) -> Response:
    with heavy_slot():
        bundle = downloads.bundle(piece)
    return _file(bundle, downloads.MEDIA_TYPES["zip"], piece.filename("zip"))


def _file(handle, mimetype: str, filename: str) -> Response:
    """Send an open file in chunks, closing it (a temporary one is then deleted) once sent or abandoned."""
    size = handle.seek(0, 2)
    handle.seek(0)

    def chunks():
        try:
            while block := handle.read(1 << 16):
                yield block
        finally:
            handle.close()

    response = _attachment(Response(chunks(), mimetype=mimetype), filename)
    response.content_length = size
    return response


_FORMATS = {"json": _json, "csv": _csv, "parquet": _parquet, "xlsx": _xlsx, "zip": _zip}
#: Formats written whole before the first byte goes out: a HEAD request gets their headers without the work.
BUILT = ("parquet", "xlsx", "zip")


def _unbuilt(piece: downloads.Slice) -> Response:
    """The headers a GET would send (but Content-Length, unknown until the file is written), with no file built."""
    fmt = piece.query.format
    if fmt == "xlsx":
        downloads.check_excel_rows(piece, config.settings().max_rows_xlsx)  # the same 400 as a GET
    return _headers(downloads.MEDIA_TYPES[fmt], piece.filename(fmt))


def _headers(mimetype: str, filename: str, size: int | None = None) -> Response:
    """A bodiless attachment response (for HEAD); Content-Length only when `size` is known."""
    response = _attachment(Response(iter(()), mimetype=mimetype), filename)
    if size is not None:
        response.content_length = size
    return response


@bp.get("/bulk")
def bulk() -> Response:
    """The whole release as one zip (Parquet + CSV + metadata), built once per release, redistributable sources only.
    HEAD never builds it: its headers, with Content-Length once it has been built."""
    warehouse, release, etag, cached = release_only()
    if cached is not None:
        return cached
    if request.method == "HEAD":
        path = bulk_files.bulk_path(release)
        response = _headers("application/zip", path.name, path.stat().st_size if path.is_file() else None)
    else:
        path = bulk_files.bulk_zip(warehouse, release)
        response = _file(open(path, "rb"), "application/zip", path.name)  # noqa: SIM115 - closed by _file once sent
    response.set_etag(etag)
    _name_excluded(response, bulk_files.whole_release(warehouse, release))
    return response
