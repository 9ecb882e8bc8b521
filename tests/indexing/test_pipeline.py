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


def dies_on(monkeypatch: pytest.MonkeyPatch, article_id: str | None, times_file=None) -> None:
    """Make a worker process die (as the OOM killer would end it) when it extracts ``article_id`` (None: any
    article): every time, or only while ``times_file`` does not exist yet (it is created first: once)."""
    import os

    from search.entities import EntityExtractor

    real = EntityExtractor.extract

    def extract(self, article):
        if article_id in (None, article.id) and os.getpid() != parent:
            if times_file is None:
                os._exit(9)
            if not times_file.exists():
                times_file.touch()
                os._exit(9)
        return real(self, article)

    parent = os.getpid()
    monkeypatch.setattr(EntityExtractor, "extract", extract)


def test_a_worker_that_dies_loses_no_article(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 4)
    dies_on(monkeypatch, "a37", times_file=tmp_path / "died")
    results = list(pipeline.extract_entities(CountingArticles(200), workers=2))
    assert (tmp_path / "died").exists(), "the worker did die"
    assert sorted(article.id for article, _, _ in results) == sorted(f"a{n}" for n in range(200))
    assert all(error is None for _, _, error in results)


def test_an_article_that_kills_its_worker_every_time_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 4)
    dies_on(monkeypatch, "a37")
    results = list(pipeline.extract_entities(CountingArticles(200), workers=2))
    assert sorted(article.id for article, _, _ in results) == sorted(f"a{n}" for n in range(200))
    failed = {article.id: error for article, prepared, error in results if prepared is None}
    assert list(failed) == ["a37"] and "worker died" in failed["a37"]


def test_workers_that_die_on_every_story_stop_the_run_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not every story reported as failed after two pool restarts each: the machine is at fault, not them."""
    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 4)
    monkeypatch.setattr(pipeline, "WORKER_DEATHS_IN_A_ROW", 3)
    dies_on(monkeypatch, None)
    with pytest.raises(pipeline.ExtractionWorkersDying, match=r"died 3 times in a row.*fewer --workers"):
        list(pipeline.extract_entities(CountingArticles(100), workers=2))
