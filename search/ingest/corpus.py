"""Corpus files -> ``Article`` records: find the files, pick a reader by suffix, apply one policy.

``discover(roots)`` walks the corpus folders, leaving out files that are not news (README, LICENSE ...,
see ``is_not_news``); ``read_file(path, root)`` reads one file and never raises for bad content:
whatever is wrong (binary, bad encoding, empty, over ``MAX_FILE_BYTES``, invalid JSON line, truncated
SGML, permission denied) becomes a line in ``FileResult.problems`` and the rest of the file is still
read. A record with neither title nor text is no problem but nothing to index: it is listed in
``FileResult.empty``. The readers (text, jsonl, sgml, html, newsml, nitf, feed, warc; picked by
``search.ingest.readers``) only parse; this module derives ids and dates the same way for every format
(and ``check_readers`` checks, before a run, that the readers it will use can import their libraries):

* id: the record's own id when the data has one (Reuters ``reuters-<NEWID>``, JSON ``id``) and it is
  URL-safe, else a 16-hex-digit SHA-1 of it; without one, a SHA-1 of the file's path relative to its
  root and the record's position in the file. Re-reading the same file gives the same ids.
* date: a metadata date (header, JSON key, Reuters DATE, HTML meta) wins unless it is in the future;
  else a full date in the dateline, the title or the lead, never after today (``search.ingest.dates``);
  else none. Never the file's mtime.
* byline and agency codes (NewsML-G2, NITF, feeds: ``xml.NewsRecord``): carried to the Article, on one
  line each, the byline cut like a long title; other formats have none.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search.ingest.base import (
    MAX_TITLE_CHARS,
    Record,
    clean_line,
    hashed_id,
    is_safe_id,
    safe_url,
    shorten,
    title_from_body,
)
from search.ingest.dates import find_date_in_text, read_metadata_date
from search.ingest.readers import READERS, SUFFIXES, Reader, reader_suffix
from search.ingest.xml import NewsRecord
from search.models import Article, Code

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024  # larger files are reported and skipped: a news file is never this big


# Files that come with a collection but are not news: README.txt, LICENSE.md, readme.html, CHANGES.rst ...
NOT_NEWS_NAMES = frozenset({"readme", "license", "licence", "copying", "changes", "changelog", "notice", "authors"})

ProblemHandler = Callable[[Path, str], None]
SkipHandler = Callable[[Path], None]


@dataclass
class FileResult:
    """What reading one file gave: its articles and, one line each, what could not be read."""

    path: str  # resolved absolute path
    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # records with no title and no text ("NEWID 12793")


def discover(
    roots: Iterable[Path], on_problem: ProblemHandler | None = None, on_skipped: SkipHandler | None = None
) -> Iterator[tuple[Path, Path]]:
    """``(file, root)`` for every supported file below each root (a root that is a file is yielded itself).

    Depth first, sorted by name, a folder's files before its subfolders; hidden files and folders are
    skipped; symlinks are followed, but a folder or file already seen (a symlink loop, or two links to
    one target) is skipped. Folders that can't be listed, missing roots and loops are passed to
    ``on_problem(path, message)`` (default: logged as warnings) and skipped. Supported files found in a
    folder that are not news (``is_not_news``: README.txt, LICENSE.md ...) are passed to
    ``on_skipped(path)`` (default: logged) instead of yielded; a root that is such a file is yielded.
    """
    report = on_problem or _log_problem
    skipped = on_skipped or _log_skipped
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for root in roots:
        root = Path(root)
        try:
            info = root.stat()
        except OSError as exc:
            report(root, f"can't open: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(root, (info.st_dev, info.st_ino), seen_dirs, seen_files, report, skipped)
        elif reader_suffix(root) not in READERS:
            report(root, f"unsupported file type (supported: {', '.join(SUFFIXES)})")
        elif _first_time((info.st_dev, info.st_ino), seen_files):
            yield root, root


def _walk(
    root: Path,
    key: tuple[int, int],
    seen_dirs: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
    report: ProblemHandler,
    skipped: SkipHandler,
) -> Iterator[tuple[Path, Path]]:
    """Depth-first walk with an explicit stack (no recursion limit on deep trees)."""
    if not _first_time(key, seen_dirs):
        return
    stack: list[tuple[Path, frozenset[tuple[int, int]]]] = [(root, frozenset([key]))]
    while stack:
        directory, ancestors = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            report(directory, f"can't list folder: {exc.strerror or exc}")
            continue
        subdirs = []
        for entry in entries:
            path = directory / entry.name
            try:
                info = entry.stat()  # follows symlinks
            except OSError as exc:
                if entry.name.lower().endswith(SUFFIXES) or entry.is_symlink():
                    report(path, f"can't open: {exc.strerror or exc}")
                continue
            key = (info.st_dev, info.st_ino)
            if stat.S_ISDIR(info.st_mode):
                if key in ancestors:
                    report(path, "symlink loop (links back to a parent folder); skipped")
                elif _first_time(key, seen_dirs):
                    subdirs.append((path, ancestors | {key}))
            elif stat.S_ISREG(info.st_mode) and reader_suffix(path) in READERS and _first_time(key, seen_files):
                if is_not_news(path):
                    skipped(path)
                else:
                    yield path, root
        stack.extend(reversed(subdirs))


def is_not_news(path: Path) -> bool:
    """True for a file whose name says it documents a collection rather than holds news: README,
    LICENSE/LICENCE, COPYING, CHANGES/CHANGELOG, NOTICE, AUTHORS, in any case and with any suffixes
    (the name up to its first dot: ``README.txt``, ``LICENSE.md``, ``readme.en.html``)."""
    return Path(path).name.split(".", 1)[0].lower() in NOT_NEWS_NAMES


def _first_time(key: tuple[int, int], seen: set[tuple[int, int]]) -> bool:
    if key in seen:
        return False
    seen.add(key)
    return True


def _log_problem(path: Path, message: str) -> None:
    logger.warning("%s: %s", path, message)


def _log_skipped(path: Path) -> None:
    logger.info("%s: not news (a README, LICENSE ... file); skipped", path)


def read_file(path: Path, root: Path) -> FileResult:
    """Every article in one corpus file; problems are reported in the result, never raised."""
    path = Path(path)
    result = FileResult(path=resolved_path(path))
    reader = READERS.get(reader_suffix(path))
    if reader is None:
        result.problems.append(f"unsupported file type '{path.suffix}' (supported: {', '.join(SUFFIXES)})")
        return result
    data, problem = _read_bytes(path)
    if data is None:
        result.problems.append(problem)
        return result
    if not data.strip():
        result.problems.append("empty file")
        return result
    records, result.problems = _parse(reader, data, path)
    seen_ids: set[str] = set()
    relative = _relative(path, root)
    for record in records:
        if is_empty(record):
            result.empty.append(record.key or "the file")
            continue
        article = to_article(record, relative, result.path, result.problems)
        if article is None:
            continue
        if article.id in seen_ids:
            result.problems.append(f"{_where(record)}duplicate id '{article.id}' in this file; skipped")
            continue
        seen_ids.add(article.id)
        result.articles.append(article)
    return result


def _parse(reader: Reader, data: bytes, path: Path) -> tuple[list[Record], list[str]]:
    """The reader's records; a crash in a reader costs this file, not the whole indexing run."""
    try:
        return reader(data)
    except Exception as exc:
        logger.exception("reader failed on %s", path)
        return [], [f"could not parse the file ({type(exc).__name__}: {exc})"]


def _read_bytes(path: Path) -> tuple[bytes | None, str]:
    """The file's bytes, or ``(None, reason)``; files over ``MAX_FILE_BYTES`` are not read at all."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, "not a regular file"
            if info.st_size > MAX_FILE_BYTES:
                return None, (
                    f"file too large ({info.st_size / 1e6:.1f} MB; the limit is "
                    f"{MAX_FILE_BYTES / 1e6:.0f} MB): split it into smaller files"
                )
            data = handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        return None, "permission denied"
    except OSError as exc:
        return None, f"can't read: {exc.strerror or exc}"
    if len(data) > MAX_FILE_BYTES:
        return None, f"file too large (over the {MAX_FILE_BYTES / 1e6:.0f} MB limit)"
    return data, ""


def is_empty(record: Record) -> bool:
    """True for a record with no title and no text: nothing to index, but not a problem of the file."""
    return not clean_line(record.title) and not record.body.strip()


def to_article(record: Record, relative: str, path: str, problems: list[str]) -> Article | None:
    """The Article for a Record (ids, cleaning, dates, URL check); None if it is empty (``is_empty``)."""
    title = clean_line(record.title)
    body = record.body  # readers build bodies with base.paragraphs_by_*(), which clean them
    if not title and not body.strip():
        return None
    title = shorten(title, MAX_TITLE_CHARS) if title else title_from_body(body)
    published, date_source = None, ""
    if record.date.strip():
        published, refused = read_metadata_date(record.date)
        date_source = "metadata" if published else ""
        if published is None:
            value = repr(record.date.strip()[:40])
            why = f"date {value} is in the future" if refused == "in the future" else f"unrecognised date {value}"
            problems.append(f"{_where(record)}{why}; ignored")
    if published is None:
        published, date_source = find_date_in_text(body, title)
    url = safe_url(record.url)
    if record.url.strip() and not url:
        problems.append(f"{_where(record)}URL {record.url.strip()[:60]!r} is not an http(s) URL; ignored")
    return Article(
        id=article_id(record, relative),
        title=title,
        body=body,
        published=published,
        date_source=date_source,
        source=clean_line(record.source),
        url=url,
        path=path,
        byline=shorten(record.byline, MAX_TITLE_CHARS) if isinstance(record, NewsRecord) else "",
        codes=agency_codes(record.codes) if isinstance(record, NewsRecord) else (),
    )


def agency_codes(codes: Iterable[Code]) -> tuple[Code, ...]:
    """The agency's codes on one line each, in the reader's order, once each; a code with neither a code
    nor a name is dropped (readers clean XML text already, feed categories come as the feed wrote them)."""
    cleaned = (Code(clean_line(c.kind), clean_line(c.code), clean_line(c.name)) for c in codes)
    return tuple(dict.fromkeys(c for c in cleaned if c.code or c.name))


def article_id(record: Record, relative: str) -> str:
    """The record's own id if URL-safe, a hash of it if not, else a hash of (relative path, position)."""
    own = record.id.strip()
    if own:
        return own if is_safe_id(own) else hashed_id("id", own)
    return hashed_id(relative, record.key)


def _where(record: Record) -> str:
    return f"{record.key}: " if record.key else ""


def resolved_path(path: Path) -> str:
    """The absolute path with symlinks resolved: the ``path`` an Article keeps."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # RuntimeError: symlink loop on Python < 3.13
        return str(path.absolute())


def _relative(path: Path, root: Path) -> str:
    """The path used in hashed ids: relative to the root (POSIX form), or the name when root is the file."""
    path, root = Path(path), Path(root)
    for candidate, base in ((path, root), (Path(os.path.abspath(path)), Path(os.path.abspath(root)))):
        try:
            relative = candidate.relative_to(base).as_posix()
        except ValueError:
            continue
        return relative if relative != "." else path.name
    return path.name


def iter_articles(root: Path) -> Iterator[Article]:
    """Every article below ``root`` (a folder or one file); problems are logged as warnings."""
    for path, base in discover([Path(root)]):
        result = read_file(path, base)
        for problem in result.problems:
            logger.warning("%s: %s", result.path, problem)
        for record in result.empty:
            logger.info("%s: %s has no title and no text; nothing to index", result.path, record)
        yield from result.articles
