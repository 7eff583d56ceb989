"""One release per request: pin the release every query of a request reads, and name it in X-Delta87-Release.

Without the pin, a page that queries the warehouse three times could read two releases if a publish switched
CURRENT between the queries. `before_request` resolves the release once and pins it for the request (see
`warehouse.store.pin_release`), and `after_request` names that same release in the response header, so the header
always describes the content. The API resolves through the same pin and sets the header itself.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request

from warehouse import ReleaseError, get_warehouse
from warehouse.store import pin_release, unpin_release

log = logging.getLogger(__name__)

RELEASE_HEADER = "X-Delta87-Release"
#: Liveness must answer even when the data folder hangs or is gone, so it never touches it.
UNPINNED_PATHS = frozenset({"/healthz"})


def install(server: Flask) -> None:
    """Pin a release for every request and name it on every response."""
    server.before_request(_pin)
    server.after_request(_name)
    server.teardown_request(_unpin)


def request_release():
    """The release pinned for the current request, or None when none can be served."""
    return g.get("web_release")


def _pin() -> None:
    if request.path in UNPINNED_PATHS:
        return
    try:
        release = get_warehouse().resolve()
    except ReleaseError:
        release = None  # /readyz explains; pages and the API answer with their own "no release" message
    except OSError as exc:  # an unreadable data folder must not turn every page into a 500
        log.error("cannot read the warehouse folder: %s", exc)
        release = None
    g.web_release = release
    g.web_release_token = pin_release(release) if release is not None else None


def _name(response: Response) -> Response:
    release = g.get("web_release")
    if release is not None:
        response.headers.setdefault(RELEASE_HEADER, release.id)
    return response


def _unpin(_exc: BaseException | None) -> None:
    token = g.pop("web_release_token", None)
    if token is not None:
        try:
            unpin_release(token)
        except ValueError:  # created in another context: that context ends with the request anyway
            pass
