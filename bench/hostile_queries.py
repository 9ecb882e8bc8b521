"""Hostile requests against a full index: how long does the worst one take? (Target: under 1 s each.)

Runs every hostile query string of ``tests/reliability/test_web.py`` (the single list of them) plus the
most expensive *valid* requests we could think of (two-letter wildcards, fuzzy terms, long OR chains,
100 hits per page, the deepest page, full CSV / JSONL exports) against ``/api/search``, ``/`` and
``/api/facets/person`` of an in-process app (Flask test client: the cost of the request, no network).
Each request runs ``--repeat`` times; the first run is the cold one for that query (parse and postings
caches empty; the index generation's shared caches are built by one search before timing). Prints a table
sorted by time, the status counts and the worst time; exits 1 if any answer is a 5xx or slower than ``--bound`` (for the
streamed exports, the bound applies to the first byte; their total is bounded by EXPORT_CAP rows).

Usage::

    cp -r /tmp/fullix /tmp/fullix-copy   # any full Reuters index (news-search index reuters21578/)
    .venv/bin/python bench/hostile_queries.py --index-dir /tmp/fullix-copy
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("NLTK_DATA", str(ROOT.parent / "shared" / "nltk_data"))

from reliability.test_web import ENDPOINTS, HOSTILE  # noqa: E402

from web import create_app  # noqa: E402

COMMON = [
    w.encode()
    for w in "said year pct mln dlrs company share bank market trade oil price rate stock net "
    "loss profit billion government official week month sales tax income".split()
]
EXPENSIVE = [
    ("two-letter wildcard", b"q=co*"),
    ("wildcards OR", b"q=th*+OR+co*+OR+pr*+OR+ma*+OR+st*"),
    ("question marks", b"q=o??+OR+b??k*"),
    ("fuzzy common", b"q=price~2+OR+market~2+OR+dollar~2"),
    (
        "long OR chain",
        b"q="
        + b"+OR+".join(
            w.encode()
            for w in "oil gas dollar bank trade wheat rates stock market price year said "
            "company share profit loss net billion million pct".split()
        ),
    ),
    ("phrase of common words", b"q=%22said+it+would+be+the%22"),
    ("64 fuzzy words (the word limit)", b"q=" + b"+".join(w + b"~2" for w in (COMMON * 3)[:64])),
    ("64 fuzzy words OR-ed", b"q=" + b"+OR+".join(w + b"~2" for w in (COMMON * 3)[:64])),
    ("16-word phrase (the phrase limit)", b"q=%22" + b"+".join(COMMON[:16]) + b"%22"),
    ("8 phrases OR-ed", b"q=" + b"+OR+".join(b"%22" + b"+".join(COMMON[i : i + 4]) + b"%22" for i in range(0, 32, 4))),
    ("23 NOTs", b"q=said+" + b"+".join(b"NOT+" + w for w in COMMON[1:])),
    ("NOT everything", b"q=said+NOT+oil+NOT+dollar+NOT+bank"),
    ("100 per page", b"q=said&per_page=100"),
    ("deepest page", b"q=said&page=10&per_page=100"),
    ("browse all, oldest", b"sort=oldest&per_page=100"),
    ("all filters", b"q=oil&country=United+States&person=James+Baker&from=1987-01-01&to=1987-12-31"),
    ("facet prefix a", b"prefix=a&limit=100"),
    ("CSV export, everything", b"q=said&format=csv"),
    ("JSONL export, everything", b"format=jsonl"),
]


def timed(client, path: str, query: bytes) -> tuple[int, float, float, int]:
    """(status, seconds to the first body chunk, seconds to the end, bytes); exports are streamed."""
    started = time.perf_counter()
    response = client.get(path, environ_overrides={"QUERY_STRING": query.decode("latin-1")}, buffered=False)
    chunks = iter(response.response)
    size = len(next(chunks, b""))
    first = time.perf_counter() - started
    size += sum(len(chunk) for chunk in chunks)
    response.close()
    return response.status_code, first, time.perf_counter() - started, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bound", type=float, default=1.0, help="seconds a request may take")
    args = parser.parse_args()

    client = create_app({"INDEX_DIR": str(args.index_dir)}).test_client()
    started = time.perf_counter()
    status, body = client.get("/api/health").status_code, client.get("/api/health").get_json()
    print(f"index: {body.get('articles')} articles; warm-up {time.perf_counter() - started:.2f} s")
    assert status == 200, body
    _, _, first_search, _ = timed(client, "/api/search", b"q=market")  # builds the per-generation caches
    print(f"first search (per-generation caches: field lengths, facets): {first_search:.3f} s")

    rows = []
    for label, query in HOSTILE + EXPENSIVE:
        for path in ENDPOINTS:
            if path != "/api/search" and b"format=" in query:
                continue
            runs = [timed(client, path, query) for _ in range(args.repeat)]
            streamed = b"format=csv" in query or b"format=jsonl" in query
            rows.append(
                (
                    max(r[1] if streamed else r[2] for r in runs),
                    max(r[2] for r in runs),
                    runs[0][2],
                    label,
                    path,
                    runs[0][0],
                    runs[0][3],
                )
            )

    rows.sort(reverse=True)
    print(f"{'bound s':>8} {'total s':>8} {'cold s':>7} {'status':>6} {'bytes':>9}  request")
    for bounded, total, cold, label, path, status, size in rows:
        print(f"{bounded:8.3f} {total:8.3f} {cold:7.3f} {status:6d} {size:9d}  {path} {label}")
    statuses: dict[int, int] = {}
    for row in rows:
        statuses[row[5]] = statuses.get(row[5], 0) + 1
    worst = rows[0]
    print(
        f"\n{len(rows)} requests x{args.repeat}; statuses {dict(sorted(statuses.items()))}; worst "
        f"{worst[0]:.3f} s ({worst[4]} {worst[3]}). 'bound' is the time to the first byte for the streamed "
        "exports (capped at EXPORT_CAP rows), the whole request otherwise."
    )
    failed = [r for r in rows if r[5] >= 500 or r[0] > args.bound]
    for row in failed:
        print(f"FAIL: {row[4]} {row[3]}: status {row[5]}, {row[0]:.3f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
