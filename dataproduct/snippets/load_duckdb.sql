-- Load the Delta 8.7 download with DuckDB (duckdb CLI: .read load_duckdb.sql).
CREATE OR REPLACE VIEW observations AS SELECT * FROM read_parquet('STEM.parquet');
SELECT indicator, count(*) AS rows, min(year) AS first_year, max(year) AS last_year
FROM observations GROUP BY indicator ORDER BY indicator;
