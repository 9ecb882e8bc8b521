"""Build or update the index from corpus folders: read, skip what is unchanged, extract, write.

One run:

1. read every supported file below the given roots (``search.ingest``) and hash each article;
2. compare with what the index holds: unchanged articles are skipped, the rest go to worker
   processes that run the NLTK entity pipeline (``search.indexing.pipeline``);
3. the parent is the only writer: it adds or updates each article as its entities arrive, removes
   articles whose file (or record) is gone, and commits every few thousand documents (a ``--rebuild``
   commits once, atomically);
4. the persons of a story that names any are settled against the whole corpus (lone surnames resolved,
   names other stories show to be firms dropped: ``registry``). A plain run writes such a story as it
   arrives, resolved against the corpus read so far, and rewrites at the end the few whose persons the
   rest of the corpus changed (2 % on Reuters): the one writer works while the workers extract instead of
   writing them all after. A ``--rebuild``, which commits once, holds them back and writes them at the end.

A file lock (``indexer.lock`` in the index folder) keeps a second indexer out; Whoosh's commit
swaps the table of contents in one rename, so a crash mid-run leaves the last committed index intact
and the next run picks up where it stopped (unchanged articles are skipped by content hash).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search.entities.nlp import ensure_resources
from search.errors import IndexWriteFailed, reads_index
from search.indexing import analysed, schema, segments
from search.indexing.document import content_hash, entity_fields
from search.indexing.file_states import (
    FileRecord,
    file_state,
    load_file_states,
    reported,
    save_file_states,
    unchanged,
)
from search.indexing.opening import IndexerLock, open_for_writing
from search.indexing.pipeline import extract_entities
from search.indexing.registry import resolve_persons
from search.indexing.segment_contents import live_documents
from search.indexing.writer import HeldBack, RunWriter
from search.ingest import check_readers, discover, read_file, resolved_path
from search.models import Article, IndexReport

logger = logging.getLogger(__name__)


ProgressFactory = Callable[[int | None, str], "Progress"]  # (total if known, what)


class Progress:
    """The interface the indexer reports progress through (the CLI plugs tqdm in)."""

    def update(self, n: int = 1) -> None:  # pragma: no cover - trivial
        pass

    def close(self) -> None:  # pragma: no cover - trivial
        pass


def no_progress(total: int | None, desc: str) -> Progress:
    return Progress()


@dataclass
class _Plan:
    """What reading the corpus has found so far: the index's state before the run, the ids and files seen."""

    existing: dict[str, tuple[str, str]]  # id -> (content hash, path) of every indexed article
    report: IndexReport
    rebuild: bool
    read_paths: set[str] = field(default_factory=set)  # files read (or not news): what they no longer hold goes
    known_files: dict[str, FileRecord] = field(default_factory=dict)  # the last run's file records
    generation: int = -1  # the index generation the run started from
    seen: set[str] = field(default_factory=set)
    file_states: dict[str, FileRecord] = field(default_factory=dict)  # this run's, kept unless a story fails
    retry: set[str] = field(default_factory=set)  # files to read again next time (a story failed, a duplicate)
    _by_path: dict[str, list[str]] | None = None

    def is_new(self, article_id: str) -> bool:
        return self.rebuild or article_id not in self.existing

    def ids_in(self, path: str) -> list[str]:
        """The ids the index holds for the file ``path``."""
        if self._by_path is None:
            self._by_path = {}
            for article_id, (_, held_in) in self.existing.items():
                self._by_path.setdefault(held_in, []).append(article_id)
        return self._by_path.get(path, [])


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
    with IndexerLock(index_path, wait):
        ix = open_for_writing(index_path, rebuild)
        try:
            existing = {} if rebuild else _stored_state(ix, index_path)
            generation = ix.latest_generation()
            known_files = {} if rebuild else load_file_states(index_path, generation)
            plan = _Plan(existing, report, rebuild, set(report.skipped), known_files, generation)
            try:
                _write(ix, index_path, files, roots, plan, workers, progress, cluster)
            except OSError as exc:  # the corpus is read without raising: this is the index folder's
                raise IndexWriteFailed(index_path, exc) from exc
            _record_files(index_path, plan, roots, ix.latest_generation())
        finally:
            ix.close()
    report.seconds = time.perf_counter() - started
    logger.info("indexed %s", report)
    return report


# -- locking and opening -------------------------------------------------------------------------


@reads_index
def _stored_state(ix, index_path: Path) -> dict[str, tuple[str, str]]:
    """id -> (content hash, path) of every indexed article, from each segment's saved data (reading a
    million stored documents took 44 s; their saved data, about a second)."""
    state: dict[str, tuple[str, str]] = {}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            if leaf.doc_count_all():
                data = segments.segment_data(index_path / segments.FOLDER, leaf)
                state.update(data.stored_state(live_documents(leaf)))
    return state


# -- reading: the articles to extract, as the writer takes them ----------------------------------


def _changed_articles(files: list[tuple[Path, Path]], plan: _Plan, progress: ProgressFactory) -> Iterator[Article]:
    """Read the files (``(path, root)`` pairs from ``discover``) one at a time and yield every article that is
    new or changed; unchanged ones are counted and skipped. Read lazily: at a million stories the corpus does
    not fit in memory, only the ids seen so far do."""
    bar = progress(len(files), "reading")
    for file_path, root in files:
        state = None if plan.rebuild else file_state(file_path, root)
        path = resolved_path(file_path)
        if unchanged(plan.known_files.get(path), state) and plan.ids_in(path):
            _unchanged_file(path, plan)
            bar.update()
            continue
        result = read_file(file_path, root)
        plan.report.failed.extend((result.path, problem) for problem in result.problems)
        plan.report.empty.extend((result.path, record) for record in result.empty)
        if result.articles or not result.problems:
            plan.read_paths.add(result.path)
        if state is not None and result.articles:  # a file that gave nothing (unreadable, say) is read again
            plan.file_states[result.path] = [*state, list(result.problems), list(result.empty)]
        for article in result.articles:
            plan.report.read += 1
            if article.id in plan.seen:
                plan.report.failed.append((result.path, f"duplicate article id {article.id}: later copy skipped"))
                plan.retry.add(result.path)
                continue
            plan.seen.add(article.id)
            old = plan.existing.get(article.id)
            if old is not None and old[0] == content_hash(article):
                plan.report.unchanged += 1
            else:
                yield article
        bar.update()
    bar.close()


def _unchanged_file(path: str, plan: _Plan) -> None:
    """Count the articles of a file as the last run left them as read and unchanged, without reading it, and
    report again what reading it reported."""
    record = plan.known_files[path]
    problems, empty = reported(record)
    plan.report.failed.extend((path, problem) for problem in problems)
    plan.report.empty.extend((path, key) for key in empty)
    plan.report.files_not_reread += 1
    plan.read_paths.add(path)
    plan.file_states[path] = record
    for article_id in plan.ids_in(path):
        plan.report.read += 1
        if article_id in plan.seen:  # an earlier file now has this id: as when the file is read
            plan.report.failed.append((path, f"duplicate article id {article_id}: later copy skipped"))
            plan.retry.add(path)
            continue
        plan.seen.add(article_id)
        plan.report.unchanged += 1


def _record_files(index_path: Path, plan: _Plan, roots: list[Path], generation: int) -> None:
    """Save the records of the files whose every article the index now holds as read (none failed, none a
    later copy of another file's id), keeping the records of files under other roots."""
    root_prefixes = [str(r.resolve()) for r in roots]
    states = {path: state for path, state in plan.known_files.items() if not _under(path, root_prefixes)}
    states.update((path, state) for path, state in plan.file_states.items() if path not in plan.retry)
    if states != plan.known_files or generation != plan.generation:
        save_file_states(index_path, states, generation)


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


def _write(
    ix,
    index_path: Path,
    files: list[tuple[Path, Path]],
    roots: list[Path],
    plan: _Plan,
    workers: int | None,
    progress: ProgressFactory,
    cluster: str | None,
) -> None:
    out = RunWriter(ix, index_path, plan.rebuild)
    try:
        with tempfile.TemporaryFile(dir=index_path, prefix="held-back-") as spool_file:
            held_back = HeldBack(spool_file)
            _write_extracted(out, _changed_articles(files, plan, progress), plan, held_back, workers, progress, cluster)
            if not plan.rebuild:
                gone = _gone(plan.existing, plan.seen, plan.read_paths, roots)
                plan.report.removed = len(gone)
                for article_id in gone:
                    out.writer.delete_by_term(schema.ID_FIELD, article_id)
                    out.registry.remove(article_id)
            _settle_persons(out, held_back, plan)
        out.commit()
    except BaseException:
        out.cancel()
        raise


def _write_extracted(
    out: RunWriter,
    articles: Iterator[Article],
    plan: _Plan,
    held_back: HeldBack,
    workers: int | None,
    progress: ProgressFactory,
    cluster: str | None,
) -> None:
    """Write each article as its entities arrive, and keep those that name persons for ``_settle_persons`` (a
    rebuild holds them back unwritten)."""
    bar = progress(None, "indexing")
    for article, prepared, error in extract_entities(articles, workers, cluster):
        bar.update()
        if prepared is None:
            plan.report.failed.append((article.path, f"{article.id}: entity extraction failed: {error}"))
            plan.retry.add(article.path)
            continue
        entities, doc = prepared
        out.registry.add(article.id, entities.persons, entities.firm_evidence)
        if not (entities.surnames or entities.persons):
            _write_one(out, article.id, doc, plan)
        elif plan.rebuild:  # one commit: a story written now could not be rewritten before it
            held_back.append((article.id, entities, doc))
        else:  # its lone surnames and firm-like names need the whole corpus: written as it stands so far
            doc.update(entity_fields(resolve_persons(entities, out.registry)))
            _write_one(out, article.id, doc, plan)
            held_back.append((article.id, entities, analysed.without_postings(doc)))
    bar.close()


def _settle_persons(out: RunWriter, held_back: HeldBack, plan: _Plan) -> None:
    """Resolve the persons of the stories that name any against the whole corpus: write those a ``--rebuild``
    held back; rewrite those a plain run wrote whose persons the rest of the corpus changed (a story written
    since the last commit can only be replaced once committed: one commit first)."""
    committed = False
    for article_id, entities, doc in held_back:
        settled = entity_fields(resolve_persons(entities, out.registry))
        if plan.rebuild:
            doc.update(settled)
            _write_one(out, article_id, doc, plan)
        elif any(doc.get(name) != value for name, value in settled.items()):
            if not committed:
                out.checkpoint()
                committed = True
            doc.update(settled)
            analysed.update(out.writer, doc)  # counted once, when first written
            out.wrote()


def _write_one(out: RunWriter, article_id: str, doc: dict, plan: _Plan) -> None:
    if plan.is_new(article_id):
        analysed.add(out.writer, doc)
        plan.report.added += 1
    else:
        analysed.update(out.writer, doc)
        plan.report.updated += 1
    out.wrote()
