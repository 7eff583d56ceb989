"""Dash's first-request set-up, done once and whole before any request is answered; a data-free validation layout.

With `use_pages`, Dash renders every page's layout once, on a worker's first request, and embeds that whole tree
("validation_layout") in the config of every index page it serves afterwards, for the renderer to check that
callback ids exist. Ours would carry the first release's figures and text for the worker's whole life (and
made the index page 35 kB). The renderer only needs each component's id and type, so after Dash builds the
tree this replaces it with a skeleton holding exactly that.

Dash's first-request hooks (`_setup_server`, which fills the callback map, and the pages router) each set their
"done" flag before doing their work, so with threaded workers a second request arriving meanwhile ran against a
half-built callback map: its callback was "unknown" (a 400). That happened under load whenever gunicorn recycled
a worker (--max-requests). Here the hooks run as one unit under a lock, and requests wait until it has finished.
"""

from __future__ import annotations

import threading

import dash
from dash.development.base_component import Component


class Skeleton:
    """A data-free stand-in for a Dash layout: every component with an id, flattened, with its type only."""

    def __init__(self, layout: Component):
        nodes = [layout, *layout._traverse()] if isinstance(layout, Component) else []
        self.components = [
            {"type": c._type, "namespace": c._namespace, "props": {"id": c.id}}
            for c in nodes
            if isinstance(c, Component) and getattr(c, "id", None) is not None
        ]

    def to_plotly_json(self) -> dict:
        return {"type": "Div", "namespace": "dash_html_components", "props": {"children": self.components}}


def install(app: dash.Dash) -> None:
    """Run Dash's first-request hooks once, whole, under a lock; then replace the validation layout by its
    skeleton. Call after Dash has registered its hooks (i.e. after `dash.Dash(...)`)."""
    hooks = app.server.before_request_funcs.setdefault(None, [])
    dash_hooks = [f for f in hooks if getattr(f, "__module__", "").startswith("dash.")]
    lock = threading.Lock()
    done = False

    def first_request_setup() -> None:
        nonlocal done
        if done:
            return
        with lock:
            if done:  # another thread finished it while this one waited
                return
            for hook in dash_hooks:
                hook()
            layout = app.validation_layout
            if layout is not None and not isinstance(layout, Skeleton):
                app.validation_layout = Skeleton(layout)
            done = True

    at = min((hooks.index(f) for f in dash_hooks), default=len(hooks))
    hooks[:] = [f for f in hooks if f not in dash_hooks]
    hooks.insert(at, first_request_setup)
