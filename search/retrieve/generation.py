"""What every search of one index generation shares, built once when its first searcher asks.

Whoosh writes a new generation (a new TOC file) on every commit, and the segments of a generation never
change. A generation holds what searches derive from the documents: facet value arrays, dates and date
orders, near-duplicate groups, the spelling dictionary, the words behind each stem (for snippets), a cache
of parsed queries and one of per-term BM25F scores (:class:`search.retrieve.scoring.PostingsCache`, filled
as queries use terms). Read-only once built, except those caches, which lock.

A generation is built from its segments (``GenerationBuilder``): what each segment's documents hold is
read once, by the indexer when it commits the segment (:mod:`search.indexing.segments`, memory-mapped), and
what a process already combined for the segments of its last generation is kept, so a commit costs what it
adds, not a pass over every stored document.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from search.facets import FACETS, LANGUAGE
from search.indexing.analysis import stemmed_language
from search.indexing.segment_contents import LENGTH_FIELDS, SegmentData, live_documents
from search.indexing.segments import segment_data
from search.indexing.vocabulary import load_vocabulary
from search.retrieve.dedupe import Duplicates
from search.retrieve.facet_counts import NO_DATE, DateIndex, FacetTable, entry_starts
from search.retrieve.groups import GroupKeeper
from search.retrieve.growing import GrowingArray
from search.retrieve.query import ParsedQuery, check_expansion, parse_query
from search.retrieve.scoring import PostingsCache, SegmentPostings
from search.retrieve.snippets import SurfaceForms
from search.retrieve.suggest import MIN_DF, DeletionIndex, SpellingDictionary
from search.retrieve.whole import WholeCollection
from search.retrieve.word_counts import WordCounts

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 512


@dataclass
class Generation:
    """What the searches of one index generation share (read-only once built, except the query cache)."""

    doc_count: int  # document numbers run 0 .. doc_count - 1 (deleted ones included)
    live: np.ndarray  # not deleted
    ids: DocumentIds
    facets: dict[str, FacetTable]
    dates: DateIndex  # each document's day / month / year
    stamps: np.ndarray  # each document's seconds since 1970, for the date orders
    duplicates: Duplicates
    spelling: SpellingDictionary
    postings: PostingsCache
    forms: SurfaceForms
    languages: tuple[str, ...]  # codes of the languages stemmed apart (German "de"...): queries search each
    _queries: OrderedDict[str, ParsedQuery] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def newest(self) -> np.ndarray:
        """Live document numbers, newest first, undated last: sorted on first use (browsing, date sorts),
        not by every commit."""
        return _date_order(self.live, self.dates.days, self.stamps, newest=True)

    @cached_property
    def oldest(self) -> np.ndarray:
        """Live document numbers, oldest first, undated last."""
        return _date_order(self.live, self.dates.days, self.stamps, newest=False)

    @cached_property
    def whole(self) -> WholeCollection:
        """Every story that counts (live, near-duplicates once) and its page's counts, on first use."""
        stories = self.duplicates.collapse(self.live)
        stories = stories.copy() if stories is self.live else stories
        stories.flags.writeable = False
        return WholeCollection(stories, self.facets, self.dates)

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


class GenerationBuilder:
    """Builds each generation of one index from its segments' data, reusing what this process built before.

    One per ``NewsIndex`` (so one per process), called under its lock. Segment data is loaded once per
    segment (:mod:`search.retrieve.segments`: memory-mapped files the indexer saved) and combined: arrays
    are concatenated, facet values keep process-wide ids, spelling counts are updated by the segments
    that came and went, the words behind each stem grow by the new words only, and near-duplicate groups
    of the segments an earlier generation also began with are kept, comparing only the newer documents.
    So a commit costs what it adds (plus copying arrays), not a pass over every stored document.
    """

    def __init__(self, folder: Path | None = None) -> None:
        """:param folder: where segment data is saved (None: computed in memory, as for an index in RAM)."""
        self._folder = folder
        self._segments: dict[str, _Segment] = {}
        self._vocabularies = {facet.name: _Vocabulary() for facet in FACETS}
        self._words = WordCounts()
        self._forms = SurfaceForms()
        self._deletions = DeletionIndex()
        self._postings = SegmentPostings()
        self._groups = GroupKeeper(folder)
        self._arrays: dict[str, GrowingArray] = {}

    def close(self) -> None:
        """Finish what is being saved for later processes (the near-duplicate groups)."""
        self._groups.finish_saving()

    def build(self, reader, number: int) -> Generation:
        """The generation ``reader`` reads (its number only for the log)."""
        started = time.perf_counter()
        leaves = [(leaf, base) for leaf, base in reader.leaf_readers() if leaf.doc_count_all()]
        segments = [self._segment(leaf) for leaf, _ in leaves]
        self._update_words(segments)
        self._segments = {s.data.segment_id: s for s in segments}
        offsets = [base for _, base in leaves]
        size = reader.doc_count_all()
        self._postings.fit(size)
        live = _concat([live_documents(leaf) for leaf, _ in leaves], bool, size)
        ids = [s.data.segment_id for s in segments]
        days = np.where(live, self._combined("days", ids, lambda i: segments[i].data.days, np.int64), NO_DATE)
        stamps = self._combined("stamps", ids, lambda i: segments[i].data.stamps, np.int64)
        facets = {facet.name: self._facet(facet.name, segments, offsets, size) for facet in FACETS}
        languages = tuple(sorted(set().union(*(s.languages() for s in segments))))
        generation = Generation(
            doc_count=size,
            live=live,
            ids=DocumentIds([s.data for s in segments], offsets),
            facets=facets,
            dates=DateIndex(days),
            stamps=stamps,
            duplicates=self._groups.groups([s.data for s in segments], live),
            spelling=SpellingDictionary(self._words.snapshot(), self._deletions),
            postings=PostingsCache(size, self._lengths(segments, live), self._postings),
            forms=self._forms,
            languages=languages,
        )
        logger.info(
            "index generation %s: %d documents in %d segments cached in %.3f s",
            number,
            int(live.sum()),
            len(segments),
            time.perf_counter() - started,
        )
        return generation

    def _segment(self, leaf) -> _Segment:
        segment_id = leaf.segment().segment_id()
        known = self._segments.get(segment_id)
        if known is not None and known.data.size == leaf.doc_count_all():
            return known
        data = segment_data(self._folder, leaf)
        values = {name: self._vocabularies[name].ids(facet.values)[facet.val] for name, facet in data.facets.items()}
        return _Segment(data, values)

    def _update_words(self, segments: list[_Segment]) -> None:
        """Spelling counts: a first generation, or one after a merge, loads them when the indexer saved them
        (a merge takes many segments' words away); otherwise subtract the segments gone since the last
        generation and add the new ones."""
        now = {s.data.segment_id for s in segments}
        merged = not now.issuperset(self._segments)
        if (merged or not self._segments) and self._load_words([s.data.segment_id for s in segments]):
            return
        for segment_id, gone in self._segments.items():
            if segment_id not in now:
                self._words.subtract(gone.word_ids(self._words), gone.data.word_counts)
        new_words: list[str] = []
        frequent: list[str] = []
        for segment in segments:
            if segment.data.segment_id not in self._segments:
                new, reached = self._words.add(segment.word_ids(self._words), segment.data.word_counts, MIN_DF)
                new_words += new
                frequent += reached
        self._forms.add(new_words)
        self._deletions.add(frequent)

    def _load_words(self, segment_ids: list[str]) -> bool:
        """Take the spelling counts and stems of the vocabulary the indexer saved for these segments, if any."""
        saved = load_vocabulary(self._folder, segment_ids) if self._folder is not None else None
        if saved is None:
            return False
        new, frequent = self._words.replace(self._words.ids(saved.words), saved.counts, MIN_DF)
        self._forms.add_stemmed([saved.words[i] for i in new.tolist()], [saved.stems[i] for i in new.tolist()])
        self._deletions.add(frequent)
        return True

    def _facet(self, name: str, segments: list[_Segment], offsets: list[int], size: int) -> FacetTable:
        """One facet's entries (deleted stories keep theirs: every count is over a mask of live stories)."""
        ids = [s.data.segment_id for s in segments]
        parts = [s.data.facets[name] for s in segments]
        bases = np.cumsum([0, *(len(part.doc) for part in parts)]).tolist()  # where each segment's entries start
        docs = self._combined(f"{name}.doc", ids, lambda i: parts[i].doc + np.int32(offsets[i]), np.int32)
        values = self._combined(f"{name}.val", ids, lambda i: segments[i].values[name], np.int32)
        about = self._combined(f"{name}.about", ids, lambda i: parts[i].about, bool)
        own = [s.entry_starts(name) for s in segments]  # computed once per segment
        kind = np.int32 if bases[-1] < 2**31 else np.int64  # half the memory: 35 MB per worker at a million
        starts = self._combined(f"{name}.starts.{kind.__name__}", ids, lambda i: own[i][:-1] + bases[i], kind)
        ends = self._combined(f"{name}.ends.{kind.__name__}", ids, lambda i: own[i][1:] + bases[i], kind)
        return FacetTable(name, docs, values, about, self._vocabularies[name].snapshot(), size, (starts, ends))

    def _lengths(self, segments: list[_Segment], live: np.ndarray) -> dict[str, np.ndarray]:
        """Per-document length of each scored field (0 for deleted documents, as Whoosh's readers give)."""
        ids = [s.data.segment_id for s in segments]
        lengths = {}
        for name in LENGTH_FIELDS:
            parts = [s.data.lengths[name] for s in segments]
            combined = self._combined(f"length.{name}", ids, parts.__getitem__, np.float32)
            lengths[name] = np.where(live, combined, 0).astype(np.float32)
        return lengths

    def _combined(self, key: str, segment_ids: list[str], part, dtype) -> np.ndarray:
        """The segments' parts of one array, one after the other, grown in place from the last generation's."""
        if key not in self._arrays:
            self._arrays[key] = GrowingArray(dtype)
        return self._arrays[key].combine(segment_ids, part)


@dataclass(frozen=True)
class _Segment:
    data: SegmentData
    values: dict[str, np.ndarray]  # per facet, each entry's value id in the process-wide vocabulary
    starts: dict[str, np.ndarray] = field(default_factory=dict)  # per facet, computed once: entry_starts
    stemmed: list[frozenset[str]] = field(default_factory=list)  # computed once: languages
    words: list[np.ndarray] = field(default_factory=list)  # computed once: word_ids

    def word_ids(self, counts: WordCounts) -> np.ndarray:
        """The process-wide ids of the segment's spelling words."""
        if not self.words:
            self.words.append(counts.ids(self.data.words))
        return self.words[0]

    def entry_starts(self, name: str) -> np.ndarray:
        if name not in self.starts:
            self.starts[name] = entry_starts(self.data.facets[name].doc, self.data.size)
        return self.starts[name]

    def languages(self) -> frozenset[str]:
        """Codes of the languages stemmed apart that the segment's stories are in, computed once. Its deleted
        stories count too: a query then also looks up the terms of a language no live story is in, which
        finds nothing, instead of counting every story's language at every commit."""
        if not self.stemmed:
            part = self.data.facets[LANGUAGE]
            names = (part.values[v] for v in np.unique(part.val).tolist())
            self.stemmed.append(frozenset(code for code in map(stemmed_language, names) if code))
        return self.stemmed[0]


class _Vocabulary:
    """One facet's values with ids that stay the same for the life of the process (case-insensitive)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._ids: dict[str, int] = {}

    def ids(self, values: list[str]) -> np.ndarray:
        """The id of each of ``values`` (new ones are added)."""
        out = np.empty(len(values), dtype=np.int32)
        for i, value in enumerate(values):
            key = value.lower()
            vid = self._ids.get(key)
            if vid is None:
                vid = self._ids[key] = len(self.values)
                self.values.append(value)
            out[i] = vid
        return out

    def snapshot(self) -> tuple[list[str], dict[str, int]]:
        """The values so far, and the (shared, only ever growing) id of each lowercased value."""
        return list(self.values), self._ids


class DocumentIds:
    """Each document's id, read from its segment's data (``ids[docnum]``)."""

    def __init__(self, segments: list[SegmentData], offsets: list[int]) -> None:
        self._segments = segments
        self._offsets = offsets

    def __getitem__(self, docnum: int) -> str:
        which = bisect.bisect_right(self._offsets, docnum) - 1
        return self._segments[which].doc_id(docnum - self._offsets[which])


def build_generation(reader, number: int = 0) -> Generation:
    """A generation built from scratch, keeping nothing: for tests and one-off readers."""
    return GenerationBuilder().build(reader, number)


def _concat(parts: list[np.ndarray], dtype, size: int) -> np.ndarray:
    if not parts:
        return np.zeros(size, dtype=dtype)
    return np.concatenate(parts).astype(dtype, copy=False)


def _date_order(live: np.ndarray, days: np.ndarray, stamps: np.ndarray, newest: bool) -> np.ndarray:
    """Live document numbers by date (ties by document number), undated ones last."""
    key = np.where(days == NO_DATE, np.iinfo(np.int64).max, -stamps if newest else stamps)
    order = np.argsort(key, kind="stable")  # stable: ties by document number
    return order[live[order]]
