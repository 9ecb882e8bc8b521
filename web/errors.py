"""Every error response in one place: JSON under ``/api/``, the ``error.html`` page elsewhere.

The JSON body is always ``{"error": {"code": ..., "message": ..., "parameter": ...}}``. Views raise
(``SearchError`` subclasses from the core, ``abort`` for HTTP errors) and never catch broad exceptions;
only the 500 handler here does, logging the traceback and showing none.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from search.errors import BadParameter, BadQuery, IndexDamaged, IndexNotFound, IndexOutdated, SearchError
from web.params import raw_query

logger = logging.getLogger(__name__)

TITLES = {
    BadQuery: "Your search could not be read",
    BadParameter: "Something in the address is not right",
    IndexNotFound: "No index yet",
    IndexDamaged: "The index needs rebuilding",
    IndexOutdated: "The index needs rebuilding",
}
NO_INDEX_MESSAGE = "There is no search index yet: run `news-search index` to build it, then reload this page."


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_body(code: str, message: str, parameter: str | None = None) -> dict[str, dict[str, str | None]]:
    """The one JSON error shape."""
    return {"error": {"code": code, "message": message, "parameter": parameter}}


def respond(status: int, code: str, message: str, parameter: str | None, title: str) -> Response:
    if wants_json():
        response = jsonify(error_body(code, message, parameter))
    else:
        response = make_response(
            render_template(
                "error.html",
                status=status,
                title=title,
                message=message,
                parameter=parameter,
                code=code,
                q=refill_query(),
            )
        )
    response.status_code = status
    return response


def refill_query() -> str:
    """The query for the error page's search box; none when the raw query string is not UTF-8.

    Werkzeug can't parse such a query string at all (``request.args`` raises), and the error page for
    exactly that request must not fail too.
    """
    try:
        request.query_string.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return raw_query(request.args)


def handle_search_error(error: SearchError) -> Response:
    """Domain errors carry their own status: 400 bad input, 404 unknown article, 503 no index or a damaged one."""
    if error.status >= 500 and not isinstance(error, IndexNotFound):
        logger.error("search error %s: %s", error.code, error.message)
    message = NO_INDEX_MESSAGE if isinstance(error, IndexNotFound) else error.message
    title = TITLES.get(type(error), "Something went wrong")
    return respond(error.status, error.code, message, error.parameter, title)


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    """404, 405 and friends (routing errors never reach blueprint handlers, so these live on the app)."""
    if error.code is None or error.code < 400:
        return error
    if isinstance(error, InternalServerError):
        return handle_unexpected(error)
    code = (error.name or "error").lower().replace(" ", "_").replace("'", "")
    response = respond(error.code, code, error.description or error.name, None, error.name)
    response.headers.extend((k, v) for k, v in error.get_headers() if k.lower() != "content-type")
    return response


def handle_unexpected(error: Exception) -> Response:
    """The last resort: log the traceback for us, show the visitor a plain apology."""
    original = getattr(error, "original_exception", None) or error
    logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=original)
    return respond(
        500, "internal_error", "Something went wrong on our side. Please try again.", None, "Something went wrong"
    )


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on the app itself so unknown URLs get them too."""
    app.register_error_handler(SearchError, handle_search_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
