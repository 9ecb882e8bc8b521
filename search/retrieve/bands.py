"""The near-duplicate band index kept between generations: what makes a small commit's grouping cost what it
adds.

``find_duplicates`` compares every document's SimHash bands; after a commit only the new stories need
comparing. A :class:`BandIndex` holds the earlier stories' band keys, sorted per band, and their content
digests, sorted, so the new stories' candidates are found by binary search (:func:`add_duplicates`), and it
is extended by the new stories for the next commit; a commit that merged segments renumbers it.
:class:`BandsInBackground` builds or extends it in a thread while the generation serves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from search.retrieve import dedupe


class BandIndex:
    """The band keys of the documents ``find_duplicates`` already grouped, sorted per band, and their content
    digests, sorted: kept from one generation to the next (``GenerationBuilder``), so that grouping the stories
    of a small commit costs binary searches and the comparisons it adds, not passes over every SimHash.

    It numbers documents as a generation of ``size`` documents does and covers those it was built or extended
    with that were eligible (or had a digest) then. Documents deleted since stay in it; callers pass
    ``eligible`` and ``digests`` of the current generation, which exclude them.
    """

    def __init__(
        self,
        size: int,
        bands: list[tuple[np.ndarray, np.ndarray]],
        digests: tuple[np.ndarray, np.ndarray],
        numbers: np.ndarray | None = None,
    ):
        self.size = size
        self._bands = bands  # per band: (sorted keys as uint16, document numbers (int32) in that order)
        self._digests = digests  # (sorted non-zero digests, document numbers (int32) in that order)
        self._numbers = numbers  # the current number of each document number held (-1: gone); None: the same

    @classmethod
    def build(cls, hashes: np.ndarray, eligible: np.ndarray, digests: np.ndarray) -> BandIndex:
        """The index of every document of the arrays (13-bit keys: numpy's stable sort is a radix sort)."""
        docs = np.flatnonzero(eligible).astype(np.int32)
        bands = []
        for band in range(dedupe.BANDS):
            keys = _band_keys(hashes[docs], band)
            order = np.argsort(keys, kind="stable")
            bands.append((keys[order], docs[order]))
        with_digest = np.flatnonzero(digests).astype(np.int32)
        order = np.argsort(digests[with_digest], kind="stable")
        return cls(len(hashes), bands, (digests[with_digest][order], with_digest[order]))

    def truncated(self, size: int) -> BandIndex:
        """The index of documents ``[0, size)`` only (the later ones were merged into new segments)."""
        if self._numbers is not None:
            return self.settled().truncated(size)
        if size >= self.size:
            return self
        bands = [(keys[docs < size], docs[docs < size]) for keys, docs in self._bands]
        values, docs = self._digests
        return BandIndex(size, bands, (values[docs < size], docs[docs < size]))

    def renumbered(self, new_numbers: np.ndarray, size: int) -> BandIndex:
        """The index in a generation of ``size`` documents where document ``d`` of this one is
        ``new_numbers[d]`` (-1: gone). Lookups translate what they find (a merge's first search compares a
        few new stories); :meth:`settled` rewrites the arrays, in the background, for the next commit."""
        numbers = new_numbers if self._numbers is None else np.where(self._numbers >= 0, new_numbers[self._numbers], -1)
        return BandIndex(size, self._bands, self._digests, numbers)

    def settled(self) -> BandIndex:
        """This index with its document numbers rewritten to the current ones (keys stay sorted: a pass per
        band instead of sorting)."""
        if self._numbers is None:
            return self
        bands = []
        for keys, docs in [*self._bands, self._digests]:
            moved = self._numbers[docs]
            kept = moved >= 0
            bands.append((keys[kept], moved[kept].astype(np.int32)))
        return BandIndex(self.size, bands[:-1], bands[-1])

    def extended(self, new: np.ndarray, hashes: np.ndarray, eligible: np.ndarray, digests: np.ndarray) -> BandIndex:
        """This index plus the documents ``new`` (a copy: a searcher may still use this one); the arrays are
        the generation's, of ``len(hashes)`` documents."""
        if self._numbers is not None:
            return self.settled().extended(new, hashes, eligible, digests)
        new = np.asarray(new, dtype=np.int32)
        docs = new[eligible[new]]
        bands = []
        for band, (keys, members) in enumerate(self._bands):
            added = _band_keys(hashes[docs], band)
            order = np.argsort(added, kind="stable")
            at = np.searchsorted(keys, added[order], side="right")
            bands.append((np.insert(keys, at, added[order]), np.insert(members, at, docs[order])))
        with_digest = new[digests[new] != 0]
        values, members = self._digests
        added_values = digests[with_digest]
        order = np.argsort(added_values, kind="stable")
        at = np.searchsorted(values, added_values[order], side="right")
        digest_index = (np.insert(values, at, added_values[order]), np.insert(members, at, with_digest[order]))
        return BandIndex(len(hashes), bands, digest_index)

    def pairs(
        self, new: np.ndarray, hashes: np.ndarray, eligible: np.ndarray, digests: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every pair ``find_duplicates`` would join that has one of the documents ``new`` (none of them in
        this index): SimHash pairs within MAX_DISTANCE bits in buckets of at most MAX_BUCKET eligible
        documents, and pairs of equal digests."""
        pairs = [self._digest_pairs(new[digests[new] != 0], digests)]
        docs = new[eligible[new]]
        for band, (keys, members) in enumerate(self._bands):
            pairs += self._band_pairs(docs, _band_keys(hashes[docs], band), keys, members, hashes, eligible)
        return pairs

    def _band_pairs(self, docs, keys, known_keys, known_docs, hashes, eligible) -> list[tuple[np.ndarray, np.ndarray]]:
        if not len(docs):
            return []
        low, high = np.searchsorted(known_keys, keys, "left"), np.searchsorted(known_keys, keys, "right")
        new_ids, others = _expand(low, high)
        new_ids, others = self._current(new_ids, known_docs[others])
        live = eligible[others]
        new_ids, others = new_ids[live], others[live]
        _, inverse, new_counts = np.unique(keys, return_inverse=True, return_counts=True)
        size = np.bincount(new_ids, minlength=len(docs)) + new_counts[inverse]  # the bucket's eligible documents
        fits = (size > 1) & (size <= dedupe.MAX_BUCKET)
        keep = fits[new_ids]
        new_ids, others = new_ids[keep], others[keep]
        close = dedupe.popcount(hashes[docs[new_ids]] ^ hashes[others]) <= dedupe.MAX_DISTANCE
        pairs = [(docs[new_ids[close]], others[close])]
        order = np.flatnonzero(fits)[np.argsort(keys[fits], kind="stable")]  # new documents among themselves
        pairs += dedupe.close_pairs(order, keys[order], docs, hashes[docs])
        return pairs

    def _digest_pairs(self, docs: np.ndarray, digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(docs):
            return dedupe.NO_PAIRS
        values, known_docs = self._digests
        low, high = np.searchsorted(values, digests[docs], "left"), np.searchsorted(values, digests[docs], "right")
        new_ids, others = _expand(low, high)
        new_ids, others = self._current(new_ids, known_docs[others])
        live = digests[others] != 0
        first, second = dedupe.exact_pairs(digests[docs])  # new documents among themselves
        return np.concatenate([docs[new_ids[live]], docs[first]]), np.concatenate([others[live], docs[second]])

    def _current(self, ids: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, docs) with ``docs`` in current numbers, those gone left out."""
        if self._numbers is None:
            return ids, docs
        moved = self._numbers[docs]
        return ids[moved >= 0], moved[moved >= 0]


def add_duplicates(
    parent: np.ndarray, index: BandIndex, new: np.ndarray, hashes, eligible, digests
) -> dedupe.Duplicates:
    """The groups once the documents ``new`` are compared, through ``index`` (which holds the others), instead
    of every band of every document: ``parent`` gives each other document's known group root (the smallest
    member), each new one itself."""
    pairs = index.pairs(new, np.asarray(hashes, dtype=np.uint64), eligible, np.asarray(digests, dtype=np.uint64))
    firsts = np.concatenate([a for a, _ in pairs])
    seconds = np.concatenate([b for _, b in pairs])
    return dedupe.Duplicates(dedupe.components(parent, firsts, seconds))


def _band_keys(hashes: np.ndarray, band: int) -> np.ndarray:
    low, high = dedupe.BAND_EDGES[band], dedupe.BAND_EDGES[band + 1]
    return ((hashes >> np.uint64(low)) & np.uint64((1 << (high - low)) - 1)).astype(np.uint16)


def _expand(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[low[i], high[i])``: (i repeated once per position, the positions), flat."""
    counts = high - low
    ids = np.repeat(np.arange(len(low)), counts)
    positions = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + low[ids]
    return ids, positions


class BandsInBackground:
    """The band index of a generation's stories, built in a thread while the generation serves (numpy sorts
    without the GIL), so that the next commit finds it ready instead of sorting a million keys first."""

    def __init__(self, make: Callable[[], BandIndex]) -> None:
        """:param make: builds the index (``BandIndex.build`` or ``.extended`` of the arrays at hand)."""
        self._make: Callable[[], BandIndex] | None = make
        self._index: BandIndex | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="band-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            assert self._make is not None
            self._index = self._make()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of result()
            self._error = exc
        finally:
            self._make = None  # and with it the generation's arrays

    def result(self) -> BandIndex:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._index is not None
        return self._index
