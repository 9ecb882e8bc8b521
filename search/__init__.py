"""news-search core: a news corpus becomes a Whoosh index that answers faceted searches.

The packages are the stages, in the order the data flows through them::

    search.ingest     corpus files -> Article            one reader per format, dates, `corpus fetch`
    search.entities   Article -> Entities                NLTK finds names; our rules type them
    search.indexing   Article + Entities -> index        schema, documents, worker processes, one writer
    search.retrieve   SearchRequest -> SearchPage        query language, BM25F, facet counts, snippets

Beside them: ``models`` (the records that cross stages), ``facets`` (the one registry of facets),
``settings`` (names, defaults and limits), ``errors`` (domain errors), ``cli`` (the command) and
``console`` (what it prints). Imports point down the pipeline, never back. No Flask in here: ``web/``
parses requests into ``SearchRequest`` and serialises ``SearchPage``.
"""
