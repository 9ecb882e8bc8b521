"""Every rule about a search request, checked once, here, against the ``Limits`` the index was opened with.

The web layer and the CLI only turn text into values (a whole number, a date, a list of names); whether a
value is allowed is decided here, with one message and the one parameter name a user typed.
"""

from __future__ import annotations

from datetime import date

from search.errors import BadParameter
from search.facets import FACET_NAMES, MENTIONS, exclude_parameter
from search.models import SORTS, SearchRequest
from search.settings import MAX_FACET_VALUES, Limits


def check_request(request: SearchRequest, limits: Limits) -> None:
    """Raise BadParameter, naming the request parameter, for any value of ``request`` the core can't serve."""
    if not isinstance(request.q, str):
        raise BadParameter("q", request.q, "must be text")
    check_whole_number("per_page", request.per_page, 1, limits.max_per_page)
    check_whole_number("page", request.page, 1, None)
    if (request.page - 1) * request.per_page >= limits.max_depth:
        raise BadParameter(
            "page", request.page, f"only the first {limits.max_depth} results can be paged through; narrow the search"
        )
    if request.sort not in ("", *SORTS):
        raise BadParameter("sort", request.sort, f"must be one of {', '.join(SORTS)}")
    if request.mentions not in MENTIONS:
        raise BadParameter("mentions", request.mentions, f"must be one of {', '.join(MENTIONS)}")
    check_whole_number("facet_limit", request.facet_limit, 0, MAX_FACET_VALUES)
    for name, value in (("from", request.date_from), ("to", request.date_to)):
        if value is not None and not isinstance(value, date):
            raise BadParameter(name, value, "must be a date written YYYY-MM-DD")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise BadParameter("to", request.date_to.isoformat(), "must not be before 'from'")
    _check_values(request.filters, lambda name: name)
    _check_values(request.excludes, exclude_parameter)


def _check_values(by_facet: object, parameter) -> None:
    for name, values in by_facet.items():  # type: ignore[attr-defined]
        if name not in FACET_NAMES:
            raise BadParameter(parameter(name), name, f"is no facet; facets are {', '.join(FACET_NAMES)}")
        if not isinstance(values, tuple) or not all(isinstance(v, str) for v in values):
            raise BadParameter(parameter(name), values, "values must be text")


def check_whole_number(name: str, value: object, low: int, high: int | None) -> None:
    """Raise BadParameter unless ``value`` is an int within [low, high] (no upper bound for None)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise BadParameter(name, value, f"must be a whole number {bounds}")
