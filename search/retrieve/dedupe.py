"""Near-duplicate stories: group documents whose body SimHashes differ in at most MAX_DISTANCE bits.

Candidates come from LSH banding: the 64-bit hash is cut into BANDS = MAX_DISTANCE + 1 bands of 12-13 bits,
and two hashes within MAX_DISTANCE bits of each other must agree on at least one whole band (4 differing bits
touch at most 4 of 5 bands), so banding finds every such pair. On Reuters-21578 every sampled pair within 4
bits was the same story (text similarity >= 0.94; a copy with a new headline differs in 4 bits), while at 5
bits one pair in eight was a different story. Each candidate pair is then checked on its Hamming distance;
groups are the connected components (a vectorised union-find). A new generation that keeps an earlier one's
first segments starts from their groups and compares only pairs with a newer document.

Very short texts ("Shr 10 cts vs 9 cts") have too few shingles for a SimHash to mean anything, so only
bodies of ``segment_contents.MIN_WORDS`` words or more take part (exact duplicates of shorter bodies still group:
their content digests, of title and body, are equal).

A result set is collapsed by keeping, of each group, its first matching member in document order: the
representative. Totals and facet counts count representatives, so a group counts once.
"""

from __future__ import annotations

import itertools
import logging
from functools import cached_property

import numpy as np
import numpy.ma  # np.unique imports it on first use: 22 ms of the first search after a commit

logger = logging.getLogger(__name__)

MAX_DISTANCE = 4
BANDS = MAX_DISTANCE + 1
BAND_EDGES = [round(64 * i / BANDS) for i in range(BANDS + 1)]  # 0, 13, 26, 38, 51, 64
MAX_BUCKET = 400  # a band value shared by more documents than this carries no signal
SCANS_BEFORE_SORTING = 32  # group lookups of a generation before its documents are sorted by group


class Duplicates:
    """The near-duplicate groups of one index generation."""

    def __init__(self, group: np.ndarray) -> None:
        self.group = group  # group root docnum per document (itself when alone)
        grouped = np.flatnonzero(group != np.arange(len(group)))  # members that are not their group's root
        self.in_group = np.zeros(len(group), dtype=bool)
        self.in_group[grouped] = True
        self.in_group[group[grouped]] = True  # and the roots
        self._scans = 0  # lookups answered without the sorted index (``members``)

    @cached_property
    def group_count(self) -> int:
        return int(np.count_nonzero(self.in_group & (self.group == np.arange(len(self.group)))))

    @cached_property
    def _by_group(self) -> tuple[np.ndarray, np.ndarray]:
        """(grouped documents by group, then document number; their groups)."""
        grouped_docs = np.flatnonzero(self.in_group)
        docs = grouped_docs[np.argsort(self.group[grouped_docs], kind="stable")]
        return docs, self.group[docs]

    def collapse(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` with every group reduced to its first matching member."""
        hit = np.flatnonzero(mask & self.in_group)
        if not len(hit):
            return mask
        roots = self.group[hit]
        first = np.empty(len(self.group), dtype=np.int64)  # only the roots' slots are written and read
        first[roots] = len(self.group)
        np.minimum.at(first, roots, hit)  # each group's lowest matching document, without sorting the hits
        out = mask & ~self.in_group
        out[first[roots]] = True
        return out

    def members(self, docnum: int) -> np.ndarray:
        """Every document of ``docnum``'s group, itself included, in document order.

        The first ``SCANS_BEFORE_SORTING`` lookups of a generation scan the group array (under a millisecond
        each at a million stories); later ones use the documents sorted by group, sorted then (20-40 ms at a
        million): the first results page after a commit, ten lookups, does not wait for that sort."""
        if not self.in_group[docnum]:
            return np.asarray([docnum], dtype=np.int64)
        root = self.group[docnum]
        if "_by_group" not in self.__dict__ and self._scans < SCANS_BEFORE_SORTING:
            self._scans += 1  # a race between threads only moves the switch by a lookup or two
            return np.flatnonzero(self.group == root)
        docs, groups = self._by_group
        start, end = np.searchsorted(groups, [root, root + 1])
        return docs[start:end]

    def others(self, docnum: int, mask: np.ndarray | None = None) -> list[int]:
        """The other members of ``docnum``'s group (only those in ``mask`` when given)."""
        members = self.members(docnum)
        return [int(d) for d in members if d != docnum and (mask is None or mask[d])]


def find_duplicates(
    hashes: np.ndarray, eligible: np.ndarray, digests: np.ndarray, known: np.ndarray | None = None
) -> Duplicates:
    """Group documents: SimHash within MAX_DISTANCE bits (eligible ones) or the same ``digests`` value.

    :param hashes: uint64 SimHash per document number.
    :param eligible: documents long enough for SimHash comparison.
    :param digests: uint64 per document, equal only for identical texts (0: never grouped this way).
    :param known: the groups (root per document) of the first ``len(known)`` documents, when they are
        those of an earlier generation: then only pairs with a later document are compared, so adding
        documents costs what they add.
    """
    size = len(hashes)
    start = 0 if known is None else len(known)
    parent = np.arange(size, dtype=np.int64)
    if known is not None:
        parent[:start] = known
    dups = join_new(parent, None if known is None else parent >= start, hashes, eligible, digests)
    logger.info(
        "near-duplicates: %d groups covering %d of %d documents (%d compared anew)",
        dups.group_count,
        int(dups.in_group.sum()),
        size,
        size - start,
    )
    return dups


def join_new(parent: np.ndarray, new: np.ndarray | None, hashes, eligible, digests) -> Duplicates:
    """The groups once the documents ``new`` (a bool per document; None: every one) are compared with every
    document: ``parent`` gives the others' known group roots (the smallest member), each new one itself.
    A pass over every document's band keys, without sorting them: for a few new documents, cheaper than
    building a band index (``bands``)."""
    hashes, digests = np.asarray(hashes, dtype=np.uint64), np.asarray(digests, dtype=np.uint64)
    pairs = [exact_pairs(digests, new), *_simhash_pairs(hashes, np.flatnonzero(eligible), new)]
    firsts = np.concatenate([a for a, _ in pairs])
    seconds = np.concatenate([b for _, b in pairs])
    return Duplicates(components(parent, firsts, seconds))


def components(parent: np.ndarray, firsts: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Root (smallest document number) of every document's group once each pair is joined.

    Vectorised union-find: hook each pair's larger root under its smaller one, flatten, repeat until every
    pair shares a root."""
    parent = _flatten(parent)
    while len(firsts):
        first_roots, second_roots = parent[firsts], parent[seconds]
        apart = first_roots != second_roots
        firsts, seconds = firsts[apart], seconds[apart]
        if not len(firsts):
            break
        low, high = (
            np.minimum(first_roots[apart], second_roots[apart]),
            np.maximum(first_roots[apart], second_roots[apart]),
        )
        np.minimum.at(parent, high, low)
        parent = _flatten(parent)
    return parent


def _flatten(parent: np.ndarray) -> np.ndarray:
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand


def exact_pairs(digests: np.ndarray, new: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(first, other) pairs of documents with the same non-zero digest (one of them ``new``, when given)."""
    docs = np.flatnonzero(digests)
    if new is not None:
        fresh = digests[new & (digests != 0)]
        if not len(fresh):
            return NO_PAIRS
        low = np.uint64(0xFFFF)  # a table lookup on 16 bits first: linear, where sorting a million is not
        docs = docs[np.isin((digests[docs] & low).astype(np.int64), (fresh & low).astype(np.int64), kind="table")]
        docs = docs[np.isin(digests[docs], fresh)]
    order = docs[np.argsort(digests[docs], kind="stable")]
    keys = digests[order]
    same = np.flatnonzero(keys[1:] == keys[:-1]) + 1  # positions whose key equals the previous one
    if not len(same):
        return NO_PAIRS
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    first_of = starts[np.searchsorted(starts, same, side="right") - 1]
    return order[first_of], order[same]


def _simhash_pairs(hashes: np.ndarray, docs: np.ndarray, new: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs within MAX_DISTANCE bits, found band by band (each pair with a ``new`` document, when given)."""
    pairs = []
    values = hashes[docs]
    for low, high in itertools.pairwise(BAND_EDGES):
        keys = ((values >> np.uint64(low)) & np.uint64((1 << (high - low)) - 1)).astype(np.int64)
        candidates = np.arange(len(docs))
        if new is not None:
            new_keys = keys[new[docs]]
            if not len(new_keys):
                continue
            candidates = np.flatnonzero(np.isin(keys, new_keys, kind="table"))
        order = candidates[np.argsort(keys[candidates], kind="stable")]
        pairs += close_pairs(order, keys[order], docs, values, new)
    return pairs


def close_pairs(order, sorted_keys, docs, values, new=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs of each bucket (same band key, 2 to MAX_BUCKET members) within MAX_DISTANCE bits, compared
    size by size: the buckets of one size form a matrix, and all their pairs are one numpy pass. Only pairs
    with a ``new`` document (a bool per document number), when given."""
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    pairs = []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= MAX_BUCKET)]).tolist():
        members = order[starts[sizes == size][:, None] + np.arange(size)]  # buckets x size, positions in docs
        left, right = np.triu_indices(size, k=1)
        a, b = members[:, left].ravel(), members[:, right].ravel()
        close = popcount(values[a] ^ values[b]) <= MAX_DISTANCE
        a, b = docs[a[close]], docs[b[close]]
        if new is not None:
            fresh = new[a] | new[b]
            a, b = a[fresh], b[fresh]
        pairs.append((a, b))
    return pairs


def popcount(values: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(values)
    as_bytes = values.view(np.uint8).reshape((*values.shape, 8))
    return np.unpackbits(as_bytes, axis=-1).sum(axis=-1)


NO_PAIRS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
