"""Sparse AND / OR give the documents and the very float32 scores of the dense evaluation (``combine_masks``,
still used when a part is a mask)."""

from __future__ import annotations

import numpy as np
import pytest

from search.retrieve.scoring import combine_masks
from search.retrieve.sparse import NOTHING, Sparse, intersection, union

SIZE = 5000


def random_part(rng: np.random.Generator) -> Sparse:
    docs = np.unique(rng.integers(0, SIZE, size=int(rng.integers(0, 1500))))
    return Sparse(docs.astype(np.int32), rng.gamma(2.0, 3.0, size=len(docs)).astype(np.float32))


@pytest.mark.parametrize("seed", range(40))
def test_union_and_intersection_equal_the_dense_sums_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    parts = [random_part(rng) for _ in range(int(rng.integers(1, 6)))]
    scattered = lambda parts: union(parts, SIZE)  # noqa: E731 - over 1/SORT_BELOW of SIZE: added over every story
    for combine, op in ((union, np.logical_or), (scattered, np.logical_or), (intersection, np.logical_and)):
        mask, scores = combine(parts).dense(SIZE)
        expected_mask, expected_scores = combine_masks([part.dense(SIZE) for part in parts], SIZE, op)
        assert np.array_equal(mask, expected_mask)
        assert np.array_equal(scores.view(np.uint32), expected_scores.view(np.uint32))


def test_nothing_combines_to_nothing() -> None:
    assert len(union([]).docs) == len(intersection([]).docs) == 0
    part = Sparse(np.array([1, 5]), np.array([0.5, 2.0], dtype=np.float32))
    assert intersection([part, NOTHING]).docs.tolist() == []
    assert union([part, NOTHING]).docs.tolist() == [1, 5]
    assert part.boosted(2.0).scores.tolist() == [1.0, 4.0]
