"""Opening an index for writing: created when there is none, refused when it is damaged or an older
news-search built it (both readable again with ``--rebuild``), and brought up to today's schema; and the
indexer's own lock, which keeps a second indexer out for a whole run.

Kept apart from the indexer: what an index must have is the schema's business, how documents get into it
the indexer's.
"""

from __future__ import annotations

import logging
from pathlib import Path

import filelock
from whoosh import index as whoosh_index

from search.errors import TOC_ERRORS, IndexDamaged, IndexLocked, IndexOutdated
from search.indexing import schema

logger = logging.getLogger(__name__)

LOCK_FILE = "indexer.lock"


def open_for_writing(index_path: Path, rebuild: bool):
    """The index in ``index_path``, created when there is none. One whose table of contents can't be read
    is IndexDamaged, and one an older news-search built is IndexOutdated, unless this is a rebuild: then a
    damaged one is started over and an outdated one gets the missing fields (the rebuild replaces every
    document in one commit, so searches see the old index until then)."""
    try:
        ix = whoosh_index.open_dir(str(index_path))
    except whoosh_index.EmptyIndexError:
        return whoosh_index.create_in(str(index_path), schema.make_schema())
    except TOC_ERRORS as exc:
        if not rebuild:
            raise IndexDamaged() from exc
        logger.warning("the index in %s can't be read (%s: %s); starting it over", index_path, type(exc).__name__, exc)
        return whoosh_index.create_in(str(index_path), schema.make_schema())
    if not schema.is_current(ix.schema):
        if not rebuild:
            ix.close()
            raise IndexOutdated()
        _add_missing_fields(ix)
    elif rebuild and any(name not in schema.make_schema() for name in ix.schema.names()):
        _add_missing_fields(ix)  # a field today's schema no longer has (the old "spell") goes
    elif any(name not in ix.schema for name in schema.make_schema().names()):
        _add_missing_fields(ix)  # only stored fields added since (byline, codes) can be missing: nothing to redo
    return ix


def _add_missing_fields(ix) -> None:
    """Give an older index the fields of today's schema (committed at once, with no document changed): the
    missing ones, and today's title and body where they were analysed otherwise (all stemmed as English);
    fields today's schema has retired are removed."""
    current = schema.make_schema()
    writer = ix.writer()
    for name in ix.schema.names():
        if name not in current:
            writer.remove_field(name)  # retired: nothing reads it any more
    for name in current.names():
        if name in ix.schema and type(_analyzer(ix.schema[name])) is not type(_analyzer(current[name])):
            writer.remove_field(name)  # its postings go as the rebuild replaces every document
        if name not in writer.schema:
            writer.add_field(name, current[name])
    writer.commit()


def _analyzer(field) -> object:
    return getattr(field, "analyzer", None)


class IndexerLock:
    """The indexer's own lock, held for the whole run (Whoosh's lock only covers a writer)."""

    def __init__(self, index_path: Path, wait: float) -> None:
        self._path = index_path
        self._lock = filelock.FileLock(str(index_path / LOCK_FILE), timeout=wait)

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise IndexLocked(
                f"Another `news-search index` is writing to {self._path}. Wait for it to finish, "
                "or run again with --wait SECONDS to queue behind it."
            ) from None

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
