"""Open an index once per process and hand out searchers of its latest generation.

Each gunicorn worker opens its own ``NewsIndex`` after the fork; one ``NewsIndex`` is shared by the threads
of a process, each request taking its own ``NewsSearcher`` (Whoosh searchers are not thread-safe). What the
searches of one generation share is built once (:mod:`search.retrieve.generation`); the last
``KEPT_GENERATIONS`` stay cached, so searchers of an older generation that are still running keep theirs.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from search.errors import TOC_ERRORS, IndexDamaged, IndexNotFound, IndexOutdated, reads_index
from search.indexing import schema
from search.indexing.segments import FOLDER as SEGMENT_CACHE
from search.models import IndexStats
from search.retrieve.generation import Generation, GenerationBuilder
from search.retrieve.searcher import NewsSearcher
from search.settings import Limits

logger = logging.getLogger(__name__)

KEPT_GENERATIONS = 2
IDLE_SEARCHERS = 8  # Whoosh searchers kept open for reuse (opening one costs ~50 ms on Reuters)


def open_index(path: str | Path, limits: Limits | None = None) -> NewsIndex:
    """Open the index at ``path``, to be searched within ``limits`` (default: the built-in defaults).

    Raises IndexNotFound when there is none (or it can't be opened), IndexDamaged when its table of
    contents can't be read and IndexOutdated when an older news-search built it.
    """
    path = Path(path)
    missing = f"No search index in {path}. Build one with `news-search index <corpus folder>`."
    if not path.is_dir():
        raise IndexNotFound(missing)
    try:
        ix = whoosh_index.open_dir(str(path))
    except whoosh_index.EmptyIndexError:
        raise IndexNotFound(missing) from None
    except (OSError, whoosh_index.IndexError) as exc:
        raise IndexNotFound(f"The search index in {path} can't be opened: {exc}") from exc
    except TOC_ERRORS as exc:  # open_dir parses the TOC file
        logger.error("the search index in %s can't be read: %s: %s", path, type(exc).__name__, exc)
        raise IndexDamaged() from exc
    if not schema.is_current(ix.schema):
        ix.close()
        raise IndexOutdated()
    no_huge_page_advice()
    return NewsIndex(ix, path, limits or Limits())


def no_huge_page_advice() -> None:
    """Ask numpy not to advise transparent huge pages for this process's large arrays (unless the
    ``NUMPY_MADVISE_HUGEPAGE`` environment variable decides).

    Under the usual kernel setting (``defrag=madvise``) a first write into such an array may stall while the
    kernel compacts memory for a huge page. Measured at a million stories: the arrays a generation combines
    after a merging commit took 190 ms with the advice and 80 ms without (the first search 460 -> 270 ms),
    while warm searches were as fast either way (p50 9.3 / 9.3 ms). Process-wide, like numpy's own setting."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    try:
        from numpy._core.multiarray import _set_madvise_hugepage  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - numpy 1.x
        try:
            from numpy.core.multiarray import _set_madvise_hugepage  # type: ignore[no-redef]
        except ImportError:
            return
    _set_madvise_hugepage(False)


class NewsIndex:
    """A Whoosh index plus its per-generation caches; thread-safe to share within a process."""

    def __init__(self, ix, path: Path | None = None, limits: Limits | None = None) -> None:
        self._ix = ix
        self._path = path
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._generations: OrderedDict[int, Generation] = OrderedDict()
        self._builder = GenerationBuilder(None if path is None else path / SEGMENT_CACHE)
        self._idle: list = []  # Whoosh searchers no NewsSearcher is using
        self._closed = False

    @reads_index
    def searcher(self) -> NewsSearcher:
        """A new searcher on the latest generation; close it (or use ``with``) when the request ends.

        Opening a Whoosh searcher reads the term index into memory, so closed ones are kept (up to
        IDLE_SEARCHERS) and handed out again while the index has not changed; each is used by one
        NewsSearcher at a time, so no Whoosh object is shared between threads.
        """
        whoosh_searcher = self._checkout()
        try:
            generation = self._generation(whoosh_searcher.reader())
        except BaseException:
            whoosh_searcher.close()
            raise
        return NewsSearcher(whoosh_searcher, generation, self.limits, release=self._release)

    @reads_index
    def stats(self) -> IndexStats:
        """How many articles the latest generation holds and when it was written."""
        with self._ix.reader() as reader:
            count = reader.doc_count()
        return IndexStats(articles=count, last_modified=self._toc_time())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._generations.clear()
            idle, self._idle = self._idle, []
        for whoosh_searcher in idle:
            whoosh_searcher.close()
        self._builder.close()
        self._ix.close()

    def _checkout(self):
        """An idle Whoosh searcher of the latest generation, or a newly opened one."""
        stale = []
        found = None
        with self._lock:
            while self._idle and found is None:
                candidate = self._idle.pop()
                if candidate.up_to_date():
                    found = candidate
                else:
                    stale.append(candidate)
        reusable = stale.pop() if stale and found is None else None
        for old in stale:
            old.close()
        if found is not None:
            return found
        try:
            return self._ix.searcher() if reusable is None else self._reopened(reusable)
        except TOC_ERRORS as exc:  # a newer TOC than the one open_dir read
            logger.error("the search index's table of contents can't be parsed: %s: %s", type(exc).__name__, exc)
            raise IndexDamaged() from exc

    def _reopened(self, stale):
        """A searcher of the latest generation that takes over ``stale``'s readers of the segments that did
        not change (same segment, same deletions) and opens only the others.

        Opening a segment's reader reads its term index (10-15 ms each), so after a commit this is the
        difference between opening one new segment and all twenty. Whoosh's own ``Searcher.refresh`` would
        also reuse a reader whose segment has new deletions (it compares segments by id only), so deleted
        stories would still match; hence this. ``stale`` is closed, but for the readers taken over.
        """
        toc = self._ix._read_toc()
        old = {leaf.segment().segment_id(): leaf for leaf, _ in stale.reader().leaf_readers() if leaf.doc_count_all()}
        readers = []
        for segment in toc.segments:
            leaf = old.get(segment.segment_id())
            if leaf is not None and set(leaf.segment().deleted_docs()) == set(segment.deleted_docs()):
                del old[segment.segment_id()]
            else:
                leaf = SegmentReader(self._ix.storage, toc.schema, segment, generation=toc.generation)
            readers.append(leaf)
        for leaf in old.values():
            leaf.close()
        # a MultiReader even for one segment: a reused SegmentReader reports the generation it was opened in
        reader = MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
        return Searcher(reader, fromindex=self._ix)

    def _release(self, whoosh_searcher) -> None:
        """Keep a Whoosh searcher a NewsSearcher is done with, if there is room.

        Whether it is still current is checked when it is next checked out (``up_to_date()`` lists the index
        folder, so it is done once per request, not twice).
        """
        with self._lock:
            if not self._closed and len(self._idle) < IDLE_SEARCHERS:
                self._idle.append(whoosh_searcher)
                return
        whoosh_searcher.close()

    def _toc_time(self) -> datetime | None:
        if self._path is None:
            return None
        toc = self._path / f"_{self._ix.indexname}_{self._ix.latest_generation()}.toc"
        try:
            return datetime.fromtimestamp(os.path.getmtime(toc), tz=timezone.utc)
        except OSError:
            return None

    def _generation(self, reader) -> Generation:
        number = reader.generation()
        number = -1 if number is None else number
        with self._lock:
            cached = self._generations.get(number)
            if cached is None or cached.doc_count != reader.doc_count_all():
                cached = self._generations[number] = self._builder.build(reader, number)
                while len(self._generations) > KEPT_GENERATIONS:
                    self._generations.popitem(last=False)
            return cached
