"""Open an index once per process and keep what every search needs, per index generation.

Whoosh writes a new generation (a new TOC file) on every commit; segments of a generation never change. So
everything derived from the documents is computed once per generation, the first time a searcher of that
generation asks, under a lock: facet value arrays, dates and date orders, near-duplicate groups, the
spelling dictionary and the words behind each stem (snippets), a cache of parsed queries and one of per-term
postings with their BM25F scores as numpy arrays (filled as queries use terms, bounded in size). Searchers
of an older generation that are still running keep the cache they started with.

Each gunicorn worker opens its own ``NewsIndex`` after the fork; one ``NewsIndex`` is shared by the threads
of a process, each request taking its own ``NewsSearcher`` (Whoosh searchers are not thread-safe).
"""
from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from search import schema
from search.dedupe import MIN_WORDS, Duplicates, find_duplicates
from search.document import split_values
from search.errors import TOC_ERRORS, IndexDamaged, IndexNotFound, reads_index
from search.facets import NO_DATE, DateIndex, FacetTable
from search.models import IndexStats
from search.query import ParsedQuery, check_expansion, parse_query
from search.searcher import NewsSearcher
from search.snippets import SurfaceForms, stemmer_of
from search.suggest import SpellingDictionary

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 512
KEPT_GENERATIONS = 2
IDLE_SEARCHERS = 8  # Whoosh searchers kept open for reuse (opening one costs ~50 ms on Reuters)


@dataclass
class Generation:
    """What the searches of one index generation share (read-only once built, except the query cache)."""

    number: int
    doc_count: int  # document numbers run 0 .. doc_count - 1 (deleted ones included)
    live: np.ndarray  # not deleted
    ids: list[str]
    facets: dict[str, FacetTable]
    dates: DateIndex  # each document's day / month / year
    newest: np.ndarray  # live document numbers, newest first, undated last
    oldest: np.ndarray  # live document numbers, oldest first, undated last
    duplicates: Duplicates
    spelling: SpellingDictionary
    postings: PostingsCache
    forms: SurfaceForms
    _queries: OrderedDict[str, ParsedQuery] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def parsed(self, text: str, reader) -> ParsedQuery:
        """The validated query for ``text`` (cached: the same text parses the same within a generation)."""
        with self._lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
        parsed = parse_query(text, reader.schema)
        check_expansion(parsed, reader)
        with self._lock:
            self._queries[text] = parsed
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return parsed


def open_index(path: str | Path) -> NewsIndex:
    """Open the index at ``path``; raises IndexNotFound when there is none (or it can't be opened) and
    IndexDamaged when its table of contents can't be read."""
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
    return NewsIndex(ix, path)


class NewsIndex:
    """A Whoosh index plus its per-generation caches; thread-safe to share within a process."""

    def __init__(self, ix, path: Path | None = None) -> None:
        self._ix = ix
        self._path = path
        self._lock = threading.Lock()
        self._generations: OrderedDict[int, Generation] = OrderedDict()
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
        return NewsSearcher(whoosh_searcher, generation, release=self._release)

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
        for old in stale:
            old.close()
        if found is not None:
            return found
        try:
            return self._ix.searcher()
        except TOC_ERRORS as exc:  # a newer TOC than the one open_dir read
            logger.error("the search index's table of contents can't be parsed: %s: %s", type(exc).__name__, exc)
            raise IndexDamaged() from exc

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
                cached = self._generations[number] = build_generation(reader, number)
                while len(self._generations) > KEPT_GENERATIONS:
                    self._generations.popitem(last=False)
            return cached


def build_generation(reader, number: int) -> Generation:
    """Read every live document's stored facets, date and SimHash once; build the shared arrays."""
    started = time.perf_counter()
    size = reader.doc_count_all()
    live = np.zeros(size, dtype=bool)
    ids = [""] * size
    stamps = np.zeros(size, dtype=np.int64)  # seconds since 1970, for ordering
    days = np.full(size, NO_DATE, dtype=np.int64)
    hashes = np.zeros(size, dtype=np.uint64)
    long_enough = np.zeros(size, dtype=bool)
    exact_keys: list[object] = [None] * size
    values: dict[str, list[tuple[int, tuple[str, ...]]]] = {name: [] for name in schema.FACET_FIELDS}
    for docnum, stored in reader.iter_docs():
        live[docnum] = True
        ids[docnum] = stored.get(schema.ID_FIELD, "")
        moment = stored.get(schema.DATE)
        if isinstance(moment, datetime):
            days[docnum] = moment.toordinal()
            stamps[docnum] = int(moment.replace(tzinfo=timezone.utc).timestamp())
        body = stored.get(schema.BODY) or ""
        hashes[docnum] = int(stored.get(schema.SIMHASH) or 0)
        long_enough[docnum] = len(body.split()) >= MIN_WORDS
        if body.strip():
            exact_keys[docnum] = (" ".join((stored.get(schema.TITLE) or "").lower().split()), " ".join(body.split()))
        for name, fieldname in schema.FACET_FIELDS.items():
            values[name].append((docnum, split_values(stored.get(fieldname))))
    spelling = SpellingDictionary(_spelling_frequencies(reader))
    generation = Generation(
        number=number,
        doc_count=size,
        live=live,
        ids=ids,
        facets={name: FacetTable(name, pairs, size) for name, pairs in values.items()},
        dates=DateIndex(days),
        newest=_date_order(live, days, stamps, newest=True),
        oldest=_date_order(live, days, stamps, newest=False),
        duplicates=find_duplicates(hashes, long_enough & live, exact_keys),
        spelling=spelling,
        postings=PostingsCache(size),
        forms=SurfaceForms(spelling.frequencies, stemmer_of(reader.schema[schema.BODY].analyzer)),
    )
    logger.info("index generation %s: %d documents cached in %.2f s", number, int(live.sum()),
                time.perf_counter() - started)
    return generation


class PostingsCache:
    """Per-term BM25F scores of one generation as numpy arrays, least recently used dropped first.

    A term's postings are decoded once (block by block, skipping Whoosh's per-posting Python loop) and
    scored with Whoosh's BM25F formula: ``idf * w * (K1 + 1) / (w + K1 * (1 - B + B * len / avglen))``, where
    ``w`` is the stored weight (term frequency times the field's boost, so title matches weigh 3x) and
    ``idf = log(N / (df + 1)) + 1``. Phrases (which need positions) are matched by Whoosh and cached whole.
    """

    K1 = 1.2
    B = 0.75
    BUDGET = 4_000_000  # postings kept (8 bytes each)

    def __init__(self, doc_count: int) -> None:
        self._doc_count = doc_count
        self._lengths: dict[str, np.ndarray] = {}
        self._entries: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def term(self, reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25F scores) of one term; empty arrays when the index lacks it.

        ``reader`` is the calling searcher's (of this generation): the cache keeps no reader of its own, so
        it never holds one that its searcher has closed.
        """
        return self._cached((field, text), lambda: self._score_term(reader, field, text))

    def query(self, key: tuple, load) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, scores) of a query Whoosh matches (``load()``), cached under ``key``."""
        return self._cached(key, load)

    def _cached(self, key: tuple, load) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = load()
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self._size += len(found[0])
                while self._size > self.BUDGET and len(self._entries) > 1:
                    _, (docs, _) = self._entries.popitem(last=False)
                    self._size -= len(docs)
        return found

    def _score_term(self, reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        docs, weights = _read_postings(reader, field, text)
        if not len(docs):
            return docs.astype(np.int32), weights
        all_lengths = self._field_lengths(reader, field)
        lengths = all_lengths[docs]
        avg = float(all_lengths.sum()) / max(1, reader.doc_count()) or 1.0
        idf = math.log(self._doc_count / (len(docs) + 1)) + 1
        scores = idf * weights * (self.K1 + 1) / (weights + self.K1 * (1 - self.B + self.B * lengths / avg))
        return docs.astype(np.int32), scores.astype(np.float32)

    def _field_lengths(self, reader, field: str) -> np.ndarray:
        with self._lock:
            lengths = self._lengths.get(field)
            if lengths is None:
                lengths = np.zeros(self._doc_count, dtype=np.float32)
                for leaf, base in reader.leaf_readers():
                    for docnum in leaf.all_doc_ids():
                        lengths[base + docnum] = leaf.doc_field_length(docnum, field) or 0
                self._lengths[field] = lengths
            return lengths


def _read_postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """All (document numbers, weights) of a term across segments."""
    docs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for leaf, base in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        leaf_docs, leaf_weights = _leaf_postings(leaf.postings(field, text))
        docs.append(leaf_docs + base)
        weights.append(leaf_weights)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(docs), np.concatenate(weights)


def _leaf_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Decode a matcher block by block (Whoosh 2.7 W3 format), or posting by posting for other matchers."""
    docs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if not hasattr(matcher, "_read_data"):
        items = _slow_items(matcher)
        return np.asarray([i for i, _ in items], dtype=np.int64), np.asarray([w for _, w in items], np.float32)
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        ids = np.asarray(matcher._data[0], dtype=np.int64)
        docs.append(ids if matcher._byteids else np.cumsum(ids))
        matcher._read_weights()
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(docs), np.concatenate(weights)


def _slow_items(matcher) -> list[tuple[int, float]]:
    items = []
    while matcher.is_active():
        items.append((matcher.id(), matcher.weight()))
        matcher.next()
    return items


def _date_order(live: np.ndarray, days: np.ndarray, stamps: np.ndarray, newest: bool) -> np.ndarray:
    """Live document numbers by date (ties by document number), undated ones last."""
    undated = days == NO_DATE
    key = -stamps if newest else stamps
    order = np.lexsort((np.arange(len(days)), key, undated))
    return order[live[order]]


def _spelling_frequencies(reader) -> dict[str, int]:
    """Each spelling word's document frequency, summed segment by segment: a multi-segment reader asked
    for the field's terms looks every term up in every segment (5 s instead of 0.3 s on Reuters in 4 segments)."""
    if schema.SPELL not in reader.schema:
        return {}
    counts: Counter[str] = Counter()
    for leaf, _ in reader.leaf_readers():
        for term, info in leaf.iter_field(schema.SPELL):
            counts[term.decode("utf-8")] += info.doc_frequency()
    return dict(counts)
