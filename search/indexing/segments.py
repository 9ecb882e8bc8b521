"""Per-segment document data (:mod:`search.indexing.segment_contents`), saved beside the index.

Read once per segment, when the indexer commits it or when a reader first meets it, and saved in the index
folder as ``segment-cache/<segment id>/``: numpy files every process maps into memory, so gunicorn workers
share one copy through the page cache and a commit costs only the segments it wrote.

Crash safety: a segment's files are written into a temporary folder, listed with their sizes and CRC-32s in
``manifest.json`` (written last) and renamed into place. A folder whose manifest is missing, unreadable or
disagrees with a file is deleted and computed again from the segment: never trusted.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from search.facets import FACETS
from search.indexing.segment_contents import LENGTH_FIELDS, SegmentData, SegmentFacet, SegmentOrigin, compute

logger = logging.getLogger(__name__)

FOLDER = "segment-cache"
FORMAT = 3  # bump when what is saved changes: older folders are then computed again
MANIFEST = "manifest.json"
ABANDONED_AFTER = 600  # seconds: an older temporary folder is left from a crash
STRINGS = "strings.json"
GROUPS = "groups-"  # the saved near-duplicate groups of a generation (search.retrieve.groups)


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


def _arrays(data: SegmentData) -> dict[str, np.ndarray]:
    arrays = {
        "days": data.days,
        "stamps": data.stamps,
        "hashes": data.hashes,
        "long_enough": data.long_enough,
        "exact": data.exact,
        "id_blob": data.id_blob,
        "id_ends": data.id_ends,
        "content_hashes": data.content_hashes,
        "path_ids": data.path_ids,
        "word_counts": data.word_counts,
    }
    arrays.update({f"length.{field}": lengths for field, lengths in data.lengths.items()})
    for name, facet in data.facets.items():
        arrays.update({f"facet.{name}.doc": facet.doc, f"facet.{name}.val": facet.val})
        arrays[f"facet.{name}.about"] = facet.about
    if data.origin is not None:
        arrays.update({"origin.source": data.origin.source, "origin.doc": data.origin.doc})
    return arrays


EXPECTED_FILES = {
    *(f"{name}.npy" for name in ("days", "stamps", "hashes", "long_enough", "exact", "id_blob", "id_ends")),
    "content_hashes.npy",
    "path_ids.npy",
    "word_counts.npy",
    *(f"length.{field}.npy" for field in LENGTH_FIELDS),
    *(f"facet.{facet.name}.{part}.npy" for facet in FACETS for part in ("doc", "val", "about")),
    STRINGS,
}
ORIGIN_FILES = {"origin.source.npy", "origin.doc.npy"}  # a merged segment's (SegmentOrigin), when recorded


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
        strings: dict[str, object] = {
            "words": data.words,
            "paths": data.paths,
            "facets": {name: facet.values for name, facet in data.facets.items()},
        }
        if data.origin is not None:
            strings["origin"] = [list(source) for source in data.origin.sources]
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
        # never a name from the manifest outside this folder's own files
        if set(files) not in (EXPECTED_FILES, EXPECTED_FILES | ORIGIN_FILES):
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
    for name in ("days", "stamps", "hashes", "long_enough", "exact", "id_ends", "content_hashes", "path_ids"):
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
        content_hashes=arrays["content_hashes"],
        path_ids=arrays["path_ids"],
        paths=strings["paths"],
        lengths={field: arrays[f"length.{field}"] for field in LENGTH_FIELDS},
        facets=facets,
        words=strings["words"],
        word_counts=arrays["word_counts"],
        origin=_origin(arrays, strings, size),
    )


def _origin(arrays: dict[str, np.ndarray], strings: dict, size: int) -> SegmentOrigin | None:
    if "origin.source" not in arrays:
        return None
    sources = tuple((str(segment_id), int(count)) for segment_id, count in strings["origin"])
    source, doc = arrays["origin.source"], arrays["origin.doc"]
    if len(source) != size or len(doc) != size:
        raise ValueError(f"the origin of {len(source)} documents does not match the segment's {size}")
    counts = np.array([count for _, count in sources] + [1], dtype=np.int64)  # index -1: the commit's own
    if ((source < -1) | (source >= len(sources))).any() or ((doc < 0) | (doc >= counts[source])).any():
        raise ValueError("the origin names documents its merged segments do not have")
    return SegmentOrigin(sources, source, doc)


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


def save_missing(folder: Path, leaves: Iterable, origins: dict[str, SegmentOrigin] | None = None) -> None:
    """Save the data of every segment of ``leaves`` (segment readers) that has none saved: the indexer calls
    this before each commit's table of contents lists the segments, so no searcher pays for reading the stored
    fields. ``origins``: where the stories of the segments the commit merged came from, by segment id."""
    for leaf in leaves:
        segment_id = leaf.segment().segment_id()
        if leaf.doc_count_all() and not (folder / segment_id / MANIFEST).is_file():
            origin = (origins or {}).get(segment_id)
            save(replace(compute(leaf, segment_id), origin=origin), folder)


def keep_only(folder: Path, names: set[str]) -> None:
    """Remove everything saved but ``names`` (the segments of the index and its generation's vocabulary): the
    data of segments merged away or replaced by a rebuild, and what older generations derived from them, but
    for the newest near-duplicate groups: a process that starts after this commit carries those over instead
    of grouping every story again.

    Only the indexer calls this, holding the index's write lock; a process still reading an older
    generation keeps its mapped files (removing an open file on POSIX leaves it readable)."""
    if not folder.is_dir():
        return
    now = time.time()
    groups = sorted(folder.glob(f"{GROUPS}*"), key=modified_time)
    keep = names | {path.name for path in groups[-1:]}
    for path in folder.iterdir():
        being_saved = path.name.startswith(".tmp-") and now - modified_time(path, now) < ABANDONED_AFTER
        if path.name not in keep and not being_saved:
            shutil.rmtree(path, ignore_errors=True)


def modified_time(path: Path, gone: float = 0.0) -> float:
    """When ``path`` was last modified; ``gone`` when a searcher renamed or removed it meanwhile."""
    try:
        return path.stat().st_mtime
    except OSError:
        return gone
