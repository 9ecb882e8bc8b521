"""A commit that merges segments records where the merged stories were (``SegmentOrigin``), and searchers
keep those stories' near-duplicate groups instead of comparing them all again: in a process that served
the last generation and in one started after the commit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from search.indexing import merging, segments
from search.indexing.indexer import build_index
from search.models import SearchRequest
from search.retrieve import generation as generation_module
from search.retrieve import groups as groups_module
from search.retrieve.generation import Generation, build_generation
from search.retrieve.index import open_index

FAMILIES = [" ".join(f"family{family}word{i}" for i in range(50)) for family in range(4)]


def write_stories(folder: Path, name: str, count: int, skip: tuple[int, ...] = ()) -> None:
    """``count`` stories, each a copy of one of four long bodies (near-duplicates across files and runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for i in range(count):
            if i not in skip:
                body = f"{FAMILIES[(i + len(name)) % 4]} Reported {name}."
                out.write(json.dumps({"id": f"{name}-{i}", "title": f"Story {name} {i}", "body": body}) + "\n")


def grouped(generation: Generation) -> list[list[str]]:
    """The groups of live stories, as sorted ids (independent of document numbers)."""
    dups, live = generation.duplicates, generation.live
    return sorted(
        sorted(generation.ids[int(m)] for m in dups.members(d) if live[m])
        for d in np.flatnonzero(live).tolist()
        if dups.in_group[d] and dups.group[d] == d
    )


def test_groups_are_carried_through_a_merge_the_indexer_recorded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(merging, "SMALLEST_TIER", 4)
    monkeypatch.setattr(merging, "MERGE_FACTOR", 3)
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    for run in range(3):
        write_stories(corpus, f"run{run}", 3)
        build_index([corpus], index_dir, workers=1)
    serving = open_index(index_dir)
    with serving.searcher():  # a worker that served the last generation (and saved its groups)
        pass
    write_stories(corpus, "run1", 3, skip=(1,))  # a story deleted: the merge leaves it out
    write_stories(corpus, "run3", 2)
    build_index([corpus], index_dir, workers=1)  # the full tier merges into the commit's own segment

    ix = whoosh_index.open_dir(str(index_dir))
    (only,) = ix._segments()
    saved = segments.load(index_dir / segments.FOLDER / only.segment_id(), only.segment_id(), only.doc_count_all())
    assert saved is not None and saved.origin is not None
    assert len(saved.origin.sources) == 3 and (saved.origin.source == -1).sum() == 2  # the commit's own two
    with ix.reader() as reader:
        from_scratch = build_generation(reader)
        scratch, spelling = grouped(from_scratch), dict(from_scratch.spelling.frequencies)
    assert len(scratch) >= 3 and any(len({story[:4] for story in group}) >= 3 for group in scratch)  # across runs

    compared: list[tuple[str, int]] = []
    real_add, real_join = groups_module.add_duplicates, groups_module.join_new

    def through_bands(parent, index, new, *arrays):
        compared.append(("band index", len(new)))
        return real_add(parent, index, new, *arrays)

    def with_every_story(parent, new, *arrays):
        compared.append(("every story", int(new.sum())))
        return real_join(parent, new, *arrays)

    def no_grouping(*args, **kwargs):
        raise AssertionError("grouped from scratch")

    monkeypatch.setattr(groups_module, "add_duplicates", through_bands)
    monkeypatch.setattr(groups_module, "join_new", with_every_story)
    monkeypatch.setattr(groups_module, "find_duplicates", no_grouping)
    restarted = open_index(index_dir)  # a new process: the saved groups of the generation before the merge
    with restarted.searcher() as searcher:
        assert grouped(searcher._gen) == scratch
    restarted.close()
    loaded: list[object] = []
    real_load = generation_module.load_vocabulary
    monkeypatch.setattr(generation_module, "load_vocabulary", lambda *a: loaded.append(real_load(*a)) or loaded[-1])
    with serving.searcher() as searcher:  # the process that served before the merge
        assert grouped(searcher._gen) == scratch
        assert dict(searcher._gen.spelling.frequencies) == spelling, "the merged generation's saved vocabulary"
        assert "<mark>reported</mark>" in searcher.search(SearchRequest(q="reports")).hits[0].snippet.lower()
    serving.close()
    assert len(loaded) == 1 and loaded[0] is not None, "after a merge the saved vocabulary is loaded"
    assert compared == [("every story", 2), ("band index", 2)], "only the commit's own stories are compared"


def test_an_origin_that_names_documents_its_sources_lack_is_rebuilt_not_trusted(tmp_path: Path, caplog) -> None:
    """The manifest's checksums catch a torn file; an origin written wrong but whole (a document number past
    its source segment's end) would index past the known groups: the segment's data is computed again."""
    from dataclasses import replace

    from search.indexing.segment_contents import SegmentOrigin

    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    write_stories(corpus, "run0", 3)
    build_index([corpus], index_dir, workers=1)
    folder = index_dir / segments.FOLDER
    (segment,) = whoosh_index.open_dir(str(index_dir))._segments()
    segment_id, size = segment.segment_id(), segment.doc_count_all()
    data = segments.load(folder / segment_id, segment_id, size)
    assert data is not None
    for source, doc in (([0, 0, 0], [0, 1, 5]), ([0, 2, -1], [0, 0, 0]), ([-2, 0, 0], [0, 0, 0])):
        wrong = SegmentOrigin((("MAIN_gone", 3),), np.array(source, dtype=np.int32), np.array(doc, dtype=np.int32))
        shutil.rmtree(folder / segment_id, ignore_errors=True)  # load() removed the last wrong one
        segments.save(replace(data, origin=wrong), folder)
        assert (folder / segment_id / segments.MANIFEST).is_file()
        caplog.clear()
        assert segments.load(folder / segment_id, segment_id, size) is None
        assert "ignored and rebuilt: ValueError: the origin names documents" in caplog.text
