"""Which documents pass a request's filters, as boolean masks over the document numbers of a generation.

Values selected in one facet are OR-ed (a story naming Saudi Arabia *or* Kuwait), different facets AND-ed;
an excluded value drops every story naming it. With ``mentions=about`` every filter looks only at what a
story is about. Facet counts are disjunctive: a facet's counts apply every filter except that facet's own
selections (its exclusions still apply), so after choosing Saudi Arabia the country list still shows how
many stories Kuwait would add. ``Filters`` keeps each facet's selection mask apart to make that cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.models import SearchRequest
from search.retrieve.facet_counts import date_mask
from search.retrieve.generation import Generation


@dataclass(frozen=True)
class Filters:
    """The masks of one request: ``base`` (live, matching the query, dated within the range, no excluded
    value) and one selection mask per facet with selected values; ``narrowed``: whether the query, the dates
    or an exclusion narrowed ``base`` (if not, it is every live story)."""

    base: np.ndarray
    selections: dict[str, np.ndarray]
    narrowed: bool = True

    def whole_without(self, name: str | None) -> bool:
        """Whether ``without(name)`` is every live story: the counts of the whole collection apply."""
        return not self.narrowed and all(facet == name for facet in self.selections)

    def matched(self) -> np.ndarray:
        """Documents that pass every filter."""
        return self.without(None)

    def without(self, name: str | None) -> np.ndarray:
        """Documents that pass every filter but facet ``name``'s own selections."""
        mask = self.base.copy()
        for facet, selection in self.selections.items():
            if facet != name:
                mask &= selection
        return mask


def apply_filters(generation: Generation, request: SearchRequest, found: np.ndarray | None) -> Filters:
    """The masks of ``request`` over ``generation``; ``found`` is what the query matched (None: everything)."""
    about = request.mentions == "about"
    base = generation.live.copy()
    if found is not None:
        base &= found
    within = date_mask(generation.dates.days, request.date_from, request.date_to)
    if within is not None:
        base &= within
    for name, values in request.excludes.items():
        base &= ~generation.facets[name].docs_with(values, about)
    selections = {name: generation.facets[name].docs_with(values, about) for name, values in request.filters.items()}
    return Filters(base, selections, narrowed=found is not None or within is not None or bool(request.excludes))
