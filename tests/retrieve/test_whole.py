"""The page of every story (browsing without a query), counted once per generation, and date-order pages."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from search.models import SearchRequest
from search.retrieve.scoring import first_in_order

from support import search_request


def test_a_page_of_every_story_equals_the_same_stories_counted_afresh(small_index) -> None:
    """Excluding a value no story names selects the same stories by the ordinary path: same page."""
    nowhere = {"country": ("Atlantis",)}
    for request in (SearchRequest(facet_limit=100), SearchRequest(facet_limit=100, mentions="about")):
        with small_index.searcher() as searcher:
            whole = searcher.search(request)
            afresh = searcher.search(replace(request, excludes=nowhere))
        assert whole.total == afresh.total > 0
        assert [h.id for h in whole.hits] == [h.id for h in afresh.hits]
        assert whole.date_histogram == afresh.date_histogram
        assert whole.facet_totals == afresh.facet_totals
        for name, values in whole.facets.items():
            assert values == tuple(v for v in afresh.facets[name] if v.value != "Atlantis"), name


def test_a_facet_with_only_its_own_selection_counts_every_story(small_index) -> None:
    with small_index.searcher() as searcher:
        everything = searcher.search(SearchRequest(facet_limit=100))
        chosen = searcher.search(search_request(country=("Israel",), facet_limit=100))
    counts = {v.value: v.count for v in everything.facets["country"]}
    assert {v.value: v.count for v in chosen.facets["country"]} == counts
    assert chosen.total == counts["Israel"] < everything.total


def test_the_whole_collection_is_counted_once_and_shared_read_only(small_index) -> None:
    with small_index.searcher() as searcher:
        searcher.search(SearchRequest())
        whole = searcher._gen.whole
        first = whole.counts("country", False)
    with small_index.searcher() as searcher:
        searcher.search(SearchRequest())
        assert searcher._gen.whole.counts("country", False) is first
    assert not whole.stories.flags.writeable and not first.flags.writeable
    with pytest.raises(ValueError):
        whole.stories[0] = not whole.stories[0]


@pytest.mark.parametrize("share", [0.0, 0.001, 0.02, 0.5, 1.0])
@pytest.mark.parametrize("k", [1, 10, 300])
def test_first_in_order_is_the_head_of_the_filtered_order(share: float, k: int) -> None:
    rng = np.random.default_rng(int(share * 1000) + k)
    size = 20_000
    order = rng.permutation(size)
    results = rng.random(size) < share
    expected = order[results[order]][:k]
    assert first_in_order(order, results, k, int(results.sum())).tolist() == expected.tolist()


def test_first_in_order_reads_further_when_the_results_come_late() -> None:
    """Results bunched at the end of the order (the oldest stories, newest first) are still found."""
    order = np.arange(100_000)[::-1]
    results = np.zeros(100_000, dtype=bool)
    results[:50] = True  # the last 50 of the order
    assert first_in_order(order, results, 10, 50).tolist() == list(range(49, 39, -1))


def test_opening_an_index_turns_numpy_huge_page_advice_off_unless_the_environment_decides(
    tmp_path, monkeypatch
) -> None:
    """A first write into a huge-page array may wait for the kernel to compact memory: 190 ms instead of 80 ms
    of combining a generation's arrays after a merge at a million stories."""
    multiarray = pytest.importorskip("numpy._core.multiarray")  # numpy 2 (numpy 1 names it numpy.core)
    _set_madvise_hugepage = multiarray._set_madvise_hugepage

    from search.retrieve.index import open_index

    from support import small_articles, write_articles

    write_articles(tmp_path / "ix", small_articles()[:2]).close()
    original = _set_madvise_hugepage(True)
    try:
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
        open_index(tmp_path / "ix").close()
        assert _set_madvise_hugepage(True) is False, "turned off"
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
        open_index(tmp_path / "ix").close()
        assert _set_madvise_hugepage(True) is True, "left as the environment says"
    finally:
        _set_madvise_hugepage(original)


@pytest.mark.parametrize("interval", ["", "month", "year"])
@pytest.mark.parametrize("normalize", [False, True])
def test_the_timeline_of_every_story_equals_one_counted_afresh(small_index, interval: str, normalize: bool) -> None:
    with small_index.searcher() as searcher:
        whole = searcher.timeline(SearchRequest(), interval, normalize)
        again = searcher.timeline(SearchRequest(), interval, normalize)
        afresh = searcher.timeline(SearchRequest(excludes={"country": ("Atlantis",)}), interval, normalize)
    assert whole == afresh and whole.total > 0 and whole.buckets
    assert again is whole, "counted once per generation"


def test_an_interval_refused_for_every_story_is_refused_each_time(small_index) -> None:
    from search.errors import BadParameter

    for _ in range(2):  # an error is not kept as a result
        with small_index.searcher() as searcher, pytest.raises(BadParameter):
            searcher.timeline(SearchRequest(), "fortnight" if _ else "day")  # unknown; too many buckets
