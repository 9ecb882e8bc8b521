"""Spelling counts added and subtracted a segment at a time, against a Counter."""

from __future__ import annotations

from collections import Counter

import numpy as np

from search.retrieve.word_counts import WordCounts


def segment(rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    words = [f"w{n}" for n in rng.choice(60, size=int(rng.integers(1, 30)), replace=False)]
    return words, rng.integers(1, 5, size=len(words)).astype(np.int64)


def test_segments_come_and_go_as_a_counter_would_count_them() -> None:
    rng = np.random.default_rng(7)
    counts, expected, present = WordCounts(), Counter(), []
    for step in range(200):
        if present and rng.random() < 0.4:
            words, numbers = present.pop(int(rng.integers(len(present))))
            counts.subtract(counts.ids(words), numbers)
            expected.subtract(dict(zip(words, numbers.tolist())))
            continue
        words, numbers = segment(rng)
        before = +expected
        new, frequent = counts.add(counts.ids(words), numbers, min_df=6)
        expected.update(dict(zip(words, numbers.tolist())))
        present.append((words, numbers))
        assert set(new) == {w for w in words if not before[w]}, step
        assert set(frequent) == {w for w in words if before[w] < 6 <= expected[w]}, step
        snapshot = counts.snapshot()
        assert dict(snapshot) == dict(+expected), step
    assert len(snapshot) == len(+expected)


def test_a_snapshot_is_not_changed_by_later_segments() -> None:
    counts = WordCounts()
    counts.add(counts.ids(["grain", "wheat"]), np.array([3, 1]), min_df=2)
    first = counts.snapshot()
    counts.add(counts.ids(["grain", "maize"]), np.array([2, 5]), min_df=2)
    counts.subtract(counts.ids(["wheat"]), np.array([1]))
    assert dict(first) == {"grain": 3, "wheat": 1}
    assert first.get("maize", 0) == 0 and "maize" not in first
    assert dict(counts.snapshot()) == {"grain": 5, "maize": 5}
    assert counts.snapshot().get("wheat", -1) == -1
