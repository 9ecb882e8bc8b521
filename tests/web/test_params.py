"""web.params: request arguments -> SearchRequest, and back again."""
from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from search.errors import BadParameter
from search.models import SearchRequest
from web.params import (check_encoding, parse_facet_prefixes, parse_format, parse_search_args, raw_query,
                        to_args)

CONFIG = {"PER_PAGE": 10, "MAX_PER_PAGE": 100, "MAX_DEPTH": 1000, "FACET_LIMIT": 10, "QUERY_MAX_CHARS": 50}


def parse(*pairs: tuple[str, str]) -> SearchRequest:
    return parse_search_args(MultiDict(list(pairs)), CONFIG)


def test_defaults() -> None:
    assert parse() == SearchRequest(q="", per_page=10, page=1, facet_limit=10)


def test_every_parameter() -> None:
    req = parse(("q", "  oil prices "), ("person", "Paul Volcker"), ("person", "James Baker"),
                ("person", "Paul Volcker"), ("country", "Japan"), ("org", "OPEC"), ("org", " "),
                ("from", "1987-02-01"), ("to", "1987-03-31"), ("sort", "oldest"), ("page", "3"),
                ("per_page", "25"), ("utm_source", "ignored"))
    assert req == SearchRequest(q="oil prices", persons=("Paul Volcker", "James Baker"), countries=("Japan",),
                                orgs=("OPEC",), date_from=date(1987, 2, 1), date_to=date(1987, 3, 31),
                                sort="oldest", page=3, per_page=25, facet_limit=10)


@pytest.mark.parametrize(("pairs", "parameter", "reason"), [
    ([("page", "0")], "page", "whole number from 1"),
    ([("page", "-1")], "page", "whole number from 1"),
    ([("page", "abc")], "page", "whole number"),
    ([("page", "1.5")], "page", "whole number"),
    ([("page", "٣")], "page", "whole number"),  # a non-ASCII digit
    ([("page", "9" * 400)], "page", "whole number"),
    ([("page", "101")], "page", "first 1000 results"),
    ([("page", "1"), ("page", "2")], "page", "at most once"),
    ([("per_page", "0")], "per_page", "from 1 to 100"),
    ([("per_page", "101")], "per_page", "from 1 to 100"),
    ([("sort", "random")], "sort", "relevance, newest, oldest"),
    ([("sort", "newest"), ("sort", "oldest")], "sort", "at most once"),
    ([("from", "yesterday")], "from", "YYYY-MM-DD"),
    ([("from", "1987-02-30")], "from", "real calendar date"),
    ([("to", "87-1-1")], "to", "YYYY-MM-DD"),
    ([("from", "1987-05-01"), ("to", "1987-04-01")], "to", "not be before"),
    ([("q", "x" * 51)], "q", "longer than 50"),
    ([("q", "oil\x00")], "q", "control characters"),
    ([("q", "a"), ("q", "b")], "q", "at most once"),
    ([("person", "a\x07b")], "person", "control characters"),
    ([("country", "x" * 201)], "country", "longer than 200"),
])
def test_bad_parameters_name_the_parameter(pairs: list[tuple[str, str]], parameter: str, reason: str) -> None:
    with pytest.raises(BadParameter) as caught:
        parse(*pairs)
    assert caught.value.parameter == parameter
    assert reason in caught.value.message
    assert caught.value.status == 400


def test_deepest_allowed_page() -> None:
    assert parse(("page", "100")).page == 100
    assert parse(("page", "10"), ("per_page", "100")).page == 10
    with pytest.raises(BadParameter):
        parse(("page", "11"), ("per_page", "100"))


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
    req = parse(("q", "oil"), ("person", "A B"), ("person", "C"), ("from", "1987-01-01"), ("sort", "newest"),
                ("page", "4"), ("per_page", "20"))
    pairs = to_args(req, page=req.page)
    assert pairs == [("q", "oil"), ("person", "A B"), ("person", "C"), ("from", "1987-01-01"),
                     ("sort", "newest"), ("page", "4"), ("per_page", "20")]
    assert parse(*pairs) == req
    assert ("page", "4") not in to_args(req)  # links go back to page 1 unless told
    assert to_args(req, q=None, person=(), per_page=None) == [("from", "1987-01-01"), ("sort", "newest")]
