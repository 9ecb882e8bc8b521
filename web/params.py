"""Request arguments -> validated values. The only module that reads ``request.args``.

Rules, documented in the OpenAPI description too:

- ``q``, ``mentions``, ``from``, ``to``, ``sort``, ``page``, ``per_page``, ``format``, ``prefix``, ``limit``,
  ``interval`` and ``normalize`` are single-valued: repeating one is a 400. The facet filters (``person``,
  ``country``, ``org``: one per facet of :mod:`search.facets`) and their exclusions (``not_person`` ...) may
  repeat, and so may ``q`` on ``/compare`` (one query per series, at most ``MAX_COMPARED``).
- An empty ``from`` or ``to`` is no bound (the date form sends both fields, filled in or not).
- This module only turns text into values (a whole number, a date, a list of names); whether a value is
  allowed (page size, depth, date order, query length) is the core's rule, checked once there against
  the app's ``Limits``.
- Unknown parameters are ignored (links from other sites and tracking tags must not break a search).
- Values must be valid UTF-8 without control characters; anything else is a 400 naming the parameter.

Every problem raises :class:`search.errors.BadParameter`; ``web/errors.py`` turns it into a response.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict

from search.errors import BadParameter
from search.facets import FACET_NAMES, exclude_parameter
from search.models import TIMELINE_INTERVALS, SearchRequest
from search.settings import Limits

FORMATS = ("json", "csv", "jsonl")
MAX_COMPARED = 4  # queries one comparison draws
BOOLEANS = {"true": True, "false": False}
MAX_VALUE_CHARS = 200  # a facet value or prefix
FACET_VALUES_PER_REQUEST = 20  # /api/facets/<name> without a limit
MAX_DIGITS = 12  # a longer "number" is refused as written, before any arithmetic on it
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_encoding(query_string: bytes) -> None:
    """Refuse a query string whose decoded values are not UTF-8 (Werkzeug would silently replace them)."""
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                shown = unquote_to_bytes(name).decode("utf-8", "replace")
                raise BadParameter(shown, "...", "not valid UTF-8 text") from None


def single(args: MultiDict[str, str], name: str) -> str | None:
    """The one value of a single-valued parameter, stripped; None when absent."""
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(name, values, "give this parameter at most once")
    return clean_text(name, values[0])


def clean_text(name: str, value: str) -> str:
    """Strip surrounding space; refuse control characters (NUL bytes included)."""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise BadParameter(name, value, "control characters are not allowed")
    return value.strip()


def parse_whole_number(args: MultiDict[str, str], name: str, default: int) -> int:
    """A whole number as written (digits only; empty is no number); its bounds are the core's rule."""
    raw = single(args, name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise BadParameter(name, raw, "must be a whole number")
    if len(raw) > MAX_DIGITS:
        raise BadParameter(name, raw, f"must be a whole number of at most {MAX_DIGITS} digits")
    return int(raw)


def parse_date(args: MultiDict[str, str], name: str) -> date | None:
    raw = single(args, name)
    if not raw:
        return None
    if not _ISO_DATE.fullmatch(raw):
        raise BadParameter(name, raw, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, raw, "is not a real calendar date") from None


def parse_values(args: MultiDict[str, str], name: str) -> tuple[str, ...]:
    """A repeatable facet filter: non-empty values, first occurrence kept, bounded length."""
    seen: dict[str, None] = {}
    for value in args.getlist(name):
        value = clean_text(name, value)
        if len(value) > MAX_VALUE_CHARS:
            raise BadParameter(name, value, f"longer than {MAX_VALUE_CHARS} characters")
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def parse_search_args(args: MultiDict[str, str], limits: Limits) -> SearchRequest:
    """The search parameters of a request as a :class:`SearchRequest` (the core checks it against ``limits``)."""
    return SearchRequest(
        q=single(args, "q") or "",
        filters={name: parse_values(args, name) for name in FACET_NAMES},
        excludes={name: parse_values(args, exclude_parameter(name)) for name in FACET_NAMES},
        mentions=single(args, "mentions") or "any",
        date_from=parse_date(args, "from"),
        date_to=parse_date(args, "to"),
        sort=single(args, "sort") or "",
        page=parse_whole_number(args, "page", 1),
        per_page=parse_whole_number(args, "per_page", limits.per_page),
        facet_limit=limits.facet_limit,
    )


def parse_format(args: MultiDict[str, str]) -> str:
    """``format`` of ``/api/search``: json (default), csv or jsonl."""
    raw = single(args, "format") or "json"
    if raw not in FORMATS:
        raise BadParameter("format", raw, "must be one of " + ", ".join(FORMATS))
    return raw


def parse_prefix(args: MultiDict[str, str], name: str = "prefix") -> str:
    """The text a facet value search starts from (may be empty: the most frequent values)."""
    prefix = single(args, name) or ""
    if len(prefix) > MAX_VALUE_CHARS:
        raise BadParameter(name, prefix, f"longer than {MAX_VALUE_CHARS} characters")
    return prefix


def parse_facet_prefixes(args: MultiDict[str, str]) -> dict[str, str]:
    """The search page's "filter persons..." boxes: ``person_prefix`` etc., only the non-empty ones."""
    prefixes = {name: parse_prefix(args, f"{name}_prefix") for name in FACET_NAMES}
    return {name: prefix for name, prefix in prefixes.items() if prefix}


def parse_facet_page(args: MultiDict[str, str]) -> tuple[int, int]:
    """(page, per_page) of ``/api/facets/<name>``; ``limit`` is the older name of ``per_page``."""
    limit = parse_whole_number(args, "limit", FACET_VALUES_PER_REQUEST)
    per_page = parse_whole_number(args, "per_page", limit)
    if args.get("limit") and args.get("per_page") and limit != per_page:
        raise BadParameter("limit", limit, "give per_page or its older name limit, not both")
    return parse_whole_number(args, "page", 1), per_page


def parse_interval(args: MultiDict[str, str]) -> str:
    """``interval`` of a timeline: day, week, month or year; "" (absent) lets the core choose from the span."""
    raw = single(args, "interval")
    if raw is None:
        return ""
    if raw not in TIMELINE_INTERVALS:
        raise BadParameter("interval", raw, "must be one of " + ", ".join(TIMELINE_INTERVALS))
    return raw


def parse_normalize(args: MultiDict[str, str]) -> bool:
    """``normalize``: true draws each period's share of all stories, false (default) the counts."""
    raw = single(args, "normalize")
    if raw is None:
        return False
    if raw not in BOOLEANS:
        raise BadParameter("normalize", raw, "must be true or false")
    return BOOLEANS[raw]


def parse_compared(
    args: MultiDict[str, str], limits: Limits, skip_empty: bool = True
) -> tuple[list[str], SearchRequest]:
    """``/compare``: the queries to draw (``q`` repeated, at most MAX_COMPARED, the same one once) and the
    filters they share (every other search parameter). The page's form sends its empty boxes too, so empty
    queries are skipped there; the API refuses them (``skip_empty=False``)."""
    queries = [clean_text("q", value) for value in args.getlist("q")]
    if not skip_empty and (not queries or not all(queries)):
        raise BadParameter("q", queries, "give one to four queries, none of them empty")
    queries = list(dict.fromkeys(q for q in queries if q))
    if len(queries) > MAX_COMPARED:
        raise BadParameter("q", queries, f"compare at most {MAX_COMPARED} queries")
    shared = MultiDict([(name, value) for name, value in args.items(multi=True) if name != "q"])
    return queries, parse_search_args(shared, limits)


def raw_query(args: MultiDict[str, str]) -> str:
    """The query text as typed, for refilling the search box on an error page (never raises)."""
    values = args.getlist("q")
    return values[0] if len(values) == 1 and "\x00" not in values[0] else ""


def to_args(req: SearchRequest, **changes: Any) -> list[tuple[str, str]]:
    """The inverse of :func:`parse_search_args`: query arguments that reproduce ``req`` (with changes).

    Defaults are left out so links stay short; ``page`` goes back to 1 unless given.
    """
    values: dict[str, Any] = {
        "q": req.q,
        **{name: req.selected(name) for name in FACET_NAMES},
        **{exclude_parameter(name): req.excluded(name) for name in FACET_NAMES},
        "mentions": None if req.mentions == "any" else req.mentions,
        "from": req.date_from,
        "to": req.date_to,
        "sort": req.sort,
        "page": 1,
        "per_page": req.per_page,
    }
    values.update(changes)
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if isinstance(value, tuple | list):
            pairs.extend((name, v) for v in value)
        elif value not in (None, "") and not (name == "page" and value == 1):
            pairs.append((name, value.isoformat() if isinstance(value, date) else str(value)))
    return pairs
