"""Soak test: minutes of concurrency-16 load on gunicorn over a full index; zero errors, flat memory.

Starts the Procfile's ``web:`` command (``WEB_CONCURRENCY=--workers``) on a free loopback port over
``--index-dir``, warms every URL once, then ``--concurrency`` client threads cycle through a mix of
requests for ``--seconds``: searches from bench/queries.txt on ``/api/search`` and ``/``, article pages
and API records, facet value searches, the health check, and hostile requests that must get a 400.
An error is any other status, a connection failure or a timeout. Every ``--sample-every`` seconds the
RSS of each gunicorn worker is read from ``/proc``; at the end each worker's first / after-warm-up /
last / max RSS is printed, with worker restarts and any traceback in the server log.
Not part of CI (it takes minutes of CPU). Loopback only, bounded by ``--seconds``.

Usage::

    cp -r /tmp/fullix /tmp/fullix-copy
    .venv/bin/python bench/soak.py --index-dir /tmp/fullix-copy            # 5 minutes, 16 clients
    .venv/bin/python bench/soak.py --index-dir /tmp/fullix-copy --seconds 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from web_load import HOST, QUERIES, ROOT, free_port, read_queries, run_load, start_server, stop_server, wait_healthy

HOSTILE = [
    "/api/search?page=-1",
    "/api/search?q=%22oil",
    "/api/search?q=a*",
    "/api/search?q=%ff%fe",
    "/api/search?per_page=100000",
    "/api/search?from=2020-13-45",
    "/api/search?q=oil&q=gas",
    "/?q=" + "(" * 300,
    "/api/facets/nope",
    "/?q=%00",
]
MISSING = ["/article/..%2f..%2fetc%2fpasswd", "/api/articles/no-such-id"]


def request(conn: http.client.HTTPConnection, url: str) -> tuple[int, bytes]:
    conn.request("GET", url)
    response = conn.getresponse()
    return response.status, response.read()


def build_urls(port: int, searches: list[list[tuple[str, str]]]) -> dict[str, int]:
    """Every URL of the mix with the status it must get."""
    urls: dict[str, int] = {}
    for args in searches:
        query = urlencode(args)
        urls[f"/api/search?{query}"] = 200
        urls[f"/?{query}"] = 200
        urls[f"/api/search?{query}&page=2&per_page=20"] = 200
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    _status, body = request(conn, "/api/search?q=said&per_page=100")
    conn.close()
    ids = [hit["id"] for hit in json.loads(body)["hits"]][:40]
    for article_id in ids:
        urls[f"/article/{quote(article_id)}"] = 200
        urls[f"/api/articles/{quote(article_id)}"] = 200
    for name, prefix in (("person", "ba"), ("country", "un"), ("org", ""), ("person", "")):
        urls[f"/api/facets/{name}?prefix={prefix}&q=oil"] = 200
    urls["/api/health"] = 200
    urls.update(dict.fromkeys(HOSTILE, 400))
    urls.update(dict.fromkeys(MISSING, 404))
    return urls


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sample_memory(
    master: int, every: float, stop: threading.Event, series: dict[int, list[tuple[float, float]]], started: float
) -> None:
    while not stop.is_set():
        for pid in worker_pids(master):
            value = rss_mb(pid)
            if value is not None:
                series.setdefault(pid, []).append((time.monotonic() - started, value))
        stop.wait(every)


def warm(port: int, urls: dict[str, int]) -> list[str]:
    """One pass over every URL (all workers get some); returns the URLs answering unexpectedly."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    wrong = []
    for url, expected in urls.items():
        status, _ = request(conn, url)
        if status != expected:
            wrong.append(f"{status} (expected {expected}) {url}")
    conn.close()
    return wrong


def print_memory(series: dict[int, list[tuple[float, float]]], warm_after: float) -> None:
    print(
        f"\n{'worker':>8} {'samples':>7} {'first MB':>9} {'@' + str(int(warm_after)) + 's MB':>9} "
        f"{'last MB':>8} {'max MB':>7} {'last-warm':>9}"
    )
    for pid, points in sorted(series.items()):
        values = [v for _, v in points]
        warmed = next((v for t, v in points if t >= warm_after), values[-1])
        print(
            f"{pid:>8} {len(values):>7} {values[0]:9.1f} {warmed:9.1f} {values[-1]:8.1f} {max(values):7.1f} "
            f"{values[-1] - warmed:+9.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="WEB_CONCURRENCY for the Procfile command")
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--log", type=Path, default=ROOT / "bench" / "out" / "soak-gunicorn.log")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 1800)  # bounded

    port = free_port()
    server = start_server(args.index_dir, port, args.workers, args.log)
    try:
        health = wait_healthy(port, server)
        urls = build_urls(port, read_queries(QUERIES))
        wrong = warm(port, urls)
        print(
            f"index: {health.get('articles')} articles; {len(urls)} URLs in the mix; {args.workers} workers, "
            f"{args.concurrency} clients, {args.seconds:.0f} s"
        )
        pids_before = sorted(worker_pids(server.pid))
        series: dict[int, list[tuple[float, float]]] = {}
        stop, started = threading.Event(), time.monotonic()
        sampler = threading.Thread(target=sample_memory, args=(server.pid, args.sample_every, stop, series, started))
        sampler.start()
        tally, _ = run_load(port, list(urls.items()), args.concurrency, sys.maxsize, args.seconds)
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        pids_after = sorted(worker_pids(server.pid))
    finally:
        stop_server(server)

    ms = sorted(x * 1000 for x in tally.latencies)
    quantiles = statistics.quantiles(ms, n=100)
    print(
        f"{len(ms)} requests in {elapsed:.0f} s: {len(ms) / elapsed:.1f} req/s; p50 {quantiles[49]:.1f} ms, "
        f"p95 {quantiles[94]:.1f} ms, p99 {quantiles[98]:.1f} ms, max {ms[-1]:.1f} ms; errors {len(tally.errors)}"
    )
    for error in (wrong + tally.errors)[:10]:
        print(f"    error: {error}")
    print_memory(series, warm_after=min(60.0, args.seconds / 5))
    log = args.log.read_text(errors="replace")
    restarted = pids_before != pids_after
    print(
        f"\nworkers {pids_before} -> {pids_after}{' (RESTARTED)' if restarted else ''}; server log: "
        f"{log.count('Traceback')} tracebacks, {log.count('WORKER TIMEOUT')} worker timeouts"
    )
    failed = bool(wrong or tally.errors or restarted or "Traceback" in log)
    print("FAIL" if failed else "PASS: zero errors, no restart, no traceback")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
