"""Build or update the index from corpus folders: read, skip what is unchanged, extract, write.

One run:

1. read every supported file below the given roots (``search.ingest``) and hash each article;
2. compare with what the index holds: unchanged articles are skipped, the rest go to worker
   processes that run the NLTK entity pipeline (``search.indexing.pipeline``);
3. the parent is the only writer: it adds or updates each article as its entities arrive, removes
   articles whose file (or record) is gone, and commits every few thousand documents (a ``--rebuild``
   commits once, atomically).

A file lock (``indexer.lock`` in the index folder) keeps a second indexer out; Whoosh's commit
swaps the table of contents in one rename, so a crash mid-run leaves the last committed index intact
and the next run picks up where it stopped (unchanged articles are skipped by content hash).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import filelock
from whoosh import writing
from whoosh.index import LockError

from search.entities.nlp import ensure_resources
from search.errors import IndexLocked, reads_index
from search.indexing import schema, segments
from search.indexing.document import content_hash, entity_fields
from search.indexing.opening import open_for_writing
from search.indexing.pipeline import extract_entities
from search.indexing.registry import PersonRegistry, load_registry, resolve_persons, save_registry
from search.ingest import check_readers, discover, read_file
from search.models import Article, Entities, IndexReport

logger = logging.getLogger(__name__)

LOCK_FILE = "indexer.lock"
WRITER_MEMORY_MB = 256
CHECKPOINT_EVERY = 6000  # documents per intermediate commit (not on --rebuild)

ProgressFactory = Callable[[int, str], "Progress"]


class Progress:
    """The interface the indexer reports progress through (the CLI plugs tqdm in)."""

    def update(self, n: int = 1) -> None:  # pragma: no cover - trivial
        pass

    def close(self) -> None:  # pragma: no cover - trivial
        pass


def no_progress(total: int, desc: str) -> Progress:
    return Progress()


@dataclass
class _Plan:
    """What phase 1 found: articles to extract, ids to delete, and the counts so far."""

    to_extract: list[Article] = field(default_factory=list)
    new_ids: set[str] = field(default_factory=set)
    to_delete: set[str] = field(default_factory=set)
    report: IndexReport = field(default_factory=IndexReport)


def build_index(
    paths: Iterable[str | Path],
    index_dir: str | Path,
    *,
    workers: int | None = None,
    rebuild: bool = False,
    wait: float = 0,
    progress: ProgressFactory = no_progress,
    cluster: str | None = None,  # a Dask scheduler's address (tcp://HOST:8786): extract entities on its workers
) -> IndexReport:
    """Index every article below ``paths`` into ``index_dir``; return what was done.

    :param wait: seconds to wait for another indexer to finish before giving up with IndexLocked.
    """
    started = time.perf_counter()
    roots = [Path(p) for p in paths]
    index_path = Path(index_dir)
    ensure_resources()  # fail fast, naming the missing NLTK resource, before any work
    report = IndexReport()
    files = list(
        discover(
            roots,
            on_problem=lambda path, problem: report.failed.append((str(path), problem)),
            on_skipped=lambda path: report.skipped.append(os.path.realpath(path)),
        )
    )
    check_readers(path.suffix for path, _ in files)  # ... and a reader's missing library, the same way
    index_path.mkdir(parents=True, exist_ok=True)
    with _index_lock(index_path, wait):
        ix = open_for_writing(index_path, rebuild)
        try:
            existing = {} if rebuild else _stored_state(ix)
            plan = _plan(files, roots, existing, rebuild, progress, report)
            if plan.to_extract or plan.to_delete or rebuild:
                registry = PersonRegistry() if rebuild else load_registry(index_path)
                _write(ix, index_path, plan, registry, workers, rebuild, progress, cluster)
                save_registry(index_path, registry)
        finally:
            ix.close()
    plan.report.seconds = time.perf_counter() - started
    logger.info("indexed %s", plan.report)
    return plan.report


# -- locking and opening -------------------------------------------------------------------------


class _index_lock:
    """The indexer's own lock, held for the whole run (Whoosh's lock only covers a writer)."""

    def __init__(self, index_path: Path, wait: float) -> None:
        self._path = index_path
        self._lock = filelock.FileLock(str(index_path / LOCK_FILE), timeout=wait)

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise IndexLocked(
                f"Another `news-search index` is writing to {self._path}. Wait for it to finish, "
                "or run again with --wait SECONDS to queue behind it."
            ) from None

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


@reads_index
def _stored_state(ix) -> dict[str, tuple[str, str]]:
    """id -> (content hash, path) of every indexed article."""
    with ix.reader() as reader:
        return {
            fields[schema.ID_FIELD]: (fields.get(schema.HASH, ""), fields.get(schema.PATH, ""))
            for fields in reader.all_stored_fields()
        }


# -- phase 1: read and compare -------------------------------------------------------------------


def _plan(
    files: list[tuple[Path, Path]],
    roots: list[Path],
    existing: dict[str, tuple[str, str]],
    rebuild: bool,
    progress: ProgressFactory,
    report: IndexReport,
) -> _Plan:
    """Read every file (``(path, root)`` pairs from ``discover``), compare with the index, and classify."""
    plan = _Plan(report=report)
    seen: set[str] = set()
    read_paths = set(report.skipped)  # files that are not news: whatever they gave before is removed
    bar = progress(len(files), "reading")
    for file_path, root in files:
        result = read_file(file_path, root)
        report.failed.extend((result.path, problem) for problem in result.problems)
        report.empty.extend((result.path, record) for record in result.empty)
        if result.articles or not result.problems:
            read_paths.add(result.path)
        for article in result.articles:
            report.read += 1
            if article.id in seen:
                report.failed.append((result.path, f"duplicate article id {article.id}: later copy skipped"))
                continue
            seen.add(article.id)
            _classify(article, existing, plan)
        bar.update()
    bar.close()
    if not rebuild:
        plan.to_delete = _gone(existing, seen, read_paths, roots)
        report.removed = len(plan.to_delete)
    return plan


def _classify(article: Article, existing: dict[str, tuple[str, str]], plan: _Plan) -> None:
    old = existing.get(article.id)
    if old is not None and old[0] == content_hash(article):
        plan.report.unchanged += 1
        return
    if old is None:
        plan.new_ids.add(article.id)
    plan.to_extract.append(article)


def _gone(existing: dict[str, tuple[str, str]], seen: set[str], read_paths: set[str], roots: list[Path]) -> set[str]:
    """Indexed ids below the roots that this run no longer found.

    A file that failed to read keeps its articles (nothing is lost to a transient error); a file
    that was deleted, or read but no longer holds a record, loses them.
    """
    root_prefixes = [str(r.resolve()) for r in roots]
    gone = set()
    for article_id, (_, path) in existing.items():
        if article_id in seen or not _under(path, root_prefixes):
            continue
        if path in read_paths or not os.path.exists(path):
            gone.add(article_id)
    return gone


def _under(path: str, prefixes: list[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip(os.sep) + os.sep) for p in prefixes)


# -- phase 2: extract and write ------------------------------------------------------------------


class _Writer:
    """The run's one Whoosh writer. On a plain (not ``--rebuild``) run it commits every
    ``CHECKPOINT_EVERY`` documents: the commit then overlaps the workers' extraction instead of
    idling them at the end, a running server sees articles as they land, and a crash loses less.
    A rebuild commits once, so nobody ever sees the old and the new index mixed."""

    def __init__(self, ix, index_path: Path, registry: PersonRegistry, rebuild: bool) -> None:
        self._ix, self._index_path, self._registry, self._rebuild = ix, index_path, registry, rebuild
        self._pending = 0
        self.writer = self._open()

    def _open(self):
        try:
            return self._ix.writer(limitmb=WRITER_MEMORY_MB)
        except LockError:
            raise IndexLocked(f"The index at {self._index_path} is locked by another writer.") from None

    def wrote(self) -> None:
        self._pending += 1
        if not self._rebuild and self._pending >= CHECKPOINT_EVERY:
            self.writer.commit(mergetype=writing.NO_MERGE)
            self._save_segment_data()
            save_registry(self._index_path, self._registry)
            self._pending = 0
            self.writer = self._open()

    def commit(self) -> None:
        self.writer.commit(mergetype=writing.CLEAR if self._rebuild else None)
        self._save_segment_data()

    def _save_segment_data(self) -> None:
        """What searchers read of every document, saved once per new segment (``segments``)."""
        with self._ix.reader() as reader:
            segments.save_missing(self._index_path / segments.FOLDER, reader)

    def cancel(self) -> None:
        self.writer.cancel()


def _write(
    ix,
    index_path: Path,
    plan: _Plan,
    registry: PersonRegistry,
    workers: int | None,
    rebuild: bool,
    progress: ProgressFactory,
    cluster: str | None,
) -> None:
    out = _Writer(ix, index_path, registry, rebuild)
    try:
        for article_id in plan.to_delete:
            out.writer.delete_by_term(schema.ID_FIELD, article_id)
            registry.remove(article_id)
        deferred = _write_extracted(out, plan, registry, workers, rebuild, progress, cluster)
        for article, entities, doc in deferred:  # lone surnames and firms: resolved against the whole corpus
            doc.update(entity_fields(resolve_persons(entities, registry)))
            _write_one(out, article.id, doc, plan, rebuild)
        out.commit()
    except BaseException:
        out.cancel()
        raise


def _write_extracted(
    out: _Writer,
    plan: _Plan,
    registry: PersonRegistry,
    workers: int | None,
    rebuild: bool,
    progress: ProgressFactory,
    cluster: str | None,
) -> list[tuple[Article, Entities, dict]]:
    """Write each article as its entities arrive; hold back those with persons or unresolved lone surnames."""
    deferred: list[tuple[Article, Entities, dict]] = []
    bar = progress(len(plan.to_extract), "indexing")
    for article, prepared, error in extract_entities(plan.to_extract, workers, cluster):
        bar.update()
        if prepared is None:
            plan.report.failed.append((article.path, f"{article.id}: entity extraction failed: {error}"))
            continue
        entities, doc = prepared
        registry.add(article.id, entities.persons, entities.firm_evidence)
        if entities.surnames or entities.persons:  # its lone surnames and firm-like names need the whole corpus
            deferred.append((article, entities, doc))
        else:
            _write_one(out, article.id, doc, plan, rebuild)
    bar.close()
    return deferred


def _write_one(out: _Writer, article_id: str, doc: dict, plan: _Plan, rebuild: bool) -> None:
    if rebuild or article_id in plan.new_ids:
        out.writer.add_document(**doc)
        plan.report.added += 1
    else:
        out.writer.update_document(**doc)
        plan.report.updated += 1
    out.wrote()
