"""Results over time (search/retrieve/timeline.py and NewsSearcher.timeline / compare): buckets of a day, week,
month or year, the interval chosen from the span, shares of all stories, one set of buckets for several searches."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from search.errors import BadParameter
from search.facets import FACET_NAMES
from search.models import SearchRequest, TimelineBucket
from search.retrieve.facet_counts import NO_DATE, DateIndex
from search.retrieve.timeline import MAX_BUCKETS, bucket_dates, choose_interval, key_of, timelines

from support import article, search_request, write_articles


def days(*isos: str | None) -> np.ndarray:
    return np.asarray([date.fromisoformat(d).toordinal() if d else NO_DATE for d in isos], dtype=np.int64)


def test_the_interval_follows_the_span() -> None:
    start = date(1987, 3, 1).toordinal()
    assert [choose_interval(start, start + span) for span in (0, 62, 63, 366, 367, 8 * 366, 8 * 366 + 1)] == [
        "day",
        "day",
        "week",
        "week",
        "month",
        "month",
        "year",
    ]


def test_bucket_keys_and_their_dates() -> None:
    monday, sunday = date(1987, 3, 2), date(1987, 3, 8)
    assert key_of("week", monday.toordinal()) == key_of("week", sunday.toordinal())
    assert key_of("week", sunday.toordinal() + 1) == key_of("week", monday.toordinal()) + 1
    assert bucket_dates("week", key_of("week", date(1987, 3, 5).toordinal())) == (monday, sunday, "1987-W10")
    assert bucket_dates("month", key_of("month", date(1988, 2, 10).toordinal())) == (
        date(1988, 2, 1),
        date(1988, 2, 29),
        "1988-02",
    )
    assert bucket_dates("month", key_of("month", date(1987, 12, 31).toordinal()))[1] == date(1987, 12, 31)
    assert bucket_dates("year", 1987) == (date(1987, 1, 1), date(1987, 12, 31), "1987")
    assert bucket_dates("day", date(1987, 3, 5).toordinal())[2] == "1987-03-05"


def test_counts_per_bucket_are_contiguous_and_shares_use_every_story() -> None:
    index = DateIndex(days("1987-03-02", "1987-03-03", "1987-03-20", "1987-03-21", None, "1987-04-30"))
    stories = np.ones(6, dtype=bool)
    matched = np.asarray([True, False, True, True, True, False])
    (weekly,) = timelines(index, [matched], stories, "week", normalize=True)
    assert (weekly.interval, weekly.total, weekly.undated) == ("week", 4, 1)
    assert [(b.label, b.count, b.stories, b.share) for b in weekly.buckets] == [
        ("1987-W10", 1, 2, 0.5),
        ("1987-W11", 0, 0, 0.0),
        ("1987-W12", 2, 2, 1.0),
    ]
    (auto,) = timelines(index, [matched], stories)
    assert auto.interval == "day" and len(auto.buckets) == 20  # 2 to 21 March, empty days included
    assert all(b.share is None for b in auto.buckets)  # not normalised
    (monthly,) = timelines(index, [matched], stories, "month", date_to=date(1987, 4, 30))
    assert [b.label for b in monthly.buckets] == ["1987-03", "1987-04"]  # the date range is shown whole


def test_several_masks_share_one_set_of_buckets() -> None:
    index = DateIndex(days("1987-01-15", "1988-06-15", "1988-06-20"))
    stories = np.ones(3, dtype=bool)
    first, second = timelines(index, [np.asarray([True, False, False]), np.asarray([False, True, True])], stories)
    assert first.interval == second.interval == "month"  # the span of both: a year and a half
    assert [b.start for b in first.buckets] == [b.start for b in second.buckets]
    assert len(first.buckets) == 18
    assert [b.count for b in first.buckets] == [1] + [0] * 17
    assert [b.count for b in second.buckets] == [0] * 17 + [2]
    (nothing,) = timelines(index, [np.zeros(3, dtype=bool)], stories, "week")
    assert nothing.buckets == () and nothing.total == 0 and nothing.interval == "week"


def test_a_chosen_interval_is_checked() -> None:
    index = DateIndex(days("1980-01-01", "1989-12-31"))
    stories = np.ones(2, dtype=bool)
    with pytest.raises(BadParameter, match="interval"):
        timelines(index, [stories], stories, "hour")
    with pytest.raises(BadParameter, match=f"at most {MAX_BUCKETS:,}"):
        timelines(index, [stories], stories, "day")  # ten years of days
    assert len(timelines(index, [stories], stories, "year")[0].buckets) == 10


# -- through the searcher ------------------------------------------------------------------------------------


def test_search_timeline_counts_like_the_results_page(small_index) -> None:
    with small_index.searcher() as searcher:
        request = search_request(q="oil")
        page = searcher.search(request)
        timeline = searcher.timeline(request)
        monthly = searcher.timeline(request, "month", normalize=True)
    assert timeline.total == page.total
    assert sum(b.count for b in timeline.buckets) == page.total - timeline.undated
    assert timeline.interval == "day"  # 3 March to 1 April 1987
    march = next(b for b in monthly.buckets if b.label == "1987-03")
    assert march.count == 2 and march.stories == 5  # a2, a3, a4, t1 and d1 (d2 is its near-duplicate)
    assert march.share == pytest.approx(2 / 5, abs=1e-6)


def test_timeline_uses_the_filters_and_the_date_range(small_index) -> None:
    with small_index.searcher() as searcher:
        everything = searcher.timeline(SearchRequest())
        japan = searcher.timeline(search_request(country=("Japan",)))
        march = searcher.timeline(SearchRequest(date_from=date(1987, 3, 1), date_to=date(1987, 3, 31)))
    assert everything.interval == "year" and everything.undated == 1  # 1987 to 2015, u1 undated
    assert everything.buckets[0].label == "1987" and everything.buckets[-1].label == "2015"
    assert [b.count for b in japan.buckets] == [1] and japan.total == 1
    assert march.interval == "day" and len(march.buckets) == 31  # the whole of March
    assert march.buckets[0].start == "1987-03-01" and march.buckets[-1].end == "1987-03-31"


def test_compare_draws_every_query_over_the_same_buckets(small_index) -> None:
    with small_index.searcher() as searcher:
        volcker, opec = searcher.compare([search_request(q="volcker"), search_request(q="opec")], "month")
        with pytest.raises(BadParameter, match="interval"):
            searcher.compare([search_request(q="volcker")], "fortnight")
    assert [b.label for b in volcker.buckets] == [b.label for b in opec.buckets] == ["1987-02", "1987-03"]
    assert [b.count for b in volcker.buckets] == [1, 1] and [b.count for b in opec.buckets] == [0, 2]
    assert (volcker.total, opec.total) == (2, 2)


def test_timeline_json(small_index) -> None:
    with small_index.searcher() as searcher:
        data = searcher.timeline(search_request(q="volcker"), "month", normalize=True).to_dict()
    assert list(data) == ["interval", "normalize", "total", "undated", "buckets"]
    assert data["buckets"][0] == {
        "start": "1987-02-01",
        "end": "1987-02-28",
        "label": "1987-02",
        "count": 1,
        "share": 1.0,
    }
    assert TimelineBucket("a", "b", "c", 1).share is None


def test_a_page_its_timeline_and_count_evaluate_the_query_once(small_index, monkeypatch) -> None:
    import search.retrieve.searcher as searcher_module

    calls = []
    original = searcher_module.evaluate
    monkeypatch.setattr(searcher_module, "evaluate", lambda *a: calls.append(1) or original(*a))
    with small_index.searcher() as searcher:
        request = search_request(q="oil", country=("Saudi Arabia",))
        searcher.search(request)
        searcher.timeline(request)
        assert searcher.count(request) == 2
    assert len(calls) == 1
    assert set(FACET_NAMES) == {"person", "country", "org", "lang"}


def test_an_article_read_from_a_search_knows_its_neighbours(tmp_path) -> None:
    index = write_articles(
        tmp_path,
        [
            article(f"n{i}", f"Grain report {i}", f"Grain shipments report number {i}.", f"1987-03-{i + 1:02d}")
            for i in range(5)
        ],
    )
    try:
        with index.searcher() as searcher:
            request = SearchRequest(q="grain", sort="oldest", per_page=2)
            assert searcher.ranked_ids(request, 0, 5) == ["n0", "n1", "n2", "n3", "n4"]
            assert searcher.ranked_ids(request, 1, 3) == ["n1", "n2"]
            marks = searcher.marks("grain shipments", ["Grain shipments fell; grain too.", "Nothing here."])
    finally:
        index.close()
    assert marks == [[(0, 5), (6, 15), (22, 27)], []]
