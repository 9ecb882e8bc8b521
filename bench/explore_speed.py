"""Explore pages benchmark: entity pages and 4-term comparisons through the Procfile's gunicorn, p95 warm.

What it does: starts the Procfile's ``web:`` command (2 workers) on ``--index-dir``, asks the API for the most
named people, countries and organisations (``--entities`` of each) and builds 4-term comparisons from
``bench/queries.txt`` (consecutive queries, four at a time), warms every worker up with one untimed pass, then
requests every page ``--rounds`` times from one client (a person waiting for a page: the render time) and,
with ``--concurrency`` above 1, again under that load. Loopback only.

Target (issue "Explore"): an entity page and a 4-term comparison each render in <= 100 ms p95 warm. The
machine is shared: figures are noisy when other work runs.

Usage::

    .venv/bin/python bench/explore_speed.py --index-dir bench/out/index
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

from web_load import HOST, ROOT, free_port, measure, read_queries, start_server, stop_server, wait_healthy

TARGET_P95_MS = 100.0
FACETS = ("person", "country", "org")


def get_json(port: int, url: str) -> dict:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", url)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{url} answered {response.status}")
    return json.loads(body)


def entity_urls(port: int, per_facet: int) -> list[str]:
    urls = []
    for facet in FACETS:
        values = get_json(port, f"/api/facets/{facet}?per_page={per_facet}")["values"]
        urls += [f"/{facet}/{quote(v['value'], safe='')}" for v in values]
    return urls


def compare_urls(queries: list[list[tuple[str, str]]], count: int) -> list[str]:
    texts = [dict(q)["q"] for q in queries if dict(q).get("q")]
    groups = [texts[i : i + 4] for i in range(0, len(texts) - 3, 4)][:count]
    return ["/compare?" + urlencode([("q", q) for q in group]) for group in groups]


def report(label: str, latencies: list[float], errors: list[str], pages: int) -> bool:
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p95 = statistics.quantiles(ms, n=100)[94] if len(ms) >= 2 else ms[-1]
    ok = p95 <= TARGET_P95_MS and not errors
    print(
        f"{label:<32} {pages:>3} pages {len(ms):>5} req  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {ms[-1]:6.1f} ms  "
        f"errors {len(errors)}  {'PASS' if ok else 'FAIL'} (target p95 <= {TARGET_P95_MS:.0f} ms)"
    )
    for error in errors[:5]:
        print(f"    error: {error}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True, help="index built by `news-search index`")
    parser.add_argument("--entities", type=int, default=10, help="entity pages per facet (the most named)")
    parser.add_argument("--comparisons", type=int, default=12, help="4-term comparisons")
    parser.add_argument("--rounds", type=int, default=10, help="timed requests of each page")
    parser.add_argument("--concurrency", type=int, default=4, help="clients of the loaded run (1: skip it)")
    args = parser.parse_args()
    if not any(args.index_dir.glob("_MAIN_*.toc")):
        raise SystemExit(f"no index at {args.index_dir}: run `news-search index` first")
    port = free_port()
    server = start_server(args.index_dir, port, 2, ROOT / "bench" / "out" / "explore_speed_gunicorn.log")
    try:
        health = wait_healthy(port, server)
        print(
            f"gunicorn (Procfile) on {HOST}:{port}, 2 workers, index {args.index_dir} ({health['articles']} articles)"
        )
        pages = {
            "entity pages": entity_urls(port, args.entities),
            "4-term comparisons": compare_urls(read_queries(ROOT / "bench" / "queries.txt"), args.comparisons),
        }
        ok = True
        for label, urls in pages.items():
            targets = [(url, 200) for url in urls]
            measure(port, server.pid, targets, 2, len(urls) * 2, 600)  # warm: every page once in each worker
            tally, _, _, _ = measure(port, server.pid, targets, 1, len(urls) * args.rounds, 600)
            ok &= report(f"{label}, 1 client", tally.latencies, tally.errors, len(urls))
            if args.concurrency > 1:
                tally, _, _, _ = measure(port, server.pid, targets, args.concurrency, len(urls) * args.rounds, 600)
                report(f"{label}, {args.concurrency} clients", tally.latencies, tally.errors, len(urls))
        return 0 if ok else 1
    finally:
        stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
