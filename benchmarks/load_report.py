"""The Markdown section of benchmarks/load_bench.py: figures against the goals, saying plainly what is short."""

from __future__ import annotations

MB = 2**20


def render(found: dict, summary, goals: dict) -> str:
    """Render everything `load_bench.measure` found."""
    think, stress, warm = summary(found["think"]), summary(found["stress"]), summary(found["warm"])
    attack = summary(found["attack"])
    lines = [
        f"Data: {found['data']}. Server: `delta87 serve` = nginx in front of gunicorn 27, 2 workers × 4 threads "
        '(gthread), default limits (README "Deployment"), filesystem cache (the pages\' query results, keyed on '
        "the release and the running code; callbacks themselves are computed on every request), brotli/gzip "
        "compression, on 127.0.0.1; each simulated user has its own loopback address; the load client runs on "
        "the same 2 cores.",
        "",
        _verdict(found, think, stress, warm, goals),
        "",
        _attack_verdict(found, warm, attack, goals),
        "",
        f"### {found['users']} users for {found['seconds']:.0f} s, 1-3 s think time, starting with an empty cache",
        "",
        "The cache was emptied just before the run, as after a publish that was not warmed (`delta87 warm`): "
        "the first views of each page compute every query.",
        "",
        _table(think),
        "",
        _cpu(found["think"]),
        "",
        f"### Same users, {found['warm']['seconds']:.0f} s more, with the cache the first run left",
        "",
        _table(warm),
        "",
        _cpu(found["warm"]),
        "",
        f"### The same users, {found['attack']['seconds']:.0f} s more, while an attacker floods the site",
        "",
        "One attacker address with 4 connections sends, back to back, the page router's callback for one of the "
        "users' pages with a junk key and random whitespace (every body unique) and Dash's renderer bundle under a "
        f"random query string or a made-up fingerprint (every URL unique): {_attacker(found['attacker'])}.",
        "",
        _table(attack),
        "",
        _cpu(found["attack"]),
        "",
        f"### Capacity: {found['users']} users, no think time, {found['stress']['seconds']:.0f} s",
        "",
        _table(stress),
        "",
        _cpu(found["stress"]),
        "",
        "### Start, memory, first load",
        "",
        _basics(found),
        "",
        "Endpoint kinds: `page` = the HTML index (GET /), `layout` = /_dash-layout and /_dash-dependencies, `callback` ="
        " POST /_dash-update-component (the page router and each page's initial callbacks, as the browser sends them),"
        " `api` = /api/v1 JSON, `health` = /readyz. Latency is measured by the client (queueing included);"
        " errors = 5xx or no answer.",
    ]
    return "\n".join(lines)


def _verdict(found: dict, think: dict, stress: dict, warm: dict, goals: dict) -> str:
    first = found["first_load"]
    checks = [
        ("errors (the runs without attacker)", think["all"]["errors"] + stress["all"]["errors"] + warm["all"]["errors"],
         f"= {goals['errors']}",
         lambda v: v == goals["errors"], "{}"),
        (f"p95, all requests, {found['users']} users with think time, starting with an empty cache",
         think["all"]["p95"], f"≤ {goals['p95_ms']} ms", lambda v: v <= goals["p95_ms"], "{:.0f} ms"),
        ("p95, the same users, cache filled", warm["all"]["p95"], f"≤ {goals['p95_ms']} ms",
         lambda v: v <= goals["p95_ms"], "{:.0f} ms"),
        ("memory per worker under load (max RSS)",
         max(found["think"]["peak_mb"] + found["stress"]["peak_mb"] + found["warm"]["peak_mb"]),
         f"≤ {goals['worker_mb']} MB", lambda v: v <= goals["worker_mb"], "{:.0f} MB"),
        ("first-load transfer, gzip", first.get("gzip_bytes", float("nan")) / MB, f"≤ {goals['first_load_mb']} MB",
         lambda v: v <= goals["first_load_mb"], "{:.2f} MB"),
    ]  # fmt: skip
    rows = ["| goal | measured | target | |", "|---|---:|---|---|"]
    for name, value, target, ok, fmt in checks:
        rows.append(f"| {name} | {fmt.format(value)} | {target} | {'met' if ok(value) else '**NOT met**'} |")
    return "\n".join(rows)


def _attack_verdict(found: dict, warm: dict, attack: dict, goals: dict) -> str:
    ratio = attack["all"]["p95"] / max(warm["all"]["p95"], 1e-9)
    rows = [
        "| under attack | measured | target | |",
        "|---|---:|---|---|",
        f"| p95 of the users while an attacker floods, vs the same run without it ({warm['all']['p95']:.0f} ms) "
        f"| {attack['all']['p95']:.0f} ms = {ratio:.2f}× | ≤ {goals['attack_ratio']}× "
        f"| {'met' if ratio <= goals['attack_ratio'] else '**NOT met**'} |",
        f"| errors of the users while the attacker floods | {attack['all']['errors']} | = 0 "
        f"| {'met' if attack['all']['errors'] == 0 else '**NOT met**'} |",
    ]
    return "\n".join(rows)


def _attacker(statuses: dict) -> str:
    total = sum(statuses.values())
    counts = ", ".join(f"{n:,} × {status or 'no answer'}" for status, n in sorted(statuses.items()))
    return f"{total:,} requests ({counts})"


def _table(rows: dict) -> str:
    out = [
        "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | errors | other non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, r in rows.items():
        name = "**all**" if kind == "all" else kind
        out.append(
            f"| {name} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['errors']} | {r['non_2xx'] - r['errors'] if r['non_2xx'] > r['errors'] else 0} |"
        )
    return "\n".join(out)


def _cpu(run: dict) -> str:
    return (
        f"CPU used during the run: server workers {run['server_cpu']:.1f} s, load client {run['client_cpu']:.1f} s "
        f"(of {2 * run['seconds']:.0f} core-seconds available); peak RSS per worker "
        f"{', '.join(f'{mb:.0f}' for mb in run['peak_mb'])} MB"
        + (
            f" ({run['workers_seen'] - 2} worker(s) recycled by --max-requests during the run)"
            if run["workers_seen"] > 2
            else ""
        )
        + f"; keep-alive reconnects {run['reconnects']}."
    )


def _basics(found: dict) -> str:
    first = found["first_load"]
    if "error" in first:
        load = f"first load not measured: {first['error']}"
    else:
        largest = ", ".join(f"{path} {size / 1024:.0f} kB" for size, path in first["largest"])
        load = (
            f"first load of / in headless Chromium (empty cache): {first['requests']} requests, "
            f"{first['browser_bytes'] / MB:.2f} MB received by the browser (brotli, headers included); the same "
            f"requests replayed: gzip {first['gzip_bytes'] / MB:.2f} MB, brotli {first['br_bytes'] / MB:.2f} MB, "
            f"uncompressed {first['raw_bytes'] / MB:.2f} MB; largest (gzip): {largest}; "
            f"network quiet after {first['seconds']:.1f} s"
        )
    return "\n".join(
        [
            f"- cold start (spawn → /healthz answers): {found['cold_start_s']:.1f} s",
            f"- first page view on cold workers, empty cache (index, layout, dependencies, router, initial callbacks): "
            f"{found['cold_view_s']:.1f} s",
            f"- memory per worker, idle after every page was viewed: {', '.join(f'{m:.0f}' for m in found['idle_mb'])} MB RSS;"
            f" after the runs: {', '.join(f'{m:.0f}' for m in found['after_mb'])} MB",
            f"- {load}",
            "- slowest requests one at a time, each against an empty cache (median of 3): "
            + "; ".join(f"{what} {ms:.0f} ms" for ms, what in found["slowest"]),
        ]
    )
