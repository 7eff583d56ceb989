-- DuckDB (reads the streamed CSV straight from the API)
SELECT * FROM read_csv_auto('URL');
