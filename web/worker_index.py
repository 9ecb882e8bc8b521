"""The index for this worker process and a searcher for the current request.

Whoosh lets threads share an Index but not a Searcher, and nothing opened before a fork may be used after
it. So each worker process opens the index lazily on its first request (after gunicorn forked it), and
every request gets its own searcher on ``flask.g``, closed on teardown. ``NewsIndex.searcher()`` reads
the index's latest generation, so articles indexed while the server runs show up on the next request.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from flask import Flask, current_app, g

from search.retrieve.index import NewsIndex, open_index
from search.retrieve.searcher import NewsSearcher
from search.settings import Limits

logger = logging.getLogger(__name__)
EXTENSION = "news_search"


class IndexHolder:
    """Opens the index once per process, on first use; retries while it does not exist yet."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self._index: NewsIndex | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def get(self) -> NewsIndex:
        """This process's open index (raises ``IndexNotFound`` while there is none)."""
        with self._lock:
            if self._index is None or self._pid != os.getpid():
                self._index = open_index(self.path, self.limits)
                self._pid = os.getpid()
                logger.info("worker %d opened the index at %s", self._pid, self.path)
            return self._index


def get_index() -> NewsIndex:
    """The open index of this process for the current app."""
    holder: IndexHolder = current_app.extensions[EXTENSION]
    return holder.get()


def get_limits() -> Limits:
    """The current app's limits (built once from its config), whether or not an index exists yet."""
    holder: IndexHolder = current_app.extensions[EXTENSION]
    return holder.limits


def get_searcher() -> NewsSearcher:
    """This request's searcher, opened on first use."""
    if "searcher" not in g:
        g.searcher = get_index().searcher()
    return g.searcher


def close_searcher(exc: BaseException | None = None) -> None:
    """Teardown: close the request's searcher, if one was opened."""
    searcher = g.pop("searcher", None)
    if searcher is not None:
        searcher.close()


def init_app(app: Flask) -> None:
    """Attach the (not yet opened) index and the limits from the app's config to the app, and close
    searchers after each request. A limit that is no whole number stops the app here, at start."""
    app.extensions[EXTENSION] = IndexHolder(Path(app.config["INDEX_DIR"]), Limits.from_mapping(app.config))
    app.teardown_appcontext(close_searcher)
