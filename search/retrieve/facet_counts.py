"""Exact facet counts and the date histogram, counted with numpy from per-generation arrays.

Whoosh's ``groupedby`` rebuilds every document's values on each search and, without ``allow_overlap``,
counts a two-person article for one person only. Instead each facet is held once per index generation as
two parallel arrays, one entry per (document, value) pair: ``entry_doc`` and ``entry_val``. A search's
result set is a boolean mask over document numbers; counting is ``bincount(entry_val[mask[entry_doc]])``,
exact for multi-valued fields and a few hundred microseconds on Reuters.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from functools import cached_property

import numpy as np

from search.indexing.segment_contents import NO_DATE
from search.models import DateBucket, FacetValue

DAY_BUCKETS_MAX_SPAN = 62  # days: up to two months of matching dates -> one bucket per day
MONTH_BUCKETS_MAX_SPAN = 5 * 366  # up to five years -> one bucket per month; beyond -> per year
SPARSE_BELOW = 8  # count a facet entry by entry when results are under 1/8 of the documents
EQUALITY_TESTS_MAX = 4  # up to this many values, a filter compares every entry with each


class FacetTable:
    """One facet's values for every document of one index generation.

    Each (document, value) entry also records whether the story is *about* the value (``entry_about``), so
    one table serves both ``mentions=any`` and ``mentions=about``: the latter only looks at those entries.
    Entries are in document order (``entry_doc`` ascending).
    """

    def __init__(
        self,
        name: str,
        entry_doc: np.ndarray,
        entry_val: np.ndarray,
        entry_about: np.ndarray,
        vocabulary: tuple[list[str], dict[str, int]],
        doc_count: int,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """:param vocabulary: the values by id, and the id of each lowercased value (ids past the end of
        the list belong to later generations: unknown here).
        :param bounds: where each document's entries start and end, when the caller has them (else computed)."""
        self.name = name
        self.doc_count = doc_count
        self.values, self._ids = vocabulary
        self.entry_doc = entry_doc
        self.entry_val = entry_val
        self.entry_about = entry_about
        self._given_bounds = bounds
        self._words: list[tuple[str, int]] | None = None

    @classmethod
    def from_documents(
        cls, name: str, doc_values: list[tuple[int, tuple[str, ...], tuple[str, ...]]], doc_count: int
    ) -> FacetTable:
        """:param doc_values: per document, (document number, every value it names, the values it is about)."""
        values: list[str] = []
        ids: dict[str, int] = {}
        docs: list[int] = []
        vals: list[int] = []
        about_flags: list[bool] = []
        for docnum, named, about in doc_values:
            subjects = {value.lower() for value in about}
            for value in dict.fromkeys((*named, *about)):
                vid = ids.setdefault(value.lower(), len(values))
                if vid == len(values):
                    values.append(value)
                docs.append(docnum)
                vals.append(vid)
                about_flags.append(value.lower() in subjects)
        order = np.argsort(np.asarray(docs, dtype=np.int64), kind="stable")  # entries in document order
        return cls(
            name,
            np.asarray(docs, dtype=np.int64)[order],
            np.asarray(vals, dtype=np.int64)[order],
            np.asarray(about_flags, dtype=bool)[order],
            (values, ids),
            doc_count,
        )

    def value_id(self, value: str) -> int | None:
        """The id of a value, matched case-insensitively, or None when no document has it."""
        vid = self._ids.get(value.strip().lower())
        return vid if vid is not None and vid < len(self.values) else None

    def canonical(self, value: str) -> str:
        """The indexed spelling of ``value`` (itself when unknown)."""
        vid = self.value_id(value)
        return value if vid is None else self.values[vid]

    def docs_with(self, values: tuple[str, ...], about: bool = False) -> np.ndarray:
        """Boolean mask of the documents that name any of ``values`` (are about one, with ``about``)."""
        mask = np.zeros(self.doc_count, dtype=bool)
        ids = [vid for vid in map(self.value_id, values) if vid is not None]
        if ids:
            hit = self._entries_of(ids)
            if about:
                hit &= self.entry_about
            mask[self.entry_doc[hit]] = True
        return mask

    def _entries_of(self, ids: list[int]) -> np.ndarray:
        """Mask of the entries of any of the value ids: a comparison per id for a few (``np.isin`` sorts or builds a
        table first: six times slower for one id at a million stories)."""
        if len(ids) > EQUALITY_TESTS_MAX:
            return np.isin(self.entry_val, ids)
        hit = self.entry_val == ids[0]
        for vid in ids[1:]:
            hit |= self.entry_val == vid
        return hit

    def count(self, mask: np.ndarray, about: bool = False, docs: np.ndarray | None = None) -> np.ndarray:
        """How many documents of ``mask`` name each value (are about it, with ``about``), by value id.

        Few documents (most queries): their entries are found by document (entries are in document
        order, ``_bounds``); many: every entry is tested. At a million stories that is the difference between touching
        thousands of entries and touching millions, for every facet of every results page. ``docs``: the numbers
        of ``mask``'s documents, when the caller has them (a results page counts every facet over its results)."""
        if docs is None:
            docs = sparse_docs(mask)
        elif len(docs) * SPARSE_BELOW >= len(mask):
            docs = None
        if docs is not None:
            starts, ends = self._bounds
            positions = _ranges(starts[docs], ends[docs])
            if about:
                positions = positions[self.entry_about[positions]]
            return np.bincount(self.entry_val[positions], minlength=len(self.values))
        hit = mask[self.entry_doc]
        if about:
            hit &= self.entry_about
        return np.bincount(self.entry_val[hit], minlength=len(self.values))

    @cached_property
    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each document's entries start and end: two lookups per document instead of two binary searches
        over every entry (searchsorted was a third of a query's time at a million stories)."""
        if self._given_bounds is not None:
            return self._given_bounds
        starts = entry_starts(self.entry_doc, self.doc_count)
        return starts[:-1], starts[1:]

    def top(
        self, counts: np.ndarray, limit: int, selected: tuple[str, ...] = (), excluded: tuple[str, ...] = ()
    ) -> tuple[FacetValue, ...]:
        """The ``limit`` most frequent values (ties by name), then every selected and excluded value not
        already listed (with its count, 0 when unknown)."""
        nonzero = np.flatnonzero(counts) if limit > 0 else np.zeros(0, dtype=np.int64)
        if len(nonzero) > limit:
            cut = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit]
            nonzero = nonzero[counts[nonzero] >= cut]
        ranked = self._ranked(nonzero, counts)[:limit]
        return self._listed(ranked, counts, selected, excluded, keep_chosen=True)

    def page(
        self,
        counts: np.ndarray,
        prefix: str,
        page: int,
        per_page: int,
        selected: tuple[str, ...] = (),
        excluded: tuple[str, ...] = (),
    ) -> tuple[int, tuple[FacetValue, ...]]:
        """(how many values match, one page of them): the values with a word starting with ``prefix`` that
        results name, most frequent first, and the selected and excluded ones matching the prefix."""
        ids = self.matching(prefix)
        chosen = {vid for vid in map(self.value_id, (*selected, *excluded)) if vid is not None}
        ids = ids[(counts[ids] > 0) | np.isin(ids, list(chosen))]
        ranked = self._ranked(ids, counts)
        start = (page - 1) * per_page
        return len(ranked), self._listed(
            ranked[start : start + per_page], counts, selected, excluded, keep_chosen=False
        )

    def _ranked(self, ids: np.ndarray, counts: np.ndarray) -> list[int]:
        return sorted(ids.tolist(), key=lambda vid: (-int(counts[vid]), self.values[vid].lower()))

    def _listed(
        self,
        ranked: list[int],
        counts: np.ndarray,
        selected: tuple[str, ...],
        excluded: tuple[str, ...],
        keep_chosen: bool,
    ) -> tuple[FacetValue, ...]:
        """FacetValues of ``ranked``, flagged; with ``keep_chosen``, the selected and excluded values not
        among them follow."""
        chosen_ids = {value: self.value_id(value) for value in (*selected, *excluded)}
        selected_ids = {chosen_ids[v] for v in selected}
        excluded_ids = {chosen_ids[v] for v in excluded}
        out = [
            FacetValue(self.values[vid], int(counts[vid]), vid in selected_ids, vid in excluded_ids) for vid in ranked
        ]
        if not keep_chosen:
            return tuple(out)
        listed: set[int | None] = set(ranked)
        for value, vid in chosen_ids.items():
            if vid not in listed or vid is None:
                count = int(counts[vid]) if vid is not None else 0
                shown = self.values[vid] if vid is not None else value
                out.append(FacetValue(shown, count, value in selected, value in excluded and value not in selected))
                listed.add(vid)
        return tuple(out)

    def _value_words(self) -> list[tuple[str, int]]:
        """(word, value id) of every word of every value, sorted: built on the first prefix search."""
        if self._words is None:
            self._words = sorted(
                (word, vid) for vid, value in enumerate(self.values) for word in set(value.lower().split())
            )
        return self._words

    def matching(self, prefix: str) -> np.ndarray:
        """Ids of the values with a word starting with ``prefix`` (case-insensitive); every id for ""."""
        prefix = " ".join(prefix.lower().split())
        if not prefix:
            return np.arange(len(self.values))
        first = prefix.split()[0]
        words = self._value_words()
        start = bisect.bisect_left(words, (first,))
        found = set()
        for word, vid in words[start:]:
            if not word.startswith(first):
                break
            found.add(vid)
        if " " in prefix:  # "vladimir pu": the rest of the typed text must follow in the name
            found = {vid for vid in found if _contains_at_word(self.values[vid].lower(), prefix)}
        return np.asarray(sorted(found), dtype=np.int64)


def _contains_at_word(name: str, prefix: str) -> bool:
    return name.startswith(prefix) or f" {prefix}" in name


def sparse_docs(mask: np.ndarray) -> np.ndarray | None:
    """The document numbers of ``mask`` when they are few enough to count facets by document, else None."""
    if int(np.count_nonzero(mask)) * SPARSE_BELOW < len(mask):
        return np.flatnonzero(mask)
    return None


def date_mask(days: np.ndarray, start: date | None, end: date | None) -> np.ndarray | None:
    """Documents dated within [start, end] (inclusive, either side open); None when no bound is set."""
    if start is None and end is None:
        return None
    mask = days != NO_DATE
    if start is not None:
        mask &= days >= start.toordinal()
    if end is not None:
        mask &= days <= end.toordinal()
    return mask


def entry_starts(entry_doc: np.ndarray, doc_count: int) -> np.ndarray:
    """For entries in document order: where each document's entries start, then the number of entries."""
    starts = np.zeros(doc_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_doc, minlength=doc_count), out=starts[1:])
    return starts


def _ranges(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The positions of every range ``[low[i], high[i])``, concatenated."""
    counts = high - low
    starts = np.repeat(low - (np.cumsum(counts) - counts), counts)
    return np.arange(int(counts.sum())) + starts


class DateIndex:
    """Each document's day, month and year as integers, for filters and histograms by ``bincount``."""

    def __init__(self, days: np.ndarray) -> None:
        self.days = days
        self.dated = days != NO_DATE

    @cached_property
    def months(self) -> np.ndarray:
        """year * 12 + month - 1 per document (computed on first use: a commit's next search may not need it)."""
        return self._by_day(_month_numbers)

    @cached_property
    def years(self) -> np.ndarray:
        return self._by_day(_year_numbers)

    def _by_day(self, convert) -> np.ndarray:
        epoch = date(1970, 1, 1).toordinal()
        return _per_day(np.where(self.dated, self.days, epoch), convert)

    def histogram(self, docs: np.ndarray) -> tuple[DateBucket, ...]:
        """Counts of the dated documents among ``docs`` (document numbers: results are usually few, so they are
        indexed rather than every document tested) per day, month or year, whichever suits their span.

        Buckets are contiguous from the first to the last matching date (empty ones included, count 0).
        """
        docs = docs[self.dated[docs]]
        matched = self.days[docs]
        if not len(matched):
            return ()
        lo, hi = int(matched.min()), int(matched.max())
        if hi - lo <= DAY_BUCKETS_MAX_SPAN:
            counts = np.bincount(matched - lo)
            return tuple(_day_bucket(date.fromordinal(lo + i), int(c)) for i, c in enumerate(counts))
        first = date.fromordinal(lo)
        if hi - lo <= MONTH_BUCKETS_MAX_SPAN:  # months and years of the matches only, not of every story
            base = first.year * 12 + first.month - 1
            counts = np.bincount(_per_day(matched, _month_numbers) - base)
            return tuple(_month_bucket(base + i, int(c)) for i, c in enumerate(counts))
        counts = np.bincount(_per_day(matched, _year_numbers) - first.year)
        return tuple(_year_bucket(first.year + i, int(c)) for i, c in enumerate(counts))


def _per_day(days: np.ndarray, convert) -> np.ndarray:
    """``convert`` (of datetime64 days) applied to each of ``days`` (ordinals) through a table of the days they
    span: a few thousand conversions and one lookup per day given, instead of a conversion each (18 ms per
    array at a million)."""
    if not len(days):
        return np.zeros(0, dtype=np.int64)
    low, high = int(days.min()), int(days.max())
    epoch = date(1970, 1, 1).toordinal()
    table = convert((np.arange(low, high + 1) - epoch).astype("datetime64[D]"))
    return table[days - low]


def _month_numbers(days: np.ndarray) -> np.ndarray:
    """year * 12 + month - 1 of datetime64 days."""
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _year_numbers(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def _day_bucket(day: date, count: int) -> DateBucket:
    return DateBucket(day.isoformat(), day.isoformat(), day.isoformat(), count)


def _month_bucket(key: int, count: int) -> DateBucket:
    year, month = divmod(key, 12)
    start = date(year, month + 1, 1)
    end = (date(year + 1, 1, 1) if month == 11 else date(year, month + 2, 1)) - timedelta(days=1)
    return DateBucket(start.isoformat(), end.isoformat(), start.strftime("%Y-%m"), count)


def _year_bucket(year: int, count: int) -> DateBucket:
    return DateBucket(date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat(), str(year), count)
