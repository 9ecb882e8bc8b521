"""Generation-wide arrays grow in place when a commit only appends segments, and never change what an older
generation sees."""

from __future__ import annotations

import numpy as np

from search.retrieve.growing import GrowingArray


def test_an_appended_segment_is_the_only_part_computed_and_older_views_stay_as_they_were() -> None:
    parts = {"A": np.arange(3), "B": np.arange(10, 14), "C": np.arange(20, 22), "D": np.arange(30, 31)}
    asked: list[str] = []

    def combine(array: GrowingArray, ids: list[str]) -> np.ndarray:
        return array.combine(ids, lambda i: asked.append(ids[i]) or parts[ids[i]])

    array = GrowingArray(np.int64)
    first = combine(array, ["A", "B"])
    second = combine(array, ["A", "B", "C"])
    assert asked == ["A", "B", "C"], "a commit that appends a segment computes its part only"
    third = combine(array, ["A", "B", "C", "D"])
    assert first.tolist() == [0, 1, 2, 10, 11, 12, 13]
    assert second.tolist() == [*first.tolist(), 20, 21]
    assert third.tolist() == [*second.tolist(), 30]
    asked.clear()
    parts["E"] = np.arange(40, 42)
    merged = combine(array, ["A", "D", "E"])
    assert asked == ["D", "E"], "B and C merged away: a new buffer, the shared beginning (A) copied, not recomputed"
    assert merged.tolist() == [0, 1, 2, 30, 40, 41]
    assert third.tolist() == [0, 1, 2, 10, 11, 12, 13, 20, 21, 30], "the older generation's view is intact"
    asked.clear()
    assert combine(array, ["A", "D", "E", "B"]).tolist() == [0, 1, 2, 30, 40, 41, 10, 11, 12, 13]
    assert asked == ["B"] and merged.tolist() == [0, 1, 2, 30, 40, 41]
    asked.clear()
    assert combine(array, ["D"]).tolist() == [30] and asked == ["D"], "nothing shared at the beginning"
    assert combine(array, []).tolist() == []
