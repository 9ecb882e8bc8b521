"""``news-search corpus fetch reuters21578``: download Reuters-21578, unpack it safely, check every file.

The 22 ``reut2-*.sgm`` files are all the index needs, so only they are taken from the archive (its
README and category lists would otherwise be indexed as articles). Files are staged in a hidden
folder next to the destination, checked against the SHA-256 sums shipped in
``search/ingest/data/reuters21578.sha256`` and only then moved into place: a corrupt or partial download
never reaches the corpus folder. Failures raise ``CorpusError`` with a message for the user.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from search.errors import CorpusError

logger = logging.getLogger(__name__)

REUTERS_URL = "https://kdd.ics.uci.edu/databases/reuters21578/reuters21578.tar.gz"
FOLDER = "reuters21578"
SUMS_FILE = Path(__file__).resolve().parent / "data" / "reuters21578.sha256"
TIMEOUT_SECONDS = 60
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024  # the archive is about 8 MB
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # each .sgm is about 1.3 MB
_CHUNK = 1 << 16


@dataclass
class FetchReport:
    """What ``fetch_reuters`` did: where from, which files it wrote, verified or found already in place."""

    folder: Path
    origin: str = ""  # URL or local path the files came from; "" when nothing had to be fetched
    fetched: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already present with the right checksum
    removed: list[str] = field(default_factory=list)  # present but corrupt: deleted before fetching

    def __str__(self) -> str:
        if not self.fetched:
            return (
                f"Reuters-21578 is already in {self.folder}: {len(self.skipped)} files verified (SHA-256), "
                f"nothing to fetch."
            )
        removed = f" Replaced {len(self.removed)} corrupt file(s): {', '.join(self.removed)}." if self.removed else ""
        return (
            f"Fetched Reuters-21578 from {self.origin} into {self.folder}: {len(self.fetched)} files written, "
            f"{len(self.verified)} verified (SHA-256).{removed}"
        )


def load_sums() -> dict[str, str]:
    """``{file name: sha256 hex}`` from a ``sha256sum``-style file ("<hex>  <name>" per line)."""
    sums: dict[str, str] = {}
    for line in SUMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip().lstrip("*")] = digest.lower()
    return sums


def fetch_reuters(
    dest: Path,
    source: str | Path | None = None,
    url: str = REUTERS_URL,
    sums: dict[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> FetchReport:
    """Put the verified Reuters-21578 ``.sgm`` files in ``dest/reuters21578/``.

    :param source: a local copy instead of downloading: a folder holding the ``.sgm`` files (or a
        ``reuters21578`` folder), or the ``.tar.gz``.
    :param sums: expected SHA-256 per file name (default: the committed sums; tests pass a subset).
    """
    sums = load_sums() if sums is None else sums
    folder = Path(dest) / FOLDER
    report = FetchReport(folder=folder)
    bad = [name for name in sorted(sums) if not _matches(folder / name, sums[name])]
    if not bad:
        report.skipped = sorted(sums)
        return report
    report.removed = _remove_corrupt(folder, bad)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(f"Cannot create {folder}: {exc.strerror or exc}") from None
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=folder))  # hidden: never indexed
    try:
        report.origin = _stage(source, url, staging, set(sums), timeout)
        report.verified = verify(staging, sums)
        for name in sorted(sums):
            (staging / name).replace(folder / name)
        report.fetched = sorted(sums)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not report.fetched:
            _remove_empty(folder)
    logger.info("fetched %d Reuters-21578 files into %s", len(report.fetched), folder)
    return report


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # only succeeds when empty


def _remove_corrupt(folder: Path, names: list[str]) -> list[str]:
    """Delete files that are present but fail their checksum, so a bad copy never stays indexed."""
    removed = []
    for name in names:
        if (folder / name).is_file():
            logger.warning("removing %s: its SHA-256 does not match", folder / name)
            (folder / name).unlink()
            removed.append(name)
    return removed


def _stage(source: str | Path | None, url: str, staging: Path, wanted: set[str], timeout: float) -> str:
    """Put the wanted files into ``staging``; returns where they came from."""
    if source is None:
        archive = staging / "download.tar.gz"
        download(url, archive, timeout)
        extract(archive, staging, wanted)
        archive.unlink()
        return url
    source = Path(source)
    if source.is_dir():
        copy_folder(source, staging, wanted)
    elif source.is_file():
        extract(source, staging, wanted)
    else:
        raise CorpusError(f"No such file or folder: {source}")
    return str(source)


def download(url: str, target: Path, timeout: float = TIMEOUT_SECONDS) -> None:
    """Stream ``url`` into ``target``; any network failure is a ``CorpusError`` that says what to do."""
    hint = "Check the internet connection, or pass --from with a local copy (a folder or the .tar.gz)."
    logger.info("downloading %s", url)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:
            size = 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise CorpusError(
                        f"Download from {url} is larger than {MAX_DOWNLOAD_BYTES // 2**20} MB; "
                        f"stopped (is the URL right?)."
                    )
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise CorpusError(f"Could not download {url}: HTTP {exc.code} {exc.reason}. {hint}") from None
    except urllib.error.URLError as exc:
        raise CorpusError(f"Could not download {url}: {exc.reason}. {hint}") from None
    except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, truncated responses
        raise CorpusError(f"Could not download {url}: {exc or type(exc).__name__}. {hint}") from None
    except ValueError as exc:  # urllib's "unknown url type"
        raise CorpusError(f"Could not download {url!r}: {exc}.") from None


def extract(archive: Path, staging: Path, wanted: set[str]) -> None:
    """Copy the wanted files out of a ``.tar.gz``, refusing absolute paths, ``..``, links and huge members."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                name = PurePosixPath(member.name).name
                if name not in wanted:
                    continue
                _check_member(member, archive)
                source = tar.extractfile(member)
                if source is None:
                    raise CorpusError(f"Archive {archive.name}: cannot read {member.name!r}")
                with source, open(staging / name, "wb") as out:
                    shutil.copyfileobj(source, out, _CHUNK)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise CorpusError(f"Could not unpack {archive}: not a readable .tar.gz archive ({exc}).") from None


def _check_member(member: tarfile.TarInfo, archive: Path) -> None:
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or member.name.startswith(("/", "\\")) or "\\" in member.name:
        raise CorpusError(f"Archive {archive.name}: refusing unsafe path {member.name!r}.")
    if not member.isfile():
        raise CorpusError(f"Archive {archive.name}: refusing {member.name!r}, which is a link or special file.")
    if member.size > MAX_MEMBER_BYTES:
        raise CorpusError(f"Archive {archive.name}: {member.name!r} is {member.size} bytes, too large to be right.")


def copy_folder(source: Path, staging: Path, wanted: set[str]) -> None:
    """Copy the wanted files from a local folder (or its ``reuters21578`` subfolder)."""
    if not any((source / name).is_file() for name in wanted) and (source / FOLDER).is_dir():
        source = source / FOLDER
    for name in sorted(wanted):
        if (source / name).is_file():
            try:
                shutil.copyfile(source / name, staging / name)
            except OSError as exc:
                raise CorpusError(f"Could not copy {source / name}: {exc.strerror or exc}") from None


def verify(staging: Path, sums: dict[str, str]) -> list[str]:
    """The verified file names; raises ``CorpusError`` naming every missing or corrupt file."""
    missing = [name for name in sorted(sums) if not (staging / name).is_file()]
    corrupt = [name for name in sorted(sums) if name not in missing and not _matches(staging / name, sums[name])]
    if missing or corrupt:
        parts = []
        if missing:
            parts.append(f"missing: {', '.join(missing)}")
        if corrupt:
            parts.append(f"SHA-256 mismatch (corrupt or a different version): {', '.join(corrupt)}")
        raise CorpusError(
            f"Reuters-21578 check failed ({'; '.join(parts)}). Nothing was kept; try again, "
            f"or pass --from with a good copy."
        )
    return sorted(sums)


def _matches(path: Path, expected: str) -> bool:
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == expected
