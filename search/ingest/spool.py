"""What the feed follower keeps on disk: the spool of fetched entries and its state file.

An entry is written as ``<spool>/<host>/<article id>.json`` (``write_entry``), a JSON object the ``.json``
reader reads as one article (``id``, ``title``, ``body``, ``date``, ``url``, ``source``), plus the ``author``,
the ``categories`` and the ``feed`` it came from, which the reader passes over. The state file
(``load_state`` / ``save_state``) is JSON too::

    {"version": 1,
     "feeds": {"https://news.example.org/rss.xml": {"etag": "<ETag>", "last_modified": "<Last-Modified>",
               "last_poll": 1717171717.0, "not_before": 1717175317.0, "failures": 0, "last_error": "",
               "seen": {"<article id>": "<hash of the entry as last written>", ...}}},
     "pending": ["<spool file written but not indexed yet>", ...]}

Both are written atomically (a temporary file renamed over the old one), so a crash or Ctrl-C never
leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from search.ingest.base import Record

logger = logging.getLogger(__name__)


@dataclass
class FeedState:
    """What is remembered about one feed between polls and runs."""

    etag: str = ""
    last_modified: str = ""
    last_poll: float = 0.0  # epoch seconds
    not_before: float = 0.0  # no poll before this: the feed's max-age, a Retry-After or the back-off
    failures: int = 0  # consecutive failed polls
    last_error: str = ""
    seen: dict[str, str] = field(default_factory=dict)  # article id -> hash of the entry as last written


def entry_of(record: Record, feed_url: str) -> dict[str, Any]:
    """The JSON object written for one feed entry (a ``NewsRecord``'s author and categories included)."""
    return {
        "id": record.id,
        "title": record.title,
        "body": record.body,
        "date": record.date,
        "url": record.url,
        "source": record.source,
        "author": getattr(record, "byline", ""),
        "categories": [code.name for code in getattr(record, "codes", ())],
        "feed": feed_url,
    }


def digest_of(entry: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(entry, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def write_entry(spool: Path, feed_url: str, article_id: str, entry: dict[str, Any]) -> Path:
    """Write the entry to ``<spool>/<host>/<article id>.json``; the path written."""
    path = Path(spool) / host_folder(feed_url) / f"{article_id}.json"
    write_atomically(path, json.dumps(entry, ensure_ascii=False, indent=1) + "\n")
    return path


def host_folder(url: str) -> str:
    """The spool folder for a feed's host: ``news.example.org``, ``127.0.0.1_8080``."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", urlsplit(url).netloc.lower()) or "unknown-host"


def load_state(path: Path) -> dict[str, Any]:
    """``{"feeds": {url: FeedState}, "pending": [spool files not yet indexed]}``; empty when there is none."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raw = {}
    except (OSError, ValueError) as exc:
        logger.warning("can't read %s (%s); starting with no memory of the feeds", path, exc)
        raw = {}
    names = set(FeedState.__dataclass_fields__)
    feeds = {
        url: FeedState(**{k: v for k, v in value.items() if k in names})
        for url, value in (raw.get("feeds") or {}).items()
        if isinstance(value, dict)
    }
    return {"feeds": feeds, "pending": [str(p) for p in raw.get("pending") or []]}


def save_state(path: Path, state: dict[str, Any]) -> None:
    feeds = {url: asdict(feed) for url, feed in state["feeds"].items()}
    write_atomically(Path(path), json.dumps({"version": 1, "feeds": feeds, "pending": state["pending"]}, indent=1))


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it over: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
