"""Near-duplicate stories: group documents whose body SimHashes differ in at most MAX_DISTANCE bits.

Candidates come from LSH banding: the 64-bit hash is cut into BANDS = MAX_DISTANCE + 1 bands of 12-13 bits,
and two hashes within MAX_DISTANCE bits of each other must agree on at least one whole band (4 differing bits
touch at most 4 of 5 bands), so banding finds every such pair. On Reuters-21578 every sampled pair within 4
bits was the same story (text similarity >= 0.94; a copy with a new headline differs in 4 bits), while at 5
bits one pair in eight was a different story. Each candidate pair is then checked on its Hamming distance; groups are
the connected components (union-find). Very short texts ("Shr 10 cts vs 9 cts") have too few shingles for a
SimHash to mean anything, so only bodies of MIN_WORDS words or more take part (exact duplicates of shorter
bodies still group: their hashes are equal *and* their texts are, checked by the caller's content key).

A result set is collapsed by keeping, of each group, its first matching member in document order: the
representative. Totals and facet counts count representatives, so a group counts once.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np

logger = logging.getLogger(__name__)

MAX_DISTANCE = 4
BANDS = MAX_DISTANCE + 1
BAND_EDGES = [round(64 * i / BANDS) for i in range(BANDS + 1)]  # 0, 13, 26, 38, 51, 64
MIN_WORDS = 40
MAX_BUCKET = 400  # a band value shared by more documents than this carries no signal


class Duplicates:
    """The near-duplicate groups of one index generation."""

    def __init__(self, group: np.ndarray) -> None:
        self.group = group  # group root docnum per document (itself when alone)
        self.grouped = np.flatnonzero(group != np.arange(len(group)))
        roots = np.unique(group[self.grouped]) if len(self.grouped) else np.zeros(0, dtype=np.int64)
        self.in_group = np.zeros(len(group), dtype=bool)
        self.in_group[self.grouped] = True
        self.in_group[roots] = True
        self.group_count = len(roots)
        self._members: dict[int, np.ndarray] = {}
        if self.group_count:
            docs = np.flatnonzero(self.in_group)
            order = np.argsort(group[docs], kind="stable")
            docs = docs[order]
            keys = group[docs]
            splits = np.flatnonzero(np.diff(keys)) + 1
            for members in np.split(docs, splits):
                self._members[int(group[members[0]])] = members

    def collapse(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` with every group reduced to its first matching member."""
        hit = np.flatnonzero(mask & self.in_group)
        if not len(hit):
            return mask
        roots = self.group[hit]
        _, first = np.unique(roots, return_index=True)
        out = mask & ~self.in_group
        out[hit[first]] = True
        return out

    def members(self, docnum: int) -> np.ndarray:
        """Every document of ``docnum``'s group, itself included, in document order."""
        return self._members.get(int(self.group[docnum]), np.asarray([docnum], dtype=np.int64))

    def others(self, docnum: int, mask: np.ndarray | None = None) -> list[int]:
        """The other members of ``docnum``'s group (only those in ``mask`` when given)."""
        members = self.members(docnum)
        return [int(d) for d in members if d != docnum and (mask is None or mask[d])]


def find_duplicates(hashes: np.ndarray, eligible: np.ndarray, exact_keys: list[object]) -> Duplicates:
    """Group documents: SimHash within MAX_DISTANCE bits (eligible ones) or the same ``exact_keys`` value.

    :param hashes: uint64 SimHash per document number.
    :param eligible: documents long enough for SimHash comparison.
    :param exact_keys: per document, a key equal only for identical texts (None: never grouped this way).
    """
    parent = np.arange(len(hashes))
    _union_exact(parent, exact_keys)
    _union_simhash(parent, hashes, np.flatnonzero(eligible))
    roots = np.asarray([_find(parent, i) for i in range(len(parent))], dtype=np.int64)
    dups = Duplicates(roots)
    logger.info(
        "near-duplicates: %d groups covering %d of %d documents",
        dups.group_count,
        int(dups.in_group.sum()),
        len(hashes),
    )
    return dups


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return int(root)


def _union(parent: np.ndarray, a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)  # the root is the group's smallest docnum


def _union_exact(parent: np.ndarray, keys: list[object]) -> None:
    first: dict[object, int] = {}
    for docnum, key in enumerate(keys):
        if key is None:
            continue
        seen = first.setdefault(key, docnum)
        if seen != docnum:
            _union(parent, seen, docnum)


def _union_simhash(parent: np.ndarray, hashes: np.ndarray, docs: np.ndarray) -> None:
    values = hashes[docs].astype(np.uint64)
    for low, high in itertools.pairwise(BAND_EDGES):
        keys = (values >> np.uint64(low)) & np.uint64((1 << (high - low)) - 1)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        splits = np.flatnonzero(np.diff(sorted_keys)) + 1
        for bucket in np.split(order, splits):
            if 1 < len(bucket) <= MAX_BUCKET:
                _union_close(parent, docs[bucket], values[bucket])


def _union_close(parent: np.ndarray, docs: np.ndarray, values: np.ndarray) -> None:
    xor = values[:, None] ^ values[None, :]
    distance = _popcount(xor)
    rows, cols = np.nonzero(np.triu(distance <= MAX_DISTANCE, k=1))
    for a, b in zip(rows.tolist(), cols.tolist()):
        _union(parent, int(docs[a]), int(docs[b]))


def _popcount(values: np.ndarray) -> np.ndarray:
    as_bytes = values.view(np.uint8).reshape((*values.shape, 8))
    return np.unpackbits(as_bytes, axis=-1).sum(axis=-1)
