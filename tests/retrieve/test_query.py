"""The query language: what parses to what, and every kind of bad input as a BadQuery a person can read."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from search.errors import BadQuery
from search.indexing.schema import make_schema
from search.models import SearchRequest
from search.retrieve import query as query_module
from search.retrieve.query import parse_query

SCHEMA = make_schema()
MAX_CHARS = 1000


def parsed(text: str) -> wq.Query:
    return parse_query(text, SCHEMA, MAX_CHARS).query


def test_plain_words_must_all_match_in_title_or_body() -> None:
    assert parsed("oil prices") == wq.And(
        [
            wq.Or([wq.Term("title", "oil"), wq.Term("body", "oil")]),
            wq.Or([wq.Term("title", "price"), wq.Term("body", "price")]),
        ]
    )


def test_phrase_searches_both_fields_stemmed() -> None:
    q = parsed('"oil prices"')
    assert isinstance(q, wq.Or)
    assert {(p.fieldname, tuple(p.words)) for p in q.subqueries} == {
        ("title", ("oil", "price")),
        ("body", ("oil", "price")),
    }


def test_operators_and_parentheses() -> None:
    q = parsed("(coffee OR cocoa) AND brazil NOT frost")
    assert isinstance(q, wq.And)
    kinds = [type(part) for part in q.subqueries]
    assert kinds == [wq.Or, wq.Or, wq.Not]
    assert {t.text for t in q.subqueries[0].leaves()} == {"coffe", "cocoa"}


@pytest.mark.parametrize(
    "text, field, expected",
    [
        ("person:putin", "person_text", wq.Term),
        ('person:"vladimir putin"', "person_text", wq.Phrase),
        ("country:japan", "country_text", wq.Term),
        ("org:opec", "org_text", wq.Term),
        ("title:oil", "title", wq.Term),
        ("body:oil", "body", wq.Term),
    ],
)
def test_field_queries_map_entity_fields_to_their_word_fields(text: str, field: str, expected: type) -> None:
    q = parsed(text)
    assert isinstance(q, expected)
    assert q.fieldname == field


def test_prefix_query_is_stemmed_like_the_index() -> None:
    q = parsed("intervent*")  # the analyzer stems the prefix too: "interv" still starts every form's stem
    assert {(p.fieldname, p.text) for p in q.subqueries} == {("title", "interv"), ("body", "interv")}
    assert all(isinstance(p, wq.Prefix) for p in q.subqueries)


def test_control_characters_read_as_spaces() -> None:
    assert parsed("oil\x00prices\x07") == parsed("oil prices")


def test_a_colon_after_digits_is_text_not_a_field() -> None:
    assert {t.text for t in parsed("10:30").leaves()} == {"10", "30"}


@pytest.mark.parametrize(
    "text, message",
    [
        ('"oil prices', "Unbalanced quote"),
        ("(oil OR gas", "Unbalanced parentheses"),
        ("oil)", "Unbalanced parentheses"),
        ("AND OR", "Nothing to search for"),
        ("NOT", "Nothing to search for"),
        ("the of and", "Nothing to search for"),
        ("x~5", "Nothing to search for"),
        ("a*", "too broad"),
        ("*", "leave the query empty"),
        ("?il", "too broad"),
        ("foo:bar", "Unknown field 'foo:'"),
        ("date:1987", "Use the date filters"),
        ("id:reuters-1", "Unknown field 'id:'"),
        ("x" * 10_000, "too long"),
        ("(" * 30 + "oil" + ")" * 30, "nested too deeply"),
        (" ".join(f"word{i}" for i in range(100)), "too many words"),
        (" NOT  AND a", "check where AND, OR and NOT stand"),
        ('"' + " ".join(f"word{i}" for i in range(20)) + '"', "at most 16 words"),  # crashes Whoosh's parser itself
    ],
)
def test_bad_input_is_a_bad_query_with_a_readable_message(text: str, message: str) -> None:
    with pytest.raises(BadQuery) as caught:
        parse_query(text, SCHEMA, MAX_CHARS)
    assert message in caught.value.message
    assert caught.value.parameter == "q"


def test_wildcards_expanding_to_too_many_words_are_refused(small_index, monkeypatch) -> None:
    monkeypatch.setattr(query_module, "MAX_EXPANSION", 2)
    with small_index.searcher() as searcher:
        assert searcher.search(SearchRequest(q="netan*")).total == 2  # one index word: fine
        with pytest.raises(BadQuery, match="matches too many words"):
            searcher.search(SearchRequest(q="co*"))  # coffee, comment, congress, council, ...
    with small_index.searcher() as searcher:  # each word below is one index word in title and one in body
        assert searcher.search(SearchRequest(q="netan* OR volck*")).total == 4  # 4 expansions in all: fine
        with pytest.raises(BadQuery, match="wildcards of this query match too many words together"):
            searcher.search(SearchRequest(q="netan* OR volck* OR opec*"))  # 6 > 2 * MAX_EXPANSION


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                *list('abcoilpr *?"():~-\\^[]{}!/\x00'),
                " AND ",
                " OR ",
                " NOT ",
                "title:",
                "person:",
                "oil",
                "opec",
                "ne*",
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_any_text_gives_a_page_or_a_bad_query(small_index, text: str) -> None:
    started = time.perf_counter()
    with small_index.searcher() as searcher:
        try:
            page = searcher.search(SearchRequest(q=text))
        except BadQuery as error:
            assert error.message
        else:
            assert page.total >= 0
    assert time.perf_counter() - started < 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_unicode_parses_or_is_a_bad_query(text: str) -> None:
    try:
        parse_query(text, SCHEMA, MAX_CHARS)
    except BadQuery as error:
        assert error.message


@pytest.mark.parametrize(
    "text", ["x" * 999, "volcker" * 140, " ".join(["zzzzzz"] * 60), "ab* " * 30, '"' + "oil " * 200 + '"', "\x00" * 900]
)
def test_hostile_queries_answer_quickly(small_index, text: str) -> None:
    started = time.perf_counter()
    with small_index.searcher() as searcher, contextlib.suppress(BadQuery):
        searcher.search(SearchRequest(q=text))
    assert time.perf_counter() - started < 1.0
