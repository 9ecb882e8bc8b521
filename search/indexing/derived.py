"""What a generation derives from all its segments together, saved so that the next process on the same
generation loads it instead of computing it again: the near-duplicate groups (comparing every bucket of
SimHashes took 1.8 s at 20 copies of Reuters) and the vocabulary (:mod:`search.indexing.vocabulary`).

Saved as :mod:`search.indexing.segments` saves a segment's data (a temporary folder, a manifest with each
file's size and CRC-32, one rename), under a name that says which generation it belongs to; a damaged one
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

STRINGS = "strings.json"


def save_derived(folder: Path, name: str, arrays: dict[str, np.ndarray], strings: dict) -> None:
    """Save ``arrays`` (``<key>.npy``) and ``strings`` (JSON) as ``folder/name``, atomically; a folder that
    can't be written is only logged."""
    temporary = folder / f".tmp-{name}-{uuid.uuid4().hex}"
    try:
        temporary.mkdir(parents=True)
        files = {}
        for key, array in arrays.items():
            np.save(temporary / f"{key}.npy", np.ascontiguousarray(array), allow_pickle=False)
            files[f"{key}.npy"] = describe(temporary / f"{key}.npy")
        (temporary / STRINGS).write_text(json.dumps(strings, ensure_ascii=False), encoding="utf-8")
        files[STRINGS] = describe(temporary / STRINGS)
        sizes = {key: len(array) for key, array in arrays.items()}
        manifest = {"format": FORMAT, "sizes": sizes, "files": files}
        (temporary / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        os.rename(temporary, folder / name)
    except OSError as exc:
        if not (folder / name).is_dir():  # another process saving the same thing wins the rename: not an error
            logger.warning("can't save %s: %s", name, exc)
        shutil.rmtree(temporary, ignore_errors=True)


def load_derived(folder: Path, name: str, arrays: set[str]) -> tuple[dict[str, np.ndarray], dict] | None:
    """The arrays (named ``arrays``, each saved as ``<name>.npy``) and the strings saved as ``name`` when
    intact; None otherwise (a damaged one is removed)."""
    path = folder / name
    if not path.is_dir():
        return None
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("another format")
        files, sizes = manifest["files"], manifest["sizes"]
        if set(sizes) != arrays or set(files) != {f"{key}.npy" for key in arrays} | {STRINGS}:
            raise ValueError(f"files {sorted(files)}")  # never a name from the manifest: only the expected ones
        for file_name, described in files.items():
            if describe(path / file_name) != described:
                raise ValueError(f"{file_name} does not match its manifest")
        loaded = {key: np.load(path / f"{key}.npy", allow_pickle=False) for key in arrays}
        if any(len(loaded[key]) != sizes[key] for key in arrays):
            raise ValueError("an array of another size")
        strings = json.loads((path / STRINGS).read_text(encoding="utf-8"))
        if not isinstance(strings, dict):
            raise ValueError("strings are not an object")
        return loaded, strings
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        discard(path, f"{type(exc).__name__}: {exc}")
        return None
