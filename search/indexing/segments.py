"""Per-segment document data: what searches need from every stored document, read once per Whoosh segment.

A Whoosh segment never changes once written (its deletions live in the table of contents), so what a
generation needs from each document (its id, date, SimHash, facet values, field lengths and the segment's
spelling counts) is read once per segment, when the indexer commits it or when a reader first meets it, and
saved in the index folder as ``segment-cache/<segment id>/``: numpy files every process maps into memory,
so gunicorn workers share one copy through the page cache and a commit costs only the segments it wrote.

Crash safety: a segment's files are written into a temporary folder, listed with their sizes and CRC-32s in
``manifest.json`` (written last) and renamed into place. A folder whose manifest is missing, unreadable or
disagrees with a file is deleted and computed again from the segment: never trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from search.facets import FACETS
from search.indexing import schema
from search.indexing.document import spelling_words, split_values

logger = logging.getLogger(__name__)

FOLDER = "segment-cache"
FORMAT = 2  # bump when what is saved changes: older folders are then computed again
MANIFEST = "manifest.json"
ABANDONED_AFTER = 600  # seconds: an older temporary folder is left from a crash
STRINGS = "strings.json"
NO_DATE = 0  # day number of documents without a date (real dates are date.toordinal() >= 1)
MIN_WORDS = 40  # a shorter body has too few shingles for its SimHash to be compared (near-duplicates)
LENGTH_FIELDS = (schema.TITLE, schema.BODY)  # the fields BM25F scores, whose per-document lengths it needs


@dataclass(frozen=True)
class SegmentFacet:
    """One facet's (document, value) entries of a segment; ``val`` indexes ``values``, the segment's own."""

    doc: np.ndarray  # int32, document number within the segment
    val: np.ndarray  # int32
    about: np.ndarray  # bool: the story is about the value
    values: list[str]  # distinct values, matched case-insensitively (the first spelling met is kept)


@dataclass(frozen=True)
class SegmentData:
    """What one segment's documents hold, by document number within the segment (deleted ones included)."""

    segment_id: str
    size: int
    days: np.ndarray  # int64 day ordinal, NO_DATE when undated
    stamps: np.ndarray  # int64 seconds since 1970
    hashes: np.ndarray  # uint64 SimHash of the body
    long_enough: np.ndarray  # bool: body long enough for SimHash comparison
    exact: np.ndarray  # uint64 digest of title and body (0: empty body, never grouped as identical)
    id_blob: np.ndarray  # uint8: every id, UTF-8, one after the other
    id_ends: np.ndarray  # int64: where each id ends in id_blob
    lengths: dict[str, np.ndarray]  # float32 per-document length of each LENGTH_FIELDS field
    facets: dict[str, SegmentFacet]
    words: list[str]  # the spelling words of the segment
    word_counts: np.ndarray  # int64: how many of its documents hold each word

    def doc_id(self, docnum: int) -> str:
        start = int(self.id_ends[docnum - 1]) if docnum else 0
        return bytes(self.id_blob[start : int(self.id_ends[docnum])]).decode("utf-8")


def segment_data(folder: Path | None, leaf) -> SegmentData:
    """The data of the segment ``leaf`` reads: loaded from ``folder`` when saved there intact, otherwise
    computed (and saved, when ``folder`` is given and writable)."""
    segment_id = leaf.segment().segment_id()
    size = leaf.doc_count_all()
    if folder is not None:
        loaded = load(folder / segment_id, segment_id, size)
        if loaded is not None:
            return loaded
    data = compute(leaf, segment_id)
    if folder is not None:
        save(data, folder)
    return data


def compute(leaf, segment_id: str) -> SegmentData:
    """Read every document of one segment (deleted ones too: deletions change, the segment does not)."""
    size = leaf.doc_count_all()
    days = np.full(size, NO_DATE, dtype=np.int64)
    stamps = np.zeros(size, dtype=np.int64)
    hashes = np.zeros(size, dtype=np.uint64)
    long_enough = np.zeros(size, dtype=bool)
    exact = np.zeros(size, dtype=np.uint64)
    ids: list[bytes] = []
    facets = {facet.name: _FacetBuilder() for facet in FACETS}
    words: Counter[str] = Counter()
    for docnum in range(size):
        stored = leaf.stored_fields(docnum)
        ids.append(str(stored.get(schema.ID_FIELD, "")).encode("utf-8"))
        moment = stored.get(schema.DATE)
        if isinstance(moment, datetime):
            days[docnum] = moment.toordinal()
            stamps[docnum] = int(moment.replace(tzinfo=timezone.utc).timestamp())
        body = stored.get(schema.BODY) or ""
        hashes[docnum] = int(stored.get(schema.SIMHASH) or 0)
        long_enough[docnum] = len(body.split()) >= MIN_WORDS
        title = stored.get(schema.TITLE) or ""
        exact[docnum] = content_digest(title, body)
        words.update(spelling_words(title, body))
        for facet in FACETS:
            named, about = split_values(stored.get(facet.field)), split_values(stored.get(facet.about_field))
            facets[facet.name].add(docnum, named, about)
    return SegmentData(
        segment_id=segment_id,
        size=size,
        days=days,
        stamps=stamps,
        hashes=hashes,
        long_enough=long_enough,
        exact=exact,
        id_blob=np.frombuffer(b"".join(ids), dtype=np.uint8),
        id_ends=np.cumsum([len(i) for i in ids], dtype=np.int64),
        lengths={field: _field_lengths(leaf, field, size) for field in LENGTH_FIELDS},
        facets={name: builder.build() for name, builder in facets.items()},
        words=list(words),
        word_counts=np.fromiter(words.values(), dtype=np.int64, count=len(words)),
    )


class _FacetBuilder:
    def __init__(self) -> None:
        self.values: list[str] = []
        self._ids: dict[str, int] = {}
        self.docs: list[int] = []
        self.vals: list[int] = []
        self.about: list[bool] = []

    def add(self, docnum: int, named: tuple[str, ...], about: tuple[str, ...]) -> None:
        subjects = {value.lower() for value in about}
        for value in dict.fromkeys((*named, *about)):
            key = value.lower()
            vid = self._ids.get(key)
            if vid is None:
                vid = self._ids[key] = len(self.values)
                self.values.append(value)
            self.docs.append(docnum)
            self.vals.append(vid)
            self.about.append(key in subjects)

    def build(self) -> SegmentFacet:
        return SegmentFacet(
            doc=np.asarray(self.docs, dtype=np.int32),
            val=np.asarray(self.vals, dtype=np.int32),
            about=np.asarray(self.about, dtype=bool),
            values=self.values,
        )


def content_digest(title: str, body: str) -> int:
    """A 64-bit digest equal for stories with the same words in title and body; 0 for an empty body (never
    grouped as identical)."""
    if not body.strip():
        return 0
    key = " ".join(title.lower().split()) + "\x00" + " ".join(body.split())
    digest = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")
    return digest or 1


def _field_lengths(leaf, field: str, size: int) -> np.ndarray:
    lengths = np.zeros(size, dtype=np.float32)
    if field in leaf.schema:
        for docnum in range(size):
            lengths[docnum] = leaf.doc_field_length(docnum, field) or 0
    return lengths


def _arrays(data: SegmentData) -> dict[str, np.ndarray]:
    arrays = {
        "days": data.days,
        "stamps": data.stamps,
        "hashes": data.hashes,
        "long_enough": data.long_enough,
        "exact": data.exact,
        "id_blob": data.id_blob,
        "id_ends": data.id_ends,
        "word_counts": data.word_counts,
    }
    arrays.update({f"length.{field}": lengths for field, lengths in data.lengths.items()})
    for name, facet in data.facets.items():
        arrays.update({f"facet.{name}.doc": facet.doc, f"facet.{name}.val": facet.val})
        arrays[f"facet.{name}.about"] = facet.about
    return arrays


EXPECTED_FILES = {
    *(f"{name}.npy" for name in ("days", "stamps", "hashes", "long_enough", "exact", "id_blob", "id_ends")),
    "word_counts.npy",
    *(f"length.{field}.npy" for field in LENGTH_FIELDS),
    *(f"facet.{facet.name}.{part}.npy" for facet in FACETS for part in ("doc", "val", "about")),
    STRINGS,
}


def save(data: SegmentData, folder: Path) -> None:
    """Write ``data`` under ``folder`` atomically; a folder that can't be written is only logged."""
    final = folder / data.segment_id
    temporary = folder / f".tmp-{data.segment_id}-{uuid.uuid4().hex}"
    try:
        temporary.mkdir(parents=True)
        files = {}
        for name, array in _arrays(data).items():
            np.save(temporary / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            files[f"{name}.npy"] = describe(temporary / f"{name}.npy")
        strings = {"words": data.words, "facets": {name: facet.values for name, facet in data.facets.items()}}
        (temporary / STRINGS).write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
        files[STRINGS] = describe(temporary / STRINGS)
        manifest = {"format": FORMAT, "segment": data.segment_id, "size": data.size, "files": files}
        (temporary / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        os.rename(temporary, final)
    except OSError as exc:
        if not final.is_dir():  # another process saving the same segment wins the rename: not an error
            logger.warning("can't save the search cache of segment %s: %s", data.segment_id, exc)
        shutil.rmtree(temporary, ignore_errors=True)


def load(path: Path, segment_id: str, size: int) -> SegmentData | None:
    """The data saved at ``path``; None (and the folder removed) when it is missing, torn or not this
    segment's."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if path.exists():
            discard(path, "no manifest")
        return None
    except (OSError, ValueError) as exc:
        discard(path, f"unreadable manifest ({exc})")
        return None
    if not isinstance(manifest, dict) or (manifest.get("format"), manifest.get("segment"), manifest.get("size")) != (
        FORMAT,
        segment_id,
        size,
    ):
        discard(path, "another format or segment")
        return None
    try:
        files = manifest["files"]
        if set(files) != EXPECTED_FILES:  # never a name from the manifest outside this folder's own files
            raise ValueError(f"files {sorted(files)}")
        for name, described in files.items():
            if describe(path / name) != described:
                discard(path, f"{name} does not match its manifest")
                return None
        return _read(path, manifest, files)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        discard(path, f"{type(exc).__name__}: {exc}")
        return None


def _read(path: Path, manifest: dict, files: dict) -> SegmentData:
    arrays = {name[: -len(".npy")]: np.load(path / name, mmap_mode="r") for name in files if name.endswith(".npy")}
    strings = json.loads((path / STRINGS).read_text(encoding="utf-8"))
    size = manifest["size"]
    for name in ("days", "stamps", "hashes", "long_enough", "exact", "id_ends"):
        if len(arrays[name]) != size:
            raise ValueError(f"{name} has {len(arrays[name])} entries for {size} documents")
    facets = {
        facet.name: SegmentFacet(
            doc=arrays[f"facet.{facet.name}.doc"],
            val=arrays[f"facet.{facet.name}.val"],
            about=arrays[f"facet.{facet.name}.about"],
            values=strings["facets"][facet.name],
        )
        for facet in FACETS
    }
    return SegmentData(
        segment_id=manifest["segment"],
        size=size,
        days=arrays["days"],
        stamps=arrays["stamps"],
        hashes=arrays["hashes"],
        long_enough=arrays["long_enough"],
        exact=arrays["exact"],
        id_blob=arrays["id_blob"],
        id_ends=arrays["id_ends"],
        lengths={field: arrays[f"length.{field}"] for field in LENGTH_FIELDS},
        facets=facets,
        words=strings["words"],
        word_counts=arrays["word_counts"],
    )


def describe(file: Path) -> list[int]:
    """[size in bytes, CRC-32] of a file."""
    crc = 0
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return [file.stat().st_size, crc]


def discard(path: Path, why: str) -> None:
    logger.warning("search cache of segment %s ignored and rebuilt: %s", path.name, why)
    shutil.rmtree(path, ignore_errors=True)


def save_missing(folder: Path, reader) -> None:
    """Save the data of every segment ``reader`` reads that has none saved, and remove the data of the
    others: the indexer calls this after each commit, so no searcher pays for reading the stored fields."""
    segment_ids = set()
    for leaf, _ in reader.leaf_readers():
        if not leaf.doc_count_all():  # the reader of an empty index
            continue
        segment_id = leaf.segment().segment_id()
        segment_ids.add(segment_id)
        if not (folder / segment_id / MANIFEST).is_file():
            save(compute(leaf, segment_id), folder)
    keep_only(folder, segment_ids)


def keep_only(folder: Path, segment_ids: set[str]) -> None:
    """Remove the saved data of segments no longer in the index (merged away or replaced by a rebuild).

    Only the indexer calls this, holding the index's write lock; a process still reading an older
    generation keeps its mapped files (removing an open file on POSIX leaves it readable)."""
    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.iterdir():
        being_saved = path.name.startswith(".tmp-") and now - path.stat().st_mtime < ABANDONED_AFTER
        if path.name not in segment_ids and not being_saved:
            shutil.rmtree(path, ignore_errors=True)
