"""Keep Dash's validation layout free of data, so that the index page never carries a stale release.

With `use_pages`, Dash renders every page's layout once, on a worker's first request, and embeds that whole tree
("validation_layout") in the config of every index page it serves afterwards, for the renderer to check that
callback ids exist. Ours would carry the first release's figures and text for the worker's whole life (and
made the index page 35 kB). The renderer only needs each component's id and type, so after Dash builds the
tree this replaces it with a skeleton holding exactly that.
"""

from __future__ import annotations

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
    """Replace the validation layout by its skeleton as soon as Dash has built it (on the first request)."""

    def strip_validation_layout() -> None:
        layout = app.validation_layout
        if layout is not None and not isinstance(layout, Skeleton):
            app.validation_layout = Skeleton(layout)

    app.server.before_request(strip_validation_layout)
