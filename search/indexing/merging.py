"""Which segments a commit merges: segments of about the same size, a bounded number of documents at a time.

Whoosh's default policy (``MERGE_SMALL``) merges nothing while the segments are few, then, once their
count passes a Fibonacci threshold of the index's size, merges *every* segment at once. At a million stories
a commit of 200 deletions started rewriting the whole index: still merging after 10 minutes, with 7.4 GB of
temporary files. Whoosh merges at about 600 stories a second, so a merge must stay small.

This policy sorts segments into tiers by their live documents (under ``SMALLEST_TIER``, then each tier
``MERGE_FACTOR`` times larger) and, once a tier holds ``MERGE_FACTOR`` segments, merges its smallest ones
into one segment of the next tier, never more than ``MAX_MERGED_DOCS`` documents in one merge (stored and
deleted ones alike: a merge reads them all). Otherwise it rewrites the segment with the most deletions, once
at least ``EXPUNGE_SHARE`` of it is deleted. At most one merge per commit, so a small commit costs at most
one bounded merge; a feed of small commits merges each story about once per tier. A segment whose every
document is deleted is dropped, whatever its size: that costs nothing.

:class:`TieredMerge` also records where each merged story lands in the new segment (Whoosh appends a merged
segment's live documents, in order, after the commit's own): saved with the segment's data
(:class:`search.indexing.segment_contents.SegmentOrigin`), it lets searchers keep the stories' near-duplicate
groups instead of comparing up to 50,000 of them again (1.9 s of the first search after such a commit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from whoosh.reading import SegmentReader

from search.indexing.segment_contents import SegmentOrigin

MERGE_FACTOR = 10  # segments of one tier merged together; a tier's segments are this many times the last's
SMALLEST_TIER = 1_000  # live documents: every segment under this is in the first tier
MAX_MERGED_DOCS = 50_000  # documents one merge reads at most (Whoosh merges ~600/s: about 80 s)
EXPUNGE_SHARE = 0.5  # a segment with this share of its documents deleted is rewritten without them


class TieredMerge:
    """A Whoosh merge policy (``writer.commit(mergetype=TieredMerge())``): adds the chosen segments to the
    writer's new segment and returns the segments kept as they are (not those wholly deleted), remembering
    which of each merged segment's documents went where (:meth:`origin`)."""

    def __init__(self) -> None:
        self._merged: list[tuple[str, int, int, np.ndarray]] = []  # (segment id, size, first new number, docs)

    def __call__(self, writer, segments: list) -> list:
        kept = [segment for segment in segments if segment.doc_count()]
        chosen = set(choose_merge([(segment.doc_count(), segment.doc_count_all()) for segment in kept]))
        for position in sorted(chosen):
            reader = SegmentReader(writer.storage, writer.schema, kept[position])
            try:
                start, live = writer.docnum, np.fromiter(reader.all_doc_ids(), dtype=np.int32)
                writer.add_reader(reader)  # appends the live documents, in order
                if writer.docnum - start == len(live):
                    segment = kept[position]
                    self._merged.append((segment.segment_id(), segment.doc_count_all(), start, live))
            finally:
                reader.close()
        return [segment for position, segment in enumerate(kept) if position not in chosen]

    def origin(self, size: int) -> SegmentOrigin | None:
        """Where the documents of the commit's new segment (``size`` documents) were; None if it merged none."""
        if not self._merged:
            return None
        source, doc = np.full(size, -1, dtype=np.int32), np.zeros(size, dtype=np.int32)
        for index, (_, _, start, live) in enumerate(self._merged):
            source[start : start + len(live)] = index
            doc[start : start + len(live)] = live
        return SegmentOrigin(tuple((segment_id, count) for segment_id, count, _, _ in self._merged), source, doc)


def choose_merge(sizes: Sequence[tuple[int, int]]) -> list[int]:
    """Positions of the segments to merge, given each segment's (live, all) document counts; [] for none."""
    tiers: dict[int, list[int]] = {}
    for position, (live, _) in enumerate(sizes):
        tiers.setdefault(tier(live), []).append(position)
    for level in sorted(tiers):
        members = sorted(tiers[level], key=lambda position: (sizes[position][1], position))
        if len(members) < MERGE_FACTOR:
            continue
        chosen, total = [], 0
        for position in members[:MERGE_FACTOR]:
            if total + sizes[position][1] > MAX_MERGED_DOCS:
                break
            chosen.append(position)
            total += sizes[position][1]
        if len(chosen) >= 2:
            return sorted(chosen)
    return _expunge(sizes)


def tier(live: int) -> int:
    """0 under SMALLEST_TIER live documents, then 1, 2, ... for each MERGE_FACTOR times more."""
    if live < SMALLEST_TIER:
        return 0
    return 1 + int(math.log(live / SMALLEST_TIER, MERGE_FACTOR) + 1e-9)


def _expunge(sizes: Sequence[tuple[int, int]]) -> list[int]:
    """The segment with the most deleted documents, when at least EXPUNGE_SHARE of it is deleted and
    rewriting it stays within MAX_MERGED_DOCS."""
    candidates = [
        (everything - live, position)
        for position, (live, everything) in enumerate(sizes)
        if everything and everything <= MAX_MERGED_DOCS and (everything - live) >= EXPUNGE_SHARE * everything
    ]
    return [max(candidates)[1]] if candidates else []
