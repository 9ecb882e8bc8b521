"""Facet tables and the date index, on hand-made arrays."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pytest

from search.models import FacetValue
from search.retrieve import facet_counts
from search.retrieve.facet_counts import NO_DATE, DateIndex, FacetTable, date_mask

DOCS = [  # (document, every value it names, the ones it is about)
    (0, ("Vladimir Putin", "Benjamin Netanyahu"), ("Vladimir Putin",)),
    (1, ("Benjamin Netanyahu",), ("Benjamin Netanyahu",)),
    (2, (), ()),
    (3, ("vladimir putin", "Angela Merkel"), ("Angela Merkel",)),  # another spelling of the same value
    (4, ("Angela Merkel",), ()),
]


def table() -> FacetTable:
    return FacetTable.from_documents("person", DOCS, doc_count=5)


def mask(*docs: int) -> np.ndarray:
    out = np.zeros(5, dtype=bool)
    out[list(docs)] = True
    return out


def test_every_value_of_a_multi_valued_field_counts() -> None:
    t = table()
    counts = t.count(mask(0, 1, 2, 3, 4))
    assert {t.values[i]: int(c) for i, c in enumerate(counts)} == {
        "Vladimir Putin": 2,
        "Benjamin Netanyahu": 2,
        "Angela Merkel": 2,
    }
    assert t.count(mask(1)).tolist() == [0, 1, 0]


def test_values_match_case_insensitively_and_keep_the_first_spelling() -> None:
    t = table()
    assert t.canonical("VLADIMIR PUTIN") == "Vladimir Putin"
    assert t.docs_with(("vladimir putin",)).tolist() == [True, False, False, True, False]
    assert not t.docs_with(("Nobody",)).any()


def test_several_values_are_or_ed_and_about_looks_at_the_subjects_only() -> None:
    t = table()
    assert t.docs_with(("Benjamin Netanyahu", "Angela Merkel")).tolist() == [True, True, False, True, True]
    assert t.docs_with(("Vladimir Putin",), about=True).tolist() == [True, False, False, False, False]
    about = t.count(mask(0, 1, 2, 3, 4), about=True)
    assert {t.values[i]: int(c) for i, c in enumerate(about)} == {
        "Vladimir Putin": 1,
        "Benjamin Netanyahu": 1,
        "Angela Merkel": 1,
    }


@pytest.mark.parametrize("share", [0.0, 0.002, 0.05, 0.5, 1.0])
def test_few_results_are_counted_entry_by_entry_as_many_are_counted_whole(share: float, monkeypatch) -> None:
    """The binary-search path (few matching documents) and the whole-table path give the same counts, with and
    without ``about``, on documents given out of order and some with no value, and whether the caller gives
    the results' numbers or not."""
    rng = np.random.default_rng(4)
    names = [f"Person {n}" for n in range(40)]
    docs = [
        (doc, tuple(rng.choice(names, size=rng.integers(0, 4), replace=False)), ())
        for doc in rng.permutation(2000).tolist()
    ]
    docs = [(doc, named, named[:1]) for doc, named, _ in docs]
    t = FacetTable.from_documents("person", docs, doc_count=2000)
    assert (np.diff(t.entry_doc) >= 0).all()
    results = rng.random(2000) < share
    counted = {}
    for below in (0, 10**9):  # 0: every count entry by entry; 10**9: over the whole table (some results)
        monkeypatch.setattr(facet_counts, "SPARSE_BELOW", below)
        counted[below] = (t.count(results).tolist(), t.count(results, about=True).tolist())
        given = np.flatnonzero(results)  # the numbers a results page already has: the same counts
        assert (t.count(results, False, given).tolist(), t.count(results, True, given).tolist()) == counted[below]
    assert counted[10**9] == counted[0]
    expected = Counter(value for doc, named, _ in docs if results[doc] for value in named)
    assert {t.values[i]: c for i, c in enumerate(counted[0][0]) if c} == dict(expected)


def test_excluded_values_are_listed_and_flagged() -> None:
    t = table()
    counts = t.count(mask(0, 1, 3))
    assert t.top(counts, 1, excluded=("Angela Merkel",)) == (
        FacetValue("Benjamin Netanyahu", 2),
        FacetValue("Angela Merkel", 1, excluded=True),
    )


def test_a_page_of_all_values_with_a_prefix() -> None:
    t = table()
    counts = t.count(mask(0, 1, 2, 3, 4))
    assert t.page(counts, "", 1, 2) == (3, (FacetValue("Angela Merkel", 2), FacetValue("Benjamin Netanyahu", 2)))
    assert t.page(counts, "", 2, 2) == (3, (FacetValue("Vladimir Putin", 2),))
    assert t.page(counts, "ang", 1, 10) == (1, (FacetValue("Angela Merkel", 2),))
    none = t.count(mask(2))
    assert t.page(none, "", 1, 10, selected=("Angela Merkel",)) == (1, (FacetValue("Angela Merkel", 0, True),))


def test_top_orders_by_count_then_name_and_keeps_selected_values() -> None:
    t = table()
    counts = t.count(mask(0, 1, 3))
    assert t.top(counts, 2) == (FacetValue("Benjamin Netanyahu", 2), FacetValue("Vladimir Putin", 2))
    assert t.top(counts, 1, selected=("angela merkel", "Nobody")) == (
        FacetValue("Benjamin Netanyahu", 2),
        FacetValue("Angela Merkel", 1, True),
        FacetValue("Nobody", 0, True),
    )
    assert t.top(counts, 0) == ()


def test_matching_finds_any_word_start() -> None:
    t = table()
    names = lambda prefix: sorted(t.values[i] for i in t.matching(prefix))  # noqa: E731
    assert names("put") == ["Vladimir Putin"]
    assert names("  NET ") == ["Benjamin Netanyahu"]
    assert names("angela m") == ["Angela Merkel"]
    assert names("angela x") == []
    assert names("") == ["Angela Merkel", "Benjamin Netanyahu", "Vladimir Putin"]
    assert names("zz") == []


def days(*isodates: str | None) -> np.ndarray:
    return np.asarray([date.fromisoformat(d).toordinal() if d else NO_DATE for d in isodates], dtype=np.int64)


def test_date_mask_is_inclusive_and_excludes_undated() -> None:
    d = days("1987-03-01", "1987-03-31", None, "1987-04-01")
    assert date_mask(d, None, None) is None
    assert date_mask(d, date(1987, 3, 1), date(1987, 3, 31)).tolist() == [True, True, False, False]
    assert date_mask(d, date(1987, 3, 31), None).tolist() == [False, True, False, True]
    assert date_mask(d, None, date(1987, 3, 1)).tolist() == [True, False, False, False]


def test_histogram_uses_days_for_short_spans() -> None:
    index = DateIndex(days("1987-03-01", "1987-03-03", "1987-03-03", None))
    buckets = index.histogram(np.arange(4))
    assert [(b.label, b.count) for b in buckets] == [("1987-03-01", 1), ("1987-03-02", 0), ("1987-03-03", 2)]
    assert (buckets[0].start, buckets[0].end) == ("1987-03-01", "1987-03-01")


def test_histogram_uses_months_then_years() -> None:
    months = DateIndex(days("1987-02-20", "1987-04-02", "1987-04-30")).histogram(np.arange(3))
    assert [(b.label, b.start, b.end, b.count) for b in months] == [
        ("1987-02", "1987-02-01", "1987-02-28", 1),
        ("1987-03", "1987-03-01", "1987-03-31", 0),
        ("1987-04", "1987-04-01", "1987-04-30", 2),
    ]
    december = DateIndex(days("1999-12-01", "2000-03-01")).histogram(np.arange(2))
    assert december[0].end == "1999-12-31" and december[-1].label == "2000-03"
    years = DateIndex(days("1987-06-01", "1995-01-01")).histogram(np.arange(2))
    assert (years[0].label, years[0].start, years[0].end, len(years)) == ("1987", "1987-01-01", "1987-12-31", 9)
    assert [b.count for b in years] == [1, 0, 0, 0, 0, 0, 0, 0, 1]


def test_histogram_of_nothing_dated_is_empty() -> None:
    assert DateIndex(days(None, "1987-01-01")).histogram(np.asarray([0])) == ()


@pytest.mark.parametrize("count", [1, 2, 4, 5, 9])
def test_filters_on_a_few_values_or_many_find_the_same_documents(count: int) -> None:
    """A few values are compared entry by entry, more go through ``np.isin``: the same documents."""
    rng = np.random.default_rng(count)
    docs = [(d, tuple(f"v{v}" for v in rng.choice(12, size=rng.integers(0, 4), replace=False)), ()) for d in range(300)]
    t = FacetTable.from_documents("country", docs, doc_count=300)
    wanted = tuple(f"V{v}" for v in range(count))
    wanted_lower = {w.lower() for w in wanted}
    expected = [any(v in wanted_lower for v in named) for _, named, _ in docs]
    assert any(expected) and not all(expected)
    assert t.docs_with(wanted).tolist() == expected
    assert t.docs_with((*wanted, "nobody")).tolist() == expected
