"""Did you mean, for the whole query (search/retrieve/respell.py): the fewest corrections that find results."""

from __future__ import annotations

from search.models import SearchRequest
from search.retrieve.respell import best_respelling, respellings
from search.retrieve.suggest import SpellingDictionary

from support import article, write_articles


def test_respellings_go_from_fewest_changes_to_all() -> None:
    assert respellings("cofee brasil", "coffee brazil") == [["coffee brasil", "cofee brazil"], ["coffee brazil"]]
    assert respellings('"cofee" AND title:brasil', '"coffee" AND title:brazil')[0] == [
        '"coffee" AND title:brasil',
        '"cofee" AND title:brazil',
    ]
    many = "aaaa bbbb cccc dddd eeee"
    assert respellings(many, many.upper()) == [[many.upper()]]  # too many to try one by one: all at once


def test_the_correction_with_fewest_changes_that_finds_something_wins() -> None:
    words = SpellingDictionary({"coffee": 50, "brazil": 40, "brasil": 2})
    found = {"coffee brasil": 8, "coffee brazil": 75, "cofee brazil": 0}
    assert best_respelling("cofee brasil", words, lambda q: found.get(q, 0)) == "coffee brasil"
    assert best_respelling("cofee brasil", words, lambda q: 0) is None  # no correction finds anything
    assert best_respelling("coffee", words, lambda q: 1) is None  # nothing to correct


def test_multi_word_queries_are_corrected_as_a_whole(tmp_path) -> None:
    stories = [
        article(f"b{i}", f"Brazil coffee report {i}", "Coffee prices rose in Brazil on frost fears.") for i in range(12)
    ]
    stories += [article("bb", "Banco do Brasil coffee loans", "Banco do Brasil lent coffee growers money.")]
    index = write_articles(tmp_path, stories)
    try:
        with index.searcher() as searcher:
            page = searcher.search(SearchRequest(q="cofee brasil"))
            assert page.total == 0 and page.suggestion == "coffee brasil"
            assert searcher.count(SearchRequest(q=page.suggestion)) == 1
            assert searcher.search(SearchRequest(q="cofee brazil")).suggestion == "coffee brazil"
    finally:
        index.close()
