"""What every search of one index generation shares, built once when its first searcher asks.

Whoosh writes a new generation (a new TOC file) on every commit, and the segments of a generation never
change. So everything derived from the documents is computed once per generation: facet value arrays,
dates and date orders, near-duplicate groups, the spelling dictionary and the words behind each stem (for
snippets), a cache of parsed queries and one of per-term postings with their BM25F scores
(:class:`search.retrieve.scoring.PostingsCache`, filled as queries use terms). Read-only once built,
except those two caches, which lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from search.facets import FACETS, LANGUAGE
from search.indexing import schema
from search.indexing.analysis import stemmed_language
from search.indexing.document import split_values
from search.retrieve.dedupe import MIN_WORDS, Duplicates, find_duplicates
from search.retrieve.facet_counts import NO_DATE, DateIndex, FacetTable
from search.retrieve.query import ParsedQuery, check_expansion, parse_query
from search.retrieve.scoring import PostingsCache
from search.retrieve.snippets import SurfaceForms
from search.retrieve.suggest import SpellingDictionary

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 512


@dataclass
class Generation:
    """What the searches of one index generation share (read-only once built, except the query cache)."""

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
    languages: tuple[str, ...]  # codes of the languages stemmed apart (German "de"...): queries search each
    _queries: OrderedDict[str, ParsedQuery] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def parsed(self, text: str, reader, max_chars: int) -> ParsedQuery:
        """The validated query for ``text`` (cached: the same text parses the same within a generation)."""
        with self._lock:
            cached = self._queries.get(text)
            if cached is not None:
                self._queries.move_to_end(text)
                return cached
        parsed = parse_query(text, reader.schema, max_chars, self.languages)
        check_expansion(parsed, reader)
        with self._lock:
            self._queries[text] = parsed
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return parsed


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
    values: dict[str, list[tuple[int, tuple[str, ...], tuple[str, ...]]]] = {facet.name: [] for facet in FACETS}
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
        for facet in FACETS:
            named, about = split_values(stored.get(facet.field)), split_values(stored.get(facet.about_field))
            values[facet.name].append((docnum, named, about))
    spelling = SpellingDictionary(_spelling_frequencies(reader))
    names = {name for _, story_languages, _ in values[LANGUAGE] for name in story_languages}
    languages = tuple(sorted({code for code in map(stemmed_language, names) if code}))
    generation = Generation(
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
        forms=SurfaceForms(spelling.frequencies, languages),
        languages=languages,
    )
    logger.info(
        "index generation %s: %d documents cached in %.2f s", number, int(live.sum()), time.perf_counter() - started
    )
    return generation


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
