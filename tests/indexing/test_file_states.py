"""Incremental runs read only the files that changed since the last run, and lose nothing by it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.entities import EntityExtractor
from search.indexing import file_states, indexer
from search.indexing.file_states import FILE, RACY_SECONDS, file_state
from search.indexing.indexer import build_index

from support import stored_documents


def story(i: int, text: str = "Grain exports rose") -> str:
    return json.dumps({"id": f"s{i}", "title": f"Story {i}", "body": f"{text} {i} pct, the ministry said."})


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setattr(file_states, "RACY_SECONDS", 0)  # files written just now may be recorded
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.jsonl").write_text("\n".join(story(i) for i in range(3)) + "\n", encoding="utf-8")
    (root / "b.jsonl").write_text("\n".join(story(i) for i in range(3, 5)) + "\n", encoding="utf-8")
    (root / "c.jsonl").write_text(story(5) + "\n{broken\n", encoding="utf-8")  # a problem, reported every run
    return root


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the files the indexer reads."""
    names: list[str] = []
    real = indexer.read_file

    def counting(path, root):
        names.append(Path(path).name)
        return real(path, root)

    monkeypatch.setattr(indexer, "read_file", counting)
    return names


def test_unchanged_files_are_not_read_again(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    first = build_index([corpus], tmp_path / "ix", workers=1)
    assert sorted(reads) == ["a.jsonl", "b.jsonl", "c.jsonl"] and first.added == 6
    reads.clear()
    generation = whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation()
    again = build_index([corpus], tmp_path / "ix", workers=1)
    assert reads == []
    assert (again.read, again.unchanged, again.added, again.removed, again.files_not_reread) == (6, 6, 0, 0, 3)
    assert again.failed == first.failed and "c.jsonl" in again.failed[0][0], "the broken line is reported again"
    assert whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation() == generation, "nothing committed"


def test_a_changed_or_touched_file_is_read(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    with (corpus / "a.jsonl").open("a", encoding="utf-8") as out:
        out.write(story(9) + "\n")
    stat = os.stat(corpus / "b.jsonl")
    os.utime(corpus / "b.jsonl", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # same bytes, new time
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert sorted(reads) == ["a.jsonl", "b.jsonl"]
    assert (report.added, report.unchanged, report.files_not_reread) == (1, 6, 1)
    reads.clear()
    build_index([corpus], tmp_path / "ix", workers=1)
    assert reads == [], "both are recorded again"


def test_a_deleted_file_loses_its_stories_and_a_new_one_is_read(corpus: Path, tmp_path: Path, reads) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    (corpus / "b.jsonl").unlink()
    (corpus / "d.jsonl").write_text(story(7) + "\n", encoding="utf-8")
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert sorted(reads) == ["d.jsonl"]
    assert (report.added, report.removed, report.unchanged) == (1, 2, 4)
    assert set(stored_documents(tmp_path / "ix")) == {"s0", "s1", "s2", "s5", "s7"}


def test_a_story_that_failed_has_its_file_read_again(corpus: Path, tmp_path: Path, reads, monkeypatch) -> None:
    real = EntityExtractor.extract

    def failing(self, article):
        if article.id == "s4":
            raise RuntimeError("boom")
        return real(self, article)

    monkeypatch.setattr(EntityExtractor, "extract", failing)
    build_index([corpus], tmp_path / "ix", workers=1)
    monkeypatch.setattr(EntityExtractor, "extract", real)
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert sorted(reads) == ["b.jsonl"] and report.added == 1
    assert "s4" in stored_documents(tmp_path / "ix")


def test_a_rebuild_reads_every_file(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1, rebuild=True)
    assert sorted(reads) == ["a.jsonl", "b.jsonl", "c.jsonl"] and report.added == 6


def test_damaged_records_mean_reading_everything(corpus: Path, tmp_path: Path, reads, caplog) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    (tmp_path / "ix" / FILE).write_text("{torn", encoding="utf-8")
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert sorted(reads) == ["a.jsonl", "b.jsonl", "c.jsonl"] and report.unchanged == 6
    assert "files.json ignored" in caplog.text
    reads.clear()
    build_index([corpus], tmp_path / "ix", workers=1)
    assert reads == [], "and the records are written again"


def test_records_of_other_roots_are_kept(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "e.jsonl").write_text(story(8) + "\n", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1)
    build_index([other], tmp_path / "ix", workers=1)
    reads.clear()
    build_index([corpus], tmp_path / "ix", workers=1)
    build_index([other], tmp_path / "ix", workers=1)
    assert reads == []


def test_a_file_just_written_is_not_trusted(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.jsonl"
    fresh.write_text(story(1), encoding="utf-8")
    assert RACY_SECONDS > 0
    assert file_state(fresh, tmp_path) is None, "a write in the same clock tick would not change its times"
    assert file_state(tmp_path / "missing.jsonl", tmp_path) is None


def test_records_of_another_index_generation_are_not_trusted(corpus: Path, tmp_path: Path, reads) -> None:
    """An index started over beside an old files.json (or a run that crashed after a checkpoint commit) must
    not skip files: their stories would never be indexed."""
    import shutil

    build_index([corpus], tmp_path / "ix", workers=1)
    records = (tmp_path / "ix" / FILE).read_text(encoding="utf-8")
    shutil.rmtree(tmp_path / "ix")
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / FILE).write_text(records, encoding="utf-8")
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert sorted(reads) == ["a.jsonl", "b.jsonl", "c.jsonl"] and report.added == 6
    assert len(stored_documents(tmp_path / "ix")) == 6


def test_a_later_copy_of_an_id_has_its_file_read_again(corpus: Path, tmp_path: Path, reads) -> None:
    (corpus / "d.jsonl").write_text(story(0, "Another text for the same id") + "\n", encoding="utf-8")
    first = build_index([corpus], tmp_path / "ix", workers=1)
    assert any("duplicate article id s0" in reason for _, reason in first.failed)
    reads.clear()
    again = build_index([corpus], tmp_path / "ix", workers=1)
    assert reads == ["d.jsonl"] and any("duplicate article id s0" in reason for _, reason in again.failed)


def test_a_file_that_gave_nothing_is_read_again(corpus: Path, tmp_path: Path, reads) -> None:
    (corpus / "e.jsonl").write_text("{broken\n", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1)
    reads.clear()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert reads == ["e.jsonl"] and any("e.jsonl" in path for path, _ in report.failed)
