"""Dash page modules (registered with dash.register_page) and their private helpers (`_*.py`)."""
