"""The page of every story, counted once per index generation.

Browsing without a query (the first page anyone sees) and a facet's counts when only that facet is filtered
(the country list once a country is chosen) count every live story, near-duplicates once. At a million
stories that is a few milliseconds per facet and for the date histogram, the same for every request of the
generation: here it is counted on first use and kept until the next commit.
"""

from __future__ import annotations

import threading
from functools import cached_property

import numpy as np

from search.models import DateBucket
from search.retrieve.facet_counts import DateIndex, FacetTable


class WholeCollection:
    """Every story of one generation that counts (live, near-duplicates once), and what a page shows of it.

    Read-only for its users: ``stories`` and ``docs`` are shared by every request of the generation."""

    def __init__(self, stories: np.ndarray, facets: dict[str, FacetTable], dates: DateIndex) -> None:
        """:param stories: the mask of every story that counts (kept as given: the caller must not change it)."""
        self.stories = stories
        self._facets, self._dates = facets, dates
        self._counts: dict[tuple[str, bool], np.ndarray] = {}
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
        key = (name, about)
        with self._lock:
            counted = self._counts.get(key)
        if counted is None:  # counted outside the lock: two threads may both count, once each
            counted = self._facets[name].count(self.stories, about, self.docs)
            counted.flags.writeable = False
            with self._lock:
                self._counts[key] = counted
        return counted
