"""Run entity extraction, and the rest of each document's preparation, in worker processes.

Each worker builds one ``EntityExtractor`` (the NLTK tagger and chunker load once per process, not per
call) and receives articles in small chunks; it returns the entities and the finished Whoosh document
(spelling words, SimHash and all), so the single writer in the parent only has to add it and stays fed.
Results come back in completion order. Articles are taken from the caller's iterable only a few chunks ahead
of the results, so an indexer that reads its corpus as it goes holds a bounded number of them.

The workers are local processes (a fork pool) or, given ``cluster=``, the worker processes of a Dask
distributed cluster (``search.indexing.cluster``); both run :func:`prepare_chunk`.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from search.entities import EntityExtractor
from search.indexing.document import to_document
from search.models import Article, Entities

logger = logging.getLogger(__name__)

CHUNK_SIZE = 16
IN_FLIGHT_PER_WORKER = 64  # chunks queued per worker: about 4 s of work, so a checkpoint commit does not idle it
IN_PROCESS_BELOW = 64  # starting workers costs more than it saves for a handful of articles
PARENT_CHECK_SECONDS = 0.2

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
    """Extract in ``workers`` forked processes, ``IN_FLIGHT_PER_WORKER`` chunks per worker at a time."""
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_init_worker, initargs=(os.getpid(),))
    finished: queue.SimpleQueue[tuple[list[Article], list[Outcome] | None, BaseException | None]]
    finished = queue.SimpleQueue()
    in_flight = 0

    def submit(chunk: list[Article]) -> None:
        pool.apply_async(
            prepare_chunk,
            (chunk,),
            callback=lambda outcomes: finished.put((chunk, outcomes, None)),
            error_callback=lambda exc: finished.put((chunk, None, exc)),
        )

    chunks = _chunked(articles)
    try:
        for chunk in itertools.islice(chunks, workers * IN_FLIGHT_PER_WORKER):
            submit(chunk)
            in_flight += 1
        while in_flight:
            chunk, outcomes, exc = finished.get()
            in_flight -= 1
            if outcomes is None:  # the whole chunk's task failed (e.g. the extractor could not be built)
                raise exc if exc is not None else RuntimeError("extraction task lost")
            for article, (prepared, error) in zip(chunk, outcomes, strict=True):
                yield article, prepared, error
            following = next(chunks, None)
            if following is not None:
                submit(following)
                in_flight += 1
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _chunked(articles: Iterator[Article]) -> Iterator[list[Article]]:
    while chunk := list(itertools.islice(articles, CHUNK_SIZE)):
        yield chunk


def _extract_here(articles: Iterable[Article]) -> Iterator[Result]:
    extractor = get_extractor()
    for article in articles:
        prepared, error = prepare(extractor, article)
        yield article, prepared, error


def _init_worker(parent: int) -> None:
    _exit_with_parent(parent)
    get_extractor()


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
            _extractor = EntityExtractor()
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
        return (entities, to_document(article, entities)), None
    except Exception as exc:
        logger.exception("entity extraction failed for %s", article.id)
        return None, f"{type(exc).__name__}: {exc}"
