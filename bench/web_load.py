"""Web load benchmark: the Procfile's gunicorn (2 workers) under a concurrency-8 load over bench/queries.txt.

What it does: starts the Procfile's ``web:`` command on a free port with ``NEWS_SEARCH_INDEX_DIR`` pointing at
``--index-dir``, waits for ``/api/health``, warms every worker up with one untimed pass over the query list,
then for each target path (the HTML search page ``/`` and ``/api/search``) runs ``--concurrency`` client
threads, each with its own ``http.client`` connection (kept alive when the server allows it), cycling
through the queries until ``--requests`` requests or ``--seconds`` have gone by. Loopback only.

Target (issue "Web"): >= 150 requests/s, p95 <= 50 ms, zero errors. The machine is shared: figures are
noisy when other work runs.

Usage::

    .venv/bin/python bench/web_load.py --index-dir instance/index
    .venv/bin/python bench/web_load.py --index-dir bench/out/index --requests 5000 --path /api/search
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
QUERIES = Path(__file__).with_name("queries.txt")
TARGET_RPS, TARGET_P95_MS = 150.0, 50.0
HOST = "127.0.0.1"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def read_queries(path: Path) -> list[list[tuple[str, str]]]:
    """bench/queries.txt as URL arguments: ``query text | key=value; key=value`` per line (see its header)."""
    searches = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        text, _, filters = ("", "|", line[1:]) if line.startswith("|") else line.partition(" | ")
        args = [("q", text.strip())] if text.strip() else []
        for pair in filters.split(";"):
            key, _, value = pair.partition("=")
            if key.strip() and value.strip():
                args.append((key.strip(), value.strip()))
        searches.append(args)
    if not searches:
        raise SystemExit(f"{path} has no queries")
    return searches


def procfile_command(name: str = "web") -> str:
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            return command.strip()
    raise SystemExit(f"Procfile has no {name}: line")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, workers: int, log_path: Path) -> subprocess.Popen[bytes]:
    """The Procfile's web command through a shell, as a platform would run it."""
    env = dict(os.environ, PORT=str(port), WEB_CONCURRENCY=str(workers), NEWS_SEARCH_INDEX_DIR=str(index_dir.resolve()))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        return subprocess.Popen(
            ["/bin/sh", "-c", "exec " + procfile_command()],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_healthy(port: int, server: subprocess.Popen[bytes], timeout: float = 60.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}; see the log")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/health")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return json.loads(body)
            raise SystemExit(f"/api/health answered {response.status}: {body[:200]!r}")
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up in time")


def worker(
    port: int, urls: list[tuple[str, int]], ticket: itertools.count, limit: int, stop_at: float, tally: Tally
) -> None:
    """One client: takes the next request number, sends it on its own connection, records the latency.

    ``urls`` pairs each URL with the status it must get; any other status or a connection failure is an error.
    """
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    mine: list[float] = []
    errors: list[str] = []
    while True:
        n = next(ticket)
        if n >= limit or time.monotonic() >= stop_at:
            break
        url, expected = urls[n % len(urls)]
        started = time.perf_counter()
        try:
            conn.request("GET", url)
            response = conn.getresponse()
            response.read()
            if response.status != expected:
                errors.append(f"{response.status} (expected {expected}) {url}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__}: {error} {url}")
            conn.close()
        mine.append(time.perf_counter() - started)
    conn.close()
    with tally.lock:
        tally.latencies.extend(mine)
        tally.errors.extend(errors)


def run_load(
    port: int, urls: list[tuple[str, int]], concurrency: int, requests: int, seconds: float
) -> tuple[Tally, float]:
    """``concurrency`` clients send ``requests`` requests in all (cycling through ``urls``), for ``seconds`` at most."""
    tally, ticket = Tally(), itertools.count()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=worker, args=(port, urls, ticket, requests, stop_at, tally)) for _ in range(concurrency)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - started


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master and its workers so far (Linux /proc)."""
    pids = [master]
    try:
        pids += [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return float("nan")
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(
    port: int, master: int, urls: list[tuple[str, int]], concurrency: int, requests: int, seconds: float
) -> tuple[Tally, float, float, float]:
    """The load run, plus CPU seconds spent by the server and by this load generator."""
    server_before, client_before = server_cpu_seconds(master), sum(os.times()[:2])
    tally, elapsed = run_load(port, urls, concurrency, requests, seconds)
    server_cpu = server_cpu_seconds(master) - server_before
    client_cpu = sum(os.times()[:2]) - client_before
    return tally, elapsed, server_cpu, client_cpu


def report(path: str, tally: Tally, elapsed: float) -> bool:
    done = len(tally.latencies)
    ms = sorted(x * 1000 for x in tally.latencies)
    rps = done / elapsed if elapsed else 0.0
    p50 = statistics.median(ms) if ms else float("nan")
    p95 = statistics.quantiles(ms, n=100)[94] if len(ms) >= 2 else float("nan")
    p99 = statistics.quantiles(ms, n=100)[98] if len(ms) >= 2 else float("nan")
    ok = rps >= TARGET_RPS and p95 <= TARGET_P95_MS and not tally.errors
    print(
        f"{path:<12} {done:>6} req  {elapsed:6.1f} s  {rps:7.1f} req/s  p50 {p50:6.1f} ms  "
        f"p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  max {ms[-1] if ms else 0:6.1f} ms  "
        f"errors {len(tally.errors)}  {'PASS' if ok else 'FAIL'}"
    )
    for error in tally.errors[:5]:
        print(f"    error: {error}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True, help="index built by `news-search index`")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--requests", type=int, default=3000, help="most requests per path")
    parser.add_argument("--seconds", type=float, default=30.0, help="most seconds per path")
    parser.add_argument(
        "--path", action="append", choices=["/", "/api/search"], help="what to load (repeatable; default both)"
    )
    args = parser.parse_args()
    if not any(args.index_dir.glob("_MAIN_*.toc")):
        raise SystemExit(f"no index at {args.index_dir}: run `news-search index` first")
    queries = read_queries(args.queries)
    port = free_port()
    log_path = ROOT / "bench" / "out" / "web_load_gunicorn.log"
    server = start_server(args.index_dir, port, args.workers, log_path)
    try:
        health = wait_healthy(port, server)
        print(
            f"gunicorn: {shlex.quote(procfile_command())} on {HOST}:{port}, {args.workers} workers, "
            f"index {args.index_dir} ({health.get('articles')} articles)"
        )
        print(
            f"load: {len(queries)} queries, concurrency {args.concurrency}, at most {args.requests} requests "
            f"or {args.seconds:.0f} s per path; target >= {TARGET_RPS:.0f} req/s, p95 <= {TARGET_P95_MS:.0f} ms, "
            f"0 errors"
        )
        passed = True
        for path in args.path or ["/", "/api/search"]:
            urls = [(f"{path}?{urlencode(args)}" if args else path, 200) for args in queries]
            run_load(port, urls, args.concurrency, len(urls), 120.0)  # warm-up: caches in every worker
            tally, elapsed, server_cpu, client_cpu = measure(
                port, server.pid, urls, args.concurrency, args.requests, args.seconds
            )
            passed = report(path, tally, elapsed) and passed
            done = max(1, len(tally.latencies))
            per_request = (server_cpu + client_cpu) / done
            print(
                f"{'':<12} CPU per request: server {server_cpu / done * 1000:.1f} ms, load generator "
                f"{client_cpu / done * 1000:.1f} ms -> about {os.cpu_count() / per_request:.0f} req/s if "
                f"this machine's {os.cpu_count()} cores did nothing else (estimate)"
            )
        return 0 if passed else 1
    finally:
        stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
