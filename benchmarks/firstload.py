"""First-load transfer: what headless Chromium downloads to open the overview page with an empty browser cache.

Chromium's DevTools log gives every request of the page load (URL, method, POST body) and the bytes it received
(brotli, since browsers offer it). Each request is then replayed with `Accept-Encoding: gzip` and with no
compression, so the same page load is measured three ways (headers included only in the browser figure).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import time
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--window-size=1366,900")  # fmt: skip


def first_load(port: int, path: str = "/", quiet: float = 2.0, limit: float = 30.0) -> dict:
    """Open `path` in a fresh headless Chromium; the requests it made and their sizes (bytes)."""
    if not shutil.which("chromedriver") or not os.path.exists(CHROMIUM):
        return {"error": "chromium/chromedriver not installed (make system)"}
    from selenium import webdriver  # noqa: PLC0415 - only when measuring

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    try:
        started = time.perf_counter()
        driver.get(f"http://127.0.0.1:{port}{path}")
        events = _events_until_quiet(driver, quiet, limit)
        seconds = time.perf_counter() - started - quiet
    finally:
        driver.quit()
    requests = _requests(events)
    return {
        "requests": len(requests),
        "browser_bytes": sum(r["received"] for r in requests),
        "gzip_bytes": sum(_replay(port, r, "gzip") for r in requests),
        "br_bytes": sum(_replay(port, r, "br") for r in requests),
        "raw_bytes": sum(_replay(port, r, "identity") for r in requests),
        "largest": sorted(((_replay(port, r, "gzip"), urlsplit(r["url"]).path) for r in requests), reverse=True)[:3],
        "seconds": seconds,
    }


def _events_until_quiet(driver, quiet: float, limit: float) -> list[dict]:
    """DevTools events until the network has been quiet for `quiet` seconds (or `limit` passed)."""
    events, last, deadline = [], time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        batch = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
        if any(e["method"].startswith("Network.") for e in batch):
            last = time.monotonic()
        events += batch
        if time.monotonic() - last > quiet:
            break
        time.sleep(0.2)
    return events


def _requests(events: list[dict]) -> list[dict]:
    """Requests to our server with method, URL, POST body and the bytes received for each."""
    sent, received = {}, {}
    for event in events:
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent" and params["request"]["url"].startswith("http://127.0.0.1"):
            sent[params["requestId"]] = params["request"]
        elif event["method"] == "Network.loadingFinished":
            received[params["requestId"]] = params.get("encodedDataLength", 0)
    return [
        {"url": r["url"], "method": r["method"], "body": r.get("postData"), "received": received.get(rid, 0)}
        for rid, r in sent.items()
    ]


def _replay(port: int, request: dict, encoding: str) -> int:
    """Body bytes on the wire when the request is sent again with this Accept-Encoding."""
    parts = urlsplit(request["url"])
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Accept-Encoding": encoding}
    if request["body"]:
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(request["method"], target, body=request["body"], headers=headers)
        return len(conn.getresponse().read())
    finally:
        conn.close()
