"""The page of every story, counted once per index generation.

Browsing without a query (the first page anyone sees) and a facet's counts when only that facet is filtered
(the country list once a country is chosen) count every live story, near-duplicates once. At a million
stories that is a few milliseconds per facet, for the date histogram and for the page's timeline, the same
for every request of the generation: here it is counted on first use and kept until the next commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from search.models import DateBucket, Timeline
from search.retrieve.facet_counts import DateIndex, FacetTable
from search.retrieve.timeline import timelines

T = TypeVar("T")


class WholeCollection:
    """Every story of one generation that counts (live, near-duplicates once), and what a page shows of it.

    Read-only for its users: ``stories`` and ``docs`` are shared by every request of the generation."""

    def __init__(self, stories: np.ndarray, facets: dict[str, FacetTable], dates: DateIndex) -> None:
        """:param stories: the mask of every story that counts (kept as given: the caller must not change it)."""
        self.stories = stories
        self._facets, self._dates = facets, dates
        self._kept: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    @cached_property
    def docs(self) -> np.ndarray:
        """The numbers of ``stories``, ascending."""
        return np.flatnonzero(self.stories)

    @cached_property
    def histogram(self) -> tuple[DateBucket, ...]:
        return self._dates.histogram(self.docs)

    def counts(self, name: str, about: bool) -> np.ndarray:
        """How many stories name each value of facet ``name`` (are about it, with ``about``), by value id."""

        def count() -> np.ndarray:
            counted = self._facets[name].count(self.stories, about, self.docs)
            counted.flags.writeable = False
            return counted

        return self.kept(("counts", name, about), count)

    def timeline(self, interval: str, normalize: bool) -> Timeline:
        """Every story per ``interval`` ("" chooses from the span), as shares of all stories when ``normalize``."""
        return self.kept(
            ("timeline", interval, normalize),
            lambda: timelines(self._dates, [self.stories], self.stories, interval, normalize)[0],
        )

    def kept(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``'s result for ``key``, computed once per generation (an error is raised, not kept).
        Computed outside the lock: two threads may both compute it, once each."""
        with self._lock:
            if key in self._kept:
                return self._kept[key]
        value = compute()
        with self._lock:
            return self._kept.setdefault(key, value)
