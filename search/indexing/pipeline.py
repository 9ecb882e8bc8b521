"""Run entity extraction, and the rest of each document's preparation, in worker processes.

Each worker builds one ``EntityExtractor`` (the NLTK tagger and chunker load once per process, not per
call) and receives articles in small chunks; it returns the entities and the finished Whoosh document
(spelling words, SimHash and all), so the single writer in the parent only has to add it and stays fed.
Results come back in completion order.

The workers are local processes (a fork pool) or, given ``cluster=``, the worker processes of a Dask
distributed cluster (``search.indexing.cluster``); both run :func:`prepare_chunk`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from search.entities import EntityExtractor
from search.indexing.document import to_document
from search.models import Article, Entities

logger = logging.getLogger(__name__)

CHUNK_SIZE = 16
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
    articles: Sequence[Article], workers: int | None = None, cluster: str | None = None
) -> Iterator[Result]:
    """Yield ``(article, (entities, document), None)`` or ``(article, None, error)`` for every article.

    :param cluster: the address of a Dask scheduler (``tcp://HOST:8786``): extract on its workers instead
        of local processes (``workers`` is then ignored).
    """
    if cluster:
        from search.indexing.cluster import extract_on_cluster

        yield from extract_on_cluster(articles, cluster, prepare_chunk)
        return
    workers = default_workers() if workers is None else max(1, workers)
    if workers == 1 or len(articles) < IN_PROCESS_BELOW:
        yield from _extract_here(articles)
        return
    chunks = [(start, articles[start : start + CHUNK_SIZE]) for start in range(0, len(articles), CHUNK_SIZE)]
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        for start, results in pool.imap_unordered(_extract_chunk, chunks):
            for offset, (prepared, error) in enumerate(results):
                yield articles[start + offset], prepared, error
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _extract_here(articles: Sequence[Article]) -> Iterator[Result]:
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


def _extract_chunk(chunk: tuple[int, Sequence[Article]]) -> tuple[int, list[Outcome]]:
    start, articles = chunk
    return start, prepare_chunk(articles)


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
