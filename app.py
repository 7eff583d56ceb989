"""Compose the Delta 8.7 web app: Dash pages, the shell, the API, the cache and error handling.

`delta87 serve` runs gunicorn on `app:wsgi()`, which builds the app once for all its workers.
"""

from __future__ import annotations

import gc

import dash
import dash_bootstrap_components as dbc
import flask
from dash.development.base_component import Component

import api
import config
import web
from dashboards import _feed, _shell
from warehouse import get_warehouse
from web import plotlyjs


def create_app(forking: bool = False) -> dash.Dash:
    """Build an app that is ready to serve (tests build one per test); `forking`: in gunicorn's master, which forks
    the workers from it, so it starts no background thread (each worker starts its own at its first answer)."""
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(config.ROOT / "dashboards"),
        assets_folder=str(config.ROOT / "assets"),
        title="Delta 8.7",
        update_title=None,
        serve_locally=True,
        external_stylesheets=[],
        assets_path_ignore=["^plotly$"],  # assets/vendor/plotly: loaded by the graphs themselves (web/plotlyjs.py)
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = _shell.INDEX
    app.layout = _shell.layout
    plotlyjs.install(app)  # the partial plotly.js bundle, answered before any other hook
    web.install(app, threads=not forking)  # cache, release pinning, health, errors, security headers, compression
    api.init_app(app.server)
    _shell.register(app)  # menu toggler, current-section links, HTTP 404 for unknown pages and codes
    _feed.register(app.server)  # /forum/feed.xml
    _ = dbc  # dash-bootstrap-components registers its JS bundle on import
    _finish_setup(app)
    return app


def _finish_setup(app: dash.Dash) -> None:
    """Run Dash's first-request set-up now, so that no request ever meets a half-built app.

    Dash fills its callback map and registers the pages router in before-request hooks that mark themselves
    done before they finish; with threaded workers a request arriving meanwhile found its callback "unknown".
    Running the hooks here, before the app is handed to the server, leaves nothing to race.
    """
    with app.server.test_request_context("/"):
        app.server.preprocess_request()
    app.validation_layout = Skeleton(app.validation_layout)


class Skeleton:
    """Dash's validation layout without its data: every component with an id, flattened, with its type only.

    Dash renders every page once to build this tree and embeds it in every index page it serves, for the
    renderer to check that callback ids exist; the renderer needs only each component's id and type, not the
    first release's figures and text.
    """

    def __init__(self, layout: Component | None):
        nodes = [layout, *layout._traverse()] if isinstance(layout, Component) else []
        self.components = [
            {"type": c._type, "namespace": c._namespace, "props": {"id": c.id}}
            for c in nodes
            if isinstance(c, Component) and getattr(c, "id", None) is not None
        ]

    def to_plotly_json(self) -> dict:
        return {"type": "Div", "namespace": "dash_html_components", "props": {"children": self.components}}


def wsgi() -> flask.Flask:
    """The WSGI application of `delta87 serve`, built once in gunicorn's master before it forks the workers.

    Building the app queries the release (Dash renders every page once); the DuckDB connection that opened is
    closed, so no worker inherits it (each opens its own). Freezing the objects built so far keeps the workers'
    garbage collector from writing to, and so copying, the memory they share.
    """
    server = create_app(forking=True).server
    get_warehouse().close()
    gc.freeze()
    return server


if __name__ == "__main__":  # development server only; production: `delta87 serve`
    create_app().run(host=config.settings().host, port=config.settings().port, debug=False)
