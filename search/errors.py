"""Domain errors. ``web/errors.py`` maps them to HTTP responses in one place; the CLI prints them."""

from __future__ import annotations

import functools
import inspect
import logging
import pickle
import struct
import zlib
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)


class SearchError(Exception):
    """Base of every error the core raises on purpose. ``status`` is the HTTP status it maps to."""

    status = 500
    code = "error"

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "parameter": self.parameter}


class BadParameter(SearchError):
    """A request parameter has a value we can't use (page=-1, from=yesterday...)."""

    status = 400
    code = "bad_parameter"

    def __init__(self, parameter: str, value: object, reason: str) -> None:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "...'"
        super().__init__(f"Invalid value {shown} for parameter '{parameter}': {reason}", parameter)
        self.value = value


class BadQuery(SearchError):
    """The query text can't be read (unbalanced quote, nothing left to search, over-broad wildcard)."""

    status = 400
    code = "bad_query"

    def __init__(self, message: str) -> None:
        super().__init__(message, "q")


class ArticleNotFound(SearchError):
    status = 404
    code = "not_found"

    def __init__(self, article_id: str) -> None:
        super().__init__(f"No article with id {article_id!r}", "id")


class IndexNotFound(SearchError):
    """There is no index at the configured location yet."""

    status = 503
    code = "index_not_found"


class IndexDamaged(SearchError):
    """An index file can't be read: truncated, garbled or removed behind Whoosh's back."""

    status = 503
    code = "index_damaged"

    def __init__(self) -> None:
        super().__init__(
            "The search index can't be read: one of its files is damaged or missing. "
            "Rebuild it with `news-search index --rebuild`."
        )


class IndexOutdated(SearchError):
    """The index was built by an older news-search whose fields mean something else today."""

    status = 503
    code = "index_outdated"

    def __init__(self) -> None:
        super().__init__(
            "The search index was built by an older version of news-search and lacks what this one needs "
            "(which stories are about whom). Rebuild it with `news-search index --rebuild`."
        )


class IndexWriteFailed(SearchError):
    """Writing the index (or the indexer's files beside it) failed: a full disk, a read-only folder."""

    status = 507
    code = "index_write_failed"

    def __init__(self, index_dir: object, reason: OSError) -> None:
        detail = reason.strerror or str(reason) or type(reason).__name__
        super().__init__(
            f"Could not write to the index folder {index_dir} ({detail}). The index keeps its last commit; "
            "free some space (or fix the folder's permissions) and run `news-search index` again: "
            "what was committed is skipped, the rest is indexed."
        )


# What reading a damaged Whoosh file raises (found by truncating, garbling and deleting each file kind,
# tests/reliability/test_index.py). TOC_ERRORS: also what parsing a damaged table of contents raises;
# TypeError and ValueError are too broad to catch anywhere else.
READ_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    struct.error,
    UnicodeDecodeError,
    zlib.error,
    pickle.UnpicklingError,
    OSError,
)
TOC_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    struct.error,
    UnicodeDecodeError,
    zlib.error,
    pickle.UnpicklingError,
    TypeError,
    ValueError,
)

F = TypeVar("F", bound=Callable)


def reads_index(method: F) -> F:
    """Turn the errors a damaged index raises inside ``method`` (a function or a generator) into IndexDamaged."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(*args, **kwargs):
            try:
                yield from method(*args, **kwargs)
            except READ_ERRORS as exc:
                raise _damaged(exc) from exc

        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except READ_ERRORS as exc:
            raise _damaged(exc) from exc

    return wrapper  # type: ignore[return-value]


def _damaged(exc: BaseException) -> IndexDamaged:
    logger.error("the search index can't be read: %s: %s", type(exc).__name__, exc)
    return IndexDamaged()


class IndexLocked(SearchError):
    """Another indexer holds the write lock."""

    status = 503
    code = "index_locked"


class CorpusError(SearchError):
    """A corpus file or record can't be read; the indexer reports it and skips it."""

    code = "corpus_error"


class MissingResource(SearchError):
    """An NLTK resource the entity pipeline needs is not installed."""

    code = "missing_resource"

    def __init__(self, resource: str) -> None:
        super().__init__(
            f"The NLTK resource '{resource}' is missing. Run `news-search setup` to download it "
            f"(or point NLTK_DATA at a folder that has it).",
            None,
        )
        self.resource = resource


class MissingDependency(SearchError):
    """A corpus reader's third-party library can't be imported (checked before any file is read)."""

    code = "missing_dependency"

    def __init__(self, what: str, package: str, reason: str = "") -> None:
        because = f" ({reason})" if reason else ""
        super().__init__(
            f"{what} needs the Python package '{package}', which can't be imported{because}. "
            f"Install it: pip install {package}",
            None,
        )
        self.package = package
