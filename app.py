"""Compose the Delta 8.7 web app: Dash pages, the shell, the API, the cache and error handling.

`server` is the WSGI application for gunicorn (`delta87 serve` runs `gunicorn app:server`).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc

import config
from dashboards import _shell
from web import cache


def create_app() -> dash.Dash:
    """Build a fresh app (tests build one per test)."""
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(config.ROOT / "dashboards"),
        assets_folder=str(config.ROOT / "assets"),
        title="Delta 8.7",
        update_title=None,
        serve_locally=True,
        external_stylesheets=[],
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = _shell.INDEX
    app.layout = _shell.layout
    cache.init_app(app.server)
    _ = dbc  # dash-bootstrap-components registers its JS bundle on import
    return app


app = create_app()
server = app.server

if __name__ == "__main__":  # development server only; production: `delta87 serve`
    app.run(host=config.settings().host, port=config.settings().port, debug=False)
