"""How Whoosh's segment files are read: in place, from the memory map, never copied.

Whoosh 2.7 keeps each segment in one compound file that it memory-maps, then wraps every part it opens
(term table, postings, stored fields, lengths...) in a ``BufferFile`` whose ``io.BytesIO(buffer)`` copies
the part into the process's heap. Every searcher's readers therefore held a private copy of most of the
index: 2.7 GB per gunicorn worker at 20 copies of Reuters (431,540 stories), and 10-15 ms per segment to
open. ``read_in_place`` gives ``BufferFile`` a read-only file over the map instead: the pages stay in the
page cache, shared by every process, and the same searches ran within 6 % of the time (measured with
``bench/scale.py`` at 20x: a worker's resident memory 2,750 -> 420 MiB, warm p50 9.3 -> 9.8 ms).

Applied when :mod:`search.indexing.schema` is imported, which everything that opens an index does;
``tests/indexing/test_storage.py`` fails if a Whoosh upgrade changes what is replaced.
"""

from __future__ import annotations

import io

from whoosh.filedb import structfile


class MemoryFile(io.RawIOBase):
    """A read-only, seekable file over a buffer (a memoryview of the map), without copying it."""

    def __init__(self, buffer) -> None:
        super().__init__()
        self._buffer = buffer
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._buffer) if size is None or size < 0 else min(self._position + size, len(self._buffer))
        start, self._position = self._position, max(self._position, end)
        return bytes(self._buffer[start:end])

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._buffer)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._buffer = b""  # let go of the map, so Whoosh can close it
        super().close()


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    """``BufferFile.__init__`` as in Whoosh 2.7, with ``MemoryFile`` where it had ``BytesIO``."""
    self._buf = buf
    self._name = name
    self.file = MemoryFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def read_in_place() -> None:
    """Make Whoosh read the parts of its compound files from the memory map (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
