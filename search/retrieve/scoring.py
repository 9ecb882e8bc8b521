"""BM25F scoring with numpy: each term's postings decoded once per generation, a query tree evaluated over
dense score arrays, the top k picked with ``argpartition``.

Why not Whoosh's own collector: a results page needs the *whole* match set (exact totals, facet counts,
the date histogram) as well as the top hits, and Whoosh's matchers walk postings one document at a time
in Python. Here a term's postings are decoded block by block (reading private attributes of Whoosh
2.7's W3 matcher: ``tests/retrieve/test_scoring.py`` fails if an upgrade changes them) and scored with
Whoosh's BM25F formula, so the scores are Whoosh's; AND / OR sum the scores of their matching parts, as
Whoosh does. Phrases, which need positions, are matched by Whoosh itself and cached the same way.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from whoosh import query as wq

from search.retrieve.query import WILDCARD_CLASSES, term_text
from search.retrieve.sparse import Sparse, intersection, total, union

DENSE_SHARE = 8  # an OR whose parts hold more postings than 1/8 of the index is combined as masks (measured)


class PostingsCache:
    """Per-term BM25F scores of one generation as numpy arrays, least recently used dropped first.

    A term's postings are decoded once (block by block, skipping Whoosh's per-posting Python loop) and
    scored with Whoosh's BM25F formula: ``idf * w * (K1 + 1) / (w + K1 * (1 - B + B * len / avglen))``, where
    ``w`` is the stored weight (term frequency times the field's boost, so title matches weigh 3x) and
    ``idf = log(N / (df + 1)) + 1``. Phrases (which need positions) are matched by Whoosh and cached whole.
    """

    K1 = 1.2
    B = 0.75
    BUDGET = 4_000_000  # postings kept (8 bytes each) ...
    BUDGET_PER_DOCUMENT = 12  # ... or this many per document of a larger index (about 100 MB at a million)

    def __init__(
        self, doc_count: int, lengths: dict[str, np.ndarray] | None = None, segments: SegmentPostings | None = None
    ) -> None:
        """:param lengths: each document's length per field, when known (read from the reader otherwise).
        :param segments: the per-segment postings this generation shares with others of its index."""
        self._doc_count = doc_count
        self._segments = segments
        self._lengths: dict[str, np.ndarray] = dict(lengths or {})
        self._scores = ArrayCache(max(self.BUDGET, self.BUDGET_PER_DOCUMENT * doc_count))
        self._lock = threading.Lock()

    def term(self, reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25F scores) of one term; empty arrays when the index lacks it.

        ``reader`` is the calling searcher's (of this generation): the cache keeps no reader of its own, so
        it never holds one that its searcher has closed.
        """
        return self._scores.get((field, text), lambda: self._score_term(reader, field, text))

    def query(self, key: tuple, load) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, scores) of a query Whoosh matches (``load()``), cached under ``key``."""
        return self._scores.get(key, load)

    def _score_term(self, reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        docs, weights = _read_postings(reader, field, text, self._segments)
        if not len(docs):
            return docs.astype(np.int32), weights
        lengths = self._field_lengths(reader, field)[docs]
        # Whoosh's statistics: the field's exact total length over every document number, deleted ones
        # included (the per-document lengths are stored rounded, one byte each), and the term's document
        # frequency counting the postings of deleted documents too
        avg = reader.field_length(field) / (reader.doc_count_all() or 1) or 1.0
        idf = math.log(self._doc_count / (reader.doc_frequency(field, text) + 1)) + 1
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


class ArrayCache:
    """(document numbers, values) array pairs by key, the least recently used dropped first once they hold
    more than ``budget`` postings; thread-safe (a value is loaded outside the lock, kept once)."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._entries: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def fit(self, budget: int) -> None:
        """Hold up to ``budget`` postings from now on (an index that grew needs more to keep its terms warm)."""
        with self._lock:
            self._budget = budget

    def get(self, key: tuple, load: Callable[[], tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
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
                while self._size > self._budget and len(self._entries) > 1:
                    _, (docs, _) = self._entries.popitem(last=False)
                    self._size -= len(docs)
        return found


class SegmentPostings:
    """Each segment's decoded postings of the terms searched lately, shared by the generations of an index
    in one process (least recently used dropped first).

    A segment never changes, so a term's (document, weight) postings in it are decoded once, whatever
    commits follow; only the scores, which depend on the whole generation's statistics, are computed
    again per generation (a numpy pass). The postings are kept with deleted documents in: deletions change
    from one generation to the next, and are dropped as the postings are read.
    """

    BUDGET = 8_000_000  # postings kept (8 bytes each) ...
    BUDGET_PER_DOCUMENT = 24  # ... or this many per document of a larger index (about 200 MB at a million)

    def __init__(self) -> None:
        self._postings = ArrayCache(self.BUDGET)

    def fit(self, doc_count: int) -> None:
        """Size the cache for an index of ``doc_count`` documents: a fixed budget would let a large index's
        searches evict each other's postings in turn, and every "warm" search decode them again."""
        self._postings.fit(max(self.BUDGET, self.BUDGET_PER_DOCUMENT * doc_count))

    def get(self, leaf, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers in the segment, weights) of a term in the segment ``leaf`` reads, deleted
        documents included."""
        return self._postings.get((leaf.segment().segment_id(), field, text), lambda: _decode(leaf, field, text))


def _decode(leaf, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    docs, weights = _leaf_postings(_unfiltered_postings(leaf, field, text))
    return docs.astype(np.int32), weights  # 8 bytes a posting


def _read_postings(
    reader, field: str, text: str, segments: SegmentPostings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All (document numbers, weights) of a term across segments, deleted documents left out."""
    docs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for leaf, base in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        leaf_docs, leaf_weights = segments.get(leaf, field, text) if segments else _decode(leaf, field, text)
        if leaf.has_deletions():
            kept = ~np.isin(leaf_docs, np.fromiter(leaf.deleted_docs_set, dtype=np.int64))
            leaf_docs, leaf_weights = leaf_docs[kept], leaf_weights[kept]
        docs.append(leaf_docs + base)
        weights.append(leaf_weights)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(docs), np.concatenate(weights)


def _unfiltered_postings(leaf, field: str, text: str):
    """The term's matcher in one segment with its deleted documents in (Whoosh 2.7's ``SegmentReader.postings``
    less the ``FilterMatcher`` it wraps around a segment with deletions, which steps through every posting in
    Python; deletions are dropped with numpy instead). Other readers: their own postings."""
    if not hasattr(leaf, "_terms") or not hasattr(leaf, "_text_to_bytes"):
        return leaf.postings(field, text)
    return leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format, scorer=None)


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


def evaluate(q: wq.Query, postings, searcher, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(match mask, BM25F scores) over all ``size`` document numbers, computed with numpy.

    Terms and wildcard expansions come from ``postings`` (a :class:`PostingsCache`); AND / OR sum the
    scores of their matching parts and NOT matches what its part doesn't with a score of 1, as Whoosh does.
    Anything else (phrases) is matched by Whoosh itself and cached the same way. Terms, phrases, AND and OR
    combine sparse results (:mod:`search.retrieve.sparse`); NOT and its kin work on masks of every document.
    """
    found = _evaluate(q, postings, searcher, size)
    return found.dense(size) if isinstance(found, Sparse) else found


def _evaluate(q: wq.Query, postings, searcher, size: int) -> Sparse | tuple[np.ndarray, np.ndarray]:
    if isinstance(q, wq.Term):
        return Sparse(*postings.term(searcher.reader(), q.fieldname, q.text)).boosted(q.boost)
    if isinstance(q, WILDCARD_CLASSES):
        reader = searcher.reader()
        expansions = [postings.term(reader, q.fieldname, term_text(text)) for text in q._btexts(reader)]
        terms = [Sparse(docs, scores).boosted(q.boost) for docs, scores in expansions]
        if total(terms) * DENSE_SHARE < size:
            return union(terms, size)
        return combine_masks([term.dense(size) for term in terms], size, np.logical_or)
    if isinstance(q, wq.Not):
        mask, _ = evaluate(q.query, postings, searcher, size)
        return ~mask, (~mask).astype(np.float32)  # Whoosh's InverseMatcher scores each match 1.0
    if isinstance(q, (wq.AndNot, wq.AndMaybe, wq.Require)):
        mask, scores = evaluate(q.a, postings, searcher, size)
        other_mask, other_scores = evaluate(q.b, postings, searcher, size)
        if isinstance(q, wq.AndNot):
            return mask & ~other_mask, scores
        if isinstance(q, wq.Require):
            return mask & other_mask, scores
        return mask, scores + other_scores * mask
    if isinstance(q, (wq.And, wq.Or)) and not getattr(q, "minmatch", 0):
        parts = [_evaluate(child, postings, searcher, size) for child in q.subqueries]
        sparse = [part for part in parts if isinstance(part, Sparse)]
        if len(sparse) == len(parts) and (isinstance(q, wq.And) or total(sparse) * DENSE_SHARE < size):
            return (intersection(sparse) if isinstance(q, wq.And) else union(sparse, size)).boosted(q.boost)
        dense = [part.dense(size) if isinstance(part, Sparse) else part for part in parts]
        mask, scores = combine_masks(dense, size, np.logical_and if isinstance(q, wq.And) else np.logical_or)
        return mask, scores if q.boost == 1.0 else scores * np.float32(q.boost)
    return Sparse(*postings.query(("whoosh", repr(q)), lambda: _whoosh_matches(q, searcher)))


def combine_masks(parts, size: int, op) -> tuple[np.ndarray, np.ndarray]:
    """AND (``op`` ``np.logical_and``) or OR of (mask, scores) pairs over every document: the scores of the
    matching parts summed part by part (what ``sparse`` must equal, bit for bit)."""
    if not parts:
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float32)
    mask, scores = parts[0][0].copy(), parts[0][1].copy()
    for other_mask, other_scores in parts[1:]:
        op(mask, other_mask, out=mask)
        scores += other_scores
    if op is np.logical_and:
        scores *= mask
    return mask, scores


def _whoosh_matches(q: wq.Query, searcher) -> tuple[np.ndarray, np.ndarray]:
    docs: list[int] = []
    scores: list[float] = []
    for sub, offset in searcher.leaf_searchers():
        matcher = q.matcher(sub, sub.context())
        while matcher.is_active():
            docs.append(matcher.id() + offset)
            scores.append(matcher.score())
            matcher.next()
    return np.asarray(docs, dtype=np.int64), np.asarray(scores, dtype=np.float32)


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties: lower index first)."""
    if len(scores) > k:
        candidates = np.argpartition(-scores, k - 1)[:k]
        cut = scores[candidates].min()
        candidates = np.flatnonzero(scores >= cut)  # keep every tie at the cut so the order is stable
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k]


def first_in_order(order: np.ndarray, results: np.ndarray, k: int, total: int) -> np.ndarray:
    """The first ``k`` documents of ``order`` that ``results`` holds (``total`` in all, every one in ``order``).

    Reads only as far into ``order`` as the results' share of it suggests, then further if that fell short:
    a page of a million-story date order needs its first few thousand entries, not a pass over all of them."""
    reach = min(len(order), 2 * k * len(order) // max(total, 1) + 1024)
    while True:
        head = order[:reach]
        found = head[results[head]]
        if len(found) >= k or reach == len(order):
            return found[:k]
        reach = min(len(order), reach * 4)
