"""Every commit saves what searchers read of its segments before its table of contents makes them visible."""

from __future__ import annotations

import json
from pathlib import Path

from whoosh.index import TOC

from search.indexing import merging, segments
from search.indexing.indexer import build_index
from search.indexing.vocabulary import vocabulary_name


def write_stories(folder: Path, name: str, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"id": f"{name}-{i}", "title": f"Grain {name} {i}", "body": f"Wheat {i} shipped."})
        for i in range(count)
    ]
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_segment_data_origin_and_vocabulary_are_saved_before_the_generation_is_listed(
    tmp_path: Path, monkeypatch
) -> None:
    """A searcher that opens a generation the moment it is committed finds its segments' data, a merged
    segment's origin and the vocabulary saved: it never reads stored fields or regroups merged stories."""
    monkeypatch.setattr(merging, "SMALLEST_TIER", 4)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 3)
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    folder = index_dir / segments.FOLDER
    seen: list[tuple[list[str], bool, list[bool]]] = []
    origins: list[list[int]] = []  # per commit, per listed segment: how many segments it merged (as saved then)
    real_write = TOC.write

    def write(toc, storage, indexname):
        listed = [s for s in toc.segments if s.doc_count_all()]
        saved = [segments.load(folder / s.segment_id(), s.segment_id(), s.doc_count_all()) for s in listed]
        vocabulary = (folder / vocabulary_name(s.segment_id() for s in listed)).is_dir() if listed else True
        seen.append(([s.segment_id() for s in listed], vocabulary, [d is not None for d in saved]))
        origins.append([len(d.origin.sources) if d is not None and d.origin is not None else 0 for d in saved])
        return real_write(toc, storage, indexname)

    monkeypatch.setattr(TOC, "write", write)
    for run in range(4):  # the fourth run's commit merges the first tier's three segments into its own
        write_stories(corpus, f"run{run}", 3)
        build_index([corpus], index_dir, workers=1)
    assert len(seen) >= 4
    for ids, vocabulary, loaded in seen:
        assert all(loaded) and vocabulary, ids
    assert len(seen[-1][0]) == 1, "the last commit merged every segment into its own"
    (merged,) = seen[-1][0]
    assert origins[-1] == [3], "the merged segment's origin was saved with it, before it was listed"
    names = {path.name for path in folder.iterdir()}
    assert merged in names and vocabulary_name([merged]) in names
    earlier = {segment_id for ids, _, _ in seen[:-1] for segment_id in ids}
    assert len(earlier) == 3 and not names & earlier, "the merged segments' data is removed after the commit"
