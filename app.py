"""Compose the Delta 8.7 web app: Dash pages, the shell, the API, the cache and error handling.

`server` is the WSGI application for gunicorn (`delta87 serve` runs `gunicorn app:server`).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import _callback

import api
import config
import web
from dashboards import _shell


def create_app() -> dash.Dash:
    """Build a fresh app (tests build one per test)."""
    # Page modules are re-executed by every Dash(use_pages=True) and register their @callback functions again;
    # drop the copies an earlier, never-served app left in Dash's global registry (pages are the only modules
    # that use @callback; the shell binds its callbacks to the app).
    _callback.GLOBAL_CALLBACK_LIST.clear()
    _callback.GLOBAL_CALLBACK_MAP.clear()
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
    web.install(app)  # cache, release pinning, health, errors, security headers, compression
    api.init_app(app.server)
    _shell.register(app)  # menu toggler, current-section links, HTTP 404 for unknown pages and codes
    _ = dbc  # dash-bootstrap-components registers its JS bundle on import
    return app


app = create_app()
server = app.server

if __name__ == "__main__":  # development server only; production: `delta87 serve`
    app.run(host=config.settings().host, port=config.settings().port, debug=False)
