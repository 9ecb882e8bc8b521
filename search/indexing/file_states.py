"""Which corpus files are as the last run left them, so that a run reads only the files that changed.

A run records, for each file whose every article the index now holds as read (none failed, none a later
copy of another file's id), what ``os.stat`` said of it just before: size, modification and change times
(ctime cannot be set back by ``touch``), inode, and the root it was read under (article ids without their
own id derive from the path below the root), and what reading it reported (its problems, such as a broken
line or a date in the future, and its empty records). The next run does not read a file whose record
matches: its articles are those the index holds for that file, and its problems are reported again from
the record. At a million stories in 50 files this turns a 150 s incremental run into seconds.

Like git's index, a file changed within ``RACY_SECONDS`` of being looked at is not recorded (a write in the
same clock tick would not change its times), and the records are trusted only from the same version of
news-search (a new reader may read the same file differently). The records are saved in ``files.json`` in
the index folder, atomically, after the run's last commit, with that commit's index generation: records
of another generation (a run that crashed after a checkpoint, an index started over) are not trusted, and
a missing or damaged file only means reading everything once. ``--rebuild`` reads every file.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from search.settings import installed_version

logger = logging.getLogger(__name__)

FILE = "files.json"
FORMAT = 2
RACY_SECONDS = 2

FileState = list  # [size, mtime_ns, ctime_ns, inode, root]
FileRecord = list  # a FileState, then the problems and the empty records reading the file reported
STATE_FIELDS = 5


def file_state(path: Path, root: Path) -> FileState | None:
    """What ``os.stat`` says of ``path`` now, or None when it can't be trusted (unreadable, or changed within
    RACY_SECONDS: a later write in the same clock tick would leave its times as they are)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < RACY_SECONDS * 1_000_000_000:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, os.path.realpath(root)]


def unchanged(record: FileRecord | None, state: FileState | None) -> bool:
    """Whether a file whose state is ``state`` now is as ``record`` says the last run found it."""
    return state is not None and record is not None and record[:STATE_FIELDS] == state


def reported(record: FileRecord) -> tuple[list[str], list[str]]:
    """The problems and the empty records reading the recorded file reported."""
    return list(record[STATE_FIELDS]), list(record[STATE_FIELDS + 1])


def load_file_states(index_path: Path, generation: int) -> dict[str, FileRecord]:
    """The records of the last run (resolved path -> state); {} when there are none or they can't be used:
    written for another index generation (a run that crashed after a commit, an index started over) or by
    another version."""
    try:
        saved = json.loads((index_path / FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("%s ignored (every file is read again): %s", index_path / FILE, exc)
        return {}
    if not isinstance(saved, dict) or (saved.get("format"), saved.get("version"), saved.get("generation")) != (
        FORMAT,
        installed_version(),
        generation,
    ):
        return {}
    files = saved.get("files")
    if not isinstance(files, dict):
        return {}
    return {path: record for path, record in files.items() if _well_formed(record)}


def _well_formed(record: object) -> bool:
    return (
        isinstance(record, list)
        and len(record) == STATE_FIELDS + 2
        and all(isinstance(reports, list) for reports in record[STATE_FIELDS:])
    )


def save_file_states(index_path: Path, states: dict[str, FileRecord], generation: int) -> None:
    """Replace the records, those of index generation ``generation``, in one rename; a failure is only logged
    (the next run reads every file)."""
    temporary = index_path / f".{FILE}.tmp"
    saved = {"format": FORMAT, "version": installed_version(), "generation": generation, "files": states}
    try:
        temporary.write_text(json.dumps(saved), encoding="utf-8")
        os.replace(temporary, index_path / FILE)
    except OSError as exc:
        logger.warning("can't save %s: %s", index_path / FILE, exc)
