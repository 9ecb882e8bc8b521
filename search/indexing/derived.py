"""Arrays a generation derives from all its segments together (the near-duplicate groups), saved so that
the next process on the same generation loads them instead of computing them again: comparing every bucket
of SimHashes took 1.8 s at 20 copies of Reuters, the rest of a restart 0.6 s.

Saved as :mod:`search.indexing.segments` saves a segment's data (a temporary folder, a manifest with the
file's size and CRC-32, one rename), under a name that says which generation they belong to; a damaged one
is removed and computed again. The indexer's next commit removes them with the other folders that name no
segment of the index.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

from search.indexing.segments import FORMAT, MANIFEST, describe, discard

logger = logging.getLogger(__name__)


def save_array(folder: Path, name: str, array: np.ndarray) -> None:
    """Save one array a generation derived (``name.npy``, its size and CRC-32 in ``name.json`` written
    after it), atomically; a folder that can't be written is only logged. The indexer removes such files
    at its next commit (they name no segment)."""
    temporary = folder / f".tmp-{name}-{uuid.uuid4().hex}"
    try:
        temporary.mkdir(parents=True)
        np.save(temporary / "array.npy", np.ascontiguousarray(array), allow_pickle=False)
        manifest = {"format": FORMAT, "size": len(array), "file": describe(temporary / "array.npy")}
        (temporary / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        os.rename(temporary, folder / name)
    except OSError as exc:
        if not (folder / name).is_dir():
            logger.warning("can't save %s: %s", name, exc)
        shutil.rmtree(temporary, ignore_errors=True)


def load_array(folder: Path, name: str, size: int) -> np.ndarray | None:
    """The array saved as ``name`` when intact and of ``size`` entries; None otherwise (a damaged one is
    removed)."""
    path = folder / name
    if not path.is_dir():
        return None
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("size") != size:
            raise ValueError("another format or size")
        if describe(path / "array.npy") != manifest["file"]:
            raise ValueError("the array does not match its manifest")
        array = np.load(path / "array.npy", allow_pickle=False)
        if len(array) != size:
            raise ValueError(f"{len(array)} entries for {size}")
        return array
    except (OSError, ValueError, KeyError, TypeError) as exc:
        discard(path, f"{type(exc).__name__}: {exc}")
        return None
