"""The multi-process writer: the same documents as one writer, and no sub-writer left behind."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from search.indexing import schema
from search.indexing.opening import open_for_writing
from search.indexing.writing import ParallelWriter

from support import stored_documents


def documents(count: int) -> list[dict]:
    return [
        {schema.ID_FIELD: f"doc-{n}", schema.TITLE: f"Story {n}", schema.BODY: f"Ministers met in Vienna on day {n}."}
        for n in range(count)
    ]


def new_index(path: Path):
    path.mkdir()
    return open_for_writing(path, rebuild=True)


def test_documents_written_by_two_processes_are_all_there_once(tmp_path: Path) -> None:
    ix = new_index(tmp_path / "ix")
    writer = ParallelWriter(ix, procs=2, limitmb=32)
    for doc in documents(300):
        writer.add_document(**doc)
    writer.commit()
    assert len(writer.tasks) == 2 and not any(task.is_alive() for task in writer.tasks)
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    assert len(ix._segments()) == 2  # one per sub-writer, nothing merged on the way
    docs = stored_documents(tmp_path / "ix")
    assert sorted(docs) == sorted(f"doc-{n}" for n in range(300))
    with ix.searcher() as searcher:
        assert searcher.document_number(**{schema.ID_FIELD: "doc-299"}) is not None


def test_cancel_stops_the_sub_writers_and_releases_the_index(tmp_path: Path) -> None:
    ix = new_index(tmp_path / "ix")
    writer = ParallelWriter(ix, procs=2, limitmb=32)
    for doc in documents(300):
        writer.add_document(**doc)
    assert writer.tasks
    writer.cancel()
    assert not any(task.is_alive() for task in writer.tasks)
    again = ix.writer()  # the lock is free
    again.add_document(**documents(1)[0])
    again.commit()
    assert list(stored_documents(tmp_path / "ix")) == ["doc-0"]
