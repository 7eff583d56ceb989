"""The first visitors of a page after a publish: a worker builds each cached part once, the others wait for it."""

from __future__ import annotations

import threading

from dashboards import _data
from tests import factories as f
from web.release import request_release

BUILDS: list[str] = []
BUILDING = threading.Event()


@_data.memo
def _page(release, name: str) -> str:
    BUILDS.append(name)
    BUILDING.set()
    threading.Event().wait(0.3)  # a slow build: the other visitors arrive while it runs
    return f"{name} of {release.id}"


def test_concurrent_misses_of_one_entry_build_it_once(app, warehouse_root):
    release_id = f.make_release(
        warehouse_root, f.observations([{"indicator": "x", "iso3": "AAA", "year": 2020, "value": 1.0}])
    )
    BUILDS.clear()
    answers = []

    def visit(name: str) -> None:
        with app.server.test_request_context("/"):
            answers.append(_page(request_release(), name))

    visitors = [threading.Thread(target=visit, args=(name,)) for name in ("home", "home", "home", "about")]
    visitors[0].start()
    assert BUILDING.wait(10)
    for visitor in visitors[1:]:
        visitor.start()
    for visitor in visitors:
        visitor.join(10)
    assert sorted(answers) == [f"about of {release_id}"] + [f"home of {release_id}"] * 3
    assert sorted(BUILDS) == ["about", "home"], "each entry built once; other entries are not held up"
