"""One release per request (a publish between two queries never mixes releases), named in X-Delta87-Release.

A background thread re-hashes the verified releases every DELTA87_VERIFY_INTERVAL seconds, so bytes that rot on
disk while size and time stay the same are noticed (the worker then serves the last good release, degraded).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, Response, g, has_request_context, request

import config
from warehouse import Release, ReleaseError, get_warehouse

log = logging.getLogger(__name__)

RELEASE_HEADER = "X-Delta87-Release"
#: Liveness must answer even when the data folder hangs or is gone, so it never touches it.
UNPINNED_PATHS = frozenset({"/healthz"})


def install(server: Flask, start: bool = True) -> None:
    """Pin a release for every request and name it on every response; re-verify releases on a schedule, from now
    (`start`) or from the process's first answer: never in gunicorn's master, which builds the app, answers nothing
    and forks the workers (a thread does not survive a fork, and a lock it held would stay held in the workers)."""
    server.before_request(_pin)
    server.after_request(_name)
    if start:
        start_verifier()


_verifier: threading.Thread | None = None
_verifier_lock = threading.Lock()


def start_verifier() -> None:
    """Start this process's background re-verification (once, whatever the number of apps built)."""
    global _verifier
    with _verifier_lock:
        if _verifier is None or not _verifier.is_alive():
            _verifier = threading.Thread(target=_reverify_forever, name="delta87-verify", daemon=True)
            _verifier.start()


def _reverify_forever() -> None:
    last = time.monotonic()
    while True:
        time.sleep(1.0)  # short steps: a changed interval setting applies within a second
        if time.monotonic() - last < config.settings().verify_interval:
            continue
        last = time.monotonic()
        try:
            get_warehouse().releases.recheck()
        except Exception:  # noqa: BLE001 - the schedule must outlive any one failure, which it logs
            log.exception("background re-verification failed")


def request_release() -> Release:
    """The release the current request reads, resolved once (the release current now outside a request)."""
    if not has_request_context():
        return get_warehouse().releases.current()
    if "release" not in g:
        _pin()
    if g.release is None:
        raise g.release_error
    return g.release


def _pin() -> None:
    if request.path in UNPINNED_PATHS:
        return
    g.release, g.release_error = None, None
    try:
        g.release = get_warehouse().releases.current()
    except ReleaseError as exc:  # /readyz explains; pages and the API answer with their own "no release" message
        g.release_error = exc
    except OSError as exc:  # an unreadable data folder must not turn every page into a 500
        log.error("cannot read the warehouse folder: %s", exc)
        g.release_error = ReleaseError(f"cannot read the warehouse folder: {exc}")


def _name(response: Response) -> Response:
    start_verifier()
    release = g.get("release")
    if release is not None:
        response.headers.setdefault(RELEASE_HEADER, release.id)
    return response
