"""The near-duplicate groups of each generation, carried over from the last generation a process (or, after a
restart, the index folder) knows, so that a commit costs what it adds.

Grouping a million stories from scratch compares every bucket of SimHashes: 8.6 s. A commit keeps most
segments as they were: Whoosh keeps the segments it does not merge in their order and appends one new segment
(the commit's stories, then the live stories of the segments it merged). So the stories of the segments the
last generation also had keep their groups, and so do the merged stories, whose earlier places the indexer
saved with the new segment (``SegmentOrigin``): both are renumbered when a merge moved them. Only the stories
new to the generation are compared, through a band index of the others (``bands``): 0.2 s at a million, where
comparing the 50,000 stories of a merge took 1.9 s.

Groups are saved as ``segment-cache/groups-<key>`` (``derived``), named by the generation's segments and
listing them, so that a new process starts from the newest saved groups instead of from scratch. Groups stay
valid as stories are deleted (a deleted story never shows; a group held together only by a story deleted
since is not split, merged or not, until a process groups the stories from scratch).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.indexing.derived import load_derived, save_derived
from search.indexing.segment_contents import SegmentData
from search.indexing.segments import GROUPS, discard, modified_time
from search.retrieve.bands import BandIndex, BandsInBackground, add_duplicates
from search.retrieve.dedupe import Duplicates, find_duplicates, join_new
from search.retrieve.growing import GrowingArray

logger = logging.getLogger(__name__)

PREFIX = GROUPS


@dataclass(frozen=True)
class _Known:
    """The groups of a generation: its segments (ids and sizes, in order) and each story's group root."""

    segment_ids: tuple[str, ...]
    sizes: tuple[int, ...]
    group: np.ndarray


class GroupKeeper:
    """Computes each generation's groups from the last one's; one per index in a process."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._known: _Known | None = None
        self._bands: BandsInBackground | None = None  # the band index of self._known's stories, when built
        self._saving: threading.Thread | None = None  # saving the last groups
        self._hashes, self._long_enough, self._exact = (
            GrowingArray(np.uint64),
            GrowingArray(bool),
            GrowingArray(np.uint64),
        )

    def groups(self, segments: list[SegmentData], live: np.ndarray) -> Duplicates:
        size = len(live)
        ids, sizes = tuple(s.segment_id for s in segments), tuple(s.size for s in segments)
        hashes = self._hashes.combine(ids, lambda i: segments[i].hashes)
        eligible = self._long_enough.combine(ids, lambda i: segments[i].long_enough) & live
        digests = np.where(live, self._exact.combine(ids, lambda i: segments[i].exact), np.uint64(0))
        known = self._known if self._known is not None else self._load(ids)
        old = _old_positions(known, segments)
        kept = int(np.count_nonzero(old >= 0))
        if not kept:
            duplicates = find_duplicates(hashes, eligible, digests)
            self._bands = BandsInBackground(lambda: BandIndex.build(hashes, eligible, digests))
        else:
            assert known is not None
            own_bands = self._bands if known is self._known else None  # of known's stories, in its numbering
            same_numbers = np.array_equal(old[:kept], np.arange(kept))  # the known stories come first, as they were
            if same_numbers and kept == size:
                duplicates = Duplicates(known.group[:kept])  # no new stories; deleted ones never show
                if own_bands is None or len(known.group) != kept:
                    self._bands = BandsInBackground(lambda: BandIndex.build(hashes, eligible, digests))
            else:
                parent = np.arange(size, dtype=np.int64)
                if same_numbers:
                    parent[:kept] = known.group[:kept]
                else:
                    at = np.flatnonzero(old >= 0)
                    parent[at] = _renumbered(known.group, old[at], at)
                bands = _known_bands(own_bands, known, old, same_numbers)
                if bands is None:  # a new process: compare the new stories with every story, index them meanwhile
                    duplicates = join_new(parent, old < 0, hashes, eligible, digests)
                    self._bands = BandsInBackground(lambda: BandIndex.build(hashes, eligible, digests))
                else:
                    new = np.flatnonzero(old < 0)
                    duplicates = add_duplicates(parent, bands, new, hashes, eligible, digests)
                    self._bands = BandsInBackground(lambda: bands.extended(new, hashes, eligible, digests))
        self._known = _Known(ids, sizes, duplicates.group)
        self._save(self._known)
        return duplicates

    def _load(self, ids: tuple[str, ...]) -> _Known | None:
        """The saved groups of these segments, else the newest saved groups (a restart after a commit)."""
        if self._folder is None or not self._folder.is_dir():
            return None
        exact = self._folder / saved_name(ids)
        candidates = [exact] if exact.is_dir() else []
        candidates += sorted(self._folder.glob(f"{PREFIX}*"), key=modified_time, reverse=True)[:1]
        for path in candidates:
            loaded = load_derived(self._folder, path.name, {"group"})
            if loaded is None:
                continue
            group, strings = loaded[0]["group"], loaded[1]
            known = _Known(tuple(strings.get("segments", ())), tuple(strings.get("sizes", ())), group)
            if (
                all(isinstance(segment_id, str) for segment_id in known.segment_ids)
                and all(isinstance(size, int) for size in known.sizes)
                and len(known.segment_ids) == len(known.sizes)
                and sum(known.sizes) == len(group)
            ):
                return known
            discard(path, "its groups do not match its segments")
        return None

    def _save(self, known: _Known) -> None:
        """Save the groups in a thread: writing them (8 MB at a million stories, about 50 ms) is no part of the
        first search after a commit. A process that ends meanwhile leaves a temporary folder, which the
        indexer's next commit removes."""
        if self._folder is None or (self._folder / saved_name(known.segment_ids)).is_dir():
            return
        self.finish_saving()
        strings = {"segments": list(known.segment_ids), "sizes": list(known.sizes)}
        arguments = (self._folder, saved_name(known.segment_ids), {"group": known.group}, strings)
        self._saving = threading.Thread(target=save_derived, args=arguments, name="save-groups", daemon=True)
        self._saving.start()

    def finish_saving(self) -> None:
        """Wait for the groups being saved, if any (closing an index, a test that reads them back)."""
        if self._saving is not None:
            self._saving.join()
            self._saving = None


def saved_name(segment_ids: tuple[str, ...]) -> str:
    return PREFIX + hashlib.blake2b("\x00".join(segment_ids).encode("utf-8"), digest_size=12).hexdigest()


def _old_positions(known: _Known | None, segments: list[SegmentData]) -> np.ndarray:
    """Each story's number in the known generation; -1 for those it did not have. A segment it had keeps its
    stories; a merged one knows where its stories were (``SegmentOrigin``)."""
    if known is None:
        return np.full(sum(s.size for s in segments), -1, dtype=np.int64)
    starts = dict(zip(known.segment_ids, np.cumsum((0, *known.sizes[:-1])).tolist()))
    sizes = dict(zip(known.segment_ids, known.sizes))
    parts = [np.zeros(0, dtype=np.int64)]
    for segment in segments:
        start = starts.get(segment.segment_id)
        if start is not None and sizes[segment.segment_id] == segment.size:
            parts.append(np.arange(start, start + segment.size, dtype=np.int64))
        elif segment.origin is not None:
            parts.append(segment.origin.positions(starts, sizes))
        else:
            parts.append(np.full(segment.size, -1, dtype=np.int64))
    return np.concatenate(parts)


def _known_bands(own: BandsInBackground | None, known: _Known, old: np.ndarray, same_numbers: bool) -> BandIndex | None:
    """The band index of the stories the known generation had, numbered as now (``old``: each story's number
    there): the one this process built for it, truncated when those stories come first with the same numbers
    (the usual commit), renumbered after a merge; None when this process has none (it started since)."""
    index = own.result() if own is not None else None
    if index is None or index.size != len(known.group):
        return None
    at = np.flatnonzero(old >= 0)
    if same_numbers:
        return index.truncated(len(at))
    new_numbers = np.full(len(known.group), -1, dtype=np.int64)
    new_numbers[old[at]] = at
    return index.renumbered(new_numbers, len(old))


def _renumbered(group: np.ndarray, old_positions: np.ndarray, new_positions: np.ndarray) -> np.ndarray:
    """The known roots of the stories at ``old_positions`` (now at ``new_positions``, increasing), as new
    numbers: each group's smallest new number."""
    old_roots = group[old_positions]
    new_root = np.full(len(group), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(new_root, old_roots, new_positions)
    return new_root[old_roots]
