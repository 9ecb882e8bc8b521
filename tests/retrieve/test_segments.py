"""Per-segment data: saved once per segment, shared by readers, combined into the same generation as reading
every stored document would give, and never trusted when torn."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search.indexing import segments
from search.indexing.indexer import build_index
from search.indexing.segment_contents import LENGTH_FIELDS
from search.indexing.vocabulary import vocabulary_name
from search.models import SearchRequest
from search.retrieve.facet_counts import entry_starts
from search.retrieve.generation import Generation, GenerationBuilder, build_generation
from search.retrieve.index import open_index

from support import article, write_articles

STORY = (
    "The central bank kept its discount rate at three pct and the Lombard rate at five pct, dealers said. "
    "The decision had been widely expected in the money market, which had priced in steady rates for the "
    "coming weeks, and the mark firmed slightly against the dollar after the announcement in Frankfurt today."
)


def batch(first: int, count: int, prefix: str = "story") -> list:
    """``count`` articles, every third a copy of the one before (a near-duplicate group), with entities."""
    records = []
    for n in range(first, first + count):
        words = " ".join(f"word{n * 7 + i}" for i in range(45))
        body = STORY if n % 3 else f"Story {n} is its own: {words}."
        records.append(
            article(
                f"{prefix}-{n}",
                f"Title {n}",
                body,
                published=f"1987-0{1 + n % 9}-1{n % 10}",
                persons=(f"Person {n % 5}", "Karl Otto Poehl"),
                countries=("West Germany",) if n % 2 else ("France", "Japan"),
                orgs=("Bundesbank",),
            )
        )
    return records


def summary(generation: Generation) -> dict:
    """What a generation holds for live documents, by document id (independent of value ids)."""
    live = np.flatnonzero(generation.live)
    out: dict = {
        "ids": [generation.ids[d] for d in live],
        "days": generation.dates.days[live].tolist(),
        "newest": [generation.ids[d] for d in generation.newest],
        "oldest": [generation.ids[d] for d in generation.oldest],
        "groups": sorted(
            sorted(generation.ids[int(m)] for m in generation.duplicates.members(d) if generation.live[m])
            for d in live
            if generation.duplicates.in_group[d] and generation.duplicates.group[d] == d
        ),
        "spelling": dict(generation.spelling.frequencies),
        "languages": generation.languages,
        "lengths": {f: generation.postings._lengths[f][live].tolist() for f in LENGTH_FIELDS},
    }
    for name, table in generation.facets.items():
        starts = entry_starts(table.entry_doc, table.doc_count)  # the bounds combined from the segments' agree
        assert np.array_equal(table._bounds[0], starts[:-1]) and np.array_equal(table._bounds[1], starts[1:])
        entries = sorted(
            (generation.ids[d], table.values[v], bool(a))
            for d, v, a in zip(table.entry_doc.tolist(), table.entry_val.tolist(), table.entry_about.tolist())
        )
        out[f"facet {name}"] = entries
    return out


def commit_in_steps(path: Path, builder: GenerationBuilder | None = None) -> list[dict]:
    """Four commits (new stories, changed ones, more): the generation after each, built by ``builder``."""
    seen = []
    for records in (batch(0, 30), batch(30, 12), batch(5, 6) + batch(42, 3), batch(45, 20)):
        write_articles(path, records).close()
        ix = whoosh_index.open_dir(str(path))
        with ix.reader() as reader:
            generation = builder.build(reader, 0) if builder else build_generation(reader)
            seen.append(summary(generation))
        ix.close()
    return seen


def test_saved_segment_data_gives_the_generation_read_from_stored_fields(tmp_path) -> None:
    """One builder kept across commits (segments loaded from disk, words and groups updated by what came
    and went) gives what a fresh build from every stored document gives, after each commit."""
    fresh = commit_in_steps(tmp_path / "fresh")
    kept = commit_in_steps(tmp_path / "kept", GenerationBuilder(tmp_path / "kept" / segments.FOLDER))
    assert len(fresh) == len(kept) == 4
    for before, after in zip(fresh, kept):
        assert before == after
    assert len(fresh[-1]["ids"]) == 65 and fresh[-1]["groups"]


def test_the_indexer_saves_every_segment_and_searchers_read_no_stored_document(tmp_path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"{n}.txt").write_text(f"Oil story {n}\n\nSaudi Arabia said oil output rose {n} pct.\n")
    index_dir = tmp_path / "index"
    build_index([corpus], index_dir)
    (corpus / "6.txt").write_text("Gold story\n\nGold rose in London, dealers said.\n")
    build_index([corpus], index_dir)
    ix = whoosh_index.open_dir(str(index_dir))
    ids = {segment.segment_id() for segment in ix._segments()}
    ix.close()
    vocabulary = vocabulary_name(segment.segment_id() for segment in whoosh_index.open_dir(str(index_dir))._segments())
    assert {path.name for path in (index_dir / segments.FOLDER).iterdir()} == ids | {vocabulary}

    def no_stored_fields(*args):
        raise AssertionError("a searcher read stored fields to build its generation")

    monkeypatch.setattr(segments, "compute", no_stored_fields)
    news = open_index(index_dir)
    with news.searcher() as searcher:
        assert searcher.search(SearchRequest(q="oil")).total == 6
        assert searcher.search(SearchRequest(q="gold")).total == 1
    news.close()


def saved(tmp_path: Path) -> tuple[Path, list[Path]]:
    write_articles(tmp_path, batch(0, 20)).close()
    news = open_index(tmp_path)
    with news.searcher() as searcher:
        expected = searcher.search(SearchRequest(q="dollar")).total
    news.close()
    assert expected
    folders = sorted((tmp_path / segments.FOLDER).iterdir())
    assert folders and all((folder / segments.MANIFEST).is_file() for folder in folders)
    return tmp_path, folders


def damage_truncate(folder: Path) -> None:
    file = folder / "days.npy"
    file.write_bytes(file.read_bytes()[:-8])


def damage_flip_a_byte(folder: Path) -> None:
    file = folder / "facet.person.val.npy"
    data = bytearray(file.read_bytes())
    data[-1] ^= 0xFF
    file.write_bytes(bytes(data))


def damage_remove_manifest(folder: Path) -> None:
    (folder / segments.MANIFEST).unlink()


def damage_garble_manifest(folder: Path) -> None:
    (folder / segments.MANIFEST).write_text("{not json")


def damage_other_format(folder: Path) -> None:
    manifest = json.loads((folder / segments.MANIFEST).read_text())
    manifest["format"] = segments.FORMAT + 1
    (folder / segments.MANIFEST).write_text(json.dumps(manifest))


def damage_manifest_not_an_object(folder: Path) -> None:
    (folder / segments.MANIFEST).write_text("[1, 2]")


def damage_manifest_names_a_file_elsewhere(folder: Path) -> None:
    manifest = json.loads((folder / segments.MANIFEST).read_text())
    manifest["files"]["../../elsewhere.npy"] = manifest["files"].pop("days.npy")
    (folder / segments.MANIFEST).write_text(json.dumps(manifest))


def damage_remove_strings(folder: Path) -> None:
    (folder / segments.STRINGS).unlink()


@pytest.mark.parametrize(
    "damage",
    [
        damage_truncate,
        damage_flip_a_byte,
        damage_remove_manifest,
        damage_garble_manifest,
        damage_other_format,
        damage_manifest_not_an_object,
        damage_manifest_names_a_file_elsewhere,
        damage_remove_strings,
    ],
)
def test_torn_or_foreign_segment_data_is_rebuilt_not_trusted(tmp_path, damage, caplog) -> None:
    index_dir, folders = saved(tmp_path)
    news = open_index(index_dir)
    request = SearchRequest(q="dollar OR own", filters={"person": ("Person 1",)})
    with news.searcher() as searcher:
        expected, found = summary(searcher._gen), searcher.search(request).total
    news.close()
    assert found == 2  # "own" in story 6; the dollar story in 1, 11 and 16: one near-duplicate group
    damage(folders[0])
    with caplog.at_level(logging.WARNING, logger="search.indexing.segments"):
        news = open_index(index_dir)
        with news.searcher() as searcher:
            assert summary(searcher._gen) == expected
            assert searcher.search(request).total == found
        news.close()
    assert "ignored and rebuilt" in caplog.text
    manifest = json.loads((folders[0] / segments.MANIFEST).read_text())  # saved again, whole
    assert manifest["format"] == segments.FORMAT
    assert segments.load(folders[0], folders[0].name, manifest["size"]) is not None


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch, caplog) -> None:
    write_articles(tmp_path, batch(0, 10)).close()

    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(segments.np, "save", refuse)
    with caplog.at_level(logging.WARNING, logger="search.indexing.segments"):
        news = open_index(tmp_path)
        with news.searcher() as searcher:
            assert searcher.search(SearchRequest(q="own")).total == 4  # stories 0, 3, 6 and 9
        news.close()
    assert "can't save" in caplog.text
    assert not [p for p in (tmp_path / segments.FOLDER).iterdir() if not p.name.startswith(".tmp-")]


def test_leftover_temporary_folders_are_removed_once_abandoned(tmp_path) -> None:
    folder = tmp_path / segments.FOLDER
    fresh, old, stale = folder / ".tmp-a-1", folder / ".tmp-b-2", folder / "MAIN_gone"
    for path in (fresh, old, stale):
        path.mkdir(parents=True)
    import os
    import time

    past = time.time() - segments.ABANDONED_AFTER - 5
    os.utime(old, (past, past))
    segments.keep_only(folder, {"MAIN_kept"})
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-a-1"]


def leaves(searcher) -> dict[str, object]:
    return {leaf.segment().segment_id(): leaf for leaf, _ in searcher._s.reader().leaf_readers()}


def test_after_a_commit_unchanged_segments_keep_their_readers_and_new_deletions_count(tmp_path) -> None:
    """The next searcher reopens only what changed: a segment with the same deletions keeps its open reader
    (and its decoded postings), one whose story was replaced is opened again, so the old text is gone."""
    write_articles(tmp_path, batch(0, 10)).close()
    write_articles(tmp_path, batch(10, 10, prefix="later")).close()
    news = open_index(tmp_path)
    with news.searcher() as searcher:
        before = leaves(searcher)
        assert searcher.search(SearchRequest(q="word7")).total == 1  # story-0's own words
        assert searcher.search(SearchRequest(q="own")).total == 7  # stories 0, 3, 6, 9, 12, 15, 18
        assert searcher.search(SearchRequest(q="entirely")).total == 0
    assert len(before) == 2
    replaced = article("story-0", "Title 0", "This story now says something else entirely.")
    write_articles(tmp_path, [replaced, *batch(20, 3, prefix="newest")]).close()
    with news.searcher() as searcher:
        after = leaves(searcher)
        assert searcher.search(SearchRequest(q="word7")).total == 0  # story-0's old text, deleted
        assert searcher.search(SearchRequest(q="entirely")).total == 1
        assert searcher.search(SearchRequest(q="own")).total == 7  # less story 0, with story 21
    news.close()
    kept = [segment_id for segment_id in before if after.get(segment_id) is before[segment_id]]
    assert len(kept) == 1  # the later stories' segment kept its reader; story-0's was reopened (or merged)


def test_a_restart_reads_the_saved_near_duplicate_groups(tmp_path, monkeypatch, caplog) -> None:
    """Grouping compares every bucket of SimHashes (1.8 s at 20x Reuters): a process that computed a
    generation's groups saves them, the next one on the same generation loads them; damaged, they are
    computed again."""
    from search.retrieve import groups as groups_module

    write_articles(tmp_path, batch(0, 30)).close()
    news = open_index(tmp_path)
    with news.searcher() as searcher:
        expected = summary(searcher._gen)
    news.close()
    saved = [p for p in (tmp_path / segments.FOLDER).iterdir() if p.name.startswith("groups-")]
    assert len(saved) == 1 and expected["groups"]

    def no_grouping(*args, **kwargs):
        raise AssertionError("grouped again")

    with monkeypatch.context() as patched:
        patched.setattr(groups_module, "find_duplicates", no_grouping)
        news = open_index(tmp_path)
        with news.searcher() as searcher:
            assert summary(searcher._gen) == expected
        news.close()
    for damage in (
        lambda: damage_flip_a_byte_of(saved[0] / "group.npy"),
        lambda: damage_manifest_not_an_object(saved[0]),
        lambda: damage_derived_manifest_names_a_file_elsewhere(saved[0], tmp_path),
    ):
        damage()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="search.indexing.segments"):
            news = open_index(tmp_path)
            with news.searcher() as searcher:
                assert summary(searcher._gen) == expected
            news.close()
        assert "ignored and rebuilt" in caplog.text
        assert (saved[0] / segments.MANIFEST).is_file()  # saved again


def damage_derived_manifest_names_a_file_elsewhere(folder: Path, elsewhere: Path) -> None:
    """A manifest that sends the loader to a file outside the folder: it must not be read."""
    outside = elsewhere / "outside.npy"
    np.save(outside, np.zeros(3))
    manifest = json.loads((folder / segments.MANIFEST).read_text())
    manifest["sizes"] = {"../../outside": 3}
    manifest["files"] = {
        "../../outside.npy": segments.describe(outside),
        "strings.json": manifest["files"]["strings.json"],
    }
    (folder / segments.MANIFEST).write_text(json.dumps(manifest))


def damage_flip_a_byte_of(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[-1] ^= 0xFF
    file.write_bytes(bytes(data))


def test_a_restart_loads_the_vocabulary_the_indexer_saved(tmp_path, monkeypatch, caplog) -> None:
    """Adding up the segments' word counts and stemming every word was 0.4-0.5 s of a restart at a million
    stories: the indexer saves the generation's vocabulary, a new process loads it, damaged it is recomputed."""
    from search.retrieve import snippets

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    stories = [
        {"id": f"s{n}", "title": f"Exports {n}", "body": f"Grain exporters exported {n} tonnes."} for n in range(5)
    ]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1)
    saved = [p for p in (tmp_path / "ix" / segments.FOLDER).iterdir() if p.name.startswith("vocabulary-")]
    assert len(saved) == 1
    with whoosh_index.open_dir(str(tmp_path / "ix")).reader() as reader:
        expected = dict(build_generation(reader).spelling.frequencies)
    assert expected["exporters"] == 5

    def no_stemming(code):
        raise AssertionError("stemmed again")

    for damage in (None, lambda: damage_flip_a_byte_of(saved[0] / "strings.json")):
        if damage is not None:
            damage()
        news = open_index(tmp_path / "ix")
        with monkeypatch.context() as patched, caplog.at_level(logging.WARNING, logger="search.indexing.segments"):
            if damage is None:
                patched.setattr(snippets, "stemmer", no_stemming)
            with news.searcher() as searcher:
                page = searcher.search(SearchRequest(q="export"))
                assert dict(searcher._gen.spelling.frequencies) == expected
        news.close()
        assert page.total == 5 and "<mark>exporters</mark>" in page.hits[0].snippet
        assert ("ignored and rebuilt" in caplog.text) == (damage is not None)


def commit_batch(directory: Path, records: list, mergetype) -> None:
    """Commit ``records`` as one new segment, merging as ``mergetype`` says."""
    from search.indexing.document import to_document
    from search.indexing.schema import make_schema

    if whoosh_index.exists_in(str(directory)):
        ix = whoosh_index.open_dir(str(directory))
    else:
        ix = whoosh_index.create_in(str(directory), make_schema())
    writer = ix.writer()
    for art, ents in records:
        writer.update_document(**to_document(art, ents))
    writer.commit(mergetype=mergetype)
    ix.close()


def merge_the_middle_two(writer, segments: list) -> list:
    """A merge policy that merges the second and third segments into the commit's new one."""
    from whoosh.reading import SegmentReader

    for segment in segments[1:3]:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segments[0], *segments[3:]]


def test_groups_are_carried_over_a_merge_and_a_restart(tmp_path, monkeypatch) -> None:
    """Grouping a million stories from scratch takes 8.6 s: after a commit that merged segments from the middle,
    and in a new process started after a commit, the groups are those of the last generation plus the new
    stories compared, the same as grouping from scratch."""
    from whoosh import writing

    from search.retrieve import groups as groups_module

    for first in range(0, 40, 10):  # four segments; "story" bodies repeat across them: groups span segments
        commit_batch(tmp_path, batch(first, 10), writing.NO_MERGE)
    news = open_index(tmp_path)
    with news.searcher():
        pass

    def no_grouping(*args, **kwargs):
        raise AssertionError("grouped from scratch")

    def scratch() -> dict:
        with whoosh_index.open_dir(str(tmp_path)).reader() as reader:
            return summary(build_generation(reader))

    commit_batch(tmp_path, batch(40, 5), merge_the_middle_two)
    assert len(whoosh_index.open_dir(str(tmp_path))._segments()) == 3
    with monkeypatch.context() as patched:
        patched.setattr(groups_module, "find_duplicates", no_grouping)
        with news.searcher() as searcher:
            carried = summary(searcher._gen)
    news.close()
    assert carried == scratch() and carried["groups"]
    commit_batch(tmp_path, batch(45, 5, prefix="late"), writing.NO_MERGE)  # a commit no process has searched
    with monkeypatch.context() as patched:
        patched.setattr(groups_module, "find_duplicates", no_grouping)
        restarted = open_index(tmp_path)
        with restarted.searcher() as searcher:
            after_restart = summary(searcher._gen)
        restarted.close()
    assert after_restart == scratch() and len(after_restart["ids"]) == 50
    from search.indexing.merging import TieredMerge
    from search.indexing.schema import ID_FIELD

    ix = whoosh_index.open_dir(str(tmp_path))
    writer = ix.writer()
    for n in range(45, 50):
        writer.delete_by_term(ID_FIELD, f"late-{n}")
    writer.commit(mergetype=TieredMerge())  # the late segment, wholly deleted, is dropped: 45 stories
    assert len(ix._segments()) == 3
    segments.keep_only(tmp_path / segments.FOLDER, {s.segment_id() for s in ix._segments()})  # as the indexer
    with monkeypatch.context() as patched:
        patched.setattr(groups_module, "find_duplicates", no_grouping)
        restarted = open_index(tmp_path)
        with restarted.searcher() as searcher:
            after_dropping = summary(searcher._gen)
            assert len(searcher._gen.duplicates.group) == searcher._gen.doc_count
        restarted.close()
    assert after_dropping == scratch() and len(after_dropping["ids"]) == 45


def test_the_indexer_cleans_up_while_a_searcher_renames_or_removes_folders(tmp_path, monkeypatch) -> None:
    """A searcher may rename its temporary folder into place, or remove a damaged one, while the indexer
    lists the folder: the indexer's clean-up must not fail on what vanished."""
    folder = tmp_path / segments.FOLDER
    for name in ("MAIN_kept", "MAIN_gone", "groups-old", "groups-new"):
        (folder / name).mkdir(parents=True)
    real_iterdir, real_glob = Path.iterdir, Path.glob
    vanished = [folder / ".tmp-groups-x-123", folder / "groups-vanished"]
    monkeypatch.setattr(Path, "iterdir", lambda self: iter([*real_iterdir(self), *vanished]))
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter([*real_glob(self, pattern), vanished[1]]))
    segments.keep_only(folder, {"MAIN_kept"})
    monkeypatch.undo()
    left = {path.name for path in folder.iterdir()}
    assert "MAIN_kept" in left and "MAIN_gone" not in left and len(left & {"groups-old", "groups-new"}) == 1
