"""What a segment's stored documents give searches and the indexer, read once per Whoosh segment.

A Whoosh segment never changes once written (its deletions live in the table of contents), so what is read
from every stored document (its id, content hash and file, date, SimHash, facet values, field lengths and
the segment's spelling counts) is computed once per segment (:func:`compute`) and saved beside the index by
:mod:`search.indexing.segments`: searchers build their generations from it and the indexer finds what the
index holds without reading a million stored documents again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from search.facets import FACETS
from search.indexing import schema
from search.indexing.document import spelling_words, split_values

NO_DATE = 0  # day number of documents without a date (real dates are date.toordinal() >= 1)
MIN_WORDS = 40  # a shorter body has too few shingles for its SimHash to be compared (near-duplicates)
LENGTH_FIELDS = (schema.TITLE, schema.BODY)  # the fields BM25F scores, whose per-document lengths it needs
HASH_BYTES = 20  # the content hash the indexer compares (SHA-1, stored as hex), as bytes


@dataclass(frozen=True)
class SegmentFacet:
    """One facet's (document, value) entries of a segment; ``val`` indexes ``values``, the segment's own."""

    doc: np.ndarray  # int32, document number within the segment
    val: np.ndarray  # int32
    about: np.ndarray  # bool: the story is about the value
    values: list[str]  # distinct values, matched case-insensitively (the first spelling met is kept)


@dataclass(frozen=True)
class SegmentOrigin:
    """Where the stories of a segment that a commit merged from others were before (recorded by the merge,
    :class:`search.indexing.merging.TieredMerge`): searchers carry their near-duplicate groups through the
    merge instead of comparing them all again."""

    sources: tuple[tuple[str, int], ...]  # each merged segment: (its id, its number of documents)
    source: np.ndarray  # int32 per document: index into sources; -1 for the commit's own new stories
    doc: np.ndarray  # int32 per document: its number in that source segment

    def positions(self, starts: dict[str, int], sizes: dict[str, int]) -> np.ndarray:
        """Each document's number in a generation whose segments start at ``starts`` and have ``sizes``
        documents (-1: a new story, or one from a segment that generation did not have)."""
        first = np.array([starts.get(s, -1) if sizes.get(s) == n else -1 for s, n in self.sources] + [-1])
        base = first[self.source]  # index -1 is the appended -1: the commit's own stories
        return np.where(base >= 0, base + self.doc, -1).astype(np.int64)


@dataclass(frozen=True)
class SegmentData:
    """What one segment's documents hold, by document number within the segment (deleted ones included)."""

    segment_id: str
    size: int
    days: np.ndarray  # int64 day ordinal, NO_DATE when undated
    stamps: np.ndarray  # int64 seconds since 1970
    hashes: np.ndarray  # uint64 SimHash of the body
    long_enough: np.ndarray  # bool: body long enough for SimHash comparison
    exact: np.ndarray  # uint64 digest of title and body (0: empty body, never grouped as identical)
    id_blob: np.ndarray  # uint8: every id, UTF-8, one after the other
    id_ends: np.ndarray  # int64: where each id ends in id_blob
    content_hashes: np.ndarray  # uint8 (documents x HASH_BYTES): the indexer's content hash (all 0: none)
    path_ids: np.ndarray  # int32: each document's file, an index into paths
    paths: list[str]  # the files the segment's documents came from
    lengths: dict[str, np.ndarray]  # float32 per-document length of each LENGTH_FIELDS field
    facets: dict[str, SegmentFacet]
    words: list[str]  # the spelling words of the segment
    word_counts: np.ndarray  # int64: how many of its documents hold each word
    origin: SegmentOrigin | None = None  # a merged segment's: where its stories came from

    def doc_id(self, docnum: int) -> str:
        start = int(self.id_ends[docnum - 1]) if docnum else 0
        return bytes(self.id_blob[start : int(self.id_ends[docnum])]).decode("utf-8")

    def stored_state(self, live: np.ndarray) -> dict[str, tuple[str, str]]:
        """id -> (content hash, file) of the live documents (``live``: a bool per document), as the indexer
        compares them with the corpus."""
        blob, ends = self.id_blob.tobytes(), self.id_ends.tolist()
        starts = [0, *ends[:-1]]
        digests = self.content_hashes.tobytes()
        empty = bytes(HASH_BYTES)
        paths, path_ids = self.paths, self.path_ids.tolist()
        state = {}
        for docnum in np.flatnonzero(live).tolist():
            digest = digests[docnum * HASH_BYTES : (docnum + 1) * HASH_BYTES]
            state[blob[starts[docnum] : ends[docnum]].decode("utf-8")] = (
                "" if digest == empty else digest.hex(),
                paths[path_ids[docnum]],
            )
        return state


def compute(leaf, segment_id: str) -> SegmentData:
    """Read every document of one segment (deleted ones too: deletions change, the segment does not)."""
    size = leaf.doc_count_all()
    days = np.full(size, NO_DATE, dtype=np.int64)
    stamps = np.zeros(size, dtype=np.int64)
    hashes = np.zeros(size, dtype=np.uint64)
    long_enough = np.zeros(size, dtype=bool)
    exact = np.zeros(size, dtype=np.uint64)
    ids: list[bytes] = []
    content_hashes = np.zeros((size, HASH_BYTES), dtype=np.uint8)
    paths: dict[str, int] = {}
    path_ids = np.zeros(size, dtype=np.int32)
    facets = {facet.name: _FacetBuilder() for facet in FACETS}
    words: Counter[str] = Counter()
    for docnum in range(size):
        stored = leaf.stored_fields(docnum)
        ids.append(str(stored.get(schema.ID_FIELD, "")).encode("utf-8"))
        content_hashes[docnum] = _hash_bytes(stored.get(schema.HASH))
        path = str(stored.get(schema.PATH) or "")
        path_ids[docnum] = paths.setdefault(path, len(paths))
        moment = stored.get(schema.DATE)
        if isinstance(moment, datetime):
            days[docnum] = moment.toordinal()
            stamps[docnum] = int(moment.replace(tzinfo=timezone.utc).timestamp())
        body = stored.get(schema.BODY) or ""
        hashes[docnum] = int(stored.get(schema.SIMHASH) or 0)
        long_enough[docnum] = len(body.split()) >= MIN_WORDS
        title = stored.get(schema.TITLE) or ""
        exact[docnum] = content_digest(title, body)
        words.update(spelling_words(title, body))
        for facet in FACETS:
            named, about = split_values(stored.get(facet.field)), split_values(stored.get(facet.about_field))
            facets[facet.name].add(docnum, named, about)
    return SegmentData(
        segment_id=segment_id,
        size=size,
        days=days,
        stamps=stamps,
        hashes=hashes,
        long_enough=long_enough,
        exact=exact,
        id_blob=np.frombuffer(b"".join(ids), dtype=np.uint8),
        id_ends=np.cumsum([len(i) for i in ids], dtype=np.int64),
        content_hashes=content_hashes,
        path_ids=path_ids,
        paths=list(paths),
        lengths={field: _field_lengths(leaf, field, size) for field in LENGTH_FIELDS},
        facets={name: builder.build() for name, builder in facets.items()},
        words=list(words),
        word_counts=np.fromiter(words.values(), dtype=np.int64, count=len(words)),
    )


class _FacetBuilder:
    def __init__(self) -> None:
        self.values: list[str] = []
        self._ids: dict[str, int] = {}
        self.docs: list[int] = []
        self.vals: list[int] = []
        self.about: list[bool] = []

    def add(self, docnum: int, named: tuple[str, ...], about: tuple[str, ...]) -> None:
        subjects = {value.lower() for value in about}
        for value in dict.fromkeys((*named, *about)):
            key = value.lower()
            vid = self._ids.get(key)
            if vid is None:
                vid = self._ids[key] = len(self.values)
                self.values.append(value)
            self.docs.append(docnum)
            self.vals.append(vid)
            self.about.append(key in subjects)

    def build(self) -> SegmentFacet:
        return SegmentFacet(
            doc=np.asarray(self.docs, dtype=np.int32),
            val=np.asarray(self.vals, dtype=np.int32),
            about=np.asarray(self.about, dtype=bool),
            values=self.values,
        )


def live_documents(leaf) -> np.ndarray:
    """A bool per document of the segment ``leaf`` reads: False for the deleted ones."""
    live = np.ones(leaf.doc_count_all(), dtype=bool)
    if leaf.has_deletions():
        live[sorted(leaf.deleted_docs_set)] = False
    return live


def _hash_bytes(stored: object) -> np.ndarray:
    """A stored content hash (hex) as HASH_BYTES bytes; zeros for none, or one that is not a SHA-1 in hex."""
    try:
        raw = bytes.fromhex(str(stored or ""))
    except ValueError:
        raw = b""
    return np.frombuffer(raw if len(raw) == HASH_BYTES else bytes(HASH_BYTES), dtype=np.uint8)


def content_digest(title: str, body: str) -> int:
    """A 64-bit digest equal for stories with the same words in title and body; 0 for an empty body (never
    grouped as identical)."""
    if not body.strip():
        return 0
    key = " ".join(title.lower().split()) + "\x00" + " ".join(body.split())
    digest = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")
    return digest or 1


def _field_lengths(leaf, field: str, size: int) -> np.ndarray:
    lengths = np.zeros(size, dtype=np.float32)
    if field in leaf.schema:
        for docnum in range(size):
            lengths[docnum] = leaf.doc_field_length(docnum, field) or 0
    return lengths
