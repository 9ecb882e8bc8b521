"""Extraction in worker processes: every article comes back once, and the corpus is read only a few chunks ahead
of the results (the indexer streams a million-story corpus through it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.indexing import pipeline
from search.models import Article


class CountingArticles:
    """An iterable of short articles that counts how many have been taken from it."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.taken = 0

    def __iter__(self) -> Iterator[Article]:
        for n in range(self.count):
            self.taken += 1
            yield Article(id=f"a{n}", title=f"Story {n}", body=f"Minister Jan Kowalski{n} visited Poland on day {n}.")


def test_worker_processes_return_every_article_once_and_read_a_bounded_way_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 4)
    monkeypatch.setattr(pipeline, "IN_FLIGHT_PER_WORKER", 2)
    articles = CountingArticles(300)
    ahead = []
    returned = []
    for article, prepared, error in pipeline.extract_entities(articles, workers=2):
        assert error is None and prepared is not None
        returned.append(article.id)
        ahead.append(articles.taken - len(returned))
    assert sorted(returned) == sorted(f"a{n}" for n in range(300))
    assert max(ahead) <= pipeline.IN_PROCESS_BELOW + 2 * 2 * 4  # what was peeked, plus the chunks in flight
    assert ahead[-1] == 0


def test_nothing_to_extract_starts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_extractor() -> None:
        raise AssertionError("the NLTK models were loaded for an empty run")

    monkeypatch.setattr(pipeline, "get_extractor", no_extractor)
    assert list(pipeline.extract_entities(iter([]), workers=2)) == []
    assert list(pipeline.extract_entities(iter([]), workers=1)) == []
