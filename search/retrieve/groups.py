"""The near-duplicate groups of each generation, carried over from the last generation a process (or, after a
restart, the index folder) knows, so that a commit costs what it adds.

Grouping a million stories from scratch compares every bucket of SimHashes: 8.6 s. A commit keeps most
segments as they were: Whoosh keeps the segments it does not merge in their order and appends one new segment
(the commit's stories and any merged ones). So the stories of the leading segments the last generation also
had keep their groups (renumbered when a merge took segments out from between them), and only the stories
after them are compared, through a band index of the kept ones (``bands``): 0.2 s at a million.

Groups are saved as ``segment-cache/groups-<key>`` (``derived``), named by the generation's segments and
listing them, so that a new process starts from the newest saved groups instead of from scratch. Groups stay
valid as stories are deleted (a deleted story never shows; like the incremental path, a group held together
only by a story deleted since is not split until its segments are merged).
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
from search.retrieve.dedupe import Duplicates, find_duplicates
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
        kept, old_positions = _kept_stories(known, ids, sizes)
        own_bands = self._bands if known is self._known else None  # of known's stories, in its numbering
        if kept == size and known is not None and old_positions is None:
            duplicates = Duplicates(known.group[:kept])  # no new stories; deleted ones never show
            if own_bands is None or len(known.group) != kept:
                self._bands = BandsInBackground(lambda: BandIndex.build(hashes, eligible, digests))
        elif kept:
            assert known is not None
            bands = own_bands.result() if own_bands is not None else None
            if bands is None or old_positions is not None or bands.size < kept:
                bands = BandIndex.build(hashes[:kept], eligible[:kept], digests[:kept])
            else:
                bands = bands.truncated(kept)
            roots = known.group[:kept] if old_positions is None else _renumbered(known.group, old_positions)
            duplicates = add_duplicates(roots, bands, hashes, eligible, digests)
            self._bands = BandsInBackground(lambda: bands.extended(hashes, eligible, digests))
        else:
            duplicates = find_duplicates(hashes, eligible, digests)
            self._bands = BandsInBackground(lambda: BandIndex.build(hashes, eligible, digests))
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


def _kept_stories(known: _Known | None, ids: tuple[str, ...], sizes: tuple[int, ...]) -> tuple[int, np.ndarray | None]:
    """How many leading stories of the new generation the known one also had (whole leading segments it
    had, in the same order), and each one's position in the known generation (None: the same positions, the
    usual commit that only added segments)."""
    if known is None:
        return 0, None
    same = 0
    while same < min(len(ids), len(known.segment_ids)) and ids[same] == known.segment_ids[same]:
        same += 1
    offsets = dict(zip(known.segment_ids, np.cumsum((0, *known.sizes[:-1])).tolist()))
    known_sizes = dict(zip(known.segment_ids, known.sizes))
    parts, last, kept = [], -1, 0
    for segment_id, size in zip(ids, sizes):
        start = offsets.get(segment_id)
        if start is None or known_sizes[segment_id] != size or start < last:
            break
        parts.append(np.arange(start, start + size, dtype=np.int64))
        last, kept = start, kept + 1
    if kept == same:
        return sum(sizes[:kept]), None
    return sum(sizes[:kept]), np.concatenate(parts)


def _renumbered(group: np.ndarray, old_positions: np.ndarray) -> np.ndarray:
    """The known roots of the kept stories, as new document numbers: each group's smallest kept member."""
    old_roots = group[old_positions]
    new_root = np.full(len(group), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(new_root, old_roots, np.arange(len(old_positions), dtype=np.int64))
    return new_root[old_roots]
