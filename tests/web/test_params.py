"""web.params: request arguments -> SearchRequest, and back again."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from search.errors import BadParameter
from search.models import SearchRequest
from search.settings import Limits
from web.params import check_encoding, parse_facet_prefixes, parse_format, parse_search_args, raw_query, to_args

LIMITS = Limits(per_page=10, max_per_page=100, max_depth=1000, facet_limit=10, query_max_chars=50)


def parse(*pairs: tuple[str, str]) -> SearchRequest:
    return parse_search_args(MultiDict(list(pairs)), LIMITS)


def test_defaults() -> None:
    assert parse() == SearchRequest(q="", per_page=10, page=1, facet_limit=10)


def test_every_parameter() -> None:
    req = parse(
        ("q", "  oil prices "),
        ("person", "Paul Volcker"),
        ("person", "James Baker"),
        ("person", "Paul Volcker"),
        ("country", "Japan"),
        ("org", "OPEC"),
        ("org", " "),
        ("from", "1987-02-01"),
        ("to", "1987-03-31"),
        ("sort", "oldest"),
        ("page", "3"),
        ("per_page", "25"),
        ("utm_source", "ignored"),
    )
    assert req == SearchRequest(
        q="oil prices",
        filters={"person": ("Paul Volcker", "James Baker"), "country": ("Japan",), "org": ("OPEC",)},
        date_from=date(1987, 2, 1),
        date_to=date(1987, 3, 31),
        sort="oldest",
        page=3,
        per_page=25,
        facet_limit=10,
    )


@pytest.mark.parametrize(
    ("pairs", "parameter", "reason"),
    [
        ([("page", "-1")], "page", "whole number"),
        ([("page", "abc")], "page", "whole number"),
        ([("page", "1.5")], "page", "whole number"),
        ([("page", "٣")], "page", "whole number"),  # a non-ASCII digit
        ([("page", "9" * 400)], "page", "whole number"),
        ([("page", "1"), ("page", "2")], "page", "at most once"),
        ([("sort", "newest"), ("sort", "oldest")], "sort", "at most once"),
        ([("from", "yesterday")], "from", "YYYY-MM-DD"),
        ([("from", "1987-02-30")], "from", "real calendar date"),
        ([("to", "87-1-1")], "to", "YYYY-MM-DD"),
        ([("q", "oil\x00")], "q", "control characters"),
        ([("q", "a"), ("q", "b")], "q", "at most once"),
        ([("person", "a\x07b")], "person", "control characters"),
        ([("country", "x" * 201)], "country", "longer than 200"),
    ],
)
def test_bad_parameters_name_the_parameter(pairs: list[tuple[str, str]], parameter: str, reason: str) -> None:
    with pytest.raises(BadParameter) as caught:
        parse(*pairs)
    assert caught.value.parameter == parameter
    assert reason in caught.value.message
    assert caught.value.status == 400


def test_values_are_read_not_judged() -> None:
    """Bounds, depth, sort names and date order are the core's rules (search.retrieve.searcher.check_request)."""
    req = parse(("page", "0"), ("per_page", "101"), ("sort", "random"), ("from", "1987-05-01"), ("to", "1987-04-01"))
    assert (req.page, req.per_page, req.sort) == (0, 101, "random")
    assert (req.date_from, req.date_to) == (date(1987, 5, 1), date(1987, 4, 1))


def test_invalid_utf8_is_refused_and_named() -> None:
    check_encoding(b"q=%C3%A9t%C3%A9&person=Jos%C3%A9+Sarney")
    with pytest.raises(BadParameter) as caught:
        check_encoding(b"page=1&q=%ff%fe")
    assert caught.value.parameter == "q"
    assert "UTF-8" in caught.value.message


def test_format_and_prefixes() -> None:
    assert parse_format(MultiDict()) == "json"
    assert parse_format(MultiDict([("format", "csv")])) == "csv"
    with pytest.raises(BadParameter) as caught:
        parse_format(MultiDict([("format", "xml")]))
    assert caught.value.parameter == "format"
    assert parse_facet_prefixes(MultiDict([("person_prefix", " vol "), ("org_prefix", "")])) == {"person": "vol"}


def test_raw_query_never_raises() -> None:
    assert raw_query(MultiDict([("q", "oil")])) == "oil"
    assert raw_query(MultiDict([("q", "a"), ("q", "b")])) == ""
    assert raw_query(MultiDict([("q", "a\x00")])) == ""


def test_to_args_round_trips() -> None:
    req = parse(
        ("q", "oil"),
        ("person", "A B"),
        ("person", "C"),
        ("from", "1987-01-01"),
        ("sort", "newest"),
        ("page", "4"),
        ("per_page", "20"),
    )
    pairs = to_args(req, page=req.page)
    assert pairs == [
        ("q", "oil"),
        ("person", "A B"),
        ("person", "C"),
        ("from", "1987-01-01"),
        ("sort", "newest"),
        ("page", "4"),
        ("per_page", "20"),
    ]
    assert parse(*pairs) == req
    assert ("page", "4") not in to_args(req)  # links go back to page 1 unless told
    assert to_args(req, q=None, person=(), per_page=None) == [("from", "1987-01-01"), ("sort", "newest")]
