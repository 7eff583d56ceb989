"""Format adapters: read one publisher file into a raw long table, without interpreting values.

Every adapter has the signature `read(con, path, dataset, label) -> RawTable` (etl/adapters/formats.py
lists them). It loads the file's cells into the DuckDB connection `con` and defines the view `raw`: long,
one row per value, with the standard columns below (text exactly as written, never NULL, so that problems
can quote the original), plus `_row`: the 1-based row of the raw file the value came from (the line number
for CSV, the sheet row for Excel), used in every problem message, and `_order` (the value column's position
in wide files), which with `_row` gives file order.

    area     country name / ISO3 / M49 code as written (required)
    year     as written, e.g. "2019", "2019-2020", "2018 x" (required unless dataset.year is set)
    value    as written, e.g. "12.5", "1,282", "<5", "-" (required)
    indicator, sex, age, lower, upper, note   (optional)
    area_alt  a second spelling of the area (a name or M49 code) used when `area` is empty or unknown
              (OWID `Entity`, GLOTIP `Country`, UNSD hub `geoAreaCode`) (optional)
    area_type "aggregate" / "country" as the file says it (OWID empty Code, SOWC `row_type`, rows after an
              Excel "SUMMARY" marker); an aggregate unknown to aggregates.csv is dropped, not an error (optional)
    unit, scale  per-row unit and scale from a `value_columns` entry (optional; else the dataset's)
    _column   the source column a value came from, for wide files (years or value columns as columns)

Columns named in `dataset.filters` are carried as `filter:<name>` so that harmonise can filter on them.
`RawTable.source_columns` maps each standard column to the file's column name, for problem messages.
Formats and adapters are in etl/adapters/formats.py; how cells are read (years, values, sexes, ages, notes)
is in etl/adapters/cells.py.

`dataset.options` is the format's options model (etl/options.py: every option, its default and meaning; README.md
"Adding a dataset" shows them all, generated from those models).
Column names are compared with whitespace collapsed and, failing that, case-insensitively; Excel columns
may also be named by letter ("C"). Without `columns`, each format has default column names (e.g.
REF_AREA / TIME_PERIOD / OBS_VALUE for sdmx-csv), so `delta87 etl check FILE --format F` needs no entry.

Adapters add problems for what only they can see (undecodable bytes, a wrong delimiter, a missing required
column, a header row that is not where the registry says) and never raise for bad content.
"""
