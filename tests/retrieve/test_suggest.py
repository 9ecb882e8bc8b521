"""Did you mean: rare words replaced by close, much more frequent ones; the query's syntax left alone."""

from __future__ import annotations

import time

import pytest
from whoosh import index as whoosh_index

from search.retrieve.generation import build_generation
from search.retrieve.suggest import SpellingDictionary, edit_distance, suggest_query

from support import article, write_articles

WORDS = SpellingDictionary(
    {
        "volcker": 120,
        "volker": 0,
        "netanyahu": 40,
        "baker": 300,
        "bakers": 12,
        "dollar": 2000,
        "dollars": 900,
        "opec": 500,
        "prices": 1500,
        "price": 1700,
        "oil": 3000,
        "rare": 1,
        "rate": 2500,
        "japan": 800,
        "japanese": 600,
        "crude": 700,
        "market": 1900,
    }
)


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("volker", "volcker", 1),
        ("netanyahoo", "netanyahu", 2),
        ("teh", "the", 1),
        ("abc", "abc", 0),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


@pytest.mark.parametrize(
    "word, expected",
    [
        ("volker", "volcker"),  # absent -> one letter missing
        ("netanyahoo", "netanyahu"),  # absent -> two edits away, long word
        ("dollr", "dollar"),
        ("VOLKER", "volcker"),
        ("dollar", None),  # frequent: taken as meant
        ("bakers", None),  # known and not rare enough to doubt
        ("rate", None),
        ("zzzzzz", None),  # nothing close
        ("japn", "japan"),
    ],
)
def test_correct(word: str, expected: str | None) -> None:
    assert WORDS.correct(word) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("volker", "volcker"),
        ("Volker dollr", "Volcker dollar"),
        ('"crude prces" AND volker', '"crude prices" AND volcker'),
        ("person:volker OR (opec NOT japn)", "person:volcker OR (opec NOT japan)"),
        ("volk*", None),  # wildcards are left as typed
        ("title:oil", None),
        ("oil prices", None),
        ("AND OR NOT", None),
        ("oil 1987", None),
    ],
)
def test_suggest_query_keeps_operators_phrases_and_fields(query: str, expected: str | None) -> None:
    assert suggest_query(query, WORDS) == expected


def test_an_empty_dictionary_suggests_nothing() -> None:
    assert suggest_query("volker", SpellingDictionary({})) is None


def test_very_long_words_are_not_corrected_and_cost_nothing() -> None:
    started = time.perf_counter()
    assert WORDS.correct("volcker" * 150) is None
    assert suggest_query("x" * 999, WORDS) is None
    assert time.perf_counter() - started < 0.1


def test_word_frequencies_add_up_across_index_segments(tmp_path) -> None:
    """Each commit may leave its own segment (Whoosh keeps small ones apart); the dictionary counts them all."""
    write_articles(tmp_path, [article("a", "Volcker speaks", "Volcker said the dollar fell.")]).close()
    write_articles(tmp_path, [article("b", "Volcker again", "The dollar rose, Volcker said.")]).close()
    ix = whoosh_index.open_dir(str(tmp_path))
    try:
        with ix.searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) == 2
            counts = build_generation(searcher.reader()).spelling.frequencies
    finally:
        ix.close()
    assert counts["volcker"] == 2 and counts["dollar"] == 2 and counts["fell"] == 1
