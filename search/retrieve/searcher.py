"""One search request against one index generation: matches, counts, the page of hits, snippets.

A results page:

1. ``scoring.evaluate`` gives a boolean mask over document numbers of every match and their BM25F scores
   (numpy over the cached per-term postings: no Whoosh collector, no second pass for the total);
2. the facet and date filters narrow the mask (cached per-value masks, never query text), and near-duplicate
   groups collapse so each counts once. ``total``, every facet count and the date histogram come from this
   mask (``numpy.bincount`` over the cached facet arrays);
3. the page: the top ``page * per_page`` scores (``argpartition``), or a slice of the cached date order when
   sorting by date or browsing; stored fields are read for those hits only, and snippets made for them.

``total`` counts collapsed results: a group of near-duplicate stories that match counts once (its first
matching member in index order stands for it), and so do the facet counts and the date histogram.
Each hit carries the other matching members of its group in ``duplicates`` / ``duplicate_ids``.

Pages: ``per_page`` is 1..``Limits.max_per_page``. A page that starts at or beyond hit ``Limits.max_depth`` is
refused (BadParameter); a page past the last result is clamped to the last page, which ``page`` reports
(``pages`` is the last page that can be requested, 0 when nothing matched). Every rule about a request is
checked here, once (``check_request``), against the limits the index was opened with.

Beyond the page: ``count``, ``timeline`` and ``compare`` (counted by ``timeline.py``), ``entity`` and ``related``
(``cooccurrence.py``), ``ranked_ids`` and ``marks`` for an article read from a search. A searcher keeps the last
few requests' masks, so a page, its timeline and its did-you-mean (``respell.py``) evaluate the query once.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from search.errors import ArticleNotFound, BadParameter, reads_index
from search.facets import FACET_NAMES
from search.indexing import document, schema
from search.indexing.analysis import stemmed_language
from search.models import ArticleDetail, FacetPage, FacetValue, Hit, SearchPage, SearchRequest, Timeline
from search.retrieve.cooccurrence import EntityProfile, entity_profile, related_articles
from search.retrieve.filters import Filters, apply_filters
from search.retrieve.generation import Generation
from search.retrieve.query import ParsedQuery, clean_text, highlight_terms
from search.retrieve.respell import best_respelling
from search.retrieve.scoring import evaluate, first_in_order, top_indices
from search.retrieve.snippets import WordPattern, find_spans, make_snippet, terms_in
from search.retrieve.timeline import timelines
from search.retrieve.validation import check_request, check_whole_number
from search.settings import MAX_FACET_VALUES, Limits

FACET_VALUES_PER_PAGE = 20
EXPORT_BATCH = 200
KEPT_RESULTS = 4  # result sets a searcher keeps: the page, its timeline and did-you-mean count the same search


@dataclass(frozen=True)
class _Found:
    """What a request's query and filters select (before paging): kept for the searcher's next call."""

    parsed: ParsedQuery | None
    filters: Filters
    scores: np.ndarray | None
    matched: np.ndarray
    results: np.ndarray  # matched, near-duplicates collapsed


class NewsSearcher:
    """Searches one generation of the index; one per request or thread. Close it (or use ``with``)."""

    def __init__(
        self, whoosh_searcher, generation: Generation, limits: Limits, release: Callable[[object], None] | None = None
    ) -> None:
        self._s = whoosh_searcher
        self._gen = generation
        self._limits = limits
        self._release = release
        self._closed = False
        self._found: OrderedDict[tuple, _Found] = OrderedDict()

    def __enter__(self) -> NewsSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Hand the Whoosh searcher back to the index (or close it); closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if self._release is not None:
            self._release(self._s)
        else:
            self._s.close()

    # -- the results page -------------------------------------------------------------------------------

    @reads_index
    def search(self, request: SearchRequest) -> SearchPage:
        """A full results page: hits with snippets, exact total, facet counts, date histogram, suggestion."""
        started = time.perf_counter()
        found = self._results(request)
        sort = _effective_sort(request.sort, found.parsed)
        whole = self._gen.whole if found.filters.whole_without(None) else None
        docs = whole.docs if whole else np.flatnonzero(found.results)  # once for ranking, facets and timeline
        pages = _last_page(len(docs), request.per_page, self._limits.max_depth)
        page = min(request.page, max(pages, 1))
        start, end = (page - 1) * request.per_page, page * request.per_page
        ranked = self._ranked(found.scores, found.results, sort, start, end, docs)
        hits = self._hits(ranked, found.parsed, found.matched)
        facets, totals = self._facet_counts(request, found.filters, found.results, docs)
        return SearchPage(
            query=clean_text(request.q),
            total=len(docs),
            page=page,
            per_page=request.per_page,
            took_ms=(time.perf_counter() - started) * 1000,
            suggestion=self._suggest(request) if found.parsed else None,
            hits=hits,
            facets=facets,
            facet_totals=totals,
            date_histogram=whole.histogram if whole else self._gen.dates.histogram(docs),
            sort=sort,
            pages=pages,
            mentions=request.mentions,
        )

    @reads_index
    def count(self, request: SearchRequest) -> int:
        """How many results ``request`` has (near-duplicates once), as ``search`` counts them."""
        return int(np.count_nonzero(self._results(request).results))

    @reads_index
    def iter_hits(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """Every result of ``request`` (collapsed as in ``search``) up to ``cap``, in the request's order."""
        check_request(request, self._limits)
        if not isinstance(cap, int) or cap < 1:
            raise BadParameter("cap", cap, "must be a whole number of at least 1")
        found = self._results(request)
        sort, docs = _effective_sort(request.sort, found.parsed), np.flatnonzero(found.results)
        ranked = self._ranked(found.scores, found.results, sort, 0, cap, docs)
        for start in range(0, len(ranked), EXPORT_BATCH):
            yield from self._hits(ranked[start : start + EXPORT_BATCH], found.parsed, found.matched)

    # -- over time and entities (counted in timeline.py and cooccurrence.py) ------------------------------

    @reads_index
    def timeline(self, request: SearchRequest, interval: str = "", normalize: bool = False) -> Timeline:
        """The results of ``request`` per ``interval`` ("" chooses), as shares of all stories when ``normalize``."""
        return self.compare([request], interval, normalize)[0]

    @reads_index
    def compare(self, requests: Sequence[SearchRequest], interval: str = "", normalize: bool = False) -> list[Timeline]:
        """The timelines of several searches over the same buckets (the first request's date range shown)."""
        found = [self._results(request) for request in requests]
        if len(found) == 1 and found[0].filters.whole_without(None):  # every story: counted once per generation
            return [self._gen.whole.timeline(interval, normalize)]
        masks, first = [f.results for f in found], requests[0] if requests else SearchRequest()
        stories = self._gen.whole.stories
        return timelines(self._gen.dates, masks, stories, interval, normalize, first.date_from, first.date_to)

    @reads_index
    def entity(self, name: str, value: str, interval: str = "", normalize: bool = False) -> EntityProfile | None:
        """The page of value ``value`` of facet ``name`` (matched case-insensitively); None when no story names it."""
        return entity_profile(self, name, value, interval, normalize)

    # -- facets -------------------------------------------------------------------------------------------

    @reads_index
    def facet_values(
        self, name: str, prefix: str, request: SearchRequest, page: int = 1, per_page: int = FACET_VALUES_PER_PAGE
    ) -> FacetPage:
        """One page of the values of facet ``name`` with a word starting with ``prefix``, counted as the
        results page counts them (disjunctively, within ``request``'s other filters), most frequent first."""
        table = self._gen.facets.get(name)
        if table is None:
            raise BadParameter("name", name, f"must be one of {', '.join(FACET_NAMES)}")
        check_whole_number("per_page", per_page, 1, MAX_FACET_VALUES)
        check_whole_number("page", page, 1, None)
        if not isinstance(prefix, str):
            raise BadParameter("prefix", prefix, "must be text")
        filters = self._results(request).filters
        counts = table.count(self._gen.duplicates.collapse(filters.without(name)), request.mentions == "about")
        total, values = table.page(
            counts, clean_text(prefix), page, per_page, request.selected(name), request.excluded(name)
        )
        return FacetPage(name, prefix, total, page, per_page, values)

    def _facet_counts(
        self, request: SearchRequest, filters: Filters, results: np.ndarray, docs: np.ndarray
    ) -> tuple[dict[str, tuple[FacetValue, ...]], dict[str, int]]:
        """Each facet's top values and how many values have a count, counted over the results (``docs``: their
        numbers) of every filter but the facet's own selections."""
        about, values, totals = request.mentions == "about", {}, {}
        for name, table in self._gen.facets.items():
            if filters.whole_without(name):  # nothing but this facet's own selection: every story counts
                counts = self._gen.whole.counts(name, about)
            elif name in filters.selections:
                counts = table.count(self._gen.duplicates.collapse(filters.without(name)), about)
            else:
                counts = table.count(results, about, docs)
            totals[name] = int(np.count_nonzero(counts))
            values[name] = table.top(counts, request.facet_limit, request.selected(name), request.excluded(name))
        return values, totals

    # -- articles -----------------------------------------------------------------------------------------

    @reads_index
    def article(self, article_id: str) -> ArticleDetail:
        """The stored article with this id; raises ArticleNotFound (ids are only ever looked up as terms)."""
        docnum = self._docnum(article_id)
        stored = self._s.stored_fields(docnum)
        return ArticleDetail(
            id=stored[schema.ID_FIELD],
            title=stored.get(schema.TITLE) or "",
            body=stored.get(schema.BODY) or "",
            date=document.stored_date(stored),
            date_source=stored.get(schema.DATE_SOURCE) or "",
            source=stored.get(schema.SOURCE) or "",
            url=stored.get(schema.URL) or "",
            entities=document.stored_entities(stored),
            about=document.stored_about(stored),
            mentions=document.stored_mentions(stored),
            byline=stored.get(schema.BYLINE) or "",
            codes=document.stored_codes(stored),
        )

    @reads_index
    def related(self, article_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Articles like this one (its key body terms, BM25F), without itself or its near-duplicates."""
        return related_articles(self, article_id, limit)

    @reads_index
    def ranked_ids(self, request: SearchRequest, start: int, end: int) -> list[str]:
        """The ids of results ``start``..``end`` (0-based, end excluded) of ``request``, in its order; the article
        page finds its previous and next result with them."""
        found = self._results(request)
        end = min(end, self._limits.max_depth)
        sort, docs = _effective_sort(request.sort, found.parsed), np.flatnonzero(found.results)
        ranked = self._ranked(found.scores, found.results, sort, start, end, docs)
        return [self._gen.ids[docnum] for _, docnum in ranked]

    @reads_index
    def marks(self, q: str, texts: Sequence[str], language: str = "") -> list[list[tuple[int, int]]]:
        """Where the words query ``q`` searches for (any form that stems alike in the texts' ``language``, a
        name such as "German"; English when unknown) stand in each of ``texts``."""
        parsed = self._parse(clean_text(q))
        terms = highlight_terms(parsed, self._s.reader(), schema.BODY) if parsed else []
        terms = terms_in(terms, stemmed_language(language))
        pattern = self._gen.forms.pattern(terms) if terms else None
        return [[(start, end) for start, end, _ in pattern.finditer(text)] if pattern else [] for text in texts]

    def _docnum(self, article_id: str) -> int:
        if not isinstance(article_id, str) or not article_id:
            raise ArticleNotFound(str(article_id))
        docnum = self._s.document_number(**{schema.ID_FIELD: article_id})
        if docnum is None:
            raise ArticleNotFound(article_id)
        return docnum

    # -- internals ----------------------------------------------------------------------------------------

    def _parse(self, text: str) -> ParsedQuery | None:
        return self._gen.parsed(text, self._s.reader(), self._limits.query_max_chars) if text else None

    def _results(self, request: SearchRequest) -> _Found:
        """What ``request`` selects; the last few are kept, so a page, its timeline and its did-you-mean count
        evaluate the query once."""
        check_request(request, self._limits)
        chosen = (tuple(sorted(request.filters.items())), tuple(sorted(request.excludes.items())))
        key = (clean_text(request.q), *chosen, request.mentions, request.date_from, request.date_to)
        found = self._found.get(key)
        if found is None:
            parsed = self._parse(key[0])
            filters, scores = self._filters(request, parsed)
            matched = filters.matched()
            results = self._gen.whole.stories if filters.whole_without(None) else self._gen.duplicates.collapse(matched)
            found = self._found[key] = _Found(parsed, filters, scores, matched, results)
            if len(self._found) > KEPT_RESULTS:
                self._found.popitem(last=False)
        return found

    def _suggest(self, request: SearchRequest) -> str | None:
        """Did you mean: the fewest corrections of the query that find results within the same filters."""
        return best_respelling(clean_text(request.q), self._gen.spelling, lambda q: self.count(replace(request, q=q)))

    def _filters(self, request: SearchRequest, parsed: ParsedQuery | None) -> tuple[Filters, np.ndarray | None]:
        """The request's filter masks over the documents the query matches, and the query's scores."""
        if parsed is None:
            return apply_filters(self._gen, request, None), None
        found, scores = evaluate(parsed.query, self._gen.postings, self._s, self._gen.doc_count)
        return apply_filters(self._gen, request, found), scores

    def _ranked(self, scores, results: np.ndarray, sort: str, start: int, end: int, docs: np.ndarray) -> list:
        """(score, docnum) of results start..end in the requested order (None by date); ``docs``: all of them."""
        if start >= end or not results.any():
            return []
        if sort == "relevance" and scores is not None:
            top = docs[top_indices(scores[docs], end)]
            return [(float(scores[d]), int(d)) for d in top[start:end]]
        order = self._gen.newest if sort == "newest" else self._gen.oldest
        return [(None, int(docnum)) for docnum in first_in_order(order, results, end, len(docs))[start:end]]

    def _hits(
        self, ranked: list[tuple[float | None, int]], parsed: ParsedQuery | None, matched: np.ndarray
    ) -> tuple[Hit, ...]:
        terms: list[str] = []
        if parsed is not None and ranked:
            terms = highlight_terms(parsed, self._s.reader(), schema.BODY)
        patterns: dict[str, tuple[WordPattern | None, int]] = {}
        hits = []
        for score, docnum in ranked:
            stored = self._s.stored_fields(docnum)
            body = stored.get(schema.BODY) or ""
            code = document.stored_stemming(stored)
            if code not in patterns:  # the query's terms in the hit's language
                own = terms_in(terms, code)
                patterns[code] = (self._gen.forms.pattern(own) if own else None, len(own))
            pattern, count = patterns[code]
            others = self._gen.duplicates.others(docnum, matched)
            hits.append(
                Hit(
                    id=stored[schema.ID_FIELD],
                    title=stored.get(schema.TITLE) or "",
                    date=document.stored_date(stored),
                    source=stored.get(schema.SOURCE) or "",
                    url=stored.get(schema.URL) or "",
                    snippet=make_snippet(body, find_spans(body, pattern, self._gen.forms, count)),
                    score=None if score is None else round(score, 4),
                    entities=document.stored_entities(stored),
                    about=document.stored_about(stored),
                    duplicates=len(others),
                    duplicate_ids=tuple(self._gen.ids[d] for d in others),
                )
            )
        return tuple(hits)


def _effective_sort(sort: str, parsed: ParsedQuery | None) -> str:
    """Relevance needs a query: without one (browsing) results are newest first unless oldest is asked."""
    if sort in ("", "relevance"):
        return "relevance" if parsed is not None else "newest"
    return sort


def _last_page(total: int, per_page: int, max_depth: int) -> int:
    """The last page a request may ask for: the last with results, within the depth cap."""
    return min(math.ceil(total / per_page), math.ceil(max_depth / per_page))
