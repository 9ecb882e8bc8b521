"""Run entity extraction, and the rest of each document's preparation, in worker processes.

Each worker builds one ``EntityExtractor`` (the NLTK tagger and chunker load once per process, not per
call) and receives articles in small chunks; it returns the entities and the finished Whoosh document
(spelling words, SimHash and all), so the single writer in the parent only has to add it and stays fed.
Results come back in completion order. Articles are taken from the caller's iterable only a few chunks ahead
of the results, so an indexer that reads its corpus as it goes holds a bounded number of them.

The workers are local processes (a fork pool; when one dies, the OOM killer's victim say, a new pool
extracts what it lost and the run goes on) or, given ``cluster=``, the worker processes of a Dask distributed
cluster (``search.indexing.cluster``, which retries lost tasks itself); both run :func:`prepare_chunk`.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from search.entities import EntityExtractor
from search.entities.model_cache import load_extractor
from search.errors import SearchError
from search.indexing.analysed import analyse
from search.indexing.document import to_document
from search.models import Article, Entities

logger = logging.getLogger(__name__)

CHUNK_SIZE = 16
IN_FLIGHT_PER_WORKER = 64  # chunks queued per worker: about 4 s of work, so a checkpoint commit does not idle it
IN_PROCESS_BELOW = 64  # starting workers costs more than it saves for a handful of articles
PARENT_CHECK_SECONDS = 0.2
WORKER_DEATHS_PER_ARTICLE = 2  # an article whose worker dies this many times is reported, not retried
WORKER_DEATHS_IN_A_ROW = 8  # ... and this many deaths in a row, whatever the article, stop the run

_extractor: EntityExtractor | None = None
_extractor_lock = threading.Lock()  # a Dask worker may run tasks in several threads of one process

Prepared = tuple[Entities, dict[str, Any]]
Outcome = tuple[Prepared | None, str | None]
Result = tuple[Article, Prepared | None, str | None]


def default_workers() -> int:
    return os.cpu_count() or 1


def extract_entities(
    articles: Iterable[Article], workers: int | None = None, cluster: str | None = None
) -> Iterator[Result]:
    """Yield ``(article, (entities, document), None)`` or ``(article, None, error)`` for every article.

    ``articles`` is consumed only a few chunks ahead of the results taken, so that an indexer that reads its
    corpus lazily holds a bounded number of articles, however large the corpus.

    :param cluster: the address of a Dask scheduler (``tcp://HOST:8786``): extract on its workers instead
        of local processes (``workers`` is then ignored).
    """
    if cluster:
        from search.indexing.cluster import extract_on_cluster

        yield from extract_on_cluster(articles, cluster, prepare_chunk)
        return
    workers = default_workers() if workers is None else max(1, workers)
    articles = iter(articles)
    head = list(itertools.islice(articles, IN_PROCESS_BELOW))
    if not head:  # nothing changed: don't load the NLTK models or start workers for nothing
        return
    if workers == 1 or len(head) < IN_PROCESS_BELOW:
        yield from _extract_here(itertools.chain(head, articles))
    else:
        yield from _extract_in_pool(itertools.chain(head, articles), workers)


def _extract_in_pool(articles: Iterator[Article], workers: int) -> Iterator[Result]:
    """Extract in ``workers`` forked processes, ``IN_FLIGHT_PER_WORKER`` chunks per worker at a time.

    A worker that dies (the OOM killer, a crash in a C extension) breaks the pool: the chunks it lost are
    extracted again in a new pool, one at a time (:func:`_one_at_a_time`), and the indexing goes on."""
    chunks = _chunked(articles)
    pool = _WorkerPool(workers)
    pending: dict[Future, list[Article]] = {}
    try:
        for chunk in itertools.islice(chunks, workers * IN_FLIGHT_PER_WORKER):
            pending[pool.submit(chunk)] = chunk
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            lost = []
            for future in [future for future in pending if future in done]:  # in the order submitted
                chunk = pending.pop(future)
                try:
                    outcomes = future.result()  # an exception of the task itself (no NLTK models) is raised
                except BrokenProcessPool:
                    lost.append(chunk)
                    continue
                yield from _results(chunk, outcomes)
            if lost:
                lost += pending.values()  # a broken pool finishes nothing more
                pending.clear()
                logger.warning("an extraction worker died: %d chunks are extracted again", len(lost))
                pool.restart()
                yield from _one_at_a_time(pool, lost)
            for following in itertools.islice(chunks, workers * IN_FLIGHT_PER_WORKER - len(pending)):
                pending[pool.submit(following)] = following
    finally:
        pool.shutdown()


def _one_at_a_time(pool: _WorkerPool, lost: list[list[Article]]) -> Iterator[Result]:
    """Extract the chunks a dead worker lost, one task at a time so that a death names its chunk; a chunk
    whose worker dies again is split into single articles, and an article that kills its worker twice is
    reported as failed."""
    todo = deque((chunk, 1) for chunk in lost)
    dying = 0  # deaths in a row: past WORKER_DEATHS_IN_A_ROW no article is to blame, the machine is
    while todo:
        chunk, attempt = todo.popleft()
        try:
            outcomes = pool.submit(chunk).result()
        except BrokenProcessPool:
            dying += 1
            if dying >= WORKER_DEATHS_IN_A_ROW:
                raise ExtractionWorkersDying(dying) from None
            pool.restart()
            if len(chunk) > 1:
                todo.extendleft(([article], 1) for article in reversed(chunk))
            elif attempt < WORKER_DEATHS_PER_ARTICLE:
                todo.appendleft((chunk, attempt + 1))
            else:
                yield chunk[0], None, f"the extraction worker died on it {attempt} times (out of memory?)"
            continue
        dying = 0
        yield from _results(chunk, outcomes)


class ExtractionWorkersDying(SearchError):
    """Extraction workers die whatever they are given: out of memory, most likely."""

    code = "extraction_workers_dying"

    def __init__(self, deaths: int) -> None:
        super().__init__(
            f"The entity extraction workers died {deaths} times in a row, on different stories: the machine is "
            "probably out of memory. Run `news-search index` again with fewer --workers (or free some memory); "
            "what was committed is kept and skipped.",
            None,
        )


def _results(chunk: list[Article], outcomes: list[Outcome]) -> Iterator[Result]:
    for article, (prepared, error) in zip(chunk, outcomes, strict=True):
        yield article, prepared, error


class _WorkerPool:
    """Forked worker processes that end with the indexer, and a new set after one of them died."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(
            self._workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
        )

    def submit(self, chunk: list[Article]) -> Future:
        return self._executor.submit(prepare_chunk, chunk)

    def restart(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._start()

    def shutdown(self) -> None:
        """Cancel the queued chunks and wait for those being extracted (a chunk is about 0.1 s of work)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def _chunked(articles: Iterator[Article]) -> Iterator[list[Article]]:
    while chunk := list(itertools.islice(articles, CHUNK_SIZE)):
        yield chunk


def _extract_here(articles: Iterable[Article]) -> Iterator[Result]:
    extractor = get_extractor()
    for article in articles:
        prepared, error = prepare(extractor, article)
        yield article, prepared, error


def _exit_with_parent(parent: int) -> None:
    """End this worker soon after its indexer dies (``kill -9`` included).

    A forked worker inherits the indexer's open files, Whoosh's write lock among them: an orphan that
    kept working through its queued chunks would hold that lock, and the next ``news-search index``
    would find the index "locked by another writer".
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def get_extractor() -> EntityExtractor:
    """This process's extractor, built on first use (raises MissingResource without the NLTK models)."""
    global _extractor
    with _extractor_lock:
        if _extractor is None:
            _extractor = load_extractor()
        return _extractor


def prepare_chunk(articles: Sequence[Article]) -> list[Outcome]:
    """Each article's ``(entities, document)`` or error, in order, with this process's extractor.

    The task a cluster worker runs: an extractor that can't be built (no NLTK models) raises, for the
    whole chunk; a failure on one article is reported for that article.
    """
    extractor = get_extractor()
    return [prepare(extractor, article) for article in articles]


def prepare(extractor: EntityExtractor, article: Article) -> Outcome:
    """One article's entities and document; an unexpected failure is reported for that article, not the run."""
    try:
        entities = extractor.extract(article)
        return (entities, analyse(to_document(article, entities))), None
    except Exception as exc:
        logger.exception("entity extraction failed for %s", article.id)
        return None, f"{type(exc).__name__}: {exc}"
