"""Format adapters: read one publisher file into the raw long table (etl/adapters/table.py), interpreting nothing."""
