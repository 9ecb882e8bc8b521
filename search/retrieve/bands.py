"""The near-duplicate band index kept between generations: what makes a small commit's grouping cost what it
adds.

``find_duplicates`` compares every document's SimHash bands; after a commit only the new stories need
comparing. A :class:`BandIndex` holds the earlier stories' band keys, sorted per band, and their content
digests, sorted, so the new stories' candidates are found by binary search (:func:`add_duplicates`), and it
is extended by the new stories for the next commit. :class:`BandsInBackground` builds or extends it in a
thread while the generation serves.
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

    It covers documents ``[0, size)``: those eligible (or with a digest) when they were added. Documents deleted
    since stay in it; callers pass ``eligible`` and ``digests`` of the current generation, which exclude them.
    """

    def __init__(self, size: int, bands: list[tuple[np.ndarray, np.ndarray]], digests: tuple[np.ndarray, np.ndarray]):
        self.size = size
        self._bands = bands  # per band: (sorted keys as uint16, document numbers (int32) in that order)
        self._digests = digests  # (sorted non-zero digests, document numbers (int32) in that order)

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
        if size >= self.size:
            return self
        bands = [(keys[docs < size], docs[docs < size]) for keys, docs in self._bands]
        values, docs = self._digests
        return BandIndex(size, bands, (values[docs < size], docs[docs < size]))

    def extended(self, hashes: np.ndarray, eligible: np.ndarray, digests: np.ndarray) -> BandIndex:
        """This index plus documents ``[self.size, len(hashes))`` (a copy: a searcher may still use this one)."""
        new = np.arange(self.size, len(hashes), dtype=np.int32)
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
        self, hashes: np.ndarray, eligible: np.ndarray, digests: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every pair ``find_duplicates`` would join that has a document ``>= self.size``: SimHash pairs within
        MAX_DISTANCE bits in buckets of at most MAX_BUCKET eligible documents, and pairs of equal digests."""
        new = np.arange(self.size, len(hashes))
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
        others = known_docs[others]
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
        pairs += dedupe.close_pairs(order, keys[order], docs, hashes[docs], 0)
        return pairs

    def _digest_pairs(self, docs: np.ndarray, digests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(docs):
            return dedupe.NO_PAIRS
        values, known_docs = self._digests
        low, high = np.searchsorted(values, digests[docs], "left"), np.searchsorted(values, digests[docs], "right")
        new_ids, others = _expand(low, high)
        others = known_docs[others]
        live = digests[others] != 0
        first, second = dedupe.exact_pairs(digests[docs], 0)  # new documents among themselves
        return np.concatenate([docs[new_ids[live]], docs[first]]), np.concatenate([others[live], docs[second]])


def add_duplicates(known: np.ndarray, index: BandIndex, hashes, eligible, digests) -> dedupe.Duplicates:
    """``find_duplicates(hashes, eligible, digests, known=known)`` for ``known`` groups of documents
    ``[0, index.size)``, comparing the newer documents through ``index`` instead of every band of every
    document."""
    parent = np.arange(len(hashes), dtype=np.int64)
    parent[: index.size] = known
    pairs = index.pairs(np.asarray(hashes, dtype=np.uint64), eligible, np.asarray(digests, dtype=np.uint64))
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
