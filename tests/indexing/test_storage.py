"""Whoosh's compound segment files are read from the memory map in place, not copied into each reader."""

from __future__ import annotations

import inspect
import io
import tracemalloc

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb import structfile

from search.indexing import schema, storage
from search.models import SearchRequest
from search.retrieve.index import open_index

from support import article, write_articles

DATA = bytes(range(256)) * 40 + b"first line\nsecond line\nlast"


def test_whoosh_still_has_the_buffer_file_this_replaces() -> None:
    """An upgrade that changes ``BufferFile`` must be looked at: the replacement copies its attributes."""
    assert schema.storage is storage  # importing the schema applies it
    assert structfile.BufferFile.__init__ is storage._buffer_file_init
    assert list(inspect.signature(storage._buffer_file_init).parameters) == ["self", "buf", "name", "onclose"]
    assert {"get", "get_array", "subset"} <= set(vars(structfile.BufferFile))


@pytest.mark.parametrize(
    "steps",
    [
        [("read", 10), ("read", 0), ("tell",), ("seek", 5), ("read", 3), ("seek", -4, io.SEEK_END), ("read", -1)],
        [("seek", 100, io.SEEK_SET), ("seek", 7, io.SEEK_CUR), ("read", 20), ("tell",), ("read", None)],
        [("seek", 20000), ("read", 5), ("tell",), ("readline",), ("seek", 10240), ("readline",), ("readline",)],
    ],
)
def test_memory_file_reads_as_bytesio_does(steps) -> None:
    ours, reference = storage.MemoryFile(memoryview(DATA)), io.BytesIO(DATA)
    for name, *args in steps:
        assert getattr(ours, name)(*args) == getattr(reference, name)(*args), (name, args)
    ours.seek(10240)
    reference.seek(10240)
    assert list(ours) == list(reference)


def test_opening_a_reader_does_not_copy_the_segment(tmp_path) -> None:
    bodies = [" ".join(f"w{n}x{i}" for i in range(4000)) for n in range(60)]
    write_articles(
        tmp_path, [article(f"a{n}", f"Story {n}", f"{body} story{n}.") for n, body in enumerate(bodies)]
    ).close()
    size = sum(p.stat().st_size for p in tmp_path.glob("*.seg"))
    assert size > 1_000_000
    ix = whoosh_index.open_dir(str(tmp_path))
    tracemalloc.start()
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 60
        _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ix.close()
    assert peak < size / 4, (peak, size)
    index = open_index(tmp_path)
    with index.searcher() as searcher:
        assert searcher.search(SearchRequest(q="story7")).total == 1
        assert searcher.search(SearchRequest(q="w59x3999 OR w0x0")).total == 2
    index.close()
