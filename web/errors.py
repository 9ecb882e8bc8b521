"""Every error response in one place: JSON under ``/api/``, the ``error.html`` page elsewhere.

The JSON body is always ``{"error": {"code": ..., "message": ..., "parameter": ...}}``. Views raise
(``SearchError`` subclasses from the core, ``abort`` for HTTP errors) and never catch broad exceptions;
only the 500 handler here does, logging the traceback and showing none.

An error page keeps the search: its search box holds the query as typed and the filters that are fine ride
along as hidden fields, so correcting a query keeps them. It says what to do about the problem with a link
that does it: swap dates given the wrong way round, drop the one parameter that can't be used (keeping the
rest), go back to the last page that can be reached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from flask import Flask, Response, jsonify, make_response, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, InternalServerError

from search.errors import (
    ArticleNotFound,
    BadParameter,
    BadQuery,
    IndexDamaged,
    IndexNotFound,
    IndexOutdated,
    SearchError,
)
from web.links import Links, with_args
from web.params import parse_date, parse_search_args, raw_query
from web.worker_index import get_limits

logger = logging.getLogger(__name__)

TITLES = {
    BadQuery: "Your search could not be read",
    BadParameter: "Something in the address is not right",
    ArticleNotFound: "Article not found",
    IndexNotFound: "No index yet",
    IndexDamaged: "The index needs rebuilding",
    IndexOutdated: "The index needs rebuilding",
}
NO_INDEX_MESSAGE = "There is no search index yet: run `news-search index` to build it, then reload this page."
MAX_REPAIRS = 6  # parameters dropped, one by one, before the error page gives up keeping the search


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_body(code: str, message: str, parameter: str | None = None) -> dict[str, dict[str, str | None]]:
    """The one JSON error shape."""
    return {"error": {"code": code, "message": message, "parameter": parameter}}


@dataclass(frozen=True)
class Fix:
    """What the error page offers: a link that does it."""

    label: str
    href: str


def respond(status: int, code: str, message: str, parameter: str | None, title: str) -> Response:
    if wants_json():
        response = jsonify(error_body(code, message, parameter))
    else:
        links, fixes, title, message = kept_search(status, code, parameter, title, message)
        response = make_response(
            render_template(
                "error.html",
                status=status,
                title=title,
                message=message,
                parameter=parameter,
                code=code,
                q=refill_query(),
                links=links,
                fixes=fixes,
            )
        )
    response.status_code = status
    return response


def refill_query() -> str:
    """The query for the error page's search box; none when the raw query string is not UTF-8.

    Werkzeug can't parse such a query string at all (``request.args`` raises), and the error page for
    exactly that request must not fail too.
    """
    if not utf8_query():
        return ""
    return raw_query(request.args)


def utf8_query() -> bool:
    try:
        request.query_string.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def kept_search(
    status: int, code: str, parameter: str | None, title: str, message: str
) -> tuple[Links | None, list[Fix], str, str]:
    """(links of the search that can be kept, the fixes to offer, the page's title and message).

    The parameters are read again, dropping each one that can't be used (the one at fault first), so the page
    keeps the rest; a query that can't be read stays in the box for correcting."""
    if not utf8_query() or status >= 500:
        return None, [], title, message
    args = MultiDict(request.args)
    fixes: list[Fix] = []
    if parameter == "to" and dates_reversed(args):
        swapped = MultiDict(args)
        swapped.setlist("from", args.getlist("to"))
        swapped.setlist("to", args.getlist("from"))
        fixes.append(Fix(f"Search from {swapped['from']} to {swapped['to']} instead", search_url(swapped)))
        title = "The dates are the wrong way round"
        message = f"“From” ({args['from']}) is after “To” ({args['to']}): no story can be dated in between."
    elif request.endpoint == "explore.entity" and status == 404:
        name = (request.view_args or {}).get("name", "")
        fixes.append(Fix(f"Search the stories for the words “{name}”", with_args(url_for("ui.search"), [("q", name)])))
    dropped = [parameter] if parameter and parameter != "q" else []
    req = None
    for _ in range(MAX_REPAIRS):
        kept = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in dropped])
        try:
            req = parse_search_args(kept, get_limits())
            break
        except BadParameter as error:
            dropped.append(error.parameter or "")
    if req is None:
        return None, fixes, title, message
    if parameter == "page" and code == "bad_parameter":
        last = max(1, (get_limits().max_depth - 1) // max(req.per_page, 1) + 1)
        fixes.append(Fix(f"Go to page {last}, the last that can be reached", search_url(kept, page=str(last))))
    links = Links(replace(req, q=""))
    if code == "bad_query" and (req.has_filters() or req.mentions == "about"):
        fixes.append(Fix("Search without the query, keeping the filters", links.url()))
    elif dropped and not fixes and request.endpoint == "ui.search":
        fixes.append(Fix("Search again without " + ", ".join(f"‘{name}’" for name in dropped), search_url(kept)))
    return links, fixes, title, message


def dates_reversed(args: MultiDict[str, str]) -> bool:
    try:
        start, end = parse_date(args, "from"), parse_date(args, "to")
    except BadParameter:
        return False
    return start is not None and end is not None and start > end


def search_url(args: MultiDict[str, str], **changes: str) -> str:
    pairs = [(k, v) for k, v in args.items(multi=True) if k not in changes] + list(changes.items())
    return with_args(url_for("ui.search"), pairs)


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
