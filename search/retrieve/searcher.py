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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator

import numpy as np
from whoosh import query as wq

from search.errors import ArticleNotFound, BadParameter, reads_index
from search.facets import FACET_NAMES
from search.indexing import schema
from search.indexing.document import stored_about, stored_date, stored_entities, stored_mentions
from search.models import ArticleDetail, FacetPage, FacetValue, Hit, SearchPage, SearchRequest
from search.retrieve.filters import Filters, apply_filters
from search.retrieve.generation import Generation
from search.retrieve.query import ParsedQuery, clean_text, highlight_terms
from search.retrieve.scoring import evaluate, top_indices
from search.retrieve.snippets import find_spans, make_snippet
from search.retrieve.suggest import suggest_query
from search.retrieve.validation import check_request, check_whole_number
from search.settings import MAX_FACET_VALUES, MAX_RELATED, Limits

RELATED_TERMS = 12
FACET_VALUES_PER_PAGE = 20
EXPORT_BATCH = 200


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
        check_request(request, self._limits)
        text = clean_text(request.q)
        parsed = self._parse(text)
        sort = _effective_sort(request.sort, parsed)
        filters, scores = self._filters(request, parsed)
        matched = filters.matched()
        results = self._gen.duplicates.collapse(matched)
        total = int(np.count_nonzero(results))
        pages = _last_page(total, request.per_page, self._limits.max_depth)
        page = min(request.page, max(pages, 1))
        ranked = self._ranked(scores, results, sort, (page - 1) * request.per_page, page * request.per_page)
        hits = self._hits(ranked, parsed, matched)
        facets, totals = self._facet_counts(request, filters, results)
        histogram = self._gen.dates.histogram(results)
        suggestion = suggest_query(text, self._gen.spelling) if parsed else None
        return SearchPage(
            query=text,
            total=total,
            page=page,
            per_page=request.per_page,
            took_ms=(time.perf_counter() - started) * 1000,
            suggestion=suggestion,
            hits=hits,
            facets=facets,
            facet_totals=totals,
            date_histogram=histogram,
            sort=sort,
            pages=pages,
            mentions=request.mentions,
        )

    @reads_index
    def iter_hits(self, request: SearchRequest, cap: int) -> Iterator[Hit]:
        """Every result of ``request`` (collapsed as in ``search``) up to ``cap``, in the request's order."""
        check_request(request, self._limits)
        if not isinstance(cap, int) or cap < 1:
            raise BadParameter("cap", cap, "must be a whole number of at least 1")
        parsed = self._parse(clean_text(request.q))
        filters, scores = self._filters(request, parsed)
        matched = filters.matched()
        results = self._gen.duplicates.collapse(matched)
        ranked = self._ranked(scores, results, _effective_sort(request.sort, parsed), 0, cap)
        for start in range(0, len(ranked), EXPORT_BATCH):
            yield from self._hits(ranked[start : start + EXPORT_BATCH], parsed, matched)

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
        check_request(request, self._limits)
        filters, _ = self._filters(request, self._parse(clean_text(request.q)))
        counts = table.count(self._gen.duplicates.collapse(filters.without(name)), request.mentions == "about")
        total, values = table.page(
            counts, clean_text(prefix), page, per_page, request.selected(name), request.excluded(name)
        )
        return FacetPage(name, prefix, total, page, per_page, values)

    def _facet_counts(
        self, request: SearchRequest, filters: Filters, results: np.ndarray
    ) -> tuple[dict[str, tuple[FacetValue, ...]], dict[str, int]]:
        """Each facet's top values and how many values have a count, counted over the results of every
        filter but the facet's own selections."""
        about = request.mentions == "about"
        values, totals = {}, {}
        for name, table in self._gen.facets.items():
            within = results if name not in filters.selections else self._gen.duplicates.collapse(filters.without(name))
            counts = table.count(within, about)
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
            date=stored_date(stored),
            date_source=stored.get(schema.DATE_SOURCE) or "",
            source=stored.get(schema.SOURCE) or "",
            url=stored.get(schema.URL) or "",
            entities=stored_entities(stored),
            about=stored_about(stored),
            mentions=stored_mentions(stored),
        )

    @reads_index
    def related(self, article_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Articles like this one (its key body terms, BM25F), without itself or its near-duplicates."""
        if not isinstance(limit, int) or not 1 <= limit <= MAX_RELATED:
            raise BadParameter("limit", limit, f"must be a whole number from 1 to {MAX_RELATED}")
        docnum = self._docnum(article_id)
        stored = self._s.stored_fields(docnum)
        text = stored.get(schema.BODY) or stored.get(schema.TITLE) or ""
        terms = self._s.key_terms_from_text(schema.BODY, text, numterms=RELATED_TERMS)
        if not terms:
            return ()
        q = wq.Or([wq.Term(schema.BODY, word, boost=weight) for word, weight in terms])
        own = {int(d) for d in self._gen.duplicates.members(docnum)}
        found = self._s.search(q, limit=limit * 3 + 10, mask=own)
        seen_groups: set[int] = set()
        picked: list[tuple[float | None, int]] = []
        for score, other in found.top_n:
            group = int(self._gen.duplicates.group[other])
            if group not in seen_groups:
                seen_groups.add(group)
                picked.append((score, other))
            if len(picked) == limit:
                break
        return self._hits(picked, None, self._gen.live)

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

    def _filters(self, request: SearchRequest, parsed: ParsedQuery | None) -> tuple[Filters, np.ndarray | None]:
        """The request's filter masks over the documents the query matches, and the query's scores."""
        if parsed is None:
            return apply_filters(self._gen, request, None), None
        found, scores = evaluate(parsed.query, self._gen.postings, self._s, self._gen.doc_count)
        return apply_filters(self._gen, request, found), scores

    def _ranked(
        self, scores: np.ndarray | None, results: np.ndarray, sort: str, start: int, end: int
    ) -> list[tuple[float | None, int]]:
        """(score, docnum) of results ``start``..``end`` in the requested order (score None by date)."""
        if start >= end or not results.any():
            return []
        if sort == "relevance" and scores is not None:
            docs = np.flatnonzero(results)
            top = docs[top_indices(scores[docs], end)]
            return [(float(scores[d]), int(d)) for d in top[start:end]]
        order = self._gen.newest if sort == "newest" else self._gen.oldest
        return [(None, int(docnum)) for docnum in order[results[order]][start:end]]

    def _hits(
        self, ranked: list[tuple[float | None, int]], parsed: ParsedQuery | None, matched: np.ndarray
    ) -> tuple[Hit, ...]:
        pattern, terms = None, []
        if parsed is not None and ranked:
            terms = highlight_terms(parsed, self._s.reader(), schema.BODY)
            pattern = self._gen.forms.pattern(terms)
        hits = []
        for score, docnum in ranked:
            stored = self._s.stored_fields(docnum)
            body = stored.get(schema.BODY) or ""
            others = self._gen.duplicates.others(docnum, matched)
            hits.append(
                Hit(
                    id=stored[schema.ID_FIELD],
                    title=stored.get(schema.TITLE) or "",
                    date=stored_date(stored),
                    source=stored.get(schema.SOURCE) or "",
                    url=stored.get(schema.URL) or "",
                    snippet=make_snippet(body, find_spans(body, pattern, self._gen.forms, len(terms))),
                    score=None if score is None else round(score, 4),
                    entities=stored_entities(stored),
                    about=stored_about(stored),
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
