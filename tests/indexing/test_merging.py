"""The merge policy: a commit merges segments of about the same size, a bounded number at a time."""

from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index

from search.indexing import merging
from search.indexing.indexer import build_index
from search.indexing.merging import MAX_MERGED_DOCS, MERGE_FACTOR, SMALLEST_TIER, choose_merge, tier

from support import stored_documents


def test_tiers_grow_by_the_merge_factor() -> None:
    assert tier(0) == tier(SMALLEST_TIER - 1) == 0
    assert tier(SMALLEST_TIER) == tier(SMALLEST_TIER * MERGE_FACTOR - 1) == 1
    assert tier(SMALLEST_TIER * MERGE_FACTOR) == 2


def test_a_few_segments_are_left_alone() -> None:
    assert choose_merge([(100, 100)] * (MERGE_FACTOR - 1)) == []


def test_a_full_tier_merges_its_smallest_segments() -> None:
    big = [(40_000, 40_000)] * 3
    small = [(100 + i, 100 + i) for i in range(MERGE_FACTOR + 2)]  # one tier too many, and two more
    chosen = choose_merge(big + small)
    assert len(chosen) == MERGE_FACTOR
    assert chosen == list(range(3, 3 + MERGE_FACTOR)), "the smallest of the tier, never the big ones"


def test_a_tiny_commit_into_a_big_index_never_merges_the_big_segments() -> None:
    """What Whoosh's MERGE_SMALL did at a million stories: a commit of 200 deletions merged every segment."""
    index = [(60_000, 60_000)] * 18 + [(6_000, 6_000)] * 9 + [(200, 200)] * 7 + [(0 + 150, 200)]
    chosen = choose_merge(index)
    assert chosen == [], "no tier is full and nothing is half deleted"
    grown = index + [(100, 100)] * 3  # three more small commits: the small tier is full
    chosen = choose_merge(grown)
    assert len(chosen) == MERGE_FACTOR and all(grown[p][1] <= 200 for p in chosen), "only the small segments"


def test_one_merge_never_reads_more_than_the_cap() -> None:
    tier_two = [(20_000, 20_000)] * (MERGE_FACTOR + 5)
    chosen = choose_merge(tier_two)
    assert len(chosen) >= 2 and sum(tier_two[p][1] for p in chosen) <= MAX_MERGED_DOCS
    assert choose_merge([(MAX_MERGED_DOCS, MAX_MERGED_DOCS)] * (MERGE_FACTOR * 2)) == [], "too big to merge"


def test_a_mostly_deleted_segment_is_rewritten_alone() -> None:
    sizes = [(5_000, 5_000), (900, 4_000), (3_000, 3_500)]
    assert choose_merge(sizes) == [1]
    assert choose_merge([(10, 2 * MAX_MERGED_DOCS)]) == [], "unless rewriting it would read too much"


def write_stories(folder: Path, name: str, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for i in range(count):
            story = {"id": f"{name}-{i}", "title": f"Story {name} {i}", "body": f"Grain exports rose {i} pct."}
            out.write(json.dumps(story) + "\n")


def segment_sizes(index_dir: Path) -> list[int]:
    return sorted(segment.doc_count() for segment in whoosh_index.open_dir(str(index_dir))._segments())


def test_commits_merge_a_full_tier_and_keep_every_story(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(merging, "SMALLEST_TIER", 4)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 3)
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    for run in range(3):  # three commits of 2 stories: a full first tier (a commit merges what was there)
        write_stories(corpus, f"run{run}", 2)
        build_index([corpus], index_dir, workers=1)
    assert segment_sizes(index_dir) == [2, 2, 2]
    write_stories(corpus, "run3", 1)
    build_index([corpus], index_dir, workers=1)
    assert segment_sizes(index_dir) == [7], "the full tier merged into the commit's own segment"
    for run in range(4, 6):
        write_stories(corpus, f"run{run}", 5)  # the next tier holds them as they are
        build_index([corpus], index_dir, workers=1)
    assert segment_sizes(index_dir) == [5, 5, 7]
    assert len(stored_documents(index_dir)) == 17


def test_a_wholly_deleted_segment_is_dropped(tmp_path: Path) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    write_stories(corpus, "kept", 3)
    build_index([corpus], index_dir, workers=1)
    write_stories(corpus, "gone", 2)
    build_index([corpus], index_dir, workers=1)
    assert segment_sizes(index_dir) == [2, 3]
    (corpus / "gone.jsonl").unlink()
    report = build_index([corpus], index_dir, workers=1)
    assert report.removed == 2
    assert segment_sizes(index_dir) == [3]
    assert set(stored_documents(index_dir)) == {f"kept-{i}" for i in range(3)}
