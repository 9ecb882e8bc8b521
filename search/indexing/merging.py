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
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from whoosh.reading import SegmentReader

MERGE_FACTOR = 10  # segments of one tier merged together; a tier's segments are this many times the last's
SMALLEST_TIER = 1_000  # live documents: every segment under this is in the first tier
MAX_MERGED_DOCS = 50_000  # documents one merge reads at most (Whoosh merges ~600/s: about 80 s)
EXPUNGE_SHARE = 0.5  # a segment with this share of its documents deleted is rewritten without them


def tiered_merge(writer, segments: list) -> list:
    """A Whoosh merge policy (``writer.commit(mergetype=tiered_merge)``): adds the chosen segments to the
    writer's new segment and returns the segments kept as they are (not those wholly deleted)."""
    kept = [segment for segment in segments if segment.doc_count()]
    chosen = set(choose_merge([(segment.doc_count(), segment.doc_count_all()) for segment in kept]))
    for position in sorted(chosen):
        reader = SegmentReader(writer.storage, writer.schema, kept[position])
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [segment for position, segment in enumerate(kept) if position not in chosen]


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
