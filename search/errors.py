"""Domain errors. ``web/errors.py`` maps them to HTTP responses in one place; the CLI prints them."""
from __future__ import annotations


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
