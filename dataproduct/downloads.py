"""Downloads: one `Slice` (a query bound to a release) written as CSV, JSON, Parquet, Excel or a zip, same rows in each."""

from __future__ import annotations

import functools
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

from dataproduct import citation, readme
from dataproduct.params import Catalog, Query
from warehouse import Release, Warehouse
from warehouse.schema import DOWNLOAD

if TYPE_CHECKING:  # imported where used: otherwise every web worker would hold them for the few that export
    import pyarrow.parquet as pq
    from openpyxl import Workbook

SOURCE_COLUMNS = ["id", "publisher", "title", "edition", "url", "licence", "redistribution", "retrieved", "citation"]
FILE_COLUMNS = ["source", "path", "sha256", "bytes"]
#: The indicators table's coverage columns (their pandas types: a year may be missing).
COVERAGE = {"observations": "int64", "countries": "int64", "first_year": "Int32", "last_year": "Int32"}
INDICATOR_COLUMNS = ["code", "name", "unit", "sdg_indicator", "definition", "caveats", "sources"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}

#: Rows per Arrow batch when streaming CSV: small batches keep memory flat (Parquet uses 50k-row groups).
CSV_BATCH_ROWS = 10_000


@functools.cache
def dictionary() -> dict[str, str]:
    """What each column of a download holds (the data dictionary of every bundle and workbook): dictionary.yaml."""
    return yaml.safe_load((Path(__file__).parent / "dictionary.yaml").read_text(encoding="utf-8"))


class TooManyRows(ValueError):
    """A non-streaming format was asked for more rows than it can carry."""


@dataclass
class Slice:
    """A validated query bound to one verified release, with the row counts it implies."""

    warehouse: Warehouse
    release: Release
    catalog: Catalog
    query: Query
    url: str  # the exact URL that asked for this slice
    by_source: dict[str, int]  # matching rows per source, every licence

    @classmethod
    def build(cls, warehouse: Warehouse, release: Release, catalog: Catalog, query: Query, url: str) -> Slice:
        """Bind a query to a release and count what it matches, per source."""
        # Counted over every source, to tell how many rows the licence rule leaves out.
        counts = warehouse.count_observations_by_source(release, replace(query.filter, licensed=None))
        return cls(warehouse, release, catalog, query, url, counts)

    @property
    def total(self) -> int:
        """Matching rows a download may carry (licence applied; before limit/offset)."""
        return sum(self.by_source.get(s, 0) for s in self.catalog.licensed())

    @property
    def rows(self) -> int:
        """Rows this response carries (after offset and limit)."""
        remaining = max(0, self.total - self.query.offset)
        return remaining if self.query.limit is None else min(self.query.limit, remaining)

    def excluded(self) -> list[dict]:
        """The non-redistributable sources that matched the filter, with their publisher link and row count."""
        fields = ("publisher", "title", "url", "licence")
        return [
            {"id": s, **{f: self.catalog.sources[s].get(f) or "" for f in fields}, "rows": self.by_source[s]}
            for s in self.catalog.excluded_sources()
            if self.by_source.get(s)
        ]

    def licence_note(self) -> str:
        """One sentence per excluded source, for READMEs, workbooks and JSON."""
        notes = [
            f"{row['rows']:,} matching rows from {row['publisher']} ({row['title']}) are not included because its "
            f"licence does not allow redistribution; get them from the publisher: {row['url']}"
            for row in self.excluded()
        ]
        return " ".join(notes) or "No matching rows were left out for licence reasons."

    def batches(self, batch_rows: int = 50_000) -> Iterator[pa.RecordBatch]:
        """The slice's rows as Arrow batches, in the requested order."""
        return self.warehouse.observation_batches(
            self.release,
            self.query.filter,
            batch_rows=batch_rows,
            # Always sorted: joins and parallel scans do not keep the file's order, and a page must be one page.
            order_by=self.query.order_by(),
            limit=self.query.limit,
            offset=self.query.offset,
            named=True,
        )

    def frame(self) -> pd.DataFrame:
        """The slice's rows as a DataFrame (for paged JSON and Excel, both bounded in size)."""
        return self.warehouse.observations(
            self.release,
            self.query.filter,
            self.query.order_by(),
            self.query.limit,
            self.query.offset,
            named=True,
            area_order=self.query.area_order,
        )

    def sources(self) -> list[dict]:
        """Sources-table rows of the sources present in the slice, with their files and checksums."""
        return [
            {
                **{c: self.catalog.sources[s].get(c) for c in SOURCE_COLUMNS},
                "rows": self.by_source[s],
                "files": self.catalog.files.get(s, []),
            }
            for s in self.catalog.licensed()
            if s in self.by_source
        ]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The sources in the slice (and their files) and the indicators asked for (all, when none was)."""
        indicators = self.warehouse.indicators(self.release)
        if self.query.filter.indicators:
            indicators = indicators[indicators["code"].isin(self.query.filter.indicators)]
        sources = self.sources()
        files = [{"source": row["id"], **file} for row in sources for file in row["files"]]
        return {
            "sources": pd.DataFrame(sources, columns=[*SOURCE_COLUMNS, "rows"]),
            "source_files": pd.DataFrame(files, columns=FILE_COLUMNS),
            "indicators": indicators[INDICATOR_COLUMNS],
        }

    def metadata(self) -> dict:
        """Everything needed to cite and reproduce the slice, as plain JSON."""
        return {
            "release": self.release.id,
            "release_created": self.release.created,
            "query_url": self.url,
            "pinned_url": with_params(self.url, release=self.release.id),
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": self.rows,
            # area_name sorts by the English names the file carries, whatever the language of the page it came from
            "order": ", ".join(column + ("" if asc else " (descending)") for column, asc in self.query.order_by()),
            "excluded_sources": self.excluded(),
            "licence_note": self.licence_note(),
            "sources": self.sources(),
        }

    def filename(self, extension: str) -> str:
        """The attachment name: delta87-<the one indicator and the one area asked for, else observations>-<release>."""
        named = [codes[0] for codes in (self.query.filter.indicators, self.query.filter.areas) if len(codes) == 1]
        return f"delta87-{'-'.join(named or ['observations'])}-{self.release.id}.{extension}"


HEADER = (",".join(DOWNLOAD.names) + "\n").encode()
_NO_HEADER = pacsv.WriteOptions(include_header=False)


def _csv_chunk(batch: pa.RecordBatch) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(batch, sink, _NO_HEADER)
    return sink.getvalue()


def csv_stream(batches: Generator[pa.RecordBatch]) -> Iterator[bytes]:
    """CSV bytes: the header, then one chunk per Arrow batch (memory stays flat however many rows)."""
    try:
        yield HEADER
        yield from (_csv_chunk(batch) for batch in batches if batch.num_rows)
    finally:
        batches.close()  # release the warehouse cursor even when the client hangs up mid-stream


def records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-safe dicts (NaN/NA -> None, numpy scalars -> Python)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: v.item() if hasattr(v, "item") else v for k, v in row.items()} for row in clean.to_dict("records")]


def shareable(cat: Catalog, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A reference table as downloads and the API give it: memberships the catalog withholds (licence) left out,
    as region_members rows, as the countries columns naming such groups and as the groups' member counts; each
    indicator's coverage counted over the rows downloads hold."""
    if name == "indicators":
        held = [cat.coverage.get(code, {"observations": 0, "countries": 0}) for code in frame["code"]]
        return frame.assign(**pd.DataFrame(held, index=frame.index, columns=list(COVERAGE)).astype(COVERAGE))
    withheld = list(cat.withheld)
    if name == "region_members":
        return frame[~frame["code"].isin(withheld)]
    if name == "countries":
        return frame.drop(columns=[c for c in frame if frame[c].isin(withheld).any()])
    if name == "regions":
        return frame.assign(members=frame["members"].astype("Int64").where(~frame["code"].isin(withheld)))
    return frame


def parquet_writer(sink, metadata: dict) -> pq.ParquetWriter:
    """A Parquet writer whose file carries the slice metadata (release, query URL, exclusions)."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - see TYPE_CHECKING above

    schema = DOWNLOAD.with_metadata({"delta87": json.dumps(metadata, default=str)})
    return pq.ParquetWriter(sink, schema, compression="zstd")


def write_parquet(batches: Iterator[pa.RecordBatch], sink, metadata: dict) -> None:
    """Write batches as one Parquet file carrying the slice metadata."""
    with parquet_writer(sink, metadata) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _sheet(workbook: Workbook, title: str, header: list[str], rows) -> None:
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - see TYPE_CHECKING above
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415

    def cell(value):
        """A write-only cell that is never a formula and holds no character XML forbids."""
        if isinstance(value, float) and value != value:  # NaN
            value = None
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            made.data_type = "s"  # text from sources or URLs must not run as a formula
        return made

    sheet = workbook.create_sheet(title)
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])


def check_excel_rows(piece: Slice, max_rows: int) -> None:
    """TooManyRows when the slice is over the Excel row cap."""
    if piece.rows > max_rows:
        raise TooManyRows(
            f"Excel downloads carry at most {max_rows:,} rows and this query matches {piece.rows:,}; "
            "narrow the filters, page with limit/offset, or use format=csv or format=parquet (no row cap)"
        )


def xlsx_file(piece: Slice, max_rows: int) -> tempfile.SpooledTemporaryFile:
    """A workbook (data, metadata with release, query URL and licence note, dictionary, sources, indicators)."""
    # Write-only mode keeps memory flat but saves only a whole workbook: `max_rows` bounds the CPU time it takes.
    from openpyxl import Workbook  # noqa: PLC0415 - see TYPE_CHECKING above

    check_excel_rows(piece, max_rows)
    workbook = Workbook(write_only=True)
    data_rows = (row for batch in piece.batches() for row in zip(*batch.to_pydict().values(), strict=True))
    _sheet(workbook, "data", DOWNLOAD.names, data_rows)
    meta = piece.metadata()
    about = {
        "title": "Delta 8.7 observations (SDG target 8.7)",
        **{
            key: meta[key]
            for key in ("release", "release_created", "query_url", "generated", "rows", "order", "licence_note")
        },
        **{f"excluded_source:{row['id']}": f"{row['publisher']}: {row['url']}" for row in meta["excluded_sources"]},
        "how_to_cite": citation.bundle_citation(meta),  # the wording of CITATION.txt and "Cite this chart"
    }
    _sheet(workbook, "metadata", ["field", "value"], about.items())
    for name, frame in {"dictionary": dictionary_table(), **piece.tables()}.items():
        _sheet(workbook, name, list(frame.columns), frame.itertuples(index=False))
    sink = tempfile.SpooledTemporaryFile(max_size=32 << 20)
    workbook.save(sink)
    return sink


def dictionary_table() -> pd.DataFrame:
    """Column, Arrow type and meaning of every observations column of a download."""
    rows = [(name, str(DOWNLOAD.field(name).type), dictionary()[name]) for name in DOWNLOAD.names]
    return pd.DataFrame(rows, columns=["column", "type", "description"])


BUNDLE_FILES = {
    "data.csv": "the observations, one row per figure (indicator, area, year or period, sex, age, source and edition)",
    "data.parquet": "the same rows as Parquet (typed columns; the metadata is in the file's key-value metadata)",
    "dictionary.csv": "what each column holds",
    "indicators.csv": "name, unit, definition and caveats of each indicator",
    "sources.csv": "publisher, edition, URL, licence, retrieval date and citation of each source in the data",
    "source_files.csv": "the publisher files each source was read from, with their SHA-256 checksums and sizes",
    "metadata.json": "release id, query URL, row count, sources and licence exclusions, machine-readable",
    "CITATION.txt": "how to cite the data: each source's citation and the release",
    "load_pandas.py / load.R / load_duckdb.sql": "ready-to-run snippets that load the data",
}


def bundle(piece: Slice) -> tempfile.SpooledTemporaryFile:
    """The zip bundle of a slice: data.csv, data.parquet, dictionary, indicators, sources, metadata, README, snippets."""
    out = tempfile.SpooledTemporaryFile(max_size=32 << 20)
    write_zip(out, piece, "data", piece.tables(), BUNDLE_FILES, piece.metadata())
    out.seek(0)
    return out


def write_zip(out, piece: Slice, stem: str, tables: dict[str, pd.DataFrame], files: dict[str, str], meta: dict) -> None:
    """A zip download: the rows as <stem>.csv and <stem>.parquet, the tables as CSV, metadata, README, citation."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # The rows are read once; zipfile writes one entry at a time, so the Parquet file waits in a temporary file.
        with tempfile.TemporaryFile() as parquet:
            with archive.open(f"{stem}.csv", "w", force_zip64=True) as entry, parquet_writer(parquet, meta) as writer:
                entry.write(HEADER)
                for batch in piece.batches():
                    entry.write(_csv_chunk(batch))
                    writer.write_batch(batch)
            parquet.seek(0)
            with archive.open(f"{stem}.parquet", "w", force_zip64=True) as entry:
                shutil.copyfileobj(parquet, entry)
        for name, frame in {"dictionary": dictionary_table(), **tables}.items():
            archive.writestr(f"{name}.csv", frame.to_csv(index=False))
        archive.writestr("metadata.json", json.dumps(meta, indent=2, default=str))
        archive.writestr("README.md", readme.readme(meta, files, stem))
        archive.writestr("CITATION.txt", citation.bundle_citation(meta))
        for name, text in readme.loaders(stem).items():
            archive.writestr(name, text)


def with_params(url: str, **params: str) -> str:
    """`url` with some query parameters set (replacing earlier values)."""
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    pairs += params.items()
    return urlunsplit(parts._replace(query=urlencode(pairs, safe=",")))
