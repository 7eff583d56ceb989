"""The ETL: the only writer of the warehouse. Reads raw snapshots, validates, harmonises, publishes."""

from etl.memory import use_system_allocator

use_system_allocator()  # before any large buffer: see etl/memory.py
