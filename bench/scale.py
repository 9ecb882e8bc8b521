"""Scale benchmark: N times Reuters-21578, indexed by the real `news-search index`, searched and served.

For each N of ``--copies`` (default 1 5 20 50; 50x is about 1.08 million stories) it writes a synthetic
corpus as JSON Lines under ``--work-dir`` (kept between runs: a corpus is only written once): copy 0 is
Reuters as the indexer reads it; copy c >= 1 has every story's body mixed with sentences of another story
(every other sentence replaced, the partner ``c * 7919`` stories on), so near-duplicate folding does not
collapse the copies, dates shifted c years later and ids suffixed ``-c<c>``. Then it measures:

- index: wall time and stories/s of a first ``news-search index`` (``--workers``, default all cores), the
  index's size on disk and the peak memory of the indexer and its workers;
- commit: a searcher process that has served a search, then 100 new stories indexed incrementally: the wall
  time of that run and of the first search after it (which sees the new generation);
- restart: a new process opening the index, to its first results page;
- search: in process, the bench queries (``bench/queries.txt``), one cold pass then ``--repeats`` warm
  passes, p50 / p95;
- web: the Procfile's gunicorn (2 workers) warmed over the queries, then each worker's private memory
  (Private_Clean + Private_Dirty of /proc/<pid>/smaps_rollup).

``--modern 2000`` adds a line for 2,000 modern-length stories (2,000-3,000 characters, each made of
consecutive Reuters stories), indexed the same way.

    NLTK_DATA=../shared/nltk_data .venv/bin/python bench/scale.py --copies 1 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from index_speed import run_indexer  # noqa: E402
from search_speed import percentile, read_queries, time_ours  # noqa: E402

from search.ingest import read_file  # noqa: E402
from search.models import Article, SearchRequest  # noqa: E402
from search.retrieve import open_index  # noqa: E402

from web_load import HOST, free_port, start_server, stop_server, wait_healthy  # noqa: E402
from web_load import read_queries as read_url_queries  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
QUERIES = ROOT / "bench" / "queries.txt"
PARTNER_STEP = 7919  # a prime: copy c mixes story i with story i + c * PARTNER_STEP
COMMIT_STORIES = 100
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def reuters_articles() -> list[Article]:
    """Every Reuters-21578 story as the indexer reads it, in file order."""
    articles: list[Article] = []
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        articles.extend(read_file(path, REUTERS).articles)
    return articles


def shifted(moment: datetime | None, years: int) -> str | None:
    if moment is None:
        return None
    try:
        return moment.replace(year=moment.year + years).isoformat()
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28).isoformat()


def mixed_copy(articles: list[Article], copy: int) -> list[dict[str, object]]:
    """Copy ``copy`` of the stories as JSON records: bodies mixed with a partner's sentences, dates shifted."""
    records = []
    for i, article in enumerate(articles):
        body = article.body
        if copy:
            own = _SENTENCE.split(article.body)
            partner = _SENTENCE.split(articles[(i + copy * PARTNER_STEP) % len(articles)].body)
            mixed = [partner[n] if n % 2 and n < len(partner) else sentence for n, sentence in enumerate(own)]
            if len(own) < 2:  # a one-sentence story would stay an exact duplicate of copy 0
                mixed.append(partner[0])
            body = " ".join(mixed)
        records.append(
            {
                "id": f"{article.id}-c{copy}" if copy else article.id,
                "title": article.title,
                "body": body,
                "date": shifted(article.published, copy),
                "source": article.source,
            }
        )
    return records


def write_corpus(folder: Path, copies: int, articles: list[Article]) -> int:
    """Write ``copies`` copies as one .jsonl file each (skipped when already written); returns the story count."""
    folder.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        path = folder / f"copy-{copy:03d}.jsonl"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            with tmp.open("w", encoding="utf-8") as out:
                for record in mixed_copy(articles, copy):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            tmp.replace(path)
    return copies * len(articles)


def modern_corpus(folder: Path, articles: list[Article], count: int) -> int:
    """``count`` stories of 2,000-3,000 characters, each made of consecutive Reuters stories."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "modern.jsonl"
    bodies = (a for a in articles if len(a.body) > 200)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            parts: list[Article] = []
            while sum(len(p.body) for p in parts) < 2000:
                parts.append(next(bodies))
            body = "\n\n".join(p.body for p in parts)[:3000]
            out.write(
                json.dumps(
                    {
                        "id": f"modern-{n}",
                        "title": parts[0].title,
                        "body": body,
                        "date": parts[0].published.isoformat() if parts[0].published else None,
                    }
                )
                + "\n"
            )
    return count


def index_size(index_dir: Path) -> int:
    """Bytes on disk: the Whoosh files and the saved segment data."""
    return sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())


RESTART = """
import sys, time
started = time.perf_counter()
from search.models import SearchRequest
from search.retrieve import open_index
imported = time.perf_counter()
index = open_index(sys.argv[1])
with index.searcher() as searcher:
    searcher.search(SearchRequest(q="oil prices"))
print((time.perf_counter() - imported) * 1000)
"""


def restart_cost(index_dir: Path) -> float:
    """ms from opening the index to the first results page in a new process (imports not counted: a
    gunicorn worker has them from its master)."""
    done = subprocess.run(
        [sys.executable, "-c", RESTART, str(index_dir)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(done.stdout.strip().splitlines()[-1])


def index(corpus: Path, index_dir: Path, workers: int | None) -> tuple[float, int]:
    """(wall seconds, peak memory bytes) of a first index of ``corpus``."""
    args = [str(corpus), "--index-dir", str(index_dir)] + (["--workers", str(workers)] if workers else [])
    wall, peak, output = run_indexer(args)
    print("   ", output.strip().splitlines()[0] if output.strip() else "")
    return wall, peak


def commit_cost(corpus: Path, index_dir: Path, articles: list[Article], copies: int) -> tuple[float, float]:
    """(wall seconds of indexing 100 new stories, ms of the first search after that commit)."""
    index_handle = open_index(index_dir)
    with index_handle.searcher() as searcher:
        searcher.search(SearchRequest(q="oil prices"))  # a worker that has served: the old generation is cached
    extra = corpus / "zz-commit.jsonl"
    with extra.open("w", encoding="utf-8") as out:
        for record in mixed_copy(articles[:COMMIT_STORIES], copies + 1):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    try:
        wall, _, output = run_indexer([str(corpus), "--index-dir", str(index_dir)])
        if f"added {COMMIT_STORIES}," not in output:  # e.g. the index already held these ids: nothing measured
            raise SystemExit(f"the +{COMMIT_STORIES} run did not add {COMMIT_STORIES} stories:\n{output[:500]}")
        started = time.perf_counter()
        with index_handle.searcher() as searcher:
            searcher.search(SearchRequest(q="oil prices"))
        first = (time.perf_counter() - started) * 1000
    finally:
        index_handle.close()
        extra.unlink()
        run_indexer([str(corpus), "--index-dir", str(index_dir)])  # and take them out again
    return wall, first


def private_memory(pid: int) -> int:
    """Private_Clean + Private_Dirty bytes of one process."""
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1]) * 1024
    return total


def worker_memory(index_dir: Path) -> list[int]:
    """Private memory of each of the Procfile's 2 gunicorn workers after serving every bench query twice."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(index_dir, port, 2, Path(tmp) / "gunicorn.log")
        try:
            wait_healthy(port, server, timeout=600)
            for args in read_url_queries(QUERIES) * 4:  # reaches both workers
                conn = http.client.HTTPConnection(HOST, port, timeout=600)
                conn.request("GET", "/api/search?" + urlencode(args))
                conn.getresponse().read()
                conn.close()
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            return [private_memory(int(pid)) for pid in children]
        finally:
            stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / "out" / "scale")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse-index", action="store_true", help="measure an index left by an earlier run")
    parser.add_argument("--modern", type=int, default=2000, help="modern-length stories (0: none)")
    options = parser.parse_args()
    articles = reuters_articles()
    print(f"{len(articles)} Reuters stories; cores {os.cpu_count()}; work dir {options.work_dir}")
    rows = []
    for copies in options.copies:
        corpus = options.work_dir / f"corpus-{copies}x"
        index_dir = options.work_dir / f"index-{copies}x"
        stories = write_corpus(corpus, copies, articles)
        print(f"{copies}x: {stories} stories")
        if options.reuse_index and index_dir.is_dir():
            wall, peak = float("nan"), 0
        else:
            shutil.rmtree(index_dir, ignore_errors=True)
            wall, peak = index(corpus, index_dir, options.workers)
        size = index_size(index_dir)
        commit_wall, first = commit_cost(corpus, index_dir, articles, copies)
        restart = restart_cost(index_dir)
        _, warm, _ = time_ours(index_dir, read_queries(), options.repeats)
        memory = worker_memory(index_dir)
        rows.append((f"{copies}x", stories, wall, peak, size, commit_wall, first, restart, warm, memory))
        print_rows(rows)
    if options.modern:
        corpus = options.work_dir / "corpus-modern"
        index_dir = options.work_dir / "index-modern"
        stories = modern_corpus(corpus, articles, options.modern)
        shutil.rmtree(index_dir, ignore_errors=True)
        wall, peak = index(corpus, index_dir, options.workers)
        print(
            f"modern-length ({stories} stories of 2,000-3,000 characters): index {wall:.1f} s "
            f"({stories / wall:.0f} stories/s), peak {peak / 2**20:.0f} MiB, "
            f"size {index_size(index_dir) / 2**20:.0f} MiB"
        )


def print_rows(rows: list) -> None:
    print(
        f"{'corpus':>7} {'stories':>9} {'index s':>8} {'stories/s':>9} {'peak MiB':>8} {'size MiB':>8} "
        f"{'+100 s':>7} {'1st ms':>8} {'restart ms':>10} {'p50 ms':>7} {'p95 ms':>7} {'worker MiB':>12}"
    )
    for name, stories, wall, peak, size, commit_wall, first, restart, warm, memory in rows:
        workers = "/".join(f"{m / 2**20:.0f}" for m in memory)
        p50, p95 = percentile(warm, 50), percentile(warm, 95)
        print(
            f"{name:>7} {stories:>9} {wall:>8.1f} {stories / wall:>9.0f} {peak / 2**20:>8.0f} {size / 2**20:>8.0f} "
            f"{commit_wall:>7.1f} {first:>8.0f} {restart:>10.0f} {p50:>7.2f} {p95:>7.2f} {workers:>12}"
        )


if __name__ == "__main__":
    main()
