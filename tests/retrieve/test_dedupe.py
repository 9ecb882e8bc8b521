"""Near-duplicate groups from SimHashes, and collapsing result sets."""

from __future__ import annotations

import difflib
import random

import numpy as np
import pytest

from search.indexing.document import simhash
from search.indexing.segment_contents import MIN_WORDS, content_digest
from search.retrieve.dedupe import Duplicates, find_duplicates, join_new

from support import REUTERS

NO_DIGESTS = np.zeros(4, dtype=np.uint64)


def digests(*texts: tuple[str, str]) -> np.ndarray:
    return np.asarray([content_digest(title, body) for title, body in texts], dtype=np.uint64)


def flip(value: int, *bits: int) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


def test_hashes_within_four_bits_group_and_farther_ones_do_not() -> None:
    base = random.Random(7).getrandbits(64)
    # four flipped bits, one in each of four bands (only the fifth band agrees): still found
    hashes = np.asarray(
        [base, flip(base, 1, 20, 40, 50), flip(base, 3, 19, 35, 60, 62), base ^ (2**64 - 1)], dtype=np.uint64
    )
    dups = find_duplicates(hashes, np.ones(4, dtype=bool), NO_DIGESTS)
    assert dups.others(0) == [1]
    assert dups.others(2) == [] and dups.others(3) == []


def test_short_texts_group_only_when_identical() -> None:
    hashes = np.asarray([5, 5, 5], dtype=np.uint64)
    keys = digests(("t", "shr 10 cts"), ("T", "shr  10 cts"), ("t", "shr 11 cts"))
    dups = find_duplicates(hashes, np.zeros(3, dtype=bool), keys)
    assert dups.others(0) == [1] and dups.others(2) == []


def test_collapse_keeps_the_first_matching_member_of_each_group() -> None:
    rng = random.Random(3)
    first, second, third = (rng.getrandbits(64) for _ in range(3))
    hashes = np.asarray([first, first, second, third], dtype=np.uint64)
    dups = find_duplicates(hashes, np.ones(4, dtype=bool), NO_DIGESTS)
    assert dups.members(1).tolist() == [0, 1]
    assert dups.collapse(np.asarray([True, True, True, False])).tolist() == [True, False, True, False]
    assert dups.collapse(np.asarray([False, True, False, True])).tolist() == [False, True, False, True]
    assert dups.others(1, np.asarray([False, True, True, True])) == []


@pytest.mark.slow
def test_reuters_duplicates_are_true_duplicates() -> None:
    """On 3,000 real stories: groups are found, and every grouped pair is nearly the same text."""
    from search.ingest import iter_articles

    articles = [
        a for name in ("reut2-000.sgm", "reut2-001.sgm", "reut2-002.sgm") for a in iter_articles(REUTERS / name)
    ]
    hashes = np.asarray([simhash(a.body or a.title) for a in articles], dtype=np.uint64)
    eligible = np.asarray([len(a.body.split()) >= MIN_WORDS for a in articles])
    keys = digests(*((a.title, a.body) for a in articles))
    dups = find_duplicates(hashes, eligible, keys)
    assert dups.group_count >= 20
    near = 0
    for root in {int(g) for g in dups.group[dups.in_group]}:
        members = dups.members(root)
        for other in members[1:]:
            a, b = articles[root].body, articles[int(other)].body
            assert difflib.SequenceMatcher(None, a, b).quick_ratio() > 0.9, (articles[root].id, articles[other].id)
            near += a != b
    assert near >= 1  # not only byte-identical copies


def test_empty_bodies_never_group_as_identical() -> None:
    assert content_digest("Title", "  ") == 0
    dups = find_duplicates(np.zeros(2, dtype=np.uint64), np.zeros(2, dtype=bool), digests(("a", ""), ("a", "")))
    assert dups.group_count == 0


@pytest.mark.slow
def test_adding_documents_groups_as_comparing_everything_again() -> None:
    """Groups known for the first documents, then only pairs with the new ones compared: the same groups as
    comparing every pair, on 3,000 real stories with copies added at the end."""
    from search.ingest import iter_articles

    articles = [a for name in ("reut2-000.sgm", "reut2-001.sgm") for a in iter_articles(REUTERS / name)]
    rng = random.Random(11)
    articles += [articles[i] for i in rng.sample(range(len(articles)), 150)]  # copies of earlier stories
    hashes = np.asarray([simhash(a.body or a.title) for a in articles], dtype=np.uint64)
    eligible = np.asarray([len(a.body.split()) >= MIN_WORDS for a in articles])
    keys = digests(*((a.title, a.body) for a in articles))
    whole = find_duplicates(hashes, eligible, keys)
    for start in (1000, len(articles) - 150, len(articles) - 1):
        known = find_duplicates(hashes[:start], eligible[:start], keys[:start])
        added = find_duplicates(hashes, eligible, keys, known=known.group)
        assert added.group.tolist() == whole.group.tolist()
    assert whole.group_count >= 150


def random_corpus(size: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SimHashes in families (copies a few bits apart, some far), some too short, some exact copies."""
    rng = np.random.default_rng(seed)
    roots = rng.integers(0, 2**63, size=size // 4, dtype=np.uint64)
    hashes = roots[rng.integers(0, len(roots), size=size)]
    flips = rng.integers(0, 64, size=(size, 3))
    for column in range(3):
        on = rng.random(size) < 0.7
        hashes = np.where(on, hashes ^ (np.uint64(1) << flips[:, column].astype(np.uint64)), hashes)
    eligible = rng.random(size) < 0.85
    digests = np.where(rng.random(size) < 0.3, rng.integers(1, 40, size=size).astype(np.uint64), np.uint64(0))
    return hashes.astype(np.uint64), eligible, digests


@pytest.mark.parametrize("max_bucket", [400, 6])
def test_a_band_index_groups_new_documents_as_comparing_them_with_every_band(monkeypatch, max_bucket: int) -> None:
    """``add_duplicates`` through a ``BandIndex`` kept across commits gives the groups ``find_duplicates`` gives
    with the same known groups: with deletions since the index was built, an index cut back after a merge, and
    buckets over MAX_BUCKET (6: many are)."""
    from search.retrieve import bands, dedupe

    monkeypatch.setattr(dedupe, "MAX_BUCKET", max_bucket)
    hashes, eligible, digests = random_corpus(3000, seed=5)
    live = np.ones(len(hashes), dtype=bool)
    start = 1500
    known = find_duplicates(hashes[:start], eligible[:start], digests[:start]).group
    index = bands.BandIndex.build(hashes[:start], eligible[:start], digests[:start])
    rng = np.random.default_rng(9)
    for end in (1600, 1601, 2200, 3000):
        live[rng.choice(end, size=40, replace=False)] = False  # stories replaced or deleted since
        now_eligible, now_digests = eligible[:end] & live[:end], np.where(live[:end], digests[:end], np.uint64(0))
        expected = find_duplicates(hashes[:end], now_eligible, now_digests, known=known)
        new = np.arange(len(known), end)
        added = bands.add_duplicates(parents(known, end), index, new, hashes[:end], now_eligible, now_digests)
        assert added.group.tolist() == expected.group.tolist()
        known, index = added.group, index.extended(new, hashes[:end], now_eligible, now_digests)
    assert len(np.unique(known)) < len(known) - 200  # families were grouped
    cut = index.truncated(2000)  # a merge replaced the segments after document 2000
    now_eligible, now_digests = eligible & live, np.where(live, digests, np.uint64(0))
    expected = find_duplicates(hashes, now_eligible, now_digests, known=known[:2000])
    added = bands.add_duplicates(
        parents(known[:2000], 3000), cut, np.arange(2000, 3000), hashes, now_eligible, now_digests
    )
    assert added.group.tolist() == expected.group.tolist()


def parents(known: np.ndarray, size: int) -> np.ndarray:
    """The union-find start of ``size`` documents whose first ones have the ``known`` roots."""
    parent = np.arange(size, dtype=np.int64)
    parent[: len(known)] = known
    return parent


def test_groups_are_carried_through_a_merge_that_moves_and_drops_stories() -> None:
    """After a merge, Whoosh's new segment holds the commit's new stories, then the merged segments' live
    ones: the known groups, renumbered, and a renumbered band index (translating as it looks up, or
    rewritten) give the groups of comparing only the new stories with everything, as in the old numbering
    with the new stories appended; so does comparing them with every story without a band index."""
    from search.retrieve import bands
    from search.retrieve.groups import _renumbered

    hashes, eligible, digests = random_corpus(3200, seed=11)
    known = find_duplicates(hashes[:3000], eligible[:3000], digests[:3000]).group
    index = bands.BandIndex.build(hashes[:3000], eligible[:3000], digests[:3000])
    dropped = np.arange(1000, 1500)[::17]  # deleted before the merge: not copied
    moved = np.setdiff1d(np.arange(1000, 1500), dropped)
    old = np.concatenate([np.arange(1000), np.arange(1500, 3000), np.full(200, -1), moved])  # -1: new
    rows = np.concatenate([np.arange(1000), np.arange(1500, 3000), np.arange(3000, 3200), moved])
    at, new = np.flatnonzero(old >= 0), np.flatnonzero(old < 0)
    new_numbers = np.full(3000, -1, dtype=np.int64)
    new_numbers[old[at]] = at
    parent = np.arange(len(old), dtype=np.int64)
    parent[at] = _renumbered(known, old[at], at)
    arrays = hashes[rows], eligible[rows], digests[rows]
    carried = bands.add_duplicates(parent, index.renumbered(new_numbers, len(old)), new, *arrays).group
    settled = index.renumbered(new_numbers, len(old)).settled()
    assert bands.add_duplicates(parent, settled, new, *arrays).group.tolist() == carried.tolist()
    assert join_new(parent, old < 0, *arrays).group.tolist() == carried.tolist()  # a new process, no band index
    gone = np.zeros(3200, dtype=bool)
    gone[dropped] = True
    in_old_numbers = find_duplicates(hashes, eligible & ~gone, np.where(gone, np.uint64(0), digests), known=known)
    expected = in_old_numbers.group[rows]
    assert (
        len(set(zip(carried.tolist(), expected.tolist()))) == len(set(carried.tolist())) == len(set(expected.tolist()))
    )
    assert (carried <= np.arange(len(carried))).all() and (carried[carried] == carried).all()  # roots: smallest
    assert (carried[new] != new).sum() > 20 and (
        carried[-len(moved) :] != np.arange(len(old))[-len(moved) :]
    ).sum() > 20


def test_collapse_keeps_each_groups_first_match_on_many_groups() -> None:
    hashes, eligible, digests = random_corpus(3000, seed=8)
    dups = find_duplicates(hashes, eligible, digests)
    mask = np.random.default_rng(2).random(3000) < 0.4
    first_of: dict[int, int] = {}
    for doc in np.flatnonzero(mask).tolist():
        first_of.setdefault(int(dups.group[doc]), doc)
    expected = sorted(first_of.values())
    assert np.flatnonzero(dups.collapse(mask)).tolist() == expected
    assert dups.group_count > 100


def test_group_lookups_scan_first_then_sort_and_agree() -> None:
    """The first lookups of a generation scan the group array, later ones use the sorted index: same members."""
    rng = np.random.default_rng(7)
    roots = rng.integers(0, 40, size=400)
    group = np.where(rng.random(400) < 0.5, roots, np.arange(400))
    group[roots] = roots  # every root is its own root
    dups = Duplicates(group)
    expected = {d: np.flatnonzero(group == group[d]).tolist() if dups.in_group[d] else [d] for d in range(400)}
    looked_up = {d: dups.members(d).tolist() for d in range(400)}
    assert "_by_group" in dups.__dict__  # past SCANS_BEFORE_SORTING lookups it sorted
    assert looked_up == expected
