"""The indexer's writing side: its one Whoosh writer with checkpoint commits, and the stories kept on disk.

``RunWriter`` opens the writer and the person registry on first use (a run that changes nothing commits
nothing), commits in checkpoints that space out as a run grows (:func:`checkpoint_due`) and saves each new
segment's data for searchers after every commit; its commits read the new segment's field lengths once
(:func:`_flush_segment`). ``HeldBack`` keeps the stories whose persons wait for the whole corpus (their
lone surnames and person-like names) in a temporary file instead of memory.
"""

from __future__ import annotations

import functools
import logging
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from whoosh import writing
from whoosh.index import LockError
from whoosh.reading import SegmentReader

from search.errors import IndexLocked
from search.indexing import segments
from search.indexing.merging import TieredMerge
from search.indexing.registry import PersonRegistry, load_registry, save_registry
from search.indexing.vocabulary import save_vocabulary, vocabulary_name
from search.models import Entities

logger = logging.getLogger(__name__)

WRITER_MEMORY_MB = 256
CHECKPOINT_EVERY = 6000  # documents per intermediate commit (not on --rebuild) ...
CHECKPOINT_GROWTH = 0.1  # ... or this share of what the run committed before, whichever is more


class RunWriter:
    """The run's one Whoosh writer and the person registry, both opened on first use: a run that finds
    nothing changed does not commit (a commit would start a new generation for every searcher).

    On a plain (not ``--rebuild``) run it commits every ``CHECKPOINT_EVERY`` documents: the commit then
    overlaps the workers' extraction instead of idling them at the end, a running server sees articles as
    they land, and a crash loses less. In a long run the checkpoints space out (:func:`checkpoint_due`):
    each one also saves the registry, whose size grows with the run, so evenly spaced checkpoints would
    cost the square of the corpus. A rebuild commits once, so nobody ever sees the old and the new index
    mixed."""

    def __init__(self, ix, index_path: Path, rebuild: bool) -> None:
        self._ix, self._index_path, self._rebuild = ix, index_path, rebuild
        self._writer = None
        self._registry: PersonRegistry | None = None
        self._used = rebuild  # a rebuild commits even an empty corpus: it empties the index
        self._pending = self._committed = 0

    @property
    def writer(self):
        if self._writer is None:
            try:
                writer = self._ix.writer(limitmb=WRITER_MEMORY_MB)
            except LockError:
                raise IndexLocked(f"The index at {self._index_path} is locked by another writer.") from None
            writer._flush_segment = functools.partial(_flush_segment, writer)
            self._writer = writer
            self._used = True
        return self._writer

    @property
    def registry(self) -> PersonRegistry:
        if self._registry is None:
            self._registry = PersonRegistry() if self._rebuild else load_registry(self._index_path)
        return self._registry

    def wrote(self) -> None:
        self._pending += 1
        if not self._rebuild and checkpoint_due(self._pending, self._committed):
            self.checkpoint()

    def checkpoint(self) -> None:
        """Commit what was written since the last commit, without merging (not on a rebuild: it commits once)."""
        if self._rebuild or not self._pending:
            return
        self._commit(writing.NO_MERGE, None)
        save_registry(self._index_path, self.registry)
        self._committed += self._pending
        self._pending = 0

    def commit(self) -> None:
        """Commit what the run wrote (with at most one bounded merge, ``merging``) and save the registry;
        nothing if it wrote nothing."""
        if self._used:
            policy = TieredMerge()
            self._commit(writing.CLEAR if self._rebuild else policy, policy)
        if self._registry is not None:
            save_registry(self._index_path, self._registry)

    def _commit(self, mergetype, merge: TieredMerge | None) -> None:
        """Commit, the data of every segment of the new generation saved before its table of contents makes it
        visible (:func:`_save_then_list`); then remove what only older generations used."""
        writer, folder, listed = self.writer, self._index_path / segments.FOLDER, list[str]()
        writer._commit_toc = functools.partial(_save_then_list, writer, folder, merge, writer._commit_toc, listed)
        writer.commit(mergetype=mergetype)
        self._writer = None
        segments.keep_only(folder, set(listed))

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.cancel()


def _save_then_list(
    writer: writing.SegmentWriter, folder: Path, merge: TieredMerge | None, commit_toc, listed: list[str], toc: list
) -> None:
    """Whoosh's ``_commit_toc``, after saving what searchers read of every segment the new table of contents
    lists (``segments``: the new segment's data, with where ``merge`` took its merged stories from) and the
    generation's vocabulary. A searcher that opens the generation finds them ready: saved after it, a searcher
    that came first read a merged segment's stored fields itself (5 s for 50,000 stories at a million) and,
    without the merge's origin, compared all its stories for near-duplicates again. ``listed`` receives the
    names of what the generation uses (its segments' ids, its vocabulary's name). Saving that fails (a full
    disk) is logged, not fatal: searchers compute what is missing."""
    leaves = [SegmentReader(writer.storage, writer.schema, segment) for segment in toc if segment.doc_count_all()]
    try:
        new = writer.newsegment.segment_id()
        origins = {}
        for leaf in leaves:
            if merge is not None and leaf.segment().segment_id() == new:
                origin = merge.origin(leaf.doc_count_all())
                origins = {new: origin} if origin is not None else {}
        segments.save_missing(folder, leaves, origins)
        save_vocabulary(folder, leaves)
    except OSError as exc:
        logger.warning("could not save the segment data for searchers (they compute it): %s", exc)
    finally:
        for leaf in leaves:
            leaf.close()
    commit_toc(toc)
    listed[:] = [segment.segment_id() for segment in toc]
    listed.append(vocabulary_name(leaf.segment().segment_id() for leaf in leaves))


def _flush_segment(writer: writing.SegmentWriter) -> None:
    """``SegmentWriter._flush_segment`` (whoosh-reloaded 2.7.5), with the new segment's field lengths read once
    per field and story instead of once per posting: Whoosh's lookup, through a column reader per call, was a
    fifth of writing the postings at a commit."""
    writer.perdocwriter.close()
    reader = writer.per_document_reader() if writer.codec.length_stats else None
    lengths = _Lengths(reader) if reader is not None else None
    writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if reader is not None:
        reader.close()


class _Lengths:
    """The ``doc_field_length`` of a per-document reader, each field's lengths read into a list on first use."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._by_field: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._by_field.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = [read(n, fieldname, default) for n in range(self._reader.doc_count_all())]
            self._by_field[fieldname] = lengths
        return lengths[docnum]


def checkpoint_due(pending: int, committed: int) -> bool:
    """Whether a run that has committed ``committed`` documents and holds ``pending`` more commits now: every
    ``CHECKPOINT_EVERY`` documents, then every ``CHECKPOINT_GROWTH`` of the run so far (about 50 checkpoints
    for a million stories instead of 180)."""
    return pending >= max(CHECKPOINT_EVERY, CHECKPOINT_GROWTH * committed)


class HeldBack:
    """The stories that name persons, kept until the whole corpus is read (their lone surnames and firm-like
    names are resolved against it, and a few written stories rewritten), in an unnamed temporary file beside
    the index instead of memory: at a million stories they are gigabytes. Give it an unnamed temporary file: it
    disappears with the process, crash included."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._count = 0

    def append(self, item: tuple[str, Entities, dict]) -> None:
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __iter__(self) -> Iterator[tuple[str, Entities, dict]]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)  # our own file, written by this process
