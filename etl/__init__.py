"""The ETL: the only writer of the warehouse. Reads raw snapshots, validates, harmonises, publishes."""
