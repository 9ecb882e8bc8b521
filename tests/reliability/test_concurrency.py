"""Indexing while gunicorn serves: no error, new articles visible after the commit, counts never go back.

gunicorn runs the Procfile's web command with WEB_CONCURRENCY=4; threads keep a steady load on
``/api/search`` and ``/api/health`` while a real ``news-search index`` process adds a batch of Reuters
articles to the index the server has open. Nothing is restarted.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from search.indexing.indexer import build_index
from search.ingest import discover, read_file

from procfile import procfile_gunicorn
from support import ROOT

logger = logging.getLogger(__name__)

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
LOAD_THREADS = 4
SCRIPT = Path(sys.executable).with_name("news-search")  # the installed console script (pip install -e .)
NEWS_SEARCH = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from search.cli import cli; cli()"]
QUERIES = ["oil", "dollar", "bank", "trade", "wheat", "oil+prices", "opec", "rates"]

pytestmark = pytest.mark.slow


@dataclass
class Sample:
    started: float
    ended: float
    path: str
    status: int  # 0: no HTTP answer at all
    articles: int | None = None  # /api/health's count
    error: str = ""


def reuters_slice(path: Path, start: int, stop: int) -> Path:
    data = (REUTERS / "reut2-001.sgm").read_bytes()
    records = [chunk[chunk.index(b"<REUTERS") :] + b"</REUTERS>\n" for chunk in data.split(b"</REUTERS>")[:-1]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(records[start:stop]))
    return path


def article_ids(path: Path) -> list[str]:
    return [a.id for file, root in discover([path]) for a in read_file(file, root).articles]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[int, Path, Path, Path]]:
    """gunicorn (4 workers) over an index of 100 Reuters articles; yields (port, corpus, index dir, log)."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    reuters_slice(corpus / "a.sgm", 0, 100)
    build_index([corpus], index_dir, workers=1)
    log = tmp_path / "gunicorn.log"
    with procfile_gunicorn(index_dir, log, workers=4) as port:
        yield port, corpus, index_dir, log


def load(port: int, stop: threading.Event, samples: list[Sample], worker: int) -> None:
    """One client: a search, then the health check, over and over, each on a fresh connection."""
    n = worker
    while not stop.is_set():
        n += 1
        for path in (f"/api/search?q={QUERIES[n % len(QUERIES)]}&page={1 + n % 3}", "/api/health"):
            started = time.monotonic()
            try:
                status, body = get(port, path)
                data = json.loads(body)
                sample = Sample(
                    started, time.monotonic(), path, status, data.get("articles") if path == "/api/health" else None
                )
            except (OSError, ValueError, http.client.HTTPException) as exc:
                sample = Sample(started, time.monotonic(), path, 0, error=f"{type(exc).__name__}: {exc}")
            samples.append(sample)
        time.sleep(0.01)


def counts_never_go_back(samples: list[Sample]) -> list[tuple[int, int]]:
    """Pairs (earlier count, later count) where a health check that started after another one had ended
    saw fewer articles."""
    health = sorted((s for s in samples if s.articles is not None), key=lambda s: s.started)
    finished = sorted(health, key=lambda s: s.ended)
    regressions, best, i = [], 0, 0
    for sample in health:
        while i < len(finished) and finished[i].ended < sample.started:
            best = max(best, finished[i].articles)
            i += 1
        if sample.articles < best:
            regressions.append((best, sample.articles))
    return regressions


def test_indexing_while_gunicorn_serves(gunicorn) -> None:
    port, corpus, index_dir, log = gunicorn
    old_ids = article_ids(corpus)
    reuters_slice(corpus / "b.sgm", 100, 200)
    new_ids = sorted(set(article_ids(corpus)) - set(old_ids))
    assert len(new_ids) >= 90
    assert get(port, f"/api/articles/{new_ids[0]}")[0] == 404

    samples: list[Sample] = []
    stop = threading.Event()
    threads = [threading.Thread(target=load, args=(port, stop, samples, i)) for i in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        env = dict(os.environ, NLTK_DATA=str(ROOT.parent / "shared" / "nltk_data"))
        index_started = time.monotonic()
        indexer = subprocess.run(
            [*NEWS_SEARCH, "index", str(corpus), "--index-dir", str(index_dir), "--workers", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        committed = time.monotonic()
        assert indexer.returncode == 0, indexer.stderr
        assert f"added {len(new_ids)}," in indexer.stdout
        time.sleep(2)  # the load goes on over the new generation
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    latencies = sorted(s.ended - s.started for s in samples)
    logger.info(
        "%d requests while indexing %d articles (index run %.1f s); max latency %.2f s, p95 %.2f s",
        len(samples),
        len(new_ids),
        committed - index_started,
        latencies[-1],
        latencies[int(len(latencies) * 0.95)],
    )
    errors = [s for s in samples if s.status != 200]
    assert errors == [], errors[:5]
    assert len(samples) > 100
    total = len(old_ids) + len(new_ids)
    after = [s.articles for s in samples if s.articles is not None and s.started > committed]
    assert after and all(count == total for count in after)  # every worker sees the commit, no restart
    assert {s.articles for s in samples if s.articles is not None} <= {len(old_ids), total}
    assert counts_never_go_back(samples) == []
    for article_id in new_ids[:12]:  # several requests, so every worker is asked
        status, body = get(port, f"/api/articles/{article_id}")
        assert status == 200 and json.loads(body)["id"] == article_id
    status, body = get(port, "/api/search?q=oil&per_page=1")
    assert status == 200
    assert "Traceback" not in log.read_text(errors="replace")
