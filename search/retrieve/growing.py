"""Generation-wide arrays combined from per-segment parts, grown in place when a commit only appends segments.

A generation's facet entries, SimHashes and dates are its segments' parts one after the other. A commit
usually keeps every segment and appends one, so the new generation's array is the last one's plus the new
segment's part: appended into spare room of the same buffer instead of copying a million entries again
(about 40 ms per commit at a million stories for the facet entries alone). The older generation keeps its
view of the buffer's beginning, which never changes; a generation whose segments are not the last one's
plus some (a merge) gets a new buffer, which copies the parts of the segments both begin with from the old
one: only the segments from the first merged one on are combined again. Every buffer has room to spare, the
first one of a process included (its first commit would otherwise copy everything): ``np.zeros`` takes
untouched pages from the system, so the spare room costs no memory until a commit writes into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

GROWTH = 1.5  # a full buffer is replaced by one this many times larger (amortised copying)


class GrowingArray:
    """The combination of one per-segment array over a process's successive generations."""

    def __init__(self, dtype) -> None:
        self._dtype = np.dtype(dtype)
        self._buffer = np.zeros(0, dtype=self._dtype)
        self._segments: tuple[str, ...] = ()
        self._ends: list[int] = []  # where each of the last combination's segments ends in the buffer

    def combine(self, segment_ids: Sequence[str], part: Callable[[int], np.ndarray]) -> np.ndarray:
        """The parts of ``segment_ids`` one after the other; ``part(i)`` gives the i-th segment's, and is only
        called for the segments after those the last combination began with (a part must depend only on its
        segment and the segments before it)."""
        segment_ids = tuple(segment_ids)
        kept = _shared_start(self._segments, segment_ids)
        length = self._ends[kept - 1] if kept else 0
        added = [np.asarray(part(i)) for i in range(kept, len(segment_ids))]
        needed = length + sum(len(a) for a in added)
        if kept < len(self._segments) or needed > len(self._buffer):
            # a new buffer, beginning with the segments both share: a merge took segments out (the older
            # generations keep their views of the old buffer), or the buffer is full
            grown = np.zeros(int(max(needed, len(self._buffer)) * GROWTH), dtype=self._dtype)
            grown[:length] = self._buffer[:length]
            self._buffer = grown
        ends = self._ends[:kept]
        for array in added:
            self._buffer[length : length + len(array)] = array
            length += len(array)
            ends.append(length)
        self._segments, self._ends = segment_ids, ends
        return self._buffer[:length]


def _shared_start(old: tuple[str, ...], new: tuple[str, ...]) -> int:
    """How many segments ``old`` and ``new`` begin with alike."""
    shared = 0
    for a, b in zip(old, new):
        if a != b:
            break
        shared += 1
    return shared
