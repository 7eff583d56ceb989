"""The data product shared by the HTTP API and the /data page: query parameters, downloads, the bulk zip.

`params` turns a query string into a validated `Query` (the same vocabulary on both); `downloads` writes a
slice of one release as CSV, JSON, Parquet, Excel or a zip bundle; `bulk` writes the whole release once.
"""
