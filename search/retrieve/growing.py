"""Generation-wide arrays combined from per-segment parts, grown in place when a commit only appends segments.

A generation's facet entries, SimHashes and dates are its segments' parts one after the other. A commit
usually keeps every segment and appends one, so the new generation's array is the last one's plus the new
segment's part: appended into spare room of the same buffer instead of copying a million entries again
(about 40 ms per commit at a million stories for the facet entries alone). The older generation keeps its
view of the buffer's beginning, which never changes; a generation whose segments are not the last one's
plus some (a merge, a rebuild) gets a new buffer. Every buffer has room to spare, the first one of a process
included (its first commit would otherwise copy everything): ``np.zeros`` takes untouched pages from the
system, so the spare room costs no memory until a commit writes into it.
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
        self._length = 0

    def combine(self, segment_ids: Sequence[str], part: Callable[[int], np.ndarray]) -> np.ndarray:
        """The parts of ``segment_ids`` one after the other; ``part(i)`` gives the i-th segment's, and is only
        called for the segments the last combination did not end with."""
        segment_ids = tuple(segment_ids)
        known = len(self._segments)
        if segment_ids[:known] != self._segments:  # not an extension: start a new buffer (older views keep theirs)
            self._buffer, self._segments, self._length, known = np.zeros(0, dtype=self._dtype), (), 0, 0
        added = [np.asarray(part(i)) for i in range(known, len(segment_ids))]
        needed = self._length + sum(len(a) for a in added)
        if needed > len(self._buffer):  # room for the next commits too: zeroed pages cost no memory until written
            grown = np.zeros(int(max(needed, len(self._buffer)) * GROWTH), dtype=self._dtype)
            grown[: self._length] = self._buffer[: self._length]
            self._buffer = grown
        for array in added:
            self._buffer[self._length : self._length + len(array)] = array
            self._length += len(array)
        self._segments = segment_ids
        return self._buffer[: self._length]
